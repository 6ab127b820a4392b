// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static char out[1 << 16];

static const char *run(void (*fn)(struct sbuf *, const void *, size_t),
		       const void *s, size_t n)
{
	struct sbuf b;

	sbuf_init(&b);
	fn(&b, s, n);
	cr_assert_eq(b.err, 0);
	cr_assert_lt(b.len, sizeof(out));
	cr_assert_eq(strlen(sbuf_str(&b)), b.len);
	memcpy(out, sbuf_str(&b), b.len + 1);
	sbuf_free(&b);
	return out;
}

/* string literals keep their embedded NULs: length is sizeof - 1 */
#define JSON(lit) run(escape_json, lit, sizeof(lit) - 1)
#define TEXT(lit) run(escape_text, lit, sizeof(lit) - 1)

/* utf-8 validity after unicode table 3-7, written apart from escape.c */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = s[i];

		lo = 0x80, hi = 0xbf;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) len = 2;
		else if (c >= 0xe0 && c <= 0xef) len = 3;
		else if (c >= 0xf0 && c <= 0xf4) len = 4;
		else return 0;
		if (c == 0xe0) lo = 0xa0;
		if (c == 0xed) hi = 0x9f;
		if (c == 0xf0) lo = 0x90;
		if (c == 0xf4) hi = 0x8f;
		if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += len;
	}
	return 1;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* the consumer's side: a json string body to its value, then the value to
 * bytes (\\ is a backslash, \xNN a byte); returns length or -1 if malformed */
static long decode_json(const char *j, unsigned char *dst)
{
	char val[sizeof(out)];
	size_t n = 0, m = 0, i;

	for (i = 0; j[i]; i++) {
		unsigned char c = j[i];

		if (c < 0x20 || c == '"')
			return -1;	/* must have been escaped */
		if (c != '\\') { val[n++] = c; continue; }
		switch (j[++i]) {
		case '"': val[n++] = '"'; break;
		case '\\': val[n++] = '\\'; break;
		case 'n': val[n++] = '\n'; break;
		case 't': val[n++] = '\t'; break;
		case 'r': val[n++] = '\r'; break;
		case 'b': val[n++] = '\b'; break;
		case 'f': val[n++] = '\f'; break;
		case 'u':
			/* escape_json only needs \u00XX */
			if (strncmp(j + i + 1, "00", 2) || hexval(j[i + 3]) < 0 ||
			    hexval(j[i + 4]) < 0)
				return -1;
			val[n++] = hexval(j[i + 3]) << 4 | hexval(j[i + 4]);
			i += 4;
			break;
		default:
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (val[i] != '\\') { dst[m++] = val[i]; continue; }
		if (i + 1 < n && val[i + 1] == '\\') {
			dst[m++] = '\\';
			i++;
		} else if (i + 3 < n && val[i + 1] == 'x' && hexval(val[i + 2]) >= 0 &&
			   hexval(val[i + 3]) >= 0) {
			dst[m++] = hexval(val[i + 2]) << 4 | hexval(val[i + 3]);
			i += 3;
		} else {
			return -1;
		}
	}
	return m;
}

/* text escapes are reversible too: \\ \n \t \r \xNN */
static long decode_text(const char *t, unsigned char *dst)
{
	size_t i, m = 0;

	for (i = 0; t[i]; i++) {
		if (t[i] != '\\') { dst[m++] = t[i]; continue; }
		switch (t[++i]) {
		case '\\': dst[m++] = '\\'; break;
		case 'n': dst[m++] = '\n'; break;
		case 't': dst[m++] = '\t'; break;
		case 'r': dst[m++] = '\r'; break;
		case 'x':
			if (hexval(t[i + 1]) < 0 || hexval(t[i + 2]) < 0)
				return -1;
			dst[m++] = hexval(t[i + 1]) << 4 | hexval(t[i + 2]);
			i += 2;
			break;
		default:
			return -1;
		}
	}
	return m;
}

/* nothing a terminal acts on: no c0, del, c1, u+2028-202e, u+2066-2069 */
static int terminal_safe(const char *t)
{
	const unsigned char *s = (const unsigned char *)t;

	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return 0;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return 0;
		if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xa8 && s[2] <= 0xae)
			return 0;
		if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
			return 0;
	}
	return 1;
}

static void check_round_trip(const unsigned char *s, size_t n)
{
	static unsigned char back[sizeof(out)];
	const char *r;

	r = run(escape_json, s, n);
	cr_assert(valid_utf8((const unsigned char *)r, strlen(r)), "invalid utf-8: %s", r);
	cr_assert_eq(decode_json(r, back), (long)n, "json: %s", r);
	cr_assert_eq(memcmp(back, s, n), 0, "json: %s", r);

	r = run(escape_text, s, n);
	cr_assert(valid_utf8((const unsigned char *)r, strlen(r)), "invalid utf-8: %s", r);
	cr_assert(terminal_safe(r), "unsafe: %s", r);
	cr_assert_eq(decode_text(r, back), (long)n, "text: %s", r);
	cr_assert_eq(memcmp(back, s, n), 0, "text: %s", r);
}

Test(escape, json_passes_ascii)
{
	cr_assert_str_eq(JSON("/usr/lib/libc.so.6 ~!@#$%^&*()'{}"),
			 "/usr/lib/libc.so.6 ~!@#$%^&*()'{}");
	cr_assert_str_eq(JSON(""), "");
}

Test(escape, json_passes_utf8)
{
	/* 2, 3 and 4 bytes: é, €, U+FFFD itself, 😀 */
	cr_assert_str_eq(JSON("caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80"),
			 "caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80");
	/* edges: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+10000, U+10FFFF */
	cr_assert_str_eq(JSON("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
			      "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
			 "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
			 "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	/* json allows line and bidi controls raw */
	cr_assert_str_eq(JSON("\xe2\x80\xae"), "\xe2\x80\xae");
}

Test(escape, json_quote_and_backslash)
{
	cr_assert_str_eq(JSON("say \"hi\""), "say \\\"hi\\\"");
	cr_assert_str_eq(JSON("a\\b"), "a\\\\\\\\b");
}

Test(escape, json_every_c0_byte_and_del)
{
	cr_assert_str_eq(JSON("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
			      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"),
			 "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
			 "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
			 "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
			 "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f");
}

Test(escape, json_nul_inside)
{
	cr_assert_str_eq(JSON("lib\0c.so"), "lib\\u0000c.so");
}

Test(escape, json_invalid_bytes)
{
	cr_assert_str_eq(JSON("\x80"), "\\\\x80");
	cr_assert_str_eq(JSON("a\xff" "b"), "a\\\\xffb");
	cr_assert_str_eq(JSON("\xfe\xf5\xf8"), "\\\\xfe\\\\xf5\\\\xf8");
	/* a lead byte followed by a non-continuation */
	cr_assert_str_eq(JSON("\xc3" "A"), "\\\\xc3A");
}

Test(escape, json_truncated_at_end)
{
	cr_assert_str_eq(JSON("ok\xe2\x82"), "ok\\\\xe2\\\\x82");
	cr_assert_str_eq(JSON("\xf0\x9f\x98"), "\\\\xf0\\\\x9f\\\\x98");
}

Test(escape, json_overlong)
{
	cr_assert_str_eq(JSON("\xc0\xaf"), "\\\\xc0\\\\xaf");
	cr_assert_str_eq(JSON("\xc1\xbf"), "\\\\xc1\\\\xbf");
	cr_assert_str_eq(JSON("\xe0\x80\xaf"), "\\\\xe0\\\\x80\\\\xaf");
	cr_assert_str_eq(JSON("\xf0\x8f\xbf\xbf"), "\\\\xf0\\\\x8f\\\\xbf\\\\xbf");
}

Test(escape, json_surrogate_and_beyond_unicode)
{
	cr_assert_str_eq(JSON("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");
	cr_assert_str_eq(JSON("\xed\xbf\xbf"), "\\\\xed\\\\xbf\\\\xbf");
	/* U+110000 */
	cr_assert_str_eq(JSON("\xf4\x90\x80\x80"), "\\\\xf4\\\\x90\\\\x80\\\\x80");
}

Test(escape, json_literal_backslash_x_is_unambiguous)
{
	/* the four bytes \ x f f, and the one byte 0xff */
	const char *lit = JSON("/tmp/a\\xff");

	cr_assert_str_eq(lit, "/tmp/a\\\\\\\\xff");
	cr_assert_str_eq(JSON("/tmp/a\xff"), "/tmp/a\\\\xff");
	cr_assert_str_eq(JSON("C:\\\\x"), "C:\\\\\\\\\\\\\\\\x");
}

Test(escape, text_passes_printable_and_utf8)
{
	cr_assert_str_eq(TEXT("/lib/x86_64-linux-gnu/libc.so.6 \"q\" ~"),
			 "/lib/x86_64-linux-gnu/libc.so.6 \"q\" ~");
	/* U+00A0 is the first code point that passes; also €, U+FFFD, 😀 */
	cr_assert_str_eq(TEXT("\xc2\xa0\xe2\x82\xac\xef\xbf\xbd\xf0\x9f\x98\x80"),
			 "\xc2\xa0\xe2\x82\xac\xef\xbf\xbd\xf0\x9f\x98\x80");
	/* neighbours of the escaped ranges pass */
	cr_assert_str_eq(TEXT("\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"),
			 "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
}

Test(escape, text_backslash)
{
	cr_assert_str_eq(TEXT("a\\b"), "a\\\\b");
	cr_assert_str_eq(TEXT("/tmp/a\\xff"), "/tmp/a\\\\xff");
	cr_assert_str_eq(TEXT("/tmp/a\xff"), "/tmp/a\\xff");
}

Test(escape, text_every_c0_byte_and_del)
{
	cr_assert_str_eq(TEXT("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
			      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"),
			 "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07"
			 "\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e\\x0f"
			 "\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17"
			 "\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\\x7f");
	cr_assert_str_eq(TEXT("\x1b[31mred"), "\\x1b[31mred");
	cr_assert_str_eq(TEXT("a\0b"), "a\\x00b");
}

Test(escape, text_c1_controls)
{
	cr_assert_str_eq(TEXT("\xc2\x80"), "\\xc2\\x80");
	/* U+009B is CSI, an escape sequence on its own */
	cr_assert_str_eq(TEXT("\xc2\x9b" "31m"), "\\xc2\\x9b31m");
	cr_assert_str_eq(TEXT("\xc2\x9f"), "\\xc2\\x9f");
}

Test(escape, text_line_and_bidi_controls)
{
	cr_assert_str_eq(TEXT("\xe2\x80\xa8\xe2\x80\xa9"),
			 "\\xe2\\x80\\xa8\\xe2\\x80\\xa9");
	cr_assert_str_eq(TEXT("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
			 "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad");
	/* U+202E RIGHT-TO-LEFT OVERRIDE */
	cr_assert_str_eq(TEXT("ab\xe2\x80\xae" "cd"), "ab\\xe2\\x80\\xaecd");
	cr_assert_str_eq(TEXT("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
			 "\\xe2\\x81\\xa6\\xe2\\x81\\xa7\\xe2\\x81\\xa8\\xe2\\x81\\xa9");
}

Test(escape, text_invalid_bytes)
{
	cr_assert_str_eq(TEXT("\x80"), "\\x80");
	cr_assert_str_eq(TEXT("\xff"), "\\xff");
	cr_assert_str_eq(TEXT("\xc0\xaf"), "\\xc0\\xaf");
	cr_assert_str_eq(TEXT("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	cr_assert_str_eq(TEXT("end\xe2\x82"), "end\\xe2\\x82");
}

Test(escape, appends_to_existing)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "\"path\":\"");
	escape_json(&b, "a\"b", 3);
	sbuf_putc(&b, '"');
	cr_assert_str_eq(sbuf_str(&b), "\"path\":\"a\\\"b\"");
	sbuf_free(&b);
}

Test(escape, round_trip_all_pairs)
{
	unsigned char s[2];
	unsigned i;

	for (i = 0; i < 0x10000; i++) {
		s[0] = i >> 8;
		s[1] = i;
		check_round_trip(s, 1);
		check_round_trip(s, 2);
	}
}

Test(escape, round_trip_random)
{
	/* biased toward bytes that make or break utf-8 */
	static const unsigned char pick[] = {
		0x00, 0x0a, 0x1b, '"', '\\', 'x', 'a', '0', 0x7f, 0x80, 0x8f, 0x9f,
		0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4,
		0xf5, 0xff,
	};
	unsigned char s[64];
	unsigned seed = 1, i, k, n;

	for (i = 0; i < 20000; i++) {
		n = rand_r(&seed) % sizeof(s);
		for (k = 0; k < n; k++)
			s[k] = rand_r(&seed) % 2 ? pick[rand_r(&seed) % sizeof(pick)]
						 : (unsigned char)rand_r(&seed);
		check_round_trip(s, n);
	}
}
