# promise: software nobody here wrote gets the right finding or none: relays, static binaries, Go plugin skew, probes a program handles
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/real.sh: right on software nobody here wrote, and quiet where nothing
# failed; sourced by tests/integration.sh. Relays of another process's fd 2,
# loader words without a loader, optional probes programs make and handle.

REPS=${REAL_REPS:-5}	# each scenario this many times: a flaky pass fails

# every finding of the run, as "pid kind object"
all_findings()
{
	recs "$1" 'select(.type == "finding") | "\(.pid) \(.kind) \(.object)"' -r
}

# a relay (podman run, ssh, kubectl logs -f) copies a failing child's fd 2 and
# exits with its status: one finding, the child's, none for the relay
t_all_relay_gets_no_finding()
{
	local F=$W/rec.json r child n i relays=()
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	for ((i = 0; i < REPS; i++)); do
		"$FIX/relay" "$FIX/needs_missing" >/dev/null 2>"$W/relayed" &
		r=$!
		relays+=("$r")
		wait "$r"
		(($? == 127)) || bad "relay did not pass on the child's 127"
		grep -q "$LDSO_ENOENT" "$W/relayed" || bad "the relay did not copy the loader's line: $(head -c 300 "$W/relayed")"
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $r)' --argjson r "$r" ||
			bad "run $i: no finding for the relay's child; findings: $(findings_summary "$F")"
	done
	lw_stop "$F"
	check_records "$F"
	for r in "${relays[@]}"; do
		n=$(recs "$F" 'select(.type == "finding" and .pid == $r)' --argjson r "$r" | wc -l)
		((n == 0)) || bad "the relay (pid $r) got $n finding(s): $(recs "$F" \
			'select(.type == "finding" and .pid == $r)' --argjson r "$r" | head -n1 | cut -c1-300)"
		child=$(recs "$F" 'select(.type == "finding" and .ppid == $r)' --argjson r "$r")
		[[ $(grep -c . <<<"$child") == 1 ]] || bad "expected one finding for the child of $r: $(all_findings "$F")"
		check_fields "$(head -n1 <<<"$child")" .kind '"missing-library"' .object '"libmissing.so"' \
			.exe '$fix + "/needs_missing"'
	done
}

# the same in -- CMD mode, with the relay as CMD: its status passes through, the child is named
t_cmd_relay_gets_no_finding()
{
	local F=$W/rec.json rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- "$FIX/relay" "$FIX/use_ver" >/dev/null \
		2>"$F.stderr"
	rc=$?
	((rc == 1)) || bad "ldwatch -- relay use_ver exited $rc, expected 1"
	check_records "$F"
	[[ $(recs "$F" 'select(.type == "finding")' | wc -l) == 1 ]] ||
		bad "expected exactly one finding: $(all_findings "$F")"
	check_fields "$(recs "$F" 'select(.type == "finding")' | head -n1)" \
		.kind '"version-mismatch"' .exe '$fix + "/use_ver"' .comm '"use_ver"'
}

# a static Go binary (no PT_INTERP, no loader) printing glibc's line and exiting 127
t_all_static_go_loader_words()
{
	local F=$W/rec.json p i
	need_bpf
	need_go
	lw_start "$F" --all --json
	wait_ready "$F"
	for ((i = 0; i < REPS; i++)); do
		"$GOFIX/fakeld" >/dev/null 2>"$W/err" &
		p=$!
		wait "$p"
		(($? == 127)) || bad "fakeld did not exit 127"
		grep -q "$LDSO_ENOENT" "$W/err" || bad "fakeld did not print the loader's words"
	done
	sentinel_finding "$F"
	lw_stop "$F"
	check_records "$F"
	has_rec "$F" 'select(.type == "finding" and .comm == "fakeld")' &&
		bad "a finding for a static binary that loaded nothing: $(recs "$F" \
			'select(.type == "finding" and .comm == "fakeld")' | head -n1 | cut -c1-300)"
	return 0
}

# a failing program run after the one under test: once its finding is out,
# everything about the earlier one has been read
sentinel_finding()
{
	local s
	"$FIX/needs_missing" >/dev/null 2>&1 &
	s=$!
	wait "$s"
	wait_rec "$1" "$FINDING_S" 'select(.type == "finding" and .pid == $s)' --argjson s "$s" ||
		bad "no finding for the sentinel (pid $s) within ${FINDING_S}s; findings: $(findings_summary "$1")"
}

# Go refuses a plugin built against another version of a package (the dlopen succeeded)
t_cmd_go_plugin_version_skew()
{
	local F=$W/rec.json rc fnd
	need_bpf
	need_go
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- "$GOFIX/skewhost" "$GOFIX/skew.so" >/dev/null \
		2>"$F.stderr"
	rc=$?
	((rc == 1)) || bad "ldwatch -- skewhost exited $rc, expected 1"
	check_records "$F"
	fnd=$(recs "$F" 'select(.type == "finding")')
	[[ $(grep -c . <<<"$fnd") == 1 ]] || bad "expected one finding: $(all_findings "$F")"
	check_fields "$(head -n1 <<<"$fnd")" .kind '"go-plugin-mismatch"' .severity '"error"' \
		.object '$gofix + "/skew.so"' .dependency '"example.com/x"' .exit_code 1 \
		'.version | startswith("v1.0.0 => ../x1")' true \
		'.message | endswith("plugin was built with a different version of package example.com/x")' true \
		'.hint | contains("same sources")' true
}

# the same, system-wide, REPS times: each run its own finding (errors are never folded)
t_all_go_plugin_version_skew()
{
	local F=$W/rec.json p i fnd
	need_bpf
	need_go
	lw_start "$F" --all --json
	wait_ready "$F"
	for ((i = 0; i < REPS; i++)); do
		"$GOFIX/skewhost" "$GOFIX/skew.so" >/dev/null 2>&1 &
		p=$!
		wait "$p"
		wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" ||
			bad "run $i: no finding for skewhost (pid $p); findings: $(findings_summary "$F")"
		fnd=$(recs "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$p")
		[[ $(grep -c . <<<"$fnd") == 1 ]] || { bad "run $i: not one finding"; continue; }
		check_fields "$fnd" .kind '"go-plugin-mismatch"' .object '$gofix + "/skew.so"' \
			.dependency '"example.com/x"' .severity '"error"'
	done
	lw_stop "$F"
	check_records "$F"
}

# ps probes libnuma.so on every run and copes: one warning, then counted; an exit 1
# of its own (no such pid) does not make it an error
t_all_ps_probe_folded()
{
	local F=$W/rec.json i n rep
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	for ((i = 0; i < 5; i++)); do
		ps -e >/dev/null 2>&1
		ps -p 999999999 >/dev/null 2>&1	# exits 1, says nothing of libnuma
	done
	sentinel_finding "$F"
	lw_stop "$F"
	check_records "$F"
	n=$(recs "$F" 'select(.type == "finding" and .comm == "ps")' | wc -l)
	((n <= 1)) || bad "$n findings for ps, expected at most one folded warning: $(all_findings "$F")"
	has_rec "$F" 'select(.type == "finding" and .comm == "ps" and .severity == "error")' &&
		bad "an error for ps: $(recs "$F" 'select(.type == "finding" and .comm == "ps")' | head -n1 | cut -c1-300)"
	if ((n == 1)); then
		rep=$(recs "$F" 'select(.type == "repeat" and .kind == "dlopen-failed" and (.exe | endswith("/ps")))')
		[[ -n $rep ]] || bad "no repeat record for ps's later probes"
		check_fields "$(tail -n1 <<<"$rep")" .total 10 .container null
	fi
	return 0
}

# a pyenv-style shim: bash's `enable -f` on a library that is not there, 2>/dev/null,
# four times a run: at most one folded warning, never an error
t_all_enable_f_probe_folded()
{
	local F=$W/rec.json i
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	for ((i = 0; i < REPS; i++)); do
		bash -c 'for k in 1 2 3 4; do enable -f /nonexistent/pyenv-realpath.dylib realpath 2>/dev/null; done
			exit 3'
	done
	sentinel_finding "$F"
	lw_stop "$F"
	check_records "$F"
	[[ $(recs "$F" 'select(.type == "finding" and .comm == "bash")' | wc -l) -le 1 ]] ||
		bad "more than one finding for the shims: $(all_findings "$F")"
	has_rec "$F" 'select(.type == "finding" and .comm == "bash" and .severity == "error")' &&
		bad "an error for a handled probe: $(recs "$F" 'select(.type == "finding" and .comm == "bash")' |
			head -n1 | cut -c1-300)"
	return 0
}
