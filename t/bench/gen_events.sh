#!/bin/sh
# Write N guard events (JSON Lines) for the guard-risk | guard-policy stream,
# cycling through the hook payloads made by gen_payloads.sh, each turned
# into the event the Claude adapter would make (v, id, ts, source, phase,
# session, cwd, project, actor, tool, input), with a unique id per line.
#
#   gen_events.sh PAYLOAD-LIST N OUTFILE
#
# jq makes the 100 templates once; awk repeats them (fast: ~1M lines/s).
set -eu

list=$1
n=$2
out=$3
tmpl=$out.tmpl

# shellcheck disable=SC2046  # the list holds plain paths without spaces
jq -c '{v:1, id:"@ID@", ts:"2026-11-21T03:04:05.678Z", source:"claude", phase:"pre",
        session:.session_id, cwd:.cwd, project:.cwd,
        actor:{user:"claude", role:"agent", agent_id:"main"},
        tool:.tool_name, input:.tool_input, tool_use_id:.tool_use_id}' $(cat "$list") >"$tmpl"

awk -v n="$n" '
	{ i = index($0, "@ID@"); pre[NR] = substr($0, 1, i - 1); post[NR] = substr($0, i + 4) }
	END {
		k = NR
		for (j = 0; j < n; j++)
			printf "%s0b6c2f9e-7a31-4d52-9e8f-%012d%s\n", pre[j % k + 1], j, post[j % k + 1]
	}' "$tmpl" >"$out"
rm -f "$tmpl"
