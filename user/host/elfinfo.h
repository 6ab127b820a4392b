/* elfinfo.h: what ldwatch learns from an executable, a library or a script.
 * every file is treated as hostile: bounded reads, no exec, no mmap, no dlopen.
 */
#ifndef LDWATCH_ELF_H
#define LDWATCH_ELF_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define ELF_NEEDED_MAX 64      /* DT_NEEDED entries kept */
#define ELF_STR_MAX    1024    /* bytes kept of one string (interp, needed name, rpath...) */
#define ELF_PHNUM_MAX  4096u       /* program headers walked at most */
#define ELF_READ_CAP   (64u << 20)  /* default cap on bytes read from one file */
#define ELF_SPAN_MAX   (1u << 30)   /* default span elf_inspect_fd parses (it reads only parts) */

enum elf_kind { ELF_KIND_OTHER = 0, ELF_KIND_ELF = 1, ELF_KIND_SCRIPT = 2 };

struct elf_info {
	int kind;                 /* enum elf_kind */
	uint8_t ei_class;         /* ELFCLASS32 / ELFCLASS64 (ELF only) */
	uint16_t machine;         /* e_machine */
	uint16_t type;            /* e_type */
	char interp[ELF_STR_MAX]; /* PT_INTERP, or a script's #! interpreter; "" if none */
	char rpath[ELF_STR_MAX];
	char runpath[ELF_STR_MAX];
	char soname[ELF_STR_MAX];
	unsigned n_needed;
	char needed[ELF_NEEDED_MAX][256];   /* names longer than 255 are truncated and flagged */
	uint32_t flags;           /* ELF_F_* below */
	uint32_t dyn;             /* ELF_DYN_* below */
};

#define ELF_F_TRUNCATED   0x1  /* a string, the needed list, or the file (cap) was cut short */
#define ELF_F_GO_BUILDID  0x2  /* has a Go build-ID note (name "Go\0\0", type 4) in a PT_NOTE segment */
#define ELF_F_DYNAMIC     0x4  /* has PT_DYNAMIC */
#define ELF_F_MALFORMED   0x8  /* something was out of bounds and was skipped */

/* dynamic section facts the loader's search depends on (elf_info.dyn) */
#define ELF_DYN_RPATH     0x1  /* has a DT_RPATH tag (its string may be empty) */
#define ELF_DYN_RUNPATH   0x2  /* has a DT_RUNPATH tag: ld.so then ignores DT_RPATH */
#define ELF_DYN_NODEFLIB  0x4  /* DF_1_NODEFLIB: no cache hit in, nor search of, the system directories */

/* parse bytes, no i/o. 0 for an ELF or a #! script (even a malformed one:
 * then ELF_F_MALFORMED), -ENOEXEC for anything else, -ENOMEM.
 * a script the kernel would refuse (no interpreter, path cut at 256 bytes)
 * is flagged ELF_F_MALFORMED.
 */
int elf_inspect_mem(const void *buf, size_t len, struct elf_info *out);

/* fd must be a regular file (fstat); parses its first min(size, cap) bytes
 * as elf_inspect_mem does. Files over 256 KiB are not read whole: only the
 * headers and what they point at (PT_INTERP, notes, the dynamic array, its
 * strings) are pread. cap 0 means ELF_SPAN_MAX. -EISDIR, -EINVAL for other
 * non-regular files, -ENOEXEC, -errno of a failed read.
 */
int elf_inspect_fd(int fd, size_t cap, struct elf_info *out);

/* open path for reading inside the tree rooted at rootfd: absolute symlinks
 * and ".." stay inside (RESOLVE_IN_ROOT), magic links refuse (-ELOOP).
 * only a regular file is opened for reading: -EISDIR for a directory,
 * -EINVAL for other types. needs openat2 (5.6+) and /proc.
 */
/* file offsets of defined functions (.dynsym, then .symtab) for uprobes:
 * offs[i] = 0 where names[i] is absent. -ENOENT when none is found.
 */
int elf_func_offsets(int fd, size_t cap, const char *const *names, unsigned n, uint64_t *offs);

int elf_open_in_root(int rootfd, const char *path, int *fdp);

/*
 * A Go binary's build info (Go 1.18+ layout, "\xff Go buildinf:"): the
 * module that holds package pkg (the longest module path that is pkg or its
 * prefix), as "VERSION" or "VERSION => REPLACEMENT [VERSION]", into out.
 * Only the first writable load segment is read (bounded). 0, -ENOENT when
 * no build info or no module of it, -errno.
 */
int elf_go_module_of(int fd, const char *pkg, char *out, size_t cap);

/*
 * Symbol versions as ld.so reads them, from the dynamic array (sections or
 * not), in bounded preads: what the object needs of each file (DT_VERNEED,
 * in file order) and what it defines (DT_VERDEF, less the base entry).
 * 64-bit little-endian objects only (-ENOTSUP otherwise); -ENOEXEC, -ENOMEM.
 * A bad entry ends its walk and is flagged, never read out of bounds.
 */
struct elf_ver_need {
	char *file;		/* vn_file: the DT_NEEDED name it is required of */
	char *name;		/* "GLIBC_2.38" */
	int weak;		/* VER_FLG_WEAK: ld.so only warns */
};
struct elf_versions {
	struct elf_ver_need *need;
	unsigned n_need;
	char **def;
	unsigned n_def;
	uint32_t flags;		/* ELF_VER_F_* */
};
#define ELF_VER_F_HAS_DEF	0x1	/* has DT_VERDEF (without one ld.so checks nothing) */
#define ELF_VER_F_MALFORMED	0x2
#define ELF_VER_F_TRUNCATED	0x4	/* a name over 255 bytes was left out */
int elf_versions_read(int fd, struct elf_versions *v);
void elf_versions_free(struct elf_versions *v);
int elf_versions_defines(const struct elf_versions *v, const char *name);
/* the newest definition PREFIX<number>... ("GLIBC_" -> "GLIBC_2.36"), or NULL */
const char *elf_versions_max(const struct elf_versions *v, const char *prefix);

/*
 * the highest version a library defines (DT_VERDEF) among those named
 * PREFIX<number>... ("GLIBC_" -> "2.36"), into out: 0, -ENOENT, -errno
 */
int elf_verdef_max(int fd, const char *prefix, char *out, size_t cap);

/* exactly n bytes at off, or -errno (-EIO: the file ends first) */
int elf_pread_exact(int fd, void *buf, size_t n, uint64_t off);

/* "x86-64", "i386", "aarch64", "arm", "riscv", "ppc64", "s390"... or NULL */
const char *elf_machine_name(uint16_t machine);

/* a regular file's first min(size, cap) bytes (cap 0: ELF_READ_CAP) into a
 * malloc'd *bufp; *truncated when the file is larger or shrank meanwhile
 */
int elf_read_capped(int fd, size_t cap, unsigned char **bufp, size_t *lenp, bool *truncated);

/* a regular file's size, or -errno (a FIFO or device is never read) */
int elf_regular_size(int fd, uint64_t *size);

#endif /* LDWATCH_ELF_H */
