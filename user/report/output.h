/* SPDX-License-Identifier: MIT */
/* output: the sink: records written whole, as JSON Lines or readable blocks */
#ifndef LW_OUTPUT_H
#define LW_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include "records.h"
#include "sbuf.h"

struct output;

int output_open(const char *path, int json, struct output **op);
void output_close(struct output *o);
/* format into a buffer: the pure part, for tests */
void output_format_finding(struct sbuf *b, int json, const struct finding *f,
			   int64_t realtime_offset_ns);
int output_ready(struct output *o, const struct ready_info *ri);
int output_finding(struct output *o, const struct finding *f);
int output_load(struct output *o, const struct load *l);
int output_repeat(struct output *o, const struct repeat *r);
/* uprobes attached to (1) or released from (0) a loader file after ready */
int output_uprobes(struct output *o, const char *path, uint32_t pid, const char *const *syms,
		   unsigned n, int attached);
int output_stats(struct output *o, const struct final_stats *fs);
/* ldwatch check: {"type":"check","file":F,"loads":B} (JSON only) */
int output_check(struct output *o, const char *file, int loads);
/* SIGHUP: open the -o file again (log rotation), appending; 0 or -errno */
int output_reopen(struct output *o);
/*
 * --color=WHEN: whether text records get SGR colours. Never in JSON or an -o
 * file; always when asked; auto: when stdout is a terminal, NO_COLOR is
 * unset or empty (no-color.org) and TERM is not "dumb"
 */
enum { OUTPUT_COLOR_AUTO, OUTPUT_COLOR_ALWAYS, OUTPUT_COLOR_NEVER };
int output_color_wanted(const struct output *o, int when);
void output_set_color(struct output *o, int on);
/* findings written so far of a kind and severity (a repeat's count included) */
uint64_t output_found(const struct output *o, enum lw_kind kind, enum lw_severity sev);
/* --journal: each finding also as a structured journal entry (journal.h) */
void output_set_journal(struct output *o, int on);
/* the findings so far grouped by root cause, counted (--summary at exit, SIGUSR1) */
int output_summary(struct output *o);
/* records that failed to be written so far */
uint64_t output_write_errors(const struct output *o);

#endif
