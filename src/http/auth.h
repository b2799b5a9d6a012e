/* auth.h: who is calling and may they: API keys (Authorization: Bearer),
 * session cookies, role checks against the route, and CSRF for cookie
 * writes (the token from login or /api/me in an X-CSRF-Token header). */
#ifndef ECRM_HTTP_AUTH_H
#define ECRM_HTTP_AUTH_H

#include "http/request.h"

#define HTTP_SESSION_COOKIE "ecrm_session"

/* Sets r->who from a Bearer key or the session cookie. E_AUTH when neither
 * is given or what is given is unknown, expired or revoked. With a cache
 * (r->ctx->auth_cache) a key or session found in the store is kept for
 * [auth] cache_seconds (default 5) and not looked up again meanwhile, as
 * long as the database's auth generation (domain/authgen.h), read in the
 * request's transaction, is the one it was found under. */
status http_auth_identify(http_req *r, int64_t now, err *e) MUST_CHECK;
/* The identity cache: what http_auth_identify found in the store, shared
 * by a server's workers, each entry kept `ttl` seconds. A key revoked, a
 * session ended, a user disabled or a role changed takes effect at once,
 * wherever it was done (this server, another server on the database, the
 * CLI): such writes move the database's auth generation on (triggers), and
 * an entry found under an older generation is not used. One cheap read per
 * request (a one-row table) replaces the lookup. Changes through this
 * server also drop their entries (http_auth_forget_*). Safe for concurrent
 * use. */
typedef struct http_auth_cache http_auth_cache;
http_auth_cache *http_auth_cache_new(int64_t ttl);
void http_auth_cache_free(http_auth_cache *c);
/* The counter an entry found by a request must still match to be kept:
 * taken before the request's transaction begins, so a lookup that read
 * the store before a change committed is not cached after it. */
uint64_t http_auth_cache_generation(http_auth_cache *c);

/* For handlers: once the request's transaction commits, the cache drops
 * the session with this cookie value, the API key with this id, or every
 * session of this user (role or disabled changed). */
void http_auth_forget_session(http_req *r, const char *token);
void http_auth_forget_key(http_req *r, int64_t key_id);
void http_auth_forget_user(http_req *r, int64_t user_id);
/* For the server, after the request's transaction committed. */
void http_auth_cache_apply(http_req *r);

/* E_FORBIDDEN when r->who may not use r->route (role level, personal-data
 * flag) or when a cookie-authenticated write lacks the CSRF token. */
status http_auth_authorize(http_req *r, err *e) MUST_CHECK;
/* The Set-Cookie value carrying `token` for `max_age` seconds (0 and an
 * empty token clear the cookie), in the arena. */
const char *http_auth_cookie(http_req *r, const char *token, int64_t max_age);

#endif
