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



/* exactly n bytes at off, or -EIO (a short file, or one shrinking under us) */
static int pread_exact(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

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
	err = pread_exact(fd, syms, nsyms * sizeof(*syms), sh->sh_offset);
	if (!err)
		err = pread_exact(fd, strs, str->sh_size, str->sh_offset);
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
	if (size < sizeof(eh) || pread_exact(fd, &eh, sizeof(eh), 0) ||
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
	err = pread_exact(fd, sh, eh.e_shnum * sizeof(*sh), eh.e_shoff);
	if (!err)
		err = pread_exact(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
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
	if (size < sizeof(eh) || pread_exact(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	if (!in_file(eh.e_phoff, (uint64_t)nph * sizeof(ph[0]), size, size) ||
	    pread_exact(fd, ph, nph * sizeof(ph[0]), eh.e_phoff))
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
	err = pread_exact(fd, buf, want, off);
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

#define VERDEF_BYTES	(1u << 20)	/* of the version definitions and their strings */
#define VERDEF_MAX	4096		/* definitions walked */

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

int elf_verdef_max(int fd, const char *prefix, char *out, size_t cap)
{
	size_t plen = strlen(prefix);
	uint64_t size = 0;
	Elf64_Shdr *sh = NULL;
	unsigned char *vd = NULL;
	char *strs = NULL;
	Elf64_Ehdr eh;
	int err, found = 0;

	out[0] = '\0';
	err = elf_regular_size(fd, &size);
	if (err)
		return err;
	if (size < sizeof(eh) || pread_exact(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh.e_shnum || !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(*sh), size, ELF_READ_CAP))
		return -ENOEXEC;
	sh = malloc(eh.e_shnum * sizeof(*sh));
	if (!sh)
		return -ENOMEM;
	err = pread_exact(fd, sh, eh.e_shnum * sizeof(*sh), eh.e_shoff);
	for (unsigned i = 0; !err && i < eh.e_shnum && !vd; i++) {
		const Elf64_Shdr *d = &sh[i], *st;
		uint64_t off = 0;

		if (d->sh_type != SHT_GNU_verdef || d->sh_link >= eh.e_shnum)
			continue;
		st = &sh[d->sh_link];
		if (!in_file(d->sh_offset, d->sh_size, size, VERDEF_BYTES) ||
		    !in_file(st->sh_offset, st->sh_size, size, VERDEF_BYTES) || !st->sh_size)
			break;
		vd = malloc(d->sh_size ? d->sh_size : 1);
		strs = malloc(st->sh_size);
		if (!vd || !strs || pread_exact(fd, vd, d->sh_size, d->sh_offset) ||
		    pread_exact(fd, strs, st->sh_size, st->sh_offset))
			break;
		strs[st->sh_size - 1] = '\0';
		/* each definition's first aux names it; vd_next chains them */
		for (unsigned k = 0; k < VERDEF_MAX && off + sizeof(Elf64_Verdef) <= d->sh_size; k++) {
			Elf64_Verdef def;
			Elf64_Verdaux aux;

			memcpy(&def, vd + off, sizeof(def));
			if (def.vd_aux && off + def.vd_aux + sizeof(aux) <= d->sh_size) {
				memcpy(&aux, vd + off + def.vd_aux, sizeof(aux));
				if (aux.vda_name < st->sh_size) {
					const char *name = strs + aux.vda_name;

					if (!strncmp(name, prefix, plen) && name[plen] >= '0' &&
					    name[plen] <= '9' && (!found || vercmp(name + plen, out) > 0)) {
						snprintf(out, cap, "%s", name + plen);
						found = 1;
					}
				}
			}
			if (!def.vd_next || def.vd_next > d->sh_size - off)
				break;
			off += def.vd_next;
		}
	}
	free(sh);
	free(vd);
	free(strs);
	return err ? err : found ? 0 : -ENOENT;
}
