#!/usr/bin/env bash
# ldwatch overhead benchmark, run by `make bench` (see bench/README.md).
# The Markdown report goes to stdout; progress and diagnostics go to stderr.
# Exit 0 when every ldwatch run started, exited 0 and left a final stats record; 1 otherwise
# (ldwatch missing, not root, failed to start, or a run without stats). The bare rows print anyway.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

LDWATCH=${LDWATCH:-build/ldwatch}
OUT=build/bench
ROUNDS=${ROUNDS:-5}
LOOP_N=${LOOP_N:-200000}
STORM_N=${STORM_N:-2000}
BUDGET_S=${BUDGET_S:-240}		# no new round starts past this
READY_TIMEOUT_S=${READY_TIMEOUT_S:-30}
STOP_TIMEOUT_S=${STOP_TIMEOUT_S:-30}
WORKLOAD_TIMEOUT_S=${WORKLOAD_TIMEOUT_S:-120}
FOREIGN_WAIT_S=${FOREIGN_WAIT_S:-30}

CONFIGS=(bare default all)
WORKLOADS=(miss hit getppid storm)

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for v in ROUNDS LOOP_N STORM_N BUDGET_S READY_TIMEOUT_S STOP_TIMEOUT_S WORKLOAD_TIMEOUT_S FOREIGN_WAIT_S; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done

# ---- build the workloads -------------------------------------------------

mkdir -p "$OUT" || die "cannot create $OUT"
for tool in loop storm; do
	if [[ ! -x $OUT/$tool || bench/$tool.c -nt $OUT/$tool ]]; then
		log "CC $OUT/$tool"
		${CC:-cc} -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
			"bench/$tool.c" -o "$OUT/$tool" || die "building $OUT/$tool failed"
	fi
done

# ---- can ldwatch rows be measured? ---------------------------------------

LDW_REASON=			# empty: ldwatch rows are measured; else why not
if [[ ! -x $LDWATCH ]]; then
	LDW_REASON="ldwatch not built"
	log "$LDWATCH is missing (run make first); measuring bare only"
elif (( EUID != 0 )); then
	LDW_REASON="needs root"
	log "not root: ldwatch cannot load BPF; measuring bare only"
elif ! command -v jq >/dev/null; then
	LDW_REASON="jq not installed"
	log "jq is needed to read ldwatch's JSON output; measuring bare only"
fi

TMP=$(mktemp -d "${BENCH_TMPDIR:-/dev/shm}/ldwatch-bench.XXXXXX" 2>/dev/null || mktemp -d) ||
	die "cannot create a temporary directory"
LDW_PID=

# /proc state, because kill -0 also succeeds on our own unreaped zombie
alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	[[ ${st%% *} != Z ]]
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# SIGINT, wait up to $1 seconds, then SIGKILL; reaps and sets STOP_RC
ldwatch_kill() {
	local deadline=$(( $(now_us) + $1 * 1000000 ))

	STOP_RC=
	[[ -n $LDW_PID ]] || return 0
	kill -INT "$LDW_PID" 2>/dev/null
	while alive "$LDW_PID"; do
		if (( $(now_us) > deadline )); then
			log "ldwatch did not exit ${1}s after SIGINT, killing it"
			kill -KILL "$LDW_PID" 2>/dev/null
			break
		fi
		sleep 0.02
	done
	wait "$LDW_PID" 2>/dev/null
	STOP_RC=$?
	LDW_PID=
}

cleanup() {
	ldwatch_kill 5
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# start ldwatch for CONFIG (default|all) and wait for its ready line; sets READY_MS
ldwatch_start() {
	local jsonl=$TMP/ldwatch.jsonl first t0 deadline why
	local args=(--json -o "$jsonl")

	[[ $1 == all ]] && args=(--all "${args[@]}")
	rm -f "$TMP"/ldwatch.*
	t0=$(now_us)
	deadline=$(( t0 + READY_TIMEOUT_S * 1000000 ))
	# a background job of a script starts with SIGINT ignored: restore it
	env --default-signal=INT,TERM "$LDWATCH" "${args[@]}" \
		>"$TMP/ldwatch.stdout" 2>"$TMP/ldwatch.stderr" &
	LDW_PID=$!
	while :; do
		# read succeeds only once the first line is complete
		if [[ -f $jsonl ]] && IFS= read -r first <"$jsonl"; then
			if jq -e 'select(.type == "ready")' <<<"$first" >/dev/null 2>&1; then
				READY_MS=$(( ($(now_us) - t0) / 1000 ))
				return 0
			fi
			why="first line of the -o file is not a ready record: ${first:0:200}"
			break
		fi
		if ! alive "$LDW_PID"; then
			why="ldwatch exited before its ready line"
			break
		fi
		if (( $(now_us) > deadline )); then
			why="no ready line within ${READY_TIMEOUT_S}s"
			break
		fi
		sleep 0.02
	done
	ldwatch_kill 5
	log "ldwatch ${args[*]}: $why (exit status $STOP_RC); its stderr:"
	tail -n 20 "$TMP/ldwatch.stderr" | sed 's/^/    /' >&2
	return 1
}

# SIGINT ldwatch and read its final stats record; sets STOP_RC and STATS
ldwatch_stop() {
	ldwatch_kill "$STOP_TIMEOUT_S"
	STATS=$(tail -n 50 "$TMP/ldwatch.jsonl" 2>/dev/null |
		jq -cR 'fromjson? | select(.type == "stats" and .final == true)' 2>/dev/null |
		tail -n 1)
	if (( STOP_RC != 0 )) || [[ -z $STATS ]]; then
		log "ldwatch exit status $STOP_RC, final stats record ${STATS:+found}${STATS:-missing}; its stderr:"
		tail -n 20 "$TMP/ldwatch.stderr" | sed 's/^/    /' >&2
	fi
	rm -f "$TMP/ldwatch.jsonl"	# an --all run writes every lookup of the host
}

# another ldwatch (a test suite, a user) would make "bare" not bare: wait it out,
# up to FOREIGN_WAIT_S, and count the samples taken alongside one
foreign_ldwatch() {
	local pid found=1

	for pid in $(pgrep -x ldwatch); do
		[[ $pid != "${LDW_PID:-}" ]] && alive "$pid" && echo "$pid" && found=0
	done
	return $found
}
wait_foreign() {
	local deadline=$((SECONDS + FOREIGN_WAIT_S)) said= pids

	(( deadline > BUDGET_S )) && deadline=$BUDGET_S	# waiting must not blow the budget

	while pids=$(foreign_ldwatch | paste -sd' '); [[ -n $pids ]]; do
		if (( SECONDS >= deadline )); then
			log "another ldwatch (pid $pids) is still running, measuring anyway"
			return 1
		fi
		[[ -n $said ]] || log "another ldwatch (pid $pids) is running, waiting up to ${FOREIGN_WAIT_S}s"
		said=1
		sleep 0.5
	done
	return 0
}

# run one workload; prints its number (ns/op or execs/s)
run_workload() {
	local line

	case $1 in
	storm) line=$(timeout "$WORKLOAD_TIMEOUT_S" "$OUT/storm" "$STORM_N") ;;
	*) line=$(timeout "$WORKLOAD_TIMEOUT_S" "$OUT/loop" "$1" "$LOOP_N") ;;
	esac || return 1
	set -- $line
	echo "$3"
}

# ---- measure: rounds of interleaved configurations -----------------------

RESULTS=$OUT/results.tsv	# round config workload value ready_ms stop_rc stats foreign
: >"$RESULTS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
read -r load1 _ </proc/loadavg
awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }' &&
	log "load average $load1 at start: something else is running, numbers will be noisy"
FAILED=0
FOREIGN=0
rounds_done=0
last_round_s=0
for (( r = 0; r < ROUNDS; r++ )); do
	if (( r > 0 && SECONDS + last_round_s > BUDGET_S )); then
		log "stopping after $r rounds to stay within ${BUDGET_S}s (BUDGET_S)"
		break
	fi
	round_t0=$SECONDS
	for (( c = 0; c < ${#CONFIGS[@]}; c++ )); do
		# rotate the order each round so drift does not favour one configuration
		cfg=${CONFIGS[(r + c) % ${#CONFIGS[@]}]}
		[[ $cfg != bare && -n $LDW_REASON ]] && continue
		for w in "${WORKLOADS[@]}"; do
			READY_MS=- STOP_RC=- STATS=
			wait_foreign
			foreign=$?
			if [[ $cfg != bare ]] && ! ldwatch_start "$cfg"; then
				LDW_REASON="ldwatch failed to start"
				FAILED=1
				break
			fi
			val=$(run_workload "$w") || die "workload $w failed under $cfg"
			# one that started during the sample (one that came and went is missed)
			if (( foreign )) || foreign_ldwatch >/dev/null; then
				log "another ldwatch ran alongside this sample"
				FOREIGN=$((FOREIGN + 1))
				foreign=1
			fi
			if [[ $cfg != bare ]]; then
				ldwatch_stop
				(( STOP_RC == 0 )) && [[ -n $STATS ]] || FAILED=1
			fi
			log "round $((r + 1))/$ROUNDS $cfg $w: $val${STATS:+ (ready after $READY_MS ms) $STATS}"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$((r + 1))" "$cfg" "$w" "$val" \
				"$READY_MS" "$STOP_RC" "${STATS:--}" "$foreign" >>"$RESULTS"
		done
	done
	rounds_done=$((r + 1))
	last_round_s=$((SECONDS - round_t0))
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ---------------------------------------------------------------

# column COL of the rows for CONFIG and WORKLOAD, one value a line
col() {
	awk -F'\t' -v c="$1" -v w="$2" -v k="$3" '$2 == c && $3 == w && $k != "-" { print $k }' "$RESULTS"
}
# "median min max count" of numbers on stdin
summary() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) exit
		m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		print m, a[1], a[NR], NR }'
}
# a field of the final stats records, for CONFIG and WORKLOAD
stat_field() {
	col "$1" "$2" 7 | jq -r --arg f "$3" '.[$f] // empty' 2>/dev/null
}

declare -A LABEL=(
	[miss]="failed openat, ns/op"
	[hit]="openat + close, ns/op"
	[getppid]="getppid (not hooked), ns/op"
	[storm]="exec storm, execs/s"
)
declare -A NOPS=([miss]=$LOOP_N [hit]=$LOOP_N [getppid]=$LOOP_N [storm]=$STORM_N)

commit=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD 2>/dev/null || commit="$commit+dirty"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

echo "### ldwatch overhead"
echo
echo "Machine: $(nproc) CPUs ($cpu), Linux $(uname -r); ldwatch ${commit:-unknown}."
echo "$rounds_done rounds, each running bare, default scope and --all in rotated order (a fresh"
echo "ldwatch per workload); medians with (min–max). loop N=$LOOP_N, storm N=$STORM_N."
echo "Load average at start $LOAD_START, at end $LOAD_END."
(( FOREIGN )) && echo "**$FOREIGN samples ran while another ldwatch was running: not clean.**"
echo
echo "| workload | bare | ldwatch default scope (untracked) | × bare | ldwatch --all (tracked) | × bare |"
echo "|---|---|---|---|---|---|"
for w in "${WORKLOADS[@]}"; do
	read -r bmed bmin bmax bn < <(col bare "$w" 4 | summary)
	row="| ${LABEL[$w]} | $(printf '%.0f (%.0f–%.0f)' "$bmed" "$bmin" "$bmax")"
	for cfg in default all; do
		read -r med min max n < <(col "$cfg" "$w" 4 | summary)
		if [[ -z ${med:-} ]]; then
			row+=" | ${LDW_REASON:-no data} | —"
			continue
		fi
		row+=" | $(printf '%.0f (%.0f–%.0f)' "$med" "$min" "$max")"
		(( n != bn )) && row+=" n=$n"
		row+=" | $(awk -v a="$med" -v b="$bmed" 'BEGIN { printf "%.2f", a / b }')"
	done
	echo "$row |"
done
echo
echo "× bare is time per op ÷ bare for the loops (above 1 is slower) and execs/s ÷ bare for the"
echo "exec storm (below 1 is slower). Default scope tracks only \`go\` and its descendants, so"
echo "its column is the cost ldwatch adds to an untracked process."

if awk -F'\t' '$2 != "bare"' "$RESULTS" | grep -q .; then
	echo
	echo "ldwatch final stats per run (events count every tracked process of the host, so a"
	echo "busy machine adds some):"
	echo
	echo "| configuration | workload | runs | events/run, median | events/op | lost, all runs | start→ready, median |"
	echo "|---|---|---|---|---|---|---|"
	for cfg in default all; do
		for w in "${WORKLOADS[@]}"; do
			read -r emed _ _ en < <(stat_field "$cfg" "$w" events | summary)
			read -r rmed _ _ _ < <(col "$cfg" "$w" 5 | summary)
			[[ -n ${rmed:-} ]] || continue
			lost=$(stat_field "$cfg" "$w" lost | awk '{ s += $1 } END { print NR ? s : "?" }')
			if [[ -n ${emed:-} ]]; then
				per=$(awk -v e="$emed" -v n="${NOPS[$w]}" 'BEGIN { printf "%.2f", e / n }')
			else
				emed="?" per="?" en=0
			fi
			printf "| %s | %s | %s | %s | %s | %s | %.0f ms |\n" "${cfg/all/--all}" "$w" "$en" "$emed" "$per" "$lost" "$rmed"
		done
	done
	echo
	echo "Final stats records of the --all runs:"
	echo
	echo '```'
	awk -F'\t' '$2 == "all" { printf "round %s %-7s %s\n", $1, $3, $7 }' "$RESULTS"
	echo '```'
fi

if [[ -n $LDW_REASON ]]; then
	log "ldwatch rows missing: $LDW_REASON"
	exit 1
fi
if (( FAILED )); then
	log "some ldwatch runs did not exit 0 with a final stats record (see above)"
	exit 1
fi
exit 0
