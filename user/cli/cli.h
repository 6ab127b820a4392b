/* SPDX-License-Identifier: MIT */
/* cli: the command line, read into a config; nothing is opened or started here */
#ifndef LW_CLI_H
#define LW_CLI_H

#include <stdint.h>
#include <stdio.h>

#define LDWATCH_VERSION	"0.1.0"

struct cli_config {
	int all, json, verbose, loads;
	uint32_t pid;			/* -p; 0: none */
	const char *output;		/* -o; NULL: stdout */
	const char *cgroup;		/* --cgroup, as given */
	const char *container;		/* --container id prefix */
	uint32_t ring_bytes;		/* --ring-size; 0: the default */
	int no_uprobes;			/* --no-uprobes */
	uint64_t max_memory;		/* --max-memory; 0: the correlator's default */
	double duration;		/* -d; 0: until a signal */
	int summary;			/* --summary */
	int journal;			/* --journal */
	const char *metrics;		/* --metrics [ADDR:]PORT; NULL: none */
	const char *host_proc;		/* --host-proc DIR; NULL: /proc */
	const char *pod_logs;		/* --pod-logs DIR; NULL: /var/log/pods */
	int color;			/* --color: OUTPUT_COLOR_AUTO (0), _ALWAYS, _NEVER */
	char **cmd;			/* -- CMD [ARG...], inside argv; NULL: none */
};

/* what cli_parse asks of its caller besides a run: print, then exit 0 */
enum cli_done {
	CLI_RUN = 0,
	CLI_HELP = 1,		/* -h: cli_usage(stdout) */
	CLI_VERSION = 2,	/* -V: the version on stdout */
};

/*
 * parse argv into *cfg (zeroed by the caller; strings point into argv).
 * CLI_RUN, CLI_HELP or CLI_VERSION; -EINVAL on bad usage, said on stderr
 * with the usage after it
 */
int cli_parse(int argc, char **argv, struct cli_config *cfg);
void cli_usage(FILE *f);

#endif
