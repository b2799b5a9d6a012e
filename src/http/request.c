/* request.c: what handlers call to read a request and set its reply, and the
 * one table mapping statuses to HTTP codes (see request.h). */
#include "http/request.h"
#include "core/log.h"

#include <microhttpd.h>
#include <strings.h>

/* Status -> HTTP. E_INVAL is 422 here: a well-formed request with a value
 * the domain refuses; a request that cannot be read at all (malformed JSON,
 * wrong types, missing members) is 400, set by the readers below. */
static const struct {
	unsigned http;
	const char *code;
} status_map[E__COUNT] = {
	[E_OK] = {200, "ok"},
	[E_INVAL] = {422, "invalid"},
	[E_NOTFOUND] = {404, "not_found"},
	[E_CONFLICT] = {409, "conflict"},
	[E_AUTH] = {401, "unauthenticated"},
	[E_FORBIDDEN] = {403, "forbidden"},
	[E_TOOBIG] = {413, "too_large"},
	[E_BUSY] = {429, "busy"},
	[E_DB] = {500, "store_error"},
	[E_IO] = {500, "io_error"},
	[E_NOMEM] = {503, "no_memory"},
	[E_INTERNAL] = {500, "internal"},
};

void http_status_map(status st, unsigned *http_code, const char **code)
{
	if ((unsigned)st >= E__COUNT || !status_map[st].code) {
		*http_code = 500;
		*code = "internal";
		return;
	}
	*http_code = status_map[st].http;
	*code = status_map[st].code;
}

const char *http_param(http_req *r, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < r->nparams; i++) {
		const http_param_slice *p = &r->params[i];
		if (p->name_len == n && memcmp(p->name, name, n) == 0)
			return arena_strndup(r->arena, p->value, p->len);
	}
	return NULL;
}

/* Parses a decimal int64; false when `s` is not one. */
static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

status http_param_id(http_req *r, const char *name, int64_t *out, err *e)
{
	const char *s = http_param(r, name);

	if (!parse_int(s, out) || *out <= 0)
		return http_bad_request(r, e, name, "%s: must be a positive integer, not '%s'",
					name, s ? s : "");
	return E_OK;
}

const char *http_query(const http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

status http_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max,
		      int64_t *out, err *e)
{
	const char *s = http_query(r, name);

	*out = def;
	if (!s)
		return E_OK;
	if (!parse_int(s, out) || *out < min || *out > max)
		return http_bad_request(r, e, name,
					"%s: must be an integer from %" PRId64 " to %" PRId64, name,
					min, max);
	return E_OK;
}

const char *http_header(const http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

status http_bad_request(http_req *r, err *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	e->code = E_INVAL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	r->err_http = 400;
	r->err_field = field ? arena_strdup(r->arena, field) : NULL;
	return E_INVAL;
}

void http_error_field(http_req *r, const char *field)
{
	r->err_field = field ? arena_strdup(r->arena, field) : NULL;
}

status http_body_json(http_req *r, json_t **out, err *e)
{
	status rc;

	*out = NULL;
	if (!r->json) {
		if (r->body.len == 0)
			return http_bad_request(r, e, NULL,
						"the request needs a JSON object as its body");
		rc = json_parse(r->body.buf, r->body.len, &r->json, &r->err_line, &r->err_column,
				&r->err_position, e);
		if (rc) {
			r->err_http = 400;
			return rc;
		}
	}
	if (!json_is_object(r->json))
		return http_bad_request(r, e, NULL, "the body must be a JSON object, not %s",
					json_is_array(r->json) ? "an array" : "a single value");
	*out = r->json;
	return E_OK;
}

/* A member reader failed: make it a 400 about `key`. */
static status member_failed(http_req *r, const char *key, status rc)
{
	if (rc) {
		r->err_http = 400;
		r->err_field = arena_strdup(r->arena, key);
	}
	return rc;
}

status http_json_str(http_req *r, const json_t *o, const char *key, bool required, const char **out,
		     err *e)
{
	return member_failed(r, key, json_get_str(o, key, required, out, e));
}

status http_json_int(http_req *r, const json_t *o, const char *key, bool required, int64_t *out,
		     bool *present, err *e)
{
	return member_failed(r, key, json_get_int(o, key, required, out, present, e));
}

status http_json_bool(http_req *r, const json_t *o, const char *key, bool required, bool *out,
		      bool *present, err *e)
{
	return member_failed(r, key, json_get_bool(o, key, required, out, present, e));
}

status http_json_keys(http_req *r, const json_t *o, const char *const *allowed, err *e)
{
	status rc = json_check_keys(o, allowed, e);

	if (rc) {
		/* The message starts with the member's name. */
		size_t n = strcspn(e->msg, ":");
		r->err_http = 400;
		r->err_field = arena_strndup(r->arena, e->msg, n);
	}
	return rc;
}

void http_reply_data(http_req *r, unsigned code, const char *content_type, const void *data,
		     size_t n)
{
	r->code = code;
	r->content_type = content_type;
	r->reply = data;
	r->reply_len = n;
}

void http_reply_json(http_req *r, unsigned code, json_t *v)
{
	static const char failed[] = "{\"error\":{\"code\":\"internal\",\"message\":"
				     "\"the reply could not be encoded as JSON\"}}";
	size_t n;
	char *text;

	/* json_pack returns NULL on text that is not UTF-8. */
	if (!v) {
		http_reply_data(r, 500, "application/json", failed, sizeof(failed) - 1);
		return;
	}
	text = json_to_arena(r->arena, v, &n);

	json_decref(v);
	http_reply_data(r, code, "application/json", text, n);
}

json_out *http_out(http_req *r)
{
	if (!r->writing) {
		if (!r->out.buf)
			strbuf_init(&r->out, 0);
		strbuf_reset(&r->out);
		json_out_init(&r->writer, &r->out);
		r->writing = true;
	}
	return &r->writer;
}

void http_reply_out(http_req *r, unsigned code)
{
	if (!r->writing || !json_out_done(&r->writer)) {
		log_error("%s %s: the reply was not one complete JSON value",
			  http_method_name(r->method), r->path);
		http_reply_problem(r, 500, "internal", NULL,
				   "the server failed to answer; the details are in its log");
		return;
	}
	http_reply_data(r, code, "application/json", r->out.buf, r->out.len);
}

void http_reply_empty(http_req *r, unsigned code)
{
	http_reply_data(r, code, NULL, "", 0);
}

void http_add_header(http_req *r, const char *name, const char *value)
{
	if (r->nheaders == r->headers_cap) {
		size_t cap = r->headers_cap ? 2 * r->headers_cap : 8;
		http_header_kv *v = arena_alloc(r->arena, cap * sizeof(*v));
		if (r->nheaders)
			memcpy(v, r->headers, r->nheaders * sizeof(*v));
		r->headers = v;
		r->headers_cap = cap;
	}
	r->headers[r->nheaders].name = arena_strdup(r->arena, name);
	r->headers[r->nheaders].value = arena_strdup(r->arena, value);
	r->nheaders++;
}

void http_reply_problem(http_req *r, unsigned http_code, const char *code, const char *field,
			const char *message)
{
	json_t *inner = json_object(), *outer = json_object();

	json_object_set_new(inner, "code", json_string(code));
	json_object_set_new(inner, "message", json_str_or_null(message));
	if (field)
		json_object_set_new(inner, "field", json_str_or_null(field));
	if (r->err_line > 0) {
		json_object_set_new(inner, "line", json_integer(r->err_line));
		json_object_set_new(inner, "column", json_integer(r->err_column));
		json_object_set_new(inner, "position", json_integer(r->err_position));
	}
	json_object_set_new(outer, "error", inner);
	http_reply_json(r, http_code, outer);
}

/* The field a validation message is about, by the convention that such
 * messages start with "name: " (core/json.h, domain validators). */
static const char *field_of(http_req *r, const char *msg)
{
	size_t n = 0;

	while ((msg[n] >= 'a' && msg[n] <= 'z') || (msg[n] >= '0' && msg[n] <= '9') ||
	       msg[n] == '_' || msg[n] == '.')
		n++;
	if (n == 0 || msg[n] != ':' || msg[n + 1] != ' ' || (msg[0] >= '0' && msg[0] <= '9'))
		return NULL;
	return arena_strndup(r->arena, msg, n);
}

void http_reply_error(http_req *r, const err *e)
{
	unsigned code;
	const char *name, *field = r->err_field, *msg = e->msg;

	http_status_map(e->code, &code, &name);
	if (r->err_http)
		code = r->err_http;
	if (r->err_code)
		name = r->err_code;
	if (!field && e->code == E_INVAL)
		field = field_of(r, e->msg);
	if (code >= 500) {
		/* The details (SQL, file names) are for the log, not the client. */
		log_error("%s %s: %s: %s", http_method_name(r->method), r->path,
			  status_name(e->code), e->msg);
		msg = "the server failed to answer; the details are in its log";
	} else if (!*msg) {
		msg = status_name(e->code);
	}
	if (e->code == E_BUSY && code == 429) {
		bool has = false;
		for (size_t i = 0; i < r->nheaders; i++)
			has |= strcasecmp(r->headers[i].name, "Retry-After") == 0;
		if (!has)
			http_add_header(r, "Retry-After", "1");
	}
	http_reply_problem(r, code, name, field, msg);
}

const char *http_actor(const http_req *r)
{
	return r->who ? r->who->actor : "anonymous";
}

void http_audit(http_req *r, const char *action, const char *target, const char *detail)
{
	audit_entry *en;

	if (r->naudit == r->audit_cap) {
		size_t cap = r->audit_cap ? 2 * r->audit_cap : 4;
		audit_entry *v = arena_alloc(r->arena, cap * sizeof(*v));
		if (r->naudit)
			memcpy(v, r->audit, r->naudit * sizeof(*v));
		r->audit = v;
		r->audit_cap = cap;
	}
	en = &r->audit[r->naudit++];
	memset(en, 0, sizeof(*en));
	en->actor = arena_strdup(r->arena, http_actor(r));
	en->action = arena_strdup(r->arena, action);
	en->target = target ? arena_strdup(r->arena, target) : NULL;
	en->address = r->client;
	en->detail = detail ? arena_strdup(r->arena, detail) : NULL;
}
