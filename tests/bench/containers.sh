#!/usr/bin/env bash
# tests/bench/containers.sh: what ldwatch --all costs a container start, run by
# `make bench-containers` (root, podman). A container of Debian 12's image
# (`podman run --rm --network=none IMAGE /bin/true`) is timed N times:
#   bare          no ldwatch
#   all, probed   ldwatch --all, the image's loader already probed (every
#                 container but an image's first)
#   all, first    ldwatch --all started anew before each: the image's first
#                 container, whose overlay mount gets its loader probed
# Medians (min-max) in ms, and the longest the daemon's loop stalled.
# Markdown on stdout, progress on stderr.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
LDWATCH=${LDWATCH:-build/ldwatch}
N=${N:-20}
FIRST_N=${FIRST_N:-8}
CACHE=${LDWATCH_TEST_CACHE:-/var/cache/ldwatch-test}
IMAGE=ldwatch-test/bookworm:base

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

((EUID == 0)) || die "needs root"
command -v podman >/dev/null || die "needs podman (make deps)"
[[ -x $LDWATCH ]] || die "$LDWATCH is missing (make)"
TMP=$(mktemp -d /tmp/ldwatch-bench-ctr.XXXXXX) || exit 1
trap 'kill "$LW" 2>/dev/null; rm -rf "$TMP"' EXIT
export CONTAINERS_CONF=$TMP/containers.conf
# shellcheck source=tests/podman/images.sh
source "$ROOT/tests/podman/images.sh"
podman_conf "$CONTAINERS_CONF"
cached_root bookworm bookworm || die "debootstrap failed"
base_image bookworm || die "podman import failed"
LW=

# one container start, in ms
start_ms()
{
	local t0=$EPOCHREALTIME t1
	podman run --rm --network=none "$IMAGE" /bin/true >/dev/null 2>&1 || die "podman run failed"
	t1=$EPOCHREALTIME
	echo $(((${t1/./} - ${t0/./}) / 1000))
}

lw_up()
{
	rm -f "$TMP/rec.json"	# -o appends
	"$LDWATCH" --all --json -o "$TMP/rec.json" 2>"$TMP/err" &
	LW=$!
	for ((k = 0; k < 300; k++)); do
		grep -q '"type":"ready"' "$TMP/rec.json" 2>/dev/null && return 0
		sleep 0.1
	done
	die "ldwatch did not start: $(tail -c 300 "$TMP/err")"
}

lw_down()
{
	kill -INT "$LW"
	wait "$LW"
	LW=
	jq -r 'select(.type == "stats" and .final) | .stall_max_ms' "$TMP/rec.json" >>"$TMP/stall"
	jq -r 'select(.type == "uprobes" and .event == "attached") | .path' "$TMP/rec.json" | wc -l >>"$TMP/attached"
}

# median (min-max) of numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

start_ms >/dev/null	# warm the image and podman's caches
log "bare, $N starts"
for ((i = 0; i < N; i++)); do start_ms; done >"$TMP/bare"
log "ldwatch --all, image probed, $N starts"
lw_up
start_ms >/dev/null	# the image's first: probes it
for ((i = 0; i < N; i++)); do start_ms; done >"$TMP/probed"
lw_down
log "ldwatch --all started anew before each, $FIRST_N starts"
for ((i = 0; i < FIRST_N; i++)); do
	lw_up
	start_ms >>"$TMP/first"
	lw_down
done

cat <<EOF
| container start (\`podman run --rm $IMAGE /bin/true\`), ms | median (min-max) | runs |
|---|---|---|
| bare | $(stats <"$TMP/bare") | $N |
| \`ldwatch --all\`, the image already probed | $(stats <"$TMP/probed") | $N |
| \`ldwatch --all\`, the image's first container (its loader probed at its mount) | $(stats <"$TMP/first") | $FIRST_N |

Longest loop stall in those ldwatch runs: $(sort -n "$TMP/stall" | tail -n1) ms; uprobe files attached
after ready per run: $(sort -n "$TMP/attached" | uniq -c | awk '{ printf "%s%s in %s run(s)", sep, $2, $1; sep = ", " }').
EOF
