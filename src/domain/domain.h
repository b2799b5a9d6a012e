/* domain.h: what every entity module shares. Strings in entity structs are
 * borrowed (usually from an arena); NULL means "not given". */
#ifndef ECRM_DOMAIN_H
#define ECRM_DOMAIN_H

#include "core/arena.h"
#include "store/db.h"

/* What a save (insert-or-update by external id) did. */
typedef enum { SAVE_NEW, SAVE_UPDATED, SAVE_UNCHANGED } save_result;

/* An optional int64: money and counts that may be unknown. */
typedef struct {
	int64_t v;
	bool set;
} opt_i64;

static inline opt_i64 opt_some(int64_t v)
{
	return (opt_i64){ v, true };
}

/* True when two optional strings hold the same text (NULL equals NULL). */
bool domain_str_eq(const char *a, const char *b);
/* Copies column `col` of the current row into `a` (NULL for SQL NULL). */
const char *domain_col_str(stmt *s, int col, arena *a);
/* Column `col` of the current row as an id: 0 for SQL NULL. */
int64_t domain_col_id(stmt *s, int col);
/* stmt_row for a page of at most `limit` rows whose query asks for one
 * more: false at the end, or, with *more set, at that extra row. `n`: the
 * rows taken so far. */
bool domain_page_row(stmt *s, size_t n, int limit, bool *more, err *e);
/* Runs `sql`, a statement without result rows whose one parameter $1 is
 * the text `v` (a delete by key, say). `sql` stays valid while the store
 * is open, as store_prepare needs. */
status domain_exec_text(store *st, const char *sql, const char *v, err *e) MUST_CHECK;
/* The same with the integer `v` as $1 (a delete by id, say). */
status domain_exec_int(store *st, const char *sql, int64_t v, err *e) MUST_CHECK;

/* Keys looked up per statement by domain_ids_by_key. */
#define DOMAIN_LOOKUP_KEYS 256

/* Writes into `buf` "<head> IN ($1, ..., $DOMAIN_LOOKUP_KEYS)": a
 * statement for DOMAIN_LOOKUP_KEYS keys at a time (build it once: the store
 * caches statements by the SQL's address). */
void domain_in_sql(char *buf, size_t size, const char *head);
/* Writes into `buf` "SELECT <key>, id FROM <table> WHERE <key> IN ($1, ...
 * $DOMAIN_LOOKUP_KEYS)" for domain_ids_by_key (build it once: the store
 * caches statements by the SQL's address). */
void domain_lookup_sql(char *buf, size_t size, const char *table, const char *key);
/* The ids of the rows whose unique text column holds keys[0..n-1] (ids[i]
 * = 0 when there is none), in one statement per DOMAIN_LOOKUP_KEYS keys
 * instead of a round trip per key. `sql` comes from domain_lookup_sql. */
status domain_ids_by_key(store *st, const char *sql, const char *const *keys, size_t n,
			 int64_t *ids, err *e) MUST_CHECK;

#endif
