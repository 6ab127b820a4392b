// SPDX-License-Identifier: MIT
/* searchpath: a search list's elements expanded as ld.so expands them (see searchpath.h).
 * glibc 2.36 elf/dl-load.c: is_dst, _dl_dst_substitute, is_trusted_path_normalize,
 * fillin_rpath; elf/dl-object.c for l_origin.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "sbuf.h"
#include "searchpath.h"

/* dl-load.c is_dst: the length of DST ref at in (after '$'), braces included, or 0 */
static size_t is_dst(const char *in, const char *ref)
{
	bool curly = in[0] == '{';
	size_t n = strlen(ref);
	char c;

	if (curly)
		in++;
	if (strncmp(in, ref, n))
		return 0;
	c = in[n];
	if (curly ? c != '}' : (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			       (c >= '0' && c <= '9') || c == '_')
		return 0;
	return curly ? n + 2 : n;
}

bool searchpath_has_dst(const char *s)
{
	for (s = strchr(s, '$'); s; s = strchr(s + 1, '$'))
		if (is_dst(s + 1, "ORIGIN") || is_dst(s + 1, "PLATFORM") || is_dst(s + 1, "LIB"))
			return true;
	return false;
}

/* is_trusted_path_normalize: "/./", "//" and "/../" folded, then a system dir prefix */
static bool trusted(const char *p, const struct resolve_env *env)
{
	size_t len = strlen(p), w = 0;
	char *n = malloc(len + 2);
	bool ok = false;

	if (!n || !len)
		goto out;
	while (*p) {
		if (p[0] == '/') {
			if (p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3])) {
				while (w > 0 && n[--w] != '/')
					;
				p += 3;
				continue;
			}
			if (p[1] == '.' && (p[2] == '/' || !p[2])) {
				p += 2;
				continue;
			}
			if (w > 0 && n[w - 1] == '/') {
				p++;
				continue;
			}
		}
		n[w++] = *p++;
	}
	if (!w || n[w - 1] != '/')
		n[w++] = '/';
	for (const char *const *d = env->sysdirs; d && *d && !ok; d++)
		ok = w >= strlen(*d) && !memcmp(n, *d, strlen(*d));
out:
	free(n);
	return ok;
}

/*
 * _dl_dst_substitute into b: false when the element is to be dropped (a
 * DST without a value, $ORIGIN not leading in secure mode, an untrusted
 * $ORIGIN path of the secure executable)
 */
bool searchpath_expand(struct sbuf *b, const char *in, const char *origin, bool is_exec,
		       const struct resolve_env *env)
{
	const char *start = in;
	bool check_trusted = false;

	sbuf_reset(b);
	while (*in) {
		const char *repl = NULL;
		bool known = true;
		size_t len;

		if (*in != '$') {
			sbuf_putc(b, *in++);
			continue;
		}
		if ((len = is_dst(in + 1, "ORIGIN"))) {
			if (!env->secure || (in == start && (!in[1 + len] || in[1 + len] == '/')))
				repl = origin;
			check_trusted = env->secure && is_exec;
		} else if ((len = is_dst(in + 1, "PLATFORM"))) {
			repl = env->platform;
		} else if ((len = is_dst(in + 1, "LIB"))) {
			repl = env->lib;
		} else {
			known = false;
		}
		if (repl) {
			sbuf_puts(b, repl);
			in += 1 + len;
		} else if (known) {
			return false;
		} else {
			sbuf_putc(b, *in++);
		}
	}
	if (b->err)
		return false;
	return !check_trusted || trusted(sbuf_str(b), env);
}

/* dl-object.c: the directory of path, made absolute with cwd; NULL when unknown */
char *searchpath_origin(const char *path, const char *cwd)
{
	struct sbuf b;
	char *o, *slash;

	if (!path || !*path || (path[0] != '/' && !cwd))
		return NULL;
	sbuf_init(&b);
	if (path[0] != '/') {
		sbuf_puts(&b, cwd);
		if (!b.len || b.p[b.len - 1] != '/')
			sbuf_putc(&b, '/');
	}
	sbuf_puts(&b, path);
	o = b.err ? NULL : strdup(sbuf_str(&b));
	sbuf_free(&b);
	if (!o)
		return NULL;
	slash = strrchr(o, '/');
	slash[slash == o] = '\0';	/* keep the slash of "/foo" */
	return o;
}

void searchpath_free(struct searchpath *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		free(l->d[i].entry);
		free(l->d[i].dir);
	}
	free(l->d);
	l->d = NULL;
	l->n = 0;
}

/*
 * fillin_rpath: split s at any of seps; an empty element is the working
 * directory; trailing slashes fold to one; a repeat within the list is
 * dropped. 0 or -ENOMEM.
 */
int searchpath_split(const char *s, const char *seps, const char *origin, bool is_exec,
		     const struct resolve_env *env, struct searchpath *l)
{
	struct sbuf b;
	int err = 0;

	memset(l, 0, sizeof(*l));
	sbuf_init(&b);
	for (const char *p = s;; p++) {
		size_t n = strcspn(p, seps), len;
		char *entry = strndup(p, n), *dir = NULL;
		bool dup = false;

		if (!entry) {
			err = -ENOMEM;
			break;
		}
		if (n && !searchpath_expand(&b, entry, origin, is_exec, env)) {
			free(entry);
			if (b.err) {
				err = -ENOMEM;
				break;
			}
			goto next;
		}
		len = n ? b.len : 0;
		while (len > 1 && b.p[len - 1] == '/')
			len--;
		if (!len) {
			free(entry);	/* a DST that expanded to nothing */
			if (n)
				goto next;
			entry = strdup("");
		}
		dir = malloc(len + 2);
		if (!dir || !entry) {
			free(dir);
			free(entry);
			err = -ENOMEM;
			break;
		}
		memcpy(dir, n ? b.p : "", len);
		if (len && dir[len - 1] != '/')
			dir[len++] = '/';
		dir[len] = '\0';
		for (unsigned i = 0; i < l->n && !dup; i++)
			dup = !strcmp(l->d[i].dir, dir);
		if (!dup) {
			struct searchpath_dir *d = realloc(l->d, (l->n + 1) * sizeof(*d));

			if (!d) {
				free(dir);
				free(entry);
				err = -ENOMEM;
				break;
			}
			l->d = d;
			l->d[l->n].entry = entry;
			l->d[l->n++].dir = dir;
		} else {
			free(dir);
			free(entry);
		}
next:
		p += n;
		if (!*p)
			break;
	}
	sbuf_free(&b);
	if (err)
		searchpath_free(l);
	return err;
}


int searchpath_dirs(const char *const *dirs, struct searchpath *l)
{
	unsigned n = 0;

	memset(l, 0, sizeof(*l));
	while (dirs && dirs[n])
		n++;
	l->d = calloc(n ? n : 1, sizeof(*l->d));
	if (!l->d)
		return -ENOMEM;
	for (; l->n < n; l->n++) {
		l->d[l->n].entry = strdup(dirs[l->n]);
		l->d[l->n].dir = strdup(dirs[l->n]);
		if (!l->d[l->n].entry || !l->d[l->n].dir) {
			l->n++;
			searchpath_free(l);
			return -ENOMEM;
		}
	}
	return 0;
}
