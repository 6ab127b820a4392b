/* SPDX-License-Identifier: MIT */
/*
 * http: the request head of the metrics listener, parsed as RFC 9112 says,
 * for a server that answers GET and HEAD of a few paths and reads no body
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#define HTTP_HEAD_MAX	8192	/* bytes of request line and headers; more is refused with 431 */
#define HTTP_PATH_MAX	256

struct http_req {
	int head;			/* HEAD: the answer has no body */
	char path[HTTP_PATH_MAX];	/* the target's path, its query cut off */
};

/*
 * the length of the head in buf (up to and including its empty line), or 0
 * when more bytes are needed
 */
size_t http_head_len(const char *buf, size_t len);

/*
 * the head's verdict: 0 and *req filled for a GET or HEAD without a body, or
 * the status to answer with: 400 a malformed line, 405 another method, 413 a
 * request with a body (Content-Length or Transfer-Encoding), 414 a path over
 * HTTP_PATH_MAX, 505 a version other than HTTP/1.0 and HTTP/1.1
 */
int http_parse_head(const char *buf, size_t len, struct http_req *req);

/* the reason phrase of a status this server sends */
const char *http_reason(int status);

#endif
