#include <criterion/criterion.h>
#include <errno.h>
#include "container.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD "8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e"
#define POD_ "8dcc5c8a_3a2b_4c7e_9b1f_2f1e6b0c9d4e"

static struct container_id c;

/* the cgroup paths below are written the way each runtime and driver names them */

Test(container, docker_systemd_driver)
{
	cr_assert_eq(container_from_cgroup("/system.slice/docker-" ID ".scope", &c), 0);
	cr_assert_str_eq(c.runtime, "docker");
	cr_assert_str_eq(c.id, ID);
	cr_assert_eq(c.kubernetes, 0);
	cr_assert_str_eq(c.pod_uid, "");
}

Test(container, docker_cgroupfs_driver)
{
	cr_assert_eq(container_from_cgroup("/docker/" ID, &c), 0);
	cr_assert_str_eq(c.runtime, "docker");
	cr_assert_str_eq(c.id, ID);
}

Test(container, containerd_kubernetes_systemd_driver)
{
	cr_assert_eq(container_from_cgroup("/kubepods.slice/kubepods-burstable.slice/"
					   "kubepods-burstable-pod" POD_ ".slice/cri-containerd-" ID ".scope",
					   &c), 0);
	cr_assert_str_eq(c.runtime, "containerd");
	cr_assert_str_eq(c.id, ID);
	cr_assert_eq(c.kubernetes, 1);
	cr_assert_str_eq(c.pod_uid, POD);
}

Test(container, containerd_kubernetes_cgroupfs_driver)
{
	cr_assert_eq(container_from_cgroup("/kubepods/besteffort/pod" POD "/" ID, &c), 0);
	cr_assert_str_eq(c.runtime, "containerd");
	cr_assert_str_eq(c.pod_uid, POD);
}

Test(container, crio_both_drivers)
{
	cr_assert_eq(container_from_cgroup("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-" ID ".scope",
					   &c), 0);
	cr_assert_str_eq(c.runtime, "cri-o");
	cr_assert_str_eq(c.pod_uid, POD);
	cr_assert_eq(container_from_cgroup("/kubepods/pod" POD "/crio-" ID, &c), 0);
	cr_assert_str_eq(c.runtime, "cri-o");
}

Test(container, crio_conmon_is_not_the_container)
{
	cr_assert_eq(container_from_cgroup("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-conmon-"
					   ID ".scope", &c), -ENOENT);
}

Test(container, podman_rootful_rootless_cgroupfs)
{
	cr_assert_eq(container_from_cgroup("/machine.slice/libpod-" ID ".scope", &c), 0);
	cr_assert_str_eq(c.runtime, "podman");
	cr_assert_eq(container_from_cgroup("/user.slice/user-1000.slice/user@1000.service/user.slice/"
					   "libpod-" ID ".scope/container", &c), 0);
	cr_assert_str_eq(c.runtime, "podman");
	cr_assert_str_eq(c.id, ID);
	cr_assert_eq(container_from_cgroup("/libpod_parent/libpod-" ID, &c), 0);
	cr_assert_str_eq(c.runtime, "podman");
}

Test(container, systemd_nspawn_machine_and_service)
{
	cr_assert_eq(container_from_cgroup("/machine.slice/machine-build\\x2dbox.scope/payload", &c), 0);
	cr_assert_str_eq(c.runtime, "systemd-nspawn");
	cr_assert_str_eq(c.id, "build-box");
	cr_assert_eq(container_from_cgroup("/machine.slice/systemd-nspawn@deb12.service", &c), 0);
	cr_assert_str_eq(c.id, "deb12");
}

Test(container, host_cgroups_are_no_container)
{
	cr_assert_eq(container_from_cgroup("/", &c), -ENOENT);
	cr_assert_eq(container_from_cgroup("/system.slice/ssh.service", &c), -ENOENT);
	cr_assert_eq(container_from_cgroup("/user.slice/user-0.slice/session-1.scope", &c), -ENOENT);
	/* a bare hex name outside /docker and pods proves nothing */
	cr_assert_eq(container_from_cgroup("/system.slice/" ID, &c), -ENOENT);
	cr_assert_str_eq(c.id, "");
	cr_assert_null(c.runtime);
}

Test(container, hostile_names_do_not_overrun)
{
	char long_path[8192];

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	cr_assert_eq(container_from_cgroup(long_path, &c), -ENOENT);
	cr_assert_eq(container_from_cgroup("/docker-" ID "X.scope", &c), -ENOENT);
	cr_assert_eq(container_from_cgroup("/machine.slice/machine-.scope", &c), -ENOENT);
}
