# promise: a container's failing process is named (runtime, id, pod) and checked in its own root; a crash loop is one finding
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/containers.sh: container context, sourced by tests/integration.sh.
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
	local F=$W/rec.json
	need_bpf
	ctr_cgroup "ldwatch-test/kubepods/burstable/pod$CTR_POD/$CTR_HEX"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container "$FIX/bad_interp" >/dev/null 2>&1
	ctr_finding "$F" missing-interpreter
	check_fields "$FND" .container.runtime '"containerd"' .container.id "\"$CTR_HEX\"" \
		.container.pod_uid "\"$CTR_POD\""
	# host processes carry no container
	recs "$F" 'select(.type == "finding" and .container == null and .comm == "bad_interp")' | grep -q . &&
		bad "a finding of the containerised program lacks its container"
	return 0
}

# kubelet_logs POD_NS POD_NAME UID CONTAINER [ID]: the kubelet's log layout in
# $W/log (pods/NS_NAME_UID/CONTAINER/0.log; containers/NAME_NS_CONTAINER-ID.log
# when ID is given), with a second container folder so that only the link tells
kubelet_logs()
{
	local d=$W/log/pods/$1_$2_$3
	mkdir -p "$d/$4" "$d/istio-proxy" "$W/log/containers" || fail "cannot make $d"
	: >"$d/$4/0.log"
	[[ -n ${5:-} ]] && ln -s "/var/log/pods/$1_$2_$3/$4/0.log" "$W/log/containers/$2_$1_$4-$5.log"
	return 0
}

# a pod's container under the systemd cgroup driver (the names kubelet and
# containerd give: underscores in the pod UID, cri-containerd-ID.scope): its
# finding names the pod from the node's /var/log/pods, its container by the link
t_ctr_kubernetes_pod_named_systemd_driver()
{
	local F=$W/rec.json uid_=${CTR_POD//-/_}
	need_bpf
	ctr_cgroup "ldwatch-test.slice/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$uid_.slice/cri-containerd-$CTR_HEX.scope"
	kubelet_logs shop web-7d4b9c-x2k "$CTR_POD" app "$CTR_HEX"
	lw_start "$F" --all --json --pod-logs "$W/log/pods"
	wait_ready "$F"
	in_container "$FIX/needs_missing" >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .container.runtime '"containerd"' .container.id "\"$CTR_HEX\"" \
		.container.pod_uid "\"$CTR_POD\"" .container.pod.namespace '"shop"' \
		.container.pod.name '"web-7d4b9c-x2k"' .container.pod.container '"app"'
	printf '    %s\n' "$(jq -c '.container | {runtime, id: .id[0:12], pod_uid, pod}' <<<"$FND")"
}

# the cgroupfs driver (kubepods/besteffort/podUID/ID), no link: the pod's
# folders have two containers, so the pod is named and its container is null
t_ctr_kubernetes_pod_named_cgroupfs_driver()
{
	local F=$W/rec.json
	need_bpf
	ctr_cgroup "ldwatch-test/kubepods/besteffort/pod$CTR_POD/$CTR_HEX"
	kubelet_logs kube-system coredns-5d78c9869d-abcde "$CTR_POD" coredns
	lw_start "$F" --all --json --pod-logs "$W/log/pods"
	wait_ready "$F"
	in_container "$FIX/needs_missing" >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .container.runtime '"containerd"' .container.pod_uid "\"$CTR_POD\"" \
		.container.pod.namespace '"kube-system"' .container.pod.name '"coredns-5d78c9869d-abcde"' \
		.container.pod.container null
}

# a pod the node shows no folder of: pod is null, its UID still given
t_ctr_kubernetes_pod_not_on_node()
{
	local F=$W/rec.json
	need_bpf
	ctr_cgroup "ldwatch-test/kubepods/besteffort/pod$CTR_POD/$CTR_HEX"
	mkdir -p "$W/log/pods"
	lw_start "$F" --all --json --pod-logs "$W/log/pods"
	wait_ready "$F"
	in_container "$FIX/needs_missing" >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .container.pod_uid "\"$CTR_POD\"" .container.pod null
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
	recs "$F" 'select(.type == "stats" and .final)' | jq -e '.repeats >= 4' >/dev/null ||
		bad "final stats do not count 4 repeats"
}

# mk_root DIR PROG...: a container image: the fixtures PROG in DIR/bin, and
# its own copies of ld.so and libc (other inodes than the host's)
mk_root()
{
	local d=$1 p
	shift
	mkdir -p "$d/bin" "$d/lib64" "$d/lib/x86_64-linux-gnu" || fail "cannot make $d"
	cp "$LDSO_REAL" "$d/lib64/ld-linux-x86-64.so.2"
	cp "$LIBC_REAL" "$d/lib/x86_64-linux-gnu/libc.so.6"
	for p in "$@"; do
		cp "$FIX/$p" "$d/bin/" || fail "cannot copy $p"
	done
}

# ctr_finding FILE KIND: wait for the container's finding of KIND; sets FND
# (the podman suite may run meanwhile: its containers are not these)
ctr_finding()
{
	local f=$1 kind=$2 sel='select(.type == "finding" and .kind == $k and .container != null
		and .container.runtime != "podman")'
	wait_rec "$f" "$FINDING_S" "$sel" --arg k "$kind" ||
		bad "no $kind finding with a container; findings: $(findings_summary "$f")"
	lw_stop "$f"
	check_records "$f"
	FND=$(recs "$f" "$sel" --arg k "$kind" | head -n1)
	[[ -n $FND ]] || fail "no finding"
}

# a missing library inside: the container's paths, its own loader probed and quoted
t_ctr_root_missing_library()
{
	local F=$W/rec.json R=$W/root att up
	need_bpf
	mk_root "$R" needs_missing
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$R" /bin/needs_missing >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .object '"libmissing.so"' .exe '"/bin/needs_missing"' \
		.needed_by '"/bin/needs_missing"' .root "\"$R\"" .incomplete null \
		.container.runtime '"docker"' .container.id "\"$CTR_HEX\"" .container.pid 1 \
		.message "\"/bin/needs_missing: $LDSO_ENOENT\""
	# the search as the container made it, in its own tree
	att=$(jq -r '[.attempts[].path] | join(" ")' <<<"$FND")
	[[ " $att " == *" /lib/x86_64-linux-gnu/libmissing.so "* ]] ||
		bad "attempts lack the container's /lib/x86_64-linux-gnu/libmissing.so: $att"
	[[ $att == *"$R"* ]] && bad "attempts are host paths: $att"
	# its own ld.so, another inode than the host's, got the loader probes
	up=$(recs "$F" 'select(.type == "uprobes" and .event == "attached"
		and .path == "/lib64/ld-linux-x86-64.so.2" and .pid == $p)' --argjson p "$(jq .pid <<<"$FND")")
	[[ -n $up ]] || bad "no uprobes record for the container's ld.so: $(recs "$F" 'select(.type == "uprobes")' | head -c 600)"
	jq -e '.symbols | index("_dl_exception_create")' <<<"$up" >/dev/null ||
		bad "the container's ld.so lacks _dl_exception_create: $up"
	return 0
}

# what fixes it: the missing library is in the root, where nothing in the search names it
t_ctr_fix_unlisted_directory()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	mk_root "$R" needs_missing
	mkdir -p "$R/opt/foo/lib" "$R/var/lib/dpkg/info"
	cp "$FIX/lib/libfoo.so" "$R/opt/foo/lib/libmissing.so"
	printf '/opt/foo\n/opt/foo/lib\n/opt/foo/lib/libmissing.so\n' >"$R/var/lib/dpkg/info/foo:amd64.list"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$R" /bin/needs_missing >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .object '"libmissing.so"' .fix '"libmissing.so is in /opt/foo/lib, which nothing in the search names: add /opt/foo/lib to the binary'"'"'s RUNPATH (-Wl,-rpath,/opt/foo/lib) or to LD_LIBRARY_PATH, or list it in /etc/ld.so.conf.d/ and run ldconfig (/opt/foo/lib/libmissing.so is from the installed package foo:amd64)"'
}

# what fixes it: ld.so.conf lists the directory, but ldconfig was not run since
t_ctr_fix_ldconfig_not_run()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	mk_root "$R" needs_missing
	mkdir -p "$R/usr/local/lib" "$R/etc"
	printf '/usr/local/lib\n' >"$R/etc/ld.so.conf"
	: >"$R/etc/ld.so.cache"
	touch -d '2020-01-01' "$R/etc/ld.so.cache"
	cp "$FIX/lib/libfoo.so" "$R/usr/local/lib/libmissing.so"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$R" /bin/needs_missing >/dev/null 2>&1
	ctr_finding "$F" missing-library
	check_fields "$FND" .object '"libmissing.so"' .fix '"libmissing.so is in /usr/local/lib, which /etc/ld.so.conf lists, but /etc/ld.so.cache is older than the file: run ldconfig"'
}

# no GOBIN, no GOPATH: go install wrote to $HOME/go/bin, HOME as the root's passwd says
t_ctr_command_in_default_gopath_bin()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	mk_root "$R" hello
	cp /bin/dash "$R/bin/sh"
	mkdir -p "$R/etc" "$R/home/gopher/go/bin" "$R/usr/bin"
	printf 'root:x:0:0:root:/home/gopher:/bin/sh\n' >"$R/etc/passwd"
	cp "$FIX/hello" "$R/home/gopher/go/bin/ldwatch-gotool"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container env -i "$(command -v chroot)" "$R" /bin/sh -c 'PATH=/usr/bin:/bin; ldwatch-gotool' >/dev/null 2>&1
	ctr_finding "$F" command-not-found
	check_fields "$FND" .object '"ldwatch-gotool"' .variable '"PATH=/usr/bin:/bin"' .hint \
		'"ldwatch-gotool is in the default GOPATH'"'"'s bin (/home/gopher/go/bin), which is not on PATH: add /home/gopher/go/bin to PATH"'
}

# a container's loader probes are let go once no process of it is left
t_ctr_loader_probes_released()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	mk_root "$R" needs_missing
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$R" /bin/needs_missing >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "uprobes" and .event == "attached"
		and .path == "/lib64/ld-linux-x86-64.so.2")' || bad "the container's ld.so was not probed"
	# let go of once unused for 10 s (a crash loop keeps its image's probes), checked every 5 s
	wait_rec "$F" 20 'select(.type == "uprobes" and .event == "released"
		and .path == "/lib64/ld-linux-x86-64.so.2")' ||
		bad "the container's ld.so probes were not released: $(recs "$F" 'select(.type == "uprobes")' | head -c 600)"
	lw_stop "$F"
	check_records "$F"
	# nothing is attached while stopping (the host's files are known since the start)
	recs "$F" 'select(.type == "uprobes" and .pid == null)' | grep -q . &&
		bad "uprobes attached to host files after ready: $(recs "$F" 'select(.type == "uprobes" and .pid == null)' | head -c 400)"
	return 0
}

# the container's image lacks its interpreter; the host has one of that name
t_ctr_missing_interpreter_inside()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	[[ -e /lib64/ld-linux-x86-64.so.2 ]] || fail "the host has no /lib64/ld-linux-x86-64.so.2"
	mk_root "$R" hello
	rm "$R/lib64/ld-linux-x86-64.so.2"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	# -- CMD: the failing process is the container's only one, and dies in its first exec
	"$LDWATCH" --json -o "$F" -- bash -c "$(declare -f in_container); CG=$CG in_container chroot $R /bin/hello" \
		>/dev/null 2>"$F.stderr"
	check_records "$F"
	FND=$(recs "$F" 'select(.type == "finding" and .kind == "missing-interpreter")' | head -n1)
	[[ -n $FND ]] || fail "no missing-interpreter finding (the host's ld.so must not count); findings: $(findings_summary "$F")"
	check_fields "$FND" .object '"/lib64/ld-linux-x86-64.so.2"' .exe '"/bin/hello"' .root "\"$R\"" \
		.object_host "\"$R/lib64/ld-linux-x86-64.so.2\"" .incomplete null .errno '"ENOENT"' \
		.container.id "\"$CTR_HEX\"" .container.pid 1
}

# an absolute symlink interpreter whose target exists only on the host
t_ctr_interpreter_symlink_to_host()
{
	local F=$W/rec.json R=$W/root
	need_bpf
	[[ -e $LDSO_REAL ]] || fail "no $LDSO_REAL on the host"
	mk_root "$R" hello
	ln -sf "$LDSO_REAL" "$R/lib64/ld-linux-x86-64.so.2"
	rm -f "$R${LDSO_REAL}"
	[[ -e $R$LDSO_REAL ]] && fail "the image holds $LDSO_REAL"
	ctr_cgroup "ldwatch-test/kubepods/burstable/pod$CTR_POD/$CTR_HEX"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$R" /bin/hello >/dev/null 2>&1
	ctr_finding "$F" missing-interpreter
	check_fields "$FND" .object '"/lib64/ld-linux-x86-64.so.2"' .exe '"/bin/hello"' .root "\"$R\"" \
		.incomplete null .container.runtime '"containerd"' .container.pod_uid "\"$CTR_POD\""
}

# a Docker-like image: an overlay mounted on the host; the container's only
# process dies in its first exec, before ldwatch could open /proc/PID/root
t_ctr_overlay_root_instant()
{
	local F=$W/rec.json O=$W/ov
	need_bpf
	mk_root "$O/lower" hello
	rm "$O/lower/lib64/ld-linux-x86-64.so.2"
	mkdir -p "$O/upper" "$O/work" "$O/merged"
	mount -t overlay overlay -o "lowerdir=$O/lower,upperdir=$O/upper,workdir=$O/work" "$O/merged" ||
		fail "cannot mount an overlay"
	CLEAN_MOUNTS+=("$O/merged")
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container chroot "$O/merged" /bin/hello >/dev/null 2>&1
	ctr_finding "$F" missing-interpreter
	check_fields "$FND" .object '"/lib64/ld-linux-x86-64.so.2"' .exe '"/bin/hello"' .root "\"$O/merged\"" \
		.incomplete null .container.id "\"$CTR_HEX\""
}

# the root is a tmpfs mounted only inside the container's mount namespace:
# no host path reaches it; a process kept there lets ldwatch hold it
t_ctr_tmpfs_root_held()
{
	local F=$W/rec.json R=$W/root T=$W/mnt
	need_bpf
	mk_root "$R" hello sleeper
	rm "$R/lib64/ld-linux-x86-64.so.2"
	mkdir -p "$T"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container sh -c 'mount -t tmpfs -o mode=0755 tmpfs "$2" && cp -a "$1/." "$2/" &&
		{ chroot "$2" /bin/sleeper 30 & } && sleep 0.5 && chroot "$2" /bin/hello; kill %1' \
		sh "$R" "$T" >/dev/null 2>&1
	ctr_finding "$F" missing-interpreter
	check_fields "$FND" .object '"/lib64/ld-linux-x86-64.so.2"' .exe '"/bin/hello"' .root null \
		.incomplete null .container.id "\"$CTR_HEX\""
	mountpoint -q "$T" && bad "the container's tmpfs shows on the host at $T"
	return 0
}

# the same root, and the process dies at once with nothing left there: the
# finding is decided, or says what it could not see; never the host's answer
t_ctr_tmpfs_root_instant()
{
	local F=$W/rec.json R=$W/root T=$W/mnt
	need_bpf
	mk_root "$R" hello
	rm "$R/lib64/ld-linux-x86-64.so.2"
	mkdir -p "$T"
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	lw_start "$F" --all --json
	wait_ready "$F"
	in_container sh -c 'mount -t tmpfs -o mode=0755 tmpfs "$2" && cp -a "$1/." "$2/" && exec chroot "$2" /bin/hello' \
		sh "$R" "$T" >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container != null and .exe == "/bin/hello")' ||
		bad "no finding for the container; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	FND=$(recs "$F" 'select(.type == "finding" and .container != null and .exe == "/bin/hello")' | head -n1)
	[[ -n $FND ]] || fail "no finding"
	jq -e '(.kind == "missing-interpreter" and .incomplete == null and .object == "/lib64/ld-linux-x86-64.so.2")
		or (.kind == "exec-failed" and .incomplete == "root-unreachable" and .object == "/bin/hello")' \
		<<<"$FND" >/dev/null || bad "neither decided nor marked incomplete: $(jq -c 'del(.attempts, .env)' <<<"$FND")"
	echo "decided as: $(jq -r '"\(.kind) incomplete=\(.incomplete)"' <<<"$FND")"
}

CTR_HEX2=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210

# --container and --cgroup intersect with the scope: one container's findings only
t_ctr_filter_container()
{
	local F=$W/rec.json CG1 CG2 n
	need_bpf
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	CG1=$CG
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX2.scope"
	CG2=$CG
	lw_start "$F" --all --json --container "${CTR_HEX2:0:12}"
	wait_ready "$F"
	CG=$CG1 in_container "$FIX/needs_missing" >/dev/null 2>&1
	"$FIX/needs_missing" >/dev/null 2>&1
	CG=$CG2 in_container "$FIX/needs_missing" >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container.id == $id)' --arg id "$CTR_HEX2" ||
		bad "no finding for the wanted container; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	n=$(recs "$F" 'select(.type == "finding" and .container.id != $id)' --arg id "$CTR_HEX2" | wc -l)
	((n == 0)) || bad "$n findings of other processes: $(findings_summary "$F")"
	recs "$F" 'select(.type == "stats" and .final)' | jq -e '.filtered >= 2' >/dev/null ||
		bad "final stats do not count the 2 findings filtered out: $(recs "$F" 'select(.type == "stats")')"
}

t_ctr_filter_cgroup()
{
	local F=$W/rec.json CG1 n
	need_bpf
	ctr_cgroup "ldwatch-test.slice/docker-$CTR_HEX.scope"
	CG1=$CG
	lw_start "$F" --all --json --cgroup "ldwatch-test.slice"
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1
	CG=$CG1 in_container "$FIX/needs_missing" >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .container.id == $id)' --arg id "$CTR_HEX" ||
		bad "no finding for the process in the cgroup; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	n=$(recs "$F" 'select(.type == "finding" and .container == null)' | wc -l)
	((n == 0)) || bad "$n findings from outside the cgroup: $(findings_summary "$F")"
	# a cgroup that is not there is bad usage, said before anything is loaded
	"$LDWATCH" --all --cgroup ldwatch-test.slice/nonexistent -d 1 >/dev/null 2>"$W/err"
	n=$?
	((n == 2)) || bad "a missing cgroup: status $n, expected 2"
	grep -q "is not a cgroup under" "$W/err" || bad "no clear message for a missing cgroup: $(cat "$W/err")"
}
