#!/usr/bin/env python3
"""Raw JSON-RPC lines through a command (guard mcp ... -- SERVER), for the
tests an SDK client cannot write: malformed and oversized frames, frames
split into single bytes, interleaved ids.

usage: raw.py [--split] [--expect N] -- COMMAND [ARGS...]
Sends stdin's lines, as bytes, one by one (--split: one byte per write),
then keeps the command's stdin open until N answers (messages with an id
and no method) came back, prints every line the command wrote to stdout,
closes its stdin and exits with the command's status. Fails after 60 s.
A line "#wait-for GLOB" is not sent: the next lines wait until a file
matches GLOB (an approval request written, say).
"""
import glob, json, os, select, subprocess, sys, time

args = sys.argv[1:]
split = False
expect = 0
while args and args[0] != "--":
    if args[0] == "--split":
        split = True
        args = args[1:]
    elif args[0] == "--expect":
        expect = int(args[1])
        args = args[2:]
    else:
        sys.exit("raw.py: unknown option " + args[0])
cmd = args[1:]
frames = sys.stdin.buffer.read().split(b"\n")
if frames and frames[-1] == b"":
    frames.pop()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
os.set_blocking(p.stdout.fileno(), False)
got, buf, deadline = 0, b"", time.monotonic() + 60

def pump(wait):
    global got, buf
    r, _, _ = select.select([p.stdout], [], [], wait)
    if not r:
        return True
    chunk = p.stdout.read()
    if not chunk:
        return False
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        sys.stdout.buffer.write(line + b"\n")
        sys.stdout.flush()
        try:
            m = json.loads(line)
            if isinstance(m, dict) and "id" in m and "method" not in m:
                got += 1
        except ValueError:
            pass
    return True

for f in frames:
    if f.startswith(b"#wait-for "):
        pattern = f[len(b"#wait-for "):].decode()
        while not glob.glob(pattern) and time.monotonic() < deadline:
            pump(0.05)
        continue
    data = f + b"\n"
    if split:
        for i in range(len(data)):
            p.stdin.write(data[i:i + 1])
            p.stdin.flush()
    else:
        p.stdin.write(data)
        p.stdin.flush()
    pump(0)
while got < expect and time.monotonic() < deadline:
    if not pump(0.2):
        break
if got < expect:
    print("raw.py: %d of %d answers before the deadline or EOF" % (got, expect), file=sys.stderr)
p.stdin.close()
while pump(5):
    if p.poll() is not None and not select.select([p.stdout], [], [], 0)[0]:
        break
sys.exit(p.wait() if got >= expect else 99)
