/* import.h: importing a shop's history from CSV files: orders (with their
 * customers, products and cancellations) and customer lists, in the shop
 * platforms' own export formats. Streaming, in batches, idempotent:
 * external ids are the keys, so importing a file twice changes nothing and
 * an updated file updates what changed. Bad rows are reported (line,
 * column, reason) on the terminal and in FILE.errors.csv; good rows are kept. */
#ifndef ECRM_INGEST_IMPORT_H
#define ECRM_INGEST_IMPORT_H

#include "core/config.h"
#include "core/datetime.h"
#include "store/db.h"

typedef enum { IMPORT_ORDERS, IMPORT_CUSTOMERS } import_kind;

struct import_summary;

typedef struct {
	import_kind kind;
	const char *path;             /* "-" for standard input */
	const char *format;           /* NULL or "auto": detect from the header */
	bool dry_run;                 /* validate and count, write nothing */
	const char *const *maps;      /* "column=field" pairs (--map) */
	size_t n_maps;
	date_order date_order;        /* for ambiguous numeric dates */
	const char *date_format;      /* an explicit layout (datetime_parse_format) */
	const char *currency;         /* when the file does not say (default GBP) */
	const char *region;           /* ISO country for national phone numbers */
	const char *errors_path;      /* NULL: PATH.errors.csv; "": none */
	FILE *report;                 /* bad rows and progress (NULL: quiet) */
	bool progress;                /* draw a progress bar on `report` */
	int64_t batch_rows;           /* rows per transaction (0: 20000) */
	int max_reported;             /* bad rows printed on `report` (0: 20) */
	/* Called after each committed batch, outside any transaction (so it may
	 * write with the same store handle; never during a dry run, which is
	 * one transaction): bytes of the file read so far and the counts. A
	 * non-OK status stops the import. May be NULL. */
	status (*on_batch)(void *user, int64_t bytes_done, const struct import_summary *sum,
			   err *e);
	void *on_batch_user;
} import_options;

/* Sets what ecrm.conf's [import] section says: currency, region,
 * date_order (default mdy) and batch_rows (default `batch_rows`). E_INVAL
 * naming the key when a value is not valid. */
status import_options_configure(import_options *opt, const config *cfg, int64_t batch_rows,
				err *e) MUST_CHECK;

typedef struct import_summary {
	char format[32];
	int64_t rows;          /* data rows read (header excluded) */
	int64_t rows_failed;   /* rows reported as bad */
	int64_t customers_new, customers_updated, customers_unchanged;
	int64_t products_new, products_updated;
	int64_t orders_new, orders_updated, orders_unchanged;
	int64_t guest_orders;  /* orders without a customer (new or not) */
	int64_t guest_rows;    /* rows that belong to a guest order */
	int64_t items;         /* order lines read */
	int64_t returns_new, returns_updated, returns_unchanged;
	int64_t return_documents; /* cancellation/credit notes the returns came in */
	double seconds;
	char errors_path[512]; /* where bad rows were written; "" when none */
} import_summary;

/* Runs the import described by `opt`; fills `sum` even on failure. A bad row
 * is not a failure; a store or file failure stops the import (batches
 * committed before stay: running it again completes it). */
status import_run(store *st, const import_options *opt, import_summary *sum,
		  err *e) MUST_CHECK;

/* Prints the summary in a few readable lines (or one flat JSON object:
 * customers_new, orders_unchanged ...). */
void import_print_summary(FILE *out, const import_summary *sum, bool json);

/* The names of the formats for `kind`, comma separated (for help text). */
const char *import_format_names(import_kind kind);

#endif
