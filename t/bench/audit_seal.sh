#!/bin/sh
# Forward-secure sealing's cost, tags on against off in one run: append
# and verify throughput of N records (default 200000), rounds interleaved.
# "on": a sealing key with 1-second epochs (a tag every second of the run,
# far more than the 15-minute default); verify then checks every tag.
#   t/bench/audit_seal.sh [ROUNDS] [BIN-DIR]
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-3} bin=$(cd "${2:-bin}" && pwd) n=${N:-200000}
. t/bench/seal_env.sh
now() { date +%s.%N; }
rate() { awk -v n="$n" -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", n / (b - a)}'; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $n records"
echo "round tags append_per_s verify_per_s seal_records"
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	for tags in off on; do
		p=$tmp/$tags.$r
		mkdir -p "$p" && git init -q "$p"
		key=
		[ "$tags" = on ] && key=$(cd "$p" && "$bin/guard-audit" seal-key init 2>/dev/null)
		t0=$(now); (cd "$p" && "$bin/guard-audit" append --event decision <"$tmp/events.jsonl"); t1=$(now)
		if [ -n "$key" ]; then (cd "$p" && "$bin/guard-audit" verify -q --key "$key"); else (cd "$p" && "$bin/guard-audit" verify -q); fi
		t2=$(now)
		printf '%s %s %s %s %s\n' "$r" "$tags" "$(rate "$t0" "$t1")" "$(rate "$t1" "$t2")" \
			"$(cat "$p"/.ai/audit/*.jsonl | grep -c '"event":"audit.seal"' || true)"
		rm -rf "$p"
	done
done
