# Sourced by audit_seal.sh and audit_seal_ir.sh (from the repository root,
# with $n set): a scratch HOME and folder ($tmp, removed on exit), a user
# layer with 1-second sealing epochs, and $n events in $tmp/events.jsonl.
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/guard-seal.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset GUARD_DEFAULT_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
export HOME=$tmp/home
mkdir -p "$HOME"
printf 'audit:\n  seal_epoch: 1s\n' >"$tmp/user.yaml"
export GUARD_USER_POLICY=$tmp/user.yaml
mkdir -p "$tmp/p" && git init -q "$tmp/p"
sh t/bench/gen_payloads.sh "$tmp/p" "$tmp/payloads" >/dev/null
sh t/bench/gen_events.sh "$tmp/payloads/list" "$n" "$tmp/events.jsonl"
