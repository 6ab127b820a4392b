#!/usr/bin/env bash
# ldwatch overhead benchmark, run by `make bench` (see tests/bench/README.md).
# The Markdown report goes to stdout; progress and diagnostics go to stderr.
# Exit 0 when every ldwatch run started, exited 0 and left a final stats record; 1 otherwise
# (ldwatch missing, not root, failed to start, or a run without stats). The bare rows print anyway.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

LDWATCH=${LDWATCH:-build/ldwatch}
OUT=build/bench
ROUNDS=${ROUNDS:-5}
LOOP_N=${LOOP_N:-200000}
STORM_N=${STORM_N:-2000}
RATE_N=${RATE_N:-1000000}		# failed opens per producer in the rate run
IDLE_S=${IDLE_S:-10}			# how long ldwatch's idle CPU is measured
BUDGET_S=${BUDGET_S:-600}		# no new round starts past this
READY_TIMEOUT_S=${READY_TIMEOUT_S:-30}
STOP_TIMEOUT_S=${STOP_TIMEOUT_S:-30}
WORKLOAD_TIMEOUT_S=${WORKLOAD_TIMEOUT_S:-120}
FOREIGN_WAIT_S=${FOREIGN_WAIT_S:-30}

WORKLOADS=(mix getppid storm gobuild)
# the configurations each workload runs under, rotated each round
declare -A WCONF=(
	[mix]="bare default all strace opensnoop"
	[getppid]="bare default all"
	[storm]="bare default all"
	[gobuild]="bare default"
)

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for v in ROUNDS LOOP_N STORM_N RATE_N IDLE_S BUDGET_S READY_TIMEOUT_S STOP_TIMEOUT_S WORKLOAD_TIMEOUT_S FOREIGN_WAIT_S; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done

# ---- build the workloads -------------------------------------------------

mkdir -p "$OUT" || die "cannot create $OUT"
for tool in loop storm; do
	if [[ ! -x $OUT/$tool || tests/bench/$tool.c -nt $OUT/$tool ]]; then
		log "CC $OUT/$tool"
		${CC:-cc} -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
			"tests/bench/$tool.c" -o "$OUT/$tool" || die "building $OUT/$tool failed"
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
# the peers (make bench-deps installs them); a missing one leaves its cells empty, said why
PEER_REASON=()
command -v strace >/dev/null || PEER_REASON[0]="strace not installed"
OPENSNOOP=$(command -v opensnoop || command -v /usr/sbin/opensnoop || true)
[[ -n $OPENSNOOP ]] || PEER_REASON[1]="opensnoop (libbpf-tools) not installed"
command -v go >/dev/null || GO_REASON="go not installed"
: "${GO_REASON:=}"

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
	[[ -n ${PEER_PID:-} ]] && kill -KILL "$PEER_PID" 2>/dev/null
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

# opensnoop -x (libbpf-tools: failed opens only, printed) in a private mount
# namespace with tracefs mounted there, as it needs; waits for its header line
PEER_PID=
opensnoop_start() {
	local deadline=$(( $(now_us) + READY_TIMEOUT_S * 1000000 ))

	rm -f "$TMP/opensnoop.out"
	env --default-signal=INT,TERM unshare -m --propagation private sh -c \
		'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; exec "$1" -x' sh "$OPENSNOOP" \
		>"$TMP/opensnoop.out" 2>"$TMP/opensnoop.err" &
	PEER_PID=$!
	until grep -q PID "$TMP/opensnoop.out" 2>/dev/null; do
		if ! alive "$PEER_PID" || (( $(now_us) > deadline )); then
			log "opensnoop did not start: $(tail -c 300 "$TMP/opensnoop.err")"
			kill -KILL "$PEER_PID" 2>/dev/null
			wait "$PEER_PID" 2>/dev/null
			PEER_PID=
			return 1
		fi
		sleep 0.05
	done
}
opensnoop_stop() {
	[[ -n $PEER_PID ]] || return 0
	kill -INT "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
	PEER_PID=
	rm -f "$TMP/opensnoop.out"
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

# run one workload (under strace when $2 is strace); prints its number
# (ns/op, execs/s or seconds)
run_workload() {
	local line n pre=()

	[[ ${2:-} == strace ]] && pre=(strace -f -qq -e trace=openat -o "$TMP/strace.out")
	case $1 in
	storm) line=$(timeout "$WORKLOAD_TIMEOUT_S" "${pre[@]}" "$OUT/storm" "$STORM_N") ;;
	gobuild) line=$(timeout "$WORKLOAD_TIMEOUT_S" bash tests/bench/gobuild.sh "$TMP/gobuild") ;;
	*)
		# strace costs ~100x: a twentieth of the iterations gives the same ns/op
		n=$LOOP_N
		[[ ${2:-} == strace ]] && n=$(( LOOP_N / 20 > 1000 ? LOOP_N / 20 : 1000 ))
		line=$(timeout "$WORKLOAD_TIMEOUT_S" "${pre[@]}" "$OUT/loop" "$1" "$n")
		;;
	esac || return 1
	rm -f "$TMP/strace.out"
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
	for w in "${WORKLOADS[@]}"; do
		read -r -a confs <<<"${WCONF[$w]}"
		[[ $w == gobuild && -n $GO_REASON ]] && continue
		for (( c = 0; c < ${#confs[@]}; c++ )); do
			# rotate the order each round so drift does not favour one configuration
			cfg=${confs[(r + c) % ${#confs[@]}]}
			case $cfg in
			default | all) [[ -n $LDW_REASON ]] && continue ;;
			strace) [[ -n ${PEER_REASON[0]:-} ]] && continue ;;
			opensnoop) [[ -n ${PEER_REASON[1]:-} ]] && continue ;;
			esac
			READY_MS=- STOP_RC=- STATS=
			wait_foreign
			foreign=$?
			if [[ $cfg == default || $cfg == all ]] && ! ldwatch_start "$cfg"; then
				LDW_REASON="ldwatch failed to start"
				FAILED=1
				continue
			fi
			if [[ $cfg == opensnoop ]] && ! opensnoop_start; then
				PEER_REASON[1]="opensnoop failed to start"
				continue
			fi
			val=$(run_workload "$w" "$cfg") || die "workload $w failed under $cfg"
			# one that started during the sample (one that came and went is missed)
			if (( foreign )) || foreign_ldwatch >/dev/null; then
				log "another ldwatch ran alongside this sample"
				FOREIGN=$((FOREIGN + 1))
				foreign=1
			fi
			[[ $cfg == opensnoop ]] && opensnoop_stop
			if [[ $cfg == default || $cfg == all ]]; then
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

# ---- event rate, memory and CPU ------------------------------------------

# utime + stime of a process, in clock ticks
cpu_ticks() {
	local st
	st=$(<"/proc/$1/stat") || return 1
	st=${st##*) }
	set -- $st
	echo $(( ${12} + ${13} ))
}
# resident KiB: all, and without the BPF map mappings (the ring buffer)
rss_kib() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($6 == "anon_inode:bpf-map") }
		/^Rss:/ { all += $2; if (!bpf) own += $2 }
		END { print all + 0, own + 0 }' "/proc/$1/smaps" 2>/dev/null
}

# ldwatch --all, default ring: idle for IDLE_S, then two producers doing
# nothing but failed opens; sets RATE_* for the report
RATE_DONE=
rate_run() {
	local pid t0 t1 c0 c1 i0 i1 p1 p2 r own peak=0 peak_own=0 tck

	tck=$(getconf CLK_TCK)
	wait_foreign
	ldwatch_start all || return 1
	pid=$LDW_PID
	sleep 1
	read -r RATE_RSS_IDLE RATE_OWN_IDLE < <(rss_kib "$pid")
	i0=$(cpu_ticks "$pid")
	sleep "$IDLE_S"
	i1=$(cpu_ticks "$pid")
	c0=$(cpu_ticks "$pid")
	t0=$(now_us)
	"$OUT/loop" miss "$RATE_N" >/dev/null &
	p1=$!
	"$OUT/loop" miss "$RATE_N" /etc/ldwatch-bench-missing-2.so >/dev/null &
	p2=$!
	while alive "$p1" || alive "$p2"; do
		read -r r own < <(rss_kib "$pid")
		(( r > peak )) && peak=$r
		(( own > peak_own )) && peak_own=$own
		sleep 0.2
	done
	wait "$p1" "$p2"
	t1=$(now_us)
	c1=$(cpu_ticks "$pid")
	read -r r own < <(rss_kib "$pid")
	(( r > peak )) && peak=$r
	(( own > peak_own )) && peak_own=$own
	ldwatch_stop
	[[ -n $STATS ]] || return 1
	RATE_EVENTS=$(jq -r .events <<<"$STATS")
	RATE_LOST=$(jq -r .lost <<<"$STATS")
	RATE_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
	RATE_PER_S=$(awk -v e="$RATE_EVENTS" -v s="$RATE_S" 'BEGIN { printf "%.0f", e / s }')
	RATE_CPU_IDLE=$(awk -v t=$((i1 - i0)) -v k="$tck" -v s="$IDLE_S" 'BEGIN { printf "%.2f", 100 * t / k / s }')
	RATE_CPU_LOAD=$(awk -v t=$((c1 - c0)) -v k="$tck" -v s="$RATE_S" 'BEGIN { printf "%.1f", 100 * t / k / s }')
	RATE_RSS_PEAK=$peak RATE_OWN_PEAK=$peak_own
	RATE_DONE=1
}
if [[ -z $LDW_REASON ]]; then
	rate_run || { log "the rate run failed"; FAILED=1; }
fi
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
	[mix]="failed openat + openat/close of an existing file, ns/iteration"
	[getppid]="getppid (not hooked), ns/op"
	[storm]="exec storm (fork + exec /bin/true), execs/s"
	[gobuild]="go build -a, cold GOCACHE, s"
)
declare -A NOPS=([mix]=$((LOOP_N * 2)) [getppid]=$LOOP_N [storm]=$STORM_N [gobuild]=1)
# the ratio to bare: time per op ÷ bare, or bare ÷ rate for the exec storm (above 1 is slower)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

commit=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD 2>/dev/null || commit="$commit+dirty"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

echo "### ldwatch overhead"
echo
echo "Machine: $(nproc) CPUs ($cpu), Linux $(uname -r); ldwatch ${commit:-unknown}."
echo "$rounds_done rounds; in each, every workload runs under each of its configurations in a"
echo "rotated order (a fresh ldwatch or peer per sample); medians with (min–max)."
echo "loop N=$LOOP_N, storm N=$STORM_N, go build -a of a net/http program with a cold GOCACHE."
echo "Load average at start $LOAD_START, at end $LOAD_END."
(( FOREIGN )) && echo "**$FOREIGN samples ran while another ldwatch was running: not clean.**"
echo
echo "| workload | bare | ldwatch default scope | × bare | ldwatch --all | × bare |"
echo "|---|---|---|---|---|---|"
for w in "${WORKLOADS[@]}"; do
	read -r bmed bmin bmax bn < <(col bare "$w" 4 | summary)
	[[ -n ${bmed:-} ]] || { echo "| ${LABEL[$w]} | ${GO_REASON:-no data} | | | | |"; continue; }
	row="| ${LABEL[$w]} | $(printf '%.6g (%.6g–%.6g)' "$bmed" "$bmin" "$bmax")"
	for cfg in default all; do
		read -r med min max n < <(col "$cfg" "$w" 4 | summary)
		if [[ -z ${med:-} ]]; then
			row+=" | ${LDW_REASON:-not run} | —"
			continue
		fi
		row+=" | $(printf '%.6g (%.6g–%.6g)' "$med" "$min" "$max")"
		(( n != bn )) && row+=" n=$n"
		row+=" | $(ratio "$med" "$bmed" "$w")"
	done
	echo "$row |"
done
echo
echo "× bare is time ÷ bare for the loops and the build (above 1 is slower) and execs/s ÷ bare"
echo "for the exec storm (below 1 is slower). The default scope tracks \`go\` and its"
echo "descendants and Go-built binaries: the loops and the storm are untracked there (the cost"
echo "ldwatch adds to every other process), \`go build\` is tracked."
echo
echo "Peers on the same loop (failed openat + openat/close), medians:"
echo
echo "| tool | ns/iteration | × bare | × ldwatch --all |"
echo "|---|---|---|---|"
read -r bmed _ _ _ < <(col bare mix 4 | summary)
read -r amed _ _ _ < <(col all mix 4 | summary)
for cfg in all strace opensnoop; do
	case $cfg in
	all) name="ldwatch --all (records every lookup, correlates)" why=$LDW_REASON ;;
	strace) name="strace -f -e trace=openat" why=${PEER_REASON[0]:-} ;;
	opensnoop) name="libbpf-tools opensnoop -x (prints failed opens)" why=${PEER_REASON[1]:-} ;;
	esac
	read -r med _ _ _ < <(col "$cfg" mix 4 | summary)
	if [[ -z ${med:-} || -z ${bmed:-} ]]; then
		echo "| $name | ${why:-no data} | | |"
		continue
	fi
	vs=—
	[[ -n ${amed:-} ]] && vs=$(ratio "$med" "$amed" mix)
	printf '| %s | %.0f | %s | %s |\n' "$name" "$med" "$(ratio "$med" "$bmed" mix)" "$vs"
done
echo

if [[ -n $RATE_DONE ]]; then
	echo "Event rate, memory and CPU: \`ldwatch --all\` with the default 16 MiB ring while two"
	echo "producers do nothing but failed opens ($RATE_N each):"
	echo
	echo "| measure | value |"
	echo "|---|---|"
	echo "| records received, per second | $RATE_PER_S ($RATE_EVENTS in $RATE_S s) |"
	echo "| records lost | $RATE_LOST |"
	echo "| RSS idle, without / with the BPF map mappings (ring) | $((RATE_OWN_IDLE / 1024)) MiB / $((RATE_RSS_IDLE / 1024)) MiB |"
	echo "| RSS peak under load, without / with them | $((RATE_OWN_PEAK / 1024)) MiB / $((RATE_RSS_PEAK / 1024)) MiB |"
	echo "| CPU idle (${IDLE_S} s) | ${RATE_CPU_IDLE} % of one CPU |"
	echo "| CPU under load | ${RATE_CPU_LOAD} % of one CPU |"
	echo
fi

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
