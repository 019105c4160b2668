#!/usr/bin/env bats
# Tree copies and unpacks guard must see in every spelling (share/doc/trust.md
# section 2, attacker-5 F3, F4, F5, F15): a destination folder spelled as a
# shell pattern (.a[i]/, .cl*), and interpreter calls reached through an
# alias, getattr, an assignment, a destructured require, a call without
# parentheses, or os.exec*/os.spawn* argv. Each attack goes through the real
# hook of a scratch project made by `guard init`; where it is safe, the same
# command is first run for real in a copy, to show it does what the test
# says it does. The benign look-alikes next to them stay allowed.

load helper
load trust_hook

setup() {
	setup_trust_project
	mkdir -p src/fake2/sub src/fk/.ai "$T/mk/.ai" src/ok
	printf 'version: 1\nrules: []\n' >src/fake2/sub/policy.yaml
	printf 'version: 1\nrules: []\n' >src/fk/.ai/policy.yaml
	printf 'version: 1\nrules: []\n' >"$T/mk/.ai/policy.yaml"
	printf 'x\n' >src/ok/a.txt
	tar -cf src/x.tar -C "$T/mk" .ai/policy.yaml
}

@test "trust-copies: a tree copy into a glob that expands to guard's folder is denied (F3)" {
	replaces_policy_for_real 'cp -r src/fake2/sub/. .a[i]/'
	replaces_policy_for_real 'cp -rT src/fake2/sub .a[i]'
	local c
	for c in 'cp -r src/fake2/sub/. .a[i]/' 'cp -a src/fake2/sub/. ./.a[i]' 'cp -rT src/fake2/sub .a[i]' \
		'cp -rt .a[i] src/fake2/sub/.' 'rsync -a src/fake2/sub/ .a*/' 'rsync -a src/fake2/sub/ .ai*/' \
		'cp -r src/fake2/sub/. .[a]i' 'cp -r src/fake2/sub/. .?i' 'cp -r src/fake2/sub/. .cl[a]ude/' \
		'cp -r src/fake2/sub/. --target-directory=.a?' 'tar -xf src/x.tar -C .a[i]'; do
		decides "$c" deny
		[[ $REASON == *"pattern the shell may expand to a folder of guard's own state"* ]]
	done
	# a folder not made yet is matched by its name all the same
	decides 'cp -r src/fake2/sub/. .g[e]mini/' deny
}

# Run cmd for real in a copy of the project kept under the name "proj" (so that ../p[r]oj is the copy
# itself); true when the copy's .ai/policy.yaml changed and the project's own did not.
replaces_root_policy_for_real() {
	local side=$T/side.$RANDOM before
	before=$(cat .ai/policy.yaml)
	mkdir -p "$side"
	cp -a "$PROJ" "$side/proj"
	(cd "$side/proj" && eval "$1") >/dev/null 2>&1 || true
	[ "$(cat .ai/policy.yaml)" = "$before" ]
	! cmp -s "$PROJ/.ai/policy.yaml" "$side/proj/.ai/policy.yaml"
}

@test "trust-copies: a tree copy into a glob for the project's root is read as one into the root (F3)" {
	[ "${PROJ##*/}" = proj ]
	replaces_root_policy_for_real 'cp -r src/fk/. ../p[r]oj'
	decides 'cp -r src/fk/. ../p[r]oj' deny
	[[ $REASON == *"folder of guard's own state"* ]]
	decides "cp -r src/fk/. ${PROJ%/*}/pro*" deny
	# an archive unpacked into such a pattern: read as one unpacked into the root
	replaces_root_policy_for_real 'tar -xf src/x.tar -C ../p[r]oj'
	decides 'tar -xf src/x.tar -C ../p[r]oj' deny
	decides 'tar -xf src/x.tar -C ../p[r]oj/build' allow
	# the same glob with a source that holds nothing of guard's
	decides 'cp -r src/ok/. ../p[r]oj' allow
}

@test "trust-copies: a glob that only READS guard's folder, and glob-named build folders, stay allowed (F3)" {
	decides 'cp -r .a[i] /tmp/guard-trust-copies-out' allow
	decides 'rsync -a .c[l]aude/ build/claude-copy/' allow
	decides 'cp -r src/ok/. build/' allow
	decides 'rsync -a src/ok/ out[0-9]/' allow
	decides 'cp -r src/ok/. ./[b]uild' allow
	# bash does not let [.] match a leading dot: no expansion to .ai
	decides 'cp -r src/ok/. [.]ai' allow
}

@test "trust-copies: rsync --remove-source-files on guard's folder is a move, in every spelling (F3)" {
	decides 'rsync -a --remove-source-files .ai/ /tmp/guard-trust-copies-x' deny
	decides 'rsync -a --remove-source-files .a[i]/ /tmp/guard-trust-copies-x' deny
	decides 'rsync -a --remove-s .cl*/ /tmp/guard-trust-copies-x' deny
	decides 'rsync -a .ai/ /tmp/guard-trust-copies-x' allow
}

@test "trust-copies: python copy/unpack through an alias, getattr or an assignment is the call (F4, F15)" {
	replaces_policy_for_real "python3 -c \"from shutil import copytree as c; c('src/fk', '.', dirs_exist_ok=True)\""
	replaces_policy_for_real "python3 -c \"import shutil; f=shutil.unpack_archive; f('src/x.tar')\""
	local c
	for c in "python3 -c \"from shutil import copytree as c; c('src/fk', '.', dirs_exist_ok=True)\"" \
		"python3 -c \"import shutil; getattr(shutil,'copytree')('src/fk','.',dirs_exist_ok=True)\"" \
		"python3 -c \"from shutil import unpack_archive as u; u('src/x.tar')\"" \
		"python3 -c \"import shutil; f=shutil.unpack_archive; f('src/x.tar')\"" \
		"python3 -c \"import shutil; f=shutil.copytree; f('src/fk','.',dirs_exist_ok=True)\"" \
		"python3 -c \"from shutil import rmtree as r; r('.ai')\"" \
		"python3 -c \"import shutil; shutil.move('src/fk/.ai', '.')\""; do
		decides "$c" deny
	done
	# the benign twin: the same alias into build/
	decides "python3 -c \"from shutil import copytree as c; c('src/ok', 'build/ok')\"" allow
	# a name computed at run time is a person's call
	decides "python3 -c \"import shutil; n='copy'+'tree'; getattr(shutil,n)('src/ok','build/x')\"" ask
	decides "python3 -c \"import shutil; globals()['shutil'].copytree('src/ok','build/y')\"" 'deny|ask'
}

@test "trust-copies: python os.exec*/os.spawn* argv are rated as that command (F4)" {
	replaces_policy_for_real "python3 -c \"import os; os.spawnlp(os.P_WAIT,'tar','tar','xf','src/x.tar')\""
	local c
	for c in "python3 -c \"import os; os.spawnlp(os.P_WAIT,'tar','tar','xf','src/x.tar')\"" \
		"python3 -c \"import os; os.execvp('tar', ['tar','xf','src/x.tar'])\"" \
		"python3 -c \"import os; os.posix_spawnp('tar', ['tar','xf','src/x.tar'], {})\"" \
		"python3 -c \"from os import execlp as e; e('rm','rm','-rf','.ai')\"" \
		"python3 -c \"import os; os.spawnvpe(os.P_WAIT,'rm',['rm','-rf','.ai'],{})\""; do
		decides "$c" deny
	done
	decides "python3 -c \"import os; os.execvp('ls', ['ls','-la'])\"" allow
	# a computed argument list cannot be rated
	decides "python3 -c \"import os,sys; os.execvp('tar', sys.argv)\"" 'deny|ask'
}

@test "trust-copies: node and ruby tree copies in other spellings are the call (F5)" {
	replaces_policy_for_real "node -e \"require('fs').cp('src/fk', '.', {recursive:true}, ()=>{})\""
	replaces_policy_for_real "node -e \"const {cpSync:c}=require('fs'); c('src/fk', '.', {recursive:true})\""
	local c
	for c in "node -e \"require('fs').cp('src/fk', '.', {recursive:true}, ()=>{})\"" \
		"node -e \"require('fs/promises').cp('src/fk', '.', {recursive:true})\"" \
		"node -e \"const {cpSync:c}=require('fs'); c('src/fk', '.', {recursive:true})\"" \
		"node -e \"const c=require('fs').cpSync; c('src/fk','.',{recursive:true})\"" \
		"ruby -e \"require 'fileutils'; FileUtils.cp_r 'src/fk/.', '.'\"" \
		"ruby -e \"FileUtils.copy_entry 'src/fk', '.'\"" \
		"ruby -e \"FileUtils.mv 'src/fk/.ai', '.'\"" \
		"ruby -e \"FileUtils.send(:cp_r, 'src/fk/.', '.')\""; do
		decides "$c" deny
	done
	# the module under another name
	for c in "node -e \"const f=require('fs'); f.cp('src/fk','.',{recursive:true},()=>{})\"" \
		"node -e \"import('fs').then(m=>m.cp('src/fk','.',{recursive:true},()=>{}))\"" \
		"node -e \"const fs=require('fs'); const {cp}=fs; cp('src/fk','.',{recursive:true},()=>{})\"" \
		"node -e \"const {promises:p}=require('fs'); p.cp('src/fk','.',{recursive:true})\"" \
		"python3 -c \"import os as o; o.spawnlp(o.P_WAIT,'tar','tar','xf','src/x.tar')\"" \
		"python3 -c \"import shutil as s; m=s.move; m('src/fk/.ai', '.')\"" \
		"python3 -c \"import shutil; (shutil.copytree)('src/fk','.')\""; do
		decides "$c" deny
	done
	decides "node -e \"const f=require('fs'); f.cp('src/ok','dist',{recursive:true},()=>{})\"" allow
	decides "node -e \"require('fs').cp('src/ok', 'dist', {recursive:true}, ()=>{})\"" allow
	decides "ruby -e \"FileUtils.cp_r 'src/ok', 'build'\"" allow
	decides "node -e \"const fs=require('fs'); const n='cpSync'; fs[n]('src/ok','dist',{recursive:true})\"" ask
}

@test "trust-copies: perl Archive::Tar, Archive::Extract, Archive::Zip and File::Copy::Recursive are read (F15)" {
	if perl -MArchive::Tar -e1 2>/dev/null; then
		replaces_policy_for_real "perl -MArchive::Tar -e '\$t=Archive::Tar->new(\"src/x.tar\"); \$t->extract'"
	fi
	local c
	for c in "perl -MArchive::Tar -e '\$t=Archive::Tar->new(\"src/x.tar\"); \$t->extract'" \
		"perl -MArchive::Tar -e 'Archive::Tar->new(\"src/x.tar\")->extract'" \
		"perl -MArchive::Extract -e 'Archive::Extract->new(archive=>\"src/x.tar\")->extract'" \
		"perl -MFile::Copy::Recursive=dircopy -e 'dircopy(\"src/fk\", \".\")'" \
		"perl -MFile::Copy::Recursive=rcopy -e 'rcopy \"src/fk\", \".\"'"; do
		decides "$c" deny
	done
	decides "perl -MArchive::Extract -e 'Archive::Extract->new(archive=>\"src/x.tar\")->extract(to=>\"build\")'" allow
}
