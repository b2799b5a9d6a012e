/* common.c: what the resource handlers share: who sees personal data,
 * page size and opaque cursors, time query parameters, money members and
 * 422 replies naming a field. */
#include "http/handlers/handlers.h"
#include "core/datetime.h"

#include <sodium.h>

bool h_sees_pii(const http_req *r)
{
	return r->who && user_role_sees_personal_data(r->who->role);
}

status h_limit(http_req *r, int64_t *limit, err *e)
{
	return http_query_int(r, "limit", 50, 1, 200, limit, e);
}

/* A cursor is "<kind>|<id>|<key>" in URL-safe base64: opaque to clients,
 * readable to us; `kind` names the resource and sort it belongs to, so a
 * cursor is never read under another order. */
const char *h_cursor_encode(arena *a, const char *kind, int64_t id, const char *key)
{
	char *plain = arena_printf(a, "%s|%" PRId64 "|%s", kind, id, key ? key : "");
	size_t n = strlen(plain);
	size_t size = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, size);

	sodium_bin2base64(out, size, (const unsigned char *)plain, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

status h_cursor_decode(http_req *r, const char *kind, int64_t *id, const char **key, err *e)
{
	const char *c = http_query(r, "cursor");
	size_t n, klen = strlen(kind), bin_len = 0;
	unsigned char *bin;
	char *text, *end;

	*id = 0;
	*key = NULL;
	if (!c || !*c)
		return E_OK;
	n = strlen(c);
	if (n > 2048)
		goto bad;
	bin = arena_alloc(r->arena, n + 1);
	if (sodium_base642bin(bin, n, c, n, NULL, &bin_len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		goto bad;
	bin[bin_len] = '\0';
	text = (char *)bin;
	if (strlen(text) != bin_len || bin_len < klen + 2 || memcmp(text, kind, klen) != 0 ||
	    text[klen] != '|')
		goto bad;
	errno = 0;
	*id = strtoll(text + klen + 1, &end, 10);
	if (errno || end == text + klen + 1 || *end != '|' || *id <= 0)
		goto bad;
	*key = end + 1;
	return E_OK;
bad:
	return http_bad_request(r, e, "cursor",
				"cursor: not a cursor from this listing (use next_cursor as given, "
				"with the same sort)");
}

status h_query_time(http_req *r, const char *name, int64_t *out, bool *present, err *e)
{
	const char *s = http_query(r, name);
	err pe;

	*present = false;
	*out = 0;
	if (!s || !*s)
		return E_OK;
	err_clear(&pe);
	if (datetime_parse(s, strlen(s), DATE_YMD, out, &pe))
		return http_bad_request(r, e, name,
					"%s: '%s' is not a time (Unix seconds or "
					"2026-04-05T17:06:21Z)",
					name, s);
	*present = true;
	return E_OK;
}

status h_invalid(http_req *r, err *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	e->code = E_INVAL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	r->err_http = 422;
	http_error_field(r, field);
	return E_INVAL;
}

status h_json_time(http_req *r, const json_t *o, const char *key, int64_t *out, bool *present,
		   err *e)
{
	const json_t *v = json_object_get(o, key);
	err pe;

	*present = false;
	if (!v || json_is_null(v))
		return E_OK;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		err_clear(&pe);
		if (datetime_parse(s, strlen(s), DATE_YMD, out, &pe))
			return h_invalid(r, e, key, "%s: '%s' is not a time (%s)", key, s, pe.msg);
	} else {
		return http_bad_request(r, e, key,
					"%s: must be Unix seconds or an ISO 8601 time string", key);
	}
	*present = true;
	return E_OK;
}

status h_json_money(http_req *r, const json_t *o, const char *key, int64_t *out, bool *present,
		    err *e)
{
	bool has;
	status rc;

	if ((rc = http_json_int(r, o, key, false, out, &has, e)))
		return rc;
	if (present)
		*present = has;
	if (!has)
		*out = 0;
	else if (*out < 0)
		return h_invalid(r, e, key, "%s: must not be negative", key);
	return E_OK;
}

json_out *h_page_begin(http_req *r, const char *name)
{
	json_out *w = http_out(r);

	json_out_object(w, NULL);
	json_out_array(w, name);
	return w;
}

void h_page_end(http_req *r, const char *cursor, int64_t limit)
{
	json_out *w = http_out(r);

	json_out_end(w);
	json_out_string(w, "next_cursor", cursor);
	json_out_int(w, "limit", limit);
	json_out_end(w);
	http_reply_out(r, 200);
}
