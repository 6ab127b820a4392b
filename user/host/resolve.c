// SPDX-License-Identifier: MIT
/* resolve: the loader's search for each DT_NEEDED of one object, mirrored inside a root (see resolve.h).
 * The reference is glibc 2.36: elf/dl-load.c (_dl_map_object, open_path,
 * open_verify) and elf/dl-deps.c (expand_dst); the lists' strings are
 * searchpath.c's. Files are only opened inside the root.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fsinfo.h"
#include "resolve.h"
#include "resolve_internal.h"
#include "sbuf.h"
#include "searchpath.h"
#include "util.h"

#define LIBC_ABI_MAX	4	/* x86-64 2.36 libc-abis: UNIQUE, IFUNC, ABSOLUTE */
#define EHDR64		64
#define PHDR64		56


const char *resolve_from_name(int from)
{
	static const char *const n[] = {
		[RESOLVE_FROM_PATH] = "path", [RESOLVE_FROM_RPATH] = "rpath",
		[RESOLVE_FROM_LD_LIBRARY_PATH] = "ld_library_path", [RESOLVE_FROM_RUNPATH] = "runpath",
		[RESOLVE_FROM_CACHE] = "cache", [RESOLVE_FROM_DEFAULT] = "default",
		[RESOLVE_FROM_SELF] = "self",
	};

	return from > 0 && (size_t)from < ARRAY_SIZE(n) ? n[from] : "?";
}

const char *resolve_result_name(int result)
{
	static const char *const n[] = {
		[RESOLVE_FOUND] = "found", [RESOLVE_ENOENT] = "ENOENT", [RESOLVE_EACCES] = "EACCES",
		[RESOLVE_WRONG_CLASS] = "wrong_class", [RESOLVE_WRONG_MACHINE] = "wrong_machine",
		[RESOLVE_BAD_FILE] = "bad_file", [RESOLVE_ERROR] = "error", [RESOLVE_STOP] = "stop",
		[RESOLVE_NOT_REGULAR] = "not_regular", [RESOLVE_UNCHECKED] = "unchecked",
	};

	return result > 0 && (size_t)result < ARRAY_SIZE(n) ? n[result] : "?";
}

/* one block for the strings: path, entry, dir, sub */
struct resolve_cand *resolve_add_cand(struct ctx *c, int from, uint16_t owner, const char *entry,
				     const char *dir, const char *sub, const char *path)
{
	struct resolve_name *o = c->out;
	size_t lp = strlen(path) + 1, le = strlen(entry) + 1, ld = strlen(dir) + 1, ls = strlen(sub) + 1;
	struct resolve_cand *cd;
	char *blk;

	if (o->n_cand >= RESOLVE_CAND_MAX) {
		o->flags |= RESOLVE_F_TRUNCATED;
		return NULL;
	}
	if (!(o->n_cand & (o->n_cand + 1))) {	/* grow at 0, 1, 3, 7... */
		cd = realloc(o->cand, (o->n_cand + 1) * 2 * sizeof(*cd));
		if (!cd)
			return NULL;
		o->cand = cd;
	}
	blk = malloc(lp + le + ld + ls);
	if (!blk)
		return NULL;
	cd = &o->cand[o->n_cand++];
	memset(cd, 0, sizeof(*cd));
	cd->path = memcpy(blk, path, lp);
	cd->entry = memcpy(blk + lp, entry, le);
	cd->dir = memcpy(blk + lp + le, dir, ld);
	cd->sub = memcpy(blk + lp + le + ld, sub, ls);
	cd->from = (uint8_t)from;
	cd->owner = owner;
	return cd;
}

/*
 * open_verify on the first bytes: NULL when the header is one ld.so takes
 * or passes over (*result says which), else its words for the fault, in
 * its order. size is the file's, for the program header table.
 */
static const char *header_fault(const unsigned char *h, uint64_t size, const struct resolve_env *env,
				int *result)
{
	static const unsigned char pad[EI_NIDENT - EI_PAD];
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t phoff;
	bool osabi = h[EI_OSABI] == ELFOSABI_SYSV || h[EI_OSABI] == ELFOSABI_GNU;

	*result = RESOLVE_BAD_FILE;
	if (memcmp(h, ELFMAG, SELFMAG))
		return "invalid ELF header";
	if (h[EI_CLASS] != env->ei_class) {
		*result = RESOLVE_WRONG_CLASS;	/* not fatal: another class may be further on */
		return NULL;
	}
	if (h[EI_DATA] != ELFDATA2LSB)
		return "ELF file data encoding not little-endian";
	if (h[EI_VERSION] != EV_CURRENT)
		return "ELF file version ident does not match current one";
	if (!osabi)
		return "ELF file OS ABI invalid";
	if (h[EI_ABIVERSION] && !(h[EI_OSABI] == ELFOSABI_GNU && h[EI_ABIVERSION] < LIBC_ABI_MAX))
		return "ELF file ABI version invalid";
	if (memcmp(h + EI_PAD, pad, sizeof(pad)))
		return "nonzero padding in e_ident";
	memcpy(&type, h + 16, 2);
	memcpy(&machine, h + 18, 2);
	memcpy(&version, h + 20, 4);
	memcpy(&phoff, h + 32, 8);
	memcpy(&phentsize, h + 54, 2);
	memcpy(&phnum, h + 56, 2);
	if (version != EV_CURRENT)
		return "ELF file version does not match current one";
	if (machine != env->machine) {
		*result = RESOLVE_WRONG_MACHINE;
		return NULL;
	}
	if (type != ET_DYN && type != ET_EXEC)
		return "only ET_DYN and ET_EXEC can be loaded";
	if (phentsize != PHDR64)
		return "ELF file's phentsize not the expected size";
	/* the program headers are read whole, or the load fails */
	if (phnum && (phoff > size || (uint64_t)phnum * PHDR64 > size - phoff))
		return "cannot read file data";
	*result = RESOLVE_FOUND;
	return NULL;
}

static void verify(struct ctx *c, int fd, struct resolve_cand *cd)
{
	unsigned char h[EHDR64];
	struct stat st;
	int result;
	ssize_t n;

	do
		n = pread(fd, h, sizeof(h), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 || fstat(fd, &st)) {
		cd->result = RESOLVE_BAD_FILE;
		cd->why = "cannot read file data";
		cd->err = errno;
		return;
	}
	if (n < (ssize_t)sizeof(h)) {
		cd->result = RESOLVE_BAD_FILE;
		cd->why = "file too short";
		return;
	}
	cd->why = header_fault(h, (uint64_t)st.st_size, c->env, &result);
	cd->result = (uint8_t)result;
	if (result == RESOLVE_WRONG_CLASS)
		c->other_class = true;
	cd->dev = st.st_dev;
	cd->ino = st.st_ino;
}

/* open the candidate inside the root as ld.so would open it, then verify */
void resolve_check(struct ctx *c, struct resolve_cand *cd)
{
	const struct resolve_env *env = c->env;
	const char *p = cd->path;
	char *full = NULL;
	int fd = -1, err;

	if (p[0] != '/') {
		if (!env->cwd) {
			cd->result = RESOLVE_UNCHECKED;
			c->out->flags |= RESOLVE_F_UNCHECKED;
			return;
		}
		full = malloc(strlen(env->cwd) + strlen(p) + 2);
		if (!full) {
			cd->result = RESOLVE_ERROR;
			cd->err = ENOMEM;
			return;
		}
		strcat(strcat(strcpy(full, env->cwd), "/"), p);
		p = full;
	}
	/* openat2 asks for a retry when a rename raced the walk */
	for (int i = 0; (err = elf_open_in_root(c->rootfd, p, &fd)) == -EAGAIN && i < 3; i++)
		;
	free(full);
	switch (err) {
	case 0:
		verify(c, fd, cd);
		close(fd);
		break;
	case -ENOENT:
	case -ENOTDIR:
		cd->result = RESOLVE_ENOENT;
		break;
	case -EACCES:
		cd->result = RESOLVE_EACCES;
		break;
	case -EISDIR:	/* ld.so opens a directory, then its read fails */
		cd->result = RESOLVE_BAD_FILE;
		cd->why = "cannot read file data";
		break;
	case -EINVAL:
		cd->result = RESOLVE_NOT_REGULAR;
		break;
	default:
		cd->result = RESOLVE_ERROR;
		break;
	}
	cd->err = err < 0 ? -err : cd->err;
	if (cd->result != RESOLVE_FOUND)
		c->err = cd->err ? cd->err : ENOENT;
}

bool resolve_fatal(const struct resolve_cand *cd)
{
	return cd->result == RESOLVE_BAD_FILE || cd->result == RESOLVE_NOT_REGULAR;
}

/* a directory ld.so would see as existing (its stat after a failed open) */
static bool dir_exists(struct ctx *c, const char *dir)
{
	struct stat st;

	return dir[0] != '/' || (!fs_stat_in_root(c->rootfd, dir, &st) && S_ISDIR(st.st_mode));
}

/*
 * open_path: each directory with each subdirectory, then itself. 1 found,
 * 0 not here, -1 the load fails (a bad file, or no memory). A failure other
 * than ENOENT/EACCES on the directory itself skips the rest of the list
 * (only the last errno counts, and the bare directory is tried last).
 */
static int search(struct ctx *c, const struct searchpath *l, int from, uint16_t owner)
{
	const char *const *subs = c->env->subdirs;
	struct sbuf b;
	int ret = 0;

	sbuf_init(&b);
	for (unsigned i = 0; i < l->n && !ret; i++) {
		struct resolve_cand *cd = NULL;

		for (unsigned s = 0;; s++) {
			const char *sub = subs && subs[s] ? subs[s] : "";

			sbuf_reset(&b);
			sbuf_printf(&b, "%s%s%s", l->d[i].dir, sub, c->name);
			cd = b.err ? NULL : resolve_add_cand(c, from, owner, l->d[i].entry, l->d[i].dir, sub,
						     sbuf_str(&b));
			if (!cd)
				break;
			resolve_check(c, cd);
			if (cd->result == RESOLVE_FOUND)
				ret = 1;
			else if (resolve_fatal(cd))
				ret = -1;
			if (ret || !*sub)
				break;
		}
		if (!cd) {
			/* past RESOLVE_CAND_MAX the search ends as not found */
			ret = c->out->flags & RESOLVE_F_TRUNCATED ? 0 : -1;
			break;
		}
		if (!ret && cd->result == RESOLVE_ERROR && dir_exists(c, l->d[i].dir)) {
			cd->result = RESOLVE_STOP;
			break;
		}
	}
	sbuf_free(&b);
	return ret;
}

static const char *rpath_of(const struct resolve_object *o)
{
	/* get-dynamic-info.h: a DT_RUNPATH voids the DT_RPATH */
	if (!o || !o->info || (o->info->dyn & ELF_DYN_RUNPATH) || !o->info->rpath[0])
		return NULL;
	return o->info->rpath;
}

/* decompose one object's list (with its own $ORIGIN) and search it */
static int search_string(struct ctx *c, const char *s, const char *seps, const struct resolve_object *o,
			 bool is_exec, int from, uint16_t owner)
{
	char *origin = o ? searchpath_origin(o->path, c->env->cwd) : NULL;
	struct searchpath l;
	int ret;

	ret = searchpath_split(s, seps, origin, is_exec, c->env, &l);
	free(origin);
	if (ret)
		return -1;
	ret = search(c, &l, from, owner);
	searchpath_free(&l);
	return ret;
}

/* the cache's one choice, unless DF_1_NODEFLIB rules out a system directory */
static int search_cache(struct ctx *c, const struct resolve_object *obj)
{
	const struct resolve_env *env = c->env;
	struct ldcache_query q0 = { 0 };
	struct ldcache_entry e;
	struct resolve_cand *cd;
	int n;

	if (!env->cache) {
		c->out->flags |= RESOLVE_F_NO_CACHE;
		return 0;
	}
	n = ldcache__lookup(env->cache, c->name, env->query ? env->query : &q0, &e, 1);
	if (n < 0)
		return -1;
	if (!n || e.skip != LDCACHE_CHOSEN)
		return 0;
	if (obj->info && (obj->info->dyn & ELF_DYN_NODEFLIB))
		for (const char *const *d = env->sysdirs; d && *d; d++)
			if (!strncmp(e.path, *d, strlen(*d)))
				return 0;
	cd = resolve_add_cand(c, RESOLVE_FROM_CACHE, 0, LDCACHE_PATH, "", "", e.path);
	if (!cd)
		return c->out->flags & RESOLVE_F_TRUNCATED ? 0 : -1;
	resolve_check(c, cd);
	return cd->result == RESOLVE_FOUND ? 1 : resolve_fatal(cd) ? -1 : 0;
}

/* the executable, wherever its copy sits: the same elf_info */
static bool is_main(const struct resolve_object *o, const struct resolve_object *main)
{
	return main && o && o->info == main->info;
}

static int search_all(struct ctx *c, const struct resolve_object *obj,
		      const struct resolve_object *loaders, unsigned n_loaders,
		      const struct resolve_object *main)
{
	const struct resolve_env *env = c->env;
	bool did_main = false;
	int ret = 0;

	/* an object with DT_RUNPATH uses no DT_RPATH at all, its loaders' neither */
	if (!(obj->info && (obj->info->dyn & ELF_DYN_RUNPATH))) {
		for (unsigned i = 0; i <= n_loaders && !ret; i++) {
			const struct resolve_object *o = i ? &loaders[i - 1] : obj;
			const char *rp = rpath_of(o);

			if (!rp)
				continue;
			ret = search_string(c, rp, ":", o, is_main(o, main), RESOLVE_FROM_RPATH, (uint16_t)i);
			did_main |= is_main(o, main);
		}
		if (!ret && !did_main && rpath_of(main))
			ret = search_string(c, rpath_of(main), ":", main, true, RESOLVE_FROM_RPATH,
					    RESOLVE_OWNER_MAIN);
	}
	/* rtld.c unsets it for AT_SECURE; its $ORIGIN is the executable's */
	if (!ret && !env->secure && env->ld_library_path && *env->ld_library_path)
		ret = search_string(c, env->ld_library_path, ":;", main, true,
				    RESOLVE_FROM_LD_LIBRARY_PATH, 0);
	if (!ret && obj->info && (obj->info->dyn & ELF_DYN_RUNPATH) && obj->info->runpath[0])
		ret = search_string(c, obj->info->runpath, ":", obj, is_main(obj, main),
				    RESOLVE_FROM_RUNPATH, 0);
	if (!ret)
		ret = search_cache(c, obj);
	if (!ret && !(obj->info && (obj->info->dyn & ELF_DYN_NODEFLIB))) {
		struct searchpath l;

		if (searchpath_dirs(env->sysdirs, &l))
			return -1;
		ret = search(c, &l, RESOLVE_FROM_DEFAULT, 0);
		searchpath_free(&l);
	}
	return ret;
}

void resolve_name_free(struct resolve_name *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->n_cand; i++)
		free((char *)n->cand[i].path);
	free(n->cand);
	if (n->expanded != n->name)
		free(n->expanded);
	free(n->name);
	memset(n, 0, sizeof(*n));
}

static void finish(struct ctx *c, int ret)
{
	struct resolve_name *o = c->out;

	if (ret > 0) {
		o->outcome = RESOLVE_OK;
		o->chosen = (int)o->n_cand - 1;
	} else if (ret < 0 && o->n_cand && resolve_fatal(&o->cand[o->n_cand - 1])) {
		o->outcome = RESOLVE_FATAL;
		o->why = o->cand[o->n_cand - 1].why;
		if (o->cand[o->n_cand - 1].result == RESOLVE_NOT_REGULAR)
			o->why = "not a regular file";
	} else if (c->other_class) {
		o->outcome = RESOLVE_WRONG_CLASS_ONLY;
	} else {
		o->outcome = RESOLVE_NOT_FOUND;
		o->err = c->err ? c->err : ENOENT;
	}
}

int resolve__name(int rootfd, const struct resolve_object *obj,
		  const struct resolve_object *loaders, unsigned n_loaders,
		  const struct resolve_object *main, const struct resolve_env *env,
		  const char *name, struct resolve_name *out)
{
	struct ctx c = { .rootfd = rootfd, .env = env, .out = out };
	int ret;

	memset(out, 0, sizeof(*out));
	out->chosen = -1;
	out->name = strdup(name);
	if (!out->name)
		return -ENOMEM;
	out->expanded = out->name;
	/* dl-deps.c expand_dst: a DT_NEEDED's DSTs, with the object's $ORIGIN (musl has none) */
	if (!env->musl_path && searchpath_has_dst(name)) {
		char *origin = searchpath_origin(obj->path, env->cwd);
		struct resolve_env plain = *env;
		struct sbuf b;
		size_t len;
		bool ok;

		if (env->secure) {
			free(origin);
			out->outcome = RESOLVE_FATAL;
			out->why = "DST not allowed in SUID/SGID programs";
			return 0;
		}
		plain.secure = 0;
		sbuf_init(&b);
		ok = searchpath_expand(&b, name, origin, false, &plain);
		len = ok ? b.len : 0;
		out->expanded = len ? strdup(sbuf_str(&b)) : NULL;
		sbuf_free(&b);
		free(origin);
		if (len && !out->expanded) {
			resolve_name_free(out);
			return -ENOMEM;
		}
		if (!out->expanded) {
			/* "cannot load auxiliary ... empty dynamic string token substitution" */
			out->expanded = out->name;
			out->outcome = RESOLVE_IGNORED;
			return 0;
		}
	}
	c.name = out->expanded;
	if (strchr(c.name, '/')) {
		struct resolve_cand *cd = resolve_add_cand(&c, RESOLVE_FROM_PATH, 0, out->name, "", "", c.name);

		if (!cd) {
			resolve_name_free(out);
			return -ENOMEM;
		}
		resolve_check(&c, cd);
		if (env->musl_path)
			resolve_musl_verdict(cd);
		ret = cd->result == RESOLVE_FOUND ? 1 : resolve_fatal(cd) ? -1 : 0;
	} else {
		ret = env->musl_path ? resolve_musl_search(&c, obj, loaders, n_loaders) :
		      search_all(&c, obj, loaders, n_loaders, main);
		if (ret < 0 && !(out->n_cand && resolve_fatal(&out->cand[out->n_cand - 1]))) {
			resolve_name_free(out);
			return -ENOMEM;
		}
	}
	finish(&c, ret);
	return 0;
}

int resolve__object(int rootfd, const struct resolve_object *obj,
		    const struct resolve_object *loaders, unsigned n_loaders,
		    const struct resolve_object *main, const struct resolve_env *env,
		    struct resolve_answer **out)
{
	struct resolve_answer *a;
	unsigned n = obj->info ? obj->info->n_needed : 0;

	*out = NULL;
	if (env->ei_class != ELFCLASS64)
		return -ENOTSUP;	/* only the 64-bit header layout is verified */
	a = calloc(1, sizeof(*a));
	if (!a || !(a->names = calloc(n ? n : 1, sizeof(*a->names)))) {
		free(a);
		return -ENOMEM;
	}
	for (; a->n < n; a->n++) {
		int err = resolve__name(rootfd, obj, loaders, n_loaders, main, env,
					obj->info->needed[a->n], &a->names[a->n]);

		if (err) {
			resolve_answer_free(a);
			return err;
		}
	}
	*out = a;
	return 0;
}

void resolve_answer_free(struct resolve_answer *a)
{
	if (!a)
		return;
	for (unsigned i = 0; i < a->n; i++)
		resolve_name_free(&a->names[i]);
	free(a->names);
	free(a);
}

/* "... release version 2.36" or "GLIBC 2.36" in the cache's generator */
static unsigned minor_from(const char *gen)
{
	const char *p = gen ? strstr(gen, "version 2.") : NULL;

	if (p)
		p += LIT_LEN("version 2.");
	else if (gen && (p = strstr(gen, "GLIBC 2.")))
		p += LIT_LEN("GLIBC 2.");
	return p ? (unsigned)strtoul(p, NULL, 10) : 0;
}

void resolve_env_host(struct resolve_env *env, struct resolve_host *h, int rootfd, unsigned glibc_minor)
{
	static const char *const multiarch[] = {
		"/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/", NULL,
	};
	static const char *const upstream[] = { "/lib64/", "/usr/lib64/", NULL };
	struct stat st;
	bool debian;
	unsigned n;

	memset(env, 0, sizeof(*env));
	memset(h, 0, sizeof(*h));
	hwcaps_cpu_probe(&h->cpu);
	h->cache_err = ldcache__open_in_root(rootfd, NULL, &h->cache);
	if (!glibc_minor && h->cache)
		glibc_minor = minor_from(ldcache__generator(h->cache));
	h->glibc_minor = glibc_minor ? glibc_minor : 36;
	ldcache_query_init(&h->query, &h->cpu, h->glibc_minor, h->names);
	n = hwcaps_subdirs(&h->cpu, h->glibc_minor, h->sub, HWCAPS_SUBDIRS_MAX);
	for (unsigned i = 0; i < n; i++)
		h->subp[i] = h->sub[i];
	h->subp[n] = NULL;
	debian = (!fs_stat_in_root(rootfd, "/lib/x86_64-linux-gnu", &st) && S_ISDIR(st.st_mode)) ||
		 (!fs_stat_in_root(rootfd, "/usr/lib/x86_64-linux-gnu", &st) && S_ISDIR(st.st_mode));
	env->sysdirs = debian ? multiarch : upstream;
	env->lib = debian ? "lib/x86_64-linux-gnu" : "lib64";
	env->platform = h->cpu.platform;
	env->subdirs = h->subp;
	env->cache = h->cache;
	env->query = &h->query;
	env->ei_class = ELFCLASS64;
	env->machine = EM_X86_64;
}

void resolve_host_free(struct resolve_host *h)
{
	ldcache__free(h->cache);
	h->cache = NULL;
	free(h->musl_path);
	h->musl_path = NULL;
}
