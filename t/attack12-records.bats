#!/usr/bin/env bats
# attack11 L11's leftover (share/doc/trust.md, "guard's runtime folders are
# never committed by a session"): files named like guard's records
# (.ai/sessions/ID.json|.log.jsonl|.pr.md, .ai/audit/DAY.jsonl, .lock,
# .ai/approvals/ID.json) are guard's by content, not by name. Code put under
# any of them (git add -f, plumbing, a reset to a commit carrying a longer
# log) is refused by the reference-transaction and pre-push hooks during a
# session and counted and refused by guard-git check; guard's own records,
# staged by a session's plain `git add -A` where no .gitignore keeps them
# out, commit and count nothing. Real repositories, guard-git's hooks
# installed, no guard init (so no .gitignore).

load helper
load git_project

setup() {
	setup_git_project
	T=$BATS_TEST_TMPDIR
	bare_origin
	mkdir -p .ai && printf 'version: 1\nsession:\n  max_loc: 1000\n' >.ai/policy.yaml
	git add .ai/policy.yaml && git commit -qm policy
	git push -q origin main
	guard-git install
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	OWN=$(git branch --show-current)
	BASE=$(git rev-parse HEAD)
	DAY=$(date -u +%F).jsonl
}

# guard_state_of FILE: the files.guard_state errors check names for FILE (in $output).
guard_state_of() {
	jq -r --arg f "$1" '[.violations[] | select(.rule == "files.guard_state" and .file == $f)] | length' <<<"$output"
}

# plumb PATH CONTENT-FILE: a commit on HEAD whose tree holds PATH (two levels under .ai) as that file, made
# without any hook (hash-object, mktree, commit-tree); prints its id.
plumb() {
	local dir=${1%/*} name=${1##*/} sub blob tree ai
	sub=${dir#.ai/}
	blob=$(git hash-object -w "$2")
	tree=$( (git ls-tree "HEAD:$dir" 2>/dev/null | grep -v "	$name\$"; printf '100644 blob %s\t%s\n' "$blob" "$name") | git mktree)
	ai=$( (git ls-tree HEAD:.ai | grep -v "	$sub\$"; printf '040000 tree %s\t%s\n' "$tree" "$sub") | git mktree)
	tree=$( (git ls-tree HEAD | grep -v '	.ai$'; printf '040000 tree %s\t.ai\n' "$ai") | git mktree)
	git commit-tree "$tree" -p HEAD -m plumbed
}

@test "rec11: code under each of guard's record names is refused at commit (reference-transaction), --no-verify too" {
	mkdir -p .ai/sessions .ai/audit .ai/approvals
	seq -f 'w%g = 1' 3000 >"$T/code"
	for f in ".ai/sessions/$GUARD_SESSION.pr.md" ".ai/sessions/$GUARD_SESSION.log.jsonl" \
		".ai/sessions/$GUARD_SESSION.json" .ai/sessions/other-session.json .ai/sessions/x.log.jsonl \
		.ai/audit/2020-01-01.jsonl .ai/audit/.lock .ai/audit/seals.jsonl .ai/approvals/ab12.json; do
		[ -e "$f" ] && cp "$f" "$T/keep" || rm -f "$T/keep"
		cp "$T/code" "$f"
		git add -f "$f"
		refused files.guard_state git commit -qm x
		[[ $output == *"'$f'"* ]]
		refused files.guard_state git commit --no-verify -qm x
		git rm -q --cached "$f"
		if [ -e "$T/keep" ]; then cp "$T/keep" "$f"; else rm -f "$f"; fi
	done
	[ "$(git rev-parse HEAD)" = "$BASE" ]
}

@test "rec11: guard's own content as a program or a link, another session's record under this one's name: refused" {
	log=".ai/sessions/$GUARD_SESSION.log.jsonl"
	cp "$log" "$T/log"
	chmod +x "$log"
	git add -f "$log"
	refused files.guard_state git commit -qm x
	git rm -q -f --cached "$log"
	chmod -x "$log"
	ln -s ../../src/main.c ".ai/sessions/$GUARD_SESSION.pr.md"
	git add -f ".ai/sessions/$GUARD_SESSION.pr.md"
	refused files.guard_state git commit -qm x
	git rm -q -f --cached ".ai/sessions/$GUARD_SESSION.pr.md"
	rm ".ai/sessions/$GUARD_SESSION.pr.md"
	# this session's log under another id's name, today's audit records under another day's name
	cp "$T/log" .ai/sessions/20200101-000000-x.log.jsonl
	cp ".ai/audit/$DAY" .ai/audit/2020-01-01.jsonl
	git add -f .ai/sessions/20200101-000000-x.log.jsonl .ai/audit/2020-01-01.jsonl
	refused files.guard_state git commit -qm x
	[[ $output == *"'.ai/sessions/20200101-000000-x.log.jsonl'"* && $output == *"'.ai/audit/2020-01-01.jsonl'"* ]]
	[ "$(git rev-parse HEAD)" = "$BASE" ]
}

@test "rec11: guard's own log with lines added, an audit chain forged onto the real one: refused" {
	mkdir -p src
	printf 'int a;\n' >src/a.c
	# the session's own log as guard wrote it, with code after it
	{ cat ".ai/sessions/$GUARD_SESSION.log.jsonl"; seq -f 'w%g = 1' 500; } >"$T/log"
	cp "$T/log" ".ai/sessions/$GUARD_SESSION.log.jsonl"
	git add src/a.c ".ai/sessions/$GUARD_SESSION.log.jsonl"
	refused files.guard_state git commit -qm x
	git checkout -q -- . 2>/dev/null || true
	git rm -q --cached ".ai/sessions/$GUARD_SESSION.log.jsonl"
	git reset -q
	# the real audit day file with a chain of records of the agent's own making after it (each hash right)
	python3 - "$PWD/.ai/audit/$DAY" "$T/chain" <<'P'
import hashlib, json, sys
lines = open(sys.argv[1]).read().splitlines()
last = json.loads(lines[-1])
prev, seq, out = last["hash"], last["seq"], list(lines)
for i in range(300):
    seq += 1
    rec = dict(last, seq=seq, prev=prev, data={"note": "w%d = 1" % i})
    del rec["hash"]
    text = json.dumps(rec, separators=(",", ":"), sort_keys=True)
    h = hashlib.sha256((text[:-1] + "}").encode()).hexdigest()
    out.append(text[:-1] + ',"hash":"%s"}' % h)
    prev = h
open(sys.argv[2], "w").write("\n".join(out) + "\n")
P
	commit=$(plumb ".ai/audit/$DAY" "$T/chain")
	# a reset to it writes the longer log into the work tree before the ref moves: still git's, not guard's
	refused files.guard_state git reset -q --hard "$commit"
	[ "$(git rev-parse HEAD)" = "$BASE" ]
	# the chain it left on disk verifies, and guard's next records (the refusal's) chain onto it: the ledger in
	# git's folder still tells guard's records from the agent's, so a commit of the log as it is now is refused
	cmp -s -n "$(wc -c <"$T/chain")" "$T/chain" ".ai/audit/$DAY"
	guard-audit verify >/dev/null
	git add -f ".ai/audit/$DAY"
	refused files.guard_state git commit -qm x
	git rm -q -f --cached ".ai/audit/$DAY"
	refused files.guard_state git update-ref "refs/heads/$OWN" "$commit"
	refused files.guard_state git push -q origin "$commit:refs/heads/$OWN"
	refute git --git-dir="$T/remote.git" cat-file -e "$commit"
	# check (the PR gate) counts its lines and names it
	run --separate-stderr guard-git check --base main --head "$commit" --json
	[ "$(guard_state_of ".ai/audit/$DAY")" = 1 ]
	[ "$(jq -r .loc.added <<<"$output")" -ge 300 ]
}

@test "rec11: code put by plumbing under the session's own record name is refused at push and counted by check" {
	seq -f 'w%g = 1' 3000 >"$T/code"
	for f in ".ai/sessions/$GUARD_SESSION.pr.md" ".ai/sessions/$GUARD_SESSION.json" ".ai/audit/$DAY" .ai/approvals/ab12.json; do
		commit=$(plumb "$f" "$T/code")
		refused files.guard_state git push -q origin "$commit:refs/heads/$OWN"
		[[ $output == *"$f"* ]]
		refute git --git-dir="$T/remote.git" cat-file -e "$commit"
		run --separate-stderr guard-git check --base main --head "$commit" --json
		[ "$(guard_state_of "$f")" = 1 ]
		[ "$(jq -r .loc.added <<<"$output")" -ge 3000 ]
	done
}

@test "rec11 user twin: guard's own records staged by git add -A (no .gitignore) commit, push and count nothing" {
	mkdir -p src
	printf 'int a;\nint b;\n' >src/a.c
	# a second start, refused, writes .ai/sessions/refused.log.jsonl
	run guard-session start --task t2
	[ "$status" -ne 0 ]
	git add -A
	git cat-file -e :.ai/sessions/refused.log.jsonl
	git cat-file -e ":.ai/audit/$DAY"
	git cat-file -e ":.ai/sessions/$GUARD_SESSION.log.jsonl"
	git commit -qm work
	git push -q origin HEAD
	run --separate-stderr guard-git check --base main --head HEAD --json
	echo "$output"
	[ "$(jq -r .loc.added <<<"$output")" = 2 ]
	[ "$(jq -r '[.violations[] | select(.rule == "files.guard_state")] | length' <<<"$output")" = 0 ]
	# guard writes on (the log, the report, the PR body at the end): the older versions committed stay guard's
	run guard-session end
	printf 'int c;\n' >>src/a.c
	git add -A
	git cat-file -e ":.ai/sessions/$GUARD_SESSION.pr.md"
	git commit -qm more
	run --separate-stderr guard-git check --base main --head HEAD --json
	echo "$output"
	[ "$(jq -r .loc.added <<<"$output")" = 3 ]
	[ "$(jq -r '[.violations[] | select(.rule == "files.guard_state")] | length' <<<"$output")" = 0 ]
	run --separate-stderr guard-git check --base main --head HEAD~1 --json
	[ "$(jq -r '[.violations[] | select(.rule == "files.guard_state")] | length' <<<"$output")" = 0 ]
}

@test "attack12 M24: guard's audit day file with a record left out, or its first, is not guard's; an earlier state of it is" {
	# refusals are records: a second start, moves of the protected base
	run guard-session start --task t2
	[ "$status" -ne 0 ]
	git commit -q --allow-empty -m own
	for i in 1 2 3; do
		run git update-ref refs/heads/main HEAD
		[ "$status" -ne 0 ]
	done
	n=$(wc -l <".ai/audit/$DAY")
	[ "$n" -ge 3 ]
	sed 2d ".ai/audit/$DAY" >"$T/middle"
	sed 1d ".ai/audit/$DAY" >"$T/first"
	head -n $((n - 1)) ".ai/audit/$DAY" >"$T/prefix"
	for f in middle first; do
		commit=$(plumb ".ai/audit/$DAY" "$T/$f")
		refused files.guard_state git push -q origin "$commit:refs/heads/$OWN"
		refute git --git-dir="$T/remote.git" cat-file -e "$commit"
		run --separate-stderr guard-git check --base main --head "$commit" --json
		[ "$(guard_state_of ".ai/audit/$DAY")" = 1 ]
	done
	# the log as it stood before its last record (what a commit made then held) is guard's
	commit=$(plumb ".ai/audit/$DAY" "$T/prefix")
	git push -q origin "$commit:refs/heads/$OWN"
	run --separate-stderr guard-git check --base main --head "$commit" --json
	[ "$(guard_state_of ".ai/audit/$DAY")" = 0 ]
}
