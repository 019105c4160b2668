#!/bin/bash
# Recall and false findings on t/scan/corpus against t/scan/expected.tsv.
# A planted secret is found when a finding names its file and a line of
# its span: its line, or for a PEM block the lines from BEGIN to END (a
# tool may report a block on another of its lines); a finding given as a
# range of lines (a peer that reports a whole JSON key file) counts when
# the range meets the span. A finding that meets no span is false. Prints
#   "found N of M (R% recall), F false of T finding lines (P%)"
# and, with VERBOSE set, the misses and false lines.
#   t/scan/score.sh [GUARD-SCAN]        score guard-scan (files --format jsonl)
#   t/scan/score.sh --found FILE        score a list of "path<TAB>line[<TAB>last line]" findings (a peer's)
#   t/scan/score.sh --kinds --found FILE   per kind: "kind<TAB>planted<TAB>found"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kinds= found=
while [ $# -gt 0 ]; do
	case $1 in
	--kinds) kinds=1 ;;
	--found) found=$2; shift ;;
	*) break ;;
	esac
	shift
done
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ -z "$found" ]; then
	scan=${1:-guard-scan}
	out=$(cd "$here/corpus" && "$scan" files --format jsonl || [ $? -eq 1 ])
	jq -r '"\(.path)\t\(.line)"' <<<"$out" | sort -u >"$tmp"
	found=$tmp
fi
python3 - "$here" "$found" "${kinds:-}" "${VERBOSE:-}" <<'PY'
import collections, os, sys
here, found_file, kinds, verbose = sys.argv[1:5]
planted = []  # (path, first line, last line, kind)
for row in open(os.path.join(here, "expected.tsv")):
    if row.startswith("#") or not row.strip():
        continue
    path, line, kind = row.rstrip("\n").split("\t")
    line = int(line)
    lines = open(os.path.join(here, "corpus", path), errors="replace").read().split("\n")
    last = line
    text = lines[line - 1]
    if "-----BEGIN" in text and "-----END" not in text:
        for j in range(line, len(lines)):
            if "-----END" in lines[j]:
                last = j + 1
                break
    planted.append((path, line, last, kind))
found = set()  # (path, first line, last line)
for row in open(found_file):
    cols = row.rstrip("\n").split("\t")
    if len(cols) >= 2:
        a = int(cols[1])
        found.add((cols[0], a, max(a, int(cols[2])) if len(cols) > 2 and cols[2] else a))
spans = collections.defaultdict(list)
for p, a, z, _ in planted:
    spans[p].append((a, z))
def meets(f, a, z):
    return f[1] <= z and a <= f[2]
hit = [any(f[0] == p and meets(f, a, z) for f in found) for p, a, z, _ in planted]
if kinds:
    n, got = collections.Counter(), collections.Counter()
    for (p, a, z, k), h in zip(planted, hit):
        n[k] += 1
        got[k] += h
    for k in sorted(n):
        print("%s\t%d\t%d" % (k, n[k], got[k]))
    sys.exit(0)
want = len(planted)
nfound = sum(hit)
false = sorted(f for f in found if not any(meets(f, a, z) for a, z in spans[f[0]]))
print("found %d of %d (%d%% recall), %d false of %d finding lines (%d%%)" %
      (nfound, want, nfound * 100 // want, len(false), len(found), len(false) * 100 // len(found) if found else 0))
if verbose:
    print("missed:")
    for (p, a, z, k), h in zip(planted, hit):
        if not h:
            print("%s\t%d\t%s" % (p, a, k))
    print("false:")
    for p, a, z in false:
        print("%s\t%d" % (p, a) + ("-%d" % z if z != a else ""))
PY
