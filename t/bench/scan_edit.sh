#!/bin/bash
# What an Edit costs the hook's scan (issue 13): callgrind instructions of
# one `guard hook claude` PreToolUse Edit of a file of 1 KiB, 1 MiB and
# 16 MiB (generated ordinary Python, no finding; one 16-character
# old_string in the middle), for this build and, side by side, another
# build's bin directory (e.g. main's). Nothing is asserted.
#   t/bench/scan_edit.sh [OTHER_BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
other=${1:-}
# shellcheck source=t/bench/scan_lib.sh
. t/bench/scan_lib.sh
python3 - "$app" "$work" <<'PY'
import json, random, sys
app, work = sys.argv[1], sys.argv[2]
random.seed(1)
words = "value result compute items index buffer count total parse render handle request response config name path data".split()
for name, size in (("1k", 1 << 10), ("1m", 1 << 20), ("16m", (16 << 20) - 4096)):
    out, n = [], 0
    while n < size:
        line = "    %s = %s(%s, %d)  # %s %s\n" % tuple(random.choice(words) if i != 3 else random.randint(0, 999) for i in range(6))
        out.append(line)
        n += len(line)
    out.insert(len(out) // 2, "    edit_me_here = 1\n")
    text = "".join(out)
    open("%s/src/%s.py" % (app, name), "w").write(text)
    p = {"session_id": "s1", "transcript_path": work + "/t", "cwd": app, "hook_event_name": "PreToolUse",
         "tool_name": "Edit", "tool_input": {"file_path": "%s/src/%s.py" % (app, name),
                                              "old_string": "edit_me_here = 1", "new_string": "edit_me_here = 2"}}
    open("%s/%s.json" % (work, name), "w").write(json.dumps(p))
PY
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %16s %16s %s\n' file build "hook total" "scan_edit" decision
for name in 1k 1m 16m; do
	for build in this ${other:+other}; do
		bin=$root/bin
		[ "$build" = other ] && bin=$other
		(cd "$app" && valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$bin/guard" hook claude <"$work/$name.json" >"$work/out" 2>/dev/null)
		printf '%-6s %-10s %16s %16s %s\n' "$name" "$build" \
			"$(callgrind_annotate "$work/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}')" \
			"$(callgrind_annotate --inclusive=yes "$work/cg" 2>/dev/null | awk '/guard_hook.c:scan_edit/ {print $1; exit}')" \
			"$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' "$work/out" 2>/dev/null)"
	done
done
