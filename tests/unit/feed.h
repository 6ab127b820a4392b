/* test helper: build raw ring-buffer records the way the BPF side does */
#ifndef TEST_FEED_H
#define TEST_FEED_H

#include <stdint.h>
#include <string.h>
#include "event.h"

struct raw {
	struct lw_event ev;
	char data[LW_PATH_MAX + LW_BASE_MAX];
};

static uint32_t raw_uid;	/* uid stamped on every record built */
static uint32_t raw_ppid;	/* ppid stamped on every record built; 0: 1 */

/* comps: the base as the kernel sends it, leaf first, NUL-separated */
static inline size_t raw_make(struct raw *r, uint32_t type, uint32_t pid, uint32_t op,
			      int32_t ret, const char *path, size_t path_len,
			      const char *comps, size_t comps_len)
{
	memset(r, 0, sizeof(*r));
	r->ev.type = type;
	r->ev.pid = pid;
	r->ev.tid = pid;
	r->ev.ppid = raw_ppid ? raw_ppid : 1;
	r->ev.uid = raw_uid;
	r->ev.start_ns = 1000 + pid;
	r->ev.ts_ns = 5000000000ull;
	r->ev.op = op;
	r->ev.ret = ret;
	r->ev.dfd = -100;
	memcpy(r->ev.comm, "prog", 5);
	memcpy(r->data, path, path_len);
	memcpy(r->data + path_len, comps, comps_len);
	r->ev.path_len = path_len;
	r->ev.base_len = comps_len;
	if (comps_len)
		r->ev.str_flags |= LW_SF_BASE_CWD;
	return sizeof(r->ev) + path_len + comps_len;
}

#endif
