#!/bin/bash
# integration tests: the real daemon (build/ldwatch, real BPF) against real
# failing programs, in `-- CMD` mode and system-wide (`--all`) mode.
#
# Every run syncs on records, never on sleeps: ldwatch's ready record is
# polled in its -o file with a deadline, then the program runs, then its
# finding is polled for with a deadline, then ldwatch is stopped with SIGINT
# and waited for with a deadline. The last line is
#   integration: N passed, M failed
# Tests that need BPF skip when not root, unless CI=true: then they fail.
#
#   tests/integration.sh [TEST...]   run some tests only (names as printed)
#   KEEP=1                           keep the scratch folder (records of each test)

# jq filters are single-quoted on purpose: $names there are jq variables;
# ERRS lives in each test's subshell
# shellcheck disable=SC2016,SC2031
set -uo pipefail
umask 022	# the unprivileged fixtures must be readable and enterable by uid 65534

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
LDWATCH=${LDWATCH:-$ROOT/build/ldwatch}
FIX=$ROOT/build/fixtures
SUITE_T0=$SECONDS

# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

LDSO_ENOENT='error while loading shared libraries: libmissing.so: cannot open shared object file: No such file or directory'
NOTTHERE='libnotthere.so: cannot open shared object file: No such file or directory'	# dlerror's text
NODEP='libdep.so: cannot open shared object file: No such file or directory'
# the uprobes ldwatch must attach (glibc 2.36), in the ld.so and libc.so.6 of
# this host as realpath names them; libc <= 2.36 has its own _dl_signal_*
LDSO_REAL=$(realpath -e /lib64/ld-linux-x86-64.so.2 2>/dev/null || echo /lib64/ld-linux-x86-64.so.2)
LIBC_REAL=$(realpath -e /lib/x86_64-linux-gnu/libc.so.6 2>/dev/null || echo /lib/x86_64-linux-gnu/libc.so.6)
LDSO_SYMS='["_dl_exception_create", "_dl_exception_create_format", "_dl_signal_error", "_dl_signal_exception"]'
LIBC_SYMS='["_dl_signal_error", "_dl_signal_exception", "dlopen", "dlopen%return", "dlmopen", "dlmopen%return"]'

AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# ---- setup ------------------------------------------------------------------

TMP=
NX_MOUNTED=0
suite_cleanup()
{
	if ((NX_MOUNTED)); then
		umount "$NX/lib" 2>/dev/null || umount -l "$NX/lib" 2>/dev/null
	fi
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "kept $TMP (KEEP=1)" >&2
	elif [[ -n $TMP && -d $TMP ]]; then
		rm -rf "$TMP"
	fi
}
trap suite_cleanup EXIT
trap 'exit 130' INT TERM

if ! bash "$ROOT/tests/fixtures/build.sh" "$FIX"; then
	echo "fixtures failed to build"
	echo "integration: 0 passed, 1 failed"
	exit 1
fi

# fixtures that must sit outside /root, in folders anybody can enter
TMP=$(mktemp -d /tmp/ldwatch-it.XXXXXX) || exit 1
chmod 0755 "$TMP"

# the Go plugin host and plugins: built once per run with the real go command,
# its cache in the scratch folder (so a cold build of what plugins need)
GOFIX=$TMP/go
GO_ERR=
if ! command -v go >/dev/null; then
	GO_ERR="the go command is not installed (make deps)"
elif bash "$ROOT/tests/fixtures/go/build.sh" "$GOFIX" >"$TMP/go-build.log" 2>&1; then
	printf 'go fixtures: %s\n' "$(awk '/^go-build / { printf "%s%s %ss", sep, $2, $3; sep = ", " }' "$TMP/go-build.log")"
else
	GO_ERR="go fixtures failed to build: $(tail -c 600 "$TMP/go-build.log")"
fi
WORK=$TMP/work
PRIV=$TMP/priv	# libfoo.so that uid 65534 cannot read, the only candidate
NX=$TMP/nx	# lib/ is a noexec tmpfs holding libfoo.so and an executable
ODD=$TMP/$'odd\ndir\there\xff'
ODD_ESC="$TMP/odd\\x0adir\\x09here\\xff"
mkdir -p "$WORK" "$PRIV/lib" "$NX/lib" "$ODD"
cp "$FIX/foo_origin" "$PRIV/"
cp "$FIX/lib/libfoo.so" "$PRIV/lib/"
chmod 0600 "$PRIV/lib/libfoo.so"
cp "$FIX/foo_origin" "$NX/"
cp "$FIX/miss_origin" "$ODD/"
NX_ERR=
if ((EUID == 0)) && mount -t tmpfs -o noexec,mode=0755,size=4m tmpfs "$NX/lib" 2>"$TMP/mount.err"; then
	NX_MOUNTED=1
	cp "$FIX/lib/libfoo.so" "$FIX/hello" "$NX/lib/"
	chmod 0755 "$NX/lib/hello"
else
	NX_ERR="cannot mount a noexec tmpfs: $(cat "$TMP/mount.err" 2>/dev/null)"
fi

JQ_ARGS=(--arg fix "$FIX" --arg root "$ROOT" --arg priv "$PRIV" --arg nx "$NX" --arg gofix "$GOFIX"
	--arg ldso "$LDSO_REAL" --arg libc "$LIBC_REAL"
	--arg ldso_enoent "$LDSO_ENOENT" --arg notthere "$NOTTHERE" --arg nodep "$NODEP")

tracefs_mounts()
{
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "tracefs") print $5; break } }' \
		/proc/self/mountinfo | sort
}
TRACEFS_AT_START=$(tracefs_mounts)

# BPF tests: skip when not root outside CI, fail under CI
need_bpf()
{
	if ((EUID != 0)) && [[ ${CI:-} != true ]]; then
		skip "needs root for BPF (set CI=true to make this a failure)"
	fi
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
}

need_nx()
{
	[[ -z $NX_ERR ]] || fail "$NX_ERR"
}

need_go()
{
	[[ -z $GO_ERR ]] || fail "$GO_ERR"
}

need_musl()
{
	[[ -x $FIX/musl_missing ]] || fail "no musl fixture: musl-gcc is not installed (make deps installs musl-tools)"
}

# ---- scenarios: each runs in both modes ----------------------------------------
#
# sc_NAME sets SC_CMD (the program), SC_RC (its own exit status), SC_HEALTHY
# (1: no finding allowed, 2: no finding of severity "error" allowed) and
# SC_CHECKS (jq EXPR / WANT pairs on its finding); optionally SC_ARGS (more
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

# procps: ps dlopens libnuma.so, which is not installed, and carries on (exit 0)
sc_noise_ps()
{
	SC_CMD=(ps -e) SC_RC=0 SC_HEALTHY=2
	SC_CHECKS=()
}

SCENARIOS=(
	missing_library missing_library_enotdir_entry missing_preload
	missing_interpreter_elf missing_interpreter_script
	permission_exec_mode permission_lib_mode permission_lib_noexec permission_exec_noexec
	not_a_directory odd_directory_name
	healthy_search_misses healthy_exit127 healthy_exit1
	version_mismatch wrong_elf_class
	undefined_symbol_now undefined_symbol_versioned undefined_symbol_lazy
	dlopen_missing dlopen_missing_handled dlopen_missing_dependency dlopen_noexec dlopen_loads
	go_plugin_missing go_plugin_missing_dependency go_plugin_loads
	musl_missing_library noise_ps
)

load_scenario()
{
	SC_NEED_NX=0 SC_NEED_GO=0 SC_NEED_MUSL=0 SC_ARGS=() SC_LOAD_CHECKS=()
	"sc_$1"
	((SC_NEED_NX)) && need_nx
	((SC_NEED_GO)) && need_go
	((SC_NEED_MUSL)) && need_musl
	return 0
}

cmd_str()
{
	local s
	s=$(printf '%q ' "$@")
	s=${s% }
	echo "${s:0:200}"
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

for sc in "${SCENARIOS[@]}"; do
	eval "t_all_$sc() { scenario_all $sc; }"
	eval "t_cmd_$sc() { scenario_cmd $sc; }"
done

# ---- exit status and stdio of `-- CMD` ----------------------------------------

# cmd_status WANT CMD...: ldwatch -- CMD exits WANT
cmd_status()
{
	local want=$1 F=$W/rec.json rc
	shift
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- "$@" >"$W/out" 2>"$F.stderr"
	rc=$?
	((rc == want)) || fail "ldwatch -- $(cmd_str "$@") exited $rc, expected $want" "stderr: $(stderr_tail "$F.stderr")"
	check_records "$F"
}

t_status_exit3()
{
	cmd_status 3 sh -c 'exit 3'
}

t_status_signal()
{
	# shellcheck disable=SC2016
	cmd_status 143 sh -c 'kill -TERM $$'
}

t_status_not_found()
{
	cmd_status 127 /nonexistent/cmd
}

t_status_not_executable()
{
	cmd_status 126 "$FIX/no_x"
}

t_cmd_stdio_passthrough()
{
	local F=$W/rec.json rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- \
		sh -c 'printf "out-marker\n"; printf "err-marker\n" >&2; exit 0' >"$W/out" 2>"$W/err"
	rc=$?
	((rc == 0)) || bad "exited $rc, expected 0; stderr: $(stderr_tail "$W/err")"
	[[ $(cat "$W/out") == out-marker ]] || bad "stdout is not exactly CMD's: $(head -c 300 "$W/out")"
	grep -qx err-marker "$W/err" || bad "CMD's stderr line did not pass through: $(stderr_tail "$W/err")"
	check_records "$F"
}

# ---- flags --------------------------------------------------------------------

# usage_error ARGS...: exit 2 and a usage text on stderr, no records
usage_error()
{
	local rc
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	timeout -k 2 10 "$LDWATCH" "$@" >"$W/out" 2>"$W/err" </dev/null
	rc=$?
	((rc == 2)) || bad "ldwatch $(cmd_str "$@") exited $rc, expected 2"
	grep -qi usage "$W/err" || bad "no usage on stderr: $(stderr_tail "$W/err")"
	[[ ! -s $W/out ]] || bad "stdout is not empty: $(head -c 200 "$W/out")"
}

t_usage_unknown_option()
{
	usage_error --no-such-option
}

t_usage_pid_not_a_number()
{
	usage_error -p abc
}

t_usage_pid_zero()
{
	usage_error -p 0
}

t_usage_negative_duration()
{
	usage_error --duration -1
}

t_usage_output_without_argument()
{
	usage_error -o
}

t_usage_no_command_after_dashdash()
{
	usage_error --
}

t_help()
{
	local rc opt
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	for opt in --help -h; do
		timeout -k 2 10 "$LDWATCH" "$opt" >"$W/out" 2>"$W/err" </dev/null
		rc=$?
		((rc == 0)) || bad "ldwatch $opt exited $rc, expected 0"
		grep -qi usage "$W/out" || bad "ldwatch $opt: no usage on stdout"
		grep -q -- '--loads' "$W/out" || bad "ldwatch $opt: --loads is not in the usage"
	done
}

# ---- privileges -----------------------------------------------------------------

t_not_root()
{
	local nr=$TMP/nonroot run=() rc lines
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	mkdir -p "$nr"
	chmod 0755 "$nr"
	cp "$LDWATCH" "$nr/ldwatch"
	chmod 0755 "$nr/ldwatch"
	((EUID == 0)) && run=("${AS_NOBODY[@]}" --inh-caps=-all)

	(cd / && timeout -k 2 20 "${run[@]}" "$nr/ldwatch" --all --json --duration 1 >"$W/out" 2>"$W/err")
	rc=$?
	((rc == 1)) || bad "unprivileged ldwatch --all exited $rc, expected 1"
	lines=$(grep -c . "$W/err")
	((lines == 1)) || bad "expected one line on stderr, got $lines: $(stderr_tail "$W/err")"
	grep -Eqi 'root|CAP_BPF' "$W/err" || bad "stderr names neither root nor CAP_BPF: $(stderr_tail "$W/err")"
	grep -q '"ready"' "$W/out" && bad "unprivileged ldwatch claimed to be ready"

	(cd / && timeout -k 2 20 "${run[@]}" "$nr/ldwatch" -- true >"$W/out" 2>"$W/err")
	rc=$?
	((rc == 125)) || bad "unprivileged ldwatch -- true exited $rc, expected 125"
	lines=$(grep -c . "$W/err")
	((lines == 1)) || bad "-- true: expected one line on stderr, got $lines: $(stderr_tail "$W/err")"
	grep -Eqi 'root|CAP_BPF' "$W/err" || bad "-- true: stderr names neither root nor CAP_BPF"
}

# ---- scope ------------------------------------------------------------------------

# no scope flag: the go toolchain's descendants only
t_scope_default_go()
{
	local F=$W/rec.json a g fnd
	need_bpf
	lw_start "$F" --json
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	a=$!
	wait "$a"
	"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
	g=$!
	wait "$g"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$g" ||
		bad "no finding for the program run under go (pid $g) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	fnd=$(recs "$F" 'select(.type == "finding" and .ppid == $g)' --argjson g "$g" | head -n1)
	[[ -z $fnd ]] || check_fields "$fnd" .kind '"missing-library"' .object '"libmissing.so"' .comm '"needs_missing"'
	has_rec "$F" 'select(.type == "finding" and .pid == $a)' --argjson a "$a" &&
		bad "default scope reported the program run outside go (pid $a)"
	return 0
}

# a tree that waits on a FIFO, then runs a plain and a go-wrapped failure
start_tree()
{
	mkfifo "$W/fifo"
	(
		read -r _ <"$W/fifo"
		"$FIX/needs_missing" >/dev/null 2>&1 &
		echo $! >"$W/plain.pid"
		wait
		"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
		echo $! >"$W/go.pid"
		wait
	) &
	TREE=$!
	CLEAN_PIDS+=("$TREE")
}

run_tree()
{
	echo go >"$W/fifo"
	wait "$TREE"
	PLAIN=$(cat "$W/plain.pid")
	GOPID=$(cat "$W/go.pid")
}

# --all -p PID: the whole tree, nothing outside it
t_scope_pid_all()
{
	local F=$W/rec.json out
	need_bpf
	start_tree
	lw_start "$F" --all --json -p "$TREE"
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	out=$!
	wait "$out"
	run_tree
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$PLAIN" ||
		bad "no finding for the program in the tree (pid $PLAIN) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$GOPID" ||
		bad "no finding for the go-wrapped program in the tree (under pid $GOPID)"
	lw_stop "$F"
	check_records "$F"
	has_rec "$F" 'select(.type == "finding" and .pid == $o)' --argjson o "$out" &&
		bad "--all -p $TREE reported a program outside the tree (pid $out)"
	return 0
}

# -p PID alone: the go processes of that tree
t_scope_pid_go_only()
{
	local F=$W/rec.json out
	need_bpf
	start_tree
	lw_start "$F" --json -p "$TREE"
	wait_ready "$F"
	"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
	out=$!
	wait "$out"
	run_tree
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$GOPID" ||
		bad "no finding for the go-wrapped program in the tree (under pid $GOPID) within ${FINDING_S}s;" \
			"findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	has_rec "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$PLAIN" &&
		bad "-p $TREE without --all reported a non-go program in the tree (pid $PLAIN)"
	has_rec "$F" 'select(.type == "finding" and .ppid == $o)' --argjson o "$out" &&
		bad "-p $TREE reported a go-wrapped program outside the tree (under pid $out)"
	return 0
}

# ---- lifecycle ----------------------------------------------------------------------

# runs first: on a fresh machine tracefs is not mounted, and must stay so for the host
t_tracefs_untouched()
{
	local F=$W/rec.json p before after
	need_bpf
	before=$(tracefs_mounts)
	[[ -z $before ]] && echo "    tracefs was not mounted before ldwatch ran"
	lw_start "$F" --all --json
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" ||
		bad "ldwatch did not work: no finding for pid $p within ${FINDING_S}s"
	lw_stop "$F"
	check_records "$F"
	after=$(tracefs_mounts)
	[[ $before == "$after" ]] || bad "tracefs mounts in the host's mount table changed:" \
		"before: ${before:-none}" "after: ${after:-none}"
}

# runs last: no ldwatch run of the whole suite left tracefs behind
t_tracefs_untouched_by_suite()
{
	need_bpf
	[[ $(tracefs_mounts) == "$TRACEFS_AT_START" ]] ||
		fail "tracefs mounts changed during the suite: start: ${TRACEFS_AT_START:-none}, end: $(tracefs_mounts)"
}

handle_prog_ids()
{
	bpftool -j prog list 2>/dev/null | jq -r '.[] | select(.name | startswith("handle_")) | .id' | sort -n
}

# ids among $1 (one a line) that are still loaded
still_loaded()
{
	[[ -n $1 ]] || return 0
	handle_prog_ids | grep -xF -f <(printf '%s\n' "$1")
}

progs_gone()
{
	[[ -z $(still_loaded "$1") ]]
}

# the handle_* programs that appeared with this ldwatch are gone once it stops;
# by id, not by holder: bpftool cannot name the pids holding a program here,
# and other ldwatch processes (their programs older) may be running
t_clean_detach()
{
	local F=$W/rec.json before mine
	need_bpf
	command -v bpftool >/dev/null || fail "bpftool not installed"
	before=$(handle_prog_ids)
	lw_start "$F" --all --json
	wait_ready "$F"
	mine=$(handle_prog_ids | grep -vxF -f <(printf '%s\n' "$before"))
	[[ -n $mine ]] || bad "bpftool shows no new handle_* program while ldwatch runs"
	lw_stop "$F"
	check_records "$F"
	# freeing a program is deferred in the kernel: allow it a moment
	wait_until 5 progs_gone "$mine" ||
		bad "handle_* programs of this ldwatch left after it stopped: $(still_loaded "$mine" | tr '\n' ' ')"
}

t_duration()
{
	local F=$W/rec.json rc
	need_bpf
	lw_start "$F" -a -j -d 2	# the short forms
	wait_ready "$F"
	wait_until 15 not_alive "$LW" || fail "ldwatch -d 2 still running 15s after ready"
	wait "$LW"
	rc=$?
	((rc == 0)) || bad "ldwatch -d 2 exited $rc, expected 0"
	check_records "$F"
}

t_stop_sigterm()
{
	local F=$W/rec.json
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	lw_stop "$F" TERM
	check_records "$F"
}

# ---- the loader's uprobes -------------------------------------------------------------

# check_uprobes FILE: the ready record names exactly the uprobes of this glibc
check_uprobes()
{
	local f=$1 rdy e0=$ERRS
	rdy=$(recs "$f" 'select(.type == "ready")' | head -n1)
	[[ -n $rdy ]] || { bad "no ready record"; return; }
	check_fields "$rdy" \
		'.uprobes | type' '"array"' \
		'[.uprobes[]?.path] | length == (unique | length)' true \
		'[.uprobes[]? | select(.path == $ldso)] | length' 1 \
		'[.uprobes[]? | select(.path == $ldso) | .symbols | sort]' "[$LDSO_SYMS | sort]" \
		'[.uprobes[]? | select(.path == $libc)] | length' 1 \
		'[.uprobes[]? | select(.path == $libc) | .symbols | sort]' "[$LIBC_SYMS | sort]"
	((ERRS == e0)) || bad "  uprobes: $(jq -c .uprobes <<<"$rdy" | cut -c1-800)"
}

t_cmd_ready_uprobes()
{
	local F=$W/rec.json rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- true >"$W/out" 2>"$F.stderr"
	rc=$?
	((rc == 0)) || bad "ldwatch -- true exited $rc, expected 0; stderr: $(stderr_tail "$F.stderr")"
	check_records "$F"
	check_uprobes "$F"
}

t_all_ready_uprobes()
{
	local F=$W/rec.json
	need_bpf
	lw_start "$F" --all --json --loads
	wait_ready "$F"
	lw_stop "$F"
	check_records "$F"
	check_uprobes "$F"
}

# ---- text mode and output hygiene ---------------------------------------------------

# text_block FILE HEADER_ERE: the block whose first line matches
text_block()
{
	awk -v re="$2" 'inb && !/^  / { exit } $0 ~ re { inb = 1 } inb' "$1"
}

check_text_output()
{
	local out=$1 header=$2 block ctl bad_keys
	ctl=$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$out" | wc -c)
	((ctl == 0)) || bad "text output holds $ctl raw control bytes"
	block=$(text_block "$out" "$header")
	if [[ -z $block ]]; then
		bad "no block whose first line matches /$header/; output:" "$(head -c 600 "$out" | cat -v)"
		return
	fi
	grep -qx '  object: libmissing.so' <<<"$block" || bad "block lacks '  object: libmissing.so'"
	grep -qx '  errno: ENOENT' <<<"$block" || bad "block lacks '  errno: ENOENT'"
	grep -q "^  message: .*$LDSO_ENOENT" <<<"$block" || bad "block lacks ld.so's message"
	grep -qiF "  message: $ODD_ESC/miss_origin: $LDSO_ENOENT" <<<"$block" ||
		bad "message line is not ld.so's whole text with the \\xNN-escaped path:" \
			"$(grep '^  message:' <<<"$block" | cut -c1-200)"
	grep -q '^  hint: .' <<<"$block" || bad "block lacks a hint"
	grep -q '^  tried:' <<<"$block" || bad "block lacks tried:"
	grep -qiF "  exe: $ODD_ESC/miss_origin" <<<"$block" ||
		bad "exe line is not the \\xNN-escaped path $ODD_ESC/miss_origin"
	grep -qiF "$ODD_ESC/libmissing.so" <<<"$block" ||
		bad "no attempt names the \\xNN-escaped $ODD_ESC/libmissing.so"
	bad_keys=$(sed 1d <<<"$block" |
		grep -Ev '^  (time|process|exe|cwd|object|needed by|cause|mount|errno|exit|signal|message|tried|hint):( |$)|^   ' | head -n 3)
	[[ -z $bad_keys ]] || bad "lines in the block that are not '  key: value' of a known key:" "$bad_keys"
	return 0
}

t_text_all()
{
	local T=$W/out.txt p
	need_bpf
	lw_start_stdout "$T" --all
	wait_ready "$T" text
	"$ODD/miss_origin" >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_until "$FINDING_S" grep -Eq "^missing-library \\(error\\) pid $p( |\$)" "$T" ||
		bad "no '^missing-library (error) pid $p' block within ${FINDING_S}s"
	lw_stop "$T"
	check_text_output "$T" "^missing-library \\(error\\) pid $p miss_origin\$"
}

t_text_cmd()
{
	local T=$W/out.txt rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" -o "$T" -- "$ODD/miss_origin" >"$W/out" 2>"$T.stderr"
	rc=$?
	((rc == 127)) || bad "ldwatch -o FILE -- miss_origin exited $rc, expected 127"
	check_text_output "$T" '^missing-library \(error\) pid [0-9]+ miss_origin$'
}

source "$ROOT/tests/it/go.sh"
source "$ROOT/tests/it/containers.sh"
source "$ROOT/tests/it/faults.sh"
source "$ROOT/tests/it/real.sh"

# ---- run --------------------------------------------------------------------------

TESTS=(t_tracefs_untouched)
for sc in "${SCENARIOS[@]}"; do
	TESTS+=("t_cmd_$sc" "t_all_$sc")
done
TESTS+=(
	t_status_exit3 t_status_signal t_status_not_found t_status_not_executable t_cmd_stdio_passthrough
	t_usage_unknown_option t_usage_pid_not_a_number t_usage_pid_zero t_usage_negative_duration
	t_usage_output_without_argument t_usage_no_command_after_dashdash t_help
	t_not_root
	t_scope_default_go t_scope_pid_all t_scope_pid_go_only
	t_cmd_ready_uprobes t_all_ready_uprobes
	t_clean_detach t_duration t_stop_sigterm
	t_text_all t_text_cmd
	"${GO_TESTS[@]}"
	"${CTR_TESTS[@]}"
	"${FAULT_TESTS[@]}"
	"${REAL_TESTS[@]}"
	t_tracefs_untouched_by_suite
)

if [[ $# -gt 0 ]]; then
	TESTS=("$@")
fi

for t in "${TESTS[@]}"; do
	run_test "$t"
done

((FAILED)) && printf 'failed: %s\n' "${FAILED_NAMES[*]}"
echo "integration: $PASSED passed, $FAILED failed"
((FAILED == 0))
