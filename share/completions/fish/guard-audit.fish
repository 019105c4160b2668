# fish completion for guard-audit
set -l verbs append log verify seal seal-key query stats report export tail prune help
complete -c guard-audit -f
complete -c guard-audit -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard-audit -s p -l policy -r -F -d "the built-in policy layer file"
complete -c guard-audit -l checkpoint -r -F -d "a sealed checkpoint"
complete -c guard-audit -l checkpoint-ref -x -a "refs/guard/audit" -d "a ref holding checkpoints"
complete -c guard-audit -l no-ref -d "seal without refs/guard/audit"
complete -c guard-audit -l ref-only -d "only bring refs/guard/audit up to date"
complete -c guard-audit -l fsync -x -a "always batch never"
complete -c guard-audit -l risk -x -a "low medium high critical"
complete -c guard-audit -l decision -x -a "allow ask deny"
complete -c guard-audit -l tee
complete -c guard-audit -l event -x
complete -c guard-audit -l from -x
complete -c guard-audit -l to -x
complete -c guard-audit -l before -x
complete -c guard-audit -l since -x
complete -c guard-audit -l until -x
complete -c guard-audit -l tool -x
complete -c guard-audit -l session -x
complete -c guard-audit -l actor -x
complete -c guard-audit -l approval -x
complete -c guard-audit -l csv
complete -c guard-audit -l json
complete -c guard-audit -l table
complete -c guard-audit -l html -d "report: one self-contained page"
complete -c guard-audit -l anomalies -d "stats: the anomaly list as JSON Lines"
complete -c guard-audit -s n -x
complete -c guard-audit -s f -d "follow"
complete -c guard-audit -s h -l help
