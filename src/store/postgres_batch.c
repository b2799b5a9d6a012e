/* postgres_batch.c: bulk mode's batched inserts. A round trip and an
 * executor start per INSERT is most of what an import costs on PostgreSQL.
 * In bulk mode, inside a transaction, stmt_exec of a plain
 * `INSERT INTO t (c1, ..., ck) VALUES ($a, ...), ...` only gathers its rows;
 * before anything else uses the connection (another statement, commit)
 * they are sent: a batch of many rows as `COPY t (c1, ..., ck) FROM STDIN`
 * (skipping the executor's per-row work), a batch of a few as one
 * multi-row INSERT of parameters sent in the same round trip as the query
 * that needs the connection (pipeline mode, which COPY cannot join).
 * Statements with the same column list share a batch, so an order's lines
 * inserted 8 per statement and then one by one make one batch. Nothing
 * else runs in between, so every statement still sees the rows inserted
 * before it; what changes is when a failure shows: at the statement or
 * commit that sends the batch (db.h, store_bulk_mode).
 * COPY fires the same triggers as INSERT, statement triggers with their
 * transition tables included.
 *
 * Where every column is a number, a boolean or text, the rows are held in
 * PostgreSQL's binary form (COPY's binary format; the same bytes go as
 * binary parameters): a double is its 8 bytes, with no text to write here
 * (%.17g is most of the CPU of writing a million customers' scores) nor to
 * parse there. Otherwise, or for a value with no binary form here, the
 * batch holds text, which the server reads with the column's input
 * function as it reads a bound parameter. */
#include "store/postgres_internal.h"
#include "core/number.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <math.h>

/* A batch is sent when it reaches this many rows or bytes (an import
 * chunk's order lines fit, so they go in one COPY that store_bulk_send
 * need not wait for). */
#define BATCH_ROWS  50000
#define BATCH_BYTES (8u << 20)
/* From this many rows a batch goes by COPY: below, the round trip COPY
 * adds (the server must answer the COPY command before data may follow)
 * costs more than the executor work it saves. */
#define COPY_MIN_ROWS 128
/* COPY data goes to libpq in pieces of about this size. */
#define COPY_CHUNK (256u << 10)
/* A value that is NULL (in pg_batch.off). */
#define NULL_VALUE SIZE_MAX

struct pg_batch {
	char *table;  /* as the statements name it */
	char *prefix; /* "INSERT INTO t (c1, ..., ck)" as the statements write it */
	int k;	      /* columns the statements give */
	bool with_id; /* RETURNING id: ids drawn ahead from the table's sequence */
	Oid *types;   /* types of the k columns' parameters */
	/* The values, row after row: each text ended by a NUL or, when
	 * `binary`, each binary form after its length (4 bytes, big-endian). */
	strbuf vals;
	bool binary;
	size_t *off; /* where each value starts in vals (NULL_VALUE: NULL) */
	size_t noff, capoff;
	int64_t rows;
	uint64_t opened; /* when its first unsent row came; 0: nothing to send */
	bool looked_up;	 /* seq and parents below are known */
	char *seq;	 /* with_id: the id column's sequence */
	char *parents;	 /* ",a,b,": tables its foreign keys point to */
	int64_t *ids;	 /* with_id: ids drawn ahead, next_id the next to give */
	size_t nids, next_id;
};

/* Types whose text form goes in a batch (pg_type.dat; with their array
 * types, from when batches were unnest arrays): anything else runs
 * statement by statement. */
static const struct {
	Oid type, array;
} arrays[] = {
	{ 16, 1000 },	/* bool */
	{ 20, 1016 },	/* int8 */
	{ 21, 1005 },	/* int2 */
	{ 23, 1007 },	/* int4 */
	{ 25, 1009 },	/* text */
	{ 114, 199 },	/* json */
	{ 700, 1021 },	/* float4 */
	{ 701, 1022 },	/* float8 */
	{ 1042, 1014 }, /* bpchar */
	{ 1043, 1015 }, /* varchar */
	{ 1700, 1231 }, /* numeric */
	{ 3802, 3807 }, /* jsonb */
};

static Oid array_of(Oid type)
{
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
		if (arrays[i].type == type)
			return arrays[i].array;
	}
	return 0;
}

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Matches keyword `kw` (any case) at p, followed by a non-word byte. */
static const char *keyword(const char *p, const char *kw)
{
	size_t n = strlen(kw);

	if (strncasecmp(p, kw, n) != 0 || isalnum((unsigned char)p[n]) || p[n] == '_')
		return NULL;
	return p + n;
}

void store_pg_parse_insert(const char *sql, pg_insert *out)
{
	const char *p = skip_ws(sql), *q, *table;
	int k = 1, rows = 0;
	size_t cap = 0;
	int *map = NULL;
	bool has_id = false;

	memset(out, 0, sizeof(*out));
	if (!(p = keyword(p, "INSERT")) || !(p = keyword(skip_ws(p), "INTO")))
		return;
	table = p = skip_ws(p);
	for (q = p; isalnum((unsigned char)*q) || *q == '_' || *q == '.'; q++)
		;
	if (q == p || (size_t)(q - p) >= sizeof(out->table) || *(p = skip_ws(q)) != '(')
		return;
	memcpy(out->table, table, (size_t)(q - table));
	/* The column list: plain names only. */
	for (p++; *p && *p != ')'; p++) {
		if (*p == ',')
			k++;
		else if (!isalnum((unsigned char)*p) && *p != '_' && !isspace((unsigned char)*p))
			return;
		if (keyword(p, "id") &&
		    (p[-1] == '(' || p[-1] == ',' || isspace((unsigned char)p[-1])))
			has_id = true;
	}
	if (*p != ')')
		return;
	out->prefix_len = (size_t)(p + 1 - sql);
	if (!(p = keyword(skip_ws(p + 1), "VALUES")))
		return;
	for (;;) {
		p = skip_ws(p);
		if (*p != '(')
			goto fail;
		for (int c = 0; c < k; c++) {
			long n;
			p = skip_ws(p + 1);
			if (*p != '$' || !isdigit((unsigned char)p[1]))
				goto fail;
			n = strtol(p + 1, (char **)&p, 10);
			if (n < 1 || n > 65535)
				goto fail;
			map = xgrow(map, &cap, (size_t)(rows * k + c + 1), sizeof(*map));
			map[rows * k + c] = (int)n - 1;
			p = skip_ws(p);
			if (*p != (c == k - 1 ? ')' : ','))
				goto fail;
		}
		rows++;
		p = skip_ws(p + 1);
		if (*p != ',')
			break;
		p++;
	}
	/* RETURNING id of one new row: the id is drawn ahead (see batch_exec). */
	if ((q = keyword(p, "RETURNING"))) {
		if (rows != 1 || has_id || !(q = keyword(skip_ws(q), "id")))
			goto fail;
		out->returning_id = true;
		p = skip_ws(q);
	}
	if (*p == ';')
		p = skip_ws(p + 1);
	if (*p)
		goto fail;
	out->k = k;
	out->rows = rows;
	out->param = map;
	return;
fail:
	free(map);
	memset(out, 0, sizeof(*out));
}

static pg_batch *batch_new(const pg_stmt *s)
{
	pg_batch *b = xcalloc(1, sizeof(*b));

	b->table = xstrdup(s->shape.table);
	b->prefix = xstrndup(s->base.sql, s->shape.prefix_len);
	b->k = s->shape.k;
	b->with_id = s->shape.returning_id;
	b->types = xmalloc((size_t)b->k * sizeof(*b->types));
	for (int c = 0; c < b->k; c++)
		b->types[c] = s->types[s->shape.param[c]];
	strbuf_init(&b->vals, 0);
	return b;
}

static void batch_free(pg_batch *b)
{
	if (!b)
		return;
	strbuf_release(&b->vals);
	free(b->off);
	free(b->types);
	free(b->prefix);
	free(b->table);
	free(b->seq);
	free(b->parents);
	free(b->ids);
	free(b);
}

/* The batch for statement `s`: same column list, same types, same
 * RETURNING. NULL when all slots hold rows not sent yet. */
static pg_batch *batch_for(pg_store *ps, const pg_stmt *s)
{
	for (int i = 0; i < ps->nbatches; i++) {
		pg_batch *b = ps->batches[i];
		bool same = b->k == s->shape.k && b->with_id == s->shape.returning_id &&
			    strlen(b->prefix) == s->shape.prefix_len &&
			    strncmp(b->prefix, s->base.sql, s->shape.prefix_len) == 0;
		for (int c = 0; same && c < b->k; c++)
			same = b->types[c] == s->types[s->shape.param[c]];
		if (same)
			return b;
	}
	if (ps->nbatches == (int)ARRAY_SIZE(ps->batches)) {
		/* Rare: many column lists in one import. Drop an idle one. */
		for (int i = 0;; i++) {
			if (i == ps->nbatches)
				return NULL;
			if (!ps->batches[i]->opened) {
				batch_free(ps->batches[i]);
				ps->batches[i] = ps->batches[--ps->nbatches];
				break;
			}
		}
	}
	return ps->batches[ps->nbatches++] = batch_new(s);
}

static void add_offset(pg_batch *b, size_t off)
{
	b->off = xgrow(b->off, &b->capoff, b->noff + 1, sizeof(*b->off));
	b->off[b->noff++] = off;
}

/* Appends one value as text (NULL when v is). */
static void add_value(pg_batch *b, const char *v, size_t len)
{
	if (!v) {
		add_offset(b, NULL_VALUE);
		return;
	}
	add_offset(b, b->vals.len);
	strbuf_add(&b->vals, v, len);
	strbuf_addc(&b->vals, '\0');
}

/* Appends `n` bytes of binary form after their length. */
static void add_binary_bytes(pg_batch *b, const void *v, size_t n)
{
	unsigned char len[4];

	store_pg_put_be(len, n, 4);
	add_offset(b, b->vals.len);
	strbuf_add(&b->vals, (const char *)len, 4);
	strbuf_add(&b->vals, v, n);
}

/* Appends the bound value `p` in the binary form of a column of `type`;
 * false, with nothing appended, when it has none here (text bound to a
 * number column that is not a plain number, say: the server decides). */
static bool add_binary(pg_batch *b, param *p, Oid type)
{
	unsigned char buf[8];
	uint64_t bits;
	int64_t i;
	double d;

	if (p->null) {
		add_offset(b, NULL_VALUE);
		return true;
	}
	switch (type) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8: {
		size_t n = type == OID_INT8 ? 8 : type == OID_INT4 ? 4 : 2;
		int64_t lo = n == 8 ? INT64_MIN : n == 4 ? INT32_MIN : INT16_MIN;
		int64_t hi = n == 8 ? INT64_MAX : n == 4 ? INT32_MAX : INT16_MAX;
		if (p->type == OID_INT8)
			i = p->ival;
		else if (p->type != 0 || !number_parse(p->buf, INT64_MIN, INT64_MAX, &i))
			return false;
		if (i < lo || i > hi)
			return false;
		store_pg_put_be(buf, (uint64_t)i, n);
		add_binary_bytes(b, buf, n);
		return true;
	}
	case OID_FLOAT8:
		if (p->type == OID_FLOAT8)
			d = p->dval;
		else if (p->type == OID_INT8)
			d = (double)p->ival; /* rounded to nearest, as the server reads its text */
		else if (p->type != 0 || !number_parse_real(p->buf, -HUGE_VAL, HUGE_VAL, &d))
			return false;
		memcpy(&bits, &d, sizeof(bits));
		store_pg_put_be(buf, bits, 8);
		add_binary_bytes(b, buf, 8);
		return true;
	case OID_BOOL:
		if (p->type != OID_INT8 || (p->ival != 0 && p->ival != 1))
			return false;
		buf[0] = (unsigned char)p->ival;
		add_binary_bytes(b, buf, 1);
		return true;
	case OID_TEXT:
	case OID_BPCHAR:
	case OID_VARCHAR:
		if (p->binary)
			return false;
		store_pg_param_text(p);
		add_binary_bytes(b, p->buf, (size_t)p->len);
		return true;
	default:
		return false;
	}
}

/* Whether rows of `b` may be held in binary form: every column's type has
 * one here (the drawn id is an int8). */
static bool binary_batch(const pg_batch *b)
{
	for (int c = 0; c < b->k; c++) {
		if (!store_pg_binary_type(b->types[c]))
			return false;
	}
	return true;
}

/* Appends row `r` of the rows `s` binds (after the drawn id, when `id`)
 * in binary form; false when a value has none (some may be appended). */
static bool add_binary_row(pg_batch *b, pg_stmt *s, int r, const int64_t *id)
{
	if (id) {
		param idp = { .type = OID_INT8, .ival = *id };
		if (!add_binary(b, &idp, OID_INT8))
			return false;
	}
	for (int c = 0; c < b->k; c++) {
		if (!add_binary(b, &s->par[s->shape.param[r * b->k + c]], b->types[c]))
			return false;
	}
	return true;
}

/* Appends row `r` of the rows `s` binds (after the drawn id, when `id`)
 * as text. */
static void add_text_row(pg_batch *b, pg_stmt *s, int r, const int64_t *id)
{
	if (id) {
		char text[24];
		add_value(b, text, (size_t)snprintf(text, sizeof(text), "%" PRId64, *id));
	}
	for (int c = 0; c < b->k; c++) {
		param *p = &s->par[s->shape.param[r * b->k + c]];
		store_pg_param_text(p);
		add_value(b, p->null ? NULL : p->buf, (size_t)p->len);
	}
}

/* Appends the rows of `s` in the batch's form: binary while every value
 * has one; else text, once what the batch holds in binary is sent. */
static status add_rows(pg_store *ps, pg_batch *b, pg_stmt *s, const int64_t *id, err *e)
{
	size_t len = b->vals.len, noff = b->noff;
	bool ok = true;
	status rc;

	if (!b->rows)
		b->binary = binary_batch(b);
	if (b->binary) {
		for (int r = 0; ok && r < s->shape.rows; r++)
			ok = add_binary_row(b, s, r, id);
		if (ok)
			return E_OK;
		strbuf_setlen(&b->vals, len);
		b->noff = noff;
		if (b->rows && (rc = store_pg_batch_flush(ps, e)))
			return rc;
		b->binary = false;
	}
	for (int r = 0; r < s->shape.rows; r++)
		add_text_row(b, s, r, id);
	return E_OK;
}

/* Whether `s`, run now, may join a batch. */
static bool batchable(const pg_store *ps, const pg_stmt *s)
{
	if (!ps->bulk || !s->base.st->txn_depth || !s->shape.k || s->state != ST_IDLE ||
	    !s->name[0] || s->generation != ps->generation)
		return false;
	for (int i = 0; i < s->shape.k * s->shape.rows; i++) {
		const param *p = &s->par[s->shape.param[i]];
		if (p->binary || !array_of(s->types[s->shape.param[i]]))
			return false;
	}
	return true;
}

/* Runs a catalog query with one text parameter; the caller clears. */
static PGresult *ask(pg_store *ps, const char *sql, const char *arg)
{
	return PQexecParams(ps->conn, sql, 1, NULL, &arg, NULL, NULL, 0);
}

/* Learns the batch's id sequence (with_id) and the tables its foreign
 * keys point to (so parents are sent before children). */
static status look_up(pg_store *ps, pg_batch *b, err *e)
{
	PGresult *r;
	status rc = E_OK;

	r = ask(ps,
		"SELECT ',' || string_agg(DISTINCT confrelid::regclass::text, ',') || ','"
		" FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass"
		" AND confrelid <> conrelid",
		b->table);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = store_pg_fail(ps, r, e, "batch: foreign keys");
		goto out;
	}
	free(b->parents);
	b->parents = xstrdup(PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
	if (b->with_id) {
		PQclear(r);
		r = ask(ps, "SELECT pg_get_serial_sequence($1, 'id')", b->table);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = store_pg_fail(ps, r, e, "batch: id sequence");
			goto out;
		}
		free(b->seq);
		b->seq = PQgetisnull(r, 0, 0) ? NULL : xstrdup(PQgetvalue(r, 0, 0));
	}
	b->looked_up = true;
out:
	PQclear(r);
	return rc;
}

/* Draws the next ids from the sequence, a thousand at a time. */
static status next_id(pg_store *ps, pg_batch *b, int64_t *id, err *e)
{
	PGresult *r;

	if (b->next_id < b->nids) {
		*id = b->ids[b->next_id++];
		return E_OK;
	}
	r = ask(ps, "SELECT nextval($1::regclass) FROM generate_series(1, 1000)", b->seq);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		status rc = store_pg_fail(ps, r, e, "batch: drawing ids");
		PQclear(r);
		return rc;
	}
	b->nids = (size_t)PQntuples(r);
	b->ids = xrealloc(b->ids, (b->nids ? b->nids : 1) * sizeof(*b->ids));
	for (size_t i = 0; i < b->nids; i++)
		b->ids[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
	PQclear(r);
	b->next_id = 0;
	if (!b->nids)
		return err_set(e, E_DB, "batch: the sequence %s gave no ids", b->seq);
	*id = b->ids[b->next_id++];
	return E_OK;
}

status store_pg_batch_exec(pg_stmt *s, bool *taken, int64_t *id, err *e)
{
	pg_store *ps = (pg_store *)s->base.st;
	pg_batch *b;
	status rc;

	*taken = false;
	if (!batchable(ps, s) || !(b = batch_for(ps, s)))
		return E_OK;
	store_pg_park(ps);
	if ((rc = store_pg_late(ps, e)) || (!b->looked_up && (rc = look_up(ps, b, e))))
		return rc;
	if (b->with_id && !b->seq) {
		/* No sequence behind id (not an identity column): not batched. */
		s->shape.k = 0;
		return E_OK;
	}
	if ((b->with_id && (rc = next_id(ps, b, id, e))) ||
	    (rc = add_rows(ps, b, s, b->with_id ? id : NULL, e)))
		return rc;
	b->rows += s->shape.rows;
	if (!b->opened)
		b->opened = ++ps->batch_clock;
	ps->changes = s->shape.rows;
	*taken = true;
	if (b->rows >= BATCH_ROWS || b->vals.len >= BATCH_BYTES)
		return store_pg_batch_flush(ps, e);
	return E_OK;
}

static void batch_clear(pg_batch *b)
{
	strbuf_reset(&b->vals);
	b->noff = 0;
	b->rows = 0;
	b->opened = 0;
}

/* Columns a row of `b` has on the wire: the drawn id first, when with_id. */
static int batch_cols(const pg_batch *b)
{
	return b->k + b->with_id;
}

/* Whether `b` goes by COPY rather than by one multi-row INSERT. */
static bool by_copy(const pg_batch *b)
{
	return b->rows >= COPY_MIN_ROWS || b->rows * batch_cols(b) > 65535;
}

/* "INSERT INTO t (id, c1, ..., ck)" or "COPY t (id, c1, ..., ck)": the
 * statement's own column list, with id in front when with_id. */
static void add_target(strbuf *sql, const pg_batch *b, const char *verb)
{
	const char *list = strchr(b->prefix, '(');

	strbuf_addf(sql, "%s %s (%s%s", verb, b->table, b->with_id ? "id, " : "", list + 1);
}

/* Sets `e` for a batch that failed: the message says which rows went. */
static status batch_failed(pg_store *ps, pg_batch *b, const PGresult *r, err *e)
{
	status rc = store_pg_fail(ps, r, e, b->prefix);

	err_prefix(e, "%" PRId64 " rows batched in bulk mode", b->rows);
	return rc;
}

/* Appends a value to COPY's text format: backslash escapes for the bytes
 * that delimit, \N for NULL. */
static void add_copy_value(strbuf *out, const char *v)
{
	const char *run = v;

	if (!v) {
		strbuf_add(out, "\\N", 2);
		return;
	}
	for (; *v; v++) {
		char esc;
		switch (*v) {
		case '\\': esc = '\\'; break;
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		default: continue;
		}
		strbuf_add(out, run, (size_t)(v - run));
		strbuf_addc(out, '\\');
		strbuf_addc(out, esc);
		run = v + 1;
	}
	strbuf_add(out, run, (size_t)(v - run));
}

/* Appends value `i` of `b` (held in binary) to COPY's binary format: a
 * row starts with its field count; a field is its length (-1: NULL) and
 * bytes, as held. */
static void add_copy_binary(strbuf *out, const pg_batch *b, size_t i, int cols)
{
	unsigned char head[4];

	if (i % (size_t)cols == 0) {
		store_pg_put_be(head, (uint64_t)cols, 2);
		strbuf_add(out, (const char *)head, 2);
	}
	if (b->off[i] == NULL_VALUE) {
		strbuf_add(out, "\377\377\377\377", 4);
		return;
	}
	strbuf_add(out, b->vals.buf + b->off[i], 4 + store_pg_get_be(b->vals.buf + b->off[i], 4));
}

/* Sends `b` by COPY (the connection is free, not in pipeline mode) and
 * waits for the outcome, or with `unread` leaves it to
 * store_pg_copy_outcome. A value holding a NUL byte cannot be bound as
 * text either, so the values' own NULs end them here too. */
static status send_copy(pg_store *ps, pg_batch *b, bool unread, err *e)
{
	strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	int cols = batch_cols(b);
	PGresult *r;
	status rc = E_OK;
	bool sent = true;

	add_target(&sql, b, "COPY");
	strbuf_adds(&sql, b->binary ? " FROM STDIN (FORMAT binary)" : " FROM STDIN");
	r = PQexec(ps->conn, sql.buf);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = batch_failed(ps, b, r, e);
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if (b->binary)
		/* The signature, no flags, no header extension. */
		strbuf_add(&out, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
	for (size_t i = 0; i < b->noff && sent; i++) {
		if (b->binary)
			add_copy_binary(&out, b, i, cols);
		else {
			add_copy_value(&out, b->off[i] == NULL_VALUE ? NULL : b->vals.buf + b->off[i]);
			strbuf_addc(&out, (int)(i % (size_t)cols) == cols - 1 ? '\n' : '\t');
		}
		if (out.len >= COPY_CHUNK) {
			sent = PQputCopyData(ps->conn, out.buf, (int)out.len) == 1;
			strbuf_reset(&out);
		}
	}
	if (b->binary)
		strbuf_add(&out, "\377\377", 2); /* the end: a row of -1 fields */
	if (sent && out.len)
		sent = PQputCopyData(ps->conn, out.buf, (int)out.len) == 1;
	/* Ending with an error message makes the server drop what came. */
	if (PQputCopyEnd(ps->conn, sent ? NULL : "ecrm: sending the rows failed") != 1)
		sent = false;
	if (sent && unread) {
		ps->copy_unread = true;
		snprintf(ps->copy_what, sizeof(ps->copy_what), "%s", b->prefix);
		ps->copy_rows = b->rows;
		goto out;
	}
	while ((r = PQgetResult(ps->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
			rc = batch_failed(ps, b, r, e);
		PQclear(r);
	}
	if (!sent && !rc)
		rc = batch_failed(ps, b, NULL, e);
out:
	strbuf_release(&out);
	strbuf_release(&sql);
	batch_clear(b);
	return rc;
}

/* Sends `b` as one `INSERT ... VALUES (...), ...` of parameters; in
 * pipeline mode only queues it (the caller reads the result), else waits
 * for the outcome. */
static status send_values(pg_store *ps, pg_batch *b, bool pipelined, err *e)
{
	strbuf sql = STRBUF_INIT;
	int cols = batch_cols(b), n = (int)b->noff;
	const char **values = xmalloc((size_t)n * sizeof(*values));
	Oid *types = xmalloc((size_t)n * sizeof(*types));
	int *lengths = b->binary ? xmalloc((size_t)n * sizeof(*lengths)) : NULL;
	int *formats = b->binary ? xmalloc((size_t)n * sizeof(*formats)) : NULL;
	status rc = E_OK;

	add_target(&sql, b, "INSERT INTO");
	/* The drawn ids go in even where the identity is GENERATED ALWAYS. */
	strbuf_adds(&sql, b->with_id ? " OVERRIDING SYSTEM VALUE VALUES " : " VALUES ");
	for (int i = 0; i < n; i++) {
		int c = i % cols;
		if (c == 0)
			strbuf_adds(&sql, i ? "), (" : "(");
		strbuf_addf(&sql, "%s$%d", c ? ", " : "", i + 1);
		values[i] = b->off[i] == NULL_VALUE ? NULL : b->vals.buf + b->off[i];
		types[i] = b->with_id ? (c ? b->types[c - 1] : OID_INT8) : b->types[c];
		if (b->binary) {
			/* The same bytes as for COPY's binary format, after the length. */
			lengths[i] = values[i] ? (int)store_pg_get_be(values[i], 4) : 0;
			values[i] = values[i] ? values[i] + 4 : NULL;
			formats[i] = 1;
		}
	}
	strbuf_addc(&sql, ')');
	if (pipelined) {
		if (!PQsendQueryParams(ps->conn, sql.buf, n, types, values, lengths, formats, 0))
			rc = batch_failed(ps, b, NULL, e);
	} else {
		PGresult *r =
			PQexecParams(ps->conn, sql.buf, n, types, values, lengths, formats, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = batch_failed(ps, b, r, e);
		PQclear(r);
	}
	free(formats);
	free(lengths);
	free(types);
	free(values);
	strbuf_release(&sql);
	batch_clear(b);
	return rc;
}

/* Sends one batch's rows and waits for the outcome. */
static status send_batch(pg_store *ps, pg_batch *b, err *e)
{
	return by_copy(b) ? send_copy(ps, b, false, e) : send_values(ps, b, false, e);
}

/* Whether `b` has rows whose foreign keys point at rows still waiting in
 * another batch. */
static bool waits_for_parent(const pg_store *ps, const pg_batch *b)
{
	for (int i = 0; i < ps->nbatches; i++) {
		const pg_batch *o = ps->batches[i];
		char key[80];
		if (o == b || !o->opened || !b->parents)
			continue;
		snprintf(key, sizeof(key), ",%s,", o->table);
		if (strstr(b->parents, key))
			return true;
	}
	return false;
}

/* The batch to send next, other than `skip`: the oldest, but parents
 * before children (foreign keys); NULL when none holds rows. */
static pg_batch *next_batch_but(pg_store *ps, const pg_batch *skip)
{
	pg_batch *pick = NULL, *oldest = NULL;

	for (int i = 0; i < ps->nbatches; i++) {
		pg_batch *b = ps->batches[i];
		if (!b->opened || b == skip)
			continue;
		if (!oldest || b->opened < oldest->opened)
			oldest = b;
		if (!waits_for_parent(ps, b) && (!pick || b->opened < pick->opened))
			pick = b;
	}
	return pick ? pick : oldest;
}

static pg_batch *next_batch(pg_store *ps)
{
	return next_batch_but(ps, NULL);
}

/* Whether another batch holding rows has foreign keys pointing at `b`. */
static bool is_parent(const pg_store *ps, const pg_batch *b)
{
	char key[80];

	snprintf(key, sizeof(key), ",%s,", b->table);
	for (int i = 0; i < ps->nbatches; i++) {
		const pg_batch *o = ps->batches[i];
		if (o != b && o->opened && o->parents && strstr(o->parents, key))
			return true;
	}
	return false;
}

bool store_pg_batch_holds_rows(const pg_store *ps)
{
	for (int i = 0; i < ps->nbatches; i++) {
		if (ps->batches[i]->opened)
			return true;
	}
	return false;
}

status store_pg_batch_flush(pg_store *ps, err *e)
{
	pg_batch *b;
	status rc;

	store_pg_park(ps);
	while ((b = next_batch(ps))) {
		if ((rc = send_batch(ps, b, e))) {
			store_pg_batch_discard(ps);
			return rc;
		}
	}
	return E_OK;
}

status store_pg_batch_send(pg_store *ps, err *e)
{
	pg_batch *last = NULL, *b;
	status rc;

	store_pg_park(ps);
	if ((rc = store_pg_late(ps, e)))
		return rc;
	/* The largest batch no other waits for goes last: the server writes it
	 * while the caller reads on (a COPY's outcome may wait; nothing else
	 * may be sent before it is read). */
	for (int i = 0; i < ps->nbatches; i++) {
		b = ps->batches[i];
		if (b->opened && by_copy(b) && !is_parent(ps, b) && (!last || b->rows > last->rows))
			last = b;
	}
	while ((b = next_batch_but(ps, last))) {
		if ((rc = send_batch(ps, b, e))) {
			store_pg_batch_discard(ps);
			return rc;
		}
	}
	if (last && (rc = send_copy(ps, last, true, e)))
		store_pg_batch_discard(ps);
	return rc;
}

void store_pg_copy_outcome(pg_store *ps)
{
	PGresult *r;

	if (!ps->copy_unread)
		return;
	ps->copy_unread = false;
	while ((r = PQgetResult(ps->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !ps->late.code) {
			store_pg_fail(ps, r, &ps->late, ps->copy_what);
			err_prefix(&ps->late, "%" PRId64 " rows batched in bulk mode", ps->copy_rows);
		}
		PQclear(r);
	}
}

void store_pg_commit_outcome(pg_store *ps)
{
	PGresult *r;

	if (!ps->commit_unread)
		return;
	ps->commit_unread = false;
	/* A read-only transaction's commit has nothing to lose: its reads
	 * were answered. A lost connection shows at the next statement. */
	while ((r = PQgetResult(ps->conn)))
		PQclear(r);
}

status store_pg_late(pg_store *ps, err *e)
{
	status rc = ps->late.code;

	if (rc) {
		*e = ps->late;
		err_clear(&ps->late);
	}
	return rc;
}

status store_pg_batch_pipeline(pg_store *ps, int *sent, err *e)
{
	pg_batch *b;
	status rc;

	*sent = 0;
	if (!next_batch(ps))
		return E_OK;
	/* COPY cannot join a pipeline: with a batch for COPY, all go first. */
	for (int i = 0; i < ps->nbatches; i++) {
		if (ps->batches[i]->opened && by_copy(ps->batches[i]))
			return store_pg_batch_flush(ps, e);
	}
	if (!PQenterPipelineMode(ps->conn))
		return store_pg_batch_flush(ps, e);
	while ((b = next_batch(ps))) {
		if ((rc = send_values(ps, b, true, e))) {
			store_pg_batch_discard(ps);
			store_pg_pipeline_end(ps, *sent, NULL);
			return rc;
		}
		++*sent;
	}
	return E_OK;
}

status store_pg_pipeline_end(pg_store *ps, int sent, err *e)
{
	status rc = E_OK;
	PGresult *r;

	if (!PQpipelineSync(ps->conn) && e)
		return store_pg_fail(ps, NULL, e, "pipeline");
	for (int i = 0; i < sent; i++) {
		while ((r = PQgetResult(ps->conn))) {
			/* store_changes keeps the count of the statement that
			 * gave the rows, as SQLite's does. */
			if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
				rc = e ? store_pg_fail(ps, r, e, "sent ahead of the statement (bulk-mode rows, BEGIN)")
				       : E_DB;
			PQclear(r);
		}
	}
	if (rc || !e) {
		/* The query behind the batches was aborted: drain it too. */
		while ((r = PQgetResult(ps->conn)))
			PQclear(r);
		store_pg_pipeline_done(ps);
	}
	return rc;
}

void store_pg_pipeline_done(pg_store *ps)
{
	PGresult *r;

	if (PQpipelineStatus(ps->conn) == PQ_PIPELINE_OFF)
		return;
	while ((r = PQgetResult(ps->conn))) {
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	PQexitPipelineMode(ps->conn);
}

void store_pg_batch_return_ids(pg_store *ps)
{
	for (int i = 0; i < ps->nbatches; i++) {
		pg_batch *b = ps->batches[i];
		char next[24], last[24];
		const char *params[3] = { b->seq, next, last };
		if (!b->with_id || b->next_id >= b->nids)
			continue;
		/* Only when no one drew after us (the check and the set are one
		 * statement; writers through ecrm wait for the write lock). */
		snprintf(next, sizeof(next), "%" PRId64, b->ids[b->next_id]);
		snprintf(last, sizeof(last), "%" PRId64, b->ids[b->nids - 1]);
		PQclear(PQexecParams(ps->conn,
				     "SELECT setval($1::regclass, $2, false) WHERE "
				     "pg_sequence_last_value($1::regclass) = $3",
				     3, NULL, params, NULL, NULL, 0));
		b->nids = b->next_id = 0;
	}
}

void store_pg_batch_discard(pg_store *ps)
{
	for (int i = 0; i < ps->nbatches; i++) {
		if (ps->batches[i]->opened)
			batch_clear(ps->batches[i]);
	}
}

void store_pg_batch_free(pg_store *ps)
{
	for (int i = 0; i < ps->nbatches; i++)
		batch_free(ps->batches[i]);
	ps->nbatches = 0;
}
