/* the one way a diagnostic reaches stderr (see util.h) */
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

void lw_warn(const char *subsys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	flockfile(stderr);
	fputs("ldwatch: ", stderr);
	if (subsys)
		fprintf(stderr, "%s: ", subsys);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}
