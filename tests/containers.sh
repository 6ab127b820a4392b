# tests/containers.sh: container context, sourced by tests/integration.sh.
# "Containers" are made here: a mount and pid namespace (unshare) in a cgroup
# v2 directory named the way a runtime names it; the failing program moves
# itself in (echo 0 > cgroup.procs) before its exec.

CTR_HEX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
CTR_POD=8dcc5c8a-3a2b-4c7e-9b1f-2f1e6b0c9d4e

# ctr_cgroup NAME...: make the cgroup path (relative to the cgroup2 root); sets CG
ctr_cgroup()
{
	local root
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[[ -n $root ]] || fail "no cgroup2 mount"
	CG=$root/$1
	mkdir -p "$CG" || fail "cannot make cgroup $CG"
	CLEAN_CGROUPS+=("$CG")
}

# in_container CMD...: run CMD in new mount and pid namespaces, inside $CG
in_container()
{
	unshare -m -p -f --mount-proc sh -c 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" "$@"
}

t_ctr_docker_cmd()
{
	local F=$W/rec.json fnd
	need_bpf
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	"$LDWATCH" --json -o "$F" -- bash -c "$(declare -f in_container); CG=$CG in_container $FIX/needs_missing" \
		>/dev/null 2>"$W/err"
	check_records "$F"
	fnd=$(recs "$F" 'select(.type == "finding" and .kind == "missing-library")' | head -n1)
	[[ -n $fnd ]] || fail "no missing-library finding; findings: $(findings_summary "$F")"
	check_fields "$fnd" .container.runtime '"docker"' .container.id "\"$CTR_HEX\"" .container.pid 1 \
		.container.cgroup "\"/ldwatch-test.slice/docker-$CTR_HEX.scope\"" .object '"libmissing.so"'
	jq -e '.container.mntns > 0 and .container.pidns > 0 and .container.cgroup_id > 0' <<<"$fnd" >/dev/null ||
		bad "container ids missing: $(jq -c .container <<<"$fnd")"
}

t_ctr_kubernetes_pod_all()
{
	local F=$W/rec.json fnd p
	need_bpf
	ctr_cgroup "ldwatch-test/kubepods/burstable/pod$CTR_POD/$CTR_HEX"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container "$FIX/bad_interp" >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "missing-interpreter" and .container != null)' ||
		bad "no missing-interpreter finding with a container; findings: $(findings_summary "$F")"
	lw_stop "$F"
	fnd=$(recs "$F" 'select(.type == "finding" and .kind == "missing-interpreter" and .container != null)' | head -n1)
	[[ -n $fnd ]] || fail "no finding"
	check_fields "$fnd" .container.runtime '"containerd"' .container.id "\"$CTR_HEX\"" \
		.container.pod_uid "\"$CTR_POD\""
	# host processes carry no container
	recs "$F" 'select(.type == "finding" and .container == null and .comm == "bad_interp")' | grep -q . &&
		bad "a finding of the containerised program lacks its container"
	return 0
}

t_ctr_crash_loop_is_counted()
{
	local F=$W/rec.json n rep
	need_bpf
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	for n in 1 2 3 4 5; do
		in_container "$FIX/needs_missing" >/dev/null 2>&1
	done
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container.id == $id)' --arg id "$CTR_HEX" ||
		bad "no finding for the container; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	n=$(recs "$F" 'select(.type == "finding" and .container.id == $id)' --arg id "$CTR_HEX" | wc -l)
	((n == 1)) || bad "$n findings for one crash-looping container, expected 1"
	rep=$(recs "$F" 'select(.type == "repeat")' | head -n1)
	[[ -n $rep ]] || fail "no repeat record at exit"
	check_fields "$rep" .kind '"missing-library"' .object '"libmissing.so"' .container.id "\"$CTR_HEX\"" \
		.container.runtime '"docker"' .count 4 .total 5
	recs "$F" 'select(.type == "stats" and .final)' | jq -e '.repeats == 4' >/dev/null ||
		bad "final stats do not count 4 repeats"
}

CTR_TESTS=(t_ctr_docker_cmd t_ctr_kubernetes_pod_all t_ctr_crash_loop_is_counted)
