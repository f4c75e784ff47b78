#!/usr/bin/env python3
"""Validate JSON documents against chiptrail's published schemas with Python jsonschema (Draft 2020-12).

Usage: check.py SCHEMA_DIR DOC_DIR
Each document in DOC_DIR is named KIND--NAME.json (KIND: manifest or a predicate kind). Prints one line per
document, sorted by name: NAME <tab> valid|invalid <tab> first error. Exits 0 (the verdicts are the output).
"""
import json
import os
import sys

import jsonschema


def main():
    schema_dir, doc_dir = sys.argv[1], sys.argv[2]
    validators = {}
    for name in sorted(os.listdir(doc_dir)):
        if not name.endswith(".json"):
            continue
        kind = name.split("--", 1)[0]
        if kind not in validators:
            with open(os.path.join(schema_dir, kind + ".schema.json"), encoding="utf-8") as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            validators[kind] = jsonschema.Draft202012Validator(schema)
        with open(os.path.join(doc_dir, name), encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validators[kind].iter_errors(doc), key=lambda e: list(e.path))
        verdict = "invalid" if errors else "valid"
        first = errors[0].message.replace("\t", " ").replace("\n", " ") if errors else ""
        print(f"{name}\t{verdict}\t{first}")


if __name__ == "__main__":
    main()
