# promise: exit status as Usage says (CMD's own; 2, one line and "Try ldwatch --help" for bad usage; non-zero, one sentence, without root); CMD's stdio passes
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/cli.sh: the command line; sourced by tests/integration.sh.

# ---- exit status and stdio of `-- CMD` ----------------------------------------

# cmd_status WANT CMD...: ldwatch -- CMD exits WANT
cmd_status()
{
	local want=$1 F=$W/rec.json rc
	shift
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- "$@" >"$W/out" 2>"$F.stderr"
	rc=$?
	((rc == want)) || fail "ldwatch -- $(cmd_str "$@") exited $rc, expected $want" "stderr: $(stderr_tail "$F.stderr")"
	check_records "$F"
}

t_status_exit3()
{
	cmd_status 3 sh -c 'exit 3'
}

t_status_signal()
{
	# shellcheck disable=SC2016
	cmd_status 143 sh -c 'kill -TERM $$'
}

t_status_not_found()
{
	cmd_status 127 /nonexistent/cmd
}

t_status_not_executable()
{
	cmd_status 126 "$FIX/no_x"
}

t_cmd_stdio_passthrough()
{
	local F=$W/rec.json rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- \
		sh -c 'printf "out-marker\n"; printf "err-marker\n" >&2; exit 0' >"$W/out" 2>"$W/err"
	rc=$?
	((rc == 0)) || bad "exited $rc, expected 0; stderr: $(stderr_tail "$W/err")"
	[[ $(cat "$W/out") == out-marker ]] || bad "stdout is not exactly CMD's: $(head -c 300 "$W/out")"
	grep -qx err-marker "$W/err" || bad "CMD's stderr line did not pass through: $(stderr_tail "$W/err")"
	check_records "$F"
}

# ---- flags --------------------------------------------------------------------

# usage_error ARGS...: exit 2 and a usage text on stderr, no records
usage_error()
{
	local rc
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	timeout -k 2 10 "$LDWATCH" "$@" >"$W/out" 2>"$W/err" </dev/null
	rc=$?
	((rc == 2)) || bad "ldwatch $(cmd_str "$@") exited $rc, expected 2"
	# GNU style: one line saying what is wrong, then where the usage is
	[[ $(wc -l <"$W/err") == 2 && $(sed -n 2p "$W/err") == "Try 'ldwatch --help' for more information." ]] ||
		bad "stderr is not one line and Try 'ldwatch --help': $(stderr_tail "$W/err")"
	[[ $(head -n 1 "$W/err") == ldwatch:* ]] || bad "the first line does not start with 'ldwatch:': $(head -n 1 "$W/err")"
	[[ ! -s $W/out ]] || bad "stdout is not empty: $(head -c 200 "$W/out")"
}

t_usage_unknown_option()
{
	usage_error --no-such-option
}

t_usage_pid_not_a_number()
{
	usage_error -p abc
}

t_usage_pid_zero()
{
	usage_error -p 0
}

t_usage_negative_duration()
{
	usage_error --duration -1
}

t_usage_output_without_argument()
{
	usage_error -o
}

t_usage_no_command_after_dashdash()
{
	usage_error --
}

t_help()
{
	local rc opt
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	for opt in --help -h; do
		timeout -k 2 10 "$LDWATCH" "$opt" >"$W/out" 2>"$W/err" </dev/null
		rc=$?
		((rc == 0)) || bad "ldwatch $opt exited $rc, expected 0"
		grep -qi usage "$W/out" || bad "ldwatch $opt: no usage on stdout"
		grep -q -- '--loads' "$W/out" || bad "ldwatch $opt: --loads is not in the usage"
	done
}

# ---- privileges -----------------------------------------------------------------

t_not_root()
{
	local nr=$TMP/nonroot run=() rc lines
	[[ -x $LDWATCH ]] || fail "$LDWATCH does not exist or is not executable"
	mkdir -p "$nr"
	chmod 0755 "$nr"
	cp "$LDWATCH" "$nr/ldwatch"
	chmod 0755 "$nr/ldwatch"
	((EUID == 0)) && run=("${AS_NOBODY[@]}" --inh-caps=-all)

	(cd / && timeout -k 2 20 "${run[@]}" "$nr/ldwatch" --all --json --duration 1 >"$W/out" 2>"$W/err")
	rc=$?
	((rc == 1)) || bad "unprivileged ldwatch --all exited $rc, expected 1"
	lines=$(grep -c . "$W/err")
	((lines == 1)) || bad "expected one line on stderr, got $lines: $(stderr_tail "$W/err")"
	grep -Eqi 'root|CAP_BPF' "$W/err" || bad "stderr names neither root nor CAP_BPF: $(stderr_tail "$W/err")"
	grep -q '"ready"' "$W/out" && bad "unprivileged ldwatch claimed to be ready"

	(cd / && timeout -k 2 20 "${run[@]}" "$nr/ldwatch" -- true >"$W/out" 2>"$W/err")
	rc=$?
	((rc == 125)) || bad "unprivileged ldwatch -- true exited $rc, expected 125"
	lines=$(grep -c . "$W/err")
	((lines == 1)) || bad "-- true: expected one line on stderr, got $lines: $(stderr_tail "$W/err")"
	grep -Eqi 'root|CAP_BPF' "$W/err" || bad "-- true: stderr names neither root nor CAP_BPF"
}
