# Helpers t/mcp.bats and t/mcp-http.bats share (load mcp/common after
# helper): reading the SDK client's step lines, the audit log, the user
# policy layer.

# mcp_setup: a fresh project (setup_guard), $MCPD, the user policy layer's
# path, no approval or session settings from outside. The MCP parts must be
# there: a missing install fails, it never skips.
mcp_setup() {
	setup_guard
	MCPD=$REPO_ROOT/t/mcp
	if [ ! -f "$MCPD/node_modules/.guard-lock" ]; then
		echo "# t/mcp/node_modules is missing: run 'make mcp-deps' (npm ci in t/mcp)" >&2
		return 1
	fi
	export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
	mkdir -p "$HOME/.config/guard"
	unset APPROVAL_WORKFLOW_ENABLED APPROVAL_TIMEOUT APPROVAL_POLLING_INTERVAL GUARD_SESSION
}

# client STEPS-JSON CMD...|URL: the SDK client through CMD (stdio) or to URL
# (Streamable HTTP); one JSON line per step.
client() {
	MCP_STEPS=$1 exec node "$MCPD/client.mjs" -- "${@:2}"
}

# step N: that step's line of $output.
step() {
	printf '%s\n' "$output" | jq -c --argjson n "$1" 'select(.step == $n)'
}

# text N: the first text content of step N's tool result.
text() {
	step "$1" | jq -r '.result.content[0].text'
}

is_error() {
	step "$1" | jq -r '.result.isError // false'
}

# has [JQ-OPTIONS] FILTER: some line of stdin makes FILTER true (jq 1.6's -e
# looks only at the last input's output).
has() {
	jq -c "$@" | grep -qx true
}

audit() {
	cat "$PROJ"/.ai/audit/*.jsonl 2>/dev/null
}

user_policy() {
	cat >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# audit_lock_hold: another writer takes the audit log's lock and holds it
# until $release exists (60 s at most, as a proxy's wait for it); $holder
# is its pid. Returns once the lock is held.
audit_lock_hold() {
	local held=$BATS_TEST_TMPDIR/held
	release=$BATS_TEST_TMPDIR/release
	flock -x .ai/audit/.lock sh -c 'n=0; touch "$0"; while [ ! -e "$1" ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done' \
		"$held" "$release" 3>&- &
	holder=$!
	wait_for_file "$held"
}
