#!/usr/bin/env bash
# shellcheck disable=SC2016 # (the table's backquotes are Markdown)
# tests/bench/check.sh (`make bench-check`): `ldwatch check` beside the static
# resolvers Debian has, on the same files in one run: lddtree (pax-utils,
# Python with pyelftools), libtree, and the loader itself (`ld.so --list`, one
# process per file, which maps every object). The files are every dynamic
# x86-64 ELF of /usr/bin, /usr/sbin and /usr/lib/x86_64-linux-gnu (this host's
# packages). Each tool gets the whole list in one process where it takes
# several files (ldwatch, lddtree, libtree); each runs ROUNDS times, rotated,
# after one untimed warm-up each (the page cache is warm for all). The report
# is Markdown on stdout: median wall and CPU seconds (min-max), files per
# second, and how many files each tool called broken (its own exit status per
# file would need a process per file: the count is from its output).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
LDWATCH=${LDWATCH:-build/ldwatch}
ROUNDS=${ROUNDS:-5}
read -r -a DIRS <<<"${BENCH_DIRS:-/usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu}"
LDSO=/lib64/ld-linux-x86-64.so.2
# Debian's python3, not one earlier in PATH (pyenv) that lacks pyelftools
PY=/usr/bin/python3

[[ -x $LDWATCH ]] || { echo "bench-check: $LDWATCH missing (make)" >&2; exit 1; }
for t in /usr/bin/lddtree /usr/bin/libtree; do
	[[ -x $t ]] || { echo "bench-check: $t missing (make bench-deps)" >&2; exit 1; }
done
$PY -c 'import elftools' 2>/dev/null || { echo "bench-check: python3-pyelftools missing (make bench-deps)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ldwatch-bench-check.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# dynamic x86-64 ELF files only: the tools differ on scripts and static files, not the question here
for d in "${DIRS[@]}"; do
	for f in "$d"/*; do
		[[ -f $f && ! -L $f ]] || continue
		[[ $(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ') == 177ELF ]] || continue
		readelf -lW "$f" 2>/dev/null | grep -q 'DYNAMIC.*0x' || continue
		readelf -hW "$f" 2>/dev/null | grep -q 'Machine:.*X86-64' || continue
		echo "$f"
	done
done >"$tmp/files"
n=$(wc -l <"$tmp/files")
echo "bench-check: $n files" >&2

run_ldwatch() { xargs -d '\n' -a "$tmp/files" "$LDWATCH" check >"$tmp/out.$1" 2>&1; }
run_lddtree() { xargs -d '\n' -a "$tmp/files" $PY /usr/bin/lddtree >"$tmp/out.$1" 2>&1; }
run_libtree() { xargs -d '\n' -a "$tmp/files" /usr/bin/libtree >"$tmp/out.$1" 2>&1; }
run_ldso() { while IFS= read -r f; do timeout 20 "$LDSO" --list "$f" 2>&1 </dev/null; done <"$tmp/files" >"$tmp/out.$1"; }
# files each output calls broken
broken_ldwatch() { grep -c '^does not load$' "$1"; }
broken_lddtree() { grep -c 'not found' "$1"; }
broken_libtree() { grep -c 'not found' "$1"; }
broken_ldso() { grep -c 'not found\|error while loading' "$1"; }
# files each output covers (a tool that stopped early would look fast)
listed_ldwatch() { grep -c '^loads$\|^does not load$' "$1"; }
listed_lddtree() { grep -c '^/' "$1"; }
listed_libtree() { grep -cv '^[[:space:]]\|^│\|^├\|^└' "$1"; }	# a library's tree is headed by its soname
listed_ldso() { grep -c '^[[:space:]]*/lib64/ld-linux-x86-64.so.2 (0x\|statically linked\|error while loading' "$1"; }

TOOLS=(ldwatch lddtree libtree ldso)
declare -A WALL CPU
for t in "${TOOLS[@]}"; do "run_$t" "$t"; done	# warm-up, and each tool's output
for ((r = 0; r < ROUNDS; r++)); do
	for ((i = 0; i < ${#TOOLS[@]}; i++)); do
		t=${TOOLS[(i + r) % ${#TOOLS[@]}]}
		# wall from a monotonic clock; CPU from the children's accounting (times)
		s=$(date +%s.%N)
		c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
		"run_$t" "$t"
		c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
		e=$(date +%s.%N)
		WALL[$t]+="$(echo "$e - $s" | bc) "
		CPU[$t]+="$(echo "scale=3; ($c1 - $c0) / $(getconf CLK_TCK)" | bc) "
		echo "bench-check: round $((r + 1)) $t done" >&2
	done
done

med() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {printf "%.3f (%.3f-%.3f)", a[int((NR + 1) / 2)], a[1], a[NR]}'; }
medv() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

echo "### ldwatch check beside lddtree, libtree and ld.so --list"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r), glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2);" \
	"$n dynamic x86-64 ELF files of ${DIRS[*]}; $ROUNDS rounds, page cache warm."
echo
echo "| tool | wall s, median (min-max) | CPU s, median (min-max) | files/s | files listed | lines saying not found / does not load |"
echo "|---|---|---|---|---|---|"
for t in "${TOOLS[@]}"; do
	case $t in
	ldwatch) name='`ldwatch check FILE...`' ;;
	lddtree) name='`lddtree FILE...` (pax-utils '"$(dpkg-query -W -f '${Version}' pax-utils)"')' ;;
	libtree) name='`libtree FILE...` ('"$(dpkg-query -W -f '${Version}' libtree)"')' ;;
	ldso) name='`ld.so --list FILE`, a process per file' ;;
	esac
	w=$(medv <<<"${WALL[$t]}")
	echo "| $name | $(med <<<"${WALL[$t]}") | $(med <<<"${CPU[$t]}") | $(echo "$n / $w" | bc) | $("listed_$t" "$tmp/out.$t") | $("broken_$t" "$tmp/out.$t") |"
done
