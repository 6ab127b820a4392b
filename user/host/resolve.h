/* SPDX-License-Identifier: MIT */
/*
 * resolve: where glibc's ld.so would find each DT_NEEDED of one object,
 * computed inside a root (openat2 RESOLVE_IN_ROOT), never by loading it.
 *
 * The order is _dl_map_object's (glibc 2.36 elf/dl-load.c): a name with a
 * slash is opened as given; else DT_RPATH of the object, of its loader and
 * up the chain, then of the executable (all skipped when the object has a
 * DT_RUNPATH), LD_LIBRARY_PATH (not in secure mode), the object's own
 * DT_RUNPATH, the cache's one choice, the default directories. Every
 * directory is tried with each hwcaps subdirectory first. Each candidate is
 * checked as open_verify does: a missing file or an ELF of another class or
 * machine is passed over, a file that is no loadable ELF ends the load.
 * ld.so's checks after open_verify (mapping, versions, symbols) are not made.
 */
#ifndef LW_RESOLVE_H
#define LW_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "elfinfo.h"
#include "hwcaps.h"
#include "ldcache.h"

enum resolve_from {
	RESOLVE_FROM_PATH = 1,		/* the name has a slash: opened as given */
	RESOLVE_FROM_RPATH,		/* DT_RPATH of the object, a loader, or the executable */
	RESOLVE_FROM_LD_LIBRARY_PATH,
	RESOLVE_FROM_RUNPATH,		/* the object's own DT_RUNPATH (never inherited) */
	RESOLVE_FROM_CACHE,		/* the cache's choice for the name */
	RESOLVE_FROM_DEFAULT,		/* the loader's system directories */
	RESOLVE_FROM_SELF,		/* musl: libc.so, libm.so, libpthread.so... are the loader */
};

/* what became of one candidate, and whether the loader goes on */
enum resolve_result {
	RESOLVE_FOUND = 1,	/* the loader takes this file */
	RESOLVE_ENOENT,		/* not there (err ENOENT or ENOTDIR): goes on */
	RESOLVE_EACCES,		/* not readable: goes on */
	RESOLVE_WRONG_CLASS,	/* an ELF of the other class: passed over, remembered */
	RESOLVE_WRONG_MACHINE,	/* an ELF for another e_machine: passed over */
	RESOLVE_BAD_FILE,	/* no loadable ELF (why): the load fails here */
	RESOLVE_ERROR,		/* another errno (err, e.g. ELOOP): passed over (a subdirectory, the cache) */
	RESOLVE_STOP,		/* the same on a directory itself: the rest of its list is skipped */
	RESOLVE_NOT_REGULAR,	/* a FIFO, device or socket: not opened here; the load fails or hangs */
	RESOLVE_UNCHECKED,	/* relative, and the working directory is not known */
};

/* how the search for one name ends */
enum resolve_outcome {
	RESOLVE_OK = 1,		/* names[i].chosen is the file */
	RESOLVE_NOT_FOUND,	/* "cannot open shared object file: strerror(err)" */
	RESOLVE_WRONG_CLASS_ONLY, /* only other-class files: "wrong ELF class: ELFCLASS32" */
	RESOLVE_FATAL,		/* why: ld.so's words; the candidate that caused it is the last */
	RESOLVE_IGNORED,	/* a DST without a value in the name: ld.so skips this DT_NEEDED */
};

#define RESOLVE_OWNER_MAIN	0xffff	/* cand.owner: the executable's DT_RPATH */
#define RESOLVE_CAND_MAX	4096	/* candidates kept per name (then RESOLVE_F_TRUNCATED) */

#define RESOLVE_F_UNCHECKED	0x1	/* a relative candidate was not checked: the answer may differ */
#define RESOLVE_F_TRUNCATED	0x2	/* more candidates than RESOLVE_CAND_MAX */
#define RESOLVE_F_NO_CACHE	0x4	/* there was no usable cache to search */

struct resolve_cand {
	const char *path;	/* as the loader opens it (relative when its entry is) */
	const char *entry;	/* the list element as written ("$ORIGIN/../lib"), the cache file, the default dir */
	const char *dir;	/* the element expanded, ending in '/', "" for the working directory */
	const char *sub;	/* the hwcaps subdirectory tried ("glibc-hwcaps/x86-64-v3/"), "" for none */
	const char *why;	/* RESOLVE_BAD_FILE: ld.so's words ("invalid ELF header"), else NULL */
	int err;		/* the errno of ENOENT, EACCES, ERROR, STOP; 0 */
	uint8_t from;		/* enum resolve_from */
	uint8_t result;		/* enum resolve_result */
	uint16_t owner;		/* RPATH: 0 the object, i the loader i up the chain, RESOLVE_OWNER_MAIN */
	uint64_t dev, ino;	/* RESOLVE_FOUND: the file's identity (ld.so's _dl_file_id_match_p) */
};

struct resolve_name {
	char *name;		/* the DT_NEEDED as written */
	char *expanded;		/* after $ORIGIN, $LIB, $PLATFORM (the name itself when none) */
	struct resolve_cand *cand;
	unsigned n_cand;
	int chosen;		/* index into cand, -1 for none */
	int outcome;		/* enum resolve_outcome */
	int err;		/* RESOLVE_NOT_FOUND: the errno ld.so reports */
	const char *why;	/* RESOLVE_FATAL: ld.so's words */
	uint32_t flags;		/* RESOLVE_F_* */
};

struct resolve_answer {
	struct resolve_name *names;	/* one per DT_NEEDED, in order */
	unsigned n;
};

/* one object: its ELF facts and where the loader found it, inside the root
 * ($ORIGIN is its directory). For the executable that is /proc/PID/exe's
 * target (ld.so's _dl_get_origin), or the path as given for `ld.so FILE`;
 * for a library the path the loader opened (not resolved through links).
 * A NULL path leaves $ORIGIN unknown: entries using it are dropped.
 */
struct resolve_object {
	const struct elf_info *info;
	const char *path;
};

/* the loader, its CPU and the process: what the search depends on besides the objects */
struct resolve_env {
	const char *ld_library_path;	/* NULL: unset */
	int secure;			/* AT_SECURE (setuid, file caps): LD_LIBRARY_PATH ignored,
					 * $ORIGIN only leading and, for the executable, into a system dir */
	const char *cwd;		/* the working directory inside the root; NULL: unknown */
	const char *platform;		/* $PLATFORM ("haswell"); NULL drops entries using it */
	const char *lib;		/* $LIB ("lib/x86_64-linux-gnu" on Debian, "lib64" upstream) */
	const char *const *sysdirs;	/* the default directories, each ending in '/', NULL-ended */
	const char *const *subdirs;	/* hwcaps subdirectories, best first, each ending in '/' */
	const struct ldcache *cache;	/* NULL: no cache */
	const struct ldcache_query *query;
	uint8_t ei_class;		/* the class this loader takes: ELFCLASS64 */
	uint16_t machine;		/* EM_X86_64 */
	/* musl's loader (resolve_env_musl): its rules instead of glibc's */
	const char *musl_path;		/* its system path (":" or newline separated); NULL: glibc */
	const char *musl_ldso;		/* the loader itself, which libc.so and its kin name */
};

/*
 * The search for every DT_NEEDED of obj. loaders[0] is the object that
 * loaded obj, loaders[1] the one that loaded that, and so on (ld.so's
 * l_loader chain, for DT_RPATH inheritance); main is the executable (NULL
 * if unknown), whose DT_RPATH is tried after the chain unless it is in it
 * (an object with the same info pointer), and whose $ORIGIN LD_LIBRARY_PATH uses. 0, -ENOMEM; *out is freed with resolve_answer_free.
 */
int resolve__object(int rootfd, const struct resolve_object *obj,
		    const struct resolve_object *loaders, unsigned n_loaders,
		    const struct resolve_object *main, const struct resolve_env *env,
		    struct resolve_answer **out);
/* the same for one name, as if obj had it as a DT_NEEDED */
int resolve__name(int rootfd, const struct resolve_object *obj,
		  const struct resolve_object *loaders, unsigned n_loaders,
		  const struct resolve_object *main, const struct resolve_env *env,
		  const char *name, struct resolve_name *out);
void resolve_name_free(struct resolve_name *n);
void resolve_answer_free(struct resolve_answer *a);

/* "rpath", "ld_library_path", "runpath", "cache", "default", "path" */
const char *resolve_from_name(int from);
/* "found", "ENOENT", "wrong_class", "bad_file", ... */
const char *resolve_result_name(int result);

/*
 * What a root's glibc would use: this CPU's hwcaps subdirectories and
 * $PLATFORM, the root's own /etc/ld.so.cache, and its default directories:
 * Debian's multiarch four (/lib/x86_64-linux-gnu/, /usr/lib/x86_64-linux-gnu/,
 * /lib/, /usr/lib/, $LIB = lib/x86_64-linux-gnu) when the root has
 * /lib/x86_64-linux-gnu or /usr/lib/x86_64-linux-gnu, else upstream glibc's
 * (/lib64/, /usr/lib64/, $LIB = lib64). glibc_minor 0 takes the minor
 * version from the cache's generator ("... release version 2.36"), then 36.
 * A cache that is missing or ld.so would ignore leaves env->cache NULL
 * (host->cache_err says why).
 */
struct resolve_host {
	struct hwcaps_cpu cpu;
	unsigned glibc_minor;
	struct ldcache *cache;
	int cache_err;
	struct ldcache_query query;
	const char *names[4];
	char sub[HWCAPS_SUBDIRS_MAX][HWCAPS_SUBDIR_MAX];
	const char *subp[HWCAPS_SUBDIRS_MAX + 1];
	char *musl_path;		/* resolve_env_musl's system path */
};
void resolve_env_host(struct resolve_env *env, struct resolve_host *host, int rootfd,
		      unsigned glibc_minor);
void resolve_host_free(struct resolve_host *host);

/*
 * What a root's musl loader (interp: its PT_INTERP, "/lib/ld-musl-x86_64.so.1")
 * would use (musl 1.2 ldso/dynlink.c load_library): LD_LIBRARY_PATH first
 * (not in secure mode), then DT_RUNPATH, else DT_RPATH, of the object and
 * up the chain of objects that loaded it ($ORIGIN only), then the system
 * path: <prefix>/etc/ld-musl-x86_64.path (prefix: interp less its last two
 * components), "/lib:/usr/local/lib:/usr/lib" when that file does not exist,
 * nothing when it is empty or unreadable. No cache, no hwcaps, no symbol
 * versions; the first file opened is the one mapped, whatever its class.
 */
void resolve_env_musl(struct resolve_env *env, struct resolve_host *host, int rootfd,
		      const char *interp);
/* a PT_INTERP that is musl's loader ("ld-musl-") */
bool resolve_interp_is_musl(const char *interp);

#endif
