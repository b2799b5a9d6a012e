/* domain.c: small helpers shared by the entity modules. */
#include "domain/domain.h"

bool domain_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *domain_col_str(stmt *s, int col, arena *a)
{
	const char *v = stmt_text(s, col);
	return v ? arena_strdup(a, v) : NULL;
}

int64_t domain_col_id(stmt *s, int col)
{
	return stmt_null(s, col) ? 0 : stmt_int64(s, col);
}

bool domain_page_row(stmt *s, size_t n, int limit, bool *more, err *e)
{
	if (!stmt_row(s, e))
		return false;
	*more = n == (size_t)limit;
	return !*more;
}

status domain_exec_text(store *st, const char *sql, const char *v, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_text(s, 1, v);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status domain_exec_int(store *st, const char *sql, int64_t v, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, v);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

void domain_in_sql(char *buf, size_t size, const char *head)
{
	size_t n = (size_t)snprintf(buf, size, "%s IN (", head);

	for (int i = 1; i <= DOMAIN_LOOKUP_KEYS && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s$%d", i > 1 ? ", " : "", i);
	if (n < size)
		snprintf(buf + n, size - n, ")");
}

void domain_lookup_sql(char *buf, size_t size, const char *table, const char *key)
{
	char head[256];

	snprintf(head, sizeof(head), "SELECT %s, id FROM %s WHERE %s", key, table, key);
	domain_in_sql(buf, size, head);
}

status domain_ids_by_key(store *st, const char *sql, const char *const *keys, size_t n,
			 int64_t *ids, err *e)
{
	status rc = E_OK;

	for (size_t i = 0; i < n; i++)
		ids[i] = 0;
	for (size_t from = 0; from < n && !rc; from += DOMAIN_LOOKUP_KEYS) {
		size_t k = n - from < DOMAIN_LOOKUP_KEYS ? n - from : DOMAIN_LOOKUP_KEYS;
		stmt *s;
		if ((rc = store_prepare(st, sql, &s, e)))
			return rc;
		/* Unused places are NULL: IN never matches them. */
		for (size_t i = 0; i < DOMAIN_LOOKUP_KEYS; i++)
			stmt_bind_text(s, (int)i + 1, i < k ? keys[from + i] : NULL);
		while (stmt_row(s, e)) {
			const char *key = stmt_text(s, 0);
			/* At most DOMAIN_LOOKUP_KEYS: a scan finds the key's place. */
			for (size_t i = 0; key && i < k; i++) {
				if (strcmp(keys[from + i], key) == 0) {
					ids[from + i] = stmt_int64(s, 1);
					break;
				}
			}
		}
		rc = e->code;
		stmt_done(s);
	}
	return rc;
}
