#!/usr/bin/env bats
# How the programs that read git link libgit2 (src/git_notls.c, Makefile):
# they never load the system's CA certificates or start libssh2, with the
# libraries shared (the default) or linked in (make STATIC_GIT=1).

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

@test "make STATIC_GIT=1 links libgit2 in: the programs work, load no libgit2 and open no CA bundle" {
	[ -r "$CA" ]
	bin=$BATS_TEST_TMPDIR/static-bin
	# the plain build's objects, linked again (nothing is compiled when they are current)
	run make -s -C "$REPO_ROOT" STATIC_GIT=1 BIN="$bin" "$bin/guard-scan" "$bin/guard-git"
	[ "$status" -eq 0 ]
	run ldd "$bin/guard-scan"
	[ "$status" -eq 0 ]
	refute grep -q libgit2 <<<"$output"
	refute grep -q libssh2 <<<"$output"
	opens_ca "$bin/guard-scan" range main~1..main
	[ "$status" -eq 1 ]
	[[ "$output" == *aws-access-key* ]]
	[ "$opens" -eq 0 ]
	# the same findings as the shared build
	diff <("$bin/guard-scan" range main~1..main --format jsonl) <(guard-scan range main~1..main --format jsonl)
	opens_ca "$bin/guard-git" check --base main~1 --head main --json
	[ "$opens" -eq 0 ]
	diff <("$bin/guard-git" check --base main~1 --head main --json) <(guard-git check --base main~1 --head main --json)
}
