#!/bin/bash
# Whether two builds rate every t/corpus case byte for byte the same: each
# case as an event through one guard-risk stream (so what a stream keeps
# from one event to the next is exercised), and each command through
# `guard-risk --command` and `--command --explain`, one process a command.
# Both builds run in the same project and home (the paths are in the
# output). A speed change must leave the outputs identical:
#   t/bench/corpus_same.sh [--each] BEFORE/bin AFTER/bin
# The stream pass always runs (seconds); --each adds the one-process-a-
# command pass (--command and --explain; minutes on a loaded machine).
# What the machine itself changes between the two runs is masked in both
# outputs alike: the entries of the shared /tmp a glob there lists (and
# their number, in --explain), and
# the process id behind /proc/self; both builds write to the same file
# names (/dev/stdout and /dev/stderr are resolved to them). Prints the number of cases and
# "identical", or the first difference and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
each=false
[ "${1:-}" = --each ] && { each=true; shift; }
[ $# -eq 2 ] || { echo "usage: $0 [--each] BEFORE-BIN AFTER-BIN" >&2; exit 2; }
command -v jq >/dev/null || { echo "$0: needs jq" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# three levels down, so that ../* and ../../* list only what this script made
proj=$tmp/w/x/proj home=$tmp/home out=$tmp/out
mkdir -p "$out"
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
	# the same output and error files for both builds (/dev/stdout and /dev/stderr resolve to them)
	(cd "$proj" && "$bin/guard-risk" <"$tmp/events.jsonl" >"$out/cur" 2>"$out/err") || true
	cat "$out/err" >>"$out/cur"
	mv "$out/cur" "$out/stream.$k"
	: >"$out/cur"
	while $each && IFS= read -r -d '' c; do
		(cd "$proj" && "$bin/guard-risk" --command "$c" && "$bin/guard-risk" --command "$c" --explain) \
			>>"$out/cur" 2>"$out/err" || echo "exit $?" >>"$out/cur"
		cat "$out/err" >>"$out/cur"
	done <"$tmp/commands"
	mv "$out/cur" "$out/one.$k"
	k=$((k + 1))
done
base=$(basename "$tmp")
for o in stream one; do
	for k in 0 1; do
		# a direct child of /tmp (this script's folder too, where a listing of /tmp names it), and
		# anything below another one
		perl -pe 's{/tmp/(?!\Q'"$base"'\E/)[^\s"/,)]+}{/tmp/_}g; s{/proc/[0-9]+/}{/proc/PID/}g; s{(/tmp/_ matches) [0-9]+}{$1 N}g' \
			"$out/$o.$k" >"$out/$o.$k.masked"
	done
	if ! cmp "$out/$o.0.masked" "$out/$o.1.masked"; then
		diff "$out/$o.0.masked" "$out/$o.1.masked" | head -20
		echo "$o: DIFFERENT" >&2
		exit 1
	fi
done
$each && what="; $(tr -cd '\0' <"$tmp/commands" | wc -c) commands one process each (--command, --explain)"
echo "$n cases through one stream${what:-}: identical"
