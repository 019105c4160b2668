#!/usr/bin/env bats
# attack7 H1, H3, H9: option values glued into clusters of short options
# (cp -rt.ai), interpreter code after bundled flags (python3 -uc, node
# -pe), and makefiles as make reads them (--eval, SHELL, .SHELLFLAGS, a
# recipe running a script named by a pattern). Each attack goes through
# the real hook of a scratch project made by `guard init`; where it is
# safe it is first run for real in a copy of the project, to show it does
# what the test says. The benign look-alikes are allowed and run.

load helper

setup() {
	setup_guard
	# make run as a person runs it, not as a sub-make of `make test` (which adds "Entering directory" lines)
	unset MAKEFLAGS MAKELEVEL MFLAGS
	T=$BATS_TEST_TMPDIR
	guard init >/dev/null
	[ -f .ai/policy.yaml ]
	mkdir -p src/fk src/mk
	printf 'rules: []\n' >src/fk/policy.yaml
	printf 'rm -rf .ai\n' >src/mk/sh.sh
	chmod +x src/mk/sh.sh
	printf 'all:\n\trm -rf .ai\n' >src/mk/a.mk
	printf 'all:\n\t@echo built\n' >src/mk/ok.mk
}

# Run a command for real in a copy of the project; .ai gone or its policy replaced afterwards?
harms_ai_for_real() {
	local copy=$T/copy-$RANDOM
	cp -a "$PROJ" "$copy"
	(cd "$copy" && eval "$1" >/dev/null 2>&1) || true
	[ ! -e "$copy/.ai/policy.yaml" ] || grep -q '^rules: \[\]$' "$copy/.ai/policy.yaml"
}

@test "H1: -t's value glued into a cluster is the target folder (cp, ln, mv, install)" {
	harms_ai_for_real 'cp -rt.ai src/fk/.'
	decides 'cp -rt.ai src/fk/.' deny
	[[ $REASON == *".ai"* ]]
	harms_ai_for_real 'cp -ft.ai src/fk/policy.yaml'
	decides 'cp -ft.ai src/fk/policy.yaml' deny
	decides 'cp -rt./.ai src/fk/.' deny
	decides 'cp -rt.a[i] src/fk/.' deny
	decides 'cp -rt.claude src/fk/.' deny
	decides "ln -sft.ai $PROJ/src/fk/policy.yaml" deny
	decides 'mv -ft.ai src/fk/policy.yaml' deny
	decides 'install -Dt.ai src/fk/policy.yaml' deny
	decides 'install -pDm644 -t.ai src/fk/policy.yaml' deny
}

@test "H1: other options' values glued into clusters (tar -C, -S)" {
	tar -cf "$T/p.tar" -C src/fk policy.yaml
	harms_ai_for_real "tar -xC.ai -f $T/p.tar"
	decides "tar -xC.ai -f $T/p.tar" deny
	decides "tar -xvf- -C.ai < $T/p.tar" deny
	decides 'cp -fS.bak src/fk/policy.yaml .ai/policy.yaml' deny
}

@test "H1: benign clusters with glued values are allowed and run" {
	mkdir -p bin dist
	decides 'cp -rt build/ src/fk' allow
	cp -rt build/ src/fk
	[ -f build/fk/policy.yaml ]
	decides 'ln -sft bin/ ../src/mk/sh.sh' allow
	ln -sft bin/ ../src/mk/sh.sh
	[ -L bin/sh.sh ]
	decides 'install -Dm644 -tdist src/mk/ok.mk' allow
	install -Dm644 -tdist src/mk/ok.mk
	[ -f dist/ok.mk ]
}

@test "H3: python code after bundled flags is read (-uc, -Ic, -Sc, -Bc, -Ec, -qc, -OOc, -isc, -W ignore -c)" {
	local code="import shutil; shutil.rmtree('.ai')"
	harms_ai_for_real "python3 -uc \"$code\""
	for f in -uc -Ic -Sc -Bc -Ec -qc -OOc -isc '-W ignore -c' '-Wignore -c' '-X utf8 -c'; do
		decides "python3 $f \"$code\"" deny
		[[ $REASON == *".ai"* ]]
	done
	decides "python3 -c\"$code\"" deny
	decides "nice -n5 python3 -Sc \"$code\"" deny
	decides "timeout 5 python3 -qc \"$code\"" deny
	decides "env -u X python3 -Bc \"$code\"" deny
}

@test "H3: node, ruby, php, bun and deno code after their own options is read" {
	local js="require('fs').rmSync('.ai',{recursive:true})"
	if command -v node >/dev/null; then
		harms_ai_for_real "node -pe \"$js\""
	fi
	decides "node -pe \"$js\"" deny
	decides "node -i -e \"$js\"" deny
	decides "node --eval=\"$js\"" deny
	decides "node -p \"require('child_process').execSync('git push --force origin main')\"" deny
	decides "ruby -we \"require 'fileutils'; FileUtils.rm_rf('.ai')\"" deny
	decides "ruby -rfileutils -e \"FileUtils.rm_rf('.ai')\"" deny
	decides "php -nr \"system('rm -rf .ai');\"" deny
	decides "bun -e \"$js\"" deny
	decides "deno eval \"$js\"" deny
}

@test "H3: code where a script's name goes is asked, never taken for a script" {
	decides 'python3 "import os; os.system(x)"' 'ask'
	[[ $REASON == *"code where it takes a script"* ]]
	# a real script with an odd name is still a script
	printf 'print(1)\n' >'src/a b.py'
	decides 'python3 "src/a b.py"' allow
}

@test "H3: benign interpreter one-liners with bundled flags are allowed and run" {
	decides 'python3 -uc "print(1)"' allow
	run python3 -uc "print(1)"
	[ "$output" = 1 ]
	decides 'python3 -W ignore -c "print(2)"' allow
	decides 'python3 -Im pip --version' allow
	decides 'node -pe 1+1' allow
	if command -v node >/dev/null; then
		run node -pe 1+1
		[ "$output" = 2 ]
	fi
	decides 'ruby -we "puts 1"' allow
	decides 'perl -lne "print if /x/" src/mk/ok.mk' allow
	decides 'bun run build' allow
}

@test "H9: make --eval / -E text is read as makefile text (include, a rule)" {
	harms_ai_for_real 'make --eval="include src/mk/a.mk" all'
	decides 'make --eval="include src/mk/a.mk" all' deny
	[[ $REASON == *".ai"* ]]
	decides 'make -E "include src/mk/a.mk" all' deny
	decides "make -E'include src/mk/a.mk' all" deny
	decides "make --eval='all: ; rm -rf .ai' all" deny
	decides 'make -kf src/mk/a.mk' deny
	decides 'make -sEinclude\ src/mk/a.mk all' deny
}

@test "H9: a Makefile's SHELL is what runs every recipe: the script is read" {
	printf 'SHELL := src/mk/sh.sh\nall:\n\ttrue\n' >Makefile
	harms_ai_for_real 'make'
	decides 'make' deny
	[[ $REASON == *".ai"* ]]
	rm Makefile
	printf 'all:\n\ttrue\n' >Makefile
	decides 'make SHELL=src/mk/sh.sh' deny
	# a SHELL guard cannot read or work out is asked
	printf 'SHELL := src/mk/none.sh\nall:\n\ttrue\n' >Makefile
	decides 'make' ask
	printf 'SHELL := $(shell echo src/mk/sh.sh)\nall:\n\ttrue\n' >Makefile
	decides 'make' 'ask|deny'
}

@test "H9: .SHELLFLAGS that are more than options, and an interpreter as SHELL" {
	printf 'SHELL := /bin/bash\n.SHELLFLAGS := -c "rm -rf .ai"\nall:\n\ttrue\n' >Makefile
	harms_ai_for_real 'make'
	decides 'make' deny
	printf 'SHELL := python3\n.SHELLFLAGS := -c\nall:\n\timport shutil; shutil.rmtree(".ai")\n' >Makefile
	harms_ai_for_real 'make'
	decides 'make' deny
}

@test "H9: a recipe running a script (by name or by pattern) reads it" {
	printf 'all:\n\tbash src/mk/sh.sh\n' >Makefile
	harms_ai_for_real 'make'
	decides 'make' deny
	printf 'all:\n\tbash src/mk/s[h].sh\n' >Makefile
	harms_ai_for_real 'make'
	decides 'make' 'ask|deny'
	printf 'all:\n\tpython3 -uc "import shutil; shutil.rmtree(\x27.ai\x27)"\n' >Makefile
	decides 'make' deny
}

@test "H9: benign makefiles with SHELL, .SHELLFLAGS and --eval are allowed and run" {
	printf 'SHELL := /bin/bash\n.SHELLFLAGS := -eu -o pipefail -c\nall:\n\t@echo built\n' >Makefile
	decides 'make' allow
	run make
	[ "$output" = built ]
	decides "make --eval='X=1' all" allow
	run make --eval='X=1' all
	[ "$output" = built ]
	printf 'all:\n\t@bash src/mk/ok.sh\n' >Makefile
	printf 'echo fine\n' >src/mk/ok.sh
	decides 'make' allow
	run make
	[ "$output" = fine ]
	decides 'make -f src/mk/ok.mk -j4' allow
}
