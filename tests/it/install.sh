# promise: make install (and make deb, installed with apt) gives a working ldwatch, its man page (mandoc-clean, every --help option in it), bash completion, logrotate snippet and JSON Schema; make uninstall removes them
# shellcheck shell=bash
# tests/it/install.sh: Install and the man page; sourced by tests/integration.sh. Loads no BPF.

t_install_and_uninstall()
{
	local D=$W/dst f out
	command -v make >/dev/null || fail "make is not installed"
	make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr >"$W/make.out" 2>&1 ||
		fail "make install failed: $(tail -n 5 "$W/make.out")"
	for f in usr/sbin/ldwatch usr/share/man/man8/ldwatch.8 \
		usr/share/bash-completion/completions/ldwatch etc/logrotate.d/ldwatch \
		usr/share/ldwatch/ldwatch.schema.json usr/lib/systemd/system/ldwatch.service; do
		[[ -f $D/$f ]] || bad "make install did not install /$f"
	done
	[[ $(stat -c %a "$D/usr/sbin/ldwatch") == 755 ]] || bad "the binary is not mode 0755"
	out=$("$D/usr/sbin/ldwatch" --version 2>&1) || bad "the installed ldwatch --version failed: $out"
	[[ $out == "$("$ROOT/build/ldwatch" --version)" ]] || bad "installed --version says '$out'"
	MANWIDTH=80 man -l "$D/usr/share/man/man8/ldwatch.8" 2>/dev/null | grep -q 'ldwatch check' ||
		bad "man -l does not render the installed page"
	# the completion offers the options, and check's
	out=$(bash -c 'source "$1"; COMP_WORDS=(ldwatch --no-u); COMP_CWORD=1; _ldwatch; echo "${COMPREPLY[*]}";
		COMP_WORDS=(ldwatch check --ro); COMP_CWORD=2; _ldwatch; echo "${COMPREPLY[*]}"' _ \
		"$D/usr/share/bash-completion/completions/ldwatch")
	[[ $out == $'--no-uprobes\n--root' ]] || bad "bash completion gave: $out"
	command -v logrotate >/dev/null || fail "logrotate is not installed (make deps)"
	logrotate -d "$D/etc/logrotate.d/ldwatch" >"$W/lr" 2>&1 || bad "logrotate -d refuses the snippet: $(tail -n 3 "$W/lr")"
	make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr >"$W/make.out" 2>&1 ||
		fail "make uninstall failed: $(tail -n 5 "$W/make.out")"
	out=$(find "$D" -type f)
	[[ -z $out ]] || bad "make uninstall left: $out"
}

t_man_page_lints_clean()
{
	local out
	command -v mandoc >/dev/null || fail "mandoc is not installed (make deps)"
	out=$(mandoc -Tlint -W style "$ROOT/dist/ldwatch.8" 2>&1 | grep -v 'outdated mandoc.db')
	[[ -z $out ]] || bad "mandoc -Tlint: $out"
}

# the options a usage text lists ("  -a, --all", "  --ring-size SIZE"), one a line
help_options()
{
	sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\1\2/p' | sed 's/, / /' | tr ' ' '\n' | sort -u
}

# the options the man page's OPTIONS section lists (.It Fl a , Fl \-all)
man_options()
{
	sed -n "/^\\.S[hs] $1\$/,/^\\.S[hs] /p" "$ROOT/dist/ldwatch.8" | grep '^\.It Fl' |
		sed -e 's/\\-/-/g' -e 's/ Ar .*//' -e 's/^\.It //' | tr ',' '\n' |
		sed -n 's/^ *Fl \(-\{0,1\}[a-zA-Z][a-z-]*\).*/-\1/p' | sort -u
}

t_man_page_lists_every_option()
{
	local h m
	h=$("$LDWATCH" --help | help_options)
	m=$( (man_options Scope; man_options 'In a container or on a Kubernetes node'; man_options Output) | sort -u)
	[[ -n $h && $h == "$m" ]] || bad "ldwatch --help and the man page differ: $(diff <(echo "$h") <(echo "$m") | grep '^[<>]' | tr '\n' ' ')"
	h=$("$LDWATCH" check --help | help_options)
	m=$(man_options 'ldwatch check')
	[[ -n $h && $h == "$m" ]] || bad "ldwatch check --help and the man page differ: $(diff <(echo "$h") <(echo "$m") | grep '^[<>]' | tr '\n' ' ')"
}

# make deb, installed with apt as a user would, run, and removed
t_deb_install_and_remove()
{
	local deb out
	if dpkg-query -W -f '${Status}' ldwatch 2>/dev/null | grep -q 'install ok installed'; then
		fail "a package ldwatch is installed on this host: this test installs and removes its own"
	fi
	deb=$(make -s -C "$ROOT" deb 2>"$W/deb.err" | tail -n 1) || fail "make deb failed: $(tail -n 5 "$W/deb.err")"
	[[ -f $deb ]] || fail "make deb printed no package: $deb"
	dpkg-deb -f "$deb" Depends | grep -q 'libbpf1' || bad "Depends lacks libbpf1: $(dpkg-deb -f "$deb" Depends)"
	dpkg-deb -f "$deb" Depends | grep -q 'libelf1' || bad "Depends lacks libelf1: $(dpkg-deb -f "$deb" Depends)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >"$W/apt.log" 2>&1 ||
		fail "apt-get install $deb failed: $(tail -n 5 "$W/apt.log")"
	CLEAN_CMDS+=("DEBIAN_FRONTEND=noninteractive apt-get purge -y ldwatch")
	out=$(/usr/sbin/ldwatch --version 2>&1) || bad "the packaged ldwatch --version failed: $out"
	[[ $out == "$("$ROOT/build/ldwatch" --version)" ]] || bad "packaged --version says '$out'"
	/usr/sbin/ldwatch check /bin/true >"$W/chk" 2>&1 || bad "the packaged ldwatch check /bin/true failed: $(cat "$W/chk")"
	[[ $(man -w ldwatch 2>/dev/null) == /usr/share/man/man8/ldwatch.8.gz ]] || bad "man -w ldwatch: $(man -w ldwatch 2>&1)"
	[[ -f /etc/logrotate.d/ldwatch ]] || bad "no /etc/logrotate.d/ldwatch"
	# the unit, as installed: systemd's own checks, and its exposure score
	systemd-analyze verify ldwatch.service >"$W/verify" 2>&1 || bad "systemd-analyze verify: $(cat "$W/verify")"
	systemd-analyze security --offline=yes ldwatch.service >"$W/sec" 2>&1 ||
		bad "systemd-analyze security: $(tail -n 3 "$W/sec")"
	out=$(sed -n 's/.*Overall exposure level for ldwatch.service: \([0-9.]*\).*/\1/p' "$W/sec")
	[[ -n $out ]] && awk -v s="$out" 'BEGIN { exit !(s <= 5.0) }' || bad "exposure $out, over 5.0: $(tail -n 2 "$W/sec")"
	echo "    systemd-analyze security: exposure $out"
	DEBIAN_FRONTEND=noninteractive apt-get purge -y ldwatch >"$W/purge.log" 2>&1 ||
		bad "apt-get purge ldwatch failed: $(tail -n 5 "$W/purge.log")"
	[[ ! -e /usr/sbin/ldwatch && ! -e /etc/logrotate.d/ldwatch ]] || bad "purge left files behind"
}
