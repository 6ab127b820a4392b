// SPDX-License-Identifier: MIT
/*
 * resolve_probe FILE...: what `ld.so --list FILE` would print, computed by
 * resolve.c alone (tests/resolve_vs_ldso.sh compares the two). It emulates
 * the breadth-first walk of elf/dl-deps.c: each object's DT_NEEDED in
 * order, a name already loaded (by path, by a name it was asked for, or its
 * soname) reused, a file already loaded under another name (device and
 * inode) reused, a missing one listed as "not found" every time it is met,
 * ld.so itself listed where it is first needed. One line per object:
 *   NAME => PATH | NAME => not found | PATH    (NAME is PATH)
 *   error: OBJECT: MESSAGE                     (the load fails; nothing else)
 *   statically linked                          (the main has no DT_NEEDED)
 * The environment is this process's: LD_LIBRARY_PATH (or -L's, which leaves
 * the probe's own loading alone), the working directory, not secure; the
 * root is / unless -r ROOT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include "elfinfo.h"
#include "resolve.h"

#define OBJ_MAX	1024
#define LDSO	"/lib64/ld-linux-x86-64.so.2"	/* how the script invokes ld.so (its l_name) */

struct obj {
	struct elf_info info;
	char *path;		/* l_name */
	char *names[16];	/* l_libname */
	unsigned n_names;
	bool soname_added;
	int loader;		/* l_loader, -1 for none */
	uint64_t dev, ino;
	bool faked, listed, rtld;
};

static struct obj objs[OBJ_MAX];
static unsigned n_objs;
static int order[OBJ_MAX];	/* load order, printed (main excluded) */
static unsigned n_order;

static void add_name(struct obj *o, const char *name)
{
	for (unsigned i = 0; i < o->n_names; i++)
		if (!strcmp(o->names[i], name))
			return;
	if (o->n_names < 16)
		o->names[o->n_names++] = strdup(name);
}

/* _dl_name_match_p, then the lazily added soname of _dl_map_object */
static int match(const char *name)
{
	for (unsigned i = 0; i < n_objs; i++) {
		struct obj *o = &objs[i];

		if (o->faked)
			continue;
		if (!strcmp(name, o->path))
			return (int)i;
		for (unsigned k = 0; k < o->n_names; k++)
			if (!strcmp(name, o->names[k]))
				return (int)i;
		if (!o->soname_added && o->info.soname[0] && !strcmp(name, o->info.soname)) {
			add_name(o, o->info.soname);
			o->soname_added = true;
			return (int)i;
		}
	}
	return -1;
}

/* a relative path is the working directory's, as for ld.so */
static int inspect(int rootfd, const char *path, struct elf_info *info)
{
	char full[8192];
	int fd, err;

	if (path[0] != '/' && getcwd(full, 4096)) {
		snprintf(full + strlen(full), sizeof(full) - strlen(full), "/%s", path);
		path = full;
	}
	err = elf_open_in_root(rootfd, path, &fd);

	if (err)
		return err;
	err = elf_inspect_fd(fd, 0, info);	/* libLLVM keeps its PT_DYNAMIC past 64 MiB */
	close(fd);
	return err;
}

static int new_obj(const char *path, const char *name, int loader)
{
	struct obj *o;

	if (n_objs >= OBJ_MAX)
		return -1;
	o = &objs[n_objs];
	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if (name)
		add_name(o, name);
	o->loader = loader;
	return (int)n_objs++;
}

static void list(int i)
{
	if (!objs[i].listed && n_order < OBJ_MAX) {
		objs[i].listed = true;
		order[n_order++] = i;
	}
}

static int probe(int rootfd, const char *file, const struct resolve_env *env)
{
	struct resolve_object ro[OBJ_MAX], chain[OBJ_MAX];
	int err, m, r;

	for (unsigned i = 0; i < n_objs; i++) {
		free(objs[i].path);
		for (unsigned k = 0; k < objs[i].n_names; k++)
			free(objs[i].names[k]);
	}
	n_objs = n_order = 0;
	m = new_obj(file, file, -1);
	err = inspect(rootfd, file, &objs[m].info);
	if (err || objs[m].info.kind != ELF_KIND_ELF || !(objs[m].info.flags & ELF_F_DYNAMIC) ||
	    objs[m].info.ei_class != ELFCLASS64 || objs[m].info.machine != EM_X86_64) {
		printf("\tskipped: not a dynamic x86-64 ELF\n");
		return 0;
	}
	objs[m].listed = true;
	/* rtld.c: ld.so is loaded already, named by the main's PT_INTERP */
	r = new_obj(LDSO, objs[m].info.interp[0] ? objs[m].info.interp : LDSO, -1);
	objs[r].rtld = true;
	inspect(rootfd, LDSO, &objs[r].info);
	for (unsigned q = 0; q < n_objs; q++) {
		struct obj *l = &objs[q];
		unsigned nc = 0;

		if (l->faked || l->rtld)
			continue;
		/* l_loader chain above l, for DT_RPATH inheritance */
		for (int up = l->loader; up >= 0 && nc < OBJ_MAX; up = objs[up].loader)
			chain[nc++] = (struct resolve_object){ &objs[up].info, objs[up].path };
		ro[q] = (struct resolve_object){ &l->info, l->path };
		for (unsigned k = 0; k < l->info.n_needed; k++) {
			struct resolve_object mainro = { &objs[m].info, objs[m].path };
			struct resolve_name rn;
			int hit, d;

			if (resolve__name(rootfd, &ro[q], chain, nc, &mainro, env, l->info.needed[k], &rn))
				return -ENOMEM;
			if (rn.outcome == RESOLVE_IGNORED) {
				resolve_name_free(&rn);
				continue;
			}
			hit = match(rn.expanded);
			if (hit < 0 && rn.outcome == RESOLVE_OK) {
				const struct resolve_cand *cd = &rn.cand[rn.chosen];

				for (unsigned i = 0; i < n_objs && hit < 0; i++)
					if (!objs[i].faked && !objs[i].rtld && objs[i].dev == cd->dev &&
					    objs[i].ino == cd->ino) {
						hit = (int)i;
						add_name(&objs[i], rn.expanded);
					}
			}
			if (hit >= 0) {
				list(hit);
			} else if (rn.outcome == RESOLVE_OK) {
				const struct resolve_cand *cd = &rn.cand[rn.chosen];

				d = new_obj(cd->path, rn.expanded, (int)q);
				if (d < 0)
					return -E2BIG;
				objs[d].dev = cd->dev;
				objs[d].ino = cd->ino;
				inspect(rootfd, cd->path, &objs[d].info);
				list(d);
			} else if (rn.outcome == RESOLVE_FATAL) {
				const char *who = rn.n_cand ? rn.cand[rn.n_cand - 1].path : rn.name;

				if (!strcmp(rn.why, "DST not allowed in SUID/SGID programs"))
					who = rn.name;
				printf("error: %s: %s%s%s\n", who, rn.why, rn.n_cand && rn.cand[rn.n_cand - 1].err ? ": " : "",
				       rn.n_cand && rn.cand[rn.n_cand - 1].err ? strerror(rn.cand[rn.n_cand - 1].err) : "");
				resolve_name_free(&rn);
				return 1;
			} else {
				/* trace mode fakes an entry, never matched again */
				d = new_obj(rn.expanded, rn.expanded, (int)q);
				if (d < 0)
					return -E2BIG;
				objs[d].faked = true;
				list(d);
			}
			resolve_name_free(&rn);
		}
	}
	if (!objs[m].info.n_needed)
		printf("\tstatically linked\n");	/* rtld.c, for a main without DT_NEEDED */
	for (unsigned i = 0; i < n_order; i++) {
		const struct obj *o = &objs[order[i]];

		if (o->faked)
			printf("\t%s => not found\n", o->names[0]);
		else if (!strcmp(o->names[0], o->path))
			printf("\t%s\n", o->path);
		else
			printf("\t%s => %s\n", o->names[0], o->path);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct resolve_host host;
	struct resolve_env env;
	const char *root = "/", *llp = getenv("LD_LIBRARY_PATH");
	char cwd[4096];
	int rootfd, i = 1, ret = 0;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-r"))
			root = argv[i + 1];
		else if (!strcmp(argv[i], "-L"))
			llp = argv[i + 1];
		else
			break;
	}
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: resolve_probe [-r ROOT] [-L LD_LIBRARY_PATH] FILE...\n");
		return 2;
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		perror(root);
		return 1;
	}
	resolve_env_host(&env, &host, rootfd, 0);
	env.ld_library_path = llp;
	env.cwd = getcwd(cwd, sizeof(cwd));
	for (; i < argc; i++) {
		printf("== %s\n", argv[i]);
		if (probe(rootfd, argv[i], &env) < 0)
			ret = 1;
	}
	resolve_host_free(&host);
	close(rootfd);
	return ret;
}
