#!/bin/sh
# guard-approve as a person feels it: p50/p95 of each CLI verb (request,
# approve, status, gate) with 10,000 requests on disk, full
# request-approve-gate cycles from 50 concurrent clients (as shell scripts
# running the CLI, beside the floor of the same scripts running a program
# that does nothing; and as programs calling the library, the store's own
# throughput), and `list` of 10,000 pending requests. The seed design's
# HTTP+SQLite service reported 50 requests/s at p95 397 ms; its numbers
# are quoted, it is not run here.
#
# Knobs: BENCH_APPROVE_ON_DISK=10000  BENCH_APPROVE_VERBS=200
#        BENCH_APPROVE_CLIENTS=50     BENCH_APPROVE_CYCLES=20 (per client)
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
ON_DISK=${BENCH_APPROVE_ON_DISK:-10000}
VERBS=${BENCH_APPROVE_VERBS:-200}
CLIENTS=${BENCH_APPROVE_CLIENTS:-50}
CYCLES=${BENCH_APPROVE_CYCLES:-20}
bld=$root/build/bench
mkdir -p "$bld"
${CC:-cc} -O2 -Wall -Wextra -o "$bld/runcmds" t/bench/runcmds.c
# The library driver, with the library's own flags, asked of make itself.
flags=$(make -s --no-print-directory -f Makefile -f - guard-print-flags <<'EOF'
guard-print-flags: ; $(info $(CPPFLAGS_ALL))$(info $(CFLAGS_ALL))$(info $(LDLIBS_COMMON))@:
EOF
)
eval "set -- $(printf '%s\n' "$flags" | sed -n 1p) $(printf '%s\n' "$flags" | sed -n 2p)"
# shellcheck disable=SC2046  # a word list
${CC:-cc} "$@" -o "$bld/bench_approve" t/bench/bench_approve.c build/libguard.a $(printf '%s\n' "$flags" | sed -n 3p) -lm

tmp=$(mktemp -d "${TMPDIR:-/tmp}/guard-bench-approve.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME=$tmp/home PATH=$root/bin:$PATH
export GUARD_DEFAULT_POLICY=$root/policy/default.yaml GUARD_MANAGED_POLICY=$tmp/none
export GUARD_USER_POLICY=$HOME/.config/guard/policy.yaml
unset GUARD_PROFILE GUARD_DIR XDG_CONFIG_HOME APPROVAL_WORKFLOW_ENABLED APPROVAL_TIMEOUT APPROVAL_POLLING_INTERVAL
mkdir -p "$HOME/.config/guard"
printf 'principals:\n  alice@example.com: {roles: [admin]}\napproval: {timeout: 1d}\n' >"$GUARD_USER_POLICY"
chmod 600 "$GUARD_USER_POLICY"
proj=$tmp/proj
git init -q "$proj"
mkdir -p "$proj/build"
cd "$proj"

# 10,000 pending requests: one made by the program, copied with fresh ids
# and digests (the index is rebuilt from the files on first use).
seed=$(guard-approve request --as claude --command 'git push --force origin seed')
python3 - "$proj/.ai/approvals" "$seed" "$ON_DISK" <<'EOF'
import json, sys, uuid, hashlib
d, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
req = json.load(open(f"{d}/{seed}.json"))
for i in range(n - 1):
    req["id"] = str(uuid.uuid4())
    req["action_digest"] = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
    req["summary"] = f"Bash: git push --force origin b{i}"
    with open(f"{d}/{req['id']}.json", "w") as f:
        json.dump(req, f, indent=2, sort_keys=True)
        f.write("\n")
EOF
rm -rf "$proj/.ai/approvals/.digest"
guard-approve list --as alice@example.com --json --limit 1 >/dev/null   # warm the cache like a user's second call
# A real store was written over weeks: let the 10,000 files just made reach
# the disk now, not in the background of the measurements (on this VM their
# write-back during the cycles below cost a third of the throughput).
sync
# requests DIR: how many request files a project has
requests() { find "$1/.ai/approvals" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }
echo "requests on disk: $(requests "$proj")"

# ---- each verb, one process per call, interleaved
i=0
: >"$tmp/phase1.tsv"
while [ $i -lt "$VERBS" ]; do
	printf 'request\t-\tguard-approve\trequest\t--as\tclaude\t--command\tgit push --force origin v%d\n' $i >>"$tmp/phase1.tsv"
	i=$((i + 1))
done
"$bld/runcmds" "$tmp/phase1.tsv" >"$tmp/request.txt"
: >"$tmp/phase2.tsv"
for f in $(grep -l '"Bash: git push --force origin v' "$proj"/.ai/approvals/*.json); do
	id=$(basename "$f" .json)
	cmd=$(jq -r '.summary | sub("^Bash: "; "")' "$f")
	jq -cn --arg c "$cmd" '{tool:"Bash",input:{command:$c},actor:{user:"claude",role:"agent"}}' >"$tmp/ev.$id"
	printf 'status\t-\tguard-approve\tstatus\t%s\n' "$id" >>"$tmp/phase2.tsv"
	printf 'approve\t-\tguard-approve\tapprove\t%s\t--as\talice@example.com\n' "${id%%-*}" >>"$tmp/phase2.tsv"
	printf 'gate\t%s\tguard-approve\tgate\n' "$tmp/ev.$id" >>"$tmp/phase2.tsv"
done
"$bld/runcmds" "$tmp/phase2.tsv" >"$tmp/verbs.txt"
echo "per verb, ms ($ON_DISK requests on disk; exit statuses after the colon count: status 3 = pending, gate 0):"
cat "$tmp/request.txt"
tail -n +2 "$tmp/verbs.txt"

# ---- list of 10,000 pending
: >"$tmp/list.tsv"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	printf 'list-json\t-\tguard-approve\tlist\t--as\talice@example.com\t--json\n' >>"$tmp/list.tsv"
	printf 'list-table\t-\tguard-approve\tlist\t--as\talice@example.com\n' >>"$tmp/list.tsv"
done
echo "list of $(guard-approve list --as alice@example.com --json | jq length) pending requests, ms:"
"$bld/runcmds" "$tmp/list.tsv"

# ---- full cycles from concurrent clients
# A client as a person would script it: the three verbs, one process each.
cat >"$tmp/client.sh" <<'EOF'
# One client: request, approve, gate, CYCLES times, each a distinct action.
# Only the three guard-approve processes (and the $( ) of the id) per
# cycle; whether every gate allowed is counted afterwards.
c=$1 n=$2 dir=$3
i=0
while [ $i -lt "$n" ]; do
	cmd="git push --force origin c$c-$i"
	printf '{"tool":"Bash","input":{"command":"%s"},"actor":{"user":"claude","role":"agent"}}\n' "$cmd" >"$dir/ev.$c"
	id=$(guard-approve request --as claude --command "$cmd") || exit 1
	guard-approve approve "$id" --as alice@example.com >/dev/null || exit 1
	guard-approve gate <"$dir/ev.$c" >>"$dir/gate.$c" || exit 1
	i=$((i + 1))
done
EOF
# clients SEARCH-PATH LABEL: CLIENTS client scripts at once, guard-approve
# found on SEARCH-PATH; one line with the rate
clients() {
	start=$(date +%s.%N)
	c=0
	pids=""
	while [ $c -lt "$CLIENTS" ]; do
		PATH=$1 sh "$tmp/client.sh" $c "$CYCLES" "$tmp" &
		pids="$pids $!"
		c=$((c + 1))
	done
	fail=0
	for p in $pids; do wait "$p" || fail=$((fail + 1)); done
	end=$(date +%s.%N)
	awk -v n="$((CLIENTS * CYCLES))" -v s="$start" -v e="$end" -v f="$fail" -v c="$CLIENTS" -v what="$2" 'BEGIN {
		printf "%s: %d request-approve-gate cycles from %d concurrent clients in %.2f s: %.0f cycles/s (%d clients failed)\n",
			what, n, c, e - s, n / (e - s), f }'
}
total=$((CLIENTS * CYCLES))
clients "$PATH" "cli cycles"
consumed=$(grep -l '"status": "consumed"' "$proj"/.ai/approvals/*.json | wc -l)
allowed=$(cat "$tmp"/gate.* | grep -c '"rule":"guard.approved"' || true)
echo "gates that allowed: $allowed of $total; consumed approvals on disk: $consumed (expected $total + $VERBS)"
# The floor under any CLI: the same scripts running a program that does
# nothing but start with guard's libraries loaded (the dynamic loader's work
# is part of every process start) and print an id: what three process
# starts a cycle cost on this machine before guard does anything.
mkdir -p "$tmp/noop"
printf '#include <stdio.h>\nint main(void) { puts("00000000-0000-4000-8000-000000000000"); return 0; }\n' >"$tmp/noop.c"
# shellcheck disable=SC2046  # a word list
${CC:-cc} -O2 -o "$tmp/noop/guard-approve" "$tmp/noop.c" -Wl,--no-as-needed $(printf '%s\n' "$flags" | sed -n 3p)
clients "$tmp/noop:$PATH" "floor (the same clients running a do-nothing program linked like guard-approve)"
sync
# The same cycles through the library: the store itself, no process starts,
# each client a process that loads the policy once. Three runs on this
# store (10,000 requests and more), three on a fresh one, interleaved, and
# the median of each (runs on this shared VM vary by a fifth).
fresh=$tmp/fresh
git init -q "$fresh"
for _ in 1 2 3; do
	for where in "$proj" "$fresh"; do
		printf '%s\t%s\t' "$where" "$(requests "$where")"
		"$bld/bench_approve" -c "$CLIENTS" -n "$CYCLES" "$where"
	done
done | awk -F'\t' -v big="$proj" '{
	n = split($3, w, " "); rate = w[n - 1] + 0
	for (i = 1; i <= n; i++) if (w[i] == "cycles/s") rate = w[i - 1] + 0
	k = ($1 == big) ? "with 10,000+ requests on disk" : "on a fresh store"
	runs[k] = runs[k] " " rate
	printf "library cycles, %s (%d before the run): %d/s\n", k, $2, rate }
	END { for (k in runs) {
		n = split(runs[k], v, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		printf "library cycles, %s: median %d/s of %d runs\n", k, v[int((n + 1) / 2)], n } }'
# CPU per cycle, one client alone: what the 2 cores must pay for each cycle
/usr/bin/time -f '%U %S' -o "$tmp/cpu" sh "$tmp/client.sh" solo 50 "$tmp"
awk '{printf "cpu per cycle (one client, 50 cycles): %.2f ms user + %.2f ms system\n", $1 * 20, $2 * 20}' "$tmp/cpu"
