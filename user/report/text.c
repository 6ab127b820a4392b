// SPDX-License-Identifier: MIT
/* text: each record as a block people read, every string escaped (print_*_plain) */
#include <stdio.h>
#include <string.h>
#include "errnames.h"
#include "escape.h"
#include "hwcaps.h"
#include "event.h"
#include "report_internal.h"

static void text_line(struct sbuf *b, const char *key, const char *v)
{
	if (!v)
		return;
	sbuf_printf(b, "  %s: ", key);
	escape_text(b, v, strlen(v));
	sbuf_putc(b, '\n');
}

static const char *errname(int e, char *buf, size_t n)
{
	const char *s = errno_name(e);

	if (s)
		return s;
	snprintf(buf, n, "E%d", e);
	return buf;
}


void print_finding_plain(struct sbuf *b, const struct finding *f, int64_t off)
{
	unsigned i, hidden;
	char eb[16];

	sbuf_printf(b, "%s (%s) pid %u ", lw_kind_name(f->v.kind), lw_severity_name(f->v.severity), f->pid);
	escape_text(b, f->comm, strlen(f->comm));
	sbuf_puts(b, "\n  time: ");
	fmt_ts(b, f->ts_ns, off);
	sbuf_printf(b, "\n  process: pid %u, ppid %u, uid %u\n", f->pid, f->ppid, f->uid);
	text_line(b, "exe", f->v.exe);
	text_line(b, "cwd", f->cwd);
	text_line(b, "object", f->v.object);
	text_line(b, "needed by", f->v.needed_by);
	text_line(b, "symbol", f->v.symbol);
	text_line(b, "version", f->v.version);
	text_line(b, "dependency", f->v.dependency);
	text_line(b, "elf class", f->v.elf_class);
	text_line(b, "machine", f->v.machine);
	text_line(b, "variable", f->v.variable);
	text_line(b, "root (host)", f->root);
	text_line(b, "object (host)", f->object_host);
	text_line(b, "incomplete", f->incomplete);
	if (f->container) {
		const struct ctr_ctx *k = f->container;

		if (k->runtime || k->id) {
			sbuf_printf(b, "  container: %s ", k->runtime ? k->runtime : "unknown");
			escape_text(b, k->id ? k->id : "-", strlen(k->id ? k->id : "-"));
		} else {
			sbuf_puts(b, "  container: not recognised from its cgroup");
		}
		if (k->pod_uid)
			sbuf_printf(b, ", pod %s", k->pod_uid);
		sbuf_printf(b, ", pid %u inside, mntns %u, cgroup ", k->nspid, k->mntns);
		escape_text(b, k->cgroup ? k->cgroup : "?", strlen(k->cgroup ? k->cgroup : "?"));
		sbuf_putc(b, '\n');
	}
	if (f->go_pid) {
		sbuf_printf(b, "  go: pid %u, go ", f->go_pid);
		escape_text(b, f->go_cmd ? f->go_cmd : "", f->go_cmd ? strlen(f->go_cmd) : 0);
		sbuf_putc(b, '\n');
	}
	text_line(b, "cause", lw_cause_name(f->v.cause));
	text_line(b, "mount", f->v.mount);
	if (f->v.err)
		sbuf_printf(b, "  errno: %s\n", errname(f->v.err, eb, sizeof(eb)));
	if (f->exit_code >= 0)
		sbuf_printf(b, "  exit: %d\n", f->exit_code);
	if (f->signal >= 0)
		sbuf_printf(b, "  signal: %d\n", f->signal);
	text_line(b, "message", f->v.message);
	for (i = 0, hidden = 0; i < f->n_attempts; i++)
		hidden += hwcaps_is_variant(f->attempts[i].path);
	if (hidden == f->n_attempts)
		hidden = 0;
	if (hidden)
		sbuf_printf(b, "  tried: (%u lookups; %u in glibc-hwcaps and legacy hwcaps "
			    "subdirectories not shown, see --json)\n", f->n_attempts, hidden);
	else if (f->n_attempts)
		sbuf_puts(b, "  tried:\n");
	for (i = 0; i < f->n_attempts; i++) {
		const struct attempt *a = &f->attempts[i];

		if (hidden && hwcaps_is_variant(a->path))
			continue;
		sbuf_printf(b, "    %-10s %-8s ", op_name(a->op),
			    a->err ? errname(a->err, eb, sizeof(eb)) : "ok");
		escape_text(b, a->path, strlen(a->path));
		sbuf_putc(b, '\n');
	}
	text_line(b, "hint", f->v.hint);
	text_line(b, "fix", f->v.fix);
	sbuf_putc(b, '\n');
}

void print_ready_plain(struct sbuf *b, const struct ready_info *ri)
{
	unsigned i, nup = 0;

	for (i = 0; i < ri->n_files; i++)
		nup += ri->files[i].n;
	sbuf_printf(b, "ready: ldwatch %s, scope %s, %d probes attached, %u loader "
		    "uprobes in %u files\n\n", ri->version, ri->scope, ri->probes, nup,
		    ri->n_files);
}

void print_uprobes_plain(struct sbuf *b, const char *path, uint32_t pid, unsigned n, int attached)
{
	sbuf_printf(b, "uprobes: %s %u in ", attached ? "attached" : "released", n);
	escape_text(b, path, strlen(path));
	if (pid)
		sbuf_printf(b, " (the root of pid %u)", pid);
	sbuf_putc(b, '\n');
}

void print_repeat_plain(struct sbuf *b, const struct repeat *r)
{
	sbuf_printf(b, "repeat: %s ", lw_kind_name(r->kind));
	escape_text(b, r->object ? r->object : "", r->object ? strlen(r->object) : 0);
	if (r->id) {
		sbuf_printf(b, " in %s ", r->runtime ? r->runtime : "container");
		escape_text(b, r->id, strlen(r->id));
	} else {
		sbuf_puts(b, " by ");
		escape_text(b, r->exe ? r->exe : "?", r->exe ? strlen(r->exe) : 1);
	}
	sbuf_printf(b, ": %u more times (%u in all)\n", r->count, r->total);
}

void print_load_plain(struct sbuf *b, const struct load *l)
{
	sbuf_printf(b, "load pid %u ", l->pid);
	escape_text(b, l->comm, strlen(l->comm));
	sbuf_puts(b, ": ");
	escape_text(b, l->name, strlen(l->name));
	sbuf_puts(b, " -> ");
	escape_text(b, l->path ? l->path : "?", strlen(l->path ? l->path : "?"));
	sbuf_printf(b, " (%u us)\n", l->duration_us);
}

void print_stats_plain(struct sbuf *b, const struct final_stats *fs)
{
	uint64_t lost = fs->k.lost_reserve + fs->k.lost_read;

		sbuf_printf(b, "stats: %llu events, %llu lost (%llu ring full, %llu unreadable), "
			    "%llu findings, %.1f s\n",
			    (unsigned long long)fs->k.events, (unsigned long long)lost,
			    (unsigned long long)fs->k.lost_reserve,
			    (unsigned long long)fs->k.lost_read,
			    (unsigned long long)fs->u.findings, fs->seconds);
}
