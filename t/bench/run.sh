#!/bin/sh
# guard benchmarks (make bench): hook latency side by side with the
# cc-safety-net hook, the guard-risk | guard-policy stream, policy
# evaluation with 1,000 rules, and peak memory of one hook call.
#
# Prints a readable summary and leaves every raw result in t/bench/out/
# (gitignored). Nothing here asserts a time: the machine is shared and
# noisy, so the numbers are for a person to read and record in
# t/bench/RESULTS.md. The script fails only when a benchmark cannot run.
#
# Knobs (environment):
#   BENCH_ROUNDS=20        rounds over the 100 payloads for guard
#   BENCH_PEER_ROUNDS=5    rounds for the peer (a node process: ~100x slower)
#   BENCH_EVENTS=1000000   events in the long stream run
#   BENCH_STREAM_RUNS=3    timed runs of the long stream
#   BENCH_NO_PEER=1        skip installing and running cc-safety-net
set -eu

cd "$(dirname "$0")/../.."
root=$PWD
out=$root/t/bench/out
bld=$root/build/bench
ROUNDS=${BENCH_ROUNDS:-20}
PEER_ROUNDS=${BENCH_PEER_ROUNDS:-5}
EVENTS=${BENCH_EVENTS:-1000000}
STREAM_RUNS=${BENCH_STREAM_RUNS:-3}

for p in guard guard-risk guard-policy guard-audit; do
	[ -x "bin/$p" ] || { echo "bench: bin/$p is missing (run make all)" >&2; exit 2; }
done
for t in jq awk valgrind callgrind_annotate /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing (make bench installs it)" >&2; exit 2; }
done

mkdir -p "$out" "$bld"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guard-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
say() { printf '%s\n' "$*"; }
hr() { say ""; say "== $*"; }

# ---------------------------------------------------------------- machine
{
	say "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "nproc:   $(nproc)"
	say "cpu:     $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	say "ram:     $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	say "kernel:  $(uname -sr)"
	say "gcc:     $(gcc --version | head -1)"
	say "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
	say "guard:   $(bin/guard --version 2>&1 | head -1), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
} >"$out/machine.txt"
hr "machine"
cat "$out/machine.txt"

# ---------------------------------------------------------------- build the drivers
# The library's own flags (CPPFLAGS_ALL, CFLAGS_ALL, LDLIBS_COMMON), asked
# of make itself so they cannot drift from the Makefile.
flags=$(make -s --no-print-directory -f Makefile -f - guard-print-flags <<'EOF'
guard-print-flags: ; $(info $(CPPFLAGS_ALL))$(info $(CFLAGS_ALL))$(info $(LDLIBS_COMMON))@:
EOF
)
cppflags=$(printf '%s\n' "$flags" | sed -n 1p)
cflags=$(printf '%s\n' "$flags" | sed -n 2p)
ldlibs=$(printf '%s\n' "$flags" | sed -n 3p)
# eval: CPPFLAGS_ALL holds shell quoting (-DGUARD_VERSION='"0.1.0"').
eval "set -- $cppflags $cflags"
${CC:-cc} "$@" -o "$bld/timeit" t/bench/timeit.c
# shellcheck disable=SC2086  # ldlibs is a word list
${CC:-cc} "$@" -o "$bld/bench_policy" t/bench/bench_policy.c build/libguard.a $ldlibs

# ---------------------------------------------------------------- the project
# A throw-away git project set up with guard init (so the project policy
# layer is read, as in real use), and a fresh HOME so no user policy of
# this machine leaks in and the peer's logs land in the temp folder.
proj=$tmp/app
home=$tmp/home
mkdir -p "$proj/src/lib" "$proj/tests" "$proj/docs" "$proj/build" "$home"
git init -q "$proj"
printf 'int main(void) { return 0; }\n' >"$proj/src/main.c"
printf 'int parse(void) { int depth; return 0; }\n' >"$proj/src/lib/parser.c"
printf '# app\n' >"$proj/README.md"
printf 'SECRET=1\n' >"$proj/.env"
printf '{"name":"app"}\n' >"$proj/package.json"
proj=$(cd "$proj" && pwd -P)
unset GUARD_DEFAULT_POLICY GUARD_USER_POLICY GUARD_MANAGED_POLICY GUARD_PROFILE GUARD_DIR \
	GUARD_NIGHTBUILDER_POLICY XDG_CONFIG_HOME 2>/dev/null || true
(cd "$proj" && HOME=$home "$root/bin/guard" init >/dev/null)
HOME=$home sh t/bench/gen_payloads.sh "$proj" "$tmp/payloads"

# ---------------------------------------------------------------- the peer
peer=""
peer_note=""
if [ "${BENCH_NO_PEER:-0}" = 1 ]; then
	peer_note="skipped (BENCH_NO_PEER=1)"
elif ! command -v npm >/dev/null 2>&1; then
	peer_note="not run: npm is not installed"
elif timeout 300 npm install --prefix "$tmp/peer" --no-audit --no-fund --loglevel=error cc-safety-net \
	>"$out/peer-install.log" 2>&1 && [ -x "$tmp/peer/node_modules/.bin/cc-safety-net" ]; then
	peer=$tmp/peer/node_modules/.bin/cc-safety-net
	peer_version=$(node -p "require('$tmp/peer/node_modules/cc-safety-net/package.json').version" 2>/dev/null || echo '?')
	peer_note="cc-safety-net $peer_version (npm), node $(node --version)"
else
	peer_note="NOT RUN: npm install cc-safety-net failed (network?); see t/bench/out/peer-install.log"
fi

# ---------------------------------------------------------------- 1. hook latency
hr "1. hook latency: 100 PreToolUse payloads, whole process, stdin from a file"
say "peer: $peer_note"
# What each answers, once per payload (shows both really decide).
printf 'payload\ttool\tguard_exit\tguard_decision\tpeer_exit\tpeer_decision\n' >"$out/hook-answers.tsv"
while read -r f; do
	tool=$(jq -r .tool_name "$f")
	set +e
	g=$(cd "$proj" && HOME=$home "$root/bin/guard" hook claude <"$f" 2>/dev/null); gs=$?
	if [ -n "$peer" ]; then
		pa=$(cd "$proj" && HOME=$home "$peer" --claude-code <"$f" 2>/dev/null); ps=$?
	else
		pa=""; ps=-
	fi
	set -e
	gd=$(printf '%s' "$g" | jq -r '.hookSpecificOutput.permissionDecision // "none"' 2>/dev/null || echo "?")
	pd=$(printf '%s' "$pa" | jq -r '.hookSpecificOutput.permissionDecision // "none"' 2>/dev/null || echo "?")
	[ -n "$g" ] || gd=none
	[ -n "$pa" ] || pd=none
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$f")" "$tool" "$gs" "$gd" "$ps" "$pd" >>"$out/hook-answers.tsv"
done <"$tmp/payloads/list"
say "answers (decision: count; 'none' = empty output, i.e. allowed):"
say "  guard: $(awk -F'\t' 'NR > 1 {n[$4]++} END {for (k in n) printf "%s %d  ", k, n[k]}' "$out/hook-answers.tsv")"
[ -z "$peer" ] || say "  peer:  $(awk -F'\t' 'NR > 1 {n[$6]++} END {for (k in n) printf "%s %d  ", k, n[k]}' "$out/hook-answers.tsv")"

# /bin/true and guard --version beside the hook: what starting a process
# costs on this machine today, so guard's own work is read above that floor.
set -- "guard:$ROUNDS:$root/bin/guard hook claude" "true:$ROUNDS:/bin/true" \
	"guard-version:$ROUNDS:$root/bin/guard --version"
[ -z "$peer" ] || set -- "$@" "peer:$PEER_ROUNDS:$peer --claude-code"
HOME=$home "$bld/timeit" -C "$proj" -w 2 -l "$tmp/payloads/list" -o "$out/hook-latency.tsv" "$@" \
	| tee "$out/hook-latency.txt"
g_med=$(awk '$1 == "guard" {print $3}' "$out/hook-latency.txt")
g_p99=$(awk '$1 == "guard" {print $5}' "$out/hook-latency.txt")
t_med=$(awk '$1 == "true" {print $3}' "$out/hook-latency.txt")
v_med=$(awk '$1 == "guard-version" {print $3}' "$out/hook-latency.txt")
say "above the floor: guard hook median $g_med ms = /bin/true $t_med ms + $(awk -v a="$g_med" -v b="$t_med" \
	'BEGIN {printf "%.3f", a - b}') ms (guard --version: $v_med ms, +$(awk -v a="$g_med" -v b="$v_med" 'BEGIN {printf "%.3f", a - b}') ms over it)"
if [ -n "$peer" ]; then
	p_med=$(awk '$1 == "peer" {print $3}' "$out/hook-latency.txt")
	p_p99=$(awk '$1 == "peer" {print $5}' "$out/hook-latency.txt")
	ratio=$(awk -v a="$p_med" -v b="$g_med" 'BEGIN {printf "%.1f", a / b}')
	ratio99=$(awk -v a="$p_p99" -v b="$g_p99" 'BEGIN {printf "%.1f", a / b}')
	say "peer/guard: ${ratio}x at the median, ${ratio99}x at p99"
fi
# The slowest payloads for guard (median over rounds), to see what costs.
awk -F'\t' '$1 == "guard" {print $2 "\t" $4}' "$out/hook-latency.tsv" | sort -k1,1 -k2,2n |
	awk -F'\t' '{v[$1] = v[$1] " " $2; n[$1]++}
		END {for (f in v) {split(substr(v[f], 2), a, " "); printf "%.3f\t%s\n", a[int((n[f] + 1) / 2)] / 1000, f}}' |
	sort -rn | head -5 >"$out/hook-slowest.txt"
say "slowest payloads for guard (median ms, file):"
while IFS="$(printf '\t')" read -r ms f; do
	say "  $ms  $(basename "$f")  $(jq -c '{t: .tool_name, i: (.tool_input | tostring | .[0:60])}' "$f")"
done <"$out/hook-slowest.txt"

# ---------------------------------------------------------------- 2. stream
hr "2. stream: guard-risk | guard-policy"
sh t/bench/gen_events.sh "$tmp/payloads/list" "$EVENTS" "$tmp/events-long.jsonl"
head -n 100000 "$tmp/events-long.jsonl" >"$tmp/events-100k.jsonl"
say "events: $(wc -l <"$tmp/events-long.jsonl") ($(du -m "$tmp/events-long.jsonl" | cut -f1) MB), 100k ($(du -m "$tmp/events-100k.jsonl" | cut -f1) MB)"

# One timed run: wall seconds on stdout, peak RSS of each side in $tmp/rss.
stream_run() { # INPUT OUTPUT
	t0=$(date +%s.%N)
	(cd "$proj" && HOME=$home /usr/bin/time -f %M -o "$tmp/rss-risk" "$root/bin/guard-risk" <"$1" |
		HOME=$home /usr/bin/time -f %M -o "$tmp/rss-policy" "$root/bin/guard-policy" >"$2")
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'
}

# 100k, kept: check every event came out with a decision, and the mix.
s=$(stream_run "$tmp/events-100k.jsonl" "$tmp/out-100k.jsonl")
rss_risk_100k=$(cat "$tmp/rss-risk"); rss_pol_100k=$(cat "$tmp/rss-policy")
n_out=$(wc -l <"$tmp/out-100k.jsonl")
mix=$(jq -r '.decision.effect' "$tmp/out-100k.jsonl" | sort | uniq -c | awk '{printf "%s %d  ", $2, $1}')
say "100k: ${s}s, $(awk -v n=100000 -v s="$s" 'BEGIN {printf "%.0f", n / s}') events/s; $n_out decisions out: $mix"
rm -f "$tmp/out-100k.jsonl"

printf 'run\tevents\tseconds\tevents_per_s\trss_risk_kib\trss_policy_kib\n' >"$out/stream.tsv"
printf '100k\t100000\t%s\t%s\t%s\t%s\n' "$s" "$(awk -v n=100000 -v s="$s" 'BEGIN {printf "%.0f", n / s}')" \
	"$rss_risk_100k" "$rss_pol_100k" >>"$out/stream.tsv"
i=1
while [ "$i" -le "$STREAM_RUNS" ]; do
	s=$(stream_run "$tmp/events-long.jsonl" /dev/null)
	eps=$(awk -v n="$EVENTS" -v s="$s" 'BEGIN {printf "%.0f", n / s}')
	printf 'long%d\t%s\t%s\t%s\t%s\t%s\n' "$i" "$EVENTS" "$s" "$eps" "$(cat "$tmp/rss-risk")" \
		"$(cat "$tmp/rss-policy")" >>"$out/stream.tsv"
	say "$EVENTS: run $i: ${s}s, $eps events/s, peak RSS risk $(cat "$tmp/rss-risk") KiB, policy $(cat "$tmp/rss-policy") KiB"
	i=$((i + 1))
done
eps_med=$(awk -F'\t' '$1 ~ /^long/ {print $4}' "$out/stream.tsv" | sort -n |
	awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
rss_long=$(awk -F'\t' '$1 ~ /^long/ {r = $5 > r ? $5 : r; p = $6 > p ? $6 : p} END {print r " " p}' "$out/stream.tsv")
say "median: $eps_med events/s; peak RSS 100k -> $EVENTS: risk $rss_risk_100k -> ${rss_long% *} KiB, policy $rss_pol_100k -> ${rss_long#* } KiB"
rm -f "$tmp/events-long.jsonl" "$tmp/events-100k.jsonl"

# What each kind of event costs guard-risk alone (2,000 copies of one
# event per run, so the process start is amortised): finds the outliers
# that set the stream's pace.
sh t/bench/gen_events.sh "$tmp/payloads/list" 100 "$tmp/templates.jsonl"
printf 'us_per_event\tpayload\ttool\twhat\n' >"$out/stream-per-event.tsv"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	k=0
	while [ "$k" -lt 2000 ]; do printf '%s\n' "$line"; k=$((k + 1)); done >"$tmp/one.jsonl"
	t0=$(date +%s.%N)
	(cd "$proj" && HOME=$home "$root/bin/guard-risk" <"$tmp/one.jsonl" >/dev/null)
	t1=$(date +%s.%N)
	what=$(printf '%s' "$line" | jq -r '(.input.command // .input.file_path // .input.url // .input.pattern // "") | .[0:60] | gsub("\n"; " ")')
	printf '%s\t%03d\t%s\t%s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) * 1e6 / 2000}')" \
		"$i" "$(printf '%s' "$line" | jq -r .tool)" "$what" >>"$out/stream-per-event.tsv"
done <"$tmp/templates.jsonl"
say "guard-risk alone, us per event by kind (t/bench/out/stream-per-event.tsv): median $(
	awk -F'\t' 'NR > 1 {print $1}' "$out/stream-per-event.tsv" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'), slowest:"
sed 1d "$out/stream-per-event.tsv" | sort -rn | head -5 | while IFS="$(printf '\t')" read -r us n tool what; do
	say "  $us us  $n $tool: $what"
done
rm -f "$tmp/one.jsonl" "$tmp/templates.jsonl"

# ---------------------------------------------------------------- 3. policy, 1,000 rules
hr "3. policy evaluation: guard_policy_decide with 1,000 rules"
mkdir -p "$tmp/policy"
"$bld/bench_policy" -r 1000 -n 10000 -b 11 "$tmp/policy" | tee "$out/policy.txt"
cp "$tmp/policy/policy-1000.yaml" "$out/policy-1000.yaml"
# Instructions per decide, repeatable: two runs that differ only in the
# number of decides; the difference divided by that number.
ir_of() { # callgrind output file -> total Ir
	callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
for s in last none; do
	valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg-$s-1" "$bld/bench_policy" -s "$s" -n 100 -b 1 "$tmp/policy" >/dev/null
	valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg-$s-2" "$bld/bench_policy" -s "$s" -n 1100 -b 1 "$tmp/policy" >/dev/null
	ir=$(( ($(ir_of "$tmp/cg-$s-2") - $(ir_of "$tmp/cg-$s-1")) / 1000 ))
	say "callgrind: $ir instructions per decide ($s)" | tee -a "$out/policy.txt"
done
callgrind_annotate "$tmp/cg-last-2" 2>/dev/null | head -60 >"$out/callgrind.policy.txt"

# ---------------------------------------------------------------- 4. peak memory
hr "4. peak memory of one hook call (max RSS, /usr/bin/time -f %M, 5 runs)"
typical=$(sed -n 2p "$tmp/payloads/list")   # Bash: git status
# A 1 MB Write: code-like lines, as an agent writing a big generated file.
awk 'BEGIN {for (i = 0; i < 22000; i++) printf "static int f%05d(int x) { return x * %d + 1; }\n", i, i}' \
	| head -c 1048576 >"$tmp/big.c"
jq -cn --rawfile c "$tmp/big.c" --arg cwd "$proj" --arg p "$proj/src/big.c" \
	'{session_id:"s1",transcript_path:"/t.jsonl",cwd:$cwd,permission_mode:"default",hook_event_name:"PreToolUse",
	  tool_name:"Write",tool_input:{file_path:$p,content:$c},tool_use_id:"toolu_big"}' >"$tmp/big.json"
printf 'payload\tbytes\trun\tmaxrss_kib\tdecision\n' >"$out/memory.tsv"
for f in "$typical" "$tmp/big.json"; do
	name=$( [ "$f" = "$typical" ] && echo typical || echo write-1MB )
	for r in 1 2 3 4 5; do
		d=$(cd "$proj" && HOME=$home /usr/bin/time -f %M -o "$tmp/rss" "$root/bin/guard" hook claude <"$f" 2>/dev/null |
			jq -r '.hookSpecificOutput.permissionDecision' 2>/dev/null || true)
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(wc -c <"$f")" "$r" "$(cat "$tmp/rss")" "$d" >>"$out/memory.tsv"
	done
	say "$name ($(wc -c <"$f") bytes): max RSS $(awk -F'\t' -v n="$name" '$1 == n {m = $4 > m ? $4 : m} END {print m}' "$out/memory.tsv") KiB (max of 5), decision $d"
done

# ---------------------------------------------------------------- 5. where a hook call spends
hr "5. callgrind: instructions of one hook call"
for f in "$typical" "$tmp/big.json"; do
	name=$( [ "$f" = "$typical" ] && echo typical || echo write-1MB )
	(cd "$proj" && HOME=$home valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg-hook-$name" \
		"$root/bin/guard" hook claude <"$f" >/dev/null 2>&1) || true
	callgrind_annotate --inclusive=yes "$tmp/cg-hook-$name" 2>/dev/null | head -45 >"$out/callgrind.hook-$name.txt"
	say "$name: $(ir_of "$tmp/cg-hook-$name") instructions (top functions: t/bench/out/callgrind.hook-$name.txt)"
done

# ---------------------------------------------------------------- 6. guard-session check vs git
hr "6. guard-session check vs git diff --numstat (20,000 files, 2,000 changed)"
sh t/bench/session.sh | tee "$out/session.txt"

# ---------------------------------------------------------------- 7. audit log
hr "7. audit log: guard-audit append / verify / query, and the Python reference"
sh t/bench/gen_events.sh "$tmp/payloads/list" "$EVENTS" "$tmp/events-audit.jsonl"
# the input just written (hundreds of MB) goes to disk now, not while the
# append it feeds is being timed
sync
(HOME=$home sh t/bench/audit.sh "$tmp/events-audit.jsonl" "$proj" "$out") | tee "$out/audit.txt"
rm -f "$tmp/events-audit.jsonl"

# ---------------------------------------------------------------- 8. approvals
hr "8. guard-approve: each verb with 10,000 requests on disk, list, concurrent cycles"
sh t/bench/approve.sh | tee "$out/approve.txt"

# ---------------------------------------------------------------- 9. guard-git
hr "9. guard-git: reference-transaction per ref update, check vs git diff --numstat (20,000 files)"
sh t/bench/git.sh "$root/bin" | tee "$out/git.txt"

# ---------------------------------------------------------------- summary
pol_last=$(awk '$1 == "last" {print $3}' "$out/policy.txt")
mem_typ=$(awk -F'\t' '$1 == "typical" {m = $4 > m ? $4 : m} END {print m}' "$out/memory.tsv")
mem_big=$(awk -F'\t' '$1 == "write-1MB" {m = $4 > m ? $4 : m} END {print m}' "$out/memory.tsv")
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {ok = dir == "le" ? v <= t : v >= t; print ok ? "met" : "MISSED"}'; }
{
	hr "summary (targets are goals, not tests)"
	say "hook latency, guard:    median $g_med ms, p99 $g_p99 ms     (target median <= 2 ms: $(verdict "$g_med" 2 le))"
	say "  process floor:        /bin/true $t_med ms, guard --version $v_med ms (same run, interleaved)"
	if [ -n "$peer" ]; then
		say "hook latency, peer:     median $p_med ms, p99 $p_p99 ms     ($peer_note)"
		say "peer / guard:           ${ratio}x median, ${ratio99}x p99  (target >= 50x: $(verdict "$ratio" 50 ge))"
	else
		say "hook latency, peer:     $peer_note"
	fi
	say "stream:                 $eps_med events/s              (target >= 200000: $(verdict "$eps_med" 200000 ge))"
	say "stream peak RSS:        risk $rss_risk_100k -> ${rss_long% *} KiB, policy $rss_pol_100k -> ${rss_long#* } KiB (100k -> $EVENTS events)"
	say "policy, 1,000 rules:    $pol_last us per decide (worst case) (target <= 20 us: $(verdict "$pol_last" 20 le))"
	say "hook peak RSS:          typical $mem_typ KiB, 1 MB Write $mem_big KiB (target <= 8192 KiB: $(verdict "$mem_big" 8192 le))"
	say "audit append (batch):   $(awk -F'\t' '$1 ~ /batch/ {print $4}' "$out/audit.tsv") records/s (target >= 200000: $(verdict "$(awk -F'\t' '$1 ~ /batch/ {print $4}' "$out/audit.tsv")" 200000 ge))"
	say "audit verify:           $(awk -F'\t' '$1 ~ /verify/ {print $4}' "$out/audit.tsv") records/s (target >= 500000: $(verdict "$(awk -F'\t' '$1 ~ /verify/ {print $4}' "$out/audit.tsv")" 500000 ge))"
	say "guard-git check:        $(sed -n 's/^git diff --numstat .*check \([0-9.]*\) ms: ratio \([0-9.]*\) wall.*/\1 ms, \2x git diff --numstat/p' "$out/git.txt") (target <= 1.5x)"
	say "ref update, any hook:   $(sed -n 's/^git running an empty compiled hook: \([0-9.]*\) ms.*session \([0-9.]*\) ms above.*/\1 ms git'"'"'s own floor, guard +\2 ms outside a session/p' "$out/git.txt") (target <= 3 ms)"
	say "raw results:            t/bench/out/"
} | tee "$out/summary.txt"

# guard mcp (issue 17): its own script, with the SDK's client and a real server.
hr "guard mcp: overhead per tools/call and per passed-through message, memory"
sh "$root/t/bench/mcp.sh" || { echo "bench: t/bench/mcp.sh failed" >&2; exit 1; }
hr "guard mcp --listen: the same over Streamable HTTP"
sh "$root/t/bench/mcp_http.sh" || { echo "bench: t/bench/mcp_http.sh failed" >&2; exit 1; }
