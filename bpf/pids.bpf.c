// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ldwatch's own pid namespace against the kernel's: a task iterator that
 * writes, for every process visible in that namespace, its pid there and
 * its tgid as the kernel (and every other BPF program) sees it. Run on
 * demand by reading the iterator; attached to nothing else.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "ldwatch.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 cfg_pidns = 0;	/* ldwatch's pid namespace inode */

#define PIDNS_LEVEL_MAX	32	/* MAX_PID_NS_LEVEL */

/* dump_pids: iter/task; one struct lw_pidpair per process (group leader) in cfg_pidns */
SEC("iter/task")
int dump_pids(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct lw_pidpair out = {};
	struct pid *pid;
	unsigned int level;

	if (!t || t->pid != t->tgid)
		return 0;
	pid = BPF_CORE_READ(t, thread_pid);
	level = BPF_CORE_READ(pid, level);
	for (int i = 0; i < PIDNS_LEVEL_MAX; i++) {
		struct upid up;

		if (i > level || bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[i]))
			break;
		if (BPF_CORE_READ(up.ns, ns.inum) == cfg_pidns) {
			out.nspid = up.nr;
			out.tgid = t->tgid;
			out.level = i;
			bpf_seq_write(ctx->meta->seq, &out, sizeof(out));
			break;
		}
	}
	return 0;
}
