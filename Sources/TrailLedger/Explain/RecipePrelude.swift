/// The shell functions every openssl recipe starts with (SPEC.md §12). POSIX sh, `openssl`, coreutils, `sed`,
/// `grep` and `awk` only; every function fails the script (exit 1, naming the step) rather than continue.
enum RecipePrelude {
    static let text = #"""
        set -u
        LC_ALL=C
        export LC_ALL
        umask 077
        W=$(mktemp -d "${TMPDIR:-/tmp}/chiptrail-check.XXXXXX") || { echo "cannot create a temporary directory" >&2; exit 70; }
        trap 'rm -rf "$W"' EXIT
        trap 'exit 130' INT TERM HUP
        STEP=start
        command -v openssl >/dev/null 2>&1 || { echo "openssl is not on PATH" >&2; exit 69; }

        # ---- output -------------------------------------------------------------------------------------
        step() { STEP=$1; printf '\n[%s]\n' "$1"; }
        say() { printf '  %s\n' "$*"; }
        ok() { printf '  ok: %s\n' "$*"; }
        differs() { printf '  note (openssl differs from the ledger rule): %s\n' "$*"; }
        fail() { printf '  FAILED: %s\n' "$*"; printf '\nFAILED at step [%s]\n' "$STEP"; exit 1; }

        # ---- bytes --------------------------------------------------------------------------------------
        # hexof FILE: lowercase hex of the file's bytes.
        hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
        # sha256hex FILE: lowercase hex SHA-256 of the file's bytes.
        sha256hex() { openssl dgst -sha256 -binary "$1" | od -An -v -tx1 | tr -d ' \n'; }
        # same FILE1 FILE2: the two files hold the same bytes.
        same() { [ "$(sha256hex "$1")" = "$(sha256hex "$2")" ]; }
        # size FILE: its length in bytes.
        size() { wc -c < "$1" | tr -d ' '; }
        # emb NAME: decodes the base64 on standard input (one line) into $W/NAME.
        emb() {
            cat > "$W/$1.b64"
            openssl base64 -d -A -in "$W/$1.b64" -out "$W/$1" || fail "embedded $1 is not base64"
        }
        # b64d TEXT OUT: decodes standard, URL-safe, padded or unpadded base64 into OUT; fails on bad input.
        b64d() {
            printf '%s' "$1" | grep -q '^[A-Za-z0-9+/_=-]*$' || fail "not base64: $1"
            printf '%s' "$1" | tr -- '-_' '+/' | tr -d '=' |
                awk '{ s = $0; while (length(s) % 4) s = s "="; printf "%s", s }' > "$2.b64"
            openssl base64 -d -A -in "$2.b64" -out "$2" || fail "not base64: $1"
            n=$(printf '%s' "$1" | tr -d '=' | wc -c | tr -d ' ')
            [ "$(size "$2")" -eq $((n * 3 / 4)) ] || fail "not base64: $1"
        }

        # ---- the JSON of one canonical (RFC 8785) line ----------------------------------------------------
        # jstr FILE NAME: the string member NAME, which must occur exactly once and hold no escape.
        jstr() {
            n=$(grep -o "\"$2\":\"" "$1" | wc -l | tr -d ' ')
            [ "$n" = 1 ] || fail "\"$2\" occurs $n times in the line (expected once)"
            v=$(sed -n "s/.*\"$2\":\"\([^\"\\\\]*\)\".*/\1/p" "$1")
            [ -n "$v" ] || fail "\"$2\" is not a plain string"
            printf '%s' "$v"
        }
        # jnum FILE NAME: the integer member NAME, which must occur exactly once.
        jnum() {
            n=$(grep -o "\"$2\":[0-9]" "$1" | wc -l | tr -d ' ')
            [ "$n" = 1 ] || fail "\"$2\" occurs $n times as a number in the line (expected once)"
            sed -n "s/.*\"$2\":\([0-9][0-9]*\)[,}].*/\1/p" "$1"
        }
        # jlist FILE NAME: the members of the array of strings NAME, one per line.
        jlist() {
            sed -n "s/.*\"$2\":\[\([^]]*\)\].*/\1/p" "$1" | tr ',' '\n' | tr -d '"'
        }
        # jnote FILE OUT: the string member "note" with its \n escapes decoded (a note needs no other escape).
        jnote() {
            jstr_n=$(grep -o '"note":"' "$1" | wc -l | tr -d ' ')
            [ "$jstr_n" = 1 ] || fail "\"note\" occurs $jstr_n times in the line (expected once)"
            sed -n 's/.*"note":"\([^"]*\)".*/\1/p' "$1" | awk '{ gsub(/\\n/, "\n"); printf "%s", $0 }' > "$2"
            if grep -q '\\' "$2"; then fail "the note holds a JSON escape other than \\n"; fi
        }
        # readline FILE SEQ OUT: line SEQ (0-based) of FILE without its newline; it must be a complete line.
        readline() {
            [ -r "$1" ] || fail "cannot read the ledger $1"
            total=$(wc -l < "$1" | tr -d ' ')
            [ "$2" -lt "$total" ] || fail "$1 has $total complete lines; seq $2 is not one of them"
            sed -n -e "$(($2 + 1))p" -e "$(($2 + 1))q" "$1" | tr -d '\n' > "$3"
        }
        # nocr FILE: the line holds no carriage return.
        nocr() { [ "$(tr -d '\r' < "$1" | wc -c | tr -d ' ')" = "$(size "$1")" ] || fail "the line holds a carriage return"; }

        # ---- time ---------------------------------------------------------------------------------------
        # epoch RFC3339: POSIX seconds (fraction dropped) of a time written YYYY-MM-DDTHH:MM:SS[.f…]Z.
        epoch() {
            printf '%s\n' "$1" | awk '
                !/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9](\.[0-9]+)?Z$/ { exit 1 }
                {
                    y = substr($0, 1, 4) + 0; m = substr($0, 6, 2) + 0; d = substr($0, 9, 2) + 0
                    H = substr($0, 12, 2) + 0; M = substr($0, 15, 2) + 0; S = substr($0, 18, 2) + 0
                    if (m < 1 || m > 12 || d < 1 || d > 31 || H > 23 || M > 59 || S > 59) exit 1
                    if (m <= 2) { y -= 1; mp = m + 9 } else mp = m - 3
                    days = 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * mp + 2) / 5) + d - 1 - 719468
                    printf "%d\n", days * 86400 + H * 3600 + M * 60 + S
                }' || fail "not an RFC 3339 UTC time: $1"
        }

        # ---- RFC 6962 / RFC 9162 Merkle tree ----------------------------------------------------------------
        # leafhash LINE OUT: SHA-256(0x00 || line).
        leafhash() { { printf '\000'; cat "$1"; } | openssl dgst -sha256 -binary > "$2"; }
        # nodehash LEFT RIGHT OUT: SHA-256(0x01 || left || right).
        nodehash() { { printf '\001'; cat "$1" "$2"; } | openssl dgst -sha256 -binary > "$3"; }
        # inclusion LEAFHASH INDEX SIZE ROOT PROOF...: RFC 9162 section 2.1.3.2, proof hashes leaf sibling first.
        inclusion() {
            cp "$1" "$W/incl.r"
            fn=$2
            sn=$(($3 - 1))
            root=$4
            shift 4
            [ "$fn" -le "$sn" ] || fail "leaf $fn is not inside the tree of size $((sn + 1))"
            for p in "$@"; do
                [ "$sn" -gt 0 ] || fail "the proof is longer than the path from leaf to root"
                if [ $((fn & 1)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
                    nodehash "$p" "$W/incl.r" "$W/incl.n"
                    while [ $((fn & 1)) -eq 0 ] && [ "$fn" -ne 0 ]; do
                        fn=$((fn >> 1))
                        sn=$((sn >> 1))
                    done
                else
                    nodehash "$W/incl.r" "$p" "$W/incl.n"
                fi
                mv "$W/incl.n" "$W/incl.r"
                fn=$((fn >> 1))
                sn=$((sn >> 1))
            done
            [ "$sn" -eq 0 ] || fail "the proof is shorter than the path from leaf to root"
            same "$W/incl.r" "$root" || fail "the proof leads to root $(hexof "$W/incl.r"), not the checkpoint's $(hexof "$root")"
        }

        # ---- certificates and keys ------------------------------------------------------------------------
        # derpem DER OUT: a DER certificate as PEM.
        derpem() { openssl x509 -inform DER -in "$1" -out "$2" 2>/dev/null || fail "not a DER certificate: $1"; }
        # pubkey CERT.pem OUT.pem: the certificate's public key.
        pubkey() { openssl x509 -in "$1" -noout -pubkey > "$2" 2>/dev/null || fail "no public key in $1"; }
        # keytype PUB.pem: ed25519, p256, p384, rsa or other.
        keytype() {
            t=$(openssl pkey -pubin -in "$1" -noout -text 2>/dev/null | grep -E "Public-Key|ASN1 OID|NIST CURVE|Modulus")
            case $t in
            ED25519*) echo ed25519 ;;
            *P-256*|*prime256v1*) echo p256 ;;
            *P-384*|*secp384r1*) echo p384 ;;
            *RSA*|*Modulus*) echo rsa ;;
            *) echo other ;;
            esac
        }
        # rawed25519 PUB.pem OUT: the 32 raw bytes of an Ed25519 public key (the tail of its SPKI DER).
        rawed25519() {
            [ "$(keytype "$1")" = ed25519 ] || fail "the key is not Ed25519"
            openssl pkey -pubin -in "$1" -outform DER | tail -c 32 > "$2"
        }
        # hasrole CERT.pem ROLE: the subjectAltName holds URI:urn:chiptrail:role:ROLE.
        hasrole() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | grep -q "URI:urn:chiptrail:role:$2\$"; }
        # leafprofile CERT.pem: not a CA, and digitalSignature when keyUsage is present.
        leafprofile() {
            bc=$(openssl x509 -in "$1" -noout -ext basicConstraints 2>/dev/null)
            case $bc in *CA:TRUE*) fail "the signer certificate is a CA (CA:TRUE): finding signer-not-leaf" ;; esac
            ku=$(openssl x509 -in "$1" -noout -ext keyUsage 2>/dev/null)
            if [ -n "$ku" ]; then
                case $ku in *"Digital Signature"*) ;; *) fail "keyUsage lacks digitalSignature: finding signer-key-usage" ;; esac
            fi
        }
        # caprofile CERT.pem: a CA (CA:TRUE), with cRLSign when keyUsage is present.
        caprofile() {
            bc=$(openssl x509 -in "$1" -noout -ext basicConstraints 2>/dev/null)
            case $bc in *CA:TRUE*) ;; *) fail "the CRL issuer is not a CA: finding crl-issuer-not-ca" ;; esac
            ku=$(openssl x509 -in "$1" -noout -ext keyUsage 2>/dev/null)
            if [ -n "$ku" ]; then
                case $ku in *"CRL Sign"*) ;; *) fail "the CRL issuer's keyUsage lacks cRLSign: finding crl-issuer-not-ca" ;; esac
            fi
        }
        # org CERT.pem: the subject's first organizationName (empty when it has none).
        org() { openssl x509 -in "$1" -noout -subject -nameopt multiline,utf8,-esc_msb | sed -n 's/^ *organizationName *= //p' | head -n 1; }
        # roles CERT.pem: the chiptrail roles of its subjectAltName URIs, one per line.
        roles() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | sed -n 's/^ *URI:urn:chiptrail:role://p'; }
        # cn CERT.pem: the subject's commonName.
        cn() { openssl x509 -in "$1" -noout -subject -nameopt multiline,utf8,-esc_msb | sed -n 's/^ *commonName *= //p' | head -n 1; }
        # chainverify LEAF.pem UNTRUSTED.pem EPOCH: openssl's path validation at that time, no CRLs.
        chainverify() {
            if [ -s "$2" ]; then
                out=$(openssl verify -attime "$3" -x509_strict -auth_level 2 -CAfile "$ROOT" -untrusted "$2" "$1" 2>&1)
            else
                out=$(openssl verify -attime "$3" -x509_strict -auth_level 2 -CAfile "$ROOT" "$1" 2>&1)
            fi || fail "openssl verify refuses the chain at $3: $(printf '%s' "$out" | tr '\n' ' ')"
        }
        # notrevoked CHILD.pem ISSUER.pem CRL.der SEQ: the CRL (recorded at SEQ) is signed by ISSUER and does not
        # list CHILD's serial. The ledger rule: every CRL recorded before the record counts, whatever its
        # thisUpdate, nextUpdate or revocationDate, and a listed serial stays revoked.
        notrevoked() {
            openssl crl -inform DER -in "$3" -out "$3.pem" 2>/dev/null || fail "the CRL at seq $4 does not parse"
            if openssl crl -in "$3.pem" -CAfile "$2" -noout 2>/dev/null; then :; else
                say "the CRL at seq $4 is not signed by $(openssl x509 -in "$2" -noout -subject -nameopt RFC2253): not applicable"
                return 0
            fi
            serial=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//')
            if openssl crl -in "$3.pem" -noout -text | grep -q "Serial Number: $serial\$"; then
                fail "serial $serial is revoked by the CRL recorded at seq $4, before this record: finding signer-revoked / cert-revoked"
            fi
            ok "serial $serial is not on the CRL recorded at seq $4"
        }

        # ---- C2SP signed notes -------------------------------------------------------------------------------
        # notetext NOTE OUT: the note's text: every line before the blank line, each with its newline.
        notetext() { awk 'BEGIN { ORS = "" } $0 == "" { exit } { print $0 "\n" }' "$1" > "$2"; }
        # notesigs NOTE: "name base64" of each signature line (U+2014 EM DASH, space, name, space, base64).
        notesigs() { awk 'f && substr($0, 1, 4) == "\342\200\224 " { print $2, $3 } $0 == "" { f = 1 }' "$1"; }
        # keyid NAME TYPE RAWKEY: hex of SHA-256(name || 0x0A || type || key)[:4]; TYPE is an octal escape.
        keyid() { { printf '%s\n' "$1"; printf "$2"; cat "$3"; } | openssl dgst -sha256 -binary | head -c 4 | od -An -v -tx1 | tr -d ' \n'; }
        # opsig TEXT NAME SIGB64 CERT.pem: an Ed25519 signed-note signature (key id, then signature over TEXT).
        opsig() {
            pubkey "$4" "$W/op.pub"
            rawed25519 "$W/op.pub" "$W/op.raw"
            b64d "$3" "$W/op.sig"
            [ "$(size "$W/op.sig")" -eq 68 ] || fail "an Ed25519 note signature is 4 + 64 bytes"
            want=$(keyid "$2" '\001' "$W/op.raw")
            got=$(head -c 4 "$W/op.sig" | od -An -v -tx1 | tr -d ' \n')
            [ "$got" = "$want" ] || fail "key id $got is not the operator key's $want"
            tail -c 64 "$W/op.sig" > "$W/op.sig64"
            openssl pkeyutl -verify -pubin -inkey "$W/op.pub" -rawin -in "$1" -sigfile "$W/op.sig64" >/dev/null 2>&1 ||
                fail "the operator's Ed25519 signature does not verify"
            ok "operator signature by $2 (key id $got)"
        }
        # cosig TEXT NAME SIGB64 CERT.pem MINEPOCH: a tlog-cosignature/v1 line (key id, timestamp, Ed25519 over
        # "cosignature/v1\ntime <t>\n" || TEXT); the timestamp must not precede MINEPOCH (empty: not checked).
        cosig() {
            pubkey "$4" "$W/w.pub"
            rawed25519 "$W/w.pub" "$W/w.raw"
            b64d "$3" "$W/w.sig"
            [ "$(size "$W/w.sig")" -eq 76 ] || fail "a cosignature/v1 signature is 4 + 8 + 64 bytes"
            want=$(keyid "$2" '\004' "$W/w.raw")
            got=$(head -c 4 "$W/w.sig" | od -An -v -tx1 | tr -d ' \n')
            [ "$got" = "$want" ] || fail "key id $got is not the witness key's $want: finding cosignature-invalid"
            t=0
            for b in $(tail -c +5 "$W/w.sig" | head -c 8 | od -An -v -tu1); do t=$((t * 256 + b)); done
            [ "$t" -ge 0 ] || fail "the cosignature timestamp does not fit: finding cosignature-invalid"
            if [ -n "$5" ] && [ "$t" -lt "$5" ]; then
                fail "the cosignature timestamp $t precedes the checkpoint record's time $5: finding cosignature-invalid"
            fi
            { printf 'cosignature/v1\ntime %s\n' "$t"; cat "$1"; } > "$W/w.msg"
            tail -c 64 "$W/w.sig" > "$W/w.sig64"
            openssl pkeyutl -verify -pubin -inkey "$W/w.pub" -rawin -in "$W/w.msg" -sigfile "$W/w.sig64" >/dev/null 2>&1 ||
                fail "the witness's Ed25519 cosignature does not verify: finding cosignature-invalid"
            ok "cosignature/v1 by $2 (key id $got, time $t)"
        }

        # ---- certificate and CRL records ------------------------------------------------------------------
        # certof REC PREFIX: the certificate of a certificate record ("cert") or of genesis ("operator") as
        # PREFIX.der / PREFIX.pem, its chain as PREFIX.ch<i>.pem and all of it as PREFIX.chain.pem.
        certof() {
            case $(jstr "$1" type) in genesis) f=operator ;; certificate) f=cert ;; *) fail "not a certificate record" ;; esac
            b64d "$(jstr "$1" "$f")" "$2.der"
            derpem "$2.der" "$2.pem"
            : > "$2.chain.pem"
            i=0
            for c in $(jlist "$1" chain); do
                b64d "$c" "$2.ch$i.der"
                derpem "$2.ch$i.der" "$2.ch$i.pem"
                cat "$2.ch$i.pem" >> "$2.chain.pem"
                i=$((i + 1))
            done
        }
        # crlof REC OUT: the DER CRL of a crl record.
        crlof() { b64d "$(jstr "$1" crl)" "$2"; }
        # opensslcrl LEAF.pem UNTRUSTED.pem EPOCH FLAG CRL.der...: openssl's own revocation check, for comparison.
        # openssl takes, per issuer, the CRL it finds best, and refuses one whose thisUpdate is after EPOCH or whose
        # nextUpdate is before it; with -crl_check_all it wants a CRL from every CA of the path. The ledger rule
        # (checked above with notrevoked) counts every CRL recorded before the record, by position only.
        opensslcrl() {
            leaf=$1; untrusted=$2; at=$3; flag=$4
            shift 4
            : > "$W/crls.pem"
            for c in "$@"; do openssl crl -inform DER -in "$c" >> "$W/crls.pem" 2>/dev/null; done
            set -- -attime "$at" -x509_strict -auth_level 2 "$flag" -CRLfile "$W/crls.pem" -CAfile "$ROOT"
            if [ -s "$untrusted" ]; then set -- "$@" -untrusted "$untrusted"; fi
            if out=$(openssl verify "$@" "$leaf" 2>&1); then
                ok "openssl verify $flag with the CRLs recorded before the record agrees: not revoked"
            else
                case $out in
                *"certificate revoked"*) fail "openssl verify $flag: certificate revoked" ;;
                *) differs "openssl verify $flag says: $(printf '%s' "$out" | grep -i error | head -n 2 | tr '\n' ' ')- the ledger applies a CRL from its record's position, whatever the CRL's thisUpdate/nextUpdate, and needs no CRL from a CA that published none" ;;
                esac
            fi
        }

        # ---- DSSE ------------------------------------------------------------------------------------------
        # dssesig PAE SIG PUB.pem: Ed25519 pure; ECDSA P-256/SHA-256, P-384/SHA-384 (DER); RSA-PSS SHA-256/MGF1/32.
        dssesig() {
            case $(keytype "$3") in
            ed25519) openssl pkeyutl -verify -pubin -inkey "$3" -rawin -in "$1" -sigfile "$2" >/dev/null 2>&1 ;;
            p256) openssl dgst -sha256 -verify "$3" -signature "$2" "$1" >/dev/null 2>&1 ;;
            p384) openssl dgst -sha384 -verify "$3" -signature "$2" "$1" >/dev/null 2>&1 ;;
            rsa) openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256 \
                -verify "$3" -signature "$2" "$1" >/dev/null 2>&1 ;;
            *) fail "the signer's key is of no accepted algorithm" ;;
            esac
        }
        """#
}
