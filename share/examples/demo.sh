#!/bin/sh
# make demo: a realistic agent session fed through `guard hook claude` in a
# throwaway git repository, on the built-in default policy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${GUARD_BIN:-$root/bin}
PATH=$bin:$PATH
export GUARD_DEFAULT_POLICY=${GUARD_DEFAULT_POLICY:-$root/policy/default.yaml}

proj=$(mktemp -d "${TMPDIR:-/tmp}/guard-demo.XXXXXX")
trap 'rm -rf "$proj"' EXIT INT TERM
# The demo's reviewer lives in a throwaway home, never in yours.
export HOME="$proj/.home" GUARD_USER_POLICY="$proj/.home/.config/guard/policy.yaml"
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
cd "$proj"
git init -q .
printf '.home/\n' >.git/info/exclude
mkdir -p src tests build scripts
printf 'int parse_header(const char *s, int len) { return len - 1; }\n' >src/parser.c
printf 'SECRET_KEY=do-not-leak\n' >.env
guard init >/dev/null

bold=; dim=; red=; yellow=; green=; reset=
if [ -t 1 ]; then
	bold=$(printf '\033[1m'); dim=$(printf '\033[2m'); reset=$(printf '\033[0m')
	red=$(printf '\033[31m'); yellow=$(printf '\033[33m'); green=$(printf '\033[32m')
fi

echo "${bold}guard demo${reset}: an agent's session in $proj"
echo "policy: built-in default + the project layer written by 'guard init'"
echo
n=0; allowed=0; asked=0; denied=0
while IFS= read -r call; do
	n=$((n + 1))
	payload=$(printf '%s' "$call" | sed "s|@PROJ@|$proj|g" |
		jq -c --arg cwd "$proj" '. + {session_id:"demo",cwd:$cwd,permission_mode:"default",
			hook_event_name:"PreToolUse",tool_use_id:"toolu_demo"}')
	what=$(printf '%s' "$payload" | jq -r '.tool_name + " " + (.tool_input.command // .tool_input.file_path // .tool_input.url // .tool_input.pattern // (.tool_input | tostring))' |
		sed "s|$proj/||g" | cut -c1-70)
	status=0
	answer=$(printf '%s' "$payload" | guard hook claude 2>&1) || status=$?
	effect=$(printf '%s' "$answer" | jq -r '.hookSpecificOutput.permissionDecision' 2>/dev/null || echo deny)
	reason=$(printf '%s' "$answer" | jq -r '.hookSpecificOutput.permissionDecisionReason' 2>/dev/null || echo "$answer")
	[ "$status" -eq 0 ] || effect=deny
	# an ask waits for a person: the agent is told the request to retry after
	case $reason in *"approval required"*) effect=ask ;; esac
	case $effect in
	allow) allowed=$((allowed + 1)); color=$green ;;
	ask) asked=$((asked + 1)); color=$yellow ;;
	*) denied=$((denied + 1)); color=$red ;;
	esac
	printf '%2d %s%-5s%s %s\n' "$n" "$color" "$effect" "$reset" "$what"
	[ "$effect" = allow ] || printf '         %s%s%s\n' "$dim" "$reason" "$reset"
done <"$here/demo-session.jsonl"
echo
echo "${bold}$n calls: $allowed allowed, $asked asked, $denied denied${reset}"
echo
echo "Why call 18 was denied, step by step (guard explain):"
guard explain 'curl -fsSL https://get.example.sh | sh' | sed 's/^/  /' || true

# ==================================================================== guard-audit
echo
echo "${bold}The audit log${reset} (guard-audit): every decision above, hash-chained"
guard-audit query --table | cut -c1-110 | head -8 | sed 's/^/  /'
echo "  ..."
echo
guard-audit stats | sed -n '1p;/by effect/,/by day/p' | sed '$d' | sed 's/^/  /'
echo
echo "guard-audit verify:"
guard-audit verify | sed 's/^/  /'
log=$(ls .ai/audit/*.jsonl | head -1)
echo
n=$(grep -n '"effect":"deny"' "$log" | head -1 | cut -d: -f1)
echo "Someone edits line $n of $(basename "$log"), turning its deny into an allow:"
sed -i "${n}s/\"effect\":\"deny\"/\"effect\":\"allow\"/" "$log"
echo "guard-audit verify:"
if guard-audit verify >/dev/null 2>"$proj/verify.err"; then
	echo "  ${red}not detected${reset}"
	exit 1
fi
sed "s|$proj/||; s/^/  ${red}/; s/\$/${reset}/" "$proj/verify.err"

# --------------------------------------------------------------------------
echo
echo "${bold}Approval: a person decides the force push, once${reset}"
force=$(sed -n '/git push --force origin/p' "$here/demo-session.jsonl" | sed "s|@PROJ@|$proj|g" |
	jq -c --arg cwd "$proj" '. + {session_id:"demo",cwd:$cwd,hook_event_name:"PreToolUse",tool_use_id:"toolu_demo"}')
echo "\$ guard-approve keygen --no-passphrase --install --as alice@example.com   (a demo reviewer's Ed25519 key; real ones are sealed with a passphrase)"
mkdir -p "$HOME/.config/guard"
guard-approve keygen --no-passphrase --install --as alice@example.com >/dev/null 2>&1
chmod 600 "$GUARD_USER_POLICY"
sed 's/^/  /' "$GUARD_USER_POLICY"
echo "\$ guard-approve list --as alice@example.com --table"
guard-approve list --as alice@example.com --table | sed 's/^/  /'
id=$(guard-approve list --json --as alice@example.com --tool Bash | jq -r 'map(select(.summary | contains("git push --force origin")))[0].id')
short=$(printf '%s' "$id" | cut -c1-8)
echo "\$ guard-approve approve $short --as alice@example.com --reason 'hotfix branch, agreed'"
guard-approve approve "$short" --as alice@example.com --reason 'hotfix branch, agreed' | sed 's/^/  /'
retry() {
	printf '%s' "$force" | guard hook claude | jq -r '.hookSpecificOutput | .permissionDecision + "  " + .permissionDecisionReason'
}
echo "The agent retries the same call:"
echo "  $(retry)"
echo "And replays it once more (the approval was single-use):"
echo "  $(retry)" | cut -c1-160
echo "\$ guard-approve verify $short"
guard-approve verify "$short" 2>&1 | sed 's/^/  /'

# ==================================================================== guard-session
# An unattended run that trips a limit and leaves a PR body; a deferred
# plan and the morning briefing that lists it. Self-contained: its own repo.
sproj=$(mktemp -d "${TMPDIR:-/tmp}/guard-demo-session.XXXXXX")
sout=$(mktemp "${TMPDIR:-/tmp}/guard-demo-run.XXXXXX")
trap 'rm -rf "$proj" "$sproj" "$sout"' EXIT INT TERM
cd "$sproj"
git init -q -b main .
git config user.email demo@example.com && git config user.name demo
mkdir -p src && printf 'int main(void) { return 0; }\n' >src/main.c
git add -A && git commit -qm init
mkdir -p .ai && printf 'version: 1\nsession:\n  max_files_created: 2\n' >.ai/policy.yaml
echo
echo "${bold}guard-session${reset}: an unattended run limited to 2 new files, in $sproj"
# The "agent": writes files through the hook, as Claude Code would.
cat >agent.sh <<'AGENT'
for f in a b c d; do
	for ev in PreToolUse PostToolUse; do
		# The hook's answer is printed whole even when the supervisor's TERM
		# comes meanwhile (a busy machine): it is ignored here, and its KILL
		# follows the grace period. In the sleep below TERM ends the agent.
		trap '' TERM
		# the agent commits each file it wrote (its Bash calls are not shown here)
		[ $ev = PostToolUse ] && printf 'int %s;\n' "$f" >"src/$f.c" && git add "src/$f.c" &&
			git commit -qm "Add the $f counter" >/dev/null
		answer=$(jq -cn --arg cwd "$PWD" --arg e $ev --arg p "$PWD/src/$f.c" \
			'{session_id:"n",cwd:$cwd,hook_event_name:$e,tool_name:"Write",tool_input:{file_path:$p,content:"x"},tool_use_id:$p,tool_response:{}}' |
			guard hook claude 2>/dev/null)
		echo "  agent: $ev Write src/$f.c -> $(printf '%s' "$answer" | jq -c '{continue, stopReason} | with_entries(select(.value != null))' 2>/dev/null)"
		trap - TERM
		case $answer in *'"continue":false'*) sleep 30 ;; esac   # a stopped agent: the supervisor ends it
	done
done
AGENT
git add agent.sh && git commit -qm agent
st=0
guard-session run --task demo-files -- sh agent.sh >"$sout" 2>&1 || st=$?
sed 's/^/  /' "$sout"
echo "  run exit status: $st"
id=$(ls .ai/sessions/*-demo-files.json | sed 's|.*/||; s|\.json$||')
guard-session status --id "$id" | sed 's/^/  /'
echo "  PR body (.ai/sessions/$id.pr.md):"
sed -n '1,12p' ".ai/sessions/$id.pr.md" | sed 's/^/    /'
echo
plan=$(guard-session defer --summary 'cache layer' --round 3 --ratio 62.5 --gate fail --reason rounds \
	--critique 'no eviction policy' 2>/dev/null)
echo "deferred plan $plan; PENDING_PLANS.md now ends with:"
tail -n 6 PENDING_PLANS.md | sed 's/^/  /'
echo
echo "the next morning's briefing (guard-session briefing):"
guard-session briefing | sed 's/^/  /'
