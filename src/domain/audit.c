/* audit.c: the hash-chained audit log (see audit.h). */
#include "domain/audit.h"

#include <sodium.h>
#include <time.h>

/* The hash before the first entry: 64 zeros. */
static const char genesis[AUDIT_HASH_SIZE] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* Feeds one field as "<length>:<bytes>\n" so no two different entries have
 * the same canonical form, whatever bytes the fields hold. */
static void feed(crypto_generichash_state *h, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof(len), "%zu:", n);

	crypto_generichash_update(h, (const unsigned char *)len, (size_t)k);
	if (n)
		crypto_generichash_update(h, (const unsigned char *)s, n);
	crypto_generichash_update(h, (const unsigned char *)"\n", 1);
}

void audit_hash(const char *prev_hash, const audit_entry *en, char out[AUDIT_HASH_SIZE])
{
	crypto_generichash_state h;
	unsigned char bin[32];
	char num[24];

	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&h, NULL, 0, sizeof(bin));
	feed(&h, prev_hash);
	snprintf(num, sizeof(num), "%" PRId64, en->id);
	feed(&h, num);
	snprintf(num, sizeof(num), "%" PRId64, en->at);
	feed(&h, num);
	feed(&h, en->actor);
	feed(&h, en->action);
	feed(&h, en->target);
	feed(&h, en->address);
	feed(&h, en->detail);
	crypto_generichash_final(&h, bin, sizeof(bin));
	sodium_bin2hex(out, AUDIT_HASH_SIZE, bin, sizeof(bin));
}

/* Reads the last entry's id and hash (0 and genesis when empty). */
static status last_entry(store *st, int64_t *id, char hash[AUDIT_HASH_SIZE], err *e)
{
	stmt *s;
	status rc;

	*id = 0;
	snprintf(hash, AUDIT_HASH_SIZE, "%s", genesis);
	if ((rc = store_prepare(st, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &s,
				e)))
		return rc;
	if (stmt_row(s, e)) {
		*id = stmt_int64(s, 0);
		snprintf(hash, AUDIT_HASH_SIZE, "%s", stmt_text(s, 1));
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status audit_record(store *st, const audit_entry *in, err *e)
{
	char prev[AUDIT_HASH_SIZE], hash[AUDIT_HASH_SIZE];
	audit_entry en = *in;
	stmt *s = NULL;
	status rc;

	if (!en.actor || !*en.actor || !en.action || !*en.action)
		return err_set(e, E_INTERNAL, "audit entry without actor or action");
	if (!en.at)
		en.at = (int64_t)time(NULL);
	if (!en.target)
		en.target = "";
	if (!en.address)
		en.address = "";
	if (!en.detail)
		en.detail = "";
	/* The write lock is taken before reading the last hash, so two
	 * writers cannot both extend the same entry. */
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = last_entry(st, &en.id, prev, e)))
		goto out;
	en.id++;
	audit_hash(prev, &en, hash);
	if ((rc = store_prepare(
		     st,
		     "INSERT INTO audit_log (id, at, actor, action, target, address, "
		     "detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		     &s, e)))
		goto out;
	stmt_bind_int64(s, 1, en.id);
	stmt_bind_int64(s, 2, en.at);
	stmt_bind_text(s, 3, en.actor);
	stmt_bind_text(s, 4, en.action);
	stmt_bind_text(s, 5, en.target);
	stmt_bind_text(s, 6, en.address);
	stmt_bind_text(s, 7, en.detail);
	stmt_bind_text(s, 8, prev);
	stmt_bind_text(s, 9, hash);
	rc = stmt_exec(s, e);
out:
	stmt_done(s);
	if (rc) {
		store_rollback(st);
		err_prefix(e, "audit log");
		return rc;
	}
	return store_commit(st, e);
}

#define AUDIT_COLUMNS "id, at, actor, action, target, address, detail, prev_hash, hash"

/* Borrows the current row's strings into `en` (valid until the next row). */
static void row_entry(stmt *s, audit_entry *en)
{
	en->id = stmt_int64(s, 0);
	en->at = stmt_int64(s, 1);
	en->actor = stmt_text(s, 2);
	en->action = stmt_text(s, 3);
	en->target = stmt_text(s, 4);
	en->address = stmt_text(s, 5);
	en->detail = stmt_text(s, 6);
	en->prev_hash = stmt_text(s, 7);
	en->hash = stmt_text(s, 8);
}

status audit_verify(store *st, int64_t *checked, int64_t *bad_id, char head[AUDIT_HASH_SIZE],
		    err *e)
{
	char expect[AUDIT_HASH_SIZE], got[AUDIT_HASH_SIZE];
	audit_entry en;
	int64_t n = 0;
	stmt *s;
	status rc;

	*bad_id = 0;
	snprintf(expect, sizeof(expect), "%s", genesis);
	if ((rc = store_begin_read(st, e)))
		return rc;
	if ((rc = store_prepare(st, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY id", &s, e)))
		goto out;
	while (stmt_row(s, e)) {
		row_entry(s, &en);
		if (!en.prev_hash || strcmp(en.prev_hash, expect) != 0) {
			*bad_id = en.id;
			rc = err_set(e, E_CONFLICT,
				     "audit entry %" PRId64 " does not follow the entry before it "
				     "(an entry was removed, inserted or rewritten)",
				     en.id);
			break;
		}
		audit_hash(expect, &en, got);
		if (!en.hash || strcmp(en.hash, got) != 0) {
			*bad_id = en.id;
			rc = err_set(e, E_CONFLICT,
				     "audit entry %" PRId64 " was changed: its content does not "
				     "match its hash",
				     en.id);
			break;
		}
		memcpy(expect, got, sizeof(expect));
		n++;
	}
	if (!rc)
		rc = e->code;
	stmt_done(s);
out : {
	/* Commit, not roll back: inside a caller's transaction a rollback
	 * would doom it, and this one wrote nothing. */
	err ce;
	status crc = store_commit(st, &ce);
	if (!rc && crc)
		rc = err_set(e, crc, "%s", ce.msg);
}
	*checked = n;
	memcpy(head, expect, AUDIT_HASH_SIZE);
	return rc;
}

status audit_list(store *st, arena *a, int64_t before, size_t limit, audit_entry **out, size_t *n,
		  err *e)
{
	audit_entry *v = arena_alloc(a, (limit ? limit : 1) * sizeof(*v));
	size_t count = 0;
	stmt *s;
	status rc;

	if ((rc = store_prepare(st,
				"SELECT " AUDIT_COLUMNS " FROM audit_log WHERE id < $1 "
				"ORDER BY id DESC LIMIT $2",
				&s, e)))
		return rc;
	stmt_bind_int64(s, 1, before > 0 ? before : INT64_MAX);
	stmt_bind_int64(s, 2, (int64_t)limit);
	while (count < limit && stmt_row(s, e)) {
		audit_entry *en = &v[count++];
		row_entry(s, en);
		en->actor = arena_strdup(a, en->actor);
		en->action = arena_strdup(a, en->action);
		en->target = arena_strdup(a, en->target);
		en->address = arena_strdup(a, en->address);
		en->detail = arena_strdup(a, en->detail);
		en->prev_hash = arena_strdup(a, en->prev_hash);
		en->hash = arena_strdup(a, en->hash);
	}
	rc = e->code;
	stmt_done(s);
	*out = v;
	*n = count;
	return rc;
}
