// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kubepods.h"

#define UID1	"8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e"
#define UID2	"11111111-2222-3333-4444-555555555555"
#define CID1	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CID2	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char top[64], pods[96];

/* a scratch /var/log: pods/NS_NAME_UID/CONTAINER/0.log and containers/ links */
static void mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %s", p, strerror(errno));
}

static void link_to(const char *name, const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/containers/%s", top, name);
	cr_assert_eq(symlink(target, p), 0);
}

static void layout(void)
{
	snprintf(top, sizeof(top), "/tmp/lw-kubepods.XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	snprintf(pods, sizeof(pods), "%s/pods", top);
	mk("pods");
	mk("containers");
	/* two containers and their links */
	mk("pods/shop_web-7d4b9c-x2k_" UID1);
	mk("pods/shop_web-7d4b9c-x2k_" UID1 "/app");
	mk("pods/shop_web-7d4b9c-x2k_" UID1 "/sidecar");
	link_to("web-7d4b9c-x2k_shop_app-" CID1 ".log", "/var/log/pods/shop_web-7d4b9c-x2k_" UID1 "/app/0.log");
	link_to("web-7d4b9c-x2k_shop_sidecar-" CID2 ".log", "/var/log/pods/x/sidecar/0.log");
	/* one container, no links */
	mk("pods/kube-system_coredns.v1_" UID2);
	mk("pods/kube-system_coredns.v1_" UID2 "/coredns");
	/* what a user could name, and Kubernetes would not allow */
	mk("pods/Bad_Name_00000000-0000-0000-0000-000000000000");
}

static void unlayout(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(kubepods, .init = layout, .fini = unlayout);

Test(kubepods, container_by_its_link)
{
	struct kube_pod p;

	cr_assert_eq(kube_pod_lookup(pods, UID1, CID1, &p), 0);
	cr_assert_str_eq(p.ns, "shop");
	cr_assert_str_eq(p.name, "web-7d4b9c-x2k");
	cr_assert_str_eq(p.container, "app");
	cr_assert_eq(kube_pod_lookup(pods, UID1, CID2, &p), 0);
	cr_assert_str_eq(p.container, "sidecar");
}

Test(kubepods, two_containers_and_no_link_tell_none)
{
	struct kube_pod p;

	cr_assert_eq(kube_pod_lookup(pods, UID1, "abc", &p), 0);
	cr_assert_str_eq(p.name, "web-7d4b9c-x2k");
	cr_assert_str_eq(p.container, "");
	cr_assert_eq(kube_pod_lookup(pods, UID1, NULL, &p), 0);
	cr_assert_str_eq(p.container, "");
}

Test(kubepods, the_only_container_folder)
{
	struct kube_pod p;

	cr_assert_eq(kube_pod_lookup(pods, UID2, CID1, &p), 0);
	cr_assert_str_eq(p.ns, "kube-system");
	cr_assert_str_eq(p.name, "coredns.v1");
	cr_assert_str_eq(p.container, "coredns");
}

Test(kubepods, not_on_this_node)
{
	struct kube_pod p;

	cr_assert_eq(kube_pod_lookup(pods, "99999999-2222-3333-4444-555555555555", CID1, &p), -ENOENT);
	cr_assert_eq(kube_pod_lookup(pods, "00000000-0000-0000-0000-000000000000", NULL, &p), -ENOENT);
	cr_assert_eq(kube_pod_lookup("/nonexistent/pods", UID1, CID1, &p), -ENOENT);
}

Test(kubepods, dirnames)
{
	struct kube_pod p;
	char uid[64];

	cr_assert_eq(kube_pod_dirname("default_nginx_" UID1, &p, uid, sizeof(uid)), 0);
	cr_assert_str_eq(p.ns, "default");
	cr_assert_str_eq(p.name, "nginx");
	cr_assert_str_eq(uid, UID1);
	cr_assert_eq(kube_pod_dirname("nounderscore", &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("one_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("_nginx_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("default__" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("default_nginx_", &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("Default_nginx_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("default_-nginx_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("default_ng\033[1mx_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	cr_assert_eq(kube_pod_dirname("ns.dot_nginx_" UID1, &p, uid, sizeof(uid)), -EINVAL);
	/* a 63-byte namespace is the longest */
	cr_assert_eq(kube_pod_dirname("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_n_u", &p, uid,
				      sizeof(uid)), 0);
	cr_assert_eq(kube_pod_dirname("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_n_u", &p, uid,
				      sizeof(uid)), -EINVAL);
}
