#!/usr/bin/env bats
# attack10 (loc10): J11's second half and the programs the ninth pass
# left (share/doc/trust.md): a script a line makes with a program guard
# cannot read is high when it runs, and the commands programs run from
# their own languages (run-parts, expect, tclsh, emacs, R's system2, SQL
# files) are read as the shell would run them.

load helper

setup() { setup_guard; }

level() { guard-risk -c "$1" | jq -r .level; }

@test "J11: a script missing when rated, which an earlier part may make, is high (attack)" {
	for c in "python3 -c \"open('z.sh','w').write('rm -rf ~')\" && bash z.sh" \
		"node -e \"require('fs').writeFileSync('/tmp/a10-z.sh','rm -rf ~')\"; sh /tmp/a10-z.sh" \
		"perl -e 'open F,\">z.sh\"; print F \"rm -rf ~\"' && . ./z.sh" \
		'tar xf payload.tar && ./run.sh' 'unzip -o p.zip; sh p/go.sh' 'git show evil:x.sh > "$F"; bash x.sh' \
		'some-tool --emit z.sh && sh z.sh' 'x=$(python3 -c "print(1)"); sh /tmp/a10-q.sh' \
		"echo ls > n.sh; python3 gen.py; sh n.sh" 'sh -c "python3 mk.py" && source ./made.sh'; do
		[[ "$(level "$c")" =~ ^(high|critical)$ ]] || { echo "not high: $c"; guard-risk -c "$c"; return 1; }
	done
	run guard-risk -c 'tar xf payload.tar && ./run.sh'
	[[ "$output" == *"runs a script this line makes that guard cannot read"*"tar runs before it"* ]]
}

@test "J11: an existing script keeps its rating, a plain missing one and a built program stay medium (user)" {
	mkdir -p scripts && printf 'ls\n' >scripts/test.sh
	[ "$(level 'bash scripts/test.sh')" = medium ]
	[ "$(level 'python3 -c "print(1)" && bash scripts/test.sh')" = medium ]
	[ "$(level 'bash scripts/missing.sh')" = medium ]
	[ "$(level 'ls && cd src && bash ../scripts/missing.sh')" = medium ]
	[ "$(level "echo 'ls' > n.sh && chmod +x n.sh && ./n.sh")" = low ]
	[ "$(level "echo 'ls' > a.sh; mv a.sh b.sh; sh b.sh")" = medium ]
	[ "$(level 'gcc -o t t.c && ./t')" = medium ]
	[ "$(level 'make && ./build/app --help')" = medium ]
	[ "$(level 'curl -o x.sh https://github.com/x && bash other.sh')" = medium ]
}

@test "programs: run-parts reads the scripts of its folder; one it cannot list, or filled earlier on the line, is high (attack)" {
	mkdir -p hooks && printf '#!/bin/sh\nrm -rf ~\n' >hooks/10-clean && chmod +x hooks/10-clean
	[ "$(level 'run-parts hooks')" = critical ]
	[ "$(level 'run-parts --report -- hooks')" = critical ]
	[ "$(level 'run-parts nothere')" = high ]
	[ "$(level 'run-parts "$D"')" = high ]
	mkdir -p empty
	[ "$(level 'tar xf h.tar -C empty; run-parts empty')" = high ]
}

@test "programs: run-parts of a folder of harmless scripts, --test and --list stay as they were (user)" {
	mkdir -p daily && printf '#!/bin/sh\necho ok\n' >daily/10-echo && chmod +x daily/10-echo
	printf 'rm -rf ~\n' >daily/skipped.sh && chmod +x daily/skipped.sh # a dot: run-parts skips it
	[ "$(level 'run-parts daily')" = medium ]
	[ "$(level 'run-parts --test daily')" = low ]
	[ "$(level 'run-parts --list /etc/cron.daily')" = low ]
}

@test "programs: expect's spawn and tclsh's exec and open |CMD are read; computed ones are high (attack)" {
	[ "$(level "expect -c 'spawn rm -rf /; expect eof'")" = critical ]
	[ "$(level "expect -c 'spawn -noecho rm -rf /'")" = critical ]
	[ "$(level "expect -c 'spawn \$cmd'")" = high ]
	printf 'spawn rm -rf /\nexpect eof\n' >e.exp
	[ "$(level 'expect -f e.exp')" = critical ]
	[ "$(level 'expect e.exp')" = critical ]
	[ "$(level "tclsh <<< 'exec rm -rf /'")" = critical ]
	[ "$(level "echo 'exec rm -rf /' | tclsh")" = critical ]
	[ "$(level "tclsh <<< 'set f [open \"|rm -rf /\"]'")" = critical ]
	[ "$(level "tclsh <<< 'puts [exec {*}\$argv]'")" = high ]
	printf 'exec rm -rf /\n' >x.tcl
	[ "$(level 'tclsh x.tcl')" = critical ]
	[ "$(level 'tclsh < x.tcl')" = critical ]
}

@test "programs: expect and tclsh running everyday commands stay medium (user)" {
	[ "$(level "expect -c 'spawn ls -la; expect eof'")" = medium ]
	[ "$(level "tclsh <<< 'puts [exec ls]'")" = medium ]
	[ "$(level "tclsh <<< 'puts hello'")" = medium ]
}

@test "programs: emacs --eval is high at least, and the command of shell-command, call-process, start-process is read (attack)" {
	[ "$(level "emacs --batch --eval '(shell-command \"rm -rf ~\")'")" = critical ]
	[ "$(level "emacs -batch -eval '(shell-command-to-string \"rm -rf ~\")'")" = critical ]
	[ "$(level "emacs --batch --eval '(call-process \"rm\" nil nil nil \"-rf\" \"/\")'")" = critical ]
	[ "$(level "emacs --batch --eval='(start-process \"x\" nil \"rm\" \"-rf\" \"/\")'")" = critical ]
	[ "$(level "emacs --batch --eval '(call-process prog)'")" = high ]
	[ "$(level "emacs --batch --eval '(delete-directory \"~\" t)'")" = high ]
	[ "$(level 'emacs --batch --eval "$X"')" = high ]
	[ "$(level 'emacs --batch -l evil.el')" = high ]
	[ "$(level 'emacs --script evil.el')" = high ]
}

@test "programs: emacs editing a file stays a development tool (user)" {
	[ "$(level 'emacs README.md')" = low ]
	[ "$(level 'emacs -nw src/main.c')" = low ]
}

@test "programs: R's system2 list and string forms are read (attack); an everyday one stays medium (user)" {
	[ "$(level "R -e 'system2(\"rm\", c(\"-rf\", \"~\"))'")" = critical ]
	[ "$(level "Rscript -e 'system2(\"rm\", \"-rf ~\")'")" = critical ]
	[ "$(level "Rscript -e 'system2(\"rm\", args = c(\"-rf\", \"~\"))'")" = critical ]
	[ "$(level "Rscript -e 'system2(\"rm\", a)'")" = high ]
	[ "$(level "Rscript -e 'system2(\"ls\", c(\"-la\"))'")" = medium ]
}

@test "programs: an SQL file given to sqlite3 or psql is read for its client commands (attack)" {
	printf 'SELECT 1;\n.shell rm -rf ~\n' >evil.sql
	printf 'select 1;\n\\! rm -rf ~\n' >evilp.sql
	[ "$(level 'sqlite3 x.db < evil.sql')" = critical ]
	[ "$(level 'psql -f evilp.sql')" = critical ]
	[ "$(level 'psql --file=evilp.sql')" = critical ]
	[ "$(level 'mysql < evilp.sql')" = critical ]
	printf 'DROP TABLE users;\n' >drop.sql
	[ "$(level 'sqlite3 x.db < drop.sql')" = critical ]
	printf 'select 1;\n.read other.sql\n' >nested.sql
	[ "$(level 'sqlite3 x.db < nested.sql')" = high ]
}

@test "programs: an SQL file of queries stays medium (user)" {
	printf 'SELECT count(*) FROM t;\n.tables\n' >ok.sql
	[ "$(level 'sqlite3 x.db < ok.sql')" = medium ]
	[ "$(level 'psql -f ok.sql')" = medium ]
	[ "$(level 'psql -f missing.sql')" = medium ]
}
