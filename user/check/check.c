// SPDX-License-Identifier: MIT
/*
 * check: `ldwatch check FILE...`, the safe ldd: each file's whole load
 * resolved inside a root with the resolver the live findings use, never
 * executed, mapped or dlopened; the same findings the daemon would print,
 * marked mode "check", and a tree people read
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "container.h"
#include "elfinfo.h"
#include "fsinfo.h"
#include "libfind.h"
#include "output.h"
#include "resolve.h"
#include "sbuf.h"
#include "escape.h"
#include "util.h"

#define CHECK_OBJS_MAX	1024	/* objects of one file's load */
#define CHECK_ENV_MAX	4096	/* bytes of LD_LIBRARY_PATH taken */
#define CHECK_MISSING_MAX 64	/* names reported missing per file (each once) */
#define CHECK_CACHE_MAX	(2 * CHECK_OBJS_MAX)	/* libraries remembered across FILEs */

static const char check_usage[] =
"usage: ldwatch check [--root DIR | --pid PID | --container ID] [--env NAME=VALUE]...\n"
"                     [--json] FILE...\n"
"\n"
"Resolves each FILE's whole load as the dynamic loader would (DT_RPATH, LD_LIBRARY_PATH,\n"
"DT_RUNPATH, /etc/ld.so.cache, the default directories, glibc-hwcaps) inside a root,\n"
"and prints the findings a failing start would give. It never runs, maps or dlopens\n"
"anything: this is the safe ldd. A #! script's interpreter is checked instead.\n"
"\n"
"  --root DIR           resolve inside DIR (default /)\n"
"  --pid PID            inside PID's root, with its LD_LIBRARY_PATH\n"
"  --container ID       inside the root of a process of the container whose id\n"
"                       starts with ID (as ldwatch names containers)\n"
"  --env NAME=VALUE     the environment to resolve with (LD_LIBRARY_PATH is used)\n"
"  -j, --json           JSON Lines: finding records (\"mode\":\"check\") and one\n"
"                       \"check\" record per file\n"
"  -h, --help           this text\n"
"\n"
"A FILE whose loader (PT_INTERP) is musl's is resolved by musl's rules instead.\n"
"Symbol versions are checked as glibc's loader checks them (DT_VERNEED against each\n"
"library's DT_VERDEF). Not checked: symbols (bound later, often lazily), and what a\n"
"program dlopens.\n"
"exit status: 0 when every FILE loads, 1 when one would not, 2 on bad usage or a\n"
"FILE that cannot be checked (missing, not ELF, unreadable).\n";

struct obj {
	char *path;		/* as the loader opens it, inside the root */
	struct elf_info *info;
	int parent;		/* the object that needed it first; -1 for the file itself */
	int walked;		/* its DT_NEEDED are not resolved (the loader itself) */
	char *asked;		/* the name it was loaded by (ld.so's l_libname) */
	uint64_t dev, ino;
	struct elf_versions *vers;	/* read when a version is asked of it */
	int vers_err;
	int cached;		/* info and vers belong to the cache */
};

/* a library's facts, read once for every FILE that loads it (by device and inode) */
struct centry {
	uint64_t dev, ino;
	struct elf_info *info;
	struct elf_versions *vers;
	int vers_err;
};

struct checker {
	int rootfd;
	int json;
	struct output *out;
	struct resolve_env env;		/* glibc's rules */
	struct resolve_host host;
	struct resolve_env menv;	/* musl's, made when a FILE's loader is musl's */
	struct resolve_host mhost;
	char minterp[ELF_STR_MAX];
	const struct resolve_env *cur;	/* the one this FILE is resolved with */
	char llp[CHECK_ENV_MAX];
	int have_llp;
	struct obj objs[CHECK_OBJS_MAX];
	unsigned n;
	struct sbuf tree;
	int failed;		/* this file would not load */
	char *missing[CHECK_MISSING_MAX];	/* names reported: each once per file */
	unsigned n_missing;
	struct centry cache[CHECK_CACHE_MAX];
	unsigned n_cache;
};

static void cache_clear(struct checker *ck)
{
	for (unsigned i = 0; i < ck->n_cache; i++) {
		free(ck->cache[i].info);
		if (ck->cache[i].vers)
			elf_versions_free(ck->cache[i].vers);
		free(ck->cache[i].vers);
	}
	ck->n_cache = 0;
}

static void obj_free_all(struct checker *ck)
{
	for (unsigned i = 0; i < ck->n_missing; i++)
		free(ck->missing[i]);
	ck->n_missing = 0;
	for (unsigned i = 0; i < ck->n; i++) {
		struct obj *o = &ck->objs[i];

		free(o->path);
		free(o->asked);
		if (!o->cached) {
			free(o->info);
			if (o->vers)
				elf_versions_free(o->vers);
			free(o->vers);
		}
	}
	memset(ck->objs, 0, ck->n * sizeof(ck->objs[0]));
	ck->n = 0;
}

/* read path inside the root: 0 and *info, or -errno (-ENOEXEC: not ELF, not a script) */
static int inspect_in(int rootfd, const char *path, struct elf_info **info, struct stat *st)
{
	int fd, err;

	*info = calloc(1, sizeof(**info));
	if (!*info)
		return -ENOMEM;
	err = elf_open_in_root(rootfd, path, &fd);
	if (!err) {
		if (st && fstat(fd, st))
			err = -errno;
		if (!err)
			err = elf_inspect_fd(fd, 0, *info);
		close(fd);
	}
	if (err) {
		free(*info);
		*info = NULL;
	}
	return err;
}

/*
 * o->info for the library at path (dev, ino) inside the root, from the cache
 * or read now and remembered; a file's load never evicts (check_file
 * empties a cache too full for one more load)
 */
static int obj_inspect(struct checker *ck, struct obj *o, const char *path)
{
	struct centry *ce;
	int err;

	for (unsigned i = 0; i < ck->n_cache; i++)
		if (ck->cache[i].dev == o->dev && ck->cache[i].ino == o->ino) {
			o->info = ck->cache[i].info;
			o->cached = 1;
			return 0;
		}
	err = inspect_in(ck->rootfd, path, &o->info, NULL);
	if (err || ck->n_cache == CHECK_CACHE_MAX)
		return err;
	ce = &ck->cache[ck->n_cache++];
	*ce = (struct centry){ .dev = o->dev, .ino = o->ino, .info = o->info };
	o->cached = 1;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* one finding, as the live path writes it, marked as a check's */
static void report(struct checker *ck, const char *file, struct verdict *v,
		   const struct attempt *att, unsigned n_att)
{
	struct finding f = {
		.v = *v,
		.mode = "check",
		.ts_ns = now_ns(),
		.comm = "",
		.exit_code = -1,
		.signal = -1,
		.attempts = att,
		.n_attempts = n_att,
	};

	if (!f.v.exe)
		f.v.exe = (char *)file;
	if (v->severity == LW_SEV_ERROR)
		ck->failed = 1;
	if (ck->json)
		output_finding(ck->out, &f);
}

static void tree_indent(struct checker *ck, int idx)
{
	for (int d = idx; d >= 0 && ck->objs[d].parent >= 0; d = ck->objs[d].parent)
		sbuf_puts(&ck->tree, "    ");
}

static void tree_text(struct checker *ck, const char *s)
{
	escape_text(&ck->tree, s, strlen(s));
}

/* a name the loader would not find: the finding, and its line under the object */
static void not_found(struct checker *ck, const char *file, int idx, const struct resolve_name *rn)
{
	struct attempt *att = calloc(rn->n_cand ? rn->n_cand : 1, sizeof(*att));
	const char *skip[64];
	unsigned n_skip = 0, n_att = 0;
	struct verdict v = { .severity = LW_SEV_ERROR };
	char msg[1024], hint[2048], notes[LIBFIND_NOTES_MAX], fixes[LIBFIND_NOTES_MAX];

	for (unsigned i = 0; i < ck->n_missing; i++)
		if (!strcmp(ck->missing[i], rn->name)) {
			free(att);
			return;
		}
	if (ck->n_missing < CHECK_MISSING_MAX)
		ck->missing[ck->n_missing++] = strdup(rn->name);

	for (unsigned i = 0; att && i < rn->n_cand; i++) {
		const struct resolve_cand *c = &rn->cand[i];

		att[n_att].path = (char *)c->path;
		att[n_att].op = LW_OP_OPENAT;
		att[n_att].err = c->result == RESOLVE_ENOENT ? (c->err ? c->err : ENOENT) :
				 c->result == RESOLVE_EACCES ? EACCES : c->err;
		n_att++;
		if (n_skip < ARRAY_SIZE(skip) && c->dir && c->dir[0] && !c->sub[0])
			skip[n_skip++] = c->dir;
	}
	v.object = rn->name;
	v.needed_by = ck->objs[idx].path;
	if (rn->outcome == RESOLVE_WRONG_CLASS_ONLY) {
		v.kind = LW_K_WRONG_ELF_CLASS;
		snprintf(msg, sizeof(msg), "%s: error while loading shared libraries: %s: wrong ELF "
			 "class: ELFCLASS32", file, rn->name);
		v.hint = "every candidate of this name is of another ELF class or machine: install "
			 "the build for this program's architecture";
	} else if (rn->outcome == RESOLVE_FATAL) {
		v.kind = LW_K_LOADER_ERROR;
		/* ld.so names the file it refused, as opened */
		snprintf(msg, sizeof(msg), "%s: error while loading shared libraries: %s: %s", file,
			 rn->n_cand ? rn->cand[rn->n_cand - 1].path : rn->name,
			 rn->why ? rn->why : "cannot load");
		v.hint = "the loader would refuse a candidate of this name";
	} else {
		v.kind = LW_K_MISSING_LIBRARY;
		v.err = rn->err ? rn->err : ENOENT;
		snprintf(msg, sizeof(msg), "%s: error while loading shared libraries: %s: cannot open "
			 "shared object file: No such file or directory", file, rn->name);
		v.hint = "the library is in no directory the loader searches: install the package "
			 "that provides it, or add the directory that holds it to LD_LIBRARY_PATH or "
			 "the binary's RUNPATH (-Wl,-rpath)";
		/* trailing '/' of the resolver's dirs: compare as the live path does */
		for (unsigned i = 0; i < n_skip; i++) {
			size_t l = strlen(skip[i]);
			char *d = strndup(skip[i], l > 1 && skip[i][l - 1] == '/' ? l - 1 : l);

			skip[i] = d ? d : skip[i];
		}
		v.fix = libfind_remedy(ck->rootfd, rn->name, ck->objs[idx].info->ei_class,
				       ck->objs[idx].info->machine, skip, n_skip);
		for (unsigned i = 0; i < n_skip; i++)
			free((char *)skip[i]);
		/* the needer's own entries that could not hold it, as the live finding names them */
		libfind_search_notes(ck->rootfd, rn, ck->env.cwd, rn->name, notes, sizeof(notes),
				     fixes, sizeof(fixes));
		if (notes[0]) {
			snprintf(hint, sizeof(hint), "%s; in its search, %s", v.hint, notes);
			v.hint = hint;
		}
		if (!v.fix && fixes[0])
			v.fix = strdup(fixes);
	}
	if (ck->cur->musl_path)	/* musl's words (ldso/dynlink.c load_library) */
		snprintf(msg, sizeof(msg), "Error loading shared library %s: %s (needed by %s)",
			 rn->name, rn->outcome == RESOLVE_FATAL ? "Exec format error" :
			 strerror(v.err ? v.err : ENOENT), ck->objs[idx].path);
	v.message = msg;
	report(ck, file, &v, att, n_att);
	tree_indent(ck, idx);
	sbuf_puts(&ck->tree, "    ");
	tree_text(ck, rn->name);
	sbuf_printf(&ck->tree, " => %s\n", v.kind == LW_K_MISSING_LIBRARY ? "not found" :
		    v.kind == LW_K_WRONG_ELF_CLASS ? "wrong ELF class" : "refused");
	if (v.fix) {
		tree_indent(ck, idx);
		sbuf_puts(&ck->tree, "        fix: ");
		tree_text(ck, v.fix);
		sbuf_putc(&ck->tree, '\n');
	}
	free(v.fix);
	free(att);
}

/* the objects of one load, breadth first, as _dl_map_object_deps walks them */
static void walk(struct checker *ck, const char *file)
{
	struct resolve_object loaders[64], self, mainobj = { ck->objs[0].info, ck->objs[0].path };

	for (unsigned i = 0; i < ck->n; i++) {
		unsigned nl = 0;

		if (ck->objs[i].walked)
			continue;
		for (int p = ck->objs[i].parent; p >= 0 && nl < ARRAY_SIZE(loaders);
		     p = ck->objs[p].parent)
			loaders[nl++] = (struct resolve_object){ ck->objs[p].info, ck->objs[p].path };
		self = (struct resolve_object){ ck->objs[i].info, ck->objs[i].path };
		for (unsigned k = 0; k < ck->objs[i].info->n_needed; k++) {
			const char *name = ck->objs[i].info->needed[k];
			struct resolve_name rn_buf, *rn = &rn_buf;
			const struct resolve_cand *c;
			unsigned j;

			/* a name an object was loaded by, or its soname: no search
			 * (_dl_name_match_p; musl matches the name only)
			 */
			for (j = 0; j < ck->n; j++)
				if ((ck->objs[j].asked && !strcmp(ck->objs[j].asked, name)) ||
				    (!ck->cur->musl_path && !strcmp(ck->objs[j].info->soname, name)))
					break;
			if (j < ck->n) {
				tree_indent(ck, i);
				sbuf_puts(&ck->tree, "    ");
				tree_text(ck, name);
				sbuf_puts(&ck->tree, " => ");
				tree_text(ck, ck->objs[j].path);
				sbuf_puts(&ck->tree, " (loaded above)\n");
				continue;
			}
			memset(rn, 0, sizeof(*rn));
			if (resolve__name(ck->rootfd, &self, loaders, nl, &mainobj, ck->cur, name, rn))
				continue;
			if (rn->outcome == RESOLVE_IGNORED) {
				resolve_name_free(rn);
				continue;
			}
			if (rn->outcome != RESOLVE_OK || rn->chosen < 0) {
				not_found(ck, file, i, rn);
				resolve_name_free(rn);
				continue;
			}
			c = &rn->cand[rn->chosen];
			for (j = 0; j < ck->n; j++)
				if (ck->objs[j].dev == c->dev && ck->objs[j].ino == c->ino)
					break;
			tree_indent(ck, i);
			sbuf_puts(&ck->tree, "    ");
			tree_text(ck, name);
			sbuf_puts(&ck->tree, " => ");
			tree_text(ck, c->path);
			sbuf_printf(&ck->tree, " [%s]%s\n", resolve_from_name(c->from),
				    j < ck->n ? " (loaded above)" : "");
			if (j == ck->n && ck->n < CHECK_OBJS_MAX) {
				struct obj *o = &ck->objs[ck->n];

				*o = (struct obj){ .path = strdup(c->path), .asked = strdup(name),
						   .parent = (int)i, .dev = c->dev, .ino = c->ino };
				if (o->path && o->asked && !obj_inspect(ck, o, c->path)) {
					ck->n++;
				} else {
					free(o->path);
					free(o->asked);
				}
			}
			resolve_name_free(rn);
		}
	}
}

static const struct elf_versions *obj_versions(struct checker *ck, struct obj *o)
{
	struct centry *ce = NULL;
	int fd;

	for (unsigned i = 0; o->cached && i < ck->n_cache && !ce; i++)
		if (ck->cache[i].info == o->info)
			ce = &ck->cache[i];
	if (ce && (ce->vers || ce->vers_err))
		return ce->vers_err ? NULL : ce->vers;
	if (!o->vers && !o->vers_err) {
		o->vers = calloc(1, sizeof(*o->vers));
		o->vers_err = !o->vers ? -ENOMEM : elf_open_in_root(ck->rootfd, o->path, &fd);
		if (!o->vers_err) {
			o->vers_err = elf_versions_read(fd, o->vers);
			close(fd);
		}
		if (o->vers_err) {
			free(o->vers);
			o->vers = NULL;
		}
	}
	if (ce) {	/* the cache keeps them from now on */
		ce->vers = o->vers;
		ce->vers_err = o->vers_err;
	}
	return o->vers_err ? NULL : o->vers;
}

/* the object a DT_VERNEED file names: one loaded by that name or with that soname */
static int obj_named(const struct checker *ck, const char *name)
{
	for (unsigned j = 0; j < ck->n; j++)
		if ((ck->objs[j].asked && !strcmp(ck->objs[j].asked, name)) ||
		    !strcmp(ck->objs[j].info->soname, name))
			return (int)j;
	return -1;
}

/*
 * what ld.so checks once every object is in (_dl_check_map_versions): each
 * version an object needs of a file must be defined there, unless the
 * file defines none (ld.so then only warns, under LD_WARN) or the need is
 * weak; otherwise "version `V' not found (required by OBJ)"
 */
static void check_versions(struct checker *ck, const char *file)
{
	for (unsigned i = 0; i < ck->n; i++) {
		const struct elf_versions *need = obj_versions(ck, &ck->objs[i]);
		unsigned reported = 0;

		for (unsigned k = 0; need && k < need->n_need && reported < CHECK_MISSING_MAX; k++) {
			const struct elf_ver_need *vn = &need->need[k];
			const struct elf_versions *def;
			struct verdict v = { .severity = LW_SEV_ERROR, .kind = LW_K_VERSION_MISMATCH };
			const char *us = strrchr(vn->name, '_'), *newest = NULL;
			int j = obj_named(ck, vn->file);
			char msg[1024], prefix[64];

			if (j < 0 || vn->weak || !(def = obj_versions(ck, &ck->objs[j])) ||
			    !(def->flags & ELF_VER_F_HAS_DEF) || elf_versions_defines(def, vn->name))
				continue;
			reported++;
			if (us && (size_t)(us + 1 - vn->name) < sizeof(prefix)) {
				snprintf(prefix, sizeof(prefix), "%.*s", (int)(us + 1 - vn->name), vn->name);
				newest = elf_versions_max(def, prefix);
			}
			v.object = ck->objs[j].path;
			v.needed_by = ck->objs[i].path;
			v.version = vn->name;
			snprintf(msg, sizeof(msg), "%s: %s: version `%s' not found (required by %s)",
				 file, v.object, v.version, v.needed_by);
			v.message = msg;
			v.hint = libfind_version_hint(v.needed_by, v.version, v.object);
			v.fix = newest ? libfind_version_fix(v.needed_by, v.version, v.object, newest) : NULL;
			report(ck, file, &v, NULL, 0);
			sbuf_puts(&ck->tree, "    version ");
			tree_text(ck, v.version);
			sbuf_puts(&ck->tree, " of ");
			tree_text(ck, v.object);
			sbuf_puts(&ck->tree, " => not found (required by ");
			tree_text(ck, v.needed_by);
			sbuf_puts(&ck->tree, ")\n");
			if (v.fix) {
				sbuf_puts(&ck->tree, "        fix: ");
				tree_text(ck, v.fix);
				sbuf_putc(&ck->tree, '\n');
			}
			free(v.hint);
			free(v.fix);
		}
	}
}

/* an interpreter (PT_INTERP or #!) that is not there: the live finding's words */
static int interp_ok(struct checker *ck, const char *file, const struct elf_info *info)
{
	struct stat st;
	struct verdict v = { .severity = LW_SEV_ERROR, .kind = LW_K_MISSING_INTERPRETER };

	if (!info->interp[0] || !fs_stat_in_root(ck->rootfd, info->interp, &st))
		return 1;
	v.object = (char *)info->interp;
	v.err = ENOENT;
	v.hint = info->kind == ELF_KIND_SCRIPT ?
		"the #! interpreter is not in this root: install it or fix the #! line" :
		"the program's loader (PT_INTERP) is not in this root: install the C library it "
		"was built for, or build it static";
	report(ck, file, &v, NULL, 0);
	sbuf_printf(&ck->tree, "    interpreter ");
	tree_text(ck, info->interp);
	sbuf_puts(&ck->tree, " => not found\n");
	return 0;
}

static int check_file(struct checker *ck, const char *file, int depth)
{
	struct elf_info *info = NULL;
	struct stat st, ist;
	int err = inspect_in(ck->rootfd, file, &info, &st);

	if (err) {
		lw_warn("check", "%s: %s", file, err == -ENOEXEC ? "not an ELF file or a #! script" :
			strerror(-err));
		return -1;
	}
	sbuf_reset(&ck->tree);
	ck->failed = 0;
	tree_text(ck, file);
	sbuf_putc(&ck->tree, '\n');
	if (info->kind == ELF_KIND_SCRIPT) {
		char interp[ELF_STR_MAX];
		int ok = interp_ok(ck, file, info);

		snprintf(interp, sizeof(interp), "%s", info->interp);
		free(info);
		if (!ok || depth >= 4)
			goto done;
		/* the interpreter's own load is the script's */
		sbuf_puts(&ck->tree, "    #! ");
		tree_text(ck, interp);
		sbuf_putc(&ck->tree, '\n');
		if (!ck->json)
			fputs(sbuf_str(&ck->tree), stdout);
		return check_file(ck, interp, depth + 1);
	}
	if (!(info->flags & ELF_F_DYNAMIC) && !info->n_needed && !info->interp[0]) {
		sbuf_puts(&ck->tree, "    static: loads with no loader\n");
		free(info);
		goto done;
	}
	/* setuid or setgid: run by another user, in secure-execution mode */
	ck->env.secure = !!(st.st_mode & (S_ISUID | S_ISGID));
	ck->cur = &ck->env;
	if (resolve_interp_is_musl(info->interp)) {
		if (strcmp(ck->minterp, info->interp)) {
			resolve_host_free(&ck->mhost);
			resolve_env_musl(&ck->menv, &ck->mhost, ck->rootfd, info->interp);
			snprintf(ck->minterp, sizeof(ck->minterp), "%s", info->interp);
			ck->menv.musl_ldso = ck->minterp;
		}
		ck->menv.ld_library_path = ck->env.ld_library_path;
		ck->menv.secure = ck->env.secure;
		ck->cur = &ck->menv;
	}
	if (!interp_ok(ck, file, info)) {
		free(info);
		goto done;
	}
	ck->objs[0] = (struct obj){ .path = strdup(file), .info = info, .parent = -1,
				    .dev = st.st_dev, .ino = st.st_ino };
	ck->n = ck->objs[0].path ? 1 : 0;
	/* ld.so is loaded before anything it loads: a DT_NEEDED of it is that one */
	if (ck->n_cache > CHECK_CACHE_MAX - CHECK_OBJS_MAX)
		cache_clear(ck);
	if (ck->n && info->interp[0] && !fs_stat_in_root(ck->rootfd, info->interp, &ist)) {
		ck->objs[1] = (struct obj){ .dev = ist.st_dev, .ino = ist.st_ino };
		if (obj_inspect(ck, &ck->objs[1], info->interp))
			goto walk;
		ck->objs[1].path = strdup(info->interp);
		ck->objs[1].asked = strdup(strrchr(info->interp, '/') ? strrchr(info->interp, '/') + 1 :
					   info->interp);
		ck->objs[1].parent = 0;
		ck->objs[1].walked = 1;	/* its own needs are none, or its own business */
		ck->n = 2;
	}
walk:
	walk(ck, file);
	if (!ck->cur->musl_path)	/* musl checks no symbol versions */
		check_versions(ck, file);
	obj_free_all(ck);
done:
	sbuf_printf(&ck->tree, "%s\n", ck->failed ? "does not load" : "loads");
	if (ck->json)
		output_check(ck->out, file, !ck->failed);
	else
		fputs(sbuf_str(&ck->tree), stdout);
	return ck->failed;
}

/* LD_LIBRARY_PATH of a running process, from its environ (its exec-time environment) */
static void env_of_pid(struct checker *ck, pid_t pid)
{
	char path[64], buf[65536];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *e = buf; e < buf + n; e += strlen(e) + 1) {
		const char *v = lit_skip(e, "LD_LIBRARY_PATH=");

		if (v) {
			snprintf(ck->llp, sizeof(ck->llp), "%s", v);
			ck->have_llp = 1;
		}
	}
}

/* a process of the container whose id starts with id: the first /proc shows */
static pid_t pid_of_container(const char *id)
{
	char path[300], line[4096];
	struct dirent *de;
	pid_t found = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		struct container_id cid;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cgroup", de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			char *cg = strstr(line, "::");

			if (!cg)
				continue;
			cg[strcspn(cg, "\n")] = '\0';
			if (!container_from_cgroup(cg + 2, &cid) &&
			    !strncmp(cid.id, id, strlen(id)))
				found = atoi(de->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

int check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "container", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct checker *ck = calloc(1, sizeof(*ck));
	const char *root = NULL, *ctr = NULL;
	int c, err = 0, bad = 0, failed = 0, rootfd;
	long pid = 0;
	char *end;
	struct stat st;

	if (!ck)
		return 2;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'p':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || pid <= 0 || pid > INT_MAX) {
				lw_warn("check", "--pid needs a process id, not '%s'", optarg);
				goto usage;
			}
			break;
		case 'c':
			ctr = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				lw_warn("check", "--env needs NAME=VALUE, not '%s'", optarg);
				goto usage;
			}
			if (lit_skip(optarg, "LD_LIBRARY_PATH=")) {
				snprintf(ck->llp, sizeof(ck->llp), "%s", lit_skip(optarg, "LD_LIBRARY_PATH="));
				ck->have_llp = 1;
			}
			break;
		case 'j':
			ck->json = 1;
			break;
		case 'h':
			fputs(check_usage, stdout);
			free(ck);
			return 0;
		case ':':
			lw_warn("check", "option '%s' needs an argument", argv[optind - 1]);
			goto usage;
		default:
			lw_warn("check", "unknown option '%s'", argv[optind - 1]);
			goto usage;
		}
	}
	if (!!root + !!pid + !!ctr > 1) {
		lw_warn("check", "--root, --pid and --container cannot be combined");
		goto usage;
	}
	if (optind >= argc) {
		lw_warn("check", "name a FILE to check");
		goto usage;
	}
	if (ctr && !(pid = pid_of_container(ctr))) {
		lw_warn("check", "--container %s: no process of such a container is running", ctr);
		free(ck);
		return 2;
	}
	if (pid) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%ld/root", pid);
		rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			lw_warn("check", "%s: %s", path, strerror(errno));
			free(ck);
			return 2;
		}
		if (!ck->have_llp)
			env_of_pid(ck, pid);
	} else {
		rootfd = open(root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0 || fstat(rootfd, &st) || !S_ISDIR(st.st_mode)) {
			lw_warn("check", "--root %s: %s", root ? root : "/",
				rootfd < 0 ? strerror(errno) : "not a directory");
			free(ck);
			return 2;
		}
	}
	ck->rootfd = rootfd;
	resolve_env_host(&ck->env, &ck->host, rootfd, 0);
	ck->env.ld_library_path = ck->have_llp ? ck->llp : NULL;
	sbuf_init(&ck->tree);
	err = output_open(NULL, ck->json, &ck->out);
	if (err) {
		lw_warn("check", "cannot write: %s", strerror(-err));
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		char abs[PATH_MAX + 1];
		const char *file = argv[i];
		int r;

		/* inside another root a relative FILE is from its top; here, from the cwd */
		if (!root && !pid && file[0] != '/' && getcwd(abs, sizeof(abs) - strlen(file) - 2)) {
			strcat(abs, "/");
			strcat(abs, file);
			file = abs;
		}
		r = check_file(ck, file, 0);

		bad |= r < 0;
		failed |= r > 0;
	}
out:
	output_close(ck->out);
	sbuf_free(&ck->tree);
	cache_clear(ck);
	resolve_host_free(&ck->host);
	resolve_host_free(&ck->mhost);
	close(rootfd);
	free(ck);
	return err || bad ? 2 : failed ? 1 : 0;
usage:
	fputs("Try 'ldwatch check --help' for more information.\n", stderr);
	free(ck);
	return 2;
}
