#!/usr/bin/env bats
# attack10 K1, K2, K3, K13, K14, K15 (share/doc/trust.md, "How bash reads
# the line"): guard's lexer and bash disagreed on where a quote ends
# (a quote in a tilde prefix, $'\c' before the closing quote, $'\'' and
# backquotes inside (( )) and $(( ))), on what ${x@P} decodes and which
# variable a nameref names, and BASH_ALIASES[NAME]=VALUE was no alias.
# Each attacker form is tried through the hook next to its everyday twin;
# bash's own reading of the form is checked with a harmless command.

load helper

setup() {
	setup_guard
	guard init >/dev/null
}

@test "K1: a quote in a tilde prefix is a quote, the ~ stays literal; the line after it is rated" {
	[ "$(bash -c "printf '%s\n' ~'/x' ~root'/x'; echo ran #'")" = $'~/x\n~root/x\nran' ]
	decides ": ~'/'; rm -f .ai/policy.yaml; echo gone #'" deny
	decides "echo ~'/x' ; rm -rf ~ #'" deny
	decides ': ~"/"; rm -rf ~ #"' deny
	decides ": ~\$'/'; rm -rf ~ #'" deny
	decides ": ~root'/'; rm -rf ~ #'" deny
	decides ": ~+'/'; rm -rf ~ #'" deny
	decides ": ~-'/'; rm -rf ~ #'" deny
	decides "cd ~'/'; rm -rf ~ #'" deny
	decides ": ~'/'; git push --force origin +main #'" deny
	decides ": ~\\/; rm -rf ~ #" deny
	# the everyday forms
	decides "ls ~/'My Documents'" allow
	decides "ls ~'/x'" allow
	decides 'echo ~ ~/x' allow
	run guard-risk -c 'rm -rf ~/.ssh'
	[[ $output == *critical* ]]
}

@test "K1: after an alias, a ~/x operand stays one word with its home (nested parse)" {
	e=$'shopt -s expand_aliases; alias e=\'env \'\n'
	run guard-risk -c "${e}e rm -rf ~/nonexist /"
	[[ $output == *'"critical"'*'filesystem root'* ]]
	run guard-risk -c "${e}e rm -rf ~/.ssh"
	[[ $output == *'"critical"'* ]]
	run guard-risk -c "${e}e cp ~/.aws/credentials /tmp/x"
	[[ $output == *'"critical"'* ]]
	run guard-risk -c "${e}e mv ~/.claude /tmp/c"
	[[ $output == *'"critical"'* && $output != *"/home/'"* ]]
}

@test "K2: \$'\\c' before the closing quote keeps the \\c; the quote closes, the rest is rated" {
	[ "$(bash -c "printf '%s|' \$'\\c' \$'a\\c\\\\' ; echo ran #'" | od -An -c | tr -s ' ')" = "$(printf '\\c|a\034|ran\n' | od -An -c | tr -s ' ')" ]
	decides "echo \$'\\c' ; rm -f .ai/policy.yaml; echo gone #'" deny
	decides ": \$'\\c'; rm -rf ~ #'" deny
	decides ": \$'x\\c'; git push -f origin +main #'" deny
	decides "x=\$'\\c'; rm -rf ~ #'" deny
	decides ": \$'\\c\\\\' ; rm -rf ~ #'" deny
	decides ": \$'\\c\\'' ; rm -rf ~ #'" deny
	# the everyday forms: control characters and other escapes
	decides "printf %s \$'\\cA\\x41\\u00e9\\n\\047'" allow
	decides "echo \$'it\\'s'" allow
}

@test "K3: (( and \$(( quote as bash: \$'\\'' and backquotes inside decide subshell vs arithmetic" {
	[ "$(bash -c "echo \$(( \$'\\'' '))' ; echo ran ) ) #'" 2>/dev/null)" = ran ]
	[ "$(bash -c "(( \$'\\'' '))' ; echo ran ) ) #'" 2>/dev/null)" = ran ]
	[ "$(bash -c "(( \`'))'\` ; echo ran ) ) #\`" 2>/dev/null)" = ran ]
	decides "echo \$(( \$'\\'' '))' ; rm -f .ai/policy.yaml; echo gone >&2 ) ) #'" deny
	decides "echo \$(( \$'\\'' '))' ; rm -rf ~ ) ) #'" deny
	decides "echo \$(( \$'\\'' '))' ; guard-approve approve X ) ) #'" deny
	decides "echo \$(( \$'\\'' '))' ; git push -f origin +main ) ) #'" deny
	decides "(( \$'\\'' '))' ; rm -f .ai/policy.yaml; echo gone ) ) #'" deny
	decides "((x=\$'\\'' '))' ; rm -rf ~ ) ) #'" deny
	decides "(( \`'))'\` ; rm -rf ~ ) ) #\`" deny
	decides "echo \$(( \`'))'\` ; rm -rf ~ ) ) #\`" deny
	decides "echo \$(( \"\$(echo '))')\" ; rm -rf ~ ) ) #\"" deny
	# the everyday forms stay arithmetic
	decides 'x=3; echo $(( "$x" + 1 ))' allow
	decides 'x=3; ((y = "$x" + 1)); echo $y' allow
	decides 'echo $(( (2+3) * 4 ))' allow
	decides 'while ((i < 3)); do ((i++)); done' allow
}

@test "K14: \${x@P} and PS0..PS4 drop \\[ \\] before the substitutions run: they are rated" {
	[ "$(x='$\[(echo ran)' bash -c 'echo "${x@P}"')" = ran ]
	decides "x='\$\\[(rm -f .ai/policy.yaml; echo gone >&2)'; : \"\${x@P}\"" deny
	decides "x='\$\\[(rm -rf ~)'; : \"\${x@P}\"" deny
	decides "x='\$\\](rm -rf ~)'; : \"\${x@P}\"" deny
	decides "x='\$\\[\\](rm -rf ~)'; : \"\${x@P}\"" deny
	decides "x='\\[\`\\]rm -rf ~\`'; : \"\${x@P}\"" deny
	decides "PS0='\$\\[(rm -rf ~)'" deny
	decides "PS1='\\044(rm -rf ~)'; bash -i" deny
	decides "x='\$\\D{}(rm -rf ~)'; : \"\${x@P}\"" 'deny|ask'
	# the everyday prompts
	decides "export PS1='\\[\\e[32m\\]\\u@\\h \\D{%H:%M}\\[\\e[0m\\]\\\$ '" allow
	decides "x='\\u@\\h \\w'; echo \"\${x@P}\"" allow
}

@test "K15: a nameref (declare/typeset/local -n, any cluster, a later NAME=OTHER) is no known value" {
	[ "$(bash -c "y='\$(echo ran)'; declare -n x=y; echo \"\${x@P}\"")" = ran ]
	decides "y='\$(rm -f .ai/policy.yaml; echo gone >&2)'; declare -n x=y; : \"\${x@P}\"" 'deny|ask'
	decides "y='\$(rm -rf ~)'; declare -n x; x=y; : \${x@P}" 'deny|ask'
	decides "y='\$(rm -rf ~)'; declare -nr x=y; : \${x@P}" 'deny|ask'
	decides "y='\$(rm -rf ~)'; declare -gn x=y; : \${x@P}" 'deny|ask'
	decides "y='\$(rm -rf ~)'; declare -r -n x; x=y; : \${x@P}" 'deny|ask'
	decides "y='\$(rm -rf ~)'; typeset -n x; x=y; : \${x@P}" 'deny|ask'
	decides "y='\$(rm -rf ~)'; local -n x; x=y; : \${x@P}" 'deny|ask'
	# the everyday forms
	decides 'declare -r x=5; echo $x' allow
	decides 'declare x=hello; echo "${x@P}"' allow
}

@test "K13: BASH_ALIASES written in any spelling goes to a person; the alias builtin and reads of other arrays do not" {
	# bash's reading: an entry of BASH_ALIASES is an alias
	[ "$(bash -c $'shopt -s expand_aliases\nBASH_ALIASES[r]=\'echo\'\nr ran')" = ran ]
	decides $'shopt -s expand_aliases\nBASH_ALIASES[r]=\'bash -c\'\nr \'rm -f .a""i/policy.yaml\'' ask
	decides $'shopt -s expand_aliases\nBASH_ALIASES+=([r]=\'bash -c\')\nr \'touch x\'' ask
	decides $'shopt -s expand_aliases\ndeclare -A BASH_ALIASES=([r]=\'sh -c\')\nr \'touch x\'' ask
	decides $'shopt -s expand_aliases\nread "BASH_ALIASES[r]" <<< \'bash -c\'\nr \'touch x\'' ask
	decides $'shopt -s expand_aliases\nprintf -v \'BASH_ALIASES[r]\' %s \'bash -c\'\nr \'touch x\'' ask
	decides $'shopt -s expand_aliases\ndeclare -n a=BASH_ALIASES; a[r]=\'bash -c\'\nr \'touch x\'' ask
	# the everyday forms
	decides $'shopt -s expand_aliases\nalias ll=\'ls -l\'\nll' allow
	decides 'echo "${#BASH_VERSINFO[@]}"' allow
	decides 'echo "$BASH_ALIASES_FILE"' allow
}
