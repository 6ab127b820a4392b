// SPDX-License-Identifier: MIT
/*
 * resolve_musl: musl's search for a DT_NEEDED, mirrored inside a root (see
 * resolve.h, resolve_env_musl). The reference is musl 1.2 ldso/dynlink.c:
 * load_library, path_open, fixup_rpath. Files are only opened inside the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsinfo.h"
#include "ldcache.h"
#include "resolve.h"
#include "resolve_internal.h"
#include "sbuf.h"
#include "util.h"

#define MUSL_PATH_MAX	(64u << 10)	/* bytes of an ld-musl-ARCH.path taken */
#define MUSL_NAME_MAX	255		/* NAME_MAX: a longer name is not searched */

bool resolve_interp_is_musl(const char *interp)
{
	const char *b = strrchr(interp, '/');

	return !strncmp(b ? b + 1 : interp, "ld-musl-", 8);
}

void resolve_musl_verdict(struct resolve_cand *cd)
{
	/* map_library takes the first file opened: no class check, ENOEXEC */
	if (cd->result == RESOLVE_WRONG_CLASS || cd->result == RESOLVE_WRONG_MACHINE ||
	    (cd->result == RESOLVE_BAD_FILE && cd->why && strcmp(cd->why, "cannot read file data"))) {
		cd->result = RESOLVE_BAD_FILE;
		cd->why = "Exec format error";
	}
}

/* the name is the implementation itself: lib + c. pthread. rt. m. dl. util. xnet. */
static bool reserved(const char *name)
{
	static const char *const r[] = { "c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet." };

	if (strncmp(name, "lib", 3))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (!strncmp(name + 3, r[i], strlen(r[i])))
			return true;
	return false;
}

/*
 * path_open: each element of s (split at ':' and '\n'), tried as
 * "ELEMENT/NAME". 1 found, 0 not here, -1 the load fails (a file musl cannot
 * map), -2 an errno other than ENOENT, ENOTDIR, EACCES, ENAMETOOLONG: the
 * search ends there
 */
static int path_open(struct ctx *c, const char *s, int from, uint16_t owner)
{
	struct sbuf b, e, d;
	int ret = 0;

	sbuf_init(&b);
	sbuf_init(&e);
	sbuf_init(&d);
	for (;;) {
		struct resolve_cand *cd;
		size_t l;

		s += strspn(s, ":\n");
		l = strcspn(s, ":\n");
		if (!l)
			break;
		sbuf_reset(&b);
		sbuf_reset(&e);
		sbuf_reset(&d);
		sbuf_printf(&e, "%.*s", (int)l, s);
		sbuf_printf(&d, "%.*s/", (int)l, s);
		sbuf_printf(&b, "%.*s/%s", (int)l, s, c->name);
		s += l;
		cd = b.err || e.err || d.err ? NULL :
		     resolve_add_cand(c, from, owner, sbuf_str(&e), sbuf_str(&d), "", sbuf_str(&b));
		if (!cd) {
			ret = c->out->flags & RESOLVE_F_TRUNCATED ? 0 : -1;
			break;
		}
		resolve_check(c, cd);
		resolve_musl_verdict(cd);
		if (cd->result == RESOLVE_FOUND) {
			ret = 1;
			break;
		}
		if (resolve_fatal(cd)) {
			ret = -1;
			break;
		}
		if (cd->result == RESOLVE_ERROR && cd->err != ENAMETOOLONG) {
			cd->result = RESOLVE_STOP;
			ret = -2;
			break;
		}
	}
	sbuf_free(&b);
	sbuf_free(&e);
	sbuf_free(&d);
	return ret;
}

/*
 * fixup_rpath: DT_RUNPATH, else DT_RPATH, with $ORIGIN and ${ORIGIN}
 * replaced by the object's directory. NULL (not searched) when there is
 * none, when another $ appears, or for a relative origin in secure mode.
 */
static char *musl_rpath(const struct resolve_object *o, const struct resolve_env *env)
{
	const char *rp, *t;
	char *origin, *out;
	struct sbuf b;

	if (!o || !o->info)
		return NULL;
	rp = (o->info->dyn & ELF_DYN_RUNPATH) ? o->info->runpath :
	     (o->info->dyn & ELF_DYN_RPATH) ? o->info->rpath : NULL;
	if (!rp)
		return NULL;
	if (!strchr(rp, '$'))
		return strdup(rp);
	for (t = rp; (t = strchr(t, '$')); t++)
		if (strncmp(t, "$ORIGIN", 7) && strncmp(t, "${ORIGIN}", 9))
			return NULL;
	/* the directory part of the path it was loaded by, "." without one */
	t = o->path ? strrchr(o->path, '/') : NULL;
	origin = !o->path ? NULL : t ? strndup(o->path, (size_t)(t - o->path)) : strdup(".");
	if (!origin || (env->secure && origin[0] != '/')) {
		free(origin);
		return NULL;
	}
	sbuf_init(&b);
	for (t = rp; *t;) {
		size_t skip = !strncmp(t, "$ORIGIN", 7) ? 7 : !strncmp(t, "${ORIGIN}", 9) ? 9 : 0;

		if (skip) {
			sbuf_puts(&b, origin);
			t += skip;
		} else {
			sbuf_putc(&b, *t++);
		}
	}
	out = b.err ? NULL : strdup(sbuf_str(&b));
	sbuf_free(&b);
	free(origin);
	return out;
}

int resolve_musl_search(struct ctx *c, const struct resolve_object *obj,
			const struct resolve_object *loaders, unsigned n_loaders)
{
	const struct resolve_env *env = c->env;
	int ret = 0;

	if (reserved(c->name)) {
		struct resolve_cand *cd = resolve_add_cand(c, RESOLVE_FROM_SELF, 0, env->musl_ldso, "",
							   "", env->musl_ldso);

		if (!cd)
			return -1;
		resolve_check(c, cd);
		return cd->result == RESOLVE_FOUND ? 1 : 0;
	}
	if (strlen(c->name) > MUSL_NAME_MAX)
		return 0;
	if (!env->secure && env->ld_library_path)
		ret = path_open(c, env->ld_library_path, RESOLVE_FROM_LD_LIBRARY_PATH, 0);
	/* the object's, then up the chain of the objects that loaded it */
	for (unsigned i = 0; !ret && i <= n_loaders; i++) {
		const struct resolve_object *o = i ? &loaders[i - 1] : obj;
		char *rp = musl_rpath(o, env);

		if (rp)
			ret = path_open(c, rp, (o->info->dyn & ELF_DYN_RUNPATH) ? RESOLVE_FROM_RUNPATH :
					RESOLVE_FROM_RPATH, (uint16_t)i);
		free(rp);
	}
	if (!ret)
		ret = path_open(c, env->musl_path, RESOLVE_FROM_DEFAULT, 0);
	return ret == -2 ? 0 : ret;
}

void resolve_env_musl(struct resolve_env *env, struct resolve_host *h, int rootfd, const char *interp)
{
	const char *s, *t = interp, *z = interp;
	char path[4096];
	size_t prefix = 0;
	int fd;

	resolve_env_host(env, h, rootfd, 0);
	/* musl has no cache: glibc's, read by resolve_env_host, is not kept */
	ldcache__free(h->cache);
	h->cache = NULL;
	env->cache = NULL;
	env->subdirs = NULL;
	env->musl_ldso = interp;
	/* the prefix is the loader's path less its last two components */
	if (interp[0] == '/') {
		for (s = interp; *s; s++)
			if (*s == '/')
				z = t, t = s;
		prefix = (size_t)(z - interp);
	}
	snprintf(path, sizeof(path), "%.*s/etc/ld-musl-x86_64.path", (int)prefix, interp);
	fd = fs_open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK);
	if (fd >= 0) {
		struct stat st;
		ssize_t n = 0;

		if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
		    (h->musl_path = calloc(1, (size_t)(st.st_size < MUSL_PATH_MAX ? st.st_size : MUSL_PATH_MAX) + 1)))
			n = read(fd, h->musl_path, st.st_size < MUSL_PATH_MAX ? (size_t)st.st_size : MUSL_PATH_MAX);
		if (n < 0 && h->musl_path)
			h->musl_path[0] = '\0';	/* unreadable: musl searches nothing */
		close(fd);
		env->musl_path = h->musl_path ? h->musl_path : "";
	} else {
		env->musl_path = fd == -ENOENT ? "/lib:/usr/local/lib:/usr/lib" : "";
	}
}
