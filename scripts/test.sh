#!/usr/bin/env bash
# The test command (README "Set up", and `.ci/run`): installs what the tests need when it is missing on a
# Debian/Ubuntu machine, then runs `swift test` with any arguments given (e.g. `scripts/test.sh --filter ReportTests`).
# Installing needs root (or sudo); nothing is installed when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo=(sudo); fi

need_apt=()
# OpenSSL 3 with its headers, found through pkg-config (the TrailCrypto module links it), and the openssl CLI
# the interoperability tests run.
if ! command -v pkg-config >/dev/null 2>&1; then need_apt+=(pkg-config); fi
if ! pkg-config --exists openssl 2>/dev/null; then need_apt+=(libssl-dev pkg-config); fi
if ! command -v openssl >/dev/null 2>&1; then need_apt+=(openssl); fi
# Go's sumdb/note and sumdb/tlog check our checkpoints (interop/go).
if ! command -v go >/dev/null 2>&1; then need_apt+=(golang-go); fi
if [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ]; then need_apt+=(golang-golang-x-mod-dev); fi
# PKCS#11 tests (Tests/chiptrailTests/PKCS11Tests.swift): a SoftHSM2 token, OpenSC's pkcs11-tool and libp11's engine.
if ! command -v softhsm2-util >/dev/null 2>&1; then need_apt+=(softhsm2); fi
if ! command -v pkcs11-tool >/dev/null 2>&1; then need_apt+=(opensc); fi
if ! ls /usr/lib/*/engines-3/pkcs11.so >/dev/null 2>&1; then need_apt+=(libengine-pkcs11-openssl); fi
# Headless Chromium renders the HTML report at desktop and phone width (ReportLayoutTests).
if ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
# python3 runs the independent verifier (interop/python), which needs pyca/cryptography (from pip, below).
need_pip=()
if ! command -v python3 >/dev/null 2>&1; then need_apt+=(python3); need_pip+=(cryptography)
elif ! python3 -c 'import cryptography' >/dev/null 2>&1; then need_pip+=(cryptography); fi
# The schema tests validate documents with an independent validator (Python jsonschema, Draft 2020-12).
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then need_pip+=(jsonschema); fi
if [ ${#need_pip[@]} -gt 0 ] && ! python3 -m pip --version >/dev/null 2>&1; then need_apt+=(python3-pip); fi
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

if [ ${#need_pip[@]} -gt 0 ]; then
    echo "scripts/test.sh: pip installing ${need_pip[*]}" >&2
    python3 -m pip install --quiet "${need_pip[@]}" \
        || python3 -m pip install --quiet --break-system-packages "${need_pip[@]}"
fi

swift --version
openssl version
exec swift test "$@"
