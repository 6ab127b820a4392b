/* test helper: ld.so.cache files crafted byte by byte, in the three layouts ldconfig writes */
#ifndef TEST_CACHEFILE_H
#define TEST_CACHEFILE_H

#include <stdint.h>
#include <string.h>

#include "ldcache.h"

#define BUF_MAX 65536
#define EXT_NAMED (1ull << 62)
#define X8664 LDCACHE_FLAGS_X86_64

struct ent {
	const char *key, *path;
	int32_t flags;		/* 0: x86-64 */
	uint64_t hwcap;		/* for a glibc-hwcaps entry: EXT_NAMED | index */
};

struct cache {
	unsigned char b[BUF_MAX];
	size_t len;
	size_t ext;		/* file offset of the extension directory, 0 none */
	size_t hw;		/* file offset of the hwcaps section */
	size_t str0;		/* file offset of the first string */
};

static inline void put32(struct cache *c, size_t off, uint32_t v)
{
	memcpy(c->b + off, &v, 4);
}

static inline void put64(struct cache *c, size_t off, uint64_t v)
{
	memcpy(c->b + off, &v, 8);
}

/* a string at the end of the file; its file offset */
static inline size_t add_str(struct cache *c, const char *s)
{
	size_t at = c->len;

	memcpy(c->b + at, s, strlen(s) + 1);
	c->len += strlen(s) + 1;
	return at;
}

/* the new format, as ldconfig 2.36 writes it: header, entries, strings
 * (file offsets), the extension directory (generator, glibc-hwcaps)
 */
static inline void build_new(struct cache *c, const struct ent *e, unsigned n, const char *const *hw, unsigned nh)
{
	size_t names[8], gen;

	memset(c, 0, sizeof(*c));
	memcpy(c->b, "glibc-ld.so.cache1.1", 20);
	put32(c, 20, n);
	c->b[28] = 2;			/* little endian */
	c->len = 48 + (size_t)n * 24;
	c->str0 = c->len;
	for (unsigned i = 0; i < n; i++) {
		size_t p = 48 + (size_t)i * 24;

		put32(c, p, (uint32_t)(e[i].flags ? e[i].flags : X8664));
		put32(c, p + 4, (uint32_t)add_str(c, e[i].key));
		put32(c, p + 8, (uint32_t)add_str(c, e[i].path));
		put64(c, p + 16, e[i].hwcap);
	}
	for (unsigned i = 0; i < nh; i++)
		names[i] = add_str(c, hw[i]);
	gen = add_str(c, "ldconfig (test) release version 2.36");
	put32(c, 24, (uint32_t)(c->len - c->str0));
	c->len = (c->len + 3) & ~(size_t)3;
	c->ext = c->len;
	put32(c, 32, (uint32_t)c->ext);
	put32(c, c->ext, 0xeaa42174u);
	put32(c, c->ext + 4, 2);
	/* section 0: generator; section 1: glibc-hwcaps */
	put32(c, c->ext + 8, 0);
	put32(c, c->ext + 16, (uint32_t)gen);
	put32(c, c->ext + 20, (uint32_t)strlen("ldconfig (test) release version 2.36"));
	c->hw = c->ext + 8 + 32;
	put32(c, c->ext + 24, 1);
	put32(c, c->ext + 32, (uint32_t)c->hw);
	put32(c, c->ext + 36, nh * 4);
	for (unsigned i = 0; i < nh; i++)
		put32(c, c->hw + i * 4, (uint32_t)names[i]);
	c->len = c->hw + nh * 4;
}

/* the old format: entries, then strings counted from the end of the entries */
static inline void build_old(struct cache *c, const struct ent *e, unsigned n)
{
	size_t base = 16 + (size_t)n * 12;

	memset(c, 0, sizeof(*c));
	memcpy(c->b, "ld.so-1.7.0", 11);
	put32(c, 12, n);
	c->len = base;
	for (unsigned i = 0; i < n; i++) {
		size_t p = 16 + (size_t)i * 12;

		put32(c, p, (uint32_t)(e[i].flags ? e[i].flags : X8664));
		put32(c, p + 4, (uint32_t)(add_str(c, e[i].key) - base));
		put32(c, p + 8, (uint32_t)(add_str(c, e[i].path) - base));
	}
}

/* ldconfig -c compat: the old table, then the new one 8-aligned, whose
 * strings count from its own header
 */
static inline void build_compat(struct cache *c, const struct ent *old, unsigned nold,
			 const struct ent *e, unsigned n)
{
	size_t base = 16 + (size_t)nold * 12, hdr = (base + 7) & ~(size_t)7;

	memset(c, 0, sizeof(*c));
	memcpy(c->b, "ld.so-1.7.0", 11);
	put32(c, 12, nold);
	memcpy(c->b + hdr, "glibc-ld.so.cache1.1", 20);
	put32(c, hdr + 20, n);
	c->b[hdr + 28] = 2;
	c->len = hdr + 48 + (size_t)n * 24;
	for (unsigned i = 0; i < nold; i++) {
		size_t p = 16 + (size_t)i * 12;

		put32(c, p, X8664);
		put32(c, p + 4, (uint32_t)(add_str(c, old[i].key) - base));
		put32(c, p + 8, (uint32_t)(add_str(c, old[i].path) - base));
	}
	for (unsigned i = 0; i < n; i++) {
		size_t p = hdr + 48 + (size_t)i * 24;

		put32(c, p, X8664);
		put32(c, p + 4, (uint32_t)(add_str(c, e[i].key) - hdr));
		put32(c, p + 8, (uint32_t)(add_str(c, e[i].path) - hdr));
	}
}

#endif
