# promise: --metrics serves Prometheus' text exposition that a real Prometheus scrapes and promtool accepts, /healthz answers, and a malformed or huge request gets a 4xx and nothing else happens
# shellcheck shell=bash disable=SC2016
# tests/it/metrics.sh: the metrics listener; sourced by tests/integration.sh.

# a port nothing listens on, from the kernel: bind to 0, read what it gave
free_port()
{
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# at least N findings of kind K in the records so far
findings_reach()
{
	(($(recs "$1" 'select(.type == "finding" and .kind == $k)' --arg k "$2" | wc -l) >= $3))
}

t_metrics_prometheus_scrapes()
{
	local F=$W/rec.json P Q n q got
	need_bpf
	if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
		fail "prometheus is not installed (make deps)"
	fi
	P=$(free_port) Q=$(free_port)
	lw_start "$F" --all --json --metrics "127.0.0.1:$P"
	wait_ready "$F"
	curl -sf "http://127.0.0.1:$P/healthz" >"$W/health" || bad "/healthz failed: $(cat "$W/health")"
	# Prometheus of its own on loopback, a temporary TSDB, scraping every second
	cat >"$W/prom.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ldwatch
    static_configs:
      - targets: ["127.0.0.1:$P"]
EOF
	prometheus --config.file="$W/prom.yml" --storage.tsdb.path="$W/tsdb" \
		--web.listen-address="127.0.0.1:$Q" >"$W/prom.log" 2>&1 &
	CLEAN_PIDS+=("$!")
	# three programs that fail to load
	for n in 1 2 3; do "$FIX/needs_missing" >/dev/null 2>&1; done
	wait_until 10 findings_reach "$F" missing-library 3 || bad "not three missing-library findings"
	# through Prometheus' HTTP API: the count the JSON records show
	q='sum(ldwatch_findings_total{kind="missing-library",severity="error"})'
	got=
	for ((n = 0; n < 60; n++)); do
		got=$(curl -sf "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$q" 2>/dev/null |
			jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
		[[ $got == "$(recs "$F" 'select(.type == "finding" and .kind == "missing-library")' | wc -l)" ]] && break
		sleep 0.5
	done
	want=$(recs "$F" 'select(.type == "finding" and .kind == "missing-library")' | wc -l)
	[[ $got == "$want" ]] || bad "Prometheus says $q = '${got:-nothing}', the records $want" \
		"$(tail -n 3 "$W/prom.log")"
	echo "    Prometheus: $q = $got (records: $want)"
	# the exposition, by promtool
	curl -sf "http://127.0.0.1:$P/metrics" >"$W/metrics" || bad "GET /metrics failed"
	promtool check metrics <"$W/metrics" >"$W/promtool" 2>&1 || bad "promtool check metrics: $(head -n 5 "$W/promtool")"
	for m in ldwatch_build_info ldwatch_events_total 'ldwatch_events_lost_total{reason="ring_full"}' \
		ldwatch_tracked_processes 'ldwatch_probes_attached{type="tracepoint"}' ldwatch_uprobe_files \
		ldwatch_bpf_prog_runs_total process_cpu_seconds_total process_resident_memory_bytes \
		process_open_fds process_start_time_seconds; do
		grep -qF "$m" "$W/metrics" || bad "no $m in /metrics"
	done
	# the kernel counts the programs' runs while --metrics is on
	awk '/^ldwatch_bpf_prog_runs_total\{program="handle_/ { s += $2 } END { exit !(s > 0) }' "$W/metrics" ||
		bad "no handle_* program counted a run: $(grep bpf_prog_runs "$W/metrics" | head -n 3)"
	# hostile requests: a 4xx, and ldwatch serves on
	[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/nope") == 404 ]] || bad "/nope is not 404"
	[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$P/metrics") == 4* ]] ||
		bad "POST is not refused with a 4xx"
	[[ $(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 60000 /dev/zero | tr '\0' a)" \
		"http://127.0.0.1:$P/metrics") == 4* ]] || bad "a 60 KB header is not refused with a 4xx"
	# a malformed header line, and a body announced as 100 MB: 4xx, the body never read
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "GET /metrics HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n" >&3; cat <&3' \
		_ "$P" >"$W/garbage" 2>&1
	grep -q '^HTTP/1.[01] 400' "$W/garbage" || bad "a malformed header line got: $(head -c 100 "$W/garbage")"
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nabc" >&3; cat <&3' \
		_ "$P" >"$W/big" 2>&1
	grep -q '^HTTP/1.[01] 413' "$W/big" || bad "a 100 MB body got: $(head -c 100 "$W/big")"
	# a request line that is not HTTP at all (a TLS hello): 400, not a silent close
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "\x16\x03\x01\x02\x00\x01\r\n\r\n" >&3; cat <&3' \
		_ "$P" >"$W/tls" 2>&1
	grep -q '^HTTP/1.1 400' "$W/tls" || bad "a TLS hello got: $(head -c 100 "$W/tls" | cat -v)"
	curl -sf "http://127.0.0.1:$P/healthz" >/dev/null || bad "/healthz fails after the hostile requests"
	# 16 connections that send nothing fill the listener: the 17th is closed
	# unanswered, and 5 s later the idle ones are closed and it serves again
	local -a idle=()
	for _ in {1..16}; do
		exec {fd}<>"/dev/tcp/127.0.0.1/$P" && idle+=("$fd")
	done
	sleep 0.5
	[[ $(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/healthz") == 000 ]] ||
		bad "a 17th connection was answered while 16 were open"
	sleep 5.5
	curl -sf -m 3 "http://127.0.0.1:$P/healthz" >/dev/null || bad "/healthz fails after idle connections timed out"
	for fd in "${idle[@]}"; do exec {fd}>&-; done
	lw_stop "$F"
	check_records "$F"
}

# /healthz and /metrics with a bad --metrics: one line, exit 2
t_metrics_bad_address()
{
	local rc
	timeout 10 "$LDWATCH" --metrics 127.0.0.1:99999 >"$W/out" 2>"$W/err"
	rc=$?
	((rc == 2)) || bad "--metrics 127.0.0.1:99999 exited $rc, expected 2"
	grep -q "^ldwatch: --metrics needs PORT or ADDR:PORT" "$W/err" || bad "stderr: $(cat "$W/err")"
}

# a fleet: one Prometheus scrapes two ldwatch instances (two --cgroup scopes,
# as two nodes would be) as two targets, and one query sums their findings by
# kind; the README's alert rules pass promtool check rules
t_metrics_fleet_two_targets()
{
	local A=$W/a.json B=$W/b.json PA PB Q root q got n cga cgb
	need_bpf
	command -v prometheus >/dev/null && command -v promtool >/dev/null || fail "prometheus is not installed (make deps)"
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	cga=$root/ldwatch-test-fleet-a.slice cgb=$root/ldwatch-test-fleet-b.slice
	mkdir -p "$cga" "$cgb" || fail "cannot make the cgroups"
	CLEAN_CGROUPS+=("$cga" "$cgb")
	PA=$(free_port) PB=$(free_port) Q=$(free_port)
	lw_start "$A" --all --json --cgroup ldwatch-test-fleet-a.slice --metrics "127.0.0.1:$PA"
	LWA=$LW
	lw_start "$B" --all --json --cgroup ldwatch-test-fleet-b.slice --metrics "127.0.0.1:$PB"
	LWB=$LW
	wait_ready "$A"
	wait_ready "$B"
	sed -n '/^```yaml prometheus.yml/,/^```$/p' "$ROOT/README.md" | sed '1d;$d' |
		sed "s/NODE_A:9090/127.0.0.1:$PA/; s/NODE_B:9090/127.0.0.1:$PB/; s/scrape_interval: 30s/scrape_interval: 1s/" >"$W/prom.yml"
	grep -q "127.0.0.1:$PB" "$W/prom.yml" || fail "README has no prometheus.yml block with NODE_A and NODE_B: $(head -c 300 "$W/prom.yml")"
	prometheus --config.file="$W/prom.yml" --storage.tsdb.path="$W/tsdb" \
		--web.listen-address="127.0.0.1:$Q" >"$W/prom.log" 2>&1 &
	CLEAN_PIDS+=("$!")
	# a: two missing libraries; b: one missing library, one GLIBC version mismatch
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' _ "$cga" "$FIX/needs_missing" >/dev/null 2>&1
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' _ "$cga" "$FIX/needs_missing" >/dev/null 2>&1
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' _ "$cgb" "$FIX/needs_missing" >/dev/null 2>&1
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' _ "$cgb" "$FIX/needs_glibc99" >/dev/null 2>&1
	wait_until 10 findings_reach "$A" missing-library 2 || bad "a: not two missing-library findings"
	wait_until 10 findings_reach "$B" version-mismatch 1 || bad "b: no version-mismatch finding"
	q='sum by (kind) (ldwatch_findings_total{severity="error"}) > 0'
	for ((n = 0; n < 60; n++)); do
		got=$(curl -sf "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$q" 2>/dev/null |
			jq -c '[.data.result[] | {(.metric.kind): .value[1]}] | add // {}' 2>/dev/null)
		[[ $got == '{"missing-library":"3","version-mismatch":"1"}' || $got == '{"version-mismatch":"1","missing-library":"3"}' ]] && break
		sleep 0.5
	done
	[[ $got == '{"missing-library":"3","version-mismatch":"1"}' || $got == '{"version-mismatch":"1","missing-library":"3"}' ]] ||
		bad "Prometheus: $q = ${got:-nothing}, expected missing-library 3 and version-mismatch 1 only" "$(tail -n 3 "$W/prom.log")"
	got=$(curl -sf "http://127.0.0.1:$Q/api/v1/query" --data-urlencode 'query=count(up{job="ldwatch"} == 1)' |
		jq -r '.data.result[0].value[1] // empty')
	[[ $got == 2 ]] || bad "count(up == 1) is ${got:-nothing}, not 2 targets"
	echo "    Prometheus over 2 targets: $q = $(curl -sf "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$q" | jq -c '[.data.result[] | {kind: .metric.kind, value: .value[1]}]')"
	# each target counted only its own scope's
	[[ $(recs "$A" 'select(.type == "finding")' | wc -l) == 2 ]] || bad "a: $(findings_summary "$A")"
	[[ $(recs "$B" 'select(.type == "finding")' | wc -l) == 2 ]] || bad "b: $(findings_summary "$B")"
	LW=$LWA lw_stop "$A"
	LW=$LWB lw_stop "$B"
	# the alert rules README quotes, as the file has them
	promtool check rules "$ROOT/dist/prometheus/ldwatch.rules.yml" >"$W/rules" 2>&1 ||
		bad "promtool check rules: $(cat "$W/rules")"
	grep -qF "$(sed -n '/alert: LdwatchEventsLost/,+2p' "$ROOT/dist/prometheus/ldwatch.rules.yml")" "$ROOT/README.md" ||
		bad "README does not quote dist/prometheus/ldwatch.rules.yml"
	check_records "$A"
	check_records "$B"
}
