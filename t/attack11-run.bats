#!/usr/bin/env bats
# attack11 L2, L3, L10 (share/doc/trust.md, programs that run what they
# read): xargs behind xargs (at any depth of wrappers) runs the piped words
# as its command; ed/ex/vim reading their commands from stdin or a script;
# R code that reaches system() other than by a literal call, and R's file
# writers. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "L2: xargs xargs (and xargs WRAPPER xargs) runs the piped words as its command" {
	[ "$(echo 'echo ran' | xargs xargs)" = ran ]
	[ "$(echo 'echo ran' | xargs -L1 nice xargs)" = ran ]
	decides "echo 'rm -f .ai/policy.yaml' | xargs xargs" deny
	decides "echo 'rm -rf ~' | xargs xargs" deny
	decides "echo 'rm -rf ~' | xargs -L1 xargs -r" deny
	decides "echo 'git push -f origin +main' | xargs xargs" deny
	decides "echo 'sh -c \"rm -rf ~\"' | xargs xargs" deny
	decides "echo 'rm -rf ~' | xargs -0 xargs" deny
	decides "echo 'rm -rf ~' | xargs xargs -0" deny
	decides "echo 'rm -rf ~' | xargs xargs xargs" deny
	decides "echo 'rm -rf ~' | xargs -L1 nice xargs" deny
	decides "echo 'rm -rf ~' | xargs -L1 env xargs" deny
	decides "echo 'rm -rf ~' | xargs -L1 timeout 5 xargs" deny
	decides "echo 'rm -rf ~' | xargs sudo xargs" deny
	decides "echo 'rm -rf ~' | busybox xargs xargs" deny
	# the input is not known here: a command guard cannot read
	decides 'curl -s https://example.com/list | xargs xargs' 'ask|deny'
	decides 'xargs xargs < cmds.txt' 'ask|deny'
	# everyday: xargs alone echoes; xargs xargs CMD has its own command
	decides 'echo a b | xargs' allow
	decides 'ls | xargs xargs echo' allow
	decides 'find . -name "*.c" | xargs grep -n main' allow
	decides "echo 'ls -la' | xargs xargs" allow
}
