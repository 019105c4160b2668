#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guard_error.h"

static _Thread_local char last_message[1024];
static _Thread_local int last_code;

int
guard_error(int code, const char *fmt, ...)
{
	char msg[sizeof(last_message)];
	va_list ap;

	/* formatted aside first: a message may quote guard_error_last() */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_message, msg, sizeof(msg));
	last_code = code;
	return code;
}

const char *
guard_error_last(void)
{
	return last_message;
}

int
guard_error_code(void)
{
	return last_code;
}

void
guard_error_clear(void)
{
	last_message[0] = '\0';
	last_code = GUARD_OK;
}
