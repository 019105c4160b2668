# fish completion for guard-scan
set -l verbs files staged range stdin tool-input rules help
complete -c guard-scan -n "not __fish_seen_subcommand_from $verbs" -f -a "$verbs"
complete -c guard-scan -l format -x -a "table jsonl sarif github"
complete -c guard-scan -l baseline -r -F
complete -c guard-scan -l write-baseline -r -F
complete -c guard-scan -l path -x
complete -c guard-scan -s h -l help
complete -c guard-scan -l table
