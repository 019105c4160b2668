#!/bin/bash
# What guard-scan adds to the hook and costs on a commit range, side by
# side in one run (bench only; nothing is asserted):
#  - the hook on a 1 MiB Write of ordinary code, with the scan and with the
#    file excluded from it (scan.exclude in the user layer: the scanner is
#    built, the text not scanned), hyperfine wall and callgrind
#    instructions of the hook's scan_edit;
#  - guard-scan range over a 500-line commit (10 files of 50 lines),
#    hyperfine wall (min and median) and callgrind instructions.
#   t/bench/scan_hook.sh [RUNS]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
runs=${1:-50}
# shellcheck source=t/bench/scan_lib.sh
. t/bench/scan_lib.sh
python3 - "$app" "$work" <<'PY'
import json, random, sys
app, work = sys.argv[1], sys.argv[2]
random.seed(1)
words = "value result compute items index buffer count total parse render handle request response config name path data".split()
out, n = [], 0
while n < 1 << 20:
    line = "    %s = %s(%s, %d)  # %s %s\n" % tuple(random.choice(words) if i != 3 else random.randint(0, 999) for i in range(6))
    out.append(line)
    n += len(line)
content = "".join(out)[: 1 << 20]
for name, path in (("scan", "src/big.py"), ("noscan", "src/skip.py")):
    p = {"session_id": "s1", "transcript_path": work + "/t", "cwd": app, "hook_event_name": "PreToolUse",
         "tool_name": "Write", "tool_input": {"file_path": app + "/" + path, "content": content}}
    open("%s/%s.json" % (work, name), "w").write(json.dumps(p))
PY
mkdir -p "$HOME/.config/guard"
printf 'scan:\n  exclude: ["**/skip.py"]\n' >"$HOME/.config/guard/policy.yaml"
chmod 600 "$HOME/.config/guard/policy.yaml"
# the scan in process, with the library's own flags asked of make itself
flags=$(make -s --no-print-directory -f Makefile -f - guard-print-flags <<'M'
guard-print-flags: ; $(info $(CPPFLAGS_ALL))$(info $(CFLAGS_ALL))$(info $(LDLIBS_COMMON))@:
M
)
mkdir -p build/bench
# shellcheck disable=SC2046  # word lists
eval "${CC:-cc} $(printf '%s\n' "$flags" | sed -n 1,2p | tr '\n' ' ') -o build/bench/bench_scan t/bench/bench_scan.c build/libguard.a $(printf '%s\n' "$flags" | sed -n 3p) -lm"
build/policy-json policy/default.yaml >"$work/policy.json"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== hook on a 1 MiB Write, with and without the scan of its content"
# through sh (hyperfine 1.15 has no --input); hyperfine takes the shell's own start-up off
(cd "$app" && hyperfine -w 3 -r "$runs" --export-json "$work/hook.json" \
	"$root/bin/guard hook claude <$work/scan.json" "$root/bin/guard hook claude <$work/noscan.json" >/dev/null)
jq -r '.results[] | "\(.command | split("/") | last): min \(.min * 1000 | . * 100 | round / 100) ms, median \(.median * 1000 | . * 100 | round / 100) ms"' "$work/hook.json"
build/bench/bench_scan "$work/scan.json" "$work/policy.json" 200
for name in scan noscan; do
	(cd "$app" && valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" "$root/bin/guard" hook claude <"$work/$name.json" >/dev/null 2>&1)
	printf '%s: %s instructions in all, scan_edit %s\n' "$name" \
		"$(callgrind_annotate "$work/cg.$name" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}')" \
		"$(callgrind_annotate --inclusive=yes "$work/cg.$name" 2>/dev/null | awk '/guard_hook.c:scan_edit/ {print $1; exit}')"
done

echo
echo "== guard-scan range over a commit of 500 added lines (10 files)"
cd "$app"
git -c user.email=a@b -c user.name=a commit -q --allow-empty -m root
for f in $(seq 1 10); do
	for l in $(seq 1 50); do echo "line_$l = compute(x, $l)  # file $f: some ordinary code here"; done >"src/f$f.py"
done
git add src && git -c user.email=a@b -c user.name=a commit -q -m add
hyperfine -N -w 5 -r "$((runs * 2))" --export-json "$work/range.json" "$root/bin/guard-scan range HEAD~1..HEAD" >/dev/null
jq -r '.results[] | "range: min \(.min * 1000 | . * 100 | round / 100) ms, median \(.median * 1000 | . * 100 | round / 100) ms, user \(.user * 1000 | round) ms, system \(.system * 1000 | round) ms"' "$work/range.json"
valgrind --tool=callgrind --callgrind-out-file="$work/cg.range" "$root/bin/guard-scan" range HEAD~1..HEAD >/dev/null 2>&1 || true
callgrind_annotate --inclusive=yes "$work/cg.range" 2>/dev/null | awk '
	/PROGRAM TOTALS/ {print "range: " $1 " instructions in all"}
	/_dl_relocate_object/ && !r {print "  dynamic linking (relocations): " $1; r=1}
	/git_libgit2_init/ && !i {print "  git_libgit2_init: " $1; i=1}
	/guard_stages_policy/ && !p {print "  policy load: " $1; p=1}
	/scan_diff/ && !d {print "  diff and scan: " $1; d=1}
	/guard_scanner_scan/ && !s {print "  of which the scan: " $1; s=1}'
