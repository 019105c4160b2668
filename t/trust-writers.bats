#!/usr/bin/env bats
# Writers whose files are not on the command line (share/doc/trust.md
# section 2): configs (systemd-tmpfiles, logrotate), archives and folder
# copies made by an interpreter's API or cmake -E, and guard's own
# installed programs. Each attack goes through the real hook of a scratch
# project made by `guard init`; where it is safe, the same command is run
# for real first in a copy, to show it does what the test says it does.

load helper
load trust_hook

setup() {
	setup_trust_project
	mkdir -p src/fake/.ai "$T/mk/.ai"
	printf 'version: 1\nrules: []\n' >src/fake/.ai/policy.yaml
	printf 'version: 1\nrules: []\n' >"$T/mk/.ai/policy.yaml"
	tar -cf src/x.tar -C "$T/mk" .ai/policy.yaml
	(cd "$T/mk" && python3 -m zipfile -c "$PROJ/src/x.zip" .ai)
}

@test "trust-writers: systemd-tmpfiles is rated by its config's lines (A6)" {
	command -v systemd-tmpfiles || skip "systemd-tmpfiles not installed"
	printf 'R %s/.ai/audit\nr %s/.git/guard/audit-*.synced\n' "$PROJ" "$PROJ" >src/t.conf
	# the config was written by the agent and names guard's log: for real it removes it
	mkdir -p "$T/copy-audit/.ai/audit"
	printf 'R %s/.ai/audit\n' "$T/copy-audit" >"$T/real.conf"
	systemd-tmpfiles --remove "$T/real.conf"
	[ ! -e "$T/copy-audit/.ai/audit" ]
	decides "systemd-tmpfiles --remove $PROJ/src/t.conf" deny
	[[ $REASON == *"src/t.conf line 1"* ]]
	decides 'systemd-tmpfiles --remove "$PWD/src/t.conf"' deny
	# a writer, not only a deleter: f+ replaces the policy with the text after the fields
	printf 'f+ %s/.ai/policy.yaml 0644 - - - rules: []\n' "$PROJ" >src/w.conf
	decides "systemd-tmpfiles --create src/w.conf" deny
	# written on the same line, given on stdin, with --root
	decides "printf 'L+ $PROJ/.git/hooks/pre-push - - - - /bin/true\\n' > src/l.conf && systemd-tmpfiles --create src/l.conf" deny
	decides "systemd-tmpfiles --create --root=. - <<< 'C /.claude - - - - /tmp'" deny
	# a config guard cannot read is asked, with the reason
	decides 'systemd-tmpfiles --remove "$CONF"' ask
	[[ $REASON == *"cannot read now"* ]]
	# a config that names only scratch paths stays as it was (an unknown command)
	printf 'd %s/scratch 0755 - - -\n' "$T" >"$T/ok.conf"
	decides "systemd-tmpfiles --create $T/ok.conf" allow
}

@test "trust-writers: logrotate is rated by its config's logs and scripts (A6)" {
	printf '%s/.ai/audit/*.jsonl {\n  rotate 0\n  copytruncate\n}\n' "$PROJ" >src/lr.conf
	decides "logrotate -f src/lr.conf" deny
	printf '/tmp/guard-t.log {\n  postrotate\n    rm -rf .ai\n  endscript\n}\n' >src/lr2.conf
	decides "logrotate src/lr2.conf" deny
	[[ $REASON == *"logrotate script writes what src/lr2.conf line 2 names"* ]]
	printf '/tmp/guard-t.log {\n  rotate 3\n}\n' >src/ok.conf
	decides "logrotate src/ok.conf" allow
}

@test "trust-writers: an unknown program given a file that names guard's state goes to a person (A6)" {
	decides "dtrx src/x.tar" ask
	[[ $REASON == *"names guard's own state"* ]]
	printf -- '- hosts: localhost\n  tasks:\n    - file: {path: .ai/policy.yaml, state: absent}\n' >src/play.yml
	decides "some-runner --config=src/play.yml" ask
	printf 'hello\n' >src/plain.txt
	decides "some-runner src/plain.txt" allow
}

@test "trust-writers: interpreter APIs that unpack an archive are read like tar -x (A15)" {
	local c
	for c in \
		"python3 -c \"import shutil; shutil.unpack_archive('src/x.tar')\"" \
		"python3 -c \"import tarfile; tarfile.open('src/x.tar').extractall()\"" \
		"python3 -c \"import zipfile; zipfile.ZipFile('src/x.zip').extractall()\"" \
		"node -e \"require('child_process').execFileSync('tar',['-xf','src/x.tar'])\""; do
		replaces_policy_for_real "$c"
		decides "$c" deny
		[[ $REASON == *"guard's own state"* ]]
	done
	decides "cmake -E tar xf src/x.zip" deny
	decides "perl -MArchive::Tar -e \"Archive::Tar->extract_archive('src/x.tar')\"" deny
	# an archive guard cannot name is asked
	decides "python3 -c \"import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall()\" src/x.zip" ask
	decides 'tar xf "$A"' ask
	# into a folder that holds no guard state: as before
	decides "python3 -c \"import tarfile; tarfile.open('src/x.tar').extractall('build/x')\"" allow
}

@test "trust-writers: interpreter and cmake tree copies are read like cp -r (A16)" {
	local c
	for c in \
		"python3 -c \"import shutil; shutil.copytree('src/fake', '.', dirs_exist_ok=True)\"" \
		"cmake -E copy_directory src/fake ." \
		"node -e \"require('fs').cpSync('src/fake', '.', {recursive:true})\""; do
		replaces_policy_for_real "$c"
		decides "$c" deny
		[[ $REASON == *"guard's own state"* ]]
	done
	decides "perl -MFile::Copy::Recursive=dircopy -e \"dircopy('src/fake','.')\"" deny
	decides "ruby -rfileutils -e \"FileUtils.cp_r('src/fake/.', '.')\"" deny
	decides "python3 -c \"import shutil,sys; shutil.copytree(sys.argv[1], '.', dirs_exist_ok=True)\" src/fake" ask
	decides "python3 -c \"import shutil; shutil.copytree('src/fake', 'build/fake')\"" allow
	decides "cmake -E copy_directory src/fake build/fake" allow
}

@test "trust-writers: guard's own programs are guard's state in every spelling, also under /tmp (A8)" {
	# guard installed in a scratch folder, the hook run from there (as `guard init` wires it)
	local g=$T/gbin c
	mkdir -p "$g"
	cp "$GUARD_BIN"/guard* "$g/"
	for c in \
		"printf '#!/bin/sh\\nexit 0\\n' > $g/guard" \
		": > $g/guard-git" \
		"tee $g/guard-githook < /dev/null" \
		"rm $g/guard" \
		"chmod -x $g/guard" \
		"truncate -s0 $g/guard" \
		"sed -i s/a/b/ $g/guard-approve" \
		"install -m755 /bin/true $g/guard" \
		"ln -sf /bin/true $g/guard" \
		"dd if=/dev/zero of=$g/guard count=1" \
		"python3 -c \"open('$g/guard','w')\"" \
		"cd $g && rm -f guard" \
		"rm -rf $g"; do
		out=$("$g/guard" hook claude <<<"$(bash_payload "$c")" 2>/dev/null)
		got=$(jq -r '.hookSpecificOutput.permissionDecision' <<<"$out")
		[ "$got" = deny ] || { echo "got $got for: $c"; return 1; }
	done
	out=$("$g/guard" hook claude <<<"$(bash_payload "echo x > $g/guard")" 2>/dev/null)
	[[ $(jq -r '.hookSpecificOutput.permissionDecisionReason' <<<"$out") == *"guard's program"* ]]
	# a file beside them that is no guard program is not guard's state
	out=$("$g/guard" hook claude <<<"$(bash_payload "echo x > $g/notes.txt")" 2>/dev/null)
	[[ $(jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$out") != *"guard's program"* ]]
	# reading them stays allowed
	out=$("$g/guard" hook claude <<<"$(bash_payload "sha256sum $g/guard")" 2>/dev/null)
	[ "$(jq -r '.hookSpecificOutput.permissionDecision // "allow"' <<<"$out")" != deny ]
}
