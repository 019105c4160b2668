/*
 * Interpreter code as the call scan reads it (share/doc/trust.md, A15/A16):
 * a function that copies, unpacks, moves, removes or runs, reached through
 * another name is judged as the call it is. from shutil import copytree
 * as c; c(...), f = shutil.unpack_archive; f(...), getattr(shutil,
 * 'copytree')(...), const {cpSync: c} = require('fs'), require('fs').cp(...),
 * FileUtils.send(:cp_r, ...) and ruby/perl calls without parentheses are
 * rewritten to the spelling the scan knows. A function reached by a name
 * guard cannot compute (getattr with a variable, globals()[...], fs[x]) is
 * asked.
 */
#include <ctype.h>

#include "guard_buf.h"
#include "guard_risk_int.h"

#define ALIAS_MAX 16

struct alias {
	char name[64];   /* the other name */
	char canon[96];  /* what it stands for: "shutil.copytree", "fs.cpSync", "os.spawnlp" */
};

struct aliases {
	struct alias a[ALIAS_MAX];
	size_t n;
	struct alias mod[ALIAS_MAX]; /* module names: import os as o, const f = require('fs') */
	size_t nmod;
};

/* Functions whose other names matter: the call scan's copy, unpack, move, remove and run names. */
static bool
interesting(const char *name)
{
	static const char *const names[] = { "copytree", "copy_tree", "rmtree", "remove_tree", "unpack_archive",
		"move", "extractall", "extract", "extract_all", "extractTree", "extractAllTo", "extract_archive",
		"copy", "copy2", "copyfile", "copyfileobj", "cp", "cpSync", "rm", "rmSync", "rmdirSync", "rename",
		"renameSync", "unlink", "unlinkSync", "remove", "rmdir", "removedirs", "execSync", "exec", "execFile",
		"execFileSync", "spawn", "spawnSync", "system", "popen", "Popen", "run", "call", "check_call",
		"check_output", "getoutput", "getstatusoutput", "cp_r", "copy_entry", "mv", "rm_rf", "rm_r",
		"dircopy", "rcopy", "fcopy", "dirmove", "rmove", "writeFileSync", "write_text", "posix_spawn",
		"posix_spawnp", NULL };

	if (!strncmp(name, "exec", 4) || !strncmp(name, "spawn", 5))
		return true; /* os.execvp, os.spawnlp, ... */
	return risk_name_in(names, name);
}

/* lang is the language, or names it first ("python3 stdin") */
static bool
lang_is(const char *lang, const char *what)
{
	return !strncmp(lang, what, strlen(what));
}

static bool
ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '$';
}

/* The module a name is imported from, as the scan's needles spell it ("node:fs/promises" is fs.promises). */
static void
module_prefix(const char *mod, char *out, size_t size)
{
	if (!strncmp(mod, "node:", 5))
		mod += 5;
	if (!strcmp(mod, "fs/promises"))
		mod = "fs.promises";
	snprintf(out, size, "%s", mod);
}

/* name (n bytes) stands for canon: into one of the lists (a function's names, or a module's) */
static void
alias_put(struct alias *list, size_t *count, const char *name, size_t n, const char *canon)
{
	if (*count >= ALIAS_MAX || !n || n >= sizeof(list[0].name))
		return;
	struct alias *a = &list[(*count)++];
	memcpy(a->name, name, n);
	a->name[n] = '\0';
	snprintf(a->canon, sizeof(a->canon), "%s", canon);
}

static void
alias_add(struct aliases *al, const char *name, size_t n, const char *canon)
{
	alias_put(al->a, &al->n, name, n, canon);
}

static void
module_add(struct aliases *al, const char *name, size_t n, const char *mod)
{
	alias_put(al->mod, &al->nmod, name, n, mod);
}

/* canon: the module's prefix and the function's name ("shutil" + "copytree"); mod may be "". */
static void
alias_add_from(struct aliases *al, const char *alias, size_t an, const char *mod, const char *fn, size_t fnl)
{
	char canon[96], fname[64];

	if (fnl >= sizeof(fname))
		return;
	memcpy(fname, fn, fnl);
	fname[fnl] = '\0';
	if (!interesting(fname))
		return;
	if (*mod)
		snprintf(canon, sizeof(canon), "%s.%s", mod, fname);
	else
		snprintf(canon, sizeof(canon), "%s", fname);
	alias_add(al, alias, an, canon);
}

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * "a, b as c, d: e" (python's from-import, ESM's import {...}, a JS
 * destructuring) up to end (or the first word that is no name): each name
 * of MOD under the other name given.
 */
static void
name_list(const char *q, const char *end, const char *mod, struct aliases *al)
{
	while ((!end || q < end) && ident_char(*q)) {
		const char *fn = q;
		size_t fl = 0;
		while (ident_char(fn[fl]))
			fl++;
		q = skip_space(fn + fl);
		const char *an = fn;
		size_t an_len = fl;
		if (*q == ':' || !strncmp(q, "as ", 3)) {
			an = skip_space(q + (*q == ':' ? 1 : 3));
			an_len = 0;
			while (ident_char(an[an_len]))
				an_len++;
			q = skip_space(an + an_len);
		}
		if (fl == 8 && !strncmp(fn, "promises", 8))
			module_add(al, an, an_len, "fs.promises"); /* {promises: p} = require('fs') */
		else
			alias_add_from(al, an, an_len, mod, fn, fl);
		if (*q != ',')
			break;
		q = skip_space(q + 1);
	}
}

/* from MOD import a, b as c (python); import { a, b as c } from 'MOD' (ESM) */
static void
python_imports(const char *code, struct aliases *al)
{
	for (const char *p = code; (p = strstr(p, "from ")) != NULL; p += 5) {
		if (p > code && ident_char(p[-1]))
			continue;
		const char *m = skip_space(p + 5);
		size_t ml = 0;
		while (ident_char(m[ml]) || m[ml] == '.')
			ml++;
		const char *q = skip_space(m + ml);
		if (!ml || strncmp(q, "import ", 7) || ml >= 64)
			continue;
		char mod[64];
		memcpy(mod, m, ml);
		mod[ml] = '\0';
		q = skip_space(q + 7);
		if (*q == '(')
			q = skip_space(q + 1);
		name_list(q, NULL, mod, al);
	}
}

/* import os as o, import shutil as s, subprocess as sp: the module under another name */
static void
python_module_aliases(const char *code, struct aliases *al)
{
	for (const char *p = code; (p = strstr(p, "import ")) != NULL; p += 7) {
		if (p > code && ident_char(p[-1]))
			continue;
		const char *q = skip_space(p + 7);
		while (ident_char(*q)) {
			const char *m = q;
			size_t ml = 0;
			while (ident_char(m[ml]) || m[ml] == '.')
				ml++;
			q = skip_space(m + ml);
			if (!strncmp(q, "as ", 3)) {
				const char *an = skip_space(q + 3);
				size_t n = 0;
				while (ident_char(an[n]))
					n++;
				char mod[64];
				if (ml < sizeof(mod)) {
					memcpy(mod, m, ml);
					mod[ml] = '\0';
					module_add(al, an, n, mod);
				}
				q = skip_space(an + n);
			}
			if (*q != ',')
				break;
			q = skip_space(q + 1);
		}
	}
}

/* The module literal of require('MOD') / import('MOD') / from 'MOD' at p, into mod. */
static bool
js_module_at(const char *p, char *mod, size_t size)
{
	p = skip_space(p);
	if (!strncmp(p, "await ", 6))
		p = skip_space(p + 6);
	if (!strncmp(p, "require(", 8))
		p += 8;
	else if (!strncmp(p, "import(", 7))
		p += 7;
	else if (!strncmp(p, "from ", 5))
		p = skip_space(p + 5);
	else
		return false;
	if (*p != '\'' && *p != '"' && *p != '`')
		return false;
	char raw[64];
	if (!risk_read_literal(p, raw, sizeof(raw)))
		return false;
	module_prefix(raw, mod, size);
	return true;
}

/* const { a, b: c } = require('MOD'), import { a, b as c } from 'MOD' */
static void
js_destructures(const char *code, struct aliases *al)
{
	for (const char *open = code; (open = strchr(open, '{')) != NULL; open++) {
		const char *close = strchr(open, '}');
		if (!close)
			return;
		const char *after = skip_space(close + 1);
		char mod[64];
		bool assigned = *after == '=' && after[1] != '=' && after[1] != '>';
		if (assigned)
			after++;
		if (!js_module_at(after, mod, sizeof(mod))) {
			/* const {cp} = fs, = f.promises: a module's members (an fs-like one: its names are fs's) */
			const char *v = skip_space(after);
			size_t vl = 0;
			while (ident_char(v[vl]) || v[vl] == '.')
				vl++;
			if (!assigned || !vl || vl >= sizeof(mod))
				continue;
			const char *pr = strstr(v, "promises");
			snprintf(mod, sizeof(mod), "%s", pr && pr < v + vl ? "fs.promises" : "fs");
		}
		name_list(skip_space(open + 1), close, mod, al);
	}
}

/*
 * const f = require('fs'), import * as f from 'fs', import f from 'fs',
 * import('fs').then(m => ...): the module under another name.
 */
static void
js_module_aliases(const char *code, struct aliases *al)
{
	for (const char *p = code; *p; p++) {
		char mod[64];
		const char *name = NULL;
		size_t n = 0;
		if (*p == '=' && p[1] != '=' && p > code && p[-1] != '=' && p[-1] != '!' && js_module_at(p + 1, mod, sizeof(mod))) {
			const char *e = p;
			while (e > code && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			name = e;
			while (name > code && ident_char(name[-1]))
				name--;
			n = (size_t)(e - name);
		} else if (!strncmp(p, "import ", 7) && (p == code || !ident_char(p[-1]))) {
			const char *q = skip_space(p + 7);
			if (!strncmp(q, "* as ", 5))
				q = skip_space(q + 5);
			const char *id = q;
			while (ident_char(*q))
				q++;
			if (q > id && js_module_at(q, mod, sizeof(mod)))
				name = id, n = (size_t)(q - id);
		} else if ((!strncmp(p, "import(", 7) || !strncmp(p, "require(", 8)) && (p == code || !ident_char(p[-1])) &&
			   js_module_at(p, mod, sizeof(mod))) {
			/* import('fs').then(m => m.cp(...)), .then((m) => ...), .then(function (m) {...}) */
			const char *q = strchr(p, ')');
			if (!q || strncmp(q, ").then(", 7))
				continue;
			q = skip_space(q + 7);
			if (!strncmp(q, "function", 8))
				q = skip_space(q + 8);
			if (*q == '(')
				q = skip_space(q + 1);
			const char *id = q;
			while (ident_char(*q))
				q++;
			if (q > id)
				name = id, n = (size_t)(q - id);
		}
		if (name && n)
			module_add(al, name, n, mod);
	}
}

/* A = X.NAME or A = NAME (f = shutil.copytree; const c = fs.cpSync): the right side is the canonical name. */
static void
assignments(const char *code, struct aliases *al)
{
	for (const char *p = code; (p = strchr(p, '=')) != NULL; p++) {
		if (p[1] == '=' || p[1] == '>' || p[1] == '~' || (p > code && strchr("=!<>+-*/%&|^:.", p[-1])))
			continue;
		const char *e = p;
		while (e > code && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		const char *s = e;
		while (s > code && ident_char(s[-1]))
			s--;
		if (s == e || (s > code && s[-1] == '.'))
			continue;
		const char *r = skip_space(p + 1);
		size_t rl = 0;
		while (ident_char(r[rl]) || r[rl] == '.' || r[rl] == ':')
			rl++;
		const char *end = skip_space(r + rl);
		if (!rl || rl >= 96 || (*end && !strchr(";\n),}", *end)))
			continue;
		const char *last = r + rl;
		while (last > r && ident_char(last[-1]))
			last--;
		char canon[96];
		memcpy(canon, r, rl);
		canon[rl] = '\0';
		char fname[64];
		size_t fl = (size_t)(r + rl - last);
		if (!fl || fl >= sizeof(fname))
			continue;
		memcpy(fname, last, fl);
		fname[fl] = '\0';
		if (interesting(fname))
			alias_add(al, s, (size_t)(e - s), canon);
	}
}

/* Text rewritten in place of what p starts (length *skip), or NULL: spellings the scan reads as they are written. */
static const char *
respell(const char *lang, const char *p, size_t *skip, char *buf, size_t size)
{
	static const struct { const char *from, *to; } fixed[] = {
		{ "require('fs').", "fs." }, { "require(\"fs\").", "fs." }, { "require('node:fs').", "fs." },
		{ "require(\"node:fs\").", "fs." }, { "require('fs/promises').", "fs.promises." },
		{ "require(\"fs/promises\").", "fs.promises." }, { "require('node:fs/promises').", "fs.promises." },
		{ "require(\"node:fs/promises\").", "fs.promises." }, { "require('fs').promises.", "fs.promises." },
		{ "require('child_process').", "child_process." }, { "require(\"child_process\").", "child_process." },
		{ "require('node:child_process').", "child_process." },
		{ "require(\"node:child_process\").", "child_process." }, { NULL, NULL } };

	for (size_t i = 0; fixed[i].from; i++) {
		size_t n = strlen(fixed[i].from);
		if (!strncmp(p, fixed[i].from, n)) {
			*skip = n;
			return fixed[i].to;
		}
	}
	/* (shutil.copytree)(...) -> shutil.copytree(...) */
	if (*p == '(') {
		const char *x = skip_space(p + 1);
		size_t xl = 0;
		while (ident_char(x[xl]) || x[xl] == '.')
			xl++;
		const char *q = skip_space(x + xl);
		const char *last = x + xl;
		while (last > x && ident_char(last[-1]))
			last--;
		char fname[64];
		size_t fl = (size_t)(x + xl - last);
		if (xl && fl && fl < sizeof(fname) && *q == ')' && *skip_space(q + 1) == '(') {
			memcpy(fname, last, fl);
			fname[fl] = '\0';
			if (interesting(fname) && (size_t)snprintf(buf, size, "%.*s", (int)xl, x) < size) {
				*skip = (size_t)(skip_space(q + 1) - p);
				return buf;
			}
		}
	}
	/* getattr(X, 'NAME') -> X.NAME; fs['NAME'] -> fs.NAME; FileUtils.send(:NAME, -> FileUtils.NAME( */
	if (lang_is(lang, "python") && !strncmp(p, "getattr(", 8)) {
		const char *x = skip_space(p + 8);
		size_t xl = 0;
		while (ident_char(x[xl]) || x[xl] == '.')
			xl++;
		const char *q = skip_space(x + xl);
		char name[64];
		const char *end;
		if (!xl || *q != ',' || !strchr("'\"", *(q = skip_space(q + 1))) || !(end = risk_read_literal(q, name, sizeof(name))))
			return NULL;
		end = skip_space(end);
		if (*end != ')')
			return NULL;
		if ((size_t)snprintf(buf, size, "%.*s.%s", (int)xl, x, name) >= size)
			return NULL;
		*skip = (size_t)(end + 1 - p);
		return buf;
	}
	if (lang_is(lang, "ruby") && (!strncmp(p, ".send(:", 7) || !strncmp(p, ".public_send(:", 14) ||
				      !strncmp(p, ".__send__(:", 11))) {
		const char *s = strchr(p, ':') + 1;
		size_t sl = 0;
		while (ident_char(s[sl]))
			sl++;
		const char *q = skip_space(s + sl);
		if (!sl || (*q != ',' && *q != ')') || (size_t)snprintf(buf, size, ".%.*s(", (int)sl, s) >= size)
			return NULL;
		*skip = (size_t)(q + (*q == ',') - p);
		return buf;
	}
	return NULL;
}

/* A call reached by a name computed at run time: guard cannot tell which function it is. */
static const char *
computed_reference(const char *lang, const char *code)
{
	static const char *const python[] = { "globals()[", "locals()[", "vars()[", "__dict__[", "__builtins__",
		"operator.methodcaller", "operator.attrgetter", NULL };
	static const char *const js[] = { "fs[", "child_process[", "require('fs')[", "require(\"fs\")[",
		"fs.promises[", NULL };
	static const char *const rb[] = { ".send(", ".public_send(", ".__send__(", ".method(", NULL };
	/* ruby receivers whose methods copy, move, remove or run (socket.send(data) is no such call) */
	static const char *const rb_recv[] = { "FileUtils", "File", "Dir", "Kernel", "Object", "IO", "Process",
		"Open3", "Archive", "Gem", NULL };
	static const char *const modules[] = { "shutil", "os", "subprocess", "tarfile", "zipfile", "distutils", NULL };

	if (lang_is(lang, "python")) {
		for (size_t i = 0; python[i]; i++)
			if (strstr(code, python[i]))
				return python[i];
		for (const char *p = code; (p = strstr(p, "getattr(")) != NULL; p += 8) {
			const char *x = skip_space(p + 8);
			size_t xl = 0;
			while (ident_char(x[xl]))
				xl++;
			char mod[32];
			if (!xl || xl >= sizeof(mod))
				continue;
			memcpy(mod, x, xl);
			mod[xl] = '\0';
			const char *q = skip_space(x + xl);
			/* a module's function (or, in code that imports one, any object's) by a computed name */
			bool named = risk_name_in(modules, mod) || strstr(code, "shutil") || strstr(code, "subprocess") ||
				     strstr(code, "tarfile") || strstr(code, "zipfile") || strstr(code, "import os");
			if (named && *q == ',' && !strchr("'\"", *skip_space(q + 1)))
				return "getattr";
		}
	} else if (lang_is(lang, "node")) {
		for (size_t i = 0; js[i]; i++)
			for (const char *p = code; (p = strstr(p, js[i])) != NULL; p++)
				if ((p == code || (!ident_char(p[-1]) && p[-1] != '.')) && !strchr("'\"`", p[strlen(js[i])]))
					return js[i]; /* fs[n], not refs[0] */
	} else if (lang_is(lang, "ruby")) {
		for (size_t i = 0; rb[i]; i++)
			for (const char *p = code; (p = strstr(p, rb[i])) != NULL; p++) {
				const char *r = p;
				while (r > code && (ident_char(r[-1]) || r[-1] == ':'))
					r--;
				char recv[32];
				size_t rl = (size_t)(p - r);
				if (rl >= sizeof(recv) || p[strlen(rb[i])] == ':')
					continue;
				memcpy(recv, r, rl);
				recv[rl] = '\0';
				if (strstr(recv, "::"))
					memmove(recv, strstr(recv, "::") + 2, strlen(strstr(recv, "::") + 2) + 1);
				if (risk_name_in(rb_recv, recv))
					return rb[i];
			}
	}
	return NULL;
}

/* ruby/perl NAME 'a', 'b' (no parentheses): NAME('a', 'b') up to the statement's end. */
static bool
parenless_call(const char *lang, const char *after)
{
	if (!lang_is(lang, "ruby") && !lang_is(lang, "perl"))
		return false;
	const char *q = skip_space(after);
	return q != after && (*q == '\'' || *q == '"' || (*q == '$' && ident_char(q[1])) || *q == '[' ||
			      (*q == ':' && ident_char(q[1])));
}

static const char *
statement_end(const char *p)
{
	char q = 0;
	for (; *p; p++) {
		if (q && *p == '\\' && p[1])
			p++;
		else if (q && *p == q)
			q = 0;
		else if (!q && (*p == '\'' || *p == '"'))
			q = *p;
		else if (!q && (*p == ';' || *p == '\n' || *p == '}' || !strncmp(p, " if ", 4) || !strncmp(p, " unless ", 8)))
			return p;
	}
	return p;
}

/* The fixed spellings (require('fs').x, getattr(X, 'x'), .send(:x, ...)) rewritten; NULL when none. */
static char *
respell_all(const char *lang, const char *code)
{
	struct guard_buf out = GUARD_BUF_INIT;
	bool changed = false;

	for (const char *p = code; *p;) {
		char buf[160];
		size_t skip = 0;
		const char *to = *p == '.' || p == code || !ident_char(p[-1]) ? respell(lang, p, &skip, buf, sizeof(buf)) : NULL;
		if (to) {
			guard_buf_addstr(&out, to);
			p += skip;
			changed = true;
		} else {
			guard_buf_addch(&out, *p++);
		}
	}
	if (!changed) {
		guard_buf_release(&out);
		return NULL;
	}
	return guard_buf_detach(&out);
}

char *
risk_code_canon(struct risk_state *st, const char *lang, const char *code)
{
	struct aliases al = { .n = 0 };
	struct guard_buf out = GUARD_BUF_INIT;
	const char *why = computed_reference(lang, code);
	char *fixed = respell_all(lang, code);
	bool changed = fixed != NULL;

	if (why)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s code calls a function by a name it computes (%s): guard cannot tell whether it copies, "
			  "unpacks or removes files", lang, why);
	if (fixed)
		code = fixed;
	if (lang_is(lang, "python"))
		python_module_aliases(code, &al);
	if (lang_is(lang, "node"))
		js_module_aliases(code, &al);
	python_imports(code, &al);
	js_destructures(code, &al);
	assignments(code, &al);
	for (const char *p = code; *p;) {
		if (!ident_char(*p) || (p > code && ident_char(p[-1]))) {
			guard_buf_addch(&out, *p++);
			continue;
		}
		/* a member (x.f, $t->f, A::f) is no alias, but may be called without parentheses */
		bool member = p > code && (p[-1] == '.' || (p[-1] == '>' && p - 1 > code && p[-2] == '-') ||
					   (p[-1] == ':' && p - 1 > code && p[-2] == ':'));
		size_t n = 0;
		while (ident_char(p[n]))
			n++;
		const char *after = p + n, *call = skip_space(after);
		const char *canon = NULL;
		for (size_t i = 0; i < al.n && !canon && !member; i++)
			if (strlen(al.a[i].name) == n && !strncmp(al.a[i].name, p, n) &&
			    (*call == '(' || !strncmp(call, ".call(", 6)))
				canon = al.a[i].canon;
		for (size_t i = 0; i < al.nmod && !canon && !member && *after == '.'; i++)
			if (strlen(al.mod[i].name) == n && !strncmp(al.mod[i].name, p, n) && strcmp(al.mod[i].canon, al.mod[i].name))
				canon = al.mod[i].canon; /* o.spawnlp -> os.spawnlp, f.cp -> fs.cp */
		if (canon) {
			/* f = s.move after import shutil as s: the module's own name */
			size_t head = strcspn(canon, ".");
			const char *mod = NULL;
			for (size_t i = 0; i < al.nmod && !mod && canon[head]; i++)
				if (strlen(al.mod[i].name) == head && !strncmp(al.mod[i].name, canon, head))
					mod = al.mod[i].canon;
			if (mod) {
				guard_buf_addstr(&out, mod);
				canon += head;
			}
			guard_buf_addstr(&out, canon);
			p = !strncmp(call, ".call(", 6) ? call + 5 : after;
			changed = true;
			continue;
		}
		guard_buf_add(&out, p, n);
		p = after;
		/* FileUtils.cp_r 'a', 'b' / dircopy "a", "b": the call's words up to the statement's end */
		char name[64];
		if (n < sizeof(name) && parenless_call(lang, after)) {
			memcpy(name, p - n, n);
			name[n] = '\0';
			if (!interesting(name))
				continue;
			const char *end = statement_end(after);
			guard_buf_addch(&out, '(');
			guard_buf_add(&out, skip_space(after), (size_t)(end - skip_space(after)));
			guard_buf_addch(&out, ')');
			p = end;
			changed = true;
		}
	}
	free(fixed);
	if (!changed) {
		guard_buf_release(&out);
		return NULL;
	}
	risk_explain(st, "    %s code read as: %s", lang, out.buf);
	return guard_buf_detach(&out);
}
