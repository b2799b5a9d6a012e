/* migrate.c: numbered SQL migrations (migrations/<backend>/NNN_name.sql,
 * compiled in) applied in order, each in its own transaction, recorded in
 * the schema_version table. A database newer than this binary is refused. */
#include "store/store_internal.h"
#include "core/embed.h"

#include <time.h>

extern const embedded_file store_migration_files[];
extern const size_t store_migration_files_count;

typedef struct {
	int version;
	const char *name; /* file name after the backend folder */
	const char *sql;
} migration;

/* Fills `out` (sorted: the embedded table is sorted by name) with the
 * migrations of `st`'s backend; returns how many. */
static size_t list_migrations(const store *st, migration *out, size_t max)
{
	size_t n = 0, plen = strlen(st->ops->name);

	for (size_t i = 0; i < store_migration_files_count && n < max; i++) {
		const char *name = store_migration_files[i].name;
		if (strncmp(name, st->ops->name, plen) != 0 || name[plen] != '/')
			continue;
		out[n].name = name + plen + 1;
		out[n].version = (int)strtol(out[n].name, NULL, 10);
		out[n].sql = (const char *)store_migration_files[i].data;
		n++;
	}
	return n;
}

int store_schema_latest(const store *st)
{
	migration m[256];
	size_t n = list_migrations(st, m, ARRAY_SIZE(m));
	return n ? m[n - 1].version : 0;
}

int store_schema_version(store *st)
{
	int64_t v = 0;
	err e;

	if (store_query_int64(st, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &v, &e,
			      0))
		return 0;
	return (int)v;
}

static const char *const create_version_table =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at BIGINT NOT NULL)";

status store_migrate(store *st, int *applied, err *e)
{
	migration m[256];
	size_t n = list_migrations(st, m, ARRAY_SIZE(m));
	int current, latest = n ? m[n - 1].version : 0, count = 0;
	status rc;
	stmt *s;

	if (applied)
		*applied = 0;
	if ((rc = store_exec(st, create_version_table, e)))
		return rc;
	current = store_schema_version(st);
	if (current > latest)
		return err_set(e, E_CONFLICT,
			       "the database is at schema version %d but this ecrm knows only up "
			       "to %d: use a newer ecrm",
			       current, latest);
	for (size_t i = 0; i < n; i++) {
		/* Each migration not recorded yet runs, not only those above the
		 * newest: a number filled in later (work merged out of order)
		 * still reaches databases made in between. */
		int64_t done = 0;
		if ((rc = store_query_int64(st, "SELECT COUNT(*) FROM schema_version WHERE version = $1",
					    &done, e, 1, (int64_t)m[i].version)))
			return rc;
		if (done)
			continue;
		if ((rc = store_begin(st, e)))
			return rc;
		/* Another ecrm starting on the same database may have applied
		 * it while this one waited for the write lock. Asked of this
		 * version, not the newest: one filled in later is below it. */
		if ((rc = store_query_int64(st, "SELECT COUNT(*) FROM schema_version WHERE version = $1",
					    &done, e, 1, (int64_t)m[i].version))) {
			store_rollback(st);
			return rc;
		}
		if (done) {
			store_rollback(st);
			continue;
		}
		if ((rc = store_exec(st, m[i].sql, e))) {
			err_prefix(e, "migration %s", m[i].name);
			store_rollback(st);
			return rc;
		}
		if ((rc = store_prepare(st,
					"INSERT INTO schema_version (version, name, applied_at) "
					"VALUES ($1, $2, $3)",
					&s, e))) {
			store_rollback(st);
			return rc;
		}
		stmt_bind_int64(s, 1, m[i].version);
		stmt_bind_text(s, 2, m[i].name);
		stmt_bind_int64(s, 3, (int64_t)time(NULL));
		rc = stmt_exec(s, e);
		stmt_done(s);
		if (rc || (rc = store_commit(st, e))) {
			store_rollback(st);
			return rc;
		}
		count++;
	}
	if (applied)
		*applied = count;
	return E_OK;
}
