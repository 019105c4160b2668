#!/usr/bin/env bats
# attack11 L1, L9 (share/doc/trust.md, variables set out of sight): bash
# assigns variables in ways no word spells as NAME=VALUE: for/select loop
# names, arithmetic ((( )), $(( )), let, the subscripts test -v and [[ -v ]]
# evaluate), mapfile/readarray, getopts, ${NAME:=WORD}, declare -n NAME=OTHER.
# The parser lists them (one answer to "does this line set NAME"); the
# agent's markers, git's and the loader's variables, BASH_ALIASES and the
# prompts are rated as the plain assignment is. A prompt (PS0-PS4) set to
# a value guard does not know (read, $(..) kept in a variable, $1, a
# nameref) is high: bash expands it, running its $( ). Each next to the
# everyday form.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "L9: for, arithmetic, mapfile, getopts, \${:=} and declare -n setting CLAUDECODE are denied" {
	# bash really assigns in each of these
	[ "$(bash -c 'let X=0; echo $X')" = 0 ]
	[ "$(bash -c 'for X in 7; do :; done; echo $X')" = 7 ]
	[ "$(bash -c '[[ -v a[$((X=3))] ]]; echo $X')" = 3 ]
	[ "$(bash -c ': ${X:=5}; echo $X')" = 5 ]
	decides 'let CLAUDECODE=0; git commit -qam x' deny
	decides 'let GEMINI_CLI++; git commit -qam x' deny
	decides '((CLAUDECODE=0)); git push -q origin main' deny
	decides ': $((CLAUDECODE=0)); git commit -m x' deny
	decides 'x=$[CLAUDECODE=0]; git commit -m x' 'deny|ask'
	decides 'for CLAUDECODE in 0; do git commit -qam x; done' deny
	decides 'for CLAUDECODE in ""; do git push origin main; done' deny
	decides 'select CLAUDECODE in 0; do git commit -m x; break; done <<< 1' deny
	decides 'for ((CLAUDECODE=0; 0; )); do :; done; git commit -m x' deny
	decides 'mapfile CLAUDECODE < /dev/null; git commit -m x' deny
	decides 'readarray -t CLAUDECODE < /dev/null; git commit -m x' deny
	decides 'getopts a CLAUDECODE; git commit -m x' deny
	decides 'test -v "a[\$((CLAUDECODE=0))]"; git commit -m x' deny
	decides '[[ -v a[$((CLAUDECODE=0))] ]]; git commit -m x' deny
	decides "[[ -v 'a[CLAUDECODE=0]' ]]; git commit -m x" deny
	decides ': ${CLAUDECODE:=0}; git commit -m x' deny
	decides ': ${GEMINI_CLI=0}; git commit -m x' deny
	decides 'declare -n CLAUDECODE=y; git commit -m x' deny
	# everyday: loops, counters and defaults of the agent's own variables
	decides 'for i in 1 2 3; do echo $i; done' allow
	decides 'for ((i=0; i<3; i++)); do echo $i; done' allow
	decides 'let i=i+1; echo $i' allow
	decides '((count++)); echo $count' allow
	decides 'echo $((x=5+3))' allow
	decides '(( a == b )) && git commit -m x' allow
	decides 'mapfile -t lines < /dev/null; echo "${lines[@]}"' allow
	decides 'while getopts "ab:" opt; do echo $opt; done' allow
	decides ': ${FOO:=bar}; echo $FOO' allow
	decides 'for x in a b; do git commit -m "$x"; done' allow
	decides '[[ -v arr[1] ]] && echo yes' allow
}

@test "L9: HOME, PATH, LD_PRELOAD, GIT_DIR, BASH_ENV, git's commands set by a loop or arithmetic" {
	decides 'for HOME in /tmp/h; do git commit -qam x; done' deny
	decides 'for HOME in /tmp/h; do git push -q origin main; done' deny
	decides 'for GIT_DIR in /tmp/x; do git status; done' deny
	decides 'for LD_PRELOAD in /tmp/x.so; do ls; done' 'deny|ask'
	decides 'let LD_PRELOAD=1; ls' 'deny|ask'
	decides ': ${LD_PRELOAD:=/tmp/x.so}; ls' 'deny|ask'
	decides 'for BASH_ENV in /tmp/none; do bash -c :; done' 'deny|ask'
	decides "for GIT_SSH_COMMAND in 'rm -rf ~'; do git fetch; done" deny
	decides "for PAGER in 'rm -rf ~'; do git log; done" deny
	decides "for BASH_ALIASES[r] in 'rm -rf'; do :; done" 'deny|ask'
	decides "(( BASH_ALIASES[r]=1 )); r" 'deny|ask'
	run guard-risk -c 'for PATH in /tmp/evil; do ls; done'
	[[ $output == *'"medium"'* ]]
	run guard-risk -c 'mapfile -t PATH <<< /tmp/evil; ls'
	[[ $output == *'"medium"'* ]]
	# everyday: a loop over folders, a variable named like one
	decides 'for d in src t; do ls $d; done' allow
	decides 'for HOME_DIR in /tmp; do echo $HOME_DIR; done' allow
}

@test "L1: a prompt set to a value guard does not know is asked; a literal one is rated as the command it runs" {
	# bash runs the $( ) of a prompt a loop set
	run bash -c "for PS4 in '\$(echo RAN >&2)'; do set -x; :; done"
	[[ $output == *RAN* ]]
	printf '%s\n' '$(rm -f .ai/policy.yaml)' > "$BATS_TEST_TMPDIR/f"
	decides "read -r z < $BATS_TEST_TMPDIR/f; PS4=\$z; set -x; :" 'deny|ask'
	decides "printf -v PS4 %s \"\$(cat $BATS_TEST_TMPDIR/f)\"; set -x; :" 'deny|ask'
	decides "z=\$(cat $BATS_TEST_TMPDIR/f); PS4=\$z; set -x; :" 'deny|ask'
	decides 'PS4=$1; set -x; :' 'deny|ask'
	decides 'export PS4="$z"; set -x; :' 'deny|ask'
	decides "y='\$(rm -f .ai/policy.yaml)'; declare -n x=y; PS4=\$x; set -x; :" 'deny|ask'
	decides "y='\$(rm -rf ~)'; declare -n x=y; export PS4=\"\$x\"; bash -xc :" 'deny|ask'
	decides "for x in '\$(rm -rf ~)'; do PS4=\$x; set -x; :; done" 'deny|ask'
	decides 'for PS3 in "$@"; do :; done' 'deny|ask'
	# a literal value on the line: rated as the command it runs
	decides "y='\$(rm -f .ai/policy.yaml)'; declare -n PS4=y; set -x; :" deny
	decides "for PS4 in '\$(rm -rf ~)'; do set -x; :; done" deny
	decides "select PS4 in '\$(rm -rf ~)'; do set -x; :; break; done <<< 1" deny
	decides ': ${PS4:=$(rm -rf ~)}' deny
	decides "for PROMPT_COMMAND in 'rm -rf ~'; do bash -i; done" deny
	# everyday prompts
	decides "export PS1='\\u@\\h:\\w\\$ '" allow
	decides "PS4='+ \${BASH_SOURCE}:\${LINENO}: '; set -x; ls" allow
	decides "for PS4 in '+ '; do set -x; ls; done" allow
	# PS0-PS2 only an interactive bash shows: a value kept from the environment is noted, not asked
	decides 'PS1="(.venv) ${PS1:-}"; export PS1' allow
	decides 'export PS1="$z"' allow
	[[ "$(guard-risk -c 'export PS1="$z"' | jq -r '.reasons[0]')" == *"when interactive"* ]]
}

@test "everyday: a virtualenv's activate script is sourced without asking; functions and groups holding if/while parse" {
	mkdir -p .venv/bin
	# the shape of python3 -m venv's bin/activate (Debian 12)
	cat >.venv/bin/activate <<'A'
deactivate () {
    if [ -n "${_OLD_VIRTUAL_PATH:-}" ] ; then
        PATH="${_OLD_VIRTUAL_PATH:-}"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    hash -r 2> /dev/null
    if [ -n "${_OLD_VIRTUAL_PS1:-}" ] ; then
        PS1="${_OLD_VIRTUAL_PS1:-}"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV
    if [ ! "${1:-}" = "nondestructive" ] ; then
    # Self destruct!
        unset -f deactivate
    fi
}
deactivate nondestructive
VIRTUAL_ENV="$PWD/.venv"
export VIRTUAL_ENV
_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/bin:$PATH"
export PATH
if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT:-}" ] ; then
    _OLD_VIRTUAL_PS1="${PS1:-}"
    PS1="(.venv) ${PS1:-}"
    export PS1
fi
hash -r 2> /dev/null
A
	decides '. .venv/bin/activate && python3 -m pytest -q' allow
	decides 'source .venv/bin/activate; pip install -r requirements.txt' allow
	# a group or function body holding if/while ends at its brace (it was "missing '}'": high)
	decides '{ if true; then ls; fi; }' allow
	decides 'f() { while read -r l; do echo "$l"; done < README.md; }; f' allow
	run guard-risk -c '{ if true; then ls; fi }'
	[ "$(jq -r .level <<<"$output")" = low ]
	# what such a body runs is rated as before
	decides 'f() { if true; then rm -rf ~; fi; }; f' deny
	decides '{ while true; do rm -f .ai/policy.yaml; done; }' deny
}
