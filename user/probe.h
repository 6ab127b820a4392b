/* SPDX-License-Identifier: MIT */
/* probe: open, load and attach the BPF side; the tracked set; counters */
#ifndef LW_PROBE_H
#define LW_PROBE_H

#include <stdint.h>
#include "ldwatch.h"

struct probe;

struct probe_cfg {
	uint32_t need;		/* LW_PF_* a process needs to be tracked; 0: all */
	uint32_t ring_bytes;	/* ring buffer size, power of two */
	uint64_t wakeup_bytes;	/* pending bytes that force a wakeup */
	int (*on_event)(void *ctx, void *data, size_t size);
	void *ctx;
};

struct probe_info {
	int n_progs;		/* programs attached */
	const char *tracefs;	/* "present" or "mounted-private" */
};

int probe_open(const struct probe_cfg *cfg, struct probe **pp, struct probe_info *info);
void probe_close(struct probe *p);
/* stop producing: records and counters are final once drained */
void probe_detach(struct probe *p);
int probe_epoll_fd(struct probe *p);
int probe_consume(struct probe *p);
int probe_track(struct probe *p, uint32_t tgid, uint32_t flags);
int probe_untrack(struct probe *p, uint32_t tgid);
int probe_stats(struct probe *p, struct lw_stats *out);

#endif
