// SPDX-License-Identifier: MIT
/* cli: the usage text and the options, parsed into a cli_config */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "journal.h"
#include "metrics.h"
#include "util.h"

static const char usage_text[] =
"usage: ldwatch [options]                 watch this host until SIGINT/SIGTERM\n"
"       ldwatch [options] -- CMD [ARG...]  run CMD, watch it and its descendants\n"
"       ldwatch check [options] FILE...   resolve FILE's load as the loader would,\n"
"                                         without running it (ldwatch check --help)\n"
"\n"
"Explains why programs fail to start or to load a library: missing libraries\n"
"and interpreters, permission and noexec refusals, from the loader's own lookups.\n"
"\n"
"scope (filters intersect):\n"
"  (default)            the Go toolchain: processes named `go` and their descendants\n"
"  -a, --all            every process on the host\n"
"  -p, --pid PID        PID and its descendants\n"
"  -- CMD               CMD and its descendants, whatever they are\n"
"  --cgroup PATH        only processes in cgroup v2 PATH or below it (relative to\n"
"                       the cgroup2 mount, or under it); filtered in the kernel\n"
"  --container ID       only findings of the container whose id starts with ID\n"
"                       (as recognised from its cgroup: docker, containerd, cri-o,\n"
"                       podman, systemd-nspawn)\n"
"in a container or a Kubernetes node:\n"
"  --host-proc DIR      the host's /proc, mounted at DIR, for ldwatch in a pid\n"
"                       namespace of its own (-v /proc:/host/proc:ro): processes\n"
"                       outside that namespace are read there\n"
"  --pod-logs DIR       the kubelet's pod log folders (default /var/log/pods), by\n"
"                       which a Kubernetes container's finding names its pod; its\n"
"                       sibling containers/ names the container\n"
"output:\n"
"  -j, --json           JSON Lines (schema in README.md) instead of text blocks\n"
"  -l, --loads          also a record for every successful dlopen or plugin load\n"
"  -o, --output FILE    write records to FILE instead of stdout\n"
"  --color[=WHEN]       colour text records: auto (a terminal, NO_COLOR unset;\n"
"                       the default), always (the same as --color) or never;\n"
"                       never in JSON or in an -o file\n"
"  --journal            each finding also to systemd's journal, one structured entry\n"
"                       (journalctl LDWATCH_KIND=missing-library)\n"
"  --metrics [ADDR:]PORT  Prometheus metrics on http://ADDR:PORT/metrics (ADDR\n"
"                       127.0.0.1 unless given; /healthz fails when the ring\n"
"                       is not read); turns on the kernel's BPF run-time stats\n"
"  --summary            at exit, the findings grouped by root cause with counts and\n"
"                       first/last times (SIGUSR1 prints one at any time)\n"
"  -d, --duration SECS  stop after SECS seconds\n"
"  --ring-size SIZE     the kernel-to-daemon ring buffer (default 16M; a power of\n"
"                       two, 4K to 1024M): a bigger one rides out longer bursts\n"
"  --max-memory SIZE    the daemon's bound on what it keeps per process, all\n"
"                       together (default 64M; 1M to 4096M): past it the least\n"
"                       recently seen processes are forgotten, counted as evicted\n"
"  --no-uprobes         attach no loader or plugin uprobe: every new process that\n"
"                       maps ld.so or libc pays for their breakpoints (~1% of an\n"
"                       exec each, here); findings then rest on lookups and fd 2\n"
"  -v, --verbose        libbpf's debug messages on stderr\n"
"  -h, --help           this text\n"
"  -V, --version        print the version\n"
"\n"
"exit status: 0 after a clean stop, 1 on failure, 2 on bad usage; with -- CMD,\n"
"CMD's status (128+N for signal N, 126/127 when it could not run, 125 when\n"
"ldwatch itself failed).\n";

void cli_usage(FILE *f)
{
	fputs(usage_text, f);
}

/* the message and where the usage is (GNU style), on stderr; the value cli_parse returns */
#define usage_error(...) (lw_warn(NULL, __VA_ARGS__), \
			  fputs("Try 'ldwatch --help' for more information.\n", stderr), -EINVAL)

/* "4096", "64K", "16M": bytes, or -1 for anything else */
static long long parse_size(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0 || v > (1ll << 40))
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	return *end ? -1 : v;
}

int cli_parse(int argc, char **argv, struct cli_config *o)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "pid", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "loads", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "container", required_argument, NULL, 'I' },
		{ "ring-size", required_argument, NULL, 'R' },
		{ "no-uprobes", no_argument, NULL, 'U' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "color", optional_argument, NULL, 'K' },
		{ "summary", no_argument, NULL, 'S' },
		{ "journal", no_argument, NULL, 'J' },
		{ "metrics", required_argument, NULL, 'P' },
		{ "host-proc", required_argument, NULL, 'H' },
		{ "pod-logs", required_argument, NULL, 'G' },
		{ 0 },
	};
	char *end;
	long long v;
	int c;

	opterr = 0;
	optind = 0;	/* glibc starts afresh: a second parse (a test's) sees its own argv */
	while ((c = getopt_long(argc, argv, "+:ap:jlo:d:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->all = 1;
			break;
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v <= 0 || v > INT_MAX)
				return usage_error("-p needs a process id, not '%s'", optarg);
			o->pid = v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'l':
			o->loads = 1;
			break;
		case 'o':
			if (!optarg[0])
				return usage_error("-o needs a file name");
			o->output = optarg;
			break;
		case 'd':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) ||
			    o->duration > 1e9)
				return usage_error("--duration needs a positive number of seconds, "
						   "not '%s'", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'C':
			if (!optarg[0])
				return usage_error("--cgroup needs a cgroup path");
			o->cgroup = optarg;
			break;
		case 'I':
			if (!optarg[0] || strlen(optarg) > 128 ||
			    strspn(optarg, "0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") != strlen(optarg))
				return usage_error("--container needs a container id (or its first "
						   "characters), not '%s'", optarg);
			o->container = optarg;
			break;
		case 'U':
			o->no_uprobes = 1;
			break;
		case 'R':
			v = parse_size(optarg);
			if (v < 4096 || v > (1l << 30) || (v & (v - 1)))
				return usage_error("--ring-size needs a power of two from 4K to 1024M "
						   "(bytes, or with K or M), not '%s'", optarg);
			o->ring_bytes = v;
			break;
		case 'M':
			v = parse_size(optarg);
			if (v < (1l << 20) || v > (4ll << 30))
				return usage_error("--max-memory needs a size from 1M to 4096M (bytes, "
						   "or with K or M), not '%s'", optarg);
			o->max_memory = v;
			break;
		case 'S':
			o->summary = 1;
			break;
		case 'P': {
			struct sockaddr_in sin;

			if (metrics_parse_addr(optarg, &sin))
				return usage_error("--metrics needs PORT or ADDR:PORT (IPv4), not '%s'", optarg);
			o->metrics = optarg;
			break;
		}
		case 'H':
			if (optarg[0] != '/')
				return usage_error("--host-proc needs an absolute path, not '%s'", optarg);
			o->host_proc = optarg;
			break;
		case 'G':
			if (optarg[0] != '/')
				return usage_error("--pod-logs needs an absolute path, not '%s'", optarg);
			o->pod_logs = optarg;
			break;
		case 'J':
			if (!journal_available())
				return usage_error("--journal: this build has no libsystemd (the static one)");
			o->journal = 1;
			break;
		case 'K':
			/* the values match output.h's OUTPUT_COLOR_* */
			if (!optarg || !strcmp(optarg, "always"))
				o->color = 1;
			else if (!strcmp(optarg, "never"))
				o->color = 2;
			else if (!strcmp(optarg, "auto"))
				o->color = 0;
			else
				return usage_error("--color takes auto, always or never, not '%s'", optarg);
			break;
		case 'h':
			return CLI_HELP;
		case 'V':
			return CLI_VERSION;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	else if (optind > 0 && !strcmp(argv[optind - 1], "--"))
		return usage_error("a command must follow '--'");
	if (o->cmd && o->pid)
		return usage_error("-p and -- CMD cannot be combined");
	return CLI_RUN;
}
