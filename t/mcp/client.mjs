// A real MCP client (the SDK's Client over its stdio transport) for
// t/mcp.bats: runs the server command given after "--" (guard mcp ... or
// the server alone) and the steps in $MCP_STEPS (a JSON array), printing
// one JSON line per step: {"step": i, "ok": true, "result": ...} or
// {"step": i, "ok": false, "error": "..."}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ListRootsRequestSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const sep = process.argv.indexOf("--");
if (sep < 0 || sep + 1 >= process.argv.length) {
  console.error("usage: node client.mjs -- COMMAND [ARGS...]  (steps in $MCP_STEPS)");
  process.exit(2);
}
const [command, ...args] = process.argv.slice(sep + 1);
const steps = JSON.parse(process.env.MCP_STEPS || "[]");
// "-- http://HOST:PORT/PATH": the Streamable HTTP transport instead of a command on stdio
const transport = /^https?:\/\//.test(command)
  ? new StreamableHTTPClientTransport(new URL(command))
  : new StdioClientTransport({ command, args, stderr: "inherit", env: process.env });
// $MCP_ROOTS (a JSON array of URIs): the client has roots, and answers the server's roots/list with them
const roots = process.env.MCP_ROOTS ? JSON.parse(process.env.MCP_ROOTS) : null;
const client = new Client({ name: "guard-test-client", version: "1.0.0" },
  roots ? { capabilities: { roots: { listChanged: true } } } : undefined);
let rootsAsked = 0;
if (roots) {
  client.setRequestHandler(ListRootsRequestSchema, () => {
    rootsAsked++;
    return { roots: roots.map((uri) => ({ uri })) };
  });
}
let seq = 0; // the order lines come out in (a step with "bg" ends out of order)
const out = (o) => process.stdout.write(JSON.stringify({ ...o, seq: seq++ }) + "\n");
const bg = [];

const t0 = Date.now();
let logs = 0; // notifications/message the server sent (over HTTP: its GET stream)
client.setNotificationHandler(LoggingMessageNotificationSchema, () => { logs++; });
await client.connect(transport);
out({ step: "pid", pid: transport.pid ?? null, session: transport.sessionId ?? null });
async function run(i, s) {
  try {
    let result;
    switch (s.op) {
      case "server": result = { info: client.getServerVersion(), caps: client.getServerCapabilities() }; break;
      case "tools": result = await client.listTools(); break;
      case "resources": result = await client.listResources(); break;
      case "read": result = await client.readResource({ uri: s.uri }); break;
      case "prompts": result = await client.listPrompts(); break;
      case "ping": result = await client.ping(); break;
      case "call": {
        const progress = [];
        const opts = {};
        if (s.progress) opts.onprogress = (p) => progress.push(s.timed ? { ...p, at: Date.now() - t0 } : p);
        if (s.cancelAfterMs !== undefined) {
          const ac = new AbortController();
          opts.signal = ac.signal;
          setTimeout(() => ac.abort("test cancels"), s.cancelAfterMs);
        }
        if (s.cancelWhenFileIn !== undefined) {
          // cancel once a folder holds a .json file (the approval request of a waiting call)
          const fs = await import("node:fs");
          const ac = new AbortController();
          opts.signal = ac.signal;
          const look = () => {
            let names = [];
            try { names = fs.readdirSync(s.cancelWhenFileIn); } catch { /* not there yet */ }
            if (names.some((n) => n.endsWith(".json"))) ac.abort("test cancels");
            else setTimeout(look, 20);
          };
          look();
        }
        if (s.timeoutMs) opts.timeout = s.timeoutMs;
        result = await client.callTool({ name: s.name, arguments: s.args || {} }, undefined, opts);
        if (s.progress) result = { ...result, progress };
        if (s.timed) result = { ...result, at: Date.now() - t0 };
        break;
      }
      case "waitline": {
        // wait until a file has a line (a person acts meanwhile)
        const fs = await import("node:fs");
        while (!fs.existsSync(s.file)) await new Promise((r) => setTimeout(r, 20));
        result = { seen: s.file };
        break;
      }
      case "logs": {
        // wait (up to s.ms) for a server's log notification
        const end = Date.now() + (s.ms || 20000);
        while (!logs && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        result = { logs };
        break;
      }
      case "waitdir": {
        // wait (up to 60 s) until a file in s.dir holds s.text (the proxy recorded something)
        const fs = await import("node:fs");
        const end = Date.now() + 60000;
        const holds = () => {
          let names = [];
          try { names = fs.readdirSync(s.dir); } catch { /* not there yet */ }
          return names.some((n) => { try { return fs.readFileSync(`${s.dir}/${n}`, "utf8").includes(s.text); } catch { return false; } });
        };
        while (!holds()) {
          if (Date.now() > end) throw new Error(`no '${s.text}' in ${s.dir}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        result = { seen: s.text };
        break;
      }
      case "rootsasked": {
        // wait (up to 30 s) until the server asked for the roots (and was answered)
        const end = Date.now() + 30000;
        while (!rootsAsked && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        if (!rootsAsked) throw new Error("the server never asked for the roots");
        await new Promise((r) => setTimeout(r, 50)); // the answer is on its way before the next step's request
        result = { asked: rootsAsked };
        break;
      }
      case "terminate": await transport.terminateSession(); result = { terminated: true }; break;
      case "join": await Promise.all(bg); result = { joined: bg.length }; break;
      default: throw new Error("unknown op " + s.op);
    }
    out({ step: i, ok: true, result });
  } catch (e) {
    out({ step: i, ok: false, error: String(e && e.message ? e.message : e) });
  }
}
// "bg": true starts a step and goes on to the next at once ("join" waits for them)
for (let i = 0; i < steps.length; i++) {
  if (steps[i].bg) bg.push(run(i, steps[i]));
  else await run(i, steps[i]);
}
await Promise.all(bg);
await client.close();
