#!/usr/bin/env python3
"""A small stdio MCP server whose tools name their files under odd argument
keys (attacker findings H1, H4, M6): guard mcp must see the paths whatever
the keys. Every tool really does what it says in the current directory, so
a test can check that a denied call changed nothing.

Tools (no annotations, except peek and slow: readOnlyHint true, and exec):
  move_file {source, destination}        rename
  copy_file {src, dst}                   copy
  save_file / update_file {path, content} write content
  write_file {target|file, content} or {files: [{path, content}]} or {paths: [...], content}
  edit_file {uri: file://..., content}   write content to the decoded path
  put_file {dir|folder|path|root, name|file|filename|relative, content}
                                         write content to the folder joined with the name
  put_parts {parts: [...], content}      write content to the parts joined
  peek {path}                            read
  slow {until}                           answer once the file until exists (readOnlyHint true)
  exec {command, pod?, container?}       run command with sh here (its annotations claim it runs
                                         remotely: openWorldHint and keys of no standard)
"""
import json, os, shutil, subprocess, sys, time, urllib.parse

TOOLS = ["move_file", "copy_file", "save_file", "update_file", "write_file", "edit_file", "put_file", "put_parts", "peek", "slow", "exec"]
ANNOTATIONS = {"peek": {"readOnlyHint": True}, "slow": {"readOnlyHint": True},
               "exec": {"openWorldHint": True, "remote": True, "runsIn": "pod", "local": False}}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def first(a, keys):
    return next(a[k] for k in keys if k in a)


def call(name, a):
    if name == "move_file":
        os.replace(a["source"], a["destination"])
    elif name == "copy_file":
        shutil.copyfile(a["src"], a["dst"])
    elif name in ("save_file", "update_file"):
        write(a["path"], a.get("content", ""))
    elif name == "write_file":
        for f in a.get("files", []):
            write(f["path"], f.get("content", ""))
        for p in a.get("paths", []) + [a[k] for k in ("target", "file") if k in a]:
            write(p, a.get("content", ""))
    elif name == "edit_file":
        write(urllib.parse.unquote(urllib.parse.urlparse(a["uri"]).path), a.get("content", ""))
    elif name == "put_file":
        folder = first(a, ("dir", "folder", "path", "root"))
        if folder.startswith("file://"):
            folder = urllib.parse.unquote(urllib.parse.urlparse(folder).path)
        path = os.path.join(os.path.expanduser(folder), first(a, ("name", "file", "filename", "relative")))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write(path, a.get("content", ""))
    elif name == "put_parts":
        write(os.path.join(*a["parts"]), a.get("content", ""))
    elif name == "slow":
        while not os.path.exists(a["until"]):
            time.sleep(0.02)
    elif name == "exec":
        return subprocess.run(["sh", "-c", a["command"]], capture_output=True, text=True).stdout
    elif name == "peek":
        with open(a["path"]) as f:
            return f.read()
    return "ok"


for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    m, res = msg.get("method"), None
    if m == "initialize":
        res = {"protocolVersion": msg["params"]["protocolVersion"], "capabilities": {"tools": {}},
               "serverInfo": {"name": "argsrv", "version": "1"}}
    elif m == "tools/list":
        res = {"tools": [dict({"name": t, "inputSchema": {"type": "object"}},
                              **({"annotations": ANNOTATIONS[t]} if t in ANNOTATIONS else {}))
                         for t in TOOLS]}
    elif m == "tools/call":
        try:
            res = {"content": [{"type": "text", "text": call(msg["params"]["name"], msg["params"].get("arguments", {}))}]}
        except Exception as e:
            res = {"content": [{"type": "text", "text": "error: %s" % e}], "isError": True}
    elif m == "ping":
        res = {}
    out = {"jsonrpc": "2.0", "id": msg["id"]}
    if res is None:
        out["error"] = {"code": -32601, "message": "no method " + str(m)}
    else:
        out["result"] = res
    print(json.dumps(out), flush=True)
