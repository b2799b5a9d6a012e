/* apikey.h: API keys for integrations. A key is "ecrm_" and a random token;
 * it is shown once at creation, and the store keeps only its hash and its
 * first characters (so a person can tell keys apart). A key carries a role
 * as a user does (domain/user.h) and is sent as `Authorization: Bearer`. */
#ifndef ECRM_DOMAIN_APIKEY_H
#define ECRM_DOMAIN_APIKEY_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "domain/user.h"
#include "store/db.h"

/* "ecrm_" + 43 token characters + NUL. */
#define APIKEY_SIZE 49
/* How many leading characters are kept in clear. */
#define APIKEY_PREFIX_LEN 12

typedef struct {
	int64_t id;
	const char *name;
	user_role role;
	const char *prefix;
	const char *created_by; /* the audit actor that created it */
	int64_t created_at;
	int64_t revoked_at; /* 0 while the key works */
} apikey;

/* Creates a key; `key` gets the secret to hand over (never stored). `name`
 * may be NULL. `*id` (may be NULL) gets its id. */
status apikey_create(store *st, const char *name, user_role role, const char *created_by,
		     int64_t now, char key[APIKEY_SIZE], int64_t *id, err *e) MUST_CHECK;
/* Finds the working key `key`: E_AUTH when unknown or revoked. */
status apikey_lookup(store *st, arena *a, const char *key, apikey *out, err *e) MUST_CHECK;
/* Every key, revoked ones too, by id; the array lives in the arena. */
status apikey_list(store *st, arena *a, apikey **out, size_t *n, err *e) MUST_CHECK;
/* Revokes a key. E_NOTFOUND when there is no working key with that id. */
status apikey_revoke(store *st, int64_t id, int64_t now, err *e) MUST_CHECK;

#endif
