"""Integrity cases (issue 13): correctly signed hostile ledgers and the exact (code, seq) each must get."""

import base64
import copy
import datetime as dt
import json

from corpus import LICENSE, Case, base, ok, policy_text, ship, stmt
from writer import (Cert, Key, Ledger, World, b64, checkpoint_text, cosig_line, envelope, jcs,
                    lab_predicate, license_env, make_cert, make_crl, malleate_ecdsa, manifest, manifest_bytes,
                    name, note_sig_line, pae, retraction_predicate, rfc3339, sha256, shipment_envs,
                    sign_statement, statement, t, LAB_O, EXPORTER_O, INTOTO)

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def I(name, L, exit, errors=(), **kw):
    return Case(name, 13, L, exit, errors, **kw)


def honest_with(alg="ed25519", ca_alg="ed25519", tag="w"):
    w = World(alg=alg, ca_alg=ca_alg, tag=tag)
    w, L, S = base(w)
    s = ship(w, L)
    cp = s["cp"]
    L.cosignature(cp, [w.auditor])
    return w, L


# ------------------------------------------------------------------------------------------ honest

@case
def honest():
    out = []
    for alg, ca in [("ed25519", "ed25519"), ("p256", "ed25519"), ("p384", "p256"), ("rsa", "rsa")]:
        w, L = honest_with(alg, ca, tag="h" + alg + ca)
        out.append(I("honest-%s-ca-%s" % (alg, ca), L, 0, shipments={"SHP-1": ok()}, world=w,
                     note="an honest ledger from the independent writer verifies clean"))
    w, L = honest_with()
    out.append(I("honest-bundle", L, 0, world=w, bundle=L.bundle("SHP-1", [LICENSE]),
                 shipments={"SHP-1": ok()}))
    # A leaf without keyUsage is allowed (keyUsage is checked only when present).
    w = World(tag="noku")
    lab = w.leaf("lab-noku", "Lab No KU", LAB_O, ["lab"], key_usage=None)
    w, L, S = base(w, certs=[w.regulator, w.exporter, lab, w.customs])
    ship(w, L, signers={"lab": [lab]})
    out.append(I("signer-leaf-without-keyusage-ok", L, 0, world=w, shipments={"SHP-1": ok()}))
    return out


# -------------------------------------------------------------------------------- revocation by CA key

def renewal_world(tag):
    w = World(tag=tag)
    # The issuing CA renewed: same key, same name, new serial.
    ica2 = make_cert(w.ica.key, w.ica.cert.subject, issuer=w.root, ca=True, path_len=0,
                     serial_tag=tag + "ica-renewed", not_before=t("2026-01-15T00:00:00Z"))
    return w, ica2


@case
def revocation_renewed_ca():
    out = []
    for path in ("old", "new"):
        w, ica2 = renewal_world("ren" + path)
        L = w.ledger()  # genesis chain: the old CA certificate
        L.checkpoint()
        L.tick()
        for c in (w.regulator, w.exporter, w.customs):
            L.cert(c, chain=[ica2] if path == "old" else [w.ica])
        # The lab's path: the old or the renewed CA certificate; the other one is registered too.
        lab_seq = L.cert(w.lab, chain=[w.ica] if path == "old" else [ica2])
        L.cert(w.auditor, chain=[ica2])
        L.checkpoint()
        L.tick()
        L.statement(license_env(w))
        m = manifest("SHP-1")
        s1 = ship(w, L, m=m, steps=("supply",))
        crl_seq = L.crl(make_crl(w.ica, [w.lab.serial], L.time))
        L.checkpoint()
        L.tick()
        lab_stmt = stmt(w, L, "lab-test", m, lab_predicate(m), [w.lab])
        L.checkpoint()
        L.tick()
        # A second lab certificate issued before the CRL, registered after it.
        out.append(I("crl-renewed-ca-%s-path-signer-revoked" % path, L, 1, [("signer-revoked", lab_stmt)], world=w,
                     shipments={"SHP-1": ok("unverifiable")},
                     note="CRL by the CA key revokes the lab whichever CA certificate is on its path"))
        # Bundle of the same ledger: the same finding at the same seq.
        out.append(I("bundle-crl-renewed-ca-%s-path" % path, L, 1, [("signer-revoked", lab_stmt)], world=w,
                     bundle=L.bundle("SHP-1", [LICENSE])))
    for path in ("old", "new"):
        w, ica2 = renewal_world("rencert" + path)
        L = w.ledger(chain=[w.ica, w.root] if path == "new" else [ica2, w.root])
        L.checkpoint()
        L.tick()
        for c in (w.regulator, w.exporter, w.customs, w.lab):
            L.cert(c, chain=[w.ica] if path == "new" else [ica2])
        L.checkpoint()
        L.tick()
        lab2 = w.leaf("lab2", "Lab Signer Two", LAB_O, ["lab"])
        crl_seq = L.crl(make_crl(w.ica, [lab2.serial], L.time))
        L.checkpoint()
        L.tick()
        c_seq = L.cert(lab2, chain=[ica2] if path == "new" else [w.ica])
        L.checkpoint()
        out.append(I("crl-renewed-ca-%s-path-cert-revoked" % path, L, 1, [("cert-revoked", c_seq)], world=w,
                     note="a certificate record after the CRL, on the %s CA certificate" % path))
    return out


@case
def revocation_simple():
    out = []
    # A lab whose key was revoked keeps signing.
    w, L, S = base()
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    before = stmt(w, L, "lab-test", m, lab_predicate(m), [w.lab])
    L.checkpoint()
    L.tick()
    L.crl(make_crl(w.ica, [w.lab.serial], L.time))
    L.checkpoint()
    L.tick()
    after = stmt(w, L, "customs-decision", m, {"authority": "x", "port": "p", "declaration": "d", "hsCode": "h",
                                               "decision": "released", "reason": "r", "decidedAt": "2026-02-03T10:00:00Z"},
                 [w.customs])
    again = stmt(w, L, "lab-test", m, lab_predicate(m, tpp=15000), [w.lab])
    L.checkpoint()
    out.append(I("crl-revoked-lab-signs-after", L, 1, [("signer-revoked", again)], world=w,
                 shipments={"SHP-1": ok("unverifiable")}))
    out.append(I("bundle-crl-revoked-lab-signs-after", L, 1, [("signer-revoked", again)], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))

    # Permanent: a later CRL without the serial (removeFromCRL) does not reinstate it.
    w, L, S = base()
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    L.crl(make_crl(w.ica, [w.lab.serial], L.time, number=2))
    L.checkpoint()
    L.tick()
    L.crl(make_crl(w.ica, [], L.time, number=3))
    L.checkpoint()
    L.tick()
    s = stmt(w, L, "lab-test", m, lab_predicate(m), [w.lab])
    L.checkpoint()
    out.append(I("crl-revocation-permanent", L, 1, [("signer-revoked", s)], world=w))

    # A revoked intermediate invalidates every certificate under it.
    w = World(tag="revica")
    icab = make_cert(Key("revica-icab"), name("Lab Issuing CA", "Export Trust Authority"), issuer=w.root, ca=True,
                     path_len=0)
    lab = w.leaf("labb", "Lab Under B", LAB_O, ["lab"], issuer=icab)
    w, L, S = base(w, certs=[w.regulator, w.exporter, lab, w.customs])
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    L.crl(make_crl(w.root, [icab.serial], L.time))
    L.checkpoint()
    L.tick()
    s = stmt(w, L, "lab-test", m, lab_predicate(m), [lab])
    L.checkpoint()
    out.append(I("crl-revoked-intermediate", L, 1, [("signer-revoked", s)], world=w))

    # The revocation date lies years ahead: revocation still takes effect at the CRL record's position.
    w, L, S = base(World(tag="futurerev"))
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    L.crl(make_crl(w.ica, [w.lab.serial], L.time, revocation_date=t("2029-01-01T00:00:00Z")))
    L.checkpoint()
    L.tick()
    s = stmt(w, L, "lab-test", m, lab_predicate(m), [w.lab])
    L.checkpoint()
    out.append(I("crl-future-revocation-date-still-revokes", L, 1, [("signer-revoked", s)], world=w))

    # A certificate revoked before its registration.
    w, L, S = base()
    lab2 = w.leaf("lab2", "Lab Signer Two", LAB_O, ["lab"])
    L.crl(make_crl(w.ica, [lab2.serial], L.time))
    L.checkpoint()
    L.tick()
    c = L.cert(lab2)
    L.checkpoint()
    out.append(I("crl-cert-registered-after-revocation", L, 1, [("cert-revoked", c)], world=w))
    return out


@case
def crl_issuers():
    out = []
    # CRL signed by a non-CA (a leaf naming itself issuer): void, and it must say so.
    w, L, S = base()
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    crl = L.crl(make_crl(w.customs, [w.lab.serial], L.time))
    L.checkpoint()
    L.tick()
    stmt(w, L, "lab-test", m, lab_predicate(m), [w.lab])
    L.checkpoint()
    out.append(I("crl-issuer-leaf", L, 1, [("crl-issuer-not-ca", crl)], world=w))

    # CRL signed by a CA whose keyUsage lacks cRLSign.
    w = World(tag="nocrlsign")
    icab = make_cert(Key("nocrlsign-icab"), name("Issuing CA No CRLSign", "Export Trust Authority"), issuer=w.root,
                     ca=True, path_len=0, key_usage={"key_cert_sign": True})
    lab = w.leaf("labn", "Lab Under NoCRLSign", LAB_O, ["lab"], issuer=icab)
    w, L, S = base(w, certs=[w.regulator, w.exporter, lab, w.customs])
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    crl = L.crl(make_crl(icab, [lab.serial], L.time))
    L.checkpoint()
    L.tick()
    stmt(w, L, "lab-test", m, lab_predicate(m), [lab])
    L.checkpoint()
    out.append(I("crl-issuer-without-crlsign", L, 1, [("crl-issuer-not-ca", crl)], world=w))

    # CRL by a CA the ledger never saw.
    w, L, S = base()
    other = make_cert(Key("stranger-root"), name("Stranger Root", "Elsewhere"), ca=True, path_len=1)
    crl = L.crl(make_crl(other, [w.lab.serial], L.time))
    L.checkpoint()
    out.append(I("crl-issuer-unknown", L, 1, [("crl-issuer-unknown", crl)], world=w))

    # CRL naming the issuing CA but signed by another key.
    w, L, S = base()
    crl = L.crl(make_crl(w.ica, [w.lab.serial], L.time, signer_key=Key("forger")))
    L.checkpoint()
    L.tick()
    m = manifest("SHP-1")
    ship(w, L, m=m)
    out.append(I("crl-forged-signature", L, 1, [("crl-signature-invalid", crl)], world=w,
                 shipments={"SHP-1": ok()}))
    return out


# ------------------------------------------------------------------------------------ signer profile

@case
def signer_profile():
    out = []
    w = World(tag="catrue")
    calab = make_cert(Key("catrue-lab"), name("Lab CA Signer", LAB_O), issuer=w.root, ca=True, path_len=0,
                      roles=["lab"])
    w, L, S = base(w, certs=[w.regulator, w.exporter, calab, w.customs])
    m = manifest("SHP-1")
    s = ship(w, L, m=m, signers={"lab": [calab]})
    out.append(I("signer-ca-true", L, 1, [("signer-not-leaf", s["lab"])], world=w,
                 shipments={"SHP-1": ok("unverifiable")}))
    out.append(I("bundle-signer-ca-true", L, 1, [("signer-not-leaf", s["lab"])], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))

    for label, ku in (("content-commitment", {"content_commitment": True}),
                      ("key-agreement", {"key_agreement": True})):
        w = World(tag="ku" + label)
        lab = w.leaf("labku", "Lab KU " + label, LAB_O, ["lab"], key_usage=ku)
        w, L, S = base(w, certs=[w.regulator, w.exporter, lab, w.customs])
        m = manifest("SHP-1")
        s = ship(w, L, m=m, signers={"lab": [lab]})
        out.append(I("signer-key-usage-" + label, L, 1, [("signer-key-usage", s["lab"])], world=w))
        if label == "content-commitment":
            out.append(I("bundle-signer-key-usage", L, 1, [("signer-key-usage", s["lab"])], world=w,
                         bundle=L.bundle("SHP-1", [LICENSE])))
    return out


# ----------------------------------------------------------------------------------------- witnesses

@case
def witnesses():
    out = []
    W2 = policy_text(requiredWitnesses=2)

    # Two auditor certificates of one key (same name) count as one witness.
    w = World(tag="wit1")
    aud_b = w.leaf("auditor", "Independent Auditor 1", "Audit Partners LLP", ["auditor"], serial_tag="second")
    w, L, S = base(w, extra_certs=[aud_b])
    s = ship(w, L)
    cp = s["cp"]
    L.cosignature(cp, [{"cert": w.auditor, "ts": int(L.time.timestamp())},
                       {"cert": aud_b, "ts": int(L.time.timestamp()) + 1}])
    out.append(I("witness-two-certs-one-key", L, 1, [("insufficient-witnesses", cp)], policy=W2, world=w))

    # One key under two names.
    w = World(tag="wit2")
    aud_b = make_cert(w.auditor.key, name("Second Auditor Name", "Other Audit Co"), issuer=w.ica, roles=["auditor"],
                      serial_tag="wit2-other-name")
    w, L, S = base(w, extra_certs=[aud_b])
    s = ship(w, L)
    cp = s["cp"]
    L.cosignature(cp, [w.auditor, aud_b])
    out.append(I("witness-one-key-two-names", L, 1, [("insufficient-witnesses", cp)], policy=W2, world=w))
    out.append(I("bundle-witness-one-key-two-names", L, 1, [("insufficient-witnesses", cp)], policy=W2, world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))

    # Two witnesses who cosigned separately satisfy requiredWitnesses 2.
    w = World(tag="wit3")
    aud2 = w.leaf("auditor2", "Independent Auditor 2", "Second Audit LLP", ["auditor"])
    w, L, S = base(w, extra_certs=[aud2])
    s = ship(w, L)
    cp = s["cp"]
    L.cosignature(cp, [w.auditor])
    L.tick()
    L.cosignature(cp, [aud2])
    out.append(I("witness-two-separate-records-ok", L, 0, policy=W2, world=w, shipments={"SHP-1": ok()}))

    # Two witnesses in one record: the baseline.
    w = World(tag="wit4")
    aud2 = w.leaf("auditor2", "Independent Auditor 2", "Second Audit LLP", ["auditor"])
    w, L, S = base(w, extra_certs=[aud2])
    s = ship(w, L)
    L.cosignature(s["cp"], [w.auditor, aud2])
    out.append(I("witness-two-in-one-record-ok", L, 0, policy=W2, world=w))

    # requiredWitnesses 1 and none.
    w, L, S = base(World(tag="wit5"))
    s = ship(w, L)
    out.append(I("witness-required-none-given", L, 1, [("insufficient-witnesses", s["cp"])],
                 policy=policy_text(requiredWitnesses=1), world=w))

    # Cosignature timestamp earlier than the checkpoint record's time.
    w, L, S = base(World(tag="wit6"))
    s = ship(w, L)
    cp = s["cp"]
    cp_time = int(t(json.loads(L.lines[cp])["time"][:19] + "Z").timestamp())
    c = L.cosignature(cp, [{"cert": w.auditor, "ts": cp_time - 3600}])
    out.append(I("cosignature-before-checkpoint", L, 1, [("cosignature-invalid", c)], world=w))

    # Witness certificate expired at the cosignature record's time.
    w = World(tag="wit7")
    aud = w.leaf("auditor-exp", "Expiring Auditor", "Audit Partners LLP", ["auditor"],
                 not_after=t("2026-02-02T12:00:00Z"))
    w, L, S = base(w, extra_certs=[aud])
    s = ship(w, L)
    L.set_time("2026-02-02T13:00:00Z")
    c = L.cosignature(s["cp"], [aud])
    out.append(I("cosignature-witness-expired", L, 1, [("cosignature-invalid", c)], world=w))

    # Witness certificate revoked before the cosignature.
    w, L, S = base(World(tag="wit8"))
    s = ship(w, L, checkpoint=False)
    L.crl(make_crl(w.ica, [w.auditor.serial], L.time))
    cp = L.checkpoint()
    L.tick()
    c = L.cosignature(cp, [w.auditor])
    out.append(I("cosignature-witness-revoked", L, 1, [("cosignature-invalid", c)], world=w))

    # A cosignature record whose only line is by an unregistered witness key.
    w, L, S = base(World(tag="wit9"))
    s = ship(w, L)
    stranger = w.leaf("auditor-unreg", "Unregistered Auditor", "Shadow Audit", ["auditor"])
    c = L.cosignature(s["cp"], [stranger])
    out.append(I("cosignature-unregistered-witness", L, 1, [("cosignature-invalid", c)], world=w))

    # A registered witness whose line carries a broken signature.
    w, L, S = base(World(tag="wit10"))
    s = ship(w, L)
    text_ = L.checkpoints[s["cp"]]
    good = cosig_line(w.auditor, text_, int(L.time.timestamp()))
    raw = bytearray(base64.b64decode(good.split(" ")[2]))
    raw[-1] ^= 1
    bad = "\u2014 %s %s\n" % (good.split(" ")[1], b64(bytes(raw)))
    c = L.cosignature(s["cp"], [], extra_lines=bad)
    out.append(I("cosignature-broken-signature", L, 1, [("cosignature-invalid", c)], world=w))

    # A witness certificate registered only after the checkpoint it cosigns.
    w = World(tag="wit11")
    late = w.leaf("auditor-late", "Late Auditor", "Audit Partners LLP", ["auditor"])
    w, L, S = base(w)
    s = ship(w, L)
    cp = s["cp"]
    L.cert(late)
    L.checkpoint()
    L.tick()
    c = L.cosignature(cp, [late])
    out.append(I("cosignature-witness-registered-after-checkpoint", L, 1, [("cosignature-invalid", c)], world=w))

    # A lab (not auditor) certificate's key as witness.
    w, L, S = base(World(tag="wit12"))
    s = ship(w, L)
    c = L.cosignature(s["cp"], [w.lab])
    out.append(I("cosignature-non-auditor-witness", L, 1, [("cosignature-invalid", c)], world=w))

    # The cosignature record names a statement's seq, not a checkpoint.
    w, L, S = base(World(tag="wit13"))
    s = ship(w, L)
    text_ = L.checkpoints[s["cp"]]
    note = L.notes[s["cp"]] + cosig_line(w.auditor, text_, int(L.time.timestamp()))
    c = L.add({"type": "cosignature", "checkpoint": s["supply"], "note": note})
    out.append(I("cosignature-names-non-checkpoint", L, 1, [("cosignature-invalid", c)], world=w))

    # A cosigned text that is not the named checkpoint's (another root).
    w, L, S = base(World(tag="wit14"))
    s = ship(w, L)
    fake = checkpoint_text(L.origin, s["cp"], sha256(b"another history"))
    c = L.cosignature(s["cp"], [w.auditor], note_text=fake)
    out.append(I("cosignature-other-checkpoint-text", L, 1, [("cosignature-invalid", c)], world=w))
    return out


# ---------------------------------------------------------------------------------------- retractions

def retraction_case(tag, target_signer_factory, retractor_factory, subject=None, digest=None):
    w = World(tag=tag)
    target_signer = target_signer_factory(w)
    retractor = retractor_factory(w)
    certs = [w.regulator, w.exporter, w.customs] + [c for c in {id(x): x for x in [target_signer, retractor]}.values()]
    w, L, S = base(w, certs=certs)
    m = manifest("SHP-1")
    s = ship(w, L, m=m, steps=("supply",))
    lab_s = stmt(w, L, "lab-test", m, lab_predicate(m, result="fail", tpp=22000), [target_signer])
    L.checkpoint()
    L.tick()
    r = L.statement(sign_statement("retraction", subject or "shipment:SHP-1", digest or s["digest"],
                                   retraction_predicate(L.line_hash(lab_s)), [retractor]))
    L.checkpoint()
    return w, L, r


@case
def retractions():
    out = []
    lab2 = lambda w: w.leaf("lab2", "Lab Signer Renewed", LAB_O, ["lab"])
    w, L, r = retraction_case("retok", lambda w: w.lab, lab2)
    out.append(I("retraction-renewed-key-ok", L, 0, world=w, shipments={"SHP-1": ok("pending")},
                 note="same O= and role, renewed key: a valid retraction of a failed test (pending: no lab test left)"))
    w, L, r = retraction_case("retnoo",
                              lambda w: w.leaf("labnoo1", "Lab Without Org One", None, ["lab"]),
                              lambda w: w.leaf("labnoo2", "Lab Without Org Two", None, ["lab"]))
    out.append(I("retraction-no-organisation", L, 1, [("retraction-invalid", r)], world=w))
    out.append(I("bundle-retraction-no-organisation", L, 1, [("retraction-invalid", r)], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    w, L, r = retraction_case("retnoo2", lambda w: w.lab,
                              lambda w: w.leaf("labnoo3", "Lab Without Org", None, ["lab"]))
    out.append(I("retraction-signer-without-organisation", L, 1, [("retraction-invalid", r)], world=w))
    w, L, r = retraction_case("retdiffo", lambda w: w.lab,
                              lambda w: w.leaf("labother", "Other Lab Signer", "Rival Test House", ["lab"]))
    out.append(I("retraction-other-organisation", L, 1, [("retraction-invalid", r)], world=w))
    w, L, r = retraction_case("retrole", lambda w: w.lab,
                              lambda w: w.leaf("labcustoms", "Lab Org Customs Role", LAB_O, ["customs"]))
    out.append(I("retraction-other-role", L, 1, [("retraction-invalid", r)], world=w))
    w, L, r = retraction_case("retname", lambda w: w.lab, lab2, subject="shipment:SHP-2")
    out.append(I("retraction-other-subject-name", L, 1, [("retraction-invalid", r)], world=w))
    w, L, r = retraction_case("retdig", lambda w: w.lab, lab2, digest=sha256(b"other manifest").hex())
    out.append(I("retraction-other-subject-digest", L, 1, [("retraction-invalid", r)], world=w))

    # The exporter retracts the lab's failing test (another organisation and role).
    w, L, r = retraction_case("retexp", lambda w: w.lab, lambda w: w.exporter)
    out.append(I("retraction-by-exporter-of-lab-test", L, 1, [("retraction-invalid", r)], world=w))
    out.append(I("bundle-retraction-by-exporter-of-lab-test", L, 1, [("retraction-invalid", r)], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))

    # Retraction of a retraction.
    w, L, S = base(World(tag="retret"))
    m = manifest("SHP-1")
    s = ship(w, L, m=m, steps=("supply", "lab"))
    r1 = stmt(w, L, "retraction", m, retraction_predicate(L.line_hash(s["lab"])), [w.lab])
    r2 = stmt(w, L, "retraction", m, retraction_predicate(L.line_hash(r1)), [w.lab])
    L.checkpoint()
    out.append(I("retraction-of-retraction", L, 1, [("retraction-invalid", r2)], world=w))

    # Of a certificate record, a CRL record, a checkpoint, and of a hash no earlier line has (a later record:
    # a line's hash cannot be known before the lines it chains to are written).
    for what in ("certificate", "crl", "checkpoint", "unknown"):
        w, L, S = base(World(tag="ret" + what))
        m = manifest("SHP-1")
        s = ship(w, L, m=m, steps=("supply",))
        if what == "crl":
            target = L.line_hash(L.crl(make_crl(w.ica, [], L.time)))
        elif what == "certificate":
            target = L.line_hash(S["cert:Export Compliance Officer"])
        elif what == "checkpoint":
            target = L.line_hash(S["cp1"])
        else:
            target = sha256(b"a record that comes later").hex()
        r = stmt(w, L, "retraction", m, retraction_predicate(target), [w.exporter])
        L.checkpoint()
        out.append(I("retraction-of-" + what, L, 1, [("retraction-invalid", r)], world=w))
    return out


# ----------------------------------------------------------------------------------------- duplicates

@case
def duplicates():
    out = []
    # The same Ed25519 envelope twice.
    w, L, S = base(World(tag="dup1"))
    m = manifest("SHP-1")
    mb = manifest_bytes(m)
    env = shipment_envs(w, m)[0]
    L.statement(env)
    d = L.statement(env)
    L.checkpoint()
    out.append(I("duplicate-envelope-identical", L, 1, [("duplicate-statement", d)], world=w))

    # ECDSA: the same payload signed afresh (randomised signature bytes).
    w = World(alg="p256", tag="dup2")
    w, L, S = base(w)
    m = manifest("SHP-1")
    env = shipment_envs(w, m)[0]
    payload = base64.b64decode(env["payload"])
    L.statement(env)
    d = L.statement(envelope(payload, [w.exporter]))
    L.checkpoint()
    out.append(I("duplicate-ecdsa-resigned", L, 1, [("duplicate-statement", d)], world=w))
    out.append(I("bundle-duplicate-ecdsa-resigned", L, 1, [("duplicate-statement", d)], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))

    # ECDSA s -> n - s.
    for alg in ("p256", "p384"):
        w = World(alg=alg, tag="dup3" + alg)
        w, L, S = base(w)
        m = manifest("SHP-1")
        env = shipment_envs(w, m)[0]
        L.statement(env)
        env2 = copy.deepcopy(env)
        sig = base64.b64decode(env2["signatures"][0]["sig"])
        env2["signatures"][0]["sig"] = b64(malleate_ecdsa(sig, alg))
        d = L.statement(env2)
        L.checkpoint()
        out.append(I("duplicate-ecdsa-malleated-" + alg, L, 1, [("duplicate-statement", d)], world=w))

    # The same signature listed twice in the second envelope.
    w, L, S = base(World(tag="dup4"))
    m = manifest("SHP-1")
    env = shipment_envs(w, m)[0]
    L.statement(env)
    env2 = copy.deepcopy(env)
    env2["signatures"] = env2["signatures"] * 2
    d = L.statement(env2)
    L.checkpoint()
    out.append(I("duplicate-signature-listed-twice", L, 1, [("duplicate-statement", d)], world=w))

    # The same payload, base64url instead of standard base64: the same envelope.
    w, L, S = base(World(tag="dup5"))
    m = manifest("SHP-1", serials=["H200-???-%04d" % i for i in range(8)])
    env = shipment_envs(w, m)[1]
    L.statement(env)
    env2 = copy.deepcopy(env)
    env2["payload"] = base64.urlsafe_b64encode(base64.b64decode(env["payload"])).decode().rstrip("=")
    assert env2["payload"] != env["payload"].rstrip("=")
    d = L.statement(env2)
    L.checkpoint()
    out.append(I("duplicate-payload-reencoded", L, 1, [("duplicate-statement", d)], world=w))

    # The same payload under a different signer set is not a duplicate (counts once).
    w = World(tag="dup6")
    exp2 = w.leaf("exporter2", "Second Export Officer", EXPORTER_O, ["exporter"])
    w, L, S = base(w, extra_certs=[exp2])
    m = manifest("SHP-1")
    envs = shipment_envs(w, m)
    payload = base64.b64decode(envs[0]["payload"])
    L.statement(envs[0])
    L.statement(envelope(payload, [w.exporter, exp2]))
    L.statement(envs[1])
    L.statement(envs[2])
    L.checkpoint()
    out.append(I("same-claim-other-signer-set-ok", L, 0, world=w, shipments={"SHP-1": ok()}))
    return out


# --------------------------------------------------------------------------------------------- lines

def ledger_with_raw(tag, make_line):
    """Honest ledger in which one record's line is replaced by make_line(canonical_line); later records
    chain to its bytes (a hostile operator writes it so)."""
    w, L, S = base(World(tag=tag))
    m = manifest("SHP-1")
    mb = manifest_bytes(m)
    envs = shipment_envs(w, m)
    L.statement(envs[0])
    probe = Ledger.__new__(Ledger)
    rec = {"v": 1, "seq": L.seq, "time": rfc3339(L.time), "prev": L.prev(), "type": "statement", "envelope": envs[1]}
    bad = L.add_raw(make_line(jcs(rec)))
    L.statement(envs[2])
    L.checkpoint()
    return w, L, bad


@case
def lines():
    out = []
    w, L, bad = ledger_with_raw("cr1", lambda s: s.replace('","', '",\r"', 1).encode())
    out.append(I("line-cr-in-json-whitespace", L, 1, [("malformed-line", bad)], world=w,
                 note="today's code for a CR in the line (CRLF) is malformed-line"))
    w, L, bad = ledger_with_raw("cr2", lambda s: (s + "\r").encode())
    out.append(I("line-crlf", L, 1, [("malformed-line", bad)], world=w))
    w, L, bad = ledger_with_raw("cr3", lambda s: s.replace('"statement"', '"state\rment"').encode())
    out.append(I("line-raw-cr-in-string", L, 1, [("malformed-line", bad)], world=w,
                 note="no CR anywhere in a line: the line rule (malformed-line) comes before JSON parsing"))
    w, L, bad = ledger_with_raw("lead", lambda s: (" " + s).encode())
    out.append(I("line-leading-space", L, 1, [("malformed-line", bad)], world=w))
    w, L, bad = ledger_with_raw("dupkey", lambda s: s.replace('{"envelope"', '{"type":"statement","envelope"', 1).encode())
    out.append(I("line-duplicate-key", L, 1, [("duplicate-key", bad)], world=w))
    w, L, bad = ledger_with_raw("utf8", lambda s: s.replace('"statement"', '"statement","x":"\xff"').encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    out.append(I("line-invalid-utf8", L, 1, [("invalid-utf8", bad)], world=w))
    w, L, bad = ledger_with_raw("twoobj", lambda s: (s + s).encode())
    out.append(I("line-two-objects", L, 1, [("invalid-json", bad)], world=w))

    # "é" (U+00E9) and "e\u0301" are two distinct JSON names: no duplicate-key, in a record and in a predicate.
    w, L, S = base(World(tag="nfc1"))
    m = manifest("SHP-1", extra={"note\u00e9": "one", "notee\u0301": "two"})
    s = ship(w, L, m=m)
    out.append(I("json-names-differ-by-normalisation-ok", L, 0, world=w, shipments={"SHP-1": ok()}))
    w, L, S = base(World(tag="nfc2"))
    m = manifest("SHP-1")
    envs = shipment_envs(w, m)
    for e in envs:
        L.add({"type": "statement", "envelope": e, "x\u00e9": 1, "xe\u0301": 2})
    L.checkpoint()
    out.append(I("record-names-differ-by-normalisation-ok", L, 0, world=w, shipments={"SHP-1": ok()}))
    # The real duplicate beside them is still a duplicate.
    w, L, bad = ledger_with_raw("nfc3", lambda s: s.replace('{"envelope"', '{"x\u00e9":1,"x\u00e9":2,"envelope"', 1).encode())
    out.append(I("record-names-equal-duplicate-key", L, 1, [("duplicate-key", bad)], world=w))

    # Shipment ids that differ only by normalisation are two shipments.
    w, L, S = base(World(tag="nfc4"))
    s1 = ship(w, L, sid="SHP-caf\u00e9")
    s2 = ship(w, L, sid="SHP-cafe\u0301")
    out.append(I("shipment-ids-differ-by-normalisation", L, 0, world=w,
                 shipments={"SHP-caf\u00e9": ok(), "SHP-cafe\u0301": ok()}))
    return out


# ---------------------------------------------------------------------------------------------- time

@case
def times():
    out = []
    for label, raw, code in (("12-digit-fraction", "2026-02-02T09:30:00.123456789012Z", None),
                             ("no-fraction", "2026-02-02T09:30:00Z", None),
                             ("1-digit-fraction", "2026-02-02T09:30:00.5Z", None),
                             ("leap-second", "2026-02-02T09:29:60Z", "invalid-time"),
                             ("offset-not-z", "2026-02-02T09:30:00+00:00", "invalid-time"),
                             ("lowercase-z", "2026-02-02T09:30:00z", "invalid-time"),
                             ("empty-fraction", "2026-02-02T09:30:00.Z", "invalid-time"),
                             ("hour-24", "2026-02-02T24:00:00Z", "invalid-time"),
                             ("february-30", "2026-02-30T09:30:00Z", "invalid-time")):
        w, L, S = base(World(tag="time" + label))
        m = manifest("SHP-1")
        envs = shipment_envs(w, m)
        L.set_time("2026-02-02T09:20:00Z")
        L.statement(envs[0])
        s = L.add({"type": "statement", "envelope": envs[1]}, raw_time=raw)
        L.set_time("2026-02-02T09:40:00Z")
        L.statement(envs[2])
        L.checkpoint()
        if code:
            out.append(I("time-" + label, L, 1, [(code, s)], world=w))
        else:
            out.append(I("time-" + label + "-ok", L, 0, world=w, shipments={"SHP-1": ok()}))
    w, L, S = base(World(tag="timereg"))
    m = manifest("SHP-1")
    envs = shipment_envs(w, m)
    L.set_time("2026-02-02T09:30:00Z")
    L.statement(envs[0])
    s = L.add({"type": "statement", "envelope": envs[1]}, raw_time="2026-02-02T09:29:59.999Z")
    L.statement(envs[2])
    L.checkpoint()
    out.append(I("time-regression", L, 1, [("time-regression", s)], world=w))
    return out


# ------------------------------------------------------------------------------------------- classic

@case
def chain():
    out = []
    w, L, S = base(World(tag="prev"))
    m = manifest("SHP-1")
    envs = shipment_envs(w, m)
    L.statement(envs[0])
    s = L.add({"type": "statement", "envelope": envs[1]}, prev=sha256(b"x").hex())
    L.statement(envs[2])
    L.checkpoint()
    out.append(I("chain-prev-tampered", L, 1, [("prev-mismatch", s)], world=w))

    w, L, S = base(World(tag="seq"))
    envs = shipment_envs(w, manifest("SHP-1"))
    L.statement(envs[0])
    s = L.add({"type": "statement", "envelope": envs[1]}, seq=L.seq + 1)
    L.statement(envs[2])
    L.checkpoint()
    out.append(I("chain-seq-skipped", L, 1, [("seq-mismatch", s)], world=w))

    w, L, S = base(World(tag="ver"))
    envs = shipment_envs(w, manifest("SHP-1"))
    s = L.add({"type": "statement", "envelope": envs[0]}, v=2)
    L.checkpoint()
    out.append(I("record-version-2", L, 1, [("unsupported-version", s)], world=w))

    w, L, S = base(World(tag="rtype"))
    s = L.add({"type": "shipment-notice", "text": "hello"})
    L.checkpoint()
    out.append(I("record-unknown-type", L, 1, [("unknown-record-type", s)], world=w))

    w, L, S = base(World(tag="gen2"))
    s = L.add({"type": "genesis", "prev": None, "origin": L.origin, "anchors": [w.root.fingerprint],
               "operator": b64(w.operator.der), "chain": [b64(w.ica.der)]})
    L.checkpoint()
    out.append(I("second-genesis", L, 1, [("unexpected-genesis", s), ("prev-mismatch", s)], world=w))

    w = World(tag="nocp")
    L = w.ledger()
    L.cert(w.lab)
    out.append(I("no-checkpoint", L, 1, [("no-checkpoint", 0)], world=w))

    w, L, S = base(World(tag="torn"))
    ship(w, L)
    L.tail = b'{"v":1,"seq":%d,"type":"statement"' % L.seq
    out.append(I("torn-tail", L, 1, [("torn-tail", L.seq)], world=w))
    return out


@case
def checkpoints():
    out = []
    variants = {
        "root": dict(root=sha256(b"another tree"), code="checkpoint-root-mismatch"),
        "size": dict(text_size=None, code="checkpoint-size-mismatch"),
        "origin": dict(origin="ledger.other.example/h200-2026", code="checkpoint-origin-mismatch"),
        "foreign-key": dict(key=Key("foreign-operator"), code="checkpoint-signature-invalid"),
    }
    for label, v in variants.items():
        w, L, S = base(World(tag="cp" + label))
        ship(w, L, checkpoint=False)
        kw = {k: x for k, x in v.items() if k != "code"}
        if label == "size":
            kw["text_size"] = L.seq - 1
        cp = L.checkpoint(**kw)
        alt = [[("checkpoint-origin-mismatch", cp), ("checkpoint-signature-invalid", cp)]] if label == "origin" else []
        out.append(I("checkpoint-" + label, L, 1, [] if alt else [(v["code"], cp)], world=w,
                     any_errors=alt))

    # The operator's real key id but a broken signature.
    w, L, S = base(World(tag="cpbroken"))
    ship(w, L, checkpoint=False)
    text_ = checkpoint_text(L.origin, L.seq, L.root())
    line = note_sig_line(L.origin, w.operator.key, text_)
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[10] ^= 0x40
    cp = L.checkpoint(sign=False, extra_sig_lines="\u2014 %s %s\n" % (L.origin, b64(bytes(raw))))
    out.append(I("checkpoint-broken-signature", L, 1, [("checkpoint-signature-invalid", cp)], world=w))

    # A second (unregistered) operator key signs a later checkpoint alone.
    w, L, S = base(World(tag="cp2key"))
    ship(w, L, checkpoint=False)
    rogue = w.leaf("operator-rogue", "Rogue Operator", "Export Ledger Office", ["operator"])
    cp = L.checkpoint(key=rogue.key)
    out.append(I("checkpoint-unregistered-operator-rotation", L, 1, [("checkpoint-signature-invalid", cp)], world=w))

    # Rotation to a registered operator certificate: fine.
    w = World(tag="cprot")
    op2 = w.leaf("operator2", "Trade Ledger Operator 2", "Export Ledger Office", ["operator"])
    w, L, S = base(w, extra_certs=[op2])
    ship(w, L, checkpoint=False)
    L.checkpoint(key=op2.key)
    out.append(I("checkpoint-registered-operator-rotation-ok", L, 0, world=w, shipments={"SHP-1": ok()}))

    # Rotation to a registered Ed25519 certificate without the operator role.
    w = World(tag="cprotrole")
    notop = w.leaf("notoperator", "Not An Operator", "Export Ledger Office", ["customs"])
    w, L, S = base(w, extra_certs=[notop])
    ship(w, L, checkpoint=False)
    cp = L.checkpoint(key=notop.key)
    out.append(I("checkpoint-rotation-without-operator-role", L, 1, [("checkpoint-signature-invalid", cp)], world=w))

    # A trailing cosignature-only batch is not an uncheckpointed tail; a statement after the last
    # checkpoint is (a warning).
    w, L, S = base(World(tag="tail"))
    ship(w, L, checkpoint=False)
    out.append(I("uncheckpointed-tail-warning", L, 0, world=w, warnings=[("uncheckpointed-tail", L.seq - 3)]))
    return out


@case
def signers():
    out = []
    # Unknown signer.
    w, L, S = base(World(tag="unk"))
    lab2 = w.leaf("lab-unreg", "Unregistered Lab", LAB_O, ["lab"])
    s = ship(w, L, signers={"lab": [lab2]})
    out.append(I("signer-unknown", L, 1, [("unknown-signer", s["lab"])], world=w,
                 shipments={"SHP-1": ok("unverifiable")}))
    # Signer before registration.
    w, L, S = base(World(tag="early"))
    lab2 = w.leaf("lab-early", "Early Lab", LAB_O, ["lab"])
    s = ship(w, L, signers={"lab": [lab2]}, checkpoint=False)
    L.cert(lab2)
    L.checkpoint()
    out.append(I("signer-before-registration", L, 1, [("unknown-signer", s["lab"])], world=w))
    # Signer after expiry.
    w = World(tag="exp")
    labx = w.leaf("lab-exp", "Expiring Lab", LAB_O, ["lab"], not_after=t("2026-02-02T12:00:00Z"))
    w, L, S = base(w, certs=[w.regulator, w.exporter, labx, w.customs])
    m = manifest("SHP-1")
    ship(w, L, m=m, steps=("supply",))
    L.set_time("2026-02-02T12:00:01Z")
    s = stmt(w, L, "lab-test", m, lab_predicate(m), [labx])
    L.checkpoint()
    out.append(I("signer-expired", L, 1, [("signer-expired", s)], world=w))
    out.append(I("bundle-signer-expired", L, 1, [("signer-expired", s)], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    # A certificate registered while not yet valid.
    w = World(tag="nyv")
    laby = w.leaf("lab-nyv", "Future Lab", LAB_O, ["lab"], not_before=t("2026-06-01T00:00:00Z"))
    w, L, S = base(w)
    c = L.cert(laby)
    L.checkpoint()
    out.append(I("cert-not-yet-valid-at-registration", L, 1, [("cert-not-yet-valid", c)], world=w))
    # Certificate from another root.
    w, L, S = base(World(tag="foreign"))
    other_root = make_cert(Key("foreign-root"), name("Foreign Root", "Elsewhere"), ca=True, path_len=1)
    foreign = make_cert(Key("foreign-lab"), name("Foreign Lab", LAB_O), issuer=other_root, roles=["lab"])
    c = L.cert(foreign, chain=[])
    L.checkpoint()
    out.append(I("cert-from-untrusted-root", L, 1, [("unknown-issuer", c)], world=w))
    # Wrong role: customs signs a lab test.
    w, L, S = base(World(tag="role"))
    s = ship(w, L, signers={"lab": [w.customs]})
    out.append(I("signer-wrong-role", L, 1, [("role-not-permitted", s["lab"])], world=w,
                 shipments={"SHP-1": ok("unverifiable")}))
    out.append(I("bundle-signer-wrong-role", L, 1, [("role-not-permitted", s["lab"])], world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    # Role URIs are exact: "Lab" and a trailing space are not the lab role.
    for label, uri_role in (("uppercase", "Lab"), ("trailing-space", "lab "), ("prefix", "laboratory")):
        w = World(tag="roleuri" + label)
        lab = w.leaf("lab-uri", "Lab Role " + label, LAB_O, [uri_role])
        w, L, S = base(w, certs=[w.regulator, w.exporter, lab, w.customs])
        s = ship(w, L, signers={"lab": [lab]})
        out.append(I("signer-role-uri-" + label, L, 1, [("role-not-permitted", s["lab"])], world=w))
    return out


def one_envelope_case(tag, mutate, code, exact=True, alg="ed25519"):
    w = World(tag=tag, alg=alg)
    lab2 = w.leaf("lab2", "Lab Co-signer", LAB_O, ["lab"], alg=alg)
    w, L, S = base(w, extra_certs=[lab2])
    m = manifest("SHP-1", serials=["H200-???-%04d" % i for i in range(8)])
    envs = shipment_envs(w, m, signers={"lab": [w.lab, lab2]})
    L.statement(envs[0])
    env = mutate(copy.deepcopy(envs[1]), w, lab2)
    s = L.statement(env)
    L.statement(envs[2])
    L.checkpoint()
    return w, L, s


def flip_sig(sig):
    raw = bytearray(base64.b64decode(sig))
    raw[len(raw) // 2] ^= 0x01
    return b64(bytes(raw))


@case
def envelopes():
    out = []
    def strip_all(e, w, lab2):
        e["signatures"] = []
        return e

    def strip_cosig_bytes(e, w, lab2):
        e["signatures"][1]["sig"] = ""
        return e

    def broken(e, w, lab2):
        e["signatures"][0]["sig"] = flip_sig(e["signatures"][0]["sig"])
        return e

    def broken_cosig(e, w, lab2):
        e["signatures"][1]["sig"] = flip_sig(e["signatures"][1]["sig"])
        return e

    def noise_registered(e, w, lab2):
        e["signatures"] = [e["signatures"][0], {"keyid": lab2.fingerprint, "sig": b64(bytes(range(64)))}]
        return e

    def noise_unknown(e, w, lab2):
        e["signatures"].append({"keyid": sha256(b"nobody").hex(), "sig": b64(bytes(64))})
        return e

    def wrong_type(e, w, lab2):
        payload = base64.b64decode(e["payload"])
        return envelope(payload, [w.lab, lab2], payload_type="application/json")

    def mixed_b64(e, w, lab2):
        p = e["payload"]
        i = next(k for k, ch in enumerate(p) if ch in "+/")
        assert any(ch in "+/" for ch in p[i + 1:])
        e["payload"] = p[:i] + {"+": "-", "/": "_"}[p[i]] + p[i + 1:]
        return e

    def not_intoto(e, w, lab2):
        st = json.loads(base64.b64decode(e["payload"]))
        st["_type"] = "https://in-toto.io/Statement/v0.1"
        return envelope(jcs(st).encode(), [w.lab, lab2])

    def keyid_empty(e, w, lab2):
        e["signatures"][1]["keyid"] = ""
        return e

    for label, fn, code in (("all-signatures-stripped", strip_all, "no-signatures"),
                            ("cosignature-bytes-stripped", strip_cosig_bytes, "signature-invalid"),
                            ("signature-broken", broken, "signature-invalid"),
                            ("cosigner-signature-broken", broken_cosig, "signature-invalid"),
                            ("noise-signature-registered-keyid", noise_registered, "signature-invalid"),
                            ("noise-signature-unknown-keyid", noise_unknown, "unknown-signer"),
                            ("payload-type-wrong", wrong_type, "unsupported-payload-type"),
                            ("payload-base64-mixed", mixed_b64, "malformed-envelope"),
                            ("not-in-toto-statement", not_intoto, "not-in-toto-statement"),
                            ("keyid-empty", keyid_empty, "unknown-signer")):
        w, L, s = one_envelope_case("env" + label, fn, code)
        out.append(I("envelope-" + label, L, 1, [(code, s)], world=w))
        if label in ("signature-broken", "noise-signature-registered-keyid"):
            out.append(I("bundle-envelope-" + label, L, 1, [(code, s)], world=w,
                         bundle=L.bundle("SHP-1", [LICENSE])))
    # P-384 signature verified with SHA-256 is not accepted.
    def p384_sha256(e, w, lab2):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        payload = base64.b64decode(e["payload"])
        e["signatures"][0]["sig"] = b64(w.lab.key.priv.sign(pae(INTOTO, payload), ec.ECDSA(hashes.SHA256())))
        return e
    w, L, s = one_envelope_case("envp384sha256", p384_sha256, "signature-invalid", alg="p384")
    out.append(I("envelope-p384-signed-with-sha256", L, 1, [("signature-invalid", s)], world=w))

    # Supply statement whose embedded manifest does not hash to its subject digest.
    w, L, S = base(World(tag="mdig"))
    m = manifest("SHP-1")
    s = ship(w, L, m=m, steps=("supply",), supply=None, mbytes=None, checkpoint=False)
    m2 = manifest("SHP-1", quantity=9)
    mb2 = manifest_bytes(m2)
    from writer import supply_predicate
    bad = stmt(w, L, "supply-sufficiency", m, supply_predicate(mb2, m2), [w.exporter])
    L.checkpoint()
    out.append(I("supply-manifest-digest-mismatch", L, 1, [("manifest-digest-mismatch", bad)], world=w))
    return out


@case
def trust_and_history():
    out = []
    w, L = honest_with(tag="untrusted")
    stranger = make_cert(Key("stranger-root-2"), name("Stranger Root", "Elsewhere"), ca=True, path_len=1)
    out.append(I("untrusted-anchor-root-cause-only", L, 1,
                 [("anchor-not-in-genesis", 0), ("untrusted-ledger", 0), ("unverifiable-records", 1)],
                 trust=[stranger], world=w,
                 note="one untrusted-ledger at seq 0 and one unverifiable-records at seq 1, no per-record flood"))
    # A second trust anchor not listed in genesis beside the right one.
    w, L = honest_with(tag="extraanchor")
    out.append(I("trust-anchor-not-in-genesis", L, 1, [("anchor-not-in-genesis", 0)], trust=[w.root, stranger],
                 world=w))

    # Forked history: two ledgers share a prefix; --since an old checkpoint of the other.
    def fork(variant):
        w = World(tag="fork")
        w, L, S = base(w)
        ship(w, L, sid="SHP-1")
        if variant == "a":
            ship(w, L, sid="SHP-A")
        else:
            ship(w, L, sid="SHP-B")
        return w, L
    wa, La = fork("a")
    wb, Lb = fork("b")
    assert La.lines[:10] == Lb.lines[:10] and La.lines[-1] != Lb.lines[-1]
    since = Lb.notes[Lb.latest_checkpoint()]
    out.append(I("forked-history-since-other-checkpoint", La, 1,
                 [("inconsistent-with-checkpoint", Lb.latest_checkpoint() - 1)], since=since, world=wa,
                 note="seq: the last record inside the old checkpoint's tree"))
    out.append(I("since-own-old-checkpoint-ok", La, 0, since=La.notes[La.checkpoints and sorted(La.checkpoints)[-2]],
                 world=wa))
    return out


def build():
    cases = []
    for fn in CASES:
        cases.extend(fn())
    return cases


# ------------------------------------------------------------------------------ more hostile classes

@case
def algorithms():
    """Each algorithm has exactly one signature scheme (SPEC.md §10)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    out = []

    def resign(alg, fn):
        def mutate(e, w, lab2):
            payload = base64.b64decode(e["payload"])
            e["signatures"][0]["sig"] = b64(fn(w.lab.key.priv, pae(INTOTO, payload)))
            return e
        return mutate
    variants = [
        ("rsa-pkcs1v15", "rsa", lambda k, m: k.sign(m, padding.PKCS1v15(), hashes.SHA256())),
        ("rsa-pss-salt-20", "rsa", lambda k, m: k.sign(m, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=20),
                                                       hashes.SHA256())),
        ("rsa-pss-sha384", "rsa", lambda k, m: k.sign(m, padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=32),
                                                      hashes.SHA384())),
        ("p256-sha384", "p256", lambda k, m: k.sign(m, ec.ECDSA(hashes.SHA384()))),
    ]
    for label, alg, fn in variants:
        w, L, s = one_envelope_case("alg" + label, resign(alg, fn), "signature-invalid", alg=alg)
        out.append(I("signature-scheme-" + label, L, 1, [("signature-invalid", s)], world=w))
    return out


@case
def genesis_and_operator():
    out = []
    # The operator certificate is revoked; a later checkpoint it signs is not valid.
    w, L, S = base(World(tag="oprev"))
    ship(w, L, checkpoint=False)
    L.crl(make_crl(w.ica, [w.operator.serial], L.time))
    L.checkpoint()  # signed by the revoked genesis operator after the CRL
    cp = L.seq - 1
    out.append(I("checkpoint-by-revoked-operator", L, 1, [("checkpoint-signature-invalid", cp)], world=w))
    # Genesis operator certificate without the operator role.
    w = World(tag="oprole")
    notop = w.leaf("op-norole", "Not An Operator", "Export Ledger Office", ["customs"])
    L = w.ledger(operator=notop)
    L.checkpoint()
    out.append(I("genesis-operator-without-role", L, 1, [("operator-invalid", 0), ("checkpoint-signature-invalid", 1)],
                     world=w, note="no valid operator key: the first checkpoint cannot verify either"))
    # Origins with whitespace or '+'.
    for label, origin in (("plus", "ledger.example/h200+2026"), ("space", "ledger.example/h200 2026")):
        w = World(tag="origin" + label)
        w.origin = origin
        L = w.ledger()
        L.checkpoint()
        out.append(I("genesis-origin-" + label, L, 1, [("invalid-origin", 0), ("unverifiable-records", 1)], world=w))
    # A witness whose CN contains '+' cannot witness.
    w = World(tag="witplus")
    aud = w.leaf("auditor-plus", "Auditor+One", "Audit Partners LLP", ["auditor"])
    w, L, S = base(w, extra_certs=[aud])
    s = ship(w, L)
    c = L.cosignature(s["cp"], [aud])
    out.append(I("cosignature-witness-cn-with-plus", L, 1, [], world=w,
                 any_errors=[[("cosignature-invalid", c), ("malformed-note", c)]],
                 note="a C2SP key name cannot contain '+': the line is malformed or the cosignature invalid"))
    return out


@case
def line_limits():
    out = []
    w, L, bad = ledger_with_raw("toolong", lambda s: s.replace('{"envelope"', '{"pad":"%s","envelope"' % ("A" * (1 << 20)), 1).encode())
    out.append(I("line-longer-than-1-mib", L, 1, [("line-too-long", bad)], world=w))
    w, L, bad = ledger_with_raw("deep", lambda s: s.replace('{"envelope"', '{"deep":%s,"envelope"' % ("[" * 10000 + "]" * 10000), 1).encode())
    out.append(I("line-nested-10000-deep", L, 1, [("json-too-deep", bad)], world=w))
    return out


@case
def bundle_tampering():
    """Bundle-only hostility: the bundle's own structure."""
    out = []
    w, L = honest_with(tag="btamper")
    b = L.bundle("SHP-1", [LICENSE])
    lab_entry = next(e for e in b["entries"] if b"lab-test" in base64.b64decode(
        json.loads(base64.b64decode(e["line"])).get("envelope", {}).get("payload", "") or b"") if "envelope" in
        json.loads(base64.b64decode(e["line"])))
    lab_seq = lab_entry["seq"]

    bad = copy.deepcopy(b)
    e = next(x for x in bad["entries"] if x["seq"] == lab_seq)
    e["proof"][0] = b64(sha256(b"not a sibling"))
    out.append(I("bundle-inclusion-proof-tampered", L, 1, [("bundle-inclusion-invalid", lab_seq)], world=w,
                 bundle=bad, exact=False))

    bad = copy.deepcopy(b)
    cert_seq = next(s for s in range(len(L.lines)) if json.loads(L.lines[s]).get("cert") == b64(w.lab.der))
    bad["entries"] = [x for x in bad["entries"] if x["seq"] != cert_seq]
    out.append(I("bundle-signer-certificate-left-out", L, 1, [("bundle-entry-missing", lab_seq)], world=w,
                 bundle=bad, exact=False))

    bad = copy.deepcopy(b)
    i = next(k for k, x in enumerate(bad["entries"]) if x["seq"] == lab_seq)
    bad["entries"][i], bad["entries"][i - 1] = bad["entries"][i - 1], bad["entries"][i]
    out.append(I("bundle-entries-out-of-order", L, 1, [("bundle-entry-order", bad["entries"][i]["seq"])], world=w,
                 bundle=bad, exact=False))
    return out
