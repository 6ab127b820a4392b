// SPDX-License-Identifier: MIT
/*
 * session_metrics: what one watch exposes to Prometheus (--metrics), read
 * where it is kept: the sink's findings, the kernel's counters, the
 * correlator's process table, the probes, the BPF programs' run time (the
 * kernel counts it only while BPF_STATS_RUN_TIME is enabled: from
 * --metrics on until ldwatch stops) and the process_* metrics of every
 * Prometheus client
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "correlate.h"
#include "metrics.h"
#include "output.h"
#include "probe.h"
#include "records.h"
#include "session_internal.h"
#include "util.h"

#define STALE_S	5.0	/* /healthz fails when the ring was not read for this long */

static void family(struct sbuf *b, const char *name, const char *type, const char *help)
{
	metrics_family(b, name, type, help);
}

static void prog_line(void *ctx, const char *name, uint64_t run_ns, uint64_t runs)
{
	struct sbuf *b = ctx;

	sbuf_printf(b, "ldwatch_bpf_prog_run_seconds_total{program=\"");
	metrics_label_value(b, name);
	sbuf_printf(b, "\"} %.9f\n", run_ns / 1e9);
	sbuf_printf(b, "ldwatch_bpf_prog_runs_total{program=\"");
	metrics_label_value(b, name);
	sbuf_printf(b, "\"} %llu\n", (unsigned long long)runs);
}

/* /proc/self/stat: cpu seconds, virtual and resident bytes, start time */
static void process_metrics(struct sbuf *b)
{
	unsigned long long ut = 0, st = 0, start = 0, vsize = 0, btime = 0;
	long rss = 0, tck = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	char buf[1024], *p;
	struct rlimit rl;
	unsigned fds = 0;
	struct dirent *de;
	ssize_t n;
	DIR *d;
	FILE *f;
	int fd;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		buf[n] = '\0';
		p = strrchr(buf, ')');	/* comm may hold spaces */
		if (p)
			sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
			       "%*d %*d %*d %llu %llu %ld", &ut, &st, &start, &vsize, &rss);
	}
	f = fopen("/proc/stat", "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d)))
		fds += de->d_name[0] != '.';
	if (d) {
		closedir(d);
		fds--;	/* the directory's own */
	}
	family(b, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
	sbuf_printf(b, "process_cpu_seconds_total %.2f\n", (double)(ut + st) / (tck > 0 ? tck : 100));
	family(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	sbuf_printf(b, "process_resident_memory_bytes %ld\n", rss * page);
	family(b, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	sbuf_printf(b, "process_virtual_memory_bytes %llu\n", vsize);
	family(b, "process_start_time_seconds", "gauge",
	       "Start time of the process since unix epoch in seconds.");
	sbuf_printf(b, "process_start_time_seconds %.2f\n",
		    btime + (double)start / (tck > 0 ? tck : 100));
	family(b, "process_open_fds", "gauge", "Number of open file descriptors.");
	sbuf_printf(b, "process_open_fds %u\n", fds);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		family(b, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
		sbuf_printf(b, "process_max_fds %llu\n", (unsigned long long)rl.rlim_cur);
	}
}

static void render(void *ctx, struct sbuf *b)
{
	static const char *const sev[] = { "error", "warning" };
	struct session *s = ctx;
	struct corr_stats u = { 0 };
	struct lw_stats k = { 0 };
	unsigned tps, ups, files;

	probe_stats(s->pr, &k);
	corr_stats(s->corr, &u);
	probe_counts(s->pr, &tps, &ups, &files);
	family(b, "ldwatch_build_info", "gauge", "ldwatch's version, always 1.");
	sbuf_printf(b, "ldwatch_build_info{version=\"%s\"} 1\n", LDWATCH_VERSION);
	family(b, "ldwatch_findings_total", "counter", "Findings written, by kind and severity "
	       "(folded repeats counted in).");
	for (int kind = LW_K_NONE + 1; kind < LW_K__COUNT; kind++)
		for (int v = 0; v < 2; v++)
			sbuf_printf(b, "ldwatch_findings_total{kind=\"%s\",severity=\"%s\"} %llu\n",
				    lw_kind_name(kind), sev[v],
				    (unsigned long long)output_found(s->out, kind, (enum lw_severity)
								     (v ? LW_SEV_WARNING : LW_SEV_ERROR)));
	family(b, "ldwatch_events_total", "counter", "Records the kernel side submitted to the ring.");
	sbuf_printf(b, "ldwatch_events_total %llu\n", (unsigned long long)k.events);
	family(b, "ldwatch_events_lost_total", "counter", "Records lost, by reason: the ring was full, "
	       "or a string could not be read in the kernel.");
	sbuf_printf(b, "ldwatch_events_lost_total{reason=\"ring_full\"} %llu\n",
		    (unsigned long long)k.lost_reserve);
	sbuf_printf(b, "ldwatch_events_lost_total{reason=\"unreadable\"} %llu\n",
		    (unsigned long long)k.lost_read);
	family(b, "ldwatch_tracked_processes", "gauge", "Processes the correlator holds now.");
	sbuf_printf(b, "ldwatch_tracked_processes %llu\n", (unsigned long long)u.procs);
	family(b, "ldwatch_probes_attached", "gauge", "BPF programs attached, by type.");
	sbuf_printf(b, "ldwatch_probes_attached{type=\"tracepoint\"} %u\n", tps);
	sbuf_printf(b, "ldwatch_probes_attached{type=\"uprobe\"} %u\n", ups);
	family(b, "ldwatch_uprobe_files", "gauge", "Loader and plugin files with uprobes attached.");
	sbuf_printf(b, "ldwatch_uprobe_files %u\n", files);
	family(b, "ldwatch_bpf_prog_run_seconds_total", "counter", "Time the kernel spent in each BPF "
	       "program (counted while --metrics is on: BPF_STATS_RUN_TIME).");
	family(b, "ldwatch_bpf_prog_runs_total", "counter", "Runs of each BPF program (counted while "
	       "--metrics is on).");
	if (s->stats_fd >= 0)
		probe_prog_stats(s->pr, prog_line, b);
	process_metrics(b);
}

static int healthy(void *ctx, const char **why)
{
	struct session *s = ctx;

	if (!s->t_read || lw_now_s() - s->t_read > STALE_S) {
		*why = "the ring has not been read for 5 s";
		return 0;
	}
	return 1;
}

int session_metrics_open(struct session *s, const char *addr)
{
	int err = metrics_open(addr, render, healthy, s, &s->metrics);

	if (err)
		return err;
	s->mxfd = metrics_fd(s->metrics);
	/* run time and counts per program: the kernel keeps them only while this fd is open */
	s->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (s->stats_fd < 0)
		lw_warn(NULL, "BPF run-time statistics unavailable (%s): the per-program metrics stay 0, "
			"continuing", strerror(errno));
	return 0;
}

void session_metrics_close(struct session *s)
{
	metrics_close(s->metrics);
	s->metrics = NULL;
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	s->stats_fd = -1;
}
