/* guard mcp: the stdio proxy that governs an MCP server's tools/call (src/mcp_proxy.c). */
#ifndef GUARD_MCP_CLI_H
#define GUARD_MCP_CLI_H

/* A verb of guard's table: 0 or a negative GUARD_E*. */
int cmd_mcp(int argc, char **argv);

#endif
