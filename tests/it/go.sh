# promise: the default scope is the Go toolchain: the real go command's and Go binaries' failures get their finding, C programs need --all
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/go.sh: the Go-aware default scope with the real go command (Debian's
# golang-go), sourced by tests/integration.sh. Each test runs ldwatch in its
# default scope (no --all) unless it says otherwise, and drives `go` with a
# GOCACHE and GOPATH inside the suite's scratch folder (warm from the plugin
# fixtures), GOPATH mode, std only: nothing is fetched.

GOSRC=$ROOT/tests/fixtures/go/gotool

# go_env: the environment every go invocation here runs with
go_env()
{
	env -u GOROOT -u GOBIN -u GOTMPDIR CGO_ENABLED=1 GO111MODULE=off GOENV=off GOFLAGS= \
		GOTOOLCHAIN=local GOPROXY=off GOCACHE="$GOFIX/gocache" GOPATH="$GOFIX/gopath" "$@"
}

# go_finding FILE KIND: the first finding of that kind, as one JSON line
go_finding()
{
	recs "$1" 'select(.type == "finding" and .kind == $k)' --arg k "$2" | head -n 1
}

# go_scenario NAME KIND CMD...: default-scope ldwatch, run CMD, wait for a
# finding of KIND; sets F (the records) and FND (the finding)
go_scenario()
{
	local kind=$1
	shift
	F=$W/rec.json
	need_bpf
	need_go
	lw_start "$F" --json
	wait_ready "$F"
	(cd "$W" && "$@") >"$W/cmd.out" 2>&1
	CMD_RC=$?
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == $k)' --arg k "$kind" ||
		bad "no $kind finding within ${FINDING_S}s (command exited $CMD_RC: $(tail -c 300 "$W/cmd.out")); findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
	FND=$(go_finding "$F" "$kind")
	[[ -n $FND ]] || fail "no $kind finding"
}

t_go_goroot_missing()
{
	go_scenario goroot-broken go_env GOROOT="$W/nonexistent" go env GOROOT
	check_fields "$FND" .object "\"$W/nonexistent\"" .cause '"missing"' .errno '"ENOENT"' \
		.variable "\"GOROOT=$W/nonexistent\"" .go.subcommand '"env"' .exit_code 2 \
		.comm '"go"' '.env.GOROOT' "\"$W/nonexistent\""
	[[ $(jq -r .message <<<"$FND") == "go: cannot find GOROOT directory: $W/nonexistent" ]] ||
		bad "message is not go's own line: $(jq -r .message <<<"$FND")"
}

t_go_goroot_is_a_file()
{
	echo "not a directory" >"$W/goroot-file"
	go_scenario goroot-broken go_env GOROOT="$W/goroot-file" go version
	check_fields "$FND" .object "\"$W/goroot-file\"" .cause '"not-a-directory"' .errno '"ENOTDIR"' \
		.variable "\"GOROOT=$W/goroot-file\"" .go.subcommand '"version"'
}

t_go_goroot_empty()
{
	mkdir -p "$W/emptyroot" "$W/src/hello"
	cp "$GOSRC/hello.go" "$W/src/hello/"
	go_scenario goroot-broken go_env GOROOT="$W/emptyroot" go build -o "$W/hello" "$W/src/hello/hello.go"
	check_fields "$FND" .object "\"$W/emptyroot\"" .cause '"no-src"' .errno '"ENOENT"' \
		.go.subcommand '"build"' .exit_code 1
	jq -e --arg p "$W/emptyroot/src/fmt" '[.attempts[] | select(.path == $p and .errno == "ENOENT")] | length > 0' \
		<<<"$FND" >/dev/null || bad "attempts lack $W/emptyroot/src/fmt ENOENT: $(jq -c .attempts <<<"$FND" | cut -c1-300)"
}

t_go_run_tmpdir_noexec()
{
	need_nx
	mkdir -p "$W/src/hello"
	cp "$GOSRC/hello.go" "$W/src/hello/"
	go_scenario permission-denied go_env TMPDIR="$NX/lib" go run "$W/src/hello/hello.go"
	check_fields "$FND" .cause '"noexec-mount"' .mount "\"$NX/lib\"" .errno '"EACCES"' \
		.variable "\"TMPDIR=$NX/lib\"" .go.subcommand '"run"'
	[[ $(jq -r .object <<<"$FND") == "$NX/lib/go-build"* ]] ||
		bad "object is not the binary go run built under TMPDIR: $(jq -r .object <<<"$FND")"
}

t_go_cgo_library_missing_at_run_time()
{
	local bin=$W/usec
	need_bpf
	need_go
	mkdir -p "$W/src/usec" "$W/empty"
	cp "$GOSRC/usec.go" "$W/src/usec/"
	go_env CGO_LDFLAGS="-L$FIX/lib -lfoo -Wl,-rpath,$W/empty" go build -o "$bin" "$W/src/usec/usec.go" \
		>"$W/build.out" 2>&1 || fail "building the cgo program failed: $(tail -c 300 "$W/build.out")"
	# run directly, not under go: a Go-built binary is in the default scope by itself
	go_scenario missing-library "$bin"
	check_fields "$FND" .object '"libfoo.so"' .exe "\"$bin\"" .exit_code 127 .go null
	jq -r .hint <<<"$FND" | grep -q 'CGO_ENABLED=0' || bad "the hint does not speak Go: $(jq -r .hint <<<"$FND")"
}

t_go_cgo_link_missing_l()
{
	mkdir -p "$W/src/usec"
	cp "$GOSRC/usec.go" "$W/src/usec/"
	go_scenario link-library-not-found \
		go_env CGO_LDFLAGS="-lldwatchnotthere" go build -o "$W/usec" "$W/src/usec/usec.go"
	check_fields "$FND" .object '"-lldwatchnotthere"' .go.subcommand '"build"' .errno '"ENOENT"'
	[[ $(recs "$F" 'select(.type == "finding" and .kind == "link-library-not-found")' | wc -l) -eq 1 ]] ||
		bad "more than one link-library-not-found for one go build (its tree is one unit)"
	jq -e '[.attempts[] | select(.path | endswith("/libldwatchnotthere.so") or endswith("/libldwatchnotthere.a"))] | length > 0' \
		<<<"$FND" >/dev/null || bad "attempts lack the linker's lookups: $(jq -c .attempts <<<"$FND" | cut -c1-300)"
}

t_go_binary_running_before_ldwatch()
{
	local F=$W/rec.json fifo=$W/fifo bin=$W/waiter p
	need_bpf
	need_go
	mkdir -p "$W/src/waiter"
	cp "$GOSRC/waiter.go" "$W/src/waiter/"
	go_env go build -o "$bin" "$W/src/waiter/waiter.go" >"$W/build.out" 2>&1 ||
		fail "building waiter failed: $(tail -c 300 "$W/build.out")"
	mkfifo "$fifo"
	"$bin" "$FIX/needs_missing" <"$fifo" >/dev/null 2>&1 &
	p=$!
	CLEAN_PIDS+=("$p")
	exec 7>"$fifo"
	lw_start "$F" --json
	wait_ready "$F"
	echo go >&7
	exec 7>&-
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .ppid == $p)' --argjson p "$p" ||
		bad "no finding for the child of the Go binary (pid $p) that ran before ldwatch; findings: $(findings_summary "$F")"
	lw_stop "$F"
	check_records "$F"
}

t_go_c_program_only_with_all()
{
	local F=$W/rec.json G=$W/all.json a
	need_bpf
	lw_start "$F" --json
	wait_ready "$F"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	a=$!
	wait "$a"
	# a Go program's failure as a sentinel: once it is reported, the C one would be too
	"$GOFIX/host" "$W/nonexistent.so" >/dev/null 2>&1
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .comm == "host")' ||
		bad "no finding for the Go plugin host (the sentinel); findings: $(findings_summary "$F")"
	lw_stop "$F"
	has_rec "$F" 'select(.type == "finding" and .pid == $a)' --argjson a "$a" &&
		bad "the default scope reported a C program (pid $a)"
	lw_start "$G" --all --json
	wait_ready "$G"
	"$FIX/needs_missing" >/dev/null 2>&1 &
	a=$!
	wait "$a"
	wait_rec "$G" "$FINDING_S" 'select(.type == "finding" and .pid == $a)' --argjson a "$a" ||
		bad "--all did not report the C program (pid $a)"
	lw_stop "$G"
	return 0
}

t_go_command_not_found()
{
	local F=$W/rec.json p
	need_bpf
	lw_start "$F" --all --json
	wait_ready "$F"
	bash -c 'PATH=/usr/local/bin:/usr/bin:/bin ldwatch-nosuchcmd' >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "command-not-found")' ||
		bad "no command-not-found within ${FINDING_S}s; findings: $(findings_summary "$F")"
	lw_stop "$F"
	FND=$(go_finding "$F" command-not-found)
	check_fields "$FND" .object '"ldwatch-nosuchcmd"' .exit_code 127 .pid "$p" \
		.variable '"PATH=/usr/local/bin:/usr/bin:/bin"'
	jq -e '[.attempts[] | select(.path == "/usr/bin/ldwatch-nosuchcmd")] | length == 1' <<<"$FND" >/dev/null ||
		bad "attempts lack /usr/bin/ldwatch-nosuchcmd: $(jq -c .attempts <<<"$FND")"
}

t_go_command_in_gobin_not_on_path()
{
	local F=$W/rec.json p
	need_bpf
	mkdir -p "$W/gobin"
	cp "$FIX/hello" "$W/gobin/ldwatch-gotool"
	lw_start "$F" --all --json
	wait_ready "$F"
	env GOBIN="$W/gobin" bash -c 'PATH=/usr/bin:/bin ldwatch-gotool' >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "command-not-found")' ||
		bad "no command-not-found within ${FINDING_S}s; findings: $(findings_summary "$F")"
	lw_stop "$F"
	FND=$(go_finding "$F" command-not-found)
	check_fields "$FND" .object '"ldwatch-gotool"'
	jq -r .hint <<<"$FND" | grep -qF "GOBIN ($W/gobin), which is not on PATH" ||
		bad "the hint does not name GOBIN: $(jq -r .hint <<<"$FND")"
}

# without GOBIN, `go install` writes to each GOPATH entry's bin
t_go_command_in_gopath_bin_not_on_path()
{
	local F=$W/rec.json p
	need_bpf
	mkdir -p "$W/gp2/bin"
	cp "$FIX/hello" "$W/gp2/bin/ldwatch-gotool"
	lw_start "$F" --all --json
	wait_ready "$F"
	env -u GOBIN GOPATH="$W/gp1:$W/gp2" bash -c 'PATH=/usr/bin:/bin ldwatch-gotool' >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_rec "$F" "$FINDING_S" 'select(.type == "finding" and .kind == "command-not-found")' ||
		bad "no command-not-found within ${FINDING_S}s; findings: $(findings_summary "$F")"
	lw_stop "$F"
	FND=$(go_finding "$F" command-not-found)
	check_fields "$FND" .object '"ldwatch-gotool"' .hint \
		"\"ldwatch-gotool is in GOPATH/bin ($W/gp2/bin), which is not on PATH: add $W/gp2/bin to PATH\""
}
