#!/bin/bash
# Recall and false findings of guard-scan on t/scan/corpus against
# t/scan/expected.tsv: a planted secret is found when a finding names its
# file and line; a finding on any other line is false. Prints
# "found N of M (recall R%), F false of T findings (P%)" and, with -v, the misses.
#   t/scan/score.sh [GUARD-SCAN]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scan=${1:-guard-scan}
out=$(cd "$here/corpus" && "$scan" files --format jsonl || [ $? -eq 1 ])
jq -r '"\(.path)\t\(.line)"' <<<"$out" | sort -u >"${TMPDIR:-/tmp}/scan-found.$$"
grep -v '^#' "$here/expected.tsv" | cut -f1,2 | sort -u >"${TMPDIR:-/tmp}/scan-want.$$"
want=$(wc -l <"${TMPDIR:-/tmp}/scan-want.$$")
found=$(comm -12 "${TMPDIR:-/tmp}/scan-want.$$" "${TMPDIR:-/tmp}/scan-found.$$" | wc -l)
lines=$(wc -l <"${TMPDIR:-/tmp}/scan-found.$$")
false=$(comm -13 "${TMPDIR:-/tmp}/scan-want.$$" "${TMPDIR:-/tmp}/scan-found.$$" | wc -l)
echo "found $found of $want ($((found * 100 / want))% recall), $false false of $lines finding lines ($((lines ? false * 100 / lines : 0))%)"
if [ "${VERBOSE:-}" ]; then
	echo "missed:"; comm -23 "${TMPDIR:-/tmp}/scan-want.$$" "${TMPDIR:-/tmp}/scan-found.$$"
	echo "false:"; comm -13 "${TMPDIR:-/tmp}/scan-want.$$" "${TMPDIR:-/tmp}/scan-found.$$"
fi
rm -f "${TMPDIR:-/tmp}/scan-found.$$" "${TMPDIR:-/tmp}/scan-want.$$"
