/* SPDX-License-Identifier: MIT */
/*
 * hwcaps: the per-directory variants glibc's loader appends to each search
 * directory: glibc-hwcaps/<level>/ (2.33+) and the legacy tls, platform and
 * hwcap subdirectories (x86_64, haswell, avx512_1, i686, sse2). One list.
 */
#ifndef LW_HWCAPS_H
#define LW_HWCAPS_H

#include <stdbool.h>
#include <stddef.h>

/* path (a candidate: DIR/VARIANT/NAME) lies in one of those variants of DIR */
bool hwcaps_is_variant(const char *path);
/* cut the trailing variant subdirectories off dir, in place */
void hwcaps_strip(char *dir);

/* x86 ISA levels as glibc's get_isa_level names them (GNU_PROPERTY_X86_ISA_1_*) */
#define HWCAPS_ISA_BASELINE	0x1u
#define HWCAPS_ISA_V2		0x2u
#define HWCAPS_ISA_V3		0x4u
#define HWCAPS_ISA_V4		0x8u

/* legacy hwcap bits of glibc <= 2.36 on x86-64 (sysdeps/x86/dl-hwcap.h) */
#define HWCAPS_X86_64		(1u << 1)
#define HWCAPS_AVX512_1		(1u << 2)

/* what glibc's loader derives from this CPU (cpuid, and XCR0 for the
 * OS-enabled AVX and AVX-512 state, as its "usable" bits do)
 */
struct hwcaps_cpu {
	unsigned isa;		/* HWCAPS_ISA_* */
	unsigned legacy;	/* HWCAPS_X86_64 | HWCAPS_AVX512_1: glibc's dl_hwcap */
	const char *platform;	/* $PLATFORM: "haswell", "xeon_phi" (Intel, 2.26+) or "x86_64" */
};

/* this CPU, as glibc 2.36 on x86-64 sees it; elsewhere isa 0, platform NULL */
void hwcaps_cpu_probe(struct hwcaps_cpu *cpu);

/* the glibc-hwcaps names this CPU gets, highest priority first (glibc
 * 2.33+: x86-64-v4, -v3, -v2 as far as the ISA level goes): n written
 */
unsigned hwcaps_glibc_names(const struct hwcaps_cpu *cpu, const char **out, unsigned max);

#define HWCAPS_SUBDIR_MAX	48	/* "tls/xeon_phi/avx512_1/x86_64/" and a NUL fit */
#define HWCAPS_SUBDIRS_MAX	32	/* 3 glibc-hwcaps + 2 * 2^3 legacy */

/*
 * the subdirectories glibc 2.<minor> tries in each search directory before
 * the directory itself, in its order, each ending in '/': glibc-hwcaps/<name>/
 * (2.33+), then (up to 2.36) the legacy tls/ and platform/hwcap combinations.
 * Duplicates are left out (2.36 tries x86_64/ twice on a CPU whose platform
 * is x86_64). n written.
 */
unsigned hwcaps_subdirs(const struct hwcaps_cpu *cpu, unsigned glibc_minor,
			char out[][HWCAPS_SUBDIR_MAX], unsigned max);

#endif
