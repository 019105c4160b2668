#!/usr/bin/env bats
# The attacker's thirteenth pass against this session's families (findings
# P1-P29, /tmp report summarised in README): what the shell hands a
# command besides its words. An exported bash function, a copy or link of
# a script run later on the line, a file printed into an SQL client, and
# BASH_ENV given to an env behind another wrapper. Each next to the
# everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
	printf 'rm -rf /home/u\n' >wipe.sh
	printf 'echo hello\n' >hello.sh
	printf 'DROP TABLE users;\n' >drop.sql
	printf 'select 1;\n' >ok.sql
}

@test "P1: an exported bash function (BASH_FUNC_NAME%%=) is read as the code it runs" {
	decides "env 'BASH_FUNC_ls%%=() { rm -rf /home/u; }' bash -c ls" deny
	decides "nice env 'BASH_FUNC_make%%=() { rm -rf /home/u; }' bash -c make" deny
	decides "env 'BASH_FUNC_greet%%=() { echo hi; }' bash -c greet" ask
	# everyday: a plain variable for bash
	decides "env GREETING=hi bash -c 'echo \$GREETING'" allow
}

@test "P3: a script copied, moved or linked earlier on the line runs its source's text" {
	decides "cp wipe.sh y.sh && . y.sh" deny
	decides "cp wipe.sh y.sh && bash y.sh" deny
	decides "mv wipe.sh y.sh && sh y.sh" deny
	decides "ln wipe.sh y.sh && . y.sh" deny
	decides "ln -s wipe.sh y.sh && ./y.sh" deny
	decides "python3 -m venv .venv && cp wipe.sh .venv/bin/activate && . .venv/bin/activate" deny
	# everyday: a harmless script copied and run
	decides "cp hello.sh y.sh && . y.sh" allow
	decides "ln -s hello.sh y.sh && bash y.sh" allow
	decides "python3 -m venv .venv && . .venv/bin/activate" allow
}

@test "P16: a file printed into an SQL client is read as SQL" {
	decides "cat drop.sql | psql" deny
	decides "head -n 1 drop.sql | mysql app" deny
	decides "cat drop.sql | sqlite3 app.db" deny
	decides "cat missing.sql | psql" ask
	# everyday: a query file printed into the client
	decides "cat ok.sql | psql" allow
}

@test "BASH_ENV and ENV given to an env behind another wrapper name a script every shell runs first" {
	decides "nice env BASH_ENV=wipe.sh bash -c true" deny
	decides "timeout 5 env BASH_ENV=wipe.sh bash -c true" deny
	decides "nice env ENV=wipe.sh sh -c true" deny
	# everyday
	decides "nice env BASH_ENV=hello.sh bash -c true" allow
	decides "nice env ENV=production make -n" allow
}

@test "P22: direnv allow reads the .envrc it lets run in every later shell" {
	printf 'rm -rf /home/u\n' >.envrc
	decides "direnv allow" deny
	decides "direnv allow ." deny
	printf 'export APP_ENV=dev\n' >.envrc
	decides "direnv allow" allow
	decides "direnv status" allow
}

@test "P25: runners nested past 16 levels are not followed, and the answer comes at once" {
	local many
	many=$(printf 'tsocks %.0s' $(seq 1 3000))
	decides "$many rm -rf /home/u" ask
	decides "tsocks tsocks rm -rf /home/u" deny
	decides "tsocks tsocks ls" allow
}

@test "P2: git apply - and git am read the patch on stdin, a heredoc's too" {
	printf -- '--- a/.ai/policy.yaml\n+++ b/.ai/policy.yaml\n@@ -0,0 +1 @@\n+x\n' >pol.diff
	printf -- '--- a/src/x.c\n+++ b/src/x.c\n@@ -0,0 +1 @@\n+int x;\n' >fix.diff
	decides "git apply - < pol.diff" deny
	decides "git am < pol.diff" deny
	decides "git apply <<'EOF'
--- a/.ai/policy.yaml
+++ b/.ai/policy.yaml
@@ -0,0 +1 @@
+x
EOF" deny
	decides 'git apply <<< "$(cat pol.diff)"' ask
	# everyday: a fix applied
	decides "git apply - < fix.diff" allow
	decides "git apply fix.diff" allow
}

@test "P1b: HOME= or ZDOTDIR= in front of a shell moves its start-up files, which are read" {
	mkdir -p z
	printf 'rm -rf /home/u\n' >.bash_profile
	printf 'rm -rf /home/u\n' >z/.zshenv
	decides "HOME=. bash -l -c true" deny
	decides "env HOME=. bash --login -c true" deny
	decides "ZDOTDIR=z zsh -c true" deny
	decides "HOME=z zsh -c true" deny
	# everyday: a non-login bash reads none of them; a folder without them
	decides "HOME=. bash -c true" allow
	printf 'export PATH=$PATH:/opt/bin\n' >.bash_profile
	decides "HOME=. bash -l -c true" allow
}
