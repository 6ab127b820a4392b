/* SPDX-License-Identifier: MIT */
/* event: decode and check one ring-buffer record */
#ifndef LW_EVENT_H
#define LW_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "ldwatch.h"

#define LW_FULL_MAX (LW_PATH_MAX + LW_BASE_MAX + 2)

struct lw_rec {
	struct lw_event ev;		/* fixed part, copied out aligned */
	const char *data;		/* path bytes (or fd-2 bytes), in the raw record */
	size_t data_len;
	char base[LW_BASE_MAX + 2];	/* joined base: "/a/b"; "" when none was sent */
	size_t base_len;
	char full[LW_FULL_MAX];		/* path made absolute against base, "." segments dropped;
					 * LW_EV_NS: the cgroup's path ("" when not sent) */
	size_t full_len;
	/* LW_EV_LOADER: its strings, each NUL-terminated in lstr; missing ones are "" */
	const char *str[LW_LSTR_N];
	char lstr[LW_PATH_MAX + LW_LSTR_N + 1];
};

int event_decode(const void *raw, size_t size, struct lw_rec *r);
size_t event_join_components(const char *comps, size_t n, char *out, size_t cap);
size_t event_resolve(const char *base, const char *path, size_t path_len,
		     char *out, size_t cap);
const char *op_name(uint32_t op);

#endif
