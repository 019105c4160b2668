#!/usr/bin/env python3
"""Read share/examples/github-actions.yml with a real YAML parser, check its
shape, and write each run: step as a shell script (env: first, the
workflow's ${{ }} expressions replaced by the fixture values given as
NAME=VALUE arguments) into the directory given first. Prints the script
names in order."""
import os
import re
import sys

import yaml

out, path, *pairs = sys.argv[1:]
values = dict(p.split("=", 1) for p in pairs)
with open(path) as f:
    wf = yaml.safe_load(f)
# PyYAML reads the key "on" as True (YAML 1.1)
on = wf.get("on", wf.get(True))
assert "pull_request" in on, "the workflow runs on pull_request"
steps = wf["jobs"]["guard"]["steps"]
assert any(s.get("uses", "").startswith("actions/checkout@") and s.get("with", {}).get("fetch-depth") == 0
           for s in steps), "checkout with the whole history"
runs = [s for s in steps if "run" in s]
assert any("guard-git check" in s["run"] and "--format github" in s["run"] for s in runs)


def expand(text):
    def one(m):
        key = m.group(1).strip()
        if key not in values:
            raise SystemExit("no fixture value for ${{ %s }}" % key)
        return values[key]
    return re.sub(r"\$\{\{([^}]*)\}\}", one, str(text))


for i, s in enumerate(runs):
    assert "${{" not in s["run"], "step %r: expressions go through env:, not into the script" % s.get("name")
    name = os.path.join(out, "step%02d.sh" % i)
    with open(name, "w") as f:
        f.write("set -e\n")
        for k, v in (s.get("env") or {}).items():
            f.write("export %s=%s\n" % (k, "'" + expand(v).replace("'", "'\\''") + "'"))
        f.write(s["run"])
    print(name)
