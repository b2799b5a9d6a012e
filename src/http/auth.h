/* auth.h: who is calling and may they: API keys (Authorization: Bearer),
 * session cookies, role checks against the route, and CSRF for cookie
 * writes (the token from login or /api/me in an X-CSRF-Token header). */
#ifndef ECRM_HTTP_AUTH_H
#define ECRM_HTTP_AUTH_H

#include "http/request.h"

#define HTTP_SESSION_COOKIE "ecrm_session"

/* Sets r->who from a Bearer key or the session cookie. E_AUTH when neither
 * is given or what is given is unknown, expired or revoked. */
status http_auth_identify(http_req *r, int64_t now, err *e) MUST_CHECK;
/* E_FORBIDDEN when r->who may not use r->route (role level, personal-data
 * flag) or when a cookie-authenticated write lacks the CSRF token. */
status http_auth_authorize(http_req *r, err *e) MUST_CHECK;
/* The Set-Cookie value carrying `token` for `max_age` seconds (0 and an
 * empty token clear the cookie), in the arena. */
const char *http_auth_cookie(http_req *r, const char *token, int64_t max_age);

#endif
