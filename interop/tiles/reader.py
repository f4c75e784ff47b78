#!/usr/bin/env python3
"""An independent reader of a chiptrail ledger published as C2SP tlog-tiles.

Written from the C2SP texts (c2sp.org/tlog-tiles, signed-note, tlog-checkpoint) and chiptrail's SPEC.md §15
(large entries, tail.jsonl); it shares no code with chiptrail. It reads LOCATION (a directory or an http(s)
base URL), verifies the checkpoint's signature by the genesis operator key (pyca/cryptography), reads every
entry bundle (resolving large-entry references), checks every published hash tile of the tree — level 0 against
the entries' RFC 6962 leaf hashes, level l > 0 against MTH of the full tiles below — and recomputes the root.

usage: reader.py LOCATION [--lines OUT]      exit 0 when everything matches, 1 otherwise
"""
import base64, hashlib, json, sys, urllib.request, urllib.error

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

W = 256


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def fetcher(loc):
    if loc.startswith("http://") or loc.startswith("https://"):
        base = loc.rstrip("/")

        def get(path):
            try:
                with urllib.request.urlopen(base + "/" + path, timeout=30) as r:
                    return r.read()
            except urllib.error.HTTPError as e:
                fail("%s: HTTP %d" % (path, e.code))
        return get

    def get(path):
        try:
            with open(loc + "/" + path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            fail("%s is missing" % path)
    return get


def index_path(n):
    """<N> as zero-padded 3-digit path elements, all but the last prefixed with x."""
    groups = []
    while True:
        groups.append("%03d" % (n % 1000))
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def suffix(width):
    return "" if width == W else ".p/%d" % width


def leaf(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(hashes):
    """RFC 6962 MTH over a list of leaf-level hashes (split at the largest power of two < n)."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    get = fetcher(args[0])
    out = args[args.index("--lines") + 1] if "--lines" in args else None

    note = get("checkpoint").decode("utf-8")
    text, _, sigs = note.rpartition("\n\n")
    text += "\n"
    body = text.split("\n")
    origin, size, root = body[0], int(body[1]), base64.b64decode(body[2])

    # Entry bundles: big-endian uint16 length-prefixed entries; 0x00 || SHA-256 is a large-entry reference.
    lines = []
    for n in range((size + W - 1) // W):
        width = min(W, size - n * W)
        data = get("tile/entries/" + index_path(n) + suffix(width))
        i = 0
        while i < len(data):
            ln = int.from_bytes(data[i:i + 2], "big")
            e = data[i + 2:i + 2 + ln]
            i += 2 + ln
            if e[:1] == b"\x00":
                if len(e) != 33:
                    fail("bad large-entry reference in bundle %d" % n)
                e = get("tile/entries/large/" + e[1:].hex())
                if hashlib.sha256(e).digest() != bytes(data[i - 32:i]):
                    fail("large entry does not hash to its name")
            lines.append(bytes(e))
        if len(lines) != n * W + width:
            fail("bundle %d holds the wrong number of entries" % n)

    # Hash tiles: level l, tile n, hash i = MTH(D[(n*256+i)*256^l : (n*256+i+1)*256^l]).
    level_hashes = [leaf(l) for l in lines]
    tiles = 0
    level = 0
    while len(level_hashes) > 0:
        count = len(level_hashes)
        for n in range((count + W - 1) // W):
            chunk = level_hashes[n * W:(n + 1) * W]
            got = get("tile/%d/%s%s" % (level, index_path(n), suffix(len(chunk))))
            if got != b"".join(chunk):
                fail("tile/%d/%s%s differs from the tree" % (level, index_path(n), suffix(len(chunk))))
            tiles += 1
        # The next level holds the MTH of each *full* tile of this one.
        level_hashes = [mth(level_hashes[n * W:(n + 1) * W]) for n in range(count // W)]
        level += 1

    computed = mth([leaf(l) for l in lines])
    if computed != root:
        fail("root %s, checkpoint says %s" % (computed.hex(), root.hex()))

    # The checkpoint's signature by the genesis operator (signed-note Ed25519: key id = SHA-256(name LF 0x01 key)[:4]).
    genesis = json.loads(lines[0])
    cert = x509.load_der_x509_certificate(base64.b64decode(genesis["operator"]))
    raw = cert.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = hashlib.sha256(origin.encode() + b"\n\x01" + raw).digest()[:4]
    ok = False
    for line in sigs.split("\n"):
        if not line.startswith("\u2014 " + origin + " "):
            continue
        blob = base64.b64decode(line.rsplit(" ", 1)[1])
        if blob[:4] == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(raw).verify(blob[4:], text.encode())
                ok = True
            except Exception:
                fail("the operator's checkpoint signature does not verify")
    if not ok:
        fail("no signature line of the genesis operator key")

    if out:
        with open(out, "wb") as f:
            for l in lines:
                f.write(l + b"\n")
    print("OK: %d entries, root %s, %d tiles checked, %d large entries" % (
        size, computed.hex(), tiles, sum(1 for l in lines if len(l) > 65535 or l[:1] == b"\x00")))


main()
