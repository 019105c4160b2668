#!/usr/bin/env bats
# make install: programs, man pages and policies under PREFIX, into DESTDIR.

load helper

setup() { setup_guard; }

@test "make install puts programs, man pages and policies under DESTDIR and the default PREFIX" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s -C "$REPO_ROOT" install DESTDIR="$dest"
	[ "$status" -eq 0 ]
	for p in guard guard-risk guard-policy guard-audit; do
		[ -x "$dest/usr/local/bin/$p" ]
		[ -f "$dest/usr/local/share/man/man1/$p.1" ]
	done
	[ -f "$dest/usr/local/share/man/man5/guard-policy.5" ]
	[ -f "$dest/usr/local/share/guard/default.yaml" ]
	[ -f "$dest/usr/local/share/guard/nightbuilder.yaml" ]
	[ -f "$dest/usr/local/share/bash-completion/completions/guard" ]
	# guard mcp --listen's helper, beside the data, not a command of its own
	[ -x "$dest/usr/local/lib/guard/guard-mcp-http" ]
	[ ! -e "$dest/usr/local/bin/guard-mcp-http" ]
	run make -s -C "$REPO_ROOT" uninstall DESTDIR="$dest"
	[ "$status" -eq 0 ]
	[ ! -e "$dest/usr/local/bin/guard" ]
	[ ! -e "$dest/usr/local/lib/guard/guard-mcp-http" ]
	[ ! -e "$dest/usr/local/share/guard/default.yaml" ]
}

@test "every man page renders without warnings" {
	for page in "$REPO_ROOT"/share/man/man1/*.1 "$REPO_ROOT"/share/man/man5/*.5; do
		run sh -c "MANWIDTH=80 man --warnings -l '$page' 2>&1 >/dev/null"
		echo "$page: $output"
		[ -z "$output" ]
	done
}

@test "deps.sh names the one apt-get command when it cannot install" {
	if [ "$(id -u)" = 0 ]; then
		run su nobody -s /bin/sh -c "sh '$REPO_ROOT/t/deps.sh' bats guard-no-such-package"
	else
		run sh "$REPO_ROOT/t/deps.sh" bats guard-no-such-package
	fi
	[ "$status" -eq 1 ]
	[[ "$output" == *"sudo apt-get install -y guard-no-such-package"* ]]
	[[ "$output" != *"install -y bats"* ]]
	run sh "$REPO_ROOT/t/deps.sh" bats
	[ "$status" -eq 0 ]
}
