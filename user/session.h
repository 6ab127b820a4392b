/* SPDX-License-Identifier: MIT */
/* session: one watch, its stages wired together */
#ifndef LW_SESSION_H
#define LW_SESSION_H

/*
 * The ring's records go to the correlator, its findings to the sink, its
 * questions to host facts (the exe cache, /proc) and to the probes. main()
 * drives it in this order: open, attach, track, ready, watch; then pump from
 * the loop; then finish, close. Each step says on stderr what went wrong,
 * once; main only decides the exit status.
 */

#include <stdint.h>
#include <sys/types.h>

struct cli_config;
struct final_stats;
struct session;

/* the sink, our pid namespace against the kernel's, the exe cache, the correlator */
int session_open(const struct cli_config *o, struct session **out);
/*
 * load and attach the BPF side for o's scope (cg_id, cg_level: --cgroup's,
 * 0 for none), then probe the loader files in use already
 */
int session_attach(struct session *s, const struct cli_config *o, uint64_t cg_id,
		   uint32_t cg_level);
/* track the running processes o's scope takes in (child: -- CMD's, 0 when none) */
int session_track(struct session *s, const struct cli_config *o, pid_t child);
/* -- CMD's child, still held: its cwd, its binary read, tracked; -errno, not said */
int session_track_child(struct session *s, pid_t child, const char *cmd);
/* the ready record; from now on uprobes come and go off the loop */
void session_ready(struct session *s, const struct cli_config *o, pid_t child);
/* the ring (EPOLLIN) and the mount table (EPOLLPRI) added to epoll fd efd; -errno for the ring */
int session_watch(struct session *s, int efd);
/* the loop is about to wait: the work since the last read counts as a stall */
void session_waits(struct session *s);
/*
 * the loop's turn after a wait that woke on fd (-1: none): the worker's
 * attaches filed, the ring read for a batch, time told. 1 when more is waiting
 */
int session_pump(struct session *s, int fd);
/* every few seconds: gone processes' and unmounted images' loader probes let go */
void session_housekeep(struct session *s);
/* records lost since the last word on it, said */
void session_warn_losses(struct session *s);
/*
 * a stats record, periodic (final 0: skipped without the kernel's counters)
 * or the last; seconds watched. Its numbers in *fs unless NULL. 0 or -errno
 */
int session_stats(struct session *s, int final, double seconds, struct final_stats *fs);
/* SIGHUP: the -o file opened again (log rotation) */
void session_reopen(struct session *s);
/* SIGUSR1: the findings so far by root cause */
void session_summary(struct session *s);
/* stop: detach, drain what is left within a deadline, the final stats record */
void session_finish(struct session *s, double seconds);
/* the probes first (detached before main waits on anything), then the rest; NULL is fine */
void session_close(struct session *s);

#endif
