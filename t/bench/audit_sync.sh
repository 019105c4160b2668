#!/bin/sh
# What making an allowed action's record durable costs the hook: wall time
# of N allowed `guard hook claude` calls, one after another and from W
# writers at once, for builds side by side (rounds interleaved, each build
# its own fresh project on the same file system; compare the ratios):
#   t/bench/audit_sync.sh [ROUNDS] LABEL=BIN-DIR...
set -eu
cd "$(dirname "$0")/../.."
rounds=3 n=${N:-100} w=${W:-4}
case ${1:-} in [0-9]*) rounds=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: $0 [ROUNDS] LABEL=BIN-DIR..." >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/guard-sync.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
export HOME=$tmp/home
mkdir -p "$HOME"
now() { date +%s%N; }
# calls BIN PROJ COUNT: COUNT allowed hook calls in PROJ
calls() {
	i=0
	while [ "$i" -lt "$3" ]; do
		"$1/guard" hook claude <"$2/payload" >/dev/null
		i=$((i + 1))
	done
}
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(df -T "$tmp" | awk 'NR==2{print $2}') at $tmp"
echo "label round sequential_ms_per_call concurrent_ms_per_call"
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	for lb in "$@"; do
		label=${lb%%=*} bin=$(cd "${lb#*=}" && pwd)
		proj=$tmp/$label.$r
		mkdir -p "$proj" && git init -q "$proj"
		jq -cn --arg cwd "$proj" '{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",
			tool_input:{command:"git status"},tool_use_id:"t"}' >"$proj/payload"
		t0=$(now); calls "$bin" "$proj" "$n"; t1=$(now)
		k=0
		while [ "$k" -lt "$w" ]; do calls "$bin" "$proj" "$((n / w))" & k=$((k + 1)); done
		wait
		t2=$(now)
		(cd "$proj" && "$bin/guard-audit" verify -q)
		printf '%s %s %.3f %.3f\n' "$label" "$r" "$(echo "($t1 - $t0) / 1000000 / $n" | bc -l)" \
			"$(echo "($t2 - $t1) / 1000000 / $n" | bc -l)"
		rm -rf "$proj"
	done
done
