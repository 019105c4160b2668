# fish completion for guard-approve
set -l verbs request list show status approve reject cancel wait gate expire keygen verify help
function __guard_approve_ids
	set -l top (git rev-parse --show-toplevel 2>/dev/null; or pwd)
	for f in $top/.ai/approvals/*.json
		basename $f .json
	end
end
complete -c guard-approve -f
complete -c guard-approve -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c guard-approve -n "__fish_seen_subcommand_from show status approve reject cancel wait verify" -a "(__guard_approve_ids)"
complete -c guard-approve -l as -x -d "the person or agent acting"
complete -c guard-approve -l reason -x
complete -c guard-approve -l json
complete -c guard-approve -l status -x -a "pending approved rejected expired cancelled all"
complete -c guard-approve -l risk -x -a "low medium high critical low+ medium+ high+"
complete -c guard-approve -l tool -x
complete -c guard-approve -l requester -x
complete -c guard-approve -l older-than -x
complete -c guard-approve -l newer-than -x
complete -c guard-approve -l limit -x
complete -c guard-approve -l offset -x
complete -c guard-approve -l timeout -x
complete -c guard-approve -l command -x
complete -c guard-approve -l input -x
complete -c guard-approve -l cwd -x -a "(__fish_complete_directories)"
complete -c guard-approve -l force
complete -c guard-approve -l all
complete -c guard-approve -l no-passphrase
complete -c guard-approve -l install
complete -c guard-approve -l show -d "reprint the public key"
complete -c guard-approve -l public -d "reprint the public key"
complete -c guard-approve -s h -l help
complete -c guard-approve -l table
