#!/usr/bin/env bats
# Which project a call is in (attack6 G8), Codex apply_patch text (G6),
# guard's state through /proc/PID/{root,cwd} (G1), through the real hook
# with payloads as Claude, Gemini and Codex send them. The project is the
# one the agent names to its hooks ($CLAUDE_PROJECT_DIR, $GEMINI_PROJECT_DIR)
# wherever the payload's cwd is; a call in no project is denied and leaves
# no .ai folder behind; system files are high or critical from any cwd.

load helper

setup() {
	setup_guard
	mkdir -p .ai .claude
	printf 'version: 1\n' >.ai/policy.yaml
	printf '{"hooks":{}}\n' >.claude/settings.json
	OUT=$BATS_TEST_TMPDIR/outside # a folder in no project
	mkdir -p "$OUT"
}

# claude CWD TOOL INPUT-JSON: a PreToolUse payload through guard hook claude
claude() {
	jq -cn --arg cwd "$1" --arg t "$2" --argjson i "$3" \
		'{session_id:"s1",cwd:$cwd,permission_mode:"default",hook_event_name:"PreToolUse",tool_name:$t,
		  tool_input:$i,tool_use_id:"toolu_1"}' | guard hook claude
}

cmd() { jq -cn --arg c "$1" '{command:$c}'; }

# The folders a hook must not make a state tree in, and whether each had one before.
snapshot() {
	BEFORE=""
	for d in / /usr "$HOME" "$OUT"; do
		[ -e "${d%/}/.ai" ] && BEFORE+="${d%/}/.ai "
	done
	return 0
}

no_new_state() {
	for d in / /usr "$HOME" "$OUT"; do
		if [ -e "${d%/}/.ai" ] && [[ " $BEFORE " != *" ${d%/}/.ai "* ]]; then
			echo "# the hook made ${d%/}/.ai" >&2
			return 1
		fi
	done
	[ ! -e /nonexistent-guard-g8 ]
}

@test "G8: with CLAUDE_PROJECT_DIR set, the project's guard files are denied from any cwd, and no .ai is made there" {
	snapshot
	export CLAUDE_PROJECT_DIR=$PROJ
	for cwd in / /usr "$HOME" "$OUT" /nonexistent-guard-g8; do
		run claude "$cwd" Write "$(jq -cn --arg f "$PROJ/.ai/policy.yaml" '{file_path:$f,content:"rules: []\n"}')"
		[ "$(decision_of)" = deny ] || { echo "# Write from $cwd: $output" >&2; false; }
		[[ "$output" == *protect-guard* ]]
		run claude "$cwd" Bash "$(cmd "printf '{}' > $PROJ/.claude/settings.json")"
		[ "$(decision_of)" = deny ] || { echo "# redirect from $cwd: $output" >&2; false; }
		run claude "$cwd" Bash "$(cmd "printf 'rules: []' > $PROJ/.ai/policy.yaml")"
		[ "$(decision_of)" = deny ]
	done
	no_new_state
	# the record went to the project's own audit log
	[ "$(cat "$PROJ"/.ai/audit/*.jsonl | grep -c '"cwd":"/usr"')" -ge 3 ]
}

@test "G8: system files are high or critical from any cwd (cwd / made them the project's)" {
	snapshot
	export CLAUDE_PROJECT_DIR=$PROJ
	for cwd in / /usr "$HOME" "$PROJ"; do
		for c in 'printf x > /etc/cron.d/g8' 'cp /tmp/x /usr/local/bin/git' 'printf x >> ~/.bashrc' \
			'echo x >> /etc/sudoers' 'printf x >> ~/.zshrc'; do
			run claude "$cwd" Bash "$(cmd "$c")"
			[ "$(decision_of)" = deny ] || { echo "# $c from $cwd: $output" >&2; false; }
		done
	done
	no_new_state
	for cwd in / /usr /usr/local/bin "$HOME"; do
		level_is high 'printf x > /etc/cron.d/g8' "$cwd"
		[[ "$output" == *"/etc/cron.d/g8"* ]]
		level_is critical 'echo x >> /etc/sudoers' "$cwd"
		level_is high 'printf x >> ~/.bashrc' "$cwd"
		level_is high 'cp /tmp/x /usr/local/bin/git' "$cwd"
	done
}

# level_is LEVEL COMMAND CWD: guard-risk rates COMMAND run in CWD at LEVEL
level_is() {
	run guard-risk --command "$2" --cwd "$3"
	[ "$(jq -r .level <<<"$output")" = "$1" ] || { echo "# $2 in $3: $output" >&2; false; }
}

@test "G8: a dotfiles repository in home is a project, but its shell start-up files stay high" {
	git init -q "$HOME"
	level_is high 'printf x >> ~/.bashrc' "$HOME"
	level_is high 'printf x > ~/.config/fish/config.fish' "$HOME"
	# the user's case: the repository's other files are its own
	level_is low 'printf x > notes.txt' "$HOME"
}

@test "G8: a call in no project at all is denied with the reason, and leaves no state" {
	snapshot
	unset CLAUDE_PROJECT_DIR GEMINI_PROJECT_DIR
	for cwd in "$OUT" "$HOME" / /nonexistent-guard-g8; do
		run --separate-stderr claude "$cwd" Bash "$(cmd 'ls')"
		[ "$status" -eq 2 ]
		[ "$(decision_of)" = deny ]
		[[ "$output" == *"in no project guard was set up in"* ]]
	done
	# Gemini and Codex the same
	run --separate-stderr guard hook gemini <<<"$(jq -cn --arg cwd "$OUT" '{session_id:"s",cwd:$cwd,hook_event_name:"BeforeTool",
		tool_name:"run_shell_command",tool_input:{command:"ls"}}')"
	[ "$status" -eq 2 ]
	[ "$(jq -r .decision <<<"$output")" = deny ]
	run --separate-stderr guard hook codex <<<"$(jq -cn --arg cwd "$OUT" '{session_id:"s",cwd:$cwd,
		hook_event_name:"PreToolUse",tool_name:"shell",tool_input:{command:["ls"]}}')"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no project guard was set up in"* ]]
	no_new_state
	# a CLAUDE_PROJECT_DIR that is no project (no .git, no policy) gives none
	CLAUDE_PROJECT_DIR=$OUT run --separate-stderr claude "$OUT" Bash "$(cmd 'ls')"
	[ "$status" -eq 2 ]
	no_new_state
}

@test "G8: Gemini's GEMINI_PROJECT_DIR is the project from a workspace folder outside it" {
	snapshot
	p=$(jq -cn --arg cwd "$OUT" --arg f "$PROJ/.ai/policy.yaml" '{session_id:"s",cwd:$cwd,
		hook_event_name:"BeforeTool",tool_name:"write_file",tool_input:{file_path:$f,content:"rules: []"}}')
	GEMINI_PROJECT_DIR=$PROJ run guard hook gemini <<<"$p"
	[ "$status" -eq 2 ]
	[[ "$output" == *protect-guard* ]]
	no_new_state
}

@test "G8: the user's case: calls from the project, a subfolder or an added folder outside it keep working" {
	export CLAUDE_PROJECT_DIR=$PROJ
	run claude "$PROJ/src" Bash "$(cmd 'ls')"
	[ "$(decision_of)" = allow ]
	run claude "$OUT" Bash "$(cmd 'ls')"
	[ "$(decision_of)" = allow ]
	run claude "$PROJ" Write "$(jq -cn --arg f "$PROJ/src/a.c" '{file_path:$f,content:"int a;\n"}')"
	[ "$(decision_of)" = allow ]
	# without the variable, a cwd in the project finds it as before
	unset CLAUDE_PROJECT_DIR
	run claude "$PROJ/src" Bash "$(cmd 'ls')"
	[ "$(decision_of)" = allow ]
	[ ! -e "$PROJ/src/.ai" ]
}

codex_patch() { # codex_patch PATCH-TEXT
	jq -cn --arg cwd "$PROJ" --arg p "$1" '{session_id:"s",cwd:$cwd,hook_event_name:"PreToolUse",
		tool_name:"apply_patch",tool_input:{input:$p}}' | guard hook codex
}

@test "G6: a Codex apply_patch that adds a secret is denied as a Write of it is (added and updated files)" {
	key='AKIA4QWERTY''UIOPASDFG'
	run --separate-stderr codex_patch "$(printf '*** Begin Patch\n*** Add File: src/k.py\n+key = "%s"\n*** End Patch\n' "$key")"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"guard-scan:aws-access-key"* ]]
	[[ "$stderr" != *"$key"* ]]
	printf 'x = 1\n' >src/k.py
	run --separate-stderr codex_patch "$(printf '*** Begin Patch\n*** Update File: src/k.py\n@@\n-x = 1\n+key = "%s"\n*** End Patch\n' "$key")"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"guard-scan:aws-access-key"* ]]
	# moved, second of two files, and the "patch" member
	run --separate-stderr codex_patch "$(printf '*** Begin Patch\n*** Add File: src/a.py\n+a = 1\n*** Update File: src/k.py\n*** Move to: src/m.py\n@@\n+k = "%s"\n*** End Patch\n' "$key")"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"src/m.py"* ]]
	# guard-scan's tool-input path sees the same
	run guard-scan tool-input <<<"$(jq -cn --arg p "$(printf '*** Add File: x.py\n+k = "%s"\n' "$key")" '{tool_input:{input:$p}}')"
	[ "$status" -eq 1 ]
	# the user's case: a patch of ordinary code, and one that removes a key, pass
	run codex_patch "$(printf '*** Begin Patch\n*** Add File: src/ok.py\n+x = 1\n*** End Patch\n')"
	[ "$status" -eq 0 ]
	run codex_patch "$(printf '*** Begin Patch\n*** Update File: src/k.py\n@@\n-key = "%s"\n+key = os.environ["K"]\n*** End Patch\n' "$key")"
	[ "$status" -eq 0 ]
}

@test "G6: a Codex apply_patch adding a .gitattributes filter is rated as a Write of it" {
	run --separate-stderr codex_patch "$(printf '*** Begin Patch\n*** Add File: .gitattributes\n+* filter=evil\n*** End Patch\n')"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"filter driver evil"* ]]
	run --separate-stderr codex_patch "$(printf '*** Begin Patch\n*** Update File: src/.gitattributes\n@@\n+*.c diff=evil\n*** End Patch\n')"
	[ "$status" -eq 2 ]
	run codex_patch "$(printf '*** Begin Patch\n*** Add File: .gitattributes\n+*.png binary\n*** End Patch\n')"
	[ "$status" -eq 0 ]
}

@test "G1: guard's state through /proc/PID/root or cwd of a PID guard cannot follow is denied" {
	for c in 'printf x > /proc/$$/cwd/.ai/policy.yaml' 'rm -rf /proc/$$/cwd/.ai' \
		'sleep 5 & cat src/p.yaml > /proc/$!/cwd/.ai/policy.yaml' "printf x > /proc/1/root$PROJ/.ai/policy.yaml" \
		'printf x > /proc/$PPID/root$P/.ai/approvals/x.json' "printf '{}' >> /proc/1/root$PROJ/.ai/audit/d.jsonl" \
		"printf x > /proc/424242/root$PROJ/.git/hooks/pre-push" "find /proc/1/root$PROJ/.ai -delete" \
		"cd /proc/1/root$PROJ && cp src/p.yaml .ai/policy.yaml" 'printf x > /proc/$$/cwd/sub/.claude/settings.json' \
		'printf x > /proc/thread-self/../$$/cwd/.ai/policy.yaml' 'printf x > /proc/self/task/1/cwd/.ai/policy.yaml' \
		"printf x > /proc/\$\$/task/\$\$/root$PROJ/.ai/policy.yaml" 'printf x > /proc/$$/cwd/../p/.git/hooks/pre-commit' \
		'cp src/p.yaml /proc/$$/cwd/.ai/' 'mv src/p.yaml /proc/1/cwd/.ai' 'cp -r src /proc/$PPID/cwd/.claude' \
		"cp src/p.yaml /proc/1/root$PROJ/.ai/" 'install -t /proc/$$/cwd/.ai src/p.yaml'; do
		run claude "$PROJ" Bash "$(cmd "$c")"
		[ "$(decision_of)" = deny ] || { echo "# $c: $output" >&2; false; }
		[[ "$output" != *"approval required"* ]] || { echo "# asked: $c" >&2; false; }
	done
	run claude "$PROJ" Write "$(jq -cn --arg f "/proc/1/root$PROJ/.ai/policy.yaml" '{file_path:$f,content:"rules: []"}')"
	[ "$(decision_of)" = deny ]
	[[ "$output" != *"approval required"* ]]
	# the user's case: reads through /proc, and writes there that name no state, are not called guard's state
	run guard-risk --command 'cat /proc/1/root/etc/os-release'
	[[ "$output" != *"guard's own state"* ]]
	run guard-risk --command 'printf x > /proc/$$/cwd/src/x.txt'
	[[ "$output" != *"guard's own state"* ]]
	# a copy into a folder of the project through /proc that is not guard's, or into the root, is not guard's state
	for c in 'cp src/p.yaml /proc/$$/cwd/src/' 'cp src/p.yaml /proc/$$/cwd/' 'mv src/p.yaml /proc/1/cwd/docs'; do
		run guard-risk --command "$c"
		[[ "$output" != *"guard's own state"* ]] || { echo "# $c: $output" >&2; false; }
	done
}
