// SPDX-License-Identifier: MIT
/* hwcaps: the loader's per-directory variants, in one list (see hwcaps.h) */
#include <stdio.h>
#include <string.h>

#include "hwcaps.h"
#include "util.h"

static const char *const legacy[] = { "/tls", "/x86_64", "/haswell", "/avx512_1", "/i686", "/sse2" };

#define GLIBC_HWCAPS "/glibc-hwcaps/"

static bool ends_with_legacy(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
		size_t l = strlen(legacy[i]);

		if (n >= l && !memcmp(s + n - l, legacy[i], l))
			return true;
	}
	return false;
}

bool hwcaps_is_variant(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (strstr(path, GLIBC_HWCAPS) || strstr(path, "/tls/"))
		return true;
	return slash && ends_with_legacy(path, slash - path);
}

void hwcaps_strip(char *dir)
{
	char *g = strstr(dir, GLIBC_HWCAPS);
	bool again = true;

	if (g && !strchr(g + LIT_LEN(GLIBC_HWCAPS), '/'))
		*g = '\0';
	while (again) {
		size_t n = strlen(dir);

		again = false;
		for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
			size_t l = strlen(legacy[i]);

			if (n > l && !strcmp(dir + n - l, legacy[i])) {
				dir[n - l] = '\0';
				again = true;
				break;
			}
		}
	}
}

#if defined(__x86_64__)
#include <cpuid.h>

/* XCR0: which register state the kernel saves (AVX needs bits 1-2, AVX-512 5-7) */
static unsigned long long xcr0(void)
{
	unsigned int lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (unsigned long long)hi << 32 | lo;
}

#define BIT(r, n) (((r) >> (n)) & 1u)

/* sysdeps/x86/get-isa-level.h and cpu-features.c (init_cpu_features) of 2.36 */
void hwcaps_cpu_probe(struct hwcaps_cpu *cpu)
{
	unsigned a, b, c, d, b7 = 0, c81 = 0, max;
	bool intel, avx, avx512, lzcnt, v2, v3, haswell, cd, er, pf;
	unsigned long long x = 0;

	memset(cpu, 0, sizeof(*cpu));
	cpu->platform = "x86_64";	/* the kernel's AT_PLATFORM */
	cpu->legacy = HWCAPS_X86_64;
	max = (unsigned)__get_cpuid_max(0, &b);
	if (max < 1)
		return;
	__cpuid(0, a, b, c, d);
	intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;	/* GenuineIntel */
	__cpuid(1, a, b, c, d);
	if (max >= 7) {
		unsigned a7, c7, d7;

		__cpuid_count(7, 0, a7, b7, c7, d7);
	}
	if ((unsigned)__get_cpuid_max(0x80000000, NULL) >= 0x80000001u) {
		unsigned e1, e2, e3;

		__cpuid(0x80000001, e1, e2, c81, e3);
	}
	if (BIT(c, 27))		/* OSXSAVE */
		x = xcr0();
	avx = BIT(c, 28) && (x & 0x6) == 0x6;
	avx512 = avx && (x & 0xe0) == 0xe0 && BIT(b7, 16);
	lzcnt = BIT(c81, 5);
	if (BIT(d, 15) && BIT(d, 8) && BIT(d, 0) && BIT(d, 24) && BIT(d, 23) && BIT(d, 25) && BIT(d, 26))
		cpu->isa |= HWCAPS_ISA_BASELINE;
	v2 = cpu->isa && BIT(c, 13) && BIT(c81, 0) && BIT(c, 23) && BIT(c, 0) && BIT(c, 9) &&
	     BIT(c, 19) && BIT(c, 20);
	v3 = v2 && avx && BIT(b7, 5) && BIT(c, 29) && BIT(c, 12) && lzcnt && BIT(c, 22);
	if (v2)
		cpu->isa |= HWCAPS_ISA_V2;
	if (v3)
		cpu->isa |= HWCAPS_ISA_V3;
	/* AVX512F, BW, CD, DQ, VL */
	if (v3 && avx512 && BIT(b7, 30) && BIT(b7, 28) && BIT(b7, 17) && BIT(b7, 31))
		cpu->isa |= HWCAPS_ISA_V4;
	if (!intel)
		return;		/* glibc sets its own platform and avx512_1 on Intel only */
	cd = avx512 && BIT(b7, 28);
	er = avx512 && BIT(b7, 27);
	pf = avx512 && BIT(b7, 26);
	if (cd && er && pf)
		cpu->platform = "xeon_phi";
	else if (cd && !er && BIT(b7, 30) && BIT(b7, 17) && BIT(b7, 31))
		cpu->legacy |= HWCAPS_AVX512_1;
	haswell = avx && BIT(b7, 5) && BIT(c, 12) && BIT(b7, 3) && BIT(b7, 8) && lzcnt &&
		  BIT(c, 22) && BIT(c, 23);
	if (strcmp(cpu->platform, "xeon_phi") && haswell)
		cpu->platform = "haswell";
}
#else
void hwcaps_cpu_probe(struct hwcaps_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
}
#endif

unsigned hwcaps_glibc_names(const struct hwcaps_cpu *cpu, const char **out, unsigned max)
{
	static const struct { unsigned isa; const char *name; } lv[] = {
		{ HWCAPS_ISA_V4, "x86-64-v4" },
		{ HWCAPS_ISA_V3, "x86-64-v3" },
		{ HWCAPS_ISA_V2, "x86-64-v2" },
	};
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(lv) && n < max; i++)
		if (cpu->isa & lv[i].isa)
			out[n++] = lv[i].name;
	return n;
}

static bool add_subdir(char out[][HWCAPS_SUBDIR_MAX], unsigned *n, unsigned max, const char *s)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(out[i], s))
			return true;
	if (*n >= max || strlen(s) >= HWCAPS_SUBDIR_MAX)
		return false;
	strcpy(out[(*n)++], s);
	return true;
}

unsigned hwcaps_subdirs(const struct hwcaps_cpu *cpu, unsigned glibc_minor,
			char out[][HWCAPS_SUBDIR_MAX], unsigned max)
{
	const char *names[3], *comp[3];
	unsigned n = 0, nn = 0, nc = 0;

	if (glibc_minor >= 33)
		nn = hwcaps_glibc_names(cpu, names, ARRAY_SIZE(names));
	for (unsigned i = 0; i < nn; i++) {
		char s[HWCAPS_SUBDIR_MAX];

		snprintf(s, sizeof(s), "glibc-hwcaps/%s/", names[i]);
		add_subdir(out, &n, max, s);
	}
	if (glibc_minor >= 37)	/* legacy subdirectories went in 2.37 (6099908fb8) */
		return n;
	/* _dl_important_hwcaps: the platform, then the hwcap names from the
	 * highest bit down; every subset, largest first; tls/ before none
	 */
	if (cpu->platform)
		comp[nc++] = cpu->platform;
	if (cpu->legacy & HWCAPS_AVX512_1)
		comp[nc++] = "avx512_1";
	if (cpu->legacy & HWCAPS_X86_64)
		comp[nc++] = "x86_64";
	for (int tls = 1; tls >= 0; tls--)
		for (unsigned m = (1u << nc); m-- > 0;) {
			char s[HWCAPS_SUBDIR_MAX] = "";
			size_t len = 0;

			if (tls)
				len = (size_t)snprintf(s, sizeof(s), "tls/");
			for (unsigned i = 0; i < nc; i++)
				if (m & (1u << (nc - 1 - i)))
					len += (size_t)snprintf(s + len, sizeof(s) - len, "%s/", comp[i]);
			if (s[0])
				add_subdir(out, &n, max, s);
		}
	return n;
}
