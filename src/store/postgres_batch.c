/* postgres_batch.c: bulk mode's batched inserts. A round trip and an
 * executor start per INSERT is most of what an import costs on PostgreSQL.
 * In bulk mode, inside a transaction, stmt_exec of a plain
 * `INSERT INTO t (c1, ..., ck) VALUES ($a, ...), ...` only gathers its rows,
 * one array per column; before anything else uses the connection (another
 * statement, commit) they go in one statement:
 * `INSERT INTO t (c1, ..., ck) SELECT * FROM unnest($1, ..., $k)`.
 * Statements with the same column list share a batch, so an order's lines
 * inserted 8 per statement and then one by one make one batch. Nothing
 * else runs in between, so every statement still sees the rows inserted
 * before it; what changes is when a failure shows: at the statement or
 * commit that sends the batch (db.h, store_bulk_mode). */
#include "store/postgres_internal.h"
#include "core/xalloc.h"

#include <ctype.h>

/* A batch is sent when it reaches this many rows or bytes. */
#define BATCH_ROWS  10000
#define BATCH_BYTES (8u << 20)

struct pg_batch {
	char *prefix; /* "INSERT INTO t (c1, ..., ck)" */
	int k;
	Oid *types;  /* the columns' element types */
	strbuf *col; /* per column: "{" and the elements so far */
	size_t bytes;
	int64_t rows;
	char name[32]; /* the unnest statement on the server */
	uint64_t generation;
};

/* Element types that go in a batch, with their array types
 * (pg_type.dat): anything else runs statement by statement. */
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
	const char *p = skip_ws(sql), *q;
	int k = 1, rows = 0;
	size_t cap = 0;
	int *map = NULL;

	memset(out, 0, sizeof(*out));
	if (!(p = keyword(p, "INSERT")) || !(p = keyword(skip_ws(p), "INTO")))
		return;
	p = skip_ws(p);
	for (q = p; isalnum((unsigned char)*q) || *q == '_' || *q == '.'; q++)
		;
	if (q == p || *(p = skip_ws(q)) != '(')
		return;
	/* The column list: plain names only. */
	for (p++; *p && *p != ')'; p++) {
		if (*p == ',')
			k++;
		else if (!isalnum((unsigned char)*p) && *p != '_' && !isspace((unsigned char)*p))
			return;
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
	out->prefix_len = 0;
}

static pg_batch *batch_new(const pg_stmt *s)
{
	pg_batch *b = xcalloc(1, sizeof(*b));

	b->prefix = xstrndup(s->base.sql, s->shape.prefix_len);
	b->k = s->shape.k;
	b->types = xmalloc((size_t)b->k * sizeof(*b->types));
	b->col = xmalloc((size_t)b->k * sizeof(*b->col));
	for (int c = 0; c < b->k; c++) {
		b->types[c] = s->types[s->shape.param[c]];
		strbuf_init(&b->col[c], 0);
		strbuf_addc(&b->col[c], '{');
	}
	return b;
}

static void batch_free(pg_batch *b)
{
	if (!b)
		return;
	for (int c = 0; c < b->k; c++)
		strbuf_release(&b->col[c]);
	free(b->col);
	free(b->types);
	free(b->prefix);
	free(b);
}

/* The batch for statement `s`: same column list, same types. */
static pg_batch *batch_for(pg_store *ps, const pg_stmt *s)
{
	for (int i = 0; i < ps->nbatches; i++) {
		pg_batch *b = ps->batches[i];
		bool same = b->k == s->shape.k && strlen(b->prefix) == s->shape.prefix_len &&
			    strncmp(b->prefix, s->base.sql, s->shape.prefix_len) == 0;
		for (int c = 0; same && c < b->k; c++)
			same = b->types[c] == s->types[s->shape.param[c]];
		if (same)
			return b;
	}
	if (ps->nbatches == (int)ARRAY_SIZE(ps->batches)) {
		/* Rare: many column lists in one import. Drop the oldest idle. */
		for (int i = 0; i < ps->nbatches; i++) {
			if (ps->batches[i] != ps->open) {
				batch_free(ps->batches[i]);
				ps->batches[i] = ps->batches[--ps->nbatches];
				break;
			}
		}
	}
	return ps->batches[ps->nbatches++] = batch_new(s);
}

/* Appends one array element: always quoted (valid for every element
 * type), so no value can change the array's shape. */
static void add_element(strbuf *sb, const param *p)
{
	if (sb->len > 1)
		strbuf_addc(sb, ',');
	if (p->null) {
		strbuf_adds(sb, "NULL");
		return;
	}
	strbuf_addc(sb, '"');
	for (int i = 0; i < p->len; i++) {
		if (p->buf[i] == '"' || p->buf[i] == '\\')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, p->buf[i]);
	}
	strbuf_addc(sb, '"');
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

status store_pg_batch_exec(pg_stmt *s, bool *taken, err *e)
{
	pg_store *ps = (pg_store *)s->base.st;
	pg_batch *b;
	status rc;

	*taken = false;
	if (!batchable(ps, s))
		return E_OK;
	b = batch_for(ps, s);
	if (ps->open && ps->open != b && (rc = store_pg_batch_flush(ps, e)))
		return rc;
	store_pg_park(ps);
	for (int r = 0; r < s->shape.rows; r++) {
		for (int c = 0; c < b->k; c++) {
			strbuf *col = &b->col[c];
			size_t before = col->len;
			add_element(col, &s->par[s->shape.param[r * b->k + c]]);
			b->bytes += col->len - before;
		}
	}
	b->rows += s->shape.rows;
	ps->open = b;
	ps->changes = s->shape.rows;
	s->state = ST_DONE;
	*taken = true;
	if (b->rows >= BATCH_ROWS || b->bytes >= BATCH_BYTES)
		return store_pg_batch_flush(ps, e);
	return E_OK;
}

static status prepare_batch(pg_store *ps, pg_batch *b, err *e)
{
	strbuf sql = STRBUF_INIT;
	Oid *types = xmalloc((size_t)b->k * sizeof(*types));
	PGresult *r;
	status rc = E_OK;

	strbuf_addf(&sql, "%s SELECT * FROM unnest(", b->prefix);
	for (int c = 0; c < b->k; c++) {
		strbuf_addf(&sql, "%s$%d", c ? ", " : "", c + 1);
		types[c] = array_of(b->types[c]);
	}
	strbuf_addc(&sql, ')');
	snprintf(b->name, sizeof(b->name), "ecrm_%" PRIu64, ++ps->names);
	r = PQprepare(ps->conn, b->name, sql.buf, b->k, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = store_pg_fail(ps, r, e, "prepare batch");
		b->name[0] = '\0';
	} else {
		b->generation = ps->generation;
	}
	PQclear(r);
	free(types);
	strbuf_release(&sql);
	return rc;
}

static void batch_clear(pg_batch *b)
{
	for (int c = 0; c < b->k; c++)
		strbuf_setlen(&b->col[c], 1);
	b->rows = 0;
	b->bytes = 0;
}

status store_pg_batch_flush(pg_store *ps, err *e)
{
	pg_batch *b = ps->open;
	const char **values;
	PGresult *r;
	status rc;

	if (!b)
		return E_OK;
	ps->open = NULL;
	store_pg_park(ps);
	if ((!b->name[0] || b->generation != ps->generation) && (rc = prepare_batch(ps, b, e))) {
		batch_clear(b);
		return rc;
	}
	values = xmalloc((size_t)b->k * sizeof(*values));
	for (int c = 0; c < b->k; c++) {
		strbuf_addc(&b->col[c], '}');
		values[c] = b->col[c].buf;
	}
	r = PQexecPrepared(ps->conn, b->name, b->k, values, NULL, NULL, 0);
	free(values);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? E_OK : store_pg_fail(ps, r, e, b->prefix);
	if (rc)
		err_prefix(e, "%" PRId64 " rows batched in bulk mode", b->rows);
	PQclear(r);
	batch_clear(b);
	return rc;
}

void store_pg_batch_discard(pg_store *ps)
{
	if (ps->open)
		batch_clear(ps->open);
	ps->open = NULL;
}

void store_pg_batch_free(pg_store *ps)
{
	for (int i = 0; i < ps->nbatches; i++)
		batch_free(ps->batches[i]);
	ps->nbatches = 0;
	ps->open = NULL;
}
