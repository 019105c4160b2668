#!/usr/bin/env bats
# Completion: bash (one file per program, as bash-completion's loader expects), zsh and fish.

load helper

setup() {
	setup_guard
	COMPDIR=$REPO_ROOT/share/completions
	# every program the Makefile builds: a new one cannot be left without completion
	PROGRAMS=$(sed -n 's/^PROGRAMS *= *//p' "$REPO_ROOT/Makefile")
	[ -n "$PROGRAMS" ]
}

# complete PROGRAM WORDS...: what PROGRAM's bash completion offers for the last word, one a line.
complete_words() {
	local file=$1
	shift
	bash -c '
		file=$1; shift
		. "$file"
		fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$COMPDIR/bash/$file" "$@"
}

@test "every program has its own bash completion file, registered for its name" {
	for p in $PROGRAMS; do
		[ -f "$COMPDIR/bash/$p" ]
		run bash -c ". '$COMPDIR/bash/$p' && complete -p $p"
		[ "$status" -eq 0 ]
		[[ "$output" == "complete -F _"*" $p" ]]
	done
}

@test "bash: guard's verbs, hook's agents, init's options" {
	run complete_words guard guard ''
	[[ "$output" == *$'\n'"doctor"$'\n'* ]]
	[[ "$output" == *"approve"* ]]
	run complete_words guard guard hook cl
	[ "$output" = claude ]
	run complete_words guard guard init --agent ''
	[ "$output" = $'claude\ngemini\ncodex\nall' ]
}

@test "bash: guard approve <TAB> gives guard-approve's verbs without guard-approve completed first" {
	run complete_words guard guard approve ''
	[[ "$output" == *"approve"*"reject"*"keygen"* ]]
	run complete_words guard guard audit qu
	[ "$output" = query ]
}

@test "bash: request ids for the verbs that take one" {
	mkdir -p .ai/approvals
	touch .ai/approvals/0b5e1111-2222-3333-4444-555566667777.json .ai/approvals/9f000000-0000-0000-0000-000000000000.json
	mkdir -p src/deep && cd src/deep
	run complete_words guard-approve guard-approve approve 0b
	[ "$output" = 0b5e1111-2222-3333-4444-555566667777 ]
	run complete_words guard-approve guard-approve --as alice approve ''
	[ "${#lines[@]}" -eq 2 ]
}

@test "bash: options that take a file complete files, not flags" {
	touch mypolicy.yaml cases.yaml
	run complete_words guard-risk guard-risk --policy myp
	[ "$output" = mypolicy.yaml ]
	run complete_words guard-policy guard-policy test cas
	[ "$output" = cases.yaml ]
	run complete_words guard-policy guard-policy --validate myp
	[ "$output" = mypolicy.yaml ]
	run complete_words guard-audit guard-audit --policy myp
	[ "$output" = mypolicy.yaml ]
	run complete_words guard-session guard-session defer --plan myp
	[ "$output" = mypolicy.yaml ]
	run complete_words guard-risk guard-risk --ag
	[ "$output" = --agent ]
	run complete_words guard-policy guard-policy --layer u
	[ "$output" = user ]
}

@test "zsh's completion file parses" {
	command -v zsh || skip "zsh is not installed (make test installs it: DEBS_TEST)"
	run zsh -n "$COMPDIR/zsh/_guard"
	[ "$status" -eq 0 ]
	[ "$(head -1 "$COMPDIR/zsh/_guard")" = "#compdef $PROGRAMS" ]
}

@test "fish's completion files parse and offer files for --policy" {
	command -v fish || skip "fish is not installed (make test installs it: DEBS_TEST)"
	for f in "$COMPDIR"/fish/*.fish; do
		run fish -n "$f"
		echo "$f: $output"
		[ "$status" -eq 0 ]
	done
	touch mypolicy.yaml
	run fish -c "source '$COMPDIR/fish/guard-risk.fish'; complete -C'guard-risk --policy myp'"
	[[ "$output" == *"mypolicy.yaml"* ]]
	run fish -c "source '$COMPDIR/fish/guard.fish'; complete -C'guard hook '"
	[[ "$output" == *"claude"* ]]
}

@test "make install puts every completion where bash-completion, zsh and fish look" {
	dest=$BATS_TEST_TMPDIR/dest
	make -s -C "$REPO_ROOT" install DESTDIR="$dest" >/dev/null
	for p in $PROGRAMS; do
		[ -f "$dest/usr/local/share/bash-completion/completions/$p" ]
		[ -f "$dest/usr/local/share/fish/vendor_completions.d/$p.fish" ]
	done
	[ -f "$dest/usr/local/share/zsh/vendor-completions/_guard" ]
	make -s -C "$REPO_ROOT" uninstall DESTDIR="$dest" >/dev/null
	[ ! -e "$dest/usr/local/share/bash-completion/completions/guard-approve" ]
	[ ! -e "$dest/usr/local/share/zsh/vendor-completions/_guard" ]
}

@test "bash: every verb a program's --help lists is offered first" {
	local p v bad=0
	for p in $PROGRAMS; do
		offered=$(complete_words "$p" "$p" '')
		for v in $("$GUARD_BIN/$p" --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\)\b.*/\1/p'); do
			grep -qx -- "$v" <<<"$offered" || { echo "# $p: --help lists $v, completion does not offer it"; bad=$((bad + 1)); }
		done
	done
	[ "$bad" -eq 0 ]
}

@test "fish: every program has its file, and guard-scan offers files for --baseline" {
	command -v fish || skip "fish is not installed (make test installs it: DEBS_TEST)"
	for p in $PROGRAMS; do
		[ -f "$COMPDIR/fish/$p.fish" ]
	done
	touch known.json
	run fish -c "source '$COMPDIR/fish/guard-scan.fish'; complete -C'guard-scan files --baseline kno'"
	[[ "$output" == *"known.json"* ]]
}
