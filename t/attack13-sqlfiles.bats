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
