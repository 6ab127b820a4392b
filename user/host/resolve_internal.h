/* SPDX-License-Identifier: MIT */
/* resolve_internal.h: what resolve.c (glibc's search) and resolve_musl.c share */
#ifndef LW_RESOLVE_INTERNAL_H
#define LW_RESOLVE_INTERNAL_H

#include <stdbool.h>

#include "resolve.h"

struct ctx {
	int rootfd;
	const struct resolve_env *env;
	struct resolve_name *out;
	const char *name;	/* expanded */
	bool other_class;	/* ld.so's found_other_class */
	int err;		/* ld.so's errno at the end */
};

/* a candidate appended to c->out (strings copied); NULL past RESOLVE_CAND_MAX or without memory */
struct resolve_cand *resolve_add_cand(struct ctx *c, int from, uint16_t owner, const char *entry,
				      const char *dir, const char *sub, const char *path);
/* open it inside the root as the loader would and verify it as glibc's open_verify */
void resolve_check(struct ctx *c, struct resolve_cand *cd);
/* the candidate ends the load (a file that is no loadable ELF) */
bool resolve_fatal(const struct resolve_cand *cd);

/* musl's load_library for a name without '/': 1 found, 0 not found, -1 the load fails */
int resolve_musl_search(struct ctx *c, const struct resolve_object *obj,
			const struct resolve_object *loaders, unsigned n_loaders);
/* musl maps the first file it opens: another class or machine is fatal there */
void resolve_musl_verdict(struct resolve_cand *cd);

#endif
