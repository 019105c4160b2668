/*
 * libyaml events -> cJSON, with positions. Collections are attached to
 * their parent when they end, so a duplicate key can be reported and its
 * value set aside (the "graveyard") while parsing goes on to find more
 * errors. Bounds (size, depth, aliases, nodes) stop the parse at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_yaml.h"

struct guard_yaml_pos {
	const cJSON *node;
	struct guard_yaml_mark value;
	struct guard_yaml_mark key;
};

struct frame {
	cJSON *node;                 /* the collection being built (owned until attached) */
	bool is_map;
	char *key;                   /* map: the pending key, owned */
	struct guard_yaml_mark key_mark;
	struct guard_yaml_mark mark; /* where the collection starts */
	char *anchor;                /* owned */
	size_t nodes_at_start;
};

struct anchor {
	char *name; /* owned */
	const cJSON *node;
	size_t count; /* nodes in the anchored subtree */
};

/* (object, key) pairs seen, to find duplicate keys in O(1). */
struct keyset {
	struct keyslot { const cJSON *obj; const char *key; } *slots;
	size_t cap, len;
};

struct parser {
	struct guard_yaml_doc *doc;
	struct guard_list *errors;
	struct frame stack[GUARD_YAML_MAX_DEPTH];
	int depth;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	size_t nodes, aliases;
	int documents;
	bool failed, fatal;
	cJSON *graveyard; /* values of duplicate keys */
	struct keyset keys;
};

static struct guard_yaml_mark
mark_of(yaml_mark_t m)
{
	struct guard_yaml_mark r = { (unsigned)m.line + 1, (unsigned)m.column + 1 };
	return r;
}

static void
vreport(struct guard_list *errors, const char *name, struct guard_yaml_mark m, const char *fmt, va_list ap)
{
	struct guard_buf b = GUARD_BUF_INIT;

	if (m.line)
		guard_buf_addf(&b, "%s:%u:%u: ", name, m.line, m.col);
	else
		guard_buf_addf(&b, "%s: ", name);
	guard_buf_vaddf(&b, fmt, ap);
	guard_list_take(errors, guard_buf_detach(&b));
}

static void __attribute__((format(printf, 4, 5)))
report(struct parser *p, struct guard_yaml_mark m, bool fatal, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p->errors, p->doc->name, m, fmt, ap);
	va_end(ap);
	p->failed = true;
	if (fatal)
		p->fatal = true;
}

static void
record(struct parser *p, const cJSON *node, struct guard_yaml_mark value, struct guard_yaml_mark key)
{
	struct guard_yaml_doc *d = p->doc;

	if (d->npos == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 64;
		d->pos = guard_xrealloc(d->pos, d->alloc * sizeof(*d->pos));
	}
	d->pos[d->npos].node = node;
	d->pos[d->npos].value = value;
	d->pos[d->npos].key = key;
	d->npos++;
}

/* Positions for a copied subtree: all at the alias. */
static void
record_tree(struct parser *p, const cJSON *node, struct guard_yaml_mark m, struct guard_yaml_mark key)
{
	record(p, node, m, key);
	for (const cJSON *c = node->child; c; c = c->next)
		record_tree(p, c, m, m);
}

static uint64_t
key_hash(const cJSON *obj, const char *key)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)obj;
	for (const unsigned char *s = (const unsigned char *)key; *s; s++)
		h = (h ^ *s) * 1099511628211ull;
	return h;
}

/* Add (obj, key); false when it was already there. */
static bool
keyset_add(struct keyset *ks, const cJSON *obj, const char *key)
{
	if (ks->len * 2 >= ks->cap) {
		struct keyset grown = { guard_xcalloc(ks->cap ? ks->cap * 2 : 64, sizeof(struct keyslot)),
					ks->cap ? ks->cap * 2 : 64, 0 };
		for (size_t i = 0; i < ks->cap; i++)
			if (ks->slots[i].obj)
				keyset_add(&grown, ks->slots[i].obj, ks->slots[i].key);
		free(ks->slots);
		*ks = grown;
	}
	for (size_t i = key_hash(obj, key) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
		struct keyslot *s = &ks->slots[i];
		if (!s->obj) {
			s->obj = obj;
			s->key = key;
			ks->len++;
			return true;
		}
		if (s->obj == obj && !strcmp(s->key, key))
			return false;
	}
}

static void
add_anchor(struct parser *p, char *name, const cJSON *node, size_t count)
{
	if (p->nanchors == p->aanchors) {
		p->aanchors = p->aanchors ? p->aanchors * 2 : 8;
		p->anchors = guard_xrealloc(p->anchors, p->aanchors * sizeof(*p->anchors));
	}
	p->anchors[p->nanchors].name = name;
	p->anchors[p->nanchors].node = node;
	p->anchors[p->nanchors].count = count;
	p->nanchors++;
}

static const struct anchor *
find_anchor(const struct parser *p, const char *name)
{
	/* The latest definition wins, as YAML says. */
	for (size_t i = p->nanchors; i-- > 0;)
		if (!strcmp(p->anchors[i].name, name))
			return &p->anchors[i];
	return NULL;
}

/*
 * Put a finished node into its parent (or make it the root). Takes
 * ownership of item and anchor.
 */
static void
attach(struct parser *p, cJSON *item, struct guard_yaml_mark m, char *anchor, size_t count)
{
	static const struct guard_yaml_mark none = { 0, 0 };

	if (p->depth == 0) {
		p->doc->root = item;
		record(p, item, m, none);
	} else {
		struct frame *f = &p->stack[p->depth - 1];
		if (f->is_map) {
			cJSON_AddItemToObject(f->node, f->key, item);
			if (!keyset_add(&p->keys, f->node, item->string)) {
				cJSON_DetachItemViaPointer(f->node, item);
				const cJSON *first = cJSON_GetObjectItemCaseSensitive(f->node, f->key);
				unsigned line = 0;
				for (size_t i = 0; i < p->doc->npos; i++) /* not sorted yet */
					if (p->doc->pos[i].node == first)
						line = p->doc->pos[i].key.line;
				report(p, f->key_mark, false, "duplicate key '%s' (first at line %u)", f->key, line);
				cJSON_AddItemToArray(p->graveyard, item);
			}
			record(p, item, m, f->key_mark);
			free(f->key);
			f->key = NULL;
		} else {
			if (item->string && !(item->type & cJSON_StringIsConst)) {
				cJSON_free(item->string);
				item->string = NULL;
			}
			cJSON_AddItemToArray(f->node, item);
			record(p, item, m, none);
		}
	}
	if (anchor)
		add_anchor(p, anchor, item, count);
}

static bool
all_digits(const char *s, const char *digits)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(digits, *s))
			return false;
	return true;
}

/* YAML 1.2 core schema numbers: [-+]?[0-9]+, 0x.., 0o.., and decimal floats. */
static bool
parse_number(const char *s, double *out)
{
	const char *t = s;
	char *end;

	if (!strncmp(s, "0x", 2) && all_digits(s + 2, "0123456789abcdefABCDEF")) {
		*out = (double)strtoull(s + 2, NULL, 16);
		return true;
	}
	if (!strncmp(s, "0o", 2) && all_digits(s + 2, "01234567")) {
		*out = (double)strtoull(s + 2, NULL, 8);
		return true;
	}
	if (*t == '-' || *t == '+')
		t++;
	size_t intdigits = strspn(t, "0123456789");
	t += intdigits;
	size_t fracdigits = 0;
	if (*t == '.') {
		t++;
		fracdigits = strspn(t, "0123456789");
		t += fracdigits;
	}
	if (!intdigits && !fracdigits)
		return false;
	if (*t == 'e' || *t == 'E') {
		t++;
		if (*t == '-' || *t == '+')
			t++;
		size_t expdigits = strspn(t, "0123456789");
		if (!expdigits)
			return false;
		t += expdigits;
	}
	if (*t)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && errno != ERANGE;
}

static cJSON *
resolve_plain(const char *v)
{
	double num;

	if (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
		return cJSON_CreateNull();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return cJSON_CreateTrue();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return cJSON_CreateFalse();
	if (parse_number(v, &num))
		return cJSON_CreateNumber(num);
	return cJSON_CreateString(v);
}

static void
on_scalar(struct parser *p, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t len = ev->data.scalar.length;
	struct guard_yaml_mark m = mark_of(ev->start_mark);
	struct frame *top = p->depth ? &p->stack[p->depth - 1] : NULL;
	cJSON *item;

	if (memchr(v, '\0', len)) {
		report(p, m, false, "NUL character in a string");
		return;
	}
	if (top && top->is_map && !top->key) {
		top->key = guard_xstrndup(v, len);
		top->key_mark = m;
		if (ev->data.scalar.anchor)
			report(p, m, false, "anchors on mapping keys are not supported");
		return;
	}
	if (++p->nodes > GUARD_YAML_MAX_NODES) {
		report(p, m, true, "more than %d nodes", GUARD_YAML_MAX_NODES);
		return;
	}
	if (tag && strcmp(tag, "!") && strcmp(tag, "tag:yaml.org,2002:str") && strcmp(tag, "tag:yaml.org,2002:int") &&
	    strcmp(tag, "tag:yaml.org,2002:float") && strcmp(tag, "tag:yaml.org,2002:bool") &&
	    strcmp(tag, "tag:yaml.org,2002:null")) {
		report(p, m, false, "unsupported tag '%s'", tag);
		return;
	}
	if ((tag && (!strcmp(tag, "!") || !strcmp(tag, "tag:yaml.org,2002:str"))) ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		item = cJSON_CreateString(v);
	else
		item = resolve_plain(v);
	if (!item)
		guard_oom(); /* cJSON allocation failure: as guard_xmalloc does */
	attach(p, item, m, ev->data.scalar.anchor ? guard_xstrdup((const char *)ev->data.scalar.anchor) : NULL, 1);
}

static void
on_start(struct parser *p, const yaml_event_t *ev, bool is_map)
{
	struct guard_yaml_mark m = mark_of(ev->start_mark);
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	struct frame *f;

	if (p->depth && p->stack[p->depth - 1].is_map && !p->stack[p->depth - 1].key) {
		report(p, m, true, "a mapping key must be a plain value, not a %s", is_map ? "mapping" : "list");
		return;
	}
	if (p->depth >= GUARD_YAML_MAX_DEPTH) {
		report(p, m, true, "nesting deeper than %d levels", GUARD_YAML_MAX_DEPTH);
		return;
	}
	if (++p->nodes > GUARD_YAML_MAX_NODES) {
		report(p, m, true, "more than %d nodes", GUARD_YAML_MAX_NODES);
		return;
	}
	f = &p->stack[p->depth++];
	memset(f, 0, sizeof(*f));
	f->node = is_map ? cJSON_CreateObject() : cJSON_CreateArray();
	if (!f->node)
		guard_oom();
	f->is_map = is_map;
	f->mark = m;
	f->anchor = anchor ? guard_xstrdup((const char *)anchor) : NULL;
	f->nodes_at_start = p->nodes - 1;
}

static void
on_end(struct parser *p)
{
	struct frame f = p->stack[--p->depth];

	free(f.key); /* a key without a value cannot happen after a well-formed stream */
	attach(p, f.node, f.mark, f.anchor, p->nodes - f.nodes_at_start);
}

static void
on_alias(struct parser *p, const yaml_event_t *ev)
{
	struct guard_yaml_mark m = mark_of(ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a;
	struct frame *top = p->depth ? &p->stack[p->depth - 1] : NULL;
	cJSON *copy;

	if (top && top->is_map && !top->key) {
		report(p, m, true, "an alias cannot be a mapping key");
		return;
	}
	if (++p->aliases > GUARD_YAML_MAX_ALIASES) {
		report(p, m, true, "more than %d aliases", GUARD_YAML_MAX_ALIASES);
		return;
	}
	if (!(a = find_anchor(p, name))) {
		report(p, m, true, "unknown or unfinished anchor '%s'", name);
		return;
	}
	if (a->count > GUARD_YAML_MAX_NODES - p->nodes) {
		report(p, m, true, "alias '*%s' expands past %d nodes (an alias bomb?)", name,
		       GUARD_YAML_MAX_NODES);
		return;
	}
	p->nodes += a->count;
	if (!(copy = cJSON_Duplicate(a->node, 1)))
		guard_oom();
	attach(p, copy, m, NULL, a->count);
	/* attach recorded the top; the children of the copy sit at the alias too */
	for (const cJSON *c = copy->child; c; c = c->next)
		record_tree(p, c, m, m);
}

static int
compare_pos(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct guard_yaml_pos *)a)->node;
	uintptr_t y = (uintptr_t)((const struct guard_yaml_pos *)b)->node;
	return x < y ? -1 : x > y;
}

void
guard_yaml_init(struct guard_yaml_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

static void
parser_release(struct parser *p)
{
	for (int i = 0; i < p->depth; i++) {
		cJSON_Delete(p->stack[i].node);
		free(p->stack[i].key);
		free(p->stack[i].anchor);
	}
	for (size_t i = 0; i < p->nanchors; i++)
		free(p->anchors[i].name);
	free(p->anchors);
	free(p->keys.slots);
	cJSON_Delete(p->graveyard);
}

int
guard_yaml_parse(struct guard_yaml_doc *doc, const char *name, const char *text, size_t len,
		 struct guard_list *errors)
{
	struct parser p;
	yaml_parser_t yp;
	yaml_event_t ev;
	bool done = false;

	guard_yaml_release(doc);
	doc->name = guard_xstrdup(name);
	memset(&p, 0, sizeof(p));
	p.doc = doc;
	p.errors = errors;
	if (!(p.graveyard = cJSON_CreateArray()))
		guard_oom();
	if (len > GUARD_YAML_MAX_BYTES) {
		struct guard_yaml_mark none = { 0, 0 };
		report(&p, none, true, "larger than %zu bytes", GUARD_YAML_MAX_BYTES);
		goto out;
	}
	if (!yaml_parser_initialize(&yp))
		guard_oom();
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	while (!done && !p.fatal) {
		if (!yaml_parser_parse(&yp, &ev)) {
			struct guard_yaml_mark m = mark_of(yp.problem_mark);
			if (yp.context)
				report(&p, m, true, "%s (%s started at %zu:%zu)",
				       yp.problem ? yp.problem : "syntax error", yp.context,
				       yp.context_mark.line + 1, yp.context_mark.column + 1);
			else
				report(&p, m, true, "%s", yp.problem ? yp.problem : "syntax error");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++p.documents > 1)
				report(&p, mark_of(ev.start_mark), true,
				       "a second YAML document ('---'); one document per file");
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&p, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(&p, &ev, false);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(&p, &ev, true);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&p);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&p, &ev);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
out:
	parser_release(&p);
	if (!p.failed && !doc->root && !(doc->root = cJSON_CreateNull()))
		guard_oom();
	if (p.failed) {
		cJSON_Delete(doc->root);
		doc->root = NULL;
		free(doc->pos);
		doc->pos = NULL;
		doc->npos = doc->alloc = 0;
		return guard_error(GUARD_EPOLICY, "%s", errors->len ? errors->items[errors->len - 1] : name);
	}
	if (doc->npos == 0) {
		struct guard_yaml_mark one = { 1, 1 }, none = { 0, 0 };
		record(&p, doc->root, one, none);
	}
	qsort(doc->pos, doc->npos, sizeof(*doc->pos), compare_pos);
	return 0;
}

int
guard_yaml_parse_file(struct guard_yaml_doc *doc, const char *path, struct guard_list *errors)
{
	struct guard_buf b = GUARD_BUF_INIT;
	char chunk[8192];
	ssize_t n;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return guard_error(GUARD_ENOTFOUND, "%s: not found", path);
		rc = guard_error(GUARD_EIO, "%s: %s", path, strerror(errno));
		guard_list_add(errors, guard_error_last());
		return rc;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = guard_error(GUARD_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (b.len + (size_t)n > GUARD_YAML_MAX_BYTES) {
			rc = guard_error(GUARD_EPOLICY, "%s: larger than %zu bytes", path, GUARD_YAML_MAX_BYTES);
			goto fail;
		}
		guard_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	rc = guard_yaml_parse(doc, path, b.buf, b.len, errors);
	guard_buf_release(&b);
	return rc;
fail:
	guard_list_add(errors, guard_error_last());
	close(fd);
	guard_buf_release(&b);
	return rc;
}

static const struct guard_yaml_pos *
find_pos(const struct guard_yaml_doc *doc, const cJSON *node)
{
	struct guard_yaml_pos key = { node, { 0, 0 }, { 0, 0 } };

	if (!node || !doc->npos)
		return NULL;
	return bsearch(&key, doc->pos, doc->npos, sizeof(*doc->pos), compare_pos);
}

struct guard_yaml_mark
guard_yaml_value_mark(const struct guard_yaml_doc *doc, const cJSON *node)
{
	const struct guard_yaml_pos *p = find_pos(doc, node);
	struct guard_yaml_mark none = { 0, 0 };
	return p ? p->value : none;
}

struct guard_yaml_mark
guard_yaml_key_mark(const struct guard_yaml_doc *doc, const cJSON *node)
{
	const struct guard_yaml_pos *p = find_pos(doc, node);
	struct guard_yaml_mark none = { 0, 0 };
	if (!p)
		return none;
	return p->key.line ? p->key : p->value;
}

static char *
vmessage(const struct guard_yaml_doc *doc, const cJSON *node, bool at_key, const char *fmt, va_list ap)
{
	struct guard_list one = GUARD_LIST_INIT;
	struct guard_yaml_mark m = node ? (at_key ? guard_yaml_key_mark(doc, node)
					   : guard_yaml_value_mark(doc, node))
				   : (struct guard_yaml_mark){ 0, 0 };
	char *s;

	vreport(&one, doc->name ? doc->name : "(policy)", m, fmt, ap);
	s = one.items[0];
	free(one.items);
	return s;
}

void
guard_yaml_error(const struct guard_yaml_doc *doc, const cJSON *node, bool at_key,
		 struct guard_list *errors, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guard_list_take(errors, vmessage(doc, node, at_key, fmt, ap));
	va_end(ap);
}

char *
guard_yaml_message(const struct guard_yaml_doc *doc, const cJSON *node, bool at_key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vmessage(doc, node, at_key, fmt, ap);
	va_end(ap);
	return s;
}

cJSON *
guard_yaml_detach(struct guard_yaml_doc *doc)
{
	cJSON *root = doc->root;
	doc->root = NULL;
	return root;
}

void
guard_yaml_release(struct guard_yaml_doc *doc)
{
	cJSON_Delete(doc->root);
	free(doc->pos);
	free(doc->name);
	memset(doc, 0, sizeof(*doc));
}
