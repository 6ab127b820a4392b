/* SPDX-License-Identifier: MIT */
/*
 * kubepods: a Kubernetes pod's namespace, name and container name, read on
 * the node from the kubelet's log layout, with no API server:
 *   PODLOGS/NAMESPACE_NAME_UID/CONTAINER/N.log            (one folder a pod)
 *   PODLOGS/../containers/NAME_NAMESPACE_CONTAINER-ID.log  (one link a container)
 * The pod is matched by the UID its cgroup names; the container by its id
 * (from the link's name), or as the pod's only container folder.
 */
#ifndef LW_KUBEPODS_H
#define LW_KUBEPODS_H

#define KUBE_NS_MAX	64	/* a DNS label (63) and its NUL */
#define KUBE_NAME_MAX	254	/* a DNS subdomain (253) and its NUL */

struct kube_pod {
	char ns[KUBE_NS_MAX];
	char name[KUBE_NAME_MAX];
	char container[KUBE_NS_MAX];	/* "" when it cannot be told */
};

/*
 * uid: the pod's UID with dashes; ctr_id: the container's id or NULL. 0 and
 * *out filled when podlogs has the pod, -ENOENT when it has not (or the
 * folder is not readable). Names that are not what Kubernetes allows are
 * not taken: the folder is the node's, but its names came from users.
 */
int kube_pod_lookup(const char *podlogs, const char *uid, const char *ctr_id, struct kube_pod *out);

/* "NAMESPACE_NAME_UID" split, each part checked: 0, or -EINVAL */
int kube_pod_dirname(const char *d, struct kube_pod *out, char *uid, size_t uid_cap);

#endif
