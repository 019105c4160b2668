#!/bin/bash
# Whether two builds rate every t/corpus case byte for byte the same: each
# case as an event through one guard-risk stream (so what a stream keeps
# from one event to the next is exercised), and each command through
# `guard-risk --command` and `--command --explain`, one process a command.
# Both builds run in the same project and home (the paths are in the
# output). A speed change must leave all three outputs identical:
#   t/bench/corpus_same.sh BEFORE/bin AFTER/bin
# Prints the number of cases and "identical", or the first difference and
# exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 2 ] || { echo "usage: $0 BEFORE-BIN AFTER-BIN" >&2; exit 2; }
command -v jq >/dev/null || { echo "$0: needs jq" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
proj=$tmp/proj home=$tmp/home
mkdir -p "$proj/.git" "$proj/build" "$proj/node_modules" "$home"
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME 2>/dev/null || true
export HOME="$home" TMPDIR=/tmp
# the events, as t/unit/test_corpus.c makes them (profile aside: the stream uses the default profile)
cat t/corpus/*.jsonl | jq -c --arg p "$proj" '{v:1, id:("case-" + (input_line_number | tostring)),
	ts:"2026-11-21T03:04:05.678Z", source:"claude", phase:"pre", cwd:$p, project:$p,
	actor:{user:"claude", role:"agent"},
	tool:(.tool // "Bash"), input:(if .tool then (.input // {}) else {command:.command} end)}
	+ (if .hints then {hints:.hints} else {} end)' >"$tmp/events.jsonl"
cat t/corpus/*.jsonl | jq -j 'select(.tool == null) | .command + "\u0000"' >"$tmp/commands"
n=$(wc -l <"$tmp/events.jsonl")
k=0
for b in "$@"; do
	bin=$(cd "$b" && pwd)
	(cd "$proj" && "$bin/guard-risk" <"$tmp/events.jsonl" >"$tmp/stream.$k" 2>&1) || true
	: >"$tmp/one.$k"
	while IFS= read -r -d '' c; do
		(cd "$proj" && "$bin/guard-risk" --command "$c" && "$bin/guard-risk" --command "$c" --explain) \
			>>"$tmp/one.$k" 2>&1 || echo "exit $?" >>"$tmp/one.$k"
	done <"$tmp/commands"
	k=$((k + 1))
done
for o in stream one; do
	if ! cmp "$tmp/$o.0" "$tmp/$o.1"; then
		diff "$tmp/$o.0" "$tmp/$o.1" | head -20
		echo "$o: DIFFERENT" >&2
		exit 1
	fi
done
echo "$n cases (stream), $(tr -cd '\0' <"$tmp/commands" | wc -c) commands (--command and --explain): identical"
