/*
 * Where an interpreter finds its code (attacker-7 H3): each interpreter's
 * own option table, read as it reads its command line, so the code after
 * `python3 -uc`, `-Ic`, `-W ignore -c`, `node -pe`, `ruby -we`, `perl -lne`,
 * `php -nr` or attached (`-c'...'`, `--eval=...`) is found wherever the
 * interpreter would find it, and rated as code, not as a script's name.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guard_path.h"
#include "guard_risk_int.h"

struct interp_spec {
	const char *lang;
	const char *opts;       /* short options: "c:" takes a value, "i::" an optional attached one */
	const char *digits;     /* letters followed by optional digits, the cluster going on (perl -l0ne) */
	const char *code;       /* letters whose value is code */
	const char *stop;       /* letters after whose value the options end (python -c, -m) */
	const char *long_value; /* " --require ": long options taking the next word (or =value) */
	const char *long_code;  /* " --eval ": long options whose value is code */
	const char *alias_code; /* " -pe ": whole words whose next word is code */
};

static const struct interp_spec specs[] = {
	{ "python", "bBdEhiIOPqRsStuvVx?c:m:W:X:Q:", "", "c", "cm", " --check-hash-based-pycs ", "", "" },
	{ "node", "cihvte:p:r:C:", "", "ep",  "",
	  " --require --import --loader --experimental-loader --conditions --title --input-type --env-file ",
	  " --eval --print ", " -pe " },
	{ "perl", "acfhnpsStTuUvwWX" "e:E:I:m:M:i::x::F::C::D::V::", "0l", "eE", "", "", "", "" },
	{ "ruby", "acdhlnpsSvwyU" "e:C:E:I:r:F::K::i::x::W::T::", "0", "e", "", " --encoding --external-encoding "
	  "--internal-encoding --enable --disable ", "", "" },
	{ "php", "ahHilmnqsvw" "c:d:f:r:B:R:F:E:S:t:z:", "", "rBRE", "", "", "", "" },
	{ "lua", "iEvW" "e:l:", "", "e", "", "", "", "" },
	{ "R", "e:", "", "e", "", "", "", "" },
	{ "osascript", "i" "e:l:s:", "", "e", "", "", "", "" },
	{ "bun", "e:p:r:", "", "ep", "", " --require --preload --cwd --env-file --config ",
	  " --eval --print ", "" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

static const struct interp_spec *
spec_for(const char *lang)
{
	for (const struct interp_spec *s = specs; s->lang; s++)
		if (!strcmp(s->lang, lang))
			return s;
	return NULL;
}

/* " --eval " holds name (the part of a before any "=")? */
static bool
long_listed(const char *list, const char *a)
{
	size_t n = strcspn(a, "=");
	for (const char *p = list; *p; p++)
		if (p[0] == ' ' && !strncmp(p + 1, a, n) && p[1 + n] == ' ')
			return true;
	return false;
}

static int
kind_of(const char *opts, char letter)
{
	const char *p = letter != ':' ? strchr(opts, letter) : NULL;
	if (!p || p[1] != ':')
		return 0;
	return p[2] == ':' ? 2 : 1;
}

static void
add(struct risk_interp_code *out, const struct guard_shell_word *w, const char *text)
{
	if (out->n < RISK_INTERP_CODE_MAX) {
		out->at[out->n].w = w;
		out->at[out->n].text = text;
		out->n++;
	}
}

/* perl/ruby -i[SUFFIX] (-pi.bak, -i'*.orig'): edits in place, keeping a backup when SUFFIX is given. */
static void
in_place(struct risk_interp_code *out, const struct guard_shell_word *w, const char *v)
{
	out->inplace = true;
	out->backup = v && *v && !(w->flags & GUARD_WORD_DYNAMIC) ? v : NULL;
	out->backup_unknown = v && (w->flags & GUARD_WORD_DYNAMIC);
}

void
risk_interp_code(const struct risk_cmd *c, const char *lang, struct risk_interp_code *out)
{
	const struct interp_spec *s = spec_for(lang);
	size_t i;

	bool maybe_value = false; /* an unknown long option before: the next word may be its value */

	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	for (i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *t = w->text;
		if (!strcmp(t, "--")) {
			i++;
			break;
		}
		if (t[0] != '-' || !t[1]) {
			if (!maybe_value || !t[0])
				break;
			/* node --inspect-port 9229 -e CODE: a value, read on (code found later is rated) */
			maybe_value = false;
			out->unsure = true;
			continue;
		}
		maybe_value = false;
		if (t[1] == '-') {
			bool code = long_listed(s->long_code, t);
			const char *eq = strchr(t, '=');
			if (!code && !long_listed(s->long_value, t)) {
				maybe_value = !eq;
				continue;
			}
			if (eq) {
				if (code)
					add(out, w, eq + 1);
			} else if (i + 1 < c->argc) {
				i++;
				if (code)
					add(out, &c->argv[i], c->argv[i].text);
			}
			continue;
		}
		char alias[16];
		snprintf(alias, sizeof(alias), " %s ", t);
		if (strlen(t) < 12 && strstr(s->alias_code, alias)) {
			if (i + 1 < c->argc) {
				i++;
				add(out, &c->argv[i], c->argv[i].text);
			}
			continue;
		}
		bool stop = false;
		for (const char *p = t + 1; *p; p++) {
			if (strchr(s->digits, *p)) {
				while (p[1] >= '0' && p[1] <= '9')
					p++;
				continue;
			}
			int kind = kind_of(s->opts, *p);
			if (!kind)
				continue;
			const struct guard_shell_word *vw = w;
			const char *v = p[1] ? p + 1 : NULL;
			if (!v && kind == 1 && i + 1 < c->argc) {
				vw = &c->argv[++i];
				v = vw->text;
			}
			if (v && strchr(s->code, *p))
				add(out, vw, v);
			if (*p == 'i' && kind == 2)
				in_place(out, w, v);
			if (v && *p == 'm' && !strcmp(lang, "python"))
				out->module = v, out->module_at = i;
			stop = strchr(s->stop, *p) != NULL;
			break;
		}
		if (stop) {
			i++;
			break;
		}
	}
	out->end = i;
}

/*
 * The script word of an interpreter: not a file there, and shaped as code
 * (spaces, parentheses, quotes, ;): the code was given where guard did not
 * look for it. Asked, never taken for a script's name.
 */
void
risk_interp_script_unplaced(struct risk_state *st, const char *lang, const struct guard_shell_word *w)
{
	struct stat sb;

	if ((w->flags & GUARD_WORD_DYNAMIC) || !strpbrk(w->text, " \t\n();'\"={}[]`$|&<>") || st->remote)
		return;
	char *abs = guard_path_physical(st->cwds[0], w->text, st->ctx->home);
	bool there = abs && risk_memo_stat(abs, &sb) == 0;
	free(abs);
	if (!there)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s is given code where it takes a script's name (no such file): where the code is could "
			  "not be told from the options before it", lang);
}
