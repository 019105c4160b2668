#!/bin/sh
# The stream guard-risk | guard-policy for one or more builds side by side
# on the same events (make bench's mix, BENCH_EVENTS of them, 100,000 by
# default), rounds interleaved: wall time and events/s of the pipeline, and
# each side's CPU (perf task-clock) and system calls, which say more than
# the wall time on a shared machine:
#   t/bench/stream_side.sh [ROUNDS] OLD/bin NEW/bin ...
# Each build uses its compiled-in default policy, in one shared project.
set -eu
cd "$(dirname "$0")/../.."
rounds=3
case ${1:-} in [0-9]*) rounds=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: $0 [ROUNDS] BIN-DIR..." >&2; exit 2; }
command -v perf >/dev/null || { echo "$0: needs perf (linux-perf)" >&2; exit 2; }
n=${BENCH_EVENTS:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
proj=$tmp/app home=$tmp/home
mkdir -p "$proj/src/lib" "$proj/tests" "$proj/docs" "$proj/build" "$home"
git init -q "$proj"
printf 'int main(void) { return 0; }\n' >"$proj/src/main.c"
printf '# app\n' >"$proj/README.md"
printf '{"name":"app"}\n' >"$proj/package.json"
proj=$(cd "$proj" && pwd -P)
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
(cd "$proj" && HOME=$home "$(cd "$1" && pwd)/guard" init >/dev/null)
HOME=$home sh t/bench/gen_payloads.sh "$proj" "$tmp/payloads"
sh t/bench/gen_events.sh "$tmp/payloads/list" "$n" "$tmp/events.jsonl"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $n events"
printf '%-5s %-24s %8s %9s %9s %11s %9s %9s\n' round build wall_s events/s risk_ms risk_calls policy_ms pol_calls
r=1
while [ "$r" -le "$rounds" ]; do
	for b in "$@"; do
		bin=$(cd "$b" && pwd)
		t0=$(date +%s.%N)
		(cd "$proj" && HOME=$home perf stat -x, -o "$tmp/risk.txt" -e task-clock,raw_syscalls:sys_enter \
			"$bin/guard-risk" <"$tmp/events.jsonl" |
			HOME=$home perf stat -x, -o "$tmp/policy.txt" -e task-clock,raw_syscalls:sys_enter \
			"$bin/guard-policy" >/dev/null)
		t1=$(date +%s.%N)
		awk -F, -v r="$r" -v l="$(basename "$(cd "$b/.." && pwd)")" -v a="$t0" -v b="$t1" -v n="$n" '
			FNR == 1 {f++} /task-clock/ {t[f] = $1} /sys_enter/ {s[f] = $1}
			END {printf "%-5d %-24s %8.2f %9.0f %9.0f %11d %9.0f %9d\n", r, l, b - a, n / (b - a), t[1], s[1], t[2], s[2]}' \
			"$tmp/risk.txt" "$tmp/policy.txt"
	done
	r=$((r + 1))
done
