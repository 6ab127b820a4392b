// SPDX-License-Identifier: MIT
/*
 * output: the sink: one record formatted (json.c or text.c) and written whole,
 * write errors counted, the -o file reopened on SIGHUP
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "journal.h"
#include "output.h"
#include "report_internal.h"
#include "util.h"

struct output {
	int fd;
	int json;
	int color;		/* SGR in text records: a terminal's (output_set_color) */
	int owned;
	char *path;
	uint64_t write_errors;
	int last_errno;		/* said once per distinct error */
	int64_t rt_off;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	struct sbuf b;
	int err;
	struct summary *sum;	/* every finding and repeat, by root cause */
	int journal;		/* --journal: each finding to the journal too */
	uint64_t found[LW_K__COUNT][2];	/* findings by kind and severity, repeats counted in */
	uint64_t journal_errors;
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
	o->sum = calloc(1, sizeof(*o->sum));
	if (!o->sum) {
		if (o->owned)
			close(o->fd);
		free(o->path);
		free(o);
		return -ENOMEM;
	}
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
	if (o->sum)
		summary_free(o->sum);
	free(o->sum);
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
			lw_warn(NULL, "writing a record to %s failed: %s; records are counted as "
				"lost until it works again, continuing", o->path ? o->path : "stdout",
				strerror(-err));
		o->last_errno = err;
	} else {
		o->last_errno = 0;
	}
	return err;
}


/* a CLOCK_MONOTONIC time as UTC, microseconds: 2026-12-02T13:24:15.123456Z */
void fmt_ts(struct sbuf *b, uint64_t mono_ns, int64_t off)
{
	int64_t rt = (int64_t)mono_ns + off;
	time_t sec = rt / 1000000000;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	sbuf_printf(b, "%s.%06ldZ", buf, (long)((rt % 1000000000) / 1000));
}

void output_format_finding(struct sbuf *b, int json, const struct finding *f,
			   int64_t realtime_offset_ns)
{
	if (json)
		print_finding_json(b, f, realtime_offset_ns);
	else
		print_finding_plain(b, f, realtime_offset_ns, 0);
}

int output_finding(struct output *o, const struct finding *f)
{
	/* grouped as repeats are: kind, object, and the program or the container */
	summary_add(o->sum, f->v.kind, f->v.severity, f->v.object,
		    f->container && f->container->id ? NULL : f->v.exe,
		    f->container ? f->container->id : NULL, 1, f->ts_ns, f->ts_ns);
	if ((unsigned)f->v.kind < LW_K__COUNT)
		o->found[f->v.kind][f->v.severity == LW_SEV_WARNING]++;
	if (o->journal && journal_finding(f) && !o->journal_errors++)
		lw_warn(NULL, "writing a finding to the journal failed, continuing");
	if (o->json)
		print_finding_json(&o->b, f, o->rt_off);
	else
		print_finding_plain(&o->b, f, o->rt_off, o->color);
	return flush_record(o);
}

uint64_t output_found(const struct output *o, enum lw_kind kind, enum lw_severity sev)
{
	return (unsigned)kind < LW_K__COUNT ? o->found[kind][sev == LW_SEV_WARNING] : 0;
}

void output_set_journal(struct output *o, int on)
{
	o->journal = on;
}

/* see output.h */
int output_color_wanted(const struct output *o, int when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (o->json || o->owned || when == OUTPUT_COLOR_NEVER)
		return 0;
	if (when == OUTPUT_COLOR_ALWAYS)
		return 1;
	return isatty(o->fd) && !(nc && nc[0]) && !(term && !strcmp(term, "dumb"));
}

void output_set_color(struct output *o, int on)
{
	o->color = on;
}

int output_ready(struct output *o, const struct ready_info *ri)
{
	if (o->json)
		print_ready_json(&o->b, ri);
	else
		print_ready_plain(&o->b, ri);
	return flush_record(o);
}

int output_uprobes(struct output *o, const char *path, uint32_t pid, const char *const *syms,
		   unsigned n, int attached)
{
	if (o->json)
		print_uprobes_json(&o->b, path, pid, syms, n, attached);
	else
		print_uprobes_plain(&o->b, path, pid, n, attached);
	return flush_record(o);
}

int output_repeat(struct output *o, const struct repeat *r)
{
	/* a repeat's severity is its first finding's, which its group kept */
	enum lw_severity sev = summary_add(o->sum, r->kind, LW_SEV_ERROR, r->object,
					   r->id ? NULL : r->exe, r->id, r->count, r->first_ns,
					   r->last_ns);

	if ((unsigned)r->kind < LW_K__COUNT)
		o->found[r->kind][sev == LW_SEV_WARNING] += r->count;
	if (o->json)
		print_repeat_json(&o->b, r, o->rt_off);
	else
		print_repeat_plain(&o->b, r);
	return flush_record(o);
}

int output_load(struct output *o, const struct load *l)
{
	if (o->json)
		print_load_json(&o->b, l, o->rt_off);
	else
		print_load_plain(&o->b, l);
	return flush_record(o);
}

int output_stats(struct output *o, const struct final_stats *fs)
{
	if (o->json)
		print_stats_json(&o->b, fs);
	else
		print_stats_plain(&o->b, fs);
	return flush_record(o);
}

/* ldwatch check's verdict on one file; text mode prints its tree itself */
int output_check(struct output *o, const char *file, int loads)
{
	if (!o->json)
		return 0;
	print_check_json(&o->b, file, loads);
	return flush_record(o);
}

int output_summary(struct output *o)
{
	summary_sort(o->sum);
	if (o->json)
		print_summary_json(&o->b, o->sum, o->rt_off);
	else
		print_summary_plain(&o->b, o->sum, o->rt_off);
	return flush_record(o);
}
