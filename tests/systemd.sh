#!/bin/bash
# tests/systemd.sh: ldwatch.service under a real systemd, PID 1 of a privileged
# podman container (runc) made from a debootstrapped Debian 12 root with
# systemd (cached in LDWATCH_TEST_CACHE, /var/cache/ldwatch-test), with the
# tree `make install PREFIX=/usr` installs: `systemctl start` returns once
# ldwatch said READY=1, a program that fails to load inside the container
# gives its journal entry (journalctl LDWATCH_KIND=... -o json), `systemctl
# stop` returns within seconds and leaves no BPF program of it loaded, and a
# crash (SIGKILL) is restarted. Last line: "systemd: P passed, F failed".
set -uo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
CACHE=${LDWATCH_TEST_CACHE:-/var/cache/ldwatch-test}
FIX=$ROOT/build/fixtures
PASSED=0 FAILED=0

summary_fail()
{
	echo "systemd: $1"
	echo "systemd: 0 passed, 1 failed"
	exit 1
}
if ((EUID != 0)) || ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
	[[ ${CI:-} == true ]] && summary_fail "needs root, podman, runc and debootstrap (make deps)"
	echo "skip: needs root, podman, runc and debootstrap (make deps)"
	echo "systemd: 0 passed, 0 failed"
	exit 0
fi
[[ -x $ROOT/build/ldwatch && -x $FIX/needs_missing ]] ||
	summary_fail "build/ldwatch or the fixtures are missing (make; tests/fixtures/build.sh build/fixtures)"

TMP=$(mktemp -d /tmp/ldwatch-systemd.XXXXXX) || exit 1
NAME=ldwatch-test-systemd-$$
cleanup()
{
	podman rm -f -t 0 "$NAME" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export CONTAINERS_CONF=$TMP/containers.conf
# shellcheck source=tests/podman/images.sh
source "$ROOT/tests/podman/images.sh"
podman_conf "$CONTAINERS_CONF"

ok() { echo "ok   $1"; PASSED=$((PASSED + 1)); }
no() { echo "FAIL $1"; shift; printf '    %s\n' "$@"; FAILED=$((FAILED + 1)); }
in_ctr() { podman exec "$NAME" "$@"; }
handle_progs() { bpftool prog show 2>/dev/null | grep -c ' name handle_'; }

# the root: Debian 12 with systemd and the packages of the libraries build/ldwatch links
libpkgs=$(readelf -d "$ROOT/build/ldwatch" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' |
	while read -r lib; do dpkg -S "*/$lib" 2>/dev/null | head -n 1 | cut -d: -f1; done | sort -u | paste -sd,)
[[ $libpkgs == *libc6* ]] || summary_fail "cannot tell the packages of build/ldwatch's libraries: '$libpkgs'"
cached_root b12-systemd bookworm "systemd,systemd-sysv,procps,$libpkgs" ||
	summary_fail "debootstrap of a Debian 12 root with systemd failed"
base_image b12-systemd || summary_fail "podman import b12-systemd failed"
CTX=$TMP/ctx
mkdir -p "$CTX"
make -s install DESTDIR="$CTX/tree" PREFIX=/usr >"$TMP/install.log" 2>&1 ||
	summary_fail "make install failed: $(tail -n 3 "$TMP/install.log")"
cp "$FIX/needs_missing" "$CTX/needs_missing"
cat >"$CTX/Containerfile" <<'EOF'
FROM ldwatch-test/b12-systemd:base
COPY tree/ /
COPY needs_missing /usr/local/bin/needs_missing
EOF
podman build -q --pull=never --network=none -t ldwatch-test/systemd "$CTX" >"$TMP/build.log" 2>&1 ||
	summary_fail "podman build failed: $(tail -n 3 "$TMP/build.log")"

progs0=$(handle_progs)
podman run -d --name "$NAME" --label ldwatch-test=1 --network=none --systemd=always --privileged \
	ldwatch-test/systemd /sbin/init >"$TMP/run.log" 2>&1 || summary_fail "podman run failed: $(tail -n 3 "$TMP/run.log")"
state=
for ((i = 0; i < 60; i++)); do
	state=$(in_ctr systemctl is-system-running 2>/dev/null)
	[[ $state == running || $state == degraded ]] && break
	sleep 0.5
done
[[ $state == running || $state == degraded ]] || summary_fail "systemd did not boot: '$state'"
echo "systemd booted in the container ($state)"

# start: returns once READY=1 came, which is after the ready record was written
t0=$(date +%s.%N)
if in_ctr timeout 60 systemctl start ldwatch >"$TMP/start" 2>&1; then
	t1=$(date +%s.%N)
	active=$(in_ctr systemctl is-active ldwatch)
	first=$(in_ctr head -n 1 /var/log/ldwatch/records.json 2>/dev/null | jq -r .type 2>/dev/null)
	if [[ $active == active && $first == ready ]]; then
		ok "systemctl start: active after READY=1, the ready record already written ($(echo "$t1 - $t0" | bc | cut -c1-4) s)"
	else
		no "systemctl start" "is-active: $active, first record: '$first'" \
			"$(in_ctr journalctl -u ldwatch --no-pager -n 5 2>&1)"
	fi
else
	no "systemctl start ldwatch failed" "$(cat "$TMP/start")" "$(in_ctr journalctl -u ldwatch --no-pager -n 8 2>&1)"
fi

# a program that fails to load, inside the container: its journal entry
in_ctr /usr/local/bin/needs_missing >/dev/null 2>&1
entry=
for ((i = 0; i < 40; i++)); do
	entry=$(in_ctr journalctl LDWATCH_KIND=missing-library -o json --no-pager 2>/dev/null | tail -n 1)
	[[ -n $entry ]] && break
	sleep 0.25
done
if [[ -n $entry ]] && jq -e '.LDWATCH_OBJECT == "libmissing.so" and .PRIORITY == "3"
	and .LDWATCH_EXE == "/usr/local/bin/needs_missing" and .SYSLOG_IDENTIFIER == "ldwatch"
	and (.MESSAGE | startswith("missing-library libmissing.so ")) and (.MESSAGE | contains("/usr/local/bin/needs_missing (pid "))' \
	<<<"$entry" >/dev/null; then
	ok "journal: $(jq -r .MESSAGE <<<"$entry" | cut -c1-110)..."
	jq -c '{MESSAGE, PRIORITY, LDWATCH_KIND, LDWATCH_OBJECT, LDWATCH_PID, LDWATCH_EXE, LDWATCH_NEEDED_BY}' <<<"$entry" |
		sed 's/^/    /'
else
	no "no journal entry for needs_missing" "${entry:-none}" "$(in_ctr journalctl -u ldwatch --no-pager -n 5 2>&1)"
fi

# a crash is restarted
pid0=$(in_ctr systemctl show -p MainPID --value ldwatch)
in_ctr systemctl kill -s SIGKILL ldwatch
pid1=
for ((i = 0; i < 40; i++)); do
	sleep 0.25
	[[ $(in_ctr systemctl is-active ldwatch) == active ]] || continue
	pid1=$(in_ctr systemctl show -p MainPID --value ldwatch)
	[[ $pid1 != "$pid0" && $pid1 != 0 ]] && break
done
restarts=$(in_ctr systemctl show -p NRestarts --value ldwatch)
if [[ -n $pid1 && $pid1 != "$pid0" && $restarts == 1 ]]; then
	ok "SIGKILL: restarted (main pid $pid0 -> $pid1, NRestarts=1)"
else
	no "not restarted after SIGKILL" "pid $pid0 -> ${pid1:-none}, NRestarts=$restarts"
fi

# stop: within seconds, STOPPING=1 said, no BPF program of it left
t0=$(date +%s.%N)
in_ctr timeout 30 systemctl stop ldwatch >"$TMP/stop" 2>&1
t1=$(date +%s.%N)
took=$(echo "$t1 - $t0" | bc)
result=$(in_ctr systemctl show -p Result --value ldwatch)
progs=$(handle_progs)
if awk -v t="$took" 'BEGIN { exit !(t < 10) }' && [[ $result == success && $progs == "$progs0" ]]; then
	ok "systemctl stop: $(echo "$took" | cut -c1-4) s, Result=success, handle_* programs back to $progs0"
else
	no "systemctl stop" "took $took s, Result=$result, handle_* programs $progs (before: $progs0)" \
		"$(in_ctr journalctl -u ldwatch --no-pager -n 5 2>&1)"
fi

echo "systemd: $PASSED passed, $FAILED failed"
((FAILED == 0))
