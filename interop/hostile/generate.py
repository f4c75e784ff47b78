#!/usr/bin/env python3
"""Writes the hostile corpus: python3 interop/hostile/generate.py OUTDIR

Every case becomes OUTDIR/<name>/ (ledger.jsonl, trust PEMs, policy.json, since.txt, bundle.json) and
OUTDIR/expected.json lists, per case, the command to run (relative to the case directory) and the result
it must give. Before writing, the writer's primitives are checked against the committed sample ledger."""

import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # the tests run this from the source tree: leave no __pycache__ there

import cases_compliance  # noqa: E402
import cases_integrity  # noqa: E402
from writer import leaf_hash, mth, note_key_id, sha256  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402


def check_against_sample():
    """The writer's RFC 6962 roots and signed-note key ids equal the sample ledger's checkpoints."""
    path = os.path.join(HERE, "..", "..", "Ledger", "h200-sample.jsonl")
    lines = open(path, "rb").read().split(b"\n")[:-1]
    genesis = json.loads(lines[0])
    op = x509.load_der_x509_certificate(base64.b64decode(genesis["operator"]))
    pub = op.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = note_key_id(genesis["origin"], pub)
    checked = 0
    for i, line in enumerate(lines):
        r = json.loads(line)
        if i > 0 and r["prev"] != sha256(lines[i - 1]).hex():
            raise SystemExit("writer disagrees with the sample on prev at seq %d" % i)
        if r["type"] == "checkpoint":
            text, sigs = r["note"].split("\n\n", 1)
            origin, size, root = text.split("\n")
            want = mth([leaf_hash(x) for x in lines[:int(size)]])
            if base64.b64decode(root) != want:
                raise SystemExit("writer's Merkle root disagrees with the sample at seq %d" % i)
            if base64.b64decode(sigs.split(" ")[2])[:4] != kid:
                raise SystemExit("writer's note key id disagrees with the sample at seq %d" % i)
            checked += 1
    return checked


def write_case(out, c):
    d = os.path.join(out, c.name)
    os.makedirs(d, exist_ok=True)
    c.ledger.write(os.path.join(d, "ledger.jsonl"))
    trust = c.trust or [c.world.root]
    tfiles = []
    for i, cert in enumerate(trust):
        fn = "trust%d.pem" % i
        open(os.path.join(d, fn), "wb").write(cert.pem)
        tfiles.append(fn)
    targs = []
    for fn in tfiles:
        targs += ["--trust", fn]
    extra = []
    if c.policy is not None:
        open(os.path.join(d, "policy.json"), "w").write(c.policy)
        extra += ["--policy", "policy.json"]
    if c.since is not None:
        open(os.path.join(d, "since.txt"), "w").write(c.since)
        extra += ["--since", "since.txt"]
    if c.bundle is not None:
        open(os.path.join(d, "bundle.json"), "w").write(json.dumps(c.bundle, sort_keys=True) + "\n")
        args = ["bundle", "verify", "bundle.json"] + targs + [a for a in extra if a != "--since"] + ["--format", "json"]
        kind = "bundle"
    else:
        args = ["ledger", "verify", "ledger.jsonl"] + targs + extra + ["--format", "json"]
        kind = "ledger"
    return {"name": c.name, "issue": c.issue, "kind": kind, "args": args, "exit": c.exit,
            "errors": [{"code": e[0], "seq": e[1]} for e in c.errors], "exact": c.exact,
            "anyErrors": [[{"code": e[0], "seq": e[1]} for e in grp] for grp in c.any_errors],
            "warnings": [{"code": e[0], "seq": e[1]} for e in c.warnings],
            "shipments": [{"id": k, "status": v["status"], "violations": sorted(v["violations"]),
                           "exactViolations": v["exactViolations"]} for k, v in sorted(c.shipments.items())],
            "outputContains": c.output_contains, "note": c.note}


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: generate.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    checked = check_against_sample()
    cases = cases_integrity.build() + cases_compliance.build()
    names = [c.name for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit("duplicate case names: %s" % dup)
    expected = [write_case(out, c) for c in cases]
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"sampleCheckpointsChecked": checked, "cases": expected}, f, indent=1, sort_keys=True,
                  ensure_ascii=False)
    n13 = sum(1 for c in cases if c.issue == 13)
    n14 = sum(1 for c in cases if c.issue == 14)
    print("wrote %d cases (%d integrity, %d compliance) to %s; %d sample checkpoints agree" %
          (len(cases), n13, n14, out, checked))


if __name__ == "__main__":
    main()
