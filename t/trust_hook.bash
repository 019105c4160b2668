# Helpers of the trust-*.bats files that send one Bash command through the
# real hook of a scratch project (load helper first, then this).

# setup_guard, then `guard init` in the project; T is the test's scratch folder.
setup_trust_project() {
	setup_guard
	T=$BATS_TEST_TMPDIR
	guard init >/dev/null
	[ -f .ai/policy.yaml ]
}

# The decision and reasons of the hook for one Bash command.
hook_on() {
	guard hook claude <<<"$(bash_payload "$1")" 2>/dev/null
}

decides() { # command, wanted decision (regex); the reason is left in REASON
	local out got
	out=$(hook_on "$1")
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"$out")
	REASON=$(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out")
	# the hook answers an ask with deny and the approval request it made
	[[ $got == deny && $REASON == *"approval required"* ]] && got=ask
	if ! [[ $got =~ ^($2)$ ]]; then
		echo "got $got (wanted $2) for: $1"
		echo "$out"
		return 1
	fi
}

# Run cmd for real in a copy of the project; true when it changed the copy's .ai/policy.yaml.
replaces_policy_for_real() {
	local copy=$T/real.$RANDOM
	cp -a "$PROJ" "$copy"
	(cd "$copy" && eval "$1") >/dev/null 2>&1 || true
	! cmp -s "$PROJ/.ai/policy.yaml" "$copy/.ai/policy.yaml"
}
