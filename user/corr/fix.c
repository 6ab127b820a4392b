// SPDX-License-Identifier: MIT
/*
 * fix: what makes the loader find a library it missed, from where the library
 * really is in the process's root (libfind: ld.so.conf's directories, the
 * usual ones, /opt/<pkg>/lib) and the package that owns it
 */
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include "corr_internal.h"
#include "libfind.h"

/* the class and machine the needer wants: its own, else the process's, else x86-64 */
static void wanted_elf(const struct where *w, struct corr *c, const struct pending *pd,
		       const struct proc *p, uint8_t *cls, uint16_t *mach)
{
	const char *who = pd->v.needed_by ? pd->v.needed_by : p->exe;

	*cls = ELFCLASS64;
	*mach = EM_X86_64;
	if (who && !inspect(w, who, &c->elf) && c->elf.kind == ELF_KIND_ELF) {
		*cls = c->elf.ei_class;
		*mach = c->elf.machine;
	}
}

static char *owned(const struct libfind *f, char *s)
{
	char *out;

	if (!s || !f->owner[0])
		return s;
	out = xprintf("%s (%s is from the installed package %s)", s, f->path, f->owner);
	free(s);
	return out;
}

char *fix_text_for(int rootfd, const char *name, uint8_t cls, uint16_t mach,
		   const char *const *skip, unsigned n_skip)
{
	struct libfind *f;
	char *s = NULL, dir[LIB_PATH_MAX];

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
			s = xprintf("%s is in %s, which /etc/ld.so.conf lists, but /etc/ld.so.cache is "
				    "older than the file: run ldconfig", name, dir);
		else if (f->conf)
			s = xprintf("%s is in %s, which /etc/ld.so.conf lists, yet /etc/ld.so.cache "
				    "does not lead the loader to it: run ldconfig (if it is still not "
				    "found, the file's SONAME is not %s)", name, dir, name);
		else
			s = xprintf("%s is in %s, which nothing in the search names: add %s to the "
				    "binary's RUNPATH (-Wl,-rpath,%s) or to LD_LIBRARY_PATH, or list it "
				    "in /etc/ld.so.conf.d/ and run ldconfig", name, dir, dir, dir);
		break;
	case LIBFIND_WRONG_ELF: {
		const char *m = elf_machine_name(f->machine), *wm = elf_machine_name(mach);

		s = xprintf("%s in %s is %s %s, and the program needs %s %s: install the %s build "
			    "of it", name, dir, f->ei_class == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64",
			    m ? m : "of another machine", cls == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64",
			    wm ? wm : "", wm ? wm : "matching");
		break;
	}
	case LIBFIND_DEV_LINK:
		s = xprintf("only %s, the unversioned development link, is there: install the "
			    "runtime package that provides %s", f->path, name);
		break;
	case LIBFIND_NONE:
		break;
	}
	s = owned(f, s);
	free(f);
	return s;
}

void fix_missing_library(struct corr *c, const struct where *w, struct proc *p,
			 struct pending *pd, const char *name)
{
	const char *skip[16];
	char entries[16][LIB_PATH_MAX];
	unsigned n_skip = 0;
	uint8_t cls;
	uint16_t mach;

	/* the directories the loader did search hold nothing to say */
	for (unsigned i = 0; i < pd->n_att && n_skip < ARRAY_SIZE(entries); i++) {
		search_entry(pd->att[i].path, name, entries[n_skip], sizeof(entries[0]));
		skip[n_skip] = entries[n_skip];
		n_skip++;
	}
	wanted_elf(w, c, pd, p, &cls, &mach);
	pd->v.fix = fix_text_for(w->root, name, cls, mach, skip, n_skip);
}

/*
 * Why the program ran in secure-execution mode (AT_SECURE), where the loader
 * ignores LD_LIBRARY_PATH: setuid to another user, setgid, or file
 * capabilities. NULL when it did not.
 */
static const char *secure_why(const struct where *w, const struct proc *p, char *buf, size_t cap)
{
	struct statvfs sv;
	struct stat st;
	int fd;

	if (!p->exe || fs_stat_in_root(w->root, p->exe, &st))
		return NULL;
	/* on a nosuid mount the bits and capabilities raise nothing */
	fd = fs_open_in_root(w->root, p->exe, O_PATH);
	if (fd >= 0) {
		int nosuid = !fstatvfs(fd, &sv) && (sv.f_flag & ST_NOSUID);

		close(fd);
		if (nosuid)
			return NULL;
	}
	if ((st.st_mode & S_ISUID) && st.st_uid != p->uid) {
		snprintf(buf, cap, "setuid (owner %u, run by uid %u)", (unsigned)st.st_uid, p->uid);
		return buf;
	}
	if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)) {
		snprintf(buf, cap, "setgid (group %u)", (unsigned)st.st_gid);
		return buf;
	}
	fd = fs_open_in_root(w->root, p->exe, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = fgetxattr(fd, "security.capability", NULL, 0);

		close(fd);
		if (n > 0 && p->uid != 0) {
			snprintf(buf, cap, "given file capabilities (security.capability)");
			return buf;
		}
	}
	return NULL;
}

bool fix_ignored_library_path(const struct where *w, struct proc *p, struct pending *pd,
			      const char *name)
{
	const char *llp = env_get(p, "LD_LIBRARY_PATH"), *why;
	char why_buf[96], path[LIB_PATH_MAX];
	struct stat st;

	if (!llp || w->root < 0 || strchr(name, '/') || !(why = secure_why(w, p, why_buf,
									 sizeof(why_buf))))
		return false;
	for (const char *e = llp; *e; e += strcspn(e, ":"), e += !!*e) {
		size_t n = strcspn(e, ":");

		if (!n || e[0] != '/' ||
		    snprintf(path, sizeof(path), "%.*s/%s", (int)n, e, name) >= (int)sizeof(path) ||
		    fs_stat_in_root(w->root, path, &st) || !S_ISREG(st.st_mode))
			continue;
		pd->v.variable = xprintf("LD_LIBRARY_PATH=%s", llp);
		pd->v.hint = xprintf("%s is in %.*s, which LD_LIBRARY_PATH names, but %s is %s: the "
				     "loader ignores LD_LIBRARY_PATH in secure-execution mode", name,
				     (int)n, e, p->exe, why);
		pd->v.fix = xprintf("install %s in a system library directory (one /etc/ld.so.conf "
				    "lists, then run ldconfig), or give %s a RUNPATH that names %.*s "
				    "(-Wl,-rpath,%.*s); LD_LIBRARY_PATH cannot reach a program run "
				    "with raised privileges", name, p->exe, (int)n, e, (int)n, e);
		return true;
	}
	return false;
}
