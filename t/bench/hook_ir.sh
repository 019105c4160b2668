#!/bin/bash
# Instructions (callgrind) of one `guard hook claude` call for each of eight
# everyday Bash payloads, for one or more guard bin folders side by side:
#   t/bench/hook_ir.sh OLD/bin NEW/bin
# Instruction counts repeat exactly whatever else the machine does, so two
# builds compare here where wall-clock times would be noise.
set -euo pipefail
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "hook_ir.sh: needs valgrind (make bench installs it)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/proj/src" "$tmp/proj/build"
git init -q "$tmp/proj"
echo x >"$tmp/proj/README.md"
root=$(cd "$(dirname "$0")/../.." && pwd)
cmds=("npm test" "git status" "rm -rf build" "cat README.md" "grep -rn TODO src | head"
	"git push --force origin main" "python3 -c 'import os; print(os.getcwd())'" "find . -name '*.o' -delete")
printf '%-44s' "payload"
for b in "$@"; do printf '%14s' "$(basename "$(dirname "$b")")/bin"; done
echo
sums=()
for c in "${cmds[@]}"; do
	p=$(jq -cn --arg c "$c" --arg cwd "$tmp/proj" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:$c},tool_use_id:"t"}')
	printf '%-44s' "$c"
	k=0
	for b in "$@"; do
		(cd "$tmp/proj" && echo "$p" | HOME=$tmp/home GUARD_DEFAULT_POLICY=$root/policy/default.yaml \
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
