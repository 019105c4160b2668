#!/bin/bash
# guard-scan side by side with secretlint (npm, recommended preset) and
# Debian's git-secrets, in one run: recall per kind on the planted-secret
# corpus (t/scan), and wall time on a tree of about 20,000 real text files
# (copied from this machine's /usr/include, perl, python, node and doc
# libraries) with the corpus inside. Bench only: make test needs neither
# peer. Prints a summary; nothing is asserted. Recall is scored by
# t/scan/score.sh (a finding anywhere in a planted secret's line span, or a
# peer's range of lines meeting it, counts). Speed: guard-scan and
# git-secrets in SCAN_ROUNDS interleaved rounds (min and median wall, CPU),
# secretlint once, stopped after SCAN_SECRETLINT_MAX seconds.
#   t/bench/scan.sh   (SCAN_FILES=20000 SCAN_PEERS=/tmp/scan-peers SCAN_ROUNDS=5 SCAN_SECRETLINT_MAX=300)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
files=${SCAN_FILES:-20000}
rounds=${SCAN_ROUNDS:-5}
slmax=${SCAN_SECRETLINT_MAX:-300}
peers=${SCAN_PEERS:-/tmp/scan-peers}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GUARD_DEFAULT_POLICY=$root/policy/default.yaml GUARD_MANAGED_POLICY=$work/none HOME=$work/home
mkdir -p "$HOME"

# the peers, installed on demand
if [ ! -x "$peers/node_modules/.bin/secretlint" ]; then
	mkdir -p "$peers" && (cd "$peers" && npm install --no-audit --no-fund secretlint @secretlint/secretlint-rule-preset-recommend >/dev/null)
fi
command -v git-secrets >/dev/null || apt-get install -y git-secrets >/dev/null
secretlint=$peers/node_modules/.bin/secretlint
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$work/secretlintrc.json"

# findings of each tool on a folder as "path<TAB>line[<TAB>last line]"
run_guard() { (cd "$1" && "$root/bin/guard-scan" files --format jsonl || true) | jq -r '"\(.path)\t\(.line)"' | sort -u; }
run_secretlint() {
	# to a file: node cuts a piped report at 64 KiB when it exits
	(cd "$1" && NODE_PATH=$peers/node_modules "$secretlint" --secretlintrc "$work/secretlintrc.json" --format json \
		--output "$work/secretlint.json" "**/*" >/dev/null 2>&1 || true)
	jq -r --arg d "$(cd "$1" && pwd -P)/" '.[] | .filePath as $f | .messages[] | "\($f | ltrimstr($d))\t\(.loc.start.line)\t\(.loc.end.line)"' "$work/secretlint.json" | sort -u
}
run_gitsecrets() {
	(cd "$1" && { [ -d .git ] || { git init -q . && git secrets --register-aws >/dev/null && git secrets --add 'ghp_[A-Za-z0-9]{36}' >/dev/null; }; } &&
		git secrets --scan -r . 2>&1 || true) | sed -nE 's/^\.?\/?([^:]+):([0-9]+):.*/\1\t\2/p' | sort -u
}

# recall per kind on the corpus
cp -r t/scan/corpus "$work/corpus"
for tool in guard secretlint gitsecrets; do
	"run_$tool" "$work/corpus" >"$work/$tool.found"
	t/scan/score.sh --kinds --found "$work/$tool.found" >"$work/$tool.kinds"
done
printf '\n%-22s %6s %8s %11s %11s\n' kind planted guard secretlint git-secrets
join -t "$(printf '\t')" "$work/guard.kinds" "$work/secretlint.kinds" | join -t "$(printf '\t')" - "$work/gitsecrets.kinds" |
	awk -F'\t' '{printf "%-22s %6s %8s %11s %11s\n", $1, $2, $3, $5, $7}'
for tool in guard secretlint gitsecrets; do
	printf '%-12s %s\n' "$tool" "$(t/scan/score.sh --found "$work/$tool.found")"
done

# speed on the tree
mkdir -p "$work/tree"
(find /usr/include /usr/share/perl /usr/share/perl5 /usr/lib/python3 /usr/share/doc /usr/lib/node_modules /usr/share/nodejs -type f -size -256k 2>/dev/null || true) | head -n "$files" |
	tar -cf - -T - 2>/dev/null | tar -xf - -C "$work/tree"
cp -r t/scan/corpus "$work/tree/corpus"
n=$(find "$work/tree" -type f | wc -l)
(cd "$work/tree" && git init -q . && git secrets --register-aws >/dev/null)
echo
echo "tree: $n files, $(du -sh "$work/tree" | cut -f1); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
timed() { # LABEL CMD...: one run, "label wall user sys" appended to $work/times
	local label=$1
	shift
	/usr/bin/time -o "$work/time1" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
	echo "$label $(tail -1 "$work/time1")" >>"$work/times"
}
: >"$work/times"
for r in $(seq 1 "$rounds"); do
	timed guard bash -c "cd $work/tree && $root/bin/guard-scan files --format jsonl"
	timed git-secrets bash -c "cd $work/tree && git secrets --scan -r ."
done
for tool in guard git-secrets; do
	awk -v t="$tool" '$1 == t {print $2, $3 + $4}' "$work/times" | sort -n | awk -v t="$tool" '
		{w[NR] = $1; c[NR] = $2} END {printf "%-12s wall min %.2f s, median %.2f s; CPU (user+sys) median %.2f s over %d rounds\n", t, w[1], w[int((NR + 1) / 2)], c[int((NR + 1) / 2)], NR}'
done
start=$(date +%s.%N)
(cd "$work/tree" && timeout "$slmax" env NODE_PATH="$peers/node_modules" "$secretlint" --secretlintrc "$work/secretlintrc.json" \
	--format json --output "$work/secretlint-tree.json" "**/*" >/dev/null 2>&1) || [ $? -ne 124 ] || echo "secretlint   stopped after $slmax s, unfinished"
end=$(date +%s.%N)
printf '%-12s wall %.2f s\n' secretlint "$(echo "$end - $start" | bc)"
