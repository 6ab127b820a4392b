/* escape: outside bytes (paths, fd-2 text, ELF strings) made safe for JSON and for a terminal */
// SPDX-License-Identifier: MIT
#include <stdint.h>

#include "escape.h"

/*
 * length (1-4) of the well-formed utf-8 sequence at s, 0 if s[0] starts
 * none; *cp gets the code point. c0 and c1 leads are always overlong.
 */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len, i;

	if (c < 0x80)
		len = 1;
	else if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

static void put_hex(struct sbuf *b, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_puts(b, prefix);
	sbuf_putc(b, hex[c >> 4]);
	sbuf_putc(b, hex[c & 0xf]);
}

void escape_json(struct sbuf *b, const void *s, size_t n)
{
	const unsigned char *p = s;
	uint32_t cp;
	size_t i, len;

	for (i = 0; i < n; i += len) {
		len = utf8_len(p + i, n - i, &cp);
		if (!len) {
			/* decoded value: backslash, 'x', two hex digits */
			put_hex(b, "\\\\x", p[i]);
			len = 1;
			continue;
		}
		switch (cp) {
		case '"':  sbuf_puts(b, "\\\""); break;
		/* doubled so that a real \x can never look like an escaped byte */
		case '\\': sbuf_puts(b, "\\\\\\\\"); break;
		case '\n': sbuf_puts(b, "\\n"); break;
		case '\t': sbuf_puts(b, "\\t"); break;
		case '\r': sbuf_puts(b, "\\r"); break;
		case '\b': sbuf_puts(b, "\\b"); break;
		case '\f': sbuf_puts(b, "\\f"); break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				put_hex(b, "\\u00", cp);
			else
				sbuf_put(b, p + i, len);
		}
	}
}

/* code points that reorder or break terminal text ("trojan source") */
static int text_unsafe(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void escape_text(struct sbuf *b, const void *s, size_t n)
{
	const unsigned char *p = s;
	uint32_t cp;
	size_t i, j, len;

	for (i = 0; i < n; i += len) {
		len = utf8_len(p + i, n - i, &cp);
		if (!len) {
			put_hex(b, "\\x", p[i]);
			len = 1;
		} else if (cp == '\\') {
			sbuf_puts(b, "\\\\");
		} else if (cp < 0x20 || cp == 0x7f || text_unsafe(cp)) {
			for (j = 0; j < len; j++)
				put_hex(b, "\\x", p[i + j]);
		} else {
			sbuf_put(b, p + i, len);
		}
	}
}
