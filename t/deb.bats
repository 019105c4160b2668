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
	# the package links libgit2 shared (apt brings its security updates); its guard doctor says so
	dpkg-deb -x "$DEB" "$BATS_TEST_TMPDIR/x"
	run ldd "$BATS_TEST_TMPDIR/x/usr/bin/guard-git"
	[[ "$output" == *libgit2* ]]
	run "$BATS_TEST_TMPDIR/x/usr/bin/guard" doctor
	[[ "$output" == *"libgit2: shared (built with STATIC_GIT=0)"* ]]
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

# proven GUARD [INIT-OPTIONS]: GUARD init here, and GUARD doctor proves the Claude hook it wrote.
proven() {
	run "$1" init ${2:-}
	[ "$status" -eq 0 ]
	[[ "$output" == *"The hooks run $1 hook"* ]]
	run "$1" doctor
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"claude hook: installed and proven in .claude/settings.json"*"($1 hook claude || exit 2)"* ]]
}

# swapped_fails GUARD: the bar's other half: the command swapped for a guard that is not there fails doctor.
swapped_fails() {
	jq '.hooks.PreToolUse[0].hooks[0].command = "/nonexistent/guard hook claude"' .claude/settings.json >s && mv s .claude/settings.json
	run "$1" doctor
	[ "$status" -eq 1 ]
	[[ "$output" == *"'/nonexistent/guard hook claude' exit 127"* ]]
}

@test "guard init and guard doctor from the extracted package prove the hook in a fresh repository" {
	x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$DEB" "$x"
	"$x/usr/bin/guard" --version | grep -qx "guard $version"
	proven "$x/usr/bin/guard"
	swapped_fails "$x/usr/bin/guard"
}

@test "dpkg accepts the package (a dry run)" {
	[ "$(id -u)" = 0 ] || skip "dpkg --dry-run -i needs root"
	run dpkg --dry-run -i "$DEB"
	echo "$output"
	[ "$status" -eq 0 ]
}

# A scratch dpkg root (the machine's own dpkg database is never touched): its status
# holds the machine's entries for the package's dependencies, so dpkg checks them
# as it would on a real system, without --force-depends.
scratch_root() {
	R=$BATS_TEST_TMPDIR/root
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
	: >"$R/var/lib/dpkg/available"
	deps=$(dpkg-deb --field "$DEB" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep .)
	dpkg-query -s $deps >"$R/var/lib/dpkg/status"
}

# dpkg on the scratch root, as a person would on the machine (no maintainer script runs in a chroot).
sdpkg() {
	dpkg --root="$R" --force-not-root --force-script-chrootless "$@"
}

# the files the package left in the scratch root, outside dpkg's own database
left_files() {
	find "$R" \( -type f -o -type l \) ! -path "$R/var/lib/dpkg/*"
}

@test "dpkg -i into a scratch root; guard init and doctor from it prove the hook; a swapped command fails doctor; dpkg --remove leaves no file" {
	scratch_root
	run sdpkg -i "$DEB"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Setting up guard ($version)"* ]]
	[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' guard)" = "install ok installed $version" ]
	g=$R/usr/bin/guard
	[ -x "$g" ] && [ -x "$R/usr/bin/guard-git" ]
	proven "$g" --no-git-hooks
	# guard-git from the package too: init installs the git hooks it offers
	run "$g" init --git-hooks
	[ "$status" -eq 0 ]
	grep -q "$R/usr/bin/guard-git" .git/hooks/pre-commit
	"$g" init --remove >/dev/null
	"$g" init --no-git-hooks >/dev/null
	swapped_fails "$g"
	"$g" init --no-git-hooks >/dev/null   # back to the package's guard
	# removed: every file of the package gone; a project wired to it now blocks instead of passing
	run sdpkg --remove guard
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(left_files)" ] || { left_files; false; }
	[ ! -e "$R/usr/bin" ]
	cmd=$(jq -r '.hooks.PreToolUse[0].hooks[0].command' .claude/settings.json)
	run sh -c "$cmd" <<<"$(bash_payload 'git status')"
	[ "$status" -eq 2 ]
	[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' guard 2>/dev/null || true)" != "install ok installed" ]
}

@test "an upgrade (the same version again, then a version-bumped package) keeps the project's and the user's files" {
	scratch_root
	sdpkg -i "$DEB" >/dev/null
	g=$R/usr/bin/guard
	"$g" init --no-git-hooks >/dev/null
	mkdir -p "$HOME/.config/guard"
	printf 'version: 1\nprincipals:\n  me@example.com: {roles: [admin]}\n' >"$HOME/.config/guard/policy.yaml"
	chmod 600 "$HOME/.config/guard/policy.yaml"
	printf 'version: 1\nrules: []\n# mine\n' >.ai/policy.yaml
	before=$(cat .claude/settings.json .ai/policy.yaml .gitignore "$HOME/.config/guard/policy.yaml" | md5sum)
	# the same package again
	run sdpkg -i "$DEB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Unpacking guard ($version) over ($version)"* ]]
	# a version-bumped build of the same tree
	bumped=$BATS_TEST_TMPDIR/guard_${version}+1_amd64.deb
	dpkg-deb -R "$DEB" "$BATS_TEST_TMPDIR/raw"
	sed -i "s/^Version: .*/Version: ${version}+1/" "$BATS_TEST_TMPDIR/raw/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$BATS_TEST_TMPDIR/raw" "$bumped" >/dev/null
	run sdpkg -i "$bumped"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Unpacking guard (${version}+1) over ($version)"* ]]
	[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' guard)" = "${version}+1" ]
	[ "$(cat .claude/settings.json .ai/policy.yaml .gitignore "$HOME/.config/guard/policy.yaml" | md5sum)" = "$before" ]
	run "$g" doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"claude hook: installed and proven"* ]]
	# the old package's file list is the new one's: nothing stale left behind on removal
	sdpkg --remove guard >/dev/null
	[ -z "$(left_files)" ]
	[ -f .ai/policy.yaml ] && [ -f "$HOME/.config/guard/policy.yaml" ]
}
