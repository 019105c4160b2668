# fish completion for guard-git
set -l verbs install uninstall hook base check help
complete -c guard-git -f
complete -c guard-git -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard-git -l uninstall
complete -c guard-git -l base -x -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"
complete -c guard-git -l head -x -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"
complete -c guard-git -l branch -x
complete -c guard-git -l json
complete -c guard-git -l format -x -a "text json github"
complete -c guard-git -s h -l help
