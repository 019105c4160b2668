#!/usr/bin/env bats
# The second everyday set (t/benign/day2.jsonl: the look-alikes of
# dangerous commands an engineer types every day; t/benign/run.sh bin
# t/benign/day2.jsonl lists its asks and denies). Each fix next to its
# attacker twin: the dangerous spelling beside the benign one must still
# ask or deny.

load helper

setup() {
	setup_guard
	printf 'build/\n.env\n' >.gitignore
	printf 'API_KEY=sk-live-51HqLw8f0c9bRealLookingKey0001\n' >.env
	mkdir -p build/obj dist src/gen
	printf 'x\n' >build/obj/a.o
	printf 'int x;\n' >src/main.c
}

@test "git clean limited by plain pathspecs to build outputs: allowed" {
	decides 'git clean -fdX build/' allow
	decides 'git clean -fdx build/ dist/' allow
	decides 'git clean -fd -- build' allow
	decides 'git clean -fdX --exclude=keep build' allow
	decides 'git clean -X -f build' allow
}

@test "attacker twin: git clean of the whole tree, a computed or glob pathspec, or guard's state still denies" {
	decides 'git clean -fdX' deny
	decides 'git clean -fdx' deny
	decides 'git clean -fdX .' deny
	decides 'git clean -fdX ./' deny
	decides 'git clean -fdX :/' deny
	decides "git clean -fdX ':(top)build'" deny
	decides "git clean -fdX 'b*'" deny
	decides 'git clean -fdX "$D"' deny
	decides 'git clean -fdX $(cat list)' deny
	decides 'git clean -fdX build .' deny
	decides 'git clean -fdX .ai' deny
	decides 'git clean -fX .env' deny
	decides 'git clean -fdX ..' deny
	decides 'git clean -fdX ~' deny
	decides 'git -C .. clean -fdX proj' deny
}

@test "attacker twin: git clean of a source folder, or an exclude's value read as the pathspec, still asks" {
	decides 'git clean -fdx src' ask
	decides 'git clean -fd src' ask
	decides 'git clean -fdX -e build src' ask
	decides 'git clean -fdXe build src' ask
	decides 'git clean -fdX --exclude build src' ask
}

@test "a trap that removes the line's own mktemp folder: allowed" {
	decides "T=\$(mktemp -d); trap 'rm -rf \"\$T\"' EXIT; make" allow
	decides "T=\$(mktemp -d -t app.XXXXXX); trap 'rm -rf \"\$T\"' EXIT; make DESTDIR=\"\$T\" install" allow
	decides "d=\$(mktemp -d); trap \"rm -rf \\\"\$d\\\"\" EXIT INT; tar xzf dist/a.tgz -C \"\$d\"" allow
}

@test "attacker twin: a trap whose variable is set after it, set again, or set by eval, read or a function still asks" {
	decides "trap 'rm -rf \"\$T\"' EXIT; T=\$(mktemp -d)" ask
	decides "T=\$(mktemp -d); trap 'rm -rf \"\$T\"' EXIT; T=~" ask
	decides "T=\$(mktemp -d); trap 'rm -rf \"\$T\"' EXIT; eval \"T=~\"" ask
	decides "T=\$(mktemp -d); trap 'rm -rf \"\$T\"' EXIT; read T" ask
	decides "T=\$(mktemp -d); f(){ T=~; }; trap 'rm -rf \"\$T\"' EXIT; f" ask
	decides "T=\$(mktemp -d); trap 'bash -c \"rm -rf \\\$T\"' EXIT" ask
	decides "T=~; trap 'rm -rf \"\$T\"' EXIT" deny
}

@test "attacker (found on the way): eval or a sourced script may set any variable, so a later rm -r of it asks" {
	decides 'T=$(mktemp -d); eval "T=~"; rm -rf "$T"' ask
	decides 'T=$(mktemp -d); builtin eval "T=~"; rm -rf "$T"' ask
	decides 'T=$(mktemp -d); command eval "T=~"; rm -rf "$T"' ask
	decides 'T=$(mktemp -d); . ./env.sh; rm -rf "$T"' ask
	decides 'T=$(mktemp -d); source ./env.sh; rm -rf "$T"' ask
	# the everyday twin: an eval after the use changes nothing
	decides 'T=$(mktemp -d); rm -rf "$T"; eval "echo done"' allow
}
