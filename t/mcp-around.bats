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

@test "attack5 F16: loopback however spelled reaches the governed upstream (numeric IPv4, 127/8, IPv6, localhost., *.localhost, 0)" {
	local bad=0 c
	for c in 'curl -s -X POST http://2130706433:3001/mcp -d x' 'curl http://0x7f000001:3001/mcp' \
		'curl http://017700000001:3001/mcp' 'curl http://127.1:3001/mcp' 'curl http://127.0.0.2:3001/mcp' \
		'curl http://127.255.255.254:3001/mcp' 'curl http://[::ffff:127.0.0.1]:3001/mcp' \
		'curl http://[::ffff:7f00:1]:3001/mcp' 'curl http://[0:0:0:0:0:0:0:1]:3001/mcp' \
		'curl http://localhost.:3001/mcp' 'curl http://LocalHost:3001/mcp' 'curl http://x.localhost:3001/mcp' \
		'curl http://0.0.0.0:3001/mcp' 'curl http://0:3001/mcp' 'curl http://[::]:3001/mcp' \
		'http POST :3001/mcp' 'xh :3001/mcp'; do
		[ "$(level "$c")" = high ] || { echo "# not high: $c"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ]
	[[ "$(guard-risk --command 'curl http://2130706433:3001/mcp' | jq -r '.reasons[0]')" == *"MCP server 'every' guard governs"* ]]
	run guard hook claude <<<"$(bash_payload 'curl -s -X POST http://0x7f000001:3001/mcp -d x')"
	[ "$(decision_of)" != allow ]
}

@test "attack5 F16: curl told to connect elsewhere (--resolve, --connect-to, a proxy) and raw sockets (nc, ncat, telnet, socat)" {
	local bad=0 c
	for c in 'curl --resolve x:3001:127.0.0.1 http://x:3001/mcp' 'curl --resolve=x:3001:127.1 http://x:3001/mcp' \
		'curl --resolve x:3001:[::1] http://x:3001/mcp' 'curl --connect-to ::127.0.0.1:3001 http://example.com/mcp' \
		'curl --connect-to example.com:80:2130706433:3001 http://example.com/mcp' \
		'curl --connect-to ::127.0.0.1: http://example.com:3001/mcp' \
		'curl -x http://127.0.0.1:3001 http://example.com/mcp' 'curl --proxy 127.1:3001 http://example.com/mcp' \
		'nc 127.0.0.1 3001 < src/req' 'nc 2130706433 3001' 'ncat 127.1 3001' 'netcat localhost 3001' \
		'telnet 0x7f000001 3001' 'socat - TCP:127.0.0.1:3001' 'socat STDIO tcp4-connect:127.1:3001,crlf' \
		'socat - TCP6:[::1]:3001'; do
		[ "$(level "$c")" = high ] || { echo "# not high: $c"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ]
}

@test "attack5 F16: the same spellings on another port, a name guard cannot resolve, or a DNS name starting with 127. stay as they were" {
	[ "$(level 'curl http://127.0.0.1:8080/health')" = low ]
	[ "$(level 'curl http://2130706433:8080/health')" = low ]  # this machine: local for allowed_hosts too
	[ "$(level 'curl http://[::ffff:127.0.0.1]:8080/x')" = low ]
	[ "$(level 'curl --resolve x:8080:127.0.0.1 http://x:8080/')" != high ]
	[ "$(level 'nc -z 127.0.0.1 8080')" = medium ]          # a raw connection, as before
	# no address without DNS: as today (not in allowed_hosts)
	[ "$(level 'curl http://x.localtest.me:3001/mcp')" = medium ]
	# 127.attacker.example is a DNS name, not the loopback network: not local any more
	[ "$(guard-risk --command 'curl http://127.attacker.example/x' | jq -r '.reasons[0]')" = \
		"curl reaches a host not in allowed_hosts: 127.attacker.example" ]
	# 2130706433 is local for allowed_hosts: WebFetch to it is a loopback address
	run guard-risk <<<'{"tool":"WebFetch","input":{"url":"http://2130706433:8080/"}}'
	[[ "$output" == *"private, loopback or metadata address"* ]]
}
