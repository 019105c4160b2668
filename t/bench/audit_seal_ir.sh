#!/bin/sh
# Forward-secure sealing's cost as instructions (callgrind), tags on against
# off in one run: `guard-audit append` of N records (default 20000) and
# `verify` (with --key when on). Instruction counts do not depend on the
# machine's load, where audit_seal.sh's rates on a shared machine do.
# "on": a sealing key with 1-second epochs, so under valgrind's slowdown
# a tag every few hundred records (the default epoch is 15 minutes).
#   t/bench/audit_seal_ir.sh [BIN-DIR]
set -eu
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "audit_seal_ir.sh: needs valgrind (make bench installs it)" >&2; exit 2; }
bin=$(cd "${1:-bin}" && pwd) n=${N:-20000}
. t/bench/seal_env.sh
ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $n records"
echo "tags append_ir verify_ir seal_records"
for tags in off on; do
	p=$tmp/$tags
	mkdir -p "$p" && git init -q "$p"
	key=
	[ "$tags" = on ] && key=$(cd "$p" && "$bin/guard-audit" seal-key init 2>/dev/null)
	(cd "$p" && valgrind -q --tool=callgrind --callgrind-out-file="$tmp/a.$tags" \
		"$bin/guard-audit" append --event decision <"$tmp/events.jsonl")
	# a verify that fails is said, and its count still printed (it read the whole log, or said where it stopped)
	if [ -n "$key" ]; then
		(cd "$p" && valgrind -q --tool=callgrind --callgrind-out-file="$tmp/v.$tags" "$bin/guard-audit" verify -q --key "$key") ||
			echo "verify --key failed (above)"
	else
		(cd "$p" && valgrind -q --tool=callgrind --callgrind-out-file="$tmp/v.$tags" "$bin/guard-audit" verify -q) ||
			echo "verify failed (above)"
	fi
	printf '%s %s %s %s\n' "$tags" "$(ir "$tmp/a.$tags")" "$(ir "$tmp/v.$tags")" \
		"$(cat "$p"/.ai/audit/*.jsonl | grep -c '"event":"audit.seal"' || true)"
done
