#!/usr/bin/env bats
# guard init: every agent's real config, planned in full before anything is written; --remove.

load helper

setup() {
	setup_guard
	GUARD_ABS=$(realpath "$GUARD_BIN/guard")
}

# Parse TOML with a real parser (Python's tomllib) and print one value: toml_get FILE EXPR
toml_get() {
	python3 -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], "rb")); print(eval(sys.argv[2]))' "$1" "$2"
}

@test "init writes this guard's absolute path and says so" {
	run guard init
	[ "$status" -eq 0 ]
	[[ "$output" == *"The hooks run $GUARD_ABS hook: this guard, by its absolute path"* ]]
	[ "$(jq -r '.hooks.PreToolUse[0].hooks[0].command' .claude/settings.json)" = "$GUARD_ABS hook claude || exit 2" ]
	# --command keeps its word
	rm .claude/settings.json
	guard init --command 'guard hook' >/dev/null
	[ "$(jq -r '.hooks.PreToolUse[0].hooks[0].command' .claude/settings.json)" = 'guard hook claude || exit 2' ]
}

@test "a hook whose guard is gone blocks instead of passing" {
	guard init --command '/nonexistent/guard hook' >/dev/null
	cmd=$(jq -r '.hooks.PreToolUse[0].hooks[0].command' .claude/settings.json)
	run sh -c "$cmd" <<<"$(bash_payload 'git status')"
	[ "$status" -eq 2 ]
}

@test "init rewrites an old bare guard command in place, keeping other hooks" {
	mkdir -p .claude
	printf '{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"other-hook"}]},{"matcher":"*","hooks":[{"type":"command","command":"guard hook claude","timeout":20}]}]}}' >.claude/settings.json
	guard init >/dev/null
	run jq -c '[.hooks.PreToolUse[] | {m: .matcher, c: [.hooks[].command], t: [.hooks[].timeout]}]' .claude/settings.json
	[ "$output" = "[{\"m\":\"Bash\",\"c\":[\"other-hook\"],\"t\":[null]},{\"m\":\"*\",\"c\":[\"$GUARD_ABS hook claude || exit 2\"],\"t\":[20]}]" ]
}

@test "init reports a JSON comment by line and column and writes nothing" {
	mkdir -p .claude
	printf '{\n  "permissions": {},\n    // the team hooks\n  "hooks": {}\n}\n' >.claude/settings.json
	cp .claude/settings.json before.json
	run guard init --agent all
	[ "$status" -eq 2 ]
	[[ "$output" == *"$PROJ/.claude/settings.json:3:5: a comment (JSON has none); left unchanged (fix it, then run guard init again)"* ]]
	cmp before.json .claude/settings.json
	[ ! -e .ai/policy.yaml ]
	[ ! -e .gitignore ]
	[ ! -e .gemini ]
	[ ! -e .codex ]
	# a later file's problem stops the earlier ones too
	rm .claude/settings.json
	mkdir -p .gemini && printf '[1]' >.gemini/settings.json
	run guard init --agent all
	[ "$status" -eq 2 ]
	[[ "$output" == *".gemini/settings.json' is not a JSON object"* ]]
	[ ! -e .claude/settings.json ]
	[ ! -e .ai/policy.yaml ]
}

@test "init --agent gemini writes .gemini/settings.json with hooks switched on" {
	mkdir -p .gemini
	printf '{"theme":"dark","tools":{"sandbox":true}}' >.gemini/settings.json
	run guard init --agent gemini
	[ "$status" -eq 0 ]
	[[ "$output" == *"hooked .gemini/settings.json (BeforeTool, AfterTool -> $GUARD_ABS hook gemini || exit 2)"* ]]
	[ "$(jq -r .theme .gemini/settings.json)" = dark ]
	[ "$(jq -r .tools.sandbox .gemini/settings.json)" = true ]
	[ "$(jq -r .tools.enableHooks .gemini/settings.json)" = true ]
	[ "$(jq -r .hooks.enabled .gemini/settings.json)" = true ]
	[ "$(jq -r '.hooks.BeforeTool[0].hooks[0].command' .gemini/settings.json)" = "$GUARD_ABS hook gemini || exit 2" ]
	[ "$(jq -r '.hooks.BeforeTool[0].hooks[0].timeout' .gemini/settings.json)" = 30000 ]
	[ ! -e .claude/settings.json ]
	# the hook it wrote denies a destructive call the Gemini way
	cmd=$(jq -r '.hooks.BeforeTool[0].hooks[0].command' .gemini/settings.json)
	run sh -c "$cmd" <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"s",cwd:$cwd,hook_event_name:"BeforeTool",tool_name:"run_shell_command",tool_input:{command:"rm -rf ~"}}')"
	[ "$status" -eq 2 ]
}

@test "init --agent codex writes TOML that parses, keeps the user's text and is idempotent" {
	mkdir -p .codex
	printf 'model = "o4"\n\n[sandbox]\nmode = "workspace-write"\n' >.codex/config.toml
	run guard init --agent codex
	[ "$status" -eq 0 ]
	[ "$(toml_get .codex/config.toml 'd["model"]')" = o4 ]
	[ "$(toml_get .codex/config.toml 'd["sandbox"]["mode"]')" = workspace-write ]
	[ "$(toml_get .codex/config.toml 'd["hooks"]["PreToolUse"][0]["hooks"][0]["command"]')" = "$GUARD_ABS hook codex || exit 2" ]
	[ "$(toml_get .codex/config.toml 'd["hooks"]["PreToolUse"][0]["matcher"]')" = '*' ]
	cp .codex/config.toml before.toml
	run guard init --agent codex
	[[ "$output" == *"kept   .codex/config.toml"* ]]
	cmp before.toml .codex/config.toml
	# a command with quotes and backslashes survives as a TOML string
	guard init --agent codex --command "'/opt/my \"guard\"\\dir/guard' hook" >/dev/null
	[ "$(toml_get .codex/config.toml 'd["hooks"]["PreToolUse"][0]["hooks"][0]["command"]')" = "'/opt/my \"guard\"\\dir/guard' hook codex || exit 2" ]
	[ "$(grep -c '>>> guard hooks' .codex/config.toml)" -eq 1 ]
}

@test "init --agent codex leaves a config.toml with hooks of its own alone" {
	mkdir -p .codex
	printf '[[hooks.PreToolUse]]\nmatcher = "Bash"\n' >.codex/config.toml
	cp .codex/config.toml before.toml
	run guard init --agent codex
	[ "$status" -eq 2 ]
	[[ "$output" == *"has hooks of its own; left unchanged"* ]]
	cmp before.toml .codex/config.toml
	[ ! -e .ai/policy.yaml ]
}

@test "init --agent all, then --remove unwires every agent and keeps everything else" {
	mkdir -p .claude .codex
	printf '{"permissions":{"allow":["Bash(ls)"]},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"other-hook"}]}]}}' >.claude/settings.json
	printf 'model = "o4"\n' >.codex/config.toml
	guard init --agent all >/dev/null
	run guard init --remove
	[ "$status" -eq 0 ]
	[[ "$output" == *"unhooked .claude/settings.json"* ]]
	[[ "$output" == *"unhooked .gemini/settings.json"* ]]
	[[ "$output" == *"unhooked .codex/config.toml"* ]]
	run jq -c '.hooks' .claude/settings.json
	[ "$output" = '{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"other-hook"}]}]}' ]
	[ "$(jq -r '.permissions.allow[0]' .claude/settings.json)" = 'Bash(ls)' ]
	[ "$(jq -c '.hooks.BeforeTool' .gemini/settings.json)" = null ]
	[ "$(cat .codex/config.toml)" = 'model = "o4"' ]
	[ -f .ai/policy.yaml ]
	run guard doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"claude hook: not installed"* ]]
	# a second remove has nothing to do
	run guard init --remove
	[ "$status" -eq 0 ]
	[[ "$output" == *"none   .claude/settings.json"* ]]
}

@test "init refuses an unknown agent and stray arguments" {
	run guard init --agent claud
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown agent 'claud' (claude, gemini, codex or all)"* ]]
	run guard init extra
	[ "$status" -eq 2 ]
	[ ! -e .ai/policy.yaml ]
}

@test "init ignores every runtime file and leaves what is meant to be committed" {
	guard init >/dev/null
	mkdir -p .ai/approvals/.digest .ai/approvals/.locks .ai/approvals/.tmp .ai/plans .ai/sessions .ai/audit .ai/state
	touch .ai/approvals/.lock .ai/approvals/.digest/ab .ai/approvals/.locks/x.lock .ai/approvals/.tmp/t \
		.ai/plans/.lock .ai/sessions/s1.lock .ai/sessions/.start.lock .ai/sessions/refused.log.jsonl \
		.ai/audit/2026-01-01.jsonl .ai/state/counters.json
	touch .ai/approvals/0b5e.json .ai/plans/p1.md .ai/sessions/s1.log.jsonl PENDING_PLANS.md
	run git add -A --dry-run
	[ "$status" -eq 0 ]
	refute grep -E 'lock|digest|\.tmp/|refused|audit|state' <<<"$output"
	for f in .ai/policy.yaml .ai/approvals/0b5e.json .ai/plans/p1.md .ai/sessions/s1.log.jsonl PENDING_PLANS.md .claude/settings.json; do
		grep -qF "$f" <<<"$output"
	done
	# a second init adds nothing
	cp .gitignore before
	guard init >/dev/null
	cmp before .gitignore
}

# guard's own git hooks in the repository: ours_hooks prints how many of the three are guard-git's
ours_hooks() {
	local n=0 h
	for h in reference-transaction pre-commit pre-push; do
		grep -qs '^# guard-git hook:' ".git/hooks/$h" && n=$((n + 1))
	done
	echo $n
}

# guard init on a terminal (script(1) gives it one), typing $1 at the prompt
init_on_tty() {
	printf '%s\n' "$1" | TERM=dumb script -qec "guard init ${2:-}" /dev/null
}

@test "init in a pipe installs no git hooks and prints the one command that would" {
	run --separate-stderr guard init
	[ "$status" -eq 0 ]
	[ "$(ours_hooks)" -eq 0 ]
	[[ "$output" == *"Git hooks: not installed; 'guard-git install' adds them"* ]]
	[[ "$stderr" != *"[Y/n]"* ]]
	run guard doctor
	[[ "$output" == *"guard-git hooks: not installed"* ]]
	# --no-git-hooks: not even the line
	run guard init --no-git-hooks
	[ "$status" -eq 0 ]
	[[ "$output" != *"Git hooks"* ]]
	[ "$(ours_hooks)" -eq 0 ]
}

@test "init --git-hooks installs them without asking; doctor reports them; --remove takes them out" {
	run guard init --git-hooks
	[ "$status" -eq 0 ]
	[ "$(ours_hooks)" -eq 3 ]
	[[ "$output" == *"guard-git: installed pre-commit"* ]]
	run guard doctor
	[[ "$output" == *"guard-git hooks: installed"* ]]
	# idempotent
	run guard init --git-hooks
	[ "$status" -eq 0 ]
	[ "$(ours_hooks)" -eq 3 ]
	run guard init --remove
	[ "$status" -eq 0 ]
	[ "$(ours_hooks)" -eq 0 ]
	[[ "$output" == *"guard-git: removed pre-push"* ]]
	[ ! -e .git/hooks/pre-commit ]
}

@test "init on a terminal asks (Enter is yes, n is no); --no-git-hooks and --git-hooks do not ask" {
	run init_on_tty n
	[ "$status" -eq 0 ]
	[[ "$output" == *"Install guard's git hooks too"*"[Y/n]"* ]]
	[ "$(ours_hooks)" -eq 0 ]
	[[ "$output" == *"'guard-git install' adds them"* ]]
	run init_on_tty '' --no-git-hooks
	[[ "$output" != *"[Y/n]"* ]]
	[ "$(ours_hooks)" -eq 0 ]
	run init_on_tty ''
	[ "$status" -eq 0 ]
	[[ "$output" == *"[Y/n]"* ]]
	[ "$(ours_hooks)" -eq 3 ]
	guard-git uninstall >/dev/null
	run init_on_tty yes
	[ "$(ours_hooks)" -eq 3 ]
	guard-git uninstall >/dev/null
	run init_on_tty n --git-hooks
	[[ "$output" != *"[Y/n]"* ]]
	[ "$(ours_hooks)" -eq 3 ]
	# an answer that is not yes is no
	guard-git uninstall >/dev/null
	run init_on_tty 'rm -rf ~'
	[ "$(ours_hooks)" -eq 0 ]
}

@test "init --remove puts back the git hook guard-git chained to; --no-git-hooks leaves guard's in place" {
	printf '#!/bin/sh\necho mine\n' >.git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit
	guard init --git-hooks >/dev/null
	grep -q '^# guard-git hook:' .git/hooks/pre-commit
	run guard init --remove --no-git-hooks
	[ "$(ours_hooks)" -eq 3 ]
	run guard init --remove
	[ "$status" -eq 0 ]
	[ "$(ours_hooks)" -eq 0 ]
	[ "$(cat .git/hooks/pre-commit)" = $'#!/bin/sh\necho mine' ]
}

@test "init: --git-hooks with --no-git-hooks is a usage error; --git-hooks outside a repository exits 5 naming it" {
	run guard init --git-hooks --no-git-hooks
	[ "$status" -eq 2 ]
	[[ "$output" == *"give one"* ]]
	[ ! -e .ai/policy.yaml ]
	mkdir "$BATS_TEST_TMPDIR/plain" && cd "$BATS_TEST_TMPDIR/plain"
	run guard init --git-hooks
	[ "$status" -eq 5 ]
	[[ "$output" == *"not a git repository"*"git init"* ]]
	# without the option, no repository is no question
	rm -rf .ai .claude .gitignore
	run guard init
	[ "$status" -eq 0 ]
	[[ "$output" != *"Git hooks"* ]]
}

@test "init with a guard-git that fails says what to do and keeps the agents' wiring" {
	mkdir "$BATS_TEST_TMPDIR/fake"
	cp "$(realpath "$GUARD_BIN/guard")" "$BATS_TEST_TMPDIR/fake/guard"
	printf '#!/bin/sh\necho "guard-git: cannot write hooks" >&2\nexit 8\n' >"$BATS_TEST_TMPDIR/fake/guard-git"
	chmod +x "$BATS_TEST_TMPDIR/fake/guard-git"
	run "$BATS_TEST_TMPDIR/fake/guard" init --git-hooks
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot write hooks"*"'guard-git install' failed"*"run 'guard-git install'"* ]]
	[ -f .claude/settings.json ]
	# none beside it and none on PATH: exit 5, saying so
	rm "$BATS_TEST_TMPDIR/fake/guard-git"
	run env PATH=/usr/bin:/bin "$BATS_TEST_TMPDIR/fake/guard" init --git-hooks
	[ "$status" -eq 5 ]
	[[ "$output" == *"guard-git is neither beside this guard nor on PATH"* ]]
	# --remove without guard-git says so and still unwires the agents
	run env PATH=/usr/bin:/bin "$BATS_TEST_TMPDIR/fake/guard" init --remove
	[ "$status" -eq 0 ]
	[[ "$output" == *"guard-git is neither beside"* ]]
	[ "$(jq '.hooks | length' .claude/settings.json)" -eq 0 ]
}

@test "init leaves a settings file that names a member twice unchanged (the agent reads the last, guard the first)" {
	mkdir -p .claude
	printf '{"hooks": {}, "hooks": {"PreToolUse": []}}\n' >.claude/settings.json
	cp .claude/settings.json before
	run guard init
	[ "$status" -ne 0 ]
	[[ "$output" == *".claude/settings.json' names \"hooks\" twice (the agent reads the last, guard the first); left unchanged"* ]]
	cmp before .claude/settings.json
	printf '{"hooks": {"PreToolUse": [], "PreToolUse": []}}\n' >.claude/settings.json
	run guard init
	[ "$status" -ne 0 ]
	[[ "$output" == *"names hooks.\"PreToolUse\" twice"* ]]
}
