#!/bin/sh
# guard mcp --listen's cost (issue 17, the Streamable HTTP transport),
# side by side in one run with the same client (the SDK's HTTP client,
# t/mcp/bench.mjs) and server (the reference "everything" server in
# its streamableHttp mode): a governed tools/call (echo) and a
# passed-through ping, direct and through the proxy, rounds interleaved;
# then the proxy's memory over many governed calls. Numbers for
# t/bench/RESULTS.md; nothing is asserted.
#   MCP_BENCH_N=1000        requests per timed run
#   MCP_BENCH_ROUNDS=3      interleaved rounds
#   MCP_BENCH_MEM_N=20000   governed calls in the memory run (0: skip)
#   MCP_BENCH_BASE=PATH     another build's guard (main's, say): a second
#                           proxy of it in front of the same server, its rows
#                           ("base") in the same rounds
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
N=${MCP_BENCH_N:-1000}
ROUNDS=${MCP_BENCH_ROUNDS:-3}
MEM_N=${MCP_BENCH_MEM_N:-20000}
. t/bench/mcp_lib.sh
mcp_bench_setup mcp-http
cd "$proj"

# wait_line FILE PATTERN: until the file holds the line (a started server says where it listens)
wait_line() {
	i=0
	until grep -qE "$2" "$1"; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || { echo "bench: no '$2' in $1:" >&2; cat "$1" >&2; exit 2; }
		sleep 0.1
	done
}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port node "$root/t/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js" streamableHttp \
	>"$proj/upstream.log" 2>&1 &
uppid=$!
pids="$pids $uppid"
wait_line "$proj/upstream.log" 'listening on port'
upstream=http://127.0.0.1:$port/mcp
# start_proxy GUARD NAME: guard mcp --listen in front of the server; $pxpid, $proxy
start_proxy() {
	"$1" mcp --listen 127.0.0.1:0 --upstream "$upstream" --name every 2>"$proj/$2.err" &
	pxpid=$!
	pids="$pids $pxpid"
	wait_line "$proj/$2.err" 'listening on port'
	proxy=http://127.0.0.1:$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$proj/$2.err")/mcp
}
if [ -n "${MCP_BENCH_BASE:-}" ]; then
	start_proxy "$MCP_BENCH_BASE" base
	basepid=$pxpid base=$proxy
fi
start_proxy "$root/bin/guard" proxy

bench() { node "$root/t/mcp/bench.mjs" "$@"; }
: >"$out/mcp-http.jsonl"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for op in call ping; do
		printf '{"round":%d,"via":"direct",%s\n' "$r" "$(bench "$op" "$N" -- "$upstream" "$uppid" | cut -c2-)" >>"$out/mcp-http.jsonl"
		printf '{"round":%d,"via":"guard mcp",%s\n' "$r" "$(bench "$op" "$N" -- "$proxy" "$pxpid" | cut -c2-)" >>"$out/mcp-http.jsonl"
		if [ -n "${MCP_BENCH_BASE:-}" ]; then
			printf '{"round":%d,"via":"base",%s\n' "$r" "$(bench "$op" "$N" -- "$base" "$basepid" | cut -c2-)" >>"$out/mcp-http.jsonl"
		fi
	done
	r=$((r + 1))
done
echo "== guard mcp --listen: median latency per request (us); CPU per request (us) of the server (direct) or the proxy"
mcp_bench_table "$out/mcp-http.jsonl"
if [ "$MEM_N" -gt 0 ]; then
	bench call "$MEM_N" $((MEM_N / 10)) -- "$proxy" "$pxpid" >"$out/mcp-http-mem.json"
	echo "== guard mcp --listen: the proxy's RSS (kB) over $MEM_N governed calls"
	jq -r '.rss_kb[] | "  after \(.[0]) calls: \(.[1]) kB"' "$out/mcp-http-mem.json"
	echo "  audit records written: $(cat .ai/audit/*.jsonl | wc -l)"
fi
