# promise: every record the suite's runs wrote validates against dist/ldwatch.schema.json (JSON Schema 2020-12, python3-jsonschema), and a record with a field the schema does not know fails it
# shellcheck shell=bash disable=SC2016
# tests/it/schema.sh: the JSON Schema; sourced by tests/integration.sh. Runs last
# but one (its file sorts last), over what the tests before it left in $WORK.

t_schema_every_record()
{
	local schema=$ROOT/dist/ldwatch.schema.json out n t
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (make deps)"
	# every file a test left whose lines are records (not the logs), its record lines
	grep -rlE --exclude=test.log --exclude='*.stderr' '^\{"type":"(ready|finding|stats|check|load)"' "$WORK" |
		grep -v "^$W/" | while read -r f; do grep '^{"type":"' "$f"; done >"$W/all.jsonl"
	n=$(wc -l <"$W/all.jsonl")
	((n > 0)) || fail "no records to validate in $WORK"
	out=$(/usr/bin/python3 "$ROOT/tests/validate_records.py" "$schema" "$W/all.jsonl" 2>&1) ||
		bad "records invalid against the schema:" "$(tail -n 6 <<<"$out")"
	echo "    $(tail -n 1 <<<"$out") ($(jq -r .type "$W/all.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ','))"
	# the suite's run holds every kind of record the schema knows, but repeat and uprobes when run alone
	for t in ready finding stats; do
		grep -q "^{\"type\":\"$t\"" "$W/all.jsonl" || bad "no $t record among the $n validated"
	done
	# a field the schema does not know is refused, in each record type
	jq -c '. + {"unknown_field": 1}' "$W/all.jsonl" | sort -u -t'"' -k4,4 >"$W/extra.jsonl"
	out=$(/usr/bin/python3 "$ROOT/tests/validate_records.py" "$schema" "$W/extra.jsonl" 2>&1)
	[[ $(tail -n 1 <<<"$out") == "0 records valid, $(wc -l <"$W/extra.jsonl") invalid" ]] ||
		bad "records with an unknown field passed: $(tail -n 1 <<<"$out")"
}
