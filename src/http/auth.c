/* auth.c: identification, role checks and CSRF (see auth.h). */
#include "http/auth.h"
#include "domain/apikey.h"
#include "domain/session.h"

#include <sodium.h>
#include <strings.h>

static status identify_key(http_req *r, const char *key, err *e)
{
	http_identity *who = arena_zalloc(r->arena, sizeof(*who));
	apikey k;
	status rc;

	if ((rc = apikey_lookup(r->st, r->arena, key, &k, e)))
		return rc;
	who->kind = HTTP_WHO_APIKEY;
	who->id = k.id;
	who->role = k.role;
	who->email = NULL;
	who->name = k.name;
	who->actor = arena_printf(r->arena, "apikey:%" PRId64, k.id);
	r->who = who;
	return E_OK;
}

static status identify_session(http_req *r, const char *token, int64_t now, err *e)
{
	http_identity *who = arena_zalloc(r->arena, sizeof(*who));
	session s;
	status rc;

	if ((rc = session_lookup(r->st, r->arena, token, now, &s, e)))
		return rc;
	who->kind = HTTP_WHO_SESSION;
	who->id = s.user_id;
	who->role = s.role;
	who->email = s.email;
	who->name = s.name;
	who->actor = arena_printf(r->arena, "user:%" PRId64, s.user_id);
	who->csrf = s.csrf;
	who->token = arena_strdup(r->arena, token);
	who->expires_at = s.expires_at;
	r->who = who;
	return E_OK;
}

status http_auth_identify(http_req *r, int64_t now, err *e)
{
	const char *h = http_header(r, "Authorization"), *cookie;

	r->who = NULL;
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0)
			return err_set(e, E_AUTH,
				       "the Authorization header must be "
				       "`Bearer <API key>`");
		h += 7;
		while (*h == ' ')
			h++;
		return identify_key(r, h, e);
	}
	cookie = http_cookie(r, HTTP_SESSION_COOKIE);
	if (cookie && *cookie)
		return identify_session(r, cookie, now, e);
	return err_set(e, E_AUTH,
		       "sign in first (POST /api/login) or send an API key as "
		       "`Authorization: Bearer <key>`");
}

/* Constant-time comparison of two NUL-ended strings. */
static bool same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && n > 0 && sodium_memcmp(a, b, n) == 0;
}

status http_auth_authorize(http_req *r, err *e)
{
	const http_route *rt = r->route;
	const char *csrf;

	if (rt->flags & HTTP_PUBLIC)
		return E_OK;
	if (!r->who)
		return err_set(e, E_AUTH, "sign in first");
	if (!user_role_allows(r->who->role, rt->role, rt->flags & HTTP_PII)) {
		if (r->who->role >= rt->role)
			return err_set(e, E_FORBIDDEN,
				       "the %s role may not see customers' personal data",
				       user_role_name(r->who->role));
		return err_set(e, E_FORBIDDEN, "%s %s needs the %s role or higher; you are %s",
			       http_method_name(rt->method), rt->pattern, user_role_name(rt->role),
			       user_role_name(r->who->role));
	}
	/* A browser sends the cookie with any request to us, even one another
	 * site triggers; only our own page can read and echo the CSRF token. */
	if (r->who->kind == HTTP_WHO_SESSION && r->method != HTTP_GET && r->method != HTTP_HEAD) {
		csrf = http_header(r, "X-CSRF-Token");
		if (!csrf || !same_secret(csrf, r->who->csrf)) {
			r->err_code = "csrf";
			return err_set(e, E_FORBIDDEN,
				       "%s X-CSRF-Token header: send the csrf_token from POST "
				       "/api/login or GET /api/me",
				       csrf ? "wrong" : "missing");
		}
	}
	return E_OK;
}

const char *http_auth_cookie(http_req *r, const char *token, int64_t max_age)
{
	return arena_printf(r->arena,
			    "%s=%s; Path=/; Max-Age=%" PRId64 "; HttpOnly; "
			    "SameSite=Strict%s",
			    HTTP_SESSION_COOKIE, token, max_age, r->secure ? "; Secure" : "");
}
