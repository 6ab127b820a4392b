// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the metrics listener's request head, which is whatever
 * reaches its port. The verdicts must hold what http.h promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r;
	size_t n = size > HTTP_HEAD_MAX ? HTTP_HEAD_MAX : size;
	size_t h = http_head_len((const char *)data, n);
	int st;

	if (h > n)
		abort();
	st = http_parse_head((const char *)data, h ? h : n, &r);
	if (st == 0 && (r.path[0] != '/' || strlen(r.path) >= HTTP_PATH_MAX || strchr(r.path, '?')))
		abort();
	if (st && st != 400 && st != 405 && st != 413 && st != 414 && st != 505)
		abort();
	return 0;
}
