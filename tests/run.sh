#!/bin/bash
# the whole suite (`make test`): criterion unit tests, the integration tests,
# the unit tests and a part of the integration tests again under ASan+UBSan,
# real containers under podman, the systemd unit under a real systemd, the
# OCI image and the Kubernetes manifest (tests/cluster.sh), the
# resolver against ld.so --list (host and a Debian 13 root),
# a short fuzz run and a short soak. The last line is "total: P passed, F
# failed"; exit 1 if F > 0. FUZZ_S and SOAK_S set the short runs' seconds.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
UNIT=${UNIT:-$ROOT/build/unit_tests}
LOG=$(mktemp /tmp/ldwatch-test.XXXXXX) || exit 1
trap 'rm -f "$LOG"' EXIT

unit_pass=0 unit_fail=0
if [[ -x $UNIT ]]; then
	timeout -k 5 60 "$UNIT" --color=never 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
	# "[====] Synthesis: Tested: X | Passing: Y | Failing: Z | Crashing: W" (crashes are among the failing)
	synth=$(grep -o 'Synthesis: Tested: [0-9]* | Passing: [0-9]* | Failing: [0-9]* | Crashing: [0-9]*' "$LOG" | tail -n1)
	if [[ $synth =~ Passing:\ ([0-9]+)\ \|\ Failing:\ ([0-9]+) ]]; then
		unit_pass=${BASH_REMATCH[1]}
		unit_fail=${BASH_REMATCH[2]}
		if ((rc != 0 && unit_fail == 0)); then
			echo "unit: $UNIT exited $rc although nothing failed"
			unit_fail=1
		fi
	else
		echo "unit: $UNIT exited $rc without a Synthesis line"
		unit_fail=1
	fi
else
	echo "unit: $UNIT is missing (run make test)"
	unit_fail=1
fi
echo "unit: $unit_pass passed, $unit_fail failed"

# part NAME CMD...: run CMD, whose last counting line is "NAME: P passed, F failed"
part_pass=0 part_fail=0
part()
{
	local name=$1 line
	shift
	"$@" 2>&1 | tee "$LOG"
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$LOG" | tail -n1)
	if [[ $line =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		part_pass=$((part_pass + BASH_REMATCH[1]))
		part_fail=$((part_fail + BASH_REMATCH[2]))
	else
		echo "$name: ended without its summary line"
		part_fail=$((part_fail + 1))
	fi
}

part integration bash "$ROOT/tests/integration.sh"

# the real container runtime's suite runs beside the ASan part (each filters
# what it checks by its own pids and container ids: neither sees the other's)
PLOG=$(mktemp /tmp/ldwatch-podman-log.XXXXXX) || exit 1
trap 'rm -f "$LOG" "$PLOG"' EXIT
bash "$ROOT/tests/podman.sh" >"$PLOG" 2>&1 &
podman_suite=$!

# the same daemon and unit tests built with AddressSanitizer and UBSan (make asan):
# the unit tests, and the integration tests that feed it the most kernel data
ASAN=$ROOT/build/asan
if [[ -x $ASAN/ldwatch && -x $ASAN/unit_tests ]]; then
	timeout -k 5 120 "$ASAN/unit_tests" --color=never >"$LOG" 2>&1
	rc=$?
	synth=$(grep -o 'Passing: [0-9]* | Failing: [0-9]*' "$LOG" | tail -n1)
	if [[ $synth =~ Passing:\ ([0-9]+)\ \|\ Failing:\ ([0-9]+) ]] && ((rc == 0 || BASH_REMATCH[2] > 0)); then
		echo "asan unit: ${BASH_REMATCH[1]} passed, ${BASH_REMATCH[2]} failed"
		part_pass=$((part_pass + BASH_REMATCH[1]))
		part_fail=$((part_fail + BASH_REMATCH[2]))
	else
		echo "asan unit: exited $rc: $(grep -E 'ERROR|runtime error' "$LOG" | head -n 3)"
		part_fail=$((part_fail + 1))
	fi
	part integration env LDWATCH="$ASAN/ldwatch" bash "$ROOT/tests/integration.sh" \
		t_all_missing_library t_all_missing_interpreter_elf t_all_permission_lib_noexec \
		t_all_odd_directory_name t_all_version_mismatch t_all_wrong_elf_class \
		t_all_undefined_symbol_versioned t_all_dlopen_missing_dependency t_all_dlopen_loads \
		t_all_go_plugin_missing t_all_musl_missing_library t_text_all t_go_goroot_missing \
		t_ctr_root_missing_library t_ctr_tmpfs_root_held t_ctr_tmpfs_root_instant \
		t_ctr_crash_loop_is_counted t_all_loss_marks_finding t_all_hostile_sizes
else
	echo "asan: $ASAN/ldwatch or unit_tests missing (make asan)"
	part_fail=$((part_fail + 1))
fi

# a real container runtime: podman on Debian 12 and 13 images (cached)
wait "$podman_suite"
part podman cat "$PLOG"

# ldwatch.service under a real systemd (PID 1 of a podman container)
part systemd bash "$ROOT/tests/systemd.sh"

# the image, the DaemonSet manifest and its pod under podman kube play
part cluster bash "$ROOT/tests/cluster.sh"

# the resolver and ldwatch check against ld.so --list, on this host's files and
# in the Debian 13 root podman.sh cached: beside the fuzz run, which is timed
RLOG=$(mktemp /tmp/ldwatch-resolve-log.XXXXXX) || exit 1
trap 'rm -f "$LOG" "$PLOG" "$RLOG"' EXIT
(
	rp=0 rf=0
	for r in / "${LDWATCH_TEST_CACHE:-/var/cache/ldwatch-test}/trixie"; do
		if JOBS=2 bash "$ROOT/tests/resolve_vs_ldso.sh" -r "$r" /usr/bin /usr/sbin \
			/usr/lib/x86_64-linux-gnu /usr/libexec; then
			rp=$((rp + 1))
		else
			rf=$((rf + 1))
		fi
	done
	echo "resolve: $rp passed, $rf failed"
) >"$RLOG" 2>&1 &
resolve_suite=$!

# a short fuzz run of each libFuzzer target (make fuzz-build), and a short soak
part fuzz bash "$ROOT/tests/fuzz/run.sh" "${FUZZ_S:-10}"
wait "$resolve_suite"
part resolve cat "$RLOG"
part soak bash "$ROOT/tests/soak.sh" "${SOAK_S:-20}"

pass=$((unit_pass + part_pass))
fail=$((unit_fail + part_fail))
echo "total: $pass passed, $fail failed"
((fail == 0))
