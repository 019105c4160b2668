#!/bin/bash
# guard-scan side by side with secretlint (npm, recommended preset) and
# Debian's git-secrets, in one run: recall per kind on the planted-secret
# corpus (t/scan), and wall time on a tree of about 20,000 real text files
# (copied from this machine's /usr/include, perl, python, node and doc
# libraries) with the corpus inside. Bench only: make test needs neither
# peer. Prints a summary; nothing is asserted.
#   t/bench/scan.sh            (SCAN_FILES=20000, SCAN_PEERS=/tmp/scan-peers)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
files=${SCAN_FILES:-20000}
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

# findings of each tool on a folder as "path<TAB>line"
run_guard() { (cd "$1" && "$root/bin/guard-scan" files --format jsonl || true) | jq -r '"\(.path)\t\(.line)"' | sort -u; }
run_secretlint() {
	# to a file: node cuts a piped report at 64 KiB when it exits
	(cd "$1" && NODE_PATH=$peers/node_modules "$secretlint" --secretlintrc "$work/secretlintrc.json" --format json \
		--output "$work/secretlint.json" "**/*" >/dev/null 2>&1 || true)
	jq -r --arg d "$(cd "$1" && pwd -P)/" '.[] | .filePath as $f | .messages[] | "\($f | ltrimstr($d))\t\(.loc.start.line)"' "$work/secretlint.json" | sort -u
}
run_gitsecrets() {
	(cd "$1" && { [ -d .git ] || { git init -q . && git secrets --register-aws >/dev/null && git secrets --add 'ghp_[A-Za-z0-9]{36}' >/dev/null; }; } &&
		git secrets --scan -r . 2>&1 || true) | sed -nE 's/^\.?\/?([^:]+):([0-9]+):.*/\1\t\2/p' | sort -u
}

# recall per kind on the corpus
cp -r t/scan/corpus "$work/corpus"
grep -v '^#' t/scan/expected.tsv | sort -k1,1 -k2,2n >"$work/want"
for tool in guard secretlint gitsecrets; do
	"run_$tool" "$work/corpus" >"$work/$tool.found"
done
printf '\n%-22s %6s %8s %11s %11s\n' kind planted guard secretlint git-secrets
cut -f3 "$work/want" | sort | uniq -c | while read -r n kind; do
	printf '%-22s %6s' "$kind" "$n"
	for tool in guard secretlint gitsecrets; do
		got=$(awk -F'\t' -v k="$kind" '$3 == k {print $1 "\t" $2}' "$work/want" | sort -u | comm -12 - "$work/$tool.found" | wc -l)
		printf ' %10s' "$got"
	done
	echo
done
for tool in guard secretlint gitsecrets; do
	false=$(cut -f1,2 "$work/want" | sort -u | comm -13 - "$work/$tool.found" | wc -l)
	printf '%-12s false findings (lines with no planted secret): %s of %s\n' "$tool" "$false" "$(wc -l <"$work/$tool.found")"
done

# speed on the tree
mkdir -p "$work/tree"
(find /usr/include /usr/share/perl /usr/share/perl5 /usr/lib/python3 /usr/share/doc /usr/lib/node_modules /usr/share/nodejs -type f -size -256k 2>/dev/null || true) | head -n "$files" |
	tar -cf - -T - 2>/dev/null | tar -xf - -C "$work/tree"
cp -r t/scan/corpus "$work/tree/corpus"
n=$(find "$work/tree" -type f | wc -l)
(cd "$work/tree" && git init -q . && git secrets --register-aws >/dev/null)
echo
echo "tree: $n files, $(du -sh "$work/tree" | cut -f1)"
for tool in guard secretlint gitsecrets; do
	start=$(date +%s.%N)
	"run_$tool" "$work/tree" >/dev/null
	end=$(date +%s.%N)
	printf '%-12s %8.2f s\n' "$tool" "$(echo "$end - $start" | bc)"
done
