#!/bin/sh
# guard-audit throughput, side by side with the reference helper (Python:
# open the file, append one json.dumps line, close, per event).
#
#   audit.sh EVENTS-FILE PROJECT OUTDIR
#
# Prints a summary and writes OUTDIR/audit.tsv. BENCH_AUDIT_DURABLE (2000)
# records are appended with fsync always for the durable rate.
set -eu
events=$1
proj=$2
out=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/bin
n=$(wc -l <"$events")
durable=${BENCH_AUDIT_DURABLE:-2000}

secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }
now() { date +%s.%N; }

printf 'what\trecords\tseconds\trecords_per_s\n' >"$out/audit.tsv"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(rate "$2" "$3")" >>"$out/audit.tsv"
	printf '%-34s %9s records %8ss %9s records/s\n' "$1" "$2" "$3" "$(rate "$2" "$3")"; }

# A fresh log: the old one's synced-record watermark (in the git dir's
# guard folder) goes with it, or verify rightly calls the new log a rewrite.
fresh() { rm -rf "$proj/.ai/audit"; rm -f "$proj"/.git/guard/audit-*; }
fresh
t0=$(now); (cd "$proj" && "$bin/guard-audit" append --event decision --fsync batch <"$events"); t1=$(now)
row "guard-audit append (batch)" "$n" "$(secs "$t0" "$t1")"

t0=$(now)
python3 - "$events" "$proj/ref.jsonl" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
for line in open(src):
    ev = json.loads(line)
    with open(dst, "a") as f:
        f.write(json.dumps(ev) + "\n")
PY
t1=$(now)
row "python reference (open/append/close)" "$n" "$(secs "$t0" "$t1")"
rm -f "$proj/ref.jsonl"

t0=$(now); (cd "$proj" && "$bin/guard-audit" verify -q); t1=$(now)
row "guard-audit verify" "$n" "$(secs "$t0" "$t1")"

t0=$(now); (cd "$proj" && "$bin/guard-audit" query --session bench-none >/dev/null); t1=$(now)
row "guard-audit query (no match)" "$n" "$(secs "$t0" "$t1")"
t0=$(now); (cd "$proj" && "$bin/guard-audit" query --actor claude >/dev/null); t1=$(now)
row "guard-audit query (all match)" "$n" "$(secs "$t0" "$t1")"

head -n "$durable" "$events" >"$proj/durable.jsonl"
t0=$(now); (cd "$proj" && "$bin/guard-audit" append --event decision --fsync always <"$proj/durable.jsonl"); t1=$(now)
row "guard-audit append (fsync always)" "$durable" "$(secs "$t0" "$t1")"
t0=$(now)
python3 - "$proj/durable.jsonl" "$proj/ref.jsonl" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for line in open(src):
    with open(dst, "a") as f:
        f.write(json.dumps(json.loads(line)) + "\n"); f.flush(); os.fsync(f.fileno())
PY
t1=$(now)
row "python reference + fsync" "$durable" "$(secs "$t0" "$t1")"
rm -f "$proj/ref.jsonl" "$proj/durable.jsonl"
fresh
