# fish completion for guard-risk
complete -c guard-risk -f
complete -c guard-risk -s c -l command -x -d "rate one shell command"
complete -c guard-risk -s e -l explain -d "print the analysis"
complete -c guard-risk -s C -l cwd -x -a "(__fish_complete_directories)" -d "directory the command runs in"
complete -c guard-risk -s p -l policy -r -F -d "the built-in policy layer file"
complete -c guard-risk -s a -l agent -x -a "claude gemini codex" -d "payload format"
complete -c guard-risk -s h -l help -d "help"
complete -c guard-risk -s V -l version -d "version"
