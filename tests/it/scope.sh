# promise: by default only the go toolchain's processes are watched; -p PID watches its tree (its go processes, without --all)
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/scope.sh: which processes are watched; sourced by tests/integration.sh.

# no scope flag: the go toolchain's descendants only
t_scope_default_go()
{
	local F=$W/rec.json a g fnd
	need_bpf
	lw_start "$F" --json
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	a=$!
	wait "$a"
	"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
	g=$!
	wait "$g"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$g" ||
		bad "no finding for the program run under go (pid $g) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	fnd=$(recs "$F" 'select(.type == "finding" and .ppid == $g)' --argjson g "$g" | head -n1)
	[[ -z $fnd ]] || check_fields "$fnd" .kind '"missing-library"' .object '"libmissing.so"' .comm '"needs_missing"'
	has_rec "$F" 'select(.type == "finding" and .pid == $a)' --argjson a "$a" &&
		bad "default scope reported the program run outside go (pid $a)"
	return 0
}

# a tree that waits on a FIFO, then runs a plain and a go-wrapped failure
start_tree()
{
	mkfifo "$W/fifo"
	(
		read -r _ <"$W/fifo"
		"$FIX/needs_missing" >/dev/null 2>&1 &
		echo $! >"$W/plain.pid"
		wait
		"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
		echo $! >"$W/go.pid"
		wait
	) &
	TREE=$!
	CLEAN_PIDS+=("$TREE")
}

run_tree()
{
	echo go >"$W/fifo"
	wait "$TREE"
	PLAIN=$(cat "$W/plain.pid")
	GOPID=$(cat "$W/go.pid")
}

# --all -p PID: the whole tree, nothing outside it
t_scope_pid_all()
{
	local F=$W/rec.json out
	need_bpf
	start_tree
	lw_start "$F" --all --json -p "$TREE"
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	out=$!
	wait "$out"
	run_tree
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .pid == $p)' --argjson p "$PLAIN" ||
		bad "no finding for the program in the tree (pid $PLAIN) within ${FINDING_S}s; findings: $(findings_summary "$F")"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$GOPID" ||
		bad "no finding for the go-wrapped program in the tree (under pid $GOPID)"
	lw_stop "$F"
	check_records "$F"
	has_rec "$F" 'select(.type == "finding" and .pid == $o)' --argjson o "$out" &&
		bad "--all -p $TREE reported a program outside the tree (pid $out)"
	return 0
}

# -p PID alone: the go processes of that tree
t_scope_pid_go_only()
{
	local F=$W/rec.json out
	need_bpf
	start_tree
	lw_start "$F" --json -p "$TREE"
	wait_ready "$F"
	"$FIX/go" "$FIX/needs_missing" >/dev/null 2>&1 &
	out=$!
	wait "$out"
	run_tree
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $g)' --argjson g "$GOPID" ||
		bad "no finding for the go-wrapped program in the tree (under pid $GOPID) within ${FINDING_S}s;" \
			"findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	has_rec "$F" 'select(.type == "finding" and .pid == $p)' --argjson p "$PLAIN" &&
		bad "-p $TREE without --all reported a non-go program in the tree (pid $PLAIN)"
	has_rec "$F" 'select(.type == "finding" and .ppid == $o)' --argjson o "$out" &&
		bad "-p $TREE reported a go-wrapped program outside the tree (under pid $out)"
	return 0
}
