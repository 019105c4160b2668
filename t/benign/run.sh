#!/bin/bash
# The everyday set: day.jsonl holds ~300 tool calls an agent makes on a
# normal day in a C / Python / JS project (builds, tests, git on its own
# branch, file tools, templates, docs fetches). Each runs through
# `guard hook claude` with the default policy, attended and then in an
# unattended session (GUARD_SESSION set), in a project this script makes.
# Every ask or deny is listed with its reason; the last lines give the
# false-block rate of each profile.
#
#   t/benign/run.sh [GUARD_BIN-dir [DAY-file]]
#
# (defaults: bin/ of this tree, day.jsonl; day2.jsonl is the second set:
# the look-alikes of dangerous commands an engineer types every day).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:-$here/../../bin}" && pwd)
day=$(cd "$(dirname "${2:-$here/day.jsonl}")" && pwd)/$(basename "${2:-day.jsonl}")
export PATH="$bin:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home
export GUARD_DEFAULT_POLICY=$here/../../policy/default.yaml
export GUARD_MANAGED_POLICY=$tmp/no-managed.yaml
unset GUARD_USER_POLICY GUARD_PROFILE GUARD_DIR GUARD_SESSION XDG_CONFIG_HOME CLAUDE_PROJECT_DIR
mkdir -p "$HOME"
P=$tmp/app
mkdir -p "$P"
P=$(cd "$P" && pwd -P)
sh "$here/make_project.sh" "$P"
cd "$P"

# One hook call per line of day.jsonl; prints "N<TAB>decision<TAB>reason".
# In a session each call meets the state saved at its start ($state), so
# one breach (a docs fetch from an unlisted host) does not end the day.
run_day() {
	local n=0 line payload out got why
	while IFS= read -r line; do
		n=$((n + 1))
		payload=$(jq -c --arg p "$P" --arg n "$n" '
			walk(if type == "string" then gsub("\\$P"; $p) else . end) |
			{session_id:"5b1d0e8c-day", transcript_path:"/t.jsonl", cwd:$p,
			 permission_mode:"default", hook_event_name:"PreToolUse",
			 tool_name:.tool, tool_input:.input, tool_use_id:("toolu_day" + $n)}' <<<"$line")
		out=$(guard hook claude <<<"$payload" 2>/dev/null || true)
		got=$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"${out:-{\}}")
		why=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"${out:-{\}}" | tr '\n' ' ')
		[[ $got == deny && $why == *"approval required"* ]] && got=ask
		printf '%s\t%s\t%s\n' "$n" "$got" "$why"
		[ -z "${state:-}" ] || cp "$tmp/state0" "$state"
	done <"$day"
}

# "PROFILE: B of N blocked (R%)" and the blocked calls with their reasons.
report() { # profile, results file
	local total blocked
	total=$(wc -l <"$2")
	blocked=$(awk -F'\t' '$2 != "allow"' "$2" | wc -l)
	awk -F'\t' -v d="$day" '
		BEGIN { while ((getline l < d) > 0) call[++i] = l }
		$2 != "allow" { printf "  %s %s %s\n      %s\n", $1, $2, call[$1], $3 }' "$2"
	awk -v p="$1" -v b="$blocked" -v t="$total" \
		'BEGIN { printf "%s: %d of %d blocked (%.1f%%)\n", p, b, t, 100 * b / t }'
}

run_day >"$tmp/attended"
out=$(guard-session start --task benign-day 2>/dev/null)
export GUARD_SESSION=${out#export GUARD_SESSION=}
state=$(git rev-parse --git-common-dir)/guard/sessions/$GUARD_SESSION.json
cp "$state" "$tmp/state0"
run_day >"$tmp/unattended"
unset GUARD_SESSION
report attended "$tmp/attended" >"$tmp/r1"
report unattended "$tmp/unattended" >"$tmp/r2"
cat "$tmp/r1" "$tmp/r2"
tail -n1 "$tmp/r1"
