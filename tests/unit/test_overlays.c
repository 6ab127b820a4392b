/* test_overlays.c: overlayfs mounts from a recorded mountinfo, and the filesystem of their layers */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsinfo.h"
#include "overlays.h"

static char dir[] = "/tmp/lw-ovl-XXXXXX";
static char mi[128];

static void mk(const char *sub)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
}

/* podman's layers: l/ holds short links to each layer's diff, as podman makes them */
static void setup(void)
{
	char t[256], l[256];

	cr_assert_not_null(mkdtemp(dir));
	mk("l");
	mk("a");
	mk("a/diff");
	mk("b");
	mk("b/diff");
	mk("up");
	snprintf(t, sizeof(t), "../a/diff");
	snprintf(l, sizeof(l), "%s/l/AAAA", dir);
	cr_assert_eq(symlink(t, l), 0);
	snprintf(t, sizeof(t), "../b/diff");
	snprintf(l, sizeof(l), "%s/l/BBBB", dir);
	cr_assert_eq(symlink(t, l), 0);
	snprintf(mi, sizeof(mi), "%s/mountinfo", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	strcpy(dir, "/tmp/lw-ovl-XXXXXX");
}

static void write_mi(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void write_mi(const char *fmt, ...)
{
	FILE *f = fopen(mi, "w");
	va_list ap;

	cr_assert_not_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

TestSuite(overlays, .init = setup, .fini = teardown);

Test(overlays, layers_on_one_filesystem_name_it)
{
	char opts[1024];
	struct stat st;
	dev_t real = 0;

	cr_assert_eq(stat(dir, &st), 0);
	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/l/AAAA:%s/l/BBBB,upperdir=%s/up,workdir=%s/up,uuid=on",
		 dir, dir, dir, dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), 0);
	cr_assert_eq(real, st.st_dev);
}

Test(overlays, xino_or_a_missing_layer_has_no_persistent_inode)
{
	char opts[1024];
	dev_t real;

	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/l/AAAA,upperdir=%s/up,xino=on", dir, dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), -EXDEV);
	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/l/AAAA:%s/l/GONE,upperdir=%s/up", dir, dir, dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), -EXDEV);
	cr_assert_eq(overlays_layers_dev("rw,relatime", &real), -EXDEV);
	/* a layer on another filesystem (/proc): st_ino is the overlay's own then */
	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/l/AAAA:/proc,upperdir=%s/up", dir, dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), -EXDEV);
}

/* a layer whose name holds a ':' (written "\:") and a space (\040) */
Test(overlays, escaped_layer_names)
{
	char opts[1024];
	dev_t real;

	mk("odd:name x");
	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/odd\\:name\\040x:%s/l/AAAA,upperdir=%s/up", dir, dir,
		 dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), 0);
	/* a bare ':' separates layers: ".../odd" and "name x" are not there */
	snprintf(opts, sizeof(opts), "rw,lowerdir=%s/odd:name\\040x,upperdir=%s/up", dir, dir);
	cr_assert_eq(overlays_layers_dev(opts, &real), -EXDEV);
}

static unsigned n_new;
static char new_point[256];
static uint64_t new_id;

static void on_new(void *ctx, const char *point, uint64_t id)
{
	(void)ctx;
	n_new++;
	snprintf(new_point, sizeof(new_point), "%s", point);
	new_id = id;
}

/* new mounts are told once, gone ones forgotten; the line's optional fields are skipped */
Test(overlays, scan_tells_new_overlays_once)
{
	struct overlays *o;
	dev_t real;

	write_mi("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n");
	o = overlays_new(mi);
	cr_assert_not_null(o);
	n_new = 0;
	cr_assert_eq(overlays_scan(o, on_new, NULL), 0);
	cr_assert_eq(n_new, 0);
	write_mi("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		 "48 22 0:39 / /var/lib/c/merged rw,relatime - overlay overlay "
		 "rw,lowerdir=%s/l/AAAA:%s/l/BBBB,upperdir=%s/up,workdir=%s/up\n"
		 "49 22 0:40 / /mnt/o2 rw shared:7 master:2 - overlay ov rw,lowerdir=%s/l/GONE\n",
		 dir, dir, dir, dir, dir);
	cr_assert_eq(overlays_scan(o, on_new, NULL), 0);
	cr_assert_eq(n_new, 2);
	cr_assert_str_eq(new_point, "/mnt/o2");
	cr_assert_eq(new_id, 49);
	cr_assert(overlays_present(o, 48));
	cr_assert_eq(overlays_real_dev(o, 39, &real), 0);
	cr_assert_eq(overlays_real_dev(o, 40, &real), -EXDEV);
	cr_assert_eq(overlays_real_dev(o, 254 << 20, &real), -ENOENT, "ext4 is no overlay");
	n_new = 0;
	cr_assert_eq(overlays_scan(o, on_new, NULL), 0);
	cr_assert_eq(n_new, 0, "told again");
	/* the container is gone, its overlay with it */
	write_mi("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n");
	cr_assert_eq(overlays_scan(o, on_new, NULL), 0);
	cr_assert_not(overlays_present(o, 48));
	cr_assert_eq(overlays_real_dev(o, 39, &real), -ENOENT);
	overlays_free(o);
}

struct seen_line {
	char fstype[32], super[256], point[64];
	uint64_t id;
};

static int grab(void *ctx, const struct mount_line *m)
{
	struct seen_line *s = ctx;

	snprintf(s->fstype, sizeof(s->fstype), "%s", m->fstype);
	snprintf(s->super, sizeof(s->super), "%s", m->super);
	snprintf(s->point, sizeof(s->point), "%s", m->point);
	s->id = m->id;
	return 1;
}

/* the filesystem type and its own options, with no optional field and with two */
Test(overlays, mountinfo_lines_give_type_and_super_options)
{
	struct seen_line s = { 0 };

	write_mi("36 22 0:31 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
	cr_assert_eq(fs_mountinfo_each(mi, grab, &s), 0);
	cr_assert_str_eq(s.fstype, "cgroup2");
	cr_assert_str_eq(s.super, "rw,nsdelegate");
	cr_assert_eq(s.id, 36);
	write_mi("90 22 0:50 / /tmp/with\\040space rw shared:60 master:3 - tmpfs tmpfs rw,size=4k\n");
	cr_assert_eq(fs_mountinfo_each(mi, grab, &s), 0);
	cr_assert_str_eq(s.fstype, "tmpfs");
	cr_assert_str_eq(s.super, "rw,size=4k");
	cr_assert_str_eq(s.point, "/tmp/with space");
}
