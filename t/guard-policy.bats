#!/usr/bin/env bats
# guard-policy: decisions, layers, validation and data-driven tests.

load helper

setup() { setup_guard; }

@test "guard-policy --check answers one word with the exit code" {
	run guard-policy --check --command 'ls -la'
	[ "$status" -eq 0 ]
	[ "$output" = allow ]
	run guard-policy --check --command 'git push --force origin fix/parser'
	[ "$status" -eq 3 ]
	[ "$output" = ask ]
	run guard-policy --check --command 'rm -rf /'
	[ "$status" -eq 1 ]
	[ "$output" = deny ]
}

@test "guard-policy --check reads one event or payload from stdin" {
	run guard-policy --check <<<'{"tool":"Bash","input":{"command":"terraform destroy -auto-approve"}}'
	[ "$status" -eq 1 ]
	[ "$output" = deny ]
	run guard-policy --check <<<"$(bash_payload 'make test')"
	[ "$status" -eq 0 ]
	run --separate-stderr guard-policy --check <<<'{"tool":'
	[ "$status" -eq 2 ]
	[ "$output" = deny ]
	[[ "$stderr" == *"malformed JSON"* ]]
}

@test "guard-policy filter adds the decision with rule and policy revision" {
	run --separate-stderr guard-policy <<<'{"tool":"Bash","input":{"command":"git reset --hard"}}'
	[ "$status" -eq 0 ]
	d=$(printf '%s' "$output" | jq -c .decision)
	[ "$(jq -r .effect <<<"$d")" = ask ]
	[ "$(jq -r .rule <<<"$d")" = approve-high ]
	[[ "$(jq -r .policy_rev <<<"$d")" == sha256:* ]]
	[ "$(jq -r '.missing | index("approval.manage")' <<<"$d")" != null ]
}

@test "guard-risk | guard-policy is the same decision as the hook" {
	out=$(printf '%s\n' '{"tool":"Bash","input":{"command":"kubectl scale deploy api --replicas=0 -n prod"}}' | guard-risk | guard-policy)
	[ "$(jq -r .decision.effect <<<"$out")" = deny ]
	[ "$(jq -r .risk.level <<<"$out")" = critical ]
}

@test "policy revision is stable and changes with the policy" {
	a=$(guard-policy <<<'{"tool":"Bash","input":{"command":"ls"}}' | jq -r .decision.policy_rev)
	b=$(guard-policy <<<'{"tool":"Bash","input":{"command":"ls"}}' | jq -r .decision.policy_rev)
	[ "$a" = "$b" ]
	mkdir -p .ai
	printf 'version: 1\nrules:\n  - {id: no-make, effect: deny, when: {regex: "^make"}}\n' >.ai/policy.yaml
	c=$(guard-policy <<<'{"tool":"Bash","input":{"command":"ls"}}' | jq -r .decision.policy_rev)
	[ "$a" != "$c" ]
}

@test "a project deny rule tightens" {
	mkdir -p .ai
	printf 'version: 1\nrules:\n  - id: no-make\n    effect: deny\n    when: {regex: "^make"}\n    reason: no builds here\n' >.ai/policy.yaml
	run guard-policy --check --command 'make all'
	[ "$status" -eq 1 ]
	run --separate-stderr guard-policy <<<'{"tool":"Bash","input":{"command":"make all"}}'
	[ "$(printf '%s' "$output" | jq -r .decision.rule)" = no-make ]
}

@test "a project layer cannot loosen: allow rules, default, audit mode" {
	mkdir -p .ai
	cat >.ai/policy.yaml <<'Y'
version: 1
mode: audit
default: allow
rules:
  - {id: let-me, effect: allow, when: {tool: Bash}}
Y
	run guard-policy --check --command 'rm -rf /'
	[ "$status" -eq 1 ]
	run guard-policy --check --command 'git push --force origin fix/parser'
	[ "$status" -eq 3 ]
	run guard-policy --validate
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning:"*"audit"* ]]
}

@test "a user layer in audit mode allows but records the would-be effect" {
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nmode: audit\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	run --separate-stderr guard-policy <<<'{"tool":"Bash","input":{"command":"rm -rf /"}}'
	[ "$(printf '%s' "$output" | jq -r .decision.effect)" = allow ]
	[ "$(printf '%s' "$output" | jq -r .decision.would)" = deny ]
}

@test "the unattended profile turns ask into deny" {
	run guard-policy --check --command 'git push --force origin fix/parser'
	[ "$status" -eq 3 ]
	run guard-policy --profile unattended --check --command 'git push --force origin fix/parser'
	[ "$status" -eq 1 ]
	GUARD_PROFILE=unattended run guard-policy --check --command 'git push --force origin fix/parser'
	[ "$status" -eq 1 ]
}

@test "RBAC: an actor without tool.use is denied and the permission named" {
	run --separate-stderr guard-policy <<<'{"tool":"Bash","input":{"command":"ls"},"actor":{"user":"x","role":"visitor"}}'
	[ "$(printf '%s' "$output" | jq -r .decision.effect)" = deny ]
	[ "$(printf '%s' "$output" | jq -r '.decision.missing[0]')" = tool.use ]
}

@test "--validate reports a YAML syntax error with file:line:col and exit 7" {
	printf 'version: 1\nrules: [\n  {id: a, effect: deny\n' >bad.yaml
	run guard-policy --validate bad.yaml
	[ "$status" -eq 7 ]
	[[ "$output" =~ bad\.yaml:[0-9]+:[0-9]+: ]]
}

@test "--validate reports every error at once, unknown keys with a suggestion" {
	cat >bad.yaml <<'Y'
version: 1
defualt: allow
rules:
  - id: a
    efect: deny
    when: {risk: extreme}
Y
	run guard-policy --validate bad.yaml
	[ "$status" -eq 7 ]
	[[ "$output" == *"bad.yaml:2:1:"*"did you mean 'default'"* ]]
	[[ "$output" == *"bad.yaml:5:5:"*"did you mean 'effect'"* ]]
	[[ "$output" == *"bad.yaml:6:"*"extreme"* ]]
}

@test "--validate refuses a YAML alias bomb quickly" {
	cat >bomb.yaml <<'Y'
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
Y
	run timeout 5 guard-policy --validate bomb.yaml
	[ "$status" -eq 7 ]
	[[ "$output" == *"alias"* ]]
}

@test "a policy file that others can write is refused" {
	mkdir -p .ai
	printf 'version: 1\n' >.ai/policy.yaml
	chmod 666 .ai/policy.yaml
	run guard-policy --check --command ls
	[ "$status" -eq 7 ]
	[[ "$output" == *"writ"* ]]
}

@test "--validate checks every layer in force and prints the revision" {
	run guard-policy --validate
	[ "$status" -eq 0 ]
	[[ "$output" == "policy ok: sha256:"* ]]
}

@test "the shipped policies validate" {
	run guard-policy --validate --layer builtin "$REPO_ROOT/policy/default.yaml"
	[ "$status" -eq 0 ]
	run guard-policy --validate --layer builtin "$REPO_ROOT/policy/nightbuilder.yaml"
	[ "$status" -eq 0 ]
	run guard-policy --validate --layer project "$REPO_ROOT/.ai/policy.yaml"
	[ "$status" -eq 0 ]
}

@test "guard-policy test runs the shipped case files" {
	run guard-policy test "$REPO_ROOT/t/policy/default.cases.yaml" "$REPO_ROOT/t/policy/nightbuilder.cases.yaml"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[[ "$output" == *" passed, 0 failed"* ]]
}

@test "guard-policy test reports a failing case and exits 1" {
	cat >cases.yaml <<'Y'
cases:
  - name: rm root is allowed (wrong on purpose)
    command: rm -rf /
    expect: allow
  - name: ls is allowed
    command: ls
    expect: allow
Y
	run guard-policy test cases.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"1 passed, 1 failed"* ]]
}

@test "guard-policy test on a missing or malformed case file is an error" {
	run guard-policy test nope.yaml
	[ "$status" -ne 0 ]
	[ "$status" -ne 1 ]
	run guard-policy test
	[ "$status" -eq 2 ]
}
