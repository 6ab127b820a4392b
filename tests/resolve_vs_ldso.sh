#!/bin/bash
# tests/resolve_vs_ldso.sh [DIR...]: resolve.c against the loader itself. For
# every dynamic x86-64 ELF in DIR (default /usr/bin), build/resolve_probe's
# list of objects is compared with `/lib64/ld-linux-x86-64.so.2 --list FILE`
# (addresses and linux-vdso.so.1 left out). --list stops at the first
# missing library in glibc 2.36, so for a file it fails on the list is taken
# again in trace mode (LD_TRACE_LOADED_OBJECTS=1, what ldd does), which
# lists every "not found". Files the probe does not take (static, scripts,
# 32-bit) never reach ld.so: explicit ld.so runs a static binary. Nothing
# is executed otherwise; nothing is loaded into the kernel.
# RESOLVE_LD_LIBRARY_PATH, when set, is the LD_LIBRARY_PATH the probe mirrors
# (-L) and ld.so gets (through env): the script's tools and the probe itself
# keep the environment's, so a bad library there breaks only the comparison.
# Last line: "N agreed, M disagreed"; each disagreement is shown as a diff.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
probe=$ROOT/build/resolve_probe
ldso=/lib64/ld-linux-x86-64.so.2
[[ -x $probe ]] || { echo "resolve_vs_ldso: $probe missing (make build/resolve_probe)" >&2; exit 2; }
(($#)) || set -- /usr/bin
tmp=$(mktemp -d /tmp/ldwatch-resolve.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

penv=() lenv=()
if [[ -v RESOLVE_LD_LIBRARY_PATH ]]; then
	penv=(-L "$RESOLVE_LD_LIBRARY_PATH")
	lenv=("LD_LIBRARY_PATH=$RESOLVE_LD_LIBRARY_PATH")
fi

normalize() {
	sed -e '/^[[:space:]]*linux-vdso\.so\.1 /d' -e 's/ (0x[0-9a-f]*)$//' \
	    -e 's/^.*: error while loading shared libraries: /error: /' |
	    perl -MPOSIX -pe 's/: Error (\d+)$/": " . strerror($1)/e'
}

agree=0 disagree=0 skipped=0
for dir in "$@"; do
	for f in "$dir"/*; do
		[[ -f $f ]] || continue
		"$probe" "${penv[@]}" "$f" | tail -n +2 >"$tmp/probe"
		if grep -q '^	skipped:' "$tmp/probe"; then
			skipped=$((skipped + 1))
			continue
		fi
		timeout 20 env "${lenv[@]}" "$ldso" --list "$f" >"$tmp/raw" 2>&1
		if (($?)) && grep -q 'cannot open shared object file' "$tmp/raw"; then
			timeout 20 env "${lenv[@]}" LD_TRACE_LOADED_OBJECTS=1 "$ldso" "$f" >"$tmp/raw" 2>&1
		fi
		normalize <"$tmp/raw" >"$tmp/ldso"
		if cmp -s "$tmp/probe" "$tmp/ldso"; then
			agree=$((agree + 1))
		else
			disagree=$((disagree + 1))
			echo "--- $f (ld.so, then resolve_probe)"
			diff "$tmp/ldso" "$tmp/probe" | sed 's/^/    /'
		fi
	done
done
echo "skipped $skipped (not dynamic x86-64 ELF)"
echo "$agree agreed, $disagree disagreed"
((disagree == 0))
