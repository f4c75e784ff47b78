"""An independent writer of chiptrail ledgers and proof bundles, from /work/shared/SPEC.md alone.

Python 3 + pyca/cryptography; shares no code with chiptrail. It writes *correctly signed* records so that
hostile cases test the verifier's rules, not its parser. Deterministic where the algorithms allow:
Ed25519 and EC keys come from seeds, certificates have fixed serials and times, Ed25519 signatures are
deterministic; ECDSA and RSA-PSS signatures are randomised (their bytes vary, never a record's seq).
"""

import base64
import datetime as dt
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID

UTC = dt.timezone.utc
ROLE_URI = "urn:chiptrail:role:"
INTOTO = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
BUNDLE_MEDIA = "application/vnd.chiptrail.bundle.v1+json"
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P384_N = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16)


def b64(b):
    return base64.b64encode(b).decode()


def sha256(b):
    return hashlib.sha256(b).digest()


def t(s):
    """RFC 3339 'YYYY-MM-DDTHH:MM:SSZ' -> aware datetime."""
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def rfc3339(d):
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


# --------------------------------------------------------------------------------------------- keys

_RSA_CACHE = {}


class Key:
    """A private key of one algorithm: ed25519, p256, p384 or rsa (RSA-PSS signatures)."""

    def __init__(self, seed, alg="ed25519"):
        self.alg = alg
        d = sha256(("chiptrail-hostile-key:" + alg + ":" + seed).encode())
        if alg == "ed25519":
            self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(d)
        elif alg in ("p256", "p384"):
            curve = ec.SECP256R1() if alg == "p256" else ec.SECP384R1()
            n = P256_N if alg == "p256" else P384_N
            d2 = d + sha256(d)
            self.priv = ec.derive_private_key(int.from_bytes(d2, "big") % (n - 1) + 1, curve)
        elif alg == "rsa":
            # RSA generation cannot be seeded here; one key per seed per process.
            if seed not in _RSA_CACHE:
                _RSA_CACHE[seed] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.priv = _RSA_CACHE[seed]
        else:
            raise ValueError(alg)
        self.pub = self.priv.public_key()

    def raw_public(self):
        return self.pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def sign(self, msg):
        if self.alg == "ed25519":
            return self.priv.sign(msg)
        if self.alg == "p256":
            return self.priv.sign(msg, ec.ECDSA(hashes.SHA256()))
        if self.alg == "p384":
            return self.priv.sign(msg, ec.ECDSA(hashes.SHA384()))
        return self.priv.sign(msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())

    def x509_sign_args(self):
        """(algorithm, rsa_padding) for certificate / CRL signing by this key."""
        if self.alg == "ed25519":
            return None, None
        if self.alg == "p256":
            return hashes.SHA256(), None
        if self.alg == "p384":
            return hashes.SHA384(), None
        return hashes.SHA256(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)


def malleate_ecdsa(sig, alg):
    """ECDSA (r, s) -> (r, n - s): a second valid signature of the same message."""
    r, s = decode_dss_signature(sig)
    n = P256_N if alg == "p256" else P384_N
    return encode_dss_signature(r, n - s)


# -------------------------------------------------------------------------------------- certificates

def name(cn, o=None, c="US"):
    attrs = []
    if c:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if o is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


NOT_BEFORE = t("2026-01-01T00:00:00Z")
NOT_AFTER = t("2030-12-31T00:00:00Z")


class Cert:
    """A certificate with its private key and issuer (None for a self-signed root)."""

    def __init__(self, key, cert, issuer):
        self.key, self.cert, self.issuer = key, cert, issuer
        self.der = cert.public_bytes(serialization.Encoding.DER)
        self.fingerprint = sha256(self.der).hex()

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def serial(self):
        return self.cert.serial_number

    def cn(self):
        return self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


_serial_counter = [0x4000]


def next_serial(tag):
    """A positive 16-byte serial, fixed per tag (first byte non-zero)."""
    return int.from_bytes(b"\x5a" + sha256(tag.encode())[:15], "big")


def make_cert(key, subject, issuer=None, roles=(), ca=False, path_len=None, key_usage="default",
              not_before=NOT_BEFORE, not_after=NOT_AFTER, serial_tag=None, ski=True, aki=True):
    """Issue a certificate. `issuer` is a Cert (None: self-signed with `key`). `key_usage`: "default",
    None (omitted), or a dict of KeyUsage flags that are True."""
    issuer_name = issuer.cert.subject if issuer else subject
    signer = issuer.key if issuer else key
    serial = next_serial(serial_tag or (subject.rfc4514_string() + "|" + key.alg + "|" + str(not_before)))
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.pub)
         .serial_number(serial).not_valid_before(not_before).not_valid_after(not_after))
    b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=path_len if ca else None), critical=True)
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                 encipher_only=False, decipher_only=False)
    if key_usage == "default":
        if ca:
            flags.update(key_cert_sign=True, crl_sign=True)
        else:
            flags.update(digital_signature=True)
        b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    elif key_usage is not None:
        flags.update(key_usage)
        b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    if roles:
        b = b.add_extension(x509.SubjectAlternativeName(
            [x509.UniformResourceIdentifier(ROLE_URI + r) for r in roles]), critical=False)
    if ski:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.pub), critical=False)
    if aki:
        ipub = issuer.key.pub if issuer else key.pub
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ipub), critical=False)
    alg, pad = signer.x509_sign_args()
    c = b.sign(signer.priv, alg, rsa_padding=pad) if pad else b.sign(signer.priv, alg)
    return Cert(key, c, issuer)


def make_crl(issuer, serials, this_update, number=1, signer_key=None, next_update=None,
             issuer_name=None, revocation_date=None):
    """A v2 CRL by `issuer` (a Cert) revoking `serials` (ints), dated `this_update`."""
    key = signer_key or issuer.key
    b = (x509.CertificateRevocationListBuilder().issuer_name(issuer_name or issuer.cert.subject)
         .last_update(this_update).next_update(next_update or (this_update + dt.timedelta(days=30))))
    for s in serials:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(s)
                                      .revocation_date(revocation_date or this_update).build())
    b = b.add_extension(x509.CRLNumber(number), critical=False)
    b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.pub), critical=False)
    alg, pad = key.x509_sign_args()
    crl = b.sign(key.priv, alg, rsa_padding=pad) if pad else b.sign(key.priv, alg)
    return crl.public_bytes(serialization.Encoding.DER)


# ------------------------------------------------------------------------------------------- JSON

def jcs(obj):
    """RFC 8785 for the values this writer uses (strings, integers, booleans, null, arrays, objects):
    keys sorted by UTF-16 code units, no whitespace, UTF-8 without escapes beyond JSON's."""
    if isinstance(obj, dict):
        items = sorted(obj.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(v) for k, v in items) + "}"
    if isinstance(obj, list):
        return "[" + ",".join(jcs(v) for v in obj) + "]"
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        if obj == int(obj) and abs(obj) < 2 ** 53:
            return str(int(obj))
        return repr(obj)
    raise TypeError(type(obj))


# ------------------------------------------------------------------------------------------- DSSE

def pae(payload_type, payload):
    t_ = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t_), t_, len(payload), payload)


def statement(kind, subject_name, digest_hex, predicate, extra=None):
    st = {"_type": STATEMENT_TYPE, "subject": [{"name": subject_name, "digest": {"sha256": digest_hex}}],
          "predicateType": "urn:chiptrail:%s:v1" % kind, "predicate": predicate}
    if extra:
        st.update(extra)
    return jcs(st).encode()


def envelope(payload, signers, payload_type=INTOTO, b64payload=None):
    """DSSE envelope: every signer (a Cert) signs PAE(payloadType, payload)."""
    sigs = [{"keyid": s.fingerprint, "sig": b64(s.key.sign(pae(payload_type, payload)))} for s in signers]
    return {"payloadType": payload_type, "payload": b64payload or b64(payload), "signatures": sigs}


# ----------------------------------------------------------------------------------------- Merkle

def leaf_hash(line):
    return sha256(b"\x00" + line)


def node_hash(l, r):
    return sha256(b"\x01" + l + r)


def _split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    """RFC 6962 Merkle tree hash over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_path(m, leaves):
    """RFC 6962 PATH(m, D[n]): leaf sibling first."""
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


# ------------------------------------------------------------------------------------ signed notes

def note_key_id(name_, pub_raw, kind=0x01):
    return sha256(name_.encode() + b"\n" + bytes([kind]) + pub_raw)[:4]


def checkpoint_text(origin, size, root):
    return "%s\n%d\n%s\n" % (origin, size, b64(root))


def note_sig_line(name_, key, text, key_name_for_id=None):
    """C2SP signed-note Ed25519 signature line over `text`."""
    kid = note_key_id(key_name_for_id or name_, key.raw_public())
    return "\u2014 %s %s\n" % (name_, b64(kid + key.sign(text.encode())))


def witness_name(cert):
    return "".join("_" if ch.isspace() else ch for ch in cert.cn())


def cosig_line(cert, text, timestamp, name_=None, key=None):
    """C2SP tlog-cosignature/v1 line: key id (type 0x04) || 8-byte big-endian time || Ed25519 signature
    over "cosignature/v1\\ntime <t>\\n" + checkpoint text."""
    key = key or cert.key
    nm = name_ or witness_name(cert)
    kid = note_key_id(nm, key.raw_public(), 0x04)
    msg = b"cosignature/v1\ntime %d\n" % timestamp + text.encode()
    return "\u2014 %s %s\n" % (nm, b64(kid + timestamp.to_bytes(8, "big") + key.sign(msg)))


# ----------------------------------------------------------------------------------------- ledger

class Ledger:
    """Builds a ledger line by line. Each add returns the new record's seq."""

    def __init__(self, origin, operator, anchors, chain, time="2026-02-02T09:00:00Z", genesis_extra=None):
        self.origin = origin
        self.operator = operator          # Cert with the operator role
        self.op_key = operator.key
        self.lines = []                   # bytes, without newline
        self.time = t(time)
        self.tail = b""                   # raw bytes after the last newline (torn tail)
        self.checkpoints = {}             # seq -> note text (without signatures)
        self.notes = {}                   # seq -> full note
        rec = {"type": "genesis", "prev": None, "origin": origin,
               "anchors": [a.fingerprint for a in anchors], "operator": b64(operator.der),
               "chain": [b64(c.der) for c in chain]}
        if genesis_extra:
            rec.update(genesis_extra)
        self.add(rec)

    # time control
    def tick(self, seconds=60):
        self.time = self.time + dt.timedelta(seconds=seconds)
        return self.time

    def set_time(self, s):
        self.time = t(s)

    @property
    def seq(self):
        return len(self.lines)

    def prev(self):
        return sha256(self.lines[-1]).hex() if self.lines else None

    def add(self, fields, time=None, raw_time=None, seq=None, prev="auto", v=1):
        rec = {"v": v, "seq": self.seq if seq is None else seq,
               "time": raw_time if raw_time is not None else rfc3339(time or self.time)}
        rec["prev"] = self.prev() if prev == "auto" else prev
        rec.update(fields)
        return self.add_line(jcs(rec).encode())

    def add_line(self, line):
        self.lines.append(line)
        return len(self.lines) - 1

    def add_raw(self, text_):
        """A raw line (bytes or str) exactly as given; no checks."""
        return self.add_line(text_ if isinstance(text_, bytes) else text_.encode())

    # record kinds
    def cert(self, c, chain=None, **kw):
        ch = chain if chain is not None else chain_of(c)
        return self.add({"type": "certificate", "cert": b64(c.der), "chain": [b64(x.der) for x in ch]}, **kw)

    def crl(self, der, **kw):
        return self.add({"type": "crl", "crl": b64(der)}, **kw)

    def statement(self, env, **kw):
        return self.add({"type": "statement", "envelope": env}, **kw)

    def root(self, size=None):
        n = self.seq if size is None else size
        return mth([leaf_hash(x) for x in self.lines[:n]])

    def checkpoint(self, key=None, key_name=None, size=None, root=None, origin=None, text_size=None,
                   extra_sig_lines="", sign=True, **kw):
        """A checkpoint over the lines so far (or `size` of them), signed by `key` (default operator)."""
        n = self.seq if size is None else size
        r = root if root is not None else self.root(n)
        text_ = checkpoint_text(origin or self.origin, n if text_size is None else text_size, r)
        sig = note_sig_line(key_name or self.origin, key or self.op_key, text_) if sign else ""
        note = text_ + "\n" + sig + extra_sig_lines
        s = self.add({"type": "checkpoint", "note": note}, **kw)
        self.checkpoints[s] = text_
        self.notes[s] = note
        return s

    def cosignature(self, cp_seq, witnesses, timestamp=None, note_text=None, extra_lines="", **kw):
        """A cosignature record naming checkpoint `cp_seq`, with a line per (cert[, name, key, ts])."""
        text_ = note_text or self.checkpoints[cp_seq]
        base = self.notes.get(cp_seq) or (text_ + "\n" + note_sig_line(self.origin, self.op_key, text_))
        lines = ""
        for w in witnesses:
            if isinstance(w, Cert):
                w = {"cert": w}
            ts = w.get("ts", timestamp if timestamp is not None else int(self.time.timestamp()))
            lines += cosig_line(w["cert"], text_, ts, name_=w.get("name"), key=w.get("key"))
        if note_text is not None:
            base = note_text + "\n" + note_sig_line(self.origin, self.op_key, note_text)
        return self.add({"type": "cosignature", "checkpoint": cp_seq, "note": base + lines + extra_lines}, **kw)

    def data(self):
        return b"".join(x + b"\n" for x in self.lines) + self.tail

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.data())

    def record(self, seq):
        return json.loads(self.lines[seq])

    def line_hash(self, seq):
        return sha256(self.lines[seq]).hex()

    # proof bundles
    def latest_checkpoint(self):
        return max(self.checkpoints)

    def bundle(self, shipment_id, licenses=(), cp_seq=None, include=None):
        """A proof bundle for `shipment:<id>` as `ledger prove` writes it (SPEC.md §4): genesis, every
        certificate and CRL record, the shipment's and its licenses' statements, against the latest
        checkpoint (cosigned form when cosignature records exist). `include`: explicit seqs instead."""
        cp = cp_seq if cp_seq is not None else self.latest_checkpoint()
        size = int(self.checkpoints[cp].split("\n")[1])
        leaves = [leaf_hash(x) for x in self.lines[:size]]
        subjects = {"shipment:" + shipment_id} | {"license:" + l for l in licenses}
        if include is None:
            include = []
            for s in range(size):
                r = json.loads(self.lines[s])
                if r.get("type") in ("genesis", "certificate", "crl"):
                    include.append(s)
                elif r.get("type") == "statement":
                    try:
                        st = json.loads(base64.b64decode(r["envelope"]["payload"] + "=="))
                        if st["subject"][0]["name"] in subjects:
                            include.append(s)
                    except Exception as e:  # a hostile payload: include it only when asked explicitly
                        _ = e
        note = self.notes[cp]
        extra = []
        for s in range(len(self.lines)):
            r = json.loads(self.lines[s]) if self.lines[s].startswith(b"{") else {}
            if r.get("type") == "cosignature" and r.get("checkpoint") == cp:
                for ln in r["note"].split("\n\n", 1)[1].splitlines(keepends=True):
                    if ln not in note and ln not in extra:
                        extra.append(ln)
        note = note + "".join(extra)
        entries = [{"seq": s, "line": b64(self.lines[s]), "proof": [b64(h) for h in inclusion_path(s, leaves)]}
                   for s in sorted(include)]
        return {"mediaType": BUNDLE_MEDIA, "origin": self.origin, "checkpoint": note, "treeSize": size,
                "subject": "shipment:" + shipment_id, "entries": entries}


def chain_of(c):
    """Intermediates from the leaf's issuer upward, without the self-signed root."""
    out = []
    i = c.issuer
    while i is not None and i.issuer is not None:
        out.append(i)
        i = i.issuer
    return out


# ----------------------------------------------------------------------------------------- domain

EXPORTER_O = "NVIDIA Export LLC"
LAB_O = "Qualified Semiconductor Test Lab Inc"
CUSTOMS_O = "General Administration of Customs"
REGULATOR_O = "Bureau of Industry and Security"


def manifest(shipment_id, quantity=8, serials=None, exporter=EXPORTER_O, license_="BIS-H200-2026-0117",
             destination="CN", declared=None, extra=None):
    if serials is None:
        serials = ["H200-%s-%04d" % (shipment_id, i + 1) for i in range(quantity if isinstance(quantity, int) and 0 < quantity <= 1000 else 4)]
    m = {"shipmentId": shipment_id, "exporter": exporter, "license": license_,
         "consignee": "Shanghai Zhiyuan Compute Co", "endUser": "Shanghai Zhiyuan Compute Co",
         "destination": destination, "product": "NVIDIA H200 SXM 141GB", "eccn": "3A090.a",
         "hsCode": "8473.30.1180", "quantity": quantity, "serials": serials,
         "declared": declared or {"tpp": 15832, "dramBandwidthGBps": 4800, "memoryGB": 141}}
    if extra:
        m.update(extra)
    return m


def manifest_bytes(m):
    """The exporter's manifest file: any JSON; this writer uses JCS with the raw quantity kept."""
    return jcs(m).encode()


def license_predicate(number="BIS-H200-2026-0117", max_quantity=1200, exporter=EXPORTER_O, destination="CN",
                      valid_from="2026-01-15T00:00:00Z", valid_until="2027-01-15T00:00:00Z"):
    return {"license": number, "exporter": exporter, "consignee": "Shanghai Zhiyuan Compute Co",
            "destination": destination, "product": "NVIDIA H200 SXM 141GB", "maxQuantity": max_quantity,
            "validFrom": valid_from, "validUntil": valid_until,
            "conditions": ["Third-party lab review before export"]}


def supply_predicate(mbytes, m, us_units=43500, quantity=None, license_=None, destination=None):
    return {"manifest": b64(mbytes), "license": license_ or m["license"],
            "quantity": m["quantity"] if quantity is None else quantity,
            "destination": destination or m["destination"], "usUnitsShipped": us_units, "usUnfilledOrders": 0,
            "certification": "The export delays no US order and diverts no US capacity.",
            "officer": "Export Compliance Officer", "signedAt": "2026-02-03T09:30:00Z"}


def lab_predicate(m, tested=None, tpp=15832, bw=4800, mem=141, result="pass", sampling=None, declared=None,
                  lab=LAB_O, measured=None):
    units = tested if tested is not None else list(m["serials"][:4])
    p = {"lab": lab, "accreditation": "ISO/IEC 17025 A2LA 5127.01", "reportId": "QSTL-" + m["shipmentId"],
         "method": "Dense FP8 MacTOPS x bit length", "sampling": sampling or ("%d of %d" % (len(units), len(m["serials"]))),
         "unitsTested": units,
         "measured": measured if measured is not None else {"tpp": tpp, "dramBandwidthGBps": bw, "memoryGB": mem,
                                                            "firmware": "96.00.A5.00.01"},
         "result": result, "testedAt": "2026-02-03T15:00:00Z", "location": "San Jose, CA"}
    if declared is not None:
        p["declared"] = declared
    return p


def customs_predicate(decision="released", declaration="2201-2026-0001-0"):
    return {"authority": CUSTOMS_O, "port": "Shanghai Pudong", "declaration": declaration,
            "hsCode": "8473.30.1180", "decision": decision, "reason": "Documents verified",
            "decidedAt": "2026-02-03T10:00:00Z"}


def retraction_predicate(target_hash_hex, reason="superseded"):
    return {"retracts": target_hash_hex, "reason": reason}


class World:
    """A PKI and parties: root, issuing CA, operator, regulator, exporter, lab, customs, auditor."""

    def __init__(self, alg="ed25519", ca_alg="ed25519", tag="w"):
        self.tag = tag
        self.root = make_cert(Key(tag + "root", ca_alg), name("Hostile Root CA", "Export Trust Authority"),
                              ca=True, path_len=1)
        self.ica = make_cert(Key(tag + "ica", ca_alg), name("Hostile Issuing CA 1", "Export Trust Authority"),
                             issuer=self.root, ca=True, path_len=0)
        self.operator = self.leaf("operator", "Trade Ledger Operator", "Export Ledger Office", ["operator"],
                                  alg="ed25519")
        self.regulator = self.leaf("regulator", "BIS Licensing Officer", REGULATOR_O, ["regulator"], alg=alg)
        self.exporter = self.leaf("exporter", "Export Compliance Officer", EXPORTER_O, ["exporter"], alg=alg)
        self.lab = self.leaf("lab", "Lab Signer", LAB_O, ["lab"], alg=alg)
        self.customs = self.leaf("customs", "Customs Officer", CUSTOMS_O, ["customs"], alg=alg)
        self.auditor = self.leaf("auditor", "Independent Auditor 1", "Audit Partners LLP", ["auditor"],
                                 alg="ed25519")
        self.origin = "ledger.hostile.example/h200-2026"

    def leaf(self, seed, cn, o, roles, alg="ed25519", issuer=None, **kw):
        return make_cert(Key(self.tag + seed, alg), name(cn, o), issuer=issuer or self.ica, roles=roles,
                         serial_tag=self.tag + seed + cn + str(o) + ",".join(roles) + alg + str(kw.get("not_after", "")) + str(kw.get("not_before", "")) + str(kw.get("serial_tag", "")),
                         **{k: v for k, v in kw.items() if k != "serial_tag"})

    def ledger(self, anchors=None, chain=None, operator=None):
        return Ledger(self.origin, operator or self.operator, anchors or [self.root],
                      chain if chain is not None else [self.ica, self.root])


def sign_statement(kind, subject_name, digest_hex, predicate, signers, **kw):
    return envelope(statement(kind, subject_name, digest_hex, predicate), signers, **kw)


def license_env(w, pred=None, signers=None):
    p = pred or license_predicate()
    return sign_statement("export-license", "license:" + p["license"], sha256(jcs(p).encode()).hex(), p,
                          signers or [w.regulator])


def shipment_envs(w, m, mbytes=None, supply=None, lab=None, customs=None, signers=None):
    """(supply, lab, customs) envelopes about manifest `m`; each element may be None to omit it."""
    mb = mbytes if mbytes is not None else manifest_bytes(m)
    d = sha256(mb).hex()
    subj = "shipment:" + m["shipmentId"]
    s = signers or {}
    out = []
    out.append(sign_statement("supply-sufficiency", subj, d, supply or supply_predicate(mb, m),
                              s.get("exporter", [w.exporter])))
    out.append(sign_statement("lab-test", subj, d, lab or lab_predicate(m), s.get("lab", [w.lab])))
    out.append(sign_statement("customs-decision", subj, d, customs or customs_predicate(), s.get("customs", [w.customs])))
    return out
