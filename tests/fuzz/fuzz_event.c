// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: ring-buffer records as the kernel side could send them,
 * decoded and fed to the correlator, whose findings are formatted both ways.
 * The input is a sequence of records, each prefixed by a 2-byte length, so
 * that sequences (exec, lookups, fd-2 lines, exit) are explored too.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "correlate.h"
#include "event.h"
#include "output.h"
#include "sbuf.h"

static struct corr *c;
static struct lw_rec rec;
static struct sbuf out;

static void on_finding(void *ctx, const struct finding *f)
{
	(void)ctx;
	sbuf_reset(&out);
	output_format_finding(&out, 1, f, 0);
	sbuf_reset(&out);
	output_format_finding(&out, 0, f, 0);
}

static void setup(void)
{
	struct corr_ops ops = { .finding = on_finding };

	/* files named in records are checked inside an empty root: nothing real is read */
	char dir[] = "/tmp/lw-fuzz-root.XXXXXX";

	if (!mkdtemp(dir))
		abort();
	ops.rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ops.rootfd < 0)
		abort();
	rmdir(dir);
	c = corr_new(&ops);
	if (!c)
		abort();
	sbuf_init(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(8) uint8_t buf[sizeof(struct lw_event) + LW_PATH_MAX + LW_BASE_MAX];

	if (!c)
		setup();
	while (size >= 2) {
		size_t n = data[0] | (size_t)data[1] << 8;

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (n > sizeof(buf))
			n = sizeof(buf);
		memcpy(buf, data, n);	/* the ring hands out 8-byte aligned records */
		if (event_decode(buf, n, &rec))
			corr_malformed(c);
		else
			corr_feed(c, &rec);
		data += n;
		size -= n;
	}
	corr_tick(c, UINT64_MAX / 2);
	return 0;
}
