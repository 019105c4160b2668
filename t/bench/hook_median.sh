#!/bin/sh
# Wall-clock latency of `guard hook claude` on make bench's 100 payloads,
# for one or more builds side by side (rounds interleaved by timeit, so a
# noisy neighbour hurts them alike; compare the ratio, not the numbers):
#   t/bench/hook_median.sh [ROUNDS] OLD/bin NEW/bin ...
# Each build uses its compiled-in default policy, in one shared project.
set -eu
cd "$(dirname "$0")/../.."
rounds=5
case ${1:-} in [0-9]*) rounds=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: $0 [ROUNDS] BIN-DIR..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=$(make -s --no-print-directory -f Makefile -f - guard-print-flags <<'M'
guard-print-flags: ; $(info $(CPPFLAGS_ALL))$(info $(CFLAGS_ALL))@:
M
)
cflags="$(printf '%s\n' "$flags" | sed -n 1p) $(printf '%s\n' "$flags" | sed -n 2p)"
first=$(cd "$1" && pwd)
# each build one argument of timeit: LABEL:ROUNDS:ARGV
n=$#
for b in "$@"; do
	[ -x "$b/guard" ] || { echo "$0: no guard in $b" >&2; exit 2; }
	set -- "$@" "$(basename "$(cd "$b/.." && pwd)"):$rounds:$(cd "$b" && pwd)/guard hook claude"
done
shift "$n"
# shellcheck disable=SC2086  # word lists
eval "${CC:-cc} $cflags -o \"\$tmp/timeit\" t/bench/timeit.c"
proj=$tmp/app home=$tmp/home
mkdir -p "$proj/src/lib" "$proj/tests" "$proj/docs" "$proj/build" "$home"
git init -q "$proj"
printf 'int main(void) { return 0; }\n' >"$proj/src/main.c"
printf '# app\n' >"$proj/README.md"
proj=$(cd "$proj" && pwd -P)
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
(cd "$proj" && HOME=$home "$first/guard" init >/dev/null)  # as make bench does
HOME=$home sh t/bench/gen_payloads.sh "$proj" "$tmp/payloads"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
HOME=$home "$tmp/timeit" -C "$proj" -w 2 -l "$tmp/payloads/list" -o "$tmp/samples.tsv" "$@"
