#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "roots.h"

/* a mountinfo of a host with a bind mount, an image's overlay and an escaped name */
static const char *mi_lines =
	"22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"30 22 254:0 /var/lib/x /mnt/x rw,relatime - ext4 /dev/vda rw\n"
	"40 22 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=/l\n"
	"41 22 0:51 / /with\\040space rw - tmpfs tmpfs rw\n"
	"42 22 0:52 /sub /deep rw - tmpfs tmpfs rw\n"
	"garbage line\n";

static char mi[64];

static void write_mi(const char *text)
{
	int fd;

	snprintf(mi, sizeof(mi), "/tmp/lw-roots-mi.XXXXXX");
	fd = mkstemp(mi);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void setup(void)
{
	write_mi(mi_lines);
}

static void teardown(void)
{
	unlink(mi);
}

#define KDEV(maj, min) ((uint32_t)(maj) << 20 | (min))

TestSuite(roots, .init = setup, .fini = teardown);

Test(roots, host_path_of_a_directory_on_the_root_filesystem)
{
	char out[256];

	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/srv/ctr", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/srv/ctr");
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/");
}

Test(roots, the_deepest_mount_root_wins)
{
	char out[256];

	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/var/lib/x/y", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/mnt/x/y");
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/var/lib/x", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/mnt/x");
	/* a sibling with a common prefix is not under /var/lib/x */
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/var/lib/xy", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/var/lib/xy");
}

Test(roots, an_overlay_root_and_an_escaped_mount_point)
{
	char out[256];

	cr_assert_eq(roots_host_path(mi, KDEV(0, 50), "/", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/var/lib/docker/overlay2/abc/merged");
	cr_assert_eq(roots_host_path(mi, KDEV(0, 51), "/a", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/with space/a");
}

Test(roots, not_shown_by_any_host_mount)
{
	char out[256];

	/* a filesystem the host never mounted (a container's own tmpfs) */
	cr_assert_eq(roots_host_path(mi, KDEV(0, 99), "/", out, sizeof(out)), -ENOENT);
	/* a directory above the part the host mounted */
	cr_assert_eq(roots_host_path(mi, KDEV(0, 52), "/other", out, sizeof(out)), -ENOENT);
	cr_assert_eq(roots_host_path(mi, KDEV(0, 52), "/sub/a", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/deep/a");
}

Test(roots, refuses_what_is_not_an_absolute_clean_path)
{
	char out[256];

	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "srv", out, sizeof(out)), -EINVAL);
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/a/../etc", out, sizeof(out)), -EINVAL);
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), NULL, out, sizeof(out)), -EINVAL);
	/* too long for out: not a truncated path */
	cr_assert_eq(roots_host_path(mi, KDEV(254, 0), "/srv/ctr", out, 4), -ENOENT);
}

/* a real directory, named through a mountinfo that maps its filesystem at / */
static void real_dir(char *dir, size_t cap, struct root_key *key, char *fs_path)
{
	struct stat st;
	char text[256];

	snprintf(dir, cap, "/tmp/lw-roots-dir.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(stat(dir, &st), 0);
	key->mntns = 1;
	key->dev = KDEV(major(st.st_dev), minor(st.st_dev));
	key->ino = st.st_ino;
	cr_assert_not_null(realpath(dir, fs_path));
	snprintf(text, sizeof(text), "1 0 %u:%u / / rw - ext4 /dev/x rw\n",
		 major(st.st_dev), minor(st.st_dev));
	unlink(mi);
	write_mi(text);
}

Test(roots, held_through_the_host_mount_table_once_the_process_is_gone)
{
	char dir[64], fs_path[PATH_MAX];
	struct roots_stats st;
	struct root_key key;
	struct roots *rs;
	const char *host;
	struct stat a, b;
	int fd;

	real_dir(dir, sizeof(dir), &key, fs_path);
	rs = roots_new("/proc", mi);
	cr_assert_not_null(rs);
	/* a pid that does not exist: the host's mount table is the way in */
	fd = roots_get(rs, &key, 999999999, fs_path, 1000, &host);
	cr_assert_geq(fd, 0);
	cr_assert_str_eq(host, fs_path);
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(stat(dir, &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino);
	/* asked again: the same descriptor, nothing opened */
	cr_assert_eq(roots_get(rs, &key, 999999999, fs_path, 2000, &host), fd);
	roots_stats(rs, &st);
	cr_assert_eq(st.held, 1);
	cr_assert_eq(st.via_host, 1);
	cr_assert_eq(st.via_proc, 0);
	/* idle long enough: let go (it keeps a mount busy) */
	roots_expire(rs, 2000 + ROOTS_IDLE_NS);
	roots_stats(rs, &st);
	cr_assert_eq(st.held, 0);
	cr_assert_eq(st.closed, 1);
	roots_free(rs);
	rmdir(dir);
}

Test(roots, another_inode_at_that_path_is_refused)
{
	char dir[64], fs_path[PATH_MAX];
	struct roots_stats st;
	struct root_key key;
	struct roots *rs;
	const char *host;

	real_dir(dir, sizeof(dir), &key, fs_path);
	key.ino += 1;	/* renamed and replaced since the kernel named it */
	rs = roots_new("/proc", mi);
	cr_assert_eq(roots_get(rs, &key, 999999999, fs_path, 1000, &host), -ENOENT);
	cr_assert_null(host);
	/* not retried before ROOTS_RETRY_NS */
	cr_assert_eq(roots_get(rs, &key, 999999999, fs_path, 1001, &host), -ENOENT);
	roots_stats(rs, &st);
	cr_assert_eq(st.unreachable, 1);
	cr_assert_eq(st.held, 0);
	roots_free(rs);
	rmdir(dir);
}

Test(roots, a_live_process_root_is_opened_through_proc)
{
	struct roots_stats st;
	struct root_key key = { .mntns = 1 };
	struct roots *rs;
	const char *host;
	struct stat s;

	cr_assert_eq(stat("/", &s), 0);
	key.dev = KDEV(major(s.st_dev), minor(s.st_dev));
	key.ino = s.st_ino;
	rs = roots_new("/proc", mi);
	cr_assert_geq(roots_get(rs, &key, (uint32_t)getpid(), NULL, 5, &host), 0);
	roots_stats(rs, &st);
	cr_assert_eq(st.via_proc, 1);
	cr_assert_eq(st.via_host, 0);
	roots_free(rs);
}

Test(roots, bounded_the_idlest_is_closed_first)
{
	char dir[64], fs_path[PATH_MAX];
	struct roots_stats st;
	struct root_key key;
	struct roots *rs;
	const char *host;

	real_dir(dir, sizeof(dir), &key, fs_path);
	rs = roots_new("/proc", mi);
	for (uint32_t i = 0; i < ROOTS_MAX + 3; i++) {
		key.mntns = i + 1;	/* one directory seen from many namespaces */
		cr_assert_geq(roots_get(rs, &key, 999999999, fs_path, 100 + i, &host), 0);
	}
	roots_stats(rs, &st);
	cr_assert_eq(st.held, ROOTS_MAX);
	cr_assert_eq(st.closed, 3);
	roots_free(rs);
	rmdir(dir);
}
