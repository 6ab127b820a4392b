// SPDX-License-Identifier: MIT
/* container: recognise runtimes from the cgroup names they create */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "container.h"
#include "util.h"

#define HEX_ID_LEN	64

static bool is_hex_id(const char *s, size_t n)
{
	if (n != HEX_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* component c (length n) is PREFIX<64 hex>SUFFIX: copy the id */
static bool hex_between(const char *c, size_t n, const char *prefix, const char *suffix,
			char *id)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n != p + HEX_ID_LEN + s || strncmp(c, prefix, p) || strncmp(c + p + HEX_ID_LEN, suffix, s))
		return false;
	if (!is_hex_id(c + p, HEX_ID_LEN))
		return false;
	memcpy(id, c + p, HEX_ID_LEN);
	id[HEX_ID_LEN] = '\0';
	return true;
}

/* systemd escapes '-' in unit names as \x2d; machine names come back whole */
static void unescape_unit(const char *s, size_t n, char *out, size_t cap)
{
	size_t w = 0;

	for (size_t i = 0; i < n && w + 1 < cap; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && s[i + 2] == '2' && s[i + 3] == 'd') {
			out[w++] = '-';
			i += 3;
		} else {
			out[w++] = s[i];
		}
	}
	out[w] = '\0';
}

/* "pod<uid>" (cgroupfs: dashes) or "kubepods-<qos>-pod<uid>.slice" (systemd: underscores) */
static void pod_of(const char *c, size_t n, struct container_id *out)
{
	const char *p = NULL;
	size_t len;

	for (size_t i = 0; i + 3 <= n; i++)
		if (!strncmp(c + i, "pod", 3) && (i == 0 || c[i - 1] == '-'))
			p = c + i + 3;
	if (!p)
		return;
	len = n - (p - c);
	if (len > 6 && !strncmp(p + len - 6, ".slice", 6))
		len -= 6;
	if (len != CTR_POD_MAX - 1)
		return;
	for (size_t i = 0; i < len; i++)
		out->pod_uid[i] = p[i] == '_' ? '-' : p[i];
	out->pod_uid[len] = '\0';
}

/* one path component: is it a container's own cgroup? */
static bool match_component(const char *c, size_t n, const char *parent, size_t pn,
			    struct container_id *out)
{
	static const struct {
		const char *prefix, *suffix, *runtime;
	} units[] = {
		{ "docker-", ".scope", "docker" },
		{ "cri-containerd-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
		{ "crio-", "", "cri-o" },
		{ "libpod-", ".scope", "podman" },
		{ "libpod-", "", "podman" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (hex_between(c, n, units[i].prefix, units[i].suffix, out->id)) {
			out->runtime = units[i].runtime;
			return true;
		}
	/* cgroupfs driver: a bare id under /docker or under a kubepods pod */
	if (is_hex_id(c, n)) {
		const char *rt = pn == 6 && !strncmp(parent, "docker", 6) ? "docker" :
				 /* under a pod: the usual CRI with the cgroupfs driver */
				 pn > 3 && !strncmp(parent, "pod", 3) ? "containerd" : NULL;

		if (rt) {
			memcpy(out->id, c, n);
			out->id[n] = '\0';
			out->runtime = rt;
			return true;
		}
	}
	if (n > 14 && !strncmp(c, "machine-", 8) && !strncmp(c + n - 6, ".scope", 6)) {
		unescape_unit(c + 8, n - 14, out->id, sizeof(out->id));
		out->runtime = "systemd-nspawn";
		return true;
	}
	if (n > 24 && !strncmp(c, "systemd-nspawn@", 15) && !strncmp(c + n - 8, ".service", 8)) {
		unescape_unit(c + 15, n - 23, out->id, sizeof(out->id));
		out->runtime = "systemd-nspawn";
		return true;
	}
	return false;
}

int container_from_cgroup(const char *path, struct container_id *out)
{
	const char *c = path, *parent = "";
	size_t pn = 0;
	int found = -ENOENT;

	memset(out, 0, sizeof(*out));
	/* walk every component: the deepest container match wins, pods anywhere */
	while (*c) {
		const char *e;
		size_t n;

		while (*c == '/')
			c++;
		if (!*c)
			break;
		e = strchr(c, '/');
		n = e ? (size_t)(e - c) : strlen(c);
		if (!strncmp(c, "kubepods", 8))
			out->kubernetes = 1;
		if (out->kubernetes)
			pod_of(c, n, out);
		if (match_component(c, n, parent, pn, out))
			found = 0;
		parent = c;
		pn = n;
		c += n;
	}
	if (found) {
		out->runtime = NULL;
		out->id[0] = '\0';
	}
	return found;
}
