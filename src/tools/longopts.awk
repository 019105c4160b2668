# Compile src/lib/risk/longopts.txt (made by src/tools/gen_longopts.sh) into a
# C table (stdout): { "git push", "--all --atomic ..." }. Fails naming
# file:line for a malformed line or a program listed twice.
#   awk -f src/tools/longopts.awk src/lib/risk/longopts.txt >risk_longopts.h
/^# git version [0-9]/ { split($4, v, ";"); gitver = v[1] }
/^[ \t]*(#|$)/ { next }
{
	prog = $1; first = 2
	while (first <= NF && $first !~ /^--/) { prog = prog " " $first; first++ }
	if (first > NF) { printf "%s:%d: no option on the line\n", FILENAME, FNR > "/dev/stderr"; bad = 1; next }
	if (prog in seen) { printf "%s:%d: '%s' listed twice\n", FILENAME, FNR, prog > "/dev/stderr"; bad = 1; next }
	seen[prog] = 1
	opts = ""
	for (i = first; i <= NF; i++) {
		if ($i !~ /^--[A-Za-z0-9][A-Za-z0-9-]*$/) { printf "%s:%d: bad option '%s'\n", FILENAME, FNR, $i > "/dev/stderr"; bad = 1; next }
		opts = opts (i > first ? " " : "") $i
	}
	entry[n++] = sprintf("\t{ \"%s\", \"%s\" },", prog, opts)
}
END {
	if (bad) exit 1
	print "/* generated from src/lib/risk/longopts.txt by src/tools/longopts.awk */"
	printf "#define LONGOPT_GIT_VERSION \"%s\" /* the git the git lines came from */\n", gitver
	print "static const struct longopt_prog { const char *prog, *opts; } longopt_progs[] = {"
	for (i = 0; i < n; i++) print entry[i]
	print "};"
}
