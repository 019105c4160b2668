# Shared by the approval-binding suites (approve-bind, attack10-bind):
# alice approves from the user policy; the hook is driven as the agent.

setup() {
	setup_approvals
	printf 'principals:\n  alice@example.com: {roles: [admin]}\n' >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# The hook's answer for a Bash command: $output, and its decision in $dec.
hook() {
	run guard hook claude <<<"$(bash_payload "$1")"
	[ "$status" -eq 0 ]
	dec=$(decision_of)
}

# $1 is asked again: a new request, not the approval.
asked_again() {
	hook "$1"
	[ "$dec" = deny ]
	[[ "$output" == *"approval required"* ]]
}

# Ask for $1, approve the request it made, and print nothing. The request
# is found by its command (up to a line break or a quote, which the
# summary quotes): two asked in the same second have no order.
approve_it() {
	hook "$1"
	[ "$dec" = deny ]
	local id key=${1%%[$'\n'\']*}
	# the request this call made, by the id its answer names (an earlier one
	# of the same command may wait too); else found by its command
	id=$(grep -o 'Request [0-9a-f-]\{36\}' <<<"$output" | head -1 | cut -d' ' -f2)
	[ -n "$id" ] || id=$(guard-approve list --json --as alice@example.com |
		jq -r --arg c "$key" '[.[] | select(.status == "pending" and (.summary | contains($c)))] | last | .id')
	[ -n "$id" ] && [ "$id" != null ]
	guard-approve approve "$id" --as alice@example.com >/dev/null
}

# The gate's answer (JSON) for the agent's Bash command $1 from $PROJ.
gate_of() {
	jq -cn --arg c "$1" --arg cwd "$PROJ" '{tool:"Bash",input:{command:$c},cwd:$cwd,actor:{user:"claude",role:"agent"}}' |
		guard-approve gate
}

# $1 approved; $2 (shell) changes what it reads: asked again; $3 undoes
# the change: the approval is used, once.
rebound() {
	approve_it "$1"
	eval "$2"
	asked_again "$1"
	eval "$3"
	hook "$1"
	[ "$dec" = allow ]
	[[ "$output" == *guard.approved* ]]
}
