# Compile src/lib/risk/commands.txt into a C table (stdout), or fail the
# build naming file:line for: a name listed twice, an unknown table, a
# harmless entry without a known shape (or another table with one), a
# dead "-noop" entry, a malformed line.
#   awk -f src/tools/risk_tables.awk src/lib/risk/commands.txt >risk_tables.h
BEGIN {
	table["reader"] = "EV_READER"; table["pattern"] = "EV_PATTERN_READER"
	table["harmless"] = "EV_HARMLESS"; table["devtool"] = "EV_DEVTOOL"
	shape["any"] = "SHAPE_ANY"; shape["shell-first"] = "SHAPE_SHELL_FIRST"
	shape["dc"] = "SHAPE_DC"; shape["ip"] = "SHAPE_IP"; shape["enable"] = "SHAPE_ENABLE"
	bad = 0; n = 0
}
function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
}
/^[ \t]*(#|$)/ { next }
{
	sub(/[ \t]+#.*/, "")
	if (NF < 2 || NF > 3) { fail("want: name table [shape]"); next }
	name = $1; t = $2; sh = NF == 3 ? $3 : ""
	if (name ~ /-noop$/) { fail("dead entry '" name "': remove it"); next }
	if (name !~ /^[A-Za-z0-9_.+\[\]:-]+$/) { fail("bad command name '" name "'"); next }
	if (!(t in table)) { fail("unknown table '" t "' (reader, pattern, harmless, devtool)"); next }
	if (t == "harmless" && !(sh in shape)) { fail("harmless '" name "' needs a shape: any, shell-first, dc, ip, enable"); next }
	if (t != "harmless" && sh != "") { fail("only harmless entries take a shape"); next }
	if (name in line) { fail("'" name "' is listed twice (first on line " line[name] ")"); next }
	line[name] = FNR
	entry[n++] = sprintf("\t{ \"%s\", %s, %s },", name, table[t], sh == "" ? "SHAPE_ANY" : shape[sh])
}
END {
	if (bad)
		exit 1
	print "/* Generated from src/lib/risk/commands.txt by src/tools/risk_tables.awk: do not edit. */"
	print "static const struct everyday_entry everyday_entries[] = {"
	for (i = 0; i < n; i++)
		print entry[i]
	print "\t{ NULL, EV_NONE, SHAPE_ANY },"
	print "};"
}
