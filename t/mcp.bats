#!/usr/bin/env bats
# guard mcp (issue 17): the stdio proxy between a real MCP client (the
# SDK's, t/mcp/client.mjs) and real MCP servers (the reference filesystem
# and everything servers), pinned by t/mcp/package-lock.json and installed
# by `make mcp-deps` (npm ci). Raw frames the SDK cannot send go through
# t/mcp/raw.py. No part of MCP is mocked.

load helper
load mcp/common

setup() {
	mcp_setup || return 1
	ALLOWED=$PROJ/allowed
	mkdir -p "$ALLOWED"
	echo hello >"$ALLOWED/a.txt"
	FS=(node "$MCPD/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js" "$ALLOWED")
	EV=(node "$MCPD/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
}

# raw_teed N: the frames in $BATS_TEST_TMPDIR/in through guard mcp (t/mcp/raw.py,
# until N answers) to the everything server; what the server read is in $log.
raw_teed() {
	log=$BATS_TEST_TMPDIR/server-in.log
	run --separate-stderr python3 "$MCPD/raw.py" --expect "$1" -- guard mcp --name every -- \
		sh -c 'tee "$0" | "$@"' "$log" "${EV[@]}" <"$BATS_TEST_TMPDIR/in"
}

init_frames() {
	echo '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}'
	echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
}

@test "initialize, tools/list, resources and prompts pass unchanged through the proxy" {
	steps='[{"op":"server"},{"op":"tools"},{"op":"resources"},{"op":"prompts"},{"op":"ping"}]'
	run --separate-stderr client "$steps" "${EV[@]}"
	[ "$status" -eq 0 ]
	direct=$(printf '%s\n' "$output" | grep -v '"step":"pid"')
	run --separate-stderr client "$steps" guard mcp --name every -- "${EV[@]}"
	[ "$status" -eq 0 ]
	proxied=$(printf '%s\n' "$output" | grep -v '"step":"pid"')
	[ "$(printf '%s\n' "$direct" | wc -l)" -eq 5 ]
	[ "$direct" = "$proxied" ]
	# the server's stderr passes through
	[[ "$stderr" == *"Starting default (STDIO) server"* ]]
}

@test "ungoverned client messages reach the server byte for byte and in order; ours never reach the client" {
	{
		init_frames
		echo '{ "method" : "ping", "id" : "p1" ,  "jsonrpc":"2.0" , "params":{"_meta":{"note":"h\u00e9llo ✓"}}}'
		echo '{"jsonrpc":"2.0","id":"l1","method":"tools/list","params":{}}'
		echo '{"jsonrpc":"2.0","id":2,"method":"resources/list"}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 4
	[ "$status" -eq 0 ]
	# what the client sent is what the server read, plus only guard's own tools/list
	diff <(grep -v '"id":"guard-mcp-' "$log") "$BATS_TEST_TMPDIR/in"
	grep -q '"id":"guard-mcp-' "$log"
	! grep -q 'guard-mcp-' <<<"$output"
	[ "$(jq -r 'select(.id=="p1") | .result | length' <<<"$output")" = 0 ]
	[ "$(jq -r 'select(.id=="l1") | .result.tools | length' <<<"$output")" -gt 5 ]
}

@test "a read inside the allowed folder is allowed and both records are in the audit log" {
	run --separate-stderr client '[{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}]' \
		guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(text 0)" = hello ]
	[ "$(is_error 0)" = false ]
	run audit
	[ "$(jq -r 'select(.tool=="mcp__fs__read_text_file") | .event' <<<"$output" | paste -sd, -)" = "decision,tool.result" ]
	has 'select(.event=="decision") | .decision.effect == "allow" and .actor.role == "agent"' <<<"$output"
	has 'select(.event=="tool.result") | .data.success == true and (.data.duration_ms | type) == "number"' <<<"$output"
	guard-audit verify >/dev/null
}

@test "a secret read is denied with the reason the model reads, and never reaches the server" {
	mkdir -p "$HOME/.ssh"
	echo 'PRIVATE' >"$HOME/.ssh/id_rsa"
	log=$BATS_TEST_TMPDIR/server-in.log
	run --separate-stderr client '[{"op":"call","name":"read_text_file","args":{"path":"'"$HOME"'/.ssh/id_rsa"}}]' \
		guard mcp --name fs -- sh -c 'tee "$0" | "$@"' "$log" "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"guard denied mcp__fs__read_text_file (rule no-secret-access)"* ]]
	[[ "$(text 0)" != *PRIVATE* ]]
	! grep -q 'tools/call' "$log"
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__read_text_file") | .decision.effect == "deny"'
}

@test "a write outside the project asks a person and a write to guard's own policy is denied, before the server runs either" {
	run --separate-stderr client '[{"op":"call","name":"write_file","args":{"path":"/etc/guard-mcp-test","content":"x"}},
		{"op":"call","name":"write_file","args":{"path":"'"$PROJ"'/.ai/policy.yaml","content":"default: allow"}}]' \
		guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"approval required"*"guard-approve approve"* ]]
	[ ! -e /etc/guard-mcp-test ]
	# guard's own policy: denied outright (protect-guard), whatever a person would say
	[[ "$(text 1)" == *"rule protect-guard"* ]]
	[ ! -e "$PROJ/.ai/policy.yaml" ]
}

@test "an ask becomes an approval request; a person approves; the same call then passes once" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}'
	call='{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/new.txt","content":"approved\n"}}'
	run --separate-stderr client "[$call]" guard mcp --name fs -- "${FS[@]}"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"approval required"* ]]
	[ ! -e "$ALLOWED/new.txt" ]
	id=$(text 0 | sed -n 's/.*Request \([0-9a-f-]\{36\}\).*/\1/p')
	[ -n "$id" ]
	jq -e '.status == "pending" and .tool == "mcp__fs__write_file"' "$PROJ/.ai/approvals/$id.json"
	# the agent's own word is not a person's: the request stays pending
	guard-approve approve "$id" --as alice@example.com >/dev/null
	run --separate-stderr client "[$call,$call]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = false ]
	[ "$(cat "$ALLOWED/new.txt")" = approved ]
	# single use: the same call again asks again
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"approval required"* ]]
	audit | has 'select(.event=="decision") | .decision.rule=="guard.approved"'
}

@test "an ask approved during hook_wait runs without a retry" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 20s}'
	call='{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/waited.txt","content":"w"}}'
	run_bg --separate-stderr client "[$call]" guard mcp --name fs -- "${FS[@]}"
	wait_for_file "$PROJ/.ai/approvals/*.json"
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = false ]
	[ "$(cat "$ALLOWED/waited.txt")" = w ]
}

@test "propose/execute: the first destructive call is a proposal; after approval the same call executes, another does not" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}'
	call='{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/p.txt","content":"p"}}'
	other='{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/p.txt","content":"other"}}'
	run --separate-stderr client "[$call]" guard mcp --name fs --propose -- "${FS[@]}"
	[[ "$(text 0)" == "PROPOSAL (not run): mcp__fs__write_file "* ]]
	[[ "$(text 0)" == *"risk: high/D"*"marked destructive"* ]]
	id=$(text 0 | sed -n 's/^approval: request \([0-9a-f-]\{36\}\).*/\1/p')
	[ -n "$id" ]
	[ ! -e "$ALLOWED/p.txt" ]
	guard-approve approve "$id" --as alice@example.com >/dev/null
	# other arguments are another action: the approval does not cover them
	run --separate-stderr client "[$other,$call]" guard mcp --name fs --propose -- "${FS[@]}"
	[[ "$(text 0)" == "PROPOSAL (not run)"* ]]
	[ "$(is_error 1)" = false ]
	[ "$(cat "$ALLOWED/p.txt")" = p ]
}

@test "the policy's mcp.propose turns the split on too" {
	user_policy <<<'mcp: {propose: true}'
	run --separate-stderr client '[{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/q.txt","content":"q"}}]' \
		guard mcp --name fs -- "${FS[@]}"
	[[ "$(text 0)" == "PROPOSAL (not run)"* ]]
}

@test "an untrusted server's readOnlyHint does not lower risk; a trusted layer's mcp.trusted_servers lets it" {
	steps='[{"op":"tools"},{"op":"call","name":"echo","args":{"message":"hi"}}]'
	run --separate-stderr client "$steps" guard mcp --name every -- "${EV[@]}"
	[ "$(text 1)" = "Echo: hi" ]
	audit | has 'select(.event=="decision") | .risk.level == "medium" and (.risk.reasons[0] | test("not trusted"))'
	rm -rf "$PROJ/.ai/audit"
	user_policy <<<'mcp: {trusted_servers: [every]}'
	run --separate-stderr client "$steps" guard mcp --name every -- "${EV[@]}"
	audit | has 'select(.event=="decision") | .risk.level == "low"'
}

@test "attacker: the project layer cannot make a server trusted; the policy is refused and every call denied" {
	mkdir -p "$PROJ/.ai"
	echo 'mcp: {trusted_servers: [every]}' >"$PROJ/.ai/policy.yaml"
	run guard-policy --validate --layer project "$PROJ/.ai/policy.yaml"
	[ "$status" -eq 7 ]
	[[ "$output" == *trusted_servers* ]]
	run --separate-stderr client '[{"op":"call","name":"echo","args":{"message":"hi"}}]' guard mcp --name every -- "${EV[@]}"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"guard.policy-invalid"*"trusted_servers"* ]]
}

@test "attacker: a --name with __ (which would make tool names ambiguous) is refused" {
	run guard mcp --name 'a__b' -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"no '__'"* ]]
}

@test "a destructive hint raises risk even when the list is read again without it" {
	run --separate-stderr client '[{"op":"tools"},{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/x","content":"x"}}]' \
		guard mcp --name fs -- "${FS[@]}"
	audit | has 'select(.event=="decision") | .risk.level == "high" and any(.risk.reasons[]; startswith("mcp__fs__write_file is marked destructive"))'
}

@test "progress notifications and cancellation pass; a cancelled call is in the audit log" {
	log=$BATS_TEST_TMPDIR/server-in.log out=$BATS_TEST_TMPDIR/proxy-out.log
	# what the proxy hands the client, kept as it passes
	run --separate-stderr client '[{"op":"call","name":"trigger-long-running-operation","args":{"duration":1,"steps":3},"progress":true},
		{"op":"call","name":"trigger-long-running-operation","args":{"duration":60,"steps":2},"cancelAfterMs":300}]' \
		sh -c 'out=$1 log=$2; shift 2; guard mcp --name every -- sh -c '"'"'tee "$0" | "$@"'"'"' "$log" "$@" | tee "$out"' \
		_ "$out" "$log" "${EV[@]}"
	[ "$status" -eq 0 ]
	# all three progress notifications of the first call pass, each before its answer
	[ "$(jq -c 'select(.method == "notifications/progress") | .params.progress' "$out" | head -3 | tr '\n' ' ')" = "1 2 3 " ]
	[ "$(grep -n '"notifications/progress"' "$out" | sed -n 3p | cut -d: -f1)" -lt \
	  "$(grep -n 'Long running operation completed' "$out" | head -1 | cut -d: -f1)" ]
	# the SDK's client hands a progress notification to its handler a tick later than the
	# answer that follows it in the same read, so the last one may be dropped there
	n=$(step 0 | jq '.result.progress | length')
	[ "$n" -ge 2 ] || { step 0 >&2; false; }
	step 1 | jq -e '.ok == false'
	grep -q '"notifications/cancelled"' "$log"
	audit | has 'select(.event=="tool.result") | .data.error=="cancelled by the client"'
}

@test "killing the server ends the proxy (exit 8, the client sees the end); nothing is left behind" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	guard mcp --name every -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	gpid=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	init_frames >&7
	server=$(wait_for_child "$gpid" node)
	wait_for_line "$BATS_TEST_TMPDIR/out" '"serverInfo"'
	kill -KILL "$server"
	wait "$gpid" && status=0 || status=$?
	exec 7>&-
	[ "$status" -eq 8 ]
	grep -q 'killed by signal 9' "$BATS_TEST_TMPDIR/err"
	! kill -0 "$server" 2>/dev/null
	! pgrep -g "$server" >/dev/null
}

@test "the client going away (EOF) shuts the server down; the proxy exits 0" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	guard mcp --name every -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	gpid=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	init_frames >&7
	server=$(wait_for_child "$gpid" node)
	wait_for_line "$BATS_TEST_TMPDIR/out" '"serverInfo"'
	exec 7>&-
	wait "$gpid" && status=0 || status=$?
	[ "$status" -eq 0 ]
	! kill -0 "$server" 2>/dev/null
}

@test "a client killed mid-session (SIGKILL) leaves no proxy and no server" {
	run_bg --separate-stderr client '[{"op":"waitline","file":"'"$BATS_TEST_TMPDIR"'/never"}]' guard mcp --name every -- "${EV[@]}"
	cpid=$bg_pid
	wait_for_line "$BATS_TEST_TMPDIR/bg.out" '"pid"'
	gpid=$(jq -r 'select(.step=="pid") | .pid' "$BATS_TEST_TMPDIR/bg.out")
	server=$(wait_for_child "$gpid" node)
	kill -KILL "$cpid"
	wait "$cpid" || true
	wait_for "the proxy $gpid to end" refute kill -0 "$gpid"
	wait_for "the server $server to end" refute kill -0 "$server"
}

@test "SIGTERM to the proxy stops the server too" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	guard mcp --name every -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in" >/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	gpid=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	server=$(wait_for_child "$gpid" node)
	kill -TERM "$gpid"
	wait "$gpid" || true
	exec 7>&-
	! kill -0 "$server" 2>/dev/null
	grep -q 'signal 15' "$BATS_TEST_TMPDIR/err"
}

@test "malformed frames are answered with a parse error and never forwarded; the session goes on" {
	{
		init_frames
		echo 'not json'
		echo '{"jsonrpc":"2.0","id":5,"method":"tools/call","method":"tools/call","params":{"name":"echo","arguments":{"message":"dup"}}}'
		printf '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"echo","arguments":{"message":"\xff"}}}\n'
		echo '[{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"batch"}}}]'
		echo '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"message":"no id"}}}'
		echo '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"arguments":{}}}'
		echo '{"jsonrpc":"2.0","id":9,"method":"ping"}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 7
	[ "$status" -eq 0 ]
	[ "$(jq -c 'select(.error.code == -32700)' <<<"$output" | wc -l)" -eq 3 ]
	has 'select(.id == null and .error.code == -32600) | .error.message | test("batch")' <<<"$output"
	has 'select(.id == 8) | .result.isError and (.result.content[0].text | test("without a tool name"))' <<<"$output"
	has 'select(.id == 9) | .result == {}' <<<"$output"
	! grep -q 'tools/call' "$log"
	[[ "$stderr" == *"dropped a tools/call without a usable id"* ]]
}

@test "a 9 MB frame: a tools/call is refused with its id and not forwarded; the session goes on" {
	{
		init_frames
		python3 -c 'import json; print(json.dumps({"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"message":"x"*(9<<20)}},"id":"big"}))'
		echo '{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"echo","arguments":{"message":"small"}}}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 3
	[ "$status" -eq 0 ]
	has 'select(.id == "big") | .error.code == -32600 and (.error.message | test("over the 8388608-byte limit"))' <<<"$output"
	has 'select(.id == "after") | .result.content[0].text == "Echo: small"' <<<"$output"
	[ "$(wc -c <"$log")" -lt 100000 ]
	# a lower limit from the command line, for answers from the server too
	{ init_frames; echo '{"jsonrpc":"2.0","id":"l","method":"tools/list"}'; } >"$BATS_TEST_TMPDIR/in2"
	run --separate-stderr python3 "$MCPD/raw.py" --expect 2 -- guard mcp --name every --max-frame 2000 -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in2"
	has 'select(.id == "l") | .error.code == -32603 and (.error.message | test("server.s answer"))' <<<"$output"
}

@test "frames split into single bytes and interleaved ids are answered to the right requests" {
	{
		init_frames
		for i in 1 2 3; do
			echo '{"jsonrpc":"2.0","id":"c'$i'","method":"tools/call","params":{"name":"echo","arguments":{"message":"m'$i'"}}}'
			echo '{"jsonrpc":"2.0","id":'$i',"method":"ping"}'
		done
		echo '{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"trigger-long-running-operation","arguments":{"duration":1,"steps":1}}}'
		echo '{"jsonrpc":"2.0","id":"fast","method":"tools/call","params":{"name":"get-sum","arguments":{"a":2,"b":3}}}'
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr python3 "$MCPD/raw.py" --split --expect 9 -- guard mcp --name every -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	for i in 1 2 3; do
		has --arg i "$i" 'select(.id == "c" + $i) | .result.content[0].text == "Echo: m" + $i' <<<"$output"
		has --argjson i "$i" 'select(.id == $i) | .result == {}' <<<"$output"
	done
	has 'select(.id == "fast") | .result.content[0].text | test("5")' <<<"$output"
	has 'select(.id == "slow") | .result.content[0].text | test("completed")' <<<"$output"
	# governed calls: one decision and one result each
	[ "$(audit | jq -c 'select(.event=="decision")' | wc -l)" -eq 5 ]
	[ "$(audit | jq -c 'select(.event=="tool.result")' | wc -l)" -eq 5 ]
	# each decision holds the proxy's own time on it, as the hook's do (guard-audit stats reads it)
	[ "$(audit | jq -s '[.[] | select(.event=="decision") | .data.hook_ms | select(type == "number" and . >= 0)] | length')" -eq 5 ]
}

@test "usage: --help, no server command, a bad option, a server that cannot run" {
	run guard mcp --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: guard mcp"* ]]
	run guard mcp --name x
	[ "$status" -eq 2 ]
	[[ "$output" == *"no server command"* ]]
	run guard mcp --bogus -- true
	[ "$status" -eq 2 ]
	run guard mcp --max-frame 0 -- true
	[ "$status" -eq 2 ]
	run guard mcp --name x -- /nonexistent/server </dev/null
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot run /nonexistent/server"* ]]
	[[ "$output" == *"exited with status 127"* ]]
}

@test "policy/examples/k8s-mcp.yaml validates as a user layer and passes its cases (seed 001's table)" {
	run guard-policy --validate --layer user "$REPO_ROOT/policy/examples/k8s-mcp.yaml"
	[ "$status" -eq 0 ]
	run guard-policy test "$REPO_ROOT/t/policy/k8s-mcp.cases.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"28 passed, 0 failed"* ]]
}

@test "guard init --mcp wraps each stdio server of .mcp.json, keeps the rest, and --remove restores it; doctor tells" {
	cat >"$PROJ/.mcp.json" <<J
{"mcpServers": {
  "fs": {"command": "node", "args": ["$MCPD/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "$ALLOWED"], "env": {"X": "1"}},
  "web": {"type": "http", "url": "http://127.0.0.1:1/mcp"},
  "bad__name": {"command": "true"}
}, "other": 1}
J
	cp "$PROJ/.mcp.json" "$BATS_TEST_TMPDIR/orig.json"
	run guard doctor
	[[ "$output" == *"mcp server fs: NOT wrapped (run guard init --mcp)"* ]]
	run guard init --mcp
	[ "$status" -eq 0 ]
	[[ "$output" == *"wrapped   fs -> guard mcp --name fs -- ..."* ]]
	[[ "$output" == *"kept      web (not a stdio server"* ]]
	[[ "$output" == *"kept      bad__name (rename it"* ]]
	jq -e '.mcpServers.fs.command == "guard" and .mcpServers.fs.args[0:5] == ["mcp","--name","fs","--","node"] and .mcpServers.fs.env.X == "1" and .other == 1' "$PROJ/.mcp.json"
	# the wrapped entry runs: the client reaches the server through guard
	cmd=$(jq -r '.mcpServers.fs.command' "$PROJ/.mcp.json")
	mapfile -t args < <(jq -r '.mcpServers.fs.args[]' "$PROJ/.mcp.json")
	run --separate-stderr client '[{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}]' "$cmd" "${args[@]}"
	[ "$(text 0)" = hello ]
	audit | has 'select(.event=="decision") | .tool == "mcp__fs__read_text_file"'
	run guard doctor
	[[ "$output" == *"mcp server fs: wrapped (guard mcp)"* ]]
	[[ "$output" == *"mcp server web: NOT governed"* ]]
	# twice is once
	run guard init --mcp
	[[ "$output" == *"kept      fs (wrapped already)"* ]]
	run guard init --mcp --remove
	[ "$status" -eq 0 ]
	[[ "$output" == *"unwrapped fs"* ]]
	[ "$(jq -S . "$PROJ/.mcp.json")" = "$(jq -S . "$BATS_TEST_TMPDIR/orig.json")" ]
}

@test "guard init --mcp leaves a .mcp.json that is not an object with mcpServers unchanged; --remove alone leaves it too" {
	echo '["not", "an object"]' >"$PROJ/.mcp.json"
	run guard init --mcp
	[ "$status" -eq 2 ]
	[[ "$output" == *"left unchanged"* ]]
	[ "$(cat "$PROJ/.mcp.json")" = '["not", "an object"]' ]
	# without --mcp, --remove unwires the agents' hooks (guard(1)), never .mcp.json
	run guard init --remove
	[ "$status" -eq 0 ]
	[ "$(cat "$PROJ/.mcp.json")" = '["not", "an object"]' ]
	rm "$PROJ/.mcp.json"
	run guard init --mcp
	[ "$status" -eq 0 ]
	[[ "$output" == *"no .mcp.json"* ]]
}

# ---- calls that wait for a person (approval.hook_wait) do not block the relay ----

@test "an ask waiting for a person blocks nothing: a ping and a read are answered meanwhile; approved, it runs" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 50s}'
	call='{"op":"call","bg":true,"name":"write_file","args":{"path":"'"$ALLOWED"'/waited.txt","content":"w"}}'
	read='{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}'
	run_bg --separate-stderr client "[$call,{\"op\":\"ping\"},$read]" guard mcp --name fs -- "${FS[@]}"
	wait_for_line "$BATS_TEST_TMPDIR/bg.out" '"step":2,'
	# the ping and the read came back while the call still waits for a person
	! grep -q '"step":0,' "$BATS_TEST_TMPDIR/bg.out"
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	jq -e '.status == "pending" and .tool == "mcp__fs__write_file"' "$PROJ/.ai/approvals/$id.json"
	[ ! -e "$ALLOWED/waited.txt" ]
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[ "$(step 1 | jq -r .ok)" = true ]
	[ "$(text 2)" = hello ]
	[ "$(is_error 0)" = false ]
	[ "$(step 0 | jq -r .seq)" -gt "$(step 2 | jq -r .seq)" ]
	[ "$(cat "$ALLOWED/waited.txt")" = w ]
	# one decision for the call, the approved one, and its result
	run audit
	[ "$(jq -r 'select(.tool=="mcp__fs__write_file" and (.event=="decision" or .event=="tool.result")) |
		.event + ":" + (.decision.effect // "-")' <<<"$output" | paste -sd, -)" = "decision:allow,tool.result:-" ]
}

@test "a waiting call that no one decides is denied at the end of hook_wait, naming the request; the relay went on" {
	user_policy <<<'approval: {hook_wait: 2s}'
	call='{"op":"call","bg":true,"name":"write_file","args":{"path":"'"$ALLOWED"'/never.txt","content":"n"}}'
	read='{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}'
	run --separate-stderr client "[$call,$read]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(text 1)" = hello ]
	[ "$(step 0 | jq -r .seq)" -gt "$(step 1 | jq -r .seq)" ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"approval required"*"guard-approve approve"* ]]
	[ ! -e "$ALLOWED/never.txt" ]
}

@test "cancelling a call that waits for a person: it is not answered, never reaches the server, and the proxy goes on" {
	user_policy <<<'principals: {alice@example.com: {roles: [admin]}}
approval: {hook_wait: 50s}'
	in=$BATS_TEST_TMPDIR/client-in.log out=$BATS_TEST_TMPDIR/client-out.log log=$BATS_TEST_TMPDIR/server-in.log
	call='{"op":"call","name":"write_file","args":{"path":"'"$ALLOWED"'/c.txt","content":"c"},"cancelWhenFileIn":"'"$PROJ"'/.ai/approvals"}'
	read='{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}'
	run --separate-stderr client "[$call,{\"op\":\"ping\"},$read]" \
		bash -c 'tee "$0" | guard mcp --name fs -- sh -c '\''tee "$0" | "$@"'\'' "$2" "${@:3}" | tee "$1"' "$in" "$out" "$log" "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(step 0 | jq -r .ok)" = false ]
	[ "$(step 1 | jq -r .ok)" = true ]
	[ "$(text 2)" = hello ]
	rid=$(jq -c 'select(.method=="notifications/cancelled") | .params.requestId' "$in")
	[ -n "$rid" ]
	# no answer for it, and the server saw neither the call nor its cancellation
	[ -z "$(jq -c --argjson r "$rid" 'select(.id == $r)' "$out")" ]
	! grep -q '"write_file"' "$log"
	! grep -q 'notifications/cancelled' "$log"
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") |
		.decision.effect == "deny" and (.decision.reason | contains("cancelled by the client"))'
	# a person's approval afterwards runs nothing
	id=$(basename "$(ls "$PROJ"/.ai/approvals/*.json | head -1)" .json)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	[ ! -e "$ALLOWED/c.txt" ]
}

@test "a call waiting for a person when the client shuts down: denied at once, the proxy ends, the audit says why" {
	user_policy <<<'approval: {hook_wait: 50s}'
	printf '%s\n' "$(init_frames)" \
		'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"'"$ALLOWED"'/l.txt","content":"l"}}}' \
		>"$BATS_TEST_TMPDIR/in"
	run --separate-stderr python3 "$MCPD/raw.py" --expect 1 -- guard mcp --name fs -- "${FS[@]}" <"$BATS_TEST_TMPDIR/in"
	# raw.py closes the proxy's stdin after the one answer (initialize): the client's shutdown ends the wait
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.id == 7) | .result.isError' <<<"$output")" = true ]
	[ ! -e "$ALLOWED/l.txt" ]
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") |
		.decision.effect == "deny" and (.decision.reason | contains("the client closed its side"))'
}

# ---- unattended sessions ($GUARD_SESSION): MCP calls count like the hook's ----

# session_start [POLICY-YAML]: a clean committed project, then a running session.
session_start() {
	git -C "$PROJ" config user.email t@example.com
	git -C "$PROJ" config user.name tester
	mkdir -p "$PROJ/.ai"
	printf 'version: 1\n%s\n' "${1:-}" >"$PROJ/.ai/policy.yaml"
	git -C "$PROJ" add -A && git -C "$PROJ" commit -qm init
	run --separate-stderr guard-session start --task mcp
	[ "$status" -eq 0 ]
	export GUARD_SESSION=${output#export GUARD_SESSION=}
	STATE=$(cd "$(git -C "$PROJ" rev-parse --git-common-dir)" && pwd -P)/guard/sessions/$GUARD_SESSION.json
}

@test "session: MCP calls count as tool calls; retrying a denied call past denied_retries ends the session, and every later call says so" {
	session_start 'session: {denied_retries: 2}'
	read='{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}'
	bad='{"op":"call","name":"write_file","args":{"path":"'"$PROJ"'/.ai/policy.yaml","content":"default: allow"}}'
	run --separate-stderr client "[$read,$bad,$bad,$bad,$read]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(text 0)" = hello ]
	[[ "$(text 1)" == *"rule protect-guard"* ]]
	[[ "$(text 2)" != *"unattended session"* ]]
	# the third try reaches the limit: its answer names the end of the session
	[[ "$(text 3)" == *"rule protect-guard"*"unattended session $GUARD_SESSION ended: 2 retries of a denied command"* ]]
	[ "$(is_error 4)" = true ]
	[[ "$(text 4)" == *"rule session.stop"*"unattended session $GUARD_SESSION is ended"*"no more tool calls"* ]]
	jq -e '.status == "ended" and .counters.tool_calls == 4 and .counters.denied_retries == 2' "$STATE"
	audit | has 'select(.event=="decision" and .decision.rule=="session.stop") | .decision.effect == "deny"'
}

@test "session: an access outside the project through an MCP tool ends the session before the server runs it" {
	session_start
	log=$BATS_TEST_TMPDIR/server-in.log
	outside='{"op":"call","name":"read_text_file","args":{"path":"/etc/hostname"}}'
	read='{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}'
	run --separate-stderr client "[$outside,$read]" guard mcp --name fs -- sh -c 'tee "$0" | "$@"' "$log" "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"access outside the project"* ]]
	[[ "$(text 1)" == *"is ended"* ]]
	! grep -q 'tools/call' "$log"
	jq -e '.status == "ended" and .counters.outside_project == 1 and (.outside | index("/etc/hostname"))' "$STATE"
}

@test "session: past max_duration the next MCP call is denied with the reason" {
	session_start
	ts=$(date -u -d "@$(($(date +%s) - 4 * 3600))" +%Y-%m-%dT%H:%M:%S.000Z)
	jq --arg t "$ts" '.started_at = $t' "$STATE" >"$STATE.tmp" && mv "$STATE.tmp" "$STATE"
	run --separate-stderr client '[{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}]' \
		guard mcp --name fs -- "${FS[@]}"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"session duration"* ]]
	[ "$(jq -r '.breaches[0].limit' "$STATE")" = duration ]
}

@test "session: a GUARD_SESSION that names no running session, or a bad id, denies every call (fail closed)" {
	for sid in 20990101-000000-none '../../etc' ''; do
		[ -n "$sid" ] || continue
		GUARD_SESSION=$sid run --separate-stderr client '[{"op":"call","name":"read_text_file","args":{"path":"'"$ALLOWED"'/a.txt"}}]' \
			guard mcp --name fs -- "${FS[@]}"
		[ "$status" -eq 0 ]
		[ "$(is_error 0)" = true ]
		[[ "$(text 0)" == "guard denied this call ("* ]]
		[[ "$(text 0)" != *hello* ]]
	done
}

# ---- ids cJSON cannot hold exactly: answered as the client spelled them ----

ODD_IDS=(1e400 -1e400 1e-400 1.5 1.50 1.0 1E2 -0 -0.0 12345678901234567890 -98765432109876543210987 '"1e400"' '"-0"'
	'"12345678901234567890"' '"\u0041"' '"a\"b"')

@test "ids: every spelling of a denied call's id is answered byte for byte; guard answers nothing with id null" {
	user_policy <<<'risk: {tools: {"mcp__every__get-env": critical/R}}'
	{
		init_frames
		for i in "${ODD_IDS[@]}"; do
			echo '{"jsonrpc":"2.0","id":'"$i"',"method":"tools/call","params":{"name":"get-env","arguments":{}}}'
		done
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed $((${#ODD_IDS[@]} + 1))
	[ "$status" -eq 0 ]
	for i in "${ODD_IDS[@]}"; do
		grep -qF '{"jsonrpc":"2.0","id":'"$i"',"result":{"content":[{"type":"text","text":"guard denied mcp__every__get-env' <<<"$output"
	done
	! grep -q '"id":null' <<<"$output"
	! grep -q 'tools/call' "$log"
}

@test "ids: passed-through requests and allowed calls reach the server byte for byte; its answers reach the client as it sent them" {
	{
		init_frames
		for i in "${ODD_IDS[@]}"; do
			echo '{"jsonrpc":"2.0","id":'"$i"',"method":"ping"}'
			echo '{"jsonrpc":"2.0","id":'"$i"',"method":"tools/call","params":{"name":"echo","arguments":{"message":"m"}}}'
		done
		echo '{"jsonrpc":"2.0","id":"end","method":"ping"}'
	} >"$BATS_TEST_TMPDIR/in"
	# the server alone, then through guard: the same answers (the server decides which ids it takes)
	run --separate-stderr python3 "$MCPD/raw.py" --expect 2 -- "${EV[@]}" <"$BATS_TEST_TMPDIR/in"
	direct=$(grep '"id"' <<<"$output" | grep -v '"method"' | sort)
	grep -q '"id":"end"' <<<"$direct"
	raw_teed "$(wc -l <<<"$direct")"
	[ "$status" -eq 0 ]
	[ "$(grep '"id"' <<<"$output" | grep -v '"method"' | sort)" = "$direct" ]
	# (calls wait for guard's own tools/list, so the pings may pass them: each frame is compared)
	diff <(grep -v '"id":"guard-mcp-' "$log" | sort) <(sort "$BATS_TEST_TMPDIR/in")
	# every call was judged and recorded once (the ones the server never answered too)
	[ "$(audit | jq -c 'select(.event=="decision" and .tool=="mcp__every__echo")' | wc -l)" -eq ${#ODD_IDS[@]} ]
	[ "$(audit | jq -c 'select(.event=="tool.result" and .tool=="mcp__every__echo")' | wc -l)" -eq ${#ODD_IDS[@]} ]
}

@test "ids: a response the client sends (to a server's request) passes byte for byte whatever its id" {
	{
		init_frames
		for i in "${ODD_IDS[@]}"; do
			echo '{"jsonrpc":"2.0","id":'"$i"',"result":{}}'
			echo '{"jsonrpc":"2.0","id":'"$i"',"error":{"code":-1,"message":"no"}}'
		done
		echo '{"jsonrpc":"2.0","id":"end","method":"ping"}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 2
	[ "$status" -eq 0 ]
	diff <(grep -v '"id":"guard-mcp-' "$log") "$BATS_TEST_TMPDIR/in"
}

@test "attacker: an id the scan cannot pair with what cJSON read, or one too long, never comes back as another id" {
	user_policy <<<'risk: {tools: {"mcp__every__get-env": critical/R}}'
	long=$(printf '9%.0s' $(seq 200))
	{
		init_frames
		echo '{"jsonrpc":"2.0","\u0069d":7,"method":"tools/call","params":{"name":"get-env","arguments":{}}}'
		echo '{"jsonrpc":"2.0","\u0069d":1e400,"method":"tools/call","params":{"name":"get-env","arguments":{}}}'
		echo '{"jsonrpc":"2.0","id":'"$long"',"method":"tools/call","params":{"name":"get-env","arguments":{}}}'
		echo '{"jsonrpc":"2.0","id":{"x":1},"method":"tools/call","params":{"name":"get-env","arguments":{}}}'
		echo '{"jsonrpc":"2.0","id":"end","method":"ping"}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 5
	[ "$status" -eq 0 ]
	# no spelling to answer with (a key in escapes the scan does not read as "id", a token over 127 bytes):
	# a clear error with id null, never cJSON's respelling (7, 1e+200)
	[ "$(jq -c 'select(.id == null and .error.code == -32600 and (.error.message | test("string or number id, at most 127 bytes")))' <<<"$output" | wc -l)" -eq 4 ]
	! grep -qF '1e+200' <<<"$output"
	! grep -qF '"id":7' <<<"$output"
	! grep -q 'tools/call' "$log"
}

@test "ids: a 9 MB call with an odd id is refused with that id as spelled" {
	{
		init_frames
		python3 -c 'print("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + "x"*(9<<20) + "\"}},\"id\":12345678901234567890}")'
		echo '{"jsonrpc":"2.0","id":1e400,"method":"ping"}'
		python3 -c 'print("{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + "x"*(9<<20) + "\"}}}")'
		python3 -c 'print("{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + "x"*(9<<20) + "\"}}}")'
		echo '{"jsonrpc":"2.0","id":"end","method":"ping"}'
	} >"$BATS_TEST_TMPDIR/in"
	raw_teed 5
	[ "$status" -eq 0 ]
	grep -qF '{"jsonrpc":"2.0","id":12345678901234567890,"error":{"code":-32600' <<<"$output"
	grep -qF '{"jsonrpc":"2.0","id":-0,"error":{"code":-32600' <<<"$output"
	grep -qF '{"jsonrpc":"2.0","id":1e400,"error":{"code":-32600' <<<"$output"
}

# ---- unattended sessions: the files MCP tools write count like the Write tool's ----

# fs_session LIMITS: a session with those limits, the filesystem server on $PROJ/src ($SRC, $FSS), its
# tools rated low by the user layer (a rating leaves the analyzer no targets: the count must not need them).
fs_session() {
	SRC=$PROJ/src
	mkdir -p "$SRC"
	echo one >"$SRC/a.txt"
	echo two >"$SRC/c.txt"
	echo three >"$SRC/b.txt"
	# the user layer is set before the start: a session runs under the policy it started with
	printf 'risk: {tools: {"mcp__fs__*": low/W}}\n%s\n' "${2:-}" | user_policy
	session_start "session: {$1}"
	FSS=(node "$MCPD/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js" "$SRC")
}

call() {
	jq -cn --arg n "$1" --argjson a "$2" '{op: "call", name: $n, args: $a}'
}

@test "session: files written by MCP tools count to max_files_created; the call over it is denied before it runs" {
	fs_session 'max_files_created: 2'
	w1=$(call write_file '{"path":"'"$SRC"'/n1.txt","content":"x"}')
	d=$(call create_directory '{"path":"'"$SRC"'/d"}')
	w2=$(call write_file '{"path":"'"$SRC"'/n2.txt","content":"x"}')
	run --separate-stderr client "[$w1,$d,$w2]" guard mcp --name fs -- "${FSS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = false ] && [ "$(is_error 1)" = false ]
	[ "$(is_error 2)" = true ]
	[[ "$(text 2)" == *"3 files created, over the limit of 2 (predicted before the call"* ]]
	[ ! -e "$SRC/n2.txt" ]
	jq -e '.status == "ended" and .counters.files_created == 2 and .files["src/n1.txt"] == "created" and
		.files["src/d"] == "created"' "$STATE"
}

@test "session: edit_file and write_file over a file count as modified; move_file as one deleted and one created" {
	fs_session 'max_files_modified: 1'
	e=$(call edit_file '{"path":"'"$SRC"'/a.txt","edits":[{"oldText":"one","newText":"uno"}]}')
	e2=$(call edit_file '{"path":"'"$SRC"'/a.txt","edits":[{"oldText":"uno","newText":"eins"}]}')
	m=$(call move_file '{"source":"'"$SRC"'/c.txt","destination":"'"$SRC"'/moved.txt"}')
	w=$(call write_file '{"path":"'"$SRC"'/moved.txt","content":"over"}')
	r=$(call read_text_file '{"path":"'"$SRC"'/a.txt"}')
	run --separate-stderr client "[$e,$e2,$m,$w,$r]" guard mcp --name fs -- "${FSS[@]}"
	[ "$status" -eq 0 ]
	for i in 0 1 2; do [ "$(is_error $i)" = false ]; done
	jq -e '.files["src/a.txt"] == "modified" and .files["src/c.txt"] == "deleted" and .files["src/moved.txt"] == "created"' "$STATE"
	# the same file twice is one file; a file created in the session and written again stays created
	jq -e '.counters.files_modified == 1 and .counters.files_deleted == 1 and .counters.files_created == 1 and
		.status == "running"' "$STATE"
	[ "$(is_error 3)" = false ] && [ "$(is_error 4)" = false ]
	# a second file modified: over the limit once it ran, recorded as the policy says (a warning by default)
	b=$(call write_file '{"path":"'"$SRC"'/sub/../b.txt","content":"new"}')
	run --separate-stderr client "[$b]" guard mcp --name fs -- "${FSS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = false ]
	jq -e '.counters.files_modified == 2 and .files["src/b.txt"] == "modified" and
		(.warnings | map(select(.limit == "files_modified" and .value == 2)) | length) == 1' "$STATE"
}

@test "attacker: other spellings of one file count once; a write outside the project through a low-rated tool ends the session" {
	fs_session 'max_files_created: 5'
	mkdir -p "$SRC/sub"
	run --separate-stderr client "[$(call write_file '{"path":"'"$SRC"'/sub/../n.txt","content":"x"}'),$(call write_file '{"path":"'"$SRC"'//n.txt","content":"y"}'),$(call write_file '{"path":"'"$PROJ"'/./src/n.txt","content":"z"}')]" \
		guard mcp --name fs -- "${FSS[@]}"
	[ "$status" -eq 0 ]
	jq -e '.counters.files_created == 1 and (.files | keys) == ["src/n.txt"]' "$STATE"
	# the rating hides nothing from the session: the path outside is seen before the server runs it
	out=$BATS_TEST_TMPDIR/outside.txt
	run --separate-stderr client "[$(call write_file '{"path":"'"$out"'","content":"x"}')]" guard mcp --name fs -- "${FSS[@]}"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"outside the project"* ]]
	[ ! -e "$out" ]
	jq -e --arg o "$out" '.status == "ended" and .counters.outside_project == 1 and (.outside | index($o))' "$STATE"
}

# ---- the paths and text of an MCP call, whatever its argument keys (findings H1, H4, M6) ----

# args_srv: t/mcp/argsrv.py in $PROJ, its input teed to $log (what the server was asked).
args_srv() {
	log=$BATS_TEST_TMPDIR/server-in.log
	ARGS=(sh -c 'tee -a "$0" | python3 "$@"' "$log" "$MCPD/argsrv.py")
}

@test "attacker: an MCP tool naming guard's files under any key, nested, or as a file:// URI is denied before the server runs it" {
	args_srv
	echo 'default: deny' >evil.yaml
	mkdir -p .claude
	echo '{}' >.claude/settings.json
	calls=(
		"$(call move_file '{"source":"evil.yaml","destination":".ai/policy.yaml"}')"
		"$(call copy_file '{"src":"evil.yaml","dst":".git/hooks/pre-commit"}')"
		"$(call write_file '{"files":[{"path":".claude/settings.json","content":"{\"hooks\":{}}"}]}')"
		"$(call write_file '{"paths":["src/ok.txt",".ai/policy.yaml"],"content":"x"}')"
		"$(call write_file '{"target":".ai/policy.yaml","content":"x"}')"
		"$(call edit_file '{"uri":"file://'"$PROJ"'/.ai/policy%2Eyaml","content":"x"}')"
		"$(call save_file '{"path":".ai/policy.yaml","content":"x"}')"
		"$(call update_file '{"path":"'"$PROJ"'/.git/hooks/../hooks/post-checkout","content":"#!/bin/sh"}')"
	)
	steps=$(printf '%s\n' "${calls[@]}" | jq -sc .)
	run --separate-stderr client "$steps" guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	for i in $(seq 0 $((${#calls[@]} - 1))); do
		[ "$(is_error $i)" = true ]
		[[ "$(text $i)" == "guard denied mcp__args__"*"rule protect-guard"* ]]
	done
	refute grep -q tools/call "$log"
	[ ! -e .ai/policy.yaml ]
	[ ! -e .git/hooks/pre-commit ]
	[ ! -e .git/hooks/post-checkout ]
	[ ! -e src/ok.txt ]
	[ "$(cat .claude/settings.json)" = '{}' ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__move_file") | .decision.effect == "deny" and
		(.risk.targets | index(".ai/policy.yaml"))'
}

@test "MCP read-only look-alikes stay allowed; a protected file read through an untrusted tool is denied, through a trusted read-only one it is a read" {
	args_srv
	echo 'int x;' >src/x.c
	mkdir -p .ai
	echo '# the project layer' >.ai/policy.yaml
	run --separate-stderr client "[$(call search_files '{"path":"'"$ALLOWED"'","pattern":"*.txt"}'),$(call read_text_file '{"path":"'"$ALLOWED"'/a.txt"}')]" \
		guard mcp --name fs -- "${FS[@]}"
	[ "$(is_error 0)" = false ]
	[[ "$(text 0)" == *a.txt* ]]
	[ "$(text 1)" = hello ]
	run --separate-stderr client "[{\"op\":\"tools\"},$(call peek '{"path":"src/x.c"}'),$(call peek '{"path":".ai/policy.yaml"}')]" \
		guard mcp --name args -- "${ARGS[@]}"
	[ "$(text 1)" = 'int x;' ]
	# untrusted: its readOnlyHint is not believed, so the path is a target like a write's
	[ "$(is_error 2)" = true ]
	[[ "$(text 2)" == *"rule protect-guard"* ]]
	user_policy <<<'mcp: {trusted_servers: [args]}'
	run --separate-stderr client "[{\"op\":\"tools\"},$(call peek '{"path":".ai/policy.yaml"}')]" guard mcp --name args -- "${ARGS[@]}"
	[ "$(is_error 1)" = false ]
	[ "$(text 1)" = '# the project layer' ]
}

@test "attacker: the text an MCP tool writes is scanned as the Write tool's: a secret is denied and never logged; a git driver asks" {
	A=AKIA4QWERTYUIOPASDFG
	args_srv
	calls=(
		"$(call write_file '{"path":"'"$ALLOWED"'/k.py","content":"key = '"'$A'"'\n"}')"
		"$(call edit_file '{"path":"'"$ALLOWED"'/a.txt","edits":[{"oldText":"hello","newText":"k = \"'$A'\""}]}')"
		"$(call write_file '{"path":"'"$ALLOWED"'/.gitattributes","content":"* filter=evil\n"}')"
	)
	run --separate-stderr client "[$(IFS=,; echo "${calls[*]}")]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"guard-scan:aws-access-key"* ]]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"guard-scan:aws-access-key"* ]]
	[ "$(is_error 2)" = true ]
	[[ "$(text 2)" == *"approval required"* ]]
	[ ! -e "$ALLOWED/k.py" ]
	[ "$(cat "$ALLOWED/a.txt")" = hello ]
	[ ! -e "$ALLOWED/.gitattributes" ]
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") | .risk.level == "high" and
		any(.risk.reasons[]; test("naming the filter driver evil"))'
	# other keys, nested: data, body, an edit's own key
	run --separate-stderr client "[$(call update_file '{"path":"src/u.py","data":"t = \"'$A'\""}'),$(call save_file '{"path":"src/s.py","meta":{"body":"t = \"'$A'\""}}'),$(call write_file '{"target":"src/.gitmodules","edits":[{"replacement":"[submodule \"x\"]\n\tupdate = !sh evil.sh\n"}]}')]" \
		guard mcp --name args -- "${ARGS[@]}"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"guard-scan:aws-access-key"* ]]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"guard-scan:aws-access-key"* ]]
	[ "$(is_error 2)" = true ]
	refute grep -q tools/call "$log"
	[ ! -e src/u.py ]
	[ ! -e src/s.py ]
	[ ! -e src/.gitmodules ]
	refute grep -rq "$A" .ai/audit
}

@test "session: MCP tools count to max_files_* by the paths they name, whatever their name or keys; a trusted read-only tool does not" {
	args_srv
	fs_session 'max_files_created: 2' 'mcp: {trusted_servers: [args]}'
	run --separate-stderr client "[{\"op\":\"tools\"},$(call peek '{"path":"src/a.txt"}'),$(call update_file '{"path":"src/u1.txt","content":"x"}'),$(call copy_file '{"src":"src/c.txt","dst":"src/u2.txt"}'),$(call save_file '{"path":"src/u3.txt","content":"x"}')]" \
		guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	[ "$(text 1)" = one ]
	[ "$(is_error 2)" = false ]
	[ "$(is_error 3)" = false ]
	[ "$(is_error 4)" = true ]
	[[ "$(text 4)" == *"3 files created, over the limit of 2 (predicted before the call"* ]]
	[ ! -e src/u3.txt ]
	jq -e '.counters.files_created == 2 and .files["src/u1.txt"] == "created" and .files["src/u2.txt"] == "created" and
		.files["src/a.txt"] == null' "$STATE"
}

@test "attacker: a policy's rating of an MCP tool leaves its path arguments judged; a read rating keeps today's keys" {
	args_srv
	user_policy <<<'risk: {tools: {"mcp__args__*": low/W, "mcp__args__peek": low/R}}'
	echo 'default: deny' >evil.yaml
	run --separate-stderr client "[$(call move_file '{"source":"evil.yaml","destination":".ai/policy.yaml"}'),$(call update_file '{"path":"src/k.py","data":"k = \"AKIA4QWERTYUIOPASDFG\""}'),$(call update_file '{"path":"src/ok.txt","content":"fine"}'),$(call peek '{"path":"evil.yaml"}')]" \
		guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"rule protect-guard"* ]]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"guard-scan:aws-access-key"* ]]
	[ "$(is_error 2)" = false ]
	[ "$(cat src/ok.txt)" = fine ]
	[ "$(text 3)" = 'default: deny' ]
	[ ! -e .ai/policy.yaml ]
	[ ! -e src/k.py ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__update_file" and .decision.effect=="deny") |
		.decision.reason | startswith("guard-scan: the call writes into a file")'
}

# ---- a path split over arguments (issue 17): the joins are judged too ----

@test "attacker: a path split over two arguments, an array of parts or a root and a relative name is denied before the server runs it" {
	args_srv
	mkdir -p .ai .claude
	echo '# the project layer' >.ai/policy.yaml
	echo '{}' >.claude/settings.json
	calls=(
		"$(call put_file '{"dir":".ai","name":"policy.yaml","content":"default: allow"}')"
		"$(call put_file '{"name":"policy.yaml","dir":"./.ai/"}')"
		"$(call put_file '{"folder":".git","file":"hooks/pre-commit","content":"#!/bin/sh"}')"
		"$(call put_file '{"path":".claude","filename":"settings.json","content":"{\"hooks\":{}}"}')"
		"$(call put_file '{"root":"'"$PROJ"'","relative":".ai/policy.yaml"}')"
		"$(call put_file '{"root":"~/.config","relative":"guard/policy.yaml"}')"
		"$(call put_file '{"dir":"file://'"$PROJ"'/.git","name":"hooks/post-checkout"}')"
		"$(call put_parts '{"parts":[".ai","policy.yaml"],"content":"x"}')"
		"$(call put_parts '{"parts":[".git","hooks","post-merge"],"content":"x"}')"
		"$(call put_file '{"where":{"dir":".ai"},"what":[{"name":"policy.yaml"}]}')"
	)
	steps=$(printf '%s\n' "${calls[@]}" | jq -sc .)
	run --separate-stderr client "$steps" guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	for i in $(seq 0 $((${#calls[@]} - 1))); do
		[ "$(is_error $i)" = true ]
		[[ "$(text $i)" == "guard denied mcp__args__put_"*"rule protect-guard"* ]]
	done
	refute grep -q tools/call "$log"
	[ "$(cat .ai/policy.yaml)" = '# the project layer' ]
	[ "$(cat .claude/settings.json)" = '{}' ]
	[ ! -e .git/hooks/pre-commit ] && [ ! -e .git/hooks/post-checkout ] && [ ! -e .git/hooks/post-merge ]
	[ ! -e "$HOME/.config/guard/policy.yaml" ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__put_file") | .decision.effect == "deny" and
		(.risk.targets | index(".ai/policy.yaml")) and any(.risk.reasons[]; test("guard.s own state"))'
}

@test "split paths: a folder and a name in the project stay allowed; past 32 parts a person looks; glued strings are no join" {
	args_srv
	tags=$(jq -cn '[range(33) | "t\(.)"]')
	calls=(
		"$(call put_file '{"dir":"src","name":"main.c","content":"int x;"}')"
		"$(call put_parts '{"parts":["src","sub","b.c"],"content":"int b;"}')"
		"$(call put_file '{"dir":"src","name":"c.c","tags":'"$tags"'}')"
		"$(call put_file '{"dir":".a","name":"i/policy.yaml"}')"
	)
	mkdir -p src/sub
	steps=$(printf '%s\n' "${calls[@]}" | jq -sc .)
	run --separate-stderr client "$steps" guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = false ] && [ "$(cat src/main.c)" = 'int x;' ]
	[ "$(is_error 1)" = false ] && [ "$(cat src/sub/b.c)" = 'int b;' ]
	# 33 strings: their 33*32 joins are not all judged, so it is no allow (fail closed)
	[ "$(is_error 2)" = true ]
	[[ "$(text 2)" == *"approval required"* ]]
	[ ! -e src/c.c ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__put_file" and .decision.rule=="approve-high") |
		any(.risk.reasons[]; test("more than 32 path-like arguments"))'
	# ".a" + "i/policy.yaml" is a folder .a, not .ai: what the server writes is .a/i/policy.yaml
	[ "$(is_error 3)" = false ]
	[ -e .a/i/policy.yaml ] && [ ! -e .ai/policy.yaml ]
}

# ---- relative paths: the filesystem server resolves them against its first folder (issue 17) ----

@test "attacker: a relative path is judged against the folders the server was started with, not only guard's directory" {
	mkdir -p .ai .claude
	echo '# the project layer' >.ai/policy.yaml
	echo '{}' >.claude/settings.json
	echo one >src/a.txt
	FSP=(node "$MCPD/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js")
	# guard runs in src/, the server on the project: ".ai/policy.yaml" is the project's, not src/.ai/policy.yaml
	cd src
	run --separate-stderr client "[$(call write_file '{"path":".ai/policy.yaml","content":"default: allow"}'),$(call write_file '{"path":".claude/settings.json","content":"{\"hooks\":{}}"}'),$(call read_text_file '{"path":"src/a.txt"}')]" \
		guard mcp --name fs -- "${FSP[@]}" "$PROJ"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"rule protect-guard"* ]]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"rule protect-guard"* ]]
	# an everyday relative path is the server's folder's, and is allowed (src/a.txt of the project, not src/src/a.txt)
	[ "$(is_error 2)" = false ]
	[ "$(text 2)" = one ]
	cd "$PROJ"
	[ "$(cat .ai/policy.yaml)" = '# the project layer' ]
	[ "$(cat .claude/settings.json)" = '{}' ]
	audit | has 'select(.event=="decision" and .decision.rule=="protect-guard") | any(.risk.targets[]; . == ".ai/policy.yaml")'
	# a server on a folder of guard's own: a bare name there is guard's file, existing or not
	run --separate-stderr client "[$(call write_file '{"path":"settings.local.json","content":"{}"}'),$(call write_file '{"path":"settings.json","content":"{}"}')]" \
		guard mcp --name fs -- "${FSP[@]}" "$PROJ/.claude"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"rule protect-guard"* ]]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"rule protect-guard"* ]]
	[ ! -e .claude/settings.local.json ]
	[ "$(cat .claude/settings.json)" = '{}' ]
	# the same given as --root=DIR: the value is the folder
	run --separate-stderr client "[$(call write_file '{"path":"policy.yaml","content":"x"}')]" \
		guard mcp --name fs -- sh -c 'exec "$@"' --root="$PROJ/.ai" "${FSP[@]}" "$PROJ/.ai"
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"rule protect-guard"* ]]
	[ "$(cat .ai/policy.yaml)" = '# the project layer' ]
}

@test "attacker: a server started with more folders than guard judges against asks a person for a relative path" {
	args_srv
	for i in $(seq 1 8); do mkdir -p "d$i"; done
	run --separate-stderr client "[$(call save_file '{"path":"src/x.txt","content":"x"}'),$(call save_file '{"path":"'"$PROJ"'/src/y.txt","content":"y"}')]" \
		guard mcp --name args -- "${ARGS[@]}" d1 d2 d3 d4 d5 d6 d7 d8
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"approval required"* ]]
	audit | has 'select(.event=="decision") | any(.risk.reasons[]; test("started with more than 7 folders"))'
	[ ! -e src/x.txt ]
}

@test "attacker: a cancellation names the waiting call by its id as spelled, even beyond a double (1e400, 12345678901234567890123)" {
	user_policy <<<'approval: {hook_wait: 50s}'
	call() { echo '{"jsonrpc":"2.0","id":'"$1"',"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/etc/guard-mcp-cancel-test","content":"c"}}}'; }
	cancel() { echo '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"no","requestId":'"$1"'}}'; }
	# cancel_run ID CANCEL-ID: the call, its cancellation, a ping; then the client leaves
	cancel_run() {
		rm -rf "$PROJ/.ai/approvals"
		{ init_frames; call "$1"; echo "#wait-for $PROJ/.ai/approvals/*.json"; cancel "$2"; echo '{"jsonrpc":"2.0","id":"p","method":"ping"}'; } >"$BATS_TEST_TMPDIR/in"
		rm -rf "$PROJ/.ai/audit"
		run --separate-stderr python3 "$MCPD/raw.py" --expect 2 -- guard mcp --name fs -- "${FS[@]}" <"$BATS_TEST_TMPDIR/in"
		[ "$status" -eq 0 ]
	}
	# a finite id is matched by its value, as answers are (mcp_id_take): 123456789012345678901230e-1 would be the same id
	for pair in 1e400:10e399 12345678901234567890123:; do
		id=${pair%%:*} other=${pair#*:}
		# cancelled: no answer to it, and the audit says the client cancelled it (not that it left)
		cancel_run "$id" "$id"
		[ "$(grep -c '"id":'"$id"'[,}]' <<<"$output")" -eq 0 ]
		audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") |
			.decision.effect == "deny" and (.decision.reason | contains("cancelled by the client"))'
		[ -n "$other" ] || continue
		# beyond a double, another spelling is another id: it cancels nothing, the call waits until the client leaves
		cancel_run "$id" "$other"
		[ "$(grep -c '"id":'"$id"'[,}]' <<<"$output")" -eq 1 ]
		audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") |
			.decision.effect == "deny" and (.decision.reason | contains("the client closed its side"))'
		[ ! -e /etc/guard-mcp-cancel-test ]
	done
}

# ---- the governed call's cost: the answer is relayed before its result is recorded (issue 17) ----

@test "the answer reaches the client before its result is recorded; a proxy killed between the two leaves the decision record" {
	args_srv
	export GUARD_AUDIT_LOCK_TIMEOUT_MS=60000
	{
		init_frames
		echo '{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"slow","arguments":{"until":"go"}}}'
	} >"$BATS_TEST_TMPDIR/in"
	out=$BATS_TEST_TMPDIR/raw.out
	python3 "$MCPD/raw.py" --expect 2 -- guard mcp --name args -- "${ARGS[@]}" <"$BATS_TEST_TMPDIR/in" >"$out" 2>&1 3>&- &
	rawpid=$!
	# the decision record is synced before the call goes out
	decided() { audit | grep -q '"event":"decision"'; }
	wait_for "the decision record" decided
	# a writer holds the audit log's lock: the result record cannot be written until it lets go
	audit_lock_hold
	touch go
	# the answer is the client's while the record waits for the lock
	answered() { grep -Eq '"id": ?41[,}]' "$out"; }
	wait_for "the answer to the call" answered || { touch "$release"; false; }
	proxy=$(pgrep -P "$rawpid" -x guard)
	[ -n "$proxy" ]
	kill -KILL "$proxy"
	touch "$release"
	wait "$holder"
	wait "$rawpid" || true
	[ "$(jq -r 'select(.id == 41) | .result.content[0].text' "$out")" = ok ]
	# what the kill lost is the result record only: the decision record is there and the log verifies
	audit | has 'select(.event=="decision" and .tool=="mcp__args__slow") | .decision.effect == "allow"'
	[ -z "$(audit | jq -c 'select(.event=="tool.result" and .tool=="mcp__args__slow")')" ]
	guard-audit verify >/dev/null
}

# ---- an exec tool's command: on this machine or remote, from what guard knows (issue 17) ----

# exec_call COMMAND [EXTRA-ARGS-JSON]: a call of argsrv's exec tool.
exec_call() {
	call exec "$(jq -cn --arg c "$1" --argjson x "${2:-{\}}" '{command: $c} + $x')"
}

@test "attacker: a local shell server's exec tool writing guard's files is denied like the Bash tool; the server's claims of running remotely change nothing" {
	args_srv
	w='echo "default: allow" > .ai/policy.yaml'
	run --separate-stderr client "[{\"op\":\"tools\"},$(exec_call "$w"),$(exec_call "$w" '{"pod":"api-0","container":"app","namespace":"prod","host":"far.example"}'),$(exec_call 'echo hi > .git/hooks/pre-commit')]" \
		guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	# the server's list says openWorldHint (and remote: true, runsIn: pod); the calls are denied all the same
	step 0 | jq -e '.result.tools[] | select(.name == "exec") | .annotations.openWorldHint == true'
	for i in 1 2 3; do
		[ "$(is_error $i)" = true ]
		[[ "$(text $i)" == "guard denied mcp__args__exec"*"rule protect-guard"* ]]
	done
	refute grep -q '"method": *"tools/call"' "$log"
	[ ! -e .ai/policy.yaml ]
	[ ! -e .git/hooks/pre-commit ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__exec") | .risk.level == "critical" and
		any(.risk.reasons[]; test("changes guard.s own state: .ai/policy.yaml"))'
	# the same command through the Bash tool: the same verdict
	run guard-risk --command "$w"
	[ "$(jq -r .level <<<"$output")" = critical ]
}

@test "remote: a server spawned through kubectl, or named remote in a trusted layer, has its exec command rated as run remotely (a person looks); a trusted layer may say local" {
	args_srv
	mkdir -p "$BATS_TEST_TMPDIR/rbin"
	# a stand-in for kubectl exec ... -- server: what the proxy knows is the program it runs
	printf '#!/bin/sh\nexec python3 %s\n' "$MCPD/argsrv.py" >"$BATS_TEST_TMPDIR/rbin/kubectl"
	chmod +x "$BATS_TEST_TMPDIR/rbin/kubectl"
	w='echo "default: allow" > .ai/policy.yaml'
	PATH=$BATS_TEST_TMPDIR/rbin:$PATH run --separate-stderr client "[$(exec_call "$w")]" guard mcp --name kube -- kubectl exec -i pod -- srv
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"rule approve-high"*"approval required"* ]]
	audit | has 'select(.event=="decision" and .tool=="mcp__kube__exec") | .decision.rule == "approve-high" and .risk.level == "high" and
		all(.risk.reasons[]; test("guard.s own state") | not)'
	# a trusted layer names a local server remote: as before, a person looks
	user_policy <<<'mcp: {servers: {args: {remote: true}}}'
	run --separate-stderr client "[$(exec_call "$w")]" guard mcp --name args -- "${ARGS[@]}"
	[ "$(is_error 0)" = true ]
	audit | has 'select(.event=="decision" and .tool=="mcp__args__exec") | .decision.rule == "approve-high" and .risk.level == "high"'
	# and one that knows the kubectl server runs here says so: denied
	user_policy <<<'mcp: {servers: {kube: {remote: false}}}'
	PATH=$BATS_TEST_TMPDIR/rbin:$PATH run --separate-stderr client "[$(exec_call "$w")]" guard mcp --name kube -- kubectl exec -i pod -- srv
	[[ "$(text 0)" == "guard denied mcp__kube__exec"*"rule protect-guard"* ]]
	[ ! -e .ai/policy.yaml ]
}

@test "attacker: the project layer cannot say where a server's commands run" {
	mkdir -p .ai
	printf 'mcp:\n  servers:\n    args: {remote: true}\n' >.ai/policy.yaml
	run guard-policy --validate
	[ "$status" -eq 7 ]
	[[ "$output" == *".ai/policy.yaml:2:3: servers cannot be set in the project layer"* ]]
	# and a trusted layer says it with a boolean only
	printf 'mcp:\n  servers:\n    args: {remote: 3}\n' >"$BATS_TEST_TMPDIR/u.yaml"
	run guard-policy --validate --layer user "$BATS_TEST_TMPDIR/u.yaml"
	[ "$status" -eq 7 ]
	[[ "$output" == *"mcp.servers.args.remote: must be true or false"* ]]
}

# ---- the client's MCP roots (issue 17) ----

@test "attacker: the client's roots are learnt from its answer to the server's roots/list: a relative path under a root is judged there (guard's files denied)" {
	mkdir -p .git/hooks
	w=$(call write_file '{"path":"hooks/pre-commit","content":"#!/bin/sh\necho owned"}')
	# the client hands the server .git (percent-encoded); the server then resolves relative paths there
	MCP_ROOTS='["file://'"$PROJ"'/%2Egit"]' run --separate-stderr client "[{\"op\":\"rootsasked\"},$w]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	[ "$(step 0 | jq -r .ok)" = true ]
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == "guard denied mcp__fs__write_file"*"rule protect-guard"* ]]
	[ ! -e .git/hooks/pre-commit ]
	[[ "$stderr" == *"1 folder of the client's roots"* ]]
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__write_file") | any(.risk.targets[]; . == ".git/hooks/pre-commit")'
}

@test "attacker: roots only add folders: guard's directory stays judged; other hosts, other schemes and overlong URIs are not roots; too many make calls high" {
	other=$BATS_TEST_TMPDIR/other
	mkdir -p "$other"
	long=file:///$(head -c 5000 /dev/zero | tr '\0' a)
	w=$(call write_file '{"path":".ai/policy.yaml","content":"default: allow"}')
	MCP_ROOTS='["file://'"$other"'","https://evil.example/","file://far.example/x","'"$long"'"]' \
		run --separate-stderr client "[{\"op\":\"rootsasked\"},$w]" guard mcp --name fs -- "${FS[@]}"
	[ "$status" -eq 0 ]
	# the server would write it under $other; guard still judges it against its own directory
	[[ "$(text 1)" == "guard denied mcp__fs__write_file"*"rule protect-guard"* ]]
	[ ! -e .ai/policy.yaml ] && [ ! -e "$other/.ai/policy.yaml" ]
	[[ "$stderr" == *"1 folder of the client's roots"* ]]
	# more folders than the risk stage judges against: a person looks at every call
	many=$(for i in $(seq 1 20); do mkdir -p "$other/r$i"; echo "file://$other/r$i"; done | jq -R . | jq -sc .)
	r=$(call read_text_file '{"path":"a.txt"}')
	MCP_ROOTS=$many run --separate-stderr client "[{\"op\":\"rootsasked\"},$r]" guard mcp --name fs -- "${FS[@]}"
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"rule approve-high"* ]]
	audit | has 'select(.event=="decision" and .tool=="mcp__fs__read_text_file") | any(.risk.reasons[]; test("more than 7 folders"))'
	[[ "$stderr" == *"past the 16 folders kept"* ]]
}

@test "session: a relative path is judged and counted under the client's roots too (guard run from src/)" {
	fs_session 'max_files_created: 5'
	mkdir -p "$SRC/other/sub" "$PROJ/outside/sub"
	cd "$SRC"
	w=$(call write_file '{"path":"sub/n.txt","content":"x"}')
	# a root under src/: the write lands there, and is counted there
	MCP_ROOTS='["file://'"$SRC"'/other"]' run --separate-stderr client "[{\"op\":\"rootsasked\"},$w]" guard mcp --name fs -- "${FSS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 1)" = false ]
	[ -e "$SRC/other/sub/n.txt" ]
	jq -e '.files["src/other/sub/n.txt"] == "created" and .counters.files_created == 1' "$STATE"
	# attacker: a root outside src/ makes the same relative write a new file there, which the unattended profile denies
	MCP_ROOTS='["file://'"$PROJ"'/outside"]' run --separate-stderr client "[{\"op\":\"rootsasked\"},$w]" guard mcp --name fs -- "${FSS[@]}"
	[ "$(is_error 1)" = true ]
	[[ "$(text 1)" == *"new files go only under src/ and tests/"* ]]
	[ ! -e "$PROJ/outside/sub/n.txt" ]
}

@test "attacker: an exec call whose analysis runs past the deadline is denied and recorded, and the proxy goes on (the hook's 10 s bound, J17)" {
	args_srv
	# 1,600 folders to list: no analysis of the glob ends within 1 ms
	mkdir -p t/d{1..40}/e{1..40}/f && : >t/d1/e1/f/x1
	g='ls t/*/*/*/x*'
	# GUARD_SCAN_DEADLINE_MS only shortens the deadline (tests)
	GUARD_SCAN_DEADLINE_MS=1 run --separate-stderr client "[$(exec_call "$g")]" guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	[ "$(is_error 0)" = true ]
	[[ "$(text 0)" == *"did not finish in time"* ]]
	refute grep -q '"method": *"tools/call"' "$log"
	audit | has 'select(.event=="decision" and .tool=="mcp__args__exec") | .decision.effect == "deny" and
		(.decision.reason | test("did not finish in time"))'
	# the same call with the deadline as shipped: rated in full (an exec tool asks a person), and so is the next
	run --separate-stderr client "[$(exec_call "$g"),$(exec_call 'ls src')]" guard mcp --name args -- "${ARGS[@]}"
	[ "$status" -eq 0 ]
	for i in 0 1; do
		[[ "$(text $i)" != *"did not finish in time"* ]]
		[[ "$(text $i)" == *"rule approve-high"* ]]
	done
}
