# Shared by t/bench/mcp.sh and t/bench/mcp_http.sh (sourced from the
# repository's root): the MCP test parts, the built guard, the output
# folder ($out) and a fresh git project ($proj, removed on exit with the
# pids in $pids) to run in.
#   mcp_bench_setup NAME
#   mcp_bench_table FILE.jsonl   rounds as a table: via, op, median, p90, CPU per request
mcp_bench_setup() {
	sh t/mcp/deps.sh
	[ -x bin/guard ] || { echo "bench: bin/guard is missing (run make all)" >&2; exit 2; }
	out=$root/t/bench/out
	mkdir -p "$out"
	proj=$(mktemp -d "${TMPDIR:-/tmp}/guard-$1-bench.XXXXXX")
	pids=
	trap 'kill $pids 2>/dev/null || :; rm -rf "$proj"' EXIT INT TERM
	git init -q "$proj"
}

mcp_bench_table() {
	jq -r '[.round, .via, .op, .median_us, .p90_us, .cpu_us_per_op] | @tsv' "$1" |
		awk -F'\t' 'BEGIN { printf "%-5s %-16s %10s %10s %8s\n", "round", "via, op", "median", "p90", "cpu/op" }
		     { printf "%-5s %-16s %10s %10s %8s\n", $1, $2 ", " $3, $4, $5, $6 }'
}
