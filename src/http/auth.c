/* auth.c: identification (with its short-lived cache), role checks and
 * CSRF (see auth.h). */
#include "http/auth.h"
#include "domain/apikey.h"
#include "domain/authgen.h"
#include "domain/session.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <sodium.h>
#include <strings.h>

/* ---- the identity cache ---- */

#define CACHE_SLOTS 256 /* direct-mapped by token hash: a collision just misses */

typedef struct {
	char hash[SESSION_HASH_SIZE]; /* of the token; "" when the slot is free */
	int64_t found_at;	      /* when the store said yes */
	int64_t db_generation;	      /* the database's auth generation then */
	http_who_kind kind;
	int64_t id; /* user id (sessions) or key id */
	user_role role;
	int64_t expires_at; /* sessions */
	char name[128], email[256], csrf[SESSION_TOKEN_SIZE];
} cache_entry;

struct http_auth_cache {
	pthread_mutex_t mu;
	int64_t ttl;
	uint64_t generation; /* bumped by every change applied */
	cache_entry slot[CACHE_SLOTS];
};

http_auth_cache *http_auth_cache_new(int64_t ttl)
{
	http_auth_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->ttl = ttl;
	return c;
}

void http_auth_cache_free(http_auth_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

uint64_t http_auth_cache_generation(http_auth_cache *c)
{
	uint64_t g;

	pthread_mutex_lock(&c->mu);
	g = c->generation;
	pthread_mutex_unlock(&c->mu);
	return g;
}

static cache_entry *slot_of(http_auth_cache *c, const char *hash)
{
	char head[9];

	memcpy(head, hash, 8);
	head[8] = '\0';
	return &c->slot[strtoul(head, NULL, 16) % CACHE_SLOTS];
}

/* Fills r->who from the cache; false when it holds nothing current: no
 * entry, one older than the ttl, or one looked up under another database
 * auth generation `dbgen` (something changed since, here or elsewhere). */
static bool cache_get(http_req *r, const char *hash, http_who_kind kind, const char *token,
		      int64_t now, int64_t dbgen)
{
	http_auth_cache *c = r->ctx->auth_cache;
	http_identity *who;
	cache_entry *en;
	bool hit;

	if (!c)
		return false;
	who = arena_zalloc(r->arena, sizeof(*who));
	pthread_mutex_lock(&c->mu);
	en = slot_of(c, hash);
	hit = en->kind == kind && strcmp(en->hash, hash) == 0 && en->db_generation == dbgen &&
	      now >= en->found_at &&
	      now - en->found_at < c->ttl && (kind != HTTP_WHO_SESSION || en->expires_at > now);
	if (hit) {
		who->kind = kind;
		who->id = en->id;
		who->role = en->role;
		who->name = arena_strdup(r->arena, en->name);
		if (kind == HTTP_WHO_SESSION) {
			who->email = arena_strdup(r->arena, en->email);
			who->csrf = arena_strdup(r->arena, en->csrf);
			who->token = arena_strdup(r->arena, token);
			who->expires_at = en->expires_at;
		}
	}
	pthread_mutex_unlock(&c->mu);
	if (!hit)
		return false;
	who->actor = arena_printf(r->arena, "%s:%" PRId64, kind == HTTP_WHO_SESSION ? "user" : "apikey",
				  who->id);
	r->who = who;
	return true;
}

/* Keeps what the store said about `hash` under the database generation
 * `dbgen` read before the lookup, unless this server applied a change since
 * the request began (its lookup may have read the old state). */
static void cache_put(http_req *r, const char *hash, const http_identity *who, int64_t now,
		      int64_t dbgen)
{
	http_auth_cache *c = r->ctx->auth_cache;
	const char *email = who->email ? who->email : "", *csrf = who->csrf ? who->csrf : "";
	const char *name = who->name ? who->name : "";
	cache_entry *en;

	if (!c || strlen(name) >= sizeof(en->name) || strlen(email) >= sizeof(en->email) ||
	    strlen(csrf) >= sizeof(en->csrf))
		return;
	pthread_mutex_lock(&c->mu);
	if (c->generation == r->auth_generation) {
		en = slot_of(c, hash);
		snprintf(en->hash, sizeof(en->hash), "%s", hash);
		en->found_at = now;
		en->db_generation = dbgen;
		en->kind = who->kind;
		en->id = who->id;
		en->role = who->role;
		en->expires_at = who->expires_at;
		snprintf(en->name, sizeof(en->name), "%s", name);
		snprintf(en->email, sizeof(en->email), "%s", email);
		snprintf(en->csrf, sizeof(en->csrf), "%s", csrf);
	}
	pthread_mutex_unlock(&c->mu);
}

static void forget(http_req *r, int kind, int64_t id, const char *token)
{
	if (!r->ctx || !r->ctx->auth_cache)
		return;
	if (r->nforget == ARRAY_SIZE(r->forget)) {
		/* More changes than slots: drop everything instead. */
		r->forget[0].kind = -1;
		r->nforget = 1;
		return;
	}
	r->forget[r->nforget].kind = kind;
	r->forget[r->nforget].id = id;
	r->forget[r->nforget].token = token ? arena_strdup(r->arena, token) : NULL;
	r->nforget++;
}

void http_auth_forget_session(http_req *r, const char *token)
{
	forget(r, HTTP_WHO_SESSION, 0, token);
}

void http_auth_forget_key(http_req *r, int64_t key_id)
{
	forget(r, HTTP_WHO_APIKEY, key_id, NULL);
}

void http_auth_forget_user(http_req *r, int64_t user_id)
{
	forget(r, 0, user_id, NULL);
}

void http_auth_cache_apply(http_req *r)
{
	http_auth_cache *c = r->ctx ? r->ctx->auth_cache : NULL;
	char hash[SESSION_HASH_SIZE];

	if (!c || r->nforget == 0)
		return;
	pthread_mutex_lock(&c->mu);
	c->generation++;
	for (size_t i = 0; i < r->nforget; i++) {
		int kind = r->forget[i].kind;
		if (kind == HTTP_WHO_SESSION) {
			session_token_hash(r->forget[i].token, hash);
			if (strcmp(slot_of(c, hash)->hash, hash) == 0)
				slot_of(c, hash)->hash[0] = '\0';
			continue;
		}
		for (size_t k = 0; k < CACHE_SLOTS; k++) {
			cache_entry *en = &c->slot[k];
			if (kind < 0 || (kind == HTTP_WHO_APIKEY && en->kind == HTTP_WHO_APIKEY &&
					 en->id == r->forget[i].id) ||
			    (kind == 0 && en->kind == HTTP_WHO_SESSION && en->id == r->forget[i].id))
				en->hash[0] = '\0';
		}
	}
	pthread_mutex_unlock(&c->mu);
	r->nforget = 0;
}

/* ---- identification ---- */

/* The database's auth generation, read only when there is a cache to
 * check against; before any lookup it guards (authgen.h). */
static status db_generation(http_req *r, int64_t *out, err *e)
{
	*out = 0;
	return r->ctx && r->ctx->auth_cache ? authgen_read(r->st, out, e) : E_OK;
}

static status identify_key(http_req *r, const char *key, int64_t now, err *e)
{
	http_identity *who;
	char hash[SESSION_HASH_SIZE];
	int64_t dbgen;
	apikey k;
	status rc;

	session_token_hash(key, hash);
	if ((rc = db_generation(r, &dbgen, e)))
		return rc;
	if (cache_get(r, hash, HTTP_WHO_APIKEY, key, now, dbgen))
		return E_OK;
	if ((rc = apikey_lookup(r->st, r->arena, key, &k, e)))
		return rc;
	who = arena_zalloc(r->arena, sizeof(*who));
	who->kind = HTTP_WHO_APIKEY;
	who->id = k.id;
	who->role = k.role;
	who->email = NULL;
	who->name = k.name;
	who->actor = arena_printf(r->arena, "apikey:%" PRId64, k.id);
	r->who = who;
	cache_put(r, hash, who, now, dbgen);
	return E_OK;
}

static status identify_session(http_req *r, const char *token, int64_t now, err *e)
{
	http_identity *who;
	char hash[SESSION_HASH_SIZE];
	int64_t dbgen;
	session s;
	status rc;

	session_token_hash(token, hash);
	if ((rc = db_generation(r, &dbgen, e)))
		return rc;
	if (cache_get(r, hash, HTTP_WHO_SESSION, token, now, dbgen))
		return E_OK;
	if ((rc = session_lookup(r->st, r->arena, token, now, &s, e)))
		return rc;
	who = arena_zalloc(r->arena, sizeof(*who));
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
	cache_put(r, hash, who, now, dbgen);
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
		return identify_key(r, h, now, e);
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
