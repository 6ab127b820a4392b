/* test helper: what the code under test writes on stderr, caught for exact assertions */
#ifndef TEST_CAPTURE_H
#define TEST_CAPTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
	int fd, saved;
};

/* from now on stderr goes to a temporary file */
static inline void capture_begin(struct capture *c)
{
	char path[] = "/tmp/lw-stderr.XXXXXX";

	c->fd = mkstemp(path);
	cr_assert_geq(c->fd, 0);
	unlink(path);
	c->saved = dup(2);
	cr_assert_geq(c->saved, 0);
	fflush(stderr);
	cr_assert_eq(dup2(c->fd, 2), 2);
}

/* stderr back as it was; what was written meanwhile, malloc'd */
static inline char *capture_end(struct capture *c)
{
	off_t n;
	char *s;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	n = lseek(c->fd, 0, SEEK_END);
	cr_assert_geq(n, 0);
	s = malloc(n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(pread(c->fd, s, n, 0), n);
	s[n] = '\0';
	close(c->fd);
	return s;
}

#endif
