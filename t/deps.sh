#!/bin/sh
# Install the named Debian packages that are missing (as root), or print
# the one command that would, and fail.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "guard: installing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1
	apt-get install -y -qq $missing >/dev/null || {
		echo "guard: apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "guard: missing Debian packages. Run:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
