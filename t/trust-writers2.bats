#!/usr/bin/env bats
# The attacker's fifth pass on writers guard must read for (share/doc/trust.md
# section 2): config folders systemd-tmpfiles reads when given no config (F2),
# a known program run under another name (F13), guard's own program files
# given to an editor or a binary tool (F6), and scripts guard cannot read
# (F17). Each attack goes through the real hook of a scratch project made by
# `guard init`; where it is safe, the command is first run for real in a copy
# to show it does what the test says. The user's look-alikes sit beside them.

load helper

setup() {
	setup_guard
	T=$BATS_TEST_TMPDIR
	guard init >/dev/null
	[ -d .ai/audit ] || mkdir -p .ai/audit
	printf '{}\n' >.ai/audit/x.jsonl
}

# A copy of the project to run an attack in for real.
real_copy() {
	local copy=$T/real.$RANDOM
	cp -a "$PROJ" "$copy"
	echo "$copy"
}

@test "trust-writers2: systemd-tmpfiles with no config reads the folders the line points it at (F2)" {
	command -v systemd-tmpfiles >/dev/null || skip "systemd-tmpfiles not installed"
	# for real, in a copy: XDG_CONFIG_HOME moves the user's config folder into the project
	local copy
	copy=$(real_copy)
	mkdir -p "$copy/src/user-tmpfiles.d"
	printf 'R %s/.ai/audit\n' "$copy" >"$copy/src/user-tmpfiles.d/y.conf"
	(cd "$copy" && XDG_CONFIG_HOME=$copy/src systemd-tmpfiles --user --remove) || true
	[ ! -e "$copy/.ai/audit" ]
	# the same in this project, in every spelling of the variable
	mkdir -p src/user-tmpfiles.d
	printf 'R %s/.ai/audit\n' "$PROJ" >src/user-tmpfiles.d/y.conf
	decides 'XDG_CONFIG_HOME=$PWD/src systemd-tmpfiles --user --remove' deny
	[[ $REASON == *"src/user-tmpfiles.d/y.conf line 1"* ]]
	decides "env XDG_CONFIG_HOME=$PROJ/src systemd-tmpfiles --user --remove" deny
	decides "export XDG_CONFIG_HOME=$PROJ/src; systemd-tmpfiles --user --remove" deny
	decides "XDG_CONFIG_HOME=src systemd-tmpfiles --user --clean" deny
	decides "cd src && XDG_CONFIG_HOME=. systemd-tmpfiles --user --create" deny
	decides "XDG_DATA_HOME=$PROJ/src systemd-tmpfiles --user --remove" deny
	# getopt_long's abbreviations of the mode and of --user
	decides "XDG_CONFIG_HOME=src systemd-tmpfiles --us --rem" deny
	decides "XDG_CONFIG_HOME=src systemd-tmpfiles --u --cr" deny
	# HOME moved: ~/.config/user-tmpfiles.d is below it
	mkdir -p h/.config/user-tmpfiles.d
	printf 'r %s/.ai/policy.yaml\n' "$PROJ" >h/.config/user-tmpfiles.d/z.conf
	decides "HOME=$PROJ/h systemd-tmpfiles --user --remove" deny
	# --root: the system folders are read below it
	mkdir -p etc/tmpfiles.d
	printf 'f+ /.ai/policy.yaml - - - - rules: []\n' >etc/tmpfiles.d/a.conf
	decides "systemd-tmpfiles --create --root=." deny
	decides "systemd-tmpfiles --create --root $PROJ" deny
}

@test "trust-writers2: systemd-tmpfiles writing with no config operand is asked; the user's own configs are read (F2)" {
	# nothing guard can see: the configs it applies may have been written by an earlier call
	for m in --remove --create --clean --purge; do
		decides "systemd-tmpfiles --user $m" ask
		[[ $REASON == *"with no config file"* ]]
	done
	decides "systemd-tmpfiles --create" ask
	decides 'XDG_CONFIG_HOME=$X systemd-tmpfiles --user --remove' ask
	decides "export XDG_CONFIG_HOME=\$(mktemp -d); systemd-tmpfiles --user --remove" ask
	# a config in the user's folder written by an earlier call is read now
	mkdir -p "$HOME/.config/user-tmpfiles.d"
	printf 'R %s/.ai\n' "$PROJ" >"$HOME/.config/user-tmpfiles.d/e.conf"
	decides "systemd-tmpfiles --user --remove" deny
	decides "systemd-tmpfiles --user --pu" deny
	# --replace: the folders are read beside the config given
	printf 'd %s/scratch 0755 - - -\n' "$T" >"$T/ok.conf"
	decides "systemd-tmpfiles --user --remove --replace=$HOME/.config/user-tmpfiles.d/e.conf $T/ok.conf" deny
	# the user's: no writing mode, read-only verbs, a config given that names scratch paths
	decides "systemd-tmpfiles --cat-config" allow
	decides "systemd-tmpfiles --user --cat-config" allow
	decides "systemd-tmpfiles --user" allow
	decides "systemd-tmpfiles --help" allow
	decides "systemd-tmpfiles --create $T/ok.conf" allow
}

@test "trust-writers2: a config on stdin (-, /dev/stdin) is read from the file redirected in (F2)" {
	printf 'R %s/.ai/audit\n' "$PROJ" >src/t.conf
	printf '%s/.ai/audit/*.jsonl {\n  rotate 0\n}\n' "$PROJ" >src/lr.conf
	decides "systemd-tmpfiles --remove - < src/t.conf" deny
	decides "systemd-tmpfiles --remove /dev/stdin < src/t.conf" deny
	decides "systemd-tmpfiles --remove /dev/fd/0 < src/t.conf" deny
	decides "logrotate - < src/lr.conf" deny
	decides "logrotate /dev/stdin < src/lr.conf" deny
	# what guard cannot read on stdin is asked
	decides "cat src/lr.conf | logrotate -" ask
	decides "logrotate - < \"\$CONF\"" ask
	# logrotate with no config does nothing; -d changes nothing
	decides "logrotate" allow
	decides "logrotate -d /etc/logrotate.conf" allow
}

@test "trust-writers2: a known program copied or linked under another name is rated as that program (F13)" {
	printf 'R %s/.ai/audit\n' "$PROJ" >src/t1.conf
	# for real, in a copy: a symlink to rm and a glob remove guard's folder
	local copy
	copy=$(real_copy)
	ln -s "$(command -v rm)" "$copy/src/del"
	(cd "$copy" && src/del -rf .a[i])
	[ ! -e "$copy/.ai" ]
	# made in an earlier call (allowed then), run in a later one
	ln -s "$(command -v rm)" src/del2
	decides 'src/del2 -rf .a[i]' deny
	[[ $REASON == *"rm"* ]]
	decides './src/del2 -rf .ai' deny
	cp "$(command -v rm)" src/del3
	decides 'src/del3 -rf .a[i]' deny
	# a copy named as an everyday reader is still what its bytes are
	cp "$(command -v rm)" src/ls
	decides 'src/ls -rf .a[i]' deny
	# a hard link, where the file system allows one
	if ln "$(command -v rm)" src/del4 2>/dev/null; then
		decides 'src/del4 -rf .a[i]' deny
	else
		echo "# no hard link across file systems here: that spelling is not tried" >&3
	fi
	# a copy found on PATH under a name guard does not know
	mkdir -p "$T/tools"
	cp "$(command -v rm)" "$T/tools/zap"
	PATH=$T/tools:$PATH decides 'zap -rf .a[i]' deny
	if ! command -v systemd-tmpfiles >/dev/null; then
		echo "# systemd-tmpfiles not installed: its renamed copy is not tried" >&3
	else
		cp "$(command -v systemd-tmpfiles)" src/tf2
		decides './src/tf2 --remove src/t1.conf' deny
		[[ $REASON == *"src/t1.conf line 1"* ]]
		decides 'src/tf2 --user --remove' ask
		ln -s "$(command -v systemd-tmpfiles)" src/tf
		decides 'src/tf --remove src/t1.conf' deny
	fi
}

@test "trust-writers2: the user's programs under other names stay as they were (F13)" {
	cp "$(command -v ls)" src/myls
	decides 'src/myls -la' allow
	ln -s "$(command -v python3)" src/py
	decides 'src/py -c "print(1)"' allow
	printf '#!/bin/sh\necho built\n' >src/build.sh
	chmod +x src/build.sh
	decides './src/build.sh' allow
	decides "$(command -v python3) -c 'print(1)'" allow
	decides "$(command -v git) status" allow
	# a program of the agent's own (no known program's bytes) is rated by its path, as before
	{ cat "$(command -v ls)"; echo extra; } >src/app
	chmod +x src/app
	decides './src/app --version' allow
}

@test "trust-writers2: editors and binary tools on guard's own program are denied like on its policy (F6)" {
	command -v ed >/dev/null || skip "ed not installed"
	# guard installed in a scratch folder, the hook run from there (as the attacker did)
	local g=$T/gbin c copy
	mkdir -p "$g"
	cp "$GUARD_BIN"/guard* "$g/"
	# for real, on another copy: ed rewrites the program in place, and the hook is gone
	copy=$T/gbin2
	mkdir -p "$copy"
	cp "$GUARD_BIN/guard" "$copy/"
	printf '1,$d\na\n#!/bin/sh\nexit 0\n.\nw\nq\n' | ed -s "$copy/guard" >/dev/null 2>&1 || true
	[ "$(head -c 9 "$copy/guard")" = '#!/bin/sh' ]
	printf '1,$d\n' >src/edscript
	HOOK=$g/guard
	for c in \
		"printf '1,\$d\\nw\\nq\\n' | ed -s $g/guard" \
		"ed -s $g/guard-githook" \
		"ed -s $g/guard < src/edscript" \
		"ex -s -c '%d' -c wq $g/guard" \
		"vim -es -c '%d' -c wq $g/guard" \
		"vi -e $g/guard-risk" \
		"nvim --headless -c wq $g/guard" \
		"emacs --batch $g/guard -f save-buffer" \
		"patchelf --set-interpreter /tmp/x $g/guard" \
		"chrpath -r /tmp $g/guard" \
		"elfedit --output-osabi=none $g/guard" \
		"execstack -s $g/guard" \
		"upx $g/guard" \
		"hexedit $g/guard" \
		"setfattr -n user.x -v 1 $g/guard" \
		"truncate -s0 $g/guard-git" \
		"shred -u $g/guard" \
		"dd of=$g/guard if=/dev/zero count=1" \
		"frobnicate $g/guard" \
		"frobnicate --output=$g/guard-githook" \
		"ed -s $g/gu?rd" \
		"ed -s $g/gu[a]rd-githook" \
		"cd $g && ed -s guard" \
		"nice ed -s $g/guard"; do
		decides "$c" deny || return 1
	done
	decides "frobnicate $g/guard" deny
	[[ $REASON == *"guard's program"* ]]
	# its name listed by a reader and fed to a writer
	decides "ls $g/guard | xargs ed -s" deny
	# read-only uses and running it stay allowed; a file beside them is not guard's
	for c in "ls -l $g/guard" "file $g/guard" "sha256sum $g/guard-githook" "readelf -h $g/guard" \
		"objdump -d $g/guard" "ldd $g/guard" "cmp $g/guard $GUARD_BIN/guard" "$g/guard explain ls" \
		"gdb --args $g/guard explain ls" "frobnicate $g/notes.txt" "ed -s src/edscript"; do
		decides "$c" allow || return 1
	done
	# gdb that writes the file is a writer
	decides "gdb --write -batch -ex 'set {char}0=0' $g/guard" deny
}

@test "trust-writers2: a script or Makefile too big to read, run by path or by make, is asked (F17)" {
	{ printf '#!/bin/sh\nrm -rf .ai\n'; head -c 300000 /dev/zero | tr '\0' '#'; echo; } >src/big.sh
	{ printf 'rm -rf .ai\n'; head -c 300000 /dev/zero | tr '\0' '#'; echo; } >src/big2.sh
	chmod +x src/big.sh src/big2.sh
	# for real, in a copy: the script does what its first line says
	local copy
	copy=$(real_copy)
	(cd "$copy" && ./src/big.sh)
	[ ! -e "$copy/.ai" ]
	for c in ./src/big.sh src/big.sh "$PROJ/src/big.sh" ./src/big2.sh 'bash src/big.sh' 'sh src/big2.sh' \
		'. src/big.sh'; do
		decides "$c" ask || return 1
	done
	decides ./src/big.sh ask
	[[ $REASON == *"cannot read now"* ]]
	mkdir -p mk
	# a Makefile of 300 KB is read whole (guard_risk_make.c reads up to 4 MiB): its recipe is denied
	{ printf 'deploy:\n\trm -rf .ai\n'; head -c 300000 /dev/zero | tr '\0' '#'; echo; } >mk/Makefile
	decides 'make -C mk deploy' deny
	# one over 4 MiB is not read: asked
	{ printf 'deploy:\n\trm -rf .ai\n'; head -c 4400000 /dev/zero | tr '\0' '#'; echo; } >mk/Makefile
	decides 'make -C mk deploy' ask
	[[ $REASON == *"Makefile"* ]]
	decides 'cd mk && make deploy' ask
	decides 'make -f mk/Makefile deploy' ask
	# the user's: a small script and Makefile are read, a big binary of the agent's own is run as before
	printf '#!/bin/sh\necho ok\n' >src/ok.sh
	chmod +x src/ok.sh
	printf 'all:\n\techo ok\n' >Makefile
	decides ./src/ok.sh allow
	decides make allow
	{ cat "$GUARD_BIN/guard-risk"; echo own; } >src/app
	chmod +x src/app
	[ "$(stat -c %s src/app)" -gt 262144 ]
	decides ./src/app allow
}

@test "trust-writers2: a script run by path with a NUL byte after its first line is read, not taken for a binary (F17)" {
	printf 'rm -rf .ai\n\0\0\n' >src/nul.sh
	printf '#!/bin/sh\nrm -rf .ai\n\0\n' >src/nul2.sh
	chmod +x src/nul.sh src/nul2.sh
	# for real, in a copy: the shell runs the text before the NUL
	local copy
	copy=$(real_copy)
	(cd "$copy" && bash -c ./src/nul.sh) || true
	[ ! -e "$copy/.ai" ]
	decides ./src/nul.sh 'ask|deny'
	decides src/nul2.sh 'ask|deny'
	# a program the kernel loads stays a binary
	cp "$(type -P true)" src/mytrue
	decides ./src/mytrue allow
}

@test "trust-writers2: a script read from a FIFO, a device or an open descriptor is asked (F17)" {
	mkfifo src/ff
	for c in 'bash src/ff' 'sh src/ff' 'source src/ff' '. src/ff' 'bash /dev/fd/3' 'bash /proc/self/fd/4' \
		'sh < src/ff'; do
		decides "$c" ask || return 1
	done
	decides 'bash src/ff' ask
	[[ $REASON == *"FIFO, device or open descriptor"* ]]
	# the user's: stdin, /dev/null and a plain script stay as they were
	printf 'echo ok\n' >src/ok.sh
	decides 'bash src/ok.sh' allow
	decides 'bash /dev/stdin <<< "echo ok"' allow
	decides 'bash /dev/null' allow
}
