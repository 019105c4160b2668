# fish completion for guard-git
set -l verbs install uninstall hook base check reviewers cleanup help
complete -c guard-git -f
complete -c guard-git -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard-git -l uninstall
complete -c guard-git -l base -x -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"
complete -c guard-git -l head -x -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"
complete -c guard-git -l branch -x
complete -c guard-git -l json
complete -c guard-git -l format -x -a "text json github gh"
complete -c guard-git -l check
complete -c guard-git -l dry-run
complete -c guard-git -l labels -x
complete -c guard-git -l pr-body -r -F
complete -c guard-git -l prs -r -F
complete -c guard-git -s h -l help
complete -c guard-git -l table
