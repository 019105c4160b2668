/*
 * The git side of unattended sessions, through libgit2. Only programs
 * that call these link libgit2 (it costs ~10 ms at start): never the hook.
 */
#ifndef GUARD_GIT_H
#define GUARD_GIT_H

#include <stddef.h>

#include "guard_session.h"

struct guard_git; /* an open repository */
struct git_repository;

/* Open the repository holding dir. GUARD_ENOTFOUND when there is none. */
int guard_git_open(const char *dir, struct guard_git **out);
void guard_git_close(struct guard_git *g);

/*
 * Open the repository a git hook or a CI step runs in: GIT_DIR,
 * GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES are honoured
 * (a push's quarantine), a bare repository is accepted (its root is then
 * the git directory). dir is where to start looking when GIT_DIR is unset.
 */
int guard_git_open_env(const char *dir, struct guard_git **out);

/* The libgit2 repository, for the other guard_git*.c files (not owned). */
struct git_repository *guard_git_repository(struct guard_git *g);

/*
 * Whether no attribute and no conversion can apply to any file of diff
 * (a working-tree repository: no .gitattributes in the index or beside a
 * changed path, no info/attributes, no global or system attributes file,
 * core.autocrlf false): its files can then be diffed from their bytes,
 * without libgit2's per-file attribute lookups. For a diff that has not
 * read the index (tree to tree): the index's bytes are looked at first,
 * and libgit2 parses it only when they cannot tell.
 */
struct git_diff;
bool guard_git_attribute_free(struct guard_git *g, struct git_diff *diff);

/*
 * For diffs of trees only: when the index's bytes name no .gitattributes
 * (guard_git_attribute_free), libgit2's attribute lookups (a diff
 * driver's, a patch-id's) get an empty index in its place, where they
 * would parse and checksum the whole index on the first lookup; the
 * attribute files beside the paths and the repository's, global and
 * system ones are read as before. 1 when done: undo with
 * guard_git_index_unhide before anything reads the index for its
 * entries.
 */
int guard_git_index_hide(struct guard_git *g);
void guard_git_index_unhide(struct guard_git *g, int hidden);

/* 1 when the repository has no working tree. */
int guard_git_is_bare(const struct guard_git *g);

/* The working tree, without a trailing slash (not owned). */
const char *guard_git_root(const struct guard_git *g);

/*
 * GUARD_EDENY naming the first change when the working tree or index
 * differs from HEAD (untracked files count; guard's own state does not).
 */
int guard_git_check_clean(struct guard_git *g);

/* The checked-out branch's short name (caller frees); NULL when detached. */
int guard_git_current_branch(struct guard_git *g, char **out);

/* The branch HEAD names, born or not yet (short, caller frees); NULL when detached. */
int guard_git_head_branch(struct guard_git *g, char **out);

/*
 * Create branch name (or name-2, name-3, ... when taken) at the tip of
 * branch base and check it out. *out_name (caller frees) is the branch
 * made, out_oid the base commit in hex.
 */
int guard_git_start_branch(struct guard_git *g, const char *base, const char *name, char **out_name,
			   char out_oid[41]);

/* Called for each added line of a text file in the diff. */
typedef void (*guard_git_line_fn)(void *ctx, const char *path, long lineno, const char *text, size_t len);

/*
 * The session's changes: commit base_oid against the working tree
 * (index and untracked files included, renames found as git does by
 * default, guard's own state left out). Counts match git diff --numstat;
 * a binary file has added = -1. line, when not NULL, sees each added line.
 */
int guard_git_changes(struct guard_git *g, const char *base_oid, struct guard_changes *out,
		      guard_git_line_fn line, void *ctx);

/*
 * The text lines (guard_text_lines) two sides of a binary file hold,
 * diffed as text: what a LOC budget counts where git counts nothing.
 * Either side may be NULL (a new or deleted file).
 */
int guard_git_text_stats(const char *old, size_t old_len, const char *new, size_t new_len, long *adds, long *dels);
/*
 * The lines two sides of a text file add and delete when a bare CR (one
 * that ends no CRLF) also ends a line, as compilers and python read it:
 * git counts a CR-only file as one line (attack8 I13). 1: no bare CR.
 */
int guard_git_cr_stats(const char *old, size_t old_len, const char *new, size_t new_len, long *adds, long *dels);
/* guard_git_text_stats or guard_git_cr_stats: counts made again from a change's two sides. */
typedef int (*guard_git_stats_fn)(const char *old, size_t old_len, const char *new, size_t new_len, long *adds,
				  long *dels);
/* Does a line the patch adds or deletes hold a bare CR? */
struct git_patch;
bool guard_git_patch_bare_cr(struct git_patch *patch);

#endif
