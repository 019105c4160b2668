#!/bin/sh
# The benchmarks' repository, in the current (empty) folder: FILES C files of
# 20 lines in 200 folders under src/, committed as "base" on main.
# usage: sh t/bench/make_repo.sh FILES
set -eu
git init -q -b main . && git config user.email b@example.com && git config user.name bench
awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) { d = sprintf("src/d%03d", i % 200); f = sprintf("%s/f%05d.c", d, i);
	if (i % 200 == i) system("mkdir -p " d); for (l = 0; l < 20; l++) printf "int f%05d_%d(void) { return %d; }\n", i, l, l > f; close(f) } }'
git add -A && git commit -qm base
