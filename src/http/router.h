/* router.h: the route table's types and the matcher. Every route is one line
 * in http_routes[] (routes.c): method, path pattern, handler, lowest role
 * allowed, flags. Patterns are literal segments, ":name" (one segment) and a
 * final "*name" (the rest of the path, one or more segments).
 *
 * Precedence does not depend on table order: among the patterns that match
 * the path and accept the method, the one with a literal segment where the
 * others have a parameter wins at the first segment where they differ
 * (":name" beats "*name"). A path matched only under other methods is 405.
 * One trailing slash is ignored ("/api/me/" is "/api/me"); empty segments
 * ("//") match nothing. */
#ifndef ECRM_HTTP_ROUTER_H
#define ECRM_HTTP_ROUTER_H

#include "core/common.h"
#include "core/err.h"
#include "domain/user.h"

typedef enum {
	HTTP_GET = 0,
	HTTP_HEAD, /* served by GET routes */
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP__METHODS
} http_method;

/* "GET" ... */
const char *http_method_name(http_method m);
/* Parses an HTTP method; false for one ecrm does not serve. */
bool http_method_parse(const char *s, http_method *out);

typedef struct http_req http_req;
/* A handler: reads the request, calls one domain function, replies. On
 * failure it returns the status with `e` set and the server replies with the
 * error shape; see request.h. */
typedef status (*http_handler)(http_req *r, err *e);

enum {
	HTTP_PUBLIC = 1 << 0,	/* no credentials needed; `role` is ignored */
	HTTP_PII = 1 << 1,	/* shows a customer's personal data (user.h) */
	HTTP_NO_STORE = 1 << 2, /* needs no store handle (health, the spec) */
	HTTP_OWN_TXN = 1 << 3,	/* the handler runs its own transactions, e.g. to
				 * hash a password without holding the write lock */
	HTTP_RAW_BODY = 1 << 4, /* the body is read as sent, any Content-Type, up
				 * to [http] max_upload (CSV uploads) */
	HTTP_SIGNED = 1 << 5,	/* public, but the handler checks a signature of
				 * the body: 401 without a valid one (webhooks) */
};

typedef struct {
	http_method method;
	const char *pattern;
	http_handler handler;
	user_role role; /* lowest role allowed */
	unsigned flags;
	const char *summary; /* one line, also in docs/openapi.yaml */
} http_route;

/* The one route table (routes.c). */
extern const http_route http_routes[];
extern const size_t http_routes_count;

#define HTTP_MAX_PARAMS 8

typedef struct {
	const char *name; /* points into the pattern, `name_len` bytes */
	size_t name_len;
	const char *value; /* points into the path, `len` bytes, not NUL-ended */
	size_t len;
} http_param_slice;

typedef enum { HTTP_MATCH_OK, HTTP_MATCH_NONE, HTTP_MATCH_METHOD } http_match_result;

typedef struct {
	const http_route *route; /* HTTP_MATCH_OK only */
	size_t index;		 /* of route in the table */
	size_t nparams;
	http_param_slice params[HTTP_MAX_PARAMS];
	unsigned allow; /* HTTP_MATCH_METHOD: bit (1 << method) per method */
} http_match;

/* Finds the route for `method` and `path` (no query string) in `routes`. */
http_match_result http_route_match(const http_route *routes, size_t n, http_method method,
				   const char *path, http_match *out);

/* Writes the Allow header value for a mask ("GET, HEAD, POST"). */
void http_allow_header(unsigned allow, char *out, size_t size);

#endif
