// SPDX-License-Identifier: MIT
/*
 * http: the request head of the metrics listener (see http.h). Only what a
 * GET-only server needs is understood; everything else is refused by its
 * status, never guessed at: the listener faces whatever reaches its port.
 */
#include <string.h>
#include <strings.h>

#include "http.h"

size_t http_head_len(const char *buf, size_t len)
{
	/* the head ends at an empty line: LF then CRLF or LF (a bare LF ends a line too) */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* RFC 9110's tchar: what a method or a field name is made of */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* [p, end) is one line without its LF; a CR before the LF is dropped */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (!lf)
		lf = end;
	*next = lf < end ? lf + 1 : end;
	if (lf > p && lf[-1] == '\r')
		lf--;
	return lf;
}

static int request_line(const char *p, const char *e, struct http_req *req, int *is_get)
{
	const char *m = p, *t, *v;
	size_t mlen, tlen, plen;

	while (p < e && is_tchar((unsigned char)*p))
		p++;
	mlen = (size_t)(p - m);
	if (!mlen || p == e || *p != ' ')
		return 400;
	t = ++p;
	while (p < e && (unsigned char)*p > ' ' && *p != 0x7f)
		p++;
	tlen = (size_t)(p - t);
	if (!tlen || p == e || *p != ' ')
		return 400;
	v = ++p;
	if ((size_t)(e - v) != 8 || memcmp(v, "HTTP/", 5) || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
		return 505;
	/* origin-form only: the path from its '/', the query cut off */
	if (t[0] != '/')
		return 400;
	plen = tlen;
	for (size_t i = 0; i < tlen; i++)
		if (t[i] == '?') {
			plen = i;
			break;
		}
	if (plen >= sizeof(req->path))
		return 414;
	memcpy(req->path, t, plen);
	req->path[plen] = '\0';
	req->head = mlen == 4 && !memcmp(m, "HEAD", 4);
	*is_get = req->head || (mlen == 3 && !memcmp(m, "GET", 3));
	return 0;
}

/* a field line "name: value"; *body when it announces a body */
static int field_line(const char *p, const char *e, int *body)
{
	const char *n = p, *v;
	size_t nlen;

	while (p < e && is_tchar((unsigned char)*p))
		p++;
	nlen = (size_t)(p - n);
	/* no name, whitespace before the colon, or an obsolete folded line */
	if (!nlen || p == e || *p != ':')
		return 400;
	for (v = p + 1; v < e; v++)
		if (((unsigned char)*v < ' ' && *v != '\t') || *v == 0x7f)
			return 400;
	v = p + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	if (nlen == 17 && !strncasecmp(n, "transfer-encoding", nlen))
		*body = 1;
	if (nlen == 14 && !strncasecmp(n, "content-length", nlen)) {
		/* "0" (and whitespace after it) is no body; any other value is one */
		if (v < e && *v == '0')
			v++;
		else
			*body = 1;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if (v != e)
			*body = 1;
	}
	return 0;
}

int http_parse_head(const char *buf, size_t len, struct http_req *req)
{
	const char *p = buf, *end = buf + len, *e, *next;
	int is_get = 0, body = 0, st;

	memset(req, 0, sizeof(*req));
	/* a recipient ignores empty lines before the request line (RFC 9112 2.2) */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	e = line_end(p, end, &next);
	st = request_line(p, e, req, &is_get);
	if (st)
		return st;
	for (p = next; p < end; p = next) {
		e = line_end(p, end, &next);
		if (e == p)
			break;	/* the empty line: the head's end */
		st = field_line(p, e, &body);
		if (st)
			return st;
	}
	if (!is_get)
		return 405;
	if (body)
		return 413;
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
