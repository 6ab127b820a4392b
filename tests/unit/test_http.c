// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>

#include "http.h"
#include "metrics.h"

static int parse(const char *s, struct http_req *r)
{
	return http_parse_head(s, strlen(s), r);
}

Test(http, head_len_crlf_lf_and_incomplete)
{
	const char *a = "GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY";
	const char *b = "GET / HTTP/1.1\nHost: x\n\nBODY";

	cr_assert_eq(http_head_len(a, strlen(a)), strlen(a) - 4);
	cr_assert_eq(http_head_len(b, strlen(b)), strlen(b) - 4);
	cr_assert_eq(http_head_len(a, 20), 0);
	cr_assert_eq(http_head_len("GET / HTTP/1.1\r\n", 16), 0);
	cr_assert_eq(http_head_len("", 0), 0);
}

Test(http, prometheus_scrape)
{
	struct http_req r;

	cr_assert_eq(parse("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9\r\nUser-Agent: Prometheus/2.42.0\r\n"
			   "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n"
			   "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n", &r), 0);
	cr_assert_str_eq(r.path, "/metrics");
	cr_assert_eq(r.head, 0);
}

Test(http, head_query_and_http10)
{
	struct http_req r;

	cr_assert_eq(parse("HEAD /healthz?probe=1 HTTP/1.0\r\n\r\n", &r), 0);
	cr_assert_str_eq(r.path, "/healthz");
	cr_assert_eq(r.head, 1);
	/* leading empty lines are skipped, bare LF ends lines */
	cr_assert_eq(parse("\r\nGET /x HTTP/1.1\nA: b\n\n", &r), 0);
	cr_assert_str_eq(r.path, "/x");
}

Test(http, malformed_request_lines)
{
	struct http_req r;

	cr_assert_eq(parse("hello\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET /\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET  / HTTP/1.1\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/1.1 \r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / http/1.1\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET http://h/metrics HTTP/1.1\r\n\r\n", &r), 400);
	cr_assert_eq(parse("G\x01T / HTTP/1.1\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET /a\x7f HTTP/1.1\r\n\r\n", &r), 400);
	cr_assert_eq(parse("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
	cr_assert_eq(parse("GET / HTTP/1.2\r\n\r\n", &r), 505);
}

Test(http, malformed_fields)
{
	struct http_req r;

	cr_assert_eq(parse("GET / HTTP/1.1\r\nno colon here\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/1.1\r\n: x\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", &r), 400);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", &r), 400);
	/* a tab in a value is allowed */
	cr_assert_eq(parse("GET / HTTP/1.1\r\nA: b\tc\r\n\r\n", &r), 0);
}

Test(http, methods_and_bodies)
{
	struct http_req r;

	cr_assert_eq(parse("POST /metrics HTTP/1.1\r\nContent-Length: 1\r\n\r\n", &r), 405);
	cr_assert_eq(parse("DELETE / HTTP/1.1\r\n\r\n", &r), 405);
	cr_assert_eq(parse("get / HTTP/1.1\r\n\r\n", &r), 405);	/* methods are case-sensitive */
	cr_assert_eq(parse("GET / HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n", &r), 413);
	cr_assert_eq(parse("GET / HTTP/1.1\r\ncontent-length: 00\r\n\r\n", &r), 413);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 413);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nContent-Length: 0 \r\n\r\n", &r), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nContent-Length:0\r\n\r\n", &r), 0);
}

Test(http, long_path)
{
	struct http_req r;
	char req[600];

	snprintf(req, sizeof(req), "GET /%0*d HTTP/1.1\r\n\r\n", HTTP_PATH_MAX - 2, 0);
	cr_assert_eq(parse(req, &r), 0);
	cr_assert_eq(strlen(r.path), HTTP_PATH_MAX - 1);
	snprintf(req, sizeof(req), "GET /%0*d HTTP/1.1\r\n\r\n", HTTP_PATH_MAX - 1, 0);
	cr_assert_eq(parse(req, &r), 414);
	/* a long query is cut off, not counted */
	snprintf(req, sizeof(req), "GET /metrics?%0*d HTTP/1.1\r\n\r\n", 400, 0);
	cr_assert_eq(parse(req, &r), 0);
	cr_assert_str_eq(r.path, "/metrics");
}

Test(http, reasons)
{
	cr_assert_str_eq(http_reason(431), "Request Header Fields Too Large");
	cr_assert_str_eq(http_reason(413), "Content Too Large");
	cr_assert_str_eq(http_reason(299), "Error");
}

Test(http, listen_addresses)
{
	struct sockaddr_in sin;

	cr_assert_eq(metrics_parse_addr("9090", &sin), 0);
	cr_assert_eq(ntohl(sin.sin_addr.s_addr), INADDR_LOOPBACK);
	cr_assert_eq(ntohs(sin.sin_port), 9090);
	cr_assert_eq(metrics_parse_addr(":9090", &sin), 0);
	cr_assert_eq(ntohl(sin.sin_addr.s_addr), INADDR_ANY);
	cr_assert_eq(metrics_parse_addr("10.1.2.3:80", &sin), 0);
	cr_assert_eq(ntohl(sin.sin_addr.s_addr), 0x0a010203u);
	cr_assert_eq(metrics_parse_addr("0.0.0.0:1", &sin), 0);
	cr_assert_eq(ntohl(sin.sin_addr.s_addr), INADDR_ANY);
	cr_assert_eq(metrics_parse_addr("host:80", &sin), -EINVAL);
	cr_assert_eq(metrics_parse_addr("1.2.3.4:0", &sin), -EINVAL);
	cr_assert_eq(metrics_parse_addr("1.2.3.4:65536", &sin), -EINVAL);
	cr_assert_eq(metrics_parse_addr("1.2.3.4:", &sin), -EINVAL);
	cr_assert_eq(metrics_parse_addr("", &sin), -EINVAL);
}
