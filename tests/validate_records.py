#!/usr/bin/python3
"""tests/validate_records.py SCHEMA FILE...: every line of each FILE (JSON Lines)
against SCHEMA with python3-jsonschema's Draft 2020-12 validator. Prints each
invalid record (file:line, the first error) and ends with "N records valid, M
invalid"; exit 1 when one is invalid or a line is not JSON."""
import json
import sys

from jsonschema import Draft202012Validator


def main():
    schema = json.load(open(sys.argv[1]))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    good = bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    print(f"{path}:{n}: not JSON: {e}")
                    bad += 1
                    continue
                errs = sorted(v.iter_errors(rec), key=lambda e: list(e.absolute_path))
                if errs:
                    bad += 1
                    e = errs[0]
                    print(f"{path}:{n}: {rec.get('type')}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
                else:
                    good += 1
    print(f"{good} records valid, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
