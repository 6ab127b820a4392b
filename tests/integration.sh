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
# The tests are in tests/it/, one README promise a file: every function
# named t_* there is a test, found by name (nothing else may be named so).
#
#   tests/integration.sh [TEST...]   run some tests only (names as printed)
#   tests/integration.sh --list      the names of all tests, in the order they run
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
# the ld.so and libc.so.6 of this host, as realpath names them
LDSO_REAL=$(realpath -e /lib64/ld-linux-x86-64.so.2 2>/dev/null || echo /lib64/ld-linux-x86-64.so.2)
LIBC_REAL=$(realpath -e /lib/x86_64-linux-gnu/libc.so.6 2>/dev/null || echo /lib/x86_64-linux-gnu/libc.so.6)

# to run a fixture as uid 65534 (tests/it)
# shellcheck disable=SC2034
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# ---- tests: one file of tests/it a README promise ------------------------------

for f in "$ROOT"/tests/it/*.sh; do
	# each is checked on its own
	# shellcheck source=/dev/null
	source "$f"
done

# the files in the order their tests run: the failing programs first, the slow
# container and real-software ones last (any other file after them)
IT_ORDER=(scenarios.sh cli.sh scope.sh lifecycle.sh text.sh go.sh containers.sh faults.sh real.sh)
# t_tracefs_untouched runs first: it sees the host's tracefs before any ldwatch
# of this suite ran; t_tracefs_untouched_by_suite last: it checks what they all left
FIRST=t_tracefs_untouched LAST=t_tracefs_untouched_by_suite
mapfile -t TESTS < <(discover_tests "${IT_ORDER[@]/#/$ROOT/tests/it/}" | grep -vx -e "$FIRST" -e "$LAST")
TESTS=("$FIRST" "${TESTS[@]}" "$LAST")

if [[ ${1:-} == --list ]]; then
	printf '%s\n' "${TESTS[@]}"
	exit 0
fi
if [[ $# -gt 0 ]]; then
	TESTS=("$@")
fi

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
SUID=$TMP/suid	# needs_missing setuid root; its libmissing.so only in lib/, for LD_LIBRARY_PATH
ODD=$TMP/$'odd\ndir\there\xff'
# ODD as text mode must print it (tests/it/text.sh)
# shellcheck disable=SC2034
ODD_ESC="$TMP/odd\\x0adir\\x09here\\xff"
mkdir -p "$WORK" "$PRIV/lib" "$NX/lib" "$ODD" "$SUID/lib"
cp "$FIX/needs_missing" "$SUID/"
chmod 4755 "$SUID/needs_missing"
cp "$FIX/lib/libfoo.so" "$SUID/lib/libmissing.so"
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
	--arg suid "$SUID"
	--arg ldso "$LDSO_REAL" --arg libc "$LIBC_REAL"
	--arg ldso_enoent "$LDSO_ENOENT" --arg notthere "$NOTTHERE" --arg nodep "$NODEP")

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

# ---- run --------------------------------------------------------------------------

suite_run integration "${TESTS[@]}"
