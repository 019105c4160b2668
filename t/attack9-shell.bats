#!/usr/bin/env bats
# attack9 J1, J2, J3, J5 (share/doc/trust.md, "How bash reads the line"):
# the shell lexer read four forms differently from bash, and the commands
# bash ran were not rated. ((cmd) ) is two subshells and $((cmd) ) a
# command substitution when no "))" closes them as arithmetic; a CR is a
# word character, so x\r# is a word and not a comment; ${x@P} expands x's
# value as a prompt, running its substitutions; an alias whose value ends
# in a blank makes bash alias-expand the next word too. Each is tried
# through the hook, next to the everyday form, and bash's own reading of
# the form is checked with a harmless command.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "J1: bash runs ((cmd) ) and \$((cmd) ) as commands; arithmetic stays arithmetic" {
	[ "$(bash -c '((echo ran) )')" = ran ]
	[ "$(bash -c 'echo $((echo ran) )')" = ran ]
	[ "$(bash -c 'echo $(( (1+2) * 3 ))')" = 9 ]
	decides '((rm -f .ai/policy.yaml; echo gone) )' deny
	decides '((rm -rf ~) )' deny
	decides 'for i in 1; do ((git push --force origin +main) ); done' deny
	decides 'echo "$((rm -f .ai/policy.yaml; echo gone) )"' deny
	decides 'echo $((rm -rf ~)|cat)' deny
	decides 'x=$((rm -rf ~);)' deny
	decides '((i = 1 + 2)) && echo $((i * 2))' allow
	decides 'while ((i < 3)); do ((i++)); done' allow
	decides 'echo $(( (2+3) * 4 ))' allow
}

@test "J2: a CR is a word character: x\\r# is no comment, what follows is rated" {
	[ "$(bash -c $'true\r#; echo ran' 2>/dev/null)" = ran ]
	decides $'echo x\r#; rm -f .ai/policy.yaml; echo gone' deny
	decides $'ls\r#|rm -rf ~' deny
	decides $'x=1\r#;git push --force origin +main' deny
	decides $'echo $(echo x\r#; rm -rf ~)' deny
	# a comment after a blank is still a comment; a heredoc ends only at its exact delimiter
	decides $'echo hi # note\r; rm -rf ~' allow
	decides $'cat <<EOF\nrm -rf ~\nEOF\r\nEOF\n' allow
	decides $'git status\r\ngit diff\r\n' allow
}

@test "J3: \${x@P} runs the substitutions in x's value; an unknown value is asked" {
	[ "$(bash -c $'x=\'$(echo ran)\'; echo "${x@P}"')" = ran ]
	decides "x='\$(rm -f .ai/policy.yaml; echo gone >&2)'; : \${x@P}" deny
	decides "x='\$(rm -rf ~)'; r=x; : \"\${!r@P}\"" deny
	decides "x='\\044(rm -rf ~)'; : \"\${x[@]@P}\"" deny
	decides "x=hi; printf -v x '%s' '\$(rm -rf ~)'; : \${x@P}" ask
	decides 'read -r x < f.txt; : "${x@P}"' ask
	decides "x='\$(date)'; echo \"\${x@Q}\" \"\${x@U}\" \"\${x@E}\"" allow
	decides "p='\\u@\\h:\\w\\\$ '; echo \"\${p@P}\"" allow
}

@test "J5: after an alias whose value ends in a blank, the next word is expanded too" {
	[ "$(bash -c $'shopt -s expand_aliases\nalias e=\'env \' r=\'echo\'\ne e r ran')" = ran ]
	local pre=$'shopt -s expand_aliases\n'
	decides "${pre}alias e='env ' r='bash -c'"$'\n'"e r 'rm -rf ~/victim'" ask
	decides "${pre}alias e='env '"$'\n'"e e e e rm -rf ~" deny
	decides "${pre}alias s='sudo '"$'\n'"s s rm -rf ~" deny
	decides "${pre}alias e='env ' r='x' x='rm -rf'"$'\n'"e r ~" deny
	decides "${pre}alias e='env ' l='ls -la'"$'\n'"e l" allow
	decides "${pre}alias e='env '"$'\n'"e ls" allow
}
