"""Compliance cases (issue 14): integrity intact, the per-shipment verdict must not be gamed."""

from corpus import LICENSE, Case, base, ok, policy_text, ship, stmt
from writer import (World, customs_predicate, lab_predicate, license_predicate, manifest, manifest_bytes,
                    retraction_predicate, sha256, supply_predicate, EXPORTER_O, LAB_O)

CASES = []
MAX63 = 2 ** 63 - 1


def case(fn):
    CASES.append(fn)
    return fn


def C(name, L, exit, shipments, errors=(), **kw):
    return Case(name, 14, L, exit, errors, shipments=shipments, **kw)


def V(*codes, exact=False):
    return ok("violation", codes, exact)


def ledger(max_quantity=1200, us_units=43500, tag="c", certs=None, extra_certs=(), license_kw=None, with_license=True):
    w = World(tag=tag)
    lp = license_predicate(max_quantity=max_quantity, **(license_kw or {}))
    w, L, S = base(w, certs=certs, extra_certs=extra_certs, license_pred=lp, with_license=with_license)
    return w, L, S


@case
def baseline():
    w, L, S = ledger(tag="base")
    ship(w, L)
    return [C("compliant-baseline", L, 0, {"SHP-1": ok(exact=True)}, world=w)]


@case
def manifest_quantity():
    out = []
    for label, q in (("zero", 0), ("negative", -5), ("huge", 10 ** 12), ("non-integer", 2.5), ("string", "8"),
                     ("int64-overflow", 2 ** 64)):
        w, L, S = ledger(tag="mq" + label)
        m = manifest("SHP-1", quantity=q)
        mb = manifest_bytes(m)
        # The supply predicate's own quantity stays a well-formed integer: only the manifest is at fault.
        sq = q if isinstance(q, int) and -2 ** 63 <= q < 2 ** 63 else 8
        S = ship(w, L, m=m, supply=supply_predicate(mb, m, quantity=sq))
        if isinstance(q, int) and -2 ** 63 <= q < 2 ** 63:
            out.append(C("manifest-quantity-" + label, L, 2, {"SHP-1": V("manifest-quantity-invalid")}, world=w))
        else:
            # Not a 64-bit JSON integer at all: the embedded manifest does not decode, so the supply statement is a
            # malformed statement (integrity), the shipment unverifiable — the lead's choice (DESIGN-NOTES).
            out.append(C("manifest-quantity-" + label, L, 1, {"SHP-1": ok("unverifiable")},
                         errors=[("malformed-manifest", S["supply"])], world=w))

    # A negative quantity frees no license headroom: 8 + (-5) + 5 under a license of 10.
    w, L, S = ledger(max_quantity=10, tag="mqneg-license")
    ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=8))
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=-5))
    ship(w, L, sid="SHP-C", m=manifest("SHP-C", quantity=5))
    out.append(C("manifest-negative-quantity-frees-no-license-headroom", L, 2,
                 {"SHP-A": ok(), "SHP-B": V("manifest-quantity-invalid"), "SHP-C": V("license-quantity-exceeded")},
                 world=w))
    # ... nor destination-cap headroom: cap 50 % of 20 = 10.
    w, L, S = ledger(tag="mqneg-cap")
    ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=8), us_units=20)
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=-5), us_units=20)
    ship(w, L, sid="SHP-C", m=manifest("SHP-C", quantity=5), us_units=20)
    out.append(C("manifest-negative-quantity-frees-no-cap-headroom", L, 2,
                 {"SHP-A": ok(), "SHP-B": V("manifest-quantity-invalid"), "SHP-C": V("destination-cap-exceeded")},
                 world=w))
    # Two shipments of 2^63 - 1 units: findings, never a crash.
    w, L, S = ledger(tag="mqmax")
    ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=MAX63))
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=MAX63))
    out.append(C("manifest-two-shipments-of-int64-max", L, 2,
                 {"SHP-A": V("manifest-quantity-invalid"), "SHP-B": V("manifest-quantity-invalid")}, world=w))
    # Huge US figure beside a huge quantity: no trap in the cap arithmetic.
    w, L, S = ledger(tag="mqmaxus")
    ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=MAX63), us_units=MAX63)
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=8), us_units=MAX63)
    out.append(C("manifest-int64-max-with-int64-max-us-units", L, 2, {"SHP-A": V("manifest-quantity-invalid")},
                 world=w))
    return out


@case
def manifest_serials():
    out = []
    w, L, S = ledger(max_quantity=10, tag="ms100")
    m = manifest("SHP-1", quantity=1, serials=["H200-S-%04d" % i for i in range(100)])
    ship(w, L, m=m)
    out.append(C("manifest-quantity-1-with-100-serials", L, 2, {"SHP-1": V("manifest-serials-invalid")}, world=w))

    w, L, S = ledger(tag="msdup")
    serials = ["H200-D-%04d" % i for i in range(4)] * 2
    m = manifest("SHP-1", quantity=8, serials=serials)
    ship(w, L, m=m, lab=lab_predicate(m, tested=serials[:4], sampling="all"))
    out.append(C("manifest-8-units-as-4-serials-twice", L, 2, {"SHP-1": V("manifest-serials-invalid")}, world=w))

    for label, serials in (("empty-serial", ["H200-E-0001", "", "H200-E-0003", "H200-E-0004"]),
                           ("too-few", ["H200-F-0001", "H200-F-0002", "H200-F-0003"])):
        w, L, S = ledger(tag="ms" + label)
        m = manifest("SHP-1", quantity=4, serials=serials)
        ship(w, L, m=m, lab=lab_predicate(m, tested=[serials[0]]))
        out.append(C("manifest-serials-" + label, L, 2, {"SHP-1": V("manifest-serials-invalid")}, world=w))
    # Serials that differ only by Unicode normalisation are distinct units (exact scalar comparison).
    w, L, S = ledger(tag="msnfc")
    serials = ["H200-caf\u00e9", "H200-cafe\u0301", "H200-N-0003", "H200-N-0004"]
    m = manifest("SHP-1", quantity=4, serials=serials)
    ship(w, L, m=m, lab=lab_predicate(m, tested=serials, sampling="all"))
    out.append(C("manifest-serials-differ-by-normalisation-ok", L, 0, {"SHP-1": ok(exact=True)}, world=w))
    return out


@case
def lab_independence():
    out = []
    w = World(tag="labo")
    inhouse = w.leaf("lab-inhouse", "In-house Lab", EXPORTER_O, ["lab"])
    w, L, S = base(w, certs=[w.regulator, w.exporter, inhouse, w.customs])
    ship(w, L, signers={"lab": [inhouse]}, lab=lab_predicate(manifest("SHP-1"), lab=EXPORTER_O))
    out.append(C("lab-signer-has-exporter-organisation", L, 2, {"SHP-1": V("lab-not-independent")}, world=w))

    w = World(tag="labroles")
    both = w.leaf("lab-both", "Lab And Exporter", LAB_O, ["lab", "exporter"])
    w, L, S = base(w, certs=[w.regulator, w.exporter, both, w.customs])
    ship(w, L, signers={"lab": [both]})
    out.append(C("lab-cert-also-holds-exporter-role", L, 2, {"SHP-1": V("lab-not-independent")}, world=w))

    # The exporter signs the lab test itself with one certificate holding both roles.
    w = World(tag="labexp")
    both = w.leaf("exp-both", "Exporter Lab Desk", EXPORTER_O, ["exporter", "lab"])
    w, L, S = base(w, certs=[w.regulator, both, w.customs])
    ship(w, L, signers={"exporter": [both], "lab": [both]})
    out.append(C("exporter-signs-own-lab-test", L, 2, {"SHP-1": V("lab-not-independent")}, world=w))
    return out


@case
def released_units_stay_counted():
    out = []
    # Cap 50 % of 20 = 10: A (6 units) released, its supply statement retracted, then B (6 units).
    w, L, S = ledger(tag="relcap")
    a = ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=6), us_units=20)
    r = stmt(w, L, "retraction", a["manifest"], retraction_predicate(L.line_hash(a["supply"])), [w.exporter])
    L.checkpoint()
    L.tick()
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=6), us_units=20)
    out.append(C("retraction-after-release-keeps-cap", L, 2,
                 {"SHP-A": V("retraction-after-release"), "SHP-B": V("destination-cap-exceeded")}, world=w))
    # The same against the license maximum (10).
    w, L, S = ledger(max_quantity=10, tag="rellic")
    a = ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=6))
    stmt(w, L, "retraction", a["manifest"], retraction_predicate(L.line_hash(a["supply"])), [w.exporter])
    L.checkpoint()
    L.tick()
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=6))
    out.append(C("retraction-after-release-keeps-license-count", L, 2,
                 {"SHP-A": V("retraction-after-release"), "SHP-B": V("license-quantity-exceeded")}, world=w))
    # Retracting before any release is allowed: the shipment is pending again, and frees its units.
    w, L, S = ledger(max_quantity=10, tag="relbefore")
    a = ship(w, L, sid="SHP-A", m=manifest("SHP-A", quantity=6), steps=("supply", "lab"))
    stmt(w, L, "retraction", a["manifest"], retraction_predicate(L.line_hash(a["supply"])), [w.exporter])
    L.checkpoint()
    L.tick()
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", quantity=6))
    out.append(C("retraction-before-release-ok", L, 0, {"SHP-A": ok("pending"), "SHP-B": ok()}, world=w))
    return out


POLICIES = [
    ("duplicate-key", '{"maxTPP":15000,"maxTPP":99999}', "maxTPP"),
    ("unknown-key-maxTpp", '{"maxTpp":99999}', "maxTpp"),
    ("unknown-key-requiredWitness", '{"requiredWitness":3}', "requiredWitness"),
    ("share-above-1", '{"capShareOfUSShipments":1.5}', "capShareOfUSShipments"),
    ("share-negative", '{"capShareOfUSShipments":-0.1}', "capShareOfUSShipments"),
    ("negative-count", '{"minUnitsTested":-1}', "minUnitsTested"),
    ("negative-witnesses", '{"requiredWitnesses":-2}', "requiredWitnesses"),
    ("fractional-count", '{"requiredWitnesses":1.5}', "requiredWitnesses"),
    ("huge-number", '{"maxTPP":1e400}', "maxTPP"),
    ("zero-limit", '{"maxTPP":0}', "maxTPP"),
    ("negative-tolerance", '{"declaredTolerance":-0.01}', "declaredTolerance"),
    ("tolerance-string", '{"declaredTolerance":"0.5"}', "declaredTolerance"),
    ("require-license-string", '{"requireLicense":"no"}', "requireLicense"),
    ("cap-destinations-string", '{"capDestinations":"CN"}', "capDestinations"),
    ("nan-literal", '{"maxTPP":NaN}', "policy.json"),
    ("infinity-literal", '{"maxDramBandwidthGBps":Infinity}', "policy.json"),
    ("not-an-object", '[{"maxTPP":21000}]', "policy.json"),
    ("trailing-garbage", '{"maxTPP":21000} {"maxTPP":99999}', "policy.json"),
]


@case
def policies():
    out = []
    for label, text, key in POLICIES:
        w, L, S = ledger(tag="pol")
        ship(w, L)
        out.append(C("policy-" + label, L, 65, {}, policy=text, output_contains=[key], world=w,
                     note="a policy file cannot switch a control off: exit 65 naming the key"))
    # A valid strict policy file with every key is accepted.
    w, L, S = ledger(tag="pol")
    ship(w, L)
    full = ('{"maxTPP":21000,"maxDramBandwidthGBps":6500,"declaredTolerance":0.02,"requireLicense":true,'
            '"minUnitsTested":1,"capDestinations":["CN","MO"],"capShareOfUSShipments":0.5,"requiredWitnesses":0}')
    out.append(C("policy-full-default-ok", L, 0, {"SHP-1": ok()}, policy=full, world=w))
    return out


@case
def normalisation():
    w, L, S = ledger(tag="cnfc")
    ship(w, L, sid="SHP-caf\u00e9")
    m2 = manifest("SHP-cafe\u0301", declared={"tpp": 22000, "dramBandwidthGBps": 4800, "memoryGB": 141})
    ship(w, L, sid="SHP-cafe\u0301", m=m2, lab=lab_predicate(m2, tpp=22000))
    return [C("shipment-ids-differ-by-normalisation-separate-verdicts", L, 2,
              {"SHP-caf\u00e9": ok(exact=True), "SHP-cafe\u0301": V("lab-tpp-exceeded", exact=True)}, world=w)]


def lab_case(tag, declared=None, policy=None, **labkw):
    w, L, S = ledger(tag=tag)
    m = manifest("SHP-1", declared=declared)
    ship(w, L, m=m, lab=lab_predicate(m, **labkw))
    return w, L


@case
def lab_figures():
    out = []
    d = lambda tpp=15832, bw=4800: {"tpp": tpp, "dramBandwidthGBps": bw, "memoryGB": 141}
    w, L = lab_case("tpp21000", declared=d(tpp=21000), tpp=21000)
    out.append(C("lab-tpp-exactly-21000", L, 2, {"SHP-1": V("lab-tpp-exceeded", exact=True)}, world=w))
    w, L = lab_case("tpp20999", declared=d(tpp=20999), tpp=20999)
    out.append(C("lab-tpp-20999-ok", L, 0, {"SHP-1": ok(exact=True)}, world=w))
    w, L = lab_case("bw6500", declared=d(bw=6500), bw=6500)
    out.append(C("lab-bandwidth-exactly-6500", L, 2, {"SHP-1": V("lab-bandwidth-exceeded", exact=True)}, world=w))
    w, L = lab_case("bw6499", declared=d(bw=6499), bw=6499)
    out.append(C("lab-bandwidth-6499-ok", L, 0, {"SHP-1": ok(exact=True)}, world=w))
    # Declared tolerance 0.25 (exact in binary): 16000 declared, 20000 measured is exactly 25 %.
    for measured, status in ((20000, "ok"), (20001, "violation")):
        w, L = lab_case("tol%d" % measured, declared=d(tpp=16000), tpp=measured)
        exp = ok(exact=True) if status == "ok" else V("lab-declared-mismatch", exact=True)
        out.append(C("lab-declared-tolerance-boundary-%d" % measured, L, 0 if status == "ok" else 2, {"SHP-1": exp},
                     policy='{"declaredTolerance":0.25}', world=w))
    w, L = lab_case("tol1pct", tpp=15990)
    out.append(C("lab-declared-within-default-tolerance-ok", L, 0, {"SHP-1": ok(exact=True)}, world=w))
    w, L = lab_case("tol3pct", tpp=16307)
    out.append(C("lab-declared-beyond-default-tolerance", L, 2, {"SHP-1": V("lab-declared-mismatch", exact=True)},
                 world=w))
    w, L = lab_case("labfail", result="fail")
    out.append(C("lab-test-failed", L, 2, {"SHP-1": V("lab-test-failed")}, world=w))
    w, L = lab_case("labmissing", measured={"memoryGB": 141})
    out.append(C("lab-measurement-missing", L, 2, {"SHP-1": V("lab-measurement-missing")}, world=w))
    return out


@case
def lab_units():
    out = []
    w, L, S = ledger(tag="units1")
    m = manifest("SHP-1")
    ship(w, L, m=m, lab=lab_predicate(m, tested=["H200-SHP-1-0001", "H200-OTHER-0002"]))
    out.append(C("lab-units-not-in-manifest", L, 2, {"SHP-1": V("lab-units-not-in-manifest")}, world=w))
    w, L, S = ledger(tag="units2")
    m = manifest("SHP-1")
    ship(w, L, m=m, lab=lab_predicate(m, tested=m["serials"][:4], sampling="all"))
    out.append(C("lab-too-few-units-sampling-all", L, 2, {"SHP-1": V("lab-too-few-units")}, world=w))
    for n, status in ((4, "ok"), (5, "violation")):
        w, L, S = ledger(tag="units3")
        m = manifest("SHP-1")
        ship(w, L, m=m, lab=lab_predicate(m, tested=m["serials"][:4]))
        out.append(C("lab-min-units-tested-%d-of-4" % n, L, 0 if status == "ok" else 2,
                     {"SHP-1": ok(exact=True) if status == "ok" else V("lab-too-few-units", exact=True)},
                     policy='{"minUnitsTested":%d}' % n, world=w))
    # Sampling "all" reached by listing one unit twice.
    w, L, S = ledger(tag="units5")
    m = manifest("SHP-1", quantity=4)
    ship(w, L, m=m, lab=lab_predicate(m, tested=m["serials"][:3] + m["serials"][:1], sampling="all"))
    out.append(C("lab-sampling-all-with-a-unit-listed-twice", L, 2, {"SHP-1": V("lab-too-few-units")}, world=w))
    # The same unit listed four times is one unit tested.
    w, L, S = ledger(tag="units4")
    m = manifest("SHP-1")
    ship(w, L, m=m, lab=lab_predicate(m, tested=[m["serials"][0]] * 4))
    out.append(C("lab-one-unit-listed-four-times", L, 2, {"SHP-1": V("lab-too-few-units")},
                 policy='{"minUnitsTested":2}', world=w))
    return out


@case
def order():
    out = []
    w, L, S = ledger(tag="ord1")
    ship(w, L, steps=("supply", "customs", "lab"))
    out.append(C("customs-before-lab-test", L, 2, {"SHP-1": V("customs-before-lab-test")}, world=w))
    w, L, S = ledger(tag="ord2")
    ship(w, L, steps=("lab", "customs", "supply"))
    out.append(C("customs-before-supply-sufficiency", L, 2, {"SHP-1": V("customs-before-supply-sufficiency")},
                 world=w))
    w, L, S = ledger(tag="ord3", with_license=False)
    ship(w, L)
    from writer import license_env
    L.statement(license_env(w))
    L.checkpoint()
    out.append(C("customs-before-license", L, 2, {"SHP-1": V("customs-before-license")}, world=w))
    w, L, S = ledger(tag="ord4", with_license=False)
    ship(w, L)
    out.append(C("no-license-not-required-ok", L, 0, {"SHP-1": ok(exact=True)}, policy='{"requireLicense":false}',
                 world=w))
    return out


@case
def quantities():
    out = []
    for mx, status in ((16, "ok"), (15, "violation")):
        w, L, S = ledger(max_quantity=mx, tag="lic%d" % mx)
        ship(w, L, sid="SHP-A")
        ship(w, L, sid="SHP-B")
        out.append(C("license-quantity-%s-max-%d" % ("at" if status == "ok" else "over", mx), L,
                     0 if status == "ok" else 2,
                     {"SHP-A": ok(exact=True), "SHP-B": ok(exact=True) if status == "ok" else V("license-quantity-exceeded", exact=True)},
                     world=w))
    for us, status in ((32, "ok"), (30, "violation")):
        w, L, S = ledger(tag="cap%d" % us)
        ship(w, L, sid="SHP-A", us_units=us)
        ship(w, L, sid="SHP-B", us_units=us)
        out.append(C("destination-cap-%s-us-%d" % ("exactly-half" if status == "ok" else "over-half", us), L,
                     0 if status == "ok" else 2,
                     {"SHP-A": ok(exact=True), "SHP-B": ok(exact=True) if status == "ok" else V("destination-cap-exceeded", exact=True)},
                     world=w))
    # A later, larger US figure does not clear an earlier cap violation (cap 15, then 500).
    w, L, S = ledger(tag="caplater")
    ship(w, L, sid="SHP-A", us_units=30)
    ship(w, L, sid="SHP-B", us_units=30)
    ship(w, L, sid="SHP-C", us_units=1000)
    out.append(C("destination-cap-not-cleared-by-later-us-figure", L, 2,
                 {"SHP-A": ok(exact=True), "SHP-B": V("destination-cap-exceeded", exact=True), "SHP-C": ok(exact=True)},
                 world=w))
    # Macau counts toward the same cap as China (a second license for MO).
    w, L, S = ledger(tag="capmo")
    from writer import license_env
    L.statement(license_env(w, license_predicate(number="BIS-H200-2026-0999", destination="MO")))
    L.checkpoint()
    L.tick()
    ship(w, L, sid="SHP-A", us_units=30)
    ship(w, L, sid="SHP-B", m=manifest("SHP-B", destination="MO", license_="BIS-H200-2026-0999"), us_units=30)
    out.append(C("destination-cap-counts-macau-with-china", L, 2,
                 {"SHP-A": ok(exact=True), "SHP-B": V("destination-cap-exceeded", exact=True)}, world=w))
    # The same claim signed by two signer sets counts once (8 units, not 16, under a license of 10).
    w = World(tag="claimonce")
    from writer import envelope, shipment_envs
    exp2 = w.leaf("exporter2", "Second Export Officer", EXPORTER_O, ["exporter"])
    w, L, S = base(w, extra_certs=[exp2], license_pred=license_predicate(max_quantity=10))
    m = manifest("SHP-1")
    envs = shipment_envs(w, m)
    import base64 as _b
    L.statement(envs[0])
    L.statement(envelope(_b.b64decode(envs[0]["payload"]), [exp2]))
    L.statement(envs[1])
    L.statement(envs[2])
    L.checkpoint()
    out.append(C("same-supply-claim-twice-counts-once", L, 0, {"SHP-1": ok(exact=True)}, world=w))
    return out


@case
def identities():
    out = []
    w, L, S = ledger(tag="expmis")
    m = manifest("SHP-1", exporter="Shadow Exports Ltd")
    ship(w, L, m=m)
    out.append(C("exporter-mismatch", L, 2, {"SHP-1": V("exporter-mismatch")}, world=w))
    w, L, S = ledger(tag="manmis")
    m = manifest("SHP-1")
    other = manifest("SHP-1", serials=["H200-X-%04d" % i for i in range(8)])
    s = ship(w, L, m=m, steps=("supply",), checkpoint=False)
    stmt(w, L, "lab-test", "shipment:SHP-1", lab_predicate(other), [w.lab], digest=sha256(manifest_bytes(other)).hex())
    stmt(w, L, "customs-decision", m, customs_predicate(), [w.customs])
    L.checkpoint()
    out.append(C("manifest-mismatch-lab-tested-other-chips", L, 2, {"SHP-1": V("manifest-mismatch")}, world=w))
    # Customs released another manifest: not a decision about these chips.
    w, L, S = ledger(tag="custmis")
    m = manifest("SHP-1")
    other = manifest("SHP-1", serials=["H200-Y-%04d" % i for i in range(8)])
    ship(w, L, m=m, steps=("supply", "lab"), checkpoint=False)
    stmt(w, L, "customs-decision", "shipment:SHP-1", customs_predicate(), [w.customs],
         digest=sha256(manifest_bytes(other)).hex())
    L.checkpoint()
    out.append(C("manifest-mismatch-customs-released-other-chips", L, 2, {"SHP-1": V("manifest-mismatch")}, world=w))
    w, L, S = ledger(tag="licmis", license_kw={"destination": "MO"})
    ship(w, L)
    out.append(C("license-mismatch-destination", L, 2, {"SHP-1": V("license-mismatch")}, world=w))
    w, L, S = ledger(tag="licexp", license_kw={"valid_until": "2026-02-01T00:00:00Z"})
    ship(w, L)
    out.append(C("license-not-valid-expired", L, 2, {"SHP-1": V("license-not-valid")}, world=w))
    w, L, S = ledger(tag="supmis")
    m = manifest("SHP-1")
    ship(w, L, m=m, supply=supply_predicate(manifest_bytes(m), m, quantity=7))
    out.append(C("supply-manifest-mismatch-quantity", L, 2, {"SHP-1": V("supply-manifest-mismatch")}, world=w))
    return out


@case
def decisions():
    out = []
    for label, seq, status in (("held", ["held"], "held"), ("returned", ["returned"], "returned"),
                               ("inspect", ["inspect"], "pending"), ("released-after-held", ["held", "released"], "compliant"),
                               ("held-after-released", ["released", "held"], "held")):
        w, L, S = ledger(tag="dec" + label)
        m = manifest("SHP-1")
        ship(w, L, m=m, steps=("supply", "lab"), checkpoint=False)
        for i, d in enumerate(seq):
            stmt(w, L, "customs-decision", m, customs_predicate(d, declaration="D-%d" % i), [w.customs])
        L.checkpoint()
        out.append(C("customs-" + label, L, 0, {"SHP-1": ok(status, exact=True)}, world=w))
    w, L, S = ledger(tag="nocustoms")
    ship(w, L, steps=("supply", "lab"))
    out.append(C("no-customs-decision-pending", L, 0, {"SHP-1": ok("pending", exact=True)}, world=w))
    # Failed test retracted by its lab and retested: compliant; not retracted: still a violation.
    for retract in (True, False):
        w, L, S = ledger(tag="retest%s" % retract)
        m = manifest("SHP-1")
        s = ship(w, L, m=m, steps=("supply",), checkpoint=False)
        f = stmt(w, L, "lab-test", m, lab_predicate(m, result="fail", bw=4100), [w.lab])
        if retract:
            stmt(w, L, "retraction", m, retraction_predicate(L.line_hash(f)), [w.lab])
        stmt(w, L, "lab-test", m, lab_predicate(m, bw=4790), [w.lab])
        stmt(w, L, "customs-decision", m, customs_predicate(), [w.customs])
        L.checkpoint()
        if retract:
            out.append(C("lab-failed-retracted-and-retested-ok", L, 0, {"SHP-1": ok(exact=True)}, world=w))
        else:
            out.append(C("lab-failed-retested-without-retraction", L, 2, {"SHP-1": V("lab-test-failed")}, world=w))
    return out


@case
def bundles():
    """Bundles cut from compliance cases: the shipment's verdict from the bundle alone."""
    out = []
    d = {"tpp": 21000, "dramBandwidthGBps": 4800, "memoryGB": 141}
    w, L = lab_case("btpp", declared=d, tpp=21000)
    out.append(C("bundle-lab-tpp-exactly-21000", L, 2, {"SHP-1": V("lab-tpp-exceeded", exact=True)}, world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    w, L, S = ledger(tag="bmq")
    ship(w, L, m=manifest("SHP-1", quantity=-5))
    out.append(C("bundle-manifest-quantity-negative", L, 2, {"SHP-1": V("manifest-quantity-invalid")}, world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    w = World(tag="blabo")
    inhouse = w.leaf("lab-inhouse", "In-house Lab", EXPORTER_O, ["lab"])
    w, L, S = base(w, certs=[w.regulator, w.exporter, inhouse, w.customs])
    ship(w, L, signers={"lab": [inhouse]})
    out.append(C("bundle-lab-not-independent", L, 2, {"SHP-1": V("lab-not-independent")}, world=w,
                 bundle=L.bundle("SHP-1", [LICENSE])))
    w, L, S = ledger(tag="bok")
    ship(w, L)
    out.append(C("bundle-compliant", L, 0, {"SHP-1": ok(exact=True)}, world=w, bundle=L.bundle("SHP-1", [LICENSE])))
    return out


def build():
    cases = []
    for fn in CASES:
        cases.extend(fn())
    return cases
