#!/usr/bin/env bats
# guard-audit report --html (one self-contained page) and stats --anomalies.

load helper
load audit

# One tool call through the hook, as Claude Code makes it: call SESSION TOOL INPUT-JSON.
call() {
	jq -cn --arg s "$1" --arg t "$2" --argjson i "$3" --arg cwd "$PROJ" \
		'{session_id:$s,cwd:$cwd,permission_mode:"default",hook_event_name:"PreToolUse",
		  tool_name:$t,tool_input:$i,tool_use_id:"toolu_r"}' | guard hook claude >/dev/null 2>&1 || true
}
bash_call() { call "$1" Bash "$(jq -cn --arg c "$2" '{command:$c}')"; }
result() {
	jq -cn --arg s "$1" --arg c "$2" --arg cwd "$PROJ" \
		'{session_id:$s,cwd:$cwd,hook_event_name:"PostToolUse",tool_name:"Bash",tool_input:{command:$c},
		  tool_response:{stdout:"ok",exit_code:0},tool_use_id:"toolu_r"}' | guard hook claude >/dev/null 2>&1 || true
}

# render FILE: the DOM once the page's script ran (headless Chromium), in $DOM.
# A virtual-time budget: the DOM is taken once the page's pending tasks
# (its first-paint mark) have run, however slow the machine.
render() {
	command -v chromium >/dev/null || skip "chromium is not installed (make test installs it: DEBS_TEST)"
	DOM=$BATS_TEST_TMPDIR/dom.html
	timeout 170 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
		--virtual-time-budget=10000 --dump-dom "file://$1" >"$DOM" 2>"$BATS_TEST_TMPDIR/chromium.err"
	grep -q 'id="guard-data"' "$DOM"
}

# dom_count ID: the number the page put in the element with that id.
dom_count() { grep -o "id=\"$1\">[0-9]*<" "$DOM" | tr -dc 0-9; }

# page_data FILE: the JSON the page holds (one line in the template).
page_data() { sed -n 's|^<script type="application/json" id="guard-data">\(.*\)</script>$|\1|p' "$1"; }

# A fixture log (t/audit_fixture.py: chosen timestamps) in the project.
fixture() { python3 "$BATS_TEST_DIRNAME/audit_fixture.py" "$1" "$LOG"; }

hook_log() {
	bash_call s1 'git status'
	result s1 'git status'
	bash_call s1 'make test'
	result s1 'make test'
	bash_call s1 'git push --force origin main'
	bash_call s2 'rm -rf /'
	bash_call s2 'ls -la'
	call s2 Read "{\"file_path\":\"$PROJ/src/a.c\"}"
	bash_call s2 'cat ~/.aws/credentials'
	guard-audit log --fsync never note.added n=1 >/dev/null
}

@test "the page's counts (calls, denies, sessions) are guard-audit stats' numbers, rendered in Chromium" {
	hook_log
	run --separate-stderr guard-audit report --html
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.html"
	guard-audit stats --json >"$BATS_TEST_TMPDIR/stats.json"
	calls=$(jq '.by_event.decision' "$BATS_TEST_TMPDIR/stats.json")
	denies=$(jq '.by_decision.deny' "$BATS_TEST_TMPDIR/stats.json")
	sessions=$(jq '.by_session | keys - ["-"] | length' "$BATS_TEST_TMPDIR/stats.json")
	records=$(jq '.records' "$BATS_TEST_TMPDIR/stats.json")
	[ "$calls" -eq 7 ] && [ "$denies" -ge 2 ] && [ "$sessions" -eq 2 ]
	render "$BATS_TEST_TMPDIR/report.html"
	[ "$(dom_count n-calls)" = "$calls" ]
	[ "$(dom_count n-denies)" = "$denies" ]
	[ "$(dom_count n-sessions)" = "$sessions" ]
	[ "$(dom_count n-records)" = "$records" ]
	# the virtualised list drew a row for each call and other record, the sessions table one a session
	[ "$(grep -o 'class="row call' "$DOM" | wc -l)" -eq $((records - 2)) ]
	[ "$(grep -o '<tr class="session">' "$DOM" | wc -l)" -eq 3 ]
	# the page painted (the mark the bench reads): a loaded machine can dump the DOM before Chromium's
	# first frame, so the page is rendered again until it shows the mark (a few tries, not a sleep)
	for _ in 1 2 3; do
		grep -q 'data-painted-ms="[0-9]*"' "$DOM" && break
		render "$BATS_TEST_TMPDIR/report.html"
	done
	grep -q 'data-painted-ms="[0-9]*"' "$DOM"
	# and a screenshot of it is a real PNG
	timeout 170 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
		--window-size=1200,900 --screenshot="$BATS_TEST_TMPDIR/shot.png" "file://$BATS_TEST_TMPDIR/report.html" 2>/dev/null
	[ "$(head -c 8 "$BATS_TEST_TMPDIR/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

@test "hook latency: every hook record carries guard's own time; stats, report and page agree on p50/p95" {
	hook_log
	# a payload cannot set the number: guard measures it
	jq -cn --arg cwd "$PROJ" '{session_id:"s3",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",
		tool_input:{command:"ls"},tool_use_id:"toolu_f",hook_ms:99999,wait_ms:5}' | guard hook claude >/dev/null
	recs=$(cat "$LOG"/*.jsonl | jq -c 'select(.event == "decision" or .event == "tool.result")')
	[ "$(jq -s 'length' <<<"$recs")" -eq 10 ]
	[ "$(jq -s 'all(.data.hook_ms | type == "number" and . >= 0 and . < 99999)' <<<"$recs")" = true ]
	[ "$(jq -s 'any(.data | has("wait_ms"))' <<<"$recs")" = false ]
	# nearest-rank percentiles of those numbers, as guard computes them
	want=$(jq -s '[.[].data.hook_ms] | sort | {n: length, p50: .[((length * 50 + 99) / 100 | floor) - 1],
		p95: .[((length * 95 + 99) / 100 | floor) - 1]}' <<<"$recs")
	guard-audit stats --json >"$BATS_TEST_TMPDIR/stats.json"
	[ "$(jq --argjson w "$want" '.hook_latency == {calls: $w.n, ms_p50: $w.p50, ms_p95: $w.p95}' "$BATS_TEST_TMPDIR/stats.json")" = true ]
	run guard-audit stats
	[[ "$output" == *"hook latency (guard's own time): p50 "*" ms, p95 "*" ms (10 hook calls)"* ]]
	guard-audit report --html >"$BATS_TEST_TMPDIR/report.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/report.html" | jq --argjson w "$want" \
		'.stats | .hooks == $w.n and .hook_p50 == $w.p50 and .hook_p95 == $w.p95')" = true ]
	# each call's row carries its decision's hook_ms (column 17)
	[ "$(page_data "$BATS_TEST_TMPDIR/report.html" | jq '[.rows[] | select(length > 16) | .[16]] | length')" -ge 8 ]
	render "$BATS_TEST_TMPDIR/report.html"
	p50=$(jq -r .p50 <<<"$want") p95=$(jq -r .p95 <<<"$want")
	grep -qF "id=\"hook-latency\">$p50 / $p95<" "$DOM"
}

@test "hostile tool inputs stay text: no script runs, no element is injected" {
	bash_call s1 'echo "</script><img src=x onerror=document.title=1>"'
	bash_call s1 '"><svg onload=document.title=2>'
	bash_call s1 "$(printf 'echo a\xe2\x80\xa8b\xe2\x80\xa9c <!--<script>')"
	call s1 Write '{"file_path":"</script><script>document.title=3</script>","content":"x"}'
	bash_call '<img src=x onerror=document.title=4>' 'ls'
	guard-audit report --html >"$BATS_TEST_TMPDIR/report.html"
	# the data cannot close its block: the page has the template's two </script> and no raw U+2028/9
	[ "$(grep -o '</script>' "$BATS_TEST_TMPDIR/report.html" | wc -l)" -eq 2 ]
	# and the page runs one script, the one its Content-Security-Policy names by hash
	python3 - "$BATS_TEST_TMPDIR/report.html" <<'PY'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page).group(1)
assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], csp
body = page[page.index("<script>") + len("<script>"):]
want = base64.b64encode(hashlib.sha256(body[:body.index("</script>")].encode()).digest()).decode()
assert "script-src 'sha256-%s'" % want in csp, (csp, want)
PY
	refute grep -q "$(printf '\xe2\x80\xa8')" "$BATS_TEST_TMPDIR/report.html"
	refute grep -q "$(printf '\xe2\x80\xa9')" "$BATS_TEST_TMPDIR/report.html"
	page_data "$BATS_TEST_TMPDIR/report.html" | jq -e '.str | index("\"><svg onload=document.title=2>")' >/dev/null
	render "$BATS_TEST_TMPDIR/report.html"
	# nothing ran: the title is the page's own; nothing was made of the input
	grep -q '<title>guard audit report</title>' "$DOM"
	refute grep -qi '<img' "$DOM"
	refute grep -qi '<svg' "$DOM"
	[ "$(grep -o '<script' "$DOM" | wc -l)" -eq 2 ]
	# the hostile text is on the page as text
	grep -qF 'echo "&lt;/script&gt;&lt;img src=x onerror=document.title=1&gt;"' "$DOM"
	grep -qF '"&gt;&lt;svg onload=document.title=2&gt;' "$DOM"
	grep -qF '&lt;img src=x onerror=document.title=4&gt;' "$DOM"
	grep -qF "$(printf 'a\xe2\x80\xa8b')" "$DOM"
}

@test "stats --anomalies: a denial spike and a repeated denied action, exactly those" {
	fixture spike
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 0 ]
	# JSONL: every line an object, parsed on its own
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	printf '%s\n' "$output" | while IFS= read -r line; do jq -e 'type == "object"' <<<"$line" >/dev/null; done
	kinds=$(printf '%s\n' "$output" | jq -r .kind | sort | tr '\n' ' ')
	[ "$kinds" = "denial_spike repeated_denial " ]
	spike=$(printf '%s\n' "$output" | jq -c 'select(.kind == "denial_spike")')
	[ "$(jq -r '.session, .count, .baseline, .minutes, .from, .to' <<<"$spike" | tr '\n' ' ')" = \
	  "burst 8 0 1 2026-03-02T09:06:02.000Z 2026-03-02T09:06:37.000Z " ]
	# the seqs are the denials of that minute
	for seq in $(jq -r '.seqs[]' <<<"$spike"); do
		[ "$(guard-audit query --json | jq -r "select(.seq == $seq) | .decision.effect")" = deny ]
	done
	[ "$(jq '.seqs | length' <<<"$spike")" -eq 8 ]
	rep=$(printf '%s\n' "$output" | jq -c 'select(.kind == "repeated_denial")')
	[ "$(jq -r '.count, .summary, (.seqs | length)' <<<"$rep" | tr '\n' ' ')" = "3 git push --force origin main 3 " ]
	# the page lists the same two
	guard-audit report --html >"$BATS_TEST_TMPDIR/report.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/report.html" | jq -c '.anomalies')" = "$(printf '%s\n' "$output" | jq -sc .)" ]
}

@test "a calm session has no anomaly; activity after session.end is one" {
	fixture calm
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	guard-audit report --html >"$BATS_TEST_TMPDIR/report.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/report.html" | jq '.anomalies | length')" -eq 0 ]
	rm -rf "$LOG"
	fixture window
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 0 ]
	[ "$(jq -r '.kind, .session, .count, .session_end' <<<"$output" | tr '\n' ' ')" = \
	  "outside_window calm 3 2026-03-02T09:10:30.000Z " ]
}

@test "a burst of calls against the session's own baseline is a call spike; the same burst in a busy session is not" {
	# built from the fixture's own pieces: quiet minutes (2 calls), one minute of 40
	python3 - "$BATS_TEST_DIRNAME/audit_fixture.py" "$LOG" <<'PY'
import importlib.util, sys
from datetime import timedelta
spec = importlib.util.spec_from_file_location("fx", sys.argv[1]); fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)
recs = []
for sid, quiet in (("quiet", 2), ("busy", 40), (None, 2)):
    for m in range(6):
        for k in range(40 if m == 3 else quiet):
            recs.append(fx.decision(fx.T0 + timedelta(minutes=m, seconds=k), sid, "make test %d" % k))
fx.write(recs, sys.argv[2])
PY
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 0 ]
	# records of no session are judged together: leaving the session id out hides nothing
	[ "$(jq -r '[.kind, .session, .count, .baseline] | join(" ")' <<<"$output" | sort | tr '\n' ,)" = \
	  "call_spike - 40 2,call_spike quiet 40 2," ]
}

@test "report and stats --anomalies take the filters; --session keeps one session" {
	hook_log
	guard-audit report --html --session s2 >"$BATS_TEST_TMPDIR/report.html"
	data=$(page_data "$BATS_TEST_TMPDIR/report.html")
	[ "$(jq '.stats.calls' <<<"$data")" -eq "$(guard-audit stats --json --session s2 | jq .by_event.decision)" ]
	[ "$(jq -r '[.sessions[][0] as $i | .str[$i]] | join(" ")' <<<"$data")" = s2 ]
	guard-audit report --html --since 2000-01-01 --until "$(day)" --decision deny >"$BATS_TEST_TMPDIR/deny.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/deny.html" | jq '.stats.calls == .stats.denies and .stats.calls > 1')" = true ]
	guard-audit report --html --since 2000-01-01 --until 2000-01-02 >"$BATS_TEST_TMPDIR/none.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/none.html" | jq '.stats.records')" -eq 0 ]
	run --separate-stderr guard-audit stats --anomalies --session nobody
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "the report verifies what it reads: a tampered log is still shown, under a warning on stderr and on the page" {
	fill 3
	sed -i '2s/"n":"2"/"n":"9"/' "$(logfile)"
	run --separate-stderr guard-audit report --html
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: the log does not verify"*"$(day).jsonl:2: seq 2"* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.html"
	page_data "$BATS_TEST_TMPDIR/report.html" | jq -e '.warning | test("does not verify.*seq 2")' >/dev/null
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: the log does not verify"* ]]
	run --separate-stderr guard-audit report --html --no-verify
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
}

@test "bad options and misuse give one clear line (did you mean, exit 2); no log is exit 5" {
	run --separate-stderr guard-audit report --hmtl
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"did you mean --html"* ]]
	run --separate-stderr guard-audit stats --anomalis
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"did you mean --anomalies"* ]]
	run --separate-stderr guard-audit report
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"report takes --html"* ]]
	run --separate-stderr guard-audit query --html
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--html is report's"* ]]
	run --separate-stderr guard-audit report --html --anomalies
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--anomalies is stats'"* ]]
	run --separate-stderr guard-audit stats --anomalies --json
	[ "$status" -eq 2 ]
	run --separate-stderr guard-audit report --html --decision dney
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"did you mean 'deny'"* ]]
	run --separate-stderr guard-audit report --html --since yesterday
	[ "$status" -eq 2 ]
	run --separate-stderr guard-audit report --html extra
	[ "$status" -eq 2 ]
	run --separate-stderr guard-audit report --html
	[ "$status" -eq 5 ]
	[ -z "$output" ]
	run --separate-stderr guard-audit stats --anomalies
	[ "$status" -eq 5 ]
}

@test "report --help and stats --help name the new options" {
	run guard-audit report --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"report --html"* ]]
	run guard-audit stats --help
	[[ "$output" == *"--anomalies"* ]]
	run guard-audit --help
	[[ "$output" == *"report"* ]]
}

@test "an unreadable line is skipped with a warning and the rest is reported" {
	fill 2
	printf 'not json\n' >>"$(logfile)"
	run --separate-stderr guard-audit report --html --no-verify
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$(day).jsonl:3: not a record, skipped"* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.html"
	[ "$(page_data "$BATS_TEST_TMPDIR/report.html" | jq '.stats.records')" -eq 2 ]
}
