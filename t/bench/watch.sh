#!/bin/sh
# The unattended supervisor's own CPU (guard-session run), inotify against
# the 10 s poll (GUARD_SESSION_WATCH=poll), side by side in one run, on a
# BENCH_FILES-file repository over BENCH_SECONDS of wall time each:
#   quiet  the agent changes nothing
#   burst  the agent modifies BENCH_BURST files, one every 20 ms, then idles
#   steady the agent appends a line to one file every 500 ms throughout
# The agent reads its parent's (the supervisor's) utime+stime from
# /proc/PPID/stat as its last act, so the agent's own work is not counted.
#   BENCH_FILES=20000 BENCH_SECONDS=40 BENCH_BURST=200
#   BENCH_GUARD_SESSION=path/to/guard-session (another build)
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
FILES=${BENCH_FILES:-20000}
SECS=${BENCH_SECONDS:-40}
BURST=${BENCH_BURST:-200}
GS=${BENCH_GUARD_SESSION:-$root/bin/guard-session}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guard-bench-watch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME=$tmp/home GUARD_MANAGED_POLICY=$tmp/none GUARD_DEFAULT_POLICY=$root/policy/default.yaml
# many sessions in one day, no cooldown, no duration limit in the way
sed -e 's/max_sessions_per_day: 3 /max_sessions_per_day: 99 /' -e 's/^  cooldown: 15m/  cooldown: 0s/' \
	"$root/policy/nightbuilder.yaml" >"$tmp/nb.yaml"
export GUARD_NIGHTBUILDER_POLICY=$tmp/nb.yaml
mkdir -p "$HOME" "$tmp/repo"
cd "$tmp/repo"
sh "$root/t/bench/make_repo.sh" "$FILES"
echo agent.sh >>.git/info/exclude

# agent.sh KIND: the agent of one scenario; writes the supervisor's CPU ticks to $tmp/ticks
cat >agent.sh <<A
#!/bin/sh
end=\$((\$(date +%s) + $SECS))
case \$1 in
burst) git ls-files | awk -v b=$BURST 'NR % 97 == 1 && n < b { print; n++ }' | while read -r f; do
		echo 'int burst;' >>"\$f"; sleep 0.02; done ;;
steady) while [ \$(date +%s) -lt \$end ]; do echo 'int s;' >>src/d000/f00000.c; sleep 0.5; done ;;
esac
while [ \$(date +%s) -lt \$end ]; do sleep 0.2; done
awk '{ print \$14 + \$15 }' /proc/\$PPID/stat >"$tmp/ticks"
A
chmod +x agent.sh

hz=$(getconf CLK_TCK)
run_one() { # MODE KIND
	git reset -q --hard && git clean -qfdx -e agent.sh && git checkout -q main
	if [ "$1" = poll ]; then
		GUARD_SESSION_WATCH=poll "$GS" run --task "b-$1-$2" -- ./agent.sh "$2" >/dev/null 2>>"$tmp/err" || true
	else
		"$GS" run --task "b-$1-$2" -- ./agent.sh "$2" >/dev/null 2>>"$tmp/err" || true
	fi
	[ -s "$tmp/ticks" ] || { tail -5 "$tmp/err" >&2; exit 1; }
	awk -v hz="$hz" '{ printf "%d", $1 * 1000 / hz }' "$tmp/ticks"
	rm -f "$tmp/ticks"
}
echo "repository: $FILES files; $SECS s per run; burst: $BURST files; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s\n' scenario "poll (ms)" "inotify (ms)"
for kind in quiet burst steady; do
	p=$(run_one poll "$kind")
	w=$(run_one inotify "$kind")
	printf '%-8s %12s %12s\n' "$kind" "$p" "$w"
done
