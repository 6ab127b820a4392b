/* SPDX-License-Identifier: MIT */
/*
 * searchpath: DT_RPATH, DT_RUNPATH and LD_LIBRARY_PATH as the loader reads
 * them: split into elements, $ORIGIN, ${ORIGIN}, $LIB and $PLATFORM
 * expanded, secure mode's restrictions applied, repeats dropped. Strings
 * only: nothing is opened here.
 */
#ifndef LW_SEARCHPATH_H
#define LW_SEARCHPATH_H

#include <stdbool.h>

#include "resolve.h"
#include "sbuf.h"

/* one element: as written, and expanded, ending in '/' ("" is the working directory) */
struct searchpath_dir {
	char *entry;
	char *dir;
};

struct searchpath {
	struct searchpath_dir *d;
	unsigned n;
};

/* s holds a DST ld.so knows ($ORIGIN, $PLATFORM, $LIB, braced or not) */
bool searchpath_has_dst(const char *s);
/*
 * in, its DSTs replaced, into b. false when ld.so drops it: a DST without
 * a value (origin, env->platform or env->lib NULL), or in secure mode a
 * $ORIGIN not leading, or (is_exec) one that leaves the system directories
 */
bool searchpath_expand(struct sbuf *b, const char *in, const char *origin, bool is_exec,
		       const struct resolve_env *env);
/* $ORIGIN of an object found at path: its directory, made absolute with
 * cwd; NULL when unknown. malloc'd.
 */
char *searchpath_origin(const char *path, const char *cwd);
/* s split at any of seps into l (fillin_rpath's rules). 0 or -ENOMEM. */
int searchpath_split(const char *s, const char *seps, const char *origin, bool is_exec,
		     const struct resolve_env *env, struct searchpath *l);
/* a fixed list (the default directories, each ending in '/'), as is. 0 or -ENOMEM. */
int searchpath_dirs(const char *const *dirs, struct searchpath *l);
void searchpath_free(struct searchpath *l);

#endif
