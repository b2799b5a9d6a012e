/* user.c: users, their roles and argon2id passwords (see user.h). */
#include "domain/user.h"
#include "domain/domain.h"
#include "domain/session.h"

#include <sodium.h>

static const struct {
	const char *name;
	bool personal_data;
} roles[ROLE__COUNT] = {
	[ROLE_VIEWER] = {"viewer", false},     [ROLE_ANALYST] = {"analyst", false},
	[ROLE_MARKETER] = {"marketer", false}, [ROLE_AGENT] = {"agent", true},
	[ROLE_MANAGER] = {"manager", true},    [ROLE_ADMIN] = {"admin", true},
};

const char *user_role_name(user_role r)
{
	return (unsigned)r < ROLE__COUNT ? roles[r].name : "unknown";
}

bool user_role_parse(const char *name, user_role *out)
{
	for (int i = 0; i < ROLE__COUNT; i++) {
		if (name && strcmp(name, roles[i].name) == 0) {
			*out = (user_role)i;
			return true;
		}
	}
	return false;
}

status user_role_read(const char *field, const char *name, user_role *out, err *e)
{
	char list[96];
	size_t n = 0;

	if (user_role_parse(name, out))
		return E_OK;
	list[0] = '\0';
	for (int i = 0; i < ROLE__COUNT && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				      roles[i].name);
	return err_set(e, E_INVAL, "%s: '%s' is not one of %s", field, name ? name : "", list);
}

bool user_role_sees_personal_data(user_role r)
{
	return (unsigned)r < ROLE__COUNT && roles[r].personal_data;
}

bool user_role_allows(user_role have, user_role need, bool pii)
{
	if ((unsigned)have >= ROLE__COUNT || have < need)
		return false;
	return !pii || roles[have].personal_data;
}

status user_normalize_email(const char *in, char *out, err *e)
{
	size_t n, at = 0, ats = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n == 0)
		return err_set(e, E_INVAL, "email: must not be empty");
	if (n > USER_EMAIL_MAX)
		return err_set(e, E_INVAL, "email: longer than %d characters", USER_EMAIL_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= ' ' || c == 0x7f)
			return err_set(e, E_INVAL,
				       "email: must not contain spaces or control "
				       "characters");
		if (c == '@') {
			at = i;
			ats++;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	out[n] = '\0';
	if (ats != 1 || at == 0 || at == n - 1)
		return err_set(e, E_INVAL, "email: '%s' is not an address like name@example.com",
			       out);
	return E_OK;
}

status user_check_password(const char *password, err *e)
{
	size_t n = strlen(password);

	if (n < USER_PASSWORD_MIN)
		return err_set(e, E_INVAL, "password: must be at least %d characters",
			       USER_PASSWORD_MIN);
	if (n > USER_PASSWORD_MAX)
		return err_set(e, E_INVAL, "password: must be at most %d characters",
			       USER_PASSWORD_MAX);
	return E_OK;
}

status user_hash_password(const char *password, char out[USER_HASH_SIZE], err *e)
{
	_Static_assert(crypto_pwhash_STRBYTES <= USER_HASH_SIZE, "USER_HASH_SIZE too small");
	if (sodium_init() < 0)
		return err_set(e, E_INTERNAL, "libsodium failed to start");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, E_NOMEM,
			       "not enough memory to hash a password (argon2id needs "
			       "64 MiB)");
	return E_OK;
}

bool user_password_matches(const char *hash, const char *password)
{
	if (!hash || !password || sodium_init() < 0)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

status user_create(store *st, const char *email, const char *name, user_role role,
		   const char *password_hash, int64_t now, int64_t *id, err *e)
{
	char norm[USER_EMAIL_MAX + 1];
	stmt *s = NULL;
	status rc;

	if ((rc = user_normalize_email(email, norm, e)))
		return rc;
	if ((unsigned)role >= ROLE__COUNT)
		return err_set(e, E_INVAL, "role: unknown role");
	if ((rc = store_prepare(st,
				"INSERT INTO users (email, name, role, password_hash, created_at, "
				"updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, norm);
	stmt_bind_text(s, 2, name ? name : "");
	stmt_bind_text(s, 3, user_role_name(role));
	stmt_bind_text(s, 4, password_hash);
	stmt_bind_int64(s, 5, now);
	if (stmt_row(s, e)) {
		if (id)
			*id = stmt_int64(s, 0);
		rc = E_OK;
	} else {
		rc = e->code ? e->code : err_set(e, E_INTERNAL, "insert returned no id");
		if (rc == E_CONFLICT)
			err_set(e, E_CONFLICT, "email: a user with %s exists already", norm);
	}
	stmt_done(s);
	return rc;
}

#define USER_COLUMNS \
	"id, email, name, role, disabled, created_at, updated_at, password_hash, locale"

/* Copies the current row (USER_COLUMNS) into `u`, strings into `a`. */
static void read_user(stmt *s, arena *a, user *u)
{
	u->id = stmt_int64(s, 0);
	u->email = arena_strdup(a, stmt_text(s, 1));
	u->name = arena_strdup(a, stmt_text(s, 2));
	if (!user_role_parse(stmt_text(s, 3), &u->role))
		u->role = ROLE_VIEWER;
	u->disabled = stmt_int64(s, 4) != 0;
	u->created_at = stmt_int64(s, 5);
	u->updated_at = stmt_int64(s, 6);
	u->locale = domain_col_str(s, 8, a);
}

/* Reads the row `s` finds into `u` (and the password hash into `*hash`
 * unless `hash` is NULL) and gives `s` back: false when there was no row,
 * or an error, which `e` then holds. */
static bool take_user(stmt *s, arena *a, user *u, const char **hash, err *e)
{
	bool found = stmt_row(s, e);

	if (found) {
		read_user(s, a, u);
		if (hash)
			*hash = arena_strdup(a, stmt_text(s, 7));
	}
	stmt_done(s);
	return found;
}

status user_get(store *st, arena *a, int64_t id, user *out, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, "SELECT " USER_COLUMNS " FROM users WHERE id = $1", &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (take_user(s, a, out, NULL, e))
		return E_OK;
	return e->code ? e->code : err_set(e, E_NOTFOUND, "no user with id %" PRId64, id);
}

status user_find_email(store *st, arena *a, const char *email, user *out, const char **hash, err *e)
{
	char norm[USER_EMAIL_MAX + 1];
	stmt *s;
	status rc;

	if ((rc = user_normalize_email(email, norm, e)))
		return rc;
	if ((rc = store_prepare(st, "SELECT " USER_COLUMNS " FROM users WHERE email = $1", &s, e)))
		return rc;
	stmt_bind_text(s, 1, norm);
	if (take_user(s, a, out, hash, e))
		return E_OK;
	return e->code ? e->code : err_set(e, E_NOTFOUND, "no user with email %s", norm);
}

status user_list(store *st, arena *a, user **out, size_t *n, err *e)
{
	size_t cap = 16, count = 0;
	user *v = arena_alloc(a, cap * sizeof(*v));
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, "SELECT " USER_COLUMNS " FROM users ORDER BY id", &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		if (count == cap) {
			user *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		read_user(s, a, &v[count++]);
	}
	rc = e->code;
	stmt_done(s);
	*out = v;
	*n = count;
	return rc;
}

/* Runs an UPDATE of one user by id ($1) whose other parameters the caller
 * bound; E_NOTFOUND when no row changed. */
static status update_one(store *st, stmt *s, int64_t id, err *e)
{
	status rc = stmt_exec(s, e);

	stmt_done(s);
	if (rc == E_OK && store_changes(st) == 0)
		rc = err_set(e, E_NOTFOUND, "no user with id %" PRId64, id);
	return rc;
}

status user_set_role(store *st, int64_t id, user_role role, int64_t now, err *e)
{
	stmt *s;
	status rc;

	if ((unsigned)role >= ROLE__COUNT)
		return err_set(e, E_INVAL, "role: unknown role");
	if ((rc = store_prepare(st, "UPDATE users SET role = $2, updated_at = $3 WHERE id = $1", &s,
				e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_text(s, 2, user_role_name(role));
	stmt_bind_int64(s, 3, now);
	return update_one(st, s, id, e);
}

status user_set_disabled(store *st, int64_t id, bool disabled, int64_t now, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1",
				&s, e)))
		goto out;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, disabled);
	stmt_bind_int64(s, 3, now);
	if ((rc = update_one(st, s, id, e)))
		goto out;
	if (disabled)
		rc = session_revoke_user(st, id, e);
out:
	return store_end(st, rc, e);
}

status user_set_password_hash(store *st, int64_t id, const char *hash, int64_t now, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(
		     st, "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", &s,
		     e)))
		goto out;
	stmt_bind_int64(s, 1, id);
	stmt_bind_text(s, 2, hash);
	stmt_bind_int64(s, 3, now);
	if ((rc = update_one(st, s, id, e)))
		goto out;
	rc = session_revoke_user(st, id, e);
out:
	return store_end(st, rc, e);
}

bool user_locale_valid(const char *code)
{
	size_t n, part = 0;

	if (!code)
		return false;
	n = strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (n < 2 || n > 3)
		return false;
	for (code += n; *code; code += n) {
		if (*code != '-' || ++part > 3)
			return false;
		code++;
		n = strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 2 || n > 8)
			return false;
	}
	return true;
}

status user_set_locale(store *st, int64_t id, const char *locale, int64_t now, err *e)
{
	stmt *s;
	status rc;

	if (locale && !user_locale_valid(locale))
		return err_set(e, E_INVAL, "locale: '%.40s' is not a language tag like en or zh-CN",
			       locale);
	if ((rc = store_prepare(st, "UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1",
				&s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_text(s, 2, locale);
	stmt_bind_int64(s, 3, now);
	return update_one(st, s, id, e);
}
