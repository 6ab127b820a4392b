// SPDX-License-Identifier: MIT
/* output: JSON Lines for machines, blocks for people, every string escaped */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "errnames.h"
#include "escape.h"
#include "event.h"
#include "output.h"
#include "sbuf.h"

struct output {
	int fd;
	int json;
	int owned;
	char *path;
	uint64_t write_errors;
	int last_errno;		/* said once per distinct error */
	int64_t rt_off;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	struct sbuf b;
	int err;
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int output_open(const char *path, int json, struct output **op)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->json = json;
	o->fd = STDOUT_FILENO;
	if (path) {
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
		if (o->fd < 0) {
			int err = -errno;

			free(o);
			return err;
		}
		o->owned = 1;
		o->path = strdup(path);
	}
	o->rt_off = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	sbuf_init(&o->b);
	*op = o;
	return 0;
}

void output_close(struct output *o)
{
	if (!o)
		return;
	if (o->owned)
		close(o->fd);
	free(o->path);
	sbuf_free(&o->b);
	free(o);
}

int output_reopen(struct output *o)
{
	int fd;

	if (!o->owned)
		return 0;
	fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	close(o->fd);
	o->fd = fd;
	return 0;
}

uint64_t output_write_errors(const struct output *o)
{
	return o->write_errors;
}

/*
 * One record, one write(2) where possible: a tailing shipper never sees half.
 * A failed write (disk full, a closed pipe) is counted and said once per
 * distinct error on stderr; the daemon goes on.
 */
static int flush_record(struct output *o)
{
	const char *s = sbuf_str(&o->b);
	size_t left = o->b.len;
	int err = o->b.err;

	while (!err && left) {
		ssize_t n = write(o->fd, s, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		s += n;
		left -= n;
	}
	sbuf_reset(&o->b);
	o->err = err;
	if (err) {
		o->write_errors++;
		if (err != o->last_errno)
			fprintf(stderr, "ldwatch: writing a record to %s failed: %s; records are "
				"counted as lost until it works again, continuing\n",
				o->path ? o->path : "stdout", strerror(-err));
		o->last_errno = err;
	} else {
		o->last_errno = 0;
	}
	return err;
}

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

static void fmt_ts(struct sbuf *b, uint64_t mono_ns, int64_t off)
{
	int64_t rt = (int64_t)mono_ns + off;
	time_t sec = rt / 1000000000;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	sbuf_printf(b, "%s.%06ldZ", buf, (long)((rt % 1000000000) / 1000));
}

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

/* glibc's per-directory variants (glibc-hwcaps, legacy tls/x86_64): noise for people */
static int is_hwcaps_variant(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dl;

	if (strstr(path, "/glibc-hwcaps/") || strstr(path, "/tls/"))
		return 1;
	if (!slash)
		return 0;
	dl = slash - path;
	return (dl >= 7 && !strncmp(slash - 7, "/x86_64", 7)) ||
	       (dl >= 8 && !strncmp(slash - 8, "/haswell", 8));
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
	sbuf_putc(b, '}');
}

void output_format_finding(struct sbuf *b, int json, const struct finding *f,
			   int64_t off)
{
	unsigned i, hidden;
	char eb[16];

	if (json) {
		sbuf_puts(b, "{\"type\":\"finding\"");
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
		sbuf_puts(b, "}\n");
		return;
	}
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
		hidden += is_hwcaps_variant(f->attempts[i].path);
	if (hidden == f->n_attempts)
		hidden = 0;
	if (hidden)
		sbuf_printf(b, "  tried: (%u lookups; %u in glibc-hwcaps and legacy hwcaps "
			    "subdirectories not shown, see --json)\n", f->n_attempts, hidden);
	else if (f->n_attempts)
		sbuf_puts(b, "  tried:\n");
	for (i = 0; i < f->n_attempts; i++) {
		const struct attempt *a = &f->attempts[i];

		if (hidden && is_hwcaps_variant(a->path))
			continue;
		sbuf_printf(b, "    %-10s %-8s ", op_name(a->op),
			    a->err ? errname(a->err, eb, sizeof(eb)) : "ok");
		escape_text(b, a->path, strlen(a->path));
		sbuf_putc(b, '\n');
	}
	text_line(b, "hint", f->v.hint);
	sbuf_putc(b, '\n');
}

int output_finding(struct output *o, const struct finding *f)
{
	output_format_finding(&o->b, o->json, f, o->rt_off);
	return flush_record(o);
}

int output_ready(struct output *o, const struct ready_info *ri)
{
	unsigned i, j, nup = 0;

	for (i = 0; i < ri->n_files; i++)
		nup += ri->files[i].n;
	if (o->json) {
		sbuf_printf(&o->b, "{\"type\":\"ready\",\"schema\":%d", LW_SCHEMA_VERSION);
		json_str(&o->b, "version", ri->version);
		json_str(&o->b, "scope", ri->scope);
		json_int(&o->b, "pid", ri->pid, 0);
		json_int(&o->b, "probes", ri->probes, 0);
		json_str(&o->b, "tracefs", ri->tracefs);
		sbuf_puts(&o->b, ",\"uprobes\":[");
		for (i = 0; i < ri->n_files; i++) {
			sbuf_puts(&o->b, i ? ",{\"path\":\"" : "{\"path\":\"");
			escape_json(&o->b, ri->files[i].path, strlen(ri->files[i].path));
			sbuf_puts(&o->b, "\",\"symbols\":[");
			for (j = 0; j < ri->files[i].n; j++)
				sbuf_printf(&o->b, "%s\"%s\"", j ? "," : "", ri->files[i].syms[j]);
			sbuf_puts(&o->b, "]}");
		}
		sbuf_puts(&o->b, "]}\n");
	} else {
		sbuf_printf(&o->b, "ready: ldwatch %s, scope %s, %d probes attached, %u loader "
			    "uprobes in %u files\n\n", ri->version, ri->scope, ri->probes, nup,
			    ri->n_files);
	}
	return flush_record(o);
}

int output_uprobes(struct output *o, const char *path, uint32_t pid, const char *const *syms,
		   unsigned n, int attached)
{
	if (o->json) {
		sbuf_puts(&o->b, "{\"type\":\"uprobes\"");
		json_str(&o->b, "event", attached ? "attached" : "released");
		json_str(&o->b, "path", path);
		json_int(&o->b, "pid", pid ? (long long)pid : -1, 1);
		sbuf_puts(&o->b, ",\"symbols\":[");
		for (unsigned i = 0; i < n; i++)
			sbuf_printf(&o->b, "%s\"%s\"", i ? "," : "", syms[i]);
		sbuf_puts(&o->b, "]}\n");
	} else {
		sbuf_printf(&o->b, "uprobes: %s %u in ", attached ? "attached" : "released", n);
		escape_text(&o->b, path, strlen(path));
		if (pid)
			sbuf_printf(&o->b, " (the root of pid %u)", pid);
		sbuf_putc(&o->b, '\n');
	}
	return flush_record(o);
}

int output_repeat(struct output *o, const struct repeat *r)
{
	if (o->json) {
		sbuf_puts(&o->b, "{\"type\":\"repeat\"");
		json_str(&o->b, "kind", lw_kind_name(r->kind));
		json_str(&o->b, "object", r->object);
		json_str(&o->b, "exe", r->exe);
		if (r->id) {
			sbuf_puts(&o->b, ",\"container\":{");
			sbuf_puts(&o->b, "\"runtime\":");
			if (r->runtime) {
				sbuf_putc(&o->b, '"');
				escape_json(&o->b, r->runtime, strlen(r->runtime));
				sbuf_putc(&o->b, '"');
			} else {
				sbuf_puts(&o->b, "null");
			}
			json_str(&o->b, "id", r->id);
			sbuf_putc(&o->b, '}');
		} else {
			sbuf_puts(&o->b, ",\"container\":null");
		}
		sbuf_printf(&o->b, ",\"count\":%u,\"total\":%u,\"first\":\"", r->count, r->total);
		fmt_ts(&o->b, r->first_ns, o->rt_off);
		sbuf_puts(&o->b, "\",\"last\":\"");
		fmt_ts(&o->b, r->last_ns, o->rt_off);
		sbuf_puts(&o->b, "\"}\n");
	} else {
		sbuf_printf(&o->b, "repeat: %s ", lw_kind_name(r->kind));
		escape_text(&o->b, r->object ? r->object : "", r->object ? strlen(r->object) : 0);
		if (r->id) {
			sbuf_printf(&o->b, " in %s ", r->runtime ? r->runtime : "container");
			escape_text(&o->b, r->id, strlen(r->id));
		} else {
			sbuf_puts(&o->b, " by ");
			escape_text(&o->b, r->exe ? r->exe : "?", r->exe ? strlen(r->exe) : 1);
		}
		sbuf_printf(&o->b, ": %u more times (%u in all)\n", r->count, r->total);
	}
	return flush_record(o);
}

int output_load(struct output *o, const struct load *l)
{
	if (o->json) {
		sbuf_puts(&o->b, "{\"type\":\"load\",\"ts\":\"");
		fmt_ts(&o->b, l->ts_ns, o->rt_off);
		sbuf_putc(&o->b, '"');
		json_int(&o->b, "pid", l->pid, 0);
		json_int(&o->b, "ppid", l->ppid, 0);
		json_int(&o->b, "uid", l->uid, 0);
		json_str(&o->b, "comm", l->comm);
		json_str(&o->b, "exe", l->exe);
		json_str(&o->b, "name", l->name);
		json_str(&o->b, "path", l->path);
		json_int(&o->b, "flags", l->flags, 0);
		json_int(&o->b, "duration_us", l->duration_us, 0);
		json_container(&o->b, l->container);
		sbuf_puts(&o->b, "}\n");
	} else {
		sbuf_printf(&o->b, "load pid %u ", l->pid);
		escape_text(&o->b, l->comm, strlen(l->comm));
		sbuf_puts(&o->b, ": ");
		escape_text(&o->b, l->name, strlen(l->name));
		sbuf_puts(&o->b, " -> ");
		escape_text(&o->b, l->path ? l->path : "?", strlen(l->path ? l->path : "?"));
		sbuf_printf(&o->b, " (%u us)\n", l->duration_us);
	}
	return flush_record(o);
}

int output_stats(struct output *o, const struct final_stats *fs)
{
	uint64_t lost = fs->k.lost_reserve + fs->k.lost_read;

	if (o->json)
		sbuf_printf(&o->b, "{\"type\":\"stats\",\"final\":%s,\"events\":%llu,"
			    "\"received\":%llu,\"lost\":%llu,\"lost_reserve\":%llu,"
			    "\"lost_read\":%llu,\"track_full\":%llu,\"tracked\":%llu,"
			    "\"findings\":%llu,\"undecided\":%llu,\"evicted\":%llu,"
			    "\"malformed\":%llu,\"loads\":%llu,\"repeats\":%llu,\"write_errors\":%llu,"
			    "\"filtered\":%llu,\"hits_skipped\":%llu,\"left_unread\":%llu,"
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
			    (unsigned long long)fs->left_unread, fs->stall_max_ms, fs->seconds);
	else
		sbuf_printf(&o->b, "stats: %llu events, %llu lost (%llu ring full, %llu unreadable), "
			    "%llu findings, %.1f s\n",
			    (unsigned long long)fs->k.events, (unsigned long long)lost,
			    (unsigned long long)fs->k.lost_reserve,
			    (unsigned long long)fs->k.lost_read,
			    (unsigned long long)fs->u.findings, fs->seconds);
	return flush_record(o);
}
