#!/bin/bash
# tests/cluster.sh: ldwatch as a cluster runs it, with the real tools nearest
# to a cluster this machine has. `make image` builds the image (the static
# binary FROM scratch); podman runs it as a node agent (--pid=host) and in a
# pid namespace of its own (--host-proc); the DaemonSet manifest is validated
# against Kubernetes' OpenAPI schemas offline (tests/k8s, npm ci by make
# deps), and its pod template runs under `podman kube play`. Last line:
# "cluster: P passed, F failed". Without podman or node (or not root) the
# tests skip, unless CI=true: then they fail.
#
#   tests/cluster.sh [TEST...]   run some tests only
#   KEEP=1                       keep the scratch folder

# jq filters are single-quoted on purpose; ERRS lives in each test's subshell
# shellcheck disable=SC2016,SC2031
set -uo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
FIX=$ROOT/build/podman-fixtures	# podman.sh's: built by it, read-only here
SUITE_T0=$SECONDS
BUDGET_S=${CLUSTER_BUDGET_S:-300}
# what make image tags (the Makefile's IMAGE default)
IMAGE=localhost/ldwatch:$(sed -n 's/^#define LDWATCH_VERSION[[:space:]]*"\(.*\)"/\1/p' "$ROOT/user/cli/cli.h")
K8S=$ROOT/tests/k8s

# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

suite_needs cluster podman runc node
[[ -x $FIX/needs_missing ]] || suite_fail cluster "$FIX/needs_missing is missing (tests/podman.sh builds it)"
[[ -d $K8S/node_modules/kubernetes-models ]] || suite_fail cluster "tests/k8s/node_modules is missing (make deps: npm ci)"

TMP=$(mktemp -d /tmp/ldwatch-cluster.XXXXXX) || exit 1
chmod 0755 "$TMP"
WORK=$TMP/work
mkdir -p "$WORK"
suite_cleanup()
{
	podman ps -aq --filter label=ldwatch-test=1 2>/dev/null | xargs -r podman rm -f -t 0 >/dev/null 2>&1
	[[ -f $TMP/pod.yaml ]] && podman kube down "$TMP/pod.yaml" >/dev/null 2>&1
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
podman image exists ldwatch-test/b12 || suite_fail cluster "no ldwatch-test/b12 image (tests/podman.sh imports it)"

handle_progs() { bpftool prog show 2>/dev/null | grep -c ' name handle_'; }

# the records a container wrote to stdout, its stderr left out; a line podman
# logs hands over half-written while the container runs is skipped, not fatal
ctr_records() { podman logs "$1" 2>/dev/null | jq -c -R 'fromjson? // empty'; }

# wait_log NAME SECS FILTER [jq options]: until the container's stdout has a matching record
wait_log()
{
	local name=$1 secs=$2 filter=$3 t
	shift 3
	for ((t = 0; t < secs * 10; t++)); do
		# (no grep -q: under pipefail its early exit would fail the pipe)
		[[ -n $(ctr_records "$name" | jq -c "$filter" "$@" 2>/dev/null) ]] && return 0
		sleep 0.1
	done
	return 1
}

# a failing program in another container: its id on stdout
fail_in_container()
{
	podman run -d --network=none --label ldwatch-test=1 -v "$FIX:$FIX:ro" ldwatch-test/b12 \
		"$FIX/needs_missing"
}

# ---- tests ---------------------------------------------------------------------

# make image: FROM scratch, one layer, one file, the labels a registry shows
t_image_builds()
{
	local out files
	out=$(make -s -C "$ROOT" --no-print-directory image 2>&1 | tail -n 1) || fail "make image: $out"
	[[ $out == "$IMAGE" ]] || fail "make image printed '$out', not $IMAGE"
	[[ $(podman image inspect "$IMAGE" --format '{{len .RootFS.Layers}}') == 1 ]] ||
		bad "not one layer: $(podman image inspect "$IMAGE" --format '{{.RootFS.Layers}}')"
	files=$(podman create --label ldwatch-test=1 --name ldwatch-test-export "$IMAGE" >/dev/null &&
		podman export ldwatch-test-export | tar -t | grep -v '/$' | sort | tr '\n' ' ')
	podman rm -f ldwatch-test-export >/dev/null 2>&1
	[[ $files == "ldwatch " ]] || bad "the image holds more than /ldwatch: $files"
	check_label() {
		local v
		v=$(podman image inspect "$IMAGE" --format "{{index .Labels \"org.opencontainers.image.$1\"}}")
		[[ $v == "$2" ]] || bad "label $1 is '$v', not '$2'"
	}
	check_label version "${IMAGE##*:}"
	check_label revision "$(git -C "$ROOT" rev-parse HEAD)"
	[[ -n $(podman image inspect "$IMAGE" --format '{{index .Labels "org.opencontainers.image.source"}}') ]] ||
		bad "no source label"
	printf '    %s: %s bytes, entrypoint %s\n' "$IMAGE" "$(podman image inspect "$IMAGE" --format '{{.Size}}')" \
		"$(podman image inspect "$IMAGE" --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}')"
}

# as a node agent: --pid=host, privileged. A failing program on the host has
# no container; one in another container has that container's id; podman stop
# ends it with status 0 and unloads every program
t_image_node_agent()
{
	local name=ldwatch-test-agent cid fnd before
	before=$(handle_progs)
	podman run -d --name "$name" --label ldwatch-test=1 --privileged --pid=host --network=none \
		"$IMAGE" --all --json >/dev/null || fail "podman run $IMAGE failed"
	wait_log "$name" 30 'select(.type == "ready")' || fail "no ready record: $(podman logs "$name" 2>&1 | tail -n 3)"
	"$FIX/needs_missing" >/dev/null 2>&1
	cid=$(fail_in_container) || fail "the other container did not start"
	wait_log "$name" 10 'select(.type == "finding" and .container == null and .exe == $e)' --arg e "$FIX/needs_missing" ||
		bad "no finding without a container for the host's program: $(ctr_records "$name" | jq -c 'select(.type == "finding") | {exe, container: .container.id}' | head -n 3)"
	wait_log "$name" 10 'select(.type == "finding" and .container.id == $c)' --arg c "$cid" ||
		bad "no finding with the other container's id ${cid:0:12}"
	fnd=$(ctr_records "$name" | jq -c 'select(.type == "finding" and .container == null and .exe == $e)' \
		--arg e "$FIX/needs_missing" | head -n 1)
	[[ $(jq -r .needed_by <<<"$fnd") == "$FIX/needs_missing" ]] || bad "host finding: needed_by $(jq -c .needed_by <<<"$fnd")"
	fnd=$(ctr_records "$name" | jq -c 'select(.type == "finding" and .container.id == $c)' --arg c "$cid" | head -n 1)
	printf '    host:      %s\n' "$(ctr_records "$name" | jq -c 'select(.type == "finding" and .container == null and .exe == $e) | {kind, object, pid, needed_by, container}' --arg e "$FIX/needs_missing" | head -n 1)"
	printf '    container: %s\n' "$(jq -c '{kind, object, container: {runtime: .container.runtime, id: .container.id[0:12], pid: .container.pid}}' <<<"$fnd")"
	[[ $(jq -r '.container.runtime + " " + (.container.pid | tostring)' <<<"$fnd") == "podman 1" ]] ||
		bad "container finding: $(jq -c .container <<<"$fnd")"
	podman rm -f -t 0 "$cid" >/dev/null 2>&1
	podman stop -t 10 "$name" >/dev/null
	[[ $(podman inspect "$name" --format '{{.State.ExitCode}}') == 0 ]] ||
		bad "exit status $(podman inspect "$name" --format '{{.State.ExitCode}}') after podman stop"
	ctr_records "$name" | tail -n 1 | jq -e 'select(.type == "stats" and .final and .lost == 0)' >/dev/null ||
		bad "the last record is not final stats without losses: $(ctr_records "$name" | tail -n 1 | head -c 300)"
	podman rm -f "$name" >/dev/null 2>&1
	wait_until 5 test "$(handle_progs)" -le "$before" || bad "handle_* programs: $before before, $(handle_progs) after"
}

# in a pid namespace of its own (no --pid=host), the host's /proc beside it:
# the host's failing program found with what needed the library, ldwatch's
# own pid in no record, SIGTERM (podman stop) ends it promptly with status 0
t_image_own_pid_namespace()
{
	local name=ldwatch-test-pidns kpid t0 ms before
	before=$(handle_progs)
	podman run -d --name "$name" --label ldwatch-test=1 --privileged --network=none \
		-v /proc:/host/proc:ro "$IMAGE" --all --json --host-proc /host/proc >/dev/null || fail "podman run failed"
	wait_log "$name" 30 'select(.type == "ready")' || fail "no ready record: $(podman logs "$name" 2>&1 | tail -n 3)"
	kpid=$(podman inspect "$name" --format '{{.State.Pid}}')
	[[ $(awk '/^NSpid:/ { print NF - 1 }' "/proc/$kpid/status") == 2 ]] || bad "ldwatch is not in a pid namespace of its own"
	"$FIX/needs_missing" >/dev/null 2>&1
	wait_log "$name" 10 'select(.type == "finding" and .exe == $e and .needed_by == $e and .container == null)' \
		--arg e "$FIX/needs_missing" || bad "no host finding with needed_by: $(ctr_records "$name" | jq -c 'select(.type == "finding") | {exe, needed_by, container}' | head -n 2)"
	printf '    %s\n' "$(ctr_records "$name" | jq -c 'select(.type == "finding" and .exe == $e) | {kind, pid, needed_by, container}' --arg e "$FIX/needs_missing" | head -n 1)"
	# itself: never a record of its own pid (the kernel's), nor of its namespace
	ctr_records "$name" | jq -e 'select((.pid // 0) == $k)' --argjson k "$kpid" >/dev/null &&
		bad "a record of ldwatch itself (pid $kpid)"
	podman logs "$name" 2>&1 >/dev/null | grep -q 'pid namespace of its own' &&
		bad "it warned about its pid namespace although --host-proc was given"
	t0=$(now_ms)
	podman stop -t 10 "$name" >/dev/null
	ms=$(($(now_ms) - t0))
	[[ $(podman inspect "$name" --format '{{.State.ExitCode}}') == 0 ]] ||
		bad "exit status $(podman inspect "$name" --format '{{.State.ExitCode}}') after SIGTERM"
	((ms < 5000)) || bad "SIGTERM took $ms ms"
	echo "    SIGTERM (podman stop): $ms ms, status 0"
	podman rm -f "$name" >/dev/null 2>&1
	wait_until 5 test "$(handle_progs)" -le "$before" || bad "handle_* programs left: $(handle_progs)"
	# a --host-proc that is not the host's procfs is refused, not half-used
	podman run --rm --label ldwatch-test=1 --privileged --network=none -v /tmp:/host/proc:ro "$IMAGE" \
		--all --host-proc /host/proc >/dev/null 2>"$W/bad.err"
	[[ $? == 1 ]] && grep -q 'not a procfs' "$W/bad.err" || bad "--host-proc /tmp: $(cat "$W/bad.err")"
}

# the manifests against Kubernetes' own OpenAPI schemas, offline; a wrong type fails
t_manifest_validates()
{
	node "$K8S/validate.mjs" "$ROOT/dist/kubernetes/ldwatch.yaml" "$ROOT/dist/kubernetes/podmonitor.yaml" \
		--pod "$TMP/pod.yaml" >"$W/valid" 2>&1 || bad "validate.mjs: $(cat "$W/valid")"
	sed 's/^/    /' "$W/valid"
	sed 's/containerPort: 9090/containerPort: "nine"/' "$ROOT/dist/kubernetes/ldwatch.yaml" >"$W/bad.yaml"
	node "$K8S/validate.mjs" "$W/bad.yaml" >"$W/bad" 2>&1 && bad "a string containerPort was accepted"
	grep -q 'containerPort must be integer' "$W/bad" || bad "the wrong type got: $(tail -n 2 "$W/bad")"
	sed '/^        - name: ldwatch$/d' "$ROOT/dist/kubernetes/ldwatch.yaml" | sed 's/^          image:/        - image:/' >"$W/noname.yaml"
	node "$K8S/validate.mjs" "$W/noname.yaml" >"$W/noname" 2>&1 && bad "a container without a name was accepted"
	# the DaemonSet runs what the image built above is
	grep -q "image: $IMAGE\$" "$ROOT/dist/kubernetes/ldwatch.yaml" || bad "the DaemonSet's image is not $IMAGE"
}

# its pod template as a Pod under podman kube play: a host failure reported,
# /healthz on the pod's address, and nothing loaded once it is down
t_kube_play_reports_host_failure()
{
	local ctr=ldwatch-ldwatch ip before
	[[ -f $TMP/pod.yaml ]] || fail "no pod.yaml (t_manifest_validates writes it)"
	before=$(handle_progs)
	podman kube play "$TMP/pod.yaml" >"$W/play" 2>&1 || fail "podman kube play: $(tail -n 3 "$W/play")"
	wait_log "$ctr" 30 'select(.type == "ready")' || fail "no ready record: $(podman logs "$ctr" 2>&1 | tail -n 3)"
	"$FIX/needs_missing" >/dev/null 2>&1
	wait_log "$ctr" 10 'select(.type == "finding" and .exe == $e and .needed_by == $e)' --arg e "$FIX/needs_missing" ||
		bad "no host finding: $(ctr_records "$ctr" | jq -c 'select(.type == "finding")' | head -n 2)"
	printf '    %s\n' "$(ctr_records "$ctr" | jq -c 'select(.type == "finding" and .exe == $e) | {kind, object, pid, needed_by}' --arg e "$FIX/needs_missing" | head -n 1)"
	ip=$(podman inspect "$(podman pod inspect ldwatch --format '{{.InfraContainerID}}')" \
		--format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
	[[ $(curl -s -m 3 "http://$ip:9090/healthz") == ok ]] || bad "/healthz on the pod's $ip:9090 is not ok"
	curl -s -m 3 "http://$ip:9090/metrics" | grep -q '^ldwatch_findings_total{kind="missing-library",severity="error"} [1-9]' ||
		bad "/metrics on the pod's address has no missing-library finding"
	echo "    /healthz on $ip:9090: ok; capabilities $(podman inspect "$ctr" --format '{{.HostConfig.CapAdd}} privileged={{.HostConfig.Privileged}}')"
	podman kube down "$TMP/pod.yaml" >/dev/null 2>&1 || bad "podman kube down failed"
	wait_until 5 test "$(handle_progs)" -le "$before" || bad "handle_* programs left: $(handle_progs)"
}

# every t_* function above is a test, run in the order of its lines (tests/lib.sh)
mapfile -t CLUSTER_TESTS < <(discover_tests "${BASH_SOURCE[0]}")
if [[ $# -gt 0 ]]; then
	CLUSTER_TESTS=("$@")
fi
suite_run cluster "${CLUSTER_TESTS[@]}"
