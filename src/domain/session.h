/* session.h: browser sessions (a random token in a cookie, only its hash in
 * the store, a CSRF token per session), the random tokens API keys share,
 * and login throttling per account and per client address. Throttle
 * counters live in the store so several servers on one database agree. */
#ifndef ECRM_DOMAIN_SESSION_H
#define ECRM_DOMAIN_SESSION_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "domain/user.h"
#include "store/db.h"

/* A token: 32 random bytes as unpadded base64url (43 characters) + NUL. */
#define SESSION_TOKEN_SIZE 44
/* A token hash: BLAKE2b-256 as lower-case hex + NUL. */
#define SESSION_HASH_SIZE 65

/* Fills `out` with a new random token. */
void session_token_new(char out[SESSION_TOKEN_SIZE]);
/* The hex BLAKE2b-256 of `token`: what the store keeps. */
void session_token_hash(const char *token, char out[SESSION_HASH_SIZE]);

/* A live session joined with its user; strings live in the arena. */
typedef struct {
	int64_t id;
	int64_t user_id;
	const char *email;
	const char *name;
	user_role role;
	const char *csrf;
	int64_t expires_at;
} session;

/* Starts a session for `user_id` lasting `ttl` seconds from `now`. `token`
 * gets the cookie value and `csrf` the CSRF token; both are shown to the
 * client once and `token` is never stored. `address` and `user_agent` may be
 * NULL. */
status session_create(store *st, int64_t user_id, int64_t now, int64_t ttl, const char *address,
		      const char *user_agent, char token[SESSION_TOKEN_SIZE],
		      char csrf[SESSION_TOKEN_SIZE], err *e) MUST_CHECK;
/* Finds the live session of `token`: E_AUTH when it is unknown, expired or
 * its user is disabled. */
status session_lookup(store *st, arena *a, const char *token, int64_t now, session *out,
		      err *e) MUST_CHECK;
/* Ends the session of `token` (no error when there is none). */
status session_delete(store *st, const char *token, err *e) MUST_CHECK;
/* Ends every session of a user (password change, disabling). */
status session_revoke_user(store *st, int64_t user_id, err *e) MUST_CHECK;
/* Deletes expired sessions; `*purged` (may be NULL) counts them. */
status session_purge(store *st, int64_t now, int64_t *purged, err *e) MUST_CHECK;

/* Counts for monitoring: enabled users, stored sessions, working API keys. */
status session_counts(store *st, int64_t *users, int64_t *sessions, int64_t *keys,
		      err *e) MUST_CHECK;

/* Login throttling. A subject ("account:EMAIL", "address:IP") may fail
 * `max_failures` times within `window` seconds; the next failure locks it for
 * `lockout` seconds, doubled for each earlier lockout up to `max_lockout`.
 * The lockout count is forgotten after `max_lockout` quiet seconds. */
typedef struct {
	int64_t max_failures;
	int64_t window;
	int64_t lockout;
	int64_t max_lockout;
} session_throttle_policy;

typedef struct {
	int64_t failures;
	int64_t window_start;
	int64_t locked_until;
	int64_t lockouts;
} session_throttle_state;

/* Seconds until the subject may try again; 0 when it may now. */
int64_t session_throttle_wait(const session_throttle_state *s, int64_t now);
/* Counts one failure at `now`; true when it started a lockout. */
bool session_throttle_fail(session_throttle_state *s, const session_throttle_policy *p,
			   int64_t now);

/* Reads a subject's counters (all zero when it has none). */
status session_throttle_load(store *st, const char *subject, session_throttle_state *out,
			     err *e) MUST_CHECK;
status session_throttle_save(store *st, const char *subject, const session_throttle_state *s,
			     err *e) MUST_CHECK;
/* Forgets a subject's counters (after a successful login). */
status session_throttle_clear(store *st, const char *subject, err *e) MUST_CHECK;

#endif
