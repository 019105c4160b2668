/*
 * Approver keys on guard-approve's side: files, the terminal passphrase,
 * and the user layer's principals entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "approve_key.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "guard_yaml.h"

#define KEY_FILE_MAX 4096

static char *
keys_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	if (xdg && *xdg == '/')
		return guard_xasprintf("%s/guard/keys", xdg);
	return guard_xasprintf("%s/.config/guard/keys", guard_home());
}

char *
approve_key_path(const char *user)
{
	char *dir, *path;

	if (!*user || user[0] == '.' ||
	    strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@+-") != strlen(user))
		return NULL;
	dir = keys_dir();
	path = guard_xasprintf("%s/%s.key", dir, user);
	free(dir);
	return path;
}

/* ---- the terminal ---- */

/* Restored on a signal while echo is off, so a ^C never leaves the terminal silent. */
static int tty_fd = -1;
static struct termios tty_saved;
static const int tty_signals[] = { SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU };
#define NSIG_TTY (sizeof(tty_signals) / sizeof(*tty_signals))

static void
tty_restore_and_raise(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

int
approve_passphrase(const char *prompt, char *buf, size_t size, size_t *len)
{
	struct sigaction sa, old[NSIG_TTY];
	struct termios quiet;
	size_t n = 0;
	bool too_long = false;
	int fd, rc = 0;
	char c;

	*len = 0;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return guard_error(GUARD_EUSAGE, "no terminal to read the passphrase from (/dev/tty: %s); it is never "
				   "taken from arguments or the environment", strerror(errno));
	if (tcgetattr(fd, &tty_saved) < 0) {
		close(fd);
		return guard_error(GUARD_EUSAGE, "/dev/tty is not a terminal: %s", strerror(errno));
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_restore_and_raise;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	for (size_t i = 0; i < NSIG_TTY; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ICANON | ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		rc = guard_error(GUARD_EIO, "cannot turn echo off on /dev/tty: %s", strerror(errno));
	} else {
		if (write(fd, prompt, strlen(prompt)) < 0)
			rc = guard_error(GUARD_EIO, "cannot write to /dev/tty: %s", strerror(errno));
		for (ssize_t r; rc == 0 && (r = read(fd, &c, 1)) != 0;) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				rc = guard_error(GUARD_EIO, "cannot read /dev/tty: %s", strerror(errno));
				break;
			}
			if (c == '\n' || c == '\r')
				break;
			if (n + 1 < size)
				buf[n++] = c;
			else
				too_long = true;
		}
		tcsetattr(fd, TCSAFLUSH, &tty_saved);
	}
	for (size_t i = 0; i < NSIG_TTY; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	tty_fd = -1;
	close(fd);
	c = 0;
	if (rc == 0 && too_long)
		rc = guard_error(GUARD_EUSAGE, "the passphrase is longer than %zu bytes", size - 1);
	if (rc < 0) {
		sodium_memzero(buf, size);
		return rc;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* ---- key files ---- */

static int
load_text(const char *path, char **text, size_t *len)
{
	struct stat st;
	int rc;

	if (!path)
		return guard_error(GUARD_EUSAGE, "this reviewer name cannot name a key file");
	if ((rc = guard_file_read(path, KEY_FILE_MAX, 1, text, len)) < 0)
		return rc;
	if (stat(path, &st) == 0 && (st.st_mode & 077)) {
		sodium_memzero(*text, *len);
		free(*text);
		*text = NULL;
		return guard_error(GUARD_EPOLICY, "%s is readable by others (mode %03o); chmod 600 it", path, st.st_mode & 0777);
	}
	return 0;
}

int
approve_key_read(const char *path, unsigned char sk[GUARD_KEY_SECRET_BYTES])
{
	char *text = NULL, *prompt, pass[APPROVE_PASS_MAX];
	size_t len = 0, plen = 0;
	int rc;

	if ((rc = load_text(path, &text, &len)) < 0)
		return rc;
	if (!guard_key_text_sealed(text)) {
		rc = guard_key_text_open(text, NULL, 0, sk);
	} else {
		prompt = guard_xasprintf("passphrase for %s: ", path);
		rc = approve_passphrase(prompt, pass, sizeof(pass), &plen);
		free(prompt);
		if (rc == GUARD_EUSAGE)
			rc = guard_error(GUARD_EUSAGE, "%s is sealed with a passphrase, which is read from a terminal only: %s",
					 path, guard_error_last());
		else if (rc == 0)
			rc = guard_key_text_open(text, pass, plen, sk);
		sodium_memzero(pass, sizeof(pass));
	}
	if (rc < 0 && strncmp(guard_error_last(), path, strlen(path)))
		rc = guard_error(rc, "%s: %s", path, guard_error_last());
	sodium_memzero(text, len);
	free(text);
	return rc;
}

int
approve_key_public(const char *path, char *pub, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = load_text(path, &text, &len)) < 0)
		return rc;
	if ((rc = guard_key_text_public(text, pub, size)) < 0)
		rc = guard_error(rc, "%s: %s", path, guard_error_last());
	sodium_memzero(text, len);
	free(text);
	return rc;
}

/* The new passphrase, asked twice. */
static int
new_passphrase(const char *path, char *pass, size_t size, size_t *len)
{
	char again[APPROVE_PASS_MAX], *prompt = guard_xasprintf("passphrase for %s: ", path);
	size_t alen = 0;
	int rc = approve_passphrase(prompt, pass, size, len);

	free(prompt);
	if (rc == GUARD_EUSAGE)
		return guard_error(rc, "%s (or make an unsealed CI or test key with --no-passphrase)", guard_error_last());
	if (rc < 0)
		return rc;
	if (*len == 0)
		rc = guard_error(GUARD_EUSAGE, "an empty passphrase seals nothing; use --no-passphrase for an unsealed key");
	else if ((rc = approve_passphrase("again: ", again, sizeof(again), &alen)) == 0 &&
		 (alen != *len || sodium_memcmp(again, pass, alen)))
		rc = guard_error(GUARD_EUSAGE, "the passphrases differ; nothing was written");
	sodium_memzero(again, sizeof(again));
	if (rc < 0)
		sodium_memzero(pass, size);
	return rc;
}

int
approve_key_write(const char *path, const unsigned char sk[GUARD_KEY_SECRET_BYTES], bool no_passphrase)
{
	char pass[APPROVE_PASS_MAX], *dir = keys_dir(), *text = NULL;
	size_t plen = 0;
	int rc = 0;

	if (!no_passphrase)
		rc = new_passphrase(path, pass, sizeof(pass), &plen);
	if (rc == 0)
		rc = guard_key_text(sk, no_passphrase ? NULL : pass, plen, &text);
	sodium_memzero(pass, sizeof(pass));
	if (rc == 0 && (rc = guard_mkdirs(dir, 0700)) == 0)
		rc = guard_file_write_atomic(path, text, strlen(text), 0600);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	free(dir);
	return rc;
}

/* ---- the user layer ---- */

static char *
dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash == path ? guard_xstrdup("/") : slash ? guard_xstrndup(path, (size_t)(slash - path)) : guard_xstrdup(".");
}

/* text with line (1-based) after_line followed by add; after_line 0 appends at the end. */
static char *
insert_after(const char *text, unsigned after_line, const char *add)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const char *p = text;

	if (!after_line) {
		guard_buf_addstr(&b, text);
		if (b.len && b.buf[b.len - 1] != '\n')
			guard_buf_addstr(&b, "\n");
		guard_buf_addstr(&b, add);
		return guard_buf_detach(&b);
	}
	for (unsigned l = 1; l <= after_line && *p; l++)
		p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');
	guard_buf_add(&b, text, (size_t)(p - text));
	if (b.len && b.buf[b.len - 1] != '\n')
		guard_buf_addstr(&b, "\n");
	guard_buf_addstr(&b, add);
	guard_buf_addstr(&b, p);
	return guard_buf_detach(&b);
}

/*
 * The new text: a principals entry added under an existing block
 * "principals:" (indented like its first member), or a new section.
 * NULL, with the error recorded, when that cannot be done safely.
 */
static char *
add_principal(const struct guard_yaml_doc *doc, const char *text, const char *path, const char *entry)
{
	const cJSON *pr = cJSON_IsObject(doc->root) ? cJSON_GetObjectItemCaseSensitive(doc->root, "principals") : NULL;
	struct guard_yaml_mark key;
	char *line, *out;
	unsigned indent = 2;

	if (!pr) {
		line = guard_xasprintf("principals:\n  %s\n", entry);
		out = insert_after(text, 0, line);
		free(line);
		return out;
	}
	key = guard_yaml_key_mark(doc, pr);
	if (cJSON_IsObject(pr) && pr->child) {
		struct guard_yaml_mark first = guard_yaml_key_mark(doc, pr->child);
		if (first.line == key.line || first.col <= key.col) {
			guard_error(GUARD_ECONFLICT, "%s: principals is written in flow style ({...}); add this line to it by hand:\n  %s",
				    path, entry);
			return NULL;
		}
		indent = first.col - 1;
	} else if (!cJSON_IsNull(pr)) {
		guard_error(GUARD_ECONFLICT, "%s: principals is not a block mapping; add this entry under it by hand:\n  %s",
			    path, entry);
		return NULL;
	}
	line = guard_xasprintf("%*s%s\n", (int)indent, "", entry);
	out = insert_after(text, key.line, line);
	free(line);
	return out;
}

/* The parsed text, or GUARD_EPOLICY with the first error. */
static int
parse_policy(struct guard_yaml_doc *doc, const char *path, const char *text)
{
	struct guard_list errors = GUARD_LIST_INIT;
	int rc;

	guard_yaml_init(doc);
	rc = guard_yaml_parse(doc, path, text, strlen(text), &errors);
	if (rc < 0)
		rc = guard_error(GUARD_EPOLICY, "%s; left unchanged", errors.len ? errors.items[0] : guard_error_last());
	else if (!cJSON_IsObject(doc->root) && !cJSON_IsNull(doc->root))
		rc = guard_error(GUARD_EPOLICY, "%s is not a YAML mapping; left unchanged", path);
	guard_list_clear(&errors);
	return rc;
}

/* Stage text beside path, lint it as the user layer, then rename it into place. */
static int
replace_checked(const char *path, const char *text, mode_t mode)
{
	struct guard_list errors = GUARD_LIST_INIT;
	char *tmp = NULL;
	int rc;

	if ((rc = guard_file_stage(path, NULL, text, strlen(text), mode, true, &tmp)) < 0)
		return rc;
	if (guard_policy_validate_file(tmp, GUARD_LAYER_USER, &errors) < 0) {
		rc = guard_error(GUARD_EPOLICY, "the policy with the new principal would not validate (%s); %s left unchanged",
				 errors.len ? errors.items[0] : guard_error_last(), path);
		guard_file_discard(tmp);
	} else if ((rc = guard_file_commit(tmp, path)) == 0) {
		char *dir = dirname_of(path);
		rc = guard_file_sync_dir(dir);
		free(dir);
	}
	guard_list_clear(&errors);
	return rc;
}

int
approve_install_principal(const char *user, const char *pub, bool dry_run, char **where)
{
	struct guard_yaml_doc doc = GUARD_YAML_DOC_INIT, after = GUARD_YAML_DOC_INIT;
	char *path = guard_policy_user_path(), *text = NULL, *entry = NULL, *out = NULL, *dir;
	const cJSON *had;
	cJSON *expect = NULL, *p;
	struct stat st;
	mode_t mode = 0600;
	size_t len = 0;
	int rc;

	*where = path;
	if (!path)
		return guard_error(GUARD_EUSAGE, "GUARD_USER_POLICY is set empty: there is no user layer to install into");
	rc = guard_file_read(path, GUARD_YAML_MAX_BYTES, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND) {
		text = guard_xstrdup("");
		rc = 0;
	} else if (rc == 0 && stat(path, &st) == 0) {
		mode = st.st_mode & 0777;
	}
	if (rc < 0 || (rc = parse_policy(&doc, path, text)) < 0)
		goto out;
	had = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc.root, "principals"), user);
	if (had) {
		const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(had, "key"));
		rc = key && !strcmp(key, pub) ? 1
		   : guard_error(GUARD_ECONFLICT, "%s is already a principal in %s, %s; change its entry by hand (key: \"%s\")",
				 user, path, key ? "with another key" : "without a key", pub);
		goto out;
	}
	entry = guard_xasprintf("\"%s\": {roles: [admin], key: \"%s\"}", user, pub);
	if (!(out = add_principal(&doc, text, path, entry))) {
		rc = guard_error_code();
		goto out;
	}
	/* the new file must say exactly the old one plus this principal */
	expect = cJSON_IsObject(doc.root) ? cJSON_Duplicate(doc.root, 1) : cJSON_CreateObject();
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(expect, "principals")))
		guard_json_set(expect, "principals", cJSON_CreateObject());
	p = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(expect, "principals"), user);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "roles"), cJSON_CreateString("admin"));
	cJSON_AddStringToObject(p, "key", pub);
	if ((rc = parse_policy(&after, path, out)) < 0 || !cJSON_Compare(after.root, expect, true)) {
		rc = guard_error(GUARD_ECONFLICT, "%s could not be changed safely (the edit would change more than "
				 "principals.%s); add this line under principals: by hand:\n  %s", path, user, entry);
		goto out;
	}
	if (dry_run)
		goto out;
	dir = dirname_of(path);
	rc = guard_mkdirs(dir, 0700);
	free(dir);
	if (rc == 0)
		rc = replace_checked(path, out, mode & ~(mode_t)022);
out:
	cJSON_Delete(expect);
	guard_yaml_release(&doc);
	guard_yaml_release(&after);
	free(entry);
	free(out);
	free(text);
	return rc;
}
