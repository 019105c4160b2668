#!/usr/bin/env bats
# A CLI that behaves like git: per-verb help everywhere, one-line errors with "did you mean", exit codes as the table.

load helper

setup() { setup_guard; }

@test "CMD --help and guard help CMD print that verb's help, not the general one" {
	for argv in "guard explain --help" "guard doctor --help" "guard help init" "guard init --help" \
		"guard-audit query --help" "guard-audit help query" "guard-approve keygen --help" "guard-session help start"; do
		run $argv
		echo "$argv: $output"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -le 4 ]
		verb=$(awk '{print ($2 == "help" || $2 == "--help") ? $3 : $2}' <<<"$argv")
		[[ "${lines[0]}" == "usage: ${argv%% *} $verb"* ]]
	done
	# explain's help is not analysed as a command
	run guard explain --help
	[[ "$output" != *"decision:"* ]]
}

@test "an unknown verb or option is one line, with 'did you mean' when one is close" {
	run guard --bogus
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "guard: unknown option '--bogus' ('guard --help' lists the verbs)" ]
	run guard --hlep
	[ "$output" = "guard: unknown option '--hlep' (did you mean --help?)" ]
	run guard inti
	[ "$status" -eq 2 ]
	[ "$output" = "guard: 'inti' is not a guard command (did you mean init?)" ]
	run guard-audit quer
	[ "$status" -eq 2 ]
	[ "$output" = "guard-audit: unknown verb 'quer' (did you mean query?)" ]
	for argv in "guard-risk --polcy x" "guard-policy --chek" "guard-audit query --sinse 2026-01-01" \
		"guard-approve list --statsu pending" "guard-session start --tsk x" "guard init --agnet claude" \
		"guard-git check --bsae main" "guard-git reviewers --hed HEAD"; do
		run $argv
		echo "$argv: $output"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"unknown option '"*"' (did you mean --"*"?)" ]]
	done
	run guard-risk -Z
	[ "$output" = "guard-risk: unknown option '-Z' ('guard-risk --help' lists them)" ]
	run guard-risk --policy
	[ "$output" = "guard-risk: option '--policy' needs a value ('guard-risk --help' shows it)" ]
	run guard-risk -p
	[ "$output" = "guard-risk: option '-p' needs a value ('guard-risk --help' shows it)" ]
}

@test "guard hook with a misspelt agent suggests it and still blocks" {
	run guard hook claud <<<"$(bash_payload 'ls')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown agent 'claud' (did you mean claude?)"*"(denying)"* ]]
	run guard hook zzz <<<"$(bash_payload 'ls')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: guard hook claude|gemini|codex (denying)"* ]]
}

@test "a missing file is exit 5, named once" {
	run guard-policy --validate /nonexistent.yaml
	[ "$status" -eq 5 ]
	[ "$output" = "guard-policy: --validate /nonexistent.yaml: no such file (check the path)" ]
	run guard-policy test /nonexistent.yaml
	[ "$status" -eq 5 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"/nonexistent.yaml: no such file"* ]]
	[[ "$output" != *"passed"* ]]
	run guard-risk --policy /nope --command ls
	[ "$status" -eq 5 ]
	[ "$output" = "guard-risk: --policy /nope: no such file (check the path)" ]
	run guard-audit --policy /nope query
	[ "$status" -eq 5 ]
	[[ "$output" == *"/nope: no such file"* ]]
	# an existing policy file that is bad stays exit 7
	printf 'version: [\n' >bad.yaml
	run guard-policy --validate bad.yaml
	[ "$status" -eq 7 ]
}

@test "guard-policy test counts the files it could read beside one it could not" {
	mkdir -p cases
	printf 'cases:\n  - command: "git status"\n    expect: allow\n' >cases/ok.yaml
	run guard-policy test cases/ok.yaml /nonexistent.yaml
	[ "$status" -eq 5 ]
	[[ "$output" == *"1 passed, 0 failed"* ]]
}

@test "a missing path or directory is exit 5 and names it: guard-scan files, guard-risk --cwd" {
	run guard-scan files /nonexistent-path
	[ "$status" -eq 5 ]
	[ "$output" = "guard-scan: cannot scan /nonexistent-path: no such file or folder (check the path)" ]
	run guard-risk --command 'rm -rf x' --cwd /nonexistent-dir
	[ "$status" -eq 5 ]
	[ "$output" = "guard-risk: --cwd /nonexistent-dir: no such directory (check the path)" ]
	# a file where a directory is meant is not found either
	touch plain
	run guard-risk --command ls --cwd plain/sub
	[ "$status" -eq 5 ]
}

@test "guard-policy --layer: an unknown name is a usage error with 'did you mean'; without a FILE it says how" {
	printf 'version: 1\nrules: []\n' >p.yaml
	run guard-policy --validate --layer usr p.yaml
	[ "$status" -eq 2 ]
	[ "$output" = "guard-policy: unknown layer 'usr' (did you mean user?) (builtin, user, managed, project)" ]
	run guard-policy --validate --layer bogus-layer-name p.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown layer 'bogus-layer-name' (builtin"* ]]
	# it used to be ignored without a file, and the layers in force were validated instead
	run guard-policy --validate --layer user
	[ "$status" -eq 2 ]
	[[ "$output" == *"--layer user names the layer of a FILE: guard-policy --validate --layer user FILE"* ]]
	run guard-policy --validate --layer user p.yaml
	[ "$status" -eq 0 ]
}

@test "outside a repository every program says so and what to do, exit 5" {
	mkdir "$BATS_TEST_TMPDIR/nowhere" && cd "$BATS_TEST_TMPDIR/nowhere"
	run guard-audit query
	[ "$status" -eq 5 ]
	[[ "$output" == *"no audit log to read here (run guard-audit inside your repository, or set GUARD_DIR"* ]]
	[[ "$output" != *"no an"* ]]
	run guard-audit log test.event
	[ "$status" -eq 5 ]
	[[ "$output" == *"not writing an audit log here (run guard-audit inside your repository"* ]]
	run guard-session list
	[ "$status" -eq 5 ]
	[[ "$output" == *"not in a project"*"run guard-session inside your repository"* ]]
	run guard-git check
	[ "$status" -eq 5 ]
	[[ "$output" == *"is not in a git repository (run it inside one)"* ]]
	run guard-approve list
	[ "$status" -eq 5 ]
	[[ "$output" == *"run guard-approve inside your repository"* ]]
}

@test "guard-session plans resolve of an unknown plan names it and the way to list them, exit 5" {
	git -C "$PROJ" -c user.email=t@example.com -c user.name=t commit -q --allow-empty -m init
	run guard-session plans resolve no-such-plan --as keep
	[ "$status" -eq 5 ]
	[ "$output" = "guard-session: no plan 'no-such-plan' in PENDING_PLANS.md ('guard-session briefing' lists the deferred plans)" ]
}
