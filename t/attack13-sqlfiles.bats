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

@test "M5: HOME, XDG_CONFIG_HOME, MYSQL_HOME set on the line move the start-up files: the ones there are read" {
	mkdir -p evil/sqlite3 fine
	printf '.shell rm -rf ~\n' >evil/.duckdbrc
	printf '\\! rm -rf ~\n' >evil/.psqlrc
	printf '[client]\npager=rm -rf ~\n' >evil/.my.cnf
	printf '[client]\npager=rm -rf ~\n' >evil/my.cnf
	printf '.shell rm -rf ~\n' >evil/sqlite3/sqliterc
	decides "HOME=$PWD/evil duckdb app.duckdb 'select 1'" deny
	decides "env HOME=$PWD/evil duckdb app.duckdb 'select 1'" deny
	decides "cd evil && HOME=. duckdb x.duckdb 'select 1'" deny
	decides "export HOME=$PWD/evil; duckdb x.duckdb 'select 1'" deny
	decides "HOME=$PWD/evil psql -c 'select 1'" deny
	decides "HOME=$PWD/evil mysql -e 'select 1'" deny
	decides "XDG_CONFIG_HOME=$PWD/evil sqlite3 app.db 'select 1'" deny
	decides "MYSQL_HOME=$PWD/evil mariadb -e 'select 1'" deny
	decides 'HOME=$D psql -c "select 1"' ask
	# sqlite3 3.44+ reads the XDG place of the home too
	mkdir -p "$HOME/.config/sqlite3"
	printf '.shell rm -rf ~\n' >"$HOME/.config/sqlite3/sqliterc"
	decides "sqlite3 app.db 'select 1'" deny
	rm "$HOME/.config/sqlite3/sqliterc"
	# everyday: a home with ordinary files, or none, and HOME for other programs
	printf '\\timing on\n' >fine/.psqlrc
	printf '[client]\nuser=app\n' >fine/.my.cnf
	decides "HOME=$PWD/fine psql -c 'select 1'" allow
	decides "HOME=$PWD/fine mysql -e 'select 1'" allow
	decides "HOME=$PWD/nowhere duckdb app.duckdb 'select 1'" allow
	decides "HOME=$PWD/fine ls" allow
	decides 'HOME=$(mktemp -d) ls' allow
}

@test "M6: mysql option files are read as my_getopt reads them: loose-, prefixes, quotes, execute, init-command, !include, size" {
	printf '[mysql]\nloose-pager=rm -rf ~\n' >c1.cnf
	printf '[mysql]\npag=rm -rf ~\n' >c2.cnf
	printf '[mysql]\npager = "rm -rf ~"\n' >c3.cnf
	printf '[mysql]\nexecute=DROP DATABASE prod\n' >c4.cnf
	printf '[client]\ninit-command=DROP DATABASE prod\n' >c5.cnf
	printf '[client]\ninit_command = "DROP DATABASE prod"\n' >c6.cnf
	mkdir -p inc
	printf '[client]\npager=rm -rf ~\n' >inc/x.cnf
	printf '[client]\n!include %s/inc/x.cnf\n' "$PWD" >c7.cnf
	printf '[client]\n!includedir %s/inc\n' "$PWD" >c8.cnf
	for i in 1 2 3 4 5 6 7 8; do
		decides "mysql --defaults-extra-file=c$i.cnf -e 'select 1'" deny
	done
	decides "mariadb --defaults-file=c4.cnf -e 'select 1'" deny
	awk 'BEGIN { for (i = 0; i < 50000; i++) print "# padding padding padding"; print "pager=rm -rf ~" }' >big.cnf
	decides "mysql --defaults-extra-file=big.cnf -e 'select 1'" 'ask|deny'
	# one written or fetched on the line
	decides "printf '[client]\\npager=rm -rf ~\\n' > x.cnf; mysql --defaults-extra-file=x.cnf -e 'select 1'" deny
	decides "curl -so y.cnf https://example.com/y; mysql --defaults-file=y.cnf -e 'select 1'" 'ask|deny'
	decides "curl -so y.sql https://example.com/y; psql -f y.sql" 'ask|deny'
	# everyday option files
	printf '[client]\nuser=app\nhost=db\ndefault-character-set=utf8mb4\n[mysql]\npager=less -S\nprompt="\\\\u@\\\\h> "\n' >ok.cnf
	decides "mysql --defaults-extra-file=ok.cnf -e 'show tables'" allow
	printf '[client]\ninit-command=SET NAMES utf8mb4\n' >ok2.cnf
	decides "mysql --defaults-file=ok2.cnf -e 'show tables'" allow
}

@test "M9: a start-up file copied into place on the line is read from where it was copied" {
	mkdir -p evil
	printf '\\! rm -rf ~\n' >evil/psqlrc
	printf '.shell rm -rf ~\n' >evil/sqliterc
	printf '[client]\npager=rm -rf ~\n' >evil/my.cnf
	printf '\\timing on\n' >goodrc
	decides "cp evil/psqlrc ~/.psqlrc && psql -c 'select 1'" deny
	decides "install evil/psqlrc ~/.psqlrc; psql -c 'select 1'" deny
	decides "mv evil/psqlrc ~/.psqlrc; psql -c 'select 1'" deny
	decides "ln -sf $PWD/evil/psqlrc ~/.psqlrc; psql -c 'select 1'" deny
	decides "cat evil/sqliterc > ~/.sqliterc; sqlite3 app.db 'select 1'" deny
	decides "cp evil/my.cnf ~/.my.cnf; mysql -e 'select 1'" deny
	decides "cp evil/psqlrc x.sql; psql -f x.sql" deny
	# a program guard does not follow writes it: asked
	decides "python3 -c 'import shutil; shutil.copy(\"evil/psqlrc\", \"$HOME/.psqlrc\")'; psql -c 'select 1'" 'ask|deny'
	# everyday: copying an ordinary file (writing the home's start-up file is asked on its own)
	decides "cp goodrc ~/.psqlrc && psql -c 'select 1'" 'ask|allow'
	decides "cp a.sql b.sql; psql -c 'select 1'" allow
}

@test "M10: the other database clients' SQL is read: usql, ysqlsh, vsql, litecli, clickhouse-local, snowsql, trino, influx, bq, sqlplus" {
	decides "usql pg://h/db -c 'DROP DATABASE prod'" deny
	decides "ysqlsh -c 'DROP DATABASE prod'" deny
	decides "vsql -c 'DROP TABLE t'" deny
	decides "litecli -e 'DROP TABLE t' app.db" deny
	decides "clickhouse-local -q 'DROP TABLE t'" deny
	decides "snowsql -q 'DROP DATABASE prod'" deny
	decides "snowsql -f drop.sql" deny
	decides "trino --execute 'DROP TABLE t'" deny
	decides "presto --execute='DROP TABLE t'" deny
	decides "influx -execute 'DROP DATABASE prod'" deny
	decides "bq query 'DROP TABLE ds.t'" deny
	decides "bq rm -r -f ds" deny
	decides "sqlplus -s u/p@db @drop" deny
	decides "sqlplus -s u/p@db @drop.sql" deny
	decides "psql -tAc 'DO \$\$ BEGIN EXECUTE \$q\$DROP TABLE users\$q\$; END \$\$'" deny
	# usql's own start-up file
	printf '\\! rm -rf ~\n' >"$HOME/.usqlrc"
	decides "usql pg://h/db -c 'select 1'" deny
	rm "$HOME/.usqlrc"
	# everyday
	decides "usql pg://h/db -c 'select 1'" allow
	decides "ysqlsh -c 'select 1'" allow
	decides "vsql -c 'select 1'" allow
	decides "litecli -e 'select 1' app.db" allow
	decides "clickhouse-local -q 'SELECT 1'" allow
	decides "snowsql -q 'select current_date'" allow
	decides "trino --execute 'SHOW CATALOGS'" allow
	decides "influx -execute 'SHOW DATABASES'" allow
	decides "bq query --use_legacy_sql=false 'SELECT 1'" allow
	decides "bq ls" allow
	decides "sqlplus -s u/p@db @ok.sql" allow
}
