/* SPDX-License-Identifier: MIT */
/* escaping of outside bytes (paths, stderr, ELF strings) for output */
#ifndef ESCAPE_H
#define ESCAPE_H

#include <stddef.h>

#include "sbuf.h"

/*
 * escape_json appends the body of a JSON string (no quotes) that is valid
 * JSON and valid UTF-8. Well-formed UTF-8 passes unchanged, except: `"` is
 * written \" and bytes 0x00-0x1f and 0x7f as \n \t \r \b \f or \u00XX, all
 * of which decode to the original byte; a backslash byte is written \\\\ and
 * each byte not in well-formed UTF-8 (overlong, surrogate, above U+10FFFF,
 * truncated) is written \\xNN. So in the decoded value, \\ is one backslash,
 * \xNN is the byte 0xNN, and nothing else has a backslash.
 */
void escape_json(struct sbuf *b, const void *s, size_t n);

/*
 * escape_text appends a form safe for a terminal: printable ASCII passes,
 * backslash becomes \\, every control byte (newline and tab too: a path
 * must stay on its line) and invalid UTF-8 become \xNN. Well-formed UTF-8 passes
 * except C1 controls, U+2028-U+202E and U+2066-U+2069 (line breaks and bidi
 * controls that reorder what is shown), which are escaped byte by byte.
 */
void escape_text(struct sbuf *b, const void *s, size_t n);

#endif
