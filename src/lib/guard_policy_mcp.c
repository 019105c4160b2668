/*
 * The mcp: section (guard mcp): trusted servers, where a server's
 * commands run, the propose/execute split, the message size limit.
 */
#include "guard_mcp.h"
#include "guard_policy_internal.h"

void
guard_policy_mcp(const struct guard_policy *p, const char *server, struct guard_policy_mcp *out)
{
	const cJSON *mcp = cJSON_GetObjectItemCaseSensitive(p->tree, "mcp");
	const cJSON *v, *it;
	long long size;

	out->trusted = false;
	out->remote = -1;
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(mcp, "servers"),
									      server ? server : ""), "remote");
	if (cJSON_IsBool(v))
		out->remote = cJSON_IsTrue(v);
	out->propose = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(mcp, "propose"));
	out->max_frame_bytes = GUARD_MCP_FRAME_MAX_DEFAULT;
	v = cJSON_GetObjectItemCaseSensitive(mcp, "max_frame_bytes");
	if (v && (size = gp_parse_size(v)) > 0)
		out->max_frame_bytes = (size_t)size;
	/* only the trusted layers set it (the project layer's word is refused) */
	v = cJSON_GetObjectItemCaseSensitive(mcp, "trusted_servers");
	if (cJSON_IsString(v))
		out->trusted = server && !strcmp(v->valuestring, server);
	const cJSON *list = cJSON_IsArray(v) ? v : NULL;
	cJSON_ArrayForEach(it, list)
		if (cJSON_IsString(it) && server && !strcmp(it->valuestring, server))
			out->trusted = true;
}
