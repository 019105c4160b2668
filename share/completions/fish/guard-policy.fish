# fish completion for guard-policy (test and --validate take files)
complete -c guard-policy -s k -l check -d "answer one event with one word"
complete -c guard-policy -s c -l command -x -d "with --check: this shell command"
complete -c guard-policy -s v -l validate -d "lint FILE as a layer"
complete -c guard-policy -s l -l layer -x -a "builtin user managed project" -d "the layer FILE is checked as"
complete -c guard-policy -s p -l policy -r -F -d "the built-in policy layer file"
complete -c guard-policy -l profile -x -a "attended unattended"
complete -c guard-policy -s a -l agent -x -a "claude gemini codex"
complete -c guard-policy -s h -l help
complete -c guard-policy -n "__fish_use_subcommand" -a test -d "run CASES.yaml files"
