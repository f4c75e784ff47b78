#!/usr/bin/env bash
# The README walkthrough: every party's steps with real commands. The test suite runs this script
# (Tests/chiptrailTests/WalkthroughTests.swift), so the README cannot drift from what works.
#
#   scripts/walkthrough.sh [WORKDIR]        (uses $CHIPTRAIL, default: swift run chiptrail)
set -euo pipefail
W=${1:-walkthrough}
CT=${CHIPTRAIL:-"swift run --quiet chiptrail"}
mkdir -p "$W" && cd "$W"
ct() { echo "+ chiptrail $*" >&2; $CT "$@"; }

# Every key below is encrypted with this passphrase (real parties each keep their own, via a no-echo
# prompt, --passphrase-file or CHIPTRAIL_PASSPHRASE).
export CHIPTRAIL_PASSPHRASE="walkthrough passphrase"

# 1. The trust authority: a root CA and an issuing CA. Only root-ca/cert.pem is distributed as trust anchor.
ct ca init --dir root-ca --subject "CN=Walkthrough Root CA,O=Export Trust Authority,C=US"
ct ca init --dir issuing-ca --parent root-ca --subject "CN=Walkthrough Issuing CA,O=Export Trust Authority,C=US"

# 2. Each party makes a key and a CSR on its own machine; the issuing CA certifies it for one role.
party() { # name role subject
    ct key generate --alg "${4:-ed25519}" --out "$1.key"
    ct csr --key "$1.key" --subject "$3" --role "$2" --out "$1.csr"
    ct ca issue --ca issuing-ca --csr "$1.csr" --out "$1.pem"
}
party operator  operator  "CN=Ledger Operator,O=Export Ledger Office,C=US"
party regulator regulator "CN=Licensing Officer,O=Bureau of Industry and Security,C=US"
party exporter  exporter  "CN=Compliance Officer,O=NVIDIA Export LLC,C=US" p256
party lab       lab       "CN=Lab Signer,O=Qualified Semiconductor Test Lab Inc,C=US"
party customs   customs   "CN=Port Officer,O=General Administration of Customs,C=CN"
party auditor   auditor   "CN=Independent Auditor,O=Audit Partners LLP,C=US"
ct cert show lab.pem
ct cert verify lab.pem --trust root-ca/cert.pem --chain issuing-ca/cert.pem --role lab

# 3. The operator creates the ledger (genesis + first checkpoint).
ct ledger init ledger.jsonl --origin walkthrough.example/h200-2026 --operator-key operator.key \
    --operator-cert operator.pem --chain issuing-ca/cert.pem --trust root-ca/cert.pem

# 4. The parties sign their statements.
cat > license.json <<'JSON'
{"license":"BIS-H200-2026-0001","exporter":"NVIDIA Export LLC","consignee":"Shanghai Compute Co","destination":"CN",
 "product":"NVIDIA H200 SXM 141GB","maxQuantity":100,"validFrom":"2026-01-15T00:00:00Z","validUntil":"2027-01-15T00:00:00Z",
 "conditions":["KYC against unauthorised remote access"]}
JSON
cat > manifest.json <<'JSON'
{"shipmentId":"SHP-0001","exporter":"NVIDIA Export LLC","license":"BIS-H200-2026-0001","consignee":"Shanghai Compute Co",
 "endUser":"Shanghai Compute Co","destination":"CN","product":"NVIDIA H200 SXM 141GB","eccn":"3A090.a","hsCode":"8473.30",
 "quantity":2,"serials":["H200-0001","H200-0002"],"declared":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141}}
JSON
cat > supply.json <<'JSON'
{"license":"BIS-H200-2026-0001","quantity":2,"destination":"CN","usUnitsShipped":5000,"usUnfilledOrders":0,
 "certification":"US supply is sufficient; no US order is delayed.","officer":"Compliance Officer","signedAt":"2026-03-01T09:00:00Z"}
JSON
cat > lab-test.json <<'JSON'
{"lab":"Qualified Semiconductor Test Lab Inc","accreditation":"ISO/IEC 17025 #5127.01","reportId":"QSTL-0001",
 "method":"Dense FP8 TPP; HBM bandwidth","sampling":"all","unitsTested":["H200-0001","H200-0002"],
 "measured":{"tpp":15832,"dramBandwidthGBps":4800,"memoryGB":141},"result":"pass","testedAt":"2026-03-02T15:00:00Z","location":"San Jose, CA"}
JSON
cat > customs.json <<'JSON'
{"authority":"General Administration of Customs","port":"Shanghai Pudong","declaration":"2201-2026-0001","hsCode":"8473.30",
 "decision":"released","reason":"Documents and lab report verified","decidedAt":"2026-03-05T10:00:00Z"}
JSON
ct attest export-license --predicate license.json --key regulator.key --cert regulator.pem --out license.dsse.json
ct attest supply-sufficiency --manifest manifest.json --predicate supply.json --key exporter.key --cert exporter.pem --out supply.dsse.json
ct attest lab-test --manifest manifest.json --predicate lab-test.json --key lab.key --cert lab.pem --out lab-test.dsse.json
ct attest customs-decision --manifest manifest.json --predicate customs.json --key customs.key --cert customs.pem --out customs.dsse.json
ct envelope verify lab-test.dsse.json --cert lab.pem --chain issuing-ca/cert.pem --trust root-ca/cert.pem

# 5. The operator registers the signers and appends their statements (one batch, one checkpoint).
ct ledger append ledger.jsonl --operator-key operator.key \
    --cert regulator.pem --cert exporter.pem --cert lab.pem --cert customs.pem --cert auditor.pem --chain issuing-ca/cert.pem \
    license.dsse.json supply.dsse.json lab-test.dsse.json customs.dsse.json

# 6. Anyone verifies, offline, with the file and the root certificate.
ct ledger verify ledger.jsonl --trust root-ca/cert.pem
ct ledger show ledger.jsonl --shipment SHP-0001 --trust root-ca/cert.pem
ct ledger checkpoint ledger.jsonl > checkpoint-1.txt

# 7. The lab's key is compromised: the CA revokes it and the operator records the CRL.
ct ca revoke --ca issuing-ca --cert lab.pem --reason keyCompromise
ct ledger append ledger.jsonl --operator-key operator.key --crl issuing-ca/crl.pem
ct ledger verify ledger.jsonl --trust root-ca/cert.pem --since checkpoint-1.txt

# 8. An auditor verifies the ledger and witnesses its latest checkpoint; the operator records the cosignature.
ct ledger cosign ledger.jsonl --key auditor.key --cert auditor.pem --trust root-ca/cert.pem --out cosigned.txt
ct ledger append ledger.jsonl --operator-key operator.key --cosignature cosigned.txt
echo '{"requiredWitnesses":1}' > policy.json
ct ledger verify ledger.jsonl --trust root-ca/cert.pem --policy policy.json

# 9. A buyer receives one shipment's proof bundle and checks it without the ledger; everyone gets a report.
ct ledger prove ledger.jsonl --shipment SHP-0001 --out SHP-0001.bundle.json
ct bundle verify SHP-0001.bundle.json --trust root-ca/cert.pem
ct report ledger.jsonl --trust root-ca/cert.pem --html report.html
