# shellcheck shell=bash disable=SC2034,SC2154  # sourced: root is the caller's, work and app are for it
# Shared set-up of the scan benchmarks (scan_hook.sh, scan_edit.sh), sourced
# from the repository's root with root set: a work directory removed on
# exit, a clean HOME and guard environment, and a git project `app` (under
# work) that guard init has set up.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
export HOME=$work/home
mkdir -p "$HOME" "$work/app/src"
git init -q "$work/app"
(cd "$work/app" && "$root/bin/guard" init >/dev/null)
app=$(cd "$work/app" && pwd -P)
