#!/bin/bash
# tests/soak.sh [SECONDS]: ldwatch --all for SECONDS (default 120) while exec
# storms, failing loads, dlopen churn and short-lived containerised processes
# run against it. Then: every provoked failure was reported (a finding per
# host process; for the crash-looping container one finding plus its repeat
# count), the counters reconcile (received = submitted, losses counted and
# none here), and ldwatch's RSS and open descriptors stayed flat. Root.
# Last line: "soak: N passed, M failed" (one check each).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
SECS=${1:-${SOAK_S:-120}}
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "usage: soak.sh [SECONDS]" >&2; exit 2; }
LDWATCH=${LDWATCH:-$ROOT/build/ldwatch}
FIX=$ROOT/build/fixtures
HEX=5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a
pass=0 fail=0
check() {	# check WHAT CONDITION-STATUS DETAIL
	if (($2 == 0)); then
		printf 'ok   soak: %s\n' "$1"
		pass=$((pass + 1))
	else
		printf 'FAIL soak: %s: %s\n' "$1" "$3"
		fail=$((fail + 1))
	fi
}
finish() {
	echo "soak: $pass passed, $fail failed"
	((fail == 0))
	exit
}

((EUID == 0)) || { echo "soak: needs root"; fail=1; finish; }
bash tests/fixtures/build.sh "$FIX" >/dev/null || { echo "soak: fixtures failed to build"; fail=1; finish; }
TMP=$(mktemp -d /tmp/ldwatch-soak.XXXXXX) || exit 1
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)/ldwatch-soak.slice/docker-$HEX.scope
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rmdir "$CG" "${CG%/*}" 2>/dev/null
	[[ ${KEEP:-0} == 1 ]] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$CG" || { echo "soak: cannot make cgroup $CG"; fail=1; finish; }

# resident KiB without the BPF map mappings (the ring), and open descriptors
own_rss() { awk '/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($6 == "anon_inode:bpf-map") }
	/^Rss:/ && !bpf { s += $2 } END { print s + 0 }' "/proc/$1/smaps"; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }

F=$TMP/rec.json
"$LDWATCH" --all --json -o "$F" 2>"$TMP/stderr" &
LW=$!
PIDS+=("$LW")
for ((i = 0; i < 300; i++)); do
	[[ -s $F ]] && break
	sleep 0.1
done
[[ -s $F ]] || { echo "soak: ldwatch did not start: $(tail -c 300 "$TMP/stderr")"; fail=1; finish; }

end=$((SECONDS + SECS))
# each worker counts what it provoked into its own file
worker_missing() { local n=0; while ((SECONDS < end)); do "$FIX/needs_missing" 2>/dev/null; n=$((n + 1)); sleep 0.05; done; echo "$n" >"$TMP/n_missing"; }
worker_dlopen() { local n=0; while ((SECONDS < end)); do
	"$FIX/dl_try" libnotthere.so 3 2>>"$TMP/dl_try.err"; n=$((n + 1))	# reported: an error each
	LD_LIBRARY_PATH=$FIX/lib "$FIX/dl_try" libfoo.so 1 >/dev/null 2>&1
	sleep 0.05; done; echo "$n" >"$TMP/n_dlopen"; }
worker_storm() { while ((SECONDS < end)); do for ((k = 0; k < 50; k++)); do /bin/true; done; done; }
worker_ctr() { local n=0; while ((SECONDS < end)); do
	unshare -m -p -f sh -c 'echo 0 > "$1/cgroup.procs" && exec "$2"' sh "$CG" "$FIX/needs_missing" 2>/dev/null
	n=$((n + 1)); sleep 0.1; done; echo "$n" >"$TMP/n_ctr"; }

worker_missing & PIDS+=($!)
worker_dlopen & PIDS+=($!)
worker_storm & PIDS+=($!)
worker_ctr & PIDS+=($!)
# the first RSS sample once warmed up: the table's high-water mark (processes alive
# at once) is reached in the first seconds, a leak keeps growing after it
sleep $((SECS / 2 > 2 ? SECS / 2 : 2))
rss0=$(own_rss "$LW") fd0=$(nfds "$LW")
wait "${PIDS[@]:1}"
sleep 1
rss1=$(own_rss "$LW") fd1=$(nfds "$LW")
kill -INT "$LW"
wait "$LW"
rc=$?
check "ldwatch stopped cleanly" "$rc" "exit status $rc: $(tail -c 300 "$TMP/stderr")"

n_missing=$(<"$TMP/n_missing") n_dlopen=$(<"$TMP/n_dlopen") n_ctr=$(<"$TMP/n_ctr")
got=$(jq -c 'select(.type == "finding" and .kind == "missing-library" and .comm == "needs_missing" and .container == null)' "$F" | wc -l)
check "every host missing library reported ($got of $n_missing)" $((got != n_missing)) "findings differ"
got=$(jq -c 'select(.type == "finding" and .kind == "dlopen-failed" and .comm == "dl_try" and .exit_code == 3
	and .severity == "error")' "$F" | wc -l)
check "every failed dlopen reported ($got of $n_dlopen)" $((got != n_dlopen)) "findings differ"
got=$(jq -s --arg id "$HEX" '[.[] | select(.container.id == $id and .type == "finding")] | length' "$F")
rep=$(jq -s --arg id "$HEX" '[.[] | select(.type == "repeat" and .container.id == $id) | .count] | add // 0' "$F")
check "the crash-looping container: $got finding + $rep repeats of $n_ctr runs" $((got != 1 || got + rep != n_ctr)) \
	"expected 1 finding and $((n_ctr - 1)) repeats"
st=$(jq -c 'select(.type == "stats" and .final)' "$F")
jq -e '.received == .events and .lost == 0 and .malformed == 0' <<<"$st" >/dev/null
check "counters reconcile: $(jq -r '"\(.events) submitted, \(.received) received, \(.lost) lost, \(.malformed) malformed"' <<<"$st")" $? "$st"
check "RSS flat: ${rss0} KiB -> ${rss1} KiB (ring excluded)" $((rss1 > rss0 + 1024)) "grew by more than 1 MiB"
check "descriptors flat: $fd0 -> $fd1" $((fd1 > fd0 + 2)) "grew"
finish
