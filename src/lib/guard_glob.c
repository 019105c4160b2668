#include "guard_glob.h"

/*
 * A recursive matcher. Recursion happens only at '*' and '{'; patterns
 * come from policy files and are short, and the depth is bounded by the
 * pattern length.
 */
static bool match_here(const char *p, const char *s);

/* Match a bracket class at p (just after '['); *end receives the ']' + 1. */
static bool
match_class(const char *p, char c, const char **end)
{
	bool negate = false, found = false;
	const char *start;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	start = p;
	while (*p && (*p != ']' || p == start)) {
		char lo = *p, hi;
		if (lo == '\\' && p[1])
			lo = *++p;
		hi = lo;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = p[2];
			if (hi == '\\' && p[3])
				hi = *(p += 1, p + 2);
			p += 2;
		}
		if (c >= lo && c <= hi)
			found = true;
		p++;
	}
	if (*p != ']') {
		*end = NULL; /* unterminated: '[' is literal */
		return false;
	}
	*end = p + 1;
	return found != negate;
}

/* Alternatives {a,b,c}: try each followed by the rest of the pattern. */
static bool
match_braces(const char *p, const char *s)
{
	const char *close = strchr(p, '}'), *alt = p + 1;
	size_t restlen;

	if (!close)
		return *s == '{' && match_here(p + 1, s + 1);
	restlen = strlen(close + 1);
	while (alt <= close) {
		const char *comma = alt;
		while (comma < close && *comma != ',')
			comma++;
		size_t altlen = (size_t)(comma - alt);
		char stack[256], *tmp = altlen + restlen < sizeof(stack) ? stack
			: malloc(altlen + restlen + 1);
		if (!tmp)
			return false;
		memcpy(tmp, alt, altlen);
		memcpy(tmp + altlen, close + 1, restlen + 1);
		bool ok = match_here(tmp, s);
		if (tmp != stack)
			free(tmp);
		if (ok)
			return true;
		alt = comma + 1;
	}
	return false;
}

static bool
match_here(const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				const char *rest = p + 2;
				if (*rest == '/') {
					/* "**" + "/" matches "" or anything ending in '/'. */
					if (match_here(rest + 1, s))
						return true;
					for (const char *t = s; *t; t++)
						if (*t == '/' && match_here(rest + 1, t + 1))
							return true;
					return false;
				}
				for (const char *t = s;; t++) {
					if (match_here(rest, t))
						return true;
					if (!*t)
						return false;
				}
			}
			for (const char *t = s;; t++) {
				if (match_here(p + 1, t))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			p++, s++;
			break;
		case '[': {
			const char *end;
			if (!*s)
				return false;
			bool ok = match_class(p + 1, *s, &end);
			if (!end) { /* literal '[' */
				if (*s != '[')
					return false;
				p++, s++;
				break;
			}
			if (!ok || *s == '/')
				return false;
			p = end, s++;
			break;
		}
		case '{':
			return match_braces(p, s);
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return false;
			p++, s++;
		}
	}
}

bool
guard_glob_match(const char *pattern, const char *s)
{
	return match_here(pattern, s);
}

bool
guard_glob_match_path(const char *pattern, const char *path, const char *home)
{
	if (pattern[0] == '~' && (pattern[1] == '/' || !pattern[1])) {
		if (!home || !*home)
			return false;
		size_t hl = strlen(home);
		while (hl > 1 && home[hl - 1] == '/')
			hl--;
		if (strncmp(path, home, hl) || (path[hl] && path[hl] != '/'))
			return false;
		if (!pattern[1])
			return !path[hl];
		/* Match the rest of the pattern against the rest of the path. */
		return path[hl] == '/' && match_here(pattern + 2, path + hl + 1);
	}
	if (!strchr(pattern, '/')) {
		const char *base = strrchr(path, '/');
		return match_here(pattern, base ? base + 1 : path);
	}
	return match_here(pattern, path);
}
