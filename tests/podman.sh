#!/bin/bash
# tests/podman.sh: ldwatch against a real container runtime. Debian's podman
# (with runc: crun refuses this host's hybrid cgroups) runs images imported
# from debootstrapped Debian 12 (glibc 2.36) and Debian 13 (glibc 2.41)
# roots, cached between runs; ldwatch watches from the host, as a node
# agent does. Each scenario runs PODMAN_REPS times (5): a flaky pass fails.
# The last line is
#   podman: N passed, M failed
# Without podman (or not root) the tests skip, unless CI=true: then they fail.
#
#   tests/podman.sh [TEST...]   run some tests only
#   KEEP=1                      keep the scratch folder
#   LDWATCH_TEST_CACHE=DIR      where the debootstrapped roots are kept
#                               (/var/cache/ldwatch-test)

# jq filters are single-quoted on purpose; ERRS lives in each test's subshell
# shellcheck disable=SC2016,SC2031
set -uo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
LDWATCH=${LDWATCH:-$ROOT/build/ldwatch}
LWSTATIC=${LWSTATIC:-$ROOT/build/ldwatch-static}
FIX=$ROOT/build/podman-fixtures	# its own: the integration suite rebuilds build/fixtures meanwhile
SUITE_T0=$SECONDS
REPS=${PODMAN_REPS:-5}
CACHE=${LDWATCH_TEST_CACHE:-/var/cache/ldwatch-test}
BUDGET_S=${PODMAN_BUDGET_S:-420}

# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

LDSO_ENOENT='error while loading shared libraries: libmissing.so: cannot open shared object file: No such file or directory'
NOTTHERE='libnotthere.so: cannot open shared object file: No such file or directory'
# the uprobes of each glibc's ld.so and libc (libc's own _dl_signal_* went in 2.37)
LDSO_SYMS='["_dl_exception_create","_dl_exception_create_format","_dl_signal_error","_dl_signal_exception"]'
LIBC236_SYMS='["_dl_signal_error","_dl_signal_exception","dlopen","dlopen%return","dlmopen","dlmopen%return"]'
LIBC241_SYMS='["dlopen","dlopen%return","dlmopen","dlmopen%return"]'

suite_needs podman podman runc debootstrap
[[ -x $LWSTATIC ]] || suite_fail podman "$LWSTATIC is missing (make static)"

TMP=$(mktemp -d /tmp/ldwatch-podman.XXXXXX) || exit 1
chmod 0755 "$TMP"
WORK=$TMP/work
mkdir -p "$WORK"
suite_cleanup()
{
	podman ps -aq --filter label=ldwatch-test 2>/dev/null | xargs -r podman rm -f -t 0 >/dev/null 2>&1
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "kept $TMP (KEEP=1)" >&2
	else
		rm -rf "$TMP"
	fi
}
trap suite_cleanup EXIT
trap 'exit 130' INT TERM

export CONTAINERS_CONF=$TMP/containers.conf
# shellcheck source=tests/podman/images.sh
source "$ROOT/tests/podman/images.sh"
podman_conf "$CONTAINERS_CONF"

# ---- images -------------------------------------------------------------------

# build_image TAG DIR: podman build of DIR/Containerfile, offline
build_image()
{
	podman build -q --pull=never --network=none --label ldwatch-test=1 \
		-t "$1" "$2" >"$TMP/build.log" 2>&1 || {
		tail -n 5 "$TMP/build.log"
		return 1
	}
}

t0=$SECONDS
bash "$ROOT/tests/fixtures/build.sh" "$FIX" >/dev/null || suite_fail podman "fixtures failed to build"
cached_root bookworm bookworm || suite_fail podman "debootstrap bookworm failed"
cached_root trixie trixie python3 || suite_fail podman "debootstrap trixie failed"
base_image bookworm || suite_fail podman "podman import bookworm failed"
base_image trixie || suite_fail podman "podman import trixie failed"
# the fixtures at their own path, so that their RUNPATHs hold inside too
CTX=$TMP/ctx
mkdir -p "$CTX/b12" "$CTX/t13" "$CTX/scratch"
for c in b12 t13 scratch; do
	cp -a "$FIX" "$CTX/$c/fix"
done
cp "$CACHE/trixie/usr/bin/renice" "$CTX/b12/renice13"	# glibc 2.41's, needs GLIBC_2.38
cp "$ROOT/tests/podman/ctypes_try.py" "$CTX/t13/"
cat >"$CTX/b12/Containerfile" <<EOF
FROM ldwatch-test/bookworm:base
COPY fix $FIX
COPY renice13 /usr/local/bin/renice13
EOF
cat >"$CTX/t13/Containerfile" <<EOF
FROM ldwatch-test/trixie:base
COPY fix $FIX
COPY ctypes_try.py /usr/local/bin/ctypes_try.py
EOF
# nothing but a dynamic binary: no loader at all
cat >"$CTX/scratch/Containerfile" <<EOF
FROM scratch
COPY fix/hello /hello
EOF
for c in b12 t13 scratch; do
	build_image "ldwatch-test/$c" "$CTX/$c" || suite_fail podman "podman build $c failed"
done
# a Debian 12 image whose /lib64/ld-linux-x86-64.so.2 link is gone (removed in a
# mounted container and committed: a RUN step would meet podman's own ulimits)
noldso_image()
{
	local c m rc
	c=$(podman create --label ldwatch-test=1 ldwatch-test/b12 /bin/true) || return 1
	m=$(podman mount "$c") && rm "$m/usr/lib64/ld-linux-x86-64.so.2" && podman unmount "$c" >/dev/null &&
		podman commit -q "$c" ldwatch-test/noldso >/dev/null
	rc=$?
	podman rm -f "$c" >/dev/null
	return $rc
}
noldso_image || suite_fail podman "cannot make the image without ld.so"
printf 'images ready in %ss (cache %s)\n' $((SECONDS - t0)) "$CACHE"

JQ_ARGS=(--arg fix "$FIX" --arg ldso_enoent "$LDSO_ENOENT" --arg notthere "$NOTTHERE")

# ---- helpers --------------------------------------------------------------------

# prun ARGS...: podman run, labelled for cleanup, removed after
prun()
{
	podman run --rm --network=none --label ldwatch-test=1 "$@"
}

# the podman CLI and conmon relay the container's fd 2 and status: never a finding of
# theirs (runc's init is the container's first process: its failed exec is the container's).
# Other findings of the host are not looked at: other suites may run meanwhile.
no_runtime_findings()
{
	local f=$1 n sel='select(.type == "finding" and (.comm == "podman" or .comm == "conmon"
		or .exe == "/usr/bin/podman" or .exe == "/usr/bin/conmon"))'
	n=$(recs "$f" "$sel" | wc -l)
	((n == 0)) || bad "$n finding(s) for the runtime itself or without a container: $(recs "$f" "$sel" |
		head -n1 | cut -c1-300)"
}

# cid_of FILE: the container id podman wrote with --cidfile
cid_of()
{
	cat "$1" 2>/dev/null
}

# finding_of FILE CID KIND: the one finding of that container and kind
finding_of()
{
	recs "$1" 'select(.type == "finding" and .container.id == $c and .kind == $k)' \
		--arg c "$2" --arg k "$3"
}

# ctr_reps F KIND IMAGE CMD...: run CMD in REPS containers of IMAGE, one after the
# other; each must get exactly one KIND finding naming that container. Sets CIDS.
ctr_reps()
{
	local f=$1 kind=$2 i cid n
	shift 2
	CIDS=()
	for ((i = 0; i < REPS; i++)); do
		rm -f "$W/cid"
		prun --cidfile "$W/cid" "$@" >/dev/null 2>"$W/ctr.err"
		cid=$(cid_of "$W/cid")
		[[ -n $cid ]] || fail "podman wrote no container id: $(tail -c 300 "$W/ctr.err")"
		CIDS+=("$cid")
	done
	for cid in "${CIDS[@]}"; do
		wait_rec "$f" "$FINDING_S" 'select(.type == "finding" and .container.id == $c)' --arg c "$cid" ||
			bad "no finding for container ${cid:0:12}; findings: $(findings_summary "$f")"
	done
}

# each_finding F KIND CHECKS...: every container of CIDS has exactly one KIND finding, checked
each_finding()
{
	local f=$1 kind=$2 cid fnd n
	shift 2
	for cid in "${CIDS[@]}"; do
		n=$(finding_of "$f" "$cid" "$kind" | wc -l)
		((n == 1)) || {
			bad "container ${cid:0:12}: $n $kind findings, expected 1; its findings:" \
				"$(recs "$f" 'select(.type == "finding" and .container.id == $c) |
					"\(.kind) \(.object) \(.comm)"' --arg c "$cid" -r | head -n 3)"
			continue
		}
		fnd=$(finding_of "$f" "$cid" "$kind")
		check_fields "$fnd" .container.runtime '"podman"' .severity '"error"' "$@"
	done
}

lw_all()
{
	lw_start "$W/rec.json" --all --json "$@"
	wait_ready "$W/rec.json"
}

# ---- scenarios ------------------------------------------------------------------

# a Debian 12 container whose binary needs a library that is nowhere
t_podman_missing_library()
{
	local F=$W/rec.json
	lw_all
	ctr_reps "$F" missing-library ldwatch-test/b12 "$FIX/needs_missing"
	lw_stop "$F"
	check_records "$F"
	each_finding "$F" missing-library .object '"libmissing.so"' .exe '$fix + "/needs_missing"' \
		.needed_by '$fix + "/needs_missing"' .exit_code 127 .container.pid 1 \
		'.message | endswith($ldso_enoent)' true '.root | type' '"string"' .incomplete null \
		'.container.cgroup == "/libpod_parent/libpod-" + .container.id' true
	no_runtime_findings "$F"
}

ctr_findings_at_least()
{
	(($(recs "$1" 'select(.type == "finding" and .container.runtime == "podman")' | wc -l) >= $2))
}

# the attached podman run is a relay: its fd 2 and exit status are the container's
t_podman_cli_gets_no_finding()
{
	local F=$W/rec.json i rc
	lw_all
	for ((i = 0; i < REPS; i++)); do
		prun ldwatch-test/b12 "$FIX/needs_missing" >/dev/null 2>"$W/relayed"
		rc=$?
		((rc == 127)) || bad "podman run exited $rc, expected the container's 127"
		grep -q "$LDSO_ENOENT" "$W/relayed" || bad "podman did not relay the loader's line"
	done
	wait_until "$FINDING_S" ctr_findings_at_least "$F" "$REPS" ||
		bad "fewer than $REPS findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	no_runtime_findings "$F"
	[[ $(recs "$F" 'select(.type == "finding" and .container.runtime == "podman")' | wc -l) == "$REPS" ]] ||
		bad "expected $REPS findings, one per container: $(findings_summary "$F")"
}

# a scratch image (no loader at all), and a Debian 12 image without its ld.so link
t_podman_missing_interpreter()
{
	local F=$W/rec.json
	lw_all
	ctr_reps "$F" missing-interpreter ldwatch-test/scratch /hello
	local scratch=("${CIDS[@]}")
	ctr_reps "$F" missing-interpreter ldwatch-test/noldso "$FIX/hello"
	lw_stop "$F"
	check_records "$F"
	each_finding "$F" missing-interpreter .object '"/lib64/ld-linux-x86-64.so.2"' \
		.exe '$fix + "/hello"' .errno '"ENOENT"' .incomplete null
	CIDS=("${scratch[@]}")
	each_finding "$F" missing-interpreter .object '"/lib64/ld-linux-x86-64.so.2"' .exe '"/hello"' \
		.errno '"ENOENT"' .incomplete null
	no_runtime_findings "$F"
}

# the classic: built on Debian 13 (glibc 2.41), run on Debian 12 (2.36), in a container
t_podman_glibc_version_in_debian12()
{
	local F=$W/rec.json
	lw_all
	ctr_reps "$F" version-mismatch ldwatch-test/b12 /usr/local/bin/renice13
	lw_stop "$F"
	check_records "$F"
	each_finding "$F" version-mismatch .version '"GLIBC_2.38"' \
		.object '"/lib/x86_64-linux-gnu/libc.so.6"' .needed_by '"/usr/local/bin/renice13"' \
		.exit_code 1 '.hint | contains("CGO_ENABLED")' false
	no_runtime_findings "$F"
}

# the same binary on this Debian 12 host
t_podman_glibc_version_on_host()
{
	local F=$W/rec.json i p fnd
	cp "$CACHE/trixie/usr/bin/renice" "$W/renice13"
	lw_all
	for ((i = 0; i < REPS; i++)); do
		"$W/renice13" >/dev/null 2>&1 &
		p=$!
		wait "$p"
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" ||
			bad "no finding for the host's run $i (pid $p)"
		fnd=$(recs "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$p")
		[[ $(wc -l <<<"$fnd") == 1 ]] || bad "run $i: not exactly one finding"
		check_fields "$(head -n1 <<<"$fnd")" .kind '"version-mismatch"' .version '"GLIBC_2.38"' \
			.object '"/lib/x86_64-linux-gnu/libc.so.6"' .container null
	done
	lw_stop "$F"
	check_records "$F"
}

# undefined symbols at start-up (-z now) and at the first call (lazy)
t_podman_undefined_symbols()
{
	local F=$W/rec.json
	lw_all
	ctr_reps "$F" undefined-symbol ldwatch-test/b12 "$FIX/undef_now"
	local now=("${CIDS[@]}")
	ctr_reps "$F" undefined-symbol ldwatch-test/t13 "$FIX/undef_lazy"
	lw_stop "$F"
	check_records "$F"
	each_finding "$F" undefined-symbol .symbol '"bar"' .exit_code 127
	CIDS=("${now[@]}")
	each_finding "$F" undefined-symbol .symbol '"bar"' .exit_code 127
	no_runtime_findings "$F"
}

# the loop never stopped reading the ring for long while probes came and went
stall_ok()
{
	local f=$1 ms
	ms=$(recs "$f" 'select(.type == "stats" and .final) | .stall_max_ms')
	[[ -n $ms ]] && jq -e --argjson ms "$ms" -n '$ms < 100' >/dev/null ||
		bad "the event loop stalled ${ms:-?} ms (more than 100 ms) while probes came and went"
}

# ctr_dlopen F KIND: one container of the Debian 13 image making a failed dlopen, as
# KIND says (c_/py_ for dl_try/ctypes, _error: reported and exit 1, _handled: exit 0);
# checks its one finding
ctr_dlopen()
{
	local f=$1 kind=$2 cid fnd sev=error code=1
	rm -f "$W/cid"
	case $kind in
	c_error) prun --cidfile "$W/cid" ldwatch-test/t13 "$FIX/dl_try" libnotthere.so 1 ;;
	c_handled) prun --cidfile "$W/cid" ldwatch-test/t13 "$FIX/dl_try" libnotthere.so 0 ;;
	py_error) prun --cidfile "$W/cid" ldwatch-test/t13 python3 /usr/local/bin/ctypes_try.py libnotthere.so fail ;;
	py_handled) prun --cidfile "$W/cid" ldwatch-test/t13 python3 /usr/local/bin/ctypes_try.py libnotthere.so handled ;;
	esac >/dev/null 2>&1
	cid=$(cid_of "$W/cid")
	wait_rec "$f" "$FINDING_S" 'select(.type == "finding" and .container.id == $c)' --arg c "$cid" ||
		bad "$kind: no finding for container ${cid:0:12}; findings: $(findings_summary "$f")"
	fnd=$(finding_of "$f" "$cid" dlopen-failed)
	[[ $(grep -c . <<<"$fnd") == 1 ]] || {
		bad "$kind: $(grep -c . <<<"$fnd") dlopen-failed findings for ${cid:0:12}, expected 1"
		return
	}
	[[ $kind == *handled ]] && sev=warning code=0
	check_fields "$fnd" .object '"libnotthere.so"' .severity "\"$sev\"" .message '$notthere' \
		.container.runtime '"podman"' .exit_code "$code"
}

# dl_try and Python's ctypes in a Debian 13 container. The first container of
# the image since ldwatch started: its libc is probed when its overlay is
# mounted, before the program runs; the second finds it probed already.
# Reported and exit 1: error; handled, exit 0: warning.
t_podman_dlopen_first_run()
{
	local F i pair first second
	for ((i = 0; i < REPS; i++)); do
		for pair in "c_error py_handled" "py_error c_handled"; do
			read -r first second <<<"$pair"
			((i % 2)) && read -r second first <<<"$pair"
			F=$W/rec-$i-$first.json
			lw_start "$F" --all --json
			wait_ready "$F"
			ctr_dlopen "$F" "$first"
			ctr_dlopen "$F" "$second"
			lw_stop "$F"
			check_records "$F"
			# the image's own libc: glibc 2.41's symbols (libc's own _dl_signal_* went in 2.37)
			has_rec "$F" 'select(.type == "uprobes" and .event == "attached"
				and .path == "/lib/x86_64-linux-gnu/libc.so.6" and .symbols == $s)' \
				--argjson s "$LIBC241_SYMS" || bad "run $i: the image's libc was not probed with $LIBC241_SYMS"
			has_rec "$F" 'select(.type == "uprobes" and .event == "attached"
				and .path == "/lib64/ld-linux-x86-64.so.2" and .symbols == $s)' \
				--argjson s "$LDSO_SYMS" || bad "run $i: the image's ld.so was not probed with $LDSO_SYMS"
			no_runtime_findings "$F"
			stall_ok "$F"
		done
	done
}

# the uprobe sets ldwatch attaches to Debian 12's glibc 2.36, in a container
t_podman_uprobes_debian12()
{
	local F=$W/rec.json
	lw_all
	ctr_reps "$F" dlopen-failed ldwatch-test/b12 "$FIX/dl_try" libnotthere.so 1
	lw_stop "$F"
	check_records "$F"
	each_finding "$F" dlopen-failed .object '"libnotthere.so"' .message '$notthere'
	has_rec "$F" 'select(.type == "uprobes" and .event == "attached" and .path == "/lib/x86_64-linux-gnu/libc.so.6"
		and .symbols == $s)' --argjson s "$LIBC236_SYMS" || bad "Debian 12's libc not probed with $LIBC236_SYMS"
	has_rec "$F" 'select(.type == "uprobes" and .event == "attached" and .path == "/lib64/ld-linux-x86-64.so.2"
		and .symbols == $s)' --argjson s "$LDSO_SYMS" || bad "Debian 12's ld.so not probed with $LDSO_SYMS"
	# one set for every container of the image: its layer's files, probed when its
	# overlays were mounted (pid null; other suites' chroots have their own copies,
	# and the integration suite's roots, mounted beside this one, are its own)
	[[ $(recs "$F" 'select(.type == "uprobes" and .event == "attached" and .pid == null
		and (.path | startswith("/tmp/ldwatch-it.") | not))' | wc -l) -le 2 ]] ||
		bad "the image was probed more than once: $(recs "$F" 'select(.type == "uprobes") |
			"\(.path) \(.pid)"' -r | tr '\n' ' ')"
	stall_ok "$F"
}

# restarted NAME N: the container has exited after its Nth restart
restarted()
{
	[[ $(podman inspect "$1" --format '{{.State.Status}} {{.RestartCount}}' 2>/dev/null) == "exited $2" ]]
}

# REPS crash loops at once (--restart=on-failure:5, six runs of each container):
# one finding each, its repeats counted
t_podman_crash_loop()
{
	local F=$W/rec.json i cid rep st names=() cids=()
	lw_all
	for ((i = 0; i < REPS; i++)); do
		names+=("ldwatch-test-loop-$$-$i")
		cids+=("$(podman run -d --network=none --label ldwatch-test=1 --restart=on-failure:5 \
			--name "${names[i]}" ldwatch-test/b12 "$FIX/needs_missing")")
	done
	for ((i = 0; i < REPS; i++)); do
		# podman restarts it five times: six runs in all
		wait_until 60 restarted "${names[i]}" 5 || bad "loop $i: the container did not run six times: \
			$(podman inspect "${names[i]}" --format '{{.State.Status}} {{.RestartCount}}' 2>&1)"
	done
	podman rm -f "${names[@]}" >/dev/null 2>&1
	lw_stop "$F"
	check_records "$F"
	for ((i = 0; i < REPS; i++)); do
		cid=${cids[i]}
		[[ $(recs "$F" 'select(.type == "finding" and .container.id == $c)' --arg c "$cid" | wc -l) == 1 ]] ||
			bad "loop $i: not one finding: $(findings_summary "$F")"
		rep=$(recs "$F" 'select(.type == "repeat" and .container.id == $c)' --arg c "$cid")
		[[ -n $rep ]] || { bad "loop $i: no repeat record"; continue; }
		check_fields "$(tail -n1 <<<"$rep")" .kind '"missing-library"' .object '"libmissing.so"' \
			.total 6 .container.runtime '"podman"'
	done
	st=$(recs "$F" 'select(.type == "stats" and .final) | .repeats')
	((st >= 5 * REPS)) || bad "final stats count $st repeats, expected at least $((5 * REPS))"
	stall_ok "$F"
}

# eight containers failing at once: every one named
t_podman_eight_at_once()
{
	local F=$W/rec.json i k cid pids
	lw_all
	for ((i = 0; i < REPS; i++)); do
		pids=()
		for ((k = 0; k < 8; k++)); do
			rm -f "$W/cid-$k"
			prun --cidfile "$W/cid-$k" ldwatch-test/b12 "$FIX/needs_missing" >/dev/null 2>&1 &
			pids+=($!)
		done
		wait "${pids[@]}"
		for ((k = 0; k < 8; k++)); do
			cid=$(cid_of "$W/cid-$k")
			[[ -n $cid ]] || { bad "round $i: container $k has no id"; continue; }
			wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container.id == $c
				and .kind == "missing-library")' --arg c "$cid" ||
				bad "round $i: container ${cid:0:12} has no finding naming it"
		done
	done
	lw_stop "$F"
	check_records "$F"
	no_runtime_findings "$F"
	stall_ok "$F"
}

# --container with a podman id prefix: that container's findings only (run REPS
# times: one finding, then repeats), REPS other containers' counted as filtered
t_podman_filter_container()
{
	local F=$W/rec.json i want others=() n rep
	want=$(podman create --network=none --label ldwatch-test=1 ldwatch-test/b12 "$FIX/needs_missing")
	for ((i = 0; i < REPS; i++)); do
		others+=("$(podman create --network=none --label ldwatch-test=1 ldwatch-test/b12 "$FIX/needs_missing")")
	done
	lw_start "$F" --all --json --container "${want:0:12}"
	wait_ready "$F"
	for ((i = 0; i < REPS; i++)); do
		podman start -a "${others[i]}" >/dev/null 2>&1
		podman start -a "$want" >/dev/null 2>&1
	done
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding")' || bad "no finding"
	lw_stop "$F"
	podman rm -f "$want" "${others[@]}" >/dev/null 2>&1
	check_records "$F"
	n=$(recs "$F" 'select(.type == "finding")' | wc -l)
	((n == 1)) || bad "$n findings, expected the wanted container's one: $(findings_summary "$F")"
	[[ $(recs "$F" 'select(.type == "finding") | .container.id' -r) == "$want" ]] ||
		bad "the finding is not the wanted container's"
	rep=$(recs "$F" 'select(.type == "repeat")' | tail -n1)
	check_fields "${rep:-null}" .container.id "\"$want\"" .total "$REPS"
	jq -e --argjson n "$REPS" 'select(.type == "stats" and .final) | .filtered >= $n' "$F" >/dev/null ||
		bad "the $REPS other containers' findings were not counted as filtered"
}

# podman exec into a running container: the exec'd process is named by its container
t_podman_exec()
{
	local F=$W/rec.json i
	lw_all
	CIDS=()
	for ((i = 0; i < REPS; i++)); do
		CIDS+=("$(podman run -d --network=none --label ldwatch-test=1 ldwatch-test/b12 sleep 120)")
		podman exec "${CIDS[i]}" "$FIX/needs_missing" >/dev/null 2>&1
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container.id == $c)' --arg c "${CIDS[i]}" ||
			bad "no finding for the process exec'd into ${CIDS[i]:0:12}"
	done
	lw_stop "$F"
	podman rm -f -t 0 "${CIDS[@]}" >/dev/null 2>&1
	check_records "$F"
	# the exec'd process is not the container's first (sleep is pid 1 there)
	each_finding "$F" missing-library .object '"libmissing.so"' '.container.pid > 1' true
	no_runtime_findings "$F"
}

# ldwatch itself in a container with its own pid namespace (a DaemonSet without
# hostPID): it excludes itself, -- CMD and -p work, SIGTERM stops it promptly
t_podman_ldwatch_in_pid_namespace()
{
	local out i cpu
	for ((i = 0; i < REPS; i++)); do
		out=$W/in-$i
		mkdir -p "$out"
		# a bounded run: an ldwatch that watches itself never stops draining
		timeout -k 5 60 podman run --rm --network=none --label ldwatch-test=1 --privileged \
			-v "$LWSTATIC:/ldwatch:ro" -v "$out:/out" -v "$FIX:$FIX:ro" ldwatch-test/b12 sh -c '
			# watching everything, itself excluded: a failing program of this
			# namespace is found, and little else is read; then SIGTERM
			ready() { n=0; until grep -q "\"type\":\"ready\"" "$1" 2>/dev/null || [ $n -gt 300 ]; do
				sleep 0.1; n=$((n + 1)); done; }
			/ldwatch --all --json -o /out/all.json 2>/out/all.err & l=$!
			ready /out/all.json
			# its CPU time over one idle second, in clock ticks
			a=$(awk "{ print \$14 + \$15 }" /proc/$l/stat); sleep 1
			b=$(awk "{ print \$14 + \$15 }" /proc/$l/stat); echo $((b - a)) >/out/idle.ticks
			'"$FIX"'/needs_missing 2>/dev/null
			sleep 0.5
			t0=$(date +%s%N); kill -TERM $l; wait $l; echo $? >/out/term.rc
			echo $(( ($(date +%s%N) - t0) / 1000000 )) >/out/term.ms
			# -- CMD: its child as the kernel names it
			/ldwatch --json -o /out/cmd.json -- '"$FIX"'/needs_missing 2>/out/cmd.err
			echo $? >/out/cmd.rc
			# -p: a process of this namespace
			sh -c "until [ -e /out/pid.go ]; do sleep 0.05; done; exec '"$FIX"'/needs_missing" & p=$!
			/ldwatch --json -p $p --all -o /out/pid.json 2>/out/pid.err & l=$!
			ready /out/pid.json
			touch /out/pid.go
			wait $p
			sleep 0.3
			kill -INT $l; wait $l
		' >/dev/null 2>"$out/podman.err"
		cpu=$(jq -r 'select(.type == "stats" and .final) | "\(.received) \(.seconds)"' "$out/all.json" 2>/dev/null)
		[[ -n $cpu ]] || { bad "run $i: no final stats from the --all run: $(tail -c 300 "$out/all.err")"; continue; }
		# watching itself, every record made more and it spun at ~77 % of a CPU:
		# the idle ticks and the stop time below say so; the record count does
		# not, since --all also reads whatever the rest of the host does (the
		# ASan part beside this suite gives >10000 records a second)
		has_rec "$out/all.json" 'select(.type == "finding" and .kind == "missing-library")' ||
			bad "run $i: --all gave no finding for the namespace's failing program"
		# idle: at most 5 % of a CPU (it was ~77 % watching itself)
		(($(cat "$out/idle.ticks" 2>/dev/null || echo 999) <= 5)) ||
			bad "run $i: $(cat "$out/idle.ticks" 2>/dev/null) ticks of CPU in one idle second"
		[[ $(cat "$out/cmd.rc" 2>/dev/null) == 127 ]] || bad "run $i: -- CMD did not pass on 127: $(tail -c 300 "$out/cmd.err")"
		has_rec "$out/cmd.json" 'select(.type == "finding" and .kind == "missing-library")' ||
			bad "run $i: -- CMD gave no finding: $(findings_summary "$out/cmd.json")"
		has_rec "$out/pid.json" 'select(.type == "finding" and .kind == "missing-library")' ||
			bad "run $i: -p gave no finding: $(findings_summary "$out/pid.json") $(tail -c 300 "$out/pid.err")"
		[[ $(cat "$out/term.rc" 2>/dev/null) == 0 ]] || bad "run $i: SIGTERM: status $(cat "$out/term.rc" 2>/dev/null)"
		(($(cat "$out/term.ms" 2>/dev/null || echo 99999) < 5000)) ||
			bad "run $i: SIGTERM took $(cat "$out/term.ms" 2>/dev/null) ms to stop it"
	done
}

# every t_* function above is a test, run in the order of its lines (tests/lib.sh)
mapfile -t PODMAN_TESTS < <(discover_tests "${BASH_SOURCE[0]}")
if [[ $# -gt 0 ]]; then
	PODMAN_TESTS=("$@")
fi
suite_run podman "${PODMAN_TESTS[@]}"
