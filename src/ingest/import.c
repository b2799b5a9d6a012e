/* import.c: the import engine: format detection, the row loop with batched
 * transactions, bad-row reports, summary (the saves: import_save.c). */
#include "ingest/import_internal.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <jansson.h>

#include <strings.h>
#include <sys/stat.h>
#include <time.h>

static const import_format *const formats[] = {
	&import_format_uci,
	&import_format_transactions,
	&import_format_generic_customers,
	&import_format_shopify_orders,
	&import_format_shopify_customers,
	&import_format_woo_orders,
	&import_format_woo_customers,
};

/* The state (struct import_ctx) is in import_internal.h. */

void import_first_row_is_data(import_ctx *cx)
{
	cx->first_is_data = true;
}

const import_options *import_opts(import_ctx *cx)
{
	return cx->opt;
}

void *import_state_alloc(import_ctx *cx, size_t size)
{
	free(cx->state);
	cx->state = xcalloc(1, size);
	return cx->state;
}

void *import_state(import_ctx *cx)
{
	return cx->state;
}

arena *import_batch_arena(import_ctx *cx)
{
	return &cx->batch;
}

void import_count_return_document(import_ctx *cx)
{
	cx->sum->return_documents++;
}

void import_count_guest_rows(import_ctx *cx, int64_t n)
{
	cx->sum->guest_rows += n;
}

/* Trims spaces (and a BOM-free header's stray quotes are already gone). */
static const char *trimmed(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

static bool name_matches(const char *col, size_t coln, const char *name, size_t namen)
{
	col = trimmed(col, &coln);
	return coln == namen && strncasecmp(col, name, namen) == 0;
}

static int find_column(const csv_row *header, const char *name, size_t n)
{
	for (size_t i = 0; i < header->n; i++) {
		if (name_matches(header->field[i], header->len[i], name, n))
			return (int)i;
	}
	return -1;
}

int import_column(import_ctx *cx, const csv_row *header, const char *names)
{
	const char *bar = strchr(names, '|');
	size_t first = bar ? (size_t)(bar - names) : strlen(names);

	/* --map COLUMN=FIELD: the user names the column of one of our fields;
	 * COLUMN may be a header name or a 1-based column number. */
	for (size_t i = 0; i < cx->opt->n_maps; i++) {
		const char *m = cx->opt->maps[i], *eq = strrchr(m, '=');
		char *end;
		long num;
		if (!eq || strlen(eq + 1) != first || strncasecmp(eq + 1, names, first) != 0)
			continue;
		num = strtol(m, &end, 10);
		if (end == eq && num >= 1)
			return num <= (long)header->n ? (int)num - 1 : -1;
		return find_column(header, m, (size_t)(eq - m));
	}
	for (const char *p = names; *p;) {
		bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		int col = find_column(header, p, len);
		if (col >= 0)
			return col;
		p += len + (bar != NULL);
	}
	return -1;
}

const char *import_field(const csv_row *row, int col, size_t *n)
{
	if (col < 0 || (size_t)col >= row->n) {
		*n = 0;
		return "";
	}
	*n = row->len[col];
	return trimmed(row->field[col], n);
}

static void open_errors(import_ctx *cx)
{
	const char *path = cx->opt->errors_path;
	char buf[sizeof(cx->sum->errors_path)];

	if (cx->errors || (path && !*path))
		return;
	if (!path) {
		snprintf(buf, sizeof(buf), "%s.errors.csv",
			 strcmp(cx->opt->path, "-") == 0 ? "stdin" : cx->opt->path);
		path = buf;
	}
	if (!(cx->errors = fopen(path, "w"))) {
		if (cx->opt->report)
			fprintf(cx->opt->report, "ecrm: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	snprintf(cx->sum->errors_path, sizeof(cx->sum->errors_path), "%s", path);
	/* line, column, reason, then the row as it was, so it can be fixed and
	 * imported again. */
	fputs("line,column,reason", cx->errors);
	for (size_t i = 0; i < cx->n_header; i++) {
		fputc(',', cx->errors);
		csv_write_field(cx->errors, cx->header[i]);
	}
	fputc('\n', cx->errors);
}

static void report_bad(import_ctx *cx, int64_t line, int col, const csv_row *row, const char *fmt,
		       va_list ap)
{
	char reason[512], colname[160] = "";
	int max = cx->opt->max_reported ? cx->opt->max_reported : 20;

	vsnprintf(reason, sizeof(reason), fmt, ap);
	if (col >= 0 && (size_t)col < cx->n_header)
		snprintf(colname, sizeof(colname), " (%s)", cx->header[col]);
	cx->sum->rows_failed++;
	if (cx->opt->report && cx->reported < max)
		fprintf(cx->opt->report, "%s:%" PRId64 ":%d%s: %s\n", cx->opt->path, line,
			col >= 0 ? col + 1 : 0, colname, reason);
	cx->reported++;
	open_errors(cx);
	if (!cx->errors)
		return;
	fprintf(cx->errors, "%" PRId64 ",%d,", line, col >= 0 ? col + 1 : 0);
	csv_write_field(cx->errors, reason);
	for (size_t i = 0; row && i < row->n; i++) {
		fputc(',', cx->errors);
		csv_write_field(cx->errors, row->field[i]);
	}
	fputc('\n', cx->errors);
}

status import_bad(import_ctx *cx, int col, const char *fmt, ...)
{
	va_list ap;

	if (cx->cur_bad)
		return E_INVAL; /* one report per row */
	cx->cur_bad = true;
	va_start(ap, fmt);
	report_bad(cx, cx->cur ? cx->cur->line : 0, col, cx->cur, fmt, ap);
	va_end(ap);
	return E_INVAL;
}

status import_bad_at(import_ctx *cx, int64_t line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_bad(cx, line, col, NULL, fmt, ap);
	va_end(ap);
	return E_INVAL;
}

status import_time(import_ctx *cx, const char *s, size_t n, int64_t *out, err *e)
{
	if (cx->opt->date_format)
		return datetime_parse_format(s, n, cx->opt->date_format, out, e);
	return datetime_parse(s, n, cx->opt->date_order, out, e);
}


static status commit_batch(import_ctx *cx, err *e)
{
	status rc;

	/* The deferred saves live in the batch arena. */
	if ((rc = import_flush(cx, e)))
		return rc;
	cx->since_commit = 0;
	arena_clear(&cx->batch);
	/* A dry run stays in one transaction, rolled back at the end. */
	if (cx->opt->dry_run)
		return E_OK;
	if ((rc = store_commit(cx->st, e)))
		return rc;
	if (cx->opt->on_batch &&
	    (rc = cx->opt->on_batch(cx->opt->on_batch_user, cx->bytes, cx->sum, e)))
		return rc;
	if ((rc = store_begin(cx->st, e)))
		return rc;
	return E_OK;
}

static status on_row(void *user, const csv_row *row, err *e)
{
	import_ctx *cx = user;
	int64_t batch = cx->opt->batch_rows ? cx->opt->batch_rows : 20000;
	status rc;

	if (row->index == 0) {
		cx->header = xcalloc(row->n, sizeof(*cx->header));
		cx->n_header = row->n;
		for (size_t i = 0; i < row->n; i++)
			cx->header[i] = xstrdup(row->field[i]);
		if ((rc = cx->fmt->begin(cx, row, e)))
			return rc;
		if (!cx->first_is_data)
			return E_OK;
		for (size_t i = 0; i < row->n; i++) {
			free(cx->header[i]);
			cx->header[i] = xstrdup("");
		}
	}
	cx->sum->rows++;
	cx->cur = row;
	cx->cur_bad = false;
	rc = cx->fmt->row(cx, row, e);
	if (rc == E_INVAL) {
		if (!cx->cur_bad)
			import_bad(cx, -1, "%s", e->msg);
		rc = E_OK;
	}
	cx->cur = NULL;
	if (rc)
		return rc;
	progress_update(&cx->bar, row->bytes);
	cx->bytes = row->bytes;
	if (++cx->since_commit >= batch)
		return commit_batch(cx, e);
	return E_OK;
}

typedef struct {
	csv_row *out;
	arena *a;
} peek_ctx;

static status on_peek(void *user, const csv_row *row, err *e)
{
	peek_ctx *p = user;
	const char **f = arena_alloc(p->a, (row->n + 1) * sizeof(*f));
	size_t *len = arena_alloc(p->a, (row->n + 1) * sizeof(*len));

	(void)e;
	for (size_t i = 0; i < row->n; i++) {
		f[i] = arena_strndup(p->a, row->field[i], row->len[i]);
		len[i] = row->len[i];
	}
	*p->out = *row;
	p->out->field = f;
	p->out->len = len;
	return E_OK;
}

/* Reads the header row (or first row) of the file to choose the format. */
static status peek_first_row(const char *path, bool whitespace, csv_row *out, arena *a, err *e)
{
	csv_options o = { .whitespace = whitespace, .max_rows = 1 };
	peek_ctx p = { out, a };

	memset(out, 0, sizeof(*out));
	return csv_read(path, &o, on_peek, &p, e);
}

/* True when the first line has no delimiter but several space-separated
 * fields: a plain whitespace table such as CDNOW's. */
static bool looks_whitespace(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	bool ws = false;

	if (f && getline(&line, &cap, f) > 0) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		ws = !strpbrk(p, ",;|\"") && !strchr(p, '\t') && strchr(p, ' ');
	}
	free(line);
	if (f)
		fclose(f);
	return ws;
}

static status choose_format(import_ctx *cx, err *e)
{
	const char *want = cx->opt->format;
	csv_row header;
	arena a;
	int best = 0;
	status rc;

	if (want && *want && strcmp(want, "auto") != 0) {
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
			if (formats[i]->kind == cx->opt->kind && strcmp(formats[i]->name, want) == 0)
				cx->fmt = formats[i];
		}
		if (!cx->fmt)
			return err_set(e, E_INVAL, "--format: '%s' is not one of auto, %s", want,
				       import_format_names(cx->opt->kind));
		return E_OK;
	}
	if (strcmp(cx->opt->path, "-") == 0)
		return err_set(e, E_INVAL, "standard input needs --format (one of %s)",
			       import_format_names(cx->opt->kind));
	arena_init(&a, 0);
	if ((rc = peek_first_row(cx->opt->path, cx->whitespace, &header, &a, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		int score;
		if (formats[i]->kind != cx->opt->kind ||
		    (cx->whitespace && !formats[i]->accepts_whitespace))
			continue;
		if ((score = formats[i]->detect(&header)) > best) {
			best = score;
			cx->fmt = formats[i];
		}
	}
	if (!cx->fmt)
		rc = err_set(e, E_INVAL,
			     "%s: the header does not look like any known %s format (%s); "
			     "give --format and --map COLUMN=FIELD",
			     cx->opt->path, cx->opt->kind == IMPORT_ORDERS ? "orders" : "customers",
			     import_format_names(cx->opt->kind));
out:
	arena_release(&a);
	return rc;
}

const char *import_format_names(import_kind kind)
{
	static char names[2][256];
	char *buf = names[kind == IMPORT_CUSTOMERS];

	if (!buf[0]) {
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
			if (formats[i]->kind != kind)
				continue;
			if (sb.len)
				strbuf_adds(&sb, ", ");
			strbuf_adds(&sb, formats[i]->name);
		}
		snprintf(buf, sizeof(names[0]), "%s", sb.buf);
		strbuf_release(&sb);
	}
	return buf;
}

status import_run(store *st, const import_options *opt, import_summary *sum, err *e)
{
	import_ctx cx = { .st = st, .opt = opt, .sum = sum };
	csv_options copt = { 0 };
	struct timespec t0, t1;
	struct stat sb;
	err off;
	status rc;

	memset(sum, 0, sizeof(*sum));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err_clear(e);
	cx.whitespace = strcmp(opt->path, "-") != 0 && looks_whitespace(opt->path);
	if ((rc = choose_format(&cx, e)))
		return rc;
	snprintf(sum->format, sizeof(sum->format), "%s", cx.fmt->name);
	if (cx.whitespace && !cx.fmt->accepts_whitespace)
		return err_set(e, E_INVAL, "%s: fields are separated by spaces, which the %s format "
			       "does not read", opt->path, cx.fmt->name);
	copt.whitespace = cx.whitespace;
	arena_init(&cx.batch, 0);
	strmap_init(&cx.customers, 200000);
	strmap_init(&cx.products, 500000);
	strmap_init(&cx.orders, 0);
	strmap_init(&cx.touched, 0);
	strmap_init(&cx.pend_return_ids, 0);
	progress_init_opts(&cx.bar, opt->report ? opt->report : stderr, opt->path,
			   stat(opt->path, &sb) == 0 ? (int64_t)sb.st_size : 0,
			   opt->progress && opt->report, &(progress_opts){ .unit = "bytes" });
	if ((rc = store_bulk_mode(st, true, e)))
		goto out;
	if ((rc = store_begin(st, e)))
		goto bulk;
	rc = csv_read(opt->path, &copt, on_row, &cx, e);
	if (rc == E_OK && cx.header && cx.fmt->finish)
		rc = cx.fmt->finish(&cx, e);
	if (rc == E_OK)
		rc = import_flush(&cx, e);
	if (rc == E_OK && !cx.header)
		rc = err_set(e, E_INVAL, "%s: the file is empty", opt->path);
	if (rc || opt->dry_run)
		store_rollback(st);
	else
		rc = store_commit(st, e);
	progress_finish(&cx.bar);
bulk:
	/* Leaving bulk mode also settles a commit the store deferred. */
	if (store_bulk_mode(st, false, &off)) {
		if (rc == E_OK) {
			*e = off;
			rc = off.code;
		} else {
			/* committed rows were lost too: say so beside the first error */
			log_error("import: %s", off.msg);
		}
	}
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sum->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (cx.errors)
		fclose(cx.errors);
	if (opt->report && cx.reported > (opt->max_reported ? opt->max_reported : 20))
		fprintf(opt->report, "... %d more bad rows: see %s\n",
			cx.reported - (opt->max_reported ? opt->max_reported : 20), sum->errors_path);
	for (size_t i = 0; i < cx.n_header; i++)
		free(cx.header[i]);
	free(cx.header);
	if (cx.state && cx.fmt->release)
		cx.fmt->release(cx.state);
	free(cx.state);
	strmap_release(&cx.customers);
	strmap_release(&cx.products);
	strmap_release(&cx.orders);
	strmap_release(&cx.touched);
	strmap_release(&cx.pend_return_ids);
	free(cx.pend_orders);
	free(cx.pend_returns);
	free(cx.pend_customers);
	free(cx.pend_products);
	free(cx.refs);
	arena_release(&cx.batch);
	return rc;
}

void import_print_summary(FILE *out, const import_summary *s, bool json)
{
	if (json) {
		const struct {
			const char *name;
			int64_t v;
		} f[] = {
			{ "rows", s->rows },
			{ "rows_failed", s->rows_failed },
			{ "customers_new", s->customers_new },
			{ "customers_updated", s->customers_updated },
			{ "customers_unchanged", s->customers_unchanged },
			{ "products_new", s->products_new },
			{ "products_updated", s->products_updated },
			{ "orders_new", s->orders_new },
			{ "orders_updated", s->orders_updated },
			{ "orders_unchanged", s->orders_unchanged },
			{ "guest_orders", s->guest_orders },
			{ "guest_rows", s->guest_rows },
			{ "items", s->items },
			{ "returns_new", s->returns_new },
			{ "returns_updated", s->returns_updated },
			{ "returns_unchanged", s->returns_unchanged },
			{ "return_documents", s->return_documents },
		};
		fprintf(out, "{\"format\":\"%s\"", s->format);
		for (size_t i = 0; i < ARRAY_SIZE(f); i++)
			fprintf(out, ",\"%s\":%" PRId64, f[i].name, f[i].v);
		fprintf(out, ",\"seconds\":%.3f", s->seconds);
		if (s->errors_path[0]) {
			json_t *path = json_string(s->errors_path);
			fputs(",\"errors_file\":", out);
			json_dumpf(path, out, JSON_ENCODE_ANY);
			json_decref(path);
		}
		fputs("}\n", out);
		return;
	}
	fprintf(out, "format        %s\n", s->format);
	fprintf(out, "rows          %" PRId64 " read, %" PRId64 " bad, in %.2f s (%.0f rows/s)\n",
		s->rows, s->rows_failed, s->seconds, s->seconds > 0 ? (double)s->rows / s->seconds : 0);
	fprintf(out, "customers     %" PRId64 " new, %" PRId64 " updated, %" PRId64 " unchanged\n",
		s->customers_new, s->customers_updated, s->customers_unchanged);
	fprintf(out, "products      %" PRId64 " new, %" PRId64 " updated\n", s->products_new,
		s->products_updated);
	fprintf(out, "orders        %" PRId64 " new, %" PRId64 " updated, %" PRId64
		     " unchanged; %" PRId64 " guest orders (%" PRId64 " rows)\n",
		s->orders_new, s->orders_updated, s->orders_unchanged, s->guest_orders,
		s->guest_rows);
	fprintf(out, "order lines   %" PRId64 "\n", s->items);
	fprintf(out, "returns       %" PRId64 " new, %" PRId64 " updated, %" PRId64
		     " unchanged, in %" PRId64 " documents\n",
		s->returns_new, s->returns_updated, s->returns_unchanged, s->return_documents);
	if (s->errors_path[0])
		fprintf(out, "bad rows      written to %s\n", s->errors_path);
}
