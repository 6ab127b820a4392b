// SPDX-License-Identifier: MIT
/* overlays: overlayfs mounts from the mount table, and the filesystem their layers lie on */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fsinfo.h"
#include "overlays.h"

struct ovl {
	uint64_t id;
	uint32_t dev;		/* the overlay's kernel dev_t */
	int err;		/* 0: real is its layers' filesystem; else -EXDEV */
	dev_t real;
	int seen;		/* in the latest scan */
};

struct overlays {
	struct ovl m[OVERLAYS_MAX];
	unsigned n;
	const char *mountinfo;
};

struct overlays *overlays_new(const char *mountinfo)
{
	struct overlays *o = calloc(1, sizeof(*o));

	if (o)
		o->mountinfo = mountinfo ? mountinfo : "/proc/self/mountinfo";
	return o;
}

void overlays_free(struct overlays *o)
{
	free(o);
}

/* one layer directory (escaped as mountinfo writes it): its filesystem must be `*real` */
static int layer_dev(char *dir, dev_t *real, bool *first)
{
	struct stat st;

	/* "\:" is a ':' of the name; mountinfo's own \ooo escapes come next */
	for (char *r = dir, *w = dir;; r++) {
		if (r[0] == '\\' && r[1] == ':')
			r++;
		if (!(*w++ = *r))
			break;
	}
	fs_unescape(dir);
	if (!dir[0] || stat(dir, &st) || !S_ISDIR(st.st_mode))
		return -EXDEV;
	if (*first) {
		*real = st.st_dev;
		*first = false;
	}
	return st.st_dev == *real ? 0 : -EXDEV;
}

int overlays_layers_dev(const char *super, dev_t *real)
{
	char *opts = strdup(super), *save = NULL, *opt;
	bool first = true;
	int err = 0, layers = 0;

	if (!opts)
		return -ENOMEM;
	for (opt = strtok_r(opts, ",", &save); opt && !err; opt = strtok_r(NULL, ",", &save)) {
		char *v = NULL;

		if (!strcmp(opt, "xino=on"))
			err = -EXDEV;	/* st_ino carries the layer's number in its high bits */
		else if (!strncmp(opt, "upperdir=", 9))
			v = opt + 9;
		else if (!strncmp(opt, "lowerdir=", 9))
			v = opt + 9;
		else if (!strncmp(opt, "lowerdir+=", 10) || !strncmp(opt, "datadir+=", 9))
			v = strchr(opt, '=') + 1;
		if (!v)
			continue;
		/* lowerdir is ':'-separated, a literal ':' written "\:" */
		for (char *d = v, *e; d && !err; d = e) {
			for (e = d; *e && !(*e == ':' && (e == d || e[-1] != '\\')); e++)
				;
			if (*e)
				*e++ = '\0';
			else
				e = NULL;
			err = layer_dev(d, real, &first);
			layers++;
		}
	}
	free(opts);
	return err ? err : layers ? 0 : -EXDEV;
}

struct scan {
	struct overlays *o;
	void (*fn)(void *ctx, const char *point, uint64_t id);
	void *ctx;
};

static int scan_line(void *ctx, const struct mount_line *m)
{
	struct scan *sc = ctx;
	struct overlays *o = sc->o;
	struct ovl *v = NULL;

	if (strcmp(m->fstype, "overlay"))
		return 0;
	for (unsigned i = 0; i < o->n; i++)
		if (o->m[i].id == m->id && o->m[i].dev == m->dev) {
			o->m[i].seen = 1;
			return 0;
		}
	if (o->n == OVERLAYS_MAX)
		return 0;	/* full: it is not watched, its files are keyed by the overlay's inode */
	v = &o->m[o->n++];
	memset(v, 0, sizeof(*v));
	v->id = m->id;
	v->dev = m->dev;
	v->seen = 1;
	v->err = overlays_layers_dev(m->super, &v->real);
	if (sc->fn)
		sc->fn(sc->ctx, m->point, m->id);
	return 0;
}

int overlays_scan(struct overlays *o, void (*fn)(void *ctx, const char *point, uint64_t id),
		  void *ctx)
{
	struct scan sc = { o, fn, ctx };
	unsigned i, k;
	int err;

	for (i = 0; i < o->n; i++)
		o->m[i].seen = 0;
	err = fs_mountinfo_each(o->mountinfo, scan_line, &sc);
	if (err)
		return err;
	for (i = k = 0; i < o->n; i++)
		if (o->m[i].seen)
			o->m[k++] = o->m[i];
	o->n = k;
	return 0;
}

int overlays_present(const struct overlays *o, uint64_t id)
{
	for (unsigned i = 0; i < o->n; i++)
		if (o->m[i].id == id)
			return 1;
	return 0;
}

int overlays_real_dev(const struct overlays *o, uint32_t dev, dev_t *real)
{
	for (unsigned i = 0; i < o->n; i++)
		if (o->m[i].dev == dev) {
			if (o->m[i].err)
				return o->m[i].err;
			*real = o->m[i].real;
			return 0;
		}
	return -ENOENT;
}
