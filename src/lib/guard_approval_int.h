/* Shared between the approval files; not part of the library's API. */
#ifndef GUARD_APPROVAL_INT_H
#define GUARD_APPROVAL_INT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "guard_approval.h"

/* The string member key of obj, or "" when absent or not a string. */
const char *gap_str(const cJSON *obj, const char *key);

/* A full lower-case uuid. */
bool gap_id_valid(const char *id);

/* The fields every reader relies on are present and typed, and id is the file's. */
bool gap_request_wellformed(const cJSON *req, const char *id);

/* The newest request for an action digest, when the index knows one (lock held). */
int gap_index_get(struct guard_approval_store *s, const char *digest, cJSON **out);
int gap_index_put(struct guard_approval_store *s, const char *digest, const char *id);

/* Seconds since the epoch of an RFC 3339 member, or -1. */
long long gap_time(const cJSON *obj, const char *key);

#endif
