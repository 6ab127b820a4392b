// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: output escaping. Whatever the bytes, JSON output holds
 * no raw control byte and no unescaped quote, and text output no control
 * byte at all: a hostile name never reaches a terminal raw nor splits a record.
 */
#include <stdint.h>
#include <stdlib.h>
#include "escape.h"
#include "sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf b;

	sbuf_init(&b);
	escape_json(&b, data, size);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char ch = (unsigned char)b.p[i];

		if (ch < 0x20 || ch == 0x7f)
			abort();
		if (ch == '"' && (i == 0 || b.p[i - 1] != '\\'))
			abort();
		if (ch == '\\')
			i++;	/* the escaped character */
	}
	sbuf_reset(&b);
	escape_text(&b, data, size);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char ch = (unsigned char)b.p[i];

		if (ch < 0x20 || ch == 0x7f)
			abort();
	}
	sbuf_free(&b);
	return 0;
}
