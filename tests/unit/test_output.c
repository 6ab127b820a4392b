#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "output.h"
#include "sbuf.h"

static const struct attempt att[] = {
	{ .path = "/opt/lib/glibc-hwcaps/x86-64-v3/libfoo.so", .op = LW_OP_OPENAT, .err = ENOENT },
	{ .path = "/opt/lib/libfoo.so", .op = LW_OP_OPENAT, .err = ENOENT },
	{ .path = "/usr/lib/libfoo.so", .op = LW_OP_OPEN, .err = 0 },
};

static struct finding base(void)
{
	struct finding f = {
		.v = {
			.kind = LW_K_MISSING_LIBRARY, .severity = LW_SEV_ERROR,
			.exe = "/opt/prog", .object = "libfoo.so", .needed_by = "/opt/prog",
			.message = "m", .cause = LW_C_NONE, .mount = NULL, .hint = "h",
			.err = ENOENT,
		},
		.ts_ns = 1500000, .pid = 7, .ppid = 1, .uid = 0, .comm = "prog",
		.cwd = NULL, .exit_code = 127, .signal = -1,
		.attempts = att, .n_attempts = 3,
	};
	return f;
}

Test(output, json_finding_exact)
{
	struct finding f = base();
	struct sbuf b;

	sbuf_init(&b);
	/* realtime offset 0: ts is 1970-01-01T00:00:00.001500Z */
	output_format_finding(&b, 1, &f, 0);
	cr_assert_str_eq(sbuf_str(&b),
		"{\"type\":\"finding\",\"kind\":\"missing-library\",\"severity\":\"error\","
		"\"ts\":\"1970-01-01T00:00:00.001500Z\",\"pid\":7,\"ppid\":1,\"uid\":0,"
		"\"comm\":\"prog\",\"exe\":\"/opt/prog\",\"cwd\":null,\"object\":\"libfoo.so\","
		"\"needed_by\":\"/opt/prog\",\"message\":\"m\",\"errno\":\"ENOENT\",\"cause\":null,"
		"\"mount\":null,\"symbol\":null,\"version\":null,\"dependency\":null,"
		"\"elf_class\":null,\"machine\":null,\"variable\":null,\"root\":null,"
		"\"object_host\":null,\"incomplete\":null,\"go\":null,\"container\":null,\"env\":{},"
		"\"exit_code\":127,\"signal\":null,\"attempts\":["
		"{\"path\":\"/opt/lib/glibc-hwcaps/x86-64-v3/libfoo.so\",\"op\":\"openat\",\"errno\":\"ENOENT\"},"
		"{\"path\":\"/opt/lib/libfoo.so\",\"op\":\"openat\",\"errno\":\"ENOENT\"},"
		"{\"path\":\"/usr/lib/libfoo.so\",\"op\":\"open\",\"errno\":null}],"
		"\"hint\":\"h\",\"fix\":null}\n");
	sbuf_free(&b);
}

Test(output, json_escapes_hostile_strings)
{
	struct finding f = base();
	struct sbuf b;

	f.v.exe = "/tmp/a\nb\xff\"c";
	f.n_attempts = 0;
	sbuf_init(&b);
	output_format_finding(&b, 1, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\"exe\":\"/tmp/a\\nb\\\\xff\\\"c\""));
	sbuf_free(&b);
}

Test(output, text_has_no_raw_control_bytes_and_folds_hwcaps)
{
	struct finding f = base();
	struct sbuf b;
	const char *s;

	f.v.object = "lib\x1b[31mred\x07.so";
	sbuf_init(&b);
	output_format_finding(&b, 0, &f, 0);
	s = sbuf_str(&b);
	for (const char *p = s; *p; p++)
		cr_assert(*p == '\n' || (unsigned char)*p >= 0x20, "raw control byte 0x%02x", *p);
	cr_assert_not_null(strstr(s, "  object: lib\\x1b[31mred\\x07.so\n"));
	cr_assert_not_null(strstr(s, "(3 lookups; 1 in glibc-hwcaps"));
	cr_assert_null(strstr(s, "x86-64-v3"));
	cr_assert_not_null(strstr(s, "    open       ok       /usr/lib/libfoo.so\n"));
	sbuf_free(&b);
}

Test(output, a_full_disk_is_counted_not_fatal)
{
	struct finding f = base();
	struct output *o;

	cr_assert_eq(output_open("/dev/full", 1, &o), 0);
	cr_assert_eq(output_finding(o, &f), -ENOSPC);
	cr_assert_eq(output_finding(o, &f), -ENOSPC);
	cr_assert_eq(output_write_errors(o), 2);
	output_close(o);
}

Test(output, reopen_appends_to_the_rotated_path)
{
	char path[] = "/tmp/lw-out-XXXXXX";
	struct finding f = base();
	struct output *o;
	char buf[4096];
	int fd = mkstemp(path);
	ssize_t n;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(output_open(path, 1, &o), 0);
	cr_assert_eq(output_finding(o, &f), 0);
	cr_assert_eq(unlink(path), 0);		/* logrotate moved it away */
	cr_assert_eq(output_reopen(o), 0);
	cr_assert_eq(output_finding(o, &f), 0);
	output_close(o);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	cr_assert_eq(n > 0, 1);
	cr_assert_eq(strchr(buf, '\n') == buf + n - 1, 1, "one record in the new file");
}

Test(output, container_and_root_in_both_forms)
{
	struct ctr_ctx k = { .cgroup_id = 9, .mntns = 11, .pidns = 12, .nspid = 1,
			     .cgroup = "/docker/abc", .runtime = "docker", .id = "abc" };
	struct finding f = base();
	struct sbuf b;

	f.container = &k;
	f.root = "/var/lib/docker/overlay2/x/merged";
	f.object_host = "/var/lib/docker/overlay2/x/merged/lib/libfoo.so";
	f.incomplete = "events-lost,root-unreachable";
	sbuf_init(&b);
	output_format_finding(&b, 1, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\"root\":\"/var/lib/docker/overlay2/x/merged\","
				  "\"object_host\":\"/var/lib/docker/overlay2/x/merged/lib/libfoo.so\","
				  "\"incomplete\":\"events-lost,root-unreachable\""));
	cr_assert_not_null(strstr(sbuf_str(&b), "\"container\":{\"mntns\":11,\"pidns\":12,\"pid\":1,"
				  "\"cgroup_id\":9,\"cgroup\":\"/docker/abc\",\"runtime\":\"docker\","
				  "\"id\":\"abc\",\"pod_uid\":null,\"pod\":null}"));
	sbuf_reset(&b);
	output_format_finding(&b, 0, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\n  container: docker abc, pid 1 inside, mntns 11, "
				  "cgroup /docker/abc\n"));
	cr_assert_not_null(strstr(sbuf_str(&b), "\n  root (host): /var/lib/docker/overlay2/x/merged\n"));
	/* a namespace whose cgroup names no runtime says so, not "unknown -" */
	k.runtime = k.id = NULL;
	sbuf_reset(&b);
	output_format_finding(&b, 0, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\n  container: not recognised from its cgroup, pid 1 "
				  "inside"));
	sbuf_free(&b);
}

Test(output, kubernetes_pod_in_both_forms)
{
	struct ctr_ctx k = { .cgroup_id = 9, .mntns = 11, .pidns = 12, .nspid = 7,
			     .cgroup = "/kubepods/besteffort/pod8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e/abc",
			     .runtime = "containerd", .id = "abc",
			     .pod_uid = "8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e",
			     .pod_namespace = "shop", .pod_name = "web-7d4b9c", .pod_container = "app" };
	struct finding f = base();
	struct sbuf b;

	f.container = &k;
	sbuf_init(&b);
	output_format_finding(&b, 1, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\"pod_uid\":\"8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e\","
				  "\"pod\":{\"namespace\":\"shop\",\"name\":\"web-7d4b9c\","
				  "\"container\":\"app\"}}"), "%s", sbuf_str(&b));
	sbuf_reset(&b);
	output_format_finding(&b, 0, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\n  container: containerd abc, pod shop/web-7d4b9c "
				  "container app uid 8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e, pid 7 inside"),
			   "%s", sbuf_str(&b));
	/* a pod whose folders do not tell the container */
	k.pod_container = NULL;
	sbuf_reset(&b);
	output_format_finding(&b, 1, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "\"name\":\"web-7d4b9c\",\"container\":null}}"));
	/* not found on the node: the UID alone */
	k.pod_namespace = k.pod_name = NULL;
	sbuf_reset(&b);
	output_format_finding(&b, 0, &f, 0);
	cr_assert_not_null(strstr(sbuf_str(&b), "container: containerd abc, pod "
				  "8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e, pid 7 inside"), "%s", sbuf_str(&b));
	sbuf_free(&b);
}
