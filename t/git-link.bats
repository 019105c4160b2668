#!/usr/bin/env bats
# How the programs that read git link libgit2 (src/git_notls.c, Makefile):
# they never load the system's CA certificates or start libssh2, with the
# libraries linked in (the default) or shared (make STATIC_GIT=0); guard
# doctor says whether an archive linked in has changed since the build.

load helper

CA=/etc/ssl/certs/ca-certificates.crt

setup() {
	setup_guard
	git -c user.email=a@b -c user.name=a commit -q --allow-empty -m root
	git branch -M main
	printf 'x = 1\n' >src/a.py
	printf "key = 'AKIA4QWERXTYUIOPASDF'\n" >src/k.py
	git add src && git -c user.email=a@b -c user.name=a commit -q -m add
}

# opens_ca PROGRAM ARGS...: runs it under strace; $opens is how many times it opened the CA bundle
# (LeakSanitizer cannot run under ptrace: the sanitizer build is traced with leak checks off)
opens_ca() {
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/ca.st" "$@"
	opens=$(grep -c 'ca-certificates' "$BATS_TEST_TMPDIR/ca.st" || true)
}

@test "guard-scan, guard-git and guard-audit never open the system's CA bundle (libgit2's TLS set-up is not run)" {
	[ -r "$CA" ] # ca-certificates is a test dependency: without the file this test proves nothing
	opens_ca guard-scan range main~1..main
	[ "$status" -eq 1 ] # the planted key: libgit2 did read the commit
	[[ "$output" == *aws-access-key* ]]
	[ "$opens" -eq 0 ]
	opens_ca guard-git check --base main~1 --head main --json
	[ "$opens" -eq 0 ]
	opens_ca guard-audit verify
	[ "$opens" -eq 0 ]
}

@test "the git programs hold libgit2 linked in by default; guard doctor finds its archives unchanged" {
	for p in guard-git guard-scan guard-audit guard-session; do
		run ldd "$GUARD_BIN/$p"
		[ "$status" -eq 0 ]
		refute grep -q -e libgit2 -e libssh2 -e libcrypto <<<"$output"
	done
	# the hook's front and the other programs never load libgit2 at all
	for p in guard guard-githook guard-risk guard-policy; do
		run ldd "$GUARD_BIN/$p"
		refute grep -q libgit2 <<<"$output"
	done
	run guard doctor
	[[ "$output" == *"libgit2: linked in, its archives unchanged since the build"* ]]
	refute grep -q "hold the code of" <<<"$output"
}

@test "make STATIC_GIT=0 links libgit2 shared: the programs work, open no CA bundle, say the same" {
	[ -r "$CA" ]
	bin=$BATS_TEST_TMPDIR/shared-bin
	build=$BATS_TEST_TMPDIR/shared-build
	# a build of its own: the build's record of archives differs (doctor's object)
	run make -s -j2 -C "$REPO_ROOT" STATIC_GIT=0 BUILD="$build" BIN="$bin" "$bin/guard-scan" "$bin/guard-git" "$bin/guard"
	[ "$status" -eq 0 ]
	run ldd "$bin/guard-scan"
	[ "$status" -eq 0 ]
	grep -q libgit2 <<<"$output"
	opens_ca "$bin/guard-scan" range main~1..main
	[ "$status" -eq 1 ]
	[[ "$output" == *aws-access-key* ]]
	[ "$opens" -eq 0 ]
	# the same findings as the default build
	diff <("$bin/guard-scan" range main~1..main --format jsonl) <(guard-scan range main~1..main --format jsonl)
	opens_ca "$bin/guard-git" check --base main~1 --head main --json
	[ "$opens" -eq 0 ]
	diff <("$bin/guard-git" check --base main~1 --head main --json) <(guard-git check --base main~1 --head main --json)
	run "$bin/guard" doctor
	[[ "$output" == *"libgit2: shared (built with STATIC_GIT=0)"* ]]
}
