#!/usr/bin/env bats
# attack12 M13, M16, M14, M31 (share/doc/attack12-findings.md): text a line
# prints and then runs or splits, read as the program that prints it does.
# printf/echo -e's \u and \U escapes (\u0 is a NUL, \u0072 an r); echo and
# printf through a wrapper (env, command, stdbuf, busybox) and through tee
# and cat on the way to a shell or xargs -0. Each next to the everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "M13: a NUL spelled \\u0000, \\U00000000, \\u0, \\u00 in printf, %b and echo -e is a NUL" {
	decides "printf 'r\\u0000m -rf ~' | sh" deny
	decides "printf 'r\\u00m -rf ~' | sh" deny
	decides "printf 'r\\u0m -rf ~' | sh" deny
	decides "printf 'r\\U00000000m -rf ~' | bash" deny
	decides "printf 'r\\U0m -rf ~' | bash" deny
	decides "echo -e 'r\\u0000m -rf ~' | sh" deny
	decides "echo -ne 'r\\u0m -rf ~' | dash" deny
	decides "printf '%b' 'r\\u0000m -rf ~' | sh" deny
	decides "eval \"\$(printf 'r\\u0000m -rf ~')\"" deny
	decides "sh -c \"\$(printf 'r\\u0000m -rf ~')\"" deny
	decides "\$(printf 'r\\u0000m') -rf ~" deny
	decides "printf 'rm -rf ~\\u0000' | xargs -0 sh -c" deny
	decides "printf 'rm -rf ~\\x0' | xargs -0 sh -c" deny
	decides "printf 'rm -rf ~\\00' | xargs -0 sh -c" deny
	run guard-risk -c "printf 'r\\u0000m -rf ~' | sh"
	[[ $output == *"removes the home directory"* ]]
}

@test "M13: \\u and \\U spell any character, not only a NUL" {
	decides "printf '\\u0072m -rf ~' | sh" deny
	decides "printf '\\U00000072\\u006d -rf ~' | bash" deny
	decides "echo -e '\\u72m -rf ~' | sh" deny
	decides "printf '%b' 'git push -f origin +mai\\u006e' | sh" '(ask|deny)'
}

@test "M13 user twins: \\u in text printed, a NUL-separated list" {
	decides "printf 'caf\\u00e9\\n'" allow
	decides "echo -e 'na\\u00efve \\U0001F600'" allow
	decides "printf 'caf\\u00e9\\n' | sort" allow
	decides "echo -e 'echo caf\\u00e9' | sh" allow
	decides "printf 'a\\u0000b' | xargs -0 echo" allow
	decides "printf 'a\\0b' | xargs -0 echo" allow
	decides "printf 'src/a.c\\u0000src/b.c\\u0000' | xargs -0 wc -l" allow
	# \u with no hex digit is no escape: the text as written
	decides "printf 'a\\uzb\\n' | cat" allow
}

@test "M16: printf and echo through a wrapper, tee or cat into a shell or xargs -0: read, denied" {
	decides "env printf 'r\\0m -rf ~' | sh" deny
	decides "env LC_ALL=C printf 'r\\0m -rf ~' | sh" deny
	decides "command printf 'r\\0m -rf ~' | sh" deny
	decides "builtin printf 'r\\0m -rf ~' | sh" deny
	decides "busybox printf 'r\\0m -rf ~' | sh" deny
	decides "stdbuf -o0 printf 'r\\0m -rf ~' | sh" deny
	decides "stdbuf -o L printf 'r\\0m -rf ~' | sh" deny
	decides "nice -n 5 printf 'r\\0m -rf ~' | sh" deny
	decides "timeout 5 printf 'r\\0m -rf ~' | sh" deny
	decides "env echo -e 'r\\0m -rf ~' | sh" deny
	decides "/usr/bin/env /usr/bin/printf 'r\\0m -rf ~' | sh" deny
	decides "printf 'r\\0m -rf ~' | tee x.sh | sh" deny
	decides "printf 'r\\0m -rf ~' | tee -a x.sh | sh" deny
	decides "printf 'r\\0m -rf ~' | cat | sh" deny
	decides "printf 'r\\0m -rf ~' | cat - | bash" deny
	decides "printf 'r\\0m -rf ~' | cat | tee y | cat | sh" deny
	decides "printf 'rm -rf ~\\0' | cat | xargs -0 sh -c" deny
	decides "env printf 'rm -rf ~\\0' | xargs -0 sh -c" deny
	decides "printf 'rm -rf ~\\0' | tee log | xargs -0 bash -c" deny
	decides "cat <<< 'rm -rf ~' | sh" deny
}

@test "M16 user twins: wrappers, tee and cat on everyday pipes" {
	decides "env LC_ALL=C printf '%s\\n' b a | sort" allow
	decides "printf 'echo hi\\n' | tee log | sh" allow
	decides "printf 'echo hi\\n' | cat | sh" allow
	decides "printf 'build/a.o\\0' | cat | xargs -0 rm -f" allow
	decides "env printf 'a.txt\\0b.txt\\0' | xargs -0 ls -l" allow
	decides "command printf '%s\\0' src/a.c | xargs -0 wc -l" allow
	# cat -v shows a NUL as ^@: the text is not passed on as it is
	decides "printf 'a\\0b' | cat -v" allow
}

@test "M31: interpreters' copy, rename and link calls write their destination" {
	decides "python3 -c 'import shutil; shutil.copy(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "python3 -c 'import shutil; shutil.copy2(\"x\", \".claude/settings.json\")'" deny
	decides "python3 -c 'import shutil; shutil.copyfile(\"x\", \"$HOME/.gitconfig\")'" '(ask|deny)'
	decides "python3 -c 'from shutil import copy; copy(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "python3 -c 'import os; os.rename(\"x\", \".git/config\")'" '(ask|deny)'
	decides "python3 -c 'import os; os.replace(\"x\", \".ai/x\")'" '(ask|deny)'
	decides "python3 -c 'import os; os.symlink(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "python3 -c 'import os; os.link(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "python3 -c 'import os; os.open(\".git/config\", os.O_WRONLY | os.O_CREAT)'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\"x\").rename(\".git/config\")'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\"x\").replace(\".ai/x\")'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\".git/config\").symlink_to(\"/tmp/evil\")'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\".ai/x\").hardlink_to(\"y\")'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\".ai/x\").touch()'" '(ask|deny)'
	decides "python3 -c 'from pathlib import Path; Path(\".ai/x\").write_bytes(b\"x\")'" '(ask|deny)'
	decides "node -e 'require(\"fs\").copyFileSync(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "node -e 'const fs = require(\"fs\"); fs.renameSync(\"x\", \".git/config\")'" '(ask|deny)'
	decides "node -e 'const fs = require(\"fs\"); fs.symlinkSync(\"/tmp/evil\", \".ai/x\")'" '(ask|deny)'
	decides "node -e 'require(\"fs\").appendFileSync(\".git/config\", \"x\")'" '(ask|deny)'
	decides "ruby -e 'File.rename(\"x\", \".git/config\")'" '(ask|deny)'
	decides "ruby -e 'require \"fileutils\"; FileUtils.cp(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "ruby -e 'require \"fileutils\"; FileUtils.ln_s(\"/tmp/evil\", \".ai/x\")'" '(ask|deny)'
	decides "perl -e 'rename(\"x\", \".git/config\")'" '(ask|deny)'
	decides "perl -e 'symlink(\"/tmp/evil\", \".ai/x\")'" '(ask|deny)'
	decides "perl -e 'use File::Copy; copy(\"/tmp/evil\", \".git/config\")'" '(ask|deny)'
	decides "perl -e 'use File::Copy; move(\"x\", \".claude/settings.json\")'" deny
}

@test "M31 user twins: copies and renames in the project, str.replace, copy.copy" {
	decides "python3 -c 'import shutil; shutil.copy(\"a\", \"b\")'" allow
	decides "python3 -c 'import os; os.rename(\"build/a\", \"build/b\")'" allow
	decides "python3 -c 'import os; os.open(\"README.md\", os.O_RDONLY)'" allow
	decides "python3 -c 'from pathlib import Path; Path(\"a\").rename(\"b\")'" allow
	decides "python3 -c 'print(\"a.b\".replace(\".\", \"/\"))'" allow
	decides "python3 -c 'import copy; print(copy.copy({}))'" allow
	decides "node -e 'require(\"fs\").copyFileSync(\"a\", \"b\")'" allow
	decides "ruby -e 'require \"fileutils\"; FileUtils.cp(\"a\", \"b\")'" allow
	decides "perl -e 'use File::Copy; copy(\"a\", \"b\")'" allow
}

@test "M14: echo's escapes read as zsh, sh (dash) and bash's xpg_echo print them" {
	decides "shopt -s xpg_echo; echo 'r\\0m -rf ~' | sh" deny
	decides "echo 'r\\0m -rf ~' | sh" deny
	decides "echo 'r\\x00m -rf ~' | bash" deny
	decides "sh -c \"echo 'r\\0m -rf ~' | sh\"" deny
	decides "dash -c \"echo 'r\\0m -rf ~' | dash\"" deny
	decides "zsh -c \"echo 'r\\0m -rf ~' | bash\"" deny
	decides "echo -E 'r\\0m -rf ~' | sh" deny
	decides "echo 'rm -rf ~\\0' | xargs -0 sh -c" deny
	decides "env echo 'r\\0m -rf ~' | tee x | sh" deny
	run guard-risk -c "echo 'r\\0m -rf ~' | sh"
	[[ $output == *"removes the home directory"* ]]
}

@test "M14 user twins: echo with backslashes into a shell or xargs" {
	decides "echo 'echo hi' | sh" allow
	decides "echo 'printf \"a\\tb\\n\"' | sh" allow
	decides "echo 'echo a\\\\b' | sh" allow
	decides "echo 'a\\0b' | xargs -0 echo" allow
	decides "echo 'src/a.c' | xargs wc -l" allow
	decides "echo 'echo done\\c' | sh" allow
}
