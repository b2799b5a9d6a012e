/* customer_query.c: customer pages and search (see customer_query.h). Each
 * combination of search mode, sort and filters gets its own SQL, so SQLite
 * can use the index that fits; the texts are built once per process and
 * kept (the statement cache is keyed by the SQL pointer). The SQL is the
 * same for PostgreSQL: no SQLite-only functions or syntax. */
#include "domain/customer_query.h"
#include "domain/pii.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>

typedef enum {
	MODE_ALL,
	MODE_FTS,   /* name fragment of 3+ characters */
	MODE_CHARS, /* 1-2 characters, one of them non-ASCII */
	MODE_INSTR, /* 1-2 ASCII characters */
	MODE_EMAIL,
	MODE_PHONE,
	MODE_EXTERNAL,
	MODE__COUNT
} search_mode;

/* Parameters, in the order they are numbered when present. */
enum {
	P_Q,
	P_TAG,
	P_COUNTRY,
	P_CITY,
	P_FROM,
	P_TO,
	P_SEGMENT,
	P_TIER,
	P_STAGE,
	P_AFTER_KEY,
	P_AFTER_ID,
	P_LIMIT,
	P__COUNT
};

enum {
	F_TAG = 1,
	F_COUNTRY = 2,
	F_CITY = 4,
	F_FROM = 8,
	F_TO = 16,
	F_AFTER = 32,
	F_SEGMENT = 64,
	F_TIER = 128,
	F_STAGE = 256
};
#define NFLAGS 512
#define NSORTS (2 * CUSTOMER_SORT__COUNT) /* keys x 2 directions */

typedef struct {
	char *sql;
	int params[P__COUNT]; /* which parameter is $1, $2 ... */
	int n;
} variant;

/* [mode][sort] -> NFLAGS variants, allocated on first use. */
static variant *variants[MODE__COUNT][NSORTS];
static pthread_mutex_t variants_mu = PTHREAD_MUTEX_INITIALIZER;

/* Each sort's key as SQL. Totals keys are written as migration 011 indexes
 * them (the planner matches index expressions by their text); unscored
 * customers sort as -1. */
static const char *const key_expr[CUSTOMER_SORT__COUNT] = {
	[CUSTOMER_SORT_ID] = "c.id",
	[CUSTOMER_SORT_NAME] = "c.name",
	[CUSTOMER_SORT_CREATED] = "c.created_at",
	[CUSTOMER_SORT_REVENUE] = "(ct.order_total - ct.returned)",
	[CUSTOMER_SORT_ORDERS] = "ct.orders",
	[CUSTOMER_SORT_LAST_ORDER] = "COALESCE(ct.last_order_at, 0)",
	[CUSTOMER_SORT_CLV] = "COALESCE(s.clv, -1)",
	[CUSTOMER_SORT_CHURN] = "COALESCE(s.churn_risk, -1)",
};

/* Sorts by a key of customer_totals: every customer has a row (011), so
 * the join is inner and the page can be an index range of the totals. */
static bool by_totals(customer_sort key)
{
	return key == CUSTOMER_SORT_REVENUE || key == CUSTOMER_SORT_ORDERS ||
	       key == CUSTOMER_SORT_LAST_ORDER;
}

bool customer_sort_is_real(customer_sort s)
{
	return s == CUSTOMER_SORT_CLV || s == CUSTOMER_SORT_CHURN;
}

void customer_row_key(const customer_row *r, customer_sort s, int64_t *i, double *d)
{
	*i = 0;
	*d = 0;
	switch (s) {
	case CUSTOMER_SORT_ID:
		*i = r->id;
		break;
	case CUSTOMER_SORT_CREATED:
		*i = r->created_at;
		break;
	case CUSTOMER_SORT_REVENUE:
		*i = r->revenue;
		break;
	case CUSTOMER_SORT_ORDERS:
		*i = r->orders;
		break;
	case CUSTOMER_SORT_LAST_ORDER:
		*i = r->last_order_at;
		break;
	case CUSTOMER_SORT_CLV:
		*d = isnan(r->clv) ? -1 : r->clv;
		break;
	case CUSTOMER_SORT_CHURN:
		*d = isnan(r->churn_risk) ? -1 : r->churn_risk;
		break;
	default:
		break;
	}
}

typedef struct {
	strbuf sb;
	variant *v;
} builder;

/* Appends "$n" for parameter `p`, numbering it on first use. */
static void param(builder *b, int p)
{
	int idx = 0;

	for (int i = 0; i < b->v->n; i++) {
		if (b->v->params[i] == p)
			idx = i + 1;
	}
	if (!idx) {
		b->v->params[b->v->n++] = p;
		idx = b->v->n;
	}
	strbuf_addf(&b->sb, "$%d", idx);
}

/* What an arm of the query says about the cursor. */
typedef enum {
	AFTER_NONE,
	AFTER_ID,	/* id past the cursor (id order) */
	AFTER_SAME_KEY, /* key equal to the cursor's, id past it */
	AFTER_KEY	/* key past the cursor's */
} after_kind;

/* One SELECT of the query: columns, the rows that match and, per `after`,
 * the cursor condition; *idcol names the id the rows come in order of. */
static void build_arm(builder *b, search_mode mode, customer_sort key, bool desc, int flags,
		      after_kind after, const char **idcol)
{
	static const char *const cols =
		", c.external_id, c.name, c.email, c.phone, c.city, c.country, c.tags,"
		" c.created_at, c.erased_at IS NOT NULL, COALESCE(ct.orders, 0),"
		" COALESCE(ct.order_total - ct.returned, 0), COALESCE(ct.last_order_at, 0),"
		" s.rfm_segment, s.value_tier, s.lifecycle_stage, s.clv, s.churn_risk";
	/* Totals are kept per customer (migration 007) and scores per scored
	 * customer: one lookup a row each. Left joins never drive the plan,
	 * so pages keep their index order; a sort by a total joins the totals
	 * inner, so that their index (011) can give the order. */
	const char *totals = by_totals(key) ? " JOIN customer_totals ct ON ct.customer_id = c.id"
					    " LEFT JOIN customer_scores s ON s.customer_id = c.id"
					    : " LEFT JOIN customer_totals ct ON ct.customer_id = c.id"
					      " LEFT JOIN customer_scores s ON s.customer_id = c.id";
	const char *cmp = desc ? " < " : " > ", *keycol = key_expr[key];
	const char *tiecol = by_totals(key) ? "ct.customer_id" : "c.id";

	*idcol = "c.id";
	/* Column 1 is the id the order breaks ties by: SQLite does not carry
	 * the join's equality into a union's ORDER BY. */
	strbuf_addf(&b->sb, "SELECT %s", tiecol);
	strbuf_adds(&b->sb, cols);
	if (key != CUSTOMER_SORT_ID)
		strbuf_addf(&b->sb, ", %s", keycol); /* column 19: what a union orders by */
	switch (mode) {
	case MODE_FTS:
		/* Driven by the index: FTS5 hands rowids in order and honours a
		 * rowid range, so a page in id order reads only its rows. The
		 * table-valued form (not MATCH) is also valid PostgreSQL, where
		 * customers_fts is a function over pg_trgm (postgres/004). */
		strbuf_adds(&b->sb, " FROM customers_fts(");
		param(b, P_Q);
		strbuf_adds(&b->sb, ") f JOIN customers c ON c.id = f.rowid");
		strbuf_adds(&b->sb, totals);
		strbuf_adds(&b->sb, " WHERE 1 = 1");
		*idcol = "f.rowid";
		break;
	case MODE_CHARS:
		/* One token per character (migration 007): in rowid order too.
		 * Table-valued as above; on PostgreSQL a function over 004's
		 * 1-2 character grams. */
		strbuf_adds(&b->sb, " FROM customers_chars(");
		param(b, P_Q);
		strbuf_adds(&b->sb, ") h JOIN customers c ON c.id = h.rowid");
		strbuf_adds(&b->sb, totals);
		strbuf_adds(&b->sb, " WHERE 1 = 1");
		*idcol = "h.rowid";
		break;
	case MODE_INSTR:
		strbuf_adds(&b->sb, " FROM customers c");
		strbuf_adds(&b->sb, totals);
		strbuf_adds(&b->sb, " WHERE instr(lower(c.name), ");
		param(b, P_Q);
		strbuf_adds(&b->sb, ") > 0");
		break;
	case MODE_EMAIL:
	case MODE_PHONE:
	case MODE_EXTERNAL:
		/* Emails and phones are sealed: they match by blind index. */
		strbuf_adds(&b->sb, " FROM customers c");
		strbuf_adds(&b->sb, totals);
		strbuf_addf(&b->sb, " WHERE c.%s = ",
			    mode == MODE_EMAIL	 ? "email_bidx"
			    : mode == MODE_PHONE ? "phone_bidx"
						 : "external_id");
		param(b, P_Q);
		break;
	default:
		if ((flags & F_TAG) && key == CUSTOMER_SORT_ID) {
			/* The tag's rows are in customer order: a page reads its own. */
			strbuf_adds(&b->sb, " FROM customer_tags t JOIN customers c"
					    " ON c.id = t.customer_id");
			strbuf_adds(&b->sb, totals);
			strbuf_adds(&b->sb, " WHERE t.tag = ");
			param(b, P_TAG);
			*idcol = "t.customer_id";
			flags &= ~F_TAG;
		} else {
			strbuf_adds(&b->sb, " FROM customers c");
			strbuf_adds(&b->sb, totals);
			strbuf_adds(&b->sb, " WHERE 1 = 1");
		}
		break;
	}
	/* Written so SQLite (without statistics) does not scan a partial
	 * index of live customers and sort them all, rather than read the
	 * totals' index in order. */
	strbuf_adds(&b->sb, by_totals(key) ? " AND COALESCE(c.merged_into, 0) = 0"
					    : " AND c.merged_into IS NULL");
	if (flags & F_TAG) {
		/* Checked per row in page order: a common tag fills a page soon. */
		strbuf_adds(&b->sb, " AND EXISTS (SELECT 1 FROM customer_tags t"
				    " WHERE t.customer_id = c.id AND t.tag = ");
		param(b, P_TAG);
		strbuf_adds(&b->sb, ")");
	}
	if (flags & F_COUNTRY) {
		strbuf_adds(&b->sb, " AND c.country = ");
		param(b, P_COUNTRY);
	}
	if (flags & F_CITY) {
		strbuf_adds(&b->sb, " AND c.city = ");
		param(b, P_CITY);
	}
	if (flags & F_FROM) {
		strbuf_adds(&b->sb, " AND c.created_at >= ");
		param(b, P_FROM);
	}
	if (flags & F_TO) {
		strbuf_adds(&b->sb, " AND c.created_at <= ");
		param(b, P_TO);
	}
	if (flags & F_SEGMENT) {
		strbuf_adds(&b->sb, " AND s.rfm_segment = ");
		param(b, P_SEGMENT);
	}
	if (flags & F_TIER) {
		strbuf_adds(&b->sb, " AND s.value_tier = ");
		param(b, P_TIER);
	}
	if (flags & F_STAGE) {
		strbuf_adds(&b->sb, " AND s.lifecycle_stage = ");
		param(b, P_STAGE);
	}
	switch (after) {
	case AFTER_NONE:
		break;
	case AFTER_ID:
		strbuf_addf(&b->sb, " AND %s%s", *idcol, cmp);
		param(b, P_AFTER_ID);
		break;
	case AFTER_SAME_KEY:
		strbuf_addf(&b->sb, " AND %s = ", keycol);
		param(b, P_AFTER_KEY);
		strbuf_addf(&b->sb, " AND %s%s", tiecol, cmp);
		param(b, P_AFTER_ID);
		break;
	case AFTER_KEY:
		strbuf_addf(&b->sb, " AND %s%s", keycol, cmp);
		param(b, P_AFTER_KEY);
		break;
	}
}

static void build(variant *v, search_mode mode, int sort, int flags)
{
	customer_sort key = (customer_sort)(sort / 2);
	bool desc = sort % 2;
	const char *idcol, *dir = desc ? " DESC" : "";
	builder b = {STRBUF_INIT, v};

	memset(v, 0, sizeof(*v));
	if (key == CUSTOMER_SORT_ID) {
		build_arm(&b, mode, key, desc, flags, (flags & F_AFTER) ? AFTER_ID : AFTER_NONE,
			  &idcol);
		strbuf_addf(&b.sb, " ORDER BY %s%s", idcol, dir);
	} else if (!(flags & F_AFTER)) {
		build_arm(&b, mode, key, desc, flags, AFTER_NONE, &idcol);
		strbuf_addf(&b.sb, " ORDER BY %s%s, %s%s", key_expr[key], dir,
			    by_totals(key) ? "ct.customer_id" : "c.id", dir);
	} else {
		/* Past (key, id) as two ranges, each an index range of its own:
		 * SQLite uses only the key of a row-value range, so a cursor
		 * deep inside a common name (7,800 "Jack Smith") would scan that
		 * name's rows up to the cursor. The arms come merged in order;
		 * the result's columns are numbered: 1 id, 19 the key. */
		build_arm(&b, mode, key, desc, flags, AFTER_SAME_KEY, &idcol);
		strbuf_adds(&b.sb, " UNION ALL ");
		build_arm(&b, mode, key, desc, flags, AFTER_KEY, &idcol);
		strbuf_addf(&b.sb, " ORDER BY 19%s, 1%s", dir, dir);
	}
	strbuf_adds(&b.sb, " LIMIT ");
	param(&b, P_LIMIT);
	v->sql = strbuf_detach(&b.sb, NULL);
}

/* The SQL for a combination, built on first use and kept for the process. */
static const variant *variant_for(search_mode mode, int sort, int flags)
{
	variant *v;

	pthread_mutex_lock(&variants_mu);
	if (!variants[mode][sort])
		variants[mode][sort] = xcalloc(NFLAGS, sizeof(variant));
	v = &variants[mode][sort][flags];
	if (!v->sql)
		build(v, mode, sort, flags);
	pthread_mutex_unlock(&variants_mu);
	return v;
}

static bool has_non_ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80)
			return true;
	}
	return false;
}

/* "+" and 7 to 15 digits: already E.164. */
static bool is_e164(const char *s)
{
	size_t n = strlen(s);

	return s[0] == '+' && n >= 8 && n <= 16 && strspn(s + 1, "0123456789") == n - 1;
}

/* ASCII lower case; other bytes as they are (SQLite's lower() does the same). */
static char *ascii_lower(arena *a, const char *s)
{
	char *out = arena_strdup(a, s);

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* An FTS5 phrase: the text in double quotes, inner quotes doubled. */
static char *fts_phrase(arena *a, const char *s)
{
	strbuf sb = STRBUF_INIT;
	char *out;

	strbuf_addc(&sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addc(&sb, '"');
		strbuf_addc(&sb, *s);
	}
	strbuf_addc(&sb, '"');
	out = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

/* An FTS5 phrase of the characters of `s` as separate tokens, the way
 * customers_chars holds names: "王 伟" (inner quotes doubled). */
static char *chars_phrase(arena *a, const char *s)
{
	strbuf sb = STRBUF_INIT;
	size_t n = strlen(s);
	char *out;

	strbuf_addc(&sb, '"');
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k <= 0)
			k = 1; /* checked as UTF-8 before; be safe */
		if (i)
			strbuf_addc(&sb, ' ');
		for (int j = 0; j < k; j++) {
			if (s[i + (size_t)j] == '"')
				strbuf_addc(&sb, '"');
			strbuf_addc(&sb, s[i + (size_t)j]);
		}
		i += (size_t)k;
	}
	strbuf_addc(&sb, '"');
	out = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

static status external_id_exists(store *st, const char *q, bool *found, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, "SELECT 1 FROM customers WHERE external_id = $1", &s, e)))
		return rc;
	stmt_bind_text(s, 1, q);
	*found = stmt_row(s, e);
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* Chooses how the query is searched and the text bound for it. */
static status classify(store *st, const customer_query *q, arena *a, search_mode *mode,
		       const char **text, err *e)
{
	const char *s = q->q;
	size_t n;
	bool ext = false;
	status rc;

	*mode = MODE_ALL;
	*text = NULL;
	if (q->email) {
		*mode = MODE_EMAIL;
		*text = q->email;
		return E_OK;
	}
	if (!s && q->phone) {
		*mode = MODE_PHONE;
		*text = q->phone;
		return E_OK;
	}
	if (!s)
		return E_OK;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return E_OK;
	if (!utf8_valid(s, n, NULL))
		return err_set(e, E_INVAL, "q: not valid UTF-8");
	s = arena_strndup(a, s, n);
	if (strchr(s, '@')) {
		*mode = MODE_EMAIL;
		*text = ascii_lower(a, s);
		return E_OK;
	}
	if ((rc = external_id_exists(st, s, &ext, e)))
		return rc;
	if (ext) {
		*mode = MODE_EXTERNAL;
		*text = s;
	} else if (q->phone || is_e164(s)) {
		*mode = MODE_PHONE;
		*text = q->phone ? q->phone : s;
	} else if (utf8_length(s, n) >= 3) {
		*mode = MODE_FTS;
		*text = fts_phrase(a, s);
	} else if (has_non_ascii(s)) {
		*mode = MODE_CHARS;
		*text = chars_phrase(a, s);
	} else {
		*mode = MODE_INSTR;
		*text = ascii_lower(a, s);
	}
	return E_OK;
}

static void bind_param(stmt *s, int idx, int p, const customer_query *q, const char *text,
		       const char *country, int limit)
{
	switch (p) {
	case P_Q:
		stmt_bind_text(s, idx, text);
		break;
	case P_TAG:
		stmt_bind_text(s, idx, q->tag);
		break;
	case P_COUNTRY:
		stmt_bind_text(s, idx, country);
		break;
	case P_CITY:
		stmt_bind_text(s, idx, q->city);
		break;
	case P_FROM:
		stmt_bind_int64(s, idx, q->created_from);
		break;
	case P_TO:
		stmt_bind_int64(s, idx, q->created_to);
		break;
	case P_SEGMENT:
		stmt_bind_text(s, idx, q->segment);
		break;
	case P_TIER:
		stmt_bind_text(s, idx, q->tier);
		break;
	case P_STAGE:
		stmt_bind_text(s, idx, q->stage);
		break;
	case P_AFTER_KEY:
		if (q->sort == CUSTOMER_SORT_NAME)
			stmt_bind_text(s, idx, q->after_name ? q->after_name : "");
		else if (q->sort == CUSTOMER_SORT_CREATED)
			stmt_bind_int64(s, idx, q->after_created);
		else if (customer_sort_is_real(q->sort))
			stmt_bind_double(s, idx, q->after_real);
		else
			stmt_bind_int64(s, idx, q->after_int);
		break;
	case P_AFTER_ID:
		stmt_bind_int64(s, idx, q->after_id);
		break;
	case P_LIMIT:
		stmt_bind_int64(s, idx, limit);
		break;
	}
}

status customer_list(store *st, const customer_query *q, arena *a, customer_row **rows, size_t *n,
		     bool *more, err *e)
{
	int limit = q->limit > 0 && q->limit <= 1000 ? q->limit : 50;
	int flags = 0, sort = (int)q->sort * 2 + (q->desc ? 1 : 0);
	const char *text = NULL, *country = q->country;
	const variant *v;
	search_mode mode;
	status rc;
	stmt *s;

	*rows = arena_alloc(a, (size_t)limit * sizeof(**rows));
	*n = 0;
	*more = false;
	if ((unsigned)q->sort >= CUSTOMER_SORT__COUNT)
		return err_set(e, E_INVAL, "sort: unknown sort order");
	if ((rc = classify(st, q, a, &mode, &text, e)))
		return rc;
	flags |= q->tag && *q->tag ? F_TAG : 0;
	flags |= country && *country ? F_COUNTRY : 0;
	flags |= q->city && *q->city ? F_CITY : 0;
	flags |= q->has_created_from ? F_FROM : 0;
	flags |= q->has_created_to ? F_TO : 0;
	flags |= q->after_id > 0 ? F_AFTER : 0;
	flags |= q->segment && *q->segment ? F_SEGMENT : 0;
	flags |= q->tier && *q->tier ? F_TIER : 0;
	flags |= q->stage && *q->stage ? F_STAGE : 0;
	if (!store_keys(st))
		return err_set(e, E_INTERNAL, "no personal-data key attached to the store");
	if (mode == MODE_EMAIL || mode == MODE_PHONE)
		text = pii_blind_index(store_keys(st), mode == MODE_EMAIL ? "email" : "phone", text, a);
	v = variant_for(mode, sort, flags);
	if ((rc = store_prepare(st, v->sql, &s, e)))
		return rc;
	for (int i = 0; i < v->n; i++)
		bind_param(s, i + 1, v->params[i], q, text, country, limit + 1);
	while (domain_page_row(s, *n, limit, more, e)) {
		customer_row *r;
		r = &(*rows)[(*n)++];
		r->id = stmt_int64(s, 0);
		r->external_id = domain_col_str(s, 1, a);
		r->name = domain_col_str(s, 2, a);
		r->email = domain_col_str(s, 3, a);
		r->phone = domain_col_str(s, 4, a);
		if (pii_open(store_keys(st), "email", r->email, a, &r->email, e) ||
		    pii_open(store_keys(st), "phone", r->phone, a, &r->phone, e))
			break;
		r->city = domain_col_str(s, 5, a);
		r->country = domain_col_str(s, 6, a);
		r->tags = domain_col_str(s, 7, a);
		r->created_at = stmt_int64(s, 8);
		r->erased = stmt_int64(s, 9) != 0;
		r->orders = stmt_int64(s, 10);
		r->revenue = stmt_int64(s, 11);
		r->last_order_at = stmt_int64(s, 12);
		r->rfm_segment = domain_col_str(s, 13, a);
		r->value_tier = domain_col_str(s, 14, a);
		r->lifecycle_stage = domain_col_str(s, 15, a);
		r->clv = stmt_null(s, 16) ? NAN : stmt_double(s, 16);
		r->churn_risk = stmt_null(s, 17) ? NAN : stmt_double(s, 17);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status customer_search(store *st, const customer_query *q, arena *a, customer_row **rows, size_t *n,
		       err *e)
{
	customer_query byid = *q;
	bool more;

	byid.sort = CUSTOMER_SORT_ID;
	byid.desc = false;
	return customer_list(st, &byid, a, rows, n, &more, e);
}

void customer_totals_from_row(stmt *s, int col, customer_totals *out)
{
	out->orders = stmt_int64(s, col);
	out->revenue = stmt_int64(s, col + 1);
	out->returns = stmt_int64(s, col + 2);
	out->interactions = stmt_int64(s, col + 3);
	out->first_order_at = stmt_int64(s, col + 4);
	out->last_order_at = stmt_int64(s, col + 5);
}

status customer_erased_at(store *st, int64_t id, int64_t *at, err *e)
{
	status rc = store_query_int64(
		st, "SELECT COALESCE(erased_at, 0) FROM customers WHERE id = $1", at, e, 1, id);

	if (rc == E_NOTFOUND)
		err_set(e, rc, "no customer %" PRId64, id);
	return rc;
}
