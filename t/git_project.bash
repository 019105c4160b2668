# A git project on main with one commit (src/main.c), for guard-git's suites.
# The agent markers of the environment the tests run in are not the test's.
setup_git_project() {
	setup_guard
	unset CLAUDECODE GEMINI_CLI GUARD_ACTOR
	git config --global user.email t@example.com
	git config --global user.name tester
	git config --global init.defaultBranch main
	git -C "$PROJ" checkout -q -b main
	printf 'one\ntwo\nthree\n' >src/main.c
	git add -A && git commit -qm init
}

# refused RULE CMD...: the command fails and guard names the rule.
refused() {
	local rule=$1; shift
	run "$@"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"guard-git: refused: "*"[$rule]"* ]]
}

# A bare repository $T/remote.git as origin, with main pushed to it.
bare_origin() {
	git init -q --bare "$T/remote.git"
	git remote add origin "file://$T/remote.git"
	git push -q origin main
}
