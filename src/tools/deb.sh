#!/bin/sh
# make deb: guard_VERSION_ARCH.deb with dpkg-deb, from a PREFIX=/usr build of
# its own (build/deb, so bin/ and build/ keep their PREFIX). The dependencies
# are what dpkg-shlibdeps finds the programs (and the helpers in
# /usr/lib/guard, guard-mcp-http's libmicrohttpd and libcurl) linked against.
# libgit2 and its libraries are linked shared here (STATIC_GIT=0), unlike
# make's default: a package depends on Debian's libgit2 and gets its
# security updates from apt, not from a rebuild of guard.
# usage: sh src/tools/deb.sh VERSION ARCH
set -eu
version=$1
arch=$2
top=$PWD/build/deb
root=$top/root
deb=guard_${version}_${arch}.deb

rm -rf "$root" "$top/shlibs"
make --no-print-directory BUILD=build/deb/obj BIN=build/deb/bin PREFIX=/usr OPT=-O2 STATIC_GIT=0 \
	DESTDIR="$root" install >/dev/null
# Debian's ways: man pages compressed, a copyright file beside the docs
gzip -9nf "$root"/usr/share/man/man1/*.1 "$root"/usr/share/man/man5/*.5
install -d "$root/usr/share/doc/guard"
gzip -9nc README.md >"$root/usr/share/doc/guard/README.md.gz"
for f in share/doc/*.md; do gzip -9nc "$f" >"$root/usr/share/doc/guard/${f##*/}.gz"; done
printf 'guard %s\nThe guard project. See /usr/share/doc/guard/README.md.gz.\n' "$version" \
	>"$root/usr/share/doc/guard/copyright"

# the shared libraries the programs link against, as package dependencies
mkdir -p "$top/shlibs/debian"
printf 'Source: guard\n\nPackage: guard\nArchitecture: any\n' >"$top/shlibs/debian/control"
depends=$(cd "$top/shlibs" && dpkg-shlibdeps -O $(for p in "$root"/usr/bin/* "$root"/usr/lib/guard/*; do printf ' -e%s' "$p"; done) 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: guard
Version: $version
Architecture: $arch
Maintainer: guard maintainers <guard@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: git
Suggests: bash-completion
Section: devel
Priority: optional
Description: govern what AI coding agents do in a git repository
 guard rates the risk of an agent's tool calls, applies a layered YAML
 policy, asks people for approvals kept as JSON files, and keeps a
 tamper-evident audit log. Hooks for Claude Code, Gemini CLI and Codex
 ('guard init' wires them, 'guard doctor' proves they block).
CONTROL
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
fakeroot dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
echo "$deb"
