#!/usr/bin/env bats
# attack11 L8 (share/doc/trust.md, database clients): psql runs every
# backquoted span in a backslash command's arguments through the shell,
# whatever the command (\set, \echo, \setenv, \pset, \cd, \connect,
# \gset, \qecho); PSQLRC=FILE is run first by every psql, -c or not; \o,
# \w, \g FILE, \lo_export, -o and -L write files; -v values are text psql
# puts in place of :NAME; mysql's pager and tee. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "L8: backquoted text in any psql meta-command runs through the shell" {
	decides "psql -c '\\set x \`rm -f .a\"\"i/policy.yaml; echo gone >&2\`'" deny
	decides "psql -c '\\set x \`rm -rf ~\`'" deny
	decides "psql -c '\\echo \`rm -rf ~\`'" deny
	decides "psql -c '\\setenv X \`rm -rf ~\`'" deny
	decides "psql -c '\\pset title \`rm -rf ~\`'" deny
	decides "psql -c '\\cd \`rm -rf ~\`'" deny
	decides "psql -c '\\connect \`rm -rf ~\`'" deny
	decides "psql -c 'select 1 \\gset \`rm -rf ~\`'" deny
	decides "psql -c '\\qecho \`git push -f origin +main\`'" deny
	decides "echo '\\set x \`rm -rf ~\`' | psql" deny
	decides "psql <<< '\\echo \`rm -rf ~\`'" deny
	decides "psql -c '\\echo \`rm -rf ~'" deny
	# a command filled from psql's variables is not known
	decides "psql -c '\\echo \`:cmd\`'" 'ask|deny'
	# in a file psql is given, the same text
	printf 'select 1;\n\\set x `rm -rf ~`\n' > y.sql
	decides 'psql -f y.sql' deny
	decides 'psql --file=y.sql' deny
	decides 'psql < y.sql' deny
	# everyday: meta-commands without backquotes, a backquote-free echo
	decides "psql -c '\\dt'" allow
	decides "psql -c '\\set x 1' -c '\\echo :x'" allow
	decides "psql -c 'select 1'" allow
	decides "psql -c '\\echo hello'" allow
}

@test "L8: PSQLRC=FILE is run by every psql; ~/.psqlrc written is a start-up file" {
	printf '%s\n' '\! rm -f .ai/policy.yaml' > rc
	decides "PSQLRC=rc psql -c 'select 1'" deny
	decides "export PSQLRC=rc; psql -c 'select 1'" deny
	decides "env PSQLRC=rc psql -c 'select 1'" deny
	decides "printf '\\\\! rm -rf ~\\n' > r2; PSQLRC=r2 psql -c 'select 1'" deny
	decides "PSQLRC=/nonexistent/rc psql -c 'select 1'" 'ask|deny'
	decides "PSQLRC=\$F psql -c 'select 1'" 'ask|deny'
	decides "echo '\\! rm -rf ~' >> ~/.psqlrc" 'ask|deny'
	# everyday: psql with no PSQLRC, or -X
	decides "psql -X -c 'select 1'" allow
	decides "psql -d app -c 'select count(*) from users'" allow
}

@test "L8: \\o, \\w, \\g FILE, \\lo_export, -o and -L write files; -v values are rated" {
	decides "psql -c '\\o .ai/policy.yaml' -c \"select 'x'\"" deny
	decides "psql -c '\\out .claude/settings.json' -c 'select 1'" deny
	decides "psql -c '\\w .ai/policy.yaml'" deny
	decides "psql -c 'select 1 \\g .ai/policy.yaml'" deny
	decides "psql -c '\\lo_export 123 .ai/policy.yaml'" deny
	decides "psql -o .ai/policy.yaml -c 'select 1'" deny
	decides "psql --output=.ai/policy.yaml -c 'select 1'" deny
	decides "psql -L .ai/policy.yaml -c 'select 1'" deny
	decides "psql --log-file .ai/policy.yaml -c 'select 1'" deny
	decides "psql -c '\\o /root/.bashrc' -c \"select 'rm -rf ~'\"" 'ask|deny'
	decides "psql -o '|sh' -c \"select 'rm -rf ~'\"" 'ask|deny'
	decides "psql -v x='drop table users' -c ':x'" deny
	decides "psql --set=x='\\! rm -rf ~' -c 'select 1'" deny
	# mysql: pager and tee
	decides "mysql -e 'pager rm -rf ~'" deny
	decides "mysql -e '\\P rm -rf ~'" deny
	decides "mysql -e 'tee .ai/policy.yaml'" deny
	# everyday: output to a project file, variables that are names
	decides "psql -c '\\o out.txt' -c 'select 1'" allow
	decides "psql -o out.csv -c 'select 1'" allow
	decides "psql -v ON_ERROR_STOP=1 -c 'select 1'" allow
	decides "psql -v ON_ERROR_STOP=1 --set=app=demo -c 'select 1'" allow
	decides "mysql -e 'select 1'" allow
}

@test "L8: sqlite3 load_extension() in SQL runs a native library" {
	decides "sqlite3 x.db \"select load_extension('/tmp/x.so')\"" 'ask|deny'
	decides "sqlite3 x.db 'select count(*) from t'" allow
}
