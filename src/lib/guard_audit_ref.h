/*
 * The audit log's checkpoints as commits on a git ref (refs/guard/audit),
 * a witness that can be pushed to a remote the agent cannot rewrite.
 * Through libgit2: only programs that link it call these (guard-audit),
 * never the hook.
 *
 * Each commit's tree holds one file, checkpoints.jsonl: the checkpoint
 * lines one seal added to seals.jsonl, as they stand there. Its parent is
 * the ref's value before, so the commit chain is the seals' history.
 * Author and committer "guard-audit"; the message names the seq range and
 * the last record's hash. Nothing touches a branch, the index or the
 * working tree; objects and the ref go to the repository's common git
 * directory (shared by its worktrees).
 */
#ifndef GUARD_AUDIT_REF_H
#define GUARD_AUDIT_REF_H

#include <stddef.h>

#define GUARD_AUDIT_REF "refs/guard/audit"
#define GUARD_AUDIT_REF_FILE "checkpoints.jsonl"

/*
 * Bring ref up to date with <dir>/seals.jsonl: one commit holding every
 * checkpoint after the last one the ref holds (all of them when the ref
 * does not exist yet), the ref moved to it only if it still holds the
 * value read (compare and swap; tried again once from the new value when
 * another seal moved it). *added: checkpoints committed (0: the ref was
 * up to date); oid (41 bytes, may be NULL): the ref's value after.
 * GUARD_ENOTFOUND when root is in no git repository; GUARD_EDENY when the
 * ref's last checkpoint is not in seals.jsonl (one was rewritten) or the
 * ref holds a commit that is not guard-audit's; GUARD_ECONFLICT when the
 * ref kept moving; GUARD_EIO for libgit2's failures.
 */
int guard_audit_ref_update(const char *root, const char *dir, const char *ref, size_t *added, char *oid);

/*
 * The checkpoints a ref (or any revision git can name: a remote-tracking
 * ref, FETCH_HEAD) holds, oldest first, as JSON Lines (*text, caller
 * frees), walking its first parents; *commits counts them.
 * GUARD_ENOTFOUND when root is in no git repository or the ref does not
 * exist; GUARD_EDENY when a commit on it holds no checkpoints file.
 */
int guard_audit_ref_read(const char *root, const char *ref, char **text, size_t *commits);

/*
 * Is ref where the last seal left it (guard_audit_ref_expected, attack7
 * H21)? 0 when it is, when no seal wrote it here or outside a git
 * repository; GUARD_EDENY naming what happened (deleted, or moved or
 * replaced) and what a person does. guard_audit_ref_update refuses to
 * build on a ref that is not where it was left, for the same reason.
 */
int guard_audit_ref_check(const char *root, const char *dir, const char *ref);

#endif
