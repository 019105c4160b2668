/* A growable list of owned strings. */
#ifndef GUARD_LIST_H
#define GUARD_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct guard_list {
	char **items;
	size_t len;
	size_t alloc;
};

#define GUARD_LIST_INIT { NULL, 0, 0 }

/* Append a copy of s. */
void guard_list_add(struct guard_list *l, const char *s);
/* Append s, taking ownership. */
void guard_list_take(struct guard_list *l, char *s);
/* Append a copy unless an equal string is already there. */
void guard_list_add_unique(struct guard_list *l, const char *s);
bool guard_list_has(const struct guard_list *l, const char *s);
void guard_list_clear(struct guard_list *l);

#endif
