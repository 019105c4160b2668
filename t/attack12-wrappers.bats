#!/usr/bin/env bats
# attack12 M1 (share/doc/trust.md, wrappers): the files a wrapper writes
# itself, whatever it runs: time -o, strace/ltrace -o (strace -o '|CMD'
# runs CMD), valgrind --log-file and --*-out-file, xvfb-run -e/-f, flock's
# lock file. Trace output over .claude/settings.json leaves the agent's
# hooks unloaded. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "M1: a wrapper's own output file over guard's state is denied, in every spelling" {
	decides "strace -o .claude/settings.json true" deny
	decides "strace -o.ai/policy.yaml true" deny
	decides "strace --output=.ai/policy.yaml true" deny
	decides "strace -ff -o .ai/audit/x true" 'ask|deny'
	decides "ltrace -o .ai/policy.yaml true" deny
	decides "/usr/bin/time -o .claude/settings.json true" deny
	decides "command time -o .ai/policy.yaml true" deny
	decides "/usr/bin/time -a -o .ai/audit/\$(date -u +%F).jsonl true" deny
	decides "valgrind --log-file=.ai/policy.yaml true" deny
	decides "valgrind --tool=callgrind --callgrind-out-file=.claude/settings.json true" deny
	decides "xvfb-run -e .ai/policy.yaml true" deny
	decides "xvfb-run --auth-file=.claude/settings.json true" deny
	decides "flock .ai/policy.yaml true" deny
	decides "flock -c true .ai/policy.yaml" deny
	decides "strace -o ~/.claude/settings.json true" deny
	# strace -o '|CMD' hands the trace to CMD through the shell
	decides "strace -o '|rm -rf ~' true" deny
	decides "strace -o '!rm -rf ~' true" deny
}

@test "M1 twins: traces, timings and locks in the project or /tmp stay allowed" {
	decides "strace -o trace.txt true" allow
	decides "strace -f -o /tmp/t.txt make" allow
	decides "/usr/bin/time -o time.txt true" allow
	decides "valgrind --log-file=vg.txt --suppressions=supp.txt true" allow
	decides "flock /tmp/build.lock true" allow
	decides "flock -c 'true' /tmp/x.lock" allow
	decides "xvfb-run -a true" allow
	decides "time true" allow
}

@test "M3: values attached to the compressors' options and gsed's -i are read as getopt reads them" {
	decides "gzip -S.yaml .ai/policy" deny
	decides "gzip -kS.yaml .ai/policy" deny
	decides "xz -S.yaml .ai/policy" deny
	decides "zstd -d x.zst -o.ai/policy.yaml" deny
	decides "gsed -i.yaml s/a/b/ .ai/policy" deny
	# everyday
	decides "gzip -9 build.log" allow
	decides "gzip -l build.log.gz" allow
	decides "xz -T0 -9 dist.tar" allow
	decides "zstd -T0 -19 dist.tar" allow
	decides "gsed -i.bak s/a/b/ src/a.txt" allow
}
