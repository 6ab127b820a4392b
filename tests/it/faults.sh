# promise: losses are counted and mark the findings they touch; hostile sizes, --no-uprobes and a replaced libc still give the right finding
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/faults.sh: losses and hostile input, sourced by tests/integration.sh.

# flood SECS: two processes doing nothing but failed opens, for SECS seconds
flood()
{
	local i pids=()
	for i in 1 2; do
		timeout "$1" bash -c 'while :; do : </nonexistent/ldwatch-flood; done' 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# A loss while a process lives marks its finding; losses are counted and said
t_all_loss_marks_finding()
{
	local F=$W/rec.json p fnd st
	need_bpf
	# a 64 KiB ring cannot hold a flood of failed opens, and holds the rest
	lw_start "$F" --all --json --ring-size 64K
	wait_ready "$F"
	"$FIX/dl_try" libnotthere.so 3 2500 >/dev/null 2>&1 &
	p=$!
	sleep 0.5	# its dlopen is over and read; the flood comes while it waits
	flood 1
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "dlopen-failed" and .pid == $p)' --argjson p "$p" ||
		bad "no dlopen-failed finding; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	st=$(recs "$F" 'select(.type == "stats" and .final)')
	jq -e '.lost > 0 and .lost == .lost_reserve + .lost_read and .received == .events' <<<"$st" >/dev/null ||
		bad "final stats do not show reconciled losses: $st"
	grep -q "records lost in all" "$F.stderr" || bad "no loss said on stderr: $(stderr_tail "$F.stderr")"
	fnd=$(recs "$F" 'select(.type == "finding" and .kind == "dlopen-failed" and .pid == $p)' --argjson p "$p" | head -n1)
	check_fields "$fnd" .incomplete '"events-lost"' .exit_code 3 .object '"libnotthere.so"'
}

# a long argv and environment are bounded; a 4 KiB path never splits a record
t_all_hostile_sizes()
{
	local F=$W/rec.json long dir
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	long=$(head -c 100000 /dev/zero | tr '\0' x)
	dir=$W/$(head -c 200 /dev/zero | tr '\0' d)
	while ((${#dir} < 4000)); do dir=$dir/$(head -c 200 /dev/zero | tr '\0' e); done
	mkdir -p "$dir" || fail "cannot make a 4 KiB path"
	cp "$FIX/miss_origin" "$dir/"
	(cd "$dir" && LD_LIBRARY_PATH=$long:/x ./miss_origin "$long" >/dev/null 2>&1)
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "missing-library" and .comm == "miss_origin")' ||
		bad "no finding for a program with a 4 KiB path and a 100 kB environment; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	recs "$F" 'select(.type == "finding" and .comm == "miss_origin") | .env.LD_LIBRARY_PATH | length' |
		awk '$1 > 600 { bad = 1 } END { exit bad }' || bad "LD_LIBRARY_PATH was not bounded"
	recs "$F" 'select(.type == "finding" and .comm == "miss_origin") | .incomplete' | grep -q env-truncated ||
		bad "the cut variable is not marked: $(recs "$F" 'select(.type == "finding") | .incomplete')"
}

# --no-uprobes: no breakpoint in any process; start-up failures still found
t_all_no_uprobes()
{
	local F=$W/rec.json fnd
	need_bpf
	lw_start "$F" --all --json --no-uprobes
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "missing-library" and .comm == "needs_missing" and .container == null)' ||
		bad "no missing-library finding without uprobes; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	[[ $(recs "$F" 'select(.type == "ready") | .uprobes | length') == 0 ]] ||
		bad "uprobes attached: $(head -c 300 "$F")"
	recs "$F" 'select(.type == "uprobes")' | grep -q . && bad "uprobes attached later"
	fnd=$(recs "$F" 'select(.type == "finding" and .comm == "needs_missing" and .container == null)' | head -n1)
	check_fields "$fnd" .object '"libmissing.so"' .exit_code 127
}

# a probed libc replaced while running (a package upgrade: a new inode at the
# same path) is probed again, and its dlopen failures are seen again (reported
# on fd 2 and exit 1: errors, each its own finding)
t_all_replaced_library_probed_again()
{
	local F=$W/rec.json D=$W/lib n
	need_bpf
	mkdir -p "$D"
	cp "$LIBC_REAL" "$D/libc.so.6"
	lw_start "$F" --all --json
	wait_ready "$F"
	# the first run makes ldwatch probe this copy; the second is seen through it
	LD_LIBRARY_PATH=$D "$FIX/dl_try" libnotthere.so 1 >/dev/null 2>>"$W/dl.err"
	wait_rec "$F" "$FINDING_S" 'select(.type == "uprobes" and .path == $p)' --arg p "$D/libc.so.6" ||
		bad "the copy of libc was not probed"
	LD_LIBRARY_PATH=$D "$FIX/dl_try" libnotthere.so 1 >/dev/null 2>>"$W/dl.err"
	cp "$LIBC_REAL" "$D/libc.so.6.new"
	mv "$D/libc.so.6.new" "$D/libc.so.6"	# rename over it, as dpkg does
	LD_LIBRARY_PATH=$D "$FIX/dl_try" libnotthere.so 1 >/dev/null 2>>"$W/dl.err"
	for ((n = 0; n < 50; n++)); do
		[[ $(recs "$F" 'select(.type == "uprobes" and .event == "attached" and .path == $p)' --arg p "$D/libc.so.6" |
			wc -l) -ge 2 ]] && break
		sleep 0.1
	done
	LD_LIBRARY_PATH=$D "$FIX/dl_try" libnotthere.so 1 >/dev/null 2>>"$W/dl.err"
	wait_until "$FINDING_S" finding_count_is "$F" 2 || true
	lw_stop "$F"
	check_records "$F"
	n=$(recs "$F" 'select(.type == "uprobes" and .event == "attached" and .path == $p)' --arg p "$D/libc.so.6" | wc -l)
	((n == 2)) || bad "the replaced libc was probed $n times, expected 2 (the old inode and the new)"
	n=$(recs "$F" 'select(.type == "finding" and .kind == "dlopen-failed" and .comm == "dl_try" and .container == null)' | wc -l)
	((n >= 2)) || bad "$n dlopen-failed findings, expected the two runs after each probe: $(findings_summary "$F")"
}

# a successful open that names no library never leaves the kernel (counted);
# one of a library still does: a dlopen's load record names the file it opened
t_all_hits_of_no_library_stay_in_kernel()
{
	local F=$W/rec.json st ld
	need_bpf
	lw_start "$F" --all --json --loads
	wait_ready "$F"
	for _ in 1 2 3 4 5; do cat /etc/hostname /etc/passwd >/dev/null; done
	LD_LIBRARY_PATH=$FIX/lib "$FIX/dl_try" libfoo.so 1 >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "load" and .comm == "dl_try")' ||
		bad "no load record for dl_try's libfoo.so"
	lw_stop "$F"
	check_records "$F"
	st=$(recs "$F" 'select(.type == "stats" and .final)')
	jq -e '.hits_skipped >= 10' <<<"$st" >/dev/null || bad "hits of no library were not skipped: $st"
	ld=$(recs "$F" 'select(.type == "load" and .comm == "dl_try")' | head -n1)
	check_fields "$ld" .path '$fix + "/lib/libfoo.so"'
}

# finding_count_is FILE N: at least N dlopen-failed findings of dl_try
finding_count_is()
{
	(($(recs "$1" 'select(.type == "finding" and .kind == "dlopen-failed" and .comm == "dl_try" and .container == null)' | wc -l) >= $2))
}
