#!/usr/bin/env bats
# guard in other tools: the pre-commit manifest (.pre-commit-hooks.yaml, run
# by Debian's pre-commit, offline) and the GitHub Actions example (parsed as
# YAML, its run: steps executed against a fixture repository with the
# network tools stubbed).

load helper
load git_project

setup() {
	setup_git_project
	export PRE_COMMIT_HOME=$BATS_TEST_TMPDIR/pre-commit-cache
}

# A repository holding the manifest as shipped, for pre-commit try-repo.
hooks_repo() {
	HOOKS=$BATS_TEST_TMPDIR/hooks-repo
	git init -q "$HOOKS"
	cp "$REPO_ROOT/.pre-commit-hooks.yaml" "$HOOKS/"
	git -C "$HOOKS" add -A && git -C "$HOOKS" commit -qm hooks
}

@test "pre-commit: the manifest's three hooks run through try-repo, offline" {
	command -v pre-commit || { echo "pre-commit is not installed (DEBS_TEST)"; false; }
	hooks_repo
	# the person's policy on main (an AI branch changing it is files.forbidden: attack11 L11)
	mkdir -p .ai && printf 'version: 1\nsession:\n  max_loc: 100\n' >.ai/policy.yaml
	git add .ai/policy.yaml && git commit -qm policy
	git checkout -q -b ai/nightbuilder/2026-01-01/pc
	echo x >>src/main.c && git add -A && git commit -qm work
	guard-audit append <<<'{"event":"note","summary":"x"}'
	ls .ai/audit/*.jsonl
	for id in guard-git-check guard-policy-validate guard-audit-verify; do
		run pre-commit try-repo "$HOOKS" "$id" --all-files
		echo "$id: $output"
		[ "$status" -eq 0 ]
		[[ $output == *"Passed"* ]]
	done
}

@test "pre-commit: each hook fails on what it guards" {
	hooks_repo
	# a branch name outside the pattern
	git checkout -q -b feature/x
	echo x >>src/main.c && git commit -qam work
	run pre-commit try-repo "$HOOKS" guard-git-check --all-files
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"branch.pattern"* ]]
	# an invalid project layer
	mkdir -p .ai && printf 'version: 1\nsession:\n  max_loc: lots\n' >.ai/policy.yaml
	git add -A
	run pre-commit try-repo "$HOOKS" guard-policy-validate --all-files
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"max_loc"* ]]
	git rm -qf --cached .ai/policy.yaml && rm .ai/policy.yaml
	# an audit log whose record was edited (the record: a refused commit)
	guard-git install >/dev/null
	git checkout -q main
	echo y >>src/main.c
	CLAUDECODE=1 run git commit -qam refused
	[ "$status" -ne 0 ]
	log=$(ls .ai/audit/*.jsonl | head -1)
	run pre-commit try-repo "$HOOKS" guard-audit-verify --all-files
	[ "$status" -eq 0 ]
	sed -i 's/refs\/heads\/main/refs\/heads\/other/' "$log"
	run pre-commit try-repo "$HOOKS" guard-audit-verify --all-files
	echo "$output"
	[ "$status" -ne 0 ]
}

@test "the GitHub Actions example parses and its run: steps work on a fixture PR" {
	git init -q --bare "$BATS_TEST_TMPDIR/origin.git"
	git remote add origin "$BATS_TEST_TMPDIR/origin.git"
	git push -q origin main && git fetch -q origin
	git checkout -q -b ai/nightbuilder/2026-01-01/ci
	echo ok >src/ok.c && git add -A && git commit -qm ok
	# the network and the build, stubbed: apt-get, make, gh, git clone
	stubs=$BATS_TEST_TMPDIR/stubs && mkdir -p "$stubs"
	printf '#!/bin/sh\necho "$(basename "$0") $*" >>"%s/calls"\n' "$BATS_TEST_TMPDIR" >"$stubs/apt-get"
	cp "$stubs/apt-get" "$stubs/make"
	cat >"$stubs/gh" <<S
#!/bin/sh
echo "gh \$*" >>"$BATS_TEST_TMPDIR/calls"
case "\$*" in
*"--json body"*) cat "$BATS_TEST_TMPDIR/body.md" ;;
*"--json labels"*) cat "$BATS_TEST_TMPDIR/labels" ;;
*) exit 1 ;;
esac
S
	cat >"$stubs/git" <<S
#!/bin/sh
[ "\$1" = clone ] && { echo "git \$*" >>"$BATS_TEST_TMPDIR/calls"; exit 0; }
exec $(command -v git) "\$@"
S
	chmod +x "$stubs"/*
	for s in "Summary" "Changed files" "Lines of code" "Security scan" "Session log"; do printf '## %s\n\nx\n\n' "$s"; done >"$BATS_TEST_TMPDIR/body.md"
	echo ai-generated,nightbuilder >"$BATS_TEST_TMPDIR/labels"
	mkdir -p "$BATS_TEST_TMPDIR/steps" "$BATS_TEST_TMPDIR/runner"
	run python3 "$REPO_ROOT/t/ecosystem/actions_steps.py" "$BATS_TEST_TMPDIR/steps" "$REPO_ROOT/share/examples/github-actions.yml" \
		"github.token=t0ken" "github.event.pull_request.number=7" "github.base_ref=main" \
		"github.head_ref=ai/nightbuilder/2026-01-01/ci" "runner.temp=$BATS_TEST_TMPDIR/runner"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	steps=$output
	[ "$(wc -l <<<"$steps")" -ge 5 ]
	git checkout -q --detach # as actions/checkout leaves a PR
	for s in $steps; do
		run env PATH="$stubs:$PATH" GITHUB_WORKSPACE=$PROJ RUNNER_TEMP=$BATS_TEST_TMPDIR/runner sh "$s"
		echo "$s: $output"
		[ "$status" -eq 0 ]
	done
	grep -q '^gh pr view 7 --json body' "$BATS_TEST_TMPDIR/calls"
	grep -q '^apt-get install' "$BATS_TEST_TMPDIR/calls"
	# the check step fails the job on a violation and annotates it
	echo ai-generated >"$BATS_TEST_TMPDIR/labels"
	check=$(grep -l 'guard-git check' $steps)
	run env PATH="$stubs:$PATH" RUNNER_TEMP=$BATS_TEST_TMPDIR/runner sh "$check"
	[ "$status" -eq 1 ]
	[[ $output == *"::error title=guard-git pr.labels::the PR lacks the label 'nightbuilder'"* ]]
}
