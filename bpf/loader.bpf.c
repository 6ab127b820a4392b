// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ldwatch loader uprobes: the dynamic loader's own verdicts (glibc's exported
 * error points in ld.so, and their libc copies in glibc <= 2.36), dlopen and
 * dlmopen with their result, and Go's plugin.Open. Attached by user space to
 * each distinct ld.so, libc and Go binary; the cookie says which file.
 *
 * All are entry probes on cold error paths except dlopen's return, the one
 * return probe: a uprobe hit costs ~20 us here, a probe never hit nothing.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* a dlopen in flight per thread: when it began, and its name's address */
struct dl_call {
	__u64 ts;
	__u64 name;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct dl_call);
} dl_start SEC(".maps");

/* glibc's struct dl_exception (sysdeps/generic/ldsodefs.h, stable 2.28-2.42) */
struct dl_exception {
	const char *objname;
	const char *errstring;
	char *message_buffer;
};

/*
 * append one user string, NUL-terminated; a NULL or unreadable one is "".
 * A string that must be one (an object name, a message) and cannot be read
 * marks the record (LW_SF_PATH_FAULT) and is counted: a uprobe cannot fault
 * in a page the process has not touched yet.
 */
static __always_inline __u32 put_str_chk(struct scratch *s, __u32 off, const void *uptr, bool must)
{
	int n = 0;

	if (off > LW_PATH_MAX - LW_LSTR_MAX) {
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
		return off;
	}
	opaque(off);
	if (uptr)
		n = bpf_probe_read_user_str(&s->data[off & (LW_PATH_MAX - 1)], LW_LSTR_MAX, uptr);
	if (n <= 0) {
		/* arguments that are not strings (a %u in a format) land here too */
		if (uptr && must) {
			STAT_INC(lost_read);
			s->ev.str_flags |= LW_SF_PATH_FAULT;
		}
		s->data[off & (LW_PATH_MAX - 1)] = '\0';
		n = 1;
	} else if (n == LW_LSTR_MAX) {
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	}
	return off + n;
}

#define put_str(s, off, uptr) put_str_chk(s, off, uptr, true)
/* a format's argument (perhaps a number), or a dlopen name read again at return */
#define put_arg(s, off, uptr) put_str_chk(s, off, uptr, false)

static __always_inline struct scratch *loader_begin(void *ctx, __u32 op)
{
	struct scratch *s = scratch_get();

	if (!s)
		return NULL;
	fill_header(&s->ev, LW_EV_LOADER, bpf_get_current_task_btf());
	s->ev.op = op;
	s->ev.extra = (__u32)bpf_get_attach_cookie(ctx);
	return s;
}

static __always_inline void loader_submit(struct scratch *s, __u32 off)
{
	s->ev.path_len = off & (LW_PATH_MAX - 1);
	submit(s);
}

/*
 * The 6th argument register, for _dl_exception_create_format's 3rd format
 * argument: libbpf 1.1's bpf_tracing.h names PT_REGS_PARM1..5 only (a later
 * libbpf's own definition wins). BPF_KPROBE serves uprobes: 1.1 has no BPF_UPROBE.
 */
#ifndef PT_REGS_PARM6
#if defined(__TARGET_ARCH_x86)
#define PT_REGS_PARM6(x) (__PT_REGS_CAST(x)->r9)
#else
#error "PT_REGS_PARM6: only x86_64's register (r9) is written here; add this arch's"
#endif
#endif

/* handle_dl_exception: _dl_exception_create(e, objname, errstring) in ld.so */
SEC("uprobe")
int BPF_KPROBE(handle_dl_exception, void *e, const char *objname, const char *errstring)
{
	struct scratch *s;
	__u32 off;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_DL_EXCEPTION);
	if (!s)
		return 0;
	off = put_str(s, 0, objname);
	off = put_str(s, off, errstring);
	loader_submit(s, off);
	return 0;
}

/*
 * handle_dl_exception_fmt: _dl_exception_create_format(e, objname, fmt, ...)
 * in ld.so. The formatted text exists only at return; the arguments are read
 * at entry as strings ("version `%s' not found (required by %s)", "undefined
 * symbol: %s%s%s") and user space formats them.
 */
SEC("uprobe")
int BPF_KPROBE(handle_dl_exception_fmt, void *e, const char *objname, const char *fmt,
	       const char *a3, const char *a4)
{
	struct scratch *s;
	__u32 off;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_DL_EXCEPTION_FMT);
	if (!s)
		return 0;
	off = put_str(s, 0, objname);
	off = put_str(s, off, fmt);
	off = put_arg(s, off, a3);
	off = put_arg(s, off, a4);
	off = put_arg(s, off, (const void *)PT_REGS_PARM6(ctx));
	loader_submit(s, off);
	return 0;
}

/* handle_dl_signal_error: _dl_signal_error(errcode, objname, occasion, errstring) */
SEC("uprobe")
int BPF_KPROBE(handle_dl_signal_error, int errcode, const char *objname,
	       const char *occasion, const char *errstring)
{
	struct scratch *s;
	__u32 off;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_DL_SIGNAL_ERROR);
	if (!s)
		return 0;
	s->ev.ret = errcode;
	off = put_str(s, 0, objname);
	off = put_str(s, off, errstring);
	off = put_arg(s, off, occasion);	/* not used for verdicts */
	loader_submit(s, off);
	return 0;
}

/* handle_dl_signal_exc: _dl_signal_exception(errcode, e, occasion) */
SEC("uprobe")
int BPF_KPROBE(handle_dl_signal_exc, int errcode, struct dl_exception *e, const char *occasion)
{
	struct dl_exception ex = {};
	struct scratch *s;
	__u32 off;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_DL_SIGNAL_EXC);
	if (!s)
		return 0;
	s->ev.ret = errcode;
	if (bpf_probe_read_user(&ex, sizeof(ex), e))
		STAT_INC(lost_read);
	off = put_str(s, 0, ex.objname);
	off = put_str(s, off, ex.errstring);
	off = put_arg(s, off, occasion);	/* not used for verdicts */
	loader_submit(s, off);
	return 0;
}

static __always_inline int dlopen_enter(void *ctx, __u32 op, const char *file, int mode)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dl_call call = { .ts = bpf_ktime_get_ns(), .name = (__u64)file };
	struct scratch *s;

	TRACKED_OR_RETURN();
	bpf_map_update_elem(&dl_start, &tid, &call, BPF_ANY);
	s = loader_begin(ctx, op);
	if (!s)
		return 0;
	s->ev.flags = mode;
	loader_submit(s, put_arg(s, 0, file));	/* read again at return */
	return 0;
}

/* handle_dlopen / handle_dlmopen: the name as requested, and the mode */
SEC("uprobe")
int BPF_KPROBE(handle_dlopen, const char *file, int mode)
{
	return dlopen_enter(ctx, LW_OP_DLOPEN, file, mode);
}

SEC("uprobe")
int BPF_KPROBE(handle_dlmopen, long lmid, const char *file, int mode)
{
	return dlopen_enter(ctx, LW_OP_DLMOPEN, file, mode);
}

/*
 * handle_dlopen_ret: the handle (NULL is a failure), how long it took, and
 * the name read again: at entry its page may not have been faulted in yet
 * (a uprobe cannot fault), by now the loader has read it.
 */
SEC("uretprobe")
int BPF_KRETPROBE(handle_dlopen_ret, void *handle)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dl_call *call;
	struct scratch *s;
	__u32 off = 0;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_DLOPEN_RET);
	if (!s)
		return 0;
	call = bpf_map_lookup_elem(&dl_start, &tid);
	if (call) {
		s->ev.aux = (bpf_ktime_get_ns() - call->ts) / 1000;
		off = put_str(s, 0, (const void *)call->name);
		bpf_map_delete_elem(&dl_start, &tid);
	}
	s->ev.ret = handle != NULL;
	loader_submit(s, off);
	return 0;
}

/*
 * Go's internal register ABI (1.17+) is not the C one PT_REGS_PARMn reads,
 * and libbpf has no reader for it: amd64 passes integer arguments in RAX,
 * RBX, RCX, RDI, ... (Go's src/cmd/compile/abi-internal.md). Only amd64's is here.
 */
#if defined(__TARGET_ARCH_x86)
#define GO_PARM1(x) ((x)->ax)
#define GO_PARM2(x) ((x)->bx)
#else
#error "handle_go_plugin_open reads Go's amd64 register ABI only; add this arch's"
#endif

/*
 * handle_go_plugin_open: Go's plugin.open(name string), behind plugin.Open. Go's register ABI
 * passes the string as (data, len) in its first two registers. An entry probe
 * only: Go moves stacks, so a return probe could corrupt it.
 */
SEC("uprobe")
int handle_go_plugin_open(struct pt_regs *ctx)
{
	const char *data = (const char *)GO_PARM1(ctx);
	__u64 len = GO_PARM2(ctx);
	struct scratch *s;

	TRACKED_OR_RETURN();
	s = loader_begin(ctx, LW_OP_GO_PLUGIN_OPEN);
	if (!s)
		return 0;
	if (len > LW_LSTR_MAX - 1) {
		len = LW_LSTR_MAX - 1;
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	}
	len &= LW_LSTR_MAX - 1;
	if (len && bpf_probe_read_user(s->data, len, data)) {
		STAT_INC(lost_read);
		len = 0;
	}
	s->data[len & (LW_LSTR_MAX - 1)] = '\0';
	loader_submit(s, len + 1);
	return 0;
}
