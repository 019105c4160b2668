#!/usr/bin/env bats
# Database clients, attacker's twelfth pass (share/doc/attack12-findings.md
# M4, M5, M6, M8, M9, M10, M22): the SQL files other clients' options
# name, options whose value looks like an option, long options cut short,
# start-up files moved by HOME and friends or copied on the line, and the
# clients guard did not know. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
	printf 'DROP DATABASE prod;\n' >drop.sql
	printf 'SELECT count(*) FROM users;\n' >ok.sql
}

@test "M22: the SQL file of cqlsh -f, cockroach sql --file, clickhouse --queries-file, sqlcmd -i, duckdb -f is read" {
	decides "cqlsh -f drop.sql" deny
	decides "cqlsh --file=drop.sql" deny
	decides "cqlsh -Cf drop.sql" deny
	decides "cockroach sql -f drop.sql" deny
	decides "cockroach sql --file=drop.sql" deny
	decides "cockroach sql --file drop.sql" deny
	decides "clickhouse-client --queries-file=drop.sql" deny
	decides "clickhouse-client --queries-file drop.sql" deny
	decides "clickhouse client --queries-file ok.sql drop.sql" deny
	decides "sqlcmd -i drop.sql" deny
	decides "sqlcmd -i ok.sql,drop.sql" deny
	decides "sqlcmd -i ok.sql drop.sql" deny
	decides "duckdb -f drop.sql" deny
	decides "duckdb app.duckdb -f drop.sql" deny
	decides "psql -f ok.sql -f drop.sql" deny
	# a file named by a computed word is not known here
	decides 'cqlsh -f "$F"' ask
	# everyday: the same options with a read
	decides "cqlsh -f ok.sql" allow
	decides "cockroach sql --file=ok.sql" allow
	decides "clickhouse-client --queries-file ok.sql" allow
	decides "sqlcmd -i ok.sql" allow
	decides "duckdb -f ok.sql" allow
	decides "psql -f ok.sql" allow
}

@test "M22: -init, .read, source, \\. and \\i run a file: its text is read" {
	decides "sqlite3 -init drop.sql app.db" deny
	decides "duckdb -init drop.sql app.duckdb" deny
	decides "sqlite3 app.db '.read drop.sql'" deny
	decides "duckdb app.duckdb '.read drop.sql'" deny
	decides "mysql -e 'source drop.sql'" deny
	decides "mysql -e 'source drop.sql;'" deny
	decides "mysql -e '\\. drop.sql'" deny
	decides "psql -c '\\i drop.sql'" deny
	decides "psql -c '\\include drop.sql'" deny
	printf '.shell rm -rf ~\n' >sh.sql
	decides "sqlite3 app.db '.read sh.sql'" deny
	# a file that includes another, and one that includes itself
	printf 'SELECT 1;\nsource drop.sql\n' >outer.sql
	decides "mysql -e 'source outer.sql'" deny
	printf 'source self.sql\nsource self.sql\n' >self.sql
	decides "mysql -e 'source self.sql'" 'ask|deny'
	# a file guard cannot find stays asked; .load is a native library
	decides "sqlite3 -init missing.sql app.db" ask
	decides "sqlite3 app.db '.load ./ext'" ask
	# everyday
	printf '.headers on\n.mode column\n' >init.sql
	decides "sqlite3 -init init.sql app.db 'select 1'" allow
	decides "sqlite3 app.db '.read ok.sql'" allow
	decides "mysql -e 'source ok.sql'" allow
	decides "psql -c '\\i ok.sql'" allow
	decides "sqlite3 app.db .tables" allow
	decides "duckdb -c 'select 42'" allow
}

@test "M4: a value-taking option whose value is -X or -init hides no start-up file" {
	printf '\\! rm -rf ~\n' >"$HOME/.psqlrc"
	decides "psql -F -X -c 'select 1'" deny
	decides "psql -o -X -c 'select 1'" deny
	decides "psql -v -X -c 'select 1'" deny
	decides "psql -FX -c 'select 1'" deny
	decides "psql -F --no-psqlrc -c 'select 1'" deny
	decides "psql --set -X -c 'select 1'" deny
	decides "psql -F -l" deny
	# everyday: -X itself, after a value, in a cluster, cut short
	decides "psql -X -c 'select 1'" allow
	decides "psql -F, -X -c 'select 1'" allow
	decides "psql -F ',' -X -c 'select 1'" allow
	decides "psql -qX -c 'select 1'" allow
	decides "psql --no-psql -c 'select 1'" allow
	rm "$HOME/.psqlrc"
	printf '.shell rm -rf ~\n' >"$HOME/.sqliterc"
	decides "sqlite3 -separator -init app.db 'select 1'" deny
	decides "sqlite3 -cmd -init app.db 'select 1'" deny
	printf '.headers on\n' >init.sql
	decides "sqlite3 -init init.sql app.db 'select 1'" allow
	decides "sqlite3 -separator , -init init.sql app.db 'select 1'" allow
}

@test "M8: long options cut short, mysql's --loose-/--maximum-/_ spellings and --init-command are read" {
	decides "mysql --exec='DROP DATABASE prod'" deny
	decides "mysql --execu='DROP DATABASE prod'" deny
	decides "mysql --exe 'DROP DATABASE prod'" deny
	decides "mysql --loose-execute='DROP DATABASE prod'" deny
	decides "mysql --loose_execute='DROP DATABASE prod'" deny
	decides "mysql --maximum-execute='DROP DATABASE prod'" deny
	decides "mariadb --loose-exec='DROP DATABASE prod'" deny
	decides "mysql --init-command='DROP DATABASE prod'" deny
	decides "mysql --init_command='DROP DATABASE prod' -e 'select 1'" deny
	decides "mysql --init='DROP DATABASE prod' -e 'select 1'" deny
	decides "mysql --loose-init-command 'DROP DATABASE prod' -e 'select 1'" deny
	decides "cqlsh --exec='DROP KEYSPACE prod'" deny
	decides "psql --comm='DROP TABLE users'" deny
	decides "psql --fi=drop.sql" deny
	decides "sqlcmd -Q'DROP DATABASE prod'" deny
	decides "sqlcmd -idrop.sql" deny
	decides "pgcli -c'DROP DATABASE prod'" deny
	decides "duckdb -s 'DROP TABLE t' app.duckdb" deny
	# everyday
	decides "mysql --exec='show tables'" allow
	decides "mysql --loose-execute='SELECT 1'" allow
	decides "mysql --init-command='SET NAMES utf8mb4' -e 'select 1'" allow
	decides "mysql --batch --execute='show tables'" allow
	decides "mysql -e 'show tables'" allow
	decides "cqlsh --exec='SELECT * FROM ks.t LIMIT 10'" allow
	decides "psql --comm='select 1'" allow
	decides "psql -c 'select 1'" allow
	decides "sqlcmd -S db -Q'SELECT 1'" allow
	decides "pgcli -c'select 1'" allow
	decides "duckdb app.duckdb -s 'select 42'" allow
}
