# fish completion for guard-session
set -l verbs start run track check end status list defer briefing plans help
complete -c guard-session -f
complete -c guard-session -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard-session -s t -l task -x
complete -c guard-session -s i -l id -x
complete -c guard-session -s j -l json
complete -c guard-session -l summary -x
complete -c guard-session -l round -x
complete -c guard-session -l ratio -x
complete -c guard-session -l gate -x -a "pass fail na"
complete -c guard-session -l reason -x -a "stall rounds gate"
complete -c guard-session -l critique -x
complete -c guard-session -l plan -r -F -d "the plan file"
complete -c guard-session -l as -x -a "revised proceed keep discard"
complete -c guard-session -s h -l help
complete -c guard-session -l table
