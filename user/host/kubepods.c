// SPDX-License-Identifier: MIT
/* kubepods: pods by the kubelet's log folders (see kubepods.h) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kubepods.h"

/* RFC 1123: lowercase letters, digits, '-' (and '.' in a subdomain), alnum at both ends */
static bool dns_name(const char *s, size_t n, size_t max, bool dots)
{
	if (!n || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && c != '-' && !(dots && c == '.'))
			return false;
		if (!alnum && (i == 0 || i == n - 1))
			return false;
	}
	return true;
}

int kube_pod_dirname(const char *d, struct kube_pod *out, char *uid, size_t uid_cap)
{
	/* neither a namespace nor a pod name holds '_': the first and last split it */
	const char *a = strchr(d, '_'), *b = strrchr(d, '_');
	size_t nl, ml, ul;

	if (!a || a == b)
		return -EINVAL;
	nl = (size_t)(a - d);
	ml = (size_t)(b - a - 1);
	ul = strlen(b + 1);
	if (!dns_name(d, nl, KUBE_NS_MAX - 1, false) || !dns_name(a + 1, ml, KUBE_NAME_MAX - 1, true) ||
	    !ul || ul >= uid_cap)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out->ns, d, nl);
	memcpy(out->name, a + 1, ml);
	memcpy(uid, b + 1, ul);
	uid[ul] = '\0';
	return 0;
}

/* the container named by a link "NAME_NAMESPACE_CONTAINER-ID.log" in ../containers */
static void container_by_link(const char *podlogs, const char *ctr_id, struct kube_pod *p)
{
	char dir[4096], pre[KUBE_NAME_MAX + KUBE_NS_MAX + 2], suf[160];
	size_t pl, sl;
	struct dirent *de;
	const char *slash = strrchr(podlogs, '/');
	DIR *dd;

	if (!slash || (size_t)snprintf(dir, sizeof(dir), "%.*s/containers", (int)(slash - podlogs),
				       podlogs) >= sizeof(dir))
		return;
	if ((size_t)snprintf(suf, sizeof(suf), "-%s.log", ctr_id) >= sizeof(suf))
		return;
	snprintf(pre, sizeof(pre), "%s_%s_", p->name, p->ns);
	pl = strlen(pre);
	sl = strlen(suf);
	dd = opendir(dir);
	if (!dd)
		return;
	while ((de = readdir(dd))) {
		size_t n = strlen(de->d_name);

		if (n <= pl + sl || strncmp(de->d_name, pre, pl) || strcmp(de->d_name + n - sl, suf))
			continue;
		if (dns_name(de->d_name + pl, n - pl - sl, KUBE_NS_MAX - 1, false)) {
			memcpy(p->container, de->d_name + pl, n - pl - sl);
			p->container[n - pl - sl] = '\0';
		}
		break;
	}
	closedir(dd);
}

/* the pod folder's only container folder (fd, closed here); none told when it has more */
static void container_by_folder(int fd, struct kube_pod *p)
{
	DIR *dd = fdopendir(fd);
	struct dirent *de;
	int found = 0;

	if (!dd) {
		close(fd);
		return;
	}
	while ((de = readdir(dd)) && found < 2) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (++found == 1 && dns_name(de->d_name, n, KUBE_NS_MAX - 1, false))
			memcpy(p->container, de->d_name, n + 1);
	}
	if (found != 1)
		p->container[0] = '\0';
	closedir(dd);
}

int kube_pod_lookup(const char *podlogs, const char *uid, const char *ctr_id, struct kube_pod *out)
{
	struct dirent *de;
	char u[64];
	int err = -ENOENT;
	DIR *dd = opendir(podlogs);

	if (!dd)
		return -ENOENT;
	while ((de = readdir(dd))) {
		int fd;

		if (kube_pod_dirname(de->d_name, out, u, sizeof(u)) || strcmp(u, uid))
			continue;
		if (ctr_id && *ctr_id)
			container_by_link(podlogs, ctr_id, out);
		fd = out->container[0] ? -1 :
		     openat(dirfd(dd), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			container_by_folder(fd, out);
		err = 0;
		break;
	}
	closedir(dd);
	return err;
}
