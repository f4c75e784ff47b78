#!/usr/bin/env bash
# Regenerates docs/chiptrail.1, the manual page, with swift-argument-parser's generate-manual plugin (the same
# command tree `--help` shows). Run it after changing a command, an option or a help text, and commit the result;
# ManualPageTests checks that the page names every command and option.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift package plugin generate-manual --authors "chiptrail engineers" >&2
page="$(find .build/plugins -path '*GenerateManual*' -name chiptrail.1 -newer Package.swift | head -1)"
[ -n "$page" ] || { echo "generate-manual wrote no chiptrail.1" >&2; exit 1; }
mkdir -p docs
cp "$page" docs/chiptrail.1
echo "wrote docs/chiptrail.1" >&2
