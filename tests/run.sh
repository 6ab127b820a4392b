#!/bin/bash
# the whole suite (`make test`): criterion unit tests, then the integration
# tests. The last line is "total: P passed, F failed"; exit 1 if F > 0.
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

bash "$ROOT/tests/integration.sh" 2>&1 | tee "$LOG"
int_line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed$' "$LOG" | tail -n1)
if [[ $int_line =~ ^integration:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	int_pass=${BASH_REMATCH[1]}
	int_fail=${BASH_REMATCH[2]}
else
	echo "integration: tests/integration.sh ended without its summary line"
	int_pass=0 int_fail=1
fi

pass=$((unit_pass + int_pass))
fail=$((unit_fail + int_fail))
echo "total: $pass passed, $fail failed"
((fail == 0))
