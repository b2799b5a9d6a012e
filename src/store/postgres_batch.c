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
	char *table;  /* as the statements name it */
	char *prefix; /* "INSERT INTO t (c1, ..., ck)" as the statements write it */
	int k;	      /* columns the statements give */
	bool with_id; /* RETURNING id: ids drawn ahead from the table's sequence */
	Oid *types;   /* element types of the k columns */
	strbuf *col;  /* per column (id first when with_id): "{" and the elements */
	size_t bytes;
	int64_t rows;
	uint64_t opened; /* when its first unsent row came; 0: nothing to send */
	char name[32];	 /* the unnest statement on the server */
	uint64_t generation;
	bool looked_up; /* seq and parents below are known */
	char *seq;	/* with_id: the id column's sequence */
	char *parents;	/* ",a,b,": tables its foreign keys point to */
	int64_t *ids;	/* with_id: ids drawn ahead, next_id the next to give */
	size_t nids, next_id;
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
	int cols = s->shape.k + s->shape.returning_id;

	b->table = xstrdup(s->shape.table);
	b->prefix = xstrndup(s->base.sql, s->shape.prefix_len);
	b->k = s->shape.k;
	b->with_id = s->shape.returning_id;
	b->types = xmalloc((size_t)b->k * sizeof(*b->types));
	b->col = xmalloc((size_t)cols * sizeof(*b->col));
	for (int c = 0; c < b->k; c++)
		b->types[c] = s->types[s->shape.param[c]];
	for (int c = 0; c < cols; c++) {
		strbuf_init(&b->col[c], 0);
		strbuf_addc(&b->col[c], '{');
	}
	return b;
}

static void batch_free(pg_batch *b)
{
	if (!b)
		return;
	for (int c = 0; c < b->k + b->with_id; c++)
		strbuf_release(&b->col[c]);
	free(b->col);
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

/* Appends one array element: always quoted (valid for every element
 * type), so no value can change the array's shape. */
static void add_element(strbuf *sb, const char *v, int len)
{
	if (sb->len > 1)
		strbuf_addc(sb, ',');
	if (!v) {
		strbuf_adds(sb, "NULL");
		return;
	}
	strbuf_addc(sb, '"');
	for (int i = 0; i < len; i++) {
		if (v[i] == '"' || v[i] == '\\')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, v[i]);
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
	if (!b->looked_up && (rc = look_up(ps, b, e)))
		return rc;
	if (b->with_id && !b->seq) {
		/* No sequence behind id (not an identity column): not batched. */
		s->shape.k = 0;
		return E_OK;
	}
	if (b->with_id) {
		char text[24];
		if ((rc = next_id(ps, b, id, e)))
			return rc;
		snprintf(text, sizeof(text), "%" PRId64, *id);
		add_element(&b->col[0], text, (int)strlen(text));
	}
	for (int r = 0; r < s->shape.rows; r++) {
		for (int c = 0; c < b->k; c++) {
			const param *p = &s->par[s->shape.param[r * b->k + c]];
			strbuf *col = &b->col[c + b->with_id];
			size_t before = col->len;
			add_element(col, p->null ? NULL : p->buf, p->len);
			b->bytes += col->len - before;
		}
	}
	b->rows += s->shape.rows;
	if (!b->opened)
		b->opened = ++ps->batch_clock;
	ps->changes = s->shape.rows;
	*taken = true;
	if (b->rows >= BATCH_ROWS || b->bytes >= BATCH_BYTES)
		return store_pg_batch_flush(ps, e);
	return E_OK;
}

static status prepare_batch(pg_store *ps, pg_batch *b, err *e)
{
	strbuf sql = STRBUF_INIT;
	int cols = b->k + b->with_id;
	Oid *types = xmalloc((size_t)cols * sizeof(*types));
	const char *list = strchr(b->prefix, '(');
	PGresult *r;
	status rc = E_OK;

	/* OVERRIDING SYSTEM VALUE: the drawn ids go in even where the identity
	 * is GENERATED ALWAYS. */
	if (b->with_id)
		strbuf_addf(&sql, "%.*s(id, %s OVERRIDING SYSTEM VALUE", (int)(list - b->prefix),
			    b->prefix, list + 1);
	else
		strbuf_adds(&sql, b->prefix);
	strbuf_adds(&sql, " SELECT * FROM unnest(");
	for (int c = 0; c < cols; c++) {
		strbuf_addf(&sql, "%s$%d", c ? ", " : "", c + 1);
		types[c] = b->with_id && c == 0 ? 1016 /* int8[] */
						: array_of(b->types[c - b->with_id]);
	}
	strbuf_addc(&sql, ')');
	snprintf(b->name, sizeof(b->name), "ecrm_%" PRIu64, ++ps->names);
	r = PQprepare(ps->conn, b->name, sql.buf, cols, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = store_pg_fail(ps, r, e, "prepare batch");
		err_prefix(e, "%.120s", sql.buf);
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
	for (int c = 0; c < b->k + b->with_id; c++)
		strbuf_setlen(&b->col[c], 1);
	b->rows = 0;
	b->bytes = 0;
	b->opened = 0;
}

/* Sends one batch's rows. */
static status send_batch(pg_store *ps, pg_batch *b, err *e)
{
	int cols = b->k + b->with_id;
	const char **values;
	PGresult *r;
	status rc;

	if ((!b->name[0] || b->generation != ps->generation) && (rc = prepare_batch(ps, b, e)))
		return rc;
	values = xmalloc((size_t)cols * sizeof(*values));
	for (int c = 0; c < cols; c++) {
		strbuf_addc(&b->col[c], '}');
		values[c] = b->col[c].buf;
	}
	r = PQexecPrepared(ps->conn, b->name, cols, values, NULL, NULL, 0);
	free(values);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? E_OK : store_pg_fail(ps, r, e, b->prefix);
	if (rc)
		err_prefix(e, "%" PRId64 " rows batched in bulk mode", b->rows);
	PQclear(r);
	batch_clear(b);
	return rc;
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

/* The batch to send next: the oldest, but parents before children
 * (foreign keys); NULL when none holds rows. */
static pg_batch *next_batch(pg_store *ps)
{
	pg_batch *pick = NULL, *oldest = NULL;

	for (int i = 0; i < ps->nbatches; i++) {
		pg_batch *b = ps->batches[i];
		if (!b->opened)
			continue;
		if (!oldest || b->opened < oldest->opened)
			oldest = b;
		if (!waits_for_parent(ps, b) && (!pick || b->opened < pick->opened))
			pick = b;
	}
	return pick ? pick : oldest;
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

status store_pg_batch_pipeline(pg_store *ps, int *sent, err *e)
{
	pg_batch *b;
	status rc;

	*sent = 0;
	/* Statements are prepared before: PQprepare waits for its answer,
	 * which pipeline mode does not allow. */
	for (int i = 0; i < ps->nbatches; i++) {
		b = ps->batches[i];
		if (b->opened && (!b->name[0] || b->generation != ps->generation) &&
		    (rc = prepare_batch(ps, b, e))) {
			store_pg_batch_discard(ps);
			return rc;
		}
	}
	if (!next_batch(ps))
		return E_OK;
	if (!PQenterPipelineMode(ps->conn))
		return store_pg_batch_flush(ps, e);
	while ((b = next_batch(ps))) {
		int cols = b->k + b->with_id;
		const char *values[64];
		bool ok = cols <= (int)ARRAY_SIZE(values);
		for (int c = 0; ok && c < cols; c++) {
			strbuf_addc(&b->col[c], '}');
			values[c] = b->col[c].buf;
		}
		ok = ok && PQsendQueryPrepared(ps->conn, b->name, cols, values, NULL, NULL, 0);
		batch_clear(b);
		if (!ok) {
			rc = store_pg_fail(ps, NULL, e, b->prefix);
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
				rc = e ? store_pg_fail(ps, r, e, "rows batched in bulk mode")
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
