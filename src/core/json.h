/* json.h: small helpers over jansson for reading request bodies and writing
 * replies. Readers report a wrong or missing member as E_INVAL with a message
 * that starts with the member's name ("email: must be a string"), the form
 * the HTTP layer turns into the error's "field". */
#ifndef ECRM_CORE_JSON_H
#define ECRM_CORE_JSON_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"

#include <jansson.h>

/* Parses `n` bytes holding exactly one JSON value (duplicate keys refused).
 * On a syntax error: E_INVAL with "malformed JSON at line L, column C: ..."
 * and, when not NULL, `*line`, `*column` (1-based) and `*position` (0-based
 * byte offset) of the fault. The caller owns the result (json_decref). */
status json_parse(const char *text, size_t n, json_t **out, int *line, int *column, int *position,
		  err *e) MUST_CHECK;

/* obj[key] as a string. Absent or null: E_INVAL "key: is required" when
 * `required`, else *out = NULL. Borrowed: valid while `obj` lives. */
status json_get_str(const json_t *obj, const char *key, bool required, const char **out,
		    err *e) MUST_CHECK;
/* obj[key] as an integer; `*present` (may be NULL) says whether it was given. */
status json_get_int(const json_t *obj, const char *key, bool required, int64_t *out, bool *present,
		    err *e) MUST_CHECK;
/* obj[key] as true/false. */
status json_get_bool(const json_t *obj, const char *key, bool required, bool *out, bool *present,
		     err *e) MUST_CHECK;
/* E_INVAL "key: unknown field" for the first member of `obj` not named in
 * `allowed` (NULL-terminated), so a typo is not silently ignored. */
status json_check_keys(const json_t *obj, const char *const *allowed, err *e) MUST_CHECK;

/* Serialises `v` compactly into the arena; `*len` (may be NULL) gets the
 * length without the NUL. */
char *json_to_arena(arena *a, const json_t *v, size_t *len);

/* A string value that is NULL-safe: json_null() for NULL. New reference. */
json_t *json_str_or_null(const char *s);

#endif
