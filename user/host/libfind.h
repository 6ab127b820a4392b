/* SPDX-License-Identifier: MIT */
/*
 * libfind: where a library the loader did not find really is in a root: the
 * directories /etc/ld.so.conf names, the usual library directories and the
 * lib directories of /opt/<pkg>, each listed once, bounded; and which
 * installed Debian package owns a file, from the root's own dpkg database.
 * Facts only: libfind never executes, maps or dlopens what it finds.
 */
#ifndef LW_LIBFIND_H
#define LW_LIBFIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIBFIND_DIRS_MAX	128	/* directories looked in */
#define LIBFIND_PATH_MAX	512

struct libfind_dirs {
	unsigned n;
	char dir[LIBFIND_DIRS_MAX][LIBFIND_PATH_MAX];
	bool conf[LIBFIND_DIRS_MAX];	/* named by /etc/ld.so.conf (its includes too) */
};

enum libfind_what {
	LIBFIND_NONE,		/* not in any directory looked in */
	LIBFIND_FILE,		/* a file of that name, usable (ELF, class and machine as wanted) */
	LIBFIND_WRONG_ELF,	/* a file of that name, another class or machine */
	LIBFIND_DEV_LINK,	/* only the unversioned development link (libfoo.so for libfoo.so.1) */
};

struct libfind {
	enum libfind_what what;
	char path[LIBFIND_PATH_MAX];	/* what was found */
	bool conf;			/* its directory is named by /etc/ld.so.conf */
	bool cache_older;		/* /etc/ld.so.cache is older than it, or absent */
	uint8_t ei_class;		/* for LIBFIND_WRONG_ELF */
	uint16_t machine;
	char owner[128];		/* the dpkg package that owns it, "" when none is known */
};

/* the directories to look in, for a root (conf ones first, in ld.so.conf's order) */
int libfind_dirs(int rootfd, struct libfind_dirs *d);

/*
 * look for name (a DT_NEEDED soname) of ei_class/machine in the root; skip
 * the directories the loader searched (skip[], n_skip: as it named them).
 * 0 with out->what set, or -errno
 */
int libfind_search(int rootfd, const char *name, uint8_t ei_class, uint16_t machine,
		   const char *const *skip, unsigned n_skip, struct libfind *out);

/* the package that owns path (and its /usr-merged alias): 0, -ENOENT, -errno */
int libfind_owner(int rootfd, const char *path, char *pkg, size_t cap);

/*
 * what makes the loader find name in the root, as one sentence: where it
 * really is and the remedy (run ldconfig; RUNPATH or LD_LIBRARY_PATH; the
 * right build; the runtime package), with its package; NULL when it is in
 * none of the directories looked in. skip: the directories the loader searched
 */
char *libfind_remedy(int rootfd, const char *name, uint8_t ei_class, uint16_t machine,
		     const char *const *skip, unsigned n_skip);

/*
 * a version mismatch's two sentences, live and in check alike: the hint
 * (needed_by needs version, object lacks it), and the fix naming both sides
 * (newest: the newest definition of that family object has, "GLIBC_2.36")
 */
char *libfind_version_hint(const char *needed_by, const char *version, const char *object);
char *libfind_version_fix(const char *needed_by, const char *version, const char *object,
			  const char *newest);

/*
 * the needer's own DT_RPATH/DT_RUNPATH entries in a resolver's search (rn)
 * that could not hold name: a relative entry (searched from cwd), an
 * expanded directory that does not exist in the root ("RUNPATH
 * $ORIGIN/../lib = /srv/app/lib does not exist"). notes: for the hint,
 * fixes: what to change, each "" when there is nothing to say
 */
#define LIBFIND_NOTES_MAX	1024
struct resolve_name;
void libfind_search_notes(int rootfd, const struct resolve_name *rn, const char *cwd,
			  const char *name, char *notes, size_t ncap, char *fixes, size_t fcap);

#endif
