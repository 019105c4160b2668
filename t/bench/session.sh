#!/bin/sh
# guard-session check against git diff --numstat on the same repository:
# 20,000 files, a 2,000-file change (edits of tracked files, so plain
# `git diff --numstat BASE` sees the same trees). Same numbers, side by
# side in one run; the target is at most 2x git's wall time.
#   BENCH_FILES=20000 BENCH_CHANGED=2000 BENCH_RUNS=5
#   BENCH_GUARD_SESSION=path/to/guard-session (another build, to compare)
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
FILES=${BENCH_FILES:-20000}
CHANGED=${BENCH_CHANGED:-2000}
RUNS=${BENCH_RUNS:-5}
GS=${BENCH_GUARD_SESSION:-$root/bin/guard-session}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guard-bench-session.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME=$tmp/home GUARD_MANAGED_POLICY=$tmp/none GUARD_DEFAULT_POLICY=$root/policy/default.yaml
mkdir -p "$HOME" "$tmp/repo"
cd "$tmp/repo"
git init -q -b main . && git config user.email b@example.com && git config user.name bench
awk -v n="$FILES" 'BEGIN { for (i = 0; i < n; i++) { d = sprintf("src/d%03d", i % 200); f = sprintf("%s/f%05d.c", d, i);
	if (i % 200 == i) system("mkdir -p " d); for (l = 0; l < 20; l++) printf "int f%05d_%d(void) { return %d; }\n", i, l, l > f; close(f) } }'
git add -A && git commit -qm base
eval "$("$root/bin/guard-session" start --task bench 2>/dev/null)"
base=$(git rev-parse main)
# The change: every 10th file gets 3 lines more and 1 line less.
git ls-files | awk -v c="$CHANGED" 'NR % 10 == 1 && n < c { print; n++ }' | while read -r f; do
	sed -i '1d' "$f"; printf 'int x1;\nint x2;\nint x3;\n' >>"$f"
done
now() { date +%s%N; }
g=""; s=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	t0=$(now); git diff --numstat "$base" >"$tmp/git.txt"; t1=$(now)
	"$GS" check --json >"$tmp/guard.json" || true; t2=$(now)
	g="$g $(( (t1 - t0) / 1000000 ))"; s="$s $(( (t2 - t1) / 1000000 ))"
	i=$((i + 1))
done
med() { printf '%s\n' $1 | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
git_sum=$(awk '{a += $1; d += $2; n++} END {print n " files, " a " added, " d " deleted"}' "$tmp/git.txt")
guard_sum=$(jq -r '.changes | "\(length) files, \(map(.added) | add) added, \(map(.deleted) | add) deleted"' "$tmp/guard.json")
same=$( [ "$(sort "$tmp/git.txt")" = "$(jq -r '.changes[] | "\(.added)\t\(.deleted)\t\(.path)"' "$tmp/guard.json" | sort)" ] && echo yes || echo NO)
echo "repository: $FILES files, $CHANGED changed; $RUNS runs each, interleaved"
echo "runs (ms), git:  $g"
echo "runs (ms), guard:$s"
echo "git diff --numstat:   median $(med "$g") ms  ($git_sum)"
echo "guard-session check:  median $(med "$s") ms  ($guard_sum)"
echo "same numbers per file: $same"
echo "ratio guard/git: $(awk -v a="$(med "$s")" -v b="$(med "$g")" 'BEGIN {printf "%.2f", a / b}') (target <= 2)"
