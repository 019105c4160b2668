# Helpers of the trust-*.bats files that send one Bash command through the
# real hook of a scratch project (load helper first, then this; hook_on
# and decides are helper's).

# setup_guard, then `guard init` in the project; T is the test's scratch folder.
setup_trust_project() {
	setup_guard
	T=$BATS_TEST_TMPDIR
	guard init >/dev/null
	[ -f .ai/policy.yaml ]
}

# Run cmd for real in a copy of the project; true when it changed the copy's .ai/policy.yaml.
replaces_policy_for_real() {
	local copy=$T/real.$RANDOM
	cp -a "$PROJ" "$copy"
	(cd "$copy" && eval "$1") >/dev/null 2>&1 || true
	! cmp -s "$PROJ/.ai/policy.yaml" "$copy/.ai/policy.yaml"
}
