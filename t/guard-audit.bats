#!/usr/bin/env bats
# guard-audit: the tamper-evident log, end to end.

load helper
load audit

@test "log appends chained records and verify accepts them" {
	fill 3
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 3 records in 1 file, seq 1..3"* ]]
	run jq -r '.seq' "$(logfile)"
	[ "$output" = "$(printf '1\n2\n3')" ]
	# prev links each record to the hash of the one before
	[ "$(sed -n 2p "$(logfile)" | jq -r .prev)" = "$(sed -n 1p "$(logfile)" | jq -r .hash)" ]
	[ "$(sed -n 1p "$(logfile)" | jq -r .prev)" = "$(printf '0%.0s' $(seq 64))" ]
}

@test "the hash is the sha256 of the canonical record without it" {
	fill 1
	line=$(cat "$(logfile)")
	want=$(printf '%s' "$line" | jq -r .hash)
	got=$(printf '%s' "$line" | jq -cS 'del(.hash)' | tr -d '\n' | sha256sum | cut -d' ' -f1)
	[ "$want" = "$got" ]
}

@test "editing one field is caught, naming file, line and seq" {
	fill 3
	sed -i '2s/"n":"2"/"n":"9"/' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl:2: seq 2: hash mismatch"* ]]
}

@test "deleting a line is caught" {
	fill 3
	sed -i '2d' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:2: seq 3: expected seq 2"* ]]
}

@test "swapping two lines is caught" {
	fill 3
	f=$(logfile)
	{ sed -n 1p "$f"; sed -n 3p "$f"; sed -n 2p "$f"; } >"$f.new" && mv "$f.new" "$f"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:2: seq 3: expected seq 2"* ]]
}

# Rewrite the log from line $1 on, with a forged record inserted there
# (hashes recomputed), as an attacker who knows the format would.
forge() {
	python3 - "$(logfile)" "$1" <<'PY'
import hashlib, json, sys
path, at = sys.argv[1], int(sys.argv[2])
recs = [json.loads(l) for l in open(path)]
if at:
    fake = dict(recs[at - 1]); fake["summary"] = "nothing to see"
    recs.insert(at, fake)
out, prev = [], "0" * 64
for i, r in enumerate(recs):
    r = dict(r); r.pop("hash", None); r["seq"] = i + 1; r["prev"] = prev
    body = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.sha256(body.encode()).hexdigest()
    out.append(body[:-1] + ',"hash":"%s"}' % h); prev = h
open(path, "w").write("\n".join(out) + "\n")
PY
}

@test "a forged record with recomputed hashes passes verify alone but not against a checkpoint" {
	fill 3
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	forge 1
	run guard-audit verify
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:3: seq 3: does not match the checkpoint"* ]]
}

@test "re-hashing the whole file is caught against a checkpoint" {
	fill 3
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	sed -i 's/"n":"1"/"n":"7"/' "$(logfile)"
	forge 0
	run guard-audit verify
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not match the checkpoint"* ]]
}

@test "verify reads only top-level members: a nested seq is data, a member named twice is refused" {
	guard-audit log test.event seq=99 prev=x >/dev/null
	fill 1
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 2 records"* ]]
	# A second top-level "seq", hash recomputed: the line is refused, not read either way.
	python3 - "$(logfile)" <<'PY'
import hashlib, sys
path = sys.argv[1]
lines = open(path).read().splitlines()
body = lines[1][:lines[1].rindex(',"hash":')] + ',"seq":2}'
h = hashlib.sha256(body.encode()).hexdigest()
lines[1] = body[:-1] + ',"hash":"%s"}' % h
open(path, "w").write("\n".join(lines) + "\n")
PY
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:2: seq 2: the record names a member twice (/seq)"* ]]
}

# Rewrite line $2 of file $1 with python expression $3 applied to its text
# (before the hash member), hash recomputed: a forger who knows the format.
rehash_line() {
	python3 - "$1" "$2" "$3" <<'PY'
import hashlib, sys
path, at, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path).read().splitlines()
body = lines[at - 1][:lines[at - 1].rindex(',"hash":')] + "}"
body = eval(expr, {"body": body})
h = hashlib.sha256(body.encode()).hexdigest()
lines[at - 1] = body[:-1] + ',"hash":"%s"}' % h
open(path, "w").write("\n".join(lines) + "\n")
PY
}

@test "append and log refuse a member named twice anywhere, and write nothing" {
	run guard-audit append <<<'{"event":"x","decision":{"effect":"allow","effect":"deny"}}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"stdin:1: the event names a member twice (/decision/effect)"* ]]
	run guard-audit append <<<'{"event":"x","event":"y"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"twice (/event)"* ]]
	run guard-audit append <<<'{"event":"x","input":{"edits":[{"a":1},{"old":"p","old":"q"}]}}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"twice (/input/edits/1/old)"* ]]
	[ ! -s "$(logfile)" ]
	# the same members once each are fine
	run guard-audit append <<<'{"event":"x","decision":{"effect":"allow","rule":"r"}}'
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$(logfile)")" -eq 1 ]
}

@test "append and log refuse the log's own event names (audit.*)" {
	run guard-audit append <<<'{"event":"audit.pruned","data":{"last_seq":9}}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"written by the audit log itself"* ]]
	run guard-audit log audit.torn
	[ "$status" -eq 2 ]
	run guard-audit append --event audit.pruned <<<'{"x":1}'
	[ "$status" -eq 2 ]
	[ ! -s "$(logfile)" ]
}

@test "verify flags a member named twice written into the file by hand, top level and nested" {
	fill 3
	cp "$(logfile)" "$BATS_TEST_TMPDIR/saved"
	rehash_line "$(logfile)" 2 'body.replace("\"decision\":null", "\"decision\":{\"effect\":\"allow\",\"effect\":\"deny\"}")'
	grep -q '"effect":"allow","effect":"deny"' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl:2: seq 2: the record names a member twice (/decision/effect)"* ]]
	# jq reads the last one, cJSON the first: the reason it is refused
	[ "$(sed -n 2p "$(logfile)" | jq -r .decision.effect)" = deny ]
	cp "$BATS_TEST_TMPDIR/saved" "$(logfile)"
	rehash_line "$(logfile)" 1 'body[:-1] + ",\"summary\":\"all good\"}"'
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl:1: seq 1: the record names a member twice (/summary)"* ]]
	# out of canonical order but no member twice: still a record
	cp "$BATS_TEST_TMPDIR/saved" "$(logfile)"
	rehash_line "$(logfile)" 3 'body.replace("{\"actor\":", "{\"zz\":1,\"actor\":", 1)'
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "an edit past the first batch of lines verify hashes together names its line" {
	seq 9000 | awk '{printf "{\"event\":\"test.bulk\",\"n\":%d}\n", $1}' | guard-audit append >/dev/null
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 9000 records"* ]]
	sed -i '8500s/"n":8500/"n":8501/' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl:8500: seq 8500: hash mismatch"* ]]
}

@test "truncating the tail is caught against a checkpoint" {
	fill 4
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	sed -i '$d' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"records were cut from the tail"* ]]
}

@test "seal chains checkpoints and prints nothing new when sealed" {
	fill 2
	run guard-audit seal
	[ "$status" -eq 0 ]
	cp1=$output
	[ "$(printf '%s' "$cp1" | jq -r '.records, .last_seq, .type')" = "$(printf '2\n2\nguard.audit.checkpoint')" ]
	run guard-audit seal
	[ "$status" -eq 0 ]
	[[ "$output" == *"nothing new to seal"* ]]
	fill 1
	cp2=$(guard-audit seal)
	[ "$(printf '%s' "$cp2" | jq -r .prev)" = "$(printf '%s' "$cp1" | jq -r .hash)" ]
	# A changed checkpoint is refused.
	printf '%s\n' "$cp1" | sed 's/"records":2/"records":1/' >"$BATS_TEST_TMPDIR/bad.jsonl"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/bad.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint hash mismatch"* ]]
}

@test "seal refuses a log that does not verify" {
	fill 2
	sed -i '1s/"n":"1"/"n":"5"/' "$(logfile)"
	run guard-audit seal
	[ "$status" -eq 1 ]
	[[ "$output" == *"hash mismatch"* ]]
}

@test "a torn last line never synced is accepted, and the next append moves it aside without losing a record" {
	fill 2
	printf '{"actor":null,"approval":null,"seq":3,"ts":"2' >>"$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *".jsonl:3: a torn last record (45 bytes, never synced)"* ]]
	[[ "$output" == *"ok: 2 records"* ]]
	guard-audit log after.torn
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"seq 3 records a torn write"* ]]
	[[ "$output" == *"seq 1..4"* ]]
	[ "$(jq -r .event "$(logfile)" | tr '\n' ' ')" = "test.event test.event audit.torn after.torn " ]
	grep -q '"seq":3,"ts":"2' "$(logfile).torn"
}

# The synced-record watermark of this project's log.
synced() { cat "$PROJ"/.git/guard/audit-*.synced; }

@test "every synced append moves the watermark in the state folder; the others leave it" {
	guard-audit log --fsync always a
	guard-audit log --fsync always b
	[ "$(synced | cut -d' ' -f3,4)" = "$(day).jsonl 00000000000000000002" ]
	[ "$(synced | cut -d' ' -f6)" = "$(tail -n 1 "$(logfile)" | jq -r .hash)" ]
	[ "$(synced | cut -d' ' -f5)" = "$(printf '%020d' "$(stat -c %s "$(logfile)")")" ]
	guard-audit log --fsync never c
	[ "$(synced | cut -d' ' -f4)" = 00000000000000000002 ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" != *"no synced-record watermark"* ]]
}

@test "a synced record cut afterwards is tampering, and later appends do not launder it" {
	for e in a b c; do guard-audit log --fsync always "$e"; done
	cp "$(logfile)" "$BATS_TEST_TMPDIR/saved"
	# Cut into the last synced record: a torn line, but inside what was synced.
	truncate -s -20 "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:3: seq 3: a torn last record at byte "*"but the log was synced up to byte"*"(seq 3): a record that was once complete was cut"* ]]
	# The writer moves the fragment aside and goes on; the cut stays visible.
	for e in d e f g; do guard-audit log --fsync always "$e"; done
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *".jsonl:3: seq 3: was synced with hash"*"records were cut or rewritten after they were on disk"* ]]
	[ "$(synced | cut -d' ' -f4)" = 00000000000000000003 ]
	# A whole synced record removed at the line boundary.
	cp "$BATS_TEST_TMPDIR/saved" "$(logfile)"
	sed -i '$d' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl: seq 3 was synced"*"the file no longer holds it: records that were once complete were cut"* ]]
	# The day file gone altogether.
	rm "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl: missing, but seq 3 was synced in it"* ]]
	# Put back as it was synced: it verifies again.
	cp "$BATS_TEST_TMPDIR/saved" "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "a torn end past the watermark is accepted; one too long, or in an older file, is not" {
	guard-audit log --fsync always a
	guard-audit log --fsync never b
	truncate -s -30 "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"a torn last record"*"never synced"* ]]
	cp "$(logfile)" "$BATS_TEST_TMPDIR/saved"
	# Longer than one record can be: not a writer's.
	head -c 8500000 /dev/zero | tr '\0' x >>"$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"longer than one write"* ]]
	# In a file a later one follows.
	rm "$(logfile)" "$PROJ"/.git/guard/audit-*.synced
	fill 2
	backdate 2020-01-01:2
	guard-audit log --fsync never c
	truncate -s -30 "$LOG/2020-01-01.jsonl"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"2020-01-01.jsonl:2: seq 2: a record without its newline"*"in a file a later one follows: it was cut"* ]]
}

@test "a damaged watermark fails verify; a missing one is said" {
	guard-audit log --fsync always a
	f=$(echo "$PROJ"/.git/guard/audit-*.synced)
	printf 'garbage\n' >"$f"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"synced-record watermark"*"is damaged"* ]]
	rm "$f"
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"no synced-record watermark yet"* ]]
	# The next synced append makes a new one.
	guard-audit log --fsync always b
	[ "$(synced | cut -d' ' -f4)" = 00000000000000000002 ]
}

@test "eight concurrent writers of 10,000 records make one linear chain" {
	for w in 1 2 3 4 5 6 7 8; do
		awk -v w="$w" 'BEGIN { for (i = 1; i <= 10000; i++) printf "{\"event\":\"load\",\"session\":\"w%d\",\"summary\":\"%d\"}\n", w, i }' \
			>"$BATS_TEST_TMPDIR/in$w.jsonl"
	done
	for w in 1 2 3 4 5 6 7 8; do
		guard-audit append <"$BATS_TEST_TMPDIR/in$w.jsonl" &
	done
	wait
	run guard-audit verify
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 80000 records"* ]]
	[[ "$output" == *"seq 1..80000"* ]]
	# Every writer's records are there, in its own order.
	for w in 1 8; do
		[ "$(cat "$LOG"/*.jsonl | jq -r "select(.session == \"w$w\") | .summary" | tr '\n' ' ')" = \
		  "$(seq 10000 | tr '\n' ' ')" ]
	done
}

@test "secrets in commands, file contents and tool output never reach the disk" {
	aws=AKIAQWERTYUIOPASDFGH
	gh=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB
	pw=Sup3rS3cretPassw0rd
	jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U
	key=$(printf -- '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzzzSECRETKEYDATA\n-----END RSA PRIVATE KEY-----')
	run guard hook claude <<<"$(bash_payload "curl -H 'Authorization: Bearer $gh' https://bob:$pw@example.com/x?k=$aws")"
	run guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg p "$PROJ/src/k.pem" --arg c "$key
token: $jwt" '{file_path:$p,content:$c}')")"
	post=$(jq -cn --arg cwd "$PROJ" --arg e "error: password=$pw rejected for $aws" \
		'{session_id:"s1",cwd:$cwd,hook_event_name:"PostToolUse",tool_name:"Bash",tool_input:{command:"deploy"},
		  tool_response:{stdout:"ok",stderr:$e,interrupted:true},duration_ms:40,tool_use_id:"t9"}')
	run guard hook claude <<<"$post"
	guard-audit log note secret_token="$gh" text="jwt $jwt"
	[ "$(cat "$LOG"/*.jsonl | wc -l)" -eq 4 ]
	for s in "$aws" "$gh" "$pw" "$jwt" "SECRETKEYDATA"; do
		refute grep -rqF -- "$s" "$LOG"
	done
	grep -q 'REDACTED:aws-access-key' "$(logfile)"
	grep -q '"erased":\["/summary"\]' "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "the shipped policy keeps every built-in secret shape (none narrowed by the default layer)" {
	# shapes the default layer's own, narrower patterns once let through
	agpa=AGPAQWERTYUIOPASDFGH
	pat=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz
	dbpw=correct-horse-battery
	run guard hook claude <<<"$(bash_payload "export DB_PASSWORD=$dbpw K=$agpa T=$pat")"
	run guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg p "$PROJ/src/k.pem" \
		--arg c "$(printf -- '-----BEGIN PRIVATE KEY-----\nMIIEvQTRUNCATEDKEYDATA')" '{file_path:$p,content:$c}')")"
	for s in "$agpa" "$pat" "$dbpw" "TRUNCATEDKEYDATA"; do
		refute grep -rqF -- "$s" "$LOG"
	done
	grep -q 'REDACTED:aws-access-key' "$(logfile)"
	grep -q 'REDACTED:github-token' "$(logfile)"
	grep -q 'REDACTED:password-assignment' "$(logfile)"
}

@test "the hook records a decision and a tool result" {
	run guard hook claude <<<"$(bash_payload 'git status')"
	[ "$(decision_of)" = allow ]
	post=$(jq -cn --arg cwd "$PROJ" '{session_id:"s1",cwd:$cwd,hook_event_name:"PostToolUse",tool_name:"Bash",
		tool_input:{command:"git status"},tool_response:{stdout:"clean",stderr:"",interrupted:false},duration_ms:7,tool_use_id:"t1"}')
	guard hook claude <<<"$post"
	run jq -c '[.event, .tool, .summary, .decision.effect // null, .data.success // null, .data.duration_ms // null]' "$(logfile)"
	[ "${lines[0]}" = '["decision","Bash","git status","allow",null,null]' ]
	[ "${lines[1]}" = '["tool.result","Bash","git status",null,true,7]' ]
}

@test "the hook denies and says why when the record cannot be written" {
	mkdir -p "$PROJ/.ai"
	printf 'not a directory\n' >"$LOG"
	run --separate-stderr guard hook claude <<<"$(bash_payload 'git status')"
	[ "$status" -eq 2 ]
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"audit record cannot be written"* ]]
}

@test "audit.fail_closed: false lets the action through without a record" {
	mkdir -p "$PROJ/.ai"
	printf 'not a directory\n' >"$LOG"
	sed 's/fail_closed: true/fail_closed: false/' "$REPO_ROOT/policy/default.yaml" >"$BATS_TEST_TMPDIR/builtin.yaml"
	GUARD_DEFAULT_POLICY=$BATS_TEST_TMPDIR/builtin.yaml run guard hook claude <<<"$(bash_payload 'git status')"
	[ "$(decision_of)" = allow ]
}

@test "a day file that cannot be opened fails with exit 8 naming it" {
	mkdir -p "$(logfile)"
	run guard-audit log x
	echo "status $status: $output"; [ "$status" -eq 8 ]
	[[ "$output" == *"cannot open audit log '$(logfile)'"* ]]
}

@test "a day file that is a symbolic link is tampering (exit 1), not an I/O failure" {
	fill 2
	mv "$(logfile)" "$BATS_TEST_TMPDIR/elsewhere.jsonl"
	ln -s "$BATS_TEST_TMPDIR/elsewhere.jsonl" "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(logfile)' is a symbolic link, not a day file the log wrote: tampering"* ]]
	rm "$(logfile)"
	mkfifo "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not a regular file"* ]]
}

@test "log and append outside a project write nothing and say so (exit 5)" {
	mkdir "$BATS_TEST_TMPDIR/loose"
	cd "$BATS_TEST_TMPDIR/loose"
	run guard-audit log x
	[ "$status" -eq 5 ]
	[[ "$output" == *"no project root"*"not writing an audit log here"* ]]
	run guard-audit append <<<'{"event":"x"}'
	[ "$status" -eq 5 ]
	[ ! -e .ai ]
	GUARD_DIR=$PROJ run guard-audit log x
	[ "$status" -eq 0 ]
	[ -s "$(logfile)" ]
}

@test "a full disk loses nothing already written and leaves no partial record" {
	fill 2
	python3 - "$(logfile)" <<'PY'
import resource, subprocess, sys, os
size = os.path.getsize(sys.argv[1])
# RLIMIT_FSIZE at the current size: the next write fails with EFBIG, like a full disk.
def limit():
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, size + 10))
r = subprocess.run(["guard-audit", "log", "big", "pad=" + "x" * 200], preexec_fn=limit, capture_output=True, text=True)
print(r.returncode, r.stderr)
sys.exit(0 if r.returncode == 8 and "1 record not written" in r.stderr else 1)
PY
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 2 records"* ]]
	guard-audit log after
	run guard-audit verify
	[[ "$output" == *"seq 1..3"* ]]
}

@test "a held lock times out with exit 6" {
	fill 1
	# the test holds the lock itself, so it is held for as long as the
	# writer tries (no holder in the background to wait for)
	exec {lock}>"$LOG/.lock"
	flock "$lock"
	GUARD_AUDIT_LOCK_TIMEOUT_MS=100 run guard-audit log x
	exec {lock}>&-
	[ "$status" -eq 6 ]
	[[ "$output" == *"locked by another writer"* ]]
}

@test "malformed input lines are reported with their number; the good ones are written" {
	run guard-audit append <<<$'{"event":"a"}\nnot json\n{"no":"name"}\n{"event":"b"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"stdin:2:"* ]]
	[[ "$output" == *"stdin:3:"*"no \"event\" name"* ]]
	[ "$(jq -r .event "$(logfile)" | tr '\n' ' ')" = "a b " ]
}

@test "--tee passes every event through and records it" {
	run guard-audit --tee <<<$'{"event":"a","x":1}\n{"event":"b"}'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"event":"a","x":1}' ]
	[ "${lines[1]}" = '{"event":"b"}' ]
	[ "$(wc -l <"$(logfile)")" -eq 2 ]
}

@test "query filters and prints a table or JSONL; export gives CSV and JSON" {
	run guard hook claude <<<"$(bash_payload 'git status')"
	run guard hook claude <<<"$(bash_payload 'rm -rf /')"
	guard-audit log session.start session=s2
	run guard-audit query --decision deny
	[ "${#lines[@]}" -eq 1 ]
	[ "$(printf '%s' "$output" | jq -r .summary)" = "rm -rf /" ]
	run guard-audit query --session s2 --event session.start
	[ "${#lines[@]}" -eq 1 ]
	run guard-audit query --table --tool Bash
	[[ "${lines[0]}" == TS*SEQ*EVENT*TOOL* ]]
	[ "${#lines[@]}" -eq 3 ]
	run guard-audit query --since 2000-01-01 --until 2000-01-02
	[ -z "$output" ]
	run guard-audit export --csv
	[ "${lines[0]}" = "seq,ts,event,session,actor,tool,risk,decision,rule,approval,summary,success,duration_ms,erased,hash" ]
	[ "${#lines[@]}" -eq 4 ]
	run guard-audit export --json
	[ "$(printf '%s' "$output" | jq length)" -eq 3 ]
	run guard-audit export
	[ "$status" -eq 2 ]
}

@test "stats counts and gives latency percentiles" {
	run guard hook claude <<<"$(bash_payload 'git status')"
	for d in 10 20 30 40; do
		jq -cn --arg cwd "$PROJ" --argjson d "$d" '{session_id:"s1",cwd:$cwd,hook_event_name:"PostToolUse",tool_name:"Bash",
			tool_input:{command:"ls"},tool_response:{interrupted:($d == 40)},duration_ms:$d,tool_use_id:"t"}' | guard hook claude >/dev/null
	done
	run guard-audit stats --json
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | jq -c '[.records, .by_decision.allow, .tool_results.success, .tool_results.failure, .tool_results.duration_ms_p50, .tool_results.duration_ms_p95]')" = "[5,1,3,1,20,40]" ]
	run guard-audit stats
	[[ "$output" == *"3 succeeded, 1 failed (75.0% success)"* ]]
}

@test "tail prints the last records and follows new ones" {
	fill 5
	run guard-audit tail -n 2
	[ "$(printf '%s\n' "$output" | jq -r .seq | tr '\n' ' ')" = "4 5 " ]
	guard-audit tail -n 1 -f >"$BATS_TEST_TMPDIR/follow" 3>&- &
	pid=$!
	# the last record comes out once the follower has taken the end of the log
	wait_for_line "$BATS_TEST_TMPDIR/follow" '"seq":5,'
	guard-audit log followed
	wait_for_line "$BATS_TEST_TMPDIR/follow" '"event":"followed"'
	kill "$pid"
	[ "$(jq -r .event "$BATS_TEST_TMPDIR/follow" | tr '\n' ' ')" = "test.event followed " ]
}

# backdate DAY:N...: the oldest N records of today's file go to DAY.jsonl
# (in order), ts and hashes recomputed, the chain kept: a log written over
# several days. What is left stays in today's file.
backdate() {
	python3 - "$(logfile)" "$LOG" "$@" <<'PY'
import hashlib, json, sys
src, logdir, plan = sys.argv[1], sys.argv[2], sys.argv[3:]
recs = [json.loads(l) for l in open(src)]
days = []
for p in plan:
    d, n = p.split(":"); days += [d] * int(n)
today = recs[0]["ts"][:10]
days += [today] * (len(recs) - len(days))
files, prev = {}, "0" * 64
for r, d in zip(recs, days):
    r.pop("hash"); r["ts"] = d + r["ts"][10:]; r["prev"] = prev
    body = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    prev = hashlib.sha256(body.encode()).hexdigest()
    files.setdefault(d, []).append(body[:-1] + ',"hash":"%s"}' % prev)
for d, lines in files.items():
    open("%s/%s.jsonl" % (logdir, d), "w").write("\n".join(lines) + "\n")
if today not in files:
    import os; os.remove(src)
PY
}

@test "prune removes only sealed files and verify goes on from the first kept record" {
	fill 2
	old=2020-01-01
	backdate "$old:2"
	guard-audit log today
	run guard-audit prune --before "$(day)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$old.jsonl is not sealed"* ]]
	[ -f "$LOG/$old.jsonl" ]
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	run guard-audit prune --before "$(day)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed $LOG/$old.jsonl"* ]]
	[[ "$output" == *"recorded as seq 4 (audit.pruned)"* ]]
	[ ! -f "$LOG/$old.jsonl" ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"starts at seq 3 ($(day).jsonl): seq 1..2 were pruned, as seq 4 (audit.pruned) records"* ]]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 0 ]
}

@test "prune records what it removed, and the chain goes on from it" {
	fill 5
	backdate 2020-01-01:2 2020-01-02:2
	h2=$(sed -n 2p "$LOG/2020-01-01.jsonl" | jq -r .hash)
	h4=$(sed -n 2p "$LOG/2020-01-02.jsonl" | jq -r .hash)
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	cp1=$(sed -n 1p "$BATS_TEST_TMPDIR/cp.jsonl" | jq -r .hash)
	USER=sec-lead run guard-audit prune --before 2020-01-02
	[ "$status" -eq 0 ]
	[ ! -f "$LOG/2020-01-01.jsonl" ] && [ -f "$LOG/2020-01-02.jsonl" ]
	rec=$(tail -n 1 "$(logfile)")
	[ "$(jq -r '.event, .seq, .actor.user, .actor.role' <<<"$rec" | tr '\n' ' ')" = "audit.pruned 6 sec-lead cli " ]
	[ "$(jq -c '.data | [.file_count, .records, .first_file, .last_file, .first_seq, .last_seq, .earlier, .before]' <<<"$rec")" = \
	  '[1,2,"2020-01-01.jsonl","2020-01-01.jsonl",1,2,null,"2020-01-02"]' ]
	[ "$(jq -r .data.first_prev <<<"$rec")" = "$(printf '0%.0s' $(seq 64))" ]
	[ "$(jq -r .data.last_hash <<<"$rec")" = "$h2" ]
	[ "$(jq -c '.data.files[0] | [.file, .records, .first_seq, .last_seq, .last_hash == "'"$h2"'", .sealed_by == "'"$cp1"'"]' <<<"$rec")" = \
	  '["2020-01-01.jsonl",2,1,2,true,true]' ]
	[ "$(jq -r .prev <<<"$rec")" = "$(sed -n 1p "$(logfile)" | jq -r .hash)" ]
	# The chain goes on: seq 7 after the prune record, no restart at 1.
	guard-audit log after.prune
	[ "$(tail -n 1 "$(logfile)" | jq -r .seq)" = 7 ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"seq 1..2 were pruned, as seq 6 (audit.pruned) records"* ]]
	[[ "$output" == *"ok: 5 records in 2 files, seq 3..7"* ]]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 0 ]
	# A second prune takes the next file and says which record accounted for the ones before.
	run guard-audit prune --before 2099-01-01
	[ "$status" -eq 0 ]
	[ ! -f "$LOG/2020-01-02.jsonl" ] && [ -f "$(logfile)" ]
	rec=$(tail -n 1 "$(logfile)")
	[ "$(jq -c '.data | [.first_seq, .last_seq, .last_hash == "'"$h4"'", .earlier.seq, .earlier.hash == "'"$(sed -n 2p "$(logfile)" | jq -r .hash)"'"]' <<<"$rec")" = \
	  '[3,4,true,6,true]' ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"seq 1..4 were pruned, as seq 8 (audit.pruned) records"* ]]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 0 ]
}

@test "prune, then delete the oldest file: verify --checkpoint fails only for the deletion" {
	fill 6
	backdate 2020-01-01:2 2020-01-02:2 2020-01-03:1
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	cp -a "$LOG" "$BATS_TEST_TMPDIR/saved"
	# The deletion alone: the oldest sealed file gone, no prune record.
	rm "$LOG/2020-01-01.jsonl"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"2020-01-02.jsonl:1: seq 3: seq 1..2 are missing"*"no audit.pruned record accounts for them: an older day file was deleted"* ]]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"2020-01-01.jsonl: missing, but the checkpoint sealed"*"(seq 1..2), and no audit.pruned record accounts for its removal"* ]]
	rm -rf "$LOG" && cp -a "$BATS_TEST_TMPDIR/saved" "$LOG"
	# The prune alone verifies.
	run guard-audit prune --before 2020-01-02
	[ "$status" -eq 0 ]
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 0 ]
	run guard-audit verify
	[ "$status" -eq 0 ]
	# The prune, then a deletion of the oldest file left.
	rm "$LOG/2020-01-02.jsonl"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"2020-01-02.jsonl: missing, but the checkpoint sealed"*"(seq 3..4), and no audit.pruned record accounts for its removal: the file was deleted"* ]]
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"2020-01-03.jsonl:1: seq 5: seq 1..4 are missing"*"the last prune (seq 7) accounts up to seq 2"* ]]
	# Deleting the file that holds the prune record as well: the record was synced there.
	rm "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl: missing, but seq 7 was synced in it"*"the file was deleted"* ]]
}

@test "a prune that stopped part way still verifies; one that cannot write its record removes nothing" {
	fill 5
	backdate 2020-01-01:2 2020-01-02:2
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	cp "$LOG/2020-01-02.jsonl" "$BATS_TEST_TMPDIR/second"
	run guard-audit prune --before 2099-01-01
	[ "$status" -eq 0 ]
	# As if the second unlink had failed: the file is back, the record names both.
	cp "$BATS_TEST_TMPDIR/second" "$LOG/2020-01-02.jsonl"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 0 ]
	[[ "$output" == *"seq 1..2 were pruned"* ]]
	# The record cannot be written (a full disk): nothing goes.
	guard-audit seal >/dev/null
	size=$(stat -c %s "$(logfile)")
	run python3 -c '
import resource, signal, subprocess, sys
def limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.exit(subprocess.run(["guard-audit", "prune", "--before", "2099-01-01"], preexec_fn=limit).returncode)' "$size"
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot write the audit log"* ]]
	[ -f "$LOG/2020-01-02.jsonl" ]
	[ "$(stat -c %s "$(logfile)")" -eq "$size" ]
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "prune refuses a log that does not verify, and removes nothing" {
	fill 3
	backdate 2020-01-01:2
	guard-audit seal >/dev/null
	sed -i '1s/"n":"1"/"n":"5"/' "$LOG/2020-01-01.jsonl"
	run guard-audit prune --before 2099-01-01
	[ "$status" -eq 1 ]
	[[ "$output" == *"the log does not verify, so nothing is pruned"*"hash mismatch"* ]]
	[ -f "$LOG/2020-01-01.jsonl" ]
	[ "$(jq -r .event "$(logfile)")" = test.event ]
}

@test "usage errors exit 2; --help exits 0; no log is exit 5" {
	run guard-audit
	[ "$status" -eq 2 ]
	run guard-audit frobnicate
	[ "$status" -eq 2 ]
	run guard-audit verify --from yesterday
	[ "$status" -eq 2 ]
	run guard-audit prune
	[ "$status" -eq 2 ]
	run guard-audit log
	[ "$status" -eq 2 ]
	run guard-audit --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: guard-audit"* ]]
	run guard-audit verify
	[ "$status" -eq 5 ]
}
