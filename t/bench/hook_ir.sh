#!/bin/bash
# Instructions (callgrind) of one `guard hook claude` call for each of eighteen
# Bash payloads (eight everyday, ten from issue 12's families: the runner,
# write-then-run and shell-form families, git runners, the environment in a
# pipe, a Kubernetes read, a tool cache cleaned, parallel, a function called
# with an argument, awk's getline), for one or more guard bin
# folders side by side:
#   t/bench/hook_ir.sh OLD/bin NEW/bin
# Instruction counts repeat exactly whatever else the machine does, so two
# builds compare here where wall-clock times would be noise.
set -euo pipefail
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "hook_ir.sh: needs valgrind (make bench installs it)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# each build with the policy of its own tree (an older build may not read a newer one)
policy_of() {
	local p
	p=$(cd "$1/.." && pwd)/policy/default.yaml
	[ -f "$p" ] || p=$root/policy/default.yaml
	printf '%s\n' "$p"
}
# one project per build, each warmed by a first call (which creates .ai/audit):
# calls measured afterwards see the same state whichever build runs first
k=0
for b in "$@"; do
	mkdir -p "$tmp/home" "$tmp/proj$k/src" "$tmp/proj$k/build"
	git init -q "$tmp/proj$k"
	echo x >"$tmp/proj$k/README.md"
	# every record synced: "batch" syncs depend on the clock, and so would the counts
	mkdir -p "$tmp/proj$k/.ai"
	printf 'version: 1\naudit: {fsync: always}\n' >"$tmp/proj$k/.ai/policy.yaml"
	(cd "$tmp/proj$k" && jq -cn --arg cwd "$tmp/proj$k" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:"true"},tool_use_id:"w"}' |
		HOME=$tmp/home GUARD_DEFAULT_POLICY=$(policy_of "$b") GUARD_MANAGED_POLICY=$tmp/none \
		"$b/guard" hook claude >/dev/null 2>&1) || true
	k=$((k + 1))
done
cmds=("npm test" "git status" "rm -rf build" "cat README.md" "grep -rn TODO src | head"
	"git push --force origin main" "python3 -c 'import os; print(os.getcwd())'" "find . -name '*.o' -delete"
	"find . -name '*.tmp' | xargs rm -f" "echo 'make test' > run.sh && sh run.sh"
	"eval \"\$(printf '\\x72\\x6d -rf ~')\""
	"git -c core.pager=less log -5" "env | grep -i path" "kubectl get pods -n production" "rm -rf ~/.cache/pip"
	"parallel cat ::: README.md" "f() { rm -rf \"\$1\"; }; f build" "awk 'BEGIN{ \"date\" | getline d; print d }'")
printf '%-44s' "payload"
for b in "$@"; do printf '%14s' "$(basename "$(dirname "$b")")/bin"; done
echo
sums=()
for c in "${cmds[@]}"; do
	printf '%-44s' "$c"
	k=0
	for b in "$@"; do
		p=$(jq -cn --arg c "$c" --arg cwd "$tmp/proj$k" \
			'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:$c},tool_use_id:"t"}')
		(cd "$tmp/proj$k" && echo "$p" | HOME=$tmp/home GUARD_DEFAULT_POLICY=$(policy_of "$b") \
			GUARD_MANAGED_POLICY=$tmp/none valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg" \
			"$b/guard" hook claude >/dev/null 2>&1) || true
		ir=$(callgrind_annotate "$tmp/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' || true)
		sums[k]=$(( ${sums[k]:-0} + ir ))
		k=$((k + 1))
		printf '%14s' "$ir"
	done
	echo
done
printf '%-44s' "total"
for s in "${sums[@]}"; do printf '%14s' "$s"; done
echo
