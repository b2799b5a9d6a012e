/* import_internal.h: what the import engine's files share: the state of
 * one run (import.c: the row loop, reports, summary; import_save.c:
 * identity resolution and the deferred, set-based saves). Only
 * src/ingest/import*.c include it. */
#ifndef ECRM_INGEST_IMPORT_INTERNAL_H
#define ECRM_INGEST_IMPORT_INTERNAL_H

#include "core/progress.h"
#include "core/strmap.h"
#include "ingest/format.h"

/* Deferred saves are looked up and written this many at a time. */
#define PENDING_MAX 1024

typedef struct {
	order o;
	int64_t line;
} pending_order;

typedef struct {
	return_record r;
	int64_t line;
} pending_return;

/* A customer or product whose save waits for import_flush, and the
 * reference (see ref_new) handed out for its id. */
typedef struct {
	customer c;
	int64_t ref;
} pending_customer;

typedef struct {
	product p;
	int64_t ref;
} pending_product;

struct import_ctx {
	store *st;
	const import_options *opt;
	import_summary *sum;
	const import_format *fmt;
	void *state;
	arena batch;
	strmap customers; /* record content -> id: a record seen this run */
	strmap products;  /* sku -> id: products saved this run */
	strmap orders;    /* external id -> lines saved this run */
	strmap touched;   /* customer id (decimal) -> 1: saved once this run */
	/* Saves waiting for import_flush (formats with defer_saves), copied
	 * into the batch arena, with the line each was read at. */
	pending_order *pend_orders;
	size_t n_pend_orders, cap_pend_orders;
	pending_return *pend_returns;
	size_t n_pend_returns, cap_pend_returns;
	strmap pend_return_ids; /* external id -> 1 for pend_returns */
	pending_customer *pend_customers;
	size_t n_pend_customers, cap_pend_customers;
	pending_product *pend_products;
	size_t n_pend_products, cap_pend_products;
	/* With defer_saves, customers and products are saved at import_flush
	 * too; until then their ids are references: -(k + 1) for refs[k],
	 * which import_flush fills with the real id. A reference stays valid
	 * for the whole run (formats keep ids across rows, and the caches map
	 * keys to them). */
	int64_t *refs;
	size_t n_refs, cap_refs;
	char **header;    /* header names, for messages */
	size_t n_header;
	const csv_row *cur;
	bool cur_bad;
	int64_t since_commit;
	FILE *errors;
	progress bar;
	int reported;
	bool first_is_data;
	bool whitespace; /* the file is a whitespace-separated table */
	int64_t bytes;	 /* of the file read so far */
};

/* Saves what waits (formats with defer_saves): products and customers,
 * then orders and returns, reading what the store holds of them
 * set-based; then lets the store write on while the next chunk is read
 * (store_bulk_send). Before a commit and before anything that reads what
 * may be waiting. */
status import_flush(import_ctx *cx, err *e) MUST_CHECK;

#endif
