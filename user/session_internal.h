/* SPDX-License-Identifier: MIT */
/* session_internal: the state of one watch, for session.c and its exporter (session_metrics.c) */
#ifndef LW_SESSION_INTERNAL_H
#define LW_SESSION_INTERNAL_H

#include <limits.h>
#include <stdint.h>
#include "event.h"
#include "probe.h"

struct corr;
struct output;
struct pidns;
struct loaders;
struct execache;
struct metrics;

struct session {
	struct corr *corr;
	struct output *out;
	struct probe *pr;
	struct probe_info info;
	struct pidns *pn;	/* our pid namespace against the kernel's; NULL: the same */
	struct loaders *ld;	/* loader files probed ahead: an image's as it is mounted */
	struct execache *ec;	/* each image read once: Go-built or not */
	int rootfd;		/* our root ("/"), held */
	/*
	 * where processes are read: /proc, in our pid namespace's names (pn
	 * translates), or --host-proc's, in the kernel's own (nothing to)
	 */
	const char *proc;
	struct pidns *proc_pn;
	uint32_t self_kpid;	/* ldwatch as the kernel names it */
	const char *pod_logs;	/* the kubelet's /var/log/pods (--pod-logs) */
	const char *mountinfo;	/* the host's mount table: ours, or its init's */
	char mi_path[PATH_MAX];
	uint32_t host_mntns;	/* its init's mount namespace; 0: ours is the host's */
	int mfd;		/* the mount table, polled; -1 before session_watch */
	const char *output;	/* -o, as given */
	int summary;		/* --summary: one at exit */
	struct lw_rec rec;
	uint64_t received;
	uint64_t loss_prev;	/* the kernel's losses before the batch read last */
	uint64_t lost_seen;	/* losses said so far */
	int ready;		/* the ready record is out: later probes are told */
	double batch_end;	/* a consume call hands the loop back after this */
	double t_read;		/* when the ring was read last; 0 before */
	double stall_max;	/* the longest on one record or between two reads, s */
	struct metrics *metrics;	/* --metrics; NULL: none */
	int mxfd;		/* its epoll fd, in the loop's; -1: none */
	int stats_fd;		/* BPF_STATS_RUN_TIME, held while --metrics is on; -1: none */
};

/* session_metrics.c: --metrics on (0, -errno), the loop's share of its work, off */
int session_metrics_open(struct session *s, const char *addr);
void session_metrics_close(struct session *s);

#endif
