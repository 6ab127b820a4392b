/* SPDX-License-Identifier: MIT */
/*
 * report_internal.h: the formatters' shared parts. json.c and text.c mirror
 * each other, one print_<record>_json / print_<record>_plain pair per record
 * type (as bpftool's print_*_json/print_*_plain); output.c picks one and
 * writes what it made.
 */
#ifndef LW_REPORT_INTERNAL_H
#define LW_REPORT_INTERNAL_H

#include <stdint.h>
#include "records.h"
#include "sbuf.h"

void fmt_ts(struct sbuf *b, uint64_t mono_ns, int64_t off);

void print_finding_json(struct sbuf *b, const struct finding *f, int64_t off);
void print_ready_json(struct sbuf *b, const struct ready_info *ri);
void print_uprobes_json(struct sbuf *b, const char *path, uint32_t pid, const char *const *syms,
			unsigned n, int attached);
void print_repeat_json(struct sbuf *b, const struct repeat *r, int64_t off);
void print_load_json(struct sbuf *b, const struct load *l, int64_t off);
void print_stats_json(struct sbuf *b, const struct final_stats *fs);
void print_check_json(struct sbuf *b, const char *file, int loads);
void print_summary_json(struct sbuf *b, const struct summary *s, int64_t off);

void print_finding_plain(struct sbuf *b, const struct finding *f, int64_t off, int color);
void print_ready_plain(struct sbuf *b, const struct ready_info *ri);
void print_uprobes_plain(struct sbuf *b, const char *path, uint32_t pid, unsigned n, int attached);
void print_repeat_plain(struct sbuf *b, const struct repeat *r);
void print_load_plain(struct sbuf *b, const struct load *l);
void print_stats_plain(struct sbuf *b, const struct final_stats *fs);
void print_summary_plain(struct sbuf *b, const struct summary *s, int64_t off);

#endif
