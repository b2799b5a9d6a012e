/* err.h: the one error type: a status code plus a message a user can act on. */
#ifndef ECRM_ERR_H
#define ECRM_ERR_H

#include "core/common.h"

typedef enum {
	E_OK = 0,
	E_INVAL,     /* bad input: the message says which field, line, column */
	E_NOTFOUND,  /* no such record or file */
	E_CONFLICT,  /* unique key taken, version mismatch, state forbids it */
	E_AUTH,      /* not authenticated */
	E_FORBIDDEN, /* authenticated, not allowed */
	E_TOOBIG,    /* a size limit was exceeded */
	E_BUSY,      /* try again: locked, throttled, serialization failure */
	E_DB,        /* the store failed */
	E_IO,        /* a file or socket failed */
	E_NOMEM,     /* an allocation under a size cap failed */
	E_INTERNAL,  /* a bug: an invariant did not hold */
	E__COUNT
} status;

typedef struct {
	status code;
	char msg[256];
} err;

/* Clears `e` to E_OK with an empty message. */
void err_clear(err *e);

/* Records `code` and a printf-style message in `e` (which may be NULL);
 * returns `code` so callers can write `return err_set(e, E_INVAL, ...)`. */
status err_set(err *e, status code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Prefixes the message already in `e` with a printf-style context, e.g.
 * err_prefix(e, "line %d", n) turns "bad date" into "line 12: bad date". */
void err_prefix(err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The stable lower-case name of a status ("invalid", "not_found" ...). */
const char *status_name(status code);

#endif
