/* test_ldcache.c: ldcache.c on this host's /etc/ld.so.cache (against
 * ldconfig -p), on caches crafted here in all three layouts, and on
 * truncated and corrupted ones.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefile.h"
#include "hwcaps.h"
#include "ldcache.h"

static struct ldcache *parse_ok(const struct cache *c)
{
	struct ldcache *lc = NULL;

	cr_assert_eq(ldcache__parse(c->b, c->len, &lc), 0);
	cr_assert_not_null(lc);
	return lc;
}

/* one entry of a lookup: its path and why it is (not) the one */
static void is(const struct ldcache_entry *e, const char *path, int skip)
{
	cr_assert_str_eq(e->path, path);
	cr_assert_eq(e->skip, skip, "%s: skip %d, not %d", path, e->skip, skip);
}

static const char *const v432[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", NULL };

/* descending by ldcache_libcmp, as ldconfig sorts; hwcaps entries first within a name */
static const struct ent sorted[] = {
	{ "libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", 0, 0 },
	{ "libfoo.so.10", "/opt/lib/libfoo.so.10", 0, 0 },
	{ "libfoo.so.9", "/opt/lib/libfoo.so.9", 0, 0 },
	{ "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1", 0, EXT_NAMED | 0 },
	{ "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1", 0, EXT_NAMED | 1 },
	{ "libfoo.so.1", "/usr/lib/libfoo.so.1", 0, 0 },
	{ "libfoo.so.1", "/usr/lib32/libfoo.so.1", 0x0003, 0 },
	{ "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0, 0 },
	{ "libc.so.6", "/lib32/libc.so.6", 0x0003, 0 },
	{ "libc.so.6", "/libx32/libc.so.6", 0x0803, 0 },
};
static const char *const sorted_hw[] = { "x86-64-v2", "x86-64-v3" };

static void build_sorted(struct cache *c)
{
	build_new(c, sorted, 10, sorted_hw, 2);
}

/* the sorted cache, parsed */
static struct ldcache *sorted_cache(void)
{
	static struct cache c;

	build_sorted(&c);
	return parse_ok(&c);
}

Test(ldcache, libcmp_is_numeric)
{
	cr_assert_gt(ldcache_libcmp("libfoo.so.10", "libfoo.so.9"), 0);
	cr_assert_lt(ldcache_libcmp("libfoo.so.9", "libfoo.so.10"), 0);
	cr_assert_eq(ldcache_libcmp("libc.so.6", "libc.so.6"), 0);
	cr_assert_eq(ldcache_libcmp("lib.so.06", "lib.so.6"), 0);	/* as glibc: numbers, not text */
	cr_assert_gt(ldcache_libcmp("libb", "liba"), 0);
	cr_assert_gt(ldcache_libcmp("lib1", "liba"), 0);	/* a digit sorts after anything else */
	cr_assert_lt(ldcache_libcmp("liba", "lib1"), 0);
	cr_assert_lt(ldcache_libcmp("lib", "libz"), 0);
	cr_assert_eq(ldcache_libcmp("", ""), 0);
	/* digit runs past INT_MAX wrap as glibc's int arithmetic does, and still end */
	cr_assert_neq(ldcache_libcmp("a99999999999999999999", "a1"), 0);
}

Test(ldcache, new_format_iteration_and_generator)
{
	struct ldcache_entry e;
	struct ldcache *lc = sorted_cache();

	cr_assert_eq(ldcache__format(lc), LDCACHE_FMT_NEW);
	cr_assert_eq(ldcache__flags(lc), 0);
	cr_assert_eq(ldcache__count(lc), 10);
	cr_assert_str_eq(ldcache__generator(lc), "ldconfig (test) release version 2.36");
	cr_assert_eq(ldcache__entry(lc, 4, &e), 0);
	cr_assert_str_eq(e.name, "libfoo.so.1");
	cr_assert_str_eq(e.path, "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1");
	cr_assert_str_eq(e.hwcaps, "x86-64-v3");
	cr_assert_eq(e.flags, X8664);
	cr_assert_eq(e.index, 4);
	cr_assert_eq(ldcache__entry(lc, 5, &e), 0);
	cr_assert_null(e.hwcaps);
	cr_assert_eq(ldcache__entry(lc, 10, &e), -ERANGE);
	ldcache__free(lc);
}

Test(ldcache, new_format_lookup_prefers_hwcaps_by_priority)
{
	struct ldcache_query q = { .hwcaps = v432 };
	struct ldcache_entry e[8];
	struct ldcache *lc = sorted_cache();

	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	is(&e[0], "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1", LDCACHE_CHOSEN);
	cr_assert_eq(e[0].priority, 2);
	is(&e[1], "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1", LDCACHE_SHADOWED);
	cr_assert_eq(e[1].priority, 3);
	is(&e[2], "/usr/lib/libfoo.so.1", LDCACHE_SHADOWED);
	is(&e[3], "/usr/lib32/libfoo.so.1", LDCACHE_SKIP_FLAGS);

	/* a CPU at x86-64-v2: the v3 entry is not for it */
	q.hwcaps = v432 + 2;
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	is(&e[0], "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1", LDCACHE_CHOSEN);
	is(&e[1], "/usr/lib/libfoo.so.1", LDCACHE_SHADOWED);
	is(&e[2], "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1", LDCACHE_SKIP_HWCAPS);

	/* before glibc 2.33 (no names): the plain entry */
	q.hwcaps = NULL;
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 1), 4);
	is(&e[0], "/usr/lib/libfoo.so.1", LDCACHE_CHOSEN);
	ldcache__free(lc);
}

Test(ldcache, new_format_lookup_by_name)
{
	struct ldcache_query q = { .hwcaps = v432 };
	struct ldcache_entry e[4];
	struct ldcache *lc = sorted_cache();

	cr_assert_eq(ldcache__lookup(lc, "libc.so.6", &q, e, 4), 3);
	is(&e[0], "/lib/x86_64-linux-gnu/libc.so.6", LDCACHE_CHOSEN);
	cr_assert_eq(e[1].skip, LDCACHE_SKIP_FLAGS);
	cr_assert_eq(e[1].flags, 0x0003);
	cr_assert_eq(e[2].skip, LDCACHE_SKIP_FLAGS);
	cr_assert_eq(ldcache__lookup(lc, "libz.so.1", &q, e, 4), 1);
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.10", &q, e, 4), 1);
	cr_assert_str_eq(e[0].path, "/opt/lib/libfoo.so.10");
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.9", &q, e, 4), 1);
	cr_assert_str_eq(e[0].path, "/opt/lib/libfoo.so.9");
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.2", &q, e, 4), 0);
	cr_assert_eq(ldcache__lookup(lc, "libaaa.so", &q, e, 4), 0);
	cr_assert_eq(ldcache__lookup(lc, "", &q, e, 4), 0);
	/* only i386: found, but not for this loader */
	q.flags = 0x0003;
	cr_assert_eq(ldcache__lookup(lc, "libc.so.6", &q, e, 4), 3);
	is(&e[0], "/lib32/libc.so.6", LDCACHE_CHOSEN);
	ldcache__free(lc);
}

Test(ldcache, isa_level_and_legacy_hwcap)
{
	/* x86-64-v4 marked as needing ISA level 3 (bits 32..41 hold the level) */
	static const struct ent ents[] = {
		{ "liblegacy.so", "/tls/liblegacy.so", 0, 1ull << 63 },
		{ "liblegacy.so", "/x86_64/liblegacy.so", 0, 1ull << 1 },
		{ "liblegacy.so", "/haswell/liblegacy.so", 0, 1ull << 50 },
		{ "liblegacy.so", "/plain/liblegacy.so", 0, 0 },
		{ "libisa.so", "/v4/libisa.so", 0, EXT_NAMED | (3ull << 32) | 0 },
		{ "libisa.so", "/plain/libisa.so", 0, 0 },
	};
	static const char *const hw[] = { "x86-64-v4" };
	struct ldcache_query q = { .hwcaps = v432, .isa = HWCAPS_ISA_BASELINE | HWCAPS_ISA_V2 | HWCAPS_ISA_V3 };
	struct ldcache_entry e[6];
	struct ldcache *lc;
	struct cache c;

	build_new(&c, ents, 6, hw, 1);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__lookup(lc, "libisa.so", &q, e, 6), 2);
	cr_assert_str_eq(e[0].path, "/plain/libisa.so");
	cr_assert_eq(e[1].skip, LDCACHE_SKIP_ISA);
	q.isa |= HWCAPS_ISA_V4;
	cr_assert_eq(ldcache__lookup(lc, "libisa.so", &q, e, 6), 2);
	cr_assert_str_eq(e[0].path, "/v4/libisa.so");

	/* glibc 2.37+: any legacy hwcap bit rules an entry out */
	cr_assert_eq(ldcache__lookup(lc, "liblegacy.so", &q, e, 6), 4);
	is(&e[0], "/plain/liblegacy.so", LDCACHE_CHOSEN);
	cr_assert_eq(e[1].skip, LDCACHE_SKIP_LEGACY);
	cr_assert_eq(e[2].skip, LDCACHE_SKIP_LEGACY);
	cr_assert_eq(e[3].skip, LDCACHE_SKIP_LEGACY);
	/* 2.36: tls always, a hwcap bit the CPU has, its own platform */
	q.legacy = 1;
	q.legacy_hwcap = HWCAPS_X86_64;
	q.legacy_platform = 48 + 3;	/* xeon_phi: the haswell entry is not ours */
	cr_assert_eq(ldcache__lookup(lc, "liblegacy.so", &q, e, 6), 4);
	cr_assert_str_eq(e[0].path, "/tls/liblegacy.so");
	cr_assert_eq(e[1].skip, LDCACHE_SHADOWED);
	cr_assert_str_eq(e[1].path, "/x86_64/liblegacy.so");
	cr_assert_eq(e[2].skip, LDCACHE_SHADOWED);
	is(&e[3], "/haswell/liblegacy.so", LDCACHE_SKIP_LEGACY);
	q.legacy_platform = 48 + 2;
	cr_assert_eq(ldcache__lookup(lc, "liblegacy.so", &q, e, 6), 4);
	cr_assert_eq(e[3].skip, LDCACHE_SHADOWED);
	ldcache__free(lc);
}

Test(ldcache, old_format)
{
	struct ldcache_query q = { 0 };
	struct ldcache_entry e[4];
	struct ldcache *lc;
	struct cache c;

	build_old(&c, sorted + 7, 3);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__format(lc), LDCACHE_FMT_OLD);
	cr_assert_eq(ldcache__count(lc), 3);
	cr_assert_null(ldcache__generator(lc));
	cr_assert_eq(ldcache__entry(lc, 1, &e[0]), 0);
	cr_assert_str_eq(e[0].name, "libc.so.6");
	cr_assert_str_eq(e[0].path, "/lib32/libc.so.6");
	cr_assert_eq(e[0].hwcap, 0);
	cr_assert_eq(ldcache__lookup(lc, "libc.so.6", &q, e, 4), 3);
	is(&e[0], "/lib/x86_64-linux-gnu/libc.so.6", LDCACHE_CHOSEN);
	cr_assert_eq(e[1].skip, LDCACHE_SKIP_FLAGS);
	ldcache__free(lc);
}

Test(ldcache, new_table_inside_the_old_one)
{
	static const struct ent old[] = { { "libold.so", "/old/libold.so", 0, 0 } };
	struct ldcache_query q = { 0 };
	struct ldcache_entry e[2];
	struct ldcache *lc;
	struct cache c;

	build_compat(&c, old, 1, sorted, 3);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__format(lc), LDCACHE_FMT_OLD_NEW);
	cr_assert_eq(ldcache__count(lc), 3);
	/* ld.so reads the new table only */
	cr_assert_eq(ldcache__lookup(lc, "libold.so", &q, e, 2), 0);
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.9", &q, e, 2), 1);
	cr_assert_str_eq(e[0].path, "/opt/lib/libfoo.so.9");
	ldcache__free(lc);
}

Test(ldcache, unsorted_entry_out_of_the_binary_search)
{
	/* ld.so bisects: an entry out of order is not reached */
	static const struct ent ents[] = {
		{ "liba.so", "/a", 0, 0 }, { "libz.so", "/z", 0, 0 }, { "libm.so", "/m", 0, 0 },
	};
	struct ldcache_query q = { 0 };
	struct ldcache_entry e;
	struct ldcache *lc;
	struct cache c;

	build_new(&c, ents, 3, NULL, 0);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__lookup(lc, "libz.so", &q, &e, 1), 1);
	cr_assert_eq(ldcache__lookup(lc, "liba.so", &q, &e, 1), 0);
	cr_assert_eq(ldcache__entry(lc, 0, &e), 0);
	cr_assert_str_eq(e.name, "liba.so");
	ldcache__free(lc);
}

Test(ldcache, refused_like_ld_so)
{
	struct ldcache *lc = (struct ldcache *)1;
	struct cache c;

	cr_assert_eq(ldcache__parse("", 0, &lc), -EBADMSG);
	cr_assert_null(lc);
	cr_assert_eq(ldcache__parse("not a cache at all, not even close to one", 41, &lc), -EBADMSG);
	build_sorted(&c);
	c.b[28] = 3;		/* big endian */
	cr_assert_eq(ldcache__parse(c.b, c.len, &lc), -EBADMSG);
	c.b[28] = 0;		/* unknown: accepted */
	cr_assert_eq(ldcache__parse(c.b, c.len, &lc), 0);
	ldcache__free(lc);
	c.b[28] = 2;
	put32(&c, 20, 0xffffffffu);	/* more entries than the file holds */
	cr_assert_eq(ldcache__parse(c.b, c.len, &lc), -EBADMSG);
	build_old(&c, sorted, 3);
	put32(&c, 12, 1000);
	cr_assert_eq(ldcache__parse(c.b, c.len, &lc), -EBADMSG);
	/* the size cap is checked before anything is read */
	cr_assert_eq(ldcache__parse(c.b, LDCACHE_SIZE_MAX + 1ul, &lc), -EFBIG);
}

/* what a cut copy parses as: ld.so's size checks on the table, never on the strings */
static int cut_format(size_t f, size_t len)
{
	if (f == 0)
		return len >= 48 + 10 * 24 ? LDCACHE_FMT_NEW : 0;
	if (f == 1)
		return len >= 16 + 10 * 12 ? LDCACHE_FMT_OLD : 0;
	/* two old entries end at 40, where the new header starts; it holds eight */
	if (len < 40)
		return 0;
	if (len < 40 + 48)
		return LDCACHE_FMT_OLD;		/* no room for the new header: old only */
	return len >= 40 + 48 + 8 * 24 ? LDCACHE_FMT_OLD_NEW : 0;
}

Test(ldcache, truncated_at_every_length)
{
	struct ldcache_query q = { .hwcaps = v432 };
	struct ldcache_entry e[8];
	struct cache c;

	for (size_t f = 0; f < 3; f++) {
		size_t full;

		if (f == 0)
			build_sorted(&c);
		else if (f == 1)
			build_old(&c, sorted, 10);
		else
			build_compat(&c, sorted, 2, sorted + 2, 8);
		full = c.len;
		for (size_t len = 0; len <= full; len++) {
			struct ldcache *lc = NULL;
			int err = ldcache__parse(c.b, len, &lc), want = cut_format(f, len);

			if (!want) {
				cr_assert_eq(err, -EBADMSG, "fmt %zu len %zu: %d", f, len, err);
				continue;
			}
			cr_assert_eq(err, 0, "fmt %zu len %zu", f, len);
			cr_assert_eq(ldcache__format(lc), want, "fmt %zu len %zu", f, len);
			/* a cut string or section is flagged: nothing reads past the copy */
			if (len < full)
				cr_assert_neq(ldcache__flags(lc), 0, "fmt %zu len %zu", f, len);
			for (unsigned i = 0; i < ldcache__count(lc); i++)
				cr_assert_eq(ldcache__entry(lc, i, &e[0]), 0);
			cr_assert_geq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 0);
			cr_assert_geq(ldcache__lookup(lc, "libc.so.6", &q, e, 8), 0);
			ldcache__free(lc);
		}
	}
}

Test(ldcache, corrupt_offsets_and_extensions)
{
	struct ldcache_query q = { .hwcaps = v432 };
	struct ldcache_entry e[8];
	struct ldcache *lc;
	struct cache c;

	/* a path offset past the end: that entry is skipped, the next one taken */
	build_sorted(&c);
	put32(&c, 48 + 4 * 24 + 8, 0x7fffffffu);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), LDCACHE_F_BAD_OFFSET);
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	cr_assert_str_eq(e[0].path, "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1");
	cr_assert_eq(e[2].skip, LDCACHE_SKIP_BAD);
	cr_assert_null(e[2].path);
	cr_assert_eq(e[3].skip, LDCACHE_SKIP_FLAGS);
	ldcache__free(lc);

	/* a key offset past the end: ld.so's bisection gives up when it meets it */
	build_sorted(&c);
	put32(&c, 48 + 4 * 24 + 4, 0xfffffff0u);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 0);
	cr_assert_eq(ldcache__entry(lc, 4, &e[0]), 0);
	cr_assert_str_eq(e[0].name, "");
	ldcache__free(lc);

	/* an index past the hwcaps section: no name, never chosen */
	build_sorted(&c);
	put64(&c, 48 + 4 * 24 + 16, EXT_NAMED | 7);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	cr_assert_str_eq(e[0].path, "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1");
	cr_assert_eq(e[2].skip, LDCACHE_SKIP_HWCAPS);
	cr_assert_null(e[2].hwcaps);
	ldcache__free(lc);

	/* a misaligned extension directory voids every hwcaps entry */
	build_sorted(&c);
	put32(&c, 32, (uint32_t)c.ext + 1);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), LDCACHE_F_BAD_EXTENSION);
	cr_assert_null(ldcache__generator(lc));
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	cr_assert_str_eq(e[0].path, "/usr/lib/libfoo.so.1");
	ldcache__free(lc);

	/* a section reaching past the end voids them all */
	build_sorted(&c);
	put32(&c, c.ext + 20, 0x10000);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), LDCACHE_F_BAD_EXTENSION);
	ldcache__free(lc);

	/* a huge section count */
	build_sorted(&c);
	put32(&c, c.ext + 4, 0xffffffffu);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), LDCACHE_F_BAD_EXTENSION);
	ldcache__free(lc);

	/* a hwcaps section of a size no multiple of 4 is dropped alone */
	build_sorted(&c);
	put32(&c, c.ext + 36, 7);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), 0);
	cr_assert_str_eq(ldcache__generator(lc), "ldconfig (test) release version 2.36");
	cr_assert_eq(ldcache__lookup(lc, "libfoo.so.1", &q, e, 8), 4);
	cr_assert_str_eq(e[0].path, "/usr/lib/libfoo.so.1");
	ldcache__free(lc);

	/* the last string without its NUL: read up to the end, flagged */
	build_new(&c, sorted, 1, NULL, 0);
	c.len = 48 + 24 + strlen(sorted[0].key) + 1 + strlen(sorted[0].path);
	put32(&c, 32, 0);
	lc = parse_ok(&c);
	cr_assert_eq(ldcache__flags(lc), LDCACHE_F_UNTERMINATED);
	cr_assert_eq(ldcache__lookup(lc, "libz.so.1", &q, e, 1), 1);
	cr_assert_str_eq(e[0].path, "/lib/x86_64-linux-gnu/libz.so.1");
	ldcache__free(lc);
}

/* this host's cache, entry by entry against ldconfig -p (its own reader) */
Test(ldcache, host_cache_matches_ldconfig_p)
{
	const char *ldconfig = access("/sbin/ldconfig", X_OK) ? "/usr/sbin/ldconfig" : "/sbin/ldconfig";
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char line[8192], cmd[64];
	unsigned n = 0, total = 0, i = 0;
	struct ldcache *lc = NULL;
	FILE *p;

	cr_assert_geq(root, 0);
	if (access(ldconfig, X_OK) || access(LDCACHE_PATH, R_OK))
		cr_skip_test("no ldconfig or no cache here");
	cr_assert_eq(ldcache__open_in_root(root, NULL, &lc), 0);
	cr_assert_eq(ldcache__format(lc), LDCACHE_FMT_NEW);
	cr_assert_eq(ldcache__flags(lc), 0);
	cr_assert_not_null(strstr(ldcache__generator(lc), "ldconfig"));
	snprintf(cmd, sizeof(cmd), "%s -p", ldconfig);
	p = popen(cmd, "re");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p));
	cr_assert_eq(sscanf(line, "%u libs found", &total), 1);
	cr_assert_eq(total, ldcache__count(lc));
	while (fgets(line, sizeof(line), p)) {
		struct ldcache_entry e;
		char want[8192];

		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\t')
			continue;	/* "Cache generated by: ..." */
		cr_assert_eq(ldcache__entry(lc, i++, &e), 0);
		snprintf(want, sizeof(want), "\t%s (", e.name);
		cr_assert_eq(strncmp(line, want, strlen(want)), 0, "%s vs %s", line, want);
		snprintf(want, sizeof(want), ") => %s", e.path);
		cr_assert_str_eq(line + strlen(line) - strlen(want), want);
		n++;
	}
	pclose(p);
	cr_assert_eq(n, total);
	ldcache__free(lc);
	close(root);
}

/* pinned by hand from ldconfig -p on the project's Debian 12 machines */
Test(ldcache, host_cache_lookups)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *names[4];
	struct ldcache_entry e[4];
	struct ldcache_query q;
	struct hwcaps_cpu cpu;
	struct ldcache *lc;
	int n;

	hwcaps_cpu_probe(&cpu);
	ldcache_query_init(&q, &cpu, 36, names);
	cr_assert_eq(ldcache__open_in_root(root, NULL, &lc), 0);
	n = ldcache__lookup(lc, "libc.so.6", &q, e, 4);
	cr_assert_geq(n, 1);
	is(&e[0], "/lib/x86_64-linux-gnu/libc.so.6", LDCACHE_CHOSEN);
	for (int i = 1; i < n && i < 4; i++)
		cr_assert_eq(e[i].skip, LDCACHE_SKIP_FLAGS);	/* /lib32/libc.so.6 (libc6-i386) */
	cr_assert_eq(ldcache__lookup(lc, "libz.so.1", &q, e, 4), 1);
	cr_assert_str_eq(e[0].path, "/lib/x86_64-linux-gnu/libz.so.1");
	cr_assert_eq(ldcache__lookup(lc, "libnot-there-at-all.so.0", &q, e, 4), 0);
	ldcache__free(lc);
	close(root);
}

static char root[64];

static void rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(ldcache, open_in_root_stays_inside, .fini = rm_root)
{
	struct ldcache *lc = (struct ldcache *)1;
	char p[128];
	struct cache c;
	int fd, rootfd;

	strcpy(root, "/tmp/ldwatch-ldcache-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
	cr_assert_eq(ldcache__open_in_root(rootfd, NULL, &lc), -ENOENT);
	cr_assert_null(lc);
	snprintf(p, sizeof(p), "%s/etc", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	/* an absolute link resolves inside the root, never to the host's cache */
	snprintf(p, sizeof(p), "%s/etc/ld.so.cache", root);
	cr_assert_eq(symlink("/etc/cache.real", p), 0);
	cr_assert_eq(ldcache__open_in_root(rootfd, NULL, &lc), -ENOENT);
	build_old(&c, sorted + 7, 1);
	snprintf(p, sizeof(p), "%s/etc/cache.real", root);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, c.b, c.len), (ssize_t)c.len);
	cr_assert_eq(ldcache__open_in_root(rootfd, NULL, &lc), 0);
	cr_assert_eq(ldcache__format(lc), LDCACHE_FMT_OLD);
	ldcache__free(lc);
	/* past the cap, without reading it */
	cr_assert_eq(ftruncate(fd, LDCACHE_SIZE_MAX + 1l), 0);
	cr_assert_eq(ldcache__open_in_root(rootfd, "/etc/cache.real", &lc), -EFBIG);
	cr_assert_eq(ftruncate(fd, LDCACHE_SIZE_MAX), 0);
	cr_assert_eq(ldcache__open_in_root(rootfd, "/etc/cache.real", &lc), 0);
	cr_assert_eq(ldcache__count(lc), 1);
	ldcache__free(lc);
	close(fd);
	snprintf(p, sizeof(p), "%s/etc/dir", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	cr_assert_eq(ldcache__open_in_root(rootfd, "/etc/dir", &lc), -EISDIR);
	close(rootfd);
}

/* caches written by this host's ldconfig (-r: into a scratch root) in its three formats */
Test(ldcache, ldconfig_writes_what_we_read, .fini = rm_root)
{
	static const char *const fmts[] = { "new", "compat", "old" };
	static const char *const v3[] = { "x86-64-v3", NULL };
	const char *ldconfig = access("/sbin/ldconfig", X_OK) ? "/usr/sbin/ldconfig" : "/sbin/ldconfig";
	struct ldcache_query q = { .hwcaps = v3 };
	struct ldcache_entry e[4];
	char cmd[1024], p[128];
	int rootfd;

	if (geteuid() || access(ldconfig, X_OK) || access("/lib/x86_64-linux-gnu/libz.so.1", R_OK))
		cr_skip_test("needs root (ldconfig -r chroots), ldconfig and libz");
	strcpy(root, "/tmp/ldwatch-ldconfig-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %1$s/etc %1$s/opt/lib/glibc-hwcaps/x86-64-v3 && echo /opt/lib > %1$s/etc/ld.so.conf && "
		 "cp /lib/x86_64-linux-gnu/libz.so.1 %1$s/opt/lib/libz.so.1 && "
		 "cp /lib/x86_64-linux-gnu/libz.so.1 %1$s/opt/lib/glibc-hwcaps/x86-64-v3/libz.so.1", root);
	cr_assert_eq(system(cmd), 0);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
	for (int f = 0; f < 3; f++) {
		struct ldcache *lc;
		int n;

		snprintf(cmd, sizeof(cmd), "%s -X -r %s -c %s -C /etc/ld.so.cache.%s", ldconfig, root, fmts[f], fmts[f]);
		cr_assert_eq(system(cmd), 0);
		snprintf(p, sizeof(p), "/etc/ld.so.cache.%s", fmts[f]);
		cr_assert_eq(ldcache__open_in_root(rootfd, p, &lc), 0, "%s", fmts[f]);
		cr_assert_eq(ldcache__format(lc), f == 0 ? LDCACHE_FMT_NEW : f == 1 ? LDCACHE_FMT_OLD_NEW : LDCACHE_FMT_OLD);
		cr_assert_eq(ldcache__flags(lc), 0);
		cr_assert_eq(ldcache__count(lc), 2);
		n = ldcache__lookup(lc, "libz.so.1", &q, e, 4);
		cr_assert_eq(n, 2);
		cr_assert_eq(e[0].skip, LDCACHE_CHOSEN);
		if (f == 0) {
			cr_assert_str_eq(e[0].path, "/opt/lib/glibc-hwcaps/x86-64-v3/libz.so.1");
			cr_assert_str_eq(e[0].hwcaps, "x86-64-v3");
			cr_assert_str_eq(e[1].path, "/opt/lib/libz.so.1");
		} else if (f == 1) {
			/* ld.so and ldconfig -p both take the hwcaps names from the start of
			 * the file, ldconfig writes them from the new header: the name is
			 * whatever lies there (ldconfig -p shows it too) and the entry is
			 * never chosen
			 */
			cr_assert_str_eq(e[0].path, "/opt/lib/libz.so.1");
			cr_assert_not_null(e[1].hwcaps);
			cr_assert_str_neq(e[1].hwcaps, "x86-64-v3");
			cr_assert_eq(e[1].skip, LDCACHE_SKIP_HWCAPS);
		} else {
			/* the old table has no hwcap field: the hwcaps entry is just first */
			cr_assert_str_eq(e[0].path, "/opt/lib/glibc-hwcaps/x86-64-v3/libz.so.1");
			cr_assert_null(e[0].hwcaps);
		}
		ldcache__free(lc);
	}
	close(rootfd);
}

Test(ldcache, one_name_in_every_entry)
{
	static struct ent many[1100];
	struct ldcache_query q = { 0 };
	struct ldcache_entry e[2];
	struct ldcache *lc;
	static struct cache c;

	for (unsigned i = 0; i < 1100; i++)
		many[i] = (struct ent){ "libx.so", i < 1099 ? "/lib32/libx.so" : "/lib64/libx.so",
					i < 1099 ? 0x0003 : 0, 0 };
	build_new(&c, many, 1100, NULL, 0);
	lc = parse_ok(&c);
	/* all of them counted, the chosen one first although it is past what is sorted */
	cr_assert_eq(ldcache__lookup(lc, "libx.so", &q, e, 2), 1100);
	is(&e[0], "/lib64/libx.so", LDCACHE_CHOSEN);
	is(&e[1], "/lib32/libx.so", LDCACHE_SKIP_FLAGS);
	ldcache__free(lc);
}
