#!/bin/sh
# Page faults, task-clock and system calls of one `guard hook claude` call
# (perf stat -r N, stdin from a payload through t/bench/stdin_from.c), for
# one or more builds side by side, with /bin/true through the same wrapper
# as the floor of starting a process here:
#   t/bench/hook_faults.sh [RUNS] OLD/bin NEW/bin ...
# Counts (faults, system calls) repeat whatever the load; times do not.
set -eu
cd "$(dirname "$0")/../.."
runs=50
case ${1:-} in [0-9]*) runs=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: $0 [RUNS] BIN-DIR..." >&2; exit 2; }
command -v perf >/dev/null || { echo "$0: needs perf (linux-perf)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/stdin_from" t/bench/stdin_from.c
proj=$tmp/app home=$tmp/home
mkdir -p "$proj/src" "$home"
git init -q "$proj"
printf '# app\n' >"$proj/README.md"
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
(cd "$proj" && HOME=$home "$(cd "$1" && pwd)/guard" init >/dev/null)
jq -cn --arg cwd "$(cd "$proj" && pwd -P)" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",
	tool_name:"Bash",tool_input:{command:"npm test"},tool_use_id:"t"}' >"$tmp/payload.json"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each"
printf '%-28s %12s %14s %14s\n' build page-faults task-clock-ms syscalls
row() { # LABEL PROGRAM ARGS...
	label=$1; shift
	(cd "$proj" && HOME=$home perf stat -x, -r "$runs" -e page-faults,task-clock,raw_syscalls:sys_enter \
		"$tmp/stdin_from" "$tmp/payload.json" "$@" >/dev/null 2>"$tmp/stat") || true
	awk -F, -v l="$label" '/page-faults/ {f = $1} /task-clock/ {t = $1} /sys_enter/ {s = $1}
		END {printf "%-28s %12.0f %14.2f %14.0f\n", l, f, t, s}' "$tmp/stat"
}
for b in "$@"; do
	row "$(basename "$(cd "$b/.." && pwd)")/$(basename "$b")" "$(cd "$b" && pwd)/guard" hook claude
done
row "/bin/true (floor)" /bin/true
