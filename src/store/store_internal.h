/* store_internal.h: what a backend implements. Only src/store/ includes it. */
#ifndef ECRM_STORE_INTERNAL_H
#define ECRM_STORE_INTERNAL_H

#include "store/db.h"

typedef struct store_ops {
	const char *name; /* "sqlite", "postgres": also the migrations folder */
	/* `target` is the URI with any scheme prefix the backend asked for. */
	status (*open)(const char *target, int flags, store **out, err *e);
	void (*close)(store *st);
	status (*exec)(store *st, const char *sql, err *e);
	status (*begin)(store *st, bool write, err *e);
	/* Read transactions on two handles of this backend seeing one state
	 * (db.h, store_begin_read_pair); on failure neither is open. */
	status (*begin_read_pair)(store *a, store *b, err *e);
	status (*commit)(store *st, err *e);
	void (*rollback)(store *st);
	int64_t (*changes)(store *st);
	status (*bulk_mode)(store *st, bool on, err *e);
	bool bulk_batches; /* db.h, store_bulk_batches */
	status (*bulk_send)(store *st, err *e); /* NULL: nothing is held back */

	status (*prepare)(store *st, const char *sql, stmt **out, err *e);
	void (*finalize)(stmt *s);
	void (*reset)(stmt *s); /* ready to run again, bindings cleared */
	status (*bind_int64)(stmt *s, int idx, int64_t v);
	status (*bind_double)(stmt *s, int idx, double v);
	status (*bind_text)(stmt *s, int idx, const char *v, size_t n);
	status (*bind_blob)(stmt *s, int idx, const void *v, size_t n);
	status (*bind_null)(stmt *s, int idx);
	/* db.h, stmt_send; NULL: a statement runs at its first step. */
	void (*send)(stmt *s);
	/* 1: a row is ready; 0: done; -1: error in `e`. */
	int (*step)(stmt *s, err *e);
	int (*columns)(stmt *s);
	const char *(*column_name)(stmt *s, int col);
	bool (*column_null)(stmt *s, int col);
	int64_t (*column_int64)(stmt *s, int col);
	double (*column_double)(stmt *s, int col);
	const char *(*column_text)(stmt *s, int col);
	const void *(*column_blob)(stmt *s, int col, size_t *n);
} store_ops;

#define STORE_CACHE_SLOTS 256

/* The part of every backend's store handle that store.c owns. */
struct store {
	const store_ops *ops;
	int txn_depth;
	bool txn_failed; /* an inner level rolled back: the outer commit must fail */
	const struct pii_keys *keys; /* borrowed; see store_set_keys */
	stmt *cache[STORE_CACHE_SLOTS]; /* open addressing on the SQL pointer */
};

/* The part of every backend's statement that store.c owns. */
struct stmt {
	store *st;
	const char *sql; /* the caller's text (cache key) */
	bool cached;     /* lives in st->cache; stmt_done resets, not finalizes */
	bool in_use;
	bool started;    /* stmt_row was called since the last reset */
	bool scan;       /* taken by store_prepare_scan */
	err bind_err;    /* first failed bind since the last reset */
};

extern const store_ops store_sqlite_ops;
extern const store_ops store_postgres_ops;

#endif
