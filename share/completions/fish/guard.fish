# fish completion for guard
set -l verbs hook init explain doctor version help risk policy approve audit session git
complete -c guard -f
complete -c guard -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard -n "__fish_seen_subcommand_from hook" -a "claude gemini codex"
complete -c guard -n "__fish_seen_subcommand_from init" -l agent -x -a "claude gemini codex all" -d "the agents to wire"
complete -c guard -n "__fish_seen_subcommand_from init" -l command -x -d "the hook program"
complete -c guard -n "__fish_seen_subcommand_from init" -l remove -d "unwire the agents"
complete -c guard -l help -d "help"
