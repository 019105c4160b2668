#!/bin/sh
# guard mcp's cost (issue 17), side by side in one run with the same
# client (the SDK's, t/mcp/bench.mjs) and server (the reference
# "everything" server): a governed tools/call (echo) and a passed-through
# ping, direct and through `guard mcp`, rounds interleaved; then memory
# over many governed calls. Numbers for t/bench/RESULTS.md; nothing is
# asserted.
#   MCP_BENCH_N=2000        requests per timed run
#   MCP_BENCH_ROUNDS=3      interleaved rounds
#   MCP_BENCH_MEM_N=100000  governed calls in the memory run (0: skip)
#   MCP_BENCH_BASE=PATH     another build's guard (main's, say): its rows
#                           ("base guard mcp") run in the same rounds
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
N=${MCP_BENCH_N:-2000}
ROUNDS=${MCP_BENCH_ROUNDS:-3}
MEM_N=${MCP_BENCH_MEM_N:-100000}
. t/bench/mcp_lib.sh
mcp_bench_setup mcp
cd "$proj"
ev="node $root/t/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
bench() { node "$root/t/mcp/bench.mjs" "$@"; }
: >"$out/mcp.jsonl"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for op in call ping; do
		# shellcheck disable=SC2086  # $ev is a command line
		printf '{"round":%d,"via":"direct",%s\n' "$r" "$(bench "$op" "$N" -- $ev | cut -c2-)" >>"$out/mcp.jsonl"
		# shellcheck disable=SC2086
		printf '{"round":%d,"via":"guard mcp",%s\n' "$r" "$(bench "$op" "$N" -- "$root/bin/guard" mcp --name every -- $ev | cut -c2-)" >>"$out/mcp.jsonl"
		if [ -n "${MCP_BENCH_BASE:-}" ]; then
			# shellcheck disable=SC2086
			printf '{"round":%d,"via":"base",%s\n' "$r" "$(bench "$op" "$N" -- "$MCP_BENCH_BASE" mcp --name every -- $ev | cut -c2-)" >>"$out/mcp.jsonl"
		fi
	done
	r=$((r + 1))
done
echo "== guard mcp: median latency per request (us), the proxy's CPU per request (us)"
mcp_bench_table "$out/mcp.jsonl"
if [ "$MEM_N" -gt 0 ]; then
	# shellcheck disable=SC2086
	bench call "$MEM_N" $((MEM_N / 10)) -- "$root/bin/guard" mcp --name every -- $ev >"$out/mcp-mem.json"
	echo "== guard mcp: RSS (kB) over $MEM_N governed calls"
	jq -r '.rss_kb[] | "  after \(.[0]) calls: \(.[1]) kB"' "$out/mcp-mem.json"
	echo "  audit records written: $(cat .ai/audit/*.jsonl | wc -l)"
fi
