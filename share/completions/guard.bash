# bash completion for guard, guard-risk and guard-policy
_guard() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "hook init explain doctor risk policy help version" -- "$cur"))
	elif [ "${COMP_WORDS[1]}" = hook ] && [ "$COMP_CWORD" -eq 2 ]; then
		COMPREPLY=($(compgen -W "claude gemini codex" -- "$cur"))
	fi
}
_guard_risk() {
	COMPREPLY=($(compgen -W "--command --explain --cwd --policy --agent --help --version" -- "${COMP_WORDS[COMP_CWORD]}"))
}
_guard_policy() {
	COMPREPLY=($(compgen -W "--check --command --validate --layer --policy --profile --agent --help --version test" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -F _guard guard
complete -F _guard_risk guard-risk
complete -F _guard_policy guard-policy
