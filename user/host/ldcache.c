// SPDX-License-Identifier: MIT
/* ldcache: a root's /etc/ld.so.cache, parsed and looked up as ld.so does (see ldcache.h).
 * glibc's elf/dl-cache.c, sysdeps/generic/dl-cache.h and elf/cache.c (2.36,
 * and HEAD for the legacy-hwcap change) are the reference; nothing is mapped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"
#include "hwcaps.h"
#include "ldcache.h"
#include "util.h"

#define MAGIC_OLD	"ld.so-1.7.0"
#define MAGIC_NEW	"glibc-ld.so.cache1.1"
#define HDR_OLD		16u	/* magic[11], pad, nlibs */
#define HDR_NEW		48u	/* magic[17], version[3], nlibs, len_strings, flags, pad[3], ext, unused[3] */
#define ENT_OLD		12u	/* flags, key, value */
#define ENT_NEW		24u	/* ... osversion, hwcap */
#define EXT_MAGIC	0xeaa42174u	/* (uint32_t) -358342284 */
#define EXT_GENERATOR	0u
#define EXT_HWCAPS	1u
#define HWCAP_EXTENSION	(1ull << 62)	/* the low 32 bits index the hwcaps section */
#define ISA_LEVEL_MASK	0x3ffu		/* bits 32..41: the x86 ISA level needed */
#define PLATFORM_MASK	(0xfull << 48)	/* x86: four platform bits from bit 48 */
#define HWCAP_TLS	(1ull << 63)
#define GROUP_MAX	1024	/* entries of one name classified and sorted (the walk sees them all) */

struct ldcache {
	unsigned char *buf;	/* the file and one NUL */
	size_t len;
	int format;
	uint32_t flags;
	uint32_t nlibs;
	size_t ent_off, ent_size;
	size_t str_base;	/* entries' string offsets count from here */
	size_t hw_off;		/* the glibc-hwcaps section: uint32 file offsets of names */
	uint32_t hw_count;
	char *generator;
};

struct raw {
	int32_t flags;
	uint32_t key, value;
	uint64_t hwcap;
};

/* ld.so reads the file in its own byte order */
static uint32_t rd32(const struct ldcache *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->buf + off, sizeof(v));
	return v;
}

static struct raw raw_at(const struct ldcache *c, uint32_t i)
{
	size_t p = c->ent_off + (size_t)i * c->ent_size;
	struct raw r = { .key = rd32(c, p + 4), .value = rd32(c, p + 8) };

	memcpy(&r.flags, c->buf + p, sizeof(r.flags));
	if (c->ent_size == ENT_NEW)
		memcpy(&r.hwcap, c->buf + p + 16, sizeof(r.hwcap));
	return r;
}

/* a string of the entry table, or NULL when its offset is outside the file */
static const char *str_at(const struct ldcache *c, uint32_t off)
{
	if (off >= c->len - c->str_base)
		return NULL;
	return (const char *)c->buf + c->str_base + off;
}

/* dl-cache.h's cache_file_new_matches_endian: 0 is "unknown", accepted */
static bool endian_ok(uint8_t flags)
{
	uint16_t one = 1;
	uint8_t mine = *(uint8_t *)&one ? 2 : 3;

	return !flags || (flags & 3) == mine;
}

/* cache_extension_load: any bad bound voids every section */
static void load_extensions(struct ldcache *c, size_t hdr)
{
	uint64_t ext = rd32(c, hdr + 32), count, end;
	uint64_t hw_off = 0, hw_size = 0, gen_off = 0, gen_size = 0;

	if (!ext)
		return;
	if (ext % 4 || ext + 8 > c->len || rd32(c, ext) != EXT_MAGIC)
		goto bad;
	count = rd32(c, ext + 4);
	end = ext + 8 + count * 16;
	if (end > c->len)
		goto bad;
	for (uint64_t i = 0; i < count; i++) {
		size_t s = (size_t)(ext + 8 + i * 16);
		uint32_t tag = rd32(c, s);
		uint64_t off = rd32(c, s + 8), size = rd32(c, s + 12);

		if (off + size > c->len)
			goto bad;
		if (tag == EXT_HWCAPS) {
			hw_off = off;
			hw_size = size;
		} else if (tag == EXT_GENERATOR) {
			gen_off = off;
			gen_size = size;
		}
	}
	/* cache_extension_verify: 4-aligned, a whole number of indices */
	if (hw_size && !(hw_off % 4) && !(hw_size % 4)) {
		c->hw_off = (size_t)hw_off;
		c->hw_count = (uint32_t)(hw_size / 4);
	}
	if (gen_size) {
		c->generator = strndup((const char *)c->buf + gen_off, (size_t)gen_size);
		if (!c->generator)
			goto bad;
	}
	return;
bad:
	c->flags |= LDCACHE_F_BAD_EXTENSION;
	c->hw_count = 0;
}

static void check_strings(struct ldcache *c)
{
	for (uint32_t i = 0; i < c->nlibs; i++) {
		struct raw r = raw_at(c, i);
		uint32_t offs[2] = { r.key, r.value };

		for (int k = 0; k < 2; k++) {
			const char *s = str_at(c, offs[k]);

			if (!s)
				c->flags |= LDCACHE_F_BAD_OFFSET;
			else if (!memchr(s, 0, c->len - c->str_base - offs[k]))
				c->flags |= LDCACHE_F_UNTERMINATED;
		}
	}
}

/* _dl_load_cache_lookup's format checks, in its order */
static int layout(struct ldcache *c)
{
	size_t len = c->len, off;
	uint32_t n;

	if (len > HDR_NEW && !memcmp(c->buf, MAGIC_NEW, LIT_LEN(MAGIC_NEW))) {
		n = rd32(c, 20);
		if ((len - HDR_NEW) / ENT_NEW < n || !endian_ok(c->buf[28]))
			return -EBADMSG;
		c->format = LDCACHE_FMT_NEW;
		c->nlibs = n;
		c->ent_off = HDR_NEW;
		c->ent_size = ENT_NEW;
		load_extensions(c, 0);
		return 0;
	}
	if (len <= HDR_OLD || memcmp(c->buf, MAGIC_OLD, LIT_LEN(MAGIC_OLD)))
		return -EBADMSG;
	n = rd32(c, 12);
	if ((len - HDR_OLD) / ENT_OLD < n)
		return -EBADMSG;
	/* the new table follows, 8-aligned, where the old strings would start */
	off = (HDR_OLD + (size_t)n * ENT_OLD + 7) & ~(size_t)7;
	if (len >= off + HDR_NEW && !memcmp(c->buf + off, MAGIC_NEW, LIT_LEN(MAGIC_NEW))) {
		if (!endian_ok(c->buf[off + 28]))
			return -EBADMSG;	/* ld.so drops both tables */
		n = rd32(c, off + 20);
		/* ld.so does not check this count and would read past the end */
		if ((len - off - HDR_NEW) / ENT_NEW < n)
			return -EBADMSG;
		c->format = LDCACHE_FMT_OLD_NEW;
		c->nlibs = n;
		c->ent_off = off + HDR_NEW;
		c->ent_size = ENT_NEW;
		c->str_base = off;
		load_extensions(c, off);
		return 0;
	}
	c->format = LDCACHE_FMT_OLD;
	c->nlibs = n;
	c->ent_off = HDR_OLD;
	c->ent_size = ENT_OLD;
	c->str_base = HDR_OLD + (size_t)n * ENT_OLD;
	return 0;
}

int ldcache__parse(const void *buf, size_t len, struct ldcache **out)
{
	struct ldcache *c;
	int err;

	*out = NULL;
	if (len > LDCACHE_SIZE_MAX)
		return -EFBIG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->buf = malloc(len + 1);
	if (!c->buf) {
		free(c);
		return -ENOMEM;
	}
	if (len)
		memcpy(c->buf, buf, len);
	c->buf[len] = 0;
	c->len = len;
	err = layout(c);
	if (err) {
		ldcache__free(c);
		return err;
	}
	check_strings(c);
	*out = c;
	return 0;
}

int ldcache__open_in_root(int rootfd, const char *path, struct ldcache **out)
{
	unsigned char *buf = NULL;
	bool truncated = false;
	size_t len = 0;
	int fd, err;

	*out = NULL;
	err = elf_open_in_root(rootfd, path ? path : LDCACHE_PATH, &fd);
	if (err)
		return err;
	/* one byte over the cap tells a file at the cap from a larger one */
	err = elf_read_capped(fd, LDCACHE_SIZE_MAX + 1, &buf, &len, &truncated);
	close(fd);
	if (err)
		return err;
	err = truncated ? -EFBIG : ldcache__parse(buf, len, out);
	free(buf);
	return err;
}

void ldcache__free(struct ldcache *c)
{
	if (!c)
		return;
	free(c->generator);
	free(c->buf);
	free(c);
}

int ldcache__format(const struct ldcache *c) { return c->format; }
uint32_t ldcache__flags(const struct ldcache *c) { return c->flags; }
unsigned ldcache__count(const struct ldcache *c) { return c->nlibs; }
const char *ldcache__generator(const struct ldcache *c) { return c->generator; }

/* dl-cache.h's dl_cache_hwcap_extension */
static bool is_named(const struct ldcache *c, uint64_t hwcap)
{
	return c->ent_size == ENT_NEW && ((hwcap >> 32) & ~(uint64_t)ISA_LEVEL_MASK) == (HWCAP_EXTENSION >> 32);
}

/* the hwcaps name, at a file offset (ld.so's glibc_hwcaps_compare uses the
 * file's start even when the new table sits inside the old one)
 */
static const char *hwcaps_name(const struct ldcache *c, uint64_t hwcap)
{
	uint32_t idx = (uint32_t)hwcap, off;

	if (!is_named(c, hwcap) || idx >= c->hw_count)
		return NULL;
	off = rd32(c, c->hw_off + (size_t)idx * 4);
	return off < c->len ? (const char *)c->buf + off : NULL;
}

static uint32_t priority(const struct ldcache_query *q, const char *name)
{
	for (uint32_t i = 0; name && q->hwcaps && q->hwcaps[i]; i++)
		if (!strcmp(q->hwcaps[i], name))
			return i + 1;
	return 0;
}

static void fill(const struct ldcache *c, uint32_t i, const struct ldcache_query *q,
		 struct ldcache_entry *e)
{
	struct raw r = raw_at(c, i);
	const char *key = str_at(c, r.key);

	memset(e, 0, sizeof(*e));
	e->name = key ? key : "";
	e->path = str_at(c, r.value);
	e->flags = r.flags;
	e->hwcap = r.hwcap;
	e->index = i;
	e->hwcaps = hwcaps_name(c, r.hwcap);
	if (q)
		e->priority = priority(q, e->hwcaps);
}

int ldcache__entry(const struct ldcache *c, unsigned i, struct ldcache_entry *e)
{
	if (i >= c->nlibs)
		return -ERANGE;
	fill(c, i, NULL, e);
	return 0;
}

int ldcache_libcmp(const char *p1, const char *p2)
{
#define DIGIT(ch) ((ch) >= '0' && (ch) <= '9')
	while (*p1) {
		if (DIGIT(*p1)) {
			uint32_t v1, v2;

			if (!DIGIT(*p2))
				return 1;
			/* glibc's int arithmetic, wrapping as its build does */
			v1 = (uint32_t)(*p1++ - '0');
			v2 = (uint32_t)(*p2++ - '0');
			while (DIGIT(*p1))
				v1 = v1 * 10 + (uint32_t)(*p1++ - '0');
			while (DIGIT(*p2))
				v2 = v2 * 10 + (uint32_t)(*p2++ - '0');
			if (v1 != v2)
				return (int)(v1 - v2);
		} else if (DIGIT(*p2)) {
			return -1;
		} else if (*p1 != *p2) {
			return *p1 - *p2;
		} else {
			p1++;
			p2++;
		}
	}
	return *p1 - *p2;
#undef DIGIT
}

/* x86's dl_cache_hwcap_isa_level_compatible; the shift wraps as x86's does */
static bool isa_ok(const struct ldcache_query *q, uint64_t hwcap)
{
	uint32_t level = 1u << (((hwcap >> 32) & ISA_LEVEL_MASK) & 31);

	return !q->isa || (level & q->isa) == level;
}

/* a plain entry with legacy hwcap bits: 2.36's exclude mask, or 2.37+'s "never" */
static bool legacy_skip(const struct ldcache_query *q, uint64_t hwcap)
{
	uint64_t platform = q->legacy_platform >= 0 ? 1ull << q->legacy_platform : ~0ull;

	if (!q->legacy)
		return hwcap != 0;
	if (hwcap & ~(q->legacy_hwcap | PLATFORM_MASK | HWCAP_TLS))
		return true;
	return (hwcap & PLATFORM_MASK) && (hwcap & PLATFORM_MASK) != platform;
}

static int classify(const struct ldcache *c, const struct ldcache_query *q, const struct ldcache_entry *e)
{
	if (e->flags != q->flags)
		return LDCACHE_SKIP_FLAGS;
	if (!e->path)
		return LDCACHE_SKIP_BAD;
	if (is_named(c, e->hwcap)) {
		if (!isa_ok(q, e->hwcap))
			return LDCACHE_SKIP_ISA;
		return e->priority ? LDCACHE_SHADOWED : LDCACHE_SKIP_HWCAPS;
	}
	if (c->ent_size == ENT_NEW && legacy_skip(q, e->hwcap))
		return LDCACHE_SKIP_LEGACY;
	return LDCACHE_SHADOWED;
}

/* search_cache's walk over the entries of one name: the index it returns, or -1 */
static int64_t pick(const struct ldcache *c, const struct ldcache_query *q, int64_t first, int64_t end)
{
	uint32_t best_prio = 0;
	int64_t best = -1;

	for (int64_t i = first; i < end; i++) {
		struct ldcache_entry g;
		bool named;

		fill(c, (uint32_t)i, q, &g);
		named = is_named(c, g.hwcap);
		if (g.flags != q->flags || !g.path)
			continue;
		if (c->ent_size == ENT_NEW) {
			if (named && !isa_ok(q, g.hwcap))
				continue;
			/* hwcaps entries come first: a plain one ends the search */
			if (!named && best >= 0)
				break;
			if (!named && legacy_skip(q, g.hwcap))
				continue;
			if (named) {
				if (!g.priority || (best >= 0 && g.priority >= best_prio))
					continue;
				best_prio = g.priority;
			}
		}
		best = i;
		if (!named)
			break;
	}
	return best;
}

/* where the loader's preference puts an entry (lower first) */
static int rank(const struct ldcache_entry *e)
{
	if (e->skip == LDCACHE_CHOSEN)
		return 0;
	if (e->skip == LDCACHE_SHADOWED)
		return e->hwcaps ? 1 : 2;
	return 3;
}

static int by_rank(const void *a, const void *b)
{
	const struct ldcache_entry *x = a, *y = b;
	int rx = rank(x), ry = rank(y);

	if (rx != ry)
		return rx - ry;
	if (rx == 1 && x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int name_cmp(const struct ldcache *c, const char *name, uint32_t i, bool *bad)
{
	const char *key = str_at(c, raw_at(c, i).key);

	*bad = !key;
	return key ? ldcache_libcmp(name, key) : 0;
}

int ldcache__lookup(const struct ldcache *c, const char *name, const struct ldcache_query *qin,
		    struct ldcache_entry *out, unsigned max)
{
	struct ldcache_query q = *qin;
	int64_t left = 0, right = (int64_t)c->nlibs - 1, mid = -1, first, end, best;
	struct ldcache_entry *g;
	size_t n;
	bool bad;

	if (!q.flags)
		q.flags = LDCACHE_FLAGS_X86_64;
	/* the binary search of search_cache: the table is sorted by libcmp, descending */
	while (left <= right) {
		int64_t m = (left + right) / 2;
		int cmp = name_cmp(c, name, (uint32_t)m, &bad);

		if (bad)
			return 0;	/* ld.so gives up on a bogus key */
		if (!cmp) {
			mid = m;
			break;
		}
		if (cmp < 0)
			left = m + 1;
		else
			right = m - 1;
	}
	if (mid < 0)
		return 0;
	for (first = mid; first > 0; first--)
		if (name_cmp(c, name, (uint32_t)first - 1, &bad) || bad)
			break;
	for (end = mid + 1; end <= right; end++)
		if (name_cmp(c, name, (uint32_t)end, &bad) || bad)
			break;
	/* a hostile cache may give one name every entry: sort at most GROUP_MAX
	 * of them, the chosen one always among them
	 */
	best = pick(c, &q, first, end);
	n = end - first < GROUP_MAX ? (size_t)(end - first) : GROUP_MAX;
	g = calloc(n, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t at = (uint32_t)first + (uint32_t)i;

		if (i == n - 1 && best >= first + (int64_t)n)
			at = (uint32_t)best;
		fill(c, at, &q, &g[i]);
		g[i].skip = at == best ? LDCACHE_CHOSEN : classify(c, &q, &g[i]);
	}
	qsort(g, n, sizeof(*g), by_rank);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = g[i];
	free(g);
	return (int)(end - first);
}

void ldcache_query_init(struct ldcache_query *q, const struct hwcaps_cpu *cpu, unsigned glibc_minor,
			const char *names[4])
{
	/* dl_x86_platforms from HWCAP_PLATFORMS_START (2 on x86-64) */
	static const char *const platforms[] = { "i586", "i686", "haswell", "xeon_phi" };
	unsigned n = glibc_minor >= 33 ? hwcaps_glibc_names(cpu, names, 3) : 0;

	memset(q, 0, sizeof(*q));
	names[n] = NULL;
	q->flags = LDCACHE_FLAGS_X86_64;
	q->hwcaps = names;
	q->isa = cpu->isa;
	q->legacy = glibc_minor <= 36;
	q->legacy_hwcap = cpu->legacy;
	q->legacy_platform = -1;
	for (size_t i = 2; cpu->platform && i < ARRAY_SIZE(platforms); i++)
		if (!strcmp(cpu->platform, platforms[i]))
			q->legacy_platform = 48 + (int)i;
}
