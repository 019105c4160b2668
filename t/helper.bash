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
	unset GUARD_USER_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME CLAUDE_PROJECT_DIR GEMINI_PROJECT_DIR
	mkdir -p "$HOME"
	PROJ=$BATS_TEST_TMPDIR/proj
	mkdir -p "$PROJ/build" "$PROJ/src"
	git init -q "$PROJ"
	PROJ=$(cd "$PROJ" && pwd -P)
	cd "$PROJ"
}

# setup_guard, plus a user policy layer in $HOME (the approvers' layer) and
# no APPROVAL_* workflow settings inherited from the caller's environment.
setup_approvals() {
	setup_guard
	export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
	unset APPROVAL_WORKFLOW_ENABLED APPROVAL_TIMEOUT APPROVAL_POLLING_INTERVAL
	mkdir -p "$HOME/.config/guard"
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

# tool_decides TOOL INPUT-JSON WANTED: guard hook claude's decision (allow|ask|deny).
tool_decides() {
	local out got
	out=$(guard hook claude <<<"$(tool_payload "$1" "$2")" 2>/dev/null)
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"$out")
	REASON=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out")
	[[ $got == deny && $REASON == *"approval required"* ]] && got=ask
	if [ "$got" != "$3" ]; then
		echo "got $got (wanted $3) for $1 $2: $out"
		return 1
	fi
}

# The hook's answer to one Bash command from $PROJ (guard on PATH, or $HOOK).
hook_on() {
	"${HOOK:-guard}" hook claude <<<"$(bash_payload "$1")" 2>/dev/null
}

# Does the hook decide the command as wanted (a regex: deny, ask, allow)?
# An ask is the hook's deny that names the approval request it made; no
# decision is allow. The reason is left in $REASON.
decides() { # command, wanted decision (regex)
	local out got
	out=$(hook_on "$1")
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"$out")
	REASON=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out")
	[[ $got == deny && $REASON == *"approval required"* ]] && got=ask
	if ! [[ $got =~ ^($2)$ ]]; then
		echo "got $got (wanted $2) for: $1"
		echo "$out"
		return 1
	fi
}

# The permissionDecision in a Claude hook answer on $output.
decision_of() {
	printf '%s' "$output" | jq -r '.hookSpecificOutput.permissionDecision'
}

# Waiting on a condition, not on the clock: a fixed sleep that stands for
# "until X has happened" loses the race on a busy machine. wait_for
# DESCRIPTION CMD [ARGS...] runs CMD (its stderr discarded) every 50 ms
# until it succeeds, and fails the test naming DESCRIPTION once
# $WAIT_DEADLINE seconds (30) have passed without it.
wait_for() {
	local what=$1 limit=${WAIT_DEADLINE:-30}
	local deadline=$((SECONDS + limit))
	shift
	until "$@" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "# gave up after ${limit}s waiting for $what" >&2
			return 1
		fi
		sleep 0.05
	done
}

# wait_for_file PATTERN [DESCRIPTION]: until a file matches the glob.
wait_for_file() {
	wait_for "${2:-a file matching $1}" glob_matches "$1"
}

glob_matches() {
	compgen -G "$1" >/dev/null
}

# wait_for_line FILE TEXT: until FILE has a line containing TEXT.
wait_for_line() {
	wait_for "'$2' in $1" grep -qF -- "$2" "$1"
}

# wait_for_child PID [NAME]: until PID has a child process (named NAME,
# i.e. past its exec), then print the child's pid.
wait_for_child() {
	wait_for "a child ${2:+'$2' }of process $1" pgrep -P "$1" ${2:+-x "$2"} >/dev/null
	pgrep -P "$1" ${2:+-x "$2"}
}

# wait_for_clock_tick PATH: until the file system clock has moved past
# PATH's mtime, so the next change to PATH gets a different one (a probe
# file on the same file system, touched until it is newer).
wait_for_clock_tick() {
	local probe=$BATS_TEST_TMPDIR/.clock-probe
	wait_for "the clock to move past the mtime of $1" clock_moved_past "$1" "$probe"
}

clock_moved_past() {
	touch "$2" && [ -n "$(find "$2" -newer "$1")" ]
}

# For a test that must act while a command runs (decide a request during
# its wait): run_bg [--separate-stderr] CMD [ARGS...] starts CMD in the
# background on the caller's stdin, its output in $BATS_TEST_TMPDIR/bg.out
# (stderr too, as `run` does, unless --separate-stderr: then bg.err), for
# wait_for_line to watch; finish_bg waits for it and sets $status, $output
# and $stderr as `run` would.
run_bg() {
	local out=$BATS_TEST_TMPDIR/bg.out err=$BATS_TEST_TMPDIR/bg.err
	if [ "$1" = --separate-stderr ]; then
		shift
		"$@" <&0 >"$out" 2>"$err" 3>&- &
	else
		: >"$err"
		"$@" <&0 >"$out" 2>&1 3>&- &
	fi
	bg_pid=$!
}

finish_bg() {
	wait "$bg_pid" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/bg.out")
	stderr=$(cat "$BATS_TEST_TMPDIR/bg.err")
}

