/* Risk levels, action classes and decision effects, with their names. */
#ifndef GUARD_TYPES_H
#define GUARD_TYPES_H

enum guard_level {
	GUARD_LEVEL_LOW,
	GUARD_LEVEL_MEDIUM,
	GUARD_LEVEL_HIGH,
	GUARD_LEVEL_CRITICAL
};

/* Action classes: read, write, delete/destroy, execute-unknown. */
#define GUARD_CLASS_READ 'R'
#define GUARD_CLASS_WRITE 'W'
#define GUARD_CLASS_DELETE 'D'
#define GUARD_CLASS_EXEC 'X'

enum guard_effect {
	GUARD_EFFECT_ALLOW,
	GUARD_EFFECT_ASK,
	GUARD_EFFECT_DENY
};

/* The names, in order, NULL-terminated (for lists and "did you mean"). */
extern const char *const guard_level_names[];
extern const char *const guard_effect_names[];

const char *guard_level_name(enum guard_level level);
/* 0, or GUARD_EUSAGE for an unknown name. */
int guard_level_parse(const char *name, enum guard_level *out);
const char *guard_effect_name(enum guard_effect effect);
int guard_effect_parse(const char *name, enum guard_effect *out);
/* 1 for R W D X, else 0. */
int guard_class_valid(int c);

#endif
