#!/usr/bin/env bats
# attack10 K6, K7, K8, K20, K21: commands run through settings and clients
# guard read only in part (a credential helper's plain value, psql's \copy
# ... program), git's file-location variables, copies from a folder made on
# the line, and file names in guard-scan's terminal report. Each attack is
# tried through the hook next to the everyday form it resembles.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "K7: a credential helper without ! runs as 'git credential-VALUE' through the shell" {
	[ "$(printf 'protocol=https\nhost=example.com\nusername=a\npassword=b\n\n' |
		git -c credential.helper='x; echo ran >&2 #' credential approve 2>&1 >/dev/null | grep -c ran)" = 1 ]
	decides "git -c credential.helper='x; rm -rf ~ #' fetch" deny
	decides "git -c credential.helper='x;rm -rf ~' fetch" deny
	decides "git -c credential.helper='\$(rm -rf ~)' fetch" deny
	decides "git -c credential.helper=' !rm -rf ~' fetch" deny
	decides "git -c credential.https://github.com.helper='x; rm -rf ~ #' ls-remote https://github.com/a/b" deny
	decides "git -c credential.helper='x; bash -c \"rm -rf ~\"' fetch https://github.com/a/b" deny
	decides "git -c credential.helper='x; git push -f origin +main #' credential approve" deny
	decides "git -c credential.helper='x; rm -f .ai/policy.yaml #' fetch" deny
	decides "git config credential.helper 'x; rm -rf ~'" deny
	decides "git -c tar.tgz.command='rm -rf ~' archive --format=tgz HEAD" deny
	decides "git -c guitool.x.cmd='rm -rf ~' gui" deny
	# the everyday helpers keep their verdict
	decides "git -c credential.helper=store fetch" allow
	decides "git -c credential.helper= -c credential.helper='cache --timeout=3600' fetch" allow
	decides "git -c credential.helper='!gh auth git-credential' ls-remote https://github.com/a/b" allow
	decides "git -c sendemail.smtpserver=smtp.example.com send-email --dry-run x" 'allow|ask'
}
