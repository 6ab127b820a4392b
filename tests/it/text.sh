# promise: text mode prints one readable block per finding: the loader's whole message, every outside string \xNN-escaped
# shellcheck shell=bash
# tests/it/text.sh: the text output; sourced by tests/integration.sh.

# text_block FILE HEADER_ERE: the block whose first line matches
text_block()
{
	awk -v re="$2" 'inb && !/^  / { exit } $0 ~ re { inb = 1 } inb' "$1"
}

check_text_output()
{
	local out=$1 header=$2 block ctl bad_keys
	ctl=$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$out" | wc -c)
	((ctl == 0)) || bad "text output holds $ctl raw control bytes"
	block=$(text_block "$out" "$header")
	if [[ -z $block ]]; then
		bad "no block whose first line matches /$header/; output:" "$(head -c 600 "$out" | cat -v)"
		return
	fi
	grep -qx '  object: libmissing.so' <<<"$block" || bad "block lacks '  object: libmissing.so'"
	grep -qx '  errno: ENOENT' <<<"$block" || bad "block lacks '  errno: ENOENT'"
	grep -q "^  message: .*$LDSO_ENOENT" <<<"$block" || bad "block lacks ld.so's message"
	grep -qiF "  message: $ODD_ESC/miss_origin: $LDSO_ENOENT" <<<"$block" ||
		bad "message line is not ld.so's whole text with the \\xNN-escaped path:" \
			"$(grep '^  message:' <<<"$block" | cut -c1-200)"
	grep -q '^  hint: .' <<<"$block" || bad "block lacks a hint"
	grep -q '^  tried:' <<<"$block" || bad "block lacks tried:"
	grep -qiF "  exe: $ODD_ESC/miss_origin" <<<"$block" ||
		bad "exe line is not the \\xNN-escaped path $ODD_ESC/miss_origin"
	grep -qiF "$ODD_ESC/libmissing.so" <<<"$block" ||
		bad "no attempt names the \\xNN-escaped $ODD_ESC/libmissing.so"
	bad_keys=$(sed 1d <<<"$block" |
		grep -Ev '^  (time|process|exe|cwd|object|needed by|cause|mount|errno|exit|signal|message|tried|hint):( |$)|^   ' | head -n 3)
	[[ -z $bad_keys ]] || bad "lines in the block that are not '  key: value' of a known key:" "$bad_keys"
	return 0
}

t_text_all()
{
	local T=$W/out.txt p
	need_bpf
	lw_start_stdout "$T" --all
	wait_ready "$T" text
	"$ODD/miss_origin" >/dev/null 2>&1 &
	p=$!
	wait "$p"
	wait_until "$FINDING_S" grep -Eq "^missing-library \\(error\\) pid $p( |\$)" "$T" ||
		bad "no '^missing-library (error) pid $p' block within ${FINDING_S}s"
	lw_stop "$T"
	check_text_output "$T" "^missing-library \\(error\\) pid $p miss_origin\$"
}

t_text_cmd()
{
	local T=$W/out.txt rc
	need_bpf
	timeout -k 5 "$CMD_S" "$LDWATCH" -o "$T" -- "$ODD/miss_origin" >"$W/out" 2>"$T.stderr"
	rc=$?
	((rc == 127)) || bad "ldwatch -o FILE -- miss_origin exited $rc, expected 127"
	check_text_output "$T" '^missing-library \(error\) pid [0-9]+ miss_origin$'
}

# --color: SGR on a real pseudo-terminal (script(1)), the verdict bold red, the
# hint's name bold; none under NO_COLOR, TERM=dumb, in a pipe or an -o file;
# --color=always forces it on stdout
t_text_color()
{
	local esc=$'\e' red=$'\e[1;31mmissing-library (error) pid ' bold=$'\e[1mhint:\e[0m '
	need_bpf
	command -v script >/dev/null || fail "script(1) is not installed (util-linux)"
	TERM=xterm timeout -k 5 "$CMD_S" script -qec "$(printf '%q ' "$LDWATCH" -- "$FIX/needs_missing")" /dev/null \
		>"$W/tty" 2>&1 </dev/null
	grep -qF "$red" "$W/tty" || bad "no bold red verdict on a terminal: $(head -c 300 "$W/tty" | cat -v)"
	grep -qF "$bold" "$W/tty" || bad "no bold hint on a terminal: $(grep hint "$W/tty" | head -c 300 | cat -v)"
	NO_COLOR=1 TERM=xterm timeout -k 5 "$CMD_S" script -qec "$(printf '%q ' "$LDWATCH" -- "$FIX/needs_missing")" \
		/dev/null >"$W/nc" 2>&1 </dev/null
	grep -q "missing-library (error)" "$W/nc" || bad "no finding under NO_COLOR: $(head -c 300 "$W/nc")"
	! grep -q "$esc\[" "$W/nc" || bad "colour despite NO_COLOR=1"
	TERM=dumb timeout -k 5 "$CMD_S" script -qec "$(printf '%q ' "$LDWATCH" -- "$FIX/needs_missing")" \
		/dev/null >"$W/dumb" 2>&1 </dev/null
	! grep -q "$esc\[" "$W/dumb" || bad "colour despite TERM=dumb"
	timeout -k 5 "$CMD_S" "$LDWATCH" -- "$FIX/needs_missing" 2>/dev/null | cat >"$W/pipe"
	grep -q "missing-library (error)" "$W/pipe" || bad "no finding in a pipe"
	! grep -q "$esc\[" "$W/pipe" || bad "colour in a pipe without --color=always"
	timeout -k 5 "$CMD_S" "$LDWATCH" --color=always -- "$FIX/needs_missing" 2>/dev/null | cat >"$W/always"
	grep -qF "$red" "$W/always" || bad "--color=always gave no colour in a pipe"
	timeout -k 5 "$CMD_S" "$LDWATCH" --color=always -o "$W/file" -- "$FIX/needs_missing" >/dev/null 2>&1
	grep -q "missing-library (error)" "$W/file" || bad "no finding in the -o file"
	! grep -q "$esc\[" "$W/file" || bad "colour in an -o file"
}

# --summary: findings by root cause at exit, and on SIGUSR1 at any time
t_summary_at_exit_and_on_usr1()
{
	local F=$W/rec.json s
	need_bpf
	# $PPID of the script is ldwatch (-- CMD forks and runs it)
	timeout -k 5 "$CMD_S" "$LDWATCH" --json --summary -o "$F" -- sh -c '
		for i in 1 2 3; do "$1/needs_missing" 2>/dev/null; done
		kill -USR1 $PPID; sleep 1
		"$1/no_x" 2>/dev/null; exit 0' sh "$FIX" >/dev/null 2>"$F.stderr"
	(($? == 0)) || bad "ldwatch -- sh exited $?: $(stderr_tail "$F.stderr")"
	check_records "$F"
	[[ $(recs "$F" 'select(.type == "summary")' | wc -l) == 2 ]] ||
		fail "not two summary records: $(recs "$F" 'select(.type == "summary")' | head -c 600)"
	s=$(recs "$F" 'select(.type == "summary")' | head -n 1)
	check_fields "$s" .findings 3 '.causes | length' 1 '.causes[0].kind' '"missing-library"' \
		'.causes[0].object' '"libmissing.so"' '.causes[0].who' '$fix + "/needs_missing"' '.causes[0].count' 3 \
		'.causes[0].first <= .causes[0].last' true
	s=$(recs "$F" 'select(.type == "summary")' | tail -n 1)
	check_fields "$s" .findings 4 '.causes | length' 2 '[.causes[].count]' '[3,1]' \
		'.causes[1].kind' '"permission-denied"' .first "$(recs "$F" 'select(.type == "finding") | .ts' | head -n1)"
	# the one at exit comes right before the final stats
	[[ $(tail -n 2 "$F" | head -n 1 | jq -r .type) == summary ]] || bad "the exit summary is not last but the stats"
	# in text: one line per cause, the biggest first
	timeout -k 5 "$CMD_S" "$LDWATCH" --summary -- sh -c '"$1/needs_missing"; "$1/needs_missing"; exit 0' sh "$FIX" \
		>"$W/t" 2>/dev/null
	grep -qE '^summary: 2 findings, 1 root causes, ' "$W/t" || bad "no text summary line: $(grep -A2 summary "$W/t")"
	grep -qE "^ +2  missing-library libmissing.so \\($FIX/needs_missing\\), first " "$W/t" ||
		bad "no text cause line: $(grep -A2 summary "$W/t")"
}
