bats_require_minimum_version 1.5.0

# Shared setup for the bats suites: the programs under test come from
# $GUARD_BIN (bin/ or the sanitizer build), every test gets a fresh git
# project and a fresh HOME, and no policy layer of this machine leaks in.

# `! cmd` never fails a bats test (errexit ignores a negated command unless
# it is the last line); this does, naming the command that succeeded.
refute() {
	if "$@"; then
		echo "# expected to fail: $*" >&2
		return 1
	fi
}

setup_guard() {
	GUARD_BIN=${GUARD_BIN:-$BATS_TEST_DIRNAME/../bin}
	export PATH="$GUARD_BIN:$PATH"
	export REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	export HOME=$BATS_TEST_TMPDIR/home
	export GUARD_DEFAULT_POLICY=$REPO_ROOT/policy/default.yaml
	export GUARD_MANAGED_POLICY=$BATS_TEST_TMPDIR/no-managed.yaml
	unset GUARD_USER_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME
	mkdir -p "$HOME"
	PROJ=$BATS_TEST_TMPDIR/proj
	mkdir -p "$PROJ/build" "$PROJ/src"
	git init -q "$PROJ"
	PROJ=$(cd "$PROJ" && pwd -P)
	cd "$PROJ"
}

# A Claude Code PreToolUse payload for a Bash command, from $PROJ.
bash_payload() {
	jq -cn --arg c "$1" --arg cwd "${2:-$PROJ}" \
		'{session_id:"s1",transcript_path:"/t.jsonl",cwd:$cwd,permission_mode:"default",
		  hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:$c},tool_use_id:"toolu_1"}'
}

# A PreToolUse payload for any tool: tool_payload TOOL JSON-INPUT
tool_payload() {
	jq -cn --arg t "$1" --argjson i "$2" --arg cwd "$PROJ" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:$t,tool_input:$i,tool_use_id:"toolu_2"}'
}

# The permissionDecision in a Claude hook answer on $output.
decision_of() {
	printf '%s' "$output" | jq -r '.hookSpecificOutput.permissionDecision'
}
