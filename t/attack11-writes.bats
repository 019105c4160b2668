#!/usr/bin/env bats
# attack11 L5, L6 (share/doc/trust.md, guard's own state): names a program
# writes that are not the operand guard reads as the destination. cp/mv/
# ln/install -b with -S/--suffix (or a suffix from the environment) move an
# existing DEST to DEST+SUFFIX first; git's --output=FILE (log, show, diff,
# whatchanged, rev-list ...), archive -o, format-patch -o and bundle create
# write a named file. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "L5: cp/mv/ln/install -b -S SUFFIX: DEST+SUFFIX is written (guard's state: denied)" {
	echo old >"$BATS_TEST_TMPDIR/d" && echo new >"$BATS_TEST_TMPDIR/s"
	cp -b -S .yaml "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/d"
	[ "$(cat "$BATS_TEST_TMPDIR/d.yaml")" = old ]
	decides 'cp -b -S .yaml /tmp/x .ai/policy' deny
	decides 'cp -S .yaml -b /tmp/x .ai/policy' deny
	decides 'cp --suffix=.yaml -b /tmp/x .ai/policy' deny
	decides 'cp --suf=.yaml /tmp/x .ai/policy' deny
	decides 'cp -bS.yaml /tmp/x .ai/policy' deny
	decides 'cp --back=simple -S .yaml /tmp/x .ai/policy' deny
	decides 'mv -b -S .yaml /tmp/x .ai/policy' deny
	decides 'mv --suffix=.yaml -b /tmp/x .ai/policy' deny
	decides 'ln -b -S .yaml /tmp/x .ai/policy' deny
	decides 'install -b -S .yaml /tmp/x .ai/policy' deny
	decides 'cp -b -S s.json /tmp/x .claude/setting' deny
	decides 'ln -fb -S s.json /tmp/x .claude/setting' deny
	decides 'cp /tmp/evil.yaml .ai/policy && cp -b -S .yaml /tmp/x .ai/policy' deny
	# into a folder: the backup of DIR/NAME
	decides 'cp -b -S .yaml -t .ai policy' deny
	decides 'cp -b -S .yaml /tmp/policy .ai/' deny
}

@test "L5: a backup suffix from the environment or computed: any name DEST starts is judged" {
	decides 'SIMPLE_BACKUP_SUFFIX=.yaml cp -b /tmp/x .ai/policy' deny
	decides 'export SIMPLE_BACKUP_SUFFIX=.yaml; mv -b /tmp/x .ai/policy' deny
	decides 'VERSION_CONTROL=simple SIMPLE_BACKUP_SUFFIX=.yaml cp --backup /tmp/x .ai/policy' deny
	decides 'cp -b /tmp/x .claude/setting' deny
	decides 'cp -S "$S" /tmp/x .ai/policy' deny
}

@test "L5 user twins: backups of project files, and no backup asked" {
	decides 'cp -b a.txt b.txt' allow
	decides 'cp -b -S .bak src/a.c src/b.c' allow
	decides 'cp --backup=numbered a.txt b.txt' allow
	decides 'mv -b old.txt new.txt' allow
	decides 'install -b -m 644 build/tool build/tool2' allow
	decides 'cp --backup=none -S .md /tmp/x PENDING_PLANS' allow
	decides 'cp /tmp/x .ai/plans/notes' allow
}

@test "L5: sed -i SUFFIX keeps the old file as FILE+SUFFIX (or SUFFIX with * the name): a name written" {
	echo a >"$BATS_TEST_TMPDIR/f"
	sed -i.yml s/a/b/ "$BATS_TEST_TMPDIR/f"
	[ "$(cat "$BATS_TEST_TMPDIR/f.yml")" = a ]
	decides 'sed -i.yaml s/a/a/ .ai/policy' deny
	decides 'sed -ni.yaml s/a/a/p .ai/policy' deny
	decides 'sed --in-place=.yaml s/a/a/ .ai/policy' deny
	# GNU sed puts the operand as given where the * is (attack12 M26): .ai/policy.yaml
	decides "sed -i'.ai/*.yaml' s/a/a/ policy" deny
	decides "sed -i'.a*' s/a/a/ i/policy.yaml" deny
	# everyday: a backup next to a project file, or none
	decides 'sed -i.bak s/a/b/ src/f.txt' allow
	decides 'sed -i.yml s/a/b/ src/f.txt' allow
	decides 'sed -i s/a/b/ src/f.txt' allow
	decides "sed -i'bak/*' s/a/b/ src/f.txt" allow
}

@test "L6: git --output=FILE of any verb writes FILE (guard's state: denied)" {
	git -c user.name=a -c user.email=a@b commit -q --allow-empty -m x
	git log -1 --format='tformat:hello' --output="$BATS_TEST_TMPDIR/o"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = hello ]
	decides "git log -1 --format='tformat:{}' --output=.claude/settings.json" deny
	decides "git log -1 --format='tformat:rules: []' --output=.ai/policy.yaml" deny
	decides 'git log -1 --format=tformat:x --output=.ai/audit/2026-12-07.jsonl' deny
	decides 'git log --output=.ai/approvals/x' deny
	decides 'git diff --output=.ai/policy.yaml' deny
	decides 'git diff HEAD --output=.git/hooks/pre-push' deny
	decides 'git show -s --format=tformat:{} --output=.claude/settings.json' deny
	decides 'git -P log -1 --pretty=tformat:{} --output=.claude/settings.json' deny
	decides 'git whatchanged --output=.ai/audit/log' deny
	decides 'git log --output .ai/policy.yaml' deny
	decides 'git rev-list HEAD --output=.ai/policy.yaml' deny
	decides 'git shortlog HEAD --output=.claude/settings.json' deny
	decides 'git range-diff A...B --output=.ai/policy.yaml' deny
	decides 'git -C src log --output=../.ai/policy.yaml' deny
	decides 'git log --output ~/.bashrc' 'ask|deny'
	decides 'git log --output=/etc/cron.d/x' 'ask|deny'
}

@test "L6: git archive -o, format-patch -o, bundle create write the file or folder named" {
	decides 'git archive -o .ai/policy.yaml HEAD' deny
	decides 'git archive -o.claude/settings.json HEAD' deny
	decides 'git archive --output ~/.bashrc HEAD' 'ask|deny'
	decides 'git bundle create .ai/policy.yaml HEAD' deny
	decides 'git bundle create ~/.bashrc HEAD' 'ask|deny'
	decides 'git format-patch -o .claude HEAD~1' deny
	decides 'git format-patch --output-directory /etc HEAD~1' 'ask|deny'
}

@test "L6 user twins: output files in the project, and options that are no output" {
	decides 'git log --output=build/log.txt' allow
	decides 'git diff --output=build/changes.diff' allow
	decides 'git archive -o build/src.tar HEAD' allow
	decides 'git bundle create build/repo.bundle HEAD' allow
	decides 'git format-patch -o build/patches HEAD~1' allow
	decides 'git grep -o TODO' allow
	decides 'git log -- --output=x' allow
	decides 'git log --oneline -5' allow
}
