#!/usr/bin/env bats
# guard-approve: the approval store, its verbs, the gate and the hook's ask.

load helper

setup() {
	setup_approvals
	reviewers alice@example.com bob@example.com
}

# The user layer names these people as admins (no keys), plus any extra YAML on stdin.
reviewers() {
	{
		echo "principals:"
		for r in "$@"; do printf '  %s: {roles: [admin]}\n' "$r"; done
		echo "  viewer@example.com: {roles: [reviewer]}"
		[ -t 0 ] || cat
	} >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# A pending request for a force push (or the command given); prints its id.
force_push='git push --force origin fix/parser'
request() {
	guard-approve request --as "${AS:-claude}" --command "${1:-$force_push}"
}

file_of() { echo "$PROJ/.ai/approvals/$1.json"; }

# Gate a Bash command (from cwd $2, default $PROJ) and print the event.
gate() {
	jq -cn --arg c "$1" --arg cwd "${2:-$PROJ}" '{tool:"Bash",input:{command:$c},cwd:$cwd,actor:{user:"claude",role:"agent"}}' |
		guard-approve gate
}

@test "guard-approve --help names every verb and the exit codes" {
	run guard-approve --help
	[ "$status" -eq 0 ]
	for v in request list show status approve reject cancel wait gate expire keygen verify; do
		[[ "$output" == *"$v"* ]]
	done
	[[ "$output" == *"4 already decided"* ]]
	run guard-approve frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown verb 'frobnicate'"* ]]
	run guard-approve
	[ "$status" -eq 2 ]
}

@test "request writes one pretty, sorted, redacted-size JSON file with the design's fields" {
	id=$(request)
	[[ "$id" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
	f=$(file_of "$id")
	[ -f "$f" ]
	jq -e . "$f" >/dev/null
	# pretty, keys sorted
	[ "$(jq -S . "$f")" = "$(cat "$f")" ]
	for k in v id project session trace_id tool summary action_digest risk requested_by requested_at \
		 expires_at status decisions decided_at consumed_at; do
		jq -e --arg k "$k" 'has($k)' "$f" >/dev/null
	done
	[ "$(jq -r .status "$f")" = pending ]
	[ "$(jq -r .summary "$f")" = "Bash: $force_push" ]
	[ "$(jq -r .risk.level "$f")" = high ]
	[ "$(jq -r .requested_by "$f")" = claude ]
	# the lock and the index stay out of git
	[ "$(cat "$PROJ/.ai/approvals/.gitignore")" = "$(printf '.lock\n.locks/\n.tmp/\n.digest/')" ]
}

@test "a request's summary is short and never carries file contents; the input is stored whole, secrets redacted" {
	long=$(printf 'echo %0300d' 0)
	id=$(request "$long")
	[ "$(jq -r '.summary | length' "$(file_of "$id")")" -le 170 ]
	[ "$(jq -r .input.command "$(file_of "$id")")" = "$long" ]
	id=$(jq -cn --arg p "$PROJ/src/a.c" '{tool:"Write",input:{file_path:$p,content:"CONTENT-LINE\nkey=AKIAIOSFODNN7EXAMPLE"},actor:{user:"claude"}}' |
		guard-approve request)
	f=$(file_of "$id")
	[ "$(jq -r .summary "$f")" = "Write: $PROJ/src/a.c" ]
	# what is approved is what runs (issue 10): the content is there, its secret is not
	[ "$(jq -r .input.content "$f")" = "$(printf 'CONTENT-LINE\nkey=[REDACTED:aws-access-key]')" ]
	refute grep -q AKIAIOSFODNN7EXAMPLE "$f"
}

@test "F19: a request made directly keeps guard's rating and the caller as requester; the event's claims are shown apart" {
	cd "$PROJ"
	id=$(jq -cn '{tool:"Bash",input:{command:"git reset --hard HEAD~5"},summary:"Bash: ls",
		risk:{level:"low",class:"R",reasons:["lists files, harmless"]},actor:{user:"alice@example.com",role:"admin"}}' |
		guard-approve request --as claude)
	f=$(file_of "$id")
	[ "$(jq -r .risk.level "$f")" = high ]
	[ "$(jq -r '.risk.reasons[0]' "$f")" = "git reset --hard discards uncommitted changes" ]
	[ "$(jq -r .requested_by "$f")" = claude ]
	[ "$(jq -r .summary "$f")" = "Bash: git reset --hard HEAD~5" ]
	[ "$(jq -r .direct.claimed_level "$f")" = low ]
	[ "$(jq -r .direct.claimed_by "$f")" = alice@example.com ]
	run guard-approve show "$id" --as alice@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"risk      high"* ]]
	[[ "$output" == *"by        claude at"* ]]
	[[ "$output" == *"asked     directly (guard-approve request), not by guard's hook"* ]]
	[[ "$output" == *"claimed   risk low"* ]]
	[[ "$output" == *"claimed   reason lists files, harmless"* ]]
	[[ "$output" == *"claimed   by alice@example.com"* ]]
	# the agent cannot add a "claimed" or "direct" of its own to look like guard's
	id2=$(jq -cn '{tool:"Bash",input:{command:"git reset --hard HEAD~6"},claimed:{risk:{level:"critical"}},direct:{claimed_level:"x"}}' |
		guard-approve request --as claude)
	[ "$(jq -r '.direct.claimed_level // "none"' "$(file_of "$id2")")" = none ]
	[ "$(jq -r .risk.level "$(file_of "$id2")")" = high ]
	# the same claim of a lower risk over --tool/--input is no path around it either
	id3=$(guard-approve request --as claude --tool Bash --input '{"command":"git reset --hard HEAD~7"}')
	[ "$(jq -r .risk.level "$(file_of "$id3")")" = high ]
}

@test "request reuses the pending request of the same action, and not of another" {
	a=$(request)
	run request
	[ "$status" -eq 0 ]
	[ "$output" != "" ]
	[[ "$output" == *"$a"* ]]
	[[ "$output" == *"a pending request for this exact action exists"* ]]
	b=$(request 'git push --force origin other')
	[ "$a" != "$b" ]
	[ "$(ls "$PROJ/.ai/approvals/"*.json | wc -l)" -eq 2 ]
}

@test "a request without an action is refused with exit 2" {
	run guard-approve request <<<'not json'
	[ "$status" -eq 2 ]
	run guard-approve request --tool Bash --input '[1]'
	[ "$status" -eq 2 ]
	[[ "$output" == *"--input must be a JSON object"* ]]
}

@test "approve records the reviewer, then the gate allows that exact action once" {
	id=$(request)
	run guard-approve approve "${id:0:8}" --as alice@example.com --reason 'agreed in standup'
	[ "$status" -eq 0 ]
	[[ "$output" == *"approved by alice@example.com"* ]]
	# the person is told what a prefix named, as sudo says the command
	[ "$(sed -n 2p <<<"$output")" = "  action  $(jq -r .summary "$(file_of "$id")")" ]
	[[ "$(sed -n 3p <<<"$output")" == "  risk    "?* ]]
	f=$(file_of "$id")
	[ "$(jq -r .status "$f")" = approved ]
	[ "$(jq -r '.decisions[0].by + " " + .decisions[0].verdict + " " + .decisions[0].comment + " " + .decisions[0].role' "$f")" = \
	  "alice@example.com approve agreed in standup admin" ]
	out=$(gate "$force_push")
	[ "$(jq -r .decision.effect <<<"$out")" = allow ]
	[ "$(jq -r .decision.rule <<<"$out")" = guard.approved ]
	[ "$(jq -r .approval.status <<<"$out")" = consumed ]
	[ "$(jq -r .status "$f")" = consumed ]
	[ "$(jq -r .consumed_at "$f")" != null ]
	# a replay is not allowed: a new pending request instead
	out=$(gate "$force_push")
	[ "$(jq -r .decision.effect <<<"$out")" = ask ]
	[ "$(jq -r .approval.status <<<"$out")" = pending ]
	[ "$(jq -r .approval.id <<<"$out")" != "$id" ]
}

@test "an approval for action A never allows action B" {
	id=$(request)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	# another argument, another command, another cwd
	[ "$(gate 'git push --force origin feature/x' | jq -r .decision.effect)" = ask ]
	[ "$(gate 'git push --force origin fix/parser2' | jq -r .decision.effect)" = ask ]
	[ "$(gate 'git reset --hard HEAD~3' | jq -r .decision.effect)" = ask ]
	mkdir -p "$PROJ/src/sub"
	[ "$(gate "$force_push" "$PROJ/src/sub" | jq -r .decision.effect)" = ask ]
	# another project with the very same command and a copy of the approval
	other=$BATS_TEST_TMPDIR/other
	git init -q "$other"
	mkdir -p "$other/.ai"
	cp -r "$PROJ/.ai/approvals" "$other/.ai/"
	[ "$(gate "$force_push" "$other" | jq -r .decision.effect)" = ask ]
	# still unconsumed, so A itself passes
	[ "$(gate "$force_push" | jq -r .decision.effect)" = allow ]
}

@test "a second decision changes nothing and exits 4 naming who decided and when" {
	id=$(request)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	before=$(cat "$(file_of "$id")")
	run guard-approve reject "$id" --as bob@example.com
	[ "$status" -eq 4 ]
	[[ "$output" == *"already approved"* ]]
	[[ "$output" == *"alice@example.com at 20"* ]]
	[ "$(cat "$(file_of "$id")")" = "$before" ]
	run guard-approve cancel "$id" --as alice@example.com
	[ "$status" -eq 4 ]
}

@test "reject rejects, and a rejected request never lets the action pass" {
	id=$(request)
	run guard-approve reject "$id" --as bob@example.com --reason 'not on a Friday'
	[ "$status" -eq 0 ]
	[[ "$output" == *"rejected by bob@example.com"* ]]
	run guard-approve status "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *rejected* ]]
	# the agent hears the rejection (approve-trust.bats has the rest)
	[ "$(gate "$force_push" | jq -r .decision.effect)" = deny ]
}

@test "the requester cannot approve its own request" {
	id=$(AS=alice@example.com request)
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot approve it"* ]]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
	[ "$(jq '.decisions | length' "$(file_of "$id")")" -eq 0 ]
}

@test "deciding needs approval.manage from the user or managed layer; the missing right is named" {
	id=$(request)
	run guard-approve approve "$id" --as mallory@example.com
	[ "$status" -eq 1 ]
	[[ "$output" == *"approval.manage"* ]]
	run guard-approve approve "$id" --as viewer@example.com
	[ "$status" -eq 1 ]
	[[ "$output" == *"lacks the permission approval.manage"* ]]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
}

@test "a principal added only in the project layer cannot approve" {
	id=$(request)
	mkdir -p "$PROJ/.ai"
	printf 'principals:\n  mallory@example.com: {roles: [admin]}\n' >"$PROJ/.ai/policy.yaml"
	chmod 600 "$PROJ/.ai/policy.yaml"
	run guard-approve approve "$id" --as mallory@example.com
	[ "$status" -ne 0 ]
	[[ "$output" == *"principals"* ]]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
}

@test "a critical action needs two distinct approvers; one reviewer decides once" {
	id=$(request 'git push --force origin main')
	[ "$(jq -r .risk.level "$(file_of "$id")")" = critical ] || {
		# rate it critical by hand when the policy calls it high
		jq '.risk.level = "critical"' "$(file_of "$id")" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$(file_of "$id")"
	}
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"more approvers needed"* ]]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 4 ]
	[[ "$output" == *"one decision per reviewer"* ]]
	run guard-approve approve "$id" --as bob@example.com
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$(file_of "$id")")" = approved ]
}

@test "short id prefixes resolve; an ambiguous one lists the candidates and exits 2; unknown exits 5" {
	id=$(request)
	run guard-approve status "${id:0:4}"
	[ "$status" -eq 3 ]
	[[ "$output" == "$id pending "* ]]
	# two files sharing a prefix (the copy a tick after guard's own write:
	# see "Short id prefixes" in share/doc/decisions.md)
	wait_for_clock_tick "$PROJ/.ai/approvals"
	other=${id:0:2}ffffff-0000-4000-8000-000000000000
	jq --arg i "$other" '.id = $i' "$(file_of "$id")" >"$(file_of "$other")"
	run guard-approve status "${id:0:2}"
	[ "$status" -eq 2 ]
	[[ "$output" == *ambiguous* ]]
	[[ "$output" == *"$id"* ]]
	[[ "$output" == *"$other"* ]]
	run guard-approve status 0123abcd-0000-4000-8000-000000000000
	[ "$status" -eq 5 ]
	run guard-approve status 99999
	[ "$status" -eq 5 ]
}

@test "ids with ../, / or other characters, and a symlinked approvals folder, are refused" {
	id=$(request)
	for bad in '../x' "../$id" "/etc/passwd" "$id/../$id" 'ab cd' 'ABCDEF'; do
		run guard-approve status "$bad"
		[ "$status" -eq 2 ]
		[[ "$output" == *"not an approval id"* ]]
	done
	mv "$PROJ/.ai/approvals" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$PROJ/.ai/approvals"
	run guard-approve status "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"symlink"* ]]
	run gate "$force_push"
	[[ "$output" == *'"effect":"deny"'* ]]
	[[ "$output" == *symlink* ]]
}

@test "a request file that is not an approval request is refused, not trusted" {
	id=$(request)
	f=$(file_of "$id")
	jq '.id = "00000000-0000-4000-8000-000000000000"' "$f" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$f"
	run guard-approve status "$id"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not an approval request"* ]]
	printf '{"id": "%s", trunc' "$id" >"$f"
	run guard-approve status "$id"
	[ "$status" -eq 2 ]
}

@test "status exits by state: 3 pending, 0 approved, 4 consumed, 6 expired" {
	id=$(request)
	run guard-approve status "$id"
	[ "$status" -eq 3 ]
	[[ "$output" =~ pending\ [0-9]+s$ ]]
	guard-approve approve "$id" --as alice@example.com >/dev/null
	run guard-approve status "$id"
	[ "$status" -eq 0 ]
	gate "$force_push" >/dev/null
	run guard-approve status "$id"
	[ "$status" -eq 4 ]
	[[ "$output" == *consumed* ]]
	id=$(request 'git push --force origin x')
	jq '.expires_at = "2020-01-01T00:00:00Z"' "$(file_of "$id")" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$(file_of "$id")"
	run guard-approve status "$id"
	[ "$status" -eq 6 ]
	[[ "$output" == *expired* ]]
}

@test "an expired request is never pending: it cannot be approved, and expire records it" {
	id=$(request)
	f=$(file_of "$id")
	jq '.expires_at = "2020-01-01T00:00:00Z"' "$f" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$f"
	run guard-approve list --as alice@example.com --json
	[ "$(jq length <<<"$output")" -eq 0 ]
	[ "$(jq -r .status "$f")" = pending ]
	run guard-approve expire
	[ "$status" -eq 0 ]
	[[ "$output" == *"expired $id"* ]]
	[ "$(jq -r .status "$f")" = expired ]
	[ "$(jq -r .decided_at "$f")" = "2020-01-01T00:00:00Z" ]
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 4 ]
	[[ "$output" == *"expired"* ]]
	[ "$(jq '.decisions | length' "$f")" -eq 0 ]
	# the next ask for the action opens a fresh request
	[ "$(gate "$force_push" | jq -r .approval.id)" != "$id" ]
}

@test "an approved request that expired unused no longer allows" {
	id=$(request)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	f=$(file_of "$id")
	jq '.expires_at = "2020-01-01T00:00:00Z"' "$f" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$f"
	[ "$(gate "$force_push" | jq -r .decision.effect)" = ask ]
}

@test "list shows pending requests, filters, pages and speaks JSON" {
	a=$(request)
	b=$(AS=dev@example.com request 'rm -rf ~/old')
	c=$(request 'git push --force origin y')
	guard-approve reject "$c" --as alice@example.com >/dev/null
	run guard-approve list --as alice@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"${a:0:8}"* ]]
	[[ "$output" == *"${b:0:8}"* ]]
	[[ "$output" != *"${c:0:8}"* ]]
	[ "$(guard-approve list --as alice@example.com --json | jq length)" -eq 2 ]
	[ "$(guard-approve list --as alice@example.com --json --status all | jq length)" -eq 3 ]
	[ "$(guard-approve list --as alice@example.com --json --status rejected | jq -r '.[0].id')" = "$c" ]
	[ "$(guard-approve list --as alice@example.com --json --requester dev@example.com | jq -r '.[0].id')" = "$b" ]
	[ "$(guard-approve list --as alice@example.com --json --tool 'Wr*' | jq length)" -eq 0 ]
	[ "$(guard-approve list --as alice@example.com --json --risk high+ | jq length)" -eq 2 ]
	[ "$(guard-approve list --as alice@example.com --json --older-than 1h | jq length)" -eq 0 ]
	[ "$(guard-approve list --as alice@example.com --json --newer-than 1h | jq length)" -eq 2 ]
	[ "$(guard-approve list --as alice@example.com --json --status all --limit 2 | jq length)" -eq 2 ]
	[ "$(guard-approve list --as alice@example.com --json --status all --limit 2 --offset 2 | jq length)" -eq 1 ]
	run guard-approve list --as alice@example.com --risk severe
	[ "$status" -eq 2 ]
	run guard-approve list --as alice@example.com --limit -1
	[ "$status" -eq 2 ]
}

@test "viewing needs approval.view" {
	request >/dev/null
	run guard-approve list --as mallory@example.com
	[ "$status" -eq 1 ]
	[[ "$output" == *"approval.view"* ]]
	run guard-approve list --as viewer@example.com
	[ "$status" -eq 0 ]
	id=$(guard-approve list --as viewer@example.com --json | jq -r '.[0].id')
	run guard-approve show "$id" --as mallory@example.com
	[ "$status" -eq 1 ]
	run guard-approve show "$id" --as viewer@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"action    Bash: $force_push"* ]]
}

@test "keygen writes a 0600 key, prints the policy lines, and will not overwrite it" {
	run guard-approve keygen --no-passphrase --as alice@example.com
	[ "$status" -eq 0 ]
	k=$HOME/.config/guard/keys/alice@example.com.key
	[ "$(stat -c %a "$k")" = 600 ]
	[ "$(stat -c %a "$(dirname "$k")")" = 700 ]
	[[ "$output" == *'key: "ed25519:'* ]]
	[[ "$output" == *"alice@example.com:"* ]]
	run guard-approve keygen --no-passphrase --as alice@example.com
	[ "$status" -eq 4 ]
	run guard-approve keygen --no-passphrase --as alice@example.com --force
	[ "$status" -eq 0 ]
	run guard-approve keygen --no-passphrase --as '../evil'
	[ "$status" -eq 2 ]
}

# Give alice a key in the user layer; extra YAML after it on stdin.
signed_alice() {
	guard-approve keygen --no-passphrase --as alice@example.com 2>/dev/null | sed -n 's/^ *key: //p' >"$BATS_TEST_TMPDIR/alice.pub"
	{
		echo "principals:"
		echo "  alice@example.com: {roles: [admin], key: $(cat "$BATS_TEST_TMPDIR/alice.pub")}"
		echo "  bob@example.com: {roles: [admin]}"
		echo "  viewer@example.com: {roles: [reviewer]}"
		[ -t 0 ] || cat
	} >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

@test "a reviewer with a key signs; verify checks it and catches an edited decision" {
	signed_alice </dev/null
	id=$(request)
	run guard-approve approve "$id" --as alice@example.com --reason ok
	[ "$status" -eq 0 ]
	[[ "$output" == *"(signed)"* ]]
	f=$(file_of "$id")
	[[ "$(jq -r '.decisions[0].sig' "$f")" =~ ^[A-Za-z0-9+/=]{80,}$ ]]
	[ "$(jq -r '.decisions[0].key' "$f")" = "$(tr -d '"' <"$BATS_TEST_TMPDIR/alice.pub")" ]
	run guard-approve verify "${id:0:8}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 signed and verified"* ]]
	jq '.decisions[0].comment = "edited"' "$f" >"$BATS_TEST_TMPDIR/x" && mv "$BATS_TEST_TMPDIR/x" "$f"
	run guard-approve verify --all
	[ "$status" -eq 1 ]
	[[ "$output" == *"BAD $id"* ]]
	[[ "$output" == *"does not verify"* ]]
	# and the gate no longer honours it
	[ "$(gate "$force_push" | jq -r .decision.effect)" = ask ]
}

@test "a hand-edited approval without a valid signature is refused when signatures are required" {
	signed_alice <<<'approval: {require_signature: true}'
	id=$(request)
	f=$(file_of "$id")
	now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
	jq --arg t "$now" '.status = "approved" | .decided_at = $t |
		.decisions = [{by:"alice@example.com",role:"admin",verdict:"approve",comment:null,at:$t}]' "$f" >"$BATS_TEST_TMPDIR/x"
	mv "$BATS_TEST_TMPDIR/x" "$f"
	out=$(gate "$force_push")
	[ "$(jq -r .decision.effect <<<"$out")" = ask ]
	[[ "$(jq -r .approval.note <<<"$out")" == *"0 valid approvals"* ]]
	run guard-approve verify "$id"
	[ "$status" -eq 1 ]
	# bob has no key: with signatures required his decision cannot count, so it is refused
	id=$(request 'git push --force origin z')
	run guard-approve approve "$id" --as bob@example.com
	[ "$status" -eq 7 ]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
	[ "$(gate 'git push --force origin z' | jq -r .decision.effect)" = ask ]
	# alice's real, signed approval does
	id=$(request 'git push --force origin w')
	guard-approve approve "$id" --as alice@example.com >/dev/null
	[ "$(gate 'git push --force origin w' | jq -r .decision.effect)" = allow ]
}

@test "a key that is not the policy's, or readable by others, is refused" {
	signed_alice </dev/null
	id=$(request)
	chmod 644 "$HOME/.config/guard/keys/alice@example.com.key"
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 7 ]
	[[ "$output" == *"readable by others"* ]]
	chmod 600 "$HOME/.config/guard/keys/alice@example.com.key"
	guard-approve keygen --no-passphrase --as alice@example.com --force >/dev/null 2>&1
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 7 ]
	[[ "$output" == *"not the key the policy lists"* ]]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
}

@test "wait exits 0 on approval, 1 on rejection, 6 on expiry, with plain lines off a TTY" {
	id=$(request)
	# decide once wait has said pending: the decision arrives during it
	APPROVAL_POLLING_INTERVAL=0.1 run_bg guard-approve wait "$id"
	wait_for_line "$BATS_TEST_TMPDIR/bg.out" "$id pending"
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[[ "$output" == *"$id pending"* ]]
	[[ "$output" == *"$id approved"* ]]
	id=$(request 'git push --force origin r')
	APPROVAL_POLLING_INTERVAL=0.1 run_bg guard-approve wait "$id"
	wait_for_line "$BATS_TEST_TMPDIR/bg.out" "$id pending"
	guard-approve reject "$id" --as bob@example.com >/dev/null
	finish_bg
	[ "$status" -eq 1 ]
	id=$(APPROVAL_TIMEOUT=1 request 'git push --force origin e')
	APPROVAL_POLLING_INTERVAL=0.1 run guard-approve wait "$id"
	[ "$status" -eq 6 ]
	[[ "$output" == *expired* ]]
	id=$(request 'git push --force origin t')
	run guard-approve wait "$id" --timeout 1
	[ "$status" -eq 6 ]
	[[ "$output" == *"no decision"* ]]
}

@test "the seed's environment switches override the policy" {
	APPROVAL_TIMEOUT=42 id=$(APPROVAL_TIMEOUT=42 request)
	f=$(file_of "$id")
	d=$(( $(date -d "$(jq -r .expires_at "$f")" +%s) - $(date -d "$(jq -r .requested_at "$f")" +%s) ))
	[ "$d" -eq 42 ]
	out=$(APPROVAL_WORKFLOW_ENABLED=false gate 'git push --force origin q')
	[ "$(jq -r .decision.effect <<<"$out")" = ask ]
	[ "$(jq -r .approval.status <<<"$out")" = disabled ]
	[[ "$(jq -r .approval.note <<<"$out")" == *APPROVAL_WORKFLOW_ENABLED* ]]
	APPROVAL_WORKFLOW_ENABLED=maybe run guard-approve gate <<<'{"tool":"Bash","input":{"command":"git push --force origin q"}}'
	[[ "$output" == *'"effect":"deny"'* ]]
	[[ "$output" == *"APPROVAL_WORKFLOW_ENABLED=maybe"* ]]
	APPROVAL_TIMEOUT=-5 run guard-approve request --command 'x'
	[ "$status" -eq 7 ]
}

@test "the gate passes allow and deny untouched and denies garbage" {
	out=$(gate 'npm test')
	[ "$(jq -r .decision.effect <<<"$out")" = allow ]
	[ "$(jq 'has("approval")' <<<"$out")" = false ]
	out=$(gate 'rm -rf /')
	[ "$(jq -r .decision.effect <<<"$out")" = deny ]
	[ "$(jq 'has("approval")' <<<"$out")" = false ]
	run guard-approve gate <<<'{"tool":'
	[ "$status" -eq 2 ]
	[[ "$output" == *'"effect":"deny"'* ]]
	[ ! -d "$PROJ/.ai/approvals" ] || [ -z "$(ls "$PROJ/.ai/approvals")" ]
}

@test "hook claude (attended) denies an ask naming the request and how to approve it, then allows once" {
	run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = deny ]
	reason=$(jq -r .hookSpecificOutput.permissionDecisionReason <<<"$output")
	[[ "$reason" == *"approval required"* ]]
	id=$(ls "$PROJ/.ai/approvals/" | sed -n 's/\.json$//p')
	[[ "$reason" == *"$id"* ]]
	[[ "$reason" == *"guard-approve approve ${id:0:8}"* ]]
	# the same call again reuses the request
	run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(ls "$PROJ/.ai/approvals/"*.json | wc -l)" -eq 1 ]
	guard-approve approve "${id:0:8}" --as alice@example.com >/dev/null
	run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(decision_of)" = allow ]
	run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(decision_of)" = deny ]
}

@test "hook claude waits up to approval.hook_wait for a person" {
	reviewers alice@example.com bob@example.com <<<'approval: {hook_wait: 20s, poll_interval: 1s}'
	run_bg --separate-stderr guard hook claude <<<"$(bash_payload "$force_push")"
	# approve once the hook has said pending: the decision arrives during its wait
	wait_for_line "$BATS_TEST_TMPDIR/bg.err" pending
	id=$(ls "$PROJ/.ai/approvals/" | sed -n 's/\.json$//p')
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = allow ]
	# off a TTY the wait says so in plain lines
	[[ "$stderr" == *"pending"* ]]
}

@test "a hook's wait for a person is recorded as wait_ms, apart from guard's own time (hook_ms)" {
	reviewers alice@example.com <<<'approval: {hook_wait: 20s, poll_interval: 1s}'
	t0=$(date +%s%3N)
	run_bg --separate-stderr guard hook claude <<<"$(bash_payload "$force_push")"
	wait_for_line "$BATS_TEST_TMPDIR/bg.err" pending
	# a second of a person thinking (not a race: the hook waits up to 20 s)
	sleep 1
	id=$(ls "$PROJ/.ai/approvals/" | sed -n 's/\.json$//p')
	guard-approve approve "$id" --as alice@example.com >/dev/null
	finish_bg
	t1=$(date +%s%3N)
	[ "$(decision_of)" = allow ]
	rec=$(cat "$PROJ"/.ai/audit/*.jsonl | jq -c 'select(.event == "decision")' | tail -1)
	wait_ms=$(jq '.data.wait_ms' <<<"$rec")
	hook_ms=$(jq '.data.hook_ms' <<<"$rec")
	[ "$(jq '.data.wait_ms >= 1000 and .data.hook_ms >= 0' <<<"$rec")" = true ]
	# the two are apart: together they fit in the process's wall time
	[ "$(jq -n --argjson w "$wait_ms" --argjson h "$hook_ms" --argjson t $((t1 - t0)) '$w + $h <= $t')" = true ]
	# a call that did not wait has no wait_ms
	run guard hook claude <<<"$(bash_payload 'ls')"
	[ "$(cat "$PROJ"/.ai/audit/*.jsonl | jq -c 'select(.event == "decision")' | tail -1 | jq '.data | has("hook_ms") and (has("wait_ms") | not)')" = true ]
}

@test "with the workflow off the hook leaves the ask to the agent's own prompt" {
	APPROVAL_WORKFLOW_ENABLED=0 run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 0 ]
	[ "$(decision_of)" = ask ]
	[ ! -d "$PROJ/.ai/approvals" ]
}

@test "unattended: the hook never waits, the request stays, and a prior approval allows" {
	reviewers alice@example.com <<<'approval: {hook_wait: 30s}'
	reset='git reset --hard HEAD~3'
	GUARD_PROFILE=unattended run guard hook claude <<<"$(bash_payload "$reset")"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"morning briefing"* ]]
	id=$(ls "$PROJ/.ai/approvals/" | sed -n 's/\.json$//p')
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
	guard-approve approve "$id" --as alice@example.com >/dev/null
	GUARD_PROFILE=unattended run guard hook claude <<<"$(bash_payload "$reset")"
	[ "$(decision_of)" = allow ]
	# an outright unattended deny is not something a person can approve at night
	GUARD_PROFILE=unattended run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$(decision_of)" = deny ]
	[ "$(ls "$PROJ/.ai/approvals/"*.json | wc -l)" -eq 1 ]
}

@test "50 processes deciding the same request at once: exactly one wins, the others exit 4" {
	reviewers $(seq -f 'r%g@example.com' 50) </dev/null
	id=$(request)
	seq 50 | xargs -P 50 -I{} sh -c 'guard-approve approve "$1" --as "r{}@example.com" >/dev/null 2>&1; echo $?' sh "$id" \
		>"$BATS_TEST_TMPDIR/rcs"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rcs")" -eq 50 ]
	[ "$(grep -c '^0$' "$BATS_TEST_TMPDIR/rcs")" -eq 1 ]
	[ "$(grep -c '^4$' "$BATS_TEST_TMPDIR/rcs")" -eq 49 ]
	f=$(file_of "$id")
	jq -e . "$f" >/dev/null
	[ "$(jq '.decisions | length' "$f")" -eq 1 ]
	[ "$(jq -r .status "$f")" = approved ]
}

@test "1,000 requests created concurrently: all present, no partial files" {
	seq 1000 | xargs -P 16 -I{} guard-approve request --as claude --command 'echo {} >build/out' >"$BATS_TEST_TMPDIR/ids" 2>&1
	[ "$(sort -u "$BATS_TEST_TMPDIR/ids" | grep -c -E '^[0-9a-f-]{36}$')" -eq 1000 ]
	[ "$(ls "$PROJ/.ai/approvals/"*.json | wc -l)" -eq 1000 ]
	for f in "$PROJ"/.ai/approvals/*.json; do jq -e .id "$f" >/dev/null || exit 1; done
	# no temp files left behind
	[ -z "$(ls -A "$PROJ/.ai/approvals" | grep -v -e '\.json$' -e '^\.lock$' -e '^\.locks$' -e '^\.tmp$' -e '^\.digest$' -e '^\.gitignore$')" ]
	[ -z "$(ls -A "$PROJ/.ai/approvals/.tmp")" ]
}

@test "a writer killed with SIGKILL at random points leaves the old or the new file, never a torn one" {
	for i in $(seq 25); do
		id=$(request "git push --force origin k$i")
		f=$(file_of "$id")
		guard-approve approve "$id" --as alice@example.com >/dev/null 2>&1 &
		pid=$!
		# the random kill point is the test (no condition to wait for):
		# either outcome passes below, so a slow machine cannot fail it
		sleep "0.00$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		st=$(jq -r .status "$f")
		n=$(jq '.decisions | length' "$f")
		[ "$st/$n" = pending/0 ] || [ "$st/$n" = approved/1 ]
	done
	# the lock died with its holder: the store still works
	id=$(request 'git push --force origin after')
	guard-approve approve "$id" --as alice@example.com >/dev/null
}

@test "the index is rebuilt from the files after a fresh clone" {
	id=$(request)
	guard-approve approve "$id" --as alice@example.com >/dev/null
	rm -rf "$PROJ/.ai/approvals/.digest"
	[ "$(gate "$force_push" | jq -r .decision.effect)" = allow ]
	[ -d "$PROJ/.ai/approvals/.digest" ]
}

@test "an index entry is a symlink naming the request; one written as a file by an older guard still works" {
	id=$(request)
	digest=$(jq -r .action_digest "$(file_of "$id")")
	entry=$PROJ/.ai/approvals/.digest/$digest
	[ -L "$entry" ]
	[ "$(readlink "$entry")" = "$id" ]
	rm "$entry"
	printf '%s' "$id" >"$entry"
	[ "$(request)" = "$id" ]	# the pending request is found through the file, not made again
	guard-approve approve "$id" --as alice@example.com >/dev/null
	[ "$(gate "$force_push" | jq -r .decision.effect)" = allow ]
	# a newer request for the action replaces the entry
	id2=$(request)
	[ "$id2" != "$id" ]
	[ "$(readlink "$entry")" = "$id2" ]
}

@test "an index entry that names another action's request, a path or nothing is not believed" {
	other=$(request 'git push --force origin other')
	approve_id=$(request)
	guard-approve approve "$approve_id" --as alice@example.com >/dev/null
	digest=$(jq -r .action_digest "$(file_of "$approve_id")")
	entry=$PROJ/.ai/approvals/.digest/$digest
	for target in "$other" ../../../../etc/passwd "$(printf 'x%.0s' $(seq 200))" ""; do
		rm -f "$entry"
		if [ -n "$target" ]; then ln -s "$target" "$entry"; else mkfifo "$entry"; fi
		# the gate never allows through a lying entry: it makes (or finds) a request of its own
		run gate "$force_push"
		[ "$(printf '%s' "$output" | jq -r .decision.effect)" != allow ]
		[ "$(jq -r .status "$(file_of "$other")")" = pending ]
	done
	# the lying entry was replaced by the request the gate made for this action
	[ -L "$entry" ]
	[ "$(jq -r .action_digest "$(file_of "$(readlink "$entry")")")" = "$digest" ]
}

@test "cancel: the requester or a reviewer withdraws a pending request" {
	id=$(request)
	run guard-approve cancel "$id" --as mallory@example.com
	[ "$status" -eq 1 ]
	run guard-approve cancel "$id" --as claude --reason 'not needed'
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$(file_of "$id")")" = cancelled ]
	run guard-approve status "$id"
	[ "$status" -eq 1 ]
}

@test "a store that cannot be written is an I/O failure (exit 8), and the hook denies" {
	id=$(request)
	# the lock cannot be taken: a directory stands where the lock file goes
	rm -f "$PROJ/.ai/approvals/.lock" && mkdir "$PROJ/.ai/approvals/.lock"
	run guard-approve approve "$id" --as alice@example.com
	[ "$status" -eq 8 ]
	[ "$(jq -r .status "$(file_of "$id")")" = pending ]
	# a file where the folder should be
	rm -rf "$PROJ/.ai/approvals" && touch "$PROJ/.ai/approvals"
	run guard hook claude <<<"$(bash_payload "$force_push")"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a directory"* ]]
}

@test "short prefixes come from the id list, which notices files added behind guard's back" {
	a=$(request)
	run guard-approve status "${a:0:6}"
	[ "$status" -eq 3 ]
	[ -f "$PROJ/.ai/approvals/.digest/ids" ]
	grep -qx "$a" "$PROJ/.ai/approvals/.digest/ids"
	# a new request through guard joins the list
	b=$(request 'git push --force origin fix/list')
	grep -qx "$b" "$PROJ/.ai/approvals/.digest/ids"
	run guard-approve status "${b:0:6}"
	[ "$status" -eq 3 ]
	# a request copied in by hand (a git pull) is found, and makes a prefix
	# ambiguous. (A copy within the same clock tick as guard's own last write
	# leaves the folder's mtime as guard recorded it: the documented blind spot.)
	wait_for_clock_tick "$PROJ/.ai/approvals"
	c=${a:0:6}aa-0000-4000-8000-000000000000
	jq --arg i "$c" '.id = $i' "$(file_of "$a")" >"$(file_of "$c")"
	run guard-approve status "${c:0:8}"
	[ "$status" -eq 3 ]
	run guard-approve status "${a:0:6}"
	[ "$status" -eq 2 ]
	[[ "$output" == *ambiguous* ]]
	# a file removed by hand is not believed from the list
	wait_for_clock_tick "$PROJ/.ai/approvals"
	rm "$(file_of "$b")"
	run guard-approve status "${b:0:6}"
	[ "$status" -eq 5 ]
}

@test "200 writers side by side: every request resolves by its 8-character prefix afterwards" {
	a=$(request)
	guard-approve status "${a:0:8}" >/dev/null || [ $? -eq 3 ]	# the list exists and is current
	seq 200 | xargs -P 16 -I{} guard-approve request --as claude --command 'echo {} >build/list' >"$BATS_TEST_TMPDIR/ids"
	[ "$(sort -u "$BATS_TEST_TMPDIR/ids" | wc -l)" -eq 200 ]
	# the stamp the writers left is current (the last writer recorded it), or older (then
	# the next lookup reads the folder); when current, the list must hold every file
	current=$(python3 -c '
import os, sys
d = sys.argv[1]
st = os.stat(d)
stamp = "%020d.%09d %020d\n" % (st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9, st.st_ino)
print("yes" if open(d + "/.digest/ids.mtime").read() == stamp else "no")' "$PROJ/.ai/approvals")
	if [ "$current" = yes ]; then
		for id in $(cat "$BATS_TEST_TMPDIR/ids"); do grep -qx "$id" "$PROJ/.ai/approvals/.digest/ids"; done
	fi
	# either way every request resolves by its 8-character prefix
	for id in $(head -50 "$BATS_TEST_TMPDIR/ids"); do
		run guard-approve status "${id:0:8}"
		[ "$status" -eq 3 ]
	done
}

@test "the id list is never written through a symlink or into a hard-linked file" {
	a=$(request)
	guard-approve status "${a:0:6}" >/dev/null || true
	echo precious >"$BATS_TEST_TMPDIR/victim"
	rm "$PROJ/.ai/approvals/.digest/ids"
	ln -s "$BATS_TEST_TMPDIR/victim" "$PROJ/.ai/approvals/.digest/ids"
	request 'git push --force origin fix/sym' >/dev/null
	run guard-approve status "${a:0:6}"
	[ "$status" -eq 3 ]
	[ "$(cat "$BATS_TEST_TMPDIR/victim")" = precious ]
	# nor into a file that another path shares by a hard link (the list or its stamp)
	rm -f "$PROJ/.ai/approvals/.digest/ids"
	guard-approve status "${a:0:6}" >/dev/null || true	# the list written afresh
	for f in ids ids.mtime; do
		echo precious >"$BATS_TEST_TMPDIR/linked-$f"
		rm "$PROJ/.ai/approvals/.digest/$f"
		ln "$BATS_TEST_TMPDIR/linked-$f" "$PROJ/.ai/approvals/.digest/$f"
	done
	b=$(request "git push --force origin fix/hard")	# a new file: the list is appended to
	guard-approve approve "$b" --as alice@example.com >/dev/null	# a replaced one: the stamp is rewritten
	for f in ids ids.mtime; do
		[ "$(cat "$BATS_TEST_TMPDIR/linked-$f")" = precious ]
	done
	run guard-approve status "${b:0:6}"
	[ "$status" -eq 0 ]
	# and a symlinked index folder is not written through either
	rm -rf "$PROJ/.ai/approvals/.digest"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$PROJ/.ai/approvals/.digest"
	run guard-approve status "${a:0:6}"
	[ "$status" -eq 3 ]
	[ -z "$(ls "$BATS_TEST_TMPDIR/elsewhere")" ]
}

@test "a FIFO named like a request is skipped or refused, never waited on" {
	id=$(request)
	fifo=00000000-0000-4000-8000-00000000ffff
	mkfifo "$(file_of "$fifo")"
	run timeout 10 guard-approve list --as alice@example.com --json
	[ "$status" -eq 0 ]
	[[ "$output" == *"skipping $PROJ/.ai/approvals/$fifo.json"* ]]
	[[ "$output" == *"$id"* ]]
	run timeout 10 guard-approve status "$fifo"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a JSON object"* ]]
}
