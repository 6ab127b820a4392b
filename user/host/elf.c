/* elf.c: read interp, needed, rpath/runpath/soname and the go build-id note
 * from program headers only (stripped and section-less binaries work).
 * the bytes come from anyone: every count, offset and size is checked here,
 * libelf is only trusted to convert headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elfinfo.h"


#define DYN_MAX		4096
#define BINPRM_BUF	256	/* linux BINPRM_BUF_SIZE: all the kernel sees of a #! line */
#define LAZY_MIN	(256u << 10)	/* files up to this are read whole */
#define LAZY_HEAD	(64u << 10)	/* read first: headers, PT_INTERP, notes */
#define PAGE		4096u

/*
 * a file's span, read only where the parser looks: an anonymous mapping of
 * its size whose pages are pread on first use (libLLVM is 110 MB; its
 * headers, dynamic array and a few strings are ~70 KiB)
 */
struct lazy {
	int fd;
	uint8_t *have;		/* a bit per PAGE of the span */
	int err;		/* the first failed pread */
	bool shrank;		/* a pread came back short */
};

struct ctx {
	Elf *elf;
	unsigned char *buf;
	size_t len;
	size_t phnum;		/* phdrs walked, capped */
	bool msb;
	struct elf_info *out;
	struct lazy *lz;	/* NULL: buf holds all len bytes */
};

/* make [off, off+n) of the span present (clamped to it) */
static void need(struct ctx *c, uint64_t off, uint64_t n)
{
	struct lazy *lz = c->lz;
	size_t p, end;

	if (!lz || off >= c->len || !n)
		return;
	if (n > c->len - off)
		n = c->len - off;
	p = (size_t)(off / PAGE);
	end = (size_t)((off + n + PAGE - 1) / PAGE);
	while (p < end) {
		size_t q = p, at, want, got = 0;

		if (lz->have[p / 8] & (1u << (p % 8))) {
			p++;
			continue;
		}
		while (q < end && !(lz->have[q / 8] & (1u << (q % 8))))
			lz->have[q / 8] |= 1u << (q % 8), q++;
		at = p * PAGE;
		want = (q * PAGE < c->len ? q * PAGE : c->len) - at;
		while (got < want) {
			ssize_t r = pread(lz->fd, c->buf + at + got, want - got, (off_t)(at + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && !lz->err)
				lz->err = -errno;
			if (r <= 0) {
				lz->shrank |= r == 0;
				break;
			}
			got += (size_t)r;
		}
		p = q;
	}
}

/* copy a string of at most avail bytes; a missing NUL is out of bounds */
static void copy_str(char *dst, size_t dstsz, const unsigned char *src,
		     size_t avail, uint32_t *flags)
{
	size_t scan = avail < dstsz ? avail : dstsz;
	const unsigned char *nul = memchr(src, 0, scan);
	size_t n;

	if (nul) {
		n = (size_t)(nul - src);
	} else if (avail < dstsz) {
		n = avail;
		*flags |= ELF_F_MALFORMED | ELF_F_TRUNCATED;
	} else {
		n = dstsz - 1;
		*flags |= ELF_F_TRUNCATED;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* bytes of [off, off+size) inside buf; flags the part that is not */
static size_t seg_avail(const struct ctx *c, uint64_t off, uint64_t size)
{
	if (off > c->len || size > c->len - off) {
		c->out->flags |= ELF_F_MALFORMED;
		if (off >= c->len)
			return 0;
		return c->len - (size_t)off;
	}
	return (size_t)size;
}

static uint32_t rd32(const struct ctx *c, const unsigned char *p)
{
	if (c->msb)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* the go linker puts .note.go.buildid in its own PT_NOTE (loader.md 5.4) */
static void scan_notes(struct ctx *c, const GElf_Phdr *ph)
{
	uint64_t align = ph->p_align == 8 ? 8 : 4, pos = 0, size;
	const unsigned char *p;

	size = seg_avail(c, ph->p_offset, ph->p_filesz);
	if (!size)
		return;
	need(c, ph->p_offset, size);
	p = c->buf + ph->p_offset;
	while (size - pos >= 12) {
		uint32_t namesz = rd32(c, p + pos), descsz = rd32(c, p + pos + 4);
		uint32_t type = rd32(c, p + pos + 8);
		uint64_t name = pos + 12, desc;

		/* 64-bit sums of 32-bit sizes cannot wrap */
		if (namesz > size - name)
			goto bad;
		desc = (name + namesz + align - 1) & ~(align - 1);
		if (desc > size || descsz > size - desc)
			goto bad;
		if (namesz == 4 && type == 4 && !memcmp(p + name, "Go\0\0", 4))
			c->out->flags |= ELF_F_GO_BUILDID;
		pos = (desc + descsz + align - 1) & ~(align - 1);
		if (pos >= size)
			return;
	}
	return;
bad:
	c->out->flags |= ELF_F_MALFORMED;
}

/* DT_STRTAB is an address: map it through PT_LOAD, as ld.so sees it */
static bool vaddr_to_off(const struct ctx *c, uint64_t addr, uint64_t *off, uint64_t *left)
{
	GElf_Phdr ph;
	size_t i;

	for (i = 0; i < c->phnum; i++) {
		if (!gelf_getphdr(c->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr < ph.p_vaddr || addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		if (ph.p_offset > UINT64_MAX - (addr - ph.p_vaddr))
			continue;
		*off = ph.p_offset + (addr - ph.p_vaddr);
		*left = ph.p_filesz - (addr - ph.p_vaddr);
		return true;
	}
	return false;
}

static void scan_dynamic(struct ctx *c, const GElf_Phdr *ph)
{
	uint64_t needed[ELF_NEEDED_MAX], rpath = 0, runpath = 0, soname = 0;
	uint64_t strtab = 0, strsz = UINT64_MAX, off, left, flags_1 = 0;
	bool have_strtab = false, have_rpath = false, have_runpath = false;
	bool have_soname = false, ended = false;
	size_t entsz = gelf_fsize(c->elf, ELF_T_DYN, 1, EV_CURRENT);
	size_t avail, cnt, i, n = 0, tabsz;
	struct elf_info *out = c->out;
	const unsigned char *tab;
	Elf_Data *data;
	GElf_Dyn dyn;

	avail = seg_avail(c, ph->p_offset, ph->p_filesz);
	cnt = entsz ? avail / entsz : 0;
	if (cnt > DYN_MAX)
		cnt = DYN_MAX;
	if (!cnt)
		goto bad;
	need(c, ph->p_offset, cnt * entsz);
	data = elf_getdata_rawchunk(c->elf, (int64_t)ph->p_offset, cnt * entsz, ELF_T_DYN);
	if (!data)
		goto bad;
	/* glibc's elf_get_dynamic_info lets the last of a tag win */
	for (i = 0; i < cnt && !ended; i++) {
		if (!gelf_getdyn(data, (int)i, &dyn))
			goto bad;
		switch (dyn.d_tag) {
		case DT_NULL: ended = true; break;
		case DT_NEEDED:
			if (n < ELF_NEEDED_MAX)
				needed[n++] = dyn.d_un.d_val;
			else
				out->flags |= ELF_F_TRUNCATED;
			break;
		case DT_STRTAB: strtab = dyn.d_un.d_ptr; have_strtab = true; break;
		case DT_STRSZ: strsz = dyn.d_un.d_val; break;
		case DT_RPATH: rpath = dyn.d_un.d_val; have_rpath = true; break;
		case DT_RUNPATH: runpath = dyn.d_un.d_val; have_runpath = true; break;
		case DT_SONAME: soname = dyn.d_un.d_val; have_soname = true; break;
		case DT_FLAGS_1: flags_1 = dyn.d_un.d_val; break;
		}
	}
	if (!ended)
		out->flags |= ELF_F_MALFORMED;
	if (have_rpath)
		out->dyn |= ELF_DYN_RPATH;
	if (have_runpath)
		out->dyn |= ELF_DYN_RUNPATH;
	if (flags_1 & DF_1_NODEFLIB)
		out->dyn |= ELF_DYN_NODEFLIB;
	if (!n && !have_rpath && !have_runpath && !have_soname)
		return;
	if (!have_strtab || !vaddr_to_off(c, strtab, &off, &left))
		goto bad;
	if (left > strsz)
		left = strsz;
	/* a load segment may run past a capped buffer: only a string that
	 * does is malformed
	 */
	if (off >= c->len)
		goto bad;
	tabsz = left < c->len - off ? (size_t)left : c->len - (size_t)off;
	tab = c->buf + off;
	for (i = 0; i < n; i++) {
		if (needed[i] >= tabsz) {
			out->flags |= ELF_F_MALFORMED;
			continue;
		}
		need(c, off + needed[i], sizeof(out->needed[0]));
		copy_str(out->needed[out->n_needed], sizeof(out->needed[0]), tab + needed[i],
			 tabsz - needed[i], &out->flags);
		out->n_needed++;
	}
#define DYN_STR(have, o, dst)							\
	do {									\
		if (have && o < tabsz) {					\
			need(c, off + o, sizeof(dst));				\
			copy_str(dst, sizeof(dst), tab + o, tabsz - o, &out->flags); \
		}								\
		else if (have)							\
			out->flags |= ELF_F_MALFORMED;				\
	} while (0)
	DYN_STR(have_rpath, rpath, out->rpath);
	DYN_STR(have_runpath, runpath, out->runpath);
	DYN_STR(have_soname, soname, out->soname);
#undef DYN_STR
	return;
bad:
	out->flags |= ELF_F_MALFORMED;
}

/* buf is ours and gets its section header fields cleared; with lz, only its
 * first LAZY_HEAD bytes are there yet
 */
static int inspect_elf(unsigned char *buf, size_t len, struct lazy *lz, struct elf_info *out)
{
	struct ctx c = { .buf = buf, .len = len, .out = out, .lz = lz };
	bool got_interp = false, got_dyn = false;
	GElf_Phdr ph, dyn;
	GElf_Ehdr eh;
	size_t i, entsz, pn = 0;

	out->kind = ELF_KIND_ELF;
	if (len > EI_CLASS)
		out->ei_class = buf[EI_CLASS];
	if (len < EI_NIDENT || len < (buf[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)) ||
	    (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64) ||
	    (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB))
		goto bad;
	c.msb = buf[EI_DATA] == ELFDATA2MSB;
	/* sections are not needed, and libelf refuses a whole file over a bad
	 * (or cap-truncated) section header table: hide it. zero is zero in
	 * either byte order.
	 */
	if (buf[EI_CLASS] == ELFCLASS64) {
		memset(buf + offsetof(Elf64_Ehdr, e_shoff), 0, sizeof(Elf64_Off));
		memset(buf + offsetof(Elf64_Ehdr, e_shnum), 0, 2 * sizeof(Elf64_Half));
	} else {
		memset(buf + offsetof(Elf32_Ehdr, e_shoff), 0, sizeof(Elf32_Off));
		memset(buf + offsetof(Elf32_Ehdr, e_shnum), 0, 2 * sizeof(Elf32_Half));
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	c.elf = elf_memory((char *)buf, len);
	if (!c.elf || elf_kind(c.elf) != ELF_K_ELF || !gelf_getehdr(c.elf, &eh))
		goto bad;
	out->machine = eh.e_machine;
	out->type = eh.e_type;

	entsz = gelf_fsize(c.elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (!eh.e_phnum)
		goto out;
	/* like the kernel: a table that does not fit is no table. 0xffff
	 * (PN_XNUM) keeps its count in section 0, which we hid: none.
	 */
	if (eh.e_phentsize != entsz || eh.e_phoff > len ||
	    eh.e_phnum > (len - eh.e_phoff) / entsz)
		goto bad;
	need(&c, eh.e_phoff, (uint64_t)eh.e_phnum * entsz);
	if (elf_getphdrnum(c.elf, &pn) || pn != eh.e_phnum)
		goto bad;
	c.phnum = pn;
	if (c.phnum > ELF_PHNUM_MAX) {
		c.phnum = ELF_PHNUM_MAX;
		out->flags |= ELF_F_MALFORMED;
	}
	for (i = 0; i < c.phnum; i++) {
		if (!gelf_getphdr(c.elf, (int)i, &ph)) {
			out->flags |= ELF_F_MALFORMED;
			continue;
		}
		switch (ph.p_type) {
		case PT_INTERP: {
			/* the kernel takes the first one */
			size_t n = got_interp ? 0 : seg_avail(&c, ph.p_offset, ph.p_filesz);

			need(&c, ph.p_offset, n < sizeof(out->interp) ? n : sizeof(out->interp));
			if (n)
				copy_str(out->interp, sizeof(out->interp), buf + ph.p_offset, n, &out->flags);
			else if (!got_interp)
				out->flags |= ELF_F_MALFORMED;
			got_interp = true;
			break;
		}
		case PT_DYNAMIC:
			/* ld.so (dl-load.c, rtld.c) keeps the last one */
			out->flags |= ELF_F_DYNAMIC;
			dyn = ph;
			got_dyn = true;
			break;
		case PT_NOTE:
			scan_notes(&c, &ph);
			break;
		}
	}
	if (got_dyn)
		scan_dynamic(&c, &dyn);
	goto out;
bad:
	out->flags |= ELF_F_MALFORMED;
out:
	elf_end(c.elf);
	return 0;
}

/* emulate fs/binfmt_script.c: only the first 256 bytes count, and a path
 * cut at that limit is refused rather than run truncated
 */
static int inspect_script(const unsigned char *p, size_t len, struct elf_info *out)
{
	char b[BINPRM_BUF + 1] = { 0 };
	size_t end, i, start;
	char *nl;

	memcpy(b, p, len < BINPRM_BUF ? len : BINPRM_BUF);
	out->kind = ELF_KIND_SCRIPT;
	nl = memchr(b, '\n', BINPRM_BUF);
	if (nl) {
		end = (size_t)(nl - b);
	} else {
		end = BINPRM_BUF - 1;
		if (len > BINPRM_BUF)
			out->flags |= ELF_F_TRUNCATED;
	}
	for (i = 2; i < end && (b[i] == ' ' || b[i] == '\t'); i++)
		;
	for (start = i; i < end && b[i] != ' ' && b[i] != '\t' && b[i]; i++)
		;
	memcpy(out->interp, b + start, i - start);
	if (i == start)
		out->flags |= ELF_F_MALFORMED;
	else if (!nl && i == end && b[i] != ' ' && b[i] != '\t' && b[i])
		out->flags |= ELF_F_MALFORMED | ELF_F_TRUNCATED;
	return 0;
}

static int inspect(unsigned char *buf, size_t len, bool owned, struct elf_info *out)
{
	unsigned char *copy;
	int err;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && buf[0] == '#' && buf[1] == '!')
		return inspect_script(buf, len, out);
	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (owned)
		return inspect_elf(buf, len, NULL, out);
	/* libelf wants a writable image, and we clear the section fields */
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	err = inspect_elf(copy, len, NULL, out);
	free(copy);
	return err;
}

int elf_inspect_mem(const void *buf, size_t len, struct elf_info *out)
{
	return inspect((unsigned char *)buf, len, false, out);
}

/* see elfinfo.h */
int elf_pread_exact(int fd, void *buf, size_t n, uint64_t off)
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

/* fd's size when it is a regular file: -EISDIR, -EINVAL for other types */
int elf_regular_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* see elfinfo.h */
int elf_read_capped(int fd, size_t cap, unsigned char **bufp, size_t *lenp, bool *truncated)
{
	unsigned char *buf;
	size_t want, got = 0;
	uint64_t size;
	ssize_t r;
	int err;

	if (!cap)
		cap = ELF_READ_CAP;
	err = elf_regular_size(fd, &size);
	if (err)
		return err;
	want = size > cap ? cap : (size_t)size;
	buf = malloc(want ? want : 1);
	if (!buf)
		return -ENOMEM;
	while (got < want) {
		r = pread(fd, buf + got, want - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (!r)
			break;	/* shrank since fstat */
		got += (size_t)r;
	}
	*bufp = buf;
	*lenp = got;
	*truncated = got < want || size > cap;
	return 0;
}

/* a span of more than LAZY_MIN bytes: mapped, and read where inspect_elf looks */
static int inspect_lazy(int fd, size_t len, struct elf_info *out)
{
	struct lazy lz = { .fd = fd };
	struct ctx head;
	unsigned char *map;
	int err;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	lz.have = calloc(len / PAGE / 8 + 1, 1);
	if (!lz.have) {
		munmap(map, len);
		return -ENOMEM;
	}
	head = (struct ctx){ .buf = map, .len = len, .lz = &lz };
	need(&head, 0, LAZY_HEAD);
	err = lz.err;
	if (!err && (memcmp(map, ELFMAG, SELFMAG) || lz.shrank))
		err = -ENOEXEC;	/* a #! script or a short file is never this long */
	if (!err)
		err = inspect_elf(map, len, &lz, out);
	if (!err && lz.err)
		err = lz.err;
	if (!err && lz.shrank)
		out->flags |= ELF_F_TRUNCATED;
	free(lz.have);
	munmap(map, len);
	return err;
}

int elf_inspect_fd(int fd, size_t cap, struct elf_info *out)
{
	unsigned char *buf = NULL, magic[2];
	bool truncated = false;
	size_t got = 0;
	uint64_t size;
	int err;

	memset(out, 0, sizeof(*out));
	if (!cap)
		cap = ELF_SPAN_MAX;
	err = elf_regular_size(fd, &size);
	if (err)
		return err;
	if (size > LAZY_MIN && cap > LAZY_MIN && pread(fd, magic, 2, 0) == 2) {
		if (magic[0] != '#' || magic[1] != '!') {
			err = inspect_lazy(fd, size > cap ? cap : (size_t)size, out);
			if (!err && size > cap)
				out->flags |= ELF_F_TRUNCATED;
			return err;
		}
		cap = LAZY_MIN;	/* the kernel reads 256 bytes of a #! line */
	}
	err = elf_read_capped(fd, cap, &buf, &got, &truncated);
	if (err)
		return err;
	err = inspect(buf, got, true, out);
	if (!err && truncated && out->kind == ELF_KIND_ELF)
		out->flags |= ELF_F_TRUNCATED;
	free(buf);
	return err;
}

int elf_open_in_root(int rootfd, const char *path, int *fdp)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char proc[64];
	struct stat st;
	int pfd, fd, err;

	*fdp = -1;
	if (rootfd < 0)
		return -EBADF;	/* an unreachable root: never the host's file instead */
	/* O_PATH first: opening a device node for real runs its driver's open
	 * (think /dev/watchdog), and a container chooses what PT_INTERP names
	 */
	pfd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (pfd < 0)
		return -errno;
	if (fstat(pfd, &st)) {
		err = -errno;
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto cleanup;
	}
	/* reopen the same inode, not the path: nothing can be swapped in */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	*fdp = fd;
	err = 0;
cleanup:
	close(pfd);
	return err;
}

const char *elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_PPC: return "ppc";
	case EM_S390: return "s390";
	case EM_MIPS: return "mips";
	case EM_SPARCV9: return "sparc64";
	case EM_LOONGARCH: return "loongarch";
	}
	return NULL;
}
