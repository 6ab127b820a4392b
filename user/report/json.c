// SPDX-License-Identifier: MIT
/* json: each record as one JSON Lines object, every string escaped (print_*_json) */
#include <string.h>
#include <time.h>
#include "errnames.h"
#include "escape.h"
#include "event.h"
#include "report_internal.h"

static void json_str(struct sbuf *b, const char *key, const char *v)
{
	sbuf_printf(b, ",\"%s\":", key);
	if (!v) {
		sbuf_puts(b, "null");
		return;
	}
	sbuf_putc(b, '"');
	escape_json(b, v, strlen(v));
	sbuf_putc(b, '"');
}

static void json_int(struct sbuf *b, const char *key, long long v, int null_if_neg)
{
	if (null_if_neg && v < 0)
		sbuf_printf(b, ",\"%s\":null", key);
	else
		sbuf_printf(b, ",\"%s\":%lld", key, v);
}

static void json_errno(struct sbuf *b, const char *key, int e)
{
	const char *n = errno_name(e);

	if (!e)
		sbuf_printf(b, ",\"%s\":null", key);
	else if (n)
		sbuf_printf(b, ",\"%s\":\"%s\"", key, n);
	else
		sbuf_printf(b, ",\"%s\":\"E%d\"", key, e);
}

/* "container": where a process outside the host's mount namespace lives, or null */
static void json_container(struct sbuf *b, const struct ctr_ctx *k)
{
	if (!k) {
		sbuf_puts(b, ",\"container\":null");
		return;
	}
	sbuf_printf(b, ",\"container\":{\"mntns\":%u,\"pidns\":%u,\"pid\":%u,\"cgroup_id\":%llu",
		    k->mntns, k->pidns, k->nspid, (unsigned long long)k->cgroup_id);
	json_str(b, "cgroup", k->cgroup);
	json_str(b, "runtime", k->runtime);
	json_str(b, "id", k->id);
	json_str(b, "pod_uid", k->pod_uid);
	if (k->pod_namespace && k->pod_name) {
		sbuf_puts(b, ",\"pod\":{\"namespace\":\"");
		escape_json(b, k->pod_namespace, strlen(k->pod_namespace));
		sbuf_putc(b, '"');
		json_str(b, "name", k->pod_name);
		json_str(b, "container", k->pod_container);
		sbuf_putc(b, '}');
	} else {
		sbuf_puts(b, ",\"pod\":null");
	}
	sbuf_putc(b, '}');
}

void print_finding_json(struct sbuf *b, const struct finding *f, int64_t off)
{
	unsigned i;

	sbuf_puts(b, "{\"type\":\"finding\"");
	if (f->mode)
		json_str(b, "mode", f->mode);
	json_str(b, "kind", lw_kind_name(f->v.kind));
	json_str(b, "severity", lw_severity_name(f->v.severity));
	sbuf_puts(b, ",\"ts\":\"");
	fmt_ts(b, f->ts_ns, off);
	sbuf_putc(b, '"');
	json_int(b, "pid", f->pid, 0);
	json_int(b, "ppid", f->ppid, 0);
	json_int(b, "uid", f->uid, 0);
	json_str(b, "comm", f->comm);
	json_str(b, "exe", f->v.exe);
	json_str(b, "cwd", f->cwd);
	json_str(b, "object", f->v.object);
	json_str(b, "needed_by", f->v.needed_by);
	json_str(b, "message", f->v.message);
	json_errno(b, "errno", f->v.err);
	json_str(b, "cause", lw_cause_name(f->v.cause));
	json_str(b, "mount", f->v.mount);
	json_str(b, "symbol", f->v.symbol);
	json_str(b, "version", f->v.version);
	json_str(b, "dependency", f->v.dependency);
	json_str(b, "elf_class", f->v.elf_class);
	json_str(b, "machine", f->v.machine);
	json_str(b, "variable", f->v.variable);
	json_str(b, "root", f->root);
	json_str(b, "object_host", f->object_host);
	json_str(b, "incomplete", f->incomplete);
	if (f->go_pid) {
		sbuf_printf(b, ",\"go\":{\"pid\":%u", f->go_pid);
		json_str(b, "subcommand", f->go_cmd);
		sbuf_putc(b, '}');
	} else {
		sbuf_puts(b, ",\"go\":null");
	}
	json_container(b, f->container);
	sbuf_puts(b, ",\"env\":{");
	for (i = 0; i < f->n_env; i++) {
		const char *eq = strchr(f->env[i], '=');

		if (!eq)
			continue;
		sbuf_puts(b, i ? ",\"" : "\"");
		escape_json(b, f->env[i], eq - f->env[i]);
		sbuf_puts(b, "\":\"");
		escape_json(b, eq + 1, strlen(eq + 1));
		sbuf_putc(b, '"');
	}
	sbuf_putc(b, '}');
	json_int(b, "exit_code", f->exit_code, 1);
	json_int(b, "signal", f->signal, 1);
	sbuf_puts(b, ",\"attempts\":[");
	for (i = 0; i < f->n_attempts; i++) {
		const struct attempt *a = &f->attempts[i];

		sbuf_puts(b, i ? ",{\"path\":\"" : "{\"path\":\"");
		escape_json(b, a->path, strlen(a->path));
		sbuf_printf(b, "\",\"op\":\"%s\"", op_name(a->op));
		json_errno(b, "errno", a->err);
		sbuf_putc(b, '}');
	}
	sbuf_putc(b, ']');
	json_str(b, "hint", f->v.hint);
	json_str(b, "fix", f->v.fix);
	sbuf_puts(b, "}\n");
}

void print_ready_json(struct sbuf *b, const struct ready_info *ri)
{
	unsigned i, j;

	sbuf_printf(b, "{\"type\":\"ready\",\"schema\":%d", LW_SCHEMA_VERSION);
	json_str(b, "version", ri->version);
	json_str(b, "scope", ri->scope);
	json_int(b, "pid", ri->pid, 0);
	json_int(b, "probes", ri->probes, 0);
	json_str(b, "tracefs", ri->tracefs);
	sbuf_puts(b, ",\"uprobes\":[");
	for (i = 0; i < ri->n_files; i++) {
		sbuf_puts(b, i ? ",{\"path\":\"" : "{\"path\":\"");
		escape_json(b, ri->files[i].path, strlen(ri->files[i].path));
		sbuf_puts(b, "\",\"symbols\":[");
		for (j = 0; j < ri->files[i].n; j++)
			sbuf_printf(b, "%s\"%s\"", j ? "," : "", ri->files[i].syms[j]);
		sbuf_puts(b, "]}");
	}
	sbuf_puts(b, "]}\n");
}

void print_uprobes_json(struct sbuf *b, const char *path, uint32_t pid, const char *const *syms,
			unsigned n, int attached)
{
	sbuf_puts(b, "{\"type\":\"uprobes\"");
	json_str(b, "event", attached ? "attached" : "released");
	json_str(b, "path", path);
	json_int(b, "pid", pid ? (long long)pid : -1, 1);
	sbuf_puts(b, ",\"symbols\":[");
	for (unsigned i = 0; i < n; i++)
		sbuf_printf(b, "%s\"%s\"", i ? "," : "", syms[i]);
	sbuf_puts(b, "]}\n");
}

void print_repeat_json(struct sbuf *b, const struct repeat *r, int64_t off)
{
	sbuf_puts(b, "{\"type\":\"repeat\"");
	json_str(b, "kind", lw_kind_name(r->kind));
	json_str(b, "object", r->object);
	json_str(b, "exe", r->exe);
	if (r->id) {
		sbuf_puts(b, ",\"container\":{");
		sbuf_puts(b, "\"runtime\":");
		if (r->runtime) {
			sbuf_putc(b, '"');
			escape_json(b, r->runtime, strlen(r->runtime));
			sbuf_putc(b, '"');
		} else {
			sbuf_puts(b, "null");
		}
		json_str(b, "id", r->id);
		sbuf_putc(b, '}');
	} else {
		sbuf_puts(b, ",\"container\":null");
	}
	sbuf_printf(b, ",\"count\":%u,\"total\":%u,\"first\":\"", r->count, r->total);
	fmt_ts(b, r->first_ns, off);
	sbuf_puts(b, "\",\"last\":\"");
	fmt_ts(b, r->last_ns, off);
	sbuf_puts(b, "\"}\n");
}

void print_load_json(struct sbuf *b, const struct load *l, int64_t off)
{
	sbuf_puts(b, "{\"type\":\"load\",\"ts\":\"");
	fmt_ts(b, l->ts_ns, off);
	sbuf_putc(b, '"');
	json_int(b, "pid", l->pid, 0);
	json_int(b, "ppid", l->ppid, 0);
	json_int(b, "uid", l->uid, 0);
	json_str(b, "comm", l->comm);
	json_str(b, "exe", l->exe);
	json_str(b, "name", l->name);
	json_str(b, "path", l->path);
	json_int(b, "flags", l->flags, 0);
	json_int(b, "duration_us", l->duration_us, 0);
	json_container(b, l->container);
	sbuf_puts(b, "}\n");
}

void print_stats_json(struct sbuf *b, const struct final_stats *fs)
{
	uint64_t lost = fs->k.lost_reserve + fs->k.lost_read;

		sbuf_printf(b, "{\"type\":\"stats\",\"final\":%s,\"events\":%llu,"
			    "\"received\":%llu,\"lost\":%llu,\"lost_reserve\":%llu,"
			    "\"lost_read\":%llu,\"track_full\":%llu,\"tracked\":%llu,"
			    "\"findings\":%llu,\"undecided\":%llu,\"evicted\":%llu,"
			    "\"malformed\":%llu,\"loads\":%llu,\"repeats\":%llu,\"write_errors\":%llu,"
			    "\"filtered\":%llu,\"hits_skipped\":%llu,\"left_unread\":%llu,\"mem_bytes\":%llu,"
			    "\"stall_max_ms\":%.1f,\"seconds\":%.3f}\n",
			    fs->final ? "true" : "false",
			    (unsigned long long)fs->k.events, (unsigned long long)fs->received,
			    (unsigned long long)lost, (unsigned long long)fs->k.lost_reserve,
			    (unsigned long long)fs->k.lost_read,
			    (unsigned long long)fs->k.track_full,
			    (unsigned long long)fs->k.tracked_new,
			    (unsigned long long)fs->u.findings,
			    (unsigned long long)fs->u.undecided,
			    (unsigned long long)fs->u.evicted,
			    (unsigned long long)fs->u.malformed, (unsigned long long)fs->u.loads,
			    (unsigned long long)fs->u.repeats, (unsigned long long)fs->write_errors,
			    (unsigned long long)fs->u.filtered,
			    (unsigned long long)fs->k.hits_skipped,
			    (unsigned long long)fs->left_unread,
		    (unsigned long long)fs->u.mem_bytes, fs->stall_max_ms, fs->seconds);
}

void print_check_json(struct sbuf *b, const char *file, int loads)
{
	sbuf_puts(b, "{\"type\":\"check\"");
	json_str(b, "file", file);
	sbuf_printf(b, ",\"loads\":%s}\n", loads ? "true" : "false");
}

void print_summary_json(struct sbuf *b, const struct summary *s, int64_t off)
{
	sbuf_printf(b, "{\"type\":\"summary\",\"findings\":%llu,\"other\":%llu",
		    (unsigned long long)s->total, (unsigned long long)s->other);
	if (s->total) {
		sbuf_puts(b, ",\"first\":\"");
		fmt_ts(b, s->first_ns, off);
		sbuf_puts(b, "\",\"last\":\"");
		fmt_ts(b, s->last_ns, off);
		sbuf_putc(b, '"');
	} else {
		sbuf_puts(b, ",\"first\":null,\"last\":null");
	}
	sbuf_puts(b, ",\"causes\":[");
	for (unsigned i = 0; i < s->n; i++) {
		const struct summary_group *g = &s->g[i];

		sbuf_puts(b, i ? ",{" : "{");
		sbuf_printf(b, "\"kind\":\"%s\"", lw_kind_name(g->kind));
		json_str(b, "severity", lw_severity_name(g->severity));
		json_str(b, "object", g->object);
		json_str(b, "who", g->who);
		json_str(b, "container", g->ctr);
		sbuf_printf(b, ",\"count\":%llu,\"first\":\"", (unsigned long long)g->count);
		fmt_ts(b, g->first_ns, off);
		sbuf_puts(b, "\",\"last\":\"");
		fmt_ts(b, g->last_ns, off);
		sbuf_puts(b, "\"}");
	}
	sbuf_puts(b, "]}\n");
}
