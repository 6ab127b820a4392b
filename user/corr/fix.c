// SPDX-License-Identifier: MIT
/*
 * fix: what makes the loader find a library it missed, from where the library
 * really is in the process's root (libfind: ld.so.conf's directories, the
 * usual ones, /opt/<pkg>/lib) and the package that owns it
 */
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

static char *owned(const struct libfind *f, const char *s)
{
	char *out;

	if (!s || !f->owner[0])
		return s ? strdup(s) : NULL;
	out = xprintf("%s (%s is from the installed package %s)", s, f->path, f->owner);
	return out;
}

void fix_missing_library(struct corr *c, const struct where *w, struct proc *p,
			 struct pending *pd, const char *name)
{
	const char *skip[CORR_ATT_MAX];
	char entries[16][LIB_PATH_MAX];
	unsigned n_skip = 0;
	struct libfind *f;
	char *s = NULL, dir[LIB_PATH_MAX];
	uint8_t cls;
	uint16_t mach;

	if (w->root < 0 || strchr(name, '/') || !(f = malloc(sizeof(*f))))
		return;
	/* the directories the loader did search hold nothing to say */
	for (unsigned i = 0; i < pd->n_att && n_skip < ARRAY_SIZE(entries); i++) {
		search_entry(pd->att[i].path, name, entries[n_skip], sizeof(entries[0]));
		skip[n_skip] = entries[n_skip];
		n_skip++;
	}
	wanted_elf(w, c, pd, p, &cls, &mach);
	if (libfind_search(w->root, name, cls, mach, skip, n_skip, f) || f->what == LIBFIND_NONE) {
		free(f);
		return;
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
	pd->v.fix = owned(f, s);
	free(s);
	free(f);
}
