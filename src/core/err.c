/* err.c: status names and message formatting for the one error type. */
#include "core/err.h"

static const char *const names[E__COUNT] = {
	[E_OK] = "ok",
	[E_INVAL] = "invalid",
	[E_NOTFOUND] = "not_found",
	[E_CONFLICT] = "conflict",
	[E_AUTH] = "unauthenticated",
	[E_FORBIDDEN] = "forbidden",
	[E_TOOBIG] = "too_large",
	[E_BUSY] = "busy",
	[E_DB] = "store_error",
	[E_IO] = "io_error",
	[E_NOMEM] = "no_memory",
	[E_INTERNAL] = "internal",
};

void err_clear(err *e)
{
	e->code = E_OK;
	e->msg[0] = '\0';
}

status err_set(err *e, status code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void err_prefix(err *e, const char *fmt, ...)
{
	char prefix[128], old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old);
}

const char *status_name(status code)
{
	if (code < 0 || code >= E__COUNT)
		return "unknown";
	return names[code];
}
