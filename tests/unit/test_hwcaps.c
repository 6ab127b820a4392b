#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hwcaps.h"

Test(hwcaps, variants_of_a_search_directory)
{
	cr_assert(hwcaps_is_variant("/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/tls/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/tls/x86_64/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/x86_64/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/haswell/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/avx512_1/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("/opt/lib/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("/usr/lib/x86_64-linux-gnu/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("libfoo.so"));
}

Test(hwcaps, strip_leaves_the_search_entry)
{
	char a[] = "/usr/lib/glibc-hwcaps/x86-64-v4";
	char b[] = "/opt/lib/tls/haswell/x86_64";
	char c[] = "/usr/lib/x86_64-linux-gnu";
	char d[] = "/opt/glibc-hwcaps/x86-64-v3/sub";	/* not a variant: a real subdirectory */

	hwcaps_strip(a);
	hwcaps_strip(b);
	hwcaps_strip(c);
	hwcaps_strip(d);
	cr_assert_str_eq(a, "/usr/lib");
	cr_assert_str_eq(b, "/opt/lib");
	cr_assert_str_eq(c, "/usr/lib/x86_64-linux-gnu");
	cr_assert_str_eq(d, "/opt/glibc-hwcaps/x86-64-v3/sub");
}

/* this host: an Intel CPU with AVX-512, as `ld.so --help` lists it (glibc 2.36) */
static const struct hwcaps_cpu intel_v4 = {
	.isa = HWCAPS_ISA_BASELINE | HWCAPS_ISA_V2 | HWCAPS_ISA_V3 | HWCAPS_ISA_V4,
	.legacy = HWCAPS_X86_64 | HWCAPS_AVX512_1,
	.platform = "haswell",
};

Test(hwcaps, subdirs_of_glibc_2_36_as_ld_debug_lists_them)
{
	/* LD_DEBUG=libs on Debian 12, this CPU: the search path of one directory */
	static const char *const want[] = {
		"glibc-hwcaps/x86-64-v4/", "glibc-hwcaps/x86-64-v3/", "glibc-hwcaps/x86-64-v2/",
		"tls/haswell/avx512_1/x86_64/", "tls/haswell/avx512_1/", "tls/haswell/x86_64/",
		"tls/haswell/", "tls/avx512_1/x86_64/", "tls/avx512_1/", "tls/x86_64/", "tls/",
		"haswell/avx512_1/x86_64/", "haswell/avx512_1/", "haswell/x86_64/", "haswell/",
		"avx512_1/x86_64/", "avx512_1/", "x86_64/",
	};
	char sub[HWCAPS_SUBDIRS_MAX][HWCAPS_SUBDIR_MAX];
	unsigned n = hwcaps_subdirs(&intel_v4, 36, sub, HWCAPS_SUBDIRS_MAX);

	cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < n; i++)
		cr_assert_str_eq(sub[i], want[i]);
}

Test(hwcaps, subdirs_by_glibc_version_and_cpu)
{
	/* AMD: no glibc platform, AT_PLATFORM "x86_64" doubles the hwcap name (loader.md 1.6) */
	static const struct hwcaps_cpu amd_v3 = {
		.isa = HWCAPS_ISA_BASELINE | HWCAPS_ISA_V2 | HWCAPS_ISA_V3,
		.legacy = HWCAPS_X86_64, .platform = "x86_64",
	};
	static const char *const amd[] = {
		"glibc-hwcaps/x86-64-v3/", "glibc-hwcaps/x86-64-v2/", "tls/x86_64/x86_64/",
		"tls/x86_64/", "tls/", "x86_64/x86_64/", "x86_64/",
	};
	char sub[HWCAPS_SUBDIRS_MAX][HWCAPS_SUBDIR_MAX];
	const char *names[3];
	unsigned n;

	cr_assert_eq(hwcaps_subdirs(&intel_v4, 37, sub, HWCAPS_SUBDIRS_MAX), 3);
	cr_assert_str_eq(sub[2], "glibc-hwcaps/x86-64-v2/");
	n = hwcaps_subdirs(&intel_v4, 32, sub, HWCAPS_SUBDIRS_MAX);
	cr_assert_eq(n, 15);
	cr_assert_str_eq(sub[0], "tls/haswell/avx512_1/x86_64/");
	n = hwcaps_subdirs(&amd_v3, 36, sub, HWCAPS_SUBDIRS_MAX);
	cr_assert_eq(n, sizeof(amd) / sizeof(amd[0]));
	for (unsigned i = 0; i < n; i++)
		cr_assert_str_eq(sub[i], amd[i]);
	cr_assert_eq(hwcaps_subdirs(&amd_v3, 36, sub, 2), 2);
	cr_assert_eq(hwcaps_glibc_names(&amd_v3, names, 3), 2);
	cr_assert_str_eq(names[0], "x86-64-v3");
	cr_assert_str_eq(names[1], "x86-64-v2");
}

Test(hwcaps, cpu_probe_on_this_host)
{
	struct hwcaps_cpu cpu;

	hwcaps_cpu_probe(&cpu);
#if defined(__x86_64__)
	/* every x86-64 CPU has the baseline; a higher level implies the lower */
	cr_assert(cpu.isa & HWCAPS_ISA_BASELINE);
	if (cpu.isa & HWCAPS_ISA_V4)
		cr_assert(cpu.isa & HWCAPS_ISA_V3);
	if (cpu.isa & HWCAPS_ISA_V3)
		cr_assert(cpu.isa & HWCAPS_ISA_V2);
	cr_assert(cpu.legacy & HWCAPS_X86_64);
	cr_assert_not_null(cpu.platform);
#else
	cr_assert_eq(cpu.isa, 0);
#endif
}

/* the loader's own view of this CPU: `ld.so --help` (glibc 2.33+) */
Test(hwcaps, cpu_probe_agrees_with_ld_so_help)
{
	char line[256], levels[128] = "", legacy[128] = "", platform[64] = "", want[128] = "";
	const char *names[3];
	struct hwcaps_cpu cpu;
	int section = 0;
	FILE *p;

	if (access("/lib64/ld-linux-x86-64.so.2", X_OK))
		cr_skip_test("no x86-64 glibc loader here");
	p = popen("/lib64/ld-linux-x86-64.so.2 --help", "re");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		char name[64];

		if (strstr(line, "Subdirectories of glibc-hwcaps"))
			section = 1;
		else if (strstr(line, "Legacy HWCAP subdirectories"))
			section = 2;
		else if (line[0] != ' ')
			section = 0;
		else if (section && sscanf(line, " %63s", name) == 1 && strstr(line, "supported, searched")) {
			if (strstr(line, "AT_PLATFORM"))
				snprintf(platform, sizeof(platform), "%s", name);
			else
				strcat(strcat(section == 1 ? levels : legacy, name), " ");
		}
	}
	pclose(p);
	hwcaps_cpu_probe(&cpu);
	for (unsigned i = 0, n = hwcaps_glibc_names(&cpu, names, 3); i < n; i++)
		strcat(strcat(want, names[i]), " ");
	cr_assert_str_eq(want, levels);
	/* glibc 2.36 lists tls, then the hwcap names it has, the platform apart */
	snprintf(want, sizeof(want), "tls %s%s", cpu.legacy & HWCAPS_AVX512_1 ? "avx512_1 " : "",
		 cpu.legacy & HWCAPS_X86_64 ? "x86_64 " : "");
	if (legacy[0])
		cr_assert_str_eq(legacy, want);
	if (platform[0])
		cr_assert_str_eq(platform, cpu.platform);
}
