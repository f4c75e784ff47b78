#!/usr/bin/env bash
# The chiptrail benchmark (BENCHMARKS.md): one run measures the OpenSSL limit, `ledger verify` at 10k/100k/1M
# records, bulk append, single-append latency at 1k vs 1M records and proof latency at 1M, and prints one table.
#
#   Benchmarks/run.sh [--sizes "10000 100000 1000000"] [--regenerate]
#
# Ledgers are generated once into $BENCH_DIR (default /tmp/chiptrail-bench) and reused; appends made by a run stay
# in them (a later run counts the lines it finds). Needs /usr/bin/time (apt-get install time).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/chiptrail-bench}"
sizes="10000 100000 1000000"
regenerate=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --regenerate) regenerate=1; shift ;;
    *) echo "usage: $0 [--sizes \"N …\"] [--regenerate]" >&2; exit 64 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install -y time" >&2; exit 69; }

echo "== building (release)" >&2
(cd "$root" && swift build -c release --product chiptrail >&2)
(cd "$here" && swift build -c release >&2)
CT="$root/.build/release/chiptrail"
BENCH="$here/.build/release/chiptrail-bench"
mkdir -p "$BENCH_DIR"

gen() { # gen N → $BENCH_DIR/lN
  local d="$BENCH_DIR/l$1"
  if [ "$regenerate" = 1 ] || [ ! -s "$d/ledger.jsonl" ] || [ ! -s "$d/meta.json" ]; then
    echo "== generating $1 records" >&2
    "$BENCH" generate --dir "$d" --records "$1" >&2
  fi
}
meta() { python3 -c "import json,sys; print(json.load(open('$1/meta.json'))['$2'])"; }
timed() { # timed cmd… → sets T_WALL, T_RSS_KB, T_CPU (user + system seconds)
  local f; f="$(mktemp)"
  /usr/bin/time -f "%e %M %U %S" -o "$f" "$@" >/dev/null 2>"$f.err" || { local rc=$?; [ "$rc" -le 2 ] || { cat "$f.err" >&2; exit 1; }; }
  local u s; read -r T_WALL T_RSS_KB u s < <(tail -1 "$f"); rm -f "$f" "$f.err"
  T_CPU="$(python3 -c "print(f'{$u+$s:.2f}')")"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== machine" >&2
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
cpus="$(nproc)"
model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
mem="$(free -g | awk '/Mem:/ {print $2" GiB"}')"
ossl="$(openssl version)"

echo "== openssl speed -multi $cpus ed25519 ecdsap256" >&2
speed="$(openssl speed -multi "$cpus" -seconds 5 ed25519 ecdsap256 2>/dev/null)"
ed_rate="$(echo "$speed" | awk '/Ed25519/ {v=$NF} END {print v}')"
p256_rate="$(echo "$speed" | awk '/nistp256/ {v=$NF} END {print v}')"

rows=()
row() { rows+=("$(printf '%-34s %14s %14s %10s' "$1" "$2" "$3" "$4")"); }
row "measure" "value" "limit/target" "ratio"
row "openssl verify Ed25519 (-multi $cpus)" "$ed_rate/s" "" ""
row "openssl verify P-256 (-multi $cpus)" "$p256_rate/s" "" ""

for n in $sizes; do
  gen "$n"
  d="$BENCH_DIR/l$n"
  ed="$(meta "$d" ed25519)"; p="$(meta "$d" p256)"
  lines="$(wc -l < "$d/ledger.jsonl")"
  echo "== ledger verify $n ($lines lines)" >&2
  timed "$CT" ledger verify "$d/ledger.jsonl" --trust "$d/root.pem"
  # The limit for this ledger's mix: every signature checked once at openssl speed's rate.
  read -r rps sps limit ratio <<<"$(python3 -c "
ed,p,lines,w,er,pr=$ed,$p,$lines,$T_WALL,$ed_rate,$p256_rate
sigs=ed+p; limit=sigs/(ed/er+p/pr)
print(f'{lines/w:.0f} {sigs/w:.0f} {limit:.0f} {sigs/w/limit:.2f}')")"
  row "ledger verify $n: records/s" "$rps" "" ""
  row "ledger verify $n: signatures/s" "$sps" "$limit (mix)" "$ratio"
  row "ledger verify $n: peak RSS" "$((T_RSS_KB / 1024)) MB" "< 150 MB" ""
  row "ledger verify $n: wall / CPU" "${T_WALL} s / ${T_CPU} s" "" ""
  # The same through the library alone (integrity only): what TrailLedger itself costs.
  timed "$BENCH" verify --dir "$d"
  read -r sps ratio <<<"$(python3 -c "
ed,p,w,er,pr=$ed,$p,$T_WALL,$ed_rate,$p256_rate
sigs=ed+p; limit=sigs/(ed/er+p/pr)
print(f'{sigs/w:.0f} {sigs/w/limit:.2f}')")"
  row "  library verify $n: signatures/s" "$sps" "$limit (mix)" "$ratio"
  row "  library verify $n: peak RSS" "$((T_RSS_KB / 1024)) MB" "< 150 MB" ""
done

# Single-append latency: median of 5 one-envelope appends, after the index is built.
single() { # single DIR TAG → median seconds
  local d="$1"
  "$BENCH" envelopes --dir "$d" --count 5 --out "$d/single-$2" --tag "s$2" >&2
  for f in "$d/single-$2"/*.json; do
    timed "$CT" ledger append "$d/ledger.jsonl" --operator-key "$d/operator.key" "$f"
    echo "$T_WALL"
  done | median
}

echo "== 1k ledger: single append" >&2
gen 1000
"$BENCH" reindex --dir "$BENCH_DIR/l1000" >&2
lat1k="$(single "$BENCH_DIR/l1000" "$(date +%s)")"
row "single append @1k (median of 5)" "${lat1k} s" "" ""

big="$(echo "$sizes" | tr ' ' '\n' | sort -n | tail -1)"
d="$BENCH_DIR/l$big"
echo "== $big ledger: index build, single append, proofs" >&2
reidx="$("$BENCH" reindex --dir "$d" | sed -n 's/reindex_seconds=//p')"
row "index rebuild @$big" "${reidx} s" "(once)" ""
latbig="$(single "$d" "$(date +%s)")"
r="$(python3 -c "print(f'{$latbig/$lat1k:.2f}')")"
row "single append @$big (median of 5)" "${latbig} s" "≤ 2× @1k" "$r"

echo "== bulk append" >&2
bulk=3000
tag="b$(date +%s)"
"$BENCH" envelopes --dir "$d" --count "$bulk" --out "$d/bulk-$tag" --tag "$tag" >&2
timed "$CT" ledger append "$d/ledger.jsonl" --operator-key "$d/operator.key" "$d/bulk-$tag"/*.json
bps="$(python3 -c "print(f'{$bulk/$T_WALL:.0f}')")"
row "bulk append @$big ($bulk in 1 batch)" "$bps rec/s" "≥ 5000" "$(python3 -c "print(f'{$bps/5000:.2f}')")"
rm -rf "$d"/bulk-* "$d"/single-* "$BENCH_DIR"/l1000/single-*

if "$CT" ledger prove --help 2>/dev/null | grep -q -- "--shipment"; then
  echo "== ledger prove" >&2
  timed "$CT" ledger prove "$d/ledger.jsonl" --shipment "SHP-$((big / 6))" --out "$d/bundle.json" --force
  row "ledger prove @$big" "${T_WALL} s" "< 0.05 s" ""
else
  row "ledger prove @$big" "not measured" "(not implemented in this tree)" ""
fi
pb="$("$BENCH" prove --dir "$d" --repeat 200)"
row "index proof (lib) @$big: avg" "$(echo "$pb" | sed -n 's/.*proof_avg_ms=\([0-9.]*\).*/\1/p') ms" "" ""
row "index open+validate (lib) @$big" "$(echo "$pb" | sed -n 's/.*index_open_ms=\([0-9.]*\).*/\1/p') ms" "" ""

# Trust state at scale (issue 15): 10,000 certificate records, 10,000 CRL records (CRL i revokes certificate i) and
# 10,000 witnesses each cosigning the same checkpoint once; every record must cost O(log n).
ts="$BENCH_DIR/trust-scale"
if [ "$regenerate" = 1 ] || [ ! -s "$ts/ledger.jsonl" ]; then
  echo "== generating the trust-scale ledger" >&2
  "$BENCH" trust-scale --dir "$ts" --certs 10000 --witnesses 10000 >&2
fi
echo "== ledger verify trust-scale" >&2
timed "$CT" ledger verify "$ts/ledger.jsonl" --trust "$ts/root.pem" --format json
row "verify 10k certs+10k CRLs+10k witnesses" "${T_WALL} s" "< 5 s" "$(python3 -c "print(f'{5/$T_WALL:.2f}')")"
row "  trust-scale: peak RSS / CPU" "$((T_RSS_KB / 1024)) MB / ${T_CPU} s" "" ""

echo
echo "machine: $cpus CPUs, $model, $mem; $ossl; load at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${rows[@]}"
