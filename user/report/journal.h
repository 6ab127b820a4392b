/* SPDX-License-Identifier: MIT */
/* journal: findings to systemd's journal, the service's state to systemd (sd_notify) */
#ifndef LW_JOURNAL_H
#define LW_JOURNAL_H

struct finding;

/* one structured entry: 0 or -errno (-ENOTSUP in a build without libsystemd) */
int journal_finding(const struct finding *f);
/* READY=1 (and STATUS) to $NOTIFY_SOCKET when there is one; nothing otherwise */
void journal_notify_ready(unsigned probes);
void journal_notify_stopping(void);
/* 0 in a build without libsystemd (the static one) */
int journal_available(void);

#endif
