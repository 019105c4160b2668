#!/bin/sh
# guard-git's speed on a 20,000-file repository (issue 11), side by side in
# one run with hyperfine:
#   1. the reference-transaction hook's cost per ref update: the same
#      update-ref pair (the session's own branch moved to a commit and back)
#      without guard's hooks, with an empty compiled hook (git's own cost
#      of running any hook), with guard's (no session), with them while
#      an unattended session runs (every check of the session rules), and
#      the same with another AI branch of one commit (its patch-ids);
#   2. guard-git check against git diff --numstat on a range with 500
#      changed lines (50 files, 10 lines each).
#   t/bench/git.sh [BIN-DIR]      (default bin/; results in t/bench/out/git/)
#   BENCH_BEFORE=OTHER-BIN-DIR    another build in the same hyperfine runs:
#                                 its hooks (in a core.hooksPath of their
#                                 own) and its check, named *-before
#   BENCH_PART=check              only part 2 (check against numstat)
set -eu
cd "$(dirname "$0")/../.."
bin=$(cd "${1:-bin}" && pwd)
before=${BENCH_BEFORE:+$(cd "$BENCH_BEFORE" && pwd)}
out=$(pwd)/t/bench/out/git
command -v hyperfine >/dev/null || { echo "$0: hyperfine is needed (DEBS_BENCH)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
export HOME=$tmp/home PATH="$bin:$PATH"
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME \
	CLAUDECODE GEMINI_CLI GUARD_ACTOR 2>/dev/null || true
mkdir -p "$HOME"
git config --global user.email bench@example.com
git config --global user.name bench
repo=$tmp/repo
git init -q -b main "$repo"
cd "$repo"
# 20,000 files in 200 folders
awk 'BEGIN { for (d = 0; d < 200; d++) system("mkdir -p src/d" d);
	     for (i = 0; i < 20000; i++) { f = "src/d" (i % 200) "/f" i ".c";
		for (l = 0; l < 20; l++) print "int v" i "_" l " = " l ";" > f; close(f) } }'
git add -A && git commit -qm 'twenty thousand files'
echo "files: $(git ls-files | wc -l)"

part=${BENCH_PART:-all}
# 1. reference-transaction: a pair of updates (to a commit and back), with
# core.hooksPath=/dev/null for the run without hooks, in the same hyperfine
upd() { # upd NAME REF A B: hyperfine's command for one pair
	echo "sh -c 'git $1 update-ref $2 $3 && git $1 update-ref $2 $4'"
}
[ "$part" = check ] || guard-git install >/dev/null
if [ -n "$before" ] && [ "$part" != check ]; then
	git config core.hooksPath "$tmp/hooks-before"
	"$before/guard-git" install >/dev/null
	git config --unset core.hooksPath
fi
# with_before NAME COMMAND: hyperfine's arguments for the other build's run, if any
with_before() { [ -z "$before" ] || printf '%s\n' -n "$1" "$2"; }
if [ "$part" != check ]; then
git checkout -q -b feature/bench
for i in 1 2; do echo "$i" >>src/d0/f0.c; git commit -qam "feature $i"; done
a=$(git rev-parse HEAD~1) b=$(git rev-parse HEAD)
with_before hooks-before "$(upd "-c core.hooksPath=$tmp/hooks-before" refs/heads/feature/bench "$a" "$b")" >"$tmp/args"
# git's own cost of running a hook: the same pair with a reference-transaction
# that is a compiled program returning at once (git runs it for "prepared"
# and "committed": two forks and execs per update, whatever the hook does)
mkdir -p "$tmp/hooks-empty"
printf 'int main(void) { return 0; }\n' >"$tmp/empty.c"
${CC:-cc} -O2 -o "$tmp/hooks-empty/reference-transaction" "$tmp/empty.c"
tr '\n' '\0' <"$tmp/args" | xargs -0 hyperfine -N -w 5 -r 60 --export-json "$out/reftx-nosession.json" \
	-n plain "$(upd '-c core.hooksPath=/dev/null' refs/heads/feature/bench "$a" "$b")" \
	-n empty-hook "$(upd "-c core.hooksPath=$tmp/hooks-empty" refs/heads/feature/bench "$a" "$b")" \
	-n hooks "$(upd '' refs/heads/feature/bench "$a" "$b")" >"$out/reftx-nosession.txt"
git checkout -q main
guard-session start --task bench >"$tmp/env"
. "$tmp/env"
own=$(git branch --show-current)
for i in 1 2; do echo "$i" >>src/d1/f1.c; git commit -qam "own $i"; done
a=$(git rev-parse HEAD~1) b=$(git rev-parse HEAD)
with_before hooks-before "$(upd "-c core.hooksPath=$tmp/hooks-before" "refs/heads/$own" "$a" "$b")" >"$tmp/args"
tr '\n' '\0' <"$tmp/args" | xargs -0 hyperfine -N -w 5 -r 60 --export-json "$out/reftx-session.json" \
	-n plain "$(upd '-c core.hooksPath=/dev/null' "refs/heads/$own" "$a" "$b")" \
	-n hooks "$(upd '' "refs/heads/$own" "$a" "$b")" >"$out/reftx-session.txt"
# the same with another AI branch holding one commit (50 files in 50
# folders): every update of the session's branch compares with its work
# (patch-ids). Made and removed by the operator, without hooks.
other=$(git -c core.hooksPath=/dev/null commit-tree -p main -m 'other work' "$(
	export GIT_INDEX_FILE=$tmp/other-index
	git read-tree main
	for i in $(seq 300 349); do
		git update-index --cacheinfo "100644,$(seq "$i" $((i + 20)) | git hash-object -w --stdin),src/d$((i % 200))/f$i.c"
	done
	git write-tree)")
git -c core.hooksPath=/dev/null update-ref refs/heads/ai/nightbuilder/2026-01-01/other "$other"
with_before hooks-before "$(upd "-c core.hooksPath=$tmp/hooks-before" "refs/heads/$own" "$a" "$b")" >"$tmp/args"
tr '\n' '\0' <"$tmp/args" | xargs -0 hyperfine -N -w 5 -r 60 --export-json "$out/reftx-other.json" \
	-n plain "$(upd '-c core.hooksPath=/dev/null' "refs/heads/$own" "$a" "$b")" \
	-n hooks "$(upd '' "refs/heads/$own" "$a" "$b")" >"$out/reftx-other.txt"
git -c core.hooksPath=/dev/null update-ref -d refs/heads/ai/nightbuilder/2026-01-01/other
guard-session end >/dev/null 2>&1 || true
guard-git uninstall >/dev/null
fi

# 2. check against numstat, 500 changed lines
git checkout -q -b ai/nightbuilder/2026-01-01/bench main
for i in $(seq 100 149); do
	f=src/d$((i % 200))/f$i.c
	sed -i '1,5d' "$f"
	seq 5 >>"$f"
done
git commit -qam 'five hundred lines'
git diff --numstat main...HEAD | awk '{ a += $1; d += $2 } END { print "changed lines: +" a " -" d }'
with_before check-before "$before/guard-git check --base main --head HEAD --json" >"$tmp/args"
# each command's start beside it: guard-git's (libgit2 linked in, no policy
# read) and git's
tr '\n' '\0' <"$tmp/args" | xargs -0 hyperfine -N -w 3 -r 30 --export-json "$out/check.json" \
	-n numstat "git diff --numstat main...HEAD" \
	-n check "guard-git check --base main --head HEAD --json" \
	-n guard-git-start "guard-git --version" -n git-start "git --version" >"$out/check.txt"

median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"; }
cpu() { jq -r --arg n "$2" '.results[] | select(.command == $n) | (.user + .system) * 1000' "$1"; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$part" = check ] || for k in nosession session other; do
	for h in hooks ${before:+hooks-before}; do
		p=$(median "$out/reftx-$k.json" plain) m=$(median "$out/reftx-$k.json" "$h")
		pc=$(cpu "$out/reftx-$k.json" plain) mc=$(cpu "$out/reftx-$k.json" "$h")
		awk -v k="$k" -v h="$h" -v p="$p" -v m="$m" -v pc="$pc" -v mc="$mc" 'BEGIN {
			printf "%s, %s: two ref updates, median %.2f ms without hooks, %.2f ms with: overhead per ref update %.2f ms wall, %.2f ms CPU (mean)\n",
				k, h, p, m, (m - p) / 2, (mc - pc) / 2 }'
	done
done
[ "$part" = check ] || {
	p=$(median "$out/reftx-nosession.json" plain) e=$(median "$out/reftx-nosession.json" empty-hook)
	m=$(median "$out/reftx-nosession.json" hooks)
	awk -v p="$p" -v e="$e" -v m="$m" 'BEGIN {
		printf "git running an empty compiled hook: %.2f ms per ref update (the floor of any hook here); guard'"'"'s hooks without a session %.2f ms above that floor\n",
			(e - p) / 2, (m - e) / 2 }'
}
n=$(median "$out/check.json" numstat) nc=$(cpu "$out/check.json" numstat)
for c in check ${before:+check-before}; do
	m=$(median "$out/check.json" "$c") mc=$(cpu "$out/check.json" "$c")
	awk -v c="$c" -v n="$n" -v m="$m" -v nc="$nc" -v mc="$mc" 'BEGIN {
		printf "git diff --numstat %.2f ms, %s %.2f ms: ratio %.2f wall (median), %.2f CPU (mean)\n", n, c, m, m / n, mc / nc }'
done
f=$(median "$out/check.json" guard-git-start) g=$(median "$out/check.json" git-start) m=$(median "$out/check.json" check)
awk -v n="$n" -v m="$m" -v f="$f" -v g="$g" 'BEGIN {
	printf "guard-git --version: %.2f ms, git --version: %.2f ms; past each start, check %.2f ms against numstat %.2f ms: ratio %.2f\n",
		f, g, m - f, n - g, (m - f) / (n - g) }'
