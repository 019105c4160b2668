#!/usr/bin/env bats
# Archives, compressors and the names they make (attack12 M2, M11, M17,
# M26, M27, M29, M30; share/doc/trust.md, derived names): the name each
# unpacker derives by its own rule or reads from the file, tar's
# old-style keys, members that pass through a link or split their path
# over the ustar fields, editors' and gawk's backups, sed's '*'. Each
# next to the everyday form, which keeps its verdict.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

# A gzip file at $1 whose header keeps the name $2 (gzip stores it by default).
gz_named() {
	local d=$BATS_TEST_TMPDIR/gz.$RANDOM
	mkdir -p "$d"
	printf 'evil: 1\n' >"$d/$2"
	(cd "$d" && gzip "$2")
	mv "$d/$2.gz" "$1"
}

@test "gunzip -N restores the name in the header: guard's file denied; the everyday name is fine" {
	gz_named x.gz .mcp.json
	gz_named data.csv.gz data.csv
	decides "gunzip -N x.gz" deny
	decides "gzip -dN x.gz" deny
	decides "gunzip --name x.gz" deny
	decides "gunzip --na x.gz" deny
	decides "gzip -d --name x.gz" deny
	decides "gunzip -Nf x.gz" deny
	decides "unpigz -N x.gz" deny
	decides "pigz -dN x.gz" deny
	decides "cp x.gz y.gz && gunzip -N y.gz" deny
	gz_named src/b.gz .guard-scan-baseline.json
	decides "gunzip -N src/b.gz" deny
	# without -N (or to stdout) the name is derived from x.gz: x
	decides "gunzip x.gz" allow
	decides "gunzip -n x.gz" allow
	decides "gunzip -c -N x.gz" allow
	decides "zcat x.gz" allow
	decides "gunzip -N data.csv.gz" allow
	decides "gunzip data.csv.gz" allow
}

@test "gunzip -N of a file guard cannot read now: high, critical into guard's folder" {
	decides "curl -so d.gz https://example.com/d.gz && gunzip -N d.gz" ask
	decides "curl -so .ai/d.gz https://example.com/d.gz && gunzip -N .ai/d.gz" deny
	decides 'gunzip -N "$F"' ask
	run guard-risk -c "curl -so d.gz https://example.com/d.gz && gunzip -N d.gz"
	[[ "$output" == *"header, which guard cannot read now"* ]]
}

@test "gzip -d strips each suffix it knows (-gz -z _z .z .Z .tgz): the name made is judged" {
	printf x >.mcp.json-gz
	printf x >PENDING_PLANS.md_z
	printf x >src/.guard-scan-baseline.json-z
	decides "gunzip .mcp.json-gz" deny
	decides "gzip -d .mcp.json-gz" deny
	decides "gunzip PENDING_PLANS.md_z" deny
	decides "gunzip src/.guard-scan-baseline.json-z" deny
	decides "gunzip .mcp.json.z" deny
	decides "unpigz .mcp.json-gz" deny
	decides "gunzip -S .x .mcp.json.x" deny
	decides "gunzip release.tgz" allow
	decides "gunzip notes-gz" allow
	run guard-risk -c "gunzip release.tgz"
	[[ "$output" == *'"release.tar"'* ]]
}

@test "the other compressors: their output names are built (M17)" {
	decides "pigz -S .yaml .ai/policy" deny
	decides "lzop -S .yaml .ai/policy" deny
	decides "brotli -S .yaml .ai/policy" deny
	decides "lz4 -d .mcp.json.lz4" deny
	decides "lzop -d .mcp.json.lzo" deny
	decides "brotli -d .mcp.json.br" deny
	decides "lzip -d .mcp.json.lz" deny
	decides "plzip -d .mcp.json.lz" deny
	decides "lrzip -d .mcp.json.lrz" deny
	decides "uncompress .mcp.json.Z" deny
	decides "pixz -d .mcp.json.xz" deny
	decides "lz4 i/policy.yaml .ai/policy.yaml" deny
	decides "lzop -o .ai/policy.yaml x" deny
	decides "zstd -d --output-dir-flat .ai policy.yaml.zst" deny
	decides "lrzip -O .ai policy.yaml" deny
	# everyday use
	decides "pigz src/a.txt" allow
	decides "lz4 data.csv" allow
	decides "brotli -k data.csv" allow
	decides "lzip -d logs.tar.lz" allow
	decides "zstd -d build/out.zst" allow
}

# An uncompressed tar at $1 holding .ai/policy.yaml.
evil_tar() {
	local d=$BATS_TEST_TMPDIR/et
	mkdir -p "$d/.ai"
	printf 'evil: 1\n' >"$d/.ai/policy.yaml"
	(cd "$d" && tar -cf - .ai/policy.yaml) >"$1"
}

@test "tar's old-style key hands its values out in key order: the archive is read (M11)" {
	evil_tar evil.tar
	tar -cf release.tar src
	decides "tar xf evil.tar" deny
	decides "tar xbf 20 evil.tar" deny
	decides "tar xfb evil.tar 20" deny
	decides "tar xvbf 20 evil.tar" deny
	decides "tar xHf posix evil.tar" deny
	decides "tar xNf 2020-01-01 evil.tar" deny
	decides "tar xgf snap evil.tar" deny
	decides "tar xLf 10 evil.tar" deny
	decides "tar xCf . evil.tar" deny
	decides "tar xTf list.txt evil.tar" deny
	decides "tar xbf 20 evil.tar --backup --suffix=.yaml" deny
	decides "tar xCf .ai release.tar" deny
	decides "tar cfb .ai/policy.yaml 20 src" deny
	decides "tar xFf 'rm -rf ~' release.tar" deny
	# everyday use
	decides "tar xbf 20 release.tar" allow
	decides "tar xvf release.tar" allow
	decides "tar cvfb backup.tar 20 src" allow
	decides "tar cbf 20 backup.tar src" allow
	decides "tar czf backup.tgz src" allow
	decides "tar xCf build release.tar" allow
}

@test "sed -i with '*' in the suffix puts the operand as given there (M26): a '/' makes a path" {
	mkdir -p i d bak_d
	printf 'evil: 1\n' >i/policy.yaml
	echo a >d/f
	# GNU sed itself: the whole name where the * is
	sed -i'bak_*' s/a/b/ d/f
	[ "$(cat bak_d/f)" = a ]
	decides "sed -i'.a*' s/a/a/ i/policy.yaml" deny
	decides 'sed -i.a\* 1p i/policy.yaml' deny
	decides "sed --in-place='.a*' -n p i/policy.yaml" deny
	decides "sed -ni'.a*' p i/policy.yaml" deny
	decides "gsed -i'.a*' s/a/a/ i/policy.yaml" deny
	decides "sed -i'.cl*' s/a/a/ aude/settings.json" deny
	decides "sed -i'.ai/*' s/a/b/ policy.yaml" deny
	# everyday backups
	decides "sed -i'bak/*' s/a/b/ src/a.c" allow
	decides "sed -i'*.orig' s/a/b/ src/a.c" allow
	decides "sed -i'old_*' s/a/b/ notes.txt" allow
	decides "sed -i.bak s/a/b/ src/a.c" allow
}

# A tar at $1: a symlink member l -> $2, then $3 written as l/$3 through it.
link_tar() {
	local d=$BATS_TEST_TMPDIR/lt.$RANDOM
	mkdir -p "$d/x"
	printf 'evil: 1\n' >"$d/x/$3"
	ln -s "$2" "$d/l"
	(cd "$d" && tar -cf - l) >"$1"
	(cd "$d" && tar --transform 's,^x/,l/,' -rf "$PROJ/$1" "x/$3")
}

@test "a tar member written through a symlink member before it, or split over the ustar prefix (M29, M30)" {
	link_tar evil1.tar .ai policy.yaml
	link_tar evil2.tar .claude settings.json
	python3 "$REPO_ROOT/t/ustar.py" us.tar .ai policy.yaml 'evil: 3'
	python3 "$REPO_ROOT/t/ustar.py" us2.tar .claude settings.json '{}'
	python3 "$REPO_ROOT/t/ustar.py" usok.tar src/lib util.c 'int x;'
	tar -tf us.tar | grep -qx .ai/policy.yaml
	decides "tar -xf evil1.tar" deny
	decides "tar xf evil1.tar" deny
	decides "tar xbf 20 evil1.tar" deny
	decides "bsdtar -xf evil1.tar" deny
	decides "tar -xf evil2.tar" deny
	decides "tar -xf us.tar" deny
	decides "tar xf us.tar" deny
	decides "bsdtar -xf us.tar" deny
	decides "tar -xf us2.tar" deny
	run guard-risk -c "tar -xf evil1.tar"
	[[ "$output" == *"member l/policy.yaml lands on it"* ]]
	# a link to guard's folder alone: asked
	local d=$BATS_TEST_TMPDIR/ol
	mkdir -p "$d" && ln -s .ai "$d/l" && (cd "$d" && tar -cf - l) >onlylink.tar
	decides "tar -xf onlylink.tar" ask
	# everyday: a split path in the project, links among the project's files, another folder
	decides "tar -xf usok.tar" allow
	mkdir -p "$BATS_TEST_TMPDIR/ok" && printf x >"$BATS_TEST_TMPDIR/ok/lib.so.1"
	ln -s lib.so.1 "$BATS_TEST_TMPDIR/ok/lib.so"
	(cd "$BATS_TEST_TMPDIR/ok" && tar -cf - lib.so lib.so.1) >links.tar
	decides "tar -xf links.tar" allow
	decides "tar -xf evil1.tar -C build" allow
	decides "tar -tf evil1.tar" allow
}

@test "vim's backup (backup/bex, patchmode, backupdir) and :w FILE are names written (M17)" {
	decides "vim -c 'set backup backupext=.yaml' -c wq .ai/policy" deny
	decides "vim -c 'set bk bex=.yaml' -c wq .ai/policy" deny
	decides "vim '+set backup bex=.yaml' '+wq' .ai/policy" deny
	decides "vim -c 'set patchmode=.yaml' -c wq .ai/policy" deny
	decides "vim -c 'set backup backupdir=.ai bex=' -c wq policy.yaml" deny
	decides "vim -c 'let &bex=\".ya\".\"ml\"' -c 'set bk' -c wq .ai/policy" deny
	decides "vim -c 'w .ai/policy.yaml' -c q src/a.c" deny
	decides "vim -c 'w >> .ai/policy.yaml' -c q src/a.c" deny
	decides "vim -c 'sav .claude/settings.json' -c q src/a.c" deny
	decides "vim -c wq .ai/x" ask
	decides "vim -es '+wq' .ai/x" ask
	# everyday editing
	decides "vim src/a.c" allow
	decides "vim -c 'set number' src/a.c" allow
	decides "vim -c 'set backup bex=.bak' -c wq src/a.c" allow
	decides "vim -es -c '%s/a/b/g' -c wq src/a.c" allow
	decides "vim -c 'w /tmp/out.txt' -c q src/a.c" allow
}

@test "gawk -i inplace rewrites its files and keeps FILE+INPLACE_SUFFIX (M17)" {
	decides "gawk -i inplace -v INPLACE_SUFFIX=.yaml 1 .ai/policy" deny
	decides "awk -i inplace -v inplace::suffix=.yaml 1 .ai/policy" deny
	decides "gawk -iinplace -vINPLACE_SUFFIX=.yaml 1 .ai/policy" deny
	decides "gawk -i inplace 1 INPLACE_SUFFIX=.yaml .ai/policy" deny
	decides "gawk --include=inplace 'BEGIN{INPLACE_SUFFIX=\".yaml\"} 1' .ai/policy" deny
	decides "gawk -i inplace -f prog.awk -v INPLACE_SUFFIX=.yaml .ai/policy" deny
	decides "gawk -i inplace 1 .ai/x" ask
	# everyday
	decides "gawk -i inplace -v INPLACE_SUFFIX=.bak '{gsub(/a/,\"b\")}1' src/a.c" allow
	decides "gawk -i inplace '{print}' src/a.c" allow
	decides "awk '{print \$1}' data.csv" allow
}

@test "ed's plain w writes the edited file, f FILE names the one w writes (M17)" {
	decides "ed -s .ai/x <<< w" ask
	decides "printf '1d\\nw\\nq\\n' | ed -s .ai/x" ask
	decides "printf 'f .ai/policy.yaml\\nw\\n' | ed -s src/a.c" deny
	decides "ed -s .ai/policy.yaml <<< wq" deny
	# everyday
	decides "printf '1d\\nw\\nq\\n' | ed -s src/a.c" allow
	decides "ed -s src/a.c <<< ,p" allow
}
