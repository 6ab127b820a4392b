/* SPDX-License-Identifier: MIT */
/*
 * ldcache: a root's own /etc/ld.so.cache, read as glibc's ld.so reads it.
 *
 * Both formats: the old "ld.so-1.7.0" (alone, or with the new one inside it)
 * and the new "glibc-ld.so.cache1.1" with its extension directory (the
 * glibc-hwcaps section, glibc 2.33+, and the generator string). The file is
 * copied whole (at most LDCACHE_SIZE_MAX bytes) and every count, offset and
 * string is checked against its size; a NUL is appended so that no string
 * runs past the copy, the way ld.so's mapping ends in zero fill.
 */
#ifndef LW_LDCACHE_H
#define LW_LDCACHE_H

#include <stddef.h>
#include <stdint.h>

#define LDCACHE_PATH		"/etc/ld.so.cache"
#define LDCACHE_SIZE_MAX	(16u << 20)
/* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64: the only flags x86-64's ld.so accepts */
#define LDCACHE_FLAGS_X86_64	0x0303

enum ldcache_format {
	LDCACHE_FMT_OLD = 1,		/* ld.so-1.7.0 only */
	LDCACHE_FMT_NEW = 2,		/* glibc-ld.so.cache1.1 only (ldconfig's default since 2.32) */
	LDCACHE_FMT_OLD_NEW = 3,	/* the new table inside the old one (ldconfig -c compat) */
};

/* the file is usable, but not all of it: see ldcache__flags */
#define LDCACHE_F_BAD_EXTENSION	0x1	/* extension directory malformed: ld.so uses no hwcaps entry */
#define LDCACHE_F_UNTERMINATED	0x2	/* a string runs to the end of the file */
#define LDCACHE_F_BAD_OFFSET	0x4	/* an entry's string offset lies outside the file */

/* why an entry of a lookup is not the loader's choice */
enum ldcache_skip {
	LDCACHE_CHOSEN = 0,	/* the path ld.so opens for this name */
	LDCACHE_SHADOWED,	/* usable, but the chosen entry comes first */
	LDCACHE_SKIP_FLAGS,	/* another ABI: i386, x32, libc5... (flags differ) */
	LDCACHE_SKIP_HWCAPS,	/* a glibc-hwcaps subdirectory this CPU does not use */
	LDCACHE_SKIP_ISA,	/* needs an x86 ISA level this CPU lacks */
	LDCACHE_SKIP_LEGACY,	/* a legacy hwcap/platform entry this loader ignores */
	LDCACHE_SKIP_BAD,	/* its path offset lies outside the file */
};

struct ldcache_entry {
	const char *name;	/* the key (a soname); "" when its offset is bad */
	const char *path;	/* NULL when its offset is bad */
	const char *hwcaps;	/* glibc-hwcaps subdirectory ("x86-64-v3"), NULL for none */
	int32_t flags;
	uint64_t hwcap;		/* the raw field; 0 in the old format */
	uint32_t index;		/* position in the file's table */
	uint32_t priority;	/* the hwcaps name's rank in the query, 1 = best; 0 none */
	int skip;		/* enum ldcache_skip (lookups only) */
};

/*
 * What the loader of a root brings to a lookup. Zero means: x86-64's flags,
 * no glibc-hwcaps names, every ISA level, legacy hwcap entries skipped
 * (glibc 2.37+).
 */
struct ldcache_query {
	int32_t flags;			/* 0: LDCACHE_FLAGS_X86_64 */
	const char *const *hwcaps;	/* active glibc-hwcaps names, best first, NULL-ended */
	unsigned isa;			/* HWCAPS_ISA_* of the CPU; 0: all */
	int legacy;			/* glibc <= 2.36: hwcap entries matched by the two below */
	uint64_t legacy_hwcap;		/* dl_hwcap & hwcap_mask (HWCAPS_X86_64...) */
	int legacy_platform;		/* _dl_string_platform: 48 + index, -1 none */
};

struct ldcache;
struct hwcaps_cpu;

/* parse a copy of buf. -EBADMSG for a file ld.so would ignore (no magic,
 * counts past the end, the other byte order), -EFBIG past the cap, -ENOMEM
 */
int ldcache__parse(const void *buf, size_t len, struct ldcache **out);
/* path (NULL: /etc/ld.so.cache) inside rootfd, never leaving it (openat2
 * RESOLVE_IN_ROOT); -ENOENT when there is none, as elf_open_in_root, or parse's
 */
int ldcache__open_in_root(int rootfd, const char *path, struct ldcache **out);
void ldcache__free(struct ldcache *c);

int ldcache__format(const struct ldcache *c);	/* enum ldcache_format */
uint32_t ldcache__flags(const struct ldcache *c);	/* LDCACHE_F_* */
unsigned ldcache__count(const struct ldcache *c);
/* "ldconfig (GNU libc) 2.36" from the generator section, or NULL */
const char *ldcache__generator(const struct ldcache *c);
/* entry i in file order (ldconfig -p's order); -ERANGE past the end */
int ldcache__entry(const struct ldcache *c, unsigned i, struct ldcache_entry *e);

/*
 * The entries for name that ld.so's binary search reaches, in the order it
 * prefers them: the one it opens first (skip LDCACHE_CHOSEN, when there is
 * one), then the other usable ones (glibc-hwcaps entries by the query's
 * priority, then plain ones in file order), then the unusable ones in file
 * order with their reason. ld.so tries only the chosen one (dl-load.c: a
 * cache path that fails to open goes straight on to the default
 * directories). Up to max into out; returns how many there are, or -errno.
 */
int ldcache__lookup(const struct ldcache *c, const char *name, const struct ldcache_query *q,
		    struct ldcache_entry *out, unsigned max);

/* the query glibc 2.<minor> on this CPU makes (names points at static strings) */
void ldcache_query_init(struct ldcache_query *q, const struct hwcaps_cpu *cpu, unsigned glibc_minor,
			const char *names[4]);

/* glibc's _dl_cache_libcmp: digits compare as numbers ("libc.so.10" > "libc.so.9") */
int ldcache_libcmp(const char *a, const char *b);

#endif
