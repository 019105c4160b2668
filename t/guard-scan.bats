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

# --- guard-scan ---

aws=AKIAQWERTYUIOPASDFGH
ghp=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB

plant() {
	mkdir -p "$PROJ/src" "$PROJ/conf"
	printf 'import os\n\nKEY = "%s"\n' "$aws" >"$PROJ/src/app.py"
	printf 'token: %s\n' "$ghp" >"$PROJ/conf/ci.yaml"
	printf 'print("hello")\n' >"$PROJ/src/clean.py"
}

# put_aws FILE...: each file (under $PROJ) holds the AWS key id
put_aws() {
	for f in "$@"; do printf 'K=%s\n' "$aws" >"$PROJ/$f"; done
}

# scanned_paths: the paths of the findings in $output, sorted, on one line
scanned_paths() {
	jq -r .path <<<"$output" | sort -u | tr '\n' ' '
}

@test "guard-scan finds planted secrets and forbidden patterns, names rule, file, line; exits 1; never prints a secret whole" {
	plant
	printf 'def f(x):\n    return eval(x)\n' >"$PROJ/src/ev.py"
	run --separate-stderr guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r 'select(.rule=="aws-access-key") | "\(.path):\(.line):\(.column)"' <<<"$output")" = src/app.py:3:8 ]
	[ "$(jq -r 'select(.rule=="github-token") | "\(.path):\(.line)"' <<<"$output")" = conf/ci.yaml:1 ]
	[ "$(jq -r 'select(.rule=="eval-call") | "\(.path):\(.line)"' <<<"$output")" = src/ev.py:2 ]
	refute grep -q clean.py <<<"$output"
	[ "$(jq -r 'select(.rule=="aws-access-key") | .preview' <<<"$output")" = AKIA ]
	for fmt in jsonl table github sarif; do
		run guard-scan files --format "$fmt"
		[ "$status" -eq 1 ]
		refute grep -qF -- "$aws" <<<"$output"
		refute grep -qF -- "$ghp" <<<"$output"
	done
	# "guard-scan PATH" is "guard-scan files PATH"; a clean tree exits 0
	run guard-scan src/clean.py
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "guard-scan skips what .gitignore ignores, the .git folder, binary files, and policy scan.exclude" {
	plant
	printf 'secret.env\nbuild/\n' >"$PROJ/.gitignore"
	put_aws secret.env build/out.txt .git/leak
	printf 'K=%s\n\0bin' "$aws" >"$PROJ/src/blob.bin"
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	[ "$(scanned_paths)" = "conf/ci.yaml src/app.py " ]
	# an ignored file named on the command line is scanned: the user asked for it
	run guard-scan files secret.env --format jsonl
	[ "$status" -eq 1 ]
	# scan.exclude comes from a trusted layer
	printf 'scan:\n  exclude: ["conf/**"]\n' >>"$GUARD_USER_POLICY"
	run guard-scan files --format jsonl
	[ "$(jq -r .path <<<"$output" | sort -u | tr '\n' ' ')" = "src/app.py " ]
}

@test "ignore rules as git reads them: a tracked file is scanned whatever .gitignore says; nested .gitignore, a subfolder as cwd, dir arguments" {
	plant
	# the agent ignores the very file that holds a secret, after it is tracked: git still tracks it, so it is scanned
	git add src/app.py
	printf 'src/app.py\n*.log\nsub/deep/\n' >"$PROJ/.gitignore"
	mkdir -p "$PROJ/sub/deep" "$PROJ/sub/keep"
	printf 'local.txt\n' >"$PROJ/sub/.gitignore"
	put_aws debug.log sub/deep/x.txt sub/important.txt sub/local.txt sub/keep/y.txt
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	[ "$(scanned_paths)" = "conf/ci.yaml src/app.py sub/important.txt sub/keep/y.txt " ]
	# the same from a subfolder, paths relative to it
	cd "$PROJ/sub"
	run guard-scan files --format jsonl
	[ "$(scanned_paths)" = "important.txt keep/y.txt " ]
	# an ignored folder named on the command line: its files are still ignored, as before
	cd "$PROJ"
	run guard-scan files sub/deep --format jsonl
	[ "$status" -eq 0 ]
	run guard-scan files ./sub --format jsonl
	[ "$(scanned_paths)" = "./sub/important.txt ./sub/keep/y.txt " ]
	# a link inside a folder is not followed, ".." leaves nothing unscanned
	ln -s "$PROJ/sub/deep" "$PROJ/link"
	run guard-scan files ../"$(basename "$PROJ")"/sub --format jsonl
	[ "$status" -eq 1 ]
	refute grep -q 'link/' <<<"$output"
}

@test "many files: findings come out in the walk's order, the same on every run (two scanning threads)" {
	mkdir -p "$PROJ/many"
	for i in $(seq -w 1 300); do
		if [ $((10#$i % 7)) -eq 0 ]; then printf 'K=%s\n' "$aws" >"$PROJ/many/f$i.txt"; else printf 'x = %s\n' "$i" >"$PROJ/many/f$i.txt"; fi
	done
	run guard-scan files many --format jsonl
	[ "$status" -eq 1 ]
	first=$output
	[ "$(jq -r .path <<<"$output" | tr '\n' ' ')" = "$(for i in $(seq 7 7 300); do printf 'many/f%03d.txt ' "$i"; done)" ]
	for run in 1 2 3; do
		run guard-scan files many --format jsonl
		[ "$output" = "$first" ]
	done
	run guard-scan files many --format table
	[[ "${lines[-1]}" == *"42 findings in 300 files scanned" ]]
}

@test "a file that cannot be read stops the scan with an error naming it, whatever thread read it" {
	local so=$REPO_ROOT/build/inject.so
	[ "${GUARD_PASS:-plain}" = san ] && so=$REPO_ROOT/build/san/inject.so
	[ -f "$so" ] || { echo "# $so is missing: run make unit" >&2; return 1; }
	mkdir -p "$PROJ/many"
	for i in $(seq -w 1 200); do printf 'x = %s\n' "$i" >"$PROJ/many/f$i.txt"; done
	printf 'K=%s\n' "$aws" >"$PROJ/many/f001.txt"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD=$so \
		GUARD_INJECT='read:1:*/many/f150.txt' run --separate-stderr guard-scan files many --format jsonl
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"many/f150.txt"* ]]
	[ -z "$output" ]
}

@test "the project layer (the agent's to write) cannot exclude paths nor narrow a built-in rule" {
	plant
	mkdir -p "$PROJ/.ai"
	printf 'scan:\n  exclude: ["**"]\n' >"$PROJ/.ai/policy.yaml"
	run --separate-stderr guard-scan files --format jsonl
	[ "$status" -eq 7 ]
	[[ "$stderr" == *scan* ]]
	printf 'forbidden_patterns:\n  - id: aws-access-key\n    regex: "NEVER-MATCHES-XYZ"\n' >"$PROJ/.ai/policy.yaml"
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	jq -e 'select(.rule=="aws-access-key" and .path=="src/app.py")' <<<"$output" >/dev/null
}

@test "inline guard-scan:allow RULE-ID with a reason suppresses that rule on its line or the line below" {
	mkdir -p "$PROJ/src"
	{
		printf 'a = "%s"  # guard-scan:allow aws-access-key documented example key\n' "$aws"
		printf '# guard-scan:allow github-token fixture for the parser tests\n'
		printf 'b = "%s"\n' "$ghp"
		printf 'c = "%s"  # guard-scan:allow github-token\n' "$aws"
		printf 'd = "%s"  # guard-scan:allow aws-access-key\n' "$aws"
	} >"$PROJ/src/t.py"
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	# the wrong rule id, and an allow without a reason, suppress nothing
	[ "$(jq -r '"\(.rule):\(.line)"' <<<"$output" | tr '\n' ' ')" = "aws-access-key:4 aws-access-key:5 " ]
}

@test "a baseline keyed by rule, file and fingerprint survives moved lines and catches a new secret" {
	plant
	run guard-scan files --write-baseline "$BATS_TEST_TMPDIR/base.json"
	[ "$status" -eq 0 ]
	[ "$(jq '.findings | length' "$BATS_TEST_TMPDIR/base.json")" -eq 2 ]
	refute grep -qF -- "$aws" "$BATS_TEST_TMPDIR/base.json"
	run guard-scan files --baseline "$BATS_TEST_TMPDIR/base.json"
	[ "$status" -eq 0 ]
	# lines moved: still known
	printf '\n\n\n' | cat - "$PROJ/src/app.py" >"$PROJ/src/x" && mv "$PROJ/src/x" "$PROJ/src/app.py"
	run guard-scan files --baseline "$BATS_TEST_TMPDIR/base.json"
	[ "$status" -eq 0 ]
	# another secret of the same rule in the same file is new
	printf 'OTHER = "AKIAZQ7RTYUIOPASDFG2"\n' >>"$PROJ/src/app.py"
	run guard-scan files --baseline "$BATS_TEST_TMPDIR/base.json" --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r .line <<<"$output")" = 7 ]
	# the same secret copied to another file is new too
	cp "$PROJ/conf/ci.yaml" "$PROJ/conf/copy.yaml"
	run guard-scan files conf --baseline "$BATS_TEST_TMPDIR/base.json" --format jsonl
	[ "$(jq -r .path <<<"$output")" = conf/copy.yaml ]
	# a file that is not a baseline is an error naming it
	echo '{}' >"$BATS_TEST_TMPDIR/bad.json"
	run --separate-stderr guard-scan files --baseline "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *bad.json* ]]
}

@test "guard-scan staged scans only the lines the index adds; range scans only a range's added lines" {
	git -c user.email=a@b -c user.name=a commit -q --allow-empty -m root
	printf 'OLD = "%s"\n' "$aws" >"$PROJ/old.py"
	git add old.py && git -c user.email=a@b -c user.name=a commit -q -m old
	run guard-scan staged
	[ "$status" -eq 0 ]
	printf 'x = 1\nNEW = "%s"\n' "$ghp" >>"$PROJ/old.py"
	run guard-scan staged --format jsonl
	[ "$status" -eq 0 ] # not staged yet
	git add old.py
	run guard-scan staged --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.rule) \(.path):\(.line)"' <<<"$output")" = "github-token old.py:3" ]
	git -c user.email=a@b -c user.name=a commit -q -m new
	run guard-scan range HEAD~1..HEAD --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.rule) \(.path):\(.line)"' <<<"$output")" = "github-token old.py:3" ]
	run guard-scan range HEAD~2..HEAD --format jsonl
	[ "$(jq -s length <<<"$output")" -eq 2 ]
	run guard-scan range HEAD..HEAD
	[ "$status" -eq 0 ]
	run --separate-stderr guard-scan range nosuchref..HEAD
	[ "$status" -eq 2 ]
	[[ "$stderr" == *nosuchref* ]]
	run guard-scan range HEAD
	[ "$status" -eq 2 ]
}

@test "guard-scan stdin and tool-input" {
	run guard-scan stdin --format jsonl <<<"line one
export GITHUB_TOKEN=$ghp"
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.path):\(.line)"' <<<"$output" | sort -u)" = -:2 ]
	run guard-scan stdin --path app.py --format jsonl <<<"eval(input())"
	[ "$status" -eq 1 ]
	run guard-scan stdin --path app.go <<<"eval(input())"
	[ "$status" -eq 0 ] # eval-call is limited to its paths
	run guard-scan tool-input --format jsonl <<<"$(jq -cn --arg c $'a\nb = \''"$aws"\' '{file_path:"/p/x.py",content:$c}')"
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.path):\(.line)"' <<<"$output")" = /p/x.py:2 ]
	run guard-scan tool-input --format jsonl <<<"$(jq -cn --arg s "$ghp" '{tool_name:"MultiEdit",tool_input:{file_path:"/p/y",edits:[{old_string:"a",new_string:"ok"},{old_string:"b",new_string:$s}]}}')"
	[ "$status" -eq 1 ]
	[ "$(jq -r .rule <<<"$output")" = github-token ]
	run --separate-stderr guard-scan tool-input <<<"not json"
	[ "$status" -eq 2 ]
	run --separate-stderr guard-scan files --format xml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--format"* ]]
	run guard-scan files --help
	[ "$status" -eq 0 ]
	[[ "$output" == *baseline* ]]
}

@test "an edit's finding names the line of the file after the edit when old_string is found there, else the line within the text, and says which" {
	printf 'a = 1\nb = 2\nc = 3\nd = 4\nc = 3\n' >"$PROJ/e.py"
	edit() { guard-scan tool-input --format jsonl <<<"$1" | jq -c '[.line, .line_in]'; }
	# Edit: old_string on line 3, the secret on the second line of new_string
	[ "$(edit "$(jq -cn --arg p "$PROJ/e.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"c = 3",new_string:$s}')")" = '[4,"file"]' ]
	# old_string not in the file, a new file, a folder, a FIFO: the line within new_string
	[ "$(edit "$(jq -cn --arg p "$PROJ/e.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"nowhere",new_string:$s}')")" = '[2,"text"]' ]
	[ "$(edit "$(jq -cn --arg p "$PROJ/new.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"a",new_string:$s}')")" = '[2,"text"]' ]
	[ "$(edit "$(jq -cn --arg p "$PROJ" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"a",new_string:$s}')")" = '[2,"text"]' ]
	mkfifo "$PROJ/fifo"
	[ "$(edit "$(jq -cn --arg p "$PROJ/fifo" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"a",new_string:$s}')")" = '[2,"text"]' ]
	# MultiEdit: each edit found in the file as the edits before it left it
	[ "$(edit "$(jq -cn --arg p "$PROJ/e.py" --arg s "K = '$aws'" '{file_path:$p,edits:[{old_string:"a = 1",new_string:"a = 1\n\n\n"},{old_string:"d = 4",new_string:$s}]}')")" = '[7,"file"]' ]
	# replace_all moves what follows; a later edit that is not found falls back to its own lines
	[ "$(edit "$(jq -cn --arg p "$PROJ/e.py" --arg s "K = '$aws'" '{file_path:$p,edits:[{old_string:"c = 3",new_string:"c\n3",replace_all:true},{old_string:"nowhere",new_string:("\n" + $s)}]}')")" = '[2,"text"]' ]
	[ "$(edit "$(jq -cn --arg p "$PROJ/e.py" --arg s "K = '$aws'" '{file_path:$p,edits:[{old_string:"c = 3",new_string:"c\n3",replace_all:true},{old_string:"d = 4",new_string:$s}]}')")" = '[5,"file"]' ]
	# a Write's content is the whole file
	[ "$(edit "$(jq -cn --arg p "$PROJ/w.py" --arg c $'\n\nK = \''"$aws"\' '{file_path:$p,content:$c}')")" = '[3,"file"]' ]
	# every edit reads the file (to scan it as the edit leaves it); one that cannot be read
	# leaves a clean edit clean and numbers a finding within the text
	local so=$REPO_ROOT/build/inject.so log=$BATS_TEST_TMPDIR/inject.log
	[ "${GUARD_PASS:-plain}" = san ] && so=$REPO_ROOT/build/san/inject.so
	[ -f "$so" ] || { echo "# $so is missing: run make unit" >&2; return 1; }
	inj() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD=$so GUARD_INJECT='open:1+:*/e.py' GUARD_INJECT_LOG=$log "$@"; }
	run inj guard-scan tool-input --format jsonl <<<"$(jq -cn --arg p "$PROJ/e.py" '{file_path:$p,old_string:"c = 3",new_string:"c = 4"}')"
	[ "$status" -eq 0 ]
	grep -q '^open ' "$log"
	: >"$log"
	[ "$(inj guard-scan tool-input --format jsonl <<<"$(jq -cn --arg p "$PROJ/e.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"c = 3",new_string:$s}')" | jq -c '[.line, .line_in]')" = '[2,"text"]' ]
	grep -q '^open ' "$log"
	# the hook says which
	run guard hook claude <<<"$(tool_payload Edit "$(jq -cn --arg p "$PROJ/e.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"c = 3",new_string:$s}')")"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *"line 4 of the file after it"* ]]
	run guard hook claude <<<"$(tool_payload Edit "$(jq -cn --arg p "$PROJ/e.py" --arg s $'x = 1\nK = \''"$aws"\' '{file_path:$p,old_string:"nowhere",new_string:$s}')")"
	[[ "$output" == *"line 2 of the text written"* ]]
}

@test "a policy pattern marked multiline: true matches across lines (a pretty-printed service-account key); unmarked, within one line" {
	cat >>"$GUARD_USER_POLICY" <<'Y'
forbidden_patterns:
  - id: sa-json
    regex: '"type"\s*:\s*"service_account"[\s\S]{0,400}?"private_key"\s*:\s*"-----BEGIN'
    message: a service-account key file
    keywords: [service_account]
    multiline: true
  - id: sa-json-one-line
    regex: '"type"\s*:\s*"service_account"[\s\S]{0,400}?"private_key"\s*:\s*"-----BEGIN'
    keywords: [service_account]
  - id: todo-block
    regex: '^TODO:\n^  owner: \w+$'
    keywords: [todo]
    multiline: true
Y
	printf '{\n  "type": "service_account",\n  "project_id": "p",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"\n}\n' >"$PROJ/sa.json"
	printf 'x = 1\nTODO:\n  owner: bob\n' >"$PROJ/notes.txt"
	run guard-scan files sa.json notes.txt --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r 'select(.rule=="sa-json") | "\(.path):\(.line)"' <<<"$output")" = sa.json:2 ]
	[ -z "$(jq -r 'select(.rule=="sa-json-one-line") | .path' <<<"$output")" ]
	# ^ and $ match at each line's start and end in a multi-line rule
	[ "$(jq -r 'select(.rule=="todo-block") | "\(.path):\(.line)"' <<<"$output")" = notes.txt:2 ]
	# the same key on one line is found by both
	printf '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE"}\n' >"$PROJ/one.json"
	run guard-scan files one.json --format jsonl
	[ "$(jq -r .rule <<<"$output" | sort | grep ^sa- | tr '\n' ' ')" = "sa-json sa-json-one-line " ]
	# multiline must be a boolean: the policy names the entry
	printf '  - {id: bad, regex: x, multiline: "yes"}\n' >>"$GUARD_USER_POLICY"
	run --separate-stderr guard-scan files one.json
	[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
	[[ "$stderr" == *multiline* ]]
}

@test "guard-scan --format sarif is valid SARIF 2.1.0 (the official schema, t/scan)" {
	python3 -c 'import jsonschema' || { echo "# python3-jsonschema is missing: make test installs it (DEBS_TEST)" >&2; return 1; }
	plant
	run --separate-stderr guard-scan files --format sarif
	[ "$status" -eq 1 ]
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/out.sarif"
	python3 - "$REPO_ROOT/t/scan/sarif-schema-2.1.0.json" "$BATS_TEST_TMPDIR/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator(schema).validate(doc)
PY
	[ "$(jq -r '.runs[0].results | length' "$BATS_TEST_TMPDIR/out.sarif")" -eq 2 ]
	[ "$(jq -r '.runs[0].results[] | select(.ruleId=="aws-access-key") | .locations[0].physicalLocation.region.startLine' "$BATS_TEST_TMPDIR/out.sarif")" -eq 3 ]
	# the validator does fail on a broken document
	jq '.runs[0].results[0].level = "fatal"' "$BATS_TEST_TMPDIR/out.sarif" >"$BATS_TEST_TMPDIR/bad.sarif"
	refute python3 -c 'import json,sys,jsonschema; jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
		"$REPO_ROOT/t/scan/sarif-schema-2.1.0.json" "$BATS_TEST_TMPDIR/bad.sarif" 2>/dev/null
	run guard-scan files --format github
	[[ "$output" == *"::error file=src/app.py,line=3,col=8,title=guard-scan aws-access-key::"* ]]
}

@test "the hook denies an agent's Write/Edit/MultiEdit that writes a secret or forbidden pattern, naming rule and line, logging no content" {
	w=$(jq -cn --arg p "$PROJ/src/c.py" --arg c "import os
KEY = '$aws'" '{file_path:$p,content:$c}')
	run guard hook claude <<<"$(tool_payload Write "$w")"
	[ "$(decision_of)" = deny ]
	reason=$(jq -r .hookSpecificOutput.permissionDecisionReason <<<"$output")
	[[ "$reason" == *aws-access-key*"line 2"* ]]
	refute grep -qF -- "$aws" <<<"$output"
	e=$(jq -cn --arg p "$PROJ/src/c.py" --arg s "t = '$ghp'" '{file_path:$p,old_string:"x",new_string:$s}')
	run guard hook claude <<<"$(tool_payload Edit "$e")"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *github-token* ]]
	m=$(jq -cn --arg p "$PROJ/src/c.py" '{file_path:$p,edits:[{old_string:"a",new_string:"ok"},{old_string:"b",new_string:"y = 1\nz = eval(q)"}]}')
	run guard hook claude <<<"$(tool_payload MultiEdit "$m")"
	[ "$(decision_of)" = deny ]
	[[ "$output" == *eval-call*"line 2"* ]]
	# the agent's own allow comment does not pass the hook
	a=$(jq -cn --arg p "$PROJ/src/c.py" --arg c "KEY = '$aws'  # guard-scan:allow aws-access-key test key" '{file_path:$p,content:$c}')
	run guard hook claude <<<"$(tool_payload Write "$a")"
	[ "$(decision_of)" = deny ]
	# a clean Write passes
	run guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg p "$PROJ/src/c.py" '{file_path:$p,content:"print(1)\n"}')")"
	[ "$(decision_of)" = allow ]
	refute grep -rqF -- "$aws" "$LOG"
	refute grep -rqF -- "$ghp" "$LOG"
	refute grep -rqF -- "eval(q)" "$LOG"
	grep -qF 'guard-scan:aws-access-key' "$LOG"/*.jsonl
}

@test "the planted-secret corpus (t/scan): recall >= 98%, false findings <= 2%" {
	[ "$(grep -vc '^#' "$REPO_ROOT/t/scan/expected.tsv")" -ge 150 ]
	run "$REPO_ROOT/t/scan/score.sh" "$(command -v guard-scan)"
	[ "$status" -eq 0 ]
	echo "# $output" >&3
	read -r found want recall false lines pct < <(sed -E 's/found ([0-9]+) of ([0-9]+) \(([0-9]+)% recall\), ([0-9]+) false of ([0-9]+) finding lines \(([0-9]+)%\)/\1 \2 \3 \4 \5 \6/' <<<"$output")
	[ "$((found * 100))" -ge "$((want * 98))" ]
	[ "$((false * 100))" -le "$((lines * 2))" ]
	# the corpus is what make_corpus.py writes (regenerating it changes nothing)
	cp -r "$REPO_ROOT/t/scan" "$BATS_TEST_TMPDIR/scan"
	python3 "$BATS_TEST_TMPDIR/scan/make_corpus.py" >/dev/null
	diff -r "$REPO_ROOT/t/scan/corpus" "$BATS_TEST_TMPDIR/scan/corpus"
	diff "$REPO_ROOT/t/scan/expected.tsv" "$BATS_TEST_TMPDIR/scan/expected.tsv"
}

# wide ENCODING TEXT FILE: TEXT saved in ENCODING (iconv's name: UTF-16 writes a BOM, UTF-16LE none)
wide() {
	mkdir -p "$(dirname "$PROJ/$3")"
	printf '%s' "$2" | iconv -f UTF-8 -t "$1" >"$PROJ/$3"
}

@test "text saved as UTF-16 or UTF-32 (a BOM or none, either byte order) is scanned as its text, lines where they are" {
	git -c user.email=a@b -c user.name=a commit -q --allow-empty -m root
	n=0
	for enc in UTF-16 UTF-16LE UTF-16BE UTF-32 UTF-32LE UTF-32BE; do
		wide $enc $'# notes\n\nKEY = "'"$aws"$'"\n' src/k$((n++)).txt
	done
	wide UTF-16 $'print("hello")\n' src/clean16.txt
	head -c 4096 /dev/urandom >"$PROJ/src/blob.bin" # binary: still skipped
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.path):\(.line):\(.column) \(.rule)"' <<<"$output" | sort | uniq | wc -l)" -eq 6 ]
	[ "$(jq -r '"\(.line):\(.column) \(.rule)"' <<<"$output" | sort -u)" = "3:8 aws-access-key" ]
	run guard-scan files src/clean16.txt
	[ "$status" -eq 0 ]
	# staged and a commit range read the file's text too: only what it adds
	git add src && git -c user.email=a@b -c user.name=a commit -q -m wide
	run guard-scan range HEAD~1..HEAD --format jsonl
	[ "$(jq -s length <<<"$output")" -eq 6 ]
	wide UTF-16 $'# notes\n\nKEY = "'"$aws"$'"\nNEW = "'"$ghp"$'"\n' src/k0.txt
	git add src/k0.txt
	run guard-scan staged --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.rule) \(.path):\(.line)"' <<<"$output")" = "github-token src/k0.txt:4" ]
}

@test "a file or folder named after a secret is a finding at line 0, \"in\": \"name\", in files, staged and range; names about secrets are not" {
	git -c user.email=a@b -c user.name=a commit -q --allow-empty -m root
	mkdir -p "$PROJ/src/$ghp" "$PROJ/deploy"
	: >"$PROJ/src/$aws.txt"
	printf 'a\n' >"$PROJ/src/$ghp/a.txt"
	printf 'b\n' >"$PROJ/src/$ghp/b.txt"
	: >"$PROJ/deploy/aws-access-key.json" # twins: named after the kind, not the value
	: >"$PROJ/src/secret_key.py"
	: >"$PROJ/Authen::SASL.3pm"
	run guard-scan files --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.path):\(.line) \(.in) \(.rule)"' <<<"$output")" = "src/$aws.txt:0 name aws-access-key
src/$ghp:0 name github-token" ]
	run guard-scan files --format table
	[[ "$output" == *"src/$aws.txt:0:1"*"in the name"* ]]
	run guard-scan files --format github
	[[ "$output" == *"::error file=src/$aws.txt,title=guard-scan aws-access-key::an AWS access key id (AKIA… sha256:"*", in the name)"* ]]
	run guard-scan files src/secret_key.py "src/$aws.txt"
	[ "$status" -eq 1 ]
	# staged and range: the names a change adds, a new folder's once
	git add -A && git -c user.email=a@b -c user.name=a commit -q -m names
	run guard-scan range HEAD~1..HEAD --format jsonl
	[ "$(jq -r '"\(.path):\(.line) \(.in)"' <<<"$output")" = "src/$aws.txt:0 name
src/$ghp:0 name" ]
	git mv "src/$aws.txt" src/plain.txt
	git mv src/secret_key.py "src/key-$aws-2"
	run guard-scan staged --format jsonl
	[ "$status" -eq 1 ]
	[ "$(jq -r '"\(.path) \(.rule)"' <<<"$output")" = "src/key-$aws-2 aws-access-key" ]
	# a baseline keeps it like any finding
	run guard-scan staged --write-baseline "$BATS_TEST_TMPDIR/b.json"
	run guard-scan staged --baseline "$BATS_TEST_TMPDIR/b.json"
	[ "$status" -eq 0 ]
}

@test "SARIF: a name's finding is the whole artifact's (no region: lines start at 1), still valid SARIF 2.1.0" {
	python3 -c 'import jsonschema' || { echo "# python3-jsonschema is missing" >&2; return 1; }
	plant
	: >"$PROJ/src/$aws.txt"
	guard-scan files --format sarif >"$BATS_TEST_TMPDIR/out.sarif" || [ $? -eq 1 ]
	python3 -c 'import json,sys,jsonschema; jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
		"$REPO_ROOT/t/scan/sarif-schema-2.1.0.json" "$BATS_TEST_TMPDIR/out.sarif"
	r=$(jq -c --arg p "src/$aws.txt" '.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == $p)' "$BATS_TEST_TMPDIR/out.sarif")
	[ "$(jq -r '.locations[0].physicalLocation.region' <<<"$r")" = null ]
	[[ "$(jq -r .message.text <<<"$r")" == *"in the name)" ]]
}
