/* request.h: what a handler sees and how it replies.
 *
 * A handler is `status h(http_req *r, err *e)` listed in http_routes[]
 * (routes.c). Before it runs, the server has matched the route, checked the
 * caller's role (and CSRF token for cookie writes), taken a store handle and
 * opened one transaction: a read transaction for GET/HEAD, a write
 * transaction otherwise (unless the route says HTTP_OWN_TXN). Returning E_OK
 * commits; any other status rolls back and replies with the error shape
 *     {"error":{"code":"invalid","message":"...","field":"email"}}
 * using the status -> HTTP table in response.c.
 *
 *	static status h_user_get(http_req *r, err *e)
 *	{
 *		int64_t id;
 *		user u;
 *		status rc;
 *
 *		if ((rc = http_param_id(r, "id", &id, e)) ||
 *		    (rc = user_get(r->st, r->arena, id, &u, e)))
 *			return rc;                  // E_NOTFOUND -> 404
 *		http_reply_json(r, 200, user_json(&u));
 *		return E_OK;
 *	}
 *
 * Memory: allocate from r->arena; it is cleared after the reply is sent. */
#ifndef ECRM_HTTP_REQUEST_H
#define ECRM_HTTP_REQUEST_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "core/json.h"
#include "core/json_out.h"
#include "core/strbuf.h"
#include "domain/audit.h"
#include "domain/user.h"
#include "http/router.h"
#include "store/db.h"

typedef struct http_settings http_settings;
typedef struct http_metrics http_metrics;
typedef struct http_auth_cache http_auth_cache;

typedef enum { HTTP_WHO_SESSION = 1, HTTP_WHO_APIKEY } http_who_kind;

/* Who is calling: a signed-in user (cookie) or an API key (Bearer). */
typedef struct {
	http_who_kind kind;
	int64_t id; /* user id or API key id */
	user_role role;
	const char *email;  /* users; NULL for keys */
	const char *name;   /* user's or key's name */
	const char *actor;  /* for the audit log: "user:3", "apikey:2" */
	const char *csrf;   /* sessions only */
	const char *token;  /* sessions only: the cookie value */
	int64_t expires_at; /* sessions only */
} http_identity;

typedef struct {
	const char *name, *value;
} http_header_kv;

/* Server-wide, read-only while serving. */
typedef struct {
	const http_settings *settings;
	http_metrics *metrics;
	http_auth_cache *auth_cache; /* NULL: every request looks its caller up */
	const char *dummy_hash; /* verified against when an e-mail is unknown */
	int64_t started_at;
	const char *db_uri; /* the store's URI: background work opens its own handle */
} http_ctx;

struct http_req {
	/* For handlers: */
	arena *arena;		  /* cleared after the reply */
	store *st;		  /* NULL for HTTP_NO_STORE routes */
	const http_identity *who; /* NULL on public routes */
	const http_ctx *ctx;
	const http_route *route;
	http_method method;
	const char *path;   /* without the query string */
	const char *client; /* the client's address */
	bool secure;	    /* reached over TLS (proxy said so, or configured) */

	/* The server's; handlers use the functions below. */
	void *conn; /* struct MHD_Connection */
	http_match match; /* the route table's answer, found once */
	http_match_result matched;
	http_param_slice params[HTTP_MAX_PARAMS];
	size_t nparams;
	strbuf body;
	size_t max_body; /* this request's cap: max_body, or max_upload */
	bool body_too_big;
	uint64_t body_seen; /* bytes of body received, kept or not */
	json_t *json;	    /* parsed body, released after the reply */
	strbuf out;	    /* reply text written by http_out's writer */
	json_out writer;
	bool writing;	    /* http_out was called */
	unsigned code;	    /* reply status, 0 until a reply is set */
	const char *content_type;
	const char *reply;
	size_t reply_len;
	http_header_kv *headers;
	size_t nheaders, headers_cap;
	unsigned err_http; /* HTTP code for the failure, 0: from the table */
	const char *err_field;
	int err_line, err_column, err_position; /* malformed JSON; 0 when none */
	const char *err_code;			/* error code string, NULL: from the table */
	audit_entry *audit;			/* queued by http_audit */
	size_t naudit, audit_cap;
	uint64_t auth_generation; /* the identity cache's, when the request began */
	struct {
		int kind; /* HTTP_WHO_SESSION (token), HTTP_WHO_APIKEY (id), 0: user id */
		int64_t id;
		const char *token;
	} forget[4]; /* identity cache entries to drop after the commit */
	size_t nforget;
	void *server; /* http_server */
	void *conn_ctx;
	int64_t started_ns;
	size_t route_index; /* http_routes_count when no route matched */
	bool queued;	    /* the reply went to the connection */
};

/* Path parameter `name` (":name" in the pattern), NUL-ended in the arena;
 * NULL when the route has none of that name. */
const char *http_param(http_req *r, const char *name);
/* A path parameter that must be a positive integer id (400 otherwise). */
status http_param_id(http_req *r, const char *name, int64_t *out, err *e) MUST_CHECK;
/* A query-string argument (already %-decoded), NULL when absent. */
const char *http_query(const http_req *r, const char *name);
/* An integer query argument in [min, max]; `def` when absent; 400 otherwise. */
status http_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max,
		      int64_t *out, err *e) MUST_CHECK;
/* A request header (case-insensitive name), NULL when absent. */
const char *http_header(const http_req *r, const char *name);
/* A cookie's value, NULL when absent. */
const char *http_cookie(const http_req *r, const char *name);

/* The body as a JSON object. Empty, malformed (400 with line, column and
 * byte position) or not an object: 400. Borrowed: lives until the reply is
 * sent. */
status http_body_json(http_req *r, json_t **out, err *e) MUST_CHECK;
/* Member readers: a missing required member or a wrong type is 400 with the
 * member as the error's field. See core/json.h. */
status http_json_str(http_req *r, const json_t *o, const char *key, bool required, const char **out,
		     err *e) MUST_CHECK;
status http_json_int(http_req *r, const json_t *o, const char *key, bool required, int64_t *out,
		     bool *present, err *e) MUST_CHECK;
status http_json_bool(http_req *r, const json_t *o, const char *key, bool required, bool *out,
		      bool *present, err *e) MUST_CHECK;
/* 400 naming the first member not in `allowed` (NULL-terminated). */
status http_json_keys(http_req *r, const json_t *o, const char *const *allowed, err *e) MUST_CHECK;
/* Fails the request with 400 about `field` (may be NULL): returns E_INVAL. */
status http_bad_request(http_req *r, err *e, const char *field, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
/* Names the field an error is about, for a failure returned next. */
void http_error_field(http_req *r, const char *field);

/* Replies with `v` as JSON (takes the reference). */
void http_reply_json(http_req *r, unsigned code, json_t *v);
/* The writer for a reply written straight as JSON text (core/json_out.h),
 * without a jansson tree: what big replies use. Write one value, then
 * http_reply_out. Borrowed: lives until the reply is sent. */
json_out *http_out(http_req *r);
/* Replies with what http_out's writer holds; a 500 when it is not one
 * complete value (a bug). */
void http_reply_out(http_req *r, unsigned code);
/* Replies with `n` bytes of `data`, which must stay valid until the reply
 * is sent: static data or the arena. */
void http_reply_data(http_req *r, unsigned code, const char *content_type, const void *data,
		     size_t n);
/* Replies with no body (204, or a redirect with a Location header). */
void http_reply_empty(http_req *r, unsigned code);
/* Adds a reply header; both strings are copied. */
void http_add_header(http_req *r, const char *name, const char *value);
/* Replies now with the error shape for `e` (status -> HTTP via the table).
 * For a handler that must still commit, e.g. a failed login that counts
 * toward the throttle: it replies with this and returns E_OK. */
void http_reply_error(http_req *r, const err *e);
/* Replies with an error whose HTTP code and error code are given. */
void http_reply_problem(http_req *r, unsigned http_code, const char *code, const char *field,
			const char *message);

/* Queues an audit entry for this request: actor and address come from the
 * request. Written inside the request's write transaction (so it commits
 * with the change), or right after a read transaction; if it cannot be
 * written the reply becomes a 500: nothing is shown that was not logged.
 * `target` and `detail` (JSON text) may be NULL; all strings are copied. */
void http_audit(http_req *r, const char *action, const char *target, const char *detail);
/* The actor name of the caller: "user:3", "apikey:2", or "anonymous". */
const char *http_actor(const http_req *r);

/* Maps a status to its HTTP code and error code string (one table). */
void http_status_map(status st, unsigned *http_code, const char **code);

#endif
