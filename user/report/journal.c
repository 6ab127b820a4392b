// SPDX-License-Identifier: MIT
/*
 * journal: systemd's side of the sink, through libsystemd. Each finding as
 * one structured journal entry (--journal: MESSAGE the one-line verdict,
 * PRIORITY from the severity, LDWATCH_* fields to match on), and the
 * service's state (sd_notify: READY=1 once every probe is attached,
 * STOPPING=1 on the way out). Built with LW_NO_SYSTEMD (the static binary:
 * Debian ships no libsystemd.a) it does nothing and says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "escape.h"
#include "journal.h"
#include "records.h"
#include "sbuf.h"

#ifndef LW_NO_SYSTEMD
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

/* a field's value as text: control bytes escaped as in text records */
static const char *text(struct sbuf *b, const char *s)
{
	sbuf_reset(b);
	if (s)
		escape_text(b, s, strlen(s));
	return b->err ? "" : sbuf_str(b);
}

int journal_finding(const struct finding *f)
{
	struct sbuf msg, obj, exe, nb, hint, fix, ctr;
	const char *why = f->v.hint ? f->v.hint : f->v.message;
	int err;

	sbuf_init(&msg);
	sbuf_init(&obj);
	sbuf_init(&exe);
	sbuf_init(&nb);
	sbuf_init(&hint);
	sbuf_init(&fix);
	sbuf_init(&ctr);
	/* "missing-library libfoo.so.1 needed by /usr/bin/app (pid 123): ..." */
	sbuf_printf(&msg, "%s ", lw_kind_name(f->v.kind));
	escape_text(&msg, f->v.object ? f->v.object : "?", strlen(f->v.object ? f->v.object : "?"));
	if (f->v.needed_by) {
		sbuf_puts(&msg, " needed by ");
		escape_text(&msg, f->v.needed_by, strlen(f->v.needed_by));
	} else if (f->v.exe) {
		sbuf_puts(&msg, " for ");
		escape_text(&msg, f->v.exe, strlen(f->v.exe));
	}
	sbuf_printf(&msg, " (pid %u)", f->pid);
	if (why) {
		sbuf_puts(&msg, ": ");
		escape_text(&msg, why, strlen(why));
	}
	err = sd_journal_send("MESSAGE=%s", msg.err ? lw_kind_name(f->v.kind) : sbuf_str(&msg),
			      "PRIORITY=%d", f->v.severity == LW_SEV_WARNING ? LOG_WARNING : LOG_ERR,
			      "SYSLOG_IDENTIFIER=ldwatch",
			      "LDWATCH_KIND=%s", lw_kind_name(f->v.kind),
			      "LDWATCH_SEVERITY=%s", lw_severity_name(f->v.severity),
			      "LDWATCH_OBJECT=%s", text(&obj, f->v.object),
			      "LDWATCH_PID=%u", f->pid,
			      "LDWATCH_EXE=%s", text(&exe, f->v.exe),
			      "LDWATCH_NEEDED_BY=%s", text(&nb, f->v.needed_by),
			      "LDWATCH_CONTAINER_ID=%s",
			      text(&ctr, f->container ? f->container->id : NULL),
			      "LDWATCH_HINT=%s", text(&hint, f->v.hint),
			      "LDWATCH_FIX=%s", text(&fix, f->v.fix),
			      NULL);
	sbuf_free(&msg);
	sbuf_free(&obj);
	sbuf_free(&exe);
	sbuf_free(&nb);
	sbuf_free(&hint);
	sbuf_free(&fix);
	sbuf_free(&ctr);
	return err < 0 ? err : 0;
}

void journal_notify_ready(unsigned probes)
{
	sd_notifyf(0, "READY=1\nSTATUS=watching, %u probes attached", probes);
}

void journal_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=detaching");
}

int journal_available(void)
{
	return 1;
}
#else
int journal_finding(const struct finding *f)
{
	(void)f;
	return -ENOTSUP;
}

void journal_notify_ready(unsigned probes)
{
	(void)probes;
}

void journal_notify_stopping(void)
{
}

int journal_available(void)
{
	return 0;
}
#endif
