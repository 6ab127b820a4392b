// SPDX-License-Identifier: MIT
/* gotool: the Go toolchain's own failures: a missing GOROOT, a failed cgo link */
#include "corr_internal.h"

/*
 * The go command could not use its GOROOT:
 *   "go: cannot find GOROOT directory: X" (exit 2), or
 *   "...: package P is not in GOROOT (X/src/P)" (exit 1).
 * Which path is missing or of the wrong type comes from its stat calls.
 */
void on_goroot_line(struct corr *c, struct proc *p, const char *line, size_t len,
			   uint64_t ts)
{
	static const char nf[] = "go: cannot find GOROOT directory: ";
	static const char pk[] = " is not in GOROOT (";
	static const char gp[] = " (from $GOROOT)";
	const char *s, *end = line + len, *envroot = env_get(p, "GOROOT");
	const struct attempt *a;
	struct pending *pd;
	char *root = NULL, *missing = NULL, own[4096] = "";
	int code;

	(void)c;
	if ((s = find_bytes(line, len, nf, sizeof(nf) - 1))) {
		root = strndup(s + sizeof(nf) - 1, end - (s + sizeof(nf) - 1));
		code = 2;
	} else if ((s = find_bytes(line, len, gp, sizeof(gp) - 1))) {
		/* GOPATH mode lists where it looked: "\tGOROOT/src/fmt (from $GOROOT)" */
		const char *q = line, *src;

		while (q < s && (*q == ' ' || *q == '\t'))
			q++;
		missing = strndup(q, s - q);
		src = missing ? strstr(missing, "/src/") : NULL;
		if (!src) {
			free(missing);
			return;
		}
		root = strndup(missing, src - missing);
		code = 1;
	} else if ((s = find_bytes(line, len, pk, sizeof(pk) - 1))) {
		const char *q = s + sizeof(pk) - 1, *r = memchr(q, ')', end - q), *src;

		if (!r)
			return;
		missing = strndup(q, r - q);
		src = missing ? strstr(missing, "/src/") : NULL;
		if (!src) {
			free(missing);
			return;
		}
		root = strndup(missing, src - missing);
		code = 1;
	} else {
		return;
	}
	pd = root ? pending_new(p, line, len, ts) : NULL;
	if (!pd) {
		free(root);
		free(missing);
		return;
	}
	pd->confirm_code = code;
	pd->v.kind = LW_K_GOROOT_BROKEN;
	pd->v.object = root;
	if (envroot && !strcmp(envroot, root))
		pd->v.variable = xprintf("GOROOT=%s", envroot);
	if (p->exe && realpath(p->exe, own)) {
		/* the go binary's own installation: GOROOT/bin/go */
		for (int i = 0; i < 2 && strrchr(own, '/'); i++)
			*strrchr(own, '/') = '\0';
	}
	pd->n_att = att_under(p, root, &pd->att);
	a = att_last(p, root);
	if (a && a->err) {
		pd->v.cause = LW_C_MISSING;
		pd->v.err = a->err;
	} else if (a && a->mode && !S_ISDIR(a->mode)) {
		pd->v.cause = LW_C_NOT_A_DIRECTORY;
		pd->v.err = ENOTDIR;
	} else {
		char src[4096];

		snprintf(src, sizeof(src), "%s/src", root);
		a = att_last(p, src);
		pd->v.cause = a && !a->err && a->mode && !S_ISDIR(a->mode) ?
			      LW_C_SRC_NOT_A_DIRECTORY : LW_C_NO_SRC;
		pd->v.err = a && a->err ? a->err : missing ? ENOENT : 0;
	}
	pd->v.hint = xprintf("GOROOT %s (%s) %s: %s%s%s", root,
			   pd->v.variable ? "from the environment" : "from the go binary's location",
			   pd->v.cause == LW_C_MISSING ? "does not exist" :
			   pd->v.cause == LW_C_NOT_A_DIRECTORY ? "is not a directory" :
			   pd->v.cause == LW_C_SRC_NOT_A_DIRECTORY ? "has a src that is not a directory" :
			   "has no usable src/ (not a Go installation, or a copy with dangling links)",
			   pd->v.variable ? "unset GOROOT" : "reinstall Go or set GOROOT",
			   own[0] ? " so that go uses its own installation, " : "",
			   own[0] ? own : "");
	free(missing);
}

/* a lookup of libNAME.so or libNAME.a (names[0], names[1]) in any directory */
static bool is_lib_or_archive(const struct attempt *a, const void *arg)
{
	const char *const *names = arg;
	const char *b = base_name(a->path);

	return !strcmp(b, names[0]) || !strcmp(b, names[1]);
}

/* the C linker: "ld: cannot find -lNAME: No such file or directory", exit 1; at: NAME */
void on_link_line(struct corr *c, struct proc *p, const char *line, size_t len,
			 const char *at, uint64_t ts)
{
	const char *n = at, *end = line + len;
	size_t k = 0;
	struct pending *pd;
	char so[300], ar[300];

	while (n + k < end && n[k] != ':' && n[k] != ' ')
		k++;
	if (!k || k > 255 || !(pd = pending_new(p, line, len, ts)))
		return;
	pd->confirm_code = 1;
	pd->v.kind = LW_K_LINK_LIBRARY_NOT_FOUND;
	pd->v.object = xprintf("-l%.*s", (int)k, n);
	pd->v.err = ENOENT;
	snprintf(so, sizeof(so), "lib%.*s.so", (int)k, n);
	snprintf(ar, sizeof(ar), "lib%.*s.a", (int)k, n);
	{
		const char *names[2] = { so, ar };

		pd->n_att = att_select(p, is_lib_or_archive, names, 0, &pd->att);
	}
	pd->v.hint = xprintf("the C linker found neither %s nor %s in its search path (-L "
			   "directories, then the default ones): install the package that "
			   "provides it (usually a -dev package), or fix -L in #cgo LDFLAGS%s",
			   so, ar, go_of(c, p) ?
			   "; a Go program that needs no C can build with CGO_ENABLED=0" : "");
}
