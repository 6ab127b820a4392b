#!/bin/bash
# tests/resolve_vs_ldso.sh [-r ROOT] [DIR...]: the resolver and `ldwatch check`
# against the loader itself. For every dynamic x86-64 ELF in DIR (default
# /usr/bin), two comparisons:
#  - build/resolve_probe's list of objects (resolve.c alone) against
#    `ld.so --list FILE` (addresses and linux-vdso.so.1 left out). --list
#    stops at the first missing library in glibc 2.36, so for a file it fails
#    on, the list is taken again in trace mode (LD_TRACE_LOADED_OBJECTS=1,
#    what ldd does), which lists every "not found";
#  - `ldwatch check`'s verdict (loads or not, one process for all files)
#    against ld.so's (it listed every object, no "not found", no error).
# With -r ROOT the files are ROOT's, the probe and ldwatch check resolve
# inside ROOT, and ld.so is ROOT's own, run in a chroot: a debootstrapped
# root of another Debian release checks its glibc's search as well. Files
# the probe does not take (static, scripts, 32-bit) never reach ld.so:
# explicit ld.so runs a static binary. Nothing else is executed; nothing is
# loaded into the kernel. JOBS (2) files are compared side by side.
# RESOLVE_LD_LIBRARY_PATH, when set, is the LD_LIBRARY_PATH the probe mirrors
# (-L), ld.so gets (through env) and check gets (--env): the script's tools
# keep the environment's, so a bad library there breaks only the comparison.
# Each disagreement is shown as a diff. Last lines: "N agreed, M disagreed"
# for each comparison, then "files: P passed, F failed" (a file passes when
# both agree); exit 1 when one failed, 2 when the comparison could not run.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
probe=$ROOT/build/resolve_probe
LDWATCH=${LDWATCH:-$ROOT/build/ldwatch}
JOBS=${JOBS:-2}
ldso=/lib64/ld-linux-x86-64.so.2
root=/
if [[ ${1:-} == -r ]]; then
	root=$(cd "$2" && pwd) || exit 2
	shift 2
fi
for b in "$probe" "$LDWATCH"; do
	[[ -x $b ]] || { echo "resolve_vs_ldso: $b missing (make build/resolve_probe build/ldwatch)" >&2; exit 2; }
done
(($#)) || set -- /usr/bin
tmp=$(mktemp -d /tmp/ldwatch-resolve.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

penv=() lenv=() cenv=()
if [[ -v RESOLVE_LD_LIBRARY_PATH ]]; then
	penv=(-L "$RESOLVE_LD_LIBRARY_PATH")
	lenv=("LD_LIBRARY_PATH=$RESOLVE_LD_LIBRARY_PATH")
	cenv=(--env "LD_LIBRARY_PATH=$RESOLVE_LD_LIBRARY_PATH")
fi
run_ldso() {
	if [[ $root == / ]]; then
		timeout 20 env "${lenv[@]}" "$@"
	else
		timeout 20 chroot "$root" /usr/bin/env "${lenv[@]}" "$@"
	fi
}

normalize() {
	sed -e '/^[[:space:]]*linux-vdso\.so\.1 /d' -e 's/ (0x[0-9a-f]*)$//' \
	    -e 's/^.*: error while loading shared libraries: /error: /' |
	    perl -MPOSIX -pe 's/: Error (\d+)$/": " . strerror($1)/e'
}

# compare FILE...: one worker; per file a line "FILE\tagree|disagree|skipped\tloads|fails" in
# $tmp/res.N, the diffs in $tmp/diff.N
compare() {
	local w=$1 f
	shift
	local rc verdict
	for f in "$@"; do
		"$probe" -r "$root" "${penv[@]}" "$f" | tail -n +2 >"$tmp/probe.$w"
		if grep -q '^	skipped:' "$tmp/probe.$w"; then
			printf '%s\tskipped\t-\n' "$f"
			continue
		fi
		run_ldso "$ldso" --list "$f" >"$tmp/raw.$w" 2>&1
		rc=$?
		verdict=loads
		if ((rc)) || grep -q 'not found\|error while loading' "$tmp/raw.$w"; then
			verdict=fails
		fi
		if ((rc)) && grep -q 'cannot open shared object file' "$tmp/raw.$w"; then
			run_ldso env LD_TRACE_LOADED_OBJECTS=1 "$ldso" "$f" >"$tmp/raw.$w" 2>&1
		fi
		normalize <"$tmp/raw.$w" >"$tmp/ldso.$w"
		if cmp -s "$tmp/probe.$w" "$tmp/ldso.$w"; then
			printf '%s\tagree\t%s\n' "$f" "$verdict"
		else
			printf '%s\tdisagree\t%s\n' "$f" "$verdict"
			{
				echo "--- $f (ld.so, then resolve_probe)"
				diff "$tmp/ldso.$w" "$tmp/probe.$w" | sed 's/^/    /'
			} >>"$tmp/diff.$w"
		fi
	done >"$tmp/res.$w"
}

files=()
for dir in "$@"; do
	for f in "${root%/}$dir"/*; do
		[[ -f $f ]] && files+=("${f#"${root%/}"}")
	done
done
n=${#files[@]}
per=$(((n + JOBS - 1) / JOBS))
for ((w = 0; w < JOBS; w++)); do
	compare "$w" "${files[@]:w*per:per}" &
done
wait
cat "$tmp"/res.* >"$tmp/res"
cat "$tmp"/diff.* 2>/dev/null

# ldwatch check over the same files in one process: its "check" records against ld.so's verdicts
cut -f1,2 "$tmp/res" | awk -F'\t' '$2 != "skipped" {print $1}' >"$tmp/taken"
xargs -d '\n' -a "$tmp/taken" "$LDWATCH" check --json --root "$root" "${cenv[@]}" >"$tmp/check.json" 2>"$tmp/check.err"
jq -r 'select(.type == "check") | [.file, (if .loads then "loads" else "fails" end)] | @tsv' \
	"$tmp/check.json" >"$tmp/check.tsv"
awk -F'\t' 'NR == FNR { c[$1] = $2; next }
	$2 == "skipped" { next }
	{ if (!($1 in c)) print $1 "\tmissing"; else if (c[$1] != $3) print $1 "\t" c[$1] " (ld.so: " $3 ")" }' \
	"$tmp/check.tsv" "$tmp/res" >"$tmp/check.bad"
sed 's/^/--- ldwatch check: /' "$tmp/check.bad"

skipped=$(grep -c $'\tskipped\t' "$tmp/res")
agree=$(grep -c $'\tagree\t' "$tmp/res")
disagree=$(grep -c $'\tdisagree\t' "$tmp/res")
taken=$(wc -l <"$tmp/taken")
cbad=$(wc -l <"$tmp/check.bad")
fails=$(grep -c $'\tfails$' "$tmp/res")
failed=$(cut -f1 "$tmp/check.bad" | cat - <(grep $'\tdisagree\t' "$tmp/res" | cut -f1) | sort -u | wc -l)
echo "root $root: ${*}: $n files, skipped $skipped (not dynamic x86-64 ELF), $fails of $taken that ld.so fails on"
echo "resolver vs ld.so --list: $agree agreed, $disagree disagreed"
echo "ldwatch check vs ld.so --list: $((taken - cbad)) agreed, $cbad disagreed"
echo "files: $((taken - failed)) passed, $failed failed"
((failed == 0))
