#!/usr/bin/env bats
# guard mcp --listen (issue 17): the Streamable HTTP transport (MCP
# 2025-06-18), guard-mcp-http, between the real SDK's
# StreamableHTTPClientTransport (t/mcp/client.mjs given a URL) and the
# reference "everything" server in its streamableHttp mode, both pinned
# by t/mcp/package-lock.json (`make mcp-deps`). Raw requests an SDK
# client would never send go through curl. No part of MCP is mocked.

load helper
load mcp/common

setup() {
	mcp_setup || return 1
	pids=()
	upstream_start
}

# The proxy must stop cleanly on SIGTERM (status 0, no sanitizer report:
# under `make san` its leaks are checked at exit).
teardown() {
	local p rc=0
	if [ -n "${pxpid:-}" ]; then
		kill "$pxpid" 2>/dev/null || true
		wait "$pxpid" || rc=$?
	fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "${pxpid:-}" ] && { [ "$rc" -ne 0 ] || grep -q 'Sanitizer' "$PXERR"; }; then
		echo "# guard-mcp-http exited with status $rc:" >&2
		cat "$PXERR" >&2
		return 1
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The everything server on a free port (tried again if another took it meanwhile).
upstream_start() {
	UPLOG=$BATS_TEST_TMPDIR/upstream.log
	for _ in 1 2 3; do
		UPPORT=$(free_port)
		: >"$UPLOG"
		PORT=$UPPORT node "$MCPD/node_modules/@modelcontextprotocol/server-everything/dist/index.js" streamableHttp \
			>"$UPLOG" 2>&1 3>&- &
		uppid=$!
		pids+=("$uppid")
		wait_for "the everything server to listen or fail" grep -qE 'listening on port|EADDRINUSE|Failed' "$UPLOG"
		grep -q 'listening on port' "$UPLOG" && break
	done
	grep -q 'listening on port' "$UPLOG"
	UPSTREAM=http://127.0.0.1:$UPPORT/mcp
}

# proxy [OPTIONS...]: guard mcp --listen 127.0.0.1:0 in front of it; $URL, $PXERR.
proxy() {
	PXERR=$BATS_TEST_TMPDIR/proxy.err
	: >"$PXERR"
	guard mcp --listen 127.0.0.1:0 --upstream "$UPSTREAM" --name every "$@" 2>"$PXERR" 3>&- &
	pxpid=$!
	pids+=("$pxpid")
	wait_for "guard mcp to listen" grep -q 'listening on port' "$PXERR"
	PXPORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$PXERR")
	URL=http://127.0.0.1:$PXPORT/mcp
}

posts() {
	grep -c 'Received MCP POST request' "$UPLOG" || true
}

# curl_post BODY [CURL-OPTIONS...]: a raw POST to the proxy; "STATUS BODY" in $output.
curl_post() {
	local body=$1
	shift
	run curl -s -o "$BATS_TEST_TMPDIR/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
		-H 'Accept: application/json, text/event-stream' "$@" --data-binary "$body" "$URL"
	output="$output $(cat "$BATS_TEST_TMPDIR/resp")"
}

INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}'

@test "guard (the hook's program) does not link libcurl or libmicrohttpd; guard-mcp-http does" {
	run ldd "$(command -v guard)"
	[ "$status" -eq 0 ]
	[[ "$output" != *libcurl* && "$output" != *libmicrohttpd* ]]
	run ldd "$(command -v guard-mcp-http)"
	[[ "$output" == *libcurl* && "$output" == *libmicrohttpd* ]]
}

@test "initialize, tools/list, resources and ping pass through unchanged; Mcp-Session-Id goes both ways" {
	proxy
	steps='[{"op":"server"},{"op":"tools"},{"op":"resources"},{"op":"ping"}]'
	run --separate-stderr client "$steps" "$UPSTREAM"
	[ "$status" -eq 0 ]
	direct=$(printf '%s\n' "$output" | grep -v '"step":"pid"')
	run --separate-stderr client "$steps" "$URL"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -v '"step":"pid"')" = "$direct" ]
	# the session the server made is the one the client holds, and the one the server saw again
	sid=$(jq -r 'select(.step=="pid") | .session' <<<"$output")
	[[ "$sid" =~ ^[0-9a-f-]{36}$ ]]
	grep -q "Session initialized with ID: $sid" "$UPLOG"
}

@test "a read is allowed, answered over SSE, and both records are in the audit log" {
	proxy
	run --separate-stderr client '[{"op":"call","name":"echo","args":{"message":"hi"}}]' "$URL"
	[ "$status" -eq 0 ]
	[ "$(text 0)" = "Echo: hi" ]
	run audit
	[ "$(jq -r 'select(.tool=="mcp__every__echo") | .event' <<<"$output" | paste -sd, -)" = "decision,tool.result" ]
	has 'select(.event=="decision") | .decision.effect == "allow"' <<<"$output"
	has 'select(.event=="tool.result") | .data.success == true and (.data.duration_ms | type) == "number"' <<<"$output"
	guard-audit verify >/dev/null
}

@test "a call the policy rates critical is denied with the reason the model reads, and never reaches the server" {
	user_policy <<<'risk: {tools: {"mcp__every__get-env": critical/R}}'
	proxy
	export GUARD_MCP_HTTP_SECRET=do-not-leak
	run --separate-stderr client '[{"op":"call","name":"get-env","args":{}},{"op":"call","name":"echo","args":{"message":"after"}}]' "$URL"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == "guard denied mcp__every__get-env (rule "* ]]
	[[ "$(text 0)" != *do-not-leak* ]]
	[ "$(text 1)" = "Echo: after" ]
	audit | has 'select(.event=="decision" and .tool=="mcp__every__get-env") | .decision.effect == "deny"'
	! audit | has 'select(.event=="tool.result" and .tool=="mcp__every__get-env")'
}

@test "an SSE answer is relayed as it comes: progress notifications reach the client before the result" {
	proxy
	run --separate-stderr client '[{"op":"call","name":"trigger-long-running-operation","args":{"duration":3,"steps":3},"progress":true,"timed":true}]' "$URL"
	[ "$status" -eq 0 ]
	step 0 | jq -e '.result.content[0].text | test("Long running operation completed")'
	[ "$(step 0 | jq '.result.progress | length')" -ge 2 ]
	# streamed, not held to the end: the first progress came a second or more before the answer
	first=$(step 0 | jq '.result.progress[0].at') last=$(step 0 | jq '.result.at')
	[ $((last - first)) -ge 1000 ] || { step 0 >&2; false; }
	audit | has 'select(.event=="tool.result" and .tool=="mcp__every__trigger-long-running-operation") | .data.success == true'
}

@test "the server's own stream (GET) is relayed: its log notifications reach the client; DELETE ends the session" {
	proxy
	run --separate-stderr client '[{"op":"call","name":"toggle-simulated-logging","args":{}},{"op":"logs","ms":30000},{"op":"terminate"}]' "$URL"
	[ "$status" -eq 0 ]
	step 1 | jq -e '.result.logs >= 1'
	step 2 | jq -e '.ok == true'
	sid=$(jq -r 'select(.step=="pid") | .session' <<<"$output")
	grep -q "Received session termination request for session $sid" "$UPLOG"
}

@test "attacker: a foreign Origin or Host (DNS rebinding) is refused before anything is forwarded" {
	proxy
	before=$(posts)
	curl_post "$INIT" -H 'Origin: http://evil.example'
	[[ "$output" == "403 "*"Origin"* ]]
	curl_post "$INIT" -H "Host: evil.example:$PXPORT"
	[[ "$output" == "403 "*"Host"* ]]
	curl_post "$INIT" -H 'Origin: null'
	[[ "$output" == "403 "* ]]
	# another spelling of a local name that is not one
	curl_post "$INIT" -H 'Origin: http://localhost.evil.example'
	[[ "$output" == "403 "* ]]
	[ "$(posts)" = "$before" ]
	grep -q 'Origin http://evil.example' "$PXERR"
	# a local page, and an origin the command line names, may
	curl_post "$INIT" -H "Origin: http://localhost:$PXPORT"
	[[ "$output" == "200 "* ]]
}

@test "--allow-origin names an origin that may use the server" {
	proxy --allow-origin https://app.example
	curl_post "$INIT" -H 'Origin: https://app.example'
	[[ "$output" == "200 "* ]]
	curl_post "$INIT" -H 'Origin: https://app.example.evil'
	[[ "$output" == "403 "* ]]
}

@test "attacker: a body over the limit, a batch holding tools/call and a malformed body are refused, not forwarded" {
	proxy --max-frame 2000
	before=$(posts)
	big=$(jq -cn --arg p "$(head -c 3000 /dev/zero | tr '\0' a)" '{jsonrpc:"2.0",id:1,method:"ping",params:{pad:$p}}')
	curl_post "$big"
	[[ "$output" == "413 "*"2000-byte limit"* ]]
	curl_post '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}]'
	[[ "$output" == "400 "*"batch may not hold tools/call"* ]]
	curl_post '{"jsonrpc":"2.0","id":1,"method":"tools/call",'
	[[ "$output" == "400 "*"-32700"* ]]
	curl_post '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}'
	[[ "$output" == "400 "*"needs a string or number id"* ]]
	[ "$(posts)" = "$before" ]
	run curl -s -o /dev/null -w '%{http_code}' -X PUT --data x "$URL"
	[ "$output" = 405 ]
}

@test "a tools/call sent raw (without the SDK) is judged the same: denied, answered as a tool error" {
	user_policy <<<'risk: {tools: {"mcp__every__get-env": critical/R}}'
	proxy
	before=$(posts)
	curl_post '{"jsonrpc":"2.0","id":"x1","method":"tools/call","params":{"name":"get-env","arguments":{}}}' \
		-H 'Mcp-Session-Id: 00000000-0000-0000-0000-000000000000'
	[[ "$output" == "200 "* ]]
	jq -e '.id == "x1" and .result.isError == true and (.result.content[0].text | startswith("guard denied mcp__every__get-env"))' <<<"${output#200 }"
	# the one POST the server saw is guard's own tools/list (in a session the server does not know: no hints)
	[ "$(posts)" = "$((before + 1))" ]
	grep -q 'the upstream gave no tools/list.*get-env is judged without its hints' "$PXERR"
}

@test "--listen and --upstream are checked: a host name, a bad port, a non-HTTP upstream are usage errors" {
	run guard mcp --listen evil.example:80 --upstream http://127.0.0.1:1/mcp
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a numeric IPv4 or IPv6 address"* ]]
	run guard mcp --listen 127.0.0.1:70000 --upstream http://127.0.0.1:1/mcp
	[ "$status" -eq 2 ]
	run guard mcp --listen 127.0.0.1:0 --upstream file:///etc/passwd
	[ "$status" -eq 2 ]
	[[ "$output" == *"http:// or https://"* ]]
	run guard mcp --listen 127.0.0.1:0
	[ "$status" -eq 2 ]
	run guard mcp --listen 127.0.0.1:0 --upstream http://127.0.0.1:1/mcp --name 'a__b'
	[ "$status" -eq 2 ]
	run guard mcp --listen --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--upstream URL"* ]]
}

@test "an upstream that does not answer: a governed call gets an error and its record says so" {
	port=$(free_port)
	UPSTREAM=http://127.0.0.1:$port/mcp
	proxy
	curl_post '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}'
	[[ "$output" == "502 "*"did not answer"* ]]
	audit | has 'select(.event=="tool.result" and .tool=="mcp__every__echo") | .data.success == false'
}

@test "an ask over HTTP waits for a person in its own request while a ping and another call are answered; approved, it runs" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 50s}
risk: {tools: {"mcp__every__get-sum": high/W}}'
	proxy
	run_bg --separate-stderr client '[{"op":"call","bg":true,"name":"get-sum","args":{"a":2,"b":3}},{"op":"ping"},{"op":"call","name":"echo","args":{"message":"meanwhile"}}]' "$URL"
	wait_for_line "$BATS_TEST_TMPDIR/bg.out" '"step":2,'
	! grep -q '"step":0,' "$BATS_TEST_TMPDIR/bg.out"
	wait_for_file "$PROJ/.ai/approvals/*.json"
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	jq -e '.status == "pending" and .tool == "mcp__every__get-sum"' "$PROJ/.ai/approvals/$id.json"
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[ "$(text 2)" = "Echo: meanwhile" ]
	[ "$(is_error 0)" = false ]
	[ "$(text 0)" = "The sum of 2 and 3 is 5." ]
	audit | has 'select(.event=="decision" and .tool=="mcp__every__get-sum") | .decision.rule == "guard.approved"'
}

@test "an ask over HTTP that no one decides is denied at the end of hook_wait, naming the request, and never reaches the server" {
	user_policy <<<'approval: {hook_wait: 1s}
risk: {tools: {"mcp__every__get-sum": high/W}}'
	proxy
	run --separate-stderr client '[{"op":"call","name":"get-sum","args":{"a":2,"b":3}}]' "$URL"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"approval required"*"guard-approve approve"* ]]
	! audit | has 'select(.event=="tool.result" and .tool=="mcp__every__get-sum")'
}

# raw_session: a session begun with raw requests (no SDK, so no tools/list of the client's); $SID.
raw_session() {
	curl -s -D "$BATS_TEST_TMPDIR/h" -o /dev/null -H 'Content-Type: application/json' \
		-H 'Accept: application/json, text/event-stream' --data-binary "$INIT" "$URL"
	SID=$(tr -d '\r' <"$BATS_TEST_TMPDIR/h" | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p')
	[ -n "$SID" ]
	curl_post '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "Mcp-Session-Id: $SID"
	[[ "$output" == "202 "* ]]
}

# raw_call ID TOOL ARGS [CURL-OPTIONS]: a tools/call in $SID; "STATUS BODY" in $output.
raw_call() {
	curl_post '{"jsonrpc":"2.0","id":'"$1"',"method":"tools/call","params":{"name":"'"$2"'","arguments":'"$3"'}}' \
		-H "Mcp-Session-Id: $SID" "${@:4}"
}

# ---- guard lists the tools itself (the client may never list them) ----

@test "a call the client never listed for is judged with the server's annotations: guard lists the tools itself" {
	user_policy <<<'mcp: {trusted_servers: [every]}'
	proxy
	raw_session
	raw_call 1 echo '{"message":"hi"}'
	[[ "$output" == "200 "*"Echo: hi"* ]]
	# echo says readOnlyHint: the trusted server's hint lowered the risk (without it: medium, "no read-only hint")
	audit | has 'select(.event=="decision" and .tool=="mcp__every__echo") | .risk.level == "low" and .risk.class == "R"'
	# its answer went to guard, not to the client (the client's answer is the call's alone)
	[[ "$output" != *'"tools"'* ]]
	! grep -q 'judged without its hints' "$PXERR"
}

@test "attacker: a client that never lists cannot make an untrusted server's hint lower risk; an unknown tool gets no hints" {
	proxy
	raw_session
	raw_call 1 echo '{"message":"hi"}'
	[[ "$output" == "200 "*"Echo: hi"* ]]
	audit | has 'select(.event=="decision" and .tool=="mcp__every__echo") | .risk.level == "medium" and
		(.risk.reasons[0] | test("says it is read-only, but its MCP server is not trusted"))'
	# a tool the list does not name: listed again (at most once a second), then judged without hints
	raw_call 2 no-such-tool '{}'
	[[ "$output" == "200 "* ]]
	audit | has 'select(.event=="decision" and .tool=="mcp__every__no-such-tool") | .risk.level == "medium" and
		(.risk.reasons[0] | test("has no read-only or destructive hint"))'
}

@test "attacker: calls that come together while guard's list is out wait for it: none is judged without the hints" {
	proxy
	raw_session
	for i in 1 2 3 4; do
		curl -s -o "$BATS_TEST_TMPDIR/c$i" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
			-H "Mcp-Session-Id: $SID" --data-binary '{"jsonrpc":"2.0","id":'"$i"',"method":"tools/call","params":{"name":"echo","arguments":{"message":"m'"$i"'"}}}' \
			"$URL" 3>&- &
		pids+=($!)
	done
	wait_for "four answers" bash -c "[ \$(cat '$BATS_TEST_TMPDIR'/c* | grep -c 'Echo: m') -eq 4 ]"
	[ "$(audit | jq -c 'select(.event=="decision" and .tool=="mcp__every__echo")' | wc -l)" -eq 4 ]
	! audit | has 'select(.event=="decision" and .tool=="mcp__every__echo") | any(.risk.reasons[]; test("no read-only or destructive hint"))'
	# one list for all four
	[ "$(grep -c 'judged without its hints' "$PXERR")" -eq 0 ]
}

@test "a tools/list_changed passing on the server's stream makes guard list the tools again before the next call" {
	proxy
	# a client with roots: the server adds tools once initialized, and says so on its GET stream
	curl -s -D "$BATS_TEST_TMPDIR/h" -o /dev/null -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
		--data-binary '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"roots":{"listChanged":true},"sampling":{},"elicitation":{}},"clientInfo":{"name":"raw","version":"1"}}}' "$URL"
	SID=$(tr -d '\r' <"$BATS_TEST_TMPDIR/h" | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p')
	before=$(posts)
	raw_call 1 echo '{"message":"a"}'
	[[ "$output" == "200 "*"Echo: a"* ]]
	# guard listed the tools itself, then sent the call
	[ "$(posts)" = "$((before + 2))" ]
	curl -s -N -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" "$URL" >"$BATS_TEST_TMPDIR/stream" 3>&- &
	pids+=($!)
	wait_for "the GET stream" grep -qF "Establishing new SSE stream for session $SID" "$UPLOG"
	curl_post '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "Mcp-Session-Id: $SID"
	wait_for_line "$BATS_TEST_TMPDIR/stream" 'notifications/tools/list_changed'
	before=$(posts)
	raw_call 2 echo '{"message":"b"}'
	[[ "$output" == "200 "*"Echo: b"* ]]
	[ "$(posts)" = "$((before + 2))" ]
	# known and not changed since: the call alone
	before=$(posts)
	raw_call 3 echo '{"message":"c"}'
	[ "$(posts)" = "$((before + 1))" ]
}

# ---- cancelling a call that waits for a person ----

@test "cancelling a call over HTTP that waits for a person ends the wait: not answered, never run, the proxy goes on" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 50s}
risk: {tools: {"mcp__every__get-sum": high/W}}'
	proxy
	call='{"op":"call","name":"get-sum","args":{"a":2,"b":3},"cancelWhenFileIn":"'"$PROJ"'/.ai/approvals"}'
	# the client stays (its connections open) until the proxy recorded the cancellation
	seen='{"op":"waitdir","dir":"'"$PROJ"'/.ai/audit","text":"cancelled by the client while it waited"}'
	run --separate-stderr client "[$call,{\"op\":\"ping\"},{\"op\":\"call\",\"name\":\"echo\",\"args\":{\"message\":\"after\"}},$seen]" "$URL"
	[ "$status" -eq 0 ]
	[ "$(step 0 | jq -r .ok)" = false ]
	[ "$(step 1 | jq -r .ok)" = true ]
	[ "$(text 2)" = "Echo: after" ]
	[ "$(step 3 | jq -r .ok)" = true ]
	audit | has 'select(.event=="decision" and .tool=="mcp__every__get-sum") |
		.decision.effect == "deny" and (.decision.reason | contains("cancelled by the client while it waited"))'
	# a person's approval afterwards runs nothing
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	! audit | has 'select(.event=="tool.result" and .tool=="mcp__every__get-sum")'
}

@test "attacker: a cancellation from another session, or for another id, does not end a wait; a client that leaves ends it" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 50s}
risk: {tools: {"mcp__every__get-sum": high/W}}'
	proxy
	raw_session
	mine=$SID
	raw_session
	other=$SID
	SID=$mine
	run_bg curl -s -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $mine" \
		--data-binary '{"jsonrpc":"2.0","id":"w1","method":"tools/call","params":{"name":"get-sum","arguments":{"a":2,"b":3}}}' "$URL"
	wait_for_file "$PROJ/.ai/approvals/*.json"
	cancel='{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w1"}}'
	curl_post "$cancel" -H "Mcp-Session-Id: $other"
	curl_post '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w2"}}' -H "Mcp-Session-Id: $mine"
	curl_post '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w1"}}'
	# still waiting: approved now, it runs and is answered
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[[ "$output" == *'"The sum of 2 and 3 is 5."'*'"id":"w1"'* ]]
	# a client that leaves while its call waits: the wait ends at once, denied, saying why
	rm -f "$PROJ"/.ai/approvals/*.json
	run_bg curl -s -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $mine" \
		--data-binary '{"jsonrpc":"2.0","id":"w3","method":"tools/call","params":{"name":"get-sum","arguments":{"a":4,"b":4}}}' "$URL"
	wait_for_file "$PROJ/.ai/approvals/*.json"
	kill "$bg_pid"
	wait "$bg_pid" || true
	wait_for "the wait to end" bash -c "cat '$PROJ'/.ai/audit/*.jsonl | grep -q 'the client went away while the call waited'"
	audit | has 'select(.event=="decision" and .tool=="mcp__every__get-sum" and .decision.effect=="deny") |
		.decision.reason | contains("the client went away while the call waited for a person")'
}

# ---- server-to-client streams (GET) are bounded ----

# get_stream SID OUT: a GET stream of session SID in the background; its HTTP status goes to OUT when it ends.
get_stream() {
	curl -s -N -o /dev/null -w '%{http_code}\n' -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $1" "$URL" >"$2" 2>&1 3>&- &
	pids+=($!)
	streams+=($!)
}

@test "idle GET streams are capped (--max-streams): more are refused at once, a tools/call is still served, a client that leaves frees its place" {
	proxy --max-streams 3
	streams=()
	for i in 1 2 3 4 5; do
		raw_session
		get_stream "$SID" "$BATS_TEST_TMPDIR/get$i"
	done
	# two of five are refused with 503 at once; three stay open
	wait_for "two refused streams" bash -c "[ \$(cat '$BATS_TEST_TMPDIR'/get* | grep -c '^503') -eq 2 ]"
	[[ "$(cat "$PXERR")" == *"refused a stream (GET): 3 are open"* ]]
	# the calls go on meanwhile
	run --separate-stderr client '[{"op":"call","name":"echo","args":{"message":"served"}}]' "$URL"
	[ "$status" -eq 0 ]
	[ "$(text 0)" = "Echo: served" ]
	# the three open ones are still open; one client leaves, and a new stream gets its place
	for i in 1 2 3 4 5; do
		if [ ! -s "$BATS_TEST_TMPDIR/get$i" ]; then open+=("${streams[$((i - 1))]}"); fi
	done
	[ "${#open[@]}" -eq 3 ]
	kill "${open[0]}"
	raw_session
	wait_for "a freed place" bash -c "curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Accept: text/event-stream' \
		-H 'Mcp-Session-Id: $SID' '$URL' | grep -qx 200"
}

@test "--max-streams is checked" {
	for bad in 0 -1 201 x; do
		run guard mcp --listen 127.0.0.1:0 --upstream http://127.0.0.1:1/mcp --max-streams "$bad"
		[ "$status" -eq 2 ]
		[[ "$output" == *"--max-streams takes a count from 1 to 200"* ]]
	done
}

# ---- ids as the client spelled them ----

@test "ids: guard's answers over HTTP carry the id byte for byte, for every spelling" {
	user_policy <<<'risk: {tools: {"mcp__every__get-env": critical/R}}'
	proxy
	raw_session
	for i in 1e400 -1e400 1.5 1.50 1E2 -0 -0.0 12345678901234567890 '"1e400"' '"-0"' '"\u0041"'; do
		raw_call "$i" get-env '{}'
		[[ "$output" == '200 {"jsonrpc":"2.0","id":'"$i"',"result":{"content":[{"type":"text","text":"guard denied'* ]]
	done
	# no spelling to answer with: refused clearly, with id null
	long=$(printf '9%.0s' $(seq 200))
	raw_call "$long" get-env '{}'
	[[ "$output" == "400 "*'"id":null'*"string or number id, at most 127 bytes"* ]]
	# an upstream that is gone: the 502 carries the id as spelled too
	UPSTREAM=http://127.0.0.1:$(free_port)/mcp
	kill "$pxpid"; wait "$pxpid" || true
	proxy
	curl_post '{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}'
	[[ "$output" == '502 {"jsonrpc":"2.0","id":12345678901234567890,"error":'* ]]
}

# ---- the governed call's answer before its result record (issue 17) ----

# long_call ID OUT: a raw tools/call of the everything server's long-running operation (4 s) in $SID, its answer to OUT.
long_call() {
	curl -s -N -o "$2" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $SID" \
		--data-binary '{"jsonrpc":"2.0","id":'"$1"',"method":"tools/call","params":{"name":"trigger-long-running-operation","arguments":{"duration":4,"steps":2}}}' \
		"$URL" 3>&- &
	pids+=($!)
	bg_curl=$!
}

@test "over HTTP the answer reaches the client before its result is recorded; a proxy killed between the two leaves the decision record" {
	export GUARD_AUDIT_LOCK_TIMEOUT_MS=60000
	proxy
	raw_session
	out=$BATS_TEST_TMPDIR/answer
	long_call 41 "$out"
	decided() { audit | grep -q '"event":"decision".*trigger-long-running-operation'; }
	wait_for "the decision record" decided
	# a writer holds the audit log's lock: the result record cannot be written until it lets go (60 s at most)
	audit_lock_hold
	# the answer is the client's while the record waits for the lock
	answered() { grep -q 'Long running operation completed' "$out"; }
	wait_for "the answer to the call" answered || { touch "$release"; false; }
	grep -q '"id":41' "$out"
	kill -KILL "$pxpid"
	wait "$pxpid" || true
	pxpid=
	touch "$release"
	wait "$holder"
	# what the kill lost is the result record only: the decision record is there and the log verifies
	audit | has 'select(.event=="decision" and .tool=="mcp__every__trigger-long-running-operation") | .decision.effect == "allow"'
	[ -z "$(audit | jq -c 'select(.event=="tool.result" and .tool=="mcp__every__trigger-long-running-operation")')" ]
	guard-audit verify >/dev/null
}

@test "a client that leaves during a governed call over HTTP: the server's answer is still awaited and recorded" {
	proxy
	raw_session
	long_call 42 "$BATS_TEST_TMPDIR/answer"
	decided() { audit | grep -q '"event":"decision".*trigger-long-running-operation'; }
	wait_for "the decision record" decided
	kill "$bg_curl"
	recorded() { audit | grep -q '"event":"tool.result".*trigger-long-running-operation'; }
	wait_for "the result record" recorded
	# the call ran to its end on the server: the record says so, not "no answer"
	audit | has 'select(.event=="tool.result" and .tool=="mcp__every__trigger-long-running-operation") | .data.success == true'
	! grep -q 'Long running operation completed' "$BATS_TEST_TMPDIR/answer"
	# the proxy goes on
	run --separate-stderr client '[{"op":"call","name":"echo","args":{"message":"after"}}]' "$URL"
	[ "$(text 0)" = "Echo: after" ]
}

# ---- the client's MCP roots ----

@test "attacker: over HTTP a client's answer carrying roots is learnt: a relative path under a root is judged there too" {
	proxy
	raw_session
	mkdir -p .git/hooks
	# judged against guard's directory alone, a relative name is no guard file: echo answers
	raw_call 1 echo '{"message":"hooks/pre-commit"}'
	[[ "$output" == "200 "*"Echo: hooks/pre-commit"* ]]
	# the client's roots (its answer to the server's roots/list, relayed as a POST): .git, percent-encoded
	curl_post '{"jsonrpc":"2.0","id":"r1","result":{"roots":[{"uri":"file://'"$PROJ"'/%2Egit","name":"git"},{"uri":"https://evil.example/"}]}}' \
		-H "Mcp-Session-Id: $SID"
	grep -q "learnt folders of a client's roots" "$PXERR"
	raw_call 2 echo '{"message":"hooks/pre-commit"}'
	[[ "$output" == "200 "*"guard denied mcp__every__echo"*"rule protect-guard"* ]]
	# roots only add: guard's own directory is judged still
	raw_call 3 echo '{"message":".ai/policy.yaml"}'
	[[ "$output" == "200 "*"guard denied mcp__every__echo"* ]]
}
