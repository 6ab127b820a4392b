# promise: a failing program gets exactly one right finding, and a healthy one none, in -- CMD and --all mode
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/scenarios.sh: the failing programs of Findings, each run under
# `ldwatch -- CMD` and under `ldwatch --all`; sourced by tests/integration.sh.
#
# Every function sc_NAME is a scenario (its two tests are made at the end of
# this file). sc_NAME sets SC_CMD (the program), SC_RC (its own exit status),
# SC_HEALTHY (1: no finding allowed, 2: no finding of severity "error" allowed)
# and SC_CHECKS (jq EXPR / WANT pairs on its finding); optionally SC_ARGS (more
# ldwatch options) and SC_LOAD_CHECKS (jq EXPR / WANT pairs on its one load
# record, --loads); SC_NEED_NX, SC_NEED_GO, SC_NEED_MUSL name a setup it needs

sc_missing_library()
{
	SC_CMD=("$FIX/needs_missing") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.severity '"error"'
		.object '"libmissing.so"'
		.needed_by '$fix + "/needs_missing"'
		.exe '$fix + "/needs_missing"'
		.cwd '$root'
		.errno '"ENOENT"'
		.message '$fix + "/needs_missing: " + $ldso_enoent'
		'has_attempt($fix + "/rp_empty/libmissing.so"; "ENOENT")' true
		'has_attempt($fix + "/rp_empty/glibc-hwcaps/x86-64-v2/libmissing.so"; "ENOENT")' true
		'has_attempt("/lib/x86_64-linux-gnu/libmissing.so"; "ENOENT")' true
		'attempt_idx($fix + "/rp_empty/libmissing.so"; "ENOENT") < attempt_idx("/lib/x86_64-linux-gnu/libmissing.so"; "ENOENT")' true
	)
}

# an LD_LIBRARY_PATH entry that is an unrelated file, the lib simply missing
sc_missing_library_enotdir_entry()
{
	SC_CMD=(env "LD_LIBRARY_PATH=$FIX/data/notes.txt" "$FIX/needs_missing") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.object '"libmissing.so"'
		.needed_by '$fix + "/needs_missing"'
		.errno '"ENOENT"'
		'.message | contains($ldso_enoent)' true
		'has_attempt($fix + "/data/notes.txt/libmissing.so"; "ENOTDIR")' true
		'has_attempt($fix + "/rp_empty/libmissing.so"; "ENOENT")' true
	)
}

sc_missing_preload()
{
	SC_CMD=(env "LD_PRELOAD=$FIX/nopreload/libgone.so" "$FIX/hello") SC_RC=0 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-preload"'
		.severity '"warning"'
		.object '$fix + "/nopreload/libgone.so"'
		.exe '$fix + "/hello"'
		.errno '"ENOENT"'
	)
}

sc_missing_interpreter_elf()
{
	SC_CMD=("$FIX/bad_interp") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-interpreter"'
		.severity '"error"'
		.object '"/nonexistent/ld-linux-x86-64.so.2"'
		.exe '$fix + "/bad_interp"'
		.errno '"ENOENT"'
	)
}

# the same through dash's exec, which says "exec: FILE: not found": the
# interpreter is missing, no command is (one finding, not two)
sc_missing_interpreter_via_sh_exec()
{
	SC_CMD=(sh -c "exec $FIX/bad_interp") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-interpreter"'
		.object '"/nonexistent/ld-linux-x86-64.so.2"'
		.errno '"ENOENT"'
	)
}

sc_missing_interpreter_script()
{
	SC_CMD=("$FIX/bad_shebang") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-interpreter"'
		.severity '"error"'
		.object '"/nonexistent/bin/sh"'
		.exe '$fix + "/bad_shebang"'
		.errno '"ENOENT"'
	)
}

# #!/bin/sh saved with CRLF line endings: the kernel looks for "/bin/sh\r"
sc_missing_interpreter_crlf()
{
	SC_CMD=("$FIX/crlf_shebang") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-interpreter"'
		.severity '"error"'
		.cause '"crlf-line-endings"'
		.object '"/bin/sh\r"'
		.exe '$fix + "/crlf_shebang"'
		.errno '"ENOENT"'
		'.hint | contains("dos2unix " + $fix + "/crlf_shebang")' true
	)
}

# the same through env: the kernel finds /usr/bin/env, which looks for "sh\r" on PATH
sc_missing_interpreter_crlf_env()
{
	SC_CMD=(env PATH=/usr/local/bin:/usr/bin:/bin "$FIX/crlf_env") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-interpreter"'
		.cause '"crlf-line-endings"'
		.object '"sh\r"'
		.exe '$fix + "/crlf_env"'
		.variable '"PATH=/usr/local/bin:/usr/bin:/bin"'
		.hint '$fix + "/crlf_env has CRLF (DOS) line endings: its #! line has env look up sh followed by a carriage return on PATH, and no command has that name; convert it: dos2unix " + $fix + "/crlf_env (or sed -i '"'"'s/\\\\r$//'"'"' " + $fix + "/crlf_env)"'
		'has_attempt("/usr/bin/sh\r"; "ENOENT")' true
	)
}

sc_permission_exec_mode()
{
	SC_CMD=("$FIX/no_x") SC_RC=126 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"file-mode"'
		.object '$fix + "/no_x"'
		.errno '"EACCES"'
	)
}

# PT_INTERP names a directory: execve says EACCES, the binary's mode allows it
sc_permission_interp_dir_elf()
{
	SC_CMD=("$FIX/dir_interp") SC_RC=126 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"is-a-directory"'
		.object '$fix + "/interp_dir"'
		.exe '$fix + "/dir_interp"'
		.errno '"EACCES"'
		'.hint | contains("(PT_INTERP)")' true
	)
}

# the same with a #! line
sc_permission_interp_dir_script()
{
	SC_CMD=("$FIX/dir_shebang") SC_RC=126 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"is-a-directory"'
		.object '$fix + "/interp_dir"'
		.exe '$fix + "/dir_shebang"'
		.errno '"EACCES"'
		'.hint | contains("#! interpreter")' true
	)
}

# a setuid program run by another user: the loader ignores LD_LIBRARY_PATH,
# where its library is; that is the cause, not a missing package
sc_missing_library_setuid_ld_library_path()
{
	SC_CMD=("${AS_NOBODY[@]}" env "LD_LIBRARY_PATH=$SUID/lib" "$SUID/needs_missing") SC_RC=127
	SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.object '"libmissing.so"'
		.uid 65534
		.variable '"LD_LIBRARY_PATH=" + $suid + "/lib"'
		.hint '"libmissing.so is in " + $suid + "/lib, which LD_LIBRARY_PATH names, but " + $suid + "/needs_missing is setuid (owner 0, run by uid 65534): the loader ignores LD_LIBRARY_PATH in secure-execution mode"'
		'.fix | startswith("install libmissing.so in a system library directory")' true
	)
}

# the only candidate for libfoo.so is mode 0600 root: ld.so says ENOENT
sc_permission_lib_mode()
{
	SC_CMD=("${AS_NOBODY[@]}" "$PRIV/foo_origin") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"file-mode"'
		.object '$priv + "/lib/libfoo.so"'
		.exe '$priv + "/foo_origin"'
		.uid 65534
		.errno '"EACCES"'
		'has_attempt($priv + "/lib/libfoo.so"; "EACCES")' true
	)
}

# ld.so opens libfoo.so, then mmap PROT_EXEC fails with EPERM
sc_permission_lib_noexec()
{
	SC_CMD=("$NX/foo_origin") SC_RC=127 SC_HEALTHY=0 SC_NEED_NX=1
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"noexec-mount"'
		.object '$nx + "/lib/libfoo.so"'
		.mount '$nx + "/lib"'
		.exe '$nx + "/foo_origin"'
		.errno '"EPERM"'
	)
}

sc_permission_exec_noexec()
{
	SC_CMD=("$NX/lib/hello") SC_RC=126 SC_HEALTHY=0 SC_NEED_NX=1
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"noexec-mount"'
		.object '$nx + "/lib/hello"'
		.mount '$nx + "/lib"'
		.errno '"EACCES"'
	)
}

# LD_LIBRARY_PATH names the library file itself, and it is nowhere else
sc_not_a_directory()
{
	SC_CMD=(env "LD_LIBRARY_PATH=$FIX/lib/libfoo.so" "$FIX/foo_plain") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"not-a-directory"'
		.severity '"error"'
		'.object == $fix + "/lib/libfoo.so" or .object == "libfoo.so"' true
		.errno '"ENOTDIR"'
		'has_attempt($fix + "/lib/libfoo.so/libfoo.so"; "ENOTDIR")' true
	)
}

# newline, tab and 0xff in the program's folder, which is also its RUNPATH
sc_odd_directory_name()
{
	SC_CMD=("$ODD/miss_origin") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.object '"libmissing.so"'
		.errno '"ENOENT"'
		'.exe | endswith("/miss_origin")' true
		'.message | contains($ldso_enoent)' true
		'.message | contains("/odd\ndir\there")' true
	)
}

# the search entry behind the miss, expanded: RUNPATH $ORIGIN/../lib names a folder that is not there
sc_runpath_origin_missing()
{
	SC_CMD=("$FIX/app/bin/origin_lib") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.object '"libmissing.so"'
		.needed_by '$fix + "/app/bin/origin_lib"'
		'.hint | endswith("; in its search, RUNPATH $ORIGIN/../lib = " + $fix + "/app/lib does not exist")' true
		.fix '"RUNPATH names " + $fix + "/app/lib, which does not exist: put libmissing.so there, or relink with the directory that holds it"'
	)
}

# a relative DT_RPATH entry is searched from the working directory (here /), not the binary's
sc_relative_rpath()
{
	SC_CMD=(env -C / "$FIX/rel_rpath") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"missing-library"'
		.object '"libmissing.so"'
		'.hint | endswith("; in its search, RPATH entry lib13 is relative, so it is searched from the working directory /")' true
		.fix '"RPATH entry lib13 is relative to the working directory: relink with -Wl,-rpath,'"'"'$ORIGIN/lib13'"'"' for the directory beside the binary"'
		'has_attempt("/lib13/libmissing.so"; "ENOENT")' true
	)
}

# misses in two LD_LIBRARY_PATH dirs (one empty, one absent) before the hit
sc_healthy_search_misses()
{
	SC_CMD=(env "LD_LIBRARY_PATH=$FIX/rp_empty:$FIX/absent:$FIX/lib" "$FIX/foo_plain") SC_RC=0 SC_HEALTHY=1
	SC_CHECKS=()
}

sc_healthy_exit127()
{
	SC_CMD=("$FIX/exit127") SC_RC=127 SC_HEALTHY=1
	SC_CHECKS=()
}

sc_healthy_exit1()
{
	SC_CMD=("$FIX/exit1") SC_RC=1 SC_HEALTHY=1
	SC_CHECKS=()
}


# ---- the loader's own errors (uprobes) ----

# libver.so.1 at run time has VERS_1 only; ld.so prints its line and exits 1
sc_version_mismatch()
{
	SC_CMD=("$FIX/use_ver") SC_RC=1 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"version-mismatch"'
		.severity '"error"'
		.object '$fix + "/ver1/libver.so.1"'
		.version '"VERS_2"'
		.needed_by '$fix + "/use_ver"'
		.exe '$fix + "/use_ver"'
		.exit_code 1
		.errno null
		.message '$fix + "/use_ver: " + $fix + "/ver1/libver.so.1: version `VERS_2'"'"' not found (required by " + $fix + "/use_ver)"'
		'has_attempt($fix + "/ver1/libver.so.1"; null)' true
	)
}

# built against a libc.so.6 that defines GLIBC_2.99: the fix names this host's newest GLIBC_
sc_glibc_version_mismatch()
{
	local have
	have=GLIBC_$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
	SC_CMD=("$FIX/needs_glibc99") SC_RC=1 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"version-mismatch"'
		.object '"/lib/x86_64-linux-gnu/libc.so.6"'
		.version '"GLIBC_2.99"'
		.needed_by '$fix + "/needs_glibc99"'
		.exit_code 1
		.message '$fix + "/needs_glibc99: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.99'"'"' not found (required by " + $fix + "/needs_glibc99)"'
		.fix '$fix + "/needs_glibc99 needs GLIBC_2.99; this root'"'"'s libc.so.6 defines up to '"$have"': it was built on a newer system than it runs on: build it on the oldest system you deploy to (or in a container of that release)"'
	)
}

# the only candidate for libfoo.so is a 64-bit file whose EI_CLASS says 32
sc_wrong_elf_class()
{
	SC_CMD=("$FIX/foo_c32") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"wrong-elf-class"'
		.severity '"error"'
		.object '$fix + "/c32/libfoo.so"'
		.elf_class '"ELFCLASS32"'
		.machine '"x86-64"'
		.needed_by '$fix + "/foo_c32"'
		.exe '$fix + "/foo_c32"'
		.exit_code 127
		.message '$fix + "/foo_c32: error while loading shared libraries: libfoo.so: wrong ELF class: ELFCLASS32"'
		'has_attempt($fix + "/c32/libfoo.so"; null)' true
		'has_attempt("/lib/x86_64-linux-gnu/libfoo.so"; "ENOENT")' true
		'attempt_idx($fix + "/c32/libfoo.so"; null) < attempt_idx("/lib/x86_64-linux-gnu/libfoo.so"; "ENOENT")' true
	)
}

# -z now: bar is missing from libsym.so at start-up
sc_undefined_symbol_now()
{
	SC_CMD=("$FIX/undef_now") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"undefined-symbol"'
		.severity '"error"'
		.symbol '"bar"'
		.version null
		.object '$fix + "/undef_now"'
		.exe '$fix + "/undef_now"'
		.exit_code 127
		.errno null
		.message '$fix + "/undef_now: symbol lookup error: " + $fix + "/undef_now: undefined symbol: bar"'
	)
}

# -z now, bar@VERS_1: libvsym.so has VERS_1, but not bar in it
sc_undefined_symbol_versioned()
{
	SC_CMD=("$FIX/undef_ver") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"undefined-symbol"'
		.severity '"error"'
		.symbol '"bar"'
		.version '"VERS_1"'
		.object '$fix + "/undef_ver"'
		.exit_code 127
		.errno null
		.message '$fix + "/undef_ver: symbol lookup error: " + $fix + "/undef_ver: undefined symbol: bar, version VERS_1"'
	)
}

# -z lazy: the program starts, prints a line on fd 2, then fails calling bar
sc_undefined_symbol_lazy()
{
	SC_CMD=("$FIX/undef_lazy") SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"undefined-symbol"'
		.severity '"error"'
		.symbol '"bar"'
		.version null
		.object '$fix + "/undef_lazy"'
		.exe '$fix + "/undef_lazy"'
		.exit_code 127
		.errno null
		.message '$fix + "/undef_lazy: symbol lookup error: " + $fix + "/undef_lazy: undefined symbol: bar"'
	)
}

# dlopen("libnotthere.so") fails and the program gives up (exit 1)
sc_dlopen_missing()
{
	SC_CMD=("$FIX/dl_try" libnotthere.so 1) SC_RC=1 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"dlopen-failed"'
		.severity '"error"'
		.object '"libnotthere.so"'
		.dependency null
		.exe '$fix + "/dl_try"'
		.errno '"ENOENT"'
		.exit_code 1
		.message '$notthere'
		'has_attempt($fix + "/rp_empty/libnotthere.so"; "ENOENT")' true
		'has_attempt("/lib/x86_64-linux-gnu/libnotthere.so"; "ENOENT")' true
		'attempt_idx($fix + "/rp_empty/libnotthere.so"; "ENOENT") < attempt_idx("/lib/x86_64-linux-gnu/libnotthere.so"; "ENOENT")' true
	)
}

# the same failure, handled: the program exits 0, so only a warning
sc_dlopen_missing_handled()
{
	SC_CMD=("$FIX/dl_try" libnotthere.so 0) SC_RC=0 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"dlopen-failed"'
		.severity '"warning"'
		.object '"libnotthere.so"'
		.dependency null
		.errno '"ENOENT"'
		.exit_code 0
		.message '$notthere'
		'has_attempt($fix + "/rp_empty/libnotthere.so"; "ENOENT")' true
		'has_attempt("/lib/x86_64-linux-gnu/libnotthere.so"; "ENOENT")' true
	)
}

# libplug.so exists; its DT_NEEDED libdep.so does not
sc_dlopen_missing_dependency()
{
	SC_CMD=("$FIX/dl_try" "$FIX/plug/libplug.so" 1) SC_RC=1 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"dlopen-failed"'
		.severity '"error"'
		.object '$fix + "/plug/libplug.so"'
		.dependency '"libdep.so"'
		.exe '$fix + "/dl_try"'
		.errno '"ENOENT"'
		.exit_code 1
		.message '$nodep'
		'has_attempt($fix + "/rp_plug/libdep.so"; "ENOENT")' true
		'has_attempt("/lib/x86_64-linux-gnu/libdep.so"; "ENOENT")' true
	)
}

# dlopen of a library on a noexec tmpfs: its PROT_EXEC mmap fails (EPERM)
sc_dlopen_noexec()
{
	SC_CMD=("$FIX/dl_try" "$NX/lib/libfoo.so" 1) SC_RC=1 SC_HEALTHY=0 SC_NEED_NX=1
	SC_CHECKS=(
		.kind '"permission-denied"'
		.severity '"error"'
		.cause '"noexec-mount"'
		.object '$nx + "/lib/libfoo.so"'
		.mount '$nx + "/lib"'
		.exe '$fix + "/dl_try"'
		.errno '"EPERM"'
		.exit_code 1
		.message '$nx + "/lib/libfoo.so: failed to map segment from shared object"'
		'has_attempt($nx + "/lib/libfoo.so"; "EPERM")' true
	)
}

# dlopen succeeds after a miss in dl_try's RUNPATH: with --loads, one load record
sc_dlopen_loads()
{
	SC_CMD=(env "LD_LIBRARY_PATH=$FIX/lib" "$FIX/dl_try" libfoo.so 1) SC_RC=0 SC_HEALTHY=1
	SC_ARGS=(--loads)
	SC_CHECKS=()
	SC_LOAD_CHECKS=(
		.name '"libfoo.so"'
		.path '$fix + "/lib/libfoo.so"'
		.flags 2
		.comm '"dl_try"'
		.exe '$fix + "/dl_try"'
	)
}

# Go plugin.Open of a path that does not exist: realpath fails, no dlopen
sc_go_plugin_missing()
{
	SC_CMD=("$GOFIX/host" "$GOFIX/nonexistent.so") SC_RC=1 SC_HEALTHY=0 SC_NEED_GO=1
	SC_CHECKS=(
		.kind '"dlopen-failed"'
		.severity '"error"'
		.object '$gofix + "/nonexistent.so"'
		.dependency null
		.exe '$gofix + "/host"'
		.comm '"host"'
		.errno '"ENOENT"'
		.exit_code 1
		'has_attempt($gofix + "/nonexistent.so"; "ENOENT")' true
	)
}

# a cgo plugin whose DT_NEEDED libdep.so is missing
sc_go_plugin_missing_dependency()
{
	SC_CMD=("$GOFIX/host" "$GOFIX/p_dep.so") SC_RC=1 SC_HEALTHY=0 SC_NEED_GO=1
	SC_CHECKS=(
		.kind '"dlopen-failed"'
		.severity '"error"'
		.object '$gofix + "/p_dep.so"'
		.dependency '"libdep.so"'
		.exe '$gofix + "/host"'
		.errno '"ENOENT"'
		.exit_code 1
		.message '$nodep'
		'has_attempt($gofix + "/rp_empty/libdep.so"; "ENOENT")' true
		'has_attempt("/lib/x86_64-linux-gnu/libdep.so"; "ENOENT")' true
	)
}

# a plugin that loads: no finding; with --loads, one load record
# (plugin.Open passes dlopen the realpath, RTLD_NOW|RTLD_GLOBAL)
sc_go_plugin_loads()
{
	SC_CMD=("$GOFIX/host" "$GOFIX/p.so") SC_RC=0 SC_HEALTHY=1 SC_NEED_GO=1
	SC_ARGS=(--loads)
	SC_CHECKS=()
	SC_LOAD_CHECKS=(
		.name '$gofix + "/p.so"'
		.path '$gofix + "/p.so"'
		.flags 258
		.comm '"host"'
		.exe '$gofix + "/host"'
	)
}

# musl's loader: open(2), its own wording, every error before exit 127
sc_musl_missing_library()
{
	SC_CMD=("$FIX/musl_missing") SC_RC=127 SC_HEALTHY=0 SC_NEED_MUSL=1
	SC_CHECKS=(
		.kind '"missing-library"'
		.severity '"error"'
		.object '"libmissing.so"'
		.needed_by '$fix + "/musl_missing"'
		.exe '$fix + "/musl_missing"'
		.errno '"ENOENT"'
		.exit_code 127
		.message '"Error loading shared library libmissing.so: No such file or directory (needed by " + $fix + "/musl_missing)"'
		'has_attempt($fix + "/rp_empty/libmissing.so"; "ENOENT")' true
		'.attempts[attempt_idx($fix + "/rp_empty/libmissing.so"; "ENOENT")].op' '"open"'
		'has_attempt("/usr/lib/x86_64-linux-musl/libmissing.so"; "ENOENT")' true
	)
}

# SHELL -c with a script that sets PATH itself: the command is looked for on
# that PATH, not on the one the shell had at exec (bash first finds itself there)
script_path_scenario()
{
	SC_CMD=("$1" -c 'PATH=/opt/ldwatch-a:/opt/ldwatch-b; ldwatch_no_such_cmd') SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"command-not-found"'
		.severity '"error"'
		.object '"ldwatch_no_such_cmd"'
		.variable '"PATH=/opt/ldwatch-a:/opt/ldwatch-b"'
		.comm "\"$1\""
		.errno '"ENOENT"'
		.exit_code 127
		'[.attempts[].path]' '["/opt/ldwatch-a/ldwatch_no_such_cmd", "/opt/ldwatch-b/ldwatch_no_such_cmd"]'
	)
}

# Debian's sh is dash
sc_command_not_found_script_path_sh() { script_path_scenario sh; }
sc_command_not_found_script_path_bash() { script_path_scenario bash; }

# a PATH of one directory: one failed lookup, and the shell's own "not found" naming it
sc_command_not_found_script_path_one_dir()
{
	SC_CMD=(sh -c 'PATH=/opt/ldwatch-a; ldwatch_no_such_cmd') SC_RC=127 SC_HEALTHY=0
	SC_CHECKS=(
		.kind '"command-not-found"'
		.object '"ldwatch_no_such_cmd"'
		.variable '"PATH=/opt/ldwatch-a"'
		'[.attempts[].path]' '["/opt/ldwatch-a/ldwatch_no_such_cmd"]'
	)
}

# procps: ps dlopens libnuma.so, which is not installed, and carries on (exit 0)
sc_noise_ps()
{
	SC_CMD=(ps -e) SC_RC=0 SC_HEALTHY=2
	SC_CHECKS=()
}

load_scenario()
{
	SC_NEED_NX=0 SC_NEED_GO=0 SC_NEED_MUSL=0 SC_ARGS=() SC_LOAD_CHECKS=()
	"sc_$1"
	((SC_NEED_NX)) && need_nx
	((SC_NEED_GO)) && need_go
	((SC_NEED_MUSL)) && need_musl
	return 0
}


# the fields a finding of KIND carries only when relevant: null otherwise
irrelevant_nulls()
{
	local fnd=$1
	check_fields "$fnd" \
		'if .kind == "undefined-symbol" then null else .symbol end' null \
		'if .kind == "undefined-symbol" or .kind == "version-mismatch" then null else .version end' null \
		'if .kind == "wrong-elf-class" then [] else [.elf_class, .machine] - [null] end' '[]' \
		'if .kind == "dlopen-failed" then null else .dependency end' null
}

# check_loads FILE PID: with SC_LOAD_CHECKS, exactly one load record of PID,
# checked; without --loads, no load record at all
check_loads()
{
	local f=$1 pid=$2 n ld
	if [[ " ${SC_ARGS[*]} " != *" --loads "* ]]; then
		has_rec "$f" 'select(.type == "load")' &&
			bad "load records without --loads: $(recs "$f" 'select(.type == "load")' | head -n1 | cut -c1-300)"
		return 0
	fi
	((${#SC_LOAD_CHECKS[@]})) || return 0
	n=$(recs "$f" 'select(.type == "load" and .pid == $p)' --argjson p "$pid" | wc -l)
	((n == 1)) || bad "expected exactly one load record for pid $pid, got $n: $(recs "$f" \
		'select(.type == "load") | "\(.pid) \(.comm) \(.name) \(.path)"' -r | head -n 5 | tr '\n' ';' | cut -c1-600)"
	ld=$(recs "$f" 'select(.type == "load" and .pid == $p)' --argjson p "$pid" | head -n1)
	[[ -n $ld ]] || return 0
	check_fields "$ld" "${SC_LOAD_CHECKS[@]}"
}

# findings that SC_HEALTHY forbids, among those FILTER selects
forbidden_findings()
{
	local f=$1 filter=$2
	shift 2
	if ((SC_HEALTHY == 2)); then
		recs "$f" "$filter | select(.severity == \"error\")" "$@"
	else
		recs "$f" "$filter" "$@"
	fi
}

# system-wide: ldwatch --all; the program runs from this shell, so its pid is known
scenario_all()
{
	local F=$W/rec.json p rc s fnd n
	need_bpf
	load_scenario "$1"
	lw_start "$F" --all --json "${SC_ARGS[@]}"
	wait_ready "$F"
	"${SC_CMD[@]}" >"$W/prog.out" 2>"$W/prog.err" &
	p=$!
	wait "$p"
	rc=$?
	((rc == SC_RC)) || bad "$(cmd_str "${SC_CMD[@]}") exited $rc, expected $SC_RC (fixture?)"
	if ((SC_HEALTHY)); then
		# a failing sentinel after it: once its finding is out, so is anything about $p
		"$FIX/needs_missing" >/dev/null 2>&1 &
		s=$!
		wait "$s"
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $s)' --argjson s "$s" ||
			bad "no finding for the sentinel (pid $s) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	else
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" ||
			bad "no finding for pid $p ($(cmd_str "${SC_CMD[@]}")) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	fi
	lw_stop "$F"
	check_records "$F"
	check_loads "$F" "$p"
	if ((SC_HEALTHY)); then
		n=$(forbidden_findings "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" | wc -l)
		((n == 0)) || bad "healthy program (pid $p) got $n finding(s)$( ((SC_HEALTHY == 2)) &&
			echo ' of severity error'): $(forbidden_findings "$F" \
			'select(.type == "finding" and .pid == $p)' --argjson p "$p" | head -n1 | cut -c1-400)"
		return
	fi
	n=$(recs "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" | wc -l)
	((n == 1)) || bad "expected exactly one finding for pid $p, got $n"
	fnd=$(recs "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" | head -n1)
	[[ -n $fnd ]] || return
	check_fields "$fnd" "${SC_CHECKS[@]}" .ppid "$BASHPID"
	irrelevant_nulls "$fnd"
}

# ldwatch --json -o FILE -- CMD: CMD's status comes back, its tree is watched
scenario_cmd()
{
	local F=$W/rec.json rc n fnd p
	need_bpf
	load_scenario "$1"
	timeout -k 5 "$CMD_S" "$LDWATCH" --json "${SC_ARGS[@]}" -o "$F" -- "${SC_CMD[@]}" >"$W/out" 2>"$F.stderr"
	rc=$?
	((rc == 124)) && fail "ldwatch -- $(cmd_str "${SC_CMD[@]}") still running after ${CMD_S}s"
	((rc == SC_RC)) || bad "ldwatch -- $(cmd_str "${SC_CMD[@]}") exited $rc, expected $SC_RC" \
		"stderr: $(stderr_tail "$F.stderr")"
	check_records "$F"
	p=$(recs "$F" 'select(.type == "ready") | .pid' | head -n1)
	check_loads "$F" "${p:-0}"
	if ((SC_HEALTHY)); then
		n=$(forbidden_findings "$F" 'select(.type == "finding")' | wc -l)
		((n == 0)) || bad "healthy program got $n finding(s)$( ((SC_HEALTHY == 2)) && echo ' of severity error'):" \
			"$(forbidden_findings "$F" 'select(.type == "finding")' | head -n1 | cut -c1-400)"
		return
	fi
	n=$(recs "$F" 'select(.type == "finding")' | wc -l)
	((n == 1)) || bad "expected exactly one finding, got $n: $(findings_summary "$F")"
	fnd=$(recs "$F" 'select(.type == "finding")' | head -n1)
	[[ -n $fnd ]] || return
	check_fields "$fnd" "${SC_CHECKS[@]}"
	irrelevant_nulls "$fnd"
}

# each scenario's two tests, t_cmd_NAME and t_all_NAME, which the runner finds
# by name: the t_cmd_ ones are all defined on one line, so they run first (in
# name order), then the t_all_ ones
for sc in $(compgen -A function sc_); do
	sc=${sc#sc_}
	eval "t_cmd_$sc() { scenario_cmd $sc; }"
	eval "t_all_$sc() { scenario_all $sc; }"
done
