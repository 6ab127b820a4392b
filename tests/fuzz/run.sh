#!/bin/bash
# tests/fuzz/run.sh [SECONDS]: run each libFuzzer target (build/fuzz/fuzz_*)
# for SECONDS (default 20) from the corpus in tests/fuzz/corpus/NAME, into a
# scratch copy (the repository's corpus only changes by hand). A crash, a
# leak or a sanitizer report fails the target; its reproducer is kept in
# build/fuzz/crashes/. Last line: "fuzz: N passed, M failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-20}
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "usage: run.sh [SECONDS]" >&2; exit 2; }
out=$ROOT/build/fuzz
mkdir -p "$out/crashes"
pass=0 fail=0
for bin in "$out"/fuzz_*; do
	[[ -x $bin && $bin != *.* ]] || continue
	name=${bin##*/fuzz_}
	work=$(mktemp -d /tmp/ldwatch-fuzz.XXXXXX) || exit 1
	cp -r "$ROOT/tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$name-" "$work" >"$out/$name.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$')
		printf 'ok   fuzz %s: %s runs in %ss, corpus %s inputs\n' "$name" "${runs:-?}" "$secs" \
			"$(find "$work" -type f | wc -l)"
		pass=$((pass + 1))
	else
		printf 'FAIL fuzz %s (log: %s)\n' "$name" "$out/$name.log"
		grep -E 'ERROR|SUMMARY|runtime error' "$out/$name.log" | head -n 5 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
	rm -rf "$work"
done
((pass + fail)) || { echo "fuzz: no target in $out (make fuzz builds them)"; fail=1; }
echo "fuzz: $pass passed, $fail failed"
((fail == 0))
