#!/usr/bin/env bats
# Everyday work that guard used to block for no reason (t/benign/day.jsonl
# is the whole day; t/benign/run.sh lists its asks and denies), each fix
# next to its attacker twin: the dangerous spelling beside the benign one
# must still ask or deny.

load helper

setup() {
	setup_guard
	printf 'API_KEY=sk-live-51HqLw8f0c9bRealLookingKey0001\n' >.env
	printf 'API_KEY=your-key-here\n' >.env.example
	printf 'API_KEY=\n' >.env.sample
	mkdir -p coverage old
	printf 'x\n' >old/a.c
	mkdir -p "$HOME/.ssh"
}

@test "ls and stat of .env show its name and metadata: allowed" {
	decides 'ls -la .env' allow
	decides 'ls .env .env.example' allow
	decides 'stat .env' allow
	decides "stat -c '%s %y' .env" allow
	decides 'test -f .env && ls -la .env' allow
}

@test "attacker twin: a listing of .env whose output picks what is read is still a secret read" {
	decides 'ls .env; cat .env' deny
	decides 'ls -la .env | xargs cat' deny
	decides 'ls .env > names; xargs cat < names' deny
	decides 'cat $(ls .env)' deny
	decides '{ ls .env; } | xargs cat' deny
	decides 'exec >names; ls .env' deny
	decides 'bash -c "ls .env"' deny
	decides 'ls .env*' deny
	decides 'head -c 100 .env' deny
	decides 'ls -la ~/.ssh/id_rsa' deny
}

@test "a new .env from the project's template: allowed" {
	rm .env
	decides 'cp .env.example .env' allow
	decides 'cp .env.sample .env.local' allow
	decides 'cp -n .env.example .env.test' allow
}

@test "attacker twin: a copy onto an existing .env, from a secret, or through a link still denies" {
	decides 'cp .env.example .env' deny     # clobbers the secrets in .env
	decides 'cp -n .env.example .env' allow # -n: the existing .env is kept
	decides 'cp .env .env.bak' deny
	decides 'cp ~/.ssh/id_rsa .env.new' deny
	decides 'cp src/x.c .env.new' deny
	decides 'ln -s ~/.bashrc .env.new; cp .env.example .env.new' deny
	decides 'cp .env.example .env.new && cat .env.new' deny
	decides 'cp .env.example ~/.env' deny
	ln -s "$HOME/.bashrc" .env.dev
	decides 'cp .env.example .env.dev' deny
}

@test "rm -r of names that are not there deletes nothing: allowed" {
	decides 'rm -rf htmlcov' allow
	decides 'rm -rf coverage htmlcov' allow
	decides 'rm -rf docs/_build' allow
	decides 'rm -r .mypy_cache target' allow
}

@test "attacker twin: rm -r of a missing name that an earlier part fills still asks" {
	decides 'rm -rf old' ask
	decides 'mv src x && rm -rf x' ask
	decides "python3 -c 'import os; os.rename(\"src\", \"x\")'; rm -rf x" ask
	decides "node -e 'require(\"fs\").renameSync(\"src\", \"x\")' && rm -rf x" ask
	decides 'until rm -rf x; do mv src x; done' ask
	decides 'f() { rm -rf x; }; mv src x; f' ask
	decides 'timeout 9 rm -rf x' ask
	decides 'rm -rf nothere/*' ask
}

@test "a link to home made on the line and deleted through is deleting home (critical)" {
	local c
	for c in 'ln -s ~ x && rm -rf x/' 'ln -s $HOME x && rm -rf x/' "ln -s $HOME x && rm -rf x/" \
		'ln -sfn ~ x; rm -rf x/.' 'ln -s ~ x && rm -rf x/*' 'ln -s ~/ x && rm -r x/' \
		'ln -s ~ x && rm -rf x/./'; do
		run --separate-stderr guard-risk -c "$c"
		[ "$status" -eq 0 ]
		[ "$(jq -r .level <<<"$output")" = critical ] || { echo "$c: $output"; false; }
		[[ $output == *"removes the home directory"* ]] || { echo "$c: $output"; false; }
	done
	run --separate-stderr guard-risk -c 'ln -s / x && rm -rf x/'
	[[ $output == *"filesystem root"* ]]
	decides 'ln -s ~ x && rm -rf x/' deny
	# the benign twin: removing only the link (no slash) is not deleting home
	run --separate-stderr guard-risk -c 'ln -s ~ x && rm -rf x'
	[ "$(jq -r .level <<<"$output")" != critical ]
}

# The hook's answer to a Write of CONTENT into FILE, in $got (allow when none).
write_decides() { # file, content, wanted
	local out
	out=$(guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg f "$PROJ/$1" --arg c "$2" '{file_path:$f, content:$c}')")" 2>/dev/null)
	got=$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"${out:-{\}}")
	[ "$got" = "$3" ] || { echo "got $got (wanted $3) writing $1: $2"; echo "$out"; return 1; }
}

@test "well-known default and test passwords in files are not secrets: allowed" {
	write_decides .env.example $'DATABASE_URL=postgres://dev:dev@localhost/app_dev\nAPI_KEY=your-key-here\n' allow
	write_decides docker-compose.yml $'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n' allow
	write_decides tests/conftest.py $'def settings():\n    return {"user": "test", "password": "test-password"}\n' allow
	write_decides config/settings.example.yaml $'db:\n  password: changeme\n' allow
	write_decides src/cache.py $'REDIS_URL = "redis://:redis@localhost:6379/0"\n' allow
}

@test "attacker twin: a chosen password or a real-shaped key is still found" {
	write_decides .env.example $'DATABASE_URL=postgres://admin:S3cr3tXq9@db.prod.example.com/app\n' deny
	write_decides docker-compose.yml $'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Zq8r2LmWx7\n' deny
	write_decides tests/conftest.py $'PASSWORD = "testing-Is-fun-9"\n' deny
	write_decides src/keys.py $'AWS_ACCESS_KEY_ID = "AKIAQ3EGUXH7PLWZ4KTN"\n' deny
	write_decides config/app.yaml $'api_key: sk-live-51HqLw8f0c9bRealLookingKey0001\n' deny
}
