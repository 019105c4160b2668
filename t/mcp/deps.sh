#!/bin/sh
# The real MCP parts t/mcp.bats drives (the SDK's client, the reference
# filesystem and everything servers), pinned by package-lock.json and
# installed with npm ci when node_modules is missing or older than the
# lock. A failed install fails loudly: t/mcp.bats then fails too, it
# never skips.
cd "$(dirname "$0")" || exit 2
if ! command -v npm >/dev/null 2>&1; then
	sh ../deps.sh nodejs npm || { echo "guard: npm is needed for t/mcp.bats (apt-get install nodejs npm)" >&2; exit 1; }
fi
stamp=node_modules/.guard-lock
[ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && exit 0
echo "guard: npm ci in t/mcp (the MCP test parts)" >&2
npm ci --no-audit --no-fund --loglevel=error >/dev/null ||
	{ echo "guard: npm ci failed in t/mcp: t/mcp.bats will fail" >&2; exit 1; }
cp package-lock.json "$stamp"
