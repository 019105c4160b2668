/* guard init --mcp and guard doctor's MCP lines (src/init_mcp.c). */
#ifndef GUARD_INIT_MCP_H
#define GUARD_INIT_MCP_H

#include <stdbool.h>

/*
 * Wrap every stdio server of root/.mcp.json in `guard mcp --name NAME --`
 * (remove: take the wrapper off), printing one line per server. 0 or a
 * negative GUARD_E* (a .mcp.json that is not an object with mcpServers is
 * left unchanged).
 */
int init_mcp(const char *root, bool remove);

/* Print whether each server of root/.mcp.json is wrapped; returns how many are not. */
int doctor_mcp(const char *root);

#endif
