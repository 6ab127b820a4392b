/* test_elf.c: elf.c on crafted images (both classes, both byte orders),
 * hostile variants of them, #! scripts, real binaries of this machine, and
 * openat2 containment in elf_open_in_root.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"

#define IMG_MAX 8192
#define GO_DESC "abcdefgh"

/* a minimal image: ehdr, phdrs (LOAD, INTERP, DYNAMIC, NOTE), interp,
 * notes (a GNU one, then Go), dynamic array, strtab last so that every
 * truncation cuts something referenced
 */
enum { PH_LOAD, PH_INTERP, PH_DYN, PH_NOTE, PH_N };

struct spec {
	int is64, msb;
	uint16_t machine;
	unsigned note_align;	/* 4 or 8: p_align and padding of the notes */
	unsigned n_needed;	/* 0 means the default three */
	const char *needed[80];
};

struct img {
	unsigned char b[IMG_MAX];
	size_t len;
	int is64, msb;
	size_t phoff, phent, interp, note, notesz, go_note, dyn, dynent, ndyn, str, strsz;
	uint64_t base;
	size_t str_needed[80], str_rpath, str_runpath, str_soname;
};

static const char *interp = "/lib64/ld-linux-x86-64.so.2";
static const char *deflt[] = { "libc.so.6", "libm.so.6", "libz.so.1" };

static void put(struct img *m, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		m->b[off + (m->msb ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static void set_phdr(struct img *m, int i, uint32_t type, uint64_t off, uint64_t filesz, uint64_t align)
{
	size_t p = m->phoff + (size_t)i * m->phent;
	uint64_t vaddr = m->base + off;

	if (m->is64) {
		put(m, p, type, 4);
		put(m, p + 4, 4, 4);		/* PF_R */
		put(m, p + 8, off, 8);
		put(m, p + 16, vaddr, 8);
		put(m, p + 24, vaddr, 8);
		put(m, p + 32, filesz, 8);
		put(m, p + 40, filesz, 8);
		put(m, p + 48, align, 8);
	} else {
		put(m, p, type, 4);
		put(m, p + 4, off, 4);
		put(m, p + 8, vaddr, 4);
		put(m, p + 12, vaddr, 4);
		put(m, p + 16, filesz, 4);
		put(m, p + 20, filesz, 4);
		put(m, p + 24, 4, 4);
		put(m, p + 28, align, 4);
	}
}

static void set_dyn(struct img *m, size_t i, int64_t tag, uint64_t val)
{
	size_t p = m->dyn + i * m->dynent;

	put(m, p, (uint64_t)tag, m->is64 ? 8 : 4);
	put(m, p + m->dynent / 2, val, m->is64 ? 8 : 4);
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t add_note(struct img *m, size_t at, const char *name, uint32_t namesz,
		       uint32_t type, const char *desc, uint32_t descsz, unsigned a)
{
	put(m, at, namesz, 4);
	put(m, at + 4, descsz, 4);
	put(m, at + 8, type, 4);
	memcpy(m->b + at + 12, name, namesz);
	at = align_up(at + 12 + namesz, a);
	memcpy(m->b + at, desc, descsz);
	return align_up(at + descsz, a);
}

static void build_spec(struct img *m, const struct spec *s)
{
	unsigned n = s->n_needed ? s->n_needed : 3, a = s->note_align ? s->note_align : 4;
	size_t off, i, d = 0;

	memset(m, 0, sizeof(*m));
	m->is64 = s->is64;
	m->msb = s->msb;
	m->base = 0x400000;
	m->phent = s->is64 ? 56 : 32;
	m->dynent = s->is64 ? 16 : 8;
	m->phoff = s->is64 ? 64 : 52;

	memcpy(m->b, "\177ELF", 4);
	m->b[4] = s->is64 ? 2 : 1;
	m->b[5] = s->msb ? 2 : 1;
	m->b[6] = 1;
	put(m, 16, 3, 2);			/* ET_DYN */
	put(m, 18, s->machine, 2);
	put(m, 20, 1, 4);
	if (s->is64) {
		put(m, 32, m->phoff, 8);
		put(m, 52, 64, 2);
		put(m, 54, m->phent, 2);
		put(m, 56, PH_N, 2);
	} else {
		put(m, 28, m->phoff, 4);
		put(m, 40, 52, 2);
		put(m, 42, m->phent, 2);
		put(m, 44, PH_N, 2);
	}

	off = m->phoff + PH_N * m->phent;
	m->interp = off;
	memcpy(m->b + off, interp, strlen(interp) + 1);
	off = align_up(off + strlen(interp) + 1, 8);

	/* descsz 1 makes 4- and 8-byte padding differ */
	m->note = off;
	off = add_note(m, off, "GNU", 4, 4, "x", 1, a);
	m->go_note = off;
	off = add_note(m, off, "Go\0", 4, 4, GO_DESC, 8, a);
	m->notesz = off - m->note;
	off = align_up(off, 8);

	m->dyn = off;
	m->ndyn = n + 6;
	m->str = off + m->ndyn * m->dynent;
	off = m->str + 1;			/* strtab starts with "" */
#define ADD_STR(dst, s) do {						\
		dst = off - m->str;					\
		memcpy(m->b + off, s, strlen(s) + 1);			\
		off += strlen(s) + 1;					\
	} while (0)
	for (i = 0; i < n; i++)
		ADD_STR(m->str_needed[i], s->n_needed ? s->needed[i] : deflt[i]);
	ADD_STR(m->str_rpath, "/opt/rp");
	ADD_STR(m->str_runpath, "$ORIGIN/../lib");
	ADD_STR(m->str_soname, "libfoo.so.1");
#undef ADD_STR
	m->strsz = off - m->str;
	m->len = off;

	for (i = 0; i < n; i++)
		set_dyn(m, d++, 1, m->str_needed[i]);	/* DT_NEEDED */
	set_dyn(m, d++, 15, m->str_rpath);		/* DT_RPATH */
	set_dyn(m, d++, 29, m->str_runpath);		/* DT_RUNPATH */
	set_dyn(m, d++, 14, m->str_soname);		/* DT_SONAME */
	set_dyn(m, d++, 5, m->base + m->str);		/* DT_STRTAB */
	set_dyn(m, d++, 10, m->strsz);			/* DT_STRSZ */
	set_dyn(m, d++, 0, 0);				/* DT_NULL */

	set_phdr(m, PH_LOAD, 1, 0, m->len, 0x1000);
	set_phdr(m, PH_INTERP, 3, m->interp, strlen(interp) + 1, 1);
	set_phdr(m, PH_DYN, 2, m->dyn, m->ndyn * m->dynent, 8);
	set_phdr(m, PH_NOTE, 4, m->note, m->notesz, a);
}

static void build(struct img *m, int is64, int msb, uint16_t machine)
{
	struct spec s = { .is64 = is64, .msb = msb, .machine = machine };

	build_spec(m, &s);
}

static struct img m;
static struct elf_info info;

static void assert_full(const struct elf_info *in, int cls, uint16_t machine)
{
	cr_assert_eq(in->kind, ELF_KIND_ELF);
	cr_assert_eq(in->ei_class, cls);
	cr_assert_eq(in->machine, machine);
	cr_assert_eq(in->type, 3);
	cr_assert_str_eq(in->interp, interp);
	cr_assert_eq(in->n_needed, 3);
	cr_assert_str_eq(in->needed[0], "libc.so.6");
	cr_assert_str_eq(in->needed[1], "libm.so.6");
	cr_assert_str_eq(in->needed[2], "libz.so.1");
	cr_assert_str_eq(in->rpath, "/opt/rp");
	cr_assert_str_eq(in->runpath, "$ORIGIN/../lib");
	cr_assert_str_eq(in->soname, "libfoo.so.1");
	cr_assert_eq(in->flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID, "flags %#x", in->flags);
	cr_assert_eq(in->dyn, ELF_DYN_RPATH | ELF_DYN_RUNPATH);
}

Test(elf, needed_in_order)
{
	build(&m, 1, 0, 62);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 2, 62);
}

Test(elf, elf32)
{
	build(&m, 0, 0, 3);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 1, 3);
}

Test(elf, big_endian_64)
{
	build(&m, 1, 1, 22);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 2, 22);
}

Test(elf, big_endian_32)
{
	build(&m, 0, 1, 20);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 1, 20);
}

Test(elf, notes_aligned_8)
{
	struct spec s = { .is64 = 1, .machine = 62, .note_align = 8 };

	build_spec(&m, &s);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 2, 62);
	/* read as 4-aligned, the go note would be missed */
	set_phdr(&m, PH_NOTE, 4, m.note, m.notesz, 4);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.flags & ELF_F_GO_BUILDID, 0);
}

Test(elf, dynamic_search_facts)
{
	/* the loader's search needs the tags, not only their strings */
	build(&m, 1, 0, 62);
	set_dyn(&m, 3, 0x6ffffffb, 0x800);	/* DT_RPATH -> DT_FLAGS_1 = DF_1_NODEFLIB */
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.dyn, ELF_DYN_RUNPATH | ELF_DYN_NODEFLIB);
	cr_assert_str_eq(info.rpath, "");
	set_dyn(&m, 4, 0x6ffffffb, 0x1);	/* DT_RUNPATH -> DT_FLAGS_1 = DF_1_NOW */
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.dyn, 0);
	/* an empty DT_RPATH string is still a DT_RPATH */
	build(&m, 1, 0, 62);
	set_dyn(&m, 3, 15, 0);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.dyn, ELF_DYN_RPATH | ELF_DYN_RUNPATH);
	cr_assert_str_eq(info.rpath, "");
}

Test(elf, last_dynamic_wins)
{
	/* as in ld.so: a second PT_DYNAMIC, one entry into the array */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_NOTE, 2, m.dyn + m.dynent, (m.ndyn - 1) * m.dynent, 8);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 2);
	cr_assert_str_eq(info.needed[0], "libm.so.6");
	cr_assert_str_eq(info.needed[1], "libz.so.1");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC);
}

Test(elf, go_note_needs_name_and_type)
{
	build(&m, 1, 0, 62);
	put(&m, m.go_note + 8, 3, 4);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC);

	build(&m, 1, 0, 62);
	m.b[m.go_note + 13] = 'O';
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC);
}

static void truncate_all(int is64)
{
	build(&m, is64, 0, 62);
	for (size_t len = 0; len <= m.len; len++) {
		/* an exact-size copy, so a read past the end is caught */
		unsigned char *p = malloc(len ? len : 1);
		int rc;

		cr_assert_not_null(p);
		memcpy(p, m.b, len);
		rc = elf_inspect_mem(p, len, &info);
		free(p);
		if (len < 4) {
			cr_assert_eq(rc, -ENOEXEC, "len %zu", len);
			cr_assert_eq(info.kind, ELF_KIND_OTHER);
			continue;
		}
		cr_assert_eq(rc, 0, "len %zu", len);
		cr_assert_eq(info.kind, ELF_KIND_ELF);
		if (len < m.len)
			cr_assert(info.flags & ELF_F_MALFORMED, "len %zu flags %#x", len, info.flags);
		else
			assert_full(&info, is64 ? 2 : 1, 62);
	}
}

Test(elf, truncated_every_length_64)
{
	truncate_all(1);
}

Test(elf, truncated_every_length_32)
{
	truncate_all(0);
}

Test(elf, phdr_offset_beyond_end)
{
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_INTERP, 3, 0xfffffff0, 28, 1);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.n_needed, 3);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);

	build(&m, 1, 0, 62);
	set_phdr(&m, PH_DYN, 2, m.len, 16, 8);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert_str_eq(info.interp, interp);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);
}

Test(elf, phdr_filesz_overflow)
{
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_INTERP, 3, m.interp, UINT64_MAX, 1);
	set_phdr(&m, PH_DYN, 2, m.dyn, UINT64_MAX - m.dyn + 1, 8);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	/* bounded by the buffer, what is there still reads */
	cr_assert_str_eq(info.interp, interp);
	cr_assert_eq(info.n_needed, 3);
	cr_assert_str_eq(info.soname, "libfoo.so.1");
	cr_assert(info.flags & ELF_F_MALFORMED);

	/* offset + size wraps to a small number */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_NOTE, 4, m.go_note, UINT64_MAX - m.go_note + 8, 4);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert(info.flags & ELF_F_MALFORMED);
	cr_assert_eq(info.n_needed, 3);

	/* a load segment that wraps maps nothing */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_LOAD, 1, UINT64_MAX - 4, m.len, 0x1000);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert(info.flags & ELF_F_MALFORMED);
}

Test(elf, strtab_outside_every_load)
{
	build(&m, 1, 0, 62);
	set_dyn(&m, 6, 5, 0x1000);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert_str_eq(info.soname, "");
	cr_assert_str_eq(info.interp, interp);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);

	/* one past the load's file bytes */
	set_dyn(&m, 6, 5, m.base + m.len);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert(info.flags & ELF_F_MALFORMED);

	/* past the load's p_filesz, though the bytes are in the file */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_LOAD, 1, 0, m.str - 1, 0x1000);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);
}

Test(elf, load_past_buffer_end)
{
	/* as with a file cut at the read cap: fine while the strings fit */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_LOAD, 1, 0, m.len + 0x10000, 0x1000);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 2, 62);

	/* strtab mapped by the segment but beyond the bytes we have */
	set_dyn(&m, 6, 5, m.base + m.len + 0x100);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 0);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);
}

Test(elf, dynamic_without_null)
{
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_DYN, 2, m.dyn, (m.ndyn - 1) * m.dynent, 8);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 3);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);
}

Test(elf, needed_beyond_strsz)
{
	build(&m, 1, 0, 62);
	/* strsz ends right before "libz.so.1": bytes exist but do not count */
	set_dyn(&m, 7, 10, m.str_needed[2]);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 2);
	cr_assert_str_eq(info.needed[0], "libc.so.6");
	cr_assert_str_eq(info.needed[1], "libm.so.6");
	cr_assert_str_eq(info.rpath, "");
	cr_assert_str_eq(info.soname, "");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);

	build(&m, 1, 0, 62);
	set_dyn(&m, 1, 1, 0x7fffffff);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, 2);
	cr_assert_str_eq(info.needed[1], "libz.so.1");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED);
}

Test(elf, string_without_nul)
{
	/* the buffer ends on the last string's NUL, then before it */
	build(&m, 1, 0, 62);
	cr_assert_eq(elf_inspect_mem(m.b, m.len - 1, &info), 0);
	cr_assert_str_eq(info.soname, "libfoo.so.1");
	cr_assert_eq(info.n_needed, 3);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED | ELF_F_TRUNCATED);
	cr_assert_eq(elf_inspect_mem(m.b, m.len - 2, &info), 0);
	cr_assert_str_eq(info.soname, "libfoo.so.");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED | ELF_F_TRUNCATED);

	/* same, cut by DT_STRSZ with the bytes still there */
	set_dyn(&m, 7, 10, m.strsz - 2);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_str_eq(info.soname, "libfoo.so.");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_MALFORMED | ELF_F_TRUNCATED);

	/* interp without its NUL */
	build(&m, 1, 0, 62);
	set_phdr(&m, PH_INTERP, 3, m.interp, 10, 1);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_str_eq(info.interp, "/lib64/ld-");
	cr_assert(info.flags & ELF_F_MALFORMED);
}

Test(elf, phnum_65535)
{
	unsigned char *big;
	size_t bigsz = 65535 * 56 + 64;

	/* 0xffff is PN_XNUM: the count would live in section 0, and the
	 * kernel refuses a table that big anyway
	 */
	build(&m, 1, 0, 62);
	put(&m, 56, 65535, 2);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.kind, ELF_KIND_ELF);
	cr_assert_eq(info.machine, 62);
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.flags, ELF_F_MALFORMED);

	/* a table running past the end is no table, as for the kernel */
	put(&m, 56, 65534, 2);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.flags, ELF_F_MALFORMED);

	/* all of them fit: the cap stops the walk */
	big = calloc(1, bigsz);
	cr_assert_not_null(big);
	memcpy(big, m.b, m.len);
	cr_assert_eq(elf_inspect_mem(big, bigsz, &info), 0);
	free(big);
	cr_assert_str_eq(info.interp, interp);
	cr_assert_eq(info.n_needed, 3);
	cr_assert(info.flags & ELF_F_MALFORMED);
}

Test(elf, note_namesz_overflow)
{
	uint32_t bad[] = { 0xffffffff, 0xfffffffc, 0x7fffffff };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(&m, 1, 0, 62);
		put(&m, m.note, bad[i], 4);
		cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
		cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_MALFORMED, "namesz %#x", bad[i]);
		/* descsz too */
		build(&m, 1, 0, 62);
		put(&m, m.note + 4, bad[i], 4);
		cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
		cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_MALFORMED, "descsz %#x", bad[i]);
	}
}

Test(elf, bad_phentsize)
{
	build(&m, 1, 0, 62);
	put(&m, 54, 40, 2);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.machine, 62);
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.flags, ELF_F_MALFORMED);
}

Test(elf, section_headers_ignored)
{
	/* a bogus section table must not hide the program headers */
	build(&m, 1, 0, 62);
	put(&m, 40, 0xffffff00, 8);	/* e_shoff */
	put(&m, 60, 0xfff0, 2);		/* e_shnum */
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	assert_full(&info, 2, 62);
	/* and the caller's bytes were not touched */
	cr_assert_eq(m.b[60], 0xf0);
}

Test(elf, needed_list_capped)
{
	static struct spec s = { .is64 = 1, .machine = 62, .n_needed = 70 };
	static char names[70][24], longname[301];

	for (int i = 0; i < 70; i++) {
		snprintf(names[i], sizeof(names[i]), "lib%d.so", i);
		s.needed[i] = names[i];
	}
	memset(longname, 'a', 300);
	s.needed[1] = longname;
	build_spec(&m, &s);
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.n_needed, ELF_NEEDED_MAX);
	cr_assert_str_eq(info.needed[0], "lib0.so");
	cr_assert_eq(strlen(info.needed[1]), 255);
	cr_assert_str_eq(info.needed[2], "lib2.so");
	cr_assert_str_eq(info.needed[63], "lib63.so");
	cr_assert_str_eq(info.soname, "libfoo.so.1");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_GO_BUILDID | ELF_F_TRUNCATED);
}

Test(elf, not_elf)
{
	cr_assert_eq(elf_inspect_mem("hello\n", 6, &info), -ENOEXEC);
	cr_assert_eq(info.kind, ELF_KIND_OTHER);
	cr_assert_eq(elf_inspect_mem("#", 1, &info), -ENOEXEC);
	cr_assert_eq(elf_inspect_mem("", 0, &info), -ENOEXEC);

	build(&m, 1, 0, 62);
	m.b[4] = 3;	/* no such class */
	cr_assert_eq(elf_inspect_mem(m.b, m.len, &info), 0);
	cr_assert_eq(info.kind, ELF_KIND_ELF);
	cr_assert_eq(info.flags, ELF_F_MALFORMED);
	cr_assert_str_eq(info.interp, "");
}

static void script(const char *s, size_t len)
{
	cr_assert_eq(elf_inspect_mem(s, len, &info), 0);
	cr_assert_eq(info.kind, ELF_KIND_SCRIPT);
}

Test(elf, scripts)
{
	const char *s;

	s = "#!/bin/sh\necho hi\n";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "/bin/sh");
	cr_assert_eq(info.flags, 0);

	s = "#!  /usr/bin/env python3\n";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "/usr/bin/env");
	cr_assert_eq(info.flags, 0);

	s = "#!\t/bin/bash\t-e\n";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "/bin/bash");

	s = "#!/bin/sh";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "/bin/sh");
	cr_assert_eq(info.flags, 0);

	s = "#!\n/bin/sh\n";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.flags, ELF_F_MALFORMED);

	s = "#!";
	script(s, strlen(s));
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.flags, ELF_F_MALFORMED);
}

Test(elf, script_line_300_bytes)
{
	char s[302];

	/* arguments cut at 256 bytes: the kernel still runs it */
	memset(s, 'x', sizeof(s));
	memcpy(s, "#!/bin/sh -c ", 13);
	s[300] = '\n';
	script(s, 301);
	cr_assert_str_eq(info.interp, "/bin/sh");
	cr_assert_eq(info.flags, ELF_F_TRUNCATED);

	/* the path itself cut: the kernel refuses (ENOEXEC) */
	memset(s, 'a', sizeof(s));
	memcpy(s, "#!/", 3);
	s[300] = '\n';
	script(s, 301);
	cr_assert_eq(strlen(info.interp), 253);
	cr_assert_eq(strncmp(info.interp, "/aaa", 4), 0);
	cr_assert_eq(info.flags, ELF_F_TRUNCATED | ELF_F_MALFORMED);

	/* a path ending exactly at byte 255 still fits */
	memset(s, 'a', sizeof(s));
	memcpy(s, "#!/", 3);
	s[255] = ' ';
	s[300] = '\n';
	script(s, 301);
	cr_assert_eq(strlen(info.interp), 253);
	cr_assert_eq(info.flags, ELF_F_TRUNCATED);
}

/* plain open: these check parsing of real files (and run under valgrind,
 * which has no openat2); containment is tested below
 */
static int open_host(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	return fd;
}

Test(elf, real_bin_true)
{
	int fd = open_host("/bin/true");

	cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
	close(fd);
	cr_assert_eq(info.kind, ELF_KIND_ELF);
	cr_assert_eq(info.ei_class, 2);
	cr_assert_str_eq(elf_machine_name(info.machine), "x86-64");
	cr_assert_str_eq(info.interp, "/lib64/ld-linux-x86-64.so.2");
	cr_assert_eq(info.n_needed, 1);
	cr_assert_str_eq(info.needed[0], "libc.so.6");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC);
}

Test(elf, real_libc)
{
	int fd = open_host("/lib/x86_64-linux-gnu/libc.so.6");

	cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
	close(fd);
	cr_assert_str_eq(info.soname, "libc.so.6");
	cr_assert_eq(info.type, 3);
	cr_assert_eq(info.flags & (ELF_F_MALFORMED | ELF_F_TRUNCATED | ELF_F_GO_BUILDID), 0);
}

Test(elf, real_go_binary)
{
	int fd = open_host("/usr/lib/go-1.19/pkg/tool/linux_amd64/compile");

	cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
	close(fd);
	cr_assert_str_eq(info.interp, "");
	cr_assert_eq(info.n_needed, 0);
	cr_assert_eq(info.type, 2);
	cr_assert_eq(info.flags, ELF_F_GO_BUILDID);
}

/* a big file is read only where the parser looks: the same facts as the whole file gives */
static void lazy_agrees(const char *path)
{
	static struct elf_info whole;
	unsigned char *buf;
	bool truncated;
	size_t len;
	int fd = open_host(path);

	cr_assert_eq(elf_read_capped(fd, ELF_SPAN_MAX, &buf, &len, &truncated), 0);
	cr_assert_gt(len, 256u << 10, "%s is read whole by elf_inspect_fd", path);
	cr_assert_eq(elf_inspect_mem(buf, len, &whole), 0);
	free(buf);
	cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
	close(fd);
	cr_assert_eq(memcmp(&whole, &info, sizeof(info)), 0, "%s: lazy and whole reads differ", path);
}

Test(elf, lazy_read_agrees_with_whole_file)
{
	static const char *const paths[] = {
		"/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/go-1.19/pkg/tool/linux_amd64/compile",	/* Go notes */
		"/usr/bin/perl",
	};
	glob_t g;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		lazy_agrees(paths[i]);
	/* clang's libLLVM: its PT_DYNAMIC lies at ~105 MB (not read whole here: ASan makes that slow) */
	cr_assert_eq(glob("/usr/lib/x86_64-linux-gnu/libLLVM-*.so.1", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int fd = open_host(g.gl_pathv[i]);

		cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
		close(fd);
		cr_assert_eq(info.flags & (ELF_F_MALFORMED | ELF_F_TRUNCATED), 0);
		cr_assert_gt(info.n_needed, 3);
		cr_assert_str_eq(info.needed[0], "libffi.so.8");
	}
	globfree(&g);
}

Test(elf, lazy_read_cap_keeps_truncation)
{
	int fd = open_host("/lib/x86_64-linux-gnu/libc.so.6");

	/* a span of 512 KiB holds libc's headers, not its PT_INTERP (at 1.7 MB) nor its dynamic array */
	cr_assert_eq(elf_inspect_fd(fd, 512u << 10, &info), 0);
	close(fd);
	cr_assert_eq(info.kind, ELF_KIND_ELF);
	cr_assert_str_eq(info.interp, "");
	cr_assert_str_eq(info.soname, "");
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_TRUNCATED | ELF_F_MALFORMED);
}

Test(elf, fd_cap)
{
	int fd = open_host("/bin/true");

	/* interp sits in the first page, the dynamic array does not */
	cr_assert_eq(elf_inspect_fd(fd, 4096, &info), 0);
	close(fd);
	cr_assert_str_eq(info.interp, "/lib64/ld-linux-x86-64.so.2");
	cr_assert_eq(info.n_needed, 0);
	cr_assert_eq(info.flags, ELF_F_DYNAMIC | ELF_F_TRUNCATED | ELF_F_MALFORMED);
}

Test(elf, fd_not_regular)
{
	int p[2], fd;
	char tmp[] = "/tmp/ldwatch-elf-XXXXXX";

	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_eq(elf_inspect_fd(fd, 0, &info), -EISDIR);
	close(fd);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(elf_inspect_fd(p[0], 0, &info), -EINVAL);
	close(p[0]);
	close(p[1]);
	fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	unlink(tmp);
	cr_assert_eq(elf_inspect_fd(fd, 0, &info), -ENOEXEC);
	cr_assert_eq(write(fd, "#!/bin/sh\n", 10), 10);
	cr_assert_eq(elf_inspect_fd(fd, 0, &info), 0);
	cr_assert_str_eq(info.interp, "/bin/sh");
	close(fd);
}

/* a fake container root: ROOT/etc/target, ROOT/link -> /etc/target,
 * ROOT/lib/evil -> ../../../../etc/passwd, ROOT/d/, ROOT/fifo
 */
static char root[64];
static int rootfd = -1;

static void mkroot(void)
{
	char p[128];
	int fd;

	strcpy(root, "/tmp/ldwatch-root-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/lib", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/d", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/target", root);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/link", root);
	cr_assert_eq(symlink("/etc/target", p), 0);
	snprintf(p, sizeof(p), "%s/lib/evil", root);
	cr_assert_eq(symlink("../../../../etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", root);
	cr_assert_eq(mkfifo(p, 0644), 0);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void rmroot(void)
{
	static const char *files[] = { "etc/target", "etc/hostname", "link", "lib/evil", "fifo" };
	static const char *dirs[] = { "etc", "lib", "d", "" };
	char p[128];
	size_t i;

	if (rootfd >= 0)
		close(rootfd);
	rootfd = -1;
	if (!root[0])
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		unlink(p);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		rmdir(p);
	}
	root[0] = '\0';
}

static void same_file(int fd, const char *rel)
{
	struct stat a, b;
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(stat(p, &b), 0);
	cr_assert_eq(a.st_dev, b.st_dev);
	cr_assert_eq(a.st_ino, b.st_ino);
}

Test(elf, open_in_root_absolute_symlink, .init = mkroot, .fini = rmroot)
{
	int fd = -1;

	cr_assert_eq(elf_open_in_root(rootfd, "/link", &fd), 0);
	same_file(fd, "etc/target");
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
	cr_assert_eq(elf_open_in_root(rootfd, "link", &fd), 0);
	same_file(fd, "etc/target");
	close(fd);
}

Test(elf, open_in_root_dotdot, .init = mkroot, .fini = rmroot)
{
	char p[128];
	int fd = -1;

	cr_assert_eq(access("/etc/passwd", F_OK), 0);
	cr_assert_eq(elf_open_in_root(rootfd, "../../../../etc/hostname", &fd), -ENOENT);
	cr_assert_eq(fd, -1);
	cr_assert_eq(elf_open_in_root(rootfd, "lib/evil", &fd), -ENOENT);
	cr_assert_eq(elf_open_in_root(rootfd, "/nope", &fd), -ENOENT);

	snprintf(p, sizeof(p), "%s/etc/hostname", root);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(elf_open_in_root(rootfd, "../../../../etc/hostname", &fd), 0);
	same_file(fd, "etc/hostname");
	close(fd);
}

Test(elf, open_in_root_not_regular, .init = mkroot, .fini = rmroot, .timeout = 10)
{
	int fd = -1;

	cr_assert_eq(elf_open_in_root(rootfd, "d", &fd), -EISDIR);
	cr_assert_eq(elf_open_in_root(rootfd, "/", &fd), -EISDIR);
	/* no reader on the other end: a blocking open would hang here */
	cr_assert_eq(elf_open_in_root(rootfd, "fifo", &fd), -EINVAL);
	cr_assert_eq(fd, -1);
}

Test(elf, open_in_root_magic_link)
{
	int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;

	cr_assert_geq(root_fd, 0);
	cr_assert_eq(access("/proc/self/exe", F_OK), 0);
	cr_assert_eq(elf_open_in_root(root_fd, "/proc/self/exe", &fd), -ELOOP);
	cr_assert_eq(elf_open_in_root(root_fd, "/dev/null", &fd), -EINVAL);
	cr_assert_eq(fd, -1);
	close(root_fd);
}

Test(elf, machine_names)
{
	cr_assert_str_eq(elf_machine_name(62), "x86-64");
	cr_assert_str_eq(elf_machine_name(3), "i386");
	cr_assert_str_eq(elf_machine_name(183), "aarch64");
	cr_assert_str_eq(elf_machine_name(40), "arm");
	cr_assert_str_eq(elf_machine_name(243), "riscv");
	cr_assert_str_eq(elf_machine_name(21), "ppc64");
	cr_assert_str_eq(elf_machine_name(22), "s390");
	cr_assert_null(elf_machine_name(0));
	cr_assert_null(elf_machine_name(0xbeef));
}

/* ---- elf_func_offsets: bounded reads of the symbol tables --------------- */

#include <gelf.h>
#include <stddef.h>
#include <sys/mman.h>

/* the reference: libelf over the whole file, as ldwatch once did */
static uint64_t ref_offset(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf_Scn *scn = NULL;
	uint64_t vaddr = 0, off = 0;
	size_t phnum;
	Elf *e;

	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	cr_assert_not_null(e);
	while (!vaddr && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *sn;

			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF ||
			    GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_value)
				continue;
			sn = elf_strptr(e, sh.sh_link, s.st_name);
			if (sn && !strcmp(sn, name)) {
				vaddr = s.st_value;
				break;
			}
		}
	}
	elf_getphdrnum(e, &phnum);
	for (size_t i = 0; vaddr && i < phnum; i++) {
		GElf_Phdr ph;

		gelf_getphdr(e, (int)i, &ph);
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && vaddr >= ph.p_vaddr &&
		    vaddr - ph.p_vaddr < ph.p_filesz)
			off = vaddr - ph.p_vaddr + ph.p_offset;
	}
	elf_end(e);
	close(fd);
	return off;
}

static const char *const probe_names[] = {
	"_dl_exception_create", "_dl_exception_create_format", "_dl_signal_error",
	"_dl_signal_exception", "dlopen", "dlmopen", "no_such_function_here",
};
#define N_PROBE_NAMES (sizeof(probe_names) / sizeof(probe_names[0]))

static void offsets_agree(const char *path)
{
	uint64_t offs[N_PROBE_NAMES];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned found = 0;

	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(elf_func_offsets(fd, 0, probe_names, N_PROBE_NAMES, offs), 0);
	close(fd);
	for (unsigned i = 0; i < N_PROBE_NAMES; i++) {
		cr_assert_eq(offs[i], ref_offset(path, probe_names[i]), "%s %s: %#llx", path,
			     probe_names[i], (unsigned long long)offs[i]);
		found += !!offs[i];
	}
	cr_assert_gt(found, 1, "%s: only %u found", path, found);
	cr_assert_eq(offs[N_PROBE_NAMES - 1], 0);
}

/* the very files ldwatch probes on this host, against libelf over the whole file */
Test(elf, func_offsets_agree_with_libelf_on_this_hosts_loader)
{
	offsets_agree("/lib64/ld-linux-x86-64.so.2");
	offsets_agree("/lib/x86_64-linux-gnu/libc.so.6");
}

/* write the first n bytes of path, then `patch` at `at`, to a memfd */
static int copy_patched(const char *path, size_t n, size_t at, const void *patch, size_t plen)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), out = memfd_create("lw-elf", MFD_CLOEXEC);
	static char buf[1 << 16];
	size_t done = 0;

	cr_assert_geq(in, 0);
	cr_assert_geq(out, 0);
	while (done < n) {
		ssize_t r = read(in, buf, sizeof(buf) < n - done ? sizeof(buf) : n - done);

		if (r <= 0)
			break;
		cr_assert_eq(write(out, buf, r), r);
		done += r;
	}
	close(in);
	if (plen)
		cr_assert_eq(pwrite(out, patch, plen, at), (ssize_t)plen);
	return out;
}

/* cut before its section headers, or headers that claim more than the file holds */
Test(elf, func_offsets_refuse_what_lies_outside_the_file)
{
	const char *ld = "/lib64/ld-linux-x86-64.so.2";
	uint64_t offs[N_PROBE_NAMES];
	Elf64_Ehdr eh;
	uint16_t big = 0xffff;
	uint8_t cls32 = ELFCLASS32;
	int fd = open(ld, O_RDONLY | O_CLOEXEC);

	cr_assert_eq(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	close(fd);
	/* the section header table is the file's tail: cut it off */
	fd = copy_patched(ld, eh.e_shoff + 8, 0, NULL, 0);
	cr_assert_eq(elf_func_offsets(fd, 0, probe_names, N_PROBE_NAMES, offs), -ENOEXEC);
	close(fd);
	/* 65535 section headers */
	fd = copy_patched(ld, 1 << 30, offsetof(Elf64_Ehdr, e_shnum), &big, sizeof(big));
	cr_assert_eq(elf_func_offsets(fd, 0, probe_names, N_PROBE_NAMES, offs), -ENOEXEC);
	close(fd);
	/* the class byte says 32-bit: not a loader of this host */
	fd = copy_patched(ld, 1 << 30, EI_CLASS, &cls32, 1);
	cr_assert_eq(elf_func_offsets(fd, 0, probe_names, N_PROBE_NAMES, offs), -ENOEXEC);
	close(fd);
	/* .dynsym (ld.so's only symbol table) claims 1 TiB: skipped, never allocated */
	fd = open(ld, O_RDONLY | O_CLOEXEC);
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		uint64_t huge = 1ull << 40;

		cr_assert_eq(pread(fd, &sh, sizeof(sh), eh.e_shoff + i * sizeof(sh)), (ssize_t)sizeof(sh));
		if (sh.sh_type != SHT_DYNSYM)
			continue;
		close(fd);
		fd = copy_patched(ld, 1 << 30, eh.e_shoff + i * sizeof(sh) + offsetof(Elf64_Shdr, sh_size),
				  &huge, sizeof(huge));
		break;
	}
	cr_assert_eq(elf_func_offsets(fd, 0, probe_names, N_PROBE_NAMES, offs), -ENOENT);
	close(fd);
}

/* ---- elf_go_module_of: a Go binary's build info, crafted ----------------- */

static size_t put_uvarint(unsigned char *b, uint64_t v)
{
	size_t n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* an ELF with one writable load segment whose start is .go.buildinfo */
static int go_binary(const char *modinfo)
{
	static unsigned char img[8192];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	size_t at = 4096, j, n = strlen(modinfo);
	int fd = memfd_create("lw-go", MFD_CLOEXEC);

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_filesz = 4096;
	ph[1].p_type = PT_LOAD;
	ph[1].p_flags = PF_R | PF_W;
	ph[1].p_offset = at;
	ph[1].p_filesz = sizeof(img) - at;
	memcpy(img + at, "\xff Go buildinf:", 14);
	img[at + 14] = 8;
	img[at + 15] = 2;	/* inline strings */
	j = at + 32;
	j += put_uvarint(img + j, 8);
	memcpy(img + j, "go1.19.8", 8);
	j += 8;
	j += put_uvarint(img + j, n + 32);
	memset(img + j, 0x30, 16);	/* the sentinels' bytes do not matter here */
	memcpy(img + j + 16, modinfo, n);
	memset(img + j + 16 + n, 0x31, 16);
	cr_assert_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	return fd;
}

Test(elf, go_module_of_a_package)
{
	char v[128];
	int fd = go_binary("path\texample.com/host\nmod\texample.com/host\t(devel)\t\n"
			   "dep\texample.com/x\tv1.0.0\th1:abc=\n"
			   "dep\texample.com/xy\tv9.9.9\th1:def=\n"
			   "dep\tgolang.org/x/sys\tv0.5.0\th1:ghi=\n=>\t../sys\t(devel)\t\n");

	cr_assert_eq(elf_go_module_of(fd, "example.com/x", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "v1.0.0");
	cr_assert_eq(elf_go_module_of(fd, "example.com/x/sub/pkg", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "v1.0.0", "a package inside the module, not example.com/xy");
	cr_assert_eq(elf_go_module_of(fd, "golang.org/x/sys/unix", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "v0.5.0 => ../sys (devel)");
	cr_assert_eq(elf_go_module_of(fd, "example.com/host/cmd", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "(devel)");
	cr_assert_eq(elf_go_module_of(fd, "fmt", v, sizeof(v)), -ENOENT);
	close(fd);
}

/* a modinfo length past the segment, and no build info at all */
Test(elf, go_module_of_refuses_what_is_not_there)
{
	char v[64];
	int fd = go_binary("mod\texample.com/host\tv1\t\n");
	unsigned char big[10];
	size_t n = put_uvarint(big, 1ull << 40);

	/* the modinfo length field sits right after "go1.19.8" at 4096 + 32 + 1 + 8 */
	cr_assert_eq(pwrite(fd, big, n, 4096 + 32 + 1 + 8), (ssize_t)n);
	cr_assert_eq(elf_go_module_of(fd, "example.com/host", v, sizeof(v)), -ENOENT);
	cr_assert_eq(pwrite(fd, "\0", 1, 4096), 1);
	cr_assert_eq(elf_go_module_of(fd, "example.com/host", v, sizeof(v)), -ENOENT);
	close(fd);
}

/* DT_VERDEF: the highest GLIBC_ version this host's libc defines is its own release */
#include <gnu/libc-version.h>

Test(elf, verdef_max_of_the_real_libc)
{
	char v[32];
	int fd = open("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(elf_verdef_max(fd, "GLIBC_", v, sizeof(v)), 0);
	cr_assert_str_eq(v, gnu_get_libc_version());
	cr_assert_eq(elf_verdef_max(fd, "NOSUCH_", v, sizeof(v)), -ENOENT);
	cr_assert_str_eq(v, "");
	close(fd);
}

Test(elf, verdef_max_of_a_file_without_versions)
{
	char v[32];
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(elf_verdef_max(fd, "GLIBC_", v, sizeof(v)), -ENOEXEC);
	close(fd);
}

/* what binutils' readelf -V prints of the same file: "need FILE NAME" and "def NAME" lines */
static void readelf_versions(const char *path, char *out, size_t cap)
{
	char cmd[512];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -V -W '%s' | awk '"
		 "/File:/ { for (i = 1; i <= NF; i++) if ($i == \"File:\") f = $(i + 1) } "
		 "/  Name: / && f != \"\" { print \"need \" f \" \" $3 } "
		 "/Rev:/ && !/BASE/ { print \"def \" $NF } "
		 "/Version needs/ { f = \"\" }' | sort -s -k1,1r", path);
	p = popen(cmd, "r");
	cr_assert(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0);
}

static void versions_agree(const char *path)
{
	static char want[1 << 16], got[1 << 16];
	struct elf_versions v;
	size_t n = 0;
	int fd = open_host(path);

	readelf_versions(path, want, sizeof(want));
	cr_assert_eq(elf_versions_read(fd, &v), 0);
	close(fd);
	for (unsigned i = 0; i < v.n_need; i++)
		n += snprintf(got + n, sizeof(got) - n, "need %s %s\n", v.need[i].file, v.need[i].name);
	for (unsigned i = 0; i < v.n_def; i++)
		n += snprintf(got + n, sizeof(got) - n, "def %s\n", v.def[i]);
	cr_assert_eq(v.flags & (ELF_VER_F_MALFORMED | ELF_VER_F_TRUNCATED), 0);
	cr_assert_eq(!!(v.flags & ELF_VER_F_HAS_DEF), !!strstr(want, "def "));
	elf_versions_free(&v);
	cr_assert(want[0], "%s: readelf shows no versions", path);
	cr_assert_str_eq(got, want, "%s:\nours:\n%s\nreadelf:\n%s", path, got, want);
}

/* DT_VERNEED and DT_VERDEF from the dynamic array, as binutils reads them from the sections */
Test(elf, versions_agree_with_readelf, .timeout = 60)
{
	versions_agree("/bin/true");
	versions_agree("/lib/x86_64-linux-gnu/libc.so.6");
	versions_agree("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
	versions_agree("/usr/lib/x86_64-linux-gnu/libelf.so.1");
}

Test(elf, versions_of_what_has_none)
{
	struct elf_versions v;
	int fd = open_host("/etc/passwd");

	cr_assert_eq(elf_versions_read(fd, &v), -ENOEXEC);
	close(fd);
	fd = open_host("/usr/lib/go-1.19/pkg/tool/linux_amd64/compile");	/* static Go: no dynamic array */
	cr_assert_eq(elf_versions_read(fd, &v), 0);
	close(fd);
	cr_assert_eq(v.n_need + v.n_def + v.flags, 0);
}
