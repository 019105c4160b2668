/*
 * ansible-playbook --check / -C: trusted as a dry run only when no task
 * opts out of check mode. A task or play with `check_mode: false` (no,
 * off, a template: anything that is not plainly true) runs for real under
 * --check, so the playbook, the task files and playbooks it imports or
 * includes and the roles it names (their whole folder, meta dependencies
 * too) are read with libyaml, bounded. A file or role guard cannot find or
 * read, a computed name ("{{ x }}.yml") or more than the bounds: the
 * command is rated as without --check. A missing playbook runs nothing.
 */
#include <ctype.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "guard_error.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define ANSIBLE_FILES_MAX 200		/* YAML files read for one command */
#define ANSIBLE_FILE_MAX (1u << 20)	/* bytes of one file */
#define ANSIBLE_DEPTH_MAX 64		/* nesting of mappings and sequences */

struct ansible_scan {
	struct risk_state *st;
	struct guard_list seen;	/* absolute paths read */
	const char *why;	/* why --check is not trusted (static text), or NULL */
	bool bind_all;		/* binding only: read every file whatever it holds */
	char *what;		/* the file or name it concerns (owned) */
	struct guard_list plays;/* the playbooks named on the command line (absolute) */
};

static void
distrust(struct ansible_scan *a, const char *why, const char *what)
{
	if (a->why || a->bind_all)
		return;
	a->why = why;
	a->what = guard_xstrdup(what);
}

/* "ansible.builtin.import_tasks" is import_tasks. */
static const char *
short_key(const char *k)
{
	if (!strncmp(k, "ansible.builtin.", 16))
		return k + 16;
	if (!strncmp(k, "ansible.legacy.", 15))
		return k + 15;
	return k;
}

static bool
plainly_true(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "y", "t", "1", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (risk_ieq(v, yes[i]))
			return true;
	return false;
}

static void scan_file(struct ansible_scan *a, const char *abs, bool must);
static void scan_tree(struct ansible_scan *a, const char *dir, unsigned depth);

/* A role by name: its folder beside the playbook's, or in the usual role paths. */
static void
scan_role(struct ansible_scan *a, const char *base, const char *name)
{
	if (strstr(name, "{{") || strchr(name, '.') || strchr(name, '/')) {
		if (strchr(name, '/') && !strstr(name, "{{")) { /* a role given by its path */
			char *dir = guard_path_resolve(base, name, a->st->ctx->home);
			struct stat sb;
			if (risk_memo_stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				if (a->bind_all)
					risk_bind_tree(a->st, dir); /* its files/, templates/ and library/ too (J16) */
				scan_tree(a, dir, 0);
			} else {
				distrust(a, "names a role guard cannot find", name);
			}
			free(dir);
			return;
		}
		distrust(a, "names a role guard cannot read (computed, or from a collection)", name);
		return;
	}
	const char *home = a->st->ctx->home;
	char *cands[5] = { NULL };
	cands[0] = guard_xasprintf("%s/roles/%s", base, name);
	cands[1] = guard_xasprintf("%s/%s", base, name);
	cands[2] = home ? guard_xasprintf("%s/.ansible/roles/%s", home, name) : NULL;
	cands[3] = guard_xasprintf("/usr/share/ansible/roles/%s", name);
	cands[4] = guard_xasprintf("/etc/ansible/roles/%s", name);
	bool found = false;
	for (size_t i = 0; i < 5 && !found; i++) {
		struct stat sb;
		if (cands[i] && risk_memo_stat(cands[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (a->bind_all)
				risk_bind_tree(a->st, cands[i]); /* its files/, templates/ and library/ too (J16) */
			scan_tree(a, cands[i], 0);
			found = true;
		}
	}
	if (!found)
		distrust(a, "names a role guard cannot find", name);
	for (size_t i = 0; i < 5; i++)
		free(cands[i]);
}

/* Every YAML file below a role's folder (tasks, handlers, meta). */
static void
scan_tree(struct ansible_scan *a, const char *dir, unsigned depth)
{
	if (depth > 6) {
		distrust(a, "holds folders nested too deep to read", dir);
		return;
	}
	void *d = risk_memo_opendir(dir);
	if (!d) {
		guard_error_clear();
		distrust(a, "names a role folder guard cannot read", dir);
		return;
	}
	struct dirent *e;
	while (!a->why && (e = risk_memo_readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *p = guard_xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		size_t n = strlen(e->d_name);
		if (risk_memo_stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			scan_tree(a, p, depth + 1);
		else if ((n > 4 && !strcmp(e->d_name + n - 4, ".yml")) || (n > 5 && !strcmp(e->d_name + n - 5, ".yaml")))
			scan_file(a, p, true);
		free(p);
	}
	risk_memo_closedir(d);
}

struct frame {
	bool map;	/* a mapping (else a sequence) */
	bool want_key;	/* mapping: the next node is a key */
	char key[64];	/* mapping: the key of the value being read */
	char parent[64];/* the key this collection is the value of ("" at the top or in a sequence) */
	char owner[64]; /* for a mapping item of a sequence: the sequence's key */
};

/*
 * A vars file (vars_files, include_vars): Jinja in its values runs where
 * they are used, and it can set ansible_python_interpreter, so it is
 * bound (J16); looked up beside the file that names it and in its vars/.
 * A name computed by a template is not bound (the variables are).
 */
static void
bind_vars(struct ansible_scan *a, const char *dir, const char *value)
{
	if (strstr(value, "{{"))
		return;
	char *p = guard_path_resolve(dir, value, a->st->ctx->home), *v = guard_xasprintf("%s/vars", dir);
	char *q = guard_path_resolve(v, value, a->st->ctx->home);
	risk_bind_tree(a->st, p);
	if (strcmp(p, q))
		risk_bind_tree(a->st, q);
	free(p);
	free(q);
	free(v);
}

/*
 * A file a task names (template/copy/unarchive src=, script, lookup('file',
 * ...)): ansible looks for it in templates/ and files/ beside the file
 * that names it and beside each playbook, and there itself, so each of
 * those places is bound; a name computed by a template binds the playbooks'
 * whole folders (attack11 L7: a template swapped after its approval ran
 * lookup('pipe') on this machine).
 */
static void
bind_task_file(struct ansible_scan *a, const char *dir, const char *name, size_t n)
{
	static const char *const subs[] = { "", "templates/", "files/", NULL };
	char *v = guard_xstrndup(name, n);

	for (size_t d = 0; d <= a->plays.len; d++) {
		char *base = d ? guard_path_resolve(a->plays.items[d - 1], "..", NULL) : guard_xstrdup(dir);
		for (size_t i = 0; subs[i] && v[0]; i++) {
			if (strstr(v, "{{")) {
				risk_bind_tree(a->st, base);
				break;
			}
			char *rel = guard_xasprintf("%s%s", subs[i], v), *p = guard_path_resolve(base, rel, a->st->ctx->home);
			risk_bind_tree(a->st, p);
			free(p);
			free(rel);
		}
		free(base);
	}
	free(v);
}

/* key=value words of a free-form module line ("src=tpl.j2 dest=/etc/x"): src='s file bound. */
static void
bind_free_form(struct ansible_scan *a, const char *dir, const char *line)
{
	for (const char *p = strstr(line, "src="); p; p = strstr(p + 4, "src="))
		if (p == line || isspace((unsigned char)p[-1]))
			bind_task_file(a, dir, p + 4, strcspn(p + 4, " \t\n"));
}

/* lookup('file'|'template'|..., 'NAME') and query(...) in a value: NAME bound. */
static void
bind_lookups(struct ansible_scan *a, const char *dir, const char *v)
{
	static const char *const calls[] = { "lookup(", "query(", "q(", NULL };

	for (size_t k = 0; calls[k]; k++)
		for (const char *p = strstr(v, calls[k]); p; p = strstr(p + 1, calls[k])) {
			const char *s = p + strlen(calls[k]);
			s += strspn(s, " ");
			const char *end = (*s == '\'' || *s == '"') ? strchr(s + 1, *s) : NULL;
			if (!end)
				continue;
			const char *c0 = end + 1 + strspn(end + 1, " ,");
			const char *c1 = (*c0 == '\'' || *c0 == '"') ? strchr(c0 + 1, *c0) : NULL;
			if (c1)
				bind_task_file(a, dir, c0 + 1, (size_t)(c1 - c0 - 1));
		}
}

/* One scalar value under key (in a mapping whose own key is parent / that is an item of owner's list). */
static void
on_value(struct ansible_scan *a, const char *dir, const struct frame *f, const char *value)
{
	const char *k = short_key(f->key), *parent = short_key(f->parent), *owner = short_key(f->owner);

	if (!strcmp(k, "check_mode")) {
		if (!plainly_true(value))
			distrust(a, "runs a task with check_mode off", value);
	} else if (!strcmp(k, "import_tasks") || !strcmp(k, "include_tasks") || !strcmp(k, "import_playbook") ||
		   !strcmp(k, "include") || (!strcmp(k, "file") && (!strcmp(parent, "include_tasks") ||
								 !strcmp(parent, "import_tasks")))) {
		if (strstr(value, "{{")) {
			distrust(a, "includes a file named by a template", value);
			return;
		}
		char *p = guard_path_resolve(dir, value, a->st->ctx->home);
		scan_file(a, p, false);
		free(p);
	} else if (a->bind_all && (!strcmp(k, "src") || (!strcmp(k, "cmd") && !strcmp(parent, "script")))) {
		bind_task_file(a, dir, value, strcspn(value, !strcmp(k, "cmd") ? " \t" : ""));
	} else if (a->bind_all && !strcmp(k, "script")) {
		bind_task_file(a, dir, value, strcspn(value, " \t"));
	} else if (a->bind_all && (!strcmp(k, "template") || !strcmp(k, "copy") || !strcmp(k, "unarchive") ||
				   !strcmp(k, "synchronize") || !strcmp(k, "assemble"))) {
		bind_free_form(a, dir, value);
	} else if (a->bind_all && (!strcmp(k, "include_vars") || !strcmp(k, "vars_files") ||
				   (!strcmp(parent, "include_vars") && (!strcmp(k, "file") || !strcmp(k, "dir"))))) {
		bind_vars(a, dir, value);
	} else if (((!strcmp(k, "name") || !strcmp(k, "role")) &&
		    (!strcmp(parent, "include_role") || !strcmp(parent, "import_role") || !strcmp(owner, "roles") ||
		     !strcmp(owner, "dependencies"))) ||
		   !strcmp(k, "role")) {
		scan_role(a, dir, value);
	}
}

/*
 * Templates are rendered on this machine whatever --check says, and a
 * lookup runs there while they are: lookup('pipe', CMD) / query('pipe',
 * CMD) and the 'lines' lookup run CMD (attack8 I23: a debug msg of
 * "{{ lookup('pipe', 'rm -rf ~') }}" ran under --check). A literal
 * command is rated as itself; such a lookup (or one whose name is
 * computed) means --check is not trusted.
 */
static void
scan_template(struct ansible_scan *a, const char *v)
{
	static const char *const calls[] = { "lookup(", "query(", "q(", NULL };

	if (!strstr(v, "{{") && !strstr(v, "{%"))
		return;
	for (size_t k = 0; calls[k]; k++) {
		for (const char *p = strstr(v, calls[k]); p; p = strstr(p + 1, calls[k])) {
			if (p > v && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue; /* my_lookup(: another name */
			const char *s = p + strlen(calls[k]);
			while (*s == ' ')
				s++;
			char q = *s;
			if (q != '\'' && q != '"') {
				distrust(a, "runs a lookup named by a value guard cannot read", v);
				return;
			}
			const char *name = s + 1, *end = strchr(name, q);
			if (!end)
				continue;
			size_t nl = (size_t)(end - name);
			bool runs = (nl == 4 && !strncmp(name, "pipe", 4)) || (nl == 5 && !strncmp(name, "lines", 5)) ||
				    (nl > 5 && (!strncmp(end - 5, ".pipe", 5) || !strncmp(end - 6, ".lines", 6)));
			if (!runs)
				continue;
			/* the command: the next quoted argument */
			const char *c0 = end + 1;
			while (*c0 == ' ' || *c0 == ',')
				c0++;
			if ((*c0 == '\'' || *c0 == '"') && strchr(c0 + 1, *c0)) {
				const char *c1 = strchr(c0 + 1, *c0);
				risk_nested(a->st, "ansible lookup pipe", c0 + 1, (size_t)(c1 - c0 - 1));
			}
			distrust(a, "runs a command through a lookup while templating, which check mode does not stop", v);
			return;
		}
	}
}

/* One YAML file's events: check_mode values, the files and roles it names (looked up from dir). */
static void
scan_yaml(struct ansible_scan *a, const char *dir, const char *data, size_t len, const char *abs)
{
	yaml_parser_t p;
	struct frame fr[ANSIBLE_DEPTH_MAX];
	size_t depth = 0;

	if (!yaml_parser_initialize(&p)) {
		distrust(a, "names a file guard cannot parse", abs);
		return;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (bool done = false; !done && !a->why;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			distrust(a, "names a file guard cannot parse", abs);
			break;
		}
		struct frame *top = depth ? &fr[depth - 1] : NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
		case YAML_SCALAR_EVENT: {
			const char *v = ev.type == YAML_SCALAR_EVENT ? (const char *)ev.data.scalar.value : "*alias";
			scan_template(a, v);
			if (a->bind_all)
				bind_lookups(a, dir, v);
			if (top && top->map && top->want_key) {
				snprintf(top->key, sizeof(top->key), "%s", v);
				top->want_key = false;
			} else if (top && top->map) {
				on_value(a, dir, top, v);
				top->want_key = true;
			} else if (top && !top->map) { /* a list item: roles: [common, web] */
				const char *pk = short_key(top->parent);
				if (!strcmp(pk, "roles") || !strcmp(pk, "dependencies"))
					scan_role(a, dir, v);
				else if (a->bind_all && (!strcmp(pk, "vars_files") || !strcmp(short_key(top->owner), "vars_files")))
					bind_vars(a, dir, v);
			}
			break;
		}
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			if (depth == ANSIBLE_DEPTH_MAX) {
				distrust(a, "names a file nested too deep to read", abs);
				break;
			}
			struct frame *f = &fr[depth++];
			memset(f, 0, sizeof(*f));
			f->map = ev.type == YAML_MAPPING_START_EVENT;
			f->want_key = true;
			if (top && top->map) {
				snprintf(f->parent, sizeof(f->parent), "%s", top->key);
				if (!strcmp(short_key(top->key), "check_mode"))
					distrust(a, "runs a task with check_mode set by a value guard cannot read", abs);
				top->want_key = true;
			} else if (top) {
				snprintf(f->owner, sizeof(f->owner), "%s", top->parent);
			}
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
}

/* must: a file that is not there is a reason not to trust --check (a role's file, an include). */
static void
scan_file(struct ansible_scan *a, const char *abs, bool must)
{
	if (a->why || guard_list_has(&a->seen, abs))
		return;
	if (a->seen.len >= ANSIBLE_FILES_MAX) {
		distrust(a, "reads more files than guard reads", abs);
		return;
	}
	guard_list_add(&a->seen, abs);
	char *data = NULL;
	size_t len = 0;
	struct stat sb;
	bool regular = risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode); /* a FIFO reads as empty now */
	if (!regular || risk_memo_read(abs, ANSIBLE_FILE_MAX, &data, &len) < 0) {
		bool missing = risk_memo_lstat(abs, &sb) != 0; /* nothing there (a dangling link is something) */
		risk_bind_failed(a->st, abs);
		if (!missing || must)
			distrust(a, "names a file guard cannot read", abs);
		return;
	}
	risk_bind_bytes(a->st, abs, data, len);
	char *dir = guard_path_resolve(abs, "..", NULL);
	/* a role's meta/main.yml names dependencies found beside the role's own folder */
	const char *leaf = risk_basename(dir);
	if (!strcmp(leaf, "meta") || !strcmp(leaf, "tasks") || !strcmp(leaf, "handlers")) {
		char *up = guard_path_resolve(dir, "../..", NULL);
		if (!strcmp(risk_basename(up), "roles")) {
			free(dir);
			dir = guard_path_resolve(up, "..", NULL);
		}
		free(up);
	}
	scan_yaml(a, dir, data, len, abs);
	free(dir);
	free(data);
}

/* Every playbook c names, scanned (binding each file read); stops at the first reason to distrust --check. */
static void
scan_playbooks(struct ansible_scan *a, const struct risk_cmd *c)
{
	static const char *const with_arg =
		"-i --inventory --inventory-file -l --limit -e --extra-vars -u --user -M --module-path --vault-id "
		"--vault-password-file --vault-pass-file -t --tags --skip-tags -f --forks -c --connection -T --timeout "
		"--private-key --key-file --start-at-task --become-user --become-method --ssh-common-args "
		"--sftp-extra-args --scp-extra-args --ssh-extra-args --become-password-file --connection-password-file "
		"-J";
	const struct guard_shell_word *ops[16];
	size_t n = risk_operands(c, 1, with_arg, ops, sizeof(ops) / sizeof(ops[0]));

	for (size_t i = 0; i < n && !a->why; i++) {
		if (ops[i]->flags & GUARD_WORD_DYNAMIC) {
			distrust(a, "runs a playbook named by a value guard cannot work out", ops[i]->text);
			break;
		}
		char *abs = guard_path_resolve(a->st->cwds[0], ops[i]->text, a->st->ctx->home);
		guard_list_add(&a->plays, abs);
		scan_file(a, abs, false);
		free(abs);
	}
}

/* ansible-playbook c with --check: true when its playbooks can be trusted to change nothing. */
bool
risk_ansible_check_honoured(struct risk_state *st, const struct risk_cmd *c)
{
	struct ansible_scan a = { st, GUARD_LIST_INIT, NULL, false, NULL, GUARD_LIST_INIT };

	if (strcmp(c->name, "ansible-playbook") || st->remote)
		return true; /* ad-hoc ansible has no playbook to opt out in */
	scan_playbooks(&a, c);
	bool ok = !a.why;
	if (!ok)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "ansible-playbook --check is no dry run: the playbook %s (%s), so tasks may change remote "
			  "machines", a.why, a.what);
	free(a.what);
	guard_list_clear(&a.seen);
	guard_list_clear(&a.plays);
	return ok;
}

static void
bind_each(struct risk_state *st, const char *dir, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		char *p = guard_xasprintf("%s/%s", dir, names[i]);
		risk_bind_tree(st, p);
		free(p);
	}
}

/* Folders ansible reads beside a playbook or an inventory: variables, plugins, the files tasks copy. */
static void
bind_beside(struct risk_state *st, const char *dir, bool playbook)
{
	static const char *const vars[] = { "group_vars", "host_vars", NULL };
	static const char *const plays[] = { "library", "module_utils", "filter_plugins", "lookup_plugins",
					     "callback_plugins", "action_plugins", "vars_plugins", "connection_plugins",
					     "inventory_plugins", "templates", "files", "vars", NULL };

	bind_each(st, dir, vars);
	if (playbook)
		bind_each(st, dir, plays);
}

/*
 * What else ansible reads for c (J16): the inventory (-i FILE or folder;
 * "h1,h2," is a list of hosts) and the group_vars/host_vars beside it and
 * beside each playbook, extra vars from a file (-e @FILE), the vault
 * password file (a program when executable), ./ansible.cfg and the
 * plugin, template and file folders beside a playbook. Inventory and vars
 * set ansible_python_interpreter and hold Jinja that runs commands.
 */
static void
ansible_bind_more(struct risk_state *st, const struct risk_cmd *c, const struct guard_list *playbooks)
{
	char *cfg = guard_xasprintf("%s/ansible.cfg", st->cwds[0]);
	risk_bind_file(st, cfg);
	free(cfg);
	for (size_t i = 1; i + 1 < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *o = c->argv[i].text;
		const struct guard_shell_word *w = &c->argv[i + 1];
		if ((!strcmp(o, "-i") || !strcmp(o, "--inventory") || !strcmp(o, "--inventory-file")) &&
		    !(w->flags & GUARD_WORD_DYNAMIC) && !strchr(w->text, ',')) {
			char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
			struct stat sb;
			risk_bind_tree(st, abs);
			if (risk_memo_stat(abs, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
				char *dir = guard_path_resolve(abs, "..", NULL);
				bind_beside(st, dir, false);
				free(dir);
			}
			free(abs);
		}
	}
	risk_bind_opts(st, c, NULL, "--vault-password-file");
	risk_bind_opts(st, c, NULL, "--vault-pass-file");
	for (size_t i = 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *o = c->argv[i].text, *v = NULL;
		if ((!strcmp(o, "-e") || !strcmp(o, "--extra-vars")) && i + 1 < c->argc)
			v = c->argv[++i].text;
		else if (!strncmp(o, "--extra-vars=", 13))
			v = o + 13;
		else if (!strncmp(o, "-e", 2) && o[2])
			v = o + 2;
		if (v && v[0] == '@' && !(c->argv[i].flags & GUARD_WORD_DYNAMIC)) {
			struct guard_shell_word w = { (char *)v + 1, NULL, 0 };
			risk_bind_path(st, &w);
		}
	}
	for (size_t i = 0; i < playbooks->len; i++) {
		char *dir = guard_path_resolve(playbooks->items[i], "..", NULL);
		bind_beside(st, dir, true);
		free(dir);
	}
}

/*
 * ansible-playbook without a trusted --check: its playbooks and the task
 * files, playbooks, vars files and roles they name are bound for an
 * approval (scan_file binds what it reads; bind_all reads on past what
 * would distrust --check), so a playbook rewritten after its approval is
 * a new action (attack8 I18); so is what ansible_bind_more names (J16).
 */
void
risk_ansible_bind(struct risk_state *st, const struct risk_cmd *c)
{
	struct ansible_scan a = { st, GUARD_LIST_INIT, NULL, true, NULL, GUARD_LIST_INIT };
	struct guard_list none = GUARD_LIST_INIT;

	if (st->remote || (strcmp(c->name, "ansible-playbook") && strcmp(c->name, "ansible")))
		return;
	if (!strcmp(c->name, "ansible-playbook"))
		scan_playbooks(&a, c);
	ansible_bind_more(st, c, strcmp(c->name, "ansible-playbook") ? &none : &a.plays);
	free(a.what);
	guard_list_clear(&a.seen);
	guard_list_clear(&a.plays);
}
