// Latency and memory of guard mcp (t/bench/mcp.sh): N sequential requests
// through the SDK's client to the command after "--", timed one by one.
//   node bench.mjs call|ping N [rss-every] -- COMMAND [ARGS...]
//   node bench.mjs call|ping N [rss-every] -- URL PID    (Streamable HTTP)
// call: tools/call echo (governed through guard mcp); ping: passed through.
// Prints {op, n, median_us, p90_us, p99_us, rss_kb: [[i, kB]...]} where the
// RSS and the CPU time per request (user + system, 10 ms ticks) are the
// command's own (the proxy's, when it is guard mcp), or PID's over HTTP.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const sep = process.argv.indexOf("--");
const [op, nStr, everyStr] = process.argv.slice(2, sep);
const [command, ...args] = process.argv.slice(sep + 1);
const n = Number(nStr), every = Number(everyStr || 0);
const http = /^https?:\/\//.test(command);
const transport = http ? new StreamableHTTPClientTransport(new URL(command))
  : new StdioClientTransport({ command, args, stderr: "ignore" });
const client = new Client({ name: "guard-bench", version: "1.0.0" });
await client.connect(transport);
const pid = http ? Number(args[0]) : transport.pid;
const rss = () => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : -1;
};
const one = op === "call"
  ? () => client.callTool({ name: "echo", arguments: { message: "bench" } })
  : () => client.ping();
for (let i = 0; i < 200; i++) await one(); // warm up both sides
const times = new Float64Array(n);
const cpu = () => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10000; // utime + stime, clock ticks (100 Hz) in us
};
const cpu0 = cpu();
const mem = [[0, rss()]];
for (let i = 0; i < n; i++) {
  const t0 = process.hrtime.bigint();
  await one();
  times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  if (every && (i + 1) % every === 0) mem.push([i + 1, rss()]);
}
const cpu_us_per_op = Math.round((cpu() - cpu0) / n * 10) / 10;
times.sort();
const q = (p) => Math.round(times[Math.min(n - 1, Math.floor(p * n))] * 10) / 10;
process.stdout.write(JSON.stringify({ op, n, median_us: q(0.5), p90_us: q(0.9), p99_us: q(0.99), cpu_us_per_op, rss_kb: mem }) + "\n");
await client.close();
