/* import_harness.h: what the import tests (tests/unit/ingest) share: a file
 * imported into the test's store, and the store's record counts. */
#ifndef ECRM_TESTS_IMPORT_HARNESS_H
#define ECRM_TESTS_IMPORT_HARNESS_H

#include "testutil.h"
#include "domain/stats.h"
#include "ingest/import.h"

/* Imports the file at `path` into `st` as `kind` in `format` (NULL:
 * detected) with the default options; returns import_run's summary. Fails
 * the test, naming the file, when the import fails (bad rows are no
 * failure: they are counted in the summary). */
import_summary import_harness_run(store *st, import_kind kind, const char *path,
				  const char *format);
/* The record counts of `st`; fails the test when they cannot be read. */
shop_stats import_harness_stats(store *st);

#endif
