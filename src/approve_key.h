/*
 * guard-approve's approver key files (~/.config/guard/keys/<user>.key),
 * the passphrase that seals them, read from the terminal only, and the
 * principal's entry in the user policy layer.
 */
#ifndef APPROVE_KEY_H
#define APPROVE_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "guard_approval.h"

#define APPROVE_PASS_MAX 1024

/* ~/.config/guard/keys/<user>.key, or NULL when user cannot name a file. */
char *approve_key_path(const char *user);

/*
 * The secret key at path. A sealed key's passphrase is read from
 * /dev/tty (never argv or the environment): without a terminal that is
 * GUARD_EUSAGE, a wrong passphrase GUARD_EDENY.
 */
int approve_key_read(const char *path, unsigned char sk[GUARD_KEY_SECRET_BYTES]);

/* The "ed25519:..." line of the key at path, without its passphrase. */
int approve_key_public(const char *path, char *pub, size_t size);

/*
 * Write a key file (0600, its folder 0700): sealed under a passphrase
 * asked twice on /dev/tty, or unsealed with no_passphrase.
 */
int approve_key_write(const char *path, const unsigned char sk[GUARD_KEY_SECRET_BYTES], bool no_passphrase);

/*
 * Read one line from /dev/tty with echo off, after prompt. *len excludes
 * the newline. GUARD_EUSAGE when there is no terminal.
 */
int approve_passphrase(const char *prompt, char *buf, size_t size, size_t *len);

/*
 * Add user as an admin principal with key pub to the user policy layer,
 * keeping everything the file has (it is re-read with libyaml and
 * checked against the schema before it replaces the old one). 1 when
 * the entry was there already with this key; GUARD_ECONFLICT when user
 * is there with another key or none, or the file cannot be changed
 * safely. dry_run checks all that and writes nothing. *where receives
 * the file's path (caller frees).
 */
int approve_install_principal(const char *user, const char *pub, bool dry_run, char **where);

#endif
