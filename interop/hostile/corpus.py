"""Case records and the shared scenario builders of the hostile corpus."""

import json

from writer import (World, customs_predicate, lab_predicate, license_env, license_predicate, manifest,
                    manifest_bytes, sha256, shipment_envs, sign_statement, supply_predicate)

LICENSE = "BIS-H200-2026-0117"


class Case:
    """One hostile ledger (or bundle) and what the verifier must say about it.

    expected: exit status; `errors`: (code, seq) pairs that must all appear; `exact`: no error finding
    beyond them; `shipments`: id -> {"status", "violations" (codes that must appear), "exactViolations"};
    `any_errors`: groups of (code, seq) of which at least one must appear; `output_contains`: strings the output (stdout + stderr) must contain (exit 65 cases)."""

    def __init__(self, name, issue, ledger, exit, errors=(), exact=True, shipments=None, policy=None,
                 trust=None, since=None, bundle=None, output_contains=(), note="", world=None,
                 warnings=(), any_errors=()):
        self.name, self.issue, self.ledger, self.exit = name, issue, ledger, exit
        self.errors = [list(e) for e in errors]
        self.exact, self.shipments, self.policy = exact, shipments or {}, policy
        self.trust, self.since, self.bundle = trust, since, bundle
        self.output_contains, self.note, self.world = list(output_contains), note, world
        self.warnings = [list(e) for e in warnings]
        self.any_errors = [[list(e) for e in group] for group in any_errors]


def ok(status="compliant", violations=(), exact=False):
    return {"status": status, "violations": list(violations), "exactViolations": exact}


def base(w=None, certs=None, extra_certs=(), license_pred=None, with_license=True):
    """Genesis, checkpoint, the parties' certificate records, checkpoint, the export license.
    Returns (world, ledger, seqs) with seqs[name] of each record added."""
    w = w or World()
    L = w.ledger()
    S = {"genesis": 0, "cp0": L.checkpoint()}
    L.tick()
    for c in (certs if certs is not None else [w.regulator, w.exporter, w.lab, w.customs, w.auditor]):
        S["cert:" + c.cn()] = L.cert(c)
    for c in extra_certs:
        S["cert:" + c.cn() + ":" + str(c.serial)] = L.cert(c)
    S["cp1"] = L.checkpoint()
    L.tick()
    if with_license:
        S["license"] = L.statement(license_env(w, license_pred))
        S["cp2"] = L.checkpoint()
        L.tick()
    return w, L, S


def ship(w, L, sid="SHP-1", m=None, mbytes=None, supply=None, lab=None, customs=None, signers=None,
         steps=("supply", "lab", "customs"), checkpoint=True, us_units=43500):
    """The shipment's statements (any of supply, lab, customs, in `steps` order) and a checkpoint."""
    m = m or manifest(sid)
    mb = mbytes if mbytes is not None else manifest_bytes(m)
    envs = dict(zip(("supply", "lab", "customs"),
                    shipment_envs(w, m, mb, supply=supply or supply_predicate(mb, m, us_units=us_units), lab=lab,
                                  customs=customs, signers=signers)))
    S = {}
    for s in steps:
        S[s] = L.statement(envs[s])
    if checkpoint:
        S["cp"] = L.checkpoint()
        L.tick()
    S["manifest"], S["mbytes"], S["digest"] = m, mb, sha256(mb).hex()
    return S


def stmt(w, L, kind, m_or_subject, predicate, signers, digest=None):
    """One statement about a shipment manifest (or a raw subject name with `digest`)."""
    if isinstance(m_or_subject, dict):
        mb = manifest_bytes(m_or_subject)
        subj, d = "shipment:" + m_or_subject["shipmentId"], digest or sha256(mb).hex()
    else:
        subj, d = m_or_subject, digest
    return L.statement(sign_statement(kind, subj, d, predicate, signers))


def policy_text(**kw):
    return json.dumps(kw)
