# shellcheck shell=bash disable=SC2016,SC2030,SC2031
# (jq filters are single-quoted on purpose; CLEAN_PIDS lives in each test's subshell)
# helpers for tests/integration.sh (and its tests/it/), tests/podman.sh and
# tests/cluster.sh: a
# tiny harness that finds tests by name, deadline polling, and starting,
# syncing with and stopping ldwatch. Sourced, never run.

READY_S=${READY_S:-30}		# ldwatch start to its ready record
FINDING_S=${FINDING_S:-10}	# failing program gone to its finding
STOP_S=${STOP_S:-10}		# SIGINT to exit
CMD_S=${CMD_S:-60}		# a whole `ldwatch -- CMD` run
BUDGET_S=${BUDGET_S:-720}	# the whole integration run (~8 minutes here with 138 tests): a hung suite still ends

PASSED=0
FAILED=0
FAILED_NAMES=()

# ---- a suite's start and end (NAME: its summary line's) ----------------------

# suite_fail NAME WHY: the suite cannot run at all; that is one failure, counted
suite_fail()
{
	echo "$1: $2"
	echo "$1: 0 passed, 1 failed"
	exit 1
}

# suite_needs NAME CMD...: go on as root with every CMD; else skip the suite,
# or fail it under CI=true (where a missing install step must not pass)
suite_needs()
{
	local name=$1 c why
	shift
	why="needs root and $* (make deps)"
	if ((EUID == 0)); then
		for c in "$@"; do
			command -v "$c" >/dev/null || break
		done
		command -v "$c" >/dev/null && return 0
	fi
	[[ ${CI:-} == true ]] && suite_fail "$name" "$why"
	echo "skip: $why"
	echo "$name: 0 passed, 0 failed"
	exit 0
}

# suite_run NAME TEST...: each test, then "NAME: P passed, F failed"; 1 if F > 0
suite_run()
{
	local name=$1 t
	shift
	for t in "$@"; do
		run_test "$t"
	done
	((FAILED)) && printf 'failed: %s\n' "${FAILED_NAMES[*]}"
	echo "$name: $PASSED passed, $FAILED failed"
	((FAILED == 0))
}

# ---- harness ----------------------------------------------------------------

# a soft failure: the test goes on and fails at its end
bad()
{
	printf '%s\n' "$@" | sed 's/^/    /' >&2
	ERRS=$((ERRS + 1))
}

# a hard failure: ends the test (tests run in a subshell)
fail()
{
	printf '%s\n' "$@" | sed 's/^/    /' >&2
	exit 1
}

# skip (only where allowed: not root and not CI): counts nothing
skip()
{
	printf '    skip: %s\n' "$*"
	exit 77
}

# kill what this test started and is still running
test_cleanup()
{
	local pid c
	# commands that undo what a test did to the host (a package it installed)
	for c in "${CLEAN_CMDS[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
	for pid in "${CLEAN_PIDS[@]}"; do
		if alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	# mounts a test made on the host
	for ((i = ${#CLEAN_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${CLEAN_MOUNTS[i]}" 2>/dev/null || umount -l "${CLEAN_MOUNTS[i]}" 2>/dev/null
	done
	# cgroups a test made: innermost first, once their processes are gone
	for ((i = ${#CLEAN_CGROUPS[@]} - 1; i >= 0; i--)); do
		local d=${CLEAN_CGROUPS[i]}
		while [[ $d == */* && $d != */unified && $d != /sys/fs/cgroup ]]; do
			rmdir "$d" 2>/dev/null || break
			d=${d%/*}
		done
	done
}

# discover_tests [FILE...]: every function named t_* is a test; their names,
# one a line, by the file that defines them (FILE... in that order, any other
# after them by path), then by line there; the tests one line defines (a loop)
# come in name order. Nothing else may be named t_*.
discover_tests()
{
	local -A rank=()
	local f n=0 names name line file
	for f in "$@"; do
		rank[$f]=$((n++))
	done
	names=$(compgen -A function t_) || return 0
	# with extdebug, declare -F NAME... says where each one is defined, as
	# "NAME LINE FILE" (names of functions hold no spaces)
	# shellcheck disable=SC2086
	(shopt -s extdebug && declare -F $names) | while read -r name line file; do
		printf '%s\t%s\t%s\t%s\n' "${rank[$file]:-$n}" "$file" "$line" "$name"
	done | LC_ALL=C sort -t $'\t' -k1,1n -k2,2 -k3,3n -k4,4 | cut -f4
}

# run_test NAME: runs the function NAME in a subshell with its own scratch
# folder $W; exit 0 passes, 77 skips, anything else fails
run_test()
{
	local name=$1 rc t0=$SECONDS
	if ((SECONDS - SUITE_T0 > BUDGET_S)); then
		printf 'FAIL %s\n    not run: the suite used its %ss budget\n' "$name" "$BUDGET_S"
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$name")
		return
	fi
	W=$WORK/$name
	mkdir -p "$W"
	(
		CLEAN_PIDS=()
		CLEAN_CMDS=()
		CLEAN_CGROUPS=()
		CLEAN_MOUNTS=()
		ERRS=0
		trap test_cleanup EXIT
		"$name"
		rc=$?
		((ERRS)) && exit 1
		exit "$rc"
	) >"$W/test.log" 2>&1
	rc=$?
	case $rc in
	0)
		printf 'ok   %s (%ss)\n' "$name" $((SECONDS - t0))
		PASSED=$((PASSED + 1))
		;;
	77) printf 'skip %s\n' "$name" ;;
	*)
		printf 'FAIL %s (%ss)\n' "$name" $((SECONDS - t0))
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$name")
		;;
	esac
	cat "$W/test.log"
}

# ---- processes and deadlines --------------------------------------------------

# alive PID: running, not a zombie
alive()
{
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	[[ ${s%% *} != Z ]]
}

now_ms()
{
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

# wait_until SECS CMD...: poll CMD every 50 ms until it succeeds (0) or SECS pass (1)
wait_until()
{
	local end
	end=$(($(now_ms) + $1 * 1000))
	shift
	while :; do
		"$@" && return 0
		(($(now_ms) >= end)) && return 1
		sleep 0.05
	done
}

not_alive()
{
	! alive "$1"
}

# ---- records ------------------------------------------------------------------

# jq helpers available to every filter
PRELUDE='
def attempt_idx($p; $e): [range(0; (.attempts // []) | length) as $i
	| select(.attempts[$i].path == $p and .attempts[$i].errno == $e) | $i] | (.[0] // -1);
def has_attempt($p; $e): attempt_idx($p; $e) >= 0;
'

# recs FILE FILTER [jq options]: run FILTER on each complete JSON line of FILE
# (lines that do not parse yet, e.g. while being written, are passed over)
recs()
{
	local file=$1 filter=$2
	shift 2
	jq -R -c "${JQ_ARGS[@]}" "$@" "$PRELUDE fromjson? | $filter" "$file" 2>/dev/null
}

# has_rec FILE FILTER [jq options]: at least one record matches
has_rec()
{
	[[ -n $(recs "$@") ]]
}

# a short view of the findings in FILE, for failure messages
findings_summary()
{
	recs "$1" 'select(.type == "finding")
		| "\(.kind) pid=\(.pid) ppid=\(.ppid) comm=\(.comm) object=\(.object) errno=\(.errno) cause=\(.cause)"' -r |
		head -n 8 | cut -c1-300 | grep . || echo none
}

stderr_tail()
{
	tail -c 600 "$1" 2>/dev/null | tr -d '\000-\010\013-\037'
}

# ---- ldwatch ------------------------------------------------------------------

# lw_start FILE ARGS...: ldwatch ARGS -o FILE in the background; sets LW
lw_start()
{
	local out=$1
	shift
	"$LDWATCH" "$@" -o "$out" >"$out.stdout" 2>"$out.stderr" &
	LW=$!
	CLEAN_PIDS+=("$LW")
}

# lw_start_stdout FILE ARGS...: ldwatch ARGS with stdout to FILE; sets LW
lw_start_stdout()
{
	local out=$1
	shift
	"$LDWATCH" "$@" >"$out" 2>"$out.stderr" &
	LW=$!
	CLEAN_PIDS+=("$LW")
}

ready_json()
{
	has_rec "$1" 'select(.type == "ready")'
}

ready_text()
{
	grep -q '^ready:' "$1" 2>/dev/null
}

ready_or_gone()
{
	"$1" "$2" || ! alive "$LW"
}

# wait_ready FILE [json|text]: until the ready record is in FILE; fails the
# test if ldwatch exits first or the deadline passes
wait_ready()
{
	local file=$1 probe=ready_${2:-json} rc
	if ! wait_until "$READY_S" ready_or_gone "$probe" "$file"; then
		fail "no ready record from ldwatch within ${READY_S}s" "stderr: $(stderr_tail "$file.stderr")"
	fi
	if ! "$probe" "$file"; then
		wait "$LW"
		rc=$?
		fail "ldwatch exited with status $rc before its ready record" "stderr: $(stderr_tail "$file.stderr")"
	fi
}

# lw_stop FILE [SIG]: signal ldwatch (SIGINT by default), wait for it with a
# deadline and require a clean stop (status 0); sets LW_RC
lw_stop()
{
	local file=$1 sig=${2:-INT}
	kill -s "$sig" "$LW" 2>/dev/null
	if ! wait_until "$STOP_S" not_alive "$LW"; then
		kill -KILL "$LW" 2>/dev/null
		wait "$LW" 2>/dev/null
		fail "ldwatch still running ${STOP_S}s after SIG$sig"
	fi
	wait "$LW"
	LW_RC=$?
	((LW_RC == 0)) || bad "ldwatch exited with status $LW_RC after SIG$sig, expected 0" \
		"stderr: $(stderr_tail "$file.stderr")"
}

# wait_rec FILE SECS FILTER [jq options]: until a record matches
wait_rec()
{
	local file=$1 secs=$2
	shift 2
	wait_until "$secs" has_rec "$file" "$@"
}

# check_records FILE: the JSON Lines file of a run that has ended: every line
# valid JSON, no raw control bytes, ready first, final stats last and
# consistent, every finding carrying every field with the right type
check_records()
{
	local f=$1 n bad_lines ctl nfind

	if [[ ! -s $f ]]; then
		bad "record file is empty (stderr: $(stderr_tail "$f.stderr"))"
		return
	fi
	bad_lines=$(jq -R -r '. as $l | try (fromjson | if type == "object" and (.type | type) == "string"
		then empty else "not a record: \($l)" end) catch "not JSON: \($l)"' "$f" 2>&1 | head -n 3 | cut -c1-200)
	[[ -z $bad_lines ]] || bad "record lines that are not JSON records:" "$bad_lines"
	ctl=$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$f" | wc -c)
	((ctl == 0)) || bad "record file holds $ctl raw control bytes"
	[[ $(tail -c1 "$f" | od -An -c | tr -d ' ') == '\n' ]] || bad "record file does not end with a newline"

	n=$(jq -R -s 'split("\n") | map(select(length > 0)) | length' "$f")
	jq -e -R -s 'split("\n")[0] | fromjson | .type == "ready" and .schema == 1
		and (.version | type) == "string" and (.scope | type) == "string"
		and (.probes | type) == "number" and .probes > 0 and has("tracefs")' "$f" >/dev/null 2>&1 ||
		bad "first record is not a valid ready record: $(head -n1 "$f" | cut -c1-300)"
	[[ $(recs "$f" 'select(.type == "ready")' | wc -l) -eq 1 ]] || bad "more than one ready record"
	jq -e -R -s 'split("\n")[0] | fromjson | (.uprobes | type) == "array"
		and all(.uprobes[]; (.path | type) == "string" and (.symbols | type) == "array"
			and all(.symbols[]; type == "string"))' "$f" >/dev/null 2>&1 ||
		bad "ready record lacks uprobes: [{path, symbols: [string]}]: $(head -n1 "$f" | cut -c1-300)"

	nfind=$(recs "$f" 'select(.type == "finding")' | wc -l)
	jq -e -R -s --argjson nfind "$nfind" 'split("\n") | map(select(length > 0)) | last | fromjson
		| .type == "stats" and .final == true and (.events | type) == "number" and .events > 0
		and (.lost | type) == "number" and .findings == $nfind' "$f" >/dev/null 2>&1 ||
		bad "last record is not final stats with findings=$nfind and events>0: $(tail -n1 "$f" | cut -c1-300)"
	[[ $(recs "$f" 'select(.type == "stats" and .final == true)' | wc -l) -eq 1 ]] ||
		bad "expected exactly one final stats record in $n records"

	local schema='select(.type == "finding") | select((
		(.kind | type) == "string" and (.severity == "error" or .severity == "warning")
		and (.ts | type) == "string"
		and (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))
		and (.pid | type) == "number" and (.ppid | type) == "number" and (.uid | type) == "number"
		and (.comm | type) == "string" and ((.exe | type) == "string" or .exe == null)
		and ((.cwd | type) == "string" or .cwd == null)
		and (.object | type) == "string"
		and ((["needed_by", "message", "errno", "cause", "mount", "exit_code", "signal",
			"symbol", "version", "elf_class", "machine", "dependency", "root", "object_host",
			"incomplete", "container"] - keys) | length) == 0
		and ([.needed_by, .message, .errno, .cause, .mount, .symbol, .version, .elf_class, .machine,
			.dependency, .root, .object_host, .incomplete] | all(type == "string" or type == "null"))
		and ((.exit_code | type) == "number" or .exit_code == null)
		and ((.signal | type) == "number" or .signal == null)
		and (.attempts | type) == "array"
		and all(.attempts[]; (.path | type) == "string" and (.op | type) == "string"
			and has("errno") and ((.errno | type) == "string" or .errno == null))
		and (.hint | type) == "string" and (.hint | length) > 0) | not) | tojson'
	local broken
	broken=$(recs "$f" "$schema" | head -n 1 | cut -c1-400)
	[[ -z $broken ]] || bad "finding lacks a field or has a wrong type: $broken"

	# --loads: {"type":"load","ts","pid","comm","exe","name","path","flags","duration_us"}
	local load_schema='select(.type == "load") | select((
		(.ts | type) == "string"
		and (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))
		and (.pid | type) == "number" and (.comm | type) == "string"
		and has("exe") and ((.exe | type) == "string" or .exe == null)
		and (.name | type) == "string" and (.path | type) == "string"
		and (.flags | type) == "number" and (.duration_us | type) == "number" and .duration_us >= 0) | not) | tojson'
	broken=$(recs "$f" "$load_schema" | head -n 1 | cut -c1-400)
	[[ -z $broken ]] || bad "load record lacks a field or has a wrong type: $broken"

	# {"type":"uprobes","event":"attached"|"released","path","pid","symbols":[string]}
	broken=$(recs "$f" 'select(.type == "uprobes") | select(((.event == "attached" or .event == "released")
		and (.path | type) == "string" and ((.pid | type) == "number" or .pid == null)
		and (.symbols | type) == "array" and all(.symbols[]; type == "string")) | not) | tojson' |
		head -n 1 | cut -c1-400)
	[[ -z $broken ]] || bad "uprobes record lacks a field or has a wrong type: $broken"
}

# check_fields FINDING EXPR WANT [EXPR WANT]...: each jq EXPR on the finding
# equals the jq value WANT
check_fields()
{
	local fnd=$1 expr want got
	shift
	while (($# >= 2)); do
		expr=$1 want=$2
		shift 2
		if ! jq -e "${JQ_ARGS[@]}" "$PRELUDE ($expr) == ($want)" <<<"$fnd" >/dev/null 2>&1; then
			got=$(jq -c "${JQ_ARGS[@]}" "$PRELUDE $expr" <<<"$fnd" 2>&1 | cut -c1-300)
			bad "$expr: expected $(jq -c -n "${JQ_ARGS[@]}" "$want" 2>&1), got $got"
			if [[ $expr == *attempt* ]]; then
				bad "  attempts: $(jq -r '[.attempts[]? | "\(.op) \(.path) \(.errno)"] | .[:14] | join("; ")' \
					<<<"$fnd" 2>&1 | cut -c1-1500)"
			fi
		fi
	done
}

# cmd_str CMD...: CMD quoted for a message, at most 200 characters
cmd_str()
{
	local s
	s=$(printf '%q ' "$@")
	s=${s% }
	echo "${s:0:200}"
}
