# bash completion for guard, guard-risk, guard-policy, guard-approve, guard-audit and guard-session
_guard() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "hook init explain doctor risk policy approve audit session help version" -- "$cur"))
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
_guard_session() {
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "start run track check end status list defer briefing plans --help --version" -- "${COMP_WORDS[COMP_CWORD]}"))
	else
		COMPREPLY=($(compgen -W "--task --id --json --summary --round --ratio --gate --reason --critique --plan resolve --as" -- "${COMP_WORDS[COMP_CWORD]}"))
	fi
}
_guard_approve() {
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "request list show status approve reject cancel wait gate expire keygen verify --help --version" -- "${COMP_WORDS[COMP_CWORD]}"))
	else
		COMPREPLY=($(compgen -W "--as --reason --json --status --tool --requester --risk --older-than --newer-than --limit --offset --timeout --force --all --command --input --cwd" -- "${COMP_WORDS[COMP_CWORD]}"))
	fi
}
_guard_audit() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "append log verify seal query stats export tail prune --tee --help --version" -- "$cur"))
	else
		COMPREPLY=($(compgen -W "--from --to --checkpoint --before --since --until --event --tool --risk --decision --session --actor --approval --csv --json --table --fsync --policy -n -f" -- "$cur"))
	fi
}
complete -F _guard guard
complete -F _guard_approve guard-approve
complete -F _guard_audit guard-audit
complete -F _guard_session guard-session
complete -F _guard_risk guard-risk
complete -F _guard_policy guard-policy
