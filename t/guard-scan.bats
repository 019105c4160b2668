#!/usr/bin/env bats
# guard-scan and the rules it shares with redaction: what reaches the audit
# log and the approval requests, and what a scan of files, the index, a
# commit range, stdin or an agent's edit finds.

load helper

setup() {
	setup_guard
	LOG=$PROJ/.ai/audit
	export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
	mkdir -p "$HOME/.config/guard"
	printf 'principals:\n  alice@example.com: {roles: [admin]}\n' >"$GUARD_USER_POLICY"
	chmod 600 "$GUARD_USER_POLICY"
}

# Each form of issue 13: "command|secret|rule"
forms=(
	"curl -H 'Authorization: Basic dXNlcjpodW50ZXIyMg==' https://api.example.com|dXNlcjpodW50ZXIyMg|basic-auth"
	"mysql -u root -pHunter2Secret app|Hunter2Secret|mysql-password"
	"curl -u deploy:Tr0ub4dor3x https://api.example.com|Tr0ub4dor3x|user-password"
	"echo 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 > k|TwL2iGABf9DHoTf|sendgrid-key"
	"echo '{\"private_key_id\": \"1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c\"}' > sa.json|1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c|gcp-private-key-id"
	"deploy-tool --signing-key 9fQ2xT7vLp3Zk8RmW4sBn6Yc1Hd5Je0G|9fQ2xT7vLp3Zk8RmW4sBn6Yc1Hd5Je0G|high-entropy"
	"export SESSION_KEY=s3ss10nk3yvalue|s3ss10nk3yvalue|password-assignment"
	"export PASSPHRASE=opensesame-2026|opensesame-2026|password-assignment"
)

@test "every form issue 13 names is masked in the audit log through the hook" {
	for f in "${forms[@]}"; do
		IFS='|' read -r cmd secret rule <<<"$f"
		run guard hook claude <<<"$(bash_payload "$cmd")"
		[ "$status" -eq 0 ]
		if grep -rqF -- "$secret" "$LOG"; then
			echo "# leaked: $cmd" >&2
			return 1
		fi
		grep -qF "REDACTED:$rule" "$LOG"/*.jsonl
	done
	# members named auth, passphrase, cookie, SESSION_KEY in a tool input are masked whole
	run guard hook claude <<<"$(tool_payload mcp__x__login '{"auth":"zz-auth-1","passphrase":"zz-pp-2","Cookie":"zz-ck-3","SESSION_KEY":"zz-sk-4","author":"jane"}')"
	for s in zz-auth-1 zz-pp-2 zz-ck-3 zz-sk-4; do
		refute grep -rqF -- "$s" "$LOG"
	done
	grep -qF jane "$LOG"/*.jsonl
	run guard-audit verify
	[ "$status" -eq 0 ]
}

@test "an approval request is written 0600 and holds none of the forms, nor an AWS key id" {
	for f in "${forms[@]}" "aws configure set key AKIAIOSFODNN7EXAMPLE|AKIAIOSFODNN7EXAMPLE|aws-access-key"; do
		IFS='|' read -r cmd secret rule <<<"$f"
		id=$(guard-approve request --as claude --command "$cmd")
		file=$PROJ/.ai/approvals/$id.json
		[ -f "$file" ]
		[ "$(stat -c %a "$file")" = 600 ]
		refute grep -qF -- "$secret" "$file"
		grep -qF "REDACTED:$rule" "$file" || { echo "# $cmd: $(cat "$file")" >&2; return 1; }
	done
	# and through the hook's ask (a force push asks)
	run guard hook claude <<<"$(bash_payload "git push --force https://u:AKIAIOSFODNN7EXAMPLE@example.com/r.git main")"
	for file in "$PROJ"/.ai/approvals/*.json; do
		[ "$(stat -c %a "$file")" = 600 ]
		refute grep -qF AKIAIOSFODNN7EXAMPLE "$file"
	done
	refute grep -rqF AKIAIOSFODNN7EXAMPLE "$LOG"
}
