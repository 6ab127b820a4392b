/* SPDX-License-Identifier: MIT */
/* container: which container or pod a cgroup path belongs to, by its name alone */
#ifndef LW_CONTAINER_H
#define LW_CONTAINER_H

#define CTR_ID_MAX	128
#define CTR_POD_MAX	37	/* a UUID with dashes, and its NUL */

struct container_id {
	const char *runtime;		/* "docker", "containerd", "cri-o", "podman", "systemd-nspawn" */
	char id[CTR_ID_MAX];		/* 64 hex digits, or a machine name for nspawn */
	char pod_uid[CTR_POD_MAX];	/* Kubernetes pod UID, "" outside Kubernetes */
	int kubernetes;			/* under a kubepods hierarchy */
};

/*
 * Recognise the container from a cgroup path as runtimes name them, with the
 * systemd and the cgroupfs drivers (docker-<id>.scope, /docker/<id>,
 * cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope,
 * /kubepods/.../pod<uid>/<id>, machine-<name>.scope, systemd-nspawn@<name>).
 * 0 when one is found, -ENOENT for a host cgroup. Pure: reads nothing.
 */
int container_from_cgroup(const char *path, struct container_id *out);

#endif
