/* store.c: the backend-independent half of the store API: backend choice by
 * URI, the prepared-statement cache, nested transactions and bind errors. */
#include "store/store_internal.h"

static const struct {
	const char *prefix;
	const store_ops *ops;
	bool strip; /* pass the URI without the prefix */
} backends[] = {
	{ "sqlite:", &store_sqlite_ops, true },
	{ "postgresql://", &store_postgres_ops, false },
	{ "postgres://", &store_postgres_ops, false },
	{ "postgres:", &store_postgres_ops, true }, /* "postgres:host=... dbname=..." */
};

status store_open(const char *uri, int flags, store **out, err *e)
{
	const store_ops *ops = &store_sqlite_ops;
	const char *target = uri;
	status rc;

	*out = NULL;
	if (!uri || !*uri)
		return err_set(e, E_INVAL, "no database given: use --db PATH or set ECRM_DB");
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		size_t n = strlen(backends[i].prefix);
		if (strncmp(uri, backends[i].prefix, n) != 0)
			continue;
		ops = backends[i].ops;
		target = backends[i].strip ? uri + n : uri;
		break;
	}
	if ((rc = ops->open(target, flags, out, e)))
		return rc;
	if (!(flags & STORE_NO_MIGRATE) && (rc = store_migrate(*out, NULL, e))) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}

void store_close(store *st)
{
	if (!st)
		return;
	if (st->txn_depth)
		store_rollback(st);
	for (size_t i = 0; i < STORE_CACHE_SLOTS; i++) {
		if (st->cache[i])
			st->ops->finalize(st->cache[i]);
	}
	st->ops->close(st);
}

const char *store_backend(const store *st)
{
	return st->ops->name;
}

status store_exec(store *st, const char *sql, err *e)
{
	return st->ops->exec(st, sql, e);
}

static status begin(store *st, bool write, err *e)
{
	status rc;

	if (st->txn_depth++ > 0)
		return E_OK;
	st->txn_failed = false;
	if ((rc = st->ops->begin(st, write, e)))
		st->txn_depth = 0;
	return rc;
}

status store_begin(store *st, err *e)
{
	return begin(st, true, e);
}

status store_begin_read(store *st, err *e)
{
	return begin(st, false, e);
}

status store_begin_read_pair(store *a, store *b, err *e)
{
	status rc;

	if (a == b || a->ops != b->ops)
		return err_set(e, E_INTERNAL, "a read pair needs two handles of one backend");
	if (a->txn_depth || b->txn_depth)
		return err_set(e, E_INTERNAL, "a read pair begun inside a transaction");
	if ((rc = a->ops->begin_read_pair(a, b, e)))
		return rc;
	a->txn_depth = b->txn_depth = 1;
	a->txn_failed = b->txn_failed = false;
	return E_OK;
}

status store_commit(store *st, err *e)
{
	if (st->txn_depth == 0)
		return err_set(e, E_INTERNAL, "commit without a transaction");
	if (--st->txn_depth > 0)
		return E_OK;
	if (st->txn_failed) {
		st->ops->rollback(st);
		return err_set(e, E_DB, "transaction rolled back by an inner failure");
	}
	return st->ops->commit(st, e);
}

void store_rollback(store *st)
{
	if (st->txn_depth == 0)
		return;
	if (--st->txn_depth > 0) {
		st->txn_failed = true;
		return;
	}
	st->ops->rollback(st);
}

status store_end(store *st, status rc, err *e)
{
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, e);
}

bool store_in_transaction(const store *st)
{
	return st->txn_depth > 0;
}

status store_bulk_mode(store *st, bool on, err *e)
{
	if (st->txn_depth)
		return err_set(e, E_INTERNAL, "bulk mode switched inside a transaction");
	return st->ops->bulk_mode(st, on, e);
}

bool store_bulk_batches(const store *st)
{
	return st->ops->bulk_batches;
}

status store_bulk_send(store *st, err *e)
{
	return st->ops->bulk_send ? st->ops->bulk_send(st, e) : E_OK;
}

void store_set_keys(store *st, const struct pii_keys *keys)
{
	st->keys = keys;
}

const struct pii_keys *store_keys(const store *st)
{
	return st->keys;
}

int64_t store_changes(store *st)
{
	return st->ops->changes(st);
}

static size_t slot_of(const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 24) % STORE_CACHE_SLOTS;
}

static void stmt_clear(stmt *s)
{
	s->started = false;
	err_clear(&s->bind_err);
}

status store_prepare(store *st, const char *sql, stmt **out, err *e)
{
	size_t slot = slot_of(sql), free_slot = SIZE_MAX;
	status rc;
	stmt *s;

	for (size_t i = 0; i < 8; i++) {
		size_t k = (slot + i) % STORE_CACHE_SLOTS;
		s = st->cache[k];
		if (!s) {
			if (free_slot == SIZE_MAX)
				free_slot = k;
			break;
		}
		if (s->sql == sql && !s->in_use) {
			s->in_use = true;
			s->scan = false;
			stmt_clear(s);
			*out = s;
			return E_OK;
		}
	}
	if ((rc = st->ops->prepare(st, sql, &s, e))) {
		*out = NULL;
		return rc;
	}
	s->st = st;
	s->sql = sql;
	s->in_use = true;
	s->scan = false;
	s->cached = free_slot != SIZE_MAX;
	if (s->cached)
		st->cache[free_slot] = s;
	stmt_clear(s);
	*out = s;
	return E_OK;
}

status store_prepare_scan(store *st, const char *sql, stmt **out, err *e)
{
	status rc = store_prepare(st, sql, out, e);

	if (!rc)
		(*out)->scan = true;
	return rc;
}

void stmt_done(stmt *s)
{
	if (!s)
		return;
	if (!s->cached) {
		s->st->ops->finalize(s);
		return;
	}
	s->st->ops->reset(s);
	s->in_use = false;
	stmt_clear(s);
}

void stmt_reset(stmt *s)
{
	s->st->ops->reset(s);
	stmt_clear(s);
}

static void bind_result(stmt *s, int idx, status rc)
{
	if (rc && s->bind_err.code == E_OK)
		err_set(&s->bind_err, rc, "cannot bind parameter $%d of: %.120s", idx, s->sql);
}

void stmt_bind_int64(stmt *s, int idx, int64_t v)
{
	bind_result(s, idx, s->st->ops->bind_int64(s, idx, v));
}

void stmt_bind_double(stmt *s, int idx, double v)
{
	bind_result(s, idx, s->st->ops->bind_double(s, idx, v));
}

void stmt_bind_text(stmt *s, int idx, const char *v)
{
	if (!v)
		stmt_bind_null(s, idx);
	else
		stmt_bind_textn(s, idx, v, strlen(v));
}

void stmt_bind_textn(stmt *s, int idx, const char *v, size_t n)
{
	if (!v)
		stmt_bind_null(s, idx);
	else
		bind_result(s, idx, s->st->ops->bind_text(s, idx, v, n));
}

void stmt_bind_blob(stmt *s, int idx, const void *v, size_t n)
{
	bind_result(s, idx, s->st->ops->bind_blob(s, idx, v, n));
}

void stmt_bind_null(stmt *s, int idx)
{
	bind_result(s, idx, s->st->ops->bind_null(s, idx));
}

void stmt_bind_opt_int64(stmt *s, int idx, int64_t v, bool is_null)
{
	if (is_null)
		stmt_bind_null(s, idx);
	else
		stmt_bind_int64(s, idx, v);
}

bool stmt_row(stmt *s, err *e)
{
	int r;

	if (!s->started) {
		s->started = true;
		err_clear(e);
		if (s->bind_err.code) {
			*e = s->bind_err;
			return false;
		}
	}
	r = s->st->ops->step(s, e);
	if (r < 0 && s->st->txn_depth > 1)
		s->st->txn_failed = true;
	return r > 0;
}

void stmt_send(stmt *s)
{
	if (s->st->ops->send && !s->started && s->bind_err.code == E_OK)
		s->st->ops->send(s);
}

status stmt_exec(stmt *s, err *e)
{
	while (stmt_row(s, e))
		;
	return e->code;
}

int stmt_columns(stmt *s)
{
	return s->st->ops->columns(s);
}

const char *stmt_column_name(stmt *s, int col)
{
	return s->st->ops->column_name(s, col);
}

bool stmt_null(stmt *s, int col)
{
	return s->st->ops->column_null(s, col);
}

int64_t stmt_int64(stmt *s, int col)
{
	return s->st->ops->column_int64(s, col);
}

double stmt_double(stmt *s, int col)
{
	return s->st->ops->column_double(s, col);
}

const char *stmt_text(stmt *s, int col)
{
	return s->st->ops->column_text(s, col);
}

const void *stmt_blob(stmt *s, int col, size_t *n)
{
	return s->st->ops->column_blob(s, col, n);
}

status store_query_int64(store *st, const char *sql, int64_t *out, err *e, int nparams, ...)
{
	va_list ap;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	va_start(ap, nparams);
	for (int i = 1; i <= nparams; i++)
		stmt_bind_int64(s, i, va_arg(ap, int64_t));
	va_end(ap);
	if (stmt_row(s, e))
		*out = stmt_int64(s, 0);
	else if (e->code == E_OK)
		err_set(e, E_NOTFOUND, "no row");
	rc = e->code;
	stmt_done(s);
	return rc;
}
