/* audit.c: the hash-chained audit log (see audit.h). */
#include "domain/audit.h"

#include "core/xalloc.h"

#include <pthread.h>
#include <sodium.h>
#include <time.h>

struct audit_head {
	pthread_mutex_t mu;
	bool known;
	int64_t id;
	char hash[AUDIT_HASH_SIZE];
};

audit_head *audit_head_new(void)
{
	audit_head *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->mu, NULL);
	return h;
}

void audit_head_free(audit_head *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->mu);
	free(h);
}

/* Copies the remembered head; false when there is none. */
static bool head_get(audit_head *h, int64_t *id, char hash[AUDIT_HASH_SIZE])
{
	bool known;

	if (!h)
		return false;
	pthread_mutex_lock(&h->mu);
	known = h->known;
	*id = h->id;
	memcpy(hash, h->hash, AUDIT_HASH_SIZE);
	pthread_mutex_unlock(&h->mu);
	return known;
}

/* Remembers entry `id` with `hash` as the head, or forgets the head
 * (hash NULL). */
static void head_set(audit_head *h, int64_t id, const char *hash)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->known = hash != NULL;
	h->id = id;
	if (hash)
		memcpy(h->hash, hash, AUDIT_HASH_SIZE);
	pthread_mutex_unlock(&h->mu);
}

/* The hash before the first entry: 64 zeros. */
static const char genesis[AUDIT_HASH_SIZE] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* Feeds one field as "<length>:<bytes>\n" so no two different entries have
 * the same canonical form, whatever bytes the fields hold. */
static void feed(crypto_generichash_state *h, const char *s)
{
	char len[24], *p = len + sizeof(len);
	size_t n = s ? strlen(s) : 0, v = n;

	*--p = ':';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	crypto_generichash_update(h, (const unsigned char *)p, (size_t)(len + sizeof(len) - p));
	if (n)
		crypto_generichash_update(h, (const unsigned char *)s, n);
	crypto_generichash_update(h, (const unsigned char *)"\n", 1);
}

/* A number fed as its decimal text, as feed() takes strings. */
static void feed_int(crypto_generichash_state *h, int64_t v)
{
	char num[24], *p = num + sizeof(num);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	feed(h, p);
}

void audit_hash(const char *prev_hash, const audit_entry *en, char out[AUDIT_HASH_SIZE])
{
	crypto_generichash_state h;
	unsigned char bin[32];

	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&h, NULL, 0, sizeof(bin));
	feed(&h, prev_hash);
	feed_int(&h, en->id);
	feed_int(&h, en->at);
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

status audit_record(store *st, const audit_entry *en, err *e)
{
	return audit_record_at(st, NULL, en, e);
}

/* Inserts the entry; *taken when its id was taken already (nothing
 * inserted: a failed statement would doom the whole transaction in
 * PostgreSQL, so the conflict is asked for, not raised). */
static status insert_entry(store *st, const audit_entry *en, const char *prev, const char *hash,
			   bool *taken, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_prepare(
		     st,
		     "INSERT INTO audit_log (id, at, actor, action, target, address, "
		     "detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
		     "ON CONFLICT (id) DO NOTHING",
		     &s, e)))
		return rc;
	stmt_bind_int64(s, 1, en->id);
	stmt_bind_int64(s, 2, en->at);
	stmt_bind_text(s, 3, en->actor);
	stmt_bind_text(s, 4, en->action);
	stmt_bind_text(s, 5, en->target);
	stmt_bind_text(s, 6, en->address);
	stmt_bind_text(s, 7, en->detail);
	stmt_bind_text(s, 8, prev);
	stmt_bind_text(s, 9, hash);
	rc = stmt_exec(s, e);
	stmt_done(s);
	*taken = rc == E_OK && store_changes(st) == 0;
	return rc;
}

status audit_record_at(store *st, audit_head *head, const audit_entry *in, err *e)
{
	char prev[AUDIT_HASH_SIZE], hash[AUDIT_HASH_SIZE];
	bool outermost = !store_in_transaction(st), remembered, taken;
	audit_entry en = *in;
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
	/* The write lock is taken before the head is read, so two writers
	 * cannot both extend the same entry. */
	if ((rc = store_begin(st, e)))
		return rc;
	remembered = outermost && head_get(head, &en.id, prev);
	if (!remembered && (rc = last_entry(st, &en.id, prev, e)))
		goto out;
	en.id++;
	audit_hash(prev, &en, hash);
	if ((rc = insert_entry(st, &en, prev, hash, &taken, e)))
		goto out;
	if (taken && remembered) {
		/* Another process appended since: take the head from the log. */
		if ((rc = last_entry(st, &en.id, prev, e)))
			goto out;
		en.id++;
		audit_hash(prev, &en, hash);
		if ((rc = insert_entry(st, &en, prev, hash, &taken, e)))
			goto out;
	}
	if (taken)
		rc = err_set(e, E_CONFLICT, "entry %" PRId64 " is taken", en.id);
out:
	if (rc) {
		store_rollback(st);
		head_set(head, 0, NULL);
		err_prefix(e, "audit log");
		return rc;
	}
	if ((rc = store_commit(st, e))) {
		head_set(head, 0, NULL);
		return rc;
	}
	/* Inside a caller's transaction the entry may still roll back. */
	head_set(head, en.id, outermost ? hash : NULL);
	return E_OK;
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
