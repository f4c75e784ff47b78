#!/usr/bin/env python3
"""An independent verifier of a chiptrail ledger, written from SPEC.md alone with pyca/cryptography.

It shares no code with chiptrail. It checks: one JSON object per line without duplicate keys, seq and
prev (SHA-256 of the previous line's bytes), RFC 6962 roots of every checkpoint, the C2SP signed-note
signature and key id of the operator's Ed25519 key, C2SP cosignature/v1 lines of registered auditors, and
every DSSE signature (PAE) of every statement under the registered certificate its keyid names.

usage: verify_ledger.py LEDGER ROOT.pem      exit 0 when everything verifies, 1 otherwise
"""
import base64
import hashlib
import json
import struct
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def mth(leaves):
    """RFC 6962 section 2.1 Merkle Tree Hash over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def parse_note(note):
    text, _, sigs = note.partition("\n\n")
    text += "\n"
    lines = []
    for line in sigs.splitlines():
        assert line.startswith("\u2014 "), "signature line must start with an em dash"
        name, b64 = line[2:].rsplit(" ", 1)
        lines.append((name, base64.b64decode(b64)))
    return text, lines


def raw_ed25519(cert):
    return cert.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify_sig(cert, sig, msg):
    key = cert.public_key()
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, msg)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            h = hashes.SHA384() if key.curve.name == "secp384r1" else hashes.SHA256()
            key.verify(sig, msg, ec.ECDSA(h))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        else:
            return False
        return True
    except Exception:
        return False


def roles(cert):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {u[len("urn:chiptrail:role:"):] for u in san.get_values_for_type(x509.UniformResourceIdentifier)
            if u.startswith("urn:chiptrail:role:")}


def main(path, root_path):
    errors = []
    root = x509.load_pem_x509_certificate(open(root_path, "rb").read())
    anchor = hashlib.sha256(root.public_bytes(serialization.Encoding.DER)).hexdigest()
    data = open(path, "rb").read()
    assert data.endswith(b"\n"), "torn tail"
    lines = data[:-1].split(b"\n")
    leaves, prev = [], None
    certs = {}          # fingerprint -> certificate
    operator_keys = []  # Ed25519 certificates with the operator role
    checkpoints = {}
    stats = {"statements": 0, "signatures": 0, "checkpoints": 0, "cosignatures": 0}
    for i, line in enumerate(lines):
        rec = json.loads(line.decode("utf-8"), object_pairs_hook=no_duplicates)
        if rec["seq"] != i:
            errors.append(f"line {i + 1}: seq {rec['seq']}")
        expected_prev = None if i == 0 else hashlib.sha256(lines[i - 1]).hexdigest()
        if rec["prev"] != expected_prev:
            errors.append(f"line {i + 1}: prev mismatch")
        t = rec["type"]
        if t == "genesis":
            if anchor not in rec["anchors"]:
                errors.append("root is not a genesis anchor")
            op = x509.load_der_x509_certificate(base64.b64decode(rec["operator"]))
            origin = rec["origin"]
            operator_keys.append(op)
            certs[hashlib.sha256(base64.b64decode(rec["operator"])).hexdigest()] = op
        elif t == "certificate":
            der = base64.b64decode(rec["cert"])
            c = x509.load_der_x509_certificate(der)
            certs[hashlib.sha256(der).hexdigest()] = c
            if "operator" in roles(c) and isinstance(c.public_key(), ed25519.Ed25519PublicKey):
                operator_keys.append(c)
        elif t == "statement":
            env = rec["envelope"]
            payload = base64.b64decode(env["payload"] + "=" * (-len(env["payload"]) % 4), altchars=b"-_" if "-" in env["payload"] or "_" in env["payload"] else None)
            ptype = env["payloadType"].encode()
            pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
            stats["statements"] += 1
            for s in env["signatures"]:
                c = certs.get(s["keyid"])
                if c is None or not verify_sig(c, base64.b64decode(s["sig"]), pae):
                    errors.append(f"line {i + 1}: DSSE signature {s['keyid'][:12]} does not verify")
                stats["signatures"] += 1
            stmt = json.loads(payload, object_pairs_hook=no_duplicates)
            if stmt["_type"] != "https://in-toto.io/Statement/v1":
                errors.append(f"line {i + 1}: not an in-toto Statement v1")
        elif t in ("checkpoint", "cosignature"):
            text, sigs = parse_note(rec["note"])
            o, size, root_b64 = text.split("\n")[:3]
            if t == "checkpoint":
                stats["checkpoints"] += 1
                checkpoints[i] = text
                if o != origin or int(size) != i or base64.b64decode(root_b64) != mth(leaves[:i]):
                    errors.append(f"line {i + 1}: checkpoint does not commit to the {i} lines before it")
            elif checkpoints.get(rec["checkpoint"]) != text:
                errors.append(f"line {i + 1}: cosigned text differs from its checkpoint")
            signed = False
            for name, blob in sigs:
                for opc in operator_keys:
                    raw = raw_ed25519(opc)
                    kid = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]
                    if name == origin and blob[:4] == kid:
                        try:
                            opc.public_key().verify(blob[4:], text.encode())
                            signed = True
                        except Exception:
                            errors.append(f"line {i + 1}: operator note signature does not verify")
                for c in certs.values():
                    if "auditor" not in roles(c) or not isinstance(c.public_key(), ed25519.Ed25519PublicKey):
                        continue
                    cn = c.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
                    wname = "".join("_" if ch.isspace() else ch for ch in cn)
                    kid = hashlib.sha256(wname.encode() + b"\n\x04" + raw_ed25519(c)).digest()[:4]
                    if name == wname and blob[:4] == kid:
                        ts = struct.unpack(">Q", blob[4:12])[0]
                        msg = b"cosignature/v1\ntime %d\n" % ts + text.encode()
                        try:
                            c.public_key().verify(blob[12:], msg)
                            stats["cosignatures"] += 1
                        except Exception:
                            errors.append(f"line {i + 1}: cosignature by {wname} does not verify")
            if not signed:
                errors.append(f"line {i + 1}: no valid operator signature")
        leaves.append(hashlib.sha256(b"\x00" + line).digest())
        prev = line
    for e in errors:
        print("error:", e)
    print(f"{'OK' if not errors else 'FAILED'}: {len(lines)} records, root {mth(leaves).hex()}, "
          f"{stats['statements']} statements, {stats['signatures']} DSSE signatures, "
          f"{stats['checkpoints']} checkpoints, {stats['cosignatures']} cosignatures")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
