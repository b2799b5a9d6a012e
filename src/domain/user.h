/* user.h: people who sign in to ecrm: roles, e-mail, argon2id password hash.
 *
 * Role model. Roles are ordered levels
 *     viewer < analyst < marketer < agent < manager < admin
 * and a route names the lowest level allowed. Ordered levels alone would let
 * an analyst or a marketer read any customer's record, so each role also
 * carries one permission flag, "personal data": whether it may see a single
 * customer's identifying details (name, e-mail, phone, address, notes).
 *     viewer    dashboards only                    personal data: no
 *     analyst   scores, segments, exports of aggregates              no
 *     marketer  segments, campaigns (sends go through ecrm)          no
 *     agent     tickets, inbox, the customer 360 view               yes
 *     manager   everything an agent does, plus team settings        yes
 *     admin     users, API keys, audit log, configuration           yes
 * A route that shows personal data sets HTTP_PII (http/router.h): it then
 * needs both the level and the flag. */
#ifndef ECRM_DOMAIN_USER_H
#define ECRM_DOMAIN_USER_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

typedef enum {
	ROLE_VIEWER = 0,
	ROLE_ANALYST,
	ROLE_MARKETER,
	ROLE_AGENT,
	ROLE_MANAGER,
	ROLE_ADMIN,
	ROLE__COUNT
} user_role;

/* "viewer" ... "admin". */
const char *user_role_name(user_role r);
/* Parses a role name; false when unknown. */
bool user_role_parse(const char *name, user_role *out);
/* user_role_parse for input: E_INVAL, naming `field` and the roles there
 * are, when `name` is not one. */
status user_role_read(const char *field, const char *name, user_role *out, err *e) MUST_CHECK;
/* Whether the role may see one customer's personal data (see above). */
bool user_role_sees_personal_data(user_role r);
/* Whether `have` may use something whose lowest role is `need`, with
 * `pii` set when it shows personal data. */
bool user_role_allows(user_role have, user_role need, bool pii);

/* A user as read from the store; strings live in the arena given. */
typedef struct {
	int64_t id;
	const char *email;
	const char *name;
	user_role role;
	bool disabled;
	const char *locale; /* the UI language chosen ("en", "zh-CN"); NULL: none yet */
	int64_t created_at;
	int64_t updated_at;
} user;

/* Room for an argon2id hash string (libsodium's crypto_pwhash_STRBYTES). */
#define USER_HASH_SIZE	  128
#define USER_EMAIL_MAX	  254
#define USER_PASSWORD_MIN 10
#define USER_PASSWORD_MAX 1024

/* Trims and lower-cases `in` into `out` (USER_EMAIL_MAX + 1 bytes) and
 * checks it looks like an address. E_INVAL "email: ..." otherwise. */
status user_normalize_email(const char *in, char *out, err *e) MUST_CHECK;
/* E_INVAL "password: ..." when a new password is too short or too long. */
status user_check_password(const char *password, err *e) MUST_CHECK;
/* Hashes with argon2id at libsodium's INTERACTIVE limits (about 140 ms and
 * 64 MiB): call it outside transactions. */
status user_hash_password(const char *password, char out[USER_HASH_SIZE], err *e) MUST_CHECK;
/* True when `password` matches `hash`; constant-time in the password. */
bool user_password_matches(const char *hash, const char *password);

/* Inserts a user with an already hashed password. E_CONFLICT when the
 * e-mail is taken; `*id` gets the new id (may be NULL). */
status user_create(store *st, const char *email, const char *name, user_role role,
		   const char *password_hash, int64_t now, int64_t *id, err *e) MUST_CHECK;
/* E_NOTFOUND when there is no such user. */
status user_get(store *st, arena *a, int64_t id, user *out, err *e) MUST_CHECK;
/* Looks a user up by e-mail (normalised here). `hash` (may be NULL) gets
 * the stored password hash, in the arena. */
status user_find_email(store *st, arena *a, const char *email, user *out, const char **hash,
		       err *e) MUST_CHECK;
/* Every user, by id; the array lives in the arena. */
status user_list(store *st, arena *a, user **out, size_t *n, err *e) MUST_CHECK;
/* Changes the role. E_NOTFOUND when there is no such user. */
status user_set_role(store *st, int64_t id, user_role role, int64_t now, err *e) MUST_CHECK;
/* Disables or enables; disabling also ends the user's sessions. */
status user_set_disabled(store *st, int64_t id, bool disabled, int64_t now, err *e) MUST_CHECK;
/* Whether `code` looks like a language tag ("en", "zh-CN"): 2-3 letters,
 * then up to three "-" parts of 2-8 letters or digits. */
bool user_locale_valid(const char *code);
/* Sets the user's UI language (`locale` NULL: forget it). E_INVAL
 * "locale: ..." for a malformed tag; E_NOTFOUND when there is no user. */
status user_set_locale(store *st, int64_t id, const char *locale, int64_t now, err *e) MUST_CHECK;
/* Replaces the password hash and ends the user's sessions. */
status user_set_password_hash(store *st, int64_t id, const char *hash, int64_t now,
			      err *e) MUST_CHECK;

#endif
