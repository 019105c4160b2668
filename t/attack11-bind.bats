#!/usr/bin/env bats
# attack11 L12: an approval of a deploy command binds the files bash hands
# it, not the words as written: a glob's matches now (one that comes to
# match later makes another action), each part of kubectl's and helm's
# comma lists, and nothing it cannot see (a name the shell makes when the
# command runs is never approvable). The user's twin: the same command,
# unchanged, is allowed once approved.

load helper
load approve_helper

manifests() {
	mkdir -p k
	printf 'kind: ConfigMap\n' >k/d.yaml
}

@test "L12: a glob's matches are bound: the file it matches rewritten, or a new match, asks again" {
	manifests
	rebound 'kubectl apply -f k/*.yaml' 'echo "kind: ClusterRoleBinding" >k/d.yaml' 'printf "kind: ConfigMap\n" >k/d.yaml'
	rebound 'kubectl apply -f k/[d].yaml' 'echo "kind: ClusterRoleBinding" >k/d.yaml' 'printf "kind: ConfigMap\n" >k/d.yaml'
	rebound 'kubectl apply --filename k/?.yaml' 'echo "kind: Secret" >k/d.yaml' 'printf "kind: ConfigMap\n" >k/d.yaml'
	rebound 'kubectl apply -f k/*.yaml' 'printf "kind: Role\n" >k/z.yaml' 'rm k/z.yaml'
	# a glob with no match is the word itself, absent: a file that comes to match asks again
	rebound 'kubectl apply -f k/n*.yaml' 'printf "kind: Role\n" >k/new.yaml' 'rm k/new.yaml'
}

@test "L12: each file of kubectl's and helm's comma lists is bound" {
	manifests
	printf 'kind: Service\n' >k/e.yaml
	rebound 'kubectl apply -f k/d.yaml,k/e.yaml' 'echo "kind: ClusterRoleBinding" >k/e.yaml' 'printf "kind: Service\n" >k/e.yaml'
	rebound 'kubectl apply --filename=k/d.yaml,k/e.yaml' 'echo "kind: Secret" >k/d.yaml' 'printf "kind: ConfigMap\n" >k/d.yaml'
	mkdir -p chart/templates && printf 'name: c\nversion: 0.1.0\n' >chart/Chart.yaml
	printf 'a: 1\n' >v1.yaml && printf 'b: 1\n' >v2.yaml
	rebound 'helm upgrade r ./chart -f v1.yaml,v2.yaml' 'echo "image: evil" >>v2.yaml' 'printf "b: 1\n" >v2.yaml'
}

@test "L12: a file named at run time (\${F:-k/d.yaml}, \$F) is never approvable; the request says why" {
	manifests
	for c in 'kubectl apply -f ${F:-k/d.yaml}' 'kubectl apply -f "$F"' 'helm upgrade r ./chart -f $V'; do
		approve_it "$c"
		asked_again "$c"
		out=$(gate_of "$c")
		[ "$(jq -r .decision.effect <<<"$out")" = ask ]
		[[ "$(jq -r .approval.note <<<"$out")" == *"remote or unseen"*"a file named at run time"* ]]
	done
}
