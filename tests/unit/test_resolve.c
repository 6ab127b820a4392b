/* test_resolve.c: resolve.c against a fake root built in a temporary
 * directory (directories, minimal ELF headers of both classes, a crafted
 * ld.so.cache): glibc's order, RPATH inheritance, RUNPATH, LD_LIBRARY_PATH
 * and secure mode, DST expansion, the candidates passed over and the ones
 * that end a load; then this host's root for libc.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefile.h"
#include "resolve.h"

static char root[64];
static int rootfd = -1;

static const char *const sysdirs[] = {
	"/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/", NULL,
};

static struct resolve_env env;

static void path_in(char *p, size_t n, const char *rel)
{
	snprintf(p, n, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
}

/* mkdir -p of rel's directory inside the root */
static void mkparent(const char *rel)
{
	char p[512];

	path_in(p, sizeof(p), rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
}

static void mkdir_in(const char *rel)
{
	char p[512];

	mkparent(rel);
	path_in(p, sizeof(p), rel);
	cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
}

static void file_in(const char *rel, const void *b, size_t n)
{
	char p[512];
	int fd;

	mkparent(rel);
	path_in(p, sizeof(p), rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "%s", p);
	cr_assert_eq(write(fd, b, n), (ssize_t)n);
	close(fd);
}

/* an ELF header ld.so's open_verify takes (no program headers), in 128 bytes */
static void elf_header(unsigned char h[128], int cls, uint16_t machine)
{
	static const unsigned char ident[] = { 0x7f, 'E', 'L', 'F', 0, ELFDATA2LSB, EV_CURRENT };
	uint16_t type = ET_DYN, ehsize = 64, phentsize = 56;
	uint32_t version = EV_CURRENT;

	memset(h, 0, 128);
	memcpy(h, ident, sizeof(ident));
	h[EI_CLASS] = (unsigned char)cls;
	memcpy(h + 16, &type, 2);
	memcpy(h + 18, &machine, 2);
	memcpy(h + 20, &version, 4);
	if (cls == ELFCLASS64) {
		memcpy(h + 52, &ehsize, 2);
		memcpy(h + 54, &phentsize, 2);
	}
}

static void elf_in(const char *rel, int cls, uint16_t machine)
{
	unsigned char h[128];

	elf_header(h, cls, machine);
	file_in(rel, h, sizeof(h));
}

static void lib64(const char *rel)
{
	elf_in(rel, ELFCLASS64, EM_X86_64);
}

static void link_in(const char *rel, const char *target)
{
	char p[512];

	mkparent(rel);
	path_in(p, sizeof(p), rel);
	cr_assert_eq(symlink(target, p), 0);
}

static void mkroot(void)
{
	strcpy(root, "/tmp/ldwatch-resolve-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
	mkdir_in("/lib/x86_64-linux-gnu");
	mkdir_in("/usr/lib/x86_64-linux-gnu");
	mkdir_in("/work");
	memset(&env, 0, sizeof(env));
	env.sysdirs = sysdirs;
	env.lib = "lib/x86_64-linux-gnu";
	env.platform = "haswell";
	env.cwd = "/work";
	env.ei_class = ELFCLASS64;
	env.machine = EM_X86_64;
}

static void rmroot(void)
{
	char cmd[128];

	if (rootfd >= 0)
		close(rootfd);
	rootfd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(resolve, .init = mkroot, .fini = rmroot);

static struct elf_info *info(const char *rpath, const char *runpath)
{
	struct elf_info *i = calloc(1, sizeof(*i));

	cr_assert_not_null(i);
	i->kind = ELF_KIND_ELF;
	i->ei_class = ELFCLASS64;
	i->machine = EM_X86_64;
	if (rpath) {
		snprintf(i->rpath, sizeof(i->rpath), "%s", rpath);
		i->dyn |= ELF_DYN_RPATH;
	}
	if (runpath) {
		snprintf(i->runpath, sizeof(i->runpath), "%s", runpath);
		i->dyn |= ELF_DYN_RUNPATH;
	}
	return i;
}

/* "from:path=result ..." of every candidate, for exact assertions */
static const char *trace(const struct resolve_name *n)
{
	static char buf[8192];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n->n_cand; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%s=%s", i ? " " : "",
					resolve_from_name(n->cand[i].from), n->cand[i].path,
					resolve_result_name(n->cand[i].result));
	return buf;
}

static void run(const struct resolve_object *obj, const struct resolve_object *loaders, unsigned nl,
		const struct resolve_object *main, const char *name, struct resolve_name *out)
{
	cr_assert_eq(resolve__name(rootfd, obj, loaders, nl, main, &env, name, out), 0);
}

static const char *chosen(const struct resolve_name *n)
{
	return n->chosen >= 0 ? n->cand[n->chosen].path : "(none)";
}

Test(resolve, rpath_then_ld_library_path_then_default)
{
	struct resolve_object exe = { info("/r1:/r2", NULL), "/app/bin/prog" };
	struct resolve_name n;

	mkdir_in("/r2");
	lib64("/llp/libx.so");
	lib64("/lib/x86_64-linux-gnu/libx.so");
	env.ld_library_path = "/llp";
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_OK);
	cr_assert_str_eq(trace(&n), "rpath:/r1/libx.so=ENOENT rpath:/r2/libx.so=ENOENT "
				    "ld_library_path:/llp/libx.so=found");
	cr_assert_str_eq(n.cand[0].entry, "/r1");
	cr_assert_str_eq(n.cand[0].dir, "/r1/");
	cr_assert_eq(n.cand[0].err, ENOENT);
	cr_assert_eq(n.cand[0].owner, 0);
	resolve_name_free(&n);

	/* no LD_LIBRARY_PATH: no cache here, the default directories */
	env.ld_library_path = NULL;
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(chosen(&n), "/lib/x86_64-linux-gnu/libx.so");
	cr_assert_eq(n.cand[n.chosen].from, RESOLVE_FROM_DEFAULT);
	cr_assert_eq(n.flags, RESOLVE_F_NO_CACHE);
	resolve_name_free(&n);

	/* nowhere: ld.so's "cannot open shared object file: No such file or directory" */
	run(&exe, NULL, 0, &exe, "libnone.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	cr_assert_eq(n.err, ENOENT);
	cr_assert_eq(n.chosen, -1);
	cr_assert_eq(n.n_cand, 6);
	cr_assert_str_eq(n.cand[5].path, "/usr/lib/libnone.so");
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, runpath_voids_rpath_and_comes_after_ld_library_path)
{
	struct resolve_object exe = { info("/rp", "/run"), "/app/bin/prog" };
	struct resolve_name n;

	lib64("/rp/libx.so");
	lib64("/run/libx.so");
	lib64("/llp/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "runpath:/run/libx.so=found");
	resolve_name_free(&n);
	env.ld_library_path = "/llp";
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "ld_library_path:/llp/libx.so=found");
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, rpath_inherited_up_the_chain_runpath_not)
{
	struct resolve_object exe = { info("/exe-rp", NULL), "/app/bin/prog" };
	struct resolve_object mid = { info("/mid-rp", NULL), "/opt/lib/libmid.so" };
	struct resolve_object lib = { info(NULL, NULL), "/opt/lib/liblib.so" };
	struct resolve_object chain[] = { mid, exe };
	struct resolve_name n;

	lib64("/exe-rp/libdeep.so");
	run(&lib, chain, 2, &exe, "libdeep.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/mid-rp/libdeep.so=ENOENT rpath:/exe-rp/libdeep.so=found");
	cr_assert_eq(n.cand[0].owner, 1);
	cr_assert_eq(n.cand[1].owner, 2);
	resolve_name_free(&n);

	/* the executable out of the chain (a dlopen'd branch): still tried, last */
	run(&lib, chain, 1, &exe, "libdeep.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/mid-rp/libdeep.so=ENOENT rpath:/exe-rp/libdeep.so=found");
	cr_assert_eq(n.cand[1].owner, RESOLVE_OWNER_MAIN);
	resolve_name_free(&n);

	/* a DT_RUNPATH in the object: no DT_RPATH at all, its own or inherited */
	strcpy(((struct elf_info *)lib.info)->runpath, "/lib-run");
	((struct elf_info *)lib.info)->dyn |= ELF_DYN_RUNPATH;
	run(&lib, chain, 2, &exe, "libdeep.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	cr_assert_str_eq(n.cand[0].path, "/lib-run/libdeep.so");
	cr_assert_eq(n.cand[0].from, RESOLVE_FROM_RUNPATH);
	resolve_name_free(&n);

	/* a loader's DT_RUNPATH is not inherited, and voids that loader's DT_RPATH */
	((struct elf_info *)lib.info)->dyn = 0;
	((struct elf_info *)mid.info)->dyn |= ELF_DYN_RUNPATH;
	strcpy(((struct elf_info *)mid.info)->runpath, "/exe-rp");
	chain[0] = mid;
	run(&lib, chain, 2, &exe, "libdeep.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/exe-rp/libdeep.so=found");
	cr_assert_eq(n.cand[0].owner, 2);
	resolve_name_free(&n);
	free((void *)exe.info);
	free((void *)mid.info);
	free((void *)lib.info);
}

Test(resolve, ld_library_path_ignored_when_secure)
{
	struct resolve_object exe = { info(NULL, NULL), "/usr/bin/prog" };
	struct resolve_name n;

	lib64("/llp/libx.so");
	lib64("/usr/lib/libx.so");
	env.ld_library_path = "/llp";
	env.secure = 1;
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(chosen(&n), "/usr/lib/libx.so");
	cr_assert_eq(n.cand[0].from, RESOLVE_FROM_DEFAULT);
	resolve_name_free(&n);
	/* ':' and ';' both separate; an empty element is the working directory */
	env.secure = 0;
	env.ld_library_path = "/nope;:/llp";
	lib64("/work/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "ld_library_path:/nope/libx.so=ENOENT ld_library_path:libx.so=found");
	cr_assert_str_eq(n.cand[1].dir, "");
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, origin_lib_and_platform_expanded)
{
	struct resolve_object exe = { info("$ORIGIN/../lib:${ORIGIN}/sub//:/x/$LIB:/y/$PLATFORM:$ORIGINAL",
					   NULL), "/app/bin/prog" };
	struct resolve_name n;

	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/app/bin/../lib/libx.so=ENOENT rpath:/app/bin/sub/libx.so=ENOENT "
				    "rpath:/x/lib/x86_64-linux-gnu/libx.so=ENOENT rpath:/y/haswell/libx.so=ENOENT "
				    "rpath:$ORIGINAL/libx.so=ENOENT default:/lib/x86_64-linux-gnu/libx.so=ENOENT "
				    "default:/usr/lib/x86_64-linux-gnu/libx.so=ENOENT default:/lib/libx.so=ENOENT "
				    "default:/usr/lib/libx.so=ENOENT");
	cr_assert_str_eq(n.cand[0].entry, "$ORIGIN/../lib");
	cr_assert_str_eq(n.cand[1].entry, "${ORIGIN}/sub//");
	cr_assert_str_eq(n.cand[1].dir, "/app/bin/sub/");
	resolve_name_free(&n);

	/* a DST without a value drops the element; $ORIGIN of a relative path is the cwd's */
	env.platform = NULL;
	env.cwd = "/work";
	exe.path = "bin/prog";
	strcpy(((struct elf_info *)exe.info)->rpath, "/y/$PLATFORM:$ORIGIN");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.cand[0].path, "/work/bin/libx.so");
	resolve_name_free(&n);
	/* no path, no $ORIGIN */
	exe.path = NULL;
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.cand[0].from, RESOLVE_FROM_DEFAULT);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, secure_origin_only_leading_and_trusted)
{
	struct resolve_object exe = { info("$ORIGIN/../lib:/opt/$ORIGIN:$ORIGIN/sub", NULL),
				      "/usr/lib/x86_64-linux-gnu/pkg/prog" };
	struct resolve_object app = { info("$ORIGIN/../lib", NULL), "/app/bin/prog" };
	struct resolve_object lib = { info("$ORIGIN/../lib", NULL), "/app/lib/libq.so" };
	struct resolve_name n;

	env.secure = 1;
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	/* /usr/lib/x86_64-linux-gnu/pkg/../lib is /usr/lib/x86_64-linux-gnu/lib: trusted */
	cr_assert_str_eq(n.cand[0].path, "/usr/lib/x86_64-linux-gnu/pkg/../lib/libx.so");
	cr_assert_str_eq(n.cand[1].path, "/usr/lib/x86_64-linux-gnu/pkg/sub/libx.so");
	cr_assert_eq(n.cand[2].from, RESOLVE_FROM_DEFAULT);
	resolve_name_free(&n);
	/* the executable's $ORIGIN outside the system directories: dropped */
	run(&app, NULL, 0, &app, "libx.so", &n);
	cr_assert_eq(n.cand[0].from, RESOLVE_FROM_DEFAULT);
	resolve_name_free(&n);
	/* a library's leading $ORIGIN is kept (only the executable's is checked) */
	run(&lib, &app, 1, &app, "libx.so", &n);
	cr_assert_str_eq(n.cand[0].path, "/app/lib/../lib/libx.so");
	resolve_name_free(&n);
	free((void *)exe.info);
	free((void *)app.info);
	free((void *)lib.info);
}

Test(resolve, relative_rpath_is_the_working_directorys)
{
	struct resolve_object exe = { info("lib:../other", NULL), "/app/bin/prog" };
	struct resolve_name n;

	lib64("/work/lib/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:lib/libx.so=found");
	cr_assert_eq(n.flags, 0);
	resolve_name_free(&n);
	/* without a working directory it cannot be checked, and says so */
	env.cwd = NULL;
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.cand[0].path, "lib/libx.so");
	cr_assert_eq(n.cand[0].result, RESOLVE_UNCHECKED);
	cr_assert_eq(n.cand[1].result, RESOLVE_UNCHECKED);
	cr_assert_eq(n.flags & RESOLVE_F_UNCHECKED, RESOLVE_F_UNCHECKED);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, other_class_and_machine_passed_over)
{
	struct resolve_object exe = { info("/r32:/arm:/r64", NULL), "/app/bin/prog" };
	struct resolve_name n;

	elf_in("/r32/libx.so", ELFCLASS32, EM_386);
	elf_in("/arm/libx.so", ELFCLASS64, EM_AARCH64);
	lib64("/r64/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/r32/libx.so=wrong_class rpath:/arm/libx.so=wrong_machine "
				    "rpath:/r64/libx.so=found");
	cr_assert_eq(n.outcome, RESOLVE_OK);
	resolve_name_free(&n);
	/* only the other class: ld.so's "wrong ELF class: ELFCLASS32" */
	run(&exe, NULL, 0, &exe, "libx32.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	resolve_name_free(&n);
	elf_in("/lib/libonly32.so", ELFCLASS32, EM_386);
	run(&exe, NULL, 0, &exe, "libonly32.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_WRONG_CLASS_ONLY);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, name_with_a_slash_opened_as_given)
{
	struct resolve_object exe = { info("/rp", NULL), "/app/bin/prog" };
	struct resolve_name n;

	lib64("/opt/z/libz.so");
	lib64("/app/bin/libq.so");
	lib64("/work/sub/libr.so");
	run(&exe, NULL, 0, &exe, "/opt/z/libz.so", &n);
	cr_assert_str_eq(trace(&n), "path:/opt/z/libz.so=found");
	resolve_name_free(&n);
	run(&exe, NULL, 0, &exe, "$ORIGIN/libq.so", &n);
	cr_assert_str_eq(n.expanded, "/app/bin/libq.so");
	cr_assert_str_eq(trace(&n), "path:/app/bin/libq.so=found");
	cr_assert_str_eq(n.cand[0].entry, "$ORIGIN/libq.so");
	resolve_name_free(&n);
	run(&exe, NULL, 0, &exe, "sub/libr.so", &n);
	cr_assert_str_eq(trace(&n), "path:sub/libr.so=found");
	resolve_name_free(&n);
	run(&exe, NULL, 0, &exe, "/opt/z/libnone.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	cr_assert_eq(n.n_cand, 1);
	resolve_name_free(&n);
	/* dl-deps.c: a DST in a DT_NEEDED is refused in secure mode, skipped when empty */
	env.secure = 1;
	run(&exe, NULL, 0, &exe, "$ORIGIN/libq.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_FATAL);
	cr_assert_str_eq(n.why, "DST not allowed in SUID/SGID programs");
	resolve_name_free(&n);
	env.secure = 0;
	env.platform = NULL;
	run(&exe, NULL, 0, &exe, "$PLATFORM/libp.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_IGNORED);
	cr_assert_eq(n.n_cand, 0);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, a_bad_file_ends_the_load)
{
	struct resolve_object exe = { info("/bad:/good", NULL), "/app/bin/prog" };
	static const char script[] = "/* GNU ld script: libx is not a shared object */\n"
				     "INPUT(libx.so.1 AS_NEEDED(libx_nonshared.a))\n";
	unsigned char h[128] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT };
	struct resolve_name n;
	char p[512];

	file_in("/bad/libx.so", script, sizeof(script) - 1);	/* over 64 bytes */
	lib64("/good/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_FATAL);
	cr_assert_str_eq(n.why, "invalid ELF header");
	cr_assert_str_eq(trace(&n), "rpath:/bad/libx.so=bad_file");
	resolve_name_free(&n);

	file_in("/bad/libx.so", h, 40);
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.why, "file too short");
	resolve_name_free(&n);
	h[EI_OSABI] = 97;	/* ARM */
	file_in("/bad/libx.so", h, sizeof(h));
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.why, "ELF file OS ABI invalid");
	resolve_name_free(&n);
	h[EI_OSABI] = 0;
	h[EI_DATA] = ELFDATA2MSB;
	file_in("/bad/libx.so", h, sizeof(h));
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.why, "ELF file data encoding not little-endian");
	resolve_name_free(&n);
	h[EI_DATA] = ELFDATA2LSB;
	file_in("/bad/libx.so", h, sizeof(h));	/* e_version 0 */
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(n.why, "ELF file version does not match current one");
	resolve_name_free(&n);

	/* ld.so opens a directory, and its read fails */
	path_in(p, sizeof(p), "/bad/libx.so");
	cr_assert_eq(unlink(p), 0);
	mkdir_in("/bad/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_FATAL);
	cr_assert_str_eq(n.why, "cannot read file data");
	cr_assert_eq(n.cand[0].err, EISDIR);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, program_headers_past_the_end_end_the_load)
{
	struct resolve_object exe = { info("/bad", NULL), "/app/bin/prog" };
	uint16_t phnum = 3;
	uint64_t phoff = 64;
	struct resolve_name n;
	unsigned char h[128];

	elf_header(h, ELFCLASS64, EM_X86_64);
	memcpy(h + 32, &phoff, 8);
	memcpy(h + 56, &phnum, 2);
	file_in("/bad/libx.so", h, sizeof(h));	/* 64 + 3 * 56 > 128 */
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_FATAL);
	cr_assert_str_eq(n.why, "cannot read file data");
	resolve_name_free(&n);
	phnum = 1;
	memcpy(h + 56, &phnum, 2);
	file_in("/bad/libx.so", h, sizeof(h));
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.outcome, RESOLVE_OK);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, a_loop_on_the_directory_skips_the_rest_of_its_list)
{
	struct resolve_object exe = { info("/loop:/later", NULL), "/app/bin/prog" };
	struct resolve_name n;

	link_in("/loop/libx.so", "libx.so");
	lib64("/later/libx.so");
	lib64("/usr/lib/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/loop/libx.so=stop default:/lib/x86_64-linux-gnu/libx.so=ENOENT "
				    "default:/usr/lib/x86_64-linux-gnu/libx.so=ENOENT default:/lib/libx.so=ENOENT "
				    "default:/usr/lib/libx.so=found");
	cr_assert_eq(n.cand[0].err, ELOOP);
	resolve_name_free(&n);
	free((void *)exe.info);
}

Test(resolve, hwcaps_subdirectories_first)
{
	static const char *const subs[] = { "glibc-hwcaps/x86-64-v4/", "glibc-hwcaps/x86-64-v3/", NULL };
	struct resolve_object exe = { info("/rp", NULL), "/app/bin/prog" };
	struct resolve_name n;

	env.subdirs = subs;
	lib64("/rp/glibc-hwcaps/x86-64-v3/libh.so");
	lib64("/rp/libh.so");
	run(&exe, NULL, 0, &exe, "libh.so", &n);
	cr_assert_str_eq(trace(&n), "rpath:/rp/glibc-hwcaps/x86-64-v4/libh.so=ENOENT "
				    "rpath:/rp/glibc-hwcaps/x86-64-v3/libh.so=found");
	cr_assert_str_eq(n.cand[1].sub, "glibc-hwcaps/x86-64-v3/");
	cr_assert_str_eq(n.cand[1].dir, "/rp/");
	resolve_name_free(&n);
	/* a repeated directory is searched once per list */
	strcpy(((struct elf_info *)exe.info)->rpath, "/none:/none/:/rp");
	run(&exe, NULL, 0, &exe, "libh.so", &n);
	cr_assert_eq(n.n_cand, 5);
	cr_assert_str_eq(n.cand[2].path, "/none/libh.so");
	cr_assert_str_eq(n.cand[4].path, "/rp/glibc-hwcaps/x86-64-v3/libh.so");
	resolve_name_free(&n);
	free((void *)exe.info);
}

static void write_cache(const struct ent *e, unsigned n)
{
	struct cache c;

	build_new(&c, e, n, NULL, 0);
	file_in("/etc/ld.so.cache", c.b, c.len);
}

Test(resolve, cache_before_default_unless_nodeflib)
{
	static const struct ent ents[] = {
		{ "libsys.so.1", "/usr/lib/x86_64-linux-gnu/libsys.so.1", 0, 0 },
		{ "libgone.so.1", "/opt/gone/libgone.so.1", 0, 0 },
		{ "libc.so.6", "/opt/c/libc.so.6", 0, 0 },
	};
	struct resolve_object exe = { info(NULL, NULL), "/app/bin/prog" };
	struct ldcache_query q = { 0 };
	struct ldcache *lc;
	struct resolve_name n;

	write_cache(ents, 3);
	lib64("/opt/c/libc.so.6");
	lib64("/lib/libc.so.6");
	lib64("/usr/lib/x86_64-linux-gnu/libsys.so.1");
	lib64("/usr/lib/libgone.so.1");
	cr_assert_eq(ldcache__open_in_root(rootfd, NULL, &lc), 0);
	env.cache = lc;
	env.query = &q;
	run(&exe, NULL, 0, &exe, "libc.so.6", &n);
	cr_assert_str_eq(trace(&n), "cache:/opt/c/libc.so.6=found");
	cr_assert_str_eq(n.cand[0].entry, "/etc/ld.so.cache");
	resolve_name_free(&n);
	/* a cache entry that is gone: straight on to the default directories */
	run(&exe, NULL, 0, &exe, "libgone.so.1", &n);
	cr_assert_str_eq(n.cand[0].path, "/opt/gone/libgone.so.1");
	cr_assert_eq(n.cand[0].result, RESOLVE_ENOENT);
	cr_assert_str_eq(chosen(&n), "/usr/lib/libgone.so.1");
	resolve_name_free(&n);
	/* DF_1_NODEFLIB: no cache entry in a system directory, no default directory */
	((struct elf_info *)exe.info)->dyn |= ELF_DYN_NODEFLIB;
	run(&exe, NULL, 0, &exe, "libsys.so.1", &n);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	cr_assert_eq(n.n_cand, 0);
	resolve_name_free(&n);
	run(&exe, NULL, 0, &exe, "libc.so.6", &n);
	cr_assert_str_eq(chosen(&n), "/opt/c/libc.so.6");
	resolve_name_free(&n);
	ldcache__free(lc);
	free((void *)exe.info);
}

Test(resolve, object_walks_its_needed_in_order)
{
	struct resolve_object exe = { info("/rp", NULL), "/app/bin/prog" };
	struct elf_info *i = (struct elf_info *)exe.info;
	struct resolve_answer *a;

	i->n_needed = 3;
	strcpy(i->needed[0], "libone.so");
	strcpy(i->needed[1], "/abs/libtwo.so");
	strcpy(i->needed[2], "libthree.so");
	lib64("/rp/libone.so");
	lib64("/abs/libtwo.so");
	cr_assert_eq(resolve__object(rootfd, &exe, NULL, 0, &exe, &env, &a), 0);
	cr_assert_eq(a->n, 3);
	cr_assert_str_eq(a->names[0].name, "libone.so");
	cr_assert_str_eq(chosen(&a->names[0]), "/rp/libone.so");
	cr_assert_str_eq(chosen(&a->names[1]), "/abs/libtwo.so");
	cr_assert_eq(a->names[2].outcome, RESOLVE_NOT_FOUND);
	resolve_answer_free(a);
	env.ei_class = ELFCLASS32;
	cr_assert_eq(resolve__object(rootfd, &exe, NULL, 0, &exe, &env, &a), -ENOTSUP);
	cr_assert_null(a);
	free(i);
}

Test(resolve, names_for_output)
{
	cr_assert_str_eq(resolve_from_name(RESOLVE_FROM_LD_LIBRARY_PATH), "ld_library_path");
	cr_assert_str_eq(resolve_from_name(99), "?");
	cr_assert_str_eq(resolve_result_name(RESOLVE_WRONG_CLASS), "wrong_class");
	cr_assert_str_eq(resolve_result_name(0), "?");
}

/* this host as its own root: Debian's directories, its cache, libc through it */
Test(resolve, host_root_finds_libc_through_the_cache)
{
	int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct resolve_object exe = { NULL, "/usr/bin/true" };
	struct elf_info ti;
	struct resolve_host h;
	struct resolve_env e;
	struct resolve_name n;
	int fd;

	cr_assert_geq(host, 0);
	cr_assert_eq(elf_open_in_root(host, "/usr/bin/true", &fd), 0);
	cr_assert_eq(elf_inspect_fd(fd, 0, &ti), 0);
	close(fd);
	exe.info = &ti;
	resolve_env_host(&e, &h, host, 0);
	cr_assert_eq(h.cache_err, 0);
	cr_assert_eq(h.glibc_minor, 36);
	cr_assert_str_eq(e.sysdirs[0], "/lib/x86_64-linux-gnu/");
	cr_assert_str_eq(e.lib, "lib/x86_64-linux-gnu");
	if (h.cpu.isa & HWCAPS_ISA_V2)
		cr_assert_eq(strncmp(e.subdirs[0], "glibc-hwcaps/x86-64-v", 21), 0);
	cr_assert_eq(resolve__name(host, &exe, NULL, 0, &exe, &e, "libc.so.6", &n), 0);
	cr_assert_str_eq(trace(&n), "cache:/lib/x86_64-linux-gnu/libc.so.6=found");
	resolve_name_free(&n);
	resolve_host_free(&h);
	close(host);
}

Test(resolve, candidates_capped)
{
	static char subs_buf[19][32];
	static const char *subs[20];
	struct resolve_object exe = { info(NULL, NULL), "/app/bin/prog" };
	struct elf_info *i = (struct elf_info *)exe.info;
	struct resolve_name n;
	size_t len = 0;

	for (unsigned k = 0; k < 19; k++) {
		snprintf(subs_buf[k], sizeof(subs_buf[k]), "s%u/", k);
		subs[k] = subs_buf[k];
	}
	env.subdirs = subs;
	for (unsigned k = 0; len + 6 < sizeof(i->rpath); k++)
		len += (size_t)snprintf(i->rpath + len, sizeof(i->rpath) - len, "%s/%x", k ? ":" : "", k);
	i->dyn |= ELF_DYN_RPATH;
	lib64("/usr/lib/libx.so");
	run(&exe, NULL, 0, &exe, "libx.so", &n);
	cr_assert_eq(n.n_cand, RESOLVE_CAND_MAX);
	cr_assert_eq(n.flags & RESOLVE_F_TRUNCATED, RESOLVE_F_TRUNCATED);
	cr_assert_eq(n.outcome, RESOLVE_NOT_FOUND);
	resolve_name_free(&n);
	free(i);
}
