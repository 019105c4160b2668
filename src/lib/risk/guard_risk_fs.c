/*
 * Filesystem verbs: delete (rm, rmdir, unlink, shred, rimraf), copy and
 * move, permissions, file writers (tee, touch, mkdir, sed -i, tar -x),
 * disks (dd, mkfs, wipefs, fdisk) and find with -delete / -exec.
 */
#include <sys/stat.h>

#include "guard_path.h"
#include "guard_risk_int.h"

static void
each_operand(struct risk_state *st, const struct risk_cmd *c, const char *with_arg, const char *verb,
	     enum risk_path_op op)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, with_arg, &ops);

	for (size_t i = 0; i < n; i++)
		risk_path(st, verb, ops[i], op);
}

/* "{}" of find -exec, or arguments still to come from xargs. */
static bool
items_from_elsewhere(struct risk_state *st, const struct risk_cmd *c, const char *verb, bool tree)
{
	if (c->find_items) {
		struct guard_shell_word root = { (char *)c->find_root, NULL,
						  c->find_root[0] == '~' ? GUARD_WORD_TILDE : 0 };
		char what[96];
		snprintf(what, sizeof(what), "find -exec %s%s%s", verb, tree ? "" : " (each file)",
			 c->find_filtered ? "" : " (no filter)");
		risk_path(st, what, &root,
			  c->find_filtered ? PATH_DELETE_UNDER : PATH_DELETE_TREE);
		return true;
	}
	if (c->xargs) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "xargs %s: the files to delete come from input",
			  verb);
		return true;
	}
	return false;
}

/*
 * c is the line's only command, not wrapped, nested or looped: nothing ran
 * before it that could put a folder or a link where a name is missing now
 * (mv src x; rm -rf x, python -c "os.rename('src','x')"; rm -rf x,
 * ln -s ~/.bashrc .env; cp .env.example .env).
 */
static bool
alone_on_line(const struct risk_state *st, const struct risk_cmd *c)
{
	return st->nest == 0 && !st->cwd_unknown && c->sh->ncmds == 1 && c->cmd->argc &&
	       !strcmp(risk_basename(c->cmd->argv[0].text), c->name);
}

static void
rate_rm(struct risk_state *st, const struct risk_cmd *c)
{
	bool tree = risk_flag(c, 'r', "recursive") || risk_flag(c, 'R', NULL);
	const char *verb = tree ? "rm -r" : "rm";
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, NULL, &ops);

	if (risk_arg_has(c, "--no-preserve-root"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "rm --no-preserve-root");
	if (items_from_elsewhere(st, c, verb, tree) && !n)
		return;
	if (!n && !c->xargs)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_DELETE);
	risk_rm_alone = alone_on_line(st, c);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(ops[i]->text, "{}") && c->find_items)
			continue;
		risk_path(st, verb, ops[i], tree ? PATH_DELETE_TREE : PATH_DELETE);
	}
	risk_rm_alone = false;
}

/*
 * cp/mv/install/ln into a folder (-t DIR, DIR/, or an existing folder):
 * each source lands at DIR/NAME, and DIR may be a symlink to guard's
 * state (N7: src/cfg -> ../.ai, then cp policy.yaml src/cfg/). Each
 * landing is rated on its own; what is high or worse is kept.
 */
/* The folder the sources land in (-t DIR, DIR/, or an existing folder), or NULL. */
static const char *
landing_dir(struct risk_state *st, const struct risk_cmd *c, const char *tdir, const struct guard_shell_word *const *ops,
	    size_t nsrc)
{
	const char *dir = tdir ? tdir : ops[nsrc]->text;
	size_t dl = strlen(dir);
	struct stat sb;

	if (st->remote || risk_flag(c, 'T', "no-target-directory") || (!tdir && (ops[nsrc]->flags & GUARD_WORD_DYNAMIC)))
		return NULL;
	if (!tdir && !(dl && dir[dl - 1] == '/')) {
		char *abs = guard_path_physical(st->cwds[0], dir, st->ctx->home);
		bool is_dir = risk_memo_stat(abs, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(abs);
		if (!is_dir)
			return NULL;
	}
	return dir;
}

/* DIR/NAME for a source (its last name, trailing slashes aside), or NULL when that is not one name. */
static char *
landing(const char *dir, const char *src)
{
	size_t dl = strlen(dir), end = strlen(src), start;

	while (end > 1 && src[end - 1] == '/')
		end--;
	for (start = end; start > 0 && src[start - 1] != '/'; start--)
		;
	if (start == end || (end - start == 1 && src[start] == '.') ||
	    (end - start == 2 && !strncmp(src + start, "..", 2)))
		return NULL;
	return guard_xasprintf("%s%s%.*s", dir, dl && dir[dl - 1] == '/' ? "" : "/", (int)(end - start), src + start);
}

static void
landings(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *tdir,
	 const struct guard_shell_word *const *ops, size_t nsrc, bool rated)
{
	const char *dir = landing_dir(st, c, tdir, ops, nsrc);

	for (size_t i = 0; dir && i < nsrc; i++) {
		if (ops[i]->flags & GUARD_WORD_DYNAMIC)
			continue;
		char *land = landing(dir, ops[i]->text);
		if (!land)
			land = guard_xasprintf("%s/%s", dir, risk_basename(ops[i]->text));
		struct guard_risk scratch;
		struct risk_state quiet = risk_quiet(st, &scratch, false);
		if (!rated) /* the landings were not the targets: rated here, high or worse kept */
			risk_path_str(&quiet, verb, land, PATH_WRITE);
		if (scratch.level >= GUARD_LEVEL_HIGH && scratch.reasons.len)
			risk_rule(st, scratch.level, scratch.cls, "%s into %s: %s", verb, dir, scratch.reasons.items[0]);
		guard_risk_release(&scratch);
		/* the name that lands is guard's, a folder too: mv S/.claude . makes .claude (attack10 K6) */
		if (risk_guard_place(st, land))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s into %s puts %s there, a name of guard's own state", verb, dir, land);
		free(land);
	}
}

/*
 * ln -s TARGET LINK: TARGET is read from LINK's folder. A link to guard's
 * state or a folder holding it (not the project root: physical resolution
 * judges writes through that) is rated as that state written: every later
 * check would depend on seeing through it.
 */
static void
symlink_to_state(struct risk_state *st, const struct risk_cmd *c, const char *tdir,
		 const struct guard_shell_word *const *ops, size_t n, size_t nsrc)
{
	struct stat sb;

	if (st->remote || !(risk_flag(c, 's', "symbolic")) || !n)
		return;
	const char *dest = tdir ? tdir : nsrc < n ? ops[nsrc]->text : ".";
	if (!tdir && nsrc == n - 1 && (ops[nsrc]->flags & GUARD_WORD_DYNAMIC))
		return;
	if (!tdir && n == 1)
		nsrc = 1, dest = "."; /* ln -s TARGET: the link lands here */
	char *dabs = guard_path_physical(st->cwds[0], dest, st->ctx->home);
	bool into = tdir || (risk_memo_stat(dabs, &sb) == 0 && S_ISDIR(sb.st_mode) && !risk_flag(c, 'T', NULL) &&
			     !risk_flag(c, 'n', "no-dereference"));
	if (!into) {
		char *slash = strrchr(dabs, '/');
		if (slash)
			slash[slash == dabs] = '\0';
	}
	for (size_t i = 0; i < nsrc; i++) {
		if (ops[i]->flags & GUARD_WORD_DYNAMIC)
			continue;
		char *to = guard_path_physical(dabs, ops[i]->text, st->ctx->home);
		if (risk_guard_place(st, to))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "ln -s links to guard's own state: %s reaches %s", ops[i]->text, to);
		free(to);
	}
	free(dabs);
}

/* A literal project path (abs and display made, caller frees) that is not a glob; false otherwise. */
static bool
project_word(const struct risk_state *st, const struct guard_shell_word *w, char **abs, char **display)
{
	if ((w->flags & GUARD_WORD_DYNAMIC) || strpbrk(w->text, "*?["))
		return false;
	*abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	*display = guard_path_display(st->ctx->project, *abs);
	return true;
}

/*
 * cp .env.example .env: a new env file made from the project's template,
 * which holds no secret (sensitive_paths excludes it). Only onto a name
 * that is not there (or with -n): over an existing .env it destroys the
 * secrets in it, and through a link it writes elsewhere.
 */
static bool
template_copy(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops, size_t n)
{
	char *sabs = NULL, *sdisp = NULL, *dabs = NULL, *ddisp = NULL;
	struct stat sb;
	bool ok = !strcmp(c->name, "cp") && n == 2 && !risk_opt_value(c, "-t", "--target-directory") &&
		  !risk_flag(c, 'l', "link") && !risk_flag(c, 's', "symbolic-link") && alone_on_line(st, c) &&
		  project_word(st, ops[0], &sabs, &sdisp) && project_word(st, ops[1], &dabs, &ddisp);
	bool keep = risk_flag(c, 'n', "no-clobber") || risk_arg_has(c, "--update=none");

	ok = ok && sdisp[0] != '/' && sdisp[0] != '~' && ddisp[0] != '/' && ddisp[0] != '~' &&
	     !strncmp(risk_basename(sdisp), ".env", 4) && !risk_is_sensitive(st, sdisp, sabs) &&
	     risk_memo_lstat(sabs, &sb) == 0 && S_ISREG(sb.st_mode) && risk_is_sensitive(st, ddisp, dabs) &&
	     (keep || risk_memo_lstat(dabs, &sb) != 0);
	if (ok) {
		risk_path(st, c->name, ops[0], PATH_READ);
		risk_rule(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE, "cp makes %s from the template %s (no secret in it)",
			  ddisp, sdisp);
	}
	free(sabs);
	free(sdisp);
	free(dabs);
	free(ddisp);
	return ok;
}

/*
 * Sources landing in a folder write DIR/NAME each: those are the targets,
 * so a move into the project root (mv sub/f .) is not read as a change of
 * "." and every folder under it, guard's state among them. False (the
 * folder stays the target) when a source or the folder is not literal.
 */
static bool
into_folder(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *tdir,
	    const struct guard_shell_word *const *ops, size_t nsrc)
{
	const char *dir = landing_dir(st, c, tdir, ops, nsrc);
	struct guard_list lands = GUARD_LIST_INIT;
	bool ok = dir && dir[0] != '~' && nsrc;

	for (size_t i = 0; ok && i < nsrc; i++) {
		char *land = ops[i]->flags & GUARD_WORD_DYNAMIC ? NULL : landing(dir, ops[i]->text);
		ok = land != NULL;
		if (land)
			guard_list_add(&lands, land);
		free(land);
	}
	for (size_t i = 0; ok && i < lands.len; i++)
		risk_path_str(st, verb, lands.items[i], PATH_WRITE);
	guard_list_clear(&lands);
	return ok;
}

/*
 * A program keeps FILE's old text under a derived name before it writes
 * FILE (attack11 L5: sed -i.yaml, cp -b -S .yaml on .ai/policy put the
 * agent's text at .ai/policy.yaml): FILE+SUFFIX, or with '*' in SUFFIX,
 * SUFFIX with each '*' the name as given (STAR_WHOLE: perl, and GNU sed,
 * checked: sed -i'bak_*' on d/f renames it to bak_d/f, attack12 M26; a '/'
 * in SUFFIX makes a path). SUFFIX NULL:
 * the environment picks it (SIMPLE_BACKUP_SUFFIX, perhaps set before this
 * line): every name starting with FILE is judged.
 */
void
risk_backup_write(struct risk_state *st, const char *verb, const char *file, const char *suffix,
		  enum risk_backup_star star)
{
	struct guard_buf name = GUARD_BUF_INIT;

	if (!suffix) {
		char *any = guard_xasprintf("%s*", file);
		risk_named_outputs(st, verb, any);
		risk_suffixed_outputs(st, verb, file);
		free(any);
		return;
	}
	if (star == RISK_STAR_NONE || !strchr(suffix, '*')) {
		guard_buf_addf(&name, "%s%s", file, suffix);
	} else {
		for (const char *p = suffix; *p; p++)
			if (*p == '*')
				guard_buf_addstr(&name, file);
			else
				guard_buf_addch(&name, *p);
	}
	risk_path_str(st, verb, name.buf, PATH_WRITE);
	guard_buf_release(&name);
}

/* -b/--backup[=CONTROL], or -S/--suffix alone (GNU takes it as asking for one): DEST+SUFFIX or DEST.~N~. */
static void
backup_names(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *dest)
{
	const char *control = risk_opt_value(c, NULL, "--backup");
	struct guard_shell_word sw;
	bool suffix = risk_opt_word(c, "-S", "--suffix", &sw) && !(sw.flags & GUARD_WORD_DYNAMIC) && sw.text[0];
	char what[112];

	if (control && (!strcmp(control, "none") || !strcmp(control, "off")))
		return;
	if (!risk_flag(c, 'b', "backup") && !control && !risk_opt_value(c, "-S", "--suffix"))
		return;
	snprintf(what, sizeof(what), "%s (its backup of %s)", verb, dest);
	risk_backup_write(st, what, dest, suffix ? sw.text : NULL, RISK_STAR_NONE);
	char *name = guard_xasprintf("%s.~*~", dest); /* numbered: VERSION_CONTROL=numbered or --backup=t */
	risk_named_outputs(st, what, name);
	free(name);
}

/* The backups of each name written: DIR/NAME for sources landing in a folder, else DEST. */
static void
backups(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *tdir,
	const struct guard_shell_word *const *ops, size_t n, size_t nsrc)
{
	const char *dir = (tdir || n >= 2) && nsrc ? landing_dir(st, c, tdir, ops, nsrc) : NULL;

	for (size_t i = 0; dir && i < nsrc; i++) {
		char *land = ops[i]->flags & GUARD_WORD_DYNAMIC ? NULL : landing(dir, ops[i]->text);
		if (land)
			backup_names(st, c, verb, land);
		free(land);
	}
	if (!dir && !tdir && n && !(ops[n - 1]->flags & GUARD_WORD_DYNAMIC))
		backup_names(st, c, verb, ops[n - 1]->text);
}

/* cp/mv/install/ln: last operand (or -t DIR) is the destination. */
static void
rate_copy(struct risk_state *st, const struct risk_cmd *c, bool move)
{
	const char *with_arg = "-t -S -m -o -g -Z --target-directory --suffix --mode --owner --group";
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, with_arg, &ops);
	const char *tdir = risk_opt_value(c, "-t", "--target-directory");
	size_t nsrc = tdir ? n : (n ? n - 1 : 0);
	bool is_ln = !strcmp(c->name, "ln");
	char verb[96];

	snprintf(verb, sizeof(verb), "%s", c->name);
	if (!move && !c->xargs && template_copy(st, c, ops, n))
		return;
	if (c->xargs && !c->find_items)
		risk_rule(st, GUARD_LEVEL_MEDIUM, move ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
			  "xargs %s: the files come from input", verb);
	for (size_t i = 0; i < nsrc; i++) {
		if (is_ln)
			continue; /* the link target is not touched */
		risk_path(st, verb, ops[i], move ? PATH_MOVE : PATH_READ);
	}
	struct guard_shell_word tw;
	bool into = (tdir || n >= 2) && into_folder(st, c, verb, tdir, ops, nsrc);
	if (into) {
		/* the names written are the targets, not the folder they land in; what the folder
		 * itself is still counts when it is critical (guard's folder through /proc/PID/cwd: G1) */
		const struct guard_shell_word *dw = tdir && risk_opt_word(c, "-t", "--target-directory", &tw) ? &tw
										     : ops[n - 1];
		struct guard_risk scratch;
		struct risk_state quiet = risk_quiet(st, &scratch, false);
		risk_path(&quiet, verb, dw, PATH_WRITE);
		if (scratch.level == GUARD_LEVEL_CRITICAL && scratch.reasons.len)
			risk_rule(st, GUARD_LEVEL_CRITICAL, scratch.cls, "%s", scratch.reasons.items[0]);
		guard_risk_release(&scratch);
	} else if (tdir && risk_opt_word(c, "-t", "--target-directory", &tw)) {
		risk_path(st, verb, &tw, PATH_WRITE);
	} else if (n) {
		risk_path(st, verb, ops[n - 1], PATH_WRITE);
	}
	if (tdir || n >= 2)
		landings(st, c, verb, tdir, ops, nsrc, into);
	backups(st, c, verb, tdir, ops, n, nsrc);
	if (is_ln)
		symlink_to_state(st, c, tdir, ops, n, nsrc);
	risk_base(st, GUARD_LEVEL_LOW, move ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE);
}

/* A chmod mode that lets every user write: octal with the others' w bit (777, 0666, 2757), or o or a given
 * w by + or = ("o+w", "a=rwx", "ugo+rwx", "u+x,o+w"); "+w" alone is masked by the umask (022: the owner). */
static bool
world_writable(const char *mode)
{
	if (mode[strspn(mode, "01234567")] == '\0')
		return *mode && strchr("2367", mode[strlen(mode) - 1]);
	for (const char *clause = mode; *clause; clause += strcspn(clause, ","), clause += *clause == ',') {
		size_t who = strspn(clause, "ugoa");
		bool others = memchr(clause, 'o', who) || memchr(clause, 'a', who);
		const char *op = clause + who;
		size_t len = strcspn(op, ",");
		/* each action of the clause: +w, =rwx, o=u (the user's bits, w among them), o-w+w */
		for (size_t k = 0; others && k < len; k++)
			if ((op[k] == '+' || op[k] == '=') && k + 1 <= len) {
				size_t perms = strcspn(op + k + 1, "+-=,");
				if (memchr(op + k + 1, 'w', perms) || memchr(op + k + 1, 'u', perms) ||
				    memchr(op + k + 1, 'g', perms))
					return true;
			}
	}
	return false;
}

static void
rate_perm(struct risk_state *st, const struct risk_cmd *c)
{
	bool tree = risk_flag(c, 'R', "recursive");
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "--reference --from", &ops);
	char verb[96];
	size_t first = risk_opt_value(c, NULL, "--reference") ? 0 : 1;

	snprintf(verb, sizeof(verb), "%s%s", c->name, tree ? " -R" : "");
	/* chmod's mode may look like an option ("-x", "-w"): then every operand is a path */
	for (size_t i = 1; !strcmp(c->name, "chmod") && i < c->argc; i++)
		if (c->argv[i].text[0] == '-' && c->argv[i].text[1] &&
		    strspn(c->argv[i].text + 1, "rwxXst") == strlen(c->argv[i].text + 1))
			first = 0;
	if (first && n) {
		const char *mode = ops[0]->text;
		if (!strcmp(c->name, "chmod") && (strstr(mode, "+s") || strstr(mode, "u+s") ||
						   (strlen(mode) == 4 && (mode[0] == '4' || mode[0] == '6'))))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "chmod sets the setuid bit: %s", mode);
		bool many = tree || c->xargs || c->find_items; /* find -exec chmod 777 {} +, xargs chmod 777 */
		if (!strcmp(c->name, "chmod") && world_writable(mode))
			risk_rule(st, many ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
				  "chmod%s makes %s world-writable: %s", tree ? " -R" : "", many ? "every file it is given" : "files",
				  mode);
	}
	if (c->xargs || c->find_items)
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s on files from input", verb);
	for (size_t i = first; i < n; i++)
		if (strcmp(ops[i]->text, "{}"))
			risk_path(st, verb, ops[i], tree ? PATH_PERM_TREE : PATH_PERM);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

static void
rate_dd(struct risk_state *st, const struct risk_cmd *c)
{
	risk_base(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE);
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *a = &c->argv[i];
		if (!strncmp(a->text, "of=", 3) || !strncmp(a->text, "if=", 3)) {
			struct guard_shell_word w = { a->text + 3, a->bare ? a->bare : NULL, a->flags };
			if (a->bare && !strncmp(a->bare, "of=", 3))
				w.bare = a->bare + 3;
			else if (a->bare)
				w.bare = NULL;
			risk_path(st, a->text[0] == 'o' ? "dd of=" : "dd if=", &w,
				  a->text[0] == 'o' ? PATH_TRUNCATE : PATH_READ);
		}
	}
}

/* mkfs, wipefs, fdisk and friends: listing is fine, the rest destroys disks. */
static void
rate_disk(struct risk_state *st, const struct risk_cmd *c)
{
	if ((!strcmp(c->name, "fdisk") || !strcmp(c->name, "sfdisk") || !strcmp(c->name, "parted")) &&
	    (risk_flag(c, 'l', "list") || risk_arg_has(c, "print"))) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!strcmp(c->name, "wipefs") && c->argc == 2) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s rewrites a disk or filesystem", c->name);
	each_operand(st, c, "-t -L -b -c -N -O -o -U", c->name, PATH_WRITE);
}

static void
rate_truncate(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-s -r --size --reference", &ops);
	const char *size = risk_opt_value(c, "-s", "--size");

	for (size_t i = 0; i < n; i++) {
		risk_path(st, "truncate", ops[i], PATH_TRUNCATE);
		if (size && !strcmp(size, "0"))
			risk_path(st, "truncate -s 0", ops[i], PATH_DELETE);
	}
}

/* A sed file name argument: the rest of the line. */
static const char *
sed_file(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != '\n' && n + 1 < size)
		out[n++] = *p++;
	out[n] = '\0';
	return p;
}

/* Past one sed address (a line number, $, /re/ or \cREc), or p when none. */
static const char *
sed_address(const char *p)
{
	if (*p == '$')
		return p + 1;
	if (*p >= '0' && *p <= '9') {
		while ((*p >= '0' && *p <= '9') || *p == '~')
			p++;
		return p;
	}
	if (*p == '/' || (*p == '\\' && p[1])) {
		char d = *p == '/' ? '/' : p[1];
		p += *p == '/' ? 1 : 2;
		while (*p && *p != d)
			p += (*p == '\\' && p[1]) ? 2 : 1;
		if (*p)
			p++;
		while (*p == 'I' || *p == 'M')
			p++;
	}
	return p;
}

/*
 * A sed script: e (run a command, or the pattern space), s///e, w FILE
 * and s///w FILE (write), r FILE (read). Other commands only edit text.
 */
static void
sed_script(struct risk_state *st, const char *script)
{
	char file[1024];
	const char *p = script;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';' || *p == '\n' || *p == '{' || *p == '}')
			p++;
		const char *a = sed_address(p);
		if (a != p && *a == ',')
			a = sed_address(a + 1);
		p = a;
		while (*p == ' ' || *p == '!')
			p++;
		char cmd = *p;
		if (!cmd)
			break;
		p++;
		if (cmd == 's' || cmd == 'y') {
			char d = *p;
			if (!d || d == '\n' || d == '\\')
				break;
			p++;
			for (int part = 0; part < 2 && *p; part++) {
				while (*p && *p != d)
					p += (*p == '\\' && p[1]) ? 2 : 1;
				if (*p)
					p++;
			}
			bool exec = false;
			while (*p && *p != ';' && *p != '\n' && *p != '}') {
				if (*p == 'e' && cmd == 's')
					exec = true;
				if (*p == 'w' && cmd == 's') {
					p = sed_file(p + 1, file, sizeof(file));
					risk_path_str(st, "sed s///w", file, PATH_WRITE);
					break;
				}
				p++;
			}
			if (exec)
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "sed s///e runs the result as a shell command");
		} else if (cmd == 'e') {
			p = sed_file(p, file, sizeof(file));
			if (!file[0]) {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "sed e runs its input lines as shell commands");
			} else {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "sed e runs a shell command: %s", file);
				risk_nested(st, "sed e", file, strlen(file));
			}
		} else if (cmd == 'w' || cmd == 'W') {
			p = sed_file(p, file, sizeof(file));
			if (file[0] && strcmp(file, "/dev/stdout") && strcmp(file, "/dev/stderr"))
				risk_path_str(st, "sed w", file, PATH_WRITE);
		} else if (cmd == 'r' || cmd == 'R') {
			p = sed_file(p, file, sizeof(file));
			if (file[0])
				risk_path_str(st, "sed r", file, PATH_READ);
		} else if (cmd == 'a' || cmd == 'i' || cmd == 'c' || cmd == '#') {
			while (*p && *p != '\n')
				p++;
		} else {
			while (*p && *p != ';' && *p != '\n' && *p != '}')
				p++;
		}
	}
}

/* sed -f FILE: the script's text (stdin for - and /dev/stdin) read as -e's (attack11 L3). */
static void
sed_script_file(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w, const char *f)
{
	char *text = NULL;

	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "sed runs a computed script file: %s", f);
		return;
	}
	if (!strcmp(f, "-") || !strcmp(f, "/dev/stdin") || !strcmp(f, "/dev/fd/0") || !strcmp(f, "/proc/self/fd/0")) {
		text = risk_literal_stdin(c);
		if (!text)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "sed runs a script from its input guard cannot read");
	} else {
		const char *earlier = st->remote ? NULL : risk_later_text(st, f);
		text = earlier ? guard_xstrdup(earlier) : risk_command_file_text(st, "sed -f", f);
	}
	if (text)
		sed_script(st, text);
	free(text);
}

static void
sed_script_files(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *a = w->text;
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-f") || !strcmp(a, "--file")) && i + 1 < c->argc)
			sed_script_file(st, c, &c->argv[i + 1], c->argv[i + 1].text), i++;
		else if (!strncmp(a, "--file=", 7))
			sed_script_file(st, c, w, a + 7);
		else if (!strncmp(a, "-f", 2) && a[2])
			sed_script_file(st, c, w, a + 2);
		else if (!strcmp(a, "-e") || !strcmp(a, "--expression"))
			i++;
	}
}

static void
rate_sed(struct risk_state *st, const struct risk_cmd *c)
{
	bool inplace = false;
	const char *suffix = NULL;
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--in-place", 10) || (a[0] == '-' && a[1] != '-' && strchr(a, 'i') &&
						       strspn(a + 1, "nrEsuzi") >= 1 && a[1] != 'e')) {
			inplace = true;
			/* -i.bak, -ni.bak, --in-place=.bak: the backup's suffix (attack11 L5) */
			const char *v = a[1] == '-' ? strchr(a, '=') : strchr(a, 'i');
			if (v && v[1] && !(c->argv[i].flags & GUARD_WORD_DYNAMIC))
				suffix = v + 1;
		}
	}
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-e -f -l --expression --file --line-length", &ops);
	size_t first = risk_opt_value(c, "-e", "--expression") || risk_opt_value(c, "-f", "--file") ? 0 : 1;
	risk_base(st, GUARD_LEVEL_LOW, inplace ? GUARD_CLASS_WRITE : GUARD_CLASS_READ);
	if (inplace && (c->xargs || c->find_items))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "sed -i on files from input");
	/* the script: -e SCRIPT words, or the first operand */
	bool scripts = false;
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "-e") || !strcmp(a, "--expression")) {
			scripts = true;
			if (!(c->argv[i + 1].flags & GUARD_WORD_DYNAMIC))
				sed_script(st, c->argv[++i].text);
		}
	}
	if (!scripts && n && first && !(ops[0]->flags & GUARD_WORD_DYNAMIC))
		sed_script(st, ops[0]->text);
	sed_script_files(st, c);
	for (size_t i = first; i < n; i++)
		if (strcmp(ops[i]->text, "{}")) {
			risk_path(st, inplace ? "sed -i" : "sed", ops[i], inplace ? PATH_WRITE : PATH_READ);
			if (suffix && !(ops[i]->flags & GUARD_WORD_DYNAMIC))
				risk_backup_write(st, "sed -i (its backup)", ops[i]->text, suffix, RISK_STAR_WHOLE);
		}
}

/* patch's -B/-Y/-z value as written; *computed set when it is computed. */
static const char *
patch_part(const struct risk_cmd *c, const char *shortopt, const char *longopt, bool *computed)
{
	struct guard_shell_word w;

	if (!risk_opt_word(c, shortopt, longopt, &w))
		return NULL;
	*computed |= (w.flags & GUARD_WORD_DYNAMIC) != 0;
	return w.text;
}

/*
 * patch keeps FILE's old text before it changes it: always with -b, and
 * when a hunk needs fuzz (--backup-if-mismatch, GNU's default). The name
 * is -B PRE before FILE, -Y PRE before its base name, -z SUF after it;
 * none given: SIMPLE_BACKUP_SUFFIX or .orig, or FILE.~N~. Hunks that fail
 * go to FILE.rej unless -r names the file. All relative to -d DIR.
 */
void
risk_patch_backups(struct risk_state *st, const struct risk_cmd *c, const char *file)
{
	const char *dir = risk_opt_value(c, "-d", "--directory");
	bool computed = false;
	const char *pre = patch_part(c, "-B", "--prefix", &computed);
	const char *ypre = patch_part(c, "-Y", "--basename-prefix", &computed);
	const char *suf = patch_part(c, "-z", "--suffix", &computed);
	struct guard_buf name = GUARD_BUF_INIT, path = GUARD_BUF_INIT;
	const char *what = "patch (its backup)";

	guard_buf_addf(&path, "%s%s%s", dir && file[0] != '/' ? dir : "", dir && file[0] != '/' ? "/" : "", file);
	if (!risk_opt_value(c, "-r", "--reject-file")) {
		guard_buf_addf(&name, "%s.rej", path.buf);
		risk_path_str(st, "patch (its rejects)", name.buf, PATH_WRITE);
	}
	if (!risk_flag(c, 'b', "backup") && risk_arg_has(c, "--no-backup-if-mismatch") && !pre && !ypre && !suf)
		goto out;
	if (computed) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "patch keeps its backup of %s under a name computed "
			  "at run time", file);
	} else if (pre || ypre) {
		const char *base = risk_basename(file);
		guard_buf_release(&name);
		if (dir && !(pre && pre[0] == '/'))
			guard_buf_addf(&name, "%s/", dir);
		guard_buf_addf(&name, "%s%.*s%s%s%s", pre ? pre : "", (int)(base - file), file, ypre ? ypre : "", base,
			       suf ? suf : "");
		risk_path_str(st, what, name.buf, PATH_WRITE);
	} else {
		risk_backup_write(st, what, path.buf, suf, RISK_STAR_NONE);
		guard_buf_release(&name);
		guard_buf_addf(&name, "%s.~*~", path.buf); /* -V numbered */
		risk_named_outputs(st, what, name.buf);
	}
out:
	guard_buf_release(&name);
	guard_buf_release(&path);
}

/* patch [FILE [PATCHFILE]]: FILE (else the patch's own names) rewritten, its backups and rejects written. */
static void
rate_patch(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, RISK_PATCH_WITH_ARG, &ops);
	struct guard_shell_word w;

	const char *dir = risk_opt_value(c, "-d", "--directory");

	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	if (n && dir && ops[0]->text[0] != '/') {
		char *in = guard_xasprintf("%s/%s", dir, ops[0]->text); /* -d DIR: FILE is DIR/FILE */
		risk_path_str(st, "patch", in, PATH_WRITE);
		free(in);
	}
	if (n) {
		risk_path(st, "patch", ops[0], PATH_WRITE);
		if (!(ops[0]->flags & GUARD_WORD_DYNAMIC))
			risk_patch_backups(st, c, ops[0]->text);
	}
	if (n > 1)
		risk_path(st, "patch", ops[1], PATH_READ);
	if (risk_opt_word(c, "-o", "--output", &w))
		risk_path(st, "patch -o", &w, PATH_WRITE);
	if (risk_opt_word(c, "-r", "--reject-file", &w))
		risk_path(st, "patch -r", &w, PATH_WRITE);
}

/* tar --to-command, --checkpoint-action=exec=, -I/--use-compress-program, -F/--info-script: commands tar runs. */
static void
tar_commands(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const longs[] = { "--to-command", "--use-compress-program", "--info-script",
					     "--new-volume-script", "--rsh-command", NULL };

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *cmd = NULL, *opt = a;
		const struct guard_shell_word *w = &c->argv[i];
		if (!strncmp(a, "--checkpoint-action=", 20) && (!strncmp(a + 20, "exec=", 5) || !strncmp(a + 20, "exec ", 5)))
			cmd = a + 25, opt = "--checkpoint-action=exec";
		for (size_t k = 0; !cmd && longs[k]; k++) {
			size_t n = strlen(longs[k]);
			if (!strncmp(a, longs[k], n) && a[n] == '=')
				cmd = a + n + 1, opt = longs[k];
			else if (!strcmp(a, longs[k]) && i + 1 < c->argc)
				w = &c->argv[++i], cmd = w->text;
		}
		if (!cmd && (!strcmp(a, "-I") || !strcmp(a, "-F")) && i + 1 < c->argc)
			w = &c->argv[++i], cmd = w->text;
		if (!cmd && i == 1 && (risk_tar_key(c, 'I', NULL) || risk_tar_key(c, 'F', NULL))) {
			/* old-style "xIf PROG A": the program taken in key order */
			bool prog = risk_tar_key(c, 'I', NULL) != NULL;
			w = risk_tar_key(c, prog ? 'I' : 'F', NULL);
			cmd = w->text, opt = prog ? "-I" : "-F";
		}
		if (!cmd)
			continue;
		if (w->flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "tar %s runs a computed command", opt);
			continue;
		}
		if (strcmp(opt, "-I") && strncmp(opt, "--use-compress", 14))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "tar %s runs a command: %s", opt, cmd);
		risk_nested(st, "tar", cmd, strlen(cmd));
	}
}

static void
rate_tar(struct risk_state *st, const struct risk_cmd *c)
{
	const char *mode = c->argc > 1 ? c->argv[1].text : "";
	bool oldstyle = mode[0] && mode[0] != '-';
	bool extract = risk_flag(c, 'x', "extract") || risk_flag(c, 'x', "get") || (oldstyle && strchr(mode, 'x'));
	bool create = risk_flag(c, 'c', "create") || (oldstyle && strchr(mode, 'c'));
	size_t keyed;
	const struct guard_shell_word *kf = risk_tar_key(c, 'f', &keyed), *kc = risk_tar_key(c, 'C', NULL);
	const char *dir = kc ? kc->text : risk_opt_value(c, "-C", "--directory");
	const char *file = kf ? kf->text : risk_opt_value(c, NULL, "--file");

	/* "-xzf FILE": the word after the f cluster (old-style keys: risk_tar_key) */
	for (size_t i = 1; !file && i + 1 < c->argc; i++) {
		const char *a = c->argv[i].text;
		size_t l = strlen(a);
		if (a[0] == '-' && a[1] != '-' && l && a[l - 1] == 'f')
			file = c->argv[i + 1].text;
	}
	risk_base(st, GUARD_LEVEL_LOW, extract || create ? GUARD_CLASS_WRITE : GUARD_CLASS_READ);
	tar_commands(st, c);
	if (file && strcmp(file, "-")) {
		struct guard_shell_word w = { (char *)file, NULL, 0 };
		risk_path(st, "tar", &w, create ? PATH_TRUNCATE : PATH_READ);
	}
	if (extract) {
		struct guard_shell_word w = { (char *)".", NULL, 0 };
		if (kc)
			w = *kc;
		else
			risk_opt_word(c, "-C", "--directory", &w); /* "-C ~" is the home folder */
		risk_path(st, "tar -x", &w, PATH_WRITE);
	}
	if (create) {
		/* what goes into the archive is read */
		for (size_t i = 1 + keyed; i < c->argc; i++) {
			const char *a = c->argv[i].text;
			if (a[0] == '-' || (file && !strcmp(a, file)) || (dir && !strcmp(a, dir)))
				continue;
			risk_path(st, "tar -c", &c->argv[i], PATH_READ);
		}
	}
}

static void
rate_unzip(struct risk_state *st, const struct risk_cmd *c)
{
	struct guard_shell_word w = { (char *)".", NULL, 0 };
	const struct guard_shell_word *ops[4];

	risk_opt_word(c, "-d", NULL, &w); /* "-d ~" is the home folder */

	if (risk_flag(c, 'l', NULL)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (risk_operands(c, 1, "-d -x", ops, 4))
		risk_path(st, c->name, ops[0], PATH_READ);
	risk_path(st, c->name, &w, PATH_WRITE);
}

/*
 * rsync -b keeps a file it replaces as NAME+SUFFIX (--suffix, "~" by
 * default) or, with --backup-dir=DIR (which implies -b), as DIR/NAME+SUFFIX,
 * DIR relative to the destination folder. A tree copy's names are not
 * known here: every name in that folder counts as written.
 */
static void
rsync_backups(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops, size_t n)
{
	const char *bdir = risk_opt_value(c, NULL, "--backup-dir");
	struct guard_shell_word sw;
	bool has_suffix = risk_opt_word(c, NULL, "--suffix", &sw);
	const char *suffix = has_suffix ? (sw.flags & GUARD_WORD_DYNAMIC ? NULL : sw.text) : bdir ? "" : "~";
	const char *dir = n >= 2 ? landing_dir(st, c, NULL, ops, n - 1) : NULL;
	const char *dest = n >= 2 ? ops[n - 1]->text : "";
	const char *what = "rsync (its backup)";

	if ((!bdir && !risk_flag(c, 'b', "backup")) || n < 2 || (ops[n - 1]->flags & GUARD_WORD_DYNAMIC) ||
	    strchr(dest, ':'))
		return;
	/* the destination folder: DEST/ or an existing DEST, else the folder DEST is in */
	char *folder = dir ? guard_xstrdup(dir)
			   : guard_xasprintf("%.*s", (int)(risk_basename(dest) - dest), dest);
	char *where = !bdir ? guard_xstrdup(*folder ? folder : ".")
		      : bdir[0] == '/' || !*folder ? guard_xstrdup(bdir) : guard_xasprintf("%s/%s", folder, bdir);
	if (risk_recursive_copy(c)) {
		char *any = guard_xasprintf("%s/*", where);
		risk_named_outputs(st, what, any);
		free(any);
	} else {
		for (size_t i = 0; i + 1 < n; i++) {
			char *name = dir ? landing(where, ops[i]->text) : guard_xasprintf("%s/%s", where, risk_basename(dest));
			if (name && !(ops[i]->flags & GUARD_WORD_DYNAMIC))
				risk_backup_write(st, what, name, suffix, RISK_STAR_NONE);
			free(name);
		}
	}
	free(where);
	free(folder);
}

static void
rate_rsync(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-e --rsh --exclude --include --filter -f --rsync-path --port "
				 "--password-file --log-file --files-from --exclude-from --include-from -B "
				 "--block-size --bwlimit --chmod --chown -T --temp-dir --partial-dir --backup-dir "
				 "--suffix --timeout --contimeout --compare-dest --copy-dest --link-dest", &ops);
	bool del = false;
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, "--delete", 8) || !strcmp(c->argv[i].text, "--remove-source-files"))
			del = true;
	for (size_t i = 0; i < n; i++) {
		const char *t = ops[i]->text, *colon = strchr(t, ':');
		bool remote = colon && (!strchr(t, '/') || colon < strchr(t, '/'));
		if (remote) {
			char host[256]; /* USER@HOST: the net rules read the host as for any URL */
			snprintf(host, sizeof(host), "%.*s", (int)(colon - t), t);
			if (risk_remote_host(st, "rsync", host))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "rsync copies files to or from another machine");
			continue;
		}
		if (i + 1 < n)
			risk_path(st, "rsync", ops[i], PATH_READ);
		else
			risk_path(st, del ? "rsync --delete" : "rsync", ops[i], del ? PATH_DELETE_TREE : PATH_WRITE);
	}
	risk_rsync_relative(st, c, ops, n);
	rsync_backups(st, c, ops, n);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

/* find ROOTS EXPR: -delete and -exec rm delete what matches under the roots. */
static void
rate_find(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *roots[32];
	size_t nroots = 0, i = 1;
	bool filtered = false, deletes = false;
	const char *name = NULL;
	char under[32][1024];

	while (i < c->argc && (c->argv[i].text[0] == '-' && (c->argv[i].text[1] == 'H' ||
	       c->argv[i].text[1] == 'L' || c->argv[i].text[1] == 'P') && !c->argv[i].text[2]))
		i++;
	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (a[0] == '-' || a[0] == '(' || a[0] == '!' || a[0] == ')')
			break;
		if (nroots < 32)
			roots[nroots++] = &c->argv[i];
	}
	static struct guard_shell_word dot = { ".", NULL, 0 };
	if (!nroots)
		roots[nroots++] = &dot;
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	for (size_t r = 0; r < nroots; r++)
		risk_path(st, "find", roots[r], PATH_READ);
	for (size_t k = i; k < c->argc; k++) {
		const char *a = c->argv[k].text;
		if ((!strcmp(a, "-name") || !strcmp(a, "-iname")) && k + 1 < c->argc && !name)
			name = c->argv[k + 1].text;
		if (!strcmp(a, "-exec") || !strcmp(a, "-execdir") || !strcmp(a, "-ok") || !strcmp(a, "-okdir"))
			break;
		if (a[0] == '-' && strcmp(a, "-delete") && strcmp(a, "-print") && strcmp(a, "-print0") &&
		    strcmp(a, "-maxdepth") && strcmp(a, "-mindepth") && strcmp(a, "-depth") && strcmp(a, "-xdev") &&
		    strcmp(a, "-mount") && strcmp(a, "-follow") && strcmp(a, "-prune") &&
		    strcmp(a, "-type") && strcmp(a, "-xtype") && strcmp(a, "-o") && strcmp(a, "-a") && strcmp(a, "-not") &&
		    strcmp(a, "-or") && strcmp(a, "-and"))
			filtered = true;
	}
	/* what a filtered delete reaches: the root, any depth, the -name glob */
	for (size_t r = 0; r < nroots; r++)
		snprintf(under[r], sizeof(under[r]), "%s/**%s%s", roots[r]->text, name ? "/" : "", name ? name : "");
	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-name") || !strcmp(a, "-iname") || !strcmp(a, "-path") || !strcmp(a, "-ipath") ||
		    !strcmp(a, "-regex") || !strcmp(a, "-iregex") || !strcmp(a, "-newer") || !strcmp(a, "-mtime") ||
		    !strcmp(a, "-mmin") || !strcmp(a, "-size") || !strcmp(a, "-empty") || !strcmp(a, "-user") ||
		    !strcmp(a, "-perm") || !strcmp(a, "-atime") || !strcmp(a, "-ctime") || !strcmp(a, "-wholename"))
			filtered = true;

		if (!strcmp(a, "-delete")) {
			deletes = true;
		} else if (!strcmp(a, "-fprint") || !strcmp(a, "-fls") || !strcmp(a, "-fprintf")) {
			if (i + 1 < c->argc)
				risk_path(st, "find -fprint", &c->argv[i + 1], PATH_TRUNCATE);
		} else if (!strcmp(a, "-exec") || !strcmp(a, "-execdir") || !strcmp(a, "-ok") || !strcmp(a, "-okdir")) {
			size_t end = i + 1;
			while (end < c->argc && strcmp(c->argv[end].text, ";") && strcmp(c->argv[end].text, "+"))
				end++;
			for (size_t r = 0; r < nroots; r++) {
				struct risk_cmd inner = *c;
				inner.argv = c->argv + i + 1;
				inner.argc = end - i - 1;
				inner.find_items = true;
				inner.xargs = false;
				inner.find_root = filtered ? under[r] : roots[r]->text;
				inner.find_filtered = filtered;
				risk_explain(st, "    find %s runs: %s ...", a, inner.argc ? inner.argv[0].text : "");
				if (inner.argc && strstr(inner.argv[0].text, "{}")) {
					/* -exec {} ARGS: each file found is run as the program, guard's own among them */
					risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
						  "find %s runs each file it finds as a program (%s): guard cannot tell "
						  "what runs", a, inner.argv[0].text);
				} else if (inner.argc) {
					risk_analyse_cmd(st, &inner);
				}
			}
			i = end;
		}
	}
	if (!deletes)
		return;
	for (size_t r = 0; r < nroots; r++) {
		struct guard_shell_word w = { under[r], NULL, roots[r]->flags };
		risk_path(st, filtered ? "find -delete" : "find -delete (no filter)", filtered ? &w : roots[r],
			  filtered ? PATH_DELETE_UNDER : PATH_DELETE_TREE);
	}
}

static void
rate_writers(struct risk_state *st, const struct risk_cmd *c, const char *with_arg, enum risk_path_op op)
{
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	each_operand(st, c, with_arg, c->name, op);
}

/*
 * csplit FILE PATTERN... and split [FILE [PREFIX]] name what they write
 * PREFIX + a suffix they make up: csplit's -b FORMAT is printf'd with the
 * piece's number ("l%.0d" prints "l" then nothing for piece 0, so
 * -f .ai/policy.yam writes .ai/policy.yaml), split's is letters or digits
 * then --additional-suffix. The written names are judged as the pattern
 * PREFIX*SUFFIX (each conversion a "*"): any of guard's files it can
 * match, or a prefix whose folder is guard's state, is a write of it.
 */
static void
rate_split(struct risk_state *st, const struct risk_cmd *c)
{
	bool cs = !strcmp(c->name, "csplit");
	const char *with_arg = cs ? "-b -f -n --suffix-format --prefix --digits"
				  : "-a -b -C -l -n -t --suffix-length --additional-suffix --bytes --line-bytes --lines "
				    "--number --separator --filter";
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, with_arg, &ops);
	struct guard_shell_word prefix = { (char *)(cs ? "xx" : "x"), NULL, 0 };
	struct guard_buf names = GUARD_BUF_INIT;

	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	if (n && strcmp(ops[0]->text, "-"))
		risk_path(st, c->name, ops[0], PATH_READ); /* the input (csplit's patterns are no paths) */
	if (cs)
		risk_opt_word(c, "-f", "--prefix", &prefix);
	else if (n >= 2)
		prefix = *ops[1];
	guard_buf_addstr(&names, prefix.text);
	if (cs) {
		const char *fmt = risk_opt_value(c, "-b", "--suffix-format");
		for (const char *p = fmt ? fmt : "%02d"; *p; p++) {
			if (*p != '%' || p[1] == '%') {
				guard_buf_addch(&names, *p);
				p += *p == '%';
				continue;
			}
			while (p[1] && !strchr("diouxXcs", p[1]))
				p++; /* flags, width, precision: one number, printed or not */
			guard_buf_addch(&names, '*');
			if (p[1])
				p++;
		}
	} else {
		const char *extra = risk_opt_value(c, NULL, "--additional-suffix");
		guard_buf_addch(&names, '*');
		guard_buf_addstr(&names, extra ? extra : "");
	}
	struct guard_shell_word w = { names.buf, prefix.bare, prefix.flags | GUARD_WORD_GLOB };
	risk_explain(st, "    %s writes files named %s", c->name, names.buf);
	risk_path(st, c->name, &w, PATH_WRITE);
	if (!(prefix.flags & GUARD_WORD_DYNAMIC))
		risk_named_outputs(st, c->name, names.buf);
	guard_buf_release(&names);
}

const char *const risk_fs_verbs[] = {
	"rm", "trash", "trash-put", "rimraf", "del-cli", "rmdir", "unlink", "shred", "srm", "wipe", "mv",
	"cp", "install", "ln", "scp-local", "chmod", "chown", "chgrp", "setfacl", "chattr", "dd", "mkfs*",
	"wipefs", "fdisk", "sfdisk", "parted", "sgdisk", "gdisk", "mkswap", "blkdiscard", "cryptsetup",
	"mke2fs", "truncate", "tee", "touch", "mkdir", "mkfifo", "mknod", "sed", "gsed", "tar", "bsdtar",
	"unzip", "7z", "rsync", "find", "zip", "gzip", "gunzip", "bzip2", "xz", "zstd", "split", "csplit",
	"patch", "bunzip2", "unxz", "unzstd", "lzma", "unlzma", "pigz", "unpigz", "pbzip2", "lbzip2", "pzstd", "zstdmt",
	"lz4", "unlz4", "lzop", "brotli", "unbrotli", "lzip", "plzip", "clzip", "pdlzip", "lunzip", "lrzip", "lrunzip",
	"compress", "uncompress", "pixz", NULL
};

bool
risk_verb_fs(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "rm") || !strcmp(n, "trash") || !strcmp(n, "trash-put"))
		rate_rm(st, c);
	else if (!strcmp(n, "rimraf") || !strcmp(n, "del-cli")) {
		if (!items_from_elsewhere(st, c, n, true))
			each_operand(st, c, NULL, n, PATH_DELETE_TREE);
	} else if (!strcmp(n, "rmdir") || !strcmp(n, "unlink")) {
		if (!items_from_elsewhere(st, c, n, false))
			each_operand(st, c, NULL, n, PATH_DELETE);
	} else if (!strcmp(n, "shred") || !strcmp(n, "srm") || !strcmp(n, "wipe")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s destroys file contents beyond recovery", n);
		if (!items_from_elsewhere(st, c, n, false))
			each_operand(st, c, "-n -s --iterations --size --random-source", n, PATH_DELETE);
	} else if (!strcmp(n, "mv"))
		rate_copy(st, c, true);
	else if (!strcmp(n, "cp") || !strcmp(n, "install") || !strcmp(n, "ln") || !strcmp(n, "scp-local"))
		rate_copy(st, c, false);
	else if (!strcmp(n, "chmod") || !strcmp(n, "chown") || !strcmp(n, "chgrp") || !strcmp(n, "setfacl") ||
		 !strcmp(n, "chattr"))
		rate_perm(st, c);
	else if (!strcmp(n, "dd"))
		rate_dd(st, c);
	else if (!strncmp(n, "mkfs", 4) || !strcmp(n, "wipefs") || !strcmp(n, "fdisk") || !strcmp(n, "sfdisk") ||
		 !strcmp(n, "parted") || !strcmp(n, "sgdisk") || !strcmp(n, "gdisk") || !strcmp(n, "mkswap") ||
		 !strcmp(n, "blkdiscard") || !strcmp(n, "cryptsetup") || !strcmp(n, "mke2fs"))
		rate_disk(st, c);
	else if (!strcmp(n, "truncate"))
		rate_truncate(st, c);
	else if (!strcmp(n, "tee"))
		rate_writers(st, c, NULL, risk_flag(c, 'a', "append") ? PATH_WRITE : PATH_TRUNCATE);
	else if (!strcmp(n, "touch") || !strcmp(n, "mkdir") || !strcmp(n, "mkfifo") || !strcmp(n, "mknod"))
		rate_writers(st, c, "-m -d -t -r --mode --date --reference --context", PATH_WRITE);
	else if (!strcmp(n, "sed") || !strcmp(n, "gsed"))
		rate_sed(st, c);
	else if (!strcmp(n, "tar") || !strcmp(n, "bsdtar"))
		rate_tar(st, c);
	else if (!strcmp(n, "unzip") || !strcmp(n, "7z"))
		rate_unzip(st, c);
	else if (!strcmp(n, "rsync"))
		rate_rsync(st, c);
	else if (!strcmp(n, "find"))
		rate_find(st, c);
	else if (!strcmp(n, "zip")) {
		/* zip ARCHIVE FILE...: the archive is written, the files read; -x/-i take patterns */
		const struct guard_shell_word **ops;
		size_t k = risk_operands_all(st, c, 1, "-x -i -b -n -t -tt -P -O --exclude --include", &ops);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		for (size_t i = 0; i < k && strcmp(ops[i]->text, "-x") && strcmp(ops[i]->text, "-i"); i++)
			risk_path(st, n, ops[i], i ? PATH_READ : PATH_WRITE);
	} else if (risk_is_packer(n)) {
		risk_rate_packer(st, c);
	} else if (!strcmp(n, "split") || !strcmp(n, "csplit")) {
		rate_split(st, c);
	} else if (!strcmp(n, "patch")) {
		rate_patch(st, c);
	} else
		return false;
	return true;
}
