# promise: ldwatch gets ready with its loader uprobes named, stops on SIGINT, SIGTERM or --duration, detaches, leaves tracefs alone
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/lifecycle.sh: start, stop and what ldwatch leaves on the host;
# sourced by tests/integration.sh.

# the uprobes ldwatch must attach (glibc 2.36), in the ld.so and libc.so.6 of
# this host (LDSO_REAL, LIBC_REAL); libc <= 2.36 has its own _dl_signal_*
LDSO_SYMS='["_dl_exception_create", "_dl_exception_create_format", "_dl_signal_error", "_dl_signal_exception"]'
LIBC_SYMS='["_dl_signal_error", "_dl_signal_exception", "dlopen", "dlopen%return", "dlmopen", "dlmopen%return"]'

# the host's tracefs mounts, as /proc/self/mountinfo lists them
tracefs_mounts()
{
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "tracefs") print $5; break } }' \
		/proc/self/mountinfo | sort
}
# when the suite starts: this file is sourced before any test runs
TRACEFS_AT_START=$(tracefs_mounts)

# ---- the loader's uprobes -------------------------------------------------------------

# check_uprobes FILE: the ready record names exactly the uprobes of this glibc
check_uprobes()
{
	local f=$1 rdy e0=$ERRS
	rdy=$(recs "$f" 'select(.type == "ready")' | head -n1)
	[[ -n $rdy ]] || { bad "no ready record"; return; }
	check_fields "$rdy" \
		'.uprobes | type' '"array"' \
		'[.uprobes[]?.path] | length == (unique | length)' true \
		'[.uprobes[]? | select(.path == $ldso)] | length' 1 \
		'[.uprobes[]? | select(.path == $ldso) | .symbols | sort]' "[$LDSO_SYMS | sort]" \
		'[.uprobes[]? | select(.path == $libc)] | length' 1 \
		'[.uprobes[]? | select(.path == $libc) | .symbols | sort]' "[$LIBC_SYMS | sort]"
	((ERRS == e0)) || bad "  uprobes: $(jq -c .uprobes <<<"$rdy" | cut -c1-800)"
}

t_cmd_ready_uprobes()
{
	local F=$W/rec.json rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" --json -o "$F" -- true >"$W/out" 2>"$F.stderr"
	rc=$?
	((rc == 0)) || bad "ldwatch -- true exited $rc, expected 0; stderr: $(stderr_tail "$F.stderr")"
	check_records "$F"
	check_uprobes "$F"
}

t_all_ready_uprobes()
{
	local F=$W/rec.json
	need_bpf
	lw_start "$F" --all --json --loads
	wait_ready "$F"
	lw_stop "$F"
	check_records "$F"
	check_uprobes "$F"
}

# ---- stopping and what is left ------------------------------------------------------

# run first (tests/integration.sh): on a fresh machine tracefs is not mounted,
# and must stay so for the host
t_tracefs_untouched()
{
	local F=$W/rec.json p before after
	need_bpf
	before=$(tracefs_mounts)
	[[ -z $before ]] && echo "    tracefs was not mounted before ldwatch ran"
	lw_start "$F" --all --json
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$p" ||
		bad "ldwatch did not work: no finding for pid $p within ${FINDING_S}s"
	lw_stop "$F"
	check_records "$F"
	after=$(tracefs_mounts)
	[[ $before == "$after" ]] || bad "tracefs mounts in the host's mount table changed:" \
		"before: ${before:-none}" "after: ${after:-none}"
}

# run last (tests/integration.sh): no ldwatch run of the whole suite left tracefs behind
t_tracefs_untouched_by_suite()
{
	need_bpf
	[[ $(tracefs_mounts) == "$TRACEFS_AT_START" ]] ||
		fail "tracefs mounts changed during the suite: start: ${TRACEFS_AT_START:-none}, end: $(tracefs_mounts)"
}

handle_prog_ids()
{
	bpftool -j prog list 2>/dev/null | jq -r '.[] | select(.name | startswith("handle_")) | .id' | sort -n
}

# ids among $1 (one a line) that are still loaded
still_loaded()
{
	[[ -n $1 ]] || return 0
	handle_prog_ids | grep -xF -f <(printf '%s\n' "$1")
}

progs_gone()
{
	[[ -z $(still_loaded "$1") ]]
}

# the handle_* programs that appeared with this ldwatch are gone once it stops;
# by id, not by holder: bpftool cannot name the pids holding a program here,
# and other ldwatch processes (their programs older) may be running
t_clean_detach()
{
	local F=$W/rec.json before mine
	need_bpf
	command -v bpftool >/dev/null || fail "bpftool not installed"
	before=$(handle_prog_ids)
	lw_start "$F" --all --json
	wait_ready "$F"
	mine=$(handle_prog_ids | grep -vxF -f <(printf '%s\n' "$before"))
	[[ -n $mine ]] || bad "bpftool shows no new handle_* program while ldwatch runs"
	lw_stop "$F"
	check_records "$F"
	# freeing a program is deferred in the kernel: allow it a moment
	wait_until 5 progs_gone "$mine" ||
		bad "handle_* programs of this ldwatch left after it stopped: $(still_loaded "$mine" | tr '\n' ' ')"
}

t_duration()
{
	local F=$W/rec.json rc
	need_bpf
	lw_start "$F" -a -j -d 2	# the short forms
	wait_ready "$F"
	wait_until 15 not_alive "$LW" || fail "ldwatch -d 2 still running 15s after ready"
	wait "$LW"
	rc=$?
	((rc == 0)) || bad "ldwatch -d 2 exited $rc, expected 0"
	check_records "$F"
}

t_stop_sigterm()
{
	local F=$W/rec.json
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	lw_stop "$F" TERM
	check_records "$F"
}
