# promise: ldwatch check resolves a file's load as the loader would, inside a root, without running it: the live findings, marked "check", exit 0/1/2
# shellcheck shell=bash disable=SC2016
# (jq filters are single-quoted on purpose)
# tests/it/check.sh: `ldwatch check`; sourced by tests/integration.sh. Loads no BPF.

# check_run WANT OUT ARGS...: ldwatch check ARGS exits WANT; stdout in OUT, stderr in OUT.err
check_run()
{
	local want=$1 out=$2 rc
	shift 2
	timeout -k 5 60 "$LDWATCH" check "$@" >"$out" 2>"$out.err"
	rc=$?
	((rc == want)) || bad "ldwatch check $(cmd_str "$@") exited $rc, expected $want: $(head -c 400 "$out.err")"
}

t_check_host_program_loads()
{
	check_run 0 "$W/out" /bin/true
	grep -q '^loads$' "$W/out" || bad "no 'loads' line: $(head -c 600 "$W/out")"
	grep -q 'libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\|libc.so.6 => /usr/lib/x86_64-linux-gnu/libc.so.6' "$W/out" ||
		bad "libc.so.6 not resolved: $(head -c 600 "$W/out")"
	check_run 0 "$W/j" --json /bin/true
	check_fields "$(jq -c 'select(.type == "check")' "$W/j")" .file '"/bin/true"' .loads true
}

t_check_missing_library()
{
	local f
	check_run 1 "$W/j" --json "$FIX/needs_missing"
	f=$(jq -c 'select(.type == "finding")' "$W/j")
	check_fields "$f" .mode '"check"' .kind '"missing-library"' .severity '"error"' \
		.object '"libmissing.so"' .needed_by '$fix + "/needs_missing"' .errno '"ENOENT"' \
		.message '$fix + "/needs_missing: error while loading shared libraries: libmissing.so: cannot open shared object file: No such file or directory"'
	check_fields "$(jq -c 'select(.type == "check")' "$W/j")" .loads false
	# the same search the loader makes: the standard directories are among the attempts
	jq -e '[.attempts[].path] | index("/lib/x86_64-linux-gnu/libmissing.so") != null' <<<"$f" >/dev/null ||
		bad "attempts lack /lib/x86_64-linux-gnu/libmissing.so: $(jq -c '[.attempts[].path]' <<<"$f" | head -c 600)"
	check_run 1 "$W/t" "$FIX/needs_missing"
	grep -q 'libmissing.so => not found' "$W/t" || bad "text lacks 'libmissing.so => not found': $(cat "$W/t")"
}

# inside a root of its own: its own libc, and the missing library where nothing names it
t_check_root_fix_names_the_directory()
{
	local R=$W/root f
	mkdir -p "$R/bin" "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/opt/foo/lib"
	cp "$LDSO_REAL" "$R/lib64/ld-linux-x86-64.so.2"
	cp "$LIBC_REAL" "$R/lib/x86_64-linux-gnu/libc.so.6"
	cp "$FIX/needs_missing" "$R/bin/"
	cp "$FIX/lib/libfoo.so" "$R/opt/foo/lib/libmissing.so"
	check_run 1 "$W/j" --json --root "$R" /bin/needs_missing
	f=$(jq -c 'select(.type == "finding")' "$W/j")
	check_fields "$f" .kind '"missing-library"' .object '"libmissing.so"' .needed_by '"/bin/needs_missing"' \
		.fix '"libmissing.so is in /opt/foo/lib, which nothing in the search names: add /opt/foo/lib to the binary'"'"'s RUNPATH (-Wl,-rpath,/opt/foo/lib) or to LD_LIBRARY_PATH, or list it in /etc/ld.so.conf.d/ and run ldconfig"'
	# and with LD_LIBRARY_PATH naming it, it loads
	check_run 0 "$W/t" --root "$R" --env LD_LIBRARY_PATH=/opt/foo/lib /bin/needs_missing
	grep -q 'libmissing.so => /opt/foo/lib/libmissing.so' "$W/t" || bad "not resolved through LD_LIBRARY_PATH: $(cat "$W/t")"
}

# versions as ld.so checks them: the same line ld.so --list prints, and both sides in the fix
t_check_version_mismatch()
{
	local f want prog have
	have=GLIBC_$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
	for prog in "$FIX/use_ver" "$FIX/needs_glibc99"; do
		check_run 1 "$W/j" --json "$prog"
		f=$(jq -c 'select(.type == "finding")' "$W/j")
		want=$("$LDSO_REAL" --list "$prog" 2>&1 >/dev/null)
		[[ $want == *"version \`"* ]] || bad "ld.so --list $prog printed no version error: $want"
		check_fields "$f" .mode '"check"' .kind '"version-mismatch"' .severity '"error"' \
			.needed_by "\"$prog\"" .message "$(jq -Rn --arg m "$want" '$m')"
	done
	check_fields "$f" .object '"/lib/x86_64-linux-gnu/libc.so.6"' .version '"GLIBC_2.99"' \
		.fix '$fix + "/needs_glibc99 needs GLIBC_2.99; this root'"'"'s libc.so.6 defines up to '"$have"': it was built on a newer system than it runs on: build it on the oldest system you deploy to (or in a container of that release)"'
	check_run 1 "$W/t" "$FIX/use_ver"
	grep -qF "version VERS_2 of $FIX/ver1/libver.so.1 => not found (required by $FIX/use_ver)" "$W/t" ||
		bad "text lacks the version line: $(cat "$W/t")"
}

# the needer's own search entries, expanded, as the live finding names them
t_check_search_entry_notes()
{
	check_run 1 "$W/j" --json "$FIX/app/bin/origin_lib"
	check_fields "$(jq -c 'select(.type == "finding")' "$W/j")" .kind '"missing-library"' \
		'.hint | endswith("; in its search, RUNPATH $ORIGIN/../lib = " + $fix + "/app/lib does not exist")' true \
		.fix '"RUNPATH names " + $fix + "/app/lib, which does not exist: put libmissing.so there, or relink with the directory that holds it"'
	check_run 1 "$W/t" "$FIX/rel_rpath"
	grep -qF "fix: RPATH entry lib13 is relative to the working directory: relink with -Wl,-rpath,'\$ORIGIN/lib13'" "$W/t" ||
		bad "text lacks the relative RPATH fix: $(cat "$W/t")"
}

# a root of musl's: its rules (LD_LIBRARY_PATH first, RUNPATH up the chain, its
# /etc/ld-musl-x86_64.path, else /lib:/usr/local/lib:/usr/lib; libc.so is the
# loader), each verdict and path as musl's own loader lists it in a chroot
t_check_musl_root()
{
	local R=$W/mroot f want got
	need_musl
	mkdir -p "$R/lib" "$R/etc" "$R/opt/m/lib" "$R/usr/local/lib" "$R/bin" "$R/app/lib"
	cp -L /lib/ld-musl-x86_64.so.1 "$R/lib/ld-musl-x86_64.so.1"
	musl-gcc -O2 -shared -fPIC -o "$R/opt/m/lib/libfoo.so" "$ROOT/tests/fixtures/foo.c"
	musl-gcc -O2 -shared -fPIC -o "$R/app/lib/libbar.so" "$ROOT/tests/fixtures/foo.c"
	musl-gcc -O2 -o "$R/bin/conf" "$ROOT/tests/fixtures/use_foo.c" -L"$R/opt/m/lib" -lfoo
	musl-gcc -O2 -o "$R/bin/origin" "$ROOT/tests/fixtures/use_foo.c" -L"$R/app/lib" -lbar -Wl,-rpath,'$ORIGIN/../app/lib'
	mkdir -p "$W/linkonly"	# libmissing.so only to link against
	musl-gcc -O2 -shared -fPIC -o "$W/linkonly/libmissing.so" "$ROOT/tests/fixtures/foo.c"
	musl-gcc -O2 -o "$R/bin/missing" "$ROOT/tests/fixtures/use_foo.c" -L"$W/linkonly" -lmissing
	printf '/lib\n/opt/m/lib\n' >"$R/etc/ld-musl-x86_64.path"
	for f in conf origin missing; do
		want=$(chroot "$R" /lib/ld-musl-x86_64.so.1 --list "/bin/$f" 2>&1; echo "rc=$?")
		check_run "$([[ $want == *rc=0 ]] && echo 0 || echo 1)" "$W/t.$f" --root "$R" "/bin/$f"
		check_run "$([[ $want == *rc=0 ]] && echo 0 || echo 1)" "$W/j.$f" --json --root "$R" "/bin/$f"
		# each library musl lists, at the same path
		while read -r got; do
			grep -qF -- "$got" "$W/t.$f" || bad "/bin/$f: musl lists '$got', check does not: $(cat "$W/t.$f")"
		done < <(sed -n 's/^\t\([^ ]*\) => \([^ ]*\) (0x.*/\1 => \2/p' <<<"$want")
	done
	grep -qF 'libc.so => /lib/ld-musl-x86_64.so.1 [self]' "$W/t.conf" || bad "libc.so is not the loader: $(cat "$W/t.conf")"
	f=$(jq -c 'select(.type == "finding")' "$W/j.missing")
	check_fields "$f" .kind '"missing-library"' .object '"libmissing.so"' \
		.message "$(jq -Rn --arg m "$(chroot "$R" /lib/ld-musl-x86_64.so.1 --list /bin/missing 2>&1 | grep '^Error loading')" '$m')"
	# no path file: musl's built-in /lib:/usr/local/lib:/usr/lib
	rm "$R/etc/ld-musl-x86_64.path"
	mv "$R/opt/m/lib/libfoo.so" "$R/usr/local/lib/"
	chroot "$R" /lib/ld-musl-x86_64.so.1 --list /bin/conf >/dev/null 2>&1 || bad "musl itself does not find /usr/local/lib/libfoo.so"
	check_run 0 "$W/t" --root "$R" /bin/conf
	grep -qF 'libfoo.so => /usr/local/lib/libfoo.so [default]' "$W/t" || bad "not found in musl's default path: $(cat "$W/t")"
}

# a candidate ld.so refuses (not ELF): loader-error with ld.so's own line, the file named as opened
t_check_refused_candidate()
{
	local want
	mkdir -p "$W/txt"
	printf 'x%.0s' {1..100} >"$W/txt/libfoo.so"
	want=$(LD_LIBRARY_PATH=$W/txt "$FIX/foo_plain" 2>&1)
	[[ $want == *"$W/txt/libfoo.so: invalid ELF header" ]] || bad "ld.so itself said: $want"
	check_run 1 "$W/j" --json --env "LD_LIBRARY_PATH=$W/txt" "$FIX/foo_plain"
	check_fields "$(jq -c 'select(.type == "finding")' "$W/j")" .kind '"loader-error"' \
		.message "$(jq -Rn --arg m "$want" '$m')"
}

t_check_script_and_static()
{
	check_run 1 "$W/j" --json "$FIX/bad_shebang"
	check_fields "$(jq -c 'select(.type == "finding")' "$W/j")" .kind '"missing-interpreter"' .mode '"check"'
	[[ -x $GOFIX/fakeld ]] || fail "no static Go fixture $GOFIX/fakeld: $GO_ERR"
	check_run 0 "$W/t" "$GOFIX/fakeld"
	grep -q 'static' "$W/t" || bad "a static binary is not said static: $(cat "$W/t")"
}

t_check_bad_input()
{
	check_run 2 "$W/o" /nonexistent/ldwatch-file
	grep -q '^ldwatch: check: /nonexistent/ldwatch-file: No such file or directory$' "$W/o.err" ||
		bad "missing file: $(cat "$W/o.err")"
	check_run 2 "$W/o" /etc/passwd
	grep -q 'not an ELF file or a #! script' "$W/o.err" || bad "not ELF: $(cat "$W/o.err")"
	check_run 2 "$W/o" --root /etc/passwd /bin/true
	grep -qi 'not a directory' "$W/o.err" || bad "--root a file: $(cat "$W/o.err")"
	check_run 2 "$W/o"
	grep -q 'name a FILE' "$W/o.err" || bad "no FILE: $(cat "$W/o.err")"
	if [[ $(wc -l <"$W/o.err") != 2 ]] ||
		! grep -qx "Try 'ldwatch check --help' for more information." "$W/o.err"; then
		bad "bad usage is not one line and Try 'ldwatch check --help': $(cat "$W/o.err")"
	fi
	check_run 2 "$W/o" --pid 0 /bin/true
	check_run 2 "$W/o" --env NOEQUALS /bin/true
	check_run 2 "$W/o" --root / --pid 1 /bin/true
	check_run 0 "$W/o" --help
	grep -q 'never runs' "$W/o" || bad "--help does not say it never runs the program"
	# truncated ELF: a one-line answer, never a crash
	head -c 100 /bin/true >"$W/trunc"
	timeout 30 "$LDWATCH" check "$W/trunc" >"$W/o" 2>&1
	(($? <= 2)) || bad "truncated ELF: exit $?: $(cat "$W/o")"
}
