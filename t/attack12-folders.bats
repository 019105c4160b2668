#!/usr/bin/env bats
# left12 (README, attacker's eleventh pass left open): a new or changed name
# inside one of guard's own folders (.ai, .claude, .git, the folders above a
# protected path) that is none of guard's files is high "writes into
# guard's folder", whatever program makes it: git init/clone/worktree add/
# submodule add, mknod, mkfifo, split, csplit, mkdir, cp, a redirection.
# guard's own files stay critical; .ai/plans/ stays the agent's; reads of
# .ai stay allowed.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "left12: new names in guard's folders are asked, whatever program makes them" {
	decides 'git init .ai/x' ask
	decides 'git init --separate-git-dir=.ai/g src/r' ask
	decides 'git clone https://github.com/a/b .ai/x' ask
	decides 'cd .ai && git clone https://github.com/a/b.git' 'ask|deny'
	decides 'git worktree add .ai/wt' ask
	decides 'git submodule add https://github.com/a/b .claude/x' ask
	decides 'mknod .ai/x p' ask
	decides 'mkfifo .ai/x' ask
	decides 'split /tmp/f .claude/x' ask
	decides 'csplit -f .ai/x /tmp/f 1' ask
	decides 'mkdir .ai/x' ask
	decides 'cp /tmp/x .ai/notes' ask
	decides 'echo x > .claude/foo' ask
	decides 'ln -s /tmp .ai/x' ask
	decides 'rm .ai/x' ask
	decides 'tar -C .ai -xf /tmp/a.tar' deny
	decides 'git clone https://github.com/a/b .ai/audit' deny
}

@test "left12 user twins: reads of guard's folders, .ai/plans, and new trees elsewhere" {
	decides 'cat .ai/policy.yaml' allow
	decides 'ls .ai' allow
	decides 'mkdir -p .ai/plans && echo x > .ai/plans/a.md' allow
	decides 'git init' allow
	decides 'git clone https://github.com/a/b vendor/b' allow
	decides 'git worktree add -b x ../wt-x' allow
	decides 'git submodule add https://github.com/a/b vendor/b' allow
	decides 'mkfifo build/pipe' allow
	decides 'split -l 100 /tmp/f build/part' allow
}

@test "left12: an archive holding a name in guard's folder, unpacked into the project, is asked" {
	mkdir -p "$BATS_TEST_TMPDIR/a/.ai" && echo x >"$BATS_TEST_TMPDIR/a/.ai/hooks.sh" && echo y >"$BATS_TEST_TMPDIR/a/notes.txt"
	tar -C "$BATS_TEST_TMPDIR/a" -cf "$BATS_TEST_TMPDIR/a.tar" .ai/hooks.sh notes.txt
	tar -C "$BATS_TEST_TMPDIR/a" -cf "$BATS_TEST_TMPDIR/b.tar" notes.txt
	decides "tar -xf $BATS_TEST_TMPDIR/a.tar" ask
	decides "tar -xf $BATS_TEST_TMPDIR/b.tar" allow
	decides "tar -xf $BATS_TEST_TMPDIR/a.tar -C build" allow
}
