/* small tools every stage uses: array length, literal prefixes, the kernel's
 * dev_t, the monotonic clock, and the one way a diagnostic reaches stderr */
#ifndef LDWATCH_UTIL_H
#define LDWATCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* the length of a string literal, counted by the compiler */
#define LIT_LEN(lit) (sizeof("" lit) - 1)

static inline const char *lit_prefix_n(const char *s, size_t n, const char *lit, size_t litlen)
{
	return n >= litlen && !memcmp(s, lit, litlen) ? s + litlen : NULL;
}

static inline const char *lit_skip_n(const char *s, const char *lit, size_t litlen)
{
	return !strncmp(s, lit, litlen) ? s + litlen : NULL;
}

/* s (n bytes) starts with the literal lit: a pointer just past it, else NULL */
#define lit_prefix(s, n, lit) lit_prefix_n((s), (n), "" lit, LIT_LEN(lit))

/* the same for a NUL-terminated string */
#define lit_skip(s, lit) lit_skip_n((s), "" lit, LIT_LEN(lit))

/* the kernel's dev_t (MKDEV: major << 20 | minor), as BPF and /proc/PID/mountinfo
 * name a device, from a stat()ed st_dev and back */
static inline uint32_t kdev_of(dev_t d)
{
	return (uint32_t)(major(d) << 20 | (minor(d) & 0xfffff));
}

static inline uint32_t kdev_make(unsigned int maj, unsigned int min)
{
	return (uint32_t)(maj << 20 | (min & 0xfffff));
}

/* CLOCK_MONOTONIC, in seconds and in nanoseconds (as BPF's bpf_ktime_get_ns) */
static inline double lw_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint64_t lw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* "ldwatch: [SUBSYS: ]message\n" on stderr; subsys may be NULL. Diagnostics
 * only: records go to the sink. */
void lw_warn(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
