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
