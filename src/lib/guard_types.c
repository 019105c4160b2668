#include "guard_error.h"
#include "guard_types.h"

const char *const guard_level_names[] = { "low", "medium", "high", "critical", NULL };
const char *const guard_effect_names[] = { "allow", "ask", "deny", NULL };

const char *
guard_level_name(enum guard_level level)
{
	return (unsigned)level < 4 ? guard_level_names[level] : "critical";
}

int
guard_level_parse(const char *name, enum guard_level *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, guard_level_names[i])) {
			*out = (enum guard_level)i;
			return 0;
		}
	return guard_error(GUARD_EUSAGE, "unknown risk level '%s' (low, medium, high, critical)", name);
}

const char *
guard_effect_name(enum guard_effect effect)
{
	return (unsigned)effect < 3 ? guard_effect_names[effect] : "deny";
}

int
guard_effect_parse(const char *name, enum guard_effect *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, guard_effect_names[i])) {
			*out = (enum guard_effect)i;
			return 0;
		}
	return guard_error(GUARD_EUSAGE, "unknown effect '%s' (allow, ask, deny)", name);
}

int
guard_class_valid(int c)
{
	return c == 'R' || c == 'W' || c == 'D' || c == 'X';
}
