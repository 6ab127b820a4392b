// SPDX-License-Identifier: MIT
/* text: each record as a block people read, every string escaped (print_*_plain) */
#include <stdio.h>
#include <string.h>
#include "errnames.h"
#include "escape.h"
#include "hwcaps.h"
#include "event.h"
#include "report_internal.h"


/* SGR sequences, on a terminal only (--color): the verdict bold, red for an
 * error and yellow for a warning; the hint's and the fix's names bold
 */
#define SGR_ERROR	"\033[1;31m"
#define SGR_WARNING	"\033[1;33m"
#define SGR_BOLD	"\033[1m"
#define SGR_FIX		"\033[1;32m"
#define SGR_OFF		"\033[0m"

static void text_key(struct sbuf *b, const char *key, const char *v, const char *sgr)
{
	if (!v)
		return;
	sbuf_printf(b, "  %s%s:%s ", sgr ? sgr : "", key, sgr ? SGR_OFF : "");
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


void print_finding_plain(struct sbuf *b, const struct finding *f, int64_t off, int color)
{
	unsigned i, hidden;
	char eb[16];

	if (color)
		sbuf_puts(b, f->v.severity == LW_SEV_WARNING ? SGR_WARNING : SGR_ERROR);
	sbuf_printf(b, "%s (%s) pid %u ", lw_kind_name(f->v.kind), lw_severity_name(f->v.severity), f->pid);
	escape_text(b, f->comm, strlen(f->comm));
	if (color)
		sbuf_puts(b, SGR_OFF);
	sbuf_puts(b, "\n  time: ");
	fmt_ts(b, f->ts_ns, off);
	sbuf_printf(b, "\n  process: pid %u, ppid %u, uid %u\n", f->pid, f->ppid, f->uid);
	text_key(b, "exe", f->v.exe, NULL);
	text_key(b, "cwd", f->cwd, NULL);
	text_key(b, "object", f->v.object, NULL);
	text_key(b, "needed by", f->v.needed_by, NULL);
	text_key(b, "symbol", f->v.symbol, NULL);
	text_key(b, "version", f->v.version, NULL);
	text_key(b, "dependency", f->v.dependency, NULL);
	text_key(b, "elf class", f->v.elf_class, NULL);
	text_key(b, "machine", f->v.machine, NULL);
	text_key(b, "variable", f->v.variable, NULL);
	text_key(b, "root (host)", f->root, NULL);
	text_key(b, "object (host)", f->object_host, NULL);
	text_key(b, "incomplete", f->incomplete, NULL);
	if (f->container) {
		const struct ctr_ctx *k = f->container;

		if (k->runtime || k->id) {
			sbuf_printf(b, "  container: %s ", k->runtime ? k->runtime : "unknown");
			escape_text(b, k->id ? k->id : "-", strlen(k->id ? k->id : "-"));
		} else {
			sbuf_puts(b, "  container: not recognised from its cgroup");
		}
		if (k->pod_namespace && k->pod_name) {
			sbuf_puts(b, ", pod ");
			escape_text(b, k->pod_namespace, strlen(k->pod_namespace));
			sbuf_putc(b, '/');
			escape_text(b, k->pod_name, strlen(k->pod_name));
			if (k->pod_container) {
				sbuf_puts(b, " container ");
				escape_text(b, k->pod_container, strlen(k->pod_container));
			}
		}
		if (k->pod_uid)
			sbuf_printf(b, "%s %s", k->pod_namespace ? " uid" : ", pod", k->pod_uid);
		sbuf_printf(b, ", pid %u inside, mntns %u, cgroup ", k->nspid, k->mntns);
		escape_text(b, k->cgroup ? k->cgroup : "?", strlen(k->cgroup ? k->cgroup : "?"));
		sbuf_putc(b, '\n');
	}
	if (f->go_pid) {
		sbuf_printf(b, "  go: pid %u, go ", f->go_pid);
		escape_text(b, f->go_cmd ? f->go_cmd : "", f->go_cmd ? strlen(f->go_cmd) : 0);
		sbuf_putc(b, '\n');
	}
	text_key(b, "cause", lw_cause_name(f->v.cause), NULL);
	text_key(b, "mount", f->v.mount, NULL);
	if (f->v.err)
		sbuf_printf(b, "  errno: %s\n", errname(f->v.err, eb, sizeof(eb)));
	if (f->exit_code >= 0)
		sbuf_printf(b, "  exit: %d\n", f->exit_code);
	if (f->signal >= 0)
		sbuf_printf(b, "  signal: %d\n", f->signal);
	text_key(b, "message", f->v.message, NULL);
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
	text_key(b, "hint", f->v.hint, color ? SGR_BOLD : NULL);
	text_key(b, "fix", f->v.fix, color ? SGR_FIX : NULL);
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

void print_summary_plain(struct sbuf *b, const struct summary *s, int64_t off)
{
	sbuf_printf(b, "summary: %llu findings, %u root causes", (unsigned long long)s->total, s->n);
	if (s->other)
		sbuf_printf(b, " (and %llu findings past the first %u causes)",
			    (unsigned long long)s->other, s->n);
	if (s->total) {
		sbuf_puts(b, ", ");
		fmt_ts(b, s->first_ns, off);
		sbuf_puts(b, " to ");
		fmt_ts(b, s->last_ns, off);
	}
	sbuf_putc(b, '\n');
	for (unsigned i = 0; i < s->n; i++) {
		const struct summary_group *g = &s->g[i];

		sbuf_printf(b, "  %6llu  %s ", (unsigned long long)g->count, lw_kind_name(g->kind));
		escape_text(b, g->object ? g->object : "-", strlen(g->object ? g->object : "-"));
		if (g->who) {
			sbuf_puts(b, " (");
			escape_text(b, g->who, strlen(g->who));
			sbuf_putc(b, ')');
		}
		if (g->ctr) {
			sbuf_puts(b, " in container ");
			escape_text(b, g->ctr, strlen(g->ctr));
		}
		sbuf_puts(b, ", first ");
		fmt_ts(b, g->first_ns, off);
		sbuf_puts(b, ", last ");
		fmt_ts(b, g->last_ns, off);
		sbuf_putc(b, '\n');
	}
	sbuf_putc(b, '\n');
}
