#!/usr/bin/env bats
# attack9 J17 (share/doc/trust.md): glob patterns expanded by the analysis
# held the hook past the agent's timeout. One budget of folder entries and
# glob matches covers the whole rating (every word, line, heredoc, nested
# shell, function call and folder reader); past it the call is not fully
# analysed (high). A repeated pattern is read once. The hook's deadline
# covers the whole analysis: past it the call is denied and the log says
# so. Budgets are passed with trees built here, never asserted by timing.

load helper

setup() {
	setup_guard
	# 8 x 8 x 8 folders, 4096 files: about 6,400 folder entries for one T/*/*/*/x*
	T=$PROJ/t
	mkdir -p "$T"/{a..h}/{a..h}/{a..h}
	touch "$T"/{a..h}/{a..h}/{a..h}/{a..h}
}

rate() { guard-risk -c "$1"; }
level() { rate "$1" | jq -r .level; }
# the rating says the budget cut it short
cut_short() { rate "$1" | jq -e '.unparsed == true and any(.reasons[]; test("not fully analysed .*folder entries"))' >/dev/null; }
reason_of() { jq -r .hookSpecificOutput.permissionDecisionReason <<<"$output"; }

@test "J17: the finding's spellings over a tree past the budget are high, not fully analysed (attack)" {
	# one word past the matches (4096 files)
	[ "$(level "ls t/*/*/*/*; rm -rf ~/a9-victim")" = high ] || [ "$(level "ls t/*/*/*/*; rm -rf ~/a9-victim")" = critical ]
	cut_short "ls t/*/*/*/*; rm -rf ~/a9-victim"
	cut_short "cat $(printf 't/*/*/*/* %.0s' $(seq 50))"
	cut_short "rm $(printf 't/*/*/*/* %.0s' $(seq 30))"
	# words that each stay under the old bound per word (4,000 entries, 256 matches) add up
	cut_short "ls $(printf 't/*/*/*/x%d* ' $(seq 9))"
	cut_short "cat $(printf 't/%s/*/*/[a-c] ' a b c d e f g h) $(printf 't/%s/*/*/[d-f] ' a b c)"
}

@test "J17: the budget is one for the whole payload: lines, nested shells, heredocs, functions (attack)" {
	half1=$(printf 't/*/*/*/x%d* ' 1 2 3 4 5)
	half2=$(printf 't/*/*/*/y%d* ' 1 2 3 4 5)
	cut_short "ls $half1
ls $half2"
	cut_short "ls $half1; bash -c 'ls $half2'"
	cut_short "ls $half1; sh -c \"bash -c 'ls $half2'\""
	cut_short "ls $half1; bash <<'EOF'
ls $half2
EOF"
	cut_short "f() { ls \"\$@\" $half1; }; f a; g() { ls $half2; }; g"
	# a Bash tool call in the hook: the same budget, asked or denied, never allowed
	run guard hook claude <<<"$(bash_payload "ls $half1; bash -c 'ls $half2'")"
	[ "$(jq -r .hookSpecificOutput.permissionDecision <<<"$output")" = deny ]
	[[ "$(reason_of)" == *"high risk"* ]]
}

@test "J17: folder readers, cd patterns and readers of many /proc files share the budget (attack)" {
	cut_short "grep -r foo t t/ t/. ./t ./t/ ./t/. t// t/./ t/a/.. t/b/.. t/c/.. t/d/.."
	cut_short "cd t/*/*/*/x1*; cd t/*/*/*/x2*; cd t/*/*/*/x3*; cd t/*/*/*/x4*; cd t/*/*/*/x5*; cd t/*/*/*/x6*; cd t/*/*/*/x7*; cd t/*/*/*/x8*; cd t/*/*/*/x9*"
	[ "$(level 'cat /proc/*/environ')" = critical ]
	# files read to rate the line (archives, scripts, patches) share it too: 128 MiB in all
	head -c 10000000 /dev/zero >"$BATS_TEST_TMPDIR/big.tar"
	[ "$(level "tar -xf $BATS_TEST_TMPDIR/big.tar -C ~")" = high ]
	refute cut_short "tar -xf $BATS_TEST_TMPDIR/big.tar -C ~"
	cut_short "$(printf "tar -xf $BATS_TEST_TMPDIR/big.tar -C ~; %.0s" $(seq 8))"
}

@test "J17: a repeated pattern is read once: the same pattern fifty times is not past the budget (user)" {
	run rate "ls $(printf 't/*/*/*/x* %.0s' $(seq 50))"
	[ "$status" -eq 0 ]
	[ "$(jq -r .unparsed <<<"$output")" = null ]
	[ "$(jq -r .level <<<"$output")" = low ]
}

@test "J17: the everyday patterns keep their ratings (user)" {
	mkdir -p src build docs/a docs/b
	touch src/f{1..60}.c build/f{1..300}.o docs/a/x{1..20}.md docs/b/y{1..20}.md
	[ "$(level 'ls src/*.c')" = "$(level 'ls src/f1.c')" ]
	[ "$(level 'rm -f build/*.o')" = "$(level 'rm -f build/f1.o')" ]
	[ "$(level 'cat docs/*/*.md')" = "$(level 'cat docs/a/x1.md')" ]
	for c in 'ls src/*.c' 'rm -f build/*.o' 'cat docs/*/*.md' 'ls src/*.c; cat docs/*/*.md; rm -f build/*.o'; do
		[ "$(rate "$c" | jq -r .unparsed)" = null ]
	done
	run guard hook claude <<<"$(bash_payload 'ls src/*.c; cat docs/*/*.md')"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
}

@test "J17: the hook's deadline covers the analysis: past it the call is denied and the log records it (attack)" {
	run guard hook claude <<<"$(bash_payload 'ls t/*/*/*/x*')"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
	f=$PROJ/.ai/audit/$(date -u +%F).jsonl
	before=$(wc -l <"$f")
	# GUARD_SCAN_DEADLINE_MS only shortens the hook's deadline (tests)
	GUARD_SCAN_DEADLINE_MS=1 run --separate-stderr guard hook claude <<<"$(bash_payload 'ls t/*/*/*/x*')"
	[ "$status" -eq 2 ]
	[ "$(decision_of)" = deny ]
	[[ "$(reason_of)" == *"analysis of the call did not finish in time"* ]]
	[ "$(wc -l <"$f")" -eq $((before + 1)) ]
	rec=$(tail -n1 "$f")
	[ "$(jq -r .decision.effect <<<"$rec")" = deny ]
	[[ "$(jq -r .decision.rule <<<"$rec")" == guard.* ]]
	[[ "$(jq -r .decision.reason <<<"$rec")" == *"did not finish in time"* ]]
	GUARD_SCAN_DEADLINE_MS=99999999 run guard hook claude <<<"$(bash_payload 'ls t/*/*/*/x*')"
	[ "$(decision_of)" = allow ]
}

@test "J17: guard-risk as a stream rates each event within its own budget: high, and goes on (attack)" {
	ev() { jq -cn --arg c "$1" --arg cwd "$PROJ" '{tool:"Bash",input:{command:$c},cwd:$cwd}'; }
	run guard-risk <<<"$(ev "ls $(printf 't/*/*/*/x%d* ' $(seq 9))")
$(ev 'ls src')
$(ev "cat $(printf 't/*/*/*/* %.0s' $(seq 50))")"
	[ "$status" -eq 0 ]
	[ "$(jq -sr '[.[].risk.level] | join(" ")' <<<"$output")" = "high low high" ]
	[ "$(jq -sr '[.[].risk.unparsed] | join(" ")' <<<"$output")" = "true  true" ]
}

@test "attack11 L1: values doubled on the line are followed only so far: the rating ends, in little memory, with the command's own verdict" {
	s='true || { x="echo hi"; '
	for i in $(seq 26); do s+='x="$x; $x"; '; done
	s+='}; rm -rf /root/a11-victim'
	run guard hook claude <<<"$(bash_payload "$s")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = deny ]
	[[ "$(reason_of)" == *"system directory: /root/a11-victim"* ]]
	# each form of doubling, and copies of a big value into many words or names
	for form in '$x$x' '${x}${x}' 'declare x="$x$x"'; do
		s='x="echo hi"; '
		for i in $(seq 26); do [[ $form == declare* ]] && s+="$form; " || s+="x=$form; "; done
		s+='rm -rf ~'
		run guard-risk -c "$s"
		[ "$(jq -r .level <<<"$output")" = critical ]
	done
	s='x=ab; '
	for i in $(seq 14); do s+='x=$x$x; '; done
	s+='echo'
	for i in $(seq 3000); do s+=' $x'; done
	run guard-risk -c "$s; rm -rf ~"
	[ "$(jq -r .level <<<"$output")" = critical ]
	# a value built from what is known stays known below the bound
	run guard-risk -c 'd=/tmp/x; d="$d/y"; rm -rf "$d"'
	[ "$(jq -r .level <<<"$output")" = low ]
}

@test "attack11 L1: past its CPU bound the hook answers with the blocking exit 2, whatever the analysis is doing" {
	s='shopt -s expand_aliases'$'\n'
	for i in $(seq 0 23); do s+="alias a$i='a$((i + 1)) a$((i + 1)) ; a$((i + 1)) '"$'\n'; done
	s+='a0'
	# GUARD_HOOK_CPU_S only shortens the bound (tests); the alias chain grows as 3^24
	GUARD_HOOK_CPU_S=1 run --separate-stderr guard hook claude <<<"$(bash_payload "$s")"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ran past its CPU bound"*"failing closed"* ]]
	# an everyday call is far below it
	GUARD_HOOK_CPU_S=1 run guard hook claude <<<"$(bash_payload 'git status')"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
}
