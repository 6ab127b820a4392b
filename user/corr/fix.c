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
#include "resolve.h"

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
	pd->v.fix = libfind_remedy(w->root, name, cls, mach, skip, n_skip);
}

/*
 * the needer's own DT_RPATH/DT_RUNPATH entries that could not have held the
 * library, as the resolver expands them in the process's root: a relative
 * entry (searched from the working directory), an expanded directory that
 * does not exist ("RUNPATH $ORIGIN/../lib = /srv/app/lib does not exist").
 * Appended to the hint; the fix when nothing else is known. The loader's
 * own search is what the attempts show; this names the entry behind it.
 */
void fix_search_notes(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		      const char *name)
{
	struct resolve_object obj;
	struct resolve_env env;
	struct resolve_host *host;
	struct resolve_name rn = { 0 };
	char notes[LIBFIND_NOTES_MAX] = "", fixes[LIBFIND_NOTES_MAX] = "";

	if (!pd->v.needed_by || w->root < 0 || strchr(name, '/') ||
	    inspect(w, pd->v.needed_by, &c->elf) || c->elf.kind != ELF_KIND_ELF ||
	    !(c->elf.dyn & (ELF_DYN_RPATH | ELF_DYN_RUNPATH)) || !(host = calloc(1, sizeof(*host))))
		return;
	resolve_env_host(&env, host, w->root, 0);
	env.ld_library_path = env_get(p, "LD_LIBRARY_PATH");
	obj = (struct resolve_object){ &c->elf, pd->v.needed_by };
	/* as its own main: the executable's RPATH, tried after the needer's, is not its entry */
	if (resolve__name(w->root, &obj, NULL, 0, &obj, &env, name, &rn))
		goto out;
	libfind_search_notes(w->root, &rn, p->cwd, name, notes, sizeof(notes), fixes, sizeof(fixes));
	if (notes[0]) {
		char *hint = xprintf("%s; in its search, %s", pd->v.hint ? pd->v.hint : name, notes);

		if (hint) {
			free(pd->v.hint);
			pd->v.hint = hint;
		}
		if (!pd->v.fix)
			pd->v.fix = strdup(fixes);
	}
	resolve_name_free(&rn);
out:
	resolve_host_free(host);
	free(host);
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
	for (const char *e = llp; *e; e += strcspn(e, LLP_SEPS), e += !!*e) {
		size_t n = strcspn(e, LLP_SEPS);

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
