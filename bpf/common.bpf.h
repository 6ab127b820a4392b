/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every ldwatch BPF object shares: load-time settings, the maps user
 * space hands to each object (events, tracked, stats: one set, reused by fd),
 * the tracked-set check and the record plumbing.
 */
#ifndef LW_COMMON_BPF_H
#define LW_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ldwatch.h"

#define AT_FDCWD	-100
#define AT_EMPTY_PATH	0x1000
#define PROT_EXEC	0x4
#define MNT_NOEXEC	0x4

/* hide a value from the compiler so a mask that the verifier needs stays */
#define opaque(v) asm volatile("" : "+r"(v))

/* load-time settings, written by user space before load */
const volatile __u32 cfg_self_tgid = 0;
const volatile __u32 cfg_need = LW_PF_GO;	/* flags a process needs; 0: every process */
const volatile __u64 cfg_wakeup_bytes = 256 * 1024;
const volatile __u32 cfg_host_mntns = 0;	/* the host's mount namespace inode */
const volatile __u32 cfg_host_root_dev = 0;	/* the host's root directory: kernel dev_t */
const volatile __u64 cfg_host_root_ino = 0;	/* and inode */
const volatile __u64 cfg_cgroup_id = 0;		/* --cgroup: only processes in it or below */
const volatile __u32 cfg_cgroup_level = 0;	/* its depth under the cgroup v2 root */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);		/* resized by user space */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct lw_proc);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lw_stats);
} stats SEC(".maps");

/* one record being built: fixed part, then path and base packed after it */
struct scratch {
	struct lw_event ev;
	char data[LW_PATH_MAX + LW_BASE_MAX];
	char base[LW_BASE_MAX + LW_NAME_MAX + 1];	/* walk output before packing */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} heap SEC(".maps");

static __always_inline struct lw_stats *stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

#define STAT_INC(field)					\
	do {						\
		struct lw_stats *__s = stats_get();	\
		if (__s)				\
			__s->field++;			\
	} while (0)

/*
 * task is a BTF pointer (bpf_get_current_task_btf(), a tp_btf argument): its
 * fields are plain loads the JIT guards, cheaper than a probe-read helper
 * call each, on every tracked event
 */
static __always_inline __u64 leader_start(struct task_struct *task)
{
	return task->group_leader->start_boottime;
}

/* --cgroup: one helper call; without it the check is compiled out at load */
static __always_inline bool in_cgroup(void)
{
	if (!cfg_cgroup_id)
		return true;
	return bpf_get_current_ancestor_cgroup_id(cfg_cgroup_level) == cfg_cgroup_id;
}

/*
 * The tracked set. A (pid, start time) pair names a process: an entry whose
 * start time does not match the current process is a reused pid's leftover
 * and is dropped. Entries that user space inserts carry start 0 and are
 * pinned at first sight.
 */
static __always_inline bool is_tracked(__u32 tgid)
{
	struct lw_proc *p;
	__u64 start;

	if (tgid == cfg_self_tgid)
		return false;
	if (!cfg_need)
		return in_cgroup();
	p = bpf_map_lookup_elem(&tracked, &tgid);
	if (!p)
		return false;
	if ((p->flags & cfg_need) != cfg_need)
		return false;
	start = leader_start(bpf_get_current_task_btf());
	if (p->start_ns != start) {
		if (p->start_ns) {
			bpf_map_delete_elem(&tracked, &tgid);
			return false;
		}
		p->start_ns = start;
	}
	return in_cgroup();
}

static __always_inline bool wants(__u32 flags)
{
	return (flags & cfg_need) == cfg_need;
}

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&heap, &zero);
}

/* the fields every record has, of the task at hand; lengths and flags are left as they are */
static __always_inline void fill_ids(struct lw_event *e, __u32 type, struct task_struct *task)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->ts_ns = bpf_ktime_get_ns();
	e->start_ns = leader_start(task);
	e->type = type;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = task->real_parent->tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = 0;
	e->op = 0;
	e->dfd = AT_FDCWD;
	e->flags = 0;
	e->aux = 0;
	e->extra = 0;
	e->__pad = 0;
	e->__pad2 = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* a new record: its ids, no path, no base, no flags */
static __always_inline void fill_header(struct lw_event *e, __u32 type,
					struct task_struct *task)
{
	fill_ids(e, type, task);
	e->path_len = 0;
	e->base_len = 0;
	e->str_flags = 0;
}

/* batch wakeups: one per cfg_wakeup_bytes of pending data, not per record */
/* records wait for the reader's timer, unless the ring fills or `now` */
static __always_inline void submit_now(struct scratch *s, bool now)
{
	__u32 size = sizeof(s->ev) + s->ev.path_len + s->ev.base_len;
	struct lw_stats *st = stats_get();
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (now || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (size > sizeof(s->ev) + sizeof(s->data))
		return;
	if (bpf_ringbuf_output(&events, s, size, flags)) {
		if (st)
			st->lost_reserve++;
		return;
	}
	if (st)
		st->events++;
}

static __always_inline void submit(struct scratch *s)
{
	submit_now(s, false);
}

/* the untracked fast path: one lookup, before any argument is read */
#define TRACKED_OR_RETURN()						\
	do {								\
		if (!is_tracked(bpf_get_current_pid_tgid() >> 32))	\
			return 0;					\
	} while (0)

#endif /* LW_COMMON_BPF_H */
