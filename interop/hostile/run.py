#!/usr/bin/env python3
"""Runs a generated hostile corpus against a chiptrail binary and prints, per case, PASS or FAIL with the
actual vs expected findings (the same checks as Tests/chiptrailTests/HostileCorpusTests.swift).

    python3 interop/hostile/run.py OUTDIR [.build/debug/chiptrail] [--only SUBSTRING]"""

import json
import os
import subprocess
import sys


def check(case, rc, out, err):
    problems = []
    if rc != case["exit"]:
        problems.append("exit %d, expected %d" % (rc, case["exit"]))
    try:
        o = json.loads(out) if out.strip() else None
    except ValueError:
        o = None
    text = out + err
    for s in case["outputContains"]:
        if s not in text:
            problems.append("output lacks %r" % s)
    if case["exit"] in (0, 1, 2):
        if o is None:
            problems.append("no JSON output")
            return problems, []
        errs = [(e.get("code"), e.get("seq")) for e in o.get("errors", [])]
        want = [(e["code"], e["seq"]) for e in case["errors"]]
        for w in want:
            if w not in errs:
                problems.append("missing %s@%s" % w)
        for grp in case["anyErrors"]:
            alts = [(e["code"], e["seq"]) for e in grp]
            if not any(a in errs for a in alts):
                problems.append("none of " + ", ".join("%s@%s" % a for a in alts))
            want = want + alts
        if case["exact"]:
            extra = sorted({e for e in errs if e not in want}, key=str)
            if extra:
                problems.append("unexpected " + ", ".join("%s@%s" % e for e in extra))
        warns = [(e.get("code"), e.get("seq")) for e in o.get("warnings", [])]
        for w in case["warnings"]:
            if (w["code"], w["seq"]) not in warns:
                problems.append("missing warning %s@%s" % (w["code"], w["seq"]))
        ships = o.get("shipments") if case["kind"] == "ledger" else [o.get("shipment")] if o.get("shipment") else []
        by_id = {s["id"].encode("utf-8"): s for s in ships or []}
        for s in case["shipments"]:
            got = by_id.get(s["id"].encode("utf-8"))
            if got is None:
                problems.append("shipment %r missing" % s["id"])
                continue
            codes = sorted({v["code"] for v in got.get("violations", [])})
            if got.get("status") != s["status"]:
                problems.append("%s status %s, expected %s (violations %s)" % (s["id"], got.get("status"), s["status"], codes))
            for v in s["violations"]:
                if v not in codes:
                    problems.append("%s lacks violation %s (has %s)" % (s["id"], v, codes))
            if s["exactViolations"] and codes != sorted(set(s["violations"])):
                problems.append("%s violations %s, expected exactly %s" % (s["id"], codes, s["violations"]))
        return problems, errs
    return problems, []


def main():
    out = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else ".build/debug/chiptrail"
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    binary = os.path.abspath(binary)
    exp = json.load(open(os.path.join(out, "expected.json")))
    npass = nfail = 0
    for case in exp["cases"]:
        if only not in case["name"]:
            continue
        p = subprocess.run([binary] + case["args"], cwd=os.path.join(out, case["name"]), capture_output=True,
                           text=True)
        problems, errs = check(case, p.returncode, p.stdout, p.stderr)
        if problems:
            nfail += 1
            print("FAIL %-55s issue %d: %s | actual errors: %s" % (
                case["name"], case["issue"], "; ".join(problems),
                ", ".join("%s@%s" % e for e in errs) or "none"))
        else:
            npass += 1
            print("PASS %-55s issue %d" % (case["name"], case["issue"]))
    print("%d passed, %d failed" % (npass, nfail))


if __name__ == "__main__":
    main()
