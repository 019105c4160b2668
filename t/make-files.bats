#!/usr/bin/env bats
# make's files read as make reads them (attack5 F8): includes, shell
# patterns naming guard's state, backslash continuations, make functions
# that build a name, $(MAKE) -f, GNUmakefile precedence, MAKEFILES. Each
# attack goes through the real hook of a scratch project made by `guard
# init`; where it is safe, the same make is run for real in a copy first,
# to show it does what the test says. The benign look-alikes are allowed
# and run.

load helper

setup() {
	setup_guard
	T=$BATS_TEST_TMPDIR
	guard init >/dev/null
	[ -f .ai/policy.yaml ]
	mkdir -p mk mkd ok
	printf 'deploy:\n\trm -rf .ai\n' >mk/inc7.mk
	printf 'include mk/inc7.mk\n' >mk/include.mk
	printf -- '-include mk/inc7.mk\n' >mk/dinclude.mk
	printf 'sinclude mk/inc7.mk\n' >mk/sinclude.mk
	printf 'deploy:\n\trm -rf .a[i]\n' >mk/glob.mk
	printf 'deploy:\n\trm -rf .a?\n' >mk/qmark.mk
	printf 'deploy:\n\t@-rm -rf .a*\n' >mk/star.mk
	printf 'deploy:\n\trm -rf .a\\\n\ti\n' >mk/cont.mk
	printf 'G := $(addprefix .,ai)\ndeploy:\n\trm -rf $(G)\n' >mk/prefix.mk
	printf 'G = $(subst x,,.axi)\ndeploy:\n\trm -rf $(G)\n' >mk/subst.mk
	printf 'N := ai\nG := .$(N)\ndeploy: ; rm -rf $G\n' >mk/var.mk
	printf 'deploy:\n\t$(MAKE) -f mk/inc7.mk deploy\n' >mk/sub.mk
	printf 'deploy:\n\tX=.a; rm -rf $${X}i\n' >mk/shellvar.mk
	printf 'x := $(file >$(addprefix .ai/,policy.yaml),rules: [])\nall:\n\t@true\n' >mk/file.mk
	printf 'G := $(shell printf .a)i\ndeploy:\n\trm -rf $(G)\n' >mk/shellname.mk
	printf 'X := $(shell echo mk/inc7.mk)\ninclude $(X)\n' >mk/compinc.mk
	printf 'clean:\n\trm -rf $(OUT)\n' >mk/env.mk
	printf 'all:\n\t@echo ok\n' >mk/ok.mk
	# make -C mkd picks GNUmakefile before Makefile
	printf 'deploy:\n\techo fine\n' >mkd/Makefile
	printf 'deploy:\n\trm -rf ../.a[i]\n' >mkd/GNUmakefile
	# a benign project: an included rules file, wildcard objects, a clean target
	printf 'all: app\n\t@echo done\ninclude rules.mk\n' >ok/Makefile
	printf 'SRCS := $(wildcard *.c)\nOBJS := $(SRCS:.c=.o)\napp: $(OBJS)\n\t$(CC) -o $@ $^\n%%.o: %%.c\n\t$(CC) -c -o $@ $<\nclean:\n\trm -rf build $(OBJS) app\n-include $(OBJS:.o=.d)\n' >ok/rules.mk
	printf 'int main(void) { return 0; }\n' >ok/main.c
}

# Run make for real in a copy of the project; .ai gone afterwards?
removes_ai_for_real() {
	local copy=$T/copy-$RANDOM
	cp -a "$PROJ" "$copy"
	(cd "$copy" && eval "$1" >/dev/null 2>&1) || true
	[ ! -e "$copy/.ai" ]
}

@test "F8: an included makefile is read (include, -include, sinclude) and its recipe denied" {
	removes_ai_for_real 'make -f mk/include.mk deploy'
	decides 'make -f mk/include.mk deploy' deny
	[[ $REASON == *".ai"* ]]
	decides 'make -f mk/dinclude.mk deploy' deny
	decides 'make -f mk/sinclude.mk deploy' deny
	decides 'make --file=mk/include.mk deploy' deny
	decides 'MAKEFILES=mk/inc7.mk make -f mk/ok.mk deploy' deny
}

@test "F8: the project's Makefile including another file, GNUmakefile before Makefile" {
	printf 'include mk/inc7.mk\n' >Makefile
	removes_ai_for_real 'make deploy'
	decides 'make deploy' deny
	rm Makefile
	printf 'include mk/inc7.mk\n' >GNUmakefile
	printf 'deploy:\n\techo fine\n' >Makefile
	decides 'make deploy' deny
	rm GNUmakefile Makefile
	decides 'make -C mkd deploy' deny
	decides 'make --directory=mkd deploy' deny
}

@test "F8: guard's names as a shell pattern or split by a continuation are denied" {
	removes_ai_for_real 'make -f mk/glob.mk deploy'
	removes_ai_for_real 'make -f mk/cont.mk deploy'
	for f in glob qmark star cont; do
		decides "make -f mk/$f.mk deploy" deny
	done
}

@test "F8: a name built by make (variables, functions, \$(file)) or by the recipe's shell is denied" {
	removes_ai_for_real 'make -f mk/prefix.mk deploy'
	removes_ai_for_real 'make -f mk/subst.mk deploy'
	for f in prefix subst var shellvar file; do
		decides "make -f mk/$f.mk deploy" deny
	done
	decides 'make -f mk/env.mk clean OUT=.ai' deny
}

@test "F8: a recipe that runs make on another file is rated through it" {
	removes_ai_for_real 'make -f mk/sub.mk deploy'
	decides 'make -f mk/sub.mk deploy' deny
	# a recipe that runs the same make again ends
	printf 'all:\n\t$(MAKE) all\n' >mk/loop.mk
	decides 'make -f mk/loop.mk' allow
}

@test "F8: what guard cannot work out (\$(shell) names, a computed include, a value from the environment) is asked" {
	removes_ai_for_real 'make -f mk/shellname.mk deploy'
	decides 'make -f mk/shellname.mk deploy' ask
	[[ $REASON == *"name guard cannot work out"* ]]
	decides 'make -f mk/compinc.mk deploy' ask
	[[ $REASON == *"includes a makefile whose name guard cannot work out"* ]]
	decides 'make -f mk/env.mk clean' ask
	# a makefile make would read but guard cannot: a FIFO another process feeds
	printf 'include mk/pipe.mk\n' >mk/unread.mk
	mkfifo mk/pipe.mk
	decides 'make -f mk/unread.mk' ask
	[[ $REASON == *"makefile guard cannot read"* ]]
}

@test "F8: a recipe of a target make would not build is not asked; the same target asked when built" {
	printf 'all:\n\t@echo hi\nclean:\n\trm -rf $(OUT)\n' >mk/two.mk
	decides 'make -f mk/two.mk' allow
	decides 'make -f mk/two.mk all' allow
	decides 'make -f mk/two.mk clean' ask
}

@test "F8 benign: a Makefile including harmless rules, wildcard objects and a clean target is allowed and runs" {
	decides 'make -C ok' allow
	decides 'make -C ok clean' allow
	decides 'cd ok && make' allow
	decides 'make -f mk/ok.mk' allow
	run make -C ok
	[ "$status" -eq 0 ]
	[[ $output == *done* ]]
	[ -x ok/app ]
}

@test "F8: the included makefiles are bound into the rating's files (an approval's digest)" {
	run guard-risk --command 'make -f mk/include.mk deploy'
	[ "$status" -eq 0 ]
	jq -e '.files | map(select(endswith("/mk/include.mk"))) | length == 1' <<<"$output"
	jq -e '.files | map(select(endswith("/mk/inc7.mk"))) | length == 1' <<<"$output"
	run guard-risk --command 'make -C ok'
	jq -e '.files | map(select(endswith("/ok/rules.mk"))) | length == 1' <<<"$output"
}
