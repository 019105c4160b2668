#include "guard_buf.h"
#include "guard_list.h"

void
guard_list_take(struct guard_list *l, char *s)
{
	if (l->len == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->items = guard_xrealloc(l->items, l->alloc * sizeof(*l->items));
	}
	l->items[l->len++] = s;
}

void
guard_list_add(struct guard_list *l, const char *s)
{
	guard_list_take(l, guard_xstrdup(s));
}

bool
guard_list_has(const struct guard_list *l, const char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

void
guard_list_add_unique(struct guard_list *l, const char *s)
{
	if (!guard_list_has(l, s))
		guard_list_add(l, s);
}

void
guard_list_clear(struct guard_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->alloc = 0;
}
