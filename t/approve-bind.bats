#!/usr/bin/env bats
# An approval binds what runs (attack4 A5): the files a command runs (a
# script given to a shell or an interpreter, one run by path, a sourced
# file, a Makefile, a patch) enter the action digest by their bytes'
# hash, and so do the rating's reasons. A file rewritten after its
# approval makes another action: asked again.

load helper
load approve_helper

@test "a script rewritten after its approval is asked again; the approved bytes are allowed once" {
	printf 'git push --force origin fix/parser\n' >src/s.sh
	approve_it 'bash src/s.sh'
	f=$(ls "$PROJ"/.ai/approvals/*.json)
	# the request shows the file it binds, by its hash
	h=$(sha256sum src/s.sh | cut -d' ' -f1)
	jq -e --arg e "sha256:$h $PROJ/src/s.sh" '.risk.files | index($e) != null' "$f"
	run guard-approve show "$(basename "$f" .json)" --as alice@example.com
	[[ "$output" == *"runs      sha256:$h $PROJ/src/s.sh"* ]]
	printf 'git push --force origin victim; git branch -D precious\n' >src/s.sh
	asked_again 'bash src/s.sh'
	# back to the approved bytes: the approval is used, once
	printf 'git push --force origin fix/parser\n' >src/s.sh
	hook 'bash src/s.sh'
	[ "$dec" = allow ]
	[[ "$output" == *guard.approved* ]]
	hook 'bash src/s.sh'
	[ "$dec" = deny ]
}

@test "a change that keeps every reason (a comment) still makes another action" {
	printf 'git push --force origin fix/parser\n' >src/s.sh
	approve_it 'bash src/s.sh'
	printf 'git push --force origin fix/parser # and more\n' >src/s.sh
	asked_again 'bash src/s.sh'
}

@test "a script run by path, a sourced file and a symlink retargeted are bound the same way" {
	printf '#!/bin/sh\ngit push --force origin fix/parser\n' >src/run.sh
	chmod +x src/run.sh
	approve_it './src/run.sh'
	printf '#!/bin/sh\ngit push --force origin fix/parser\nrm -rf ~/x\n' >src/run.sh
	hook './src/run.sh'
	[ "$dec" = deny ]

	printf 'git push --force origin fix/parser\n' >src/a.sh
	printf 'git push --force origin fix/parser\necho other\n' >src/b.sh
	ln -s a.sh src/link.sh
	approve_it '. src/link.sh'
	ln -sfn b.sh src/link.sh
	asked_again '. src/link.sh'
	ln -sfn a.sh src/link.sh
	hook '. src/link.sh'
	[ "$dec" = allow ]
}

@test "an interpreter's script, a Makefile and a patch the analyzer does not run are bound too" {
	printf 'print(1)\n' >src/x.py
	approve_it 'python3 src/x.py && git push --force origin fix/parser'
	printf 'import shutil; shutil.rmtree("/")\n' >src/x.py
	asked_again 'python3 src/x.py && git push --force origin fix/parser'

	printf 'all:\n\techo hi\n' >Makefile
	approve_it 'make && git push --force origin fix/parser'
	printf 'all:\n\trm -rf ~/work\n' >Makefile
	asked_again 'make && git push --force origin fix/parser'

	printf -- '--- a/src/y\n+++ b/src/y\n@@ -0,0 +1 @@\n+one\n' >src/p.patch
	approve_it 'git apply src/p.patch && git push --force origin fix/parser'
	printf -- '--- a/src/y\n+++ b/src/y\n@@ -0,0 +1 @@\n+two\n' >src/p.patch
	asked_again 'git apply src/p.patch && git push --force origin fix/parser'
}

@test "a file guard cannot read when rating (a FIFO) can never be approved, and says so" {
	mkfifo src/f.py
	cmd='python3 src/f.py && git push --force origin fix/parser'
	approve_it "$cmd"
	asked_again "$cmd"
	out=$(gate_of "$cmd")
	[ "$(jq -r .decision.effect <<<"$out")" = ask ]
	[[ "$(jq -r .approval.note <<<"$out")" == *"guard cannot read $PROJ/src/f.py"*"no approval can bind"* ]]
	jq -e --arg p "$PROJ/src/f.py" '.risk.files | index("unreadable " + $p) != null' <<<"$out"
}

@test "a large program run by path (over 4 MiB) is bound by its identity: any write makes another action" {
	head -c 5M /dev/zero >src/big.bin
	chmod +x src/big.bin
	cmd='./src/big.bin && git push --force origin fix/parser'
	approve_it "$cmd"
	f=$(ls "$PROJ"/.ai/approvals/*.json)
	jq -e --arg p "$PROJ/src/big.bin" '[.risk.files[] | select(startswith("stat:") and endswith(" " + $p))] | length == 1' "$f"
	# untouched: the approval is used
	hook "$cmd"
	[ "$dec" = allow ]
	approve_it "$cmd"
	# the same bytes written again: a write is a write
	head -c 5M /dev/zero >src/big.bin
	asked_again "$cmd"
}

@test "a script that is not there yet is bound as absent: creating it makes another action" {
	cmd='bash src/later.sh && git push --force origin fix/parser'
	approve_it "$cmd"
	printf 'rm -rf ~/work\n' >src/later.sh
	asked_again "$cmd"
}

@test "an approval made before the digest bound files does not match a rated action (old format still read)" {
	printf 'git push --force origin fix/parser\n' >src/s.sh
	hook 'bash src/s.sh'
	[ "$dec" = deny ]
	f=$(ls "$PROJ"/.ai/approvals/*.json)
	id=$(basename "$f" .json)
	# a request file as an older guard wrote it: no risk.files
	jq 'del(.risk.files)' "$f" >"$f.new" && mv "$f.new" "$f"
	run guard-approve show "$id" --as alice@example.com
	[ "$status" -eq 0 ]
	run guard-approve list --as alice@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == *"${id:0:8}"* ]]
}

@test "manifests, charts, playbooks, compose files and *.tf a deploy tool reads are bound (attack8 I18)" {
	mkdir -p k8s chart/templates tf
	printf 'kind: ConfigMap\nmetadata: {name: a}\n' >k8s/a.yaml
	approve_it 'kubectl apply -f k8s/a.yaml'
	printf 'kind: ClusterRoleBinding\nroleRef: {name: cluster-admin}\n' >k8s/a.yaml
	asked_again 'kubectl apply -f k8s/a.yaml'

	# a folder: a file added to it makes another action
	printf 'kind: ConfigMap\n' >k8s/a.yaml
	approve_it 'kubectl apply -f k8s/'
	printf 'kind: Secret\n' >k8s/b.yaml
	asked_again 'kubectl apply -f k8s/'

	printf 'name: c\n' >chart/Chart.yaml
	printf 'replicas: 1\n' >values.yaml
	approve_it 'helm upgrade x ./chart -f values.yaml'
	printf 'kind: Job\n' >chart/templates/job.yaml
	asked_again 'helm upgrade x ./chart -f values.yaml'
	rm chart/templates/job.yaml
	printf 'replicas: 9\n' >values.yaml
	asked_again 'helm upgrade x ./chart -f values.yaml'

	printf -- '- hosts: all\n  tasks:\n    - include_tasks: t.yml\n' >site.yml
	printf -- '- debug: msg=hi\n' >t.yml
	approve_it 'ansible-playbook site.yml'
	printf -- '- shell: rm -rf /srv\n' >t.yml
	asked_again 'ansible-playbook site.yml'

	printf 'resource "null_resource" "a" {}\n' >tf/main.tf
	approve_it 'terraform -chdir=tf plan && git push --force origin fix/parser'
	printf 'resource "null_resource" "b" {}\n' >tf/extra.tf
	asked_again 'terraform -chdir=tf plan && git push --force origin fix/parser'

	printf 'services: {a: {image: alpine}}\n' >compose.yaml
	approve_it 'docker compose up -d && git push --force origin fix/parser'
	printf 'services: {a: {image: alpine, privileged: true}}\n' >compose.yaml
	asked_again 'docker compose up -d && git push --force origin fix/parser'
}
