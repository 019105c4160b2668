#!/usr/bin/env bats
# make deb: a Debian package with programs, man pages, completions, policies and its dependencies declared.

load helper

setup_file() {
	# one build for the file's tests (it is a full PREFIX=/usr build of its own)
	make -s -C "$BATS_TEST_DIRNAME/.." deb >"$BATS_FILE_TMPDIR/made" 2>&1
}

setup() {
	setup_guard
	version=$(sed -n 's/^VERSION *= *//p' "$REPO_ROOT/Makefile")
	DEB=$REPO_ROOT/guard_${version}_$(dpkg --print-architecture).deb
}

@test "make deb builds guard_<version>_<arch>.deb whose control data names the package and its dependencies" {
	cat "$BATS_FILE_TMPDIR/made"
	[ -f "$DEB" ]
	run dpkg-deb --field "$DEB" Package Version Architecture
	[ "$output" = "Package: guard
Version: $version
Architecture: $(dpkg --print-architecture)" ]
	depends=$(dpkg-deb --field "$DEB" Depends)
	for lib in libc6 libcjson1 libyaml-0-2 libuuid1 libsodium23 libpcre2-8-0 libgit2-1.5 libmicrohttpd12 libcurl4; do
		[[ "$depends" == *"$lib"* ]]
	done
	run dpkg-deb --info "$DEB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Description: govern what AI coding agents do"* ]]
}

@test "the declared dependencies resolve with apt-get" {
	pkgs=$(dpkg-deb --field "$DEB" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep .)
	run apt-get -s install $pkgs
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
}

@test "the package holds the programs, man pages, completions and policies" {
	run dpkg-deb --contents "$DEB"
	[ "$status" -eq 0 ]
	for p in guard guard-risk guard-policy guard-approve guard-audit guard-session guard-git; do
		[[ "$output" == *" ./usr/bin/$p"$'\n'* ]]
		[[ "$output" == *"./usr/share/man/man1/$p.1.gz"* ]]
		[[ "$output" == *"./usr/share/bash-completion/completions/$p"$'\n'* ]]
		[[ "$output" == *"./usr/share/fish/vendor_completions.d/$p.fish"* ]]
	done
	[[ "$output" == *"./usr/share/man/man5/guard-policy.5.gz"* ]]
	[[ "$output" == *"./usr/share/zsh/vendor-completions/_guard"* ]]
	[[ "$output" == *"./usr/share/guard/default.yaml"* ]]
	[[ "$output" == *"./usr/lib/guard/guard-mcp-http"$'\n'* ]]
	[[ "$output" == *"./usr/share/doc/guard/copyright"* ]]
	# every file belongs to root
	refute grep -v ' root/root ' <<<"$output"
}

@test "guard init and guard doctor from the extracted package prove the hook in a fresh repository" {
	x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$DEB" "$x"
	"$x/usr/bin/guard" --version | grep -qx "guard $version"
	run "$x/usr/bin/guard" init
	[ "$status" -eq 0 ]
	[[ "$output" == *"The hooks run $x/usr/bin/guard hook"* ]]
	run "$x/usr/bin/guard" doctor
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"claude hook: installed and proven in .claude/settings.json"*"($x/usr/bin/guard hook claude || exit 2)"* ]]
	# the bar's other half: the command swapped for a guard that is not there
	jq '.hooks.PreToolUse[0].hooks[0].command = "/nonexistent/guard hook claude"' .claude/settings.json >s && mv s .claude/settings.json
	run "$x/usr/bin/guard" doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"'/nonexistent/guard hook claude' exit 127"* ]]
}

@test "dpkg accepts the package (a dry run)" {
	[ "$(id -u)" = 0 ] || skip "dpkg --dry-run -i needs root"
	run dpkg --dry-run -i "$DEB"
	echo "$output"
	[ "$status" -eq 0 ]
}
