#!/usr/bin/env python3
"""Run a command on a new pseudo-terminal (its controlling tty, so /dev/tty
works) and answer each passphrase prompt with the next line given.

usage: pty-run.py ANSWER... -- COMMAND [ARG...]
Prints what the command wrote to the terminal; exits with its status.
Gives up (exit 124) after 60 s without output.
"""
import os
import pty
import select
import sys

args = sys.argv[1:]
sep = args.index("--")
answers, cmd = args[:sep], args[sep + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

seen = b""
out = b""
while True:
    ready, _, _ = select.select([fd], [], [], 60)
    if not ready:
        os.kill(pid, 9)
        sys.stdout.write(out.decode(errors="replace"))
        sys.exit(124)
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    seen += data
    # a prompt ends with ": " and names a passphrase, or asks "again"
    while answers and (b"passphrase for" in seen or b"again: " in seen) and seen.rstrip(b" ").endswith(b":"):
        os.write(fd, answers.pop(0).encode() + b"\n")
        seen = b""
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
