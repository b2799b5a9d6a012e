/* webhook_secret.c: webhook secrets kept sealed in the database (see
 * webhook_secret.h). */
#include "domain/webhook_secret.h"
#include "domain/domain.h"
#include "domain/pii.h"

#include <sodium.h>

static const char *const names[] = { WEBHOOK_SECRET_ORDERS, WEBHOOK_SECRET_SHOPIFY };

bool webhook_secret_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (name && strcmp(name, names[i]) == 0)
			return true;
	}
	return false;
}

/* The sealing context: a secret moved to another endpoint's row does not
 * open. */
static const char *field_of(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "webhook_secret:%s", name);
	return buf;
}

status webhook_secret_check(const char *secret, err *e)
{
	size_t n = secret ? strlen(secret) : 0;

	if (n < WEBHOOK_SECRET_MIN)
		return err_set(e, E_INVAL, "secret: must be at least %d characters",
			       WEBHOOK_SECRET_MIN);
	if (n > WEBHOOK_SECRET_MAX)
		return err_set(e, E_INVAL, "secret: must be at most %d characters",
			       WEBHOOK_SECRET_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)secret[i];
		/* A space or line break pasted along with the secret would make
		 * every signature fail without a word: refuse it here. */
		if (c <= ' ' || c >= 0x7f)
			return err_set(e, E_INVAL,
				       "secret: character %zu is a space, a control character or "
				       "not ASCII; paste the secret exactly as the shop shows it",
				       i + 1);
	}
	return E_OK;
}

void webhook_secret_generate(char out[WEBHOOK_SECRET_GEN_SIZE])
{
	unsigned char raw[(WEBHOOK_SECRET_GEN_SIZE - 1) / 2];

	if (sodium_init() < 0)
		abort(); /* no random generator: nothing safe to hand out */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, WEBHOOK_SECRET_GEN_SIZE, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

void webhook_secret_last4(const char *secret, char out[5])
{
	size_t n = strlen(secret);

	snprintf(out, 5, "%s", secret + (n > 4 ? n - 4 : 0));
}

static status need_keys(store *st, const pii_keys **k, err *e)
{
	*k = store_keys(st);
	return *k ? E_OK
		  : err_set(e, E_INTERNAL, "no personal-data key attached to the store (pii_attach)");
}

status webhook_secret_get(store *st, arena *a, const char *name, const char **secret, err *e)
{
	const pii_keys *k;
	const char *sealed = NULL;
	char field[64];
	stmt *s;
	status rc;

	*secret = NULL;
	if ((rc = store_prepare(st, "SELECT secret FROM webhook_secrets WHERE name = $1", &s, e)))
		return rc;
	stmt_bind_text(s, 1, name);
	if (stmt_row(s, e))
		sealed = domain_col_str(s, 0, a);
	rc = e->code;
	stmt_done(s);
	if (rc || !sealed)
		return rc;
	if ((rc = need_keys(st, &k, e)))
		return rc;
	return pii_open(k, field_of(name, field, sizeof(field)), sealed, a, secret, e);
}

status webhook_secret_describe(store *st, arena *a, const char *name, webhook_secret_info *out,
			       bool *found, err *e)
{
	stmt *s;
	status rc;

	*found = false;
	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st,
				"SELECT last4, updated_by, updated_at FROM webhook_secrets "
				"WHERE name = $1",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, name);
	if (stmt_row(s, e)) {
		*found = true;
		snprintf(out->last4, sizeof(out->last4), "%s", stmt_text(s, 0));
		out->updated_by = domain_col_str(s, 1, a);
		out->updated_at = stmt_int64(s, 2);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status webhook_secret_set(store *st, const char *name, const char *secret, const char *actor,
			  int64_t now, err *e)
{
	const pii_keys *k;
	char field[64], last4[5];
	arena a;
	stmt *s;
	status rc;

	if (!webhook_secret_known(name))
		return err_set(e, E_NOTFOUND, "no webhook endpoint named '%s' (orders, shopify)",
			       name ? name : "");
	if ((rc = webhook_secret_check(secret, e)) || (rc = need_keys(st, &k, e)))
		return rc;
	webhook_secret_last4(secret, last4);
	arena_init(&a, 512);
	if ((rc = store_prepare(st,
				"INSERT INTO webhook_secrets (name, secret, last4, updated_by, "
				"updated_at) VALUES ($1, $2, $3, $4, $5) "
				"ON CONFLICT (name) DO UPDATE SET secret = excluded.secret, "
				"last4 = excluded.last4, updated_by = excluded.updated_by, "
				"updated_at = excluded.updated_at",
				&s, e)))
		goto out;
	stmt_bind_text(s, 1, name);
	stmt_bind_text(s, 2, pii_seal(k, field_of(name, field, sizeof(field)), secret, &a));
	stmt_bind_text(s, 3, last4);
	stmt_bind_text(s, 4, actor);
	stmt_bind_int64(s, 5, now);
	rc = stmt_exec(s, e);
	stmt_done(s);
out:
	arena_release(&a);
	return rc;
}

status webhook_secret_clear(store *st, const char *name, err *e)
{
	status rc = domain_exec_text(st, "DELETE FROM webhook_secrets WHERE name = $1", name, e);

	if (rc == E_OK && store_changes(st) == 0)
		rc = err_set(e, E_NOTFOUND, "no webhook secret for '%s' is kept in the database",
			     name);
	return rc;
}

status webhook_secret_reseal(store *st, const pii_keys *from, const pii_keys *to, err *e)
{
	/* A handful of rows: read them all, then write (no statement stays
	 * open while rows are updated, which PostgreSQL needs). */
	const char *got_name[ARRAY_SIZE(names) + 8], *got_sealed[ARRAY_SIZE(names) + 8];
	size_t n = 0;
	char field[64];
	arena a;
	stmt *s;
	status rc;

	arena_init(&a, 1024);
	if ((rc = store_prepare(st, "SELECT name, secret FROM webhook_secrets ORDER BY name", &s,
				e)))
		goto out;
	while (stmt_row(s, e)) {
		if (n == ARRAY_SIZE(got_name)) {
			stmt_done(s);
			rc = err_set(e, E_INTERNAL, "more webhook secrets stored than endpoints");
			goto out;
		}
		got_name[n] = domain_col_str(s, 0, &a);
		got_sealed[n++] = domain_col_str(s, 1, &a);
	}
	rc = e->code;
	stmt_done(s);
	for (size_t i = 0; i < n && !rc; i++) {
		const char *plain;
		field_of(got_name[i], field, sizeof(field));
		if ((rc = pii_open(from, field, got_sealed[i], &a, &plain, e)) ||
		    (rc = store_prepare(st, "UPDATE webhook_secrets SET secret = $2 WHERE name = $1",
					&s, e)))
			break;
		stmt_bind_text(s, 1, got_name[i]);
		stmt_bind_text(s, 2, pii_seal(to, field, plain, &a));
		rc = stmt_exec(s, e);
		stmt_done(s);
	}
out:
	arena_release(&a);
	return rc;
}
