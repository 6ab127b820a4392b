// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ld.so.cache reader on hostile files (a container's
 * /etc/ld.so.cache): lying counts and offsets, strings without a NUL, bad
 * extension directories. Every entry is read and a few names are looked
 * up, with 2.36's legacy rules and without, and with the input's own first
 * key, so that a hit is reached too. Seeds: ldconfig -r -c new|compat|old.
 */
#include <stdint.h>
#include <string.h>
#include "hwcaps.h"
#include "ldcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", NULL };
	struct ldcache_query q = { .hwcaps = names, .isa = HWCAPS_ISA_BASELINE | HWCAPS_ISA_V2 };
	struct ldcache_entry e[4];
	struct ldcache *c;
	size_t sum = 0;

	if (ldcache__parse(data, size, &c))
		return 0;
	for (unsigned i = 0; i < ldcache__count(c); i++) {
		ldcache__entry(c, i, &e[0]);
		sum += strlen(e[0].name) + (e[0].path ? strlen(e[0].path) : 0) +
		       (e[0].hwcaps ? strlen(e[0].hwcaps) : 0);
	}
	if (ldcache__generator(c))
		sum += strlen(ldcache__generator(c));
	ldcache__lookup(c, "libc.so.6", &q, e, 4);
	q.legacy = 1;
	q.legacy_hwcap = HWCAPS_X86_64;
	q.legacy_platform = 50;
	ldcache__lookup(c, "libz.so.1", &q, e, 4);
	if (ldcache__count(c) && !ldcache__entry(c, 0, &e[0])) {
		char key[256];

		strncpy(key, e[0].name, sizeof(key) - 1);
		key[sizeof(key) - 1] = '\0';
		ldcache__lookup(c, key, &q, e, 4);
	}
	ldcache__free(c);
	return sum == (size_t)-1;
}
