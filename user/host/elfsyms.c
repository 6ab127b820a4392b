// SPDX-License-Identifier: MIT
/*
 * elfsyms.c: what is read from an ELF file's sections, in bounded preads and
 * never the whole file: function offsets for the loader uprobes, and a Go
 * binary's module versions from its build info. Every offset and size comes
 * from the file and is checked against the file's size and the read cap.
 */
#include <errno.h>
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"
#include "util.h"



/* [off, off + n) lies inside a file of `size` bytes and n <= cap */
static bool in_file(uint64_t off, uint64_t n, uint64_t size, uint64_t cap)
{
	return n <= cap && off <= size && n <= size - off;
}

/* one symbol table and its strings, read whole (each bounded by cap) */
static int scan_symtab(int fd, const Elf64_Shdr *sh, const Elf64_Shdr *str, uint64_t size,
		       uint64_t cap, const char *const *names, unsigned n, uint64_t *vaddr)
{
	Elf64_Sym *syms = NULL;
	char *strs = NULL;
	size_t nsyms, i;
	int err = -ENOMEM;

	if (sh->sh_entsize != sizeof(Elf64_Sym) || str->sh_type != SHT_STRTAB ||
	    !in_file(sh->sh_offset, sh->sh_size, size, cap) ||
	    !in_file(str->sh_offset, str->sh_size, size, cap) || !str->sh_size)
		return -ENOEXEC;
	nsyms = sh->sh_size / sizeof(Elf64_Sym);
	syms = malloc(nsyms ? nsyms * sizeof(*syms) : 1);
	strs = malloc(str->sh_size);
	if (!syms || !strs)
		goto out;
	err = elf_pread_exact(fd, syms, nsyms * sizeof(*syms), sh->sh_offset);
	if (!err)
		err = elf_pread_exact(fd, strs, str->sh_size, str->sh_offset);
	if (err)
		goto out;
	strs[str->sh_size - 1] = '\0';	/* every name ends inside the table */
	for (i = 0; i < nsyms; i++) {
		const Elf64_Sym *sym = &syms[i];
		const char *sn;

		if (sym->st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym->st_info) != STT_FUNC ||
		    !sym->st_value || sym->st_name >= str->sh_size)
			continue;
		sn = strs + sym->st_name;
		for (unsigned k = 0; k < n; k++)
			if (!vaddr[k] && !strcmp(sn, names[k]))
				vaddr[k] = sym->st_value;	/* versioned twins share one address */
	}
out:
	free(syms);
	free(strs);
	return err;
}

/*
 * Only the headers and the symbol tables are read, never the whole file: a
 * Go binary is tens of megabytes, and this runs on the daemon's event loop.
 * ELFCLASS64 little-endian only: the loaders it probes run on this host.
 */
int elf_func_offsets(int fd, size_t cap, const char *const *names, unsigned n, uint64_t *offs)
{
	Elf64_Shdr *sh = NULL;
	Elf64_Phdr *ph = NULL;
	uint64_t vaddr[64] = { 0 }, size = 0, lim = cap ? cap : ELF_READ_CAP;
	unsigned i, hits = 0, k;
	Elf64_Ehdr eh;
	int err;

	if (n > 64)
		return -E2BIG;
	for (i = 0; i < n; i++)
		offs[i] = 0;
	err = elf_regular_size(fd, &size);
	if (err)
		return err;
	if (size < sizeof(eh) || elf_pread_exact(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_shnum || eh.e_phnum > ELF_PHNUM_MAX ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(*sh), size, lim) ||
	    !in_file(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(*ph), size, lim))
		return -ENOEXEC;
	sh = malloc(eh.e_shnum * sizeof(*sh));
	ph = malloc(eh.e_phnum ? eh.e_phnum * sizeof(*ph) : 1);
	err = -ENOMEM;
	if (!sh || !ph)
		goto out;
	err = elf_pread_exact(fd, sh, eh.e_shnum * sizeof(*sh), eh.e_shoff);
	if (!err)
		err = elf_pread_exact(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
	if (err)
		goto out;
	/* .dynsym first: what ld.so exports, then .symtab where it was not stripped */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < eh.e_shnum; i++) {
			uint32_t want = pass ? SHT_SYMTAB : SHT_DYNSYM;

			if (sh[i].sh_type == want && sh[i].sh_link < eh.e_shnum)
				scan_symtab(fd, &sh[i], &sh[sh[i].sh_link], size, lim, names, n,
					    vaddr);
		}
	/* a function's file offset: where its PF_X load segment puts it */
	for (k = 0; k < n; k++)
		for (i = 0; vaddr[k] && i < eh.e_phnum; i++) {
			if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X))
				continue;
			if (vaddr[k] >= ph[i].p_vaddr && vaddr[k] - ph[i].p_vaddr < ph[i].p_filesz) {
				offs[k] = vaddr[k] - ph[i].p_vaddr + ph[i].p_offset;
				hits++;
				break;
			}
		}
	err = hits ? 0 : -ENOENT;
out:
	free(sh);
	free(ph);
	return err;
}

#define BUILDINFO_READ	(256u << 10)	/* bytes of the data segment searched for build info */

/* a Go varint (uvarint) at b[*i] of n bytes */
static bool uvarint(const unsigned char *b, size_t n, size_t *i, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; *i < n && shift < 64; shift += 7) {
		unsigned char c = b[(*i)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

/* modinfo's lines: "mod\tPATH\tVER..." and "dep\tPATH\tVER\t..." then "=>\tPATH\tVER" */
static int module_of(const char *mi, size_t n, const char *pkg, char *out, size_t cap)
{
	size_t best = 0;
	int found = -ENOENT;

	for (const char *l = mi, *end = mi + n; l < end;) {
		const char *e = memchr(l, '\n', end - l), *t1, *t2;
		size_t len, plen;

		e = e ? e : end;
		len = e - l;
		if ((len > 4 && (!memcmp(l, "dep\t", 4) || !memcmp(l, "mod\t", 4))) &&
		    (t1 = memchr(l + 4, '\t', len - 4))) {
			plen = t1 - (l + 4);
			t2 = memchr(t1 + 1, '\t', e - (t1 + 1));
			if (plen > best && !strncmp(pkg, l + 4, plen) &&
			    (pkg[plen] == '\0' || pkg[plen] == '/')) {
				const char *r = e + 1, *re;
				int k;

				best = plen;
				k = snprintf(out, cap, "%.*s", (int)((t2 ? t2 : e) - (t1 + 1)), t1 + 1);
				/* a replacement follows on its own line */
				if (r < end && end - r > 3 && !memcmp(r, "=>\t", 3) && k >= 0 && (size_t)k < cap) {
					re = memchr(r, '\n', end - r);
					re = re ? re : end;
					snprintf(out + k, cap - k, " => %.*s", (int)(re - (r + 3)), r + 3);
					for (char *q = out + k; *q; q++)
						if (*q == '\t')
							*q = ' ';
				}
				found = 0;
			}
		}
		l = e + 1;
	}
	if (!found) {	/* "=> ../x1 (devel)": trailing blanks trimmed */
		size_t k = strlen(out);

		while (k && (out[k - 1] == ' ' || out[k - 1] == '\t'))
			out[--k] = '\0';
	}
	return found;
}

int elf_go_module_of(int fd, const char *pkg, char *out, size_t cap)
{
	static const char magic[] = "\xff Go buildinf:";
	Elf64_Phdr ph[64];
	unsigned char *buf = NULL;
	uint64_t size = 0, want = 0, off = 0;
	Elf64_Ehdr eh;
	unsigned i, nph;
	int err;

	err = elf_regular_size(fd, &size);
	if (err)
		return err;
	if (size < sizeof(eh) || elf_pread_exact(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	if (!in_file(eh.e_phoff, (uint64_t)nph * sizeof(ph[0]), size, size) ||
	    elf_pread_exact(fd, ph, nph * sizeof(ph[0]), eh.e_phoff))
		return -ENOEXEC;
	/* .go.buildinfo opens the first writable, not executable load segment */
	for (i = 0; i < nph && !want; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W) && !(ph[i].p_flags & PF_X) &&
		    in_file(ph[i].p_offset, ph[i].p_filesz, size, size)) {
			off = ph[i].p_offset;
			want = ph[i].p_filesz < BUILDINFO_READ ? ph[i].p_filesz : BUILDINFO_READ;
		}
	if (!want || !(buf = malloc(want)))
		return want ? -ENOMEM : -ENOENT;
	err = elf_pread_exact(fd, buf, want, off);
	for (size_t at = 0; !err && at + 32 <= want; at += 16) {
		uint64_t vlen, mlen;
		size_t j = at + 32;

		if (memcmp(buf + at, magic, sizeof(magic) - 1))
			continue;
		err = -ENOENT;
		/* flags bit 1: version and modinfo inline, varint-prefixed (Go 1.18+) */
		if (!(buf[at + 15] & 2) || !uvarint(buf, want, &j, &vlen) || vlen > want - j)
			break;
		j += vlen;
		if (!uvarint(buf, want, &j, &mlen) || mlen > want - j || mlen < 32)
			break;
		/* modinfo is wrapped in 16-byte sentinels */
		err = module_of((const char *)buf + j + 16, mlen - 32, pkg, out, cap);
		free(buf);
		return err;
	}
	free(buf);
	return err ? err : -ENOENT;
}

/* "2.36" < "2.38" < "2.38.1", numerically; non-digits end a number */
static int vercmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a && !(*a >= '0' && *a <= '9')) || (*b && !(*b >= '0' && *b <= '9')))
			break;
	}
	return 0;
}

#define VER_MAX		4096	/* needs, and definitions, walked per object */
#define VER_NAME_MAX	256	/* bytes of one version or file name */

#define WIN_BYTES	(16u << 10)	/* one window of the file: version records, or strings */

struct window {
	uint64_t off;
	size_t len;		/* bytes valid at off; 0: empty */
	unsigned char buf[WIN_BYTES];
};

/* the dynamic array's view of a 64-bit object: what ld.so reads, sections or not */
struct dynview {
	struct window rec, str;	/* the records walked, the strings they name: few preads */
	int fd;
	uint64_t size;
	Elf64_Phdr ph[64];	/* PT_LOADs, for addresses */
	unsigned n_load;
	uint64_t strtab, strsz;	/* file offset, bytes */
};

/*
 * up to n bytes at off through a window (a pread of WIN_BYTES when off is
 * not in it): a pointer and *got <= n, NULL at end of file or on error
 */
static const unsigned char *win_get(int fd, struct window *w, uint64_t off, size_t n, size_t *got)
{
	if (off < w->off || off - w->off >= w->len || w->len - (off - w->off) < n) {
		ssize_t r;

		do
			r = pread(fd, w->buf, sizeof(w->buf), (off_t)off);
		while (r < 0 && errno == EINTR);
		w->off = off;
		w->len = r > 0 ? (size_t)r : 0;
		if (!w->len)
			return NULL;
	}
	*got = w->len - (off - w->off) < n ? w->len - (off - w->off) : n;
	return w->buf + (off - w->off);
}

/* exactly n (<= WIN_BYTES) bytes of a record at off, or -EIO */
static int dv_rec(struct dynview *dv, void *out, size_t n, uint64_t off)
{
	size_t got = 0;
	const unsigned char *p = win_get(dv->fd, &dv->rec, off, n, &got);

	if (!p || got < n)
		return -EIO;
	memcpy(out, p, n);
	return 0;
}

static bool dv_off(const struct dynview *dv, uint64_t addr, uint64_t *off)
{
	for (unsigned i = 0; i < dv->n_load; i++) {
		const Elf64_Phdr *p = &dv->ph[i];

		if (addr >= p->p_vaddr && addr - p->p_vaddr < p->p_filesz) {
			*off = p->p_offset + (addr - p->p_vaddr);
			return *off < dv->size;
		}
	}
	return false;
}

/* a NUL-ended string of the dynamic string table, strdup'd; NULL when bad */
static char *dv_str(struct dynview *dv, uint64_t o, uint32_t *flags)
{
	size_t n = VER_NAME_MAX, got = 0;
	const unsigned char *p;

	if (o >= dv->strsz || dv->strtab + o >= dv->size) {
		*flags |= ELF_VER_F_MALFORMED;
		return NULL;
	}
	if (n > dv->strsz - o)
		n = dv->strsz - o;
	p = win_get(dv->fd, &dv->str, dv->strtab + o, n, &got);
	if (!p || !memchr(p, 0, got)) {
		*flags |= p && got == VER_NAME_MAX ? ELF_VER_F_TRUNCATED : ELF_VER_F_MALFORMED;
		return NULL;
	}
	return strdup((const char *)p);
}

static int ver_add_need(struct elf_versions *v, char *file, char *name, int weak)
{
	struct elf_ver_need *n;

	if (!file || !name) {
		free(file);
		free(name);
		return 0;	/* flagged by dv_str, or out of memory: the entry is left out */
	}
	n = realloc(v->need, (v->n_need + 1) * sizeof(*n));
	if (!n) {
		free(file);
		free(name);
		return -ENOMEM;
	}
	v->need = n;
	v->need[v->n_need++] = (struct elf_ver_need){ file, name, weak };
	return 0;
}

/* DT_VERNEED: each file's entry, then its versions (glibc's _dl_check_map_versions order) */
static int read_verneed(struct dynview *dv, uint64_t addr, uint64_t num,
			struct elf_versions *v)
{
	uint64_t off;

	if (!dv_off(dv, addr, &off))
		goto bad;
	for (uint64_t i = 0; i < num && i < VER_MAX; i++) {
		Elf64_Verneed vn;
		uint64_t aoff;

		if (dv_rec(dv, &vn, sizeof(vn), off) || vn.vn_version != 1)
			goto bad;
		aoff = off + vn.vn_aux;
		for (unsigned k = 0; k < vn.vn_cnt && v->n_need < VER_MAX; k++) {
			Elf64_Vernaux a;
			char *file;

			if (dv_rec(dv, &a, sizeof(a), aoff))
				goto bad;
			file = dv_str(dv, vn.vn_file, &v->flags);
			if (ver_add_need(v, file, dv_str(dv, a.vna_name, &v->flags),
					 !!(a.vna_flags & VER_FLG_WEAK)))
				return -ENOMEM;
			if (!a.vna_next)
				break;
			aoff += a.vna_next;
		}
		if (!vn.vn_next)
			return 0;
		off += vn.vn_next;
	}
	return 0;
bad:
	v->flags |= ELF_VER_F_MALFORMED;
	return 0;
}

/* DT_VERDEF: every definition's name but the base one (the soname) */
static int read_verdef(struct dynview *dv, uint64_t addr, uint64_t num,
		       struct elf_versions *v)
{
	uint64_t off;

	v->flags |= ELF_VER_F_HAS_DEF;
	if (!dv_off(dv, addr, &off))
		goto bad;
	for (uint64_t i = 0; i < num && i < VER_MAX; i++) {
		Elf64_Verdef vd;
		Elf64_Verdaux a;

		if (dv_rec(dv, &vd, sizeof(vd), off) || vd.vd_version != 1)
			goto bad;
		if (!(vd.vd_flags & VER_FLG_BASE) && vd.vd_cnt &&
		    !dv_rec(dv, &a, sizeof(a), off + vd.vd_aux)) {
			char *name = dv_str(dv, a.vda_name, &v->flags), **d;

			d = name ? realloc(v->def, (v->n_def + 1) * sizeof(*d)) : NULL;
			if (name && !d) {
				free(name);
				return -ENOMEM;
			}
			if (d) {
				v->def = d;
				v->def[v->n_def++] = name;
			}
		}
		if (!vd.vd_next)
			return 0;
		off += vd.vd_next;
	}
	return 0;
bad:
	v->flags |= ELF_VER_F_MALFORMED;
	return 0;
}

int elf_versions_read(int fd, struct elf_versions *v)
{
	uint64_t need = 0, nneed = 0, def = 0, ndef = 0, strtab = 0, dynoff = 0, dynsz = 0;
	struct dynview dv = { .fd = fd, .strsz = UINT64_MAX };
	bool have_need = false, have_def = false;
	Elf64_Dyn dyn[256];
	Elf64_Ehdr eh;
	int err;

	memset(v, 0, sizeof(*v));
	err = elf_regular_size(fd, &dv.size);
	if (err)
		return err;
	if (dv.size < sizeof(eh) || elf_pread_exact(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return -ENOTSUP;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > ELF_PHNUM_MAX)
		return -ENOEXEC;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (dv_rec(&dv, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)))
			return -ENOEXEC;
		if (ph.p_type == PT_LOAD && dv.n_load < ARRAY_SIZE(dv.ph))
			dv.ph[dv.n_load++] = ph;
		else if (ph.p_type == PT_DYNAMIC)	/* ld.so keeps the last */
			dynoff = ph.p_offset, dynsz = ph.p_filesz;
	}
	/* the tags are read in chunks up to DT_NULL; the last of a tag wins */
	for (uint64_t at = 0; at < dynsz && at < VER_MAX * sizeof(dyn[0]); at += sizeof(dyn)) {
		size_t n = dynsz - at < sizeof(dyn) ? (size_t)(dynsz - at) / sizeof(dyn[0]) : ARRAY_SIZE(dyn);
		bool ended = false;

		if (!n || elf_pread_exact(fd, dyn, n * sizeof(dyn[0]), dynoff + at))
			break;
		for (size_t i = 0; i < n && !ended; i++) {
			switch (dyn[i].d_tag) {
			case DT_NULL: ended = true; break;
			case DT_STRTAB: strtab = dyn[i].d_un.d_ptr; break;
			case DT_STRSZ: dv.strsz = dyn[i].d_un.d_val; break;
			case DT_VERNEED: need = dyn[i].d_un.d_ptr; have_need = true; break;
			case DT_VERNEEDNUM: nneed = dyn[i].d_un.d_val; break;
			case DT_VERDEF: def = dyn[i].d_un.d_ptr; have_def = true; break;
			case DT_VERDEFNUM: ndef = dyn[i].d_un.d_val; break;
			}
		}
		if (ended)
			break;
	}
	if (!have_need && !have_def)
		return 0;
	if (!strtab || !dv_off(&dv, strtab, &dv.strtab)) {
		v->flags |= ELF_VER_F_MALFORMED;
		return 0;
	}
	err = have_need ? read_verneed(&dv, need, nneed, v) : 0;
	if (!err && have_def)
		err = read_verdef(&dv, def, ndef, v);
	if (err)
		elf_versions_free(v);
	return err;
}

void elf_versions_free(struct elf_versions *v)
{
	for (unsigned i = 0; i < v->n_need; i++) {
		free(v->need[i].file);
		free(v->need[i].name);
	}
	for (unsigned i = 0; i < v->n_def; i++)
		free(v->def[i]);
	free(v->need);
	free(v->def);
	memset(v, 0, sizeof(*v));
}

int elf_versions_defines(const struct elf_versions *v, const char *name)
{
	for (unsigned i = 0; i < v->n_def; i++)
		if (!strcmp(v->def[i], name))
			return 1;
	return 0;
}

const char *elf_versions_max(const struct elf_versions *v, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *best = NULL;

	for (unsigned i = 0; i < v->n_def; i++) {
		const char *d = v->def[i];

		if (!strncmp(d, prefix, plen) && d[plen] >= '0' && d[plen] <= '9' &&
		    (!best || vercmp(d + plen, best + plen) > 0))
			best = d;
	}
	return best;
}

int elf_verdef_max(int fd, const char *prefix, char *out, size_t cap)
{
	struct elf_versions v;
	const char *best;
	int err;

	out[0] = '\0';
	err = elf_versions_read(fd, &v);
	if (err)
		return err;
	best = elf_versions_max(&v, prefix);
	if (best)
		snprintf(out, cap, "%s", best + strlen(prefix));
	elf_versions_free(&v);
	return best ? 0 : -ENOENT;
}
