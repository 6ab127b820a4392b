/* libfind: a fake root built by the test, the real libz copied into it */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libfind.h"

static char root[] = "/tmp/lw-libfind-XXXXXX";
static int rootfd = -1;

static void put(const char *rel, const void *data, size_t n)
{
	char path[1024], cmd[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	cr_assert_eq(system(cmd), 0);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void put_str(const char *rel, const char *s)
{
	put(rel, s, strlen(s));
}

/* a real x86-64 shared library (the host's libz) at rel */
static void put_lib(const char *rel)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\" && cp -L "
		 "/lib/x86_64-linux-gnu/libz.so.1 '%s/%s'", root, rel, root, rel);
	cr_assert_eq(system(cmd), 0);
}

/* an ELF32 i386 header: another class and machine */
static void put_elf32(const char *rel)
{
	Elf32_Ehdr eh = { 0 };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	put(rel, &eh, sizeof(eh));
}

static void setup(void)
{
	cr_assert_not_null(mkdtemp(root));
	put_str("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
	put_str("etc/ld.so.conf.d/b.conf", "# multiarch\n/usr/local/lib   \n/opt/listed/lib=libc6\n");
	put_str("etc/ld.so.conf.d/a.conf", "/srv/first\n");
	put_str("etc/ld.so.conf.d/ignored.txt", "/srv/never\n");
	put_str("etc/ld.so.cache", "glibc-ld.so.cache1.1");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
	strcpy(root, "/tmp/lw-libfind-XXXXXX");
}

TestSuite(libfind, .init = setup, .fini = teardown);

Test(libfind, dirs_in_ld_so_conf_order_then_the_usual_then_opt)
{
	struct libfind_dirs d;
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/opt/vendor/lib64 %s/opt/listed/lib", root, root);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(libfind_dirs(rootfd, &d), 0);
	/* a.conf before b.conf (glob order), "=libc6" cut, not ignored.txt */
	cr_assert_str_eq(d.dir[0], "/srv/first");
	cr_assert_str_eq(d.dir[1], "/usr/local/lib");
	cr_assert_str_eq(d.dir[2], "/opt/listed/lib");
	cr_assert(d.conf[0] && d.conf[1] && d.conf[2]);
	cr_assert_str_eq(d.dir[3], "/lib/x86_64-linux-gnu");
	cr_assert_not(d.conf[3]);
	for (unsigned i = 0; i < d.n; i++) {
		cr_assert_str_neq(d.dir[i], "/srv/never");
		/* /usr/local/lib is listed once, as ld.so.conf's */
		if (i != 1)
			cr_assert_str_neq(d.dir[i], "/usr/local/lib");
	}
	cr_assert_str_eq(d.dir[d.n - 1], "/opt/vendor/lib64");
	cr_assert_not(d.conf[d.n - 1]);
}

Test(libfind, listed_directory_with_an_older_cache)
{
	struct libfind f;
	struct timespec t[2] = { { .tv_sec = 1000 }, { .tv_sec = 1000 } };
	char p[1024];

	put_lib("usr/local/lib/libfoo.so.1");
	snprintf(p, sizeof(p), "%s/etc/ld.so.cache", root);
	cr_assert_eq(utimensat(AT_FDCWD, p, t, 0), 0);
	put_str("var/lib/dpkg/info/other:amd64.list", "/usr\n/usr/lib/libother.so.1\n");
	put_str("var/lib/dpkg/info/libfoo1:amd64.list", "/usr/local/lib\n/usr/local/lib/libfoo.so.1\n");
	cr_assert_eq(libfind_search(rootfd, "libfoo.so.1", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_FILE);
	cr_assert_str_eq(f.path, "/usr/local/lib/libfoo.so.1");
	cr_assert(f.conf);
	cr_assert(f.cache_older);
	cr_assert_str_eq(f.owner, "libfoo1:amd64");
}

Test(libfind, unlisted_directory_under_opt_and_a_newer_cache)
{
	struct libfind f;

	put_lib("opt/foo/lib/libfoo.so.1");
	put_str("etc/ld.so.cache", "glibc-ld.so.cache1.1 newer");
	cr_assert_eq(libfind_search(rootfd, "libfoo.so.1", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_FILE);
	cr_assert_str_eq(f.path, "/opt/foo/lib/libfoo.so.1");
	cr_assert_not(f.conf);
	cr_assert_not(f.cache_older);
	cr_assert_str_eq(f.owner, "");
}

Test(libfind, directories_the_loader_searched_are_skipped)
{
	struct libfind f;
	const char *searched[] = { "/usr/local/lib" };

	put_lib("usr/local/lib/libfoo.so.1");
	cr_assert_eq(libfind_search(rootfd, "libfoo.so.1", ELFCLASS64, EM_X86_64, searched, 1, &f), 0);
	cr_assert_eq(f.what, LIBFIND_NONE);
}

Test(libfind, wrong_class_then_a_right_one_wins)
{
	struct libfind f;

	put_elf32("usr/local/lib/libfoo.so.1");
	cr_assert_eq(libfind_search(rootfd, "libfoo.so.1", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_WRONG_ELF);
	cr_assert_str_eq(f.path, "/usr/local/lib/libfoo.so.1");
	cr_assert_eq(f.ei_class, ELFCLASS32);
	cr_assert_eq(f.machine, EM_386);
	put_lib("usr/lib/libfoo.so.1");
	cr_assert_eq(libfind_search(rootfd, "libfoo.so.1", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_FILE);
	cr_assert_str_eq(f.path, "/usr/lib/libfoo.so.1");
}

Test(libfind, only_the_development_link)
{
	struct libfind f;

	put_lib("usr/lib/x86_64-linux-gnu/libdev.so");
	cr_assert_eq(libfind_search(rootfd, "libdev.so.3", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_DEV_LINK);
	cr_assert_str_eq(f.path, "/usr/lib/x86_64-linux-gnu/libdev.so");
	/* an unversioned name has no development link of its own */
	cr_assert_eq(libfind_search(rootfd, "libnone.so", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_NONE);
}

Test(libfind, owner_through_the_merged_usr_alias)
{
	char pkg[64];

	put_str("var/lib/dpkg/info/libq1:amd64.list", "/lib/x86_64-linux-gnu/libq.so.1\n");
	cr_assert_eq(libfind_owner(rootfd, "/usr/lib/x86_64-linux-gnu/libq.so.1", pkg, sizeof(pkg)), 0);
	cr_assert_str_eq(pkg, "libq1:amd64");
	cr_assert_eq(libfind_owner(rootfd, "/lib/x86_64-linux-gnu/libq.so.1", pkg, sizeof(pkg)), 0);
	/* a line that only starts with the path is not it */
	cr_assert_eq(libfind_owner(rootfd, "/lib/x86_64-linux-gnu/libq.so", pkg, sizeof(pkg)), -ENOENT);
	cr_assert_str_eq(pkg, "");
}

Test(libfind, symlinks_stay_inside_the_root)
{
	struct libfind f;
	char cmd[1200];

	/* /usr/local/lib/libz.so.1 -> the host's libz: resolved inside the root, so absent */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/usr/local/lib && ln -s /lib/x86_64-linux-gnu/libz.so.1 "
		 "%s/usr/local/lib/libz.so.1", root, root);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(libfind_search(rootfd, "libz.so.1", ELFCLASS64, EM_X86_64, NULL, 0, &f), 0);
	cr_assert_eq(f.what, LIBFIND_NONE, "found %s", f.path);
}
