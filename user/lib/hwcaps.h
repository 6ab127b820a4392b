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

#endif
