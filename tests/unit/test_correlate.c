#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "correlate.h"
#include "story.h"
#include <gnu/libc-version.h>

static char tmp[] = "/tmp/lw-corr-XXXXXX";
static char mountinfo[64];
static uint64_t kernel_lost;	/* what the kernel's loss counter says */

static uint64_t fake_losses(void *ctx)
{
	(void)ctx;
	return kernel_lost;
}

/* a scratch folder, and in it a recorded mountinfo: /tmp/ne is a noexec tmpfs */
static void make_tmp(void)
{
	FILE *f;

	kernel_lost = 0;
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", tmp);
	f = fopen(mountinfo, "w");
	cr_assert_not_null(f);
	fprintf(f, "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n");
	fprintf(f, "90 22 0:50 / /tmp/ne rw,nosuid,nodev,noexec,relatime shared:60 - tmpfs tmpfs rw\n");
	fprintf(f, "91 22 0:51 / /tmp/with\\040space rw,relatime - tmpfs tmpfs rw\n");
	fclose(f);
}

static void setup(void)
{
	make_tmp();
	story_begin((struct corr_ops){ .losses = fake_losses, .mountinfo = mountinfo });
}

static void teardown(void)
{
	char cmd[128];

	story_end();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	cr_assert_eq(system(cmd), 0);
	strcpy(tmp, "/tmp/lw-corr-XXXXXX");
}

/* a file of exactly mode holding len bytes in the scratch folder; its path in path */
static void tmp_bytes(char *path, size_t cap, const char *name, mode_t mode, const void *buf,
		      size_t len)
{
	int fd;

	snprintf(path, cap, "%s/%s", tmp, name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, mode);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void tmp_file(char *path, size_t cap, const char *name, mode_t mode, const char *text)
{
	tmp_bytes(path, cap, name, mode, text, strlen(text));
}

/* a 64-bit executable in the scratch folder whose one program header is PT_INTERP interp */
static void tmp_elf(char *path, size_t cap, const char *name, const char *interp)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		char interp[128];
	} img = {
		.eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
				     EV_CURRENT },
			.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			.e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
			.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1 },
		.ph = { .p_type = PT_INTERP, .p_offset = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr),
			.p_filesz = strlen(interp) + 1, .p_align = 1 },
	};

	cr_assert_lt(strlen(interp), sizeof(img.interp));
	strcpy(img.interp, interp);
	tmp_bytes(path, cap, name, 0755, &img, sizeof(img));
}

/* a directory in the scratch folder; its path in path */
static void tmp_dir(char *path, size_t cap, const char *name)
{
	snprintf(path, cap, "%s/%s", tmp, name);
	cr_assert_eq(mkdir(path, 0755), 0);
}

/* a script run.sh of mode whose #! interpreter is a directory, bin/; their paths */
static void tmp_script_of_dir(char script[128], char dir[128], mode_t mode)
{
	char text[192];

	tmp_dir(dir, 128, "bin");
	snprintf(text, sizeof(text), "#!%s\necho hi\n", dir);
	tmp_file(script, 128, "run.sh", mode, text);
}

/* glibc's walk for one name over two directories, as recorded on Debian 12 */
static void walk_misses(uint32_t pid, const char *name, int err)
{
	static const char *const dirs[] = { "/opt/app/lib", "/usr/lib/x86_64-linux-gnu" };
	char p[256];

	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/glibc-hwcaps/x86-64-v3/%s", dirs[i], name);
		lookup(pid, LW_OP_OPENAT, p, -err);
		snprintf(p, sizeof(p), "%s/glibc-hwcaps/x86-64-v3", dirs[i]);
		lookup(pid, LW_OP_FSTATAT, p, -ENOENT);
		snprintf(p, sizeof(p), "%s/%s", dirs[i], name);
		lookup(pid, LW_OP_OPENAT, p, -err);
	}
}

#define GLIBC_MSG "/opt/app/prog: error while loading shared libraries: libfoo.so.1: " \
	"cannot open shared object file: No such file or directory"

TestSuite(correlate, .init = setup, .fini = teardown);

Test(correlate, missing_library_from_message_and_exit)
{
	exec_(10, "/opt/app/prog");
	lookup(10, LW_OP_ACCESS, "/etc/ld.so.preload", -ENOENT);
	walk_misses(10, "libfoo.so.1", ENOENT);
	says(10, GLIBC_MSG "\n");
	expect_no_finding();	/* no verdict before the outcome */
	exits(10, 127);
	/* only lookups of that name, in order: the directory stats are not attempts */
	expect_only_finding(.kind = "missing-library", .severity = "error",
			    .object = "libfoo.so.1", .message = GLIBC_MSG, .exe = "/opt/app/prog",
			    .err = ENOENT, .exit_code = 127, .n_attempts = 4,
			    .first_attempt = "/opt/app/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1");
}

Test(correlate, a_loss_during_the_exec_marks_its_finding)
{
	corr_set_loss_mark(story.corr, 0);
	exec_(12, "/opt/app/prog");
	walk_misses(12, "libfoo.so.1", ENOENT);
	kernel_lost = 3;	/* records dropped while it ran: some may be its own */
	says(12, GLIBC_MSG "\n");
	exits(12, 127);
	expect_only_finding(.kind = "missing-library", .incomplete = "events-lost");
}

Test(correlate, a_loss_before_the_exec_leaves_its_finding_whole)
{
	kernel_lost = 3;
	corr_set_loss_mark(story.corr, 3);	/* read before the batch holding its exec */
	exec_(13, "/opt/app/prog");
	walk_misses(13, "libfoo.so.1", ENOENT);
	says(13, GLIBC_MSG "\n");
	exits(13, 127);
	expect_only_finding(.incomplete = "");
}

Test(correlate, misses_then_hit_is_noise)
{
	exec_(11, "/opt/app/prog");
	walk_misses(11, "libfoo.so.1", ENOENT);
	lookup(11, LW_OP_OPENAT, "/usr/local/lib/libfoo.so.1", 3);
	exits(11, 0);
	expect_no_finding();
}

Test(correlate, exit_127_of_its_own_is_not_a_finding)
{
	exec_(12, "/usr/bin/tool");
	lookup(12, LW_OP_OPENAT, "/etc/tool.conf", -ENOENT);
	says(12, "tool: command failed\n");
	exits(12, 127);
	expect_no_finding();
}

Test(correlate, loader_text_without_loader_exit_is_not_a_finding)
{
	/* a program that prints ld.so's words itself and exits 1 */
	exec_(13, "/usr/bin/echoer");
	says(13, GLIBC_MSG "\n");
	exits(13, 1);
	expect_no_finding();
}

Test(correlate, eacces_candidate_beats_the_loader_wording)
{
	char lib[128];

	tmp_file(lib, sizeof(lib), "libfoo.so.1", 0600, "");
	/* the unprivileged run: another uid meets a 0600 candidate we own */
	story.uid = getuid() == 65534 ? 65533 : 65534;
	exec_(14, "/opt/app/prog");
	walk_misses(14, "libfoo.so.1", ENOENT);
	lookup(14, LW_OP_OPENAT, lib, -EACCES);
	says(14, GLIBC_MSG "\n");
	exits(14, 127);
	expect_only_finding(.kind = "permission-denied", .cause = "file-mode", .object = lib,
			    .err = EACCES);
}

Test(correlate, noexec_mmap_names_file_and_mount)
{
	exec_(15, "/opt/app/prog");
	lookup(15, LW_OP_OPENAT, "/tmp/ne/libfoo.so.1", 3);
	mmap_fails(15, "/tmp/ne/libfoo.so.1", -EPERM, LW_MMAP_MNT_NOEXEC);
	says(15, "/opt/app/prog: error while loading shared libraries: libfoo.so.1: "
	     "failed to map segment from shared object\n");
	exits(15, 127);
	expect_only_finding(.kind = "permission-denied", .cause = "noexec-mount",
			    .object = "/tmp/ne/libfoo.so.1", .mount = "/tmp/ne", .err = EPERM);
}

Test(correlate, search_path_naming_the_library_file_is_not_a_directory)
{
	char lib[128], cand[256];

	tmp_file(lib, sizeof(lib), "libfoo.so.1", 0644, "");
	exec_(16, "/opt/app/prog");
	snprintf(cand, sizeof(cand), "%s/glibc-hwcaps/x86-64-v3/libfoo.so.1", lib);
	lookup(16, LW_OP_OPENAT, cand, -ENOTDIR);
	snprintf(cand, sizeof(cand), "%s/libfoo.so.1", lib);
	lookup(16, LW_OP_OPENAT, cand, -ENOTDIR);
	walk_misses(16, "libfoo.so.1", ENOENT);
	says(16, GLIBC_MSG "\n");
	exits(16, 127);
	expect_only_finding(.kind = "not-a-directory", .object = lib, .err = ENOTDIR);
}

Test(correlate, unrelated_file_in_search_path_stays_missing_library)
{
	char other[128], cand[256];

	tmp_file(other, sizeof(other), "notes.txt", 0644, "");
	exec_(17, "/opt/app/prog");
	snprintf(cand, sizeof(cand), "%s/libfoo.so.1", other);
	lookup(17, LW_OP_OPENAT, cand, -ENOTDIR);
	walk_misses(17, "libfoo.so.1", ENOENT);
	says(17, GLIBC_MSG "\n");
	exits(17, 127);
	expect_only_finding(.kind = "missing-library", .first_attempt = cand);
}

Test(correlate, missing_preload_is_a_warning_decided_at_once)
{
	exec_(18, "/usr/bin/true");
	lookup(18, LW_OP_OPENAT, "/opt/nope.so", -ENOENT);
	says(18, "ERROR: ld.so: object '/opt/nope.so' from LD_PRELOAD cannot be "
	     "preloaded (cannot open shared object file): ignored.\n");
	expect_only_finding(.kind = "missing-preload", .severity = "warning",
			    .object = "/opt/nope.so", .n_attempts = 1);
	exits(18, 0);
	expect_findings(1);
}

Test(correlate, musl_message_in_pieces)
{
	exec_(19, "/opt/app/mprog");
	lookup(19, LW_OP_OPEN, "/lib/libfoo.so", -ENOENT);
	says(19, "Error loading shared library libfoo.so");
	says(19, ": No such file or directory (needed by /opt/app/mprog)");
	says(19, "\n");
	exits(19, 127);
	expect_only_finding(.kind = "missing-library", .object = "libfoo.so",
			    .needed_by = "/opt/app/mprog");
}

Test(correlate, missing_script_interpreter)
{
	char script[128];

	tmp_file(script, sizeof(script), "run.sh", 0755, "#!/nonexistent/bin/sh\necho hi\n");
	lookup(20, LW_OP_EXECVE, script, -ENOENT);
	exits(20, 127);
	expect_only_finding(.kind = "missing-interpreter", .object = "/nonexistent/bin/sh",
			    .exe = script, .err = ENOENT, .cause = "");
}

/* binfmt_script keeps the \r of a CRLF line in the name: "/bin/sh\r" is looked for */
Test(correlate, crlf_shebang_is_its_line_endings)
{
	char script[128], fix[320];

	tmp_file(script, sizeof(script), "run.sh", 0755, "#!/bin/sh\r\necho hi\r\n");
	lookup(20, LW_OP_EXECVE, script, -ENOENT);
	exits(20, 127);
	snprintf(fix, sizeof(fix), "dos2unix %s (or sed -i 's/\\r$//' %s)", script, script);
	expect_only_finding(.kind = "missing-interpreter", .cause = "crlf-line-endings",
			    .object = "/bin/sh\r", .exe = script, .err = ENOENT, .hint_has = fix,
			    .hint_lacks = "does not exist either");
}

Test(correlate, crlf_shebang_of_an_absent_interpreter_says_both)
{
	char script[128];

	tmp_file(script, sizeof(script), "run.sh", 0755, "#!/nonexistent/bin/sh\r\n");
	lookup(20, LW_OP_EXECVE, script, -ENOENT);
	exits(20, 127);
	expect_only_finding(.kind = "missing-interpreter", .cause = "crlf-line-endings",
			    .object = "/nonexistent/bin/sh\r",
			    .hint_has = "/nonexistent/bin/sh does not exist either");
}

/* the fix is a command to paste: a path a shell would split is quoted */
Test(correlate, crlf_fix_quotes_the_path)
{
	char script[128], fix[320];

	tmp_file(script, sizeof(script), "it's a.sh", 0755, "#!/bin/sh\r\n");
	lookup(20, LW_OP_EXECVE, script, -ENOENT);
	exits(20, 127);
	snprintf(fix, sizeof(fix), "dos2unix '%s/it'\\''s a.sh' (or sed", tmp);
	expect_only_finding(.cause = "crlf-line-endings", .hint_has = fix);
}

Test(correlate, exec_of_absent_file_is_a_path_walk)
{
	lookup(21, LW_OP_EXECVE, "/usr/local/bin/nothere", -ENOENT);
	exits(21, 127);
	expect_no_finding();
}

Test(correlate, failed_exec_then_successful_exec_is_noise)
{
	char script[128];

	tmp_file(script, sizeof(script), "run.sh", 0644, "#!/nonexistent/bin/sh\n");
	lookup(22, LW_OP_EXECVE, script, -ENOENT);
	exec_(22, "/bin/true");
	exits(22, 1);
	expect_no_finding();
}

Test(correlate, exec_eacces_without_x_bit)
{
	char bin[128];

	tmp_file(bin, sizeof(bin), "tool", 0644, "");
	lookup(23, LW_OP_EXECVE, bin, -EACCES);
	exits(23, 126);
	expect_only_finding(.kind = "permission-denied", .cause = "file-mode", .exit_code = 126);
}

/* exec opens an interpreter as it opens the file: a directory is EACCES (may_open) */
Test(correlate, script_interpreter_that_is_a_directory)
{
	char dir[128], script[128];

	tmp_script_of_dir(script, dir, 0755);
	lookup(24, LW_OP_EXECVE, script, -EACCES);
	exits(24, 126);
	expect_only_finding(.kind = "permission-denied", .cause = "is-a-directory", .object = dir,
			    .exe = script, .err = EACCES, .hint_has = "names it as its #! interpreter");
}

Test(correlate, elf_interpreter_that_is_a_directory)
{
	char dir[128], bin[128];

	tmp_dir(dir, sizeof(dir), "ld.so");
	tmp_elf(bin, sizeof(bin), "tool", dir);
	lookup(25, LW_OP_EXECVE, bin, -EACCES);
	exits(25, 126);
	expect_only_finding(.kind = "permission-denied", .cause = "is-a-directory", .object = dir,
			    .exe = bin, .err = EACCES, .hint_has = "its interpreter (PT_INTERP)");
}

/* the file's own mode is checked before its interpreter is opened */
Test(correlate, script_without_x_bit_is_blamed_before_its_interpreter)
{
	char dir[128], script[128];

	tmp_script_of_dir(script, dir, 0644);
	lookup(26, LW_OP_EXECVE, script, -EACCES);
	exits(26, 126);
	expect_only_finding(.kind = "permission-denied", .cause = "file-mode", .object = script);
}

Test(correlate, glibc_message_with_newline_in_path_is_one_line)
{
	exec_(27, "/opt/a\nb/prog");
	walk_misses(27, "libfoo.so.1", ENOENT);
	says(27, "/opt/a\nb/prog: error while loading shared libraries: libfoo.so.1: "
	     "cannot open shared object file: No such file or directory\n");
	exits(27, 127);
	expect_only_finding(.message = "/opt/a\nb/prog: error while loading shared libraries: "
			    "libfoo.so.1: cannot open shared object file: No such file or directory");
}

Test(correlate, one_finding_per_cause_per_exec)
{
	exec_(24, "/opt/app/prog");
	walk_misses(24, "libfoo.so.1", ENOENT);
	says(24, GLIBC_MSG "\n" GLIBC_MSG "\n");
	exits(24, 127);
	expect_findings(1);
}

Test(correlate, reused_pid_does_not_inherit)
{
	exec_(25, "/opt/app/prog");
	walk_misses(25, "libfoo.so.1", ENOENT);
	says(25, GLIBC_MSG "\n");
	/* its exit was never seen; a new process gets pid 25 and exits 127 */
	reused_pid_exits(25, 127);
	expect_no_finding();
}

Test(correlate, process_table_is_bounded)
{
	struct corr_stats st;

	for (uint32_t pid = 1000; pid < 1000 + CORR_PROCS_MAX + 10; pid++)
		lookup(pid, LW_OP_OPENAT, "/x", -ENOENT);
	corr_stats(story.corr, &st);
	cr_assert_eq(st.procs, CORR_PROCS_MAX);
	cr_assert_eq(st.evicted, 10);
}

Test(correlate, attempts_per_exec_are_bounded)
{
	char p[64];

	exec_(26, "/opt/app/prog");
	for (int i = 0; i < CORR_ATT_MAX * 3; i++) {
		snprintf(p, sizeof(p), "/d%d/libfoo.so.1", i);
		lookup(26, LW_OP_OPENAT, p, -ENOENT);
	}
	says(26, GLIBC_MSG "\n");
	exits(26, 127);
	/* the latest lookups are kept */
	snprintf(p, sizeof(p), "/d%d/libfoo.so.1", CORR_ATT_MAX * 2);
	expect_only_finding(.n_attempts = CORR_ATT_MAX, .first_attempt = p);
}

/* --- the loader's own verdicts (uprobes), as glibc 2.39 sends them --- */

struct seen_load {
	char name[256], path[256];
	unsigned duration_us;
};
static struct seen_load loads[4];
static int nloads;

static void on_load(void *ctx, const struct load *l)
{
	(void)ctx;
	if (nloads == 4)
		return;
	snprintf(loads[nloads].name, sizeof(loads[0].name), "%s", l->name ? l->name : "");
	snprintf(loads[nloads].path, sizeof(loads[0].path), "%s", l->path ? l->path : "");
	loads[nloads++].duration_us = l->duration_us;
}

static void setup_loads(void)
{
	make_tmp();
	nloads = 0;
	story_begin((struct corr_ops){ .load = on_load });
}

TestSuite(loader, .init = setup_loads, .fini = teardown);

Test(loader, dlopen_of_missing_name_then_exit_1_is_an_error)
{
	exec_(40, "/opt/app/host");
	dlopen_(40, "libplug.so");
	walk_misses(40, "libplug.so", ENOENT);
	dl_exception(40, "libplug.so", "cannot open shared object file");
	/* 2.37+: ld.so itself re-raises with the errno */
	dl_signal_exc(40, ENOENT, "libplug.so", "cannot open shared object file", "");
	dlopen_null(40, 12);
	/* the program's own report of it */
	says(40, "host: libplug.so: cannot open shared object file: No such file or directory\n");
	expect_no_finding();	/* decided at exit */
	exits(40, 1);
	expect_only_finding(.kind = "dlopen-failed", .severity = "error", .object = "libplug.so",
			    .message = "libplug.so: cannot open shared object file: "
				       "No such file or directory",
			    .err = ENOENT, .n_attempts = 4);
}

Test(loader, dlopen_failure_handled_is_a_warning)
{
	exec_(41, "/usr/bin/ps");
	dlopen_(41, "libnuma.so");
	dl_exception(41, "libnuma.so", "cannot open shared object file");
	dlopen_null(41, 5);
	exits(41, 0);
	expect_only_finding(.severity = "warning");
}

Test(loader, exception_without_outcome_is_nothing)
{
	/* iconv's optional gconv_end: raised, caught, fine */
	exec_(42, "/usr/bin/iconv");
	dl_exception_fmt(42, "/usr/lib/gconv/ISO8859-1.so", "undefined symbol: %s%s%s",
			 "gconv_end", "", "");
	exits(42, 0);
	expect_no_finding();
}

Test(loader, missing_dependency_of_dlopened_object)
{
	exec_(43, "/opt/app/host");
	dlopen_(43, "/opt/plug/libplug.so");
	lookup(43, LW_OP_OPENAT, "/opt/plug/libplug.so", 3);
	walk_misses(43, "libdep.so", ENOENT);
	dl_exception(43, "libdep.so", "cannot open shared object file");
	dl_signal_exc(43, ENOENT, "libdep.so", "cannot open shared object file", "");
	dlopen_null(43, 30);
	exits(43, 1);
	expect_only_finding(.kind = "dlopen-failed", .object = "/opt/plug/libplug.so",
			    .first_attempt = "/opt/app/lib/glibc-hwcaps/x86-64-v3/libdep.so");
}

/* a failed dlopen the program says nothing of, then exit 1 for its own reason (ps -p GONE) */
static void dlopen_fails(uint32_t pid, const char *exe, const char *lib)
{
	exec_(pid, exe);
	dlopen_(pid, lib);
	walk_misses(pid, lib, ENOENT);
	dl_exception(pid, lib, "cannot open shared object file");
	dlopen_null(pid, 12);
}

Test(loader, dlopen_failure_not_reported_by_the_program_is_a_warning)
{
	dlopen_fails(90, "/usr/bin/ps", "libnuma.so");
	says(90, "error: process ID list syntax error\n");
	exits(90, 1);
	expect_only_finding(.kind = "dlopen-failed", .severity = "warning", .exit_code = 1);
}

/* its words went to 2>/dev/null: no report to anyone (bash's `enable -f ... 2>/dev/null`) */
Test(loader, dlopen_failure_reported_to_dev_null_is_a_warning)
{
	dlopen_fails(91, "/bin/bash", "libnotthere.so");
	says_to_null(91, "bash: enable: cannot open shared object libnotthere.so: ...\n");
	exits(91, 2);
	expect_only_finding(.severity = "warning");
}

/* the same handled probe on every run of a program: one finding, then counted */
static unsigned nrepeats, repeat_total;
static char repeat_exe[128];

static void on_repeat(void *ctx, const struct repeat *r)
{
	(void)ctx;
	nrepeats += r->count;
	repeat_total = r->total;
	snprintf(repeat_exe, sizeof(repeat_exe), "%s", r->exe ? r->exe : "");
}

Test(loader, a_probe_made_on_every_run_is_folded)
{
	struct corr_stats st;

	story_restart((struct corr_ops){ .repeat = on_repeat });
	nrepeats = 0;
	for (uint32_t pid = 100; pid < 105; pid++) {
		dlopen_fails(pid, "/usr/bin/ps", "libnuma.so");
		exits(pid, 0);
	}
	/* another program's probe of it is its own */
	dlopen_fails(105, "/usr/bin/top", "libnuma.so");
	exits(105, 0);
	expect_findings(2);
	expect_finding(0, .severity = "warning");
	corr_finish(story.corr);
	cr_assert_eq(nrepeats, 4);
	cr_assert_eq(repeat_total, 5);
	cr_assert_str_eq(repeat_exe, "/usr/bin/ps");
	corr_stats(story.corr, &st);
	cr_assert_eq(st.repeats, 4);
	cr_assert_eq(st.findings, 2);
}

/* a failed dlopen in an image that then exec's another: it went on, a warning, not lost */
Test(loader, dlopen_failure_before_an_exec_is_a_warning_then)
{
	dlopen_fails(92, "/bin/bash", "pyenv-realpath.dylib");
	exec_(92, "/usr/bin/python3");
	expect_only_finding(.severity = "warning", .exe = "/bin/bash");
}

Test(loader, successful_dlopen_is_a_load_record)
{
	exec_(44, "/opt/app/host");
	dlopen_(44, "libplug.so");
	lookup(44, LW_OP_OPENAT, "/opt/app/lib/libplug.so", -ENOENT);
	lookup(44, LW_OP_OPENAT, "/usr/lib/libplug.so", 3);
	dlopen_handle(44, 91);
	exits(44, 0);
	expect_no_finding();
	cr_assert_eq(nloads, 1);
	cr_assert_str_eq(loads[0].name, "libplug.so");
	cr_assert_str_eq(loads[0].path, "/usr/lib/libplug.so");
	cr_assert_eq(loads[0].duration_us, 91);
}

Test(loader, undefined_symbol_in_dlopen_names_it)
{
	exec_(45, "/opt/app/host");
	dlopen_(45, "/opt/libx.so");
	dl_exception_fmt(45, "/opt/libx.so", "undefined symbol: %s%s%s", "missing_fn",
			 ", version ", "V_2");
	dlopen_null(45, 1);
	exits(45, 1);
	expect_only_finding(.kind = "dlopen-failed",
			    .message = "/opt/libx.so: undefined symbol: missing_fn, version V_2");
}

Test(loader, version_mismatch_at_startup)
{
	exec_(46, "/opt/app/cgo");
	lookup(46, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libc.so.6", 3);
	says(46, "/opt/app/cgo: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not "
	     "found (required by /opt/app/cgo)\n");
	exits(46, 1);
	/* nothing says it is a Go program: no Go advice */
	expect_only_finding(.kind = "version-mismatch", .object = "/lib/x86_64-linux-gnu/libc.so.6",
			    .needed_by = "/opt/app/cgo", .exit_code = 1, .hint_lacks = "CGO_ENABLED");
}

/* both sides: what is needed, and the newest of that family this root's libc defines */
Test(loader, version_mismatch_names_both_sides)
{
	char fix[512];

	snprintf(fix, sizeof(fix), "/opt/app/new needs GLIBC_2.99; this root's libc.so.6 defines "
		 "up to GLIBC_%s: it was built on a newer system than it runs on: build it on the "
		 "oldest system you deploy to (or in a container of that release)",
		 gnu_get_libc_version());
	exec_(146, "/opt/app/new");
	lookup(146, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libc.so.6", 3);
	says(146, "/opt/app/new: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.99' not "
	     "found (required by /opt/app/new)\n");
	exits(146, 1);
	expect_only_finding(.kind = "version-mismatch", .version = "GLIBC_2.99", .fix = fix);
}

/*
 * a setuid program run by another user: the loader ignored LD_LIBRARY_PATH
 * (AT_SECURE), and the library is only there: that is the cause, and the
 * hint must not recommend LD_LIBRARY_PATH
 */
Test(loader, ld_library_path_ignored_in_secure_execution)
{
	FILE *f;

	cr_assert_eq(system("mkdir -p /tmp/lw-secure-llp"), 0);
	f = fopen("/tmp/lw-secure-llp/libsecure.so.1", "w");
	cr_assert_not_null(f);
	fclose(f);
	story.uid = 65534;
	exec_(147, "/usr/bin/passwd");	/* setuid root on Debian */
	env_(147, "LD_LIBRARY_PATH=/tmp/lw-secure-llp\0");
	lookup(147, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libsecure.so.1", -ENOENT);
	lookup(147, LW_OP_OPENAT, "/usr/lib/x86_64-linux-gnu/libsecure.so.1", -ENOENT);
	says(147, "/usr/bin/passwd: error while loading shared libraries: libsecure.so.1: cannot "
	     "open shared object file: No such file or directory\n");
	exits(147, 127);
	expect_only_finding(.kind = "missing-library", .object = "libsecure.so.1",
			    .variable = "LD_LIBRARY_PATH=/tmp/lw-secure-llp",
			    .hint = "libsecure.so.1 is in /tmp/lw-secure-llp, which LD_LIBRARY_PATH "
				    "names, but /usr/bin/passwd is setuid (owner 0, run by uid 65534): "
				    "the loader ignores LD_LIBRARY_PATH in secure-execution mode",
			    .hint_lacks = "add the directory");
	/* the same program run by its owner is not in secure mode: the usual hint */
	story.uid = 0;
	exec_(148, "/usr/bin/passwd");
	env_(148, "LD_LIBRARY_PATH=/tmp/lw-secure-llp\0");
	lookup(148, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libsecure.so.1", -ENOENT);
	lookup(148, LW_OP_OPENAT, "/usr/lib/x86_64-linux-gnu/libsecure.so.1", -ENOENT);
	says(148, "/usr/bin/passwd: error while loading shared libraries: libsecure.so.1: cannot "
	     "open shared object file: No such file or directory\n");
	exits(148, 127);
	expect_findings(2);
	expect_finding(1, .variable = "", .hint_has = "to LD_LIBRARY_PATH or the binary's RUNPATH");
	cr_assert_eq(system("rm -rf /tmp/lw-secure-llp"), 0);
}

/* the refused candidate came from LD_LIBRARY_PATH: variable says so */
Test(loader, wrong_class_candidate_from_ld_library_path)
{
	exec_(149, "/opt/app/prog");
	env_(149, "LD_LIBRARY_PATH=/srv/x:/opt/lib32/\0");
	lookup(149, LW_OP_OPENAT, "/srv/x/libfoo.so", -ENOENT);
	lookup(149, LW_OP_OPENAT, "/opt/lib32/libfoo.so", 3);
	says(149, "/opt/app/prog: error while loading shared libraries: libfoo.so: wrong ELF "
	     "class: ELFCLASS32\n");
	exits(149, 127);
	expect_only_finding(.kind = "wrong-elf-class", .object = "/opt/lib32/libfoo.so",
			    .variable = "LD_LIBRARY_PATH=/srv/x:/opt/lib32/");
	/* found elsewhere: no variable */
	exec_(150, "/opt/app/prog");
	env_(150, "LD_LIBRARY_PATH=/srv/x\0");
	lookup(150, LW_OP_OPENAT, "/usr/lib/libfoo.so", 3);
	says(150, "/opt/app/prog: error while loading shared libraries: libfoo.so: wrong ELF "
	     "class: ELFCLASS32\n");
	exits(150, 127);
	expect_finding(1, .kind = "wrong-elf-class", .object = "/usr/lib/libfoo.so", .variable = "");
}

Test(loader, undefined_symbol_at_startup_with_version)
{
	exec_(47, "/opt/app/prog");
	says(47, "/opt/app/prog: symbol lookup error: /opt/app/prog: undefined symbol: "
	     "bar, version V_2\n");
	exits(47, 127);
	expect_only_finding(.kind = "undefined-symbol", .object = "/opt/app/prog");
}

/* musl: "Error relocating OBJ: SYM: symbol not found" names OBJ exactly */
Test(loader, musl_relocation_error_is_undefined_symbol)
{
	exec_(49, "/opt/app/mprog");
	says(49, "Error relocating /opt/app/mprog: foo: symbol not found\n");
	exits(49, 127);
	expect_only_finding(.kind = "undefined-symbol", .object = "/opt/app/mprog",
			    .exit_code = 127);
}

Test(loader, musl_relocation_after_missing_library_is_one_finding)
{
	exec_(48, "/opt/app/mprog");
	lookup(48, LW_OP_OPEN, "/usr/lib/libfoo.so", -ENOENT);
	says(48, "Error loading shared library libfoo.so: No such file or directory "
	     "(needed by /opt/app/mprog)\n");
	says(48, "Error relocating /opt/app/mprog: foo: symbol not found\n");
	exits(48, 127);
	expect_only_finding(.kind = "missing-library");
}

/*
 * podman run, ssh, tee: a process that copies another's fd 2 to its own and
 * exits with its status has none of the loader's evidence of its own
 */
Test(loader, relayed_loader_lines_are_no_finding)
{
	exec_(60, "/usr/bin/podman");
	/* what the relay opened for itself at start-up */
	lookup(60, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libc.so.6", 3);
	says(60, "/bin/app: error while loading shared libraries: libmissing.so: cannot "
	     "open shared object file: No such file or directory\n");
	says(60, "/bin/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not "
	     "found (required by /bin/app)\n");
	says(60, "./undef_now: symbol lookup error: ./undef_now: undefined symbol: bar\n");
	says(60, "ERROR: ld.so: object 'libx.so' from LD_PRELOAD cannot be preloaded "
	     "(cannot open shared object file): ignored.\n");
	says(60, "Error loading shared library libfoo.so: No such file or directory "
	     "(needed by /bin/app)\n");
	says(60, "Error relocating /bin/app: foo: symbol not found\n");
	exits(60, 127);
	expect_no_finding();
}

/* a static Go binary (no loader at all) printing a loader's words and exiting 127 */
Test(loader, loader_words_without_a_loader_are_no_finding)
{
	exec_(61, "/opt/app/static-go");
	lookup(61, LW_OP_OPENAT, "/opt/app/config.yaml", -ENOENT);
	says(61, "/opt/app/static-go: error while loading shared libraries: libmissing.so: "
	     "cannot open shared object file: No such file or directory\n");
	exits(61, 127);
	expect_no_finding();
}

/* the same words with the loader's own events behind them make one finding */
Test(loader, loader_words_with_its_uprobe_events_are_a_finding)
{
	exec_(62, "/opt/app/prog");
	dl_exception_fmt(62, "/opt/app/prog", "undefined symbol: %s%s%s", "bar", "", "");
	says(62, "./prog: symbol lookup error: ./prog-renamed: undefined symbol: bar\n");
	exits(62, 127);
	expect_only_finding(.kind = "undefined-symbol");
}

Test(loader, go_realpath_failure_from_its_words)
{
	exec_(49, "/opt/app/host");
	lookup(49, LW_OP_READLINK, "/opt/plug/none.so", -ENOENT);
	says(49, "plugin.Open(\"/opt/plug/none.so\"): realpath failed\n");
	exits(49, 1);
	expect_only_finding(.kind = "dlopen-failed", .object = "/opt/plug/none.so", .err = ENOENT);
}

Test(loader, go_plugin_open_probe_without_dlopen)
{
	exec_in(50, "/opt/app/host", "/w");
	go_plugin_open(50, "plug/none.so");
	lookup(50, LW_OP_READLINK, "/w/plug/none.so", -ENOENT);
	exits(50, 0);
	/* resolved against the cwd at exec */
	expect_only_finding(.object = "/w/plug/none.so", .severity = "warning", .err = ENOENT);
}

Test(loader, dlopen_failure_of_a_process_that_keeps_running)
{
	exec_(51, "/usr/sbin/daemon");
	dlopen_(51, "libopt.so");
	dl_exception(51, "libopt.so", "cannot open shared object file");
	dlopen_null(51, 5);
	time_passes(CORR_LINGER_NS - 1);
	expect_no_finding();
	time_passes(CORR_LINGER_NS);
	expect_only_finding(.severity = "warning", .exit_code = -1);
	exits(51, 1);
	expect_findings(1);	/* reported once */
}

/* --- the Go toolchain --- */

TestSuite(gotool, .init = setup, .fini = teardown);

Test(gotool, goroot_from_the_environment_that_does_not_exist)
{
	exec_(60, "/usr/bin/go");
	env_(60, "GOROOT=/nonexistent\0PATH=/usr/bin:/bin\0");
	argv_(60, "go\0env\0GOROOT\0");
	lookup(60, LW_OP_FSTATAT, "/nonexistent", -ENOENT);
	says(60, "go: cannot find GOROOT directory: /nonexistent\n");
	exits(60, 2);
	expect_only_finding(.kind = "goroot-broken", .object = "/nonexistent", .cause = "missing",
			    .err = ENOENT, .exit_code = 2);
}

Test(gotool, goroot_that_is_a_file)
{
	exec_(61, "/usr/bin/go");
	env_(61, "GOROOT=/src/main.go\0");
	argv_(61, "go\0build\0");
	stat_finds(61, "/src/main.go", S_IFREG | 0644);
	says(61, "go: cannot find GOROOT directory: /src/main.go\n");
	exits(61, 2);
	expect_only_finding(.cause = "not-a-directory", .err = ENOTDIR);
}

Test(gotool, goroot_without_src)
{
	exec_(62, "/usr/bin/go");
	argv_(62, "go\0build\0.\0");
	lookup(62, LW_OP_FSTATAT, "/tmp/empty/src/fmt", -ENOENT);
	says(62, "main.go:3:8: package fmt is not in GOROOT (/tmp/empty/src/fmt)\n");
	exits(62, 1);
	expect_only_finding(.kind = "goroot-broken", .object = "/tmp/empty", .cause = "no-src",
			    .n_attempts = 1);
}

Test(gotool, goroot_words_from_a_non_go_process_are_nothing)
{
	exec_(63, "/usr/bin/echo");
	says(63, "go: cannot find GOROOT directory: /x\n");
	exits(63, 2);
	expect_no_finding();
}

Test(gotool, link_failure_names_the_go_build_above_it_once)
{
	exec_(64, "/usr/bin/go");
	argv_(64, "go\0build\0-o\0x\0");
	for (uint32_t ld = 65; ld <= 66; ld++) {	/* cgo links twice */
		forks(64, ld);
		exec_(ld, "/usr/bin/ld");
		lookup(ld, LW_OP_OPENAT, "/usr/lib/libnotthere.so", -ENOENT);
		lookup(ld, LW_OP_OPENAT, "/usr/lib/libnotthere.a", -ENOENT);
		says(ld, "/usr/bin/ld: cannot find -lnotthere: No such file or directory\n");
		exits(ld, 1);
	}
	expect_only_finding(.kind = "link-library-not-found", .object = "-lnotthere",
			    .n_attempts = 2);
}

Test(gotool, command_not_found_after_every_path_entry)
{
	exec_(67, "/bin/bash");
	env_(67, "PATH=/usr/local/bin:/usr/bin:/bin\0");
	lookup(67, LW_OP_FSTATAT, "/usr/local/bin/gofmtx", -ENOENT);
	lookup(67, LW_OP_FSTATAT, "/usr/bin/gofmtx", -ENOENT);
	lookup(67, LW_OP_FSTATAT, "/bin/gofmtx", -ENOENT);
	says(67, "bash: gofmtx: command not found\n");
	exits(67, 127);
	expect_only_finding(.kind = "command-not-found", .object = "gofmtx", .n_attempts = 3);
}

/* podman exec looks for crun on PATH, uses runc, and passes on its container's 127 */
Test(gotool, a_path_search_and_a_relayed_127_are_no_finding)
{
	exec_(69, "/usr/bin/podman");
	env_(69, "PATH=/usr/local/bin:/usr/bin:/bin\0");
	lookup(69, LW_OP_FSTATAT, "/usr/local/bin/crun", -ENOENT);
	lookup(69, LW_OP_FSTATAT, "/usr/bin/crun", -ENOENT);
	lookup(69, LW_OP_FSTATAT, "/bin/crun", -ENOENT);
	says(69, "/opt/app: error while loading shared libraries: libx.so: cannot open shared "
	     "object file: No such file or directory\n");
	exits(69, 127);
	expect_no_finding();
}

Test(gotool, a_command_found_later_is_not_missing)
{
	exec_(68, "/bin/bash");
	env_(68, "PATH=/usr/local/bin:/usr/bin\0");
	lookup(68, LW_OP_FSTATAT, "/usr/local/bin/tool", -ENOENT);
	lookup(68, LW_OP_FSTATAT, "/usr/bin/tool", 0);
	exits(68, 127);
	expect_no_finding();
}

/* --- a command not found where the process really searched --- */

TestSuite(command, .init = setup, .fini = teardown);

#define EXEC_PATH	"PATH=/usr/local/bin:/usr/bin:/bin\0"

/* a shell's start as Debian 12's dash and bash make it, in STORY_CWD */
static void shell_starts(uint32_t pid, const char *exe)
{
	exec_(pid, exe);
	env_(pid, EXEC_PATH);
	lookup(pid, LW_OP_ACCESS, "/etc/ld.so.preload", -ENOENT);
	stat_finds(pid, STORY_CWD, S_IFDIR | 0755);
	stat_finds(pid, ".", S_IFDIR | 0755);
}

/* bash finds itself on the exec-time PATH (for $BASH) before running the command */
static void bash_finds_itself(uint32_t pid)
{
	stat_finds(pid, STORY_CWD, S_IFDIR | 0755);
	stat_finds(pid, "/work/main", S_IFDIR | 0755);	/* $PWD */
	stat_finds(pid, ".", S_IFDIR | 0755);
	lookup(pid, LW_OP_FSTATAT, "/usr/local/bin/bash", -ENOENT);
	stat_finds(pid, "/usr/bin/bash", S_IFREG | 0755);
	stat_finds(pid, "/usr/bin/bash", S_IFREG | 0755);
	lookup(pid, LW_OP_ACCESS, "/usr/bin/bash", 0);
	stat_finds(pid, "/usr/bin/bash", S_IFREG | 0755);
	lookup(pid, LW_OP_ACCESS, "/usr/bin/bash", 0);
	stat_finds(pid, ".", S_IFDIR | 0755);
}

/* sh -c 'PATH=/opt/a:/opt/b; nosuchcmd' under dash 0.5.12, as strace saw it */
Test(command, dash_searches_the_path_its_script_set)
{
	shell_starts(90, "/usr/bin/dash");
	lookup(90, LW_OP_FSTATAT, "/opt/a/nosuchcmd", -ENOENT);
	lookup(90, LW_OP_FSTATAT, "/opt/b/nosuchcmd", -ENOENT);
	writes(90, "sh: 1: ");
	writes(90, "nosuchcmd: not found");
	writes(90, "\n");
	exits(90, 127);
	expect_only_finding(.kind = "command-not-found", .object = "nosuchcmd",
			    .variable = "PATH=/opt/a:/opt/b", .err = ENOENT, .exit_code = 127,
			    .n_attempts = 2, .first_attempt = "/opt/a/nosuchcmd",
			    .hint_has = "searched (/opt/a, /opt/b)");
}

/* the same under bash 5.2.15 */
Test(command, bash_searches_the_path_its_script_set)
{
	shell_starts(91, "/usr/bin/bash");
	bash_finds_itself(91);
	lookup(91, LW_OP_FSTATAT, "/opt/a/nosuchcmd", -ENOENT);
	lookup(91, LW_OP_FSTATAT, "/opt/b/nosuchcmd", -ENOENT);
	writes(91, "bash: line 1: nosuchcmd: command not found\n");
	exits(91, 127);
	expect_only_finding(.kind = "command-not-found", .object = "nosuchcmd",
			    .variable = "PATH=/opt/a:/opt/b", .n_attempts = 2,
			    .first_attempt = "/opt/a/nosuchcmd");
}

/* sh -c 'PATH=/opt/a:/opt/b; exec nosuchcmd': dash tries execve in each directory */
Test(command, dash_exec_searches_with_execve)
{
	shell_starts(92, "/usr/bin/dash");
	lookup(92, LW_OP_EXECVE, "/opt/a/nosuchcmd", -ENOENT);
	lookup(92, LW_OP_EXECVE, "/opt/b/nosuchcmd", -ENOENT);
	writes(92, "sh: 1: exec: ");
	writes(92, "nosuchcmd: not found");
	writes(92, "\n");
	exits(92, 127);
	expect_only_finding(.kind = "command-not-found", .object = "nosuchcmd",
			    .variable = "PATH=/opt/a:/opt/b", .n_attempts = 2);
}

/*
 * sh -c 'exec /usr/bin/env' where its exec got ENOENT from a missing
 * interpreter: dash says "exec: /usr/bin/env: not found" all the same, but the
 * file is there, so no command is missing (the exec's own finding says why)
 */
Test(command, a_file_that_exists_is_no_missing_command)
{
	shell_starts(95, "/usr/bin/dash");
	lookup(95, LW_OP_EXECVE, "/usr/bin/env", -ENOENT);
	writes(95, "sh: 1: exec: ");
	writes(95, "/usr/bin/env: not found");
	writes(95, "\n");
	exits(95, 127);
	expect_no_finding();
}

/* a script's PATH that shares two directories with the exec-time one is still its own */
Test(command, a_path_sharing_directories_is_the_one_searched)
{
	shell_starts(93, "/usr/bin/dash");
	lookup(93, LW_OP_FSTATAT, "/opt/a/tool", -ENOENT);
	lookup(93, LW_OP_FSTATAT, "/usr/bin/tool", -ENOENT);
	lookup(93, LW_OP_FSTATAT, "/bin/tool", -ENOENT);
	says(93, "sh: 1: tool: not found\n");
	exits(93, 127);
	expect_only_finding(.object = "tool", .variable = "PATH=/opt/a:/usr/bin:/bin",
			    .n_attempts = 3, .first_attempt = "/opt/a/tool");
}

/* bash -c 'PATH=/usr/bin:/bin tool': part of the exec-time PATH is not all of it */
Test(command, a_search_of_part_of_the_exec_time_path_is_that_part)
{
	shell_starts(94, "/usr/bin/dash");
	lookup(94, LW_OP_FSTATAT, "/usr/bin/tool", -ENOENT);
	lookup(94, LW_OP_FSTATAT, "/bin/tool", -ENOENT);
	says(94, "sh: 1: tool: not found\n");
	exits(94, 127);
	expect_only_finding(.object = "tool", .variable = "PATH=/usr/bin:/bin", .n_attempts = 2);
}

/*
 * the exec-time PATH searched as it is: a repeated entry, an empty one (the
 * working directory), one refused (EACCES): that PATH, as it always was
 */
Test(command, the_exec_time_path_searched_whole_is_that_path)
{
	exec_(101, "/usr/bin/dash");
	env_(101, "PATH=/usr/local/bin:/opt/locked:/usr/bin::/usr/local/bin\0");
	lookup(101, LW_OP_FSTATAT, "/usr/local/bin/tool", -ENOENT);
	lookup(101, LW_OP_FSTATAT, "/opt/locked/tool", -EACCES);
	lookup(101, LW_OP_FSTATAT, "/usr/bin/tool", -ENOENT);
	lookup(101, LW_OP_FSTATAT, "tool", -ENOENT);
	lookup(101, LW_OP_FSTATAT, "/usr/local/bin/tool", -ENOENT);
	says(101, "sh: 1: tool: not found\n");
	exits(101, 127);
	expect_only_finding(.object = "tool",
			    .variable = "PATH=/usr/local/bin:/opt/locked:/usr/bin::/usr/local/bin",
			    .first_attempt = "/usr/local/bin/tool");
}

/* no PATH captured at exec (a forked child, env -i): the lookups say where it looked */
Test(command, no_exec_time_path)
{
	exec_(95, "/usr/bin/dash");
	lookup(95, LW_OP_FSTATAT, "/usr/local/bin/tool", -ENOENT);
	lookup(95, LW_OP_FSTATAT, "/usr/bin/tool", -ENOENT);
	says(95, "sh: 1: tool: not found\n");
	exits(95, 127);
	expect_only_finding(.object = "tool", .variable = "PATH=/usr/local/bin:/usr/bin");
}

/*
 * bash run as "bash" from off its PATH (exec -a bash /bin/bash) looks itself
 * up in vain first, and its words name it: the command is the later search
 */
Test(command, a_shell_looking_itself_up_is_not_the_command)
{
	exec_(96, "/bin/bash");
	env_(96, "PATH=/opt/x:/opt/y\0");
	lookup(96, LW_OP_FSTATAT, "/opt/x/bash", -ENOENT);
	lookup(96, LW_OP_FSTATAT, "/opt/y/bash", -ENOENT);
	lookup(96, LW_OP_FSTATAT, "bash", -ENOENT);
	lookup(96, LW_OP_FSTATAT, "/opt/a/nosuchcmd", -ENOENT);
	lookup(96, LW_OP_FSTATAT, "/opt/b/nosuchcmd", -ENOENT);
	says(96, "bash: line 1: nosuchcmd: command not found\n");
	exits(96, 127);
	expect_only_finding(.object = "nosuchcmd", .variable = "PATH=/opt/a:/opt/b");
}

/* command -v tool || ...: a probe its words never name is no finding */
Test(command, an_unreported_probe_in_the_scripts_path_is_no_finding)
{
	shell_starts(97, "/usr/bin/dash");
	lookup(97, LW_OP_FSTATAT, "/opt/a/tool", -ENOENT);
	lookup(97, LW_OP_FSTATAT, "/opt/b/tool", -ENOENT);
	says(97, "setup failed\n");
	exits(97, 127);
	expect_no_finding();
}

/* podman exec passes on its container's words and 127; its own search is for crun */
Test(command, a_relay_of_a_shells_words_is_no_finding)
{
	exec_(98, "/usr/bin/podman");
	lookup(98, LW_OP_FSTATAT, "/opt/a/crun", -ENOENT);
	lookup(98, LW_OP_FSTATAT, "/opt/b/crun", -ENOENT);
	says(98, "sh: 1: nosuchcmd: not found\n");
	exits(98, 127);
	expect_no_finding();
}

/* PATH=/opt/a; tool: one directory is a search when the shell's own words say "tool: not found" */
Test(command, one_directory_and_the_shells_not_found)
{
	shell_starts(99, "/usr/bin/dash");
	lookup(99, LW_OP_FSTATAT, "/opt/a/tool", -ENOENT);
	says(99, "sh: 1: tool: not found\n");
	exits(99, 127);
	expect_only_finding(.object = "tool", .variable = "PATH=/opt/a");
}

/* one failed lookup alone, the name only in other words: not told from a file looked for */
Test(command, one_directory_without_not_found_is_no_search)
{
	shell_starts(99, "/usr/bin/dash");
	lookup(99, LW_OP_FSTATAT, "/opt/a/tool", -ENOENT);
	says(99, "cannot run tool\n");
	exits(99, 127);
	expect_no_finding();
}

/* found in the second directory it searched: nothing was missing */
Test(command, found_in_the_scripts_path_is_no_finding)
{
	shell_starts(100, "/usr/bin/dash");
	lookup(100, LW_OP_FSTATAT, "/opt/a/tool", -ENOENT);
	stat_finds(100, "/opt/b/tool", S_IFREG | 0755);
	lookup(100, LW_OP_FSTATAT, "/opt/c/tool", -ENOENT);
	says(100, "tool: bad usage\n");
	exits(100, 127);
	expect_no_finding();
}

/* every image is Go-built, as the daemon's ELF reader would say of a cgo binary */
static int exec_is_go(void *ctx, int rootfd, const char *path, uint32_t dev, uint64_t ino,
		      int pending, uint32_t pid)
{
	(void)ctx, (void)rootfd, (void)path, (void)dev, (void)ino, (void)pending, (void)pid;
	return 1;
}

static void setup_go(void)
{
	make_tmp();
	story_begin((struct corr_ops){ .exec_seen = exec_is_go });
}

TestSuite(gohint, .init = setup_go, .fini = teardown);

/* a cgo binary built on a newer glibc: the Go advice, said once */
Test(gohint, glibc_version_of_a_go_binary_says_cgo_once)
{
	exec_(70, "/opt/app/cgo");
	lookup(70, LW_OP_OPENAT, "/lib/x86_64-linux-gnu/libc.so.6", 3);
	says(70, "/opt/app/cgo: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not "
	     "found (required by /opt/app/cgo)\n");
	exits(70, 1);
	expect_only_finding(.kind = "version-mismatch", .hint_once = "CGO_ENABLED=0");
}

#define PODMAN_ID "0b746451e79788a1bdd4829ea3b07967891413b65a244bd4c71b0c541bfbf3ba"

/*
 * podman (runc) removes the container's cgroup at once: its name comes with
 * the NS record, so a container gone before the record is read is still named
 */
Test(correlate, container_named_from_the_kernels_cgroup_path)
{
	ns_(80, LW_NS_MNTNS | LW_NS_CGROUP, "/libpod_parent/libpod-" PODMAN_ID);
	exec_(80, "/opt/app/prog");
	walk_misses(80, "libfoo.so.1", ENOENT);
	says(80, GLIBC_MSG "\n");
	exits(80, 127);
	expect_only_finding(.ctr_runtime = "podman", .ctr_id = PODMAN_ID,
			    .ctr_cgroup = "/libpod_parent/libpod-" PODMAN_ID);
}

/* a path cut short in the kernel keeps its leaf, which names the container, and no cgroup */
Test(correlate, truncated_cgroup_path_still_names_the_container)
{
	ns_(81, LW_NS_MNTNS | LW_NS_CGROUP | LW_NS_CGROUP_TRUNC, "/libpod-" PODMAN_ID);
	exec_(81, "/opt/app/prog");
	walk_misses(81, "libfoo.so.1", ENOENT);
	says(81, GLIBC_MSG "\n");
	exits(81, 127);
	expect_only_finding(.ctr_id = PODMAN_ID, .ctr_cgroup = "");
}

/* Go refused a plugin built against another version of a package: its own words, its own dlopen */
Test(loader, go_plugin_version_skew_is_its_own_finding)
{
	static const char line[] = "plugin.Open(\"./p\"): plugin was built with a different version of "
				   "package example.com/x\n";

	exec_in(110, "/opt/app/host", "/w");
	lookup(110, LW_OP_OPENAT, "/opt/app/p.so", 3);
	says(110, line);
	exits(110, 1);
	/* a relay of the same words, with no plugin of its own */
	exec_(111, "/usr/bin/ssh");
	says(111, line);
	exits(111, 1);
	/* resolved against its cwd */
	expect_only_finding(.kind = "go-plugin-mismatch", .severity = "error", .object = "/w/p.so",
			    .hint_has = "example.com/x");
}

/* the kernel could not read a string of one of its records: the finding says so */
Test(loader, a_finding_with_unreadable_evidence_says_so)
{
	dlopen_fails(120, "/opt/app/host", "libnotthere.so");
	dl_signal_exc_unreadable(120, ENOENT);
	exits(120, 0);
	expect_only_finding(.incomplete = "evidence-unreadable");
	/* the next exec starts clean */
	dlopen_fails(120, "/opt/app/host2", "libnotthere.so");
	exits(120, 0);
	expect_findings(2);
	expect_finding(1, .incomplete = "");
}
