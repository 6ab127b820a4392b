// SPDX-License-Identifier: MIT
/* hwcaps: the loader's per-directory variants, in one list (see hwcaps.h) */
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
