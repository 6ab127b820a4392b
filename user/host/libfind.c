// SPDX-License-Identifier: MIT
/* libfind: where a missing library really is in a root, and which package owns it (libfind.h) */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"
#include "fsinfo.h"
#include "libfind.h"
#include "resolve.h"
#include "util.h"

#define CONF_BYTES	(64u << 10)	/* read of one ld.so.conf file */
#define CONF_DEPTH	4		/* include levels followed */
#define CONF_FILES	64		/* files one include pattern names */
#define OPT_ENTRIES	64		/* /opt/<pkg> entries looked into */
#define LIST_FILES	20000		/* dpkg .list files read */
#define LIST_BYTES	(8u << 20)	/* of one */
#define LIST_TOTAL	(128u << 20)	/* of all */

static const char *const usual[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib", "/usr/local/lib", "/usr/local/lib64",
};

static void add_dir(struct libfind_dirs *d, const char *dir, size_t n, bool conf)
{
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!n || dir[0] != '/' || n >= LIBFIND_PATH_MAX || d->n == LIBFIND_DIRS_MAX)
		return;
	for (unsigned i = 0; i < d->n; i++)
		if (strlen(d->dir[i]) == n && !memcmp(d->dir[i], dir, n)) {
			d->conf[i] |= conf;
			return;
		}
	memcpy(d->dir[d->n], dir, n);
	d->dir[d->n][n] = '\0';
	d->conf[d->n++] = conf;
}

/* a whole small file inside the root, NUL-terminated; NULL when unreadable */
static char *read_small(int rootfd, const char *path, size_t cap, size_t *len)
{
	int fd = fs_open_in_root(rootfd, path, O_RDONLY);
	struct stat st;
	size_t n = 0;
	char *buf;
	ssize_t r;

	if (fd < 0)
		return NULL;
	/* the file's own size, at most cap: a .list is a few KiB, not its cap */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size < cap)
		cap = st.st_size;
	buf = malloc(cap + 1);
	while (buf && n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += r;
	close(fd);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void parse_conf(int rootfd, const char *path, struct libfind_dirs *d, int depth);

/* "include DIR/PATTERN" (as /etc/ld.so.conf.d/ and *.conf): the files, in glob's order */
static void include_pattern(int rootfd, const char *pat, struct libfind_dirs *d, int depth)
{
	const char *slash = strrchr(pat, '/');
	char dir[LIBFIND_PATH_MAX], file[LIBFIND_PATH_MAX], *names[CONF_FILES];
	unsigned n = 0;
	struct dirent *de;
	DIR *dp;
	int fd;

	if (!slash || pat[0] != '/' || (size_t)(slash - pat) >= sizeof(dir))
		return;		/* relative includes are ldconfig's cwd-relative: not followed */
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - pat), pat);
	if (!dir[0])
		strcpy(dir, "/");
	fd = fs_open_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || !(dp = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (n < CONF_FILES && (de = readdir(dp)))
		if (de->d_name[0] != '.' && !fnmatch(slash + 1, de->d_name, 0))
			names[n] = strdup(de->d_name), n += !!names[n];
	closedir(dp);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (unsigned i = 0; i < n; i++) {
		if (snprintf(file, sizeof(file), "%s/%s", strcmp(dir, "/") ? dir : "", names[i]) <
		    (int)sizeof(file))
			parse_conf(rootfd, file, d, depth + 1);
		free(names[i]);
	}
}

/* ld.so.conf as ldconfig reads it: one directory a line, # comments, include */
static void parse_conf(int rootfd, const char *path, struct libfind_dirs *d, int depth)
{
	size_t len = 0;
	char *buf, *line, *save = NULL;

	if (depth > CONF_DEPTH || !(buf = read_small(rootfd, path, CONF_BYTES, &len)))
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *s = line, *e;
		const char *inc;

		if (hash)
			*hash = '\0';
		s += strspn(s, " \t");
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if ((inc = lit_skip(s, "include")) && (*inc == ' ' || *inc == '\t')) {
			inc += strspn(inc, " \t");
			include_pattern(rootfd, inc, d, depth);
		} else if (!lit_skip(s, "hwcap") && *s == '/') {
			add_dir(d, s, strcspn(s, "="), true);	/* "dir=TYPE": libc5's form */
		}
	}
	free(buf);
}

static bool is_dir(int rootfd, const char *path)
{
	struct stat st;

	return !fs_stat_in_root(rootfd, path, &st) && S_ISDIR(st.st_mode);
}

int libfind_dirs(int rootfd, struct libfind_dirs *d)
{
	static const char *const sub[] = { "lib", "lib64", "lib/x86_64-linux-gnu" };
	char path[LIBFIND_PATH_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *dp;
	int fd;

	if (rootfd < 0)
		return -EBADF;
	memset(d, 0, sizeof(*d));
	parse_conf(rootfd, "/etc/ld.so.conf", d, 0);
	for (size_t i = 0; i < ARRAY_SIZE(usual); i++)
		add_dir(d, usual[i], strlen(usual[i]), false);
	/* a package installed by hand under /opt keeps its libraries there */
	fd = fs_open_in_root(rootfd, "/opt", O_RDONLY | O_DIRECTORY);
	if (fd >= 0 && (dp = fdopendir(fd))) {
		while (n++ < OPT_ENTRIES && (de = readdir(dp))) {
			if (de->d_name[0] == '.')
				continue;
			for (size_t i = 0; i < ARRAY_SIZE(sub); i++)
				if (snprintf(path, sizeof(path), "/opt/%s/%s", de->d_name, sub[i]) <
				    (int)sizeof(path) && is_dir(rootfd, path))
					add_dir(d, path, strlen(path), false);
		}
		closedir(dp);
	} else if (fd >= 0) {
		close(fd);
	}
	return 0;
}

/* "libfoo.so.1.2" -> "libfoo.so"; 0 when name has no version */
static size_t dev_name(const char *name, char *out, size_t cap)
{
	const char *so = strstr(name, ".so.");
	size_t n;

	if (!so || strchr(name, '/'))
		return 0;
	n = so - name + 3;
	if (n >= cap)
		return 0;
	memcpy(out, name, n);
	out[n] = '\0';
	return n;
}

static bool skipped(const char *dir, const char *const *skip, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(dir, skip[i]))
			return true;
	return false;
}

/* 1: an ELF of that class and machine; 0: an ELF of another; -errno: not one */
static int elf_fits(int rootfd, const char *path, uint8_t ei_class, uint16_t machine,
		    struct libfind *out)
{
	struct elf_info *info = calloc(1, sizeof(*info));
	int fd, err;

	if (!info)
		return -ENOMEM;
	err = elf_open_in_root(rootfd, path, &fd);
	if (!err) {
		err = elf_inspect_fd(fd, 64u << 10, info);
		close(fd);
	}
	if (!err && info->kind != ELF_KIND_ELF)
		err = -ENOEXEC;
	if (!err) {
		out->ei_class = info->ei_class;
		out->machine = info->machine;
		err = info->ei_class == ei_class && info->machine == machine;
	}
	free(info);
	return err;
}

int libfind_search(int rootfd, const char *name, uint8_t ei_class, uint16_t machine,
		   const char *const *skip, unsigned n_skip, struct libfind *out)
{
	struct libfind_dirs *d = malloc(sizeof(*d));
	struct libfind wrong = { 0 }, dev = { 0 };
	char path[LIBFIND_PATH_MAX], devname[256];
	size_t dn = dev_name(name, devname, sizeof(devname));
	struct stat st, cache;
	int err;

	memset(out, 0, sizeof(*out));
	if (!d)
		return -ENOMEM;
	err = libfind_dirs(rootfd, d);
	for (unsigned i = 0; !err && i < d->n && out->what == LIBFIND_NONE; i++) {
		if (skipped(d->dir[i], skip, n_skip))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", d->dir[i], name) >= (int)sizeof(path))
			continue;
		if (!fs_stat_in_root(rootfd, path, &st) && S_ISREG(st.st_mode)) {
			struct libfind *f = out;
			int fits = elf_fits(rootfd, path, ei_class, machine, out);

			if (fits == 0 && wrong.what == LIBFIND_NONE)
				f = &wrong, f->ei_class = out->ei_class, f->machine = out->machine;
			else if (fits != 1)
				continue;
			f->what = fits == 1 ? LIBFIND_FILE : LIBFIND_WRONG_ELF;
			memcpy(f->path, path, sizeof(f->path));
			f->conf = d->conf[i];
			f->cache_older = fs_stat_in_root(rootfd, "/etc/ld.so.cache", &cache) ||
					 cache.st_mtim.tv_sec < st.st_mtim.tv_sec ||
					 (cache.st_mtim.tv_sec == st.st_mtim.tv_sec &&
					  cache.st_mtim.tv_nsec < st.st_mtim.tv_nsec);
			continue;
		}
		if (dn && dev.what == LIBFIND_NONE) {
			if (snprintf(path, sizeof(path), "%s/%s", d->dir[i], devname) < (int)sizeof(path) &&
			    !fs_stat_in_root(rootfd, path, &st) && S_ISREG(st.st_mode)) {
				dev.what = LIBFIND_DEV_LINK;
				memcpy(dev.path, path, sizeof(dev.path));
				dev.conf = d->conf[i];
			}
		}
	}
	free(d);
	if (err)
		return err;
	if (out->what == LIBFIND_NONE)
		*out = wrong.what != LIBFIND_NONE ? wrong : dev;
	if (out->what != LIBFIND_NONE)
		libfind_owner(rootfd, out->path, out->owner, sizeof(out->owner));
	return 0;
}

/* /usr/lib/x <-> /lib/x, and bin, sbin, lib64, lib32: Debian's merged /usr */
static bool alias_of(const char *path, char *out, size_t cap)
{
	static const char *const top[] = { "/lib/", "/bin/", "/sbin/", "/lib64/", "/lib32/" };
	const char *rest;

	if ((rest = lit_skip(path, "/usr"))) {
		for (size_t i = 0; i < ARRAY_SIZE(top); i++)
			if (!strncmp(rest, top[i], strlen(top[i])))
				return snprintf(out, cap, "%s", rest) < (int)cap;
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(top); i++)
		if (!strncmp(path, top[i], strlen(top[i])))
			return snprintf(out, cap, "/usr%s", path) < (int)cap;
	return false;
}

/* buf (n bytes) holds a line that is exactly s */
static bool has_line(const char *buf, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (const char *p = buf; (p = memmem(p, n - (p - buf), s, k)); p += k)
		if ((p == buf || p[-1] == '\n') && (p + k == buf + n || p[k] == '\n'))
			return true;
	return false;
}

int libfind_owner(int rootfd, const char *path, char *pkg, size_t cap)
{
	char alias[LIBFIND_PATH_MAX], file[LIBFIND_PATH_MAX];
	bool has_alias = alias_of(path, alias, sizeof(alias));
	size_t total = 0, len, nl;
	unsigned seen = 0;
	struct dirent *de;
	int fd, err = -ENOENT;
	DIR *dp;

	pkg[0] = '\0';
	fd = fs_open_in_root(rootfd, "/var/lib/dpkg/info", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	if (!(dp = fdopendir(fd))) {
		close(fd);
		return -errno;
	}
	while (err == -ENOENT && seen++ < LIST_FILES && total < LIST_TOTAL && (de = readdir(dp))) {
		char *buf;

		nl = strlen(de->d_name);
		if (nl < 6 || strcmp(de->d_name + nl - 5, ".list") ||
		    snprintf(file, sizeof(file), "/var/lib/dpkg/info/%s", de->d_name) >=
		    (int)sizeof(file))
			continue;
		if (!(buf = read_small(rootfd, file, LIST_BYTES, &len)))
			continue;
		total += len;
		if (has_line(buf, len, path) || (has_alias && has_line(buf, len, alias))) {
			snprintf(pkg, cap, "%.*s", (int)(nl - 5), de->d_name);
			err = 0;
		}
		free(buf);
	}
	closedir(dp);
	return err;
}

static char *aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *aprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static char *owned(const struct libfind *f, char *s)
{
	char *out;

	if (!s || !f->owner[0])
		return s;
	out = aprintf("%s (%s is from the installed package %s)", s, f->path, f->owner);
	free(s);
	return out;
}

char *libfind_remedy(int rootfd, const char *name, uint8_t cls, uint16_t mach,
		     const char *const *skip, unsigned n_skip)
{
	struct libfind *f;
	char *s = NULL, dir[LIBFIND_PATH_MAX];

	if (rootfd < 0 || strchr(name, '/') || !(f = malloc(sizeof(*f))))
		return NULL;
	if (libfind_search(rootfd, name, cls, mach, skip, n_skip, f) || f->what == LIBFIND_NONE) {
		free(f);
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(f->path, '/') - f->path), f->path);
	switch (f->what) {
	case LIBFIND_FILE:
		if (f->conf && f->cache_older)
			s = aprintf("%s is in %s, which /etc/ld.so.conf lists, but /etc/ld.so.cache is "
				    "older than the file: run ldconfig", name, dir);
		else if (f->conf)
			s = aprintf("%s is in %s, which /etc/ld.so.conf lists, yet /etc/ld.so.cache "
				    "does not lead the loader to it: run ldconfig (if it is still not "
				    "found, the file's SONAME is not %s)", name, dir, name);
		else
			s = aprintf("%s is in %s, which nothing in the search names: add %s to the "
				    "binary's RUNPATH (-Wl,-rpath,%s) or to LD_LIBRARY_PATH, or list it "
				    "in /etc/ld.so.conf.d/ and run ldconfig", name, dir, dir, dir);
		break;
	case LIBFIND_WRONG_ELF: {
		const char *m = elf_machine_name(f->machine), *wm = elf_machine_name(mach);

		s = aprintf("%s in %s is %s %s, and the program needs %s %s: install the %s build "
			    "of it", name, dir, f->ei_class == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64",
			    m ? m : "of another machine", cls == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64",
			    wm ? wm : "", wm ? wm : "matching");
		break;
	}
	case LIBFIND_DEV_LINK:
		s = aprintf("only %s, the unversioned development link, is there: install the "
			    "runtime package that provides %s", f->path, name);
		break;
	case LIBFIND_NONE:
		break;
	}
	s = owned(f, s);
	free(f);
	return s;
}

static const char *last_part(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* see libfind.h */
char *libfind_version_hint(const char *needed_by, const char *version, const char *object)
{
	return aprintf("%s needs symbol version %s, which %s does not provide: it was built "
		       "against a newer %s than this system has; rebuild it against this "
		       "system's library (or an older base image), or install a newer one",
		       needed_by, version, object, last_part(object));
}

/* see libfind.h */
char *libfind_version_fix(const char *needed_by, const char *version, const char *object,
			  const char *newest)
{
	return aprintf("%s needs %s; this root's %s defines up to %s: it was built on a newer "
		       "system than it runs on: build it on the oldest system you deploy to (or "
		       "in a container of that release)", needed_by, version, last_part(object),
		       newest);
}

/* "/srv/app/bin/../lib" as "/srv/app/lib", for people (the loader uses it as written) */
static void lexical(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		if (in[0] == '/' && in[1] == '.' && in[2] == '.' && (in[3] == '/' || !in[3])) {
			while (out > path && *--out != '/')
				;
			in += 3;
		} else if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || !in[2])) {
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* append to a bounded note, "; " between */
static void note_add(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note_add(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len && len + 2 < cap)
		memcpy(buf + len, "; ", 3), len += 2;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

/* see libfind.h */
void libfind_search_notes(int rootfd, const struct resolve_name *rn, const char *cwd,
			  const char *name, char *notes, size_t ncap, char *fixes, size_t fcap)
{
	char dir[LIBFIND_PATH_MAX];
	struct stat st;

	notes[0] = fixes[0] = '\0';
	for (unsigned i = 0; i < rn->n_cand; i++) {
		const struct resolve_cand *cd = &rn->cand[i];
		const char *tag = cd->from == RESOLVE_FROM_RPATH ? "RPATH" : "RUNPATH";
		size_t dl;

		if ((cd->from != RESOLVE_FROM_RPATH && cd->from != RESOLVE_FROM_RUNPATH) ||
		    cd->owner != 0 || cd->sub[0] || !cd->entry || !cd->dir)
			continue;
		dl = strlen(cd->dir);
		snprintf(dir, sizeof(dir), "%.*s", (int)(dl > 1 && cd->dir[dl - 1] == '/' ? dl - 1 : dl),
			 cd->dir);
		if (cd->entry[0] != '/' && cd->entry[0] != '$') {
			note_add(notes, ncap, "%s entry %s is relative, so it is searched from the "
				 "working directory%s%s", tag, cd->entry, cwd ? " " : ", whichever it is",
				 cwd ? cwd : "");
			note_add(fixes, fcap, "%s entry %s is relative to the working directory: relink "
				 "with -Wl,-rpath,'$ORIGIN/%s' for the directory beside the binary", tag,
				 cd->entry, cd->entry);
		} else if (dir[0] == '/' && fs_stat_in_root(rootfd, dir, &st) == -ENOENT) {
			lexical(dir);
			if (strcmp(cd->entry, dir))
				note_add(notes, ncap, "%s %s = %s does not exist", tag, cd->entry, dir);
			else
				note_add(notes, ncap, "%s %s does not exist", tag, dir);
			note_add(fixes, fcap, "%s names %s, which does not exist: put %s there, or relink "
				 "with the directory that holds it", tag, dir, name);
		}
	}
}
