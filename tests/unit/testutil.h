/* testutil.h: what unit tests share: cmocka, temporary files, data paths,
 * and the store the tests run against (SQLite, or PostgreSQL). */
#ifndef ECRM_TESTUTIL_H
#define ECRM_TESTUTIL_H

#include "core/common.h"

#include <setjmp.h>
#include <cmocka.h>

/* A fresh temporary directory for this test process (removed at exit). */
const char *test_tmpdir(void);
/* A path inside test_tmpdir(); returns a static buffer rotated 8 ways. */
const char *test_tmpfile(const char *name);
/* The path of a file in ../shared/data (from $ECRM_DATA); fails the test
 * with a clear message when the data set is not there. */
const char *test_data(const char *relpath);
/* Which store the tests run against: "postgres" when ECRM_TEST_DB_URL (a
 * PostgreSQL server URL) or ECRM_TEST_DB_URL_FILE (a file holding one, as
 * tests/support/pg.sh writes) is set, else "sqlite". */
const char *test_store_kind(void);
/* The store URI of a fresh database called `name`; the same name gives the
 * same URI for the life of the process. SQLite: a file in test_tmpdir().
 * PostgreSQL: a database on the test server, named after this process and
 * `name`, created by store_open with STORE_CREATE and dropped at exit. */
const char *test_store_uri(const char *name);
/* Opens (creating and migrating) a store for the test named `name` with a
 * fixed personal-data key attached; fails the test when it cannot. */
struct store;
struct store *test_open_store(const char *name);

/* Closes `*st` (when not NULL) and opens test_open_store(name) in its place. */
void test_reopen_store(struct store **st, const char *name);

/* Two fixed, different personal-data keys, for tests of sealing and of key
 * rotation; the caller frees them (pii_keys_free). Fails the test when
 * they cannot be made. */
struct pii_keys;
void test_key_pair(struct pii_keys **a, struct pii_keys **b);

/* Personal fields are sealed in the database. So that checks can compare
 * them in plain SQL, test_open_copies makes temporary copies of customers
 * and orders (visible under the same names on this handle) with those
 * fields opened; test_drop_copies removes them. Never write in between. */
void test_open_copies(struct store *st);
void test_drop_copies(struct store *st);

/* Writes `text` to a new file in the temporary directory; returns its path. */
const char *test_write_file(const char *name, const char *text);
/* The whole of the file at `path` (up to 64 KiB; a longer one fails the
 * test), in a static buffer valid until the next call. */
const char *test_read_file(const char *path);
/* The first column of the first row of `sql` as an int64 (-1 when there is
 * no row); fails the test when the query does. */
int64_t test_query_int64(struct store *st, const char *sql);
/* Runs `sql` (statements without rows); fails the test when it fails. */
void test_exec(struct store *st, const char *sql);

#endif
