#!/usr/bin/env bats
# left12 (README, attacker's eleventh pass left open): other programs'
# backup and output names derived from the file they change. perl/ruby -i
# SUFFIX (a '*' in it is the file's name), patch -b/-z/-B/-Y/-V (and its
# default backup on a mismatch, FILE.rej), rsync -b/--suffix/--backup-dir
# (relative to the destination), gzip/xz/zstd -S and their -d (FILE less its
# suffix). Guard's state made that way is denied as any write of it; each
# next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "left12: perl/ruby -i SUFFIX keep the old file as FILE+SUFFIX (guard's state: denied)" {
	echo old >"$BATS_TEST_TMPDIR/f"
	perl -i.yaml -pe 's/old/new/' "$BATS_TEST_TMPDIR/f"
	[ "$(cat "$BATS_TEST_TMPDIR/f.yaml")" = old ]
	decides 'perl -i.yaml -pe 1 .ai/policy' deny
	decides 'perl -pi.yaml -e 1 .ai/policy' deny
	decides 'perl -lpi.yaml -e 1 .ai/policy' deny
	decides "perl -pi'*.yaml' -e 1 .ai/policy" deny
	decides "perl -i'.ai/*.yaml' -pe 1 policy" deny
	decides 'perl -i.yaml script.pl .ai/policy' deny
	decides 'perl -pi"$S" -e 1 .ai/policy' deny
	decides 'perl -pe "BEGIN{\$^I=q(.yaml)}" .ai/policy' deny
	decides 'ruby -i.yaml -pe 1 .ai/policy' deny
	decides 'cp /tmp/evil .ai/policy && perl -pi.yaml -e 1 .ai/policy' deny
}

@test "left12 user twins: perl/ruby -i on project files" {
	decides 'perl -pi.bak -e s/a/b/ src/x.c' allow
	decides 'perl -pi -e s/a/b/ src/x.c' allow
	decides "perl -pi'*.orig' -e s/a/b/ src/x.c" allow
	decides 'perl -ne print src/x.c' allow
	decides 'ruby -i.bak -pe 1 src/x.rb' allow
}

@test "left12: patch's backups (-b -z/-B/-Y, the default on a mismatch) and rejects are names written" {
	decides 'patch -b -z .yaml .ai/policy < /tmp/p' deny
	decides 'patch -z.yaml .ai/policy /tmp/p' deny
	decides 'patch --suffix=.yaml .ai/policy /tmp/p' deny
	decides 'patch --suff=.yaml .ai/policy /tmp/p' deny
	decides 'patch -b -B .ai/ policy.yaml < /tmp/p' deny
	decides 'patch -b --basename-prefix=../.ai/ src/policy.yaml < /tmp/p' deny
	decides 'patch -d .ai -z .yaml policy < /tmp/p' deny
	decides 'patch .ai/polic < /tmp/p' deny
	decides 'patch -b -z "$S" src/x < /tmp/p' ask
	printf -- '--- a/.ai/policy\n+++ b/.ai/policy\n@@ -1 +1 @@\n-a\n+b\n' >p.diff
	decides 'patch -p1 -z .yaml < p.diff' deny
}

@test "left12 user twins: patch of project files" {
	printf -- '--- a/src/x.c\n+++ b/src/x.c\n@@ -1 +1 @@\n-a\n+b\n' >fix.diff
	decides 'patch -p1 < fix.diff' allow
	decides 'patch -b src/x.c < fix.diff' allow
	decides 'patch -b -z .bak src/x.c fix.diff' allow
	decides 'patch -b -Y old/ src/x.c fix.diff' allow
}

@test "left12: rsync -b --suffix and --backup-dir (relative to the destination) are names written" {
	decides 'rsync -b --suffix=.yaml /tmp/a .ai/policy' deny
	decides 'rsync --backup --suffix .yaml /tmp/a .ai/policy' deny
	decides 'rsync -b --suffix="$S" /tmp/a .ai/policy' deny
	decides 'rsync -b --backup-dir=../.ai --suffix=.yaml /tmp/policy build/' deny
	decides 'rsync -ab --backup-dir=.ai /tmp/src/ ./' deny
	decides 'rsync -a --backup-dir=../.ai /tmp/src/ build/' deny
}

@test "left12 user twins: rsync backups in the project" {
	decides 'rsync -b /tmp/a build/a' allow
	decides 'rsync -ab --backup-dir=old /tmp/src/ build/' allow
	decides 'rsync -a --suffix=.bak -b /tmp/src/ build/' allow
}

@test "left12: gzip/xz/zstd -S SUFFIX and -d write FILE+SUFFIX or FILE less it" {
	decides 'gzip -S .yaml .ai/policy' deny
	decides 'gzip --suffix=.yaml .ai/policy' deny
	decides 'gunzip .ai/policy.yaml.gz' deny
	decides 'gunzip -S .x .ai/policy.yaml.x' deny
	decides 'gzip -dk .ai/policy.yaml.gz' deny
	decides 'xz -d .ai/policy.yaml.xz' deny
	decides 'zstd -d .ai/policy.yaml.zst' deny
	decides 'bzip2 -d .ai/policy.yaml.bz2' deny
	decides 'bunzip2 .ai/policy.yaml.bz2' deny
	decides 'unxz .ai/policy.yaml.xz' deny
	decides 'unzstd .ai/policy.yaml.zst' deny
}

@test "left12 user twins: compressing and unpacking project files" {
	decides 'gzip build/log.txt' allow
	decides 'gzip -k build/log.txt' allow
	decides 'gunzip dist/a.tgz' allow
	decides 'gzip -dc .ai/x.gz' allow
	decides 'xz -d dist/data.xz' allow
	decides 'unxz dist/data.xz' allow
	decides 'bzcat .ai/x.bz2' allow
}

@test "left12: tar -x --backup/--suffix renames a replaced file: a member named as guard's file less the suffix" {
	mkdir -p "$BATS_TEST_TMPDIR/a/.ai" && echo x >"$BATS_TEST_TMPDIR/a/.ai/policy"
	tar -C "$BATS_TEST_TMPDIR/a" -cf "$BATS_TEST_TMPDIR/a.tar" .ai/policy
	decides "tar --backup --suffix=.yaml -xf $BATS_TEST_TMPDIR/a.tar" deny
	decides "tar --suffix=.yaml -xf $BATS_TEST_TMPDIR/a.tar" deny
	echo y >"$BATS_TEST_TMPDIR/a/notes.txt"
	tar -C "$BATS_TEST_TMPDIR/a" -cf "$BATS_TEST_TMPDIR/b.tar" notes.txt
	decides "tar --backup -xf $BATS_TEST_TMPDIR/b.tar" ask
	decides "tar --backup=none --suffix=.yaml -xf $BATS_TEST_TMPDIR/b.tar" allow
	decides "tar --backup --suffix=.bak -xf $BATS_TEST_TMPDIR/b.tar" allow
	decides "tar -xf $BATS_TEST_TMPDIR/b.tar" allow
	decides "tar --backup -xf $BATS_TEST_TMPDIR/b.tar -C build" allow
}
