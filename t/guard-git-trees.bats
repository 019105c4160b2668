#!/usr/bin/env bats
# guard-git's tree diffs read only the subtrees whose ids differ
# (src/lib/guard_gittree.c, issue 11): check's numbers must stay git's on
# histories that move whole folders, and the AI-to-AI check, which diffs
# another branch's commit only when it touches a file the update brings in,
# must still find every cherry-pick. The agent is the adversary: it picks
# the shapes (a file turned into a folder, a tree deeper than the walk, a
# pick hidden among unrelated commits).

load helper
load git_project

setup() {
	setup_git_project
}

# Every file of the range, as "added deleted path" (renames as git shows them).
git_numstat() {
	git diff --numstat main...HEAD -- . ':!.ai' ':!PENDING_PLANS.md' | sort
}

guard_numstat() {
	jq -r '.changes[] | "\(if .added < 0 then "-" else .added end)\t\(if .deleted < 0 then "-" else .deleted end)\t\(.path)"' <<<"$1" | sort
}

# A random history on its own AI branch from main: nested folders, files
# turned into folders and back, modes, symlinks, guard's own state at the
# top and the same names further down (which count). Each file begins with
# its own name: two files of equal content make an exact rename's source
# a coin toss (git and libgit2 may pick different ones, both right).
nested_history() {
	git checkout -q -b "ai/nightbuilder/2026-01-01/n$1" main
	local i n d f
	for i in $(seq $((RANDOM % 5 + 1))); do
		for n in $(seq $((RANDOM % 5 + 1))); do
			d=src/a$((RANDOM % 3))/b$((RANDOM % 3))
			f=$d/f$((RANDOM % 4)).c
			case $((RANDOM % 10)) in
			0) git rm -rqf "$d" >/dev/null 2>&1 || true ;;
			1) [ -f "$f" ] && { git rm -qf "$f"; mkdir -p "$f"; { echo "// $f/inner.c $i"; seq $RANDOM $((RANDOM + 9)); } >"$f/inner.c"; } ;;
			2) [ -d "$f" ] && { git rm -rqf "$f"; { echo "// $f $i"; seq 3; } >"$f"; } ;;
			3) [ -f "$f" ] && chmod +x "$f" ;;
			4) mkdir -p "$d" && ln -sfn "../x$((RANDOM % 3))" "$d/link" ;;
			5) mkdir -p .ai/plans src/.ai && seq $((RANDOM % 9)) >".ai/plans/p$RANDOM.md" && { echo "// kept"; seq 4; } >src/.ai/kept.c ;;
			6) seq $((RANDOM % 9 + 1)) >PENDING_PLANS.md && { echo "// plans"; seq 2; } >src/PENDING_PLANS.md ;;
			7) [ -f "$f" ] && mkdir -p src/moved && git mv -f "$f" "src/moved/m$((RANDOM % 4)).c" 2>/dev/null || true ;;
			*) mkdir -p "$d" && { [ -f "$f" ] || { [ ! -e "$f" ] && echo "// $f $i" >"$f"; }; } &&
				seq $((RANDOM % 20)) $((RANDOM % 40 + 20)) >>"$f" ;;
			esac
		done
		git add -A && git commit -qm "step $i" --allow-empty
	done
}

@test "check: every file's numbers equal git diff --numstat's on 30 histories of nested folders" {
	for a in 0 1 2; do for b in 0 1 2; do
		mkdir -p src/a$a/b$b
		for f in 0 1 2 3; do { echo "// src/a$a/b$b/f$f.c"; seq 1 $((f * 5 + a + b + 2)); } >src/a$a/b$b/f$f.c; done
	done; done
	git add -A && git commit -qm tree
	for seed in $(seq 1 30); do
		RANDOM=$seed
		nested_history "$seed"
		run guard-git check --base main --head HEAD --json
		[ "$status" -le 1 ] || { echo "$output"; false; }
		want=$(git_numstat) got=$(guard_numstat "$output")
		# renames: git writes "pre/{old => new}/post" or "old => new"; guard-git the new path
		want=$(perl -pe 's/\{[^{}]* => ([^{}]*)\}/$1/; s/^(\S+\t\S+\t).* => /$1/; s#//#/#g' <<<"$want" | sort)
		[ "$want" = "$got" ] || { echo "seed $seed"; diff <(echo "$want") <(echo "$got"); false; }
		git checkout -q main
	done
}

@test "check: a change under a tree deeper than the walk goes to libgit2's whole diff, same numbers" {
	deep=$(printf 'd/%.0s' $(seq 300))
	mkdir -p "src/$deep" && seq 5 >"src/${deep}f.c" && seq 3 >src/near.c
	git add -A && git commit -qm deep
	git checkout -q -b ai/nightbuilder/2026-01-01/deep
	seq 7 >"src/${deep}f.c" && echo x >>src/near.c
	git add -A && git commit -qm 'deep change'
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 0 ]
	[ "$(guard_numstat "$output")" = "$(git_numstat)" ]
	[ "$(jq .loc.added <<<"$output")" = 3 ]
}

@test "check: files named like pathspec magic are counted as the files they are" {
	names=('!top.c' ':(exclude)x.c' 'src/!bang.c' 'src/a*b.c' 'src/[x].c' 'src/?q.c' 'src/sp ace.c')
	for f in "${names[@]}" src/aXb.c src/x.c; do seq 3 >"$f"; done
	git add -A && git commit -qm odd
	git checkout -q -b ai/nightbuilder/2026-01-01/odd
	for f in "${names[@]}"; do echo more >>"$f"; done
	git commit -qam 'odd names'
	run guard-git check --base main --head HEAD --json
	[ "$(guard_numstat "$output")" = "$(git_numstat)" ]
	[ "$(jq '.changes | length' <<<"$output")" = 7 ]
	[ "$(jq -r '.changes[0].path' <<<"$output")" = '!top.c' ]
}

@test "check: nothing changed between base and head is an empty report, not the whole tree" {
	git checkout -q -b ai/nightbuilder/2026-01-01/empty
	git commit -q --allow-empty -m nothing
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 0 ]
	[ "$(jq '.changes | length' <<<"$output")" = 0 ]
	[ "$(jq .loc.added <<<"$output")" = 0 ]
}

# Another AI branch: many commits in folders of their own, one in a folder
# the session shares.
other_ai() {
	git checkout -q -b ai/nightbuilder/2026-01-01/other main
	for i in 1 2 3 4 5; do
		mkdir -p "src/theirs$i" && seq $i 20 >"src/theirs$i/t.c" && git add -A && git commit -qm "theirs $i"
	done
	mkdir -p src/shared && printf 'a\nb\nc\n' >src/shared/s.c && git add -A && git commit -qm 'shared one'
	PICK=$(git rev-parse HEAD)
	git checkout -q main
}

session() {
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
}

# commit_with PARENT MESSAGE PATH CONTENT: a commit made with plumbing (no hook runs), printed
commit_with() {
	local idx=$BATS_TEST_TMPDIR/index.$RANDOM blob tree
	GIT_INDEX_FILE=$idx git read-tree "$1"
	blob=$(printf '%b' "$4" | git hash-object -w --stdin)
	GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "100644,$blob,$3"
	tree=$(GIT_INDEX_FILE=$idx git write-tree)
	git commit-tree "$tree" -p "$1" -m "$2"
}

@test "session: a cherry-pick without trailer is refused, alone or hidden among unrelated commits of one update" {
	guard-git install
	other_ai
	session
	own=$(git branch --show-current)
	mkdir -p src/mine && seq 4 >src/mine/m.c && git add -A && git commit -qm 'mine first'
	run git cherry-pick "$PICK"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[branch.ai_merge]"* ]]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	git cherry-pick --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	# the same state another way: three commits made with plumbing, the pick in the middle, one update-ref
	c1=$(commit_with HEAD 'unrelated one' src/mine/u1.c 'u\n')
	c2=$(commit_with "$c1" 'looks like mine' src/shared/s.c 'a\nb\nc\n')
	c3=$(commit_with "$c2" 'unrelated two' src/theirs1/t.c 'changed\n')
	run git update-ref "refs/heads/$own" "$c3"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	[ "$(git rev-parse "refs/heads/$own")" = "$(git rev-parse HEAD)" ]
	# the unrelated commits alone move the branch (one of them in a folder the other branch changed)
	run git update-ref "refs/heads/$own" "$c1"
	[ "$status" -eq 0 ]
	c4=$(commit_with "$c1" 'a different change there' src/theirs1/t.c 'changed\n')
	run git update-ref "refs/heads/$own" "$c4"
	[ "$status" -eq 0 ]
}

@test "session: a picked commit that turns a file into a folder, or reaches deeper than the walk, is still found" {
	guard-git install
	mkdir -p src/x && seq 3 >src/x/y && git add -A && git commit -qm 'a file y'
	deep=$(printf 'd/%.0s' $(seq 300))
	git checkout -q -b ai/nightbuilder/2026-01-01/other main
	# a commit of theirs first: a pick onto main's tip of a commit whose parent is main's tip,
	# made in the same second, would be that very commit (taken in, not picked)
	seq 4 >src/theirs.c && git add -A && git commit -qm 'theirs first'
	git rm -qf src/x/y && mkdir -p src/x/y && seq 5 >src/x/y/z.c && git add -A && git commit -qm 'y becomes a folder'
	typechange=$(git rev-parse HEAD)
	mkdir -p "src/$deep" && seq 6 >"src/${deep}deep.c" && git add -A && git commit -qm deep
	deepest=$(git rev-parse HEAD)
	git checkout -q main
	session
	run git cherry-pick "$typechange"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${typechange:0:12}"* ]]
	git cherry-pick --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	run git cherry-pick "$deepest"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${deepest:0:12}"* ]]
	git cherry-pick --abort 2>/dev/null || git reset -q --hard; git clean -qfd src
	# and work of its own in the same folders moves the branch
	seq 8 >src/x/y && git commit -qam 'mine in x'
	[ "$(git log --format=%s -1)" = 'mine in x' ]
}

@test "check: a .gitattributes only in the index still reaches libgit2 for the patch-ids, and a pick is found" {
	other_ai
	git checkout -q -b ai/nightbuilder/2026-01-02/picked main
	git cherry-pick "$PICK" >/dev/null
	printf '*.c diff\n' >.gitattributes && git add .gitattributes && rm .gitattributes
	run guard-git check --base main --head HEAD --json
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"cherry-picked commits of ${PICK:0:12}"* ]]
}

# Findings H3, M1, M2, M3 (attack 2026-12-06): the shapes that hid a pick
# from the patch-ids: an evil merge, a rename around the pick, the pick
# split over commits or squashed with other changes, more new commits than
# the patch-ids are computed for. Each next to the user's look-alike.

# Another AI branch whose one commit changes src/main.c in the middle of 20 lines.
other_ai_main() {
	seq 1 20 >src/main.c && git commit -qam 'twenty lines'
	git checkout -q -b ai/nightbuilder/2026-01-01/other main
	sed -i 's/^10$/ten/; s/^11$/eleven/' src/main.c && git commit -qam 'theirs in main.c'
	PICK=$(git rev-parse HEAD)
	git checkout -q main
}

# update_refused COMMIT TEXT: moving the session's branch to COMMIT is refused with TEXT; it stays
update_refused() {
	run git update-ref "refs/heads/$own" "$1"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$2"* ]]
	[ "$(git rev-parse "refs/heads/$own")" = "$(git rev-parse HEAD)" ]
}

undo() {
	git merge --abort 2>/dev/null || git cherry-pick --abort 2>/dev/null || true
	git reset -q --hard && git clean -qfd src
}

@test "session: an evil merge that carries a cherry-pick is refused, alone or with a change of its own" {
	guard-git install
	other_ai_main
	session
	side=$(git commit-tree 'HEAD^{tree}' -p HEAD -m side)
	git merge -q --no-ff --no-commit "$side"
	git cherry-pick -n "$PICK"
	run git commit -qm Merge
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"*"[branch.ai_merge]"* ]]
	undo
	# the same merge with an unrelated change of its own, and an octopus of two empty sides
	side2=$(git commit-tree 'HEAD^{tree}' -p HEAD -m side2)
	git merge -q --no-ff --no-commit "$side" "$side2" 2>/dev/null || true
	git cherry-pick -n "$PICK"
	echo new >src/other.c && git add src/other.c
	run git commit -qm Merge
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	undo
	echo mine >src/mine.c && git add src/mine.c && git commit -qm mine
	[ "$(git log --format=%s -1)" = mine ]
}

@test "check: an ordinary merge of the base stays allowed, even when the base took the other branch's work" {
	other_ai_main
	git checkout -q -b ai/nightbuilder/2026-01-02/mine main
	echo mine >src/mine.c && git add src/mine.c && git commit -qm mine
	sed -i 's/^19$/nineteen/' src/main.c && git commit -qam 'mine in main.c'
	git checkout -q main
	# (a commit first: a pick onto PICK's own parent in the same second would be PICK itself)
	echo main >src/main-only.c && git add -A && git commit -qm 'main moves'
	git cherry-pick "$PICK" >/dev/null
	[ "$(git rev-parse HEAD)" != "$PICK" ]
	git checkout -q ai/nightbuilder/2026-01-02/mine
	git merge -q --no-edit main
	[ "$(git log -1 --format=%p | wc -w)" = 2 ]
	run guard-git check --base main --head HEAD --json
	echo "$output"
	[ "$(jq '[.violations[] | select(.rule == "branch.ai_merge")] | length' <<<"$output")" = 0 ]
	# the attacker's look-alike: the same merge, amended with the pick while main had not taken it
	git reset -q --hard HEAD~1
	side=$(git commit-tree 'HEAD^{tree}' -p HEAD -m side)
	git merge -q --no-ff --no-commit "$side" && git cherry-pick -n "$PICK" && git commit -qm Merge
	run guard-git check --base main --head HEAD --json
	echo "$output" | jq .violations
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"cherry-picked commits of ${PICK:0:12}"* ]]
}

@test "session: a pick moved around a rename, or split over two commits, is refused; a rename of its own is not" {
	guard-git install
	other_ai_main
	session
	own=$(git branch --show-current)
	git mv src/main.c src/main2.c && git commit -qm rename
	run git cherry-pick "$PICK"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	undo
	# the rename dance in one update made with plumbing: mv, the pick on the new name, mv back
	picked=$(git show "$PICK:src/main.c")
	c1=$(commit_with HEAD 'pick on the new name' src/main2.c "$picked\n")
	idx=$BATS_TEST_TMPDIR/index.mv
	GIT_INDEX_FILE=$idx git read-tree "$c1"
	GIT_INDEX_FILE=$idx git update-index --force-remove src/main2.c
	GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "100644,$(git rev-parse "$c1:src/main2.c"),src/main.c"
	c2=$(git commit-tree "$(GIT_INDEX_FILE=$idx git write-tree)" -p "$c1" -m 'rename back')
	update_refused "$c2" "cherry-picked commits of ${PICK:0:12}"
	# the pick split over two commits: neither is the pick, the branch's net change has it
	git mv src/main2.c src/main.c && git commit -qm 'back'
	sed -i 's/^10$/ten/' src/main.c && git commit -qam 'half'
	sed -i 's/^11$/eleven/' src/main.c
	run git commit -qam 'other half'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	undo
	# a change of its own in the renamed file, and a rename of its own, move the branch
	sed -i 's/^3$/three/' src/main.c && git commit -qam 'mine at 3'
	git mv src/main.c src/main3.c && git commit -qm 'rename mine'
	[ "$(git log --format=%s -1)" = 'rename mine' ]
}

@test "session: a pick squashed with a mode change or a change elsewhere is refused; one hunk changed is the limit" {
	guard-git install
	other_ai_main
	session
	git cherry-pick -n "$PICK" && chmod +x src/main.c
	run git commit -qam tweak
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	undo
	git cherry-pick -n "$PICK" && sed -i 's/^1$/first/' src/main.c && echo x >src/else.c && git add -A
	run git commit -qm 'pick and more'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"cherry-picked commits of ${PICK:0:12}"* ]]
	undo
	# documented limit: the pick's own lines changed too (its hunk differs) pass when they are
	# too short for the lines family (these are numbers: see the lines tests at the end)
	git cherry-pick -n "$PICK" && sed -i 's/^12$/twelve/' src/main.c
	run git commit -qam 'pick rewritten'
	[ "$status" -eq 0 ]
}

@test "session: more new commits than the patch-ids are computed for are refused unchecked, with the count" {
	guard-git install
	other_ai
	session
	own=$(git branch --show-current)
	c=$(git rev-parse HEAD)
	for i in $(seq 200); do c=$(git commit-tree 'HEAD^{tree}' -p "$c" -m "empty $i"); done
	update_refused "$(commit_with "$c" 'looks like mine' src/shared/s.c 'a\nb\nc\n')" \
		"201 commits come in, more than the 200 the AI-to-AI check compares"
	# 200 of them (the cap) are compared, and without the pick they move the branch
	c=$(git rev-parse HEAD)
	for i in $(seq 199); do c=$(git commit-tree 'HEAD^{tree}' -p "$c" -m "empty $i"); done
	update_refused "$(commit_with "$c" 'the pick' src/shared/s.c 'a\nb\nc\n')" "cherry-picked commits of ${PICK:0:12}"
	run git update-ref "refs/heads/$own" "$(commit_with "$c" 'mine' src/mine.c 'm\n')"
	[ "$status" -eq 0 ]
}

@test "check: with no other AI branch, more commits than the cap are nothing to compare" {
	git checkout -q -b ai/nightbuilder/2026-01-02/long main
	c=$(git rev-parse HEAD)
	for i in $(seq 300); do c=$(git commit-tree 'HEAD^{tree}' -p "$c" -m "more $i"); done
	git reset -q --hard "$(commit_with "$c" 'mine' src/mine.c 'm\n')"
	run guard-git check --base main --head HEAD --json
	echo "$output"
	[ "$(jq '[.violations[] | select(.rule == "branch.ai_merge")] | length' <<<"$output")" = 0 ]
	git branch -q ai/nightbuilder/2026-01-01/other main~0
	git checkout -q ai/nightbuilder/2026-01-01/other && echo t >src/t.c && git add -A && git commit -qm theirs
	git checkout -q ai/nightbuilder/2026-01-02/long
	run guard-git check --base main --head HEAD --json
	jq '.violations' <<<"$output"
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"301 commits come in, more than the 200"* ]]
}

# ---- the lines family (issue 11): what a pick keeps when its hunks are gone

# Another AI branch whose commit adds a function of eight meaningful lines
# to src/util.c, with includes, braces and short lines around them.
other_ai_lines() {
	printf '#include <stdio.h>\n\nint\nbase_one(void)\n{\n\treturn 1;\n}\n' >src/util.c
	git add -A && git commit -qm util
	git checkout -q -b ai/nightbuilder/2026-01-01/other main
	echo 'theirs first' >src/theirs.c && git add -A && git commit -qm 'theirs first'
	cat >>src/util.c <<'CODE'
#include <stdlib.h>
#include <string.h>

static int
parse_window(const char *text, size_t len, struct window *out)
{
	size_t start = strspn(text, " \t");
	if (start >= len)
		return guard_error(GUARD_EUSAGE, "empty window");
	out->width = strtol(text + start, NULL, 10);
	out->height = out->width * 9 / 16;
	out->title = guard_xstrndup(text + start, len - start);
	return out->width > 0 ? 0 : guard_error(GUARD_EUSAGE, "bad width");
}
CODE
	git commit -qam 'theirs: parse_window'
	PICK=$(git rev-parse HEAD)
	git checkout -q main
}

# pick_lines FIRST LAST: lines FIRST..LAST of the pick's function (1: its name line)
pick_lines() {
	git show "$PICK:src/util.c" | sed -n '/^parse_window/,$p' | sed -n "$1,$2p"
}

@test "session: a pick with its own lines edited, next to a change of the branch's, or copied into a new file is refused" {
	guard-git install
	other_ai_lines
	# copied into a new file, through CI's check
	copy=$(commit_with main 'a new file' src/mine/window.c "$(pick_lines 1 9)\n")
	run guard-git check --base main --head "$copy" --branch ai/nightbuilder/2026-01-02/copy --json
	echo "$output" | jq .violations
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"the added lines of commits ${PICK:0:12}"* ]]
	[ "$(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .commits[0]' <<<"$output")" = "$PICK" ]
	session
	# two of its eight lines edited: no hunk and no patch-id is the pick's
	git cherry-pick -n "$PICK" && sed -i 's|9 / 16|3 / 4|; s|"bad width"|"width must be positive"|' src/util.c
	run git commit -qam 'edited pick'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the added lines of commits ${PICK:0:12}"*"[branch.ai_merge]"* ]]
	undo
	# landing within three lines of the branch's own change: one hunk with it
	git cherry-pick -n "$PICK" && sed -i 's/return 1;/return 11;/' src/util.c
	run git commit -qam 'pick beside mine'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the added lines of commits ${PICK:0:12}"* ]]
	undo
	# copied into a new file, re-indented, among lines of its own
	mkdir -p src/mine && { echo 'int mine_first(void);'; pick_lines 1 9 | sed 's/^\t/    /'; echo 'int mine_last(void);'; } >src/mine/window.c
	git add -A
	run git commit -qm 'a new file'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the added lines of commits ${PICK:0:12}"* ]]
	undo
}

@test "session: a pick split over two commits is refused by its lines, one commit a time or both in one update" {
	guard-git install
	other_ai_lines
	session
	own=$(git branch --show-current)
	mkdir -p src/mine
	# two of eight lines: fewer than three, the branch moves
	pick_lines 1 1 >src/mine/a.c && pick_lines 3 3 >>src/mine/a.c && git add -A && git commit -qm 'first part'
	[ "$(git log --format=%s -1)" = 'first part' ]
	# two more in the next commit: four of the pick's lines in the branch, two new with this update
	pick_lines 6 7 >src/mine/b.c && git add -A
	run git commit -qm 'second part'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the added lines of commits ${PICK:0:12}"* ]]
	undo
	# both parts in commits made with plumbing, each with two lines, one update-ref
	git reset -q --hard HEAD~1 2>/dev/null || true
	[ "$(git rev-parse "refs/heads/$own")" = "$(git rev-parse HEAD)" ]
	c1=$(commit_with HEAD 'part one' src/mine/c.c "$(pick_lines 1 1)\n$(pick_lines 3 3)\n")
	c2=$(commit_with "$c1" 'part two' src/mine/d.c "$(pick_lines 6 7)\n")
	update_refused "$c2" "the added lines of commits ${PICK:0:12}"
}

@test "session: includes, braces, short lines and one line in common are not a pick; nor is a branch reverting its own line" {
	guard-git install
	other_ai_lines
	# a second AI branch moves four lines of main's into a file of their own
	printf 'void\ncore(void)\n{\n\tcore_setup_everything(first_argument);\n\tcore_prepare_the_runner(second_argument);\n\tcore_start_the_runner(third_argument);\n\tcore_wait_for_the_runner(fourth_argument);\n}\n' >src/core.c
	git add -A && git commit -qm core
	git checkout -q -b ai/nightbuilder/2026-01-01/mover main
	echo 'mover first' >src/mover.c && git add -A && git commit -qm 'mover first'
	grep core_ src/core.c >src/moved.c && sed -i '/core_/d' src/core.c && git add -A && git commit -qm 'move the calls'
	git checkout -q main
	session
	mkdir -p src/mine
	cat >src/mine/m.c <<'CODE'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
mine_window(const char *text)
{
	size_t start = strspn(text, " \t");
	if (!text)
		return 0;
	printf("mine: %s\n", text + start);
	return 0;
}
CODE
	git add -A && git commit -qm 'mine, with the usual lines'
	[ "$(git log --format=%s -1)" = 'mine, with the usual lines' ]
	# the branch edits main's four lines, then reverts that: the revert adds them back
	sed -i 's/_argument/_value/' src/core.c && git commit -qam 'edit core'
	git revert --no-edit HEAD >/dev/null
	[ "$(git log --format=%s -1)" = 'Revert "edit core"' ]
	run guard-git check --base main --head HEAD --json
	echo "$output" | jq .violations
	[ "$(jq '[.violations[] | select(.rule == "branch.ai_merge")] | length' <<<"$output")" = 0 ]
}

# fast_branch NAME N: a branch of N commits on main's tip, made by git fast-import (no hook runs)
fast_branch() {
	local i
	for i in $(seq "$2"); do
		printf 'commit refs/heads/%s\ncommitter t <t@example.com> %d +0000\ndata 5\nlong\n' "$1" $((1700000000 + i))
		[ "$i" -gt 1 ] || printf 'from %s\n' "$(git rev-parse main)"
		printf 'M 100644 inline src/long.c\ndata %d\n%d\n\n' $((${#i} + 1)) "$i"
	done | git fast-import --quiet
}

@test "session: another AI branch too long to compare refuses the update unchecked, naming it and what to do" {
	guard-git install
	fast_branch ai/nightbuilder/2026-01-01/long 2001
	[ "$(git rev-list --count main..ai/nightbuilder/2026-01-01/long)" = 2001 ]
	# CI's check refuses too
	git update-ref refs/heads/ai/nightbuilder/2026-01-02/x "$(commit_with main x src/x.c 'x\n')"
	run guard-git check --base main --head ai/nightbuilder/2026-01-02/x --json
	[ "$status" -eq 1 ]
	[[ $(jq -r '.violations[] | select(.rule == "branch.ai_merge") | .message' <<<"$output") == *"has 2001 commits of its own"* ]]
	session
	own=$(git branch --show-current)
	echo mine >src/mine.c && git add -A
	run git commit -qm mine
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"AI branch 'ai/nightbuilder/2026-01-01/long' has 2001 commits of its own, more than the 2000 the AI-to-AI check compares: refused unchecked (land that branch in the base or delete it"* ]]
	# 2,000 are compared: the operator shortens it (no hooks), and the same commit moves the branch
	git -c core.hooksPath=/dev/null update-ref refs/heads/ai/nightbuilder/2026-01-01/long ai/nightbuilder/2026-01-01/long~1
	git commit -qm mine
	[ "$(git log --format=%s -1)" = mine ]
}
