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

/*
 * The id list for short prefixes (guard_approval_ids.c). lookup returns 1
 * with every existing listed id starting with prefix in matches, or 0
 * when the list is not current (read the folder, then gap_ids_write the
 * ids found with the mtime taken before reading). A write into the folder
 * is bracketed, under the store lock taken shared: current =
 * before_write(id if the file is new); rename; after_write(current).
 */
#include "guard_list.h"
int gap_ids_lookup(struct guard_approval_store *s, const char *prefix, struct guard_list *matches);
int gap_ids_mtime(const struct guard_approval_store *s, char out[64]);
void gap_ids_write(struct guard_approval_store *s, const char *mtime, const struct guard_list *ids);
bool gap_ids_before_write(struct guard_approval_store *s, const char *new_id);
void gap_ids_after_write(struct guard_approval_store *s, bool current);

/* Seconds since the epoch of an RFC 3339 member, or -1. */
long long gap_time(const cJSON *obj, const char *key);

#endif
