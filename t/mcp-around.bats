#!/usr/bin/env bats
# A shell call to the server guard mcp governs over HTTP goes around the
# proxy (attack4 A11): when the project's .mcp.json wraps a server with
# guard mcp --upstream URL, curl/wget/... to that host and port is high.

load helper

setup() {
	setup_guard
	jq -n '{mcpServers:{every:{command:"guard",args:["mcp","--listen","127.0.0.1:8931","--upstream",
		"http://127.0.0.1:3001/mcp","--name","every"]},
		other:{command:"guard",args:["mcp","--upstream=https://mcp.example.com/v1"]}}}' >.mcp.json
}

level() { guard-risk --command "$1" | jq -r .level; }

@test "curl POSTing a tools/call to the governed upstream is high, naming the server and the way around" {
	run guard-risk --command "curl -s -X POST http://127.0.0.1:3001/mcp -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}'"
	[ "$status" -eq 0 ]
	[ "$(jq -r .level <<<"$output")" = high ]
	[[ "$(jq -r '.reasons[0]' <<<"$output")" == "curl reaches the MCP server 'every' guard governs (its --upstream in .mcp.json) around guard mcp: http://127.0.0.1:3001/mcp" ]]
	run guard hook claude <<<"$(bash_payload 'curl -s -X POST http://127.0.0.1:3001/mcp -d x')"
	[ "$(decision_of)" != allow ]
}

@test "other spellings of the same server: localhost, a bare host:port, wget, --url, the https default port" {
	[ "$(level 'curl http://localhost:3001/mcp')" = high ]
	[ "$(level 'curl 127.0.0.1:3001/mcp')" = high ]
	[ "$(level 'wget -qO- http://127.0.0.1:3001/')" = high ]
	[ "$(level 'curl --url http://[::1]:3001/mcp')" = high ]
	[ "$(level 'curl https://mcp.example.com/v1')" = high ]
	[ "$(level 'curl https://mcp.example.com:443/other')" = high ]
}

@test "guard's own listener, another port or another host stay as they were" {
	[ "$(level 'curl http://127.0.0.1:8931/mcp')" = low ]
	[ "$(level 'curl http://127.0.0.1:3002/mcp')" = low ]
	[ "$(level 'curl http://mcp.example.com/v1')" = medium ]
	rm .mcp.json
	[ "$(level 'curl http://127.0.0.1:3001/mcp')" = low ]
	# a .mcp.json that is not JSON names no server
	echo '{' >.mcp.json
	[ "$(level 'curl http://127.0.0.1:3001/mcp')" = low ]
}
