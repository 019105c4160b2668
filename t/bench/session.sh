#!/bin/sh
# guard-session check with untracked files included (issue 14), side by
# side in one run with: git diff --numstat BASE (tracked files only) and
# its untracked-inclusive equivalent (git add -A into a scratch index, then
# git diff --cached --numstat BASE). 20,000 files, a 2,000-file change and
# BENCH_UNTRACKED new files. Target: guard <= 1.5x git diff --numstat.
#   BENCH_FILES=20000 BENCH_CHANGED=2000 BENCH_UNTRACKED=200 BENCH_RUNS=5
#   BENCH_GUARD_SESSION=path/to/guard-session (another build, to compare)
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
FILES=${BENCH_FILES:-20000}
CHANGED=${BENCH_CHANGED:-2000}
RUNS=${BENCH_RUNS:-5}
GS=${BENCH_GUARD_SESSION:-$root/bin/guard-session}
UNTRACKED=${BENCH_UNTRACKED:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guard-bench-session.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME=$tmp/home GUARD_MANAGED_POLICY=$tmp/none GUARD_DEFAULT_POLICY=$root/policy/default.yaml
mkdir -p "$HOME" "$tmp/repo"
cd "$tmp/repo"
sh "$root/t/bench/make_repo.sh" "$FILES"
eval "$("$root/bin/guard-session" start --task bench 2>/dev/null)"
base=$(git rev-parse main)
# The change: every 10th file gets 3 lines more and 1 line less.
git ls-files | awk -v c="$CHANGED" 'NR % 10 == 1 && n < c { print; n++ }' | while read -r f; do
	sed -i '1d' "$f"; printf 'int x1;\nint x2;\nint x3;\n' >>"$f"
done
i=0
while [ "$i" -lt "$UNTRACKED" ]; do
	printf 'int u%d;\nint v%d;\n' "$i" "$i" >"src/d$(printf %03d $((i % 200)))/new$i.c"
	i=$((i + 1))
done
now() { date +%s%N; }
g=""; s=""; a=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	t0=$(now); git diff --numstat "$base" >"$tmp/git.txt"; t1=$(now)
	"$GS" check --json >"$tmp/guard.json" || true; t2=$(now)
	cp .git/index "$tmp/idx" && GIT_INDEX_FILE=$tmp/idx git add -A -- . ':!.ai' &&
		GIT_INDEX_FILE=$tmp/idx git diff --cached --numstat "$base" -- . ':!.ai' >"$tmp/all.txt"; t3=$(now)
	g="$g $(( (t1 - t0) / 1000000 ))"; s="$s $(( (t2 - t1) / 1000000 ))"; a="$a $(( (t3 - t2) / 1000000 ))"
	i=$((i + 1))
done
med() { printf '%s\n' $1 | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
git_sum=$(awk '{a += $1; d += $2; n++} END {print n " files, " a " added, " d " deleted"}' "$tmp/git.txt")
all_sum=$(awk '{a += $1; d += $2; n++} END {print n " files, " a " added, " d " deleted"}' "$tmp/all.txt")
guard_sum=$(jq -r '.changes | "\(length) files, \(map(.added) | add) added, \(map(.deleted) | add) deleted"' "$tmp/guard.json")
same=$( [ "$(sort "$tmp/all.txt")" = "$(jq -r '.changes[] | "\(.added)\t\(.deleted)\t\(.path)"' "$tmp/guard.json" | sort)" ] && echo yes || echo NO)
echo "repository: $FILES files, $CHANGED changed, $UNTRACKED untracked; $RUNS runs each, interleaved"
echo "runs (ms), git:      $g"
echo "runs (ms), guard:    $s"
echo "runs (ms), git -A:   $a"
echo "git diff --numstat:            median $(med "$g") ms  ($git_sum)"
echo "scratch index add -A + diff:   median $(med "$a") ms  ($all_sum)"
echo "guard-session check:           median $(med "$s") ms  ($guard_sum)"
echo "same numbers per file as add -A: $same"
echo "ratio guard/git diff --numstat: $(awk -v a="$(med "$s")" -v b="$(med "$g")" 'BEGIN {printf "%.2f", a / b}') (target <= 1.5)"
echo "ratio guard/scratch add -A:     $(awk -v a="$(med "$s")" -v b="$(med "$a")" 'BEGIN {printf "%.2f", a / b}')"
