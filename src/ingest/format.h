/* format.h: what an import format implements, and the services the import
 * engine (import.c) gives it: column lookup, identity resolution, batched
 * idempotent saves, bad-row reporting. One file per format. */
#ifndef ECRM_INGEST_FORMAT_H
#define ECRM_INGEST_FORMAT_H

#include "core/arena.h"
#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/returns.h"
#include "ingest/csv.h"
#include "ingest/import.h"

typedef struct import_ctx import_ctx;

typedef struct {
	const char *name;
	import_kind kind;
	/* How well `header` matches this format: 0 (not at all) to 100. */
	int (*detect)(const csv_row *header);
	/* Sets the format up from the header row; allocates its state with
	 * import_state_alloc. E_INVAL when a required column is missing. */
	status (*begin)(import_ctx *cx, const csv_row *header, err *e);
	/* Handles one data row. E_INVAL (via import_bad) marks the row bad and
	 * the import goes on; any other failure stops it. */
	status (*row)(import_ctx *cx, const csv_row *row, err *e);
	/* Flushes what is pending (e.g. the last order) at the end of the file. */
	status (*finish)(import_ctx *cx, err *e);
	/* Frees what the state points to (optional; the state itself is freed
	 * by the engine). Called however the import ended. */
	void (*release)(void *state);
	/* The format also reads whitespace-separated tables (no delimiter). */
	bool accepts_whitespace;
	/* import_order and import_return may save later (before the batch's
	 * commit), many at a time: for formats that never read o->id or r->id
	 * after saving. Saves one lookup round trip per order. */
	bool defer_saves;
} import_format;

/* --- services for formats --- */

/* Called from `begin` when the first row is data, not a header: the engine
 * then hands it to `row` as well. */
void import_first_row_is_data(import_ctx *cx);

const import_options *import_opts(import_ctx *cx);
/* Format-private state, zeroed, freed at the end of the import. */
void *import_state_alloc(import_ctx *cx, size_t size);
void *import_state(import_ctx *cx);
/* An arena cleared after every committed batch: for values that are saved
 * before the next row. */
arena *import_batch_arena(import_ctx *cx);

/* The 0-based index of the header column named like any of the
 * '|'-separated `names` (case-insensitive, spaces trimmed), after applying
 * --map "column=field" with field = the first of `names`; -1 when absent. */
int import_column(import_ctx *cx, const csv_row *header, const char *names);
/* The trimmed value of column `col` of `row` ("" when col < 0 or past the
 * end); *n gets its length. Borrowed for the duration of the row. */
const char *import_field(const csv_row *row, int col, size_t *n);

/* Marks the current row bad: column `col` (0-based, -1 for the whole row)
 * and a printf-style reason. Returns E_INVAL for `return import_bad(...)`. */
status import_bad(import_ctx *cx, int col, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* The same for a row read earlier (an order flushed after its last line):
 * `line` is that row's physical line. */
status import_bad_at(import_ctx *cx, int64_t line, int col, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

/* Parses a timestamp field with the import's date options. */
status import_time(import_ctx *cx, const char *s, size_t n, int64_t *out, err *e) MUST_CHECK;

/* Resolves the customer (external id, then email, then phone; merged
 * customers followed), creating or updating it; *id gets its id. */
status import_customer(import_ctx *cx, customer *c, int64_t *id, err *e) MUST_CHECK;
/* Creates or updates a product by SKU, once per import run; *id gets its id. */
status import_product(import_ctx *cx, product *p, int64_t *id, err *e) MUST_CHECK;
/* Saves an order with its lines (later, with defer_saves: then `o` is
 * copied, and a failure in the store is reported at the current line). */
status import_order(import_ctx *cx, order *o, err *e) MUST_CHECK;
/* Saves a cancellation, return or refund (later, as import_order). */
status import_return(import_ctx *cx, return_record *r, err *e) MUST_CHECK;
/* Consent columns: 1 for yes/true/subscribed..., 0 for no..., -1 otherwise. */
int import_parse_consent(const char *v, size_t n);
/* A comma-separated tag list as a JSON array of trimmed strings. */
const char *import_tags_json(arena *a, const char *v, size_t n);
/* Counts one cancellation or credit note (a document holding returns). */
void import_count_return_document(import_ctx *cx);
/* Counts `n` rows as belonging to a guest order. */
void import_count_guest_rows(import_ctx *cx, int64_t n);

/* The formats (uci.c, shopify.c ...), in detection order. */
extern const import_format import_format_uci;
extern const import_format import_format_transactions;
extern const import_format import_format_generic_customers;
extern const import_format import_format_shopify_orders;
extern const import_format import_format_shopify_customers;
extern const import_format import_format_woo_orders;
extern const import_format import_format_woo_customers;

#endif
