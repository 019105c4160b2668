#!/usr/bin/env bats
# left12 (README, attacker's tenth pass left open): a NUL printed by printf
# (\0, \x00, \000, %b) or echo -e/-ne is a NUL in the text piped on: xargs
# -0 splits there, a shell drops it (bash skips NUL bytes in a script).
# mysql/mariadb --pager=CMD (cut short, --loose-) runs CMD through the shell
# and --tee=FILE writes FILE, as the pager and tee commands in SQL do; the
# same lines in an option file mysql reads. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "left12: a NUL printed into xargs -0 or a shell is read as one" {
	decides "printf 'rm -rf ~\\0' | xargs -0 sh -c" deny
	decides "printf 'rm -rf ~\\x00' | xargs -0 sh -c" deny
	decides "printf 'rm -rf ~\\000' | xargs -0 bash -c" deny
	decides "printf '%b' 'rm -rf ~\\0' | xargs -0 sh -c" deny
	decides "echo -ne 'rm -rf ~\\0' | xargs -0 sh -c" deny
	decides "echo -e 'rm -rf ~\\x00' | xargs --null sh -c" deny
	decides "printf 'r\\0m -rf ~' | sh" deny
	run guard-risk -c "printf 'rm -rf ~\\0' | xargs -0 sh -c"
	[[ $output == *"removes the home directory: ~\""* ]]
	[[ $output != *"~0"* ]]
}

@test "left12 user twins: NUL-separated names and prints" {
	decides "printf 'a.txt\\0b.txt\\0' | xargs -0 ls -l" allow
	decides "printf '%s\\0' src/a.c src/b.c | xargs -0 wc -l" allow
	decides "printf 'build/a.o\\0' | xargs -0 rm -f" 'allow'
	decides "printf 'echo hi\\0' | xargs -0 sh -c" allow
}

@test "left12: mysql/mariadb --pager=CMD runs CMD, --tee=FILE writes FILE" {
	decides "mysql --pager='rm -rf ~'" deny
	decides "mysql --pager='sh -c \"rm -rf ~\"' db" deny
	decides "mariadb --pag='rm -rf ~'" deny
	decides "mysql --loose-pager='rm -rf ~' -e 'select 1'" deny
	decides 'mysql --tee=.ai/policy.yaml' deny
	printf '[client]\npager = rm -rf ~\n' >"$BATS_TEST_TMPDIR/my.cnf"
	decides "mysql --defaults-extra-file=$BATS_TEST_TMPDIR/my.cnf -e 'select 1'" deny
	printf '[mysql]\npager=rm -rf ~\n' >"$HOME/.my.cnf"
	decides "mysql -e 'select 1'" deny
	decides "mysql --no-defaults -e 'select 1'" allow
	rm -f "$HOME/.my.cnf"
}

@test "left12 user twins: mysql with a pager, a port, no pager" {
	decides "mysql --pager=less -e 'select 1'" allow
	decides "mysql --pager='less -S' -e 'select 1'" allow
	decides "mysql -P 3306 -h db -e 'select 1'" allow
	decides "mysql --no-pager -e 'select 1'" allow
	decides "mysql --tee=build/session.log -e 'select 1'" allow
}
