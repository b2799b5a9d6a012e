/* json.c: jansson helpers (see json.h). */
#include "core/json.h"

status json_parse(const char *text, size_t n, json_t **out, int *line, int *column, int *position,
		  err *e)
{
	json_error_t je;

	*out = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (*out)
		return E_OK;
	if (line)
		*line = je.line;
	if (column)
		*column = je.column;
	if (position)
		*position = je.position;
	return err_set(e, E_INVAL, "malformed JSON at line %d, column %d (byte %d): %s", je.line,
		       je.column, je.position, je.text);
}

/* The member, or NULL when absent or null; E_INVAL when required. */
static status member(const json_t *obj, const char *key, bool required, json_t **out, err *e)
{
	*out = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (*out && json_is_null(*out))
		*out = NULL;
	if (!*out && required)
		return err_set(e, E_INVAL, "%s: is required", key);
	return E_OK;
}

/* A set of JSON types, for typed_member. */
#define TYPE(t) (1u << (t))

/* member() when its type is in `types`: E_INVAL "key: must be <what>" for
 * another. `*present` (may be NULL) says whether a value came back. */
static status typed_member(const json_t *obj, const char *key, bool required, unsigned types,
			   const char *what, json_t **out, bool *present, err *e)
{
	status rc;

	if (present)
		*present = false;
	if ((rc = member(obj, key, required, out, e)) || !*out)
		return rc;
	if (!(types & TYPE(json_typeof(*out))))
		return err_set(e, E_INVAL, "%s: must be %s", key, what);
	if (present)
		*present = true;
	return E_OK;
}

status json_get_str(const json_t *obj, const char *key, bool required, const char **out, err *e)
{
	json_t *v;
	status rc;

	*out = NULL;
	if ((rc = typed_member(obj, key, required, TYPE(JSON_STRING), "a string", &v, NULL, e)) ||
	    !v)
		return rc;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(e, E_INVAL, "%s: must not contain NUL characters", key);
	*out = json_string_value(v);
	return E_OK;
}

status json_get_int(const json_t *obj, const char *key, bool required, int64_t *out, bool *present,
		    err *e)
{
	json_t *v;
	status rc =
		typed_member(obj, key, required, TYPE(JSON_INTEGER), "an integer", &v, present, e);

	if (!rc && v)
		*out = (int64_t)json_integer_value(v);
	return rc;
}

status json_get_bool(const json_t *obj, const char *key, bool required, bool *out, bool *present,
		     err *e)
{
	json_t *v;
	status rc = typed_member(obj, key, required, TYPE(JSON_TRUE) | TYPE(JSON_FALSE),
				 "true or false", &v, present, e);

	if (!rc && v)
		*out = json_is_true(v);
	return rc;
}

status json_check_keys(const json_t *obj, const char *const *allowed, err *e)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		size_t i = 0;
		(void)v;
		while (allowed[i] && strcmp(allowed[i], key) != 0)
			i++;
		if (!allowed[i])
			return err_set(e, E_INVAL, "%s: unknown field", key);
	}
	return E_OK;
}

char *json_to_arena(arena *a, const json_t *v, size_t *len)
{
	size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	char *p = arena_alloc(a, n + 1);

	json_dumpb(v, p, n, JSON_COMPACT | JSON_ENCODE_ANY);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

json_t *json_str_or_null(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	/* json_string refuses text that is not UTF-8: say null, not crash. */
	return v ? v : json_null();
}
