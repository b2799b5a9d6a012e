/* test_resources.c: the REST resources against a real `ecrm serve` on
 * 127.0.0.1 with a fresh database: customers (create, validation, partial
 * update, pages that walk everyone exactly once in every sort, filters,
 * search by Chinese name fragments, email and phone, masking per role,
 * the 360 view, merge and unmerge, export, erasure, duplicates), products,
 * orders (idempotent create), interactions, and signed webhooks (replays,
 * bad signatures). Also: sorts by revenue, orders, last order, CLV and
 * churn risk and score filters walked page by page, tags of many customers
 * at once, and one customer's duplicates. */
#include "harness.h"
#include "domain/user.h"
#include "ingest/webhook.h"
#include "store/db.h"

#include <jansson.h>
#include <time.h>

static api_server srv;
static const char *db;
static char keys[ROLE__COUNT][128];

#define JSON_CT	       "Content-Type: application/json"
#define SHOPIFY_SECRET "shpss_test_secret"
#define HOOK_SECRET    "ecrm-hook-secret"

static int setup(void **state)
{
	const char *conf;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("resources.db");
	api_role_keys(db, keys, ROLE__COUNT);
	conf = test_write_file("resources.conf", "[webhooks]\n"
						 "secret = " HOOK_SECRET "\n"
						 "shopify_secret = " SHOPIFY_SECRET "\n"
						 "[import]\n"
						 "region = GB\n"
						 "date_order = dmy\n");
	api_start(&srv, db, conf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&srv), 0);
	curl_global_cleanup();
	return 0;
}

static const char *bearer(user_role r)
{
	return api_bearer(keys[r]);
}

/* One request as `role`; returns the status and, when `out` is not NULL,
 * the parsed body (the caller decrefs). */
static long call(const char *method, const char *path, user_role role, const char *body,
		 json_t **out)
{
	const char *h[] = {JSON_CT, bearer(role), NULL};
	api_resp r;
	long st;

	api_request(&srv, method, path, body, h, &r);
	st = r.status;
	if (out)
		*out = r.body.len ? api_json(&r) : json_null();
	api_resp_release(&r);
	return st;
}

/* The error's field, or "" */
static const char *err_field(json_t *v)
{
	json_t *f = json_object_get(json_object_get(v, "error"), "field");
	return json_is_string(f) ? json_string_value(f) : "";
}

static int64_t int_at(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Creates a cust; returns its id. */
static int64_t add_customer(const char *body)
{
	json_t *v;
	int64_t id;
	long st = call("POST", "/api/customers", ROLE_AGENT, body, &v);

	if (st != 201)
		fail_msg("POST /api/customers %s: %ld %s", body, st, json_dumps(v, 0));
	id = int_at(json_object_get(v, "customer"), "id");
	json_decref(v);
	return id;
}

/* ---- customers ---- */

static void customer_create_validate_update(void **state)
{
	json_t *v, *c;
	char path[64];
	int64_t id;
	(void)state;
	id = add_customer("{\"external_id\":\"cu-1\",\"name\":\"  Ada   Lovelace \","
			  "\"email\":\" Ada@Example.COM \",\"phone\":\"07700 900123\","
			  "\"country\":\"United Kingdom\",\"city\":\"London\","
			  "\"tags\":[\"vip\",\"newsletter\"],\"consent\":{\"email\":true}}");
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, id);
	assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
	c = json_object_get(v, "customer");
	/* Normalised: name spaces, email case, E.164 phone, ISO country. */
	assert_string_equal(api_str(c, "name"), "Ada Lovelace");
	assert_string_equal(api_str(c, "email"), "ada@example.com");
	assert_string_equal(api_str(c, "phone"), "+447700900123");
	assert_string_equal(api_str(c, "country"), "GB");
	assert_true(json_is_true(json_object_get(json_object_get(c, "consent"), "email")));
	json_decref(v);

	/* Malformed JSON: 400 with the position of the fault. */
	assert_int_equal(call("POST", "/api/customers", ROLE_AGENT, "{\"name\": \"x\",}", &v), 400);
	assert_int_equal(int_at(json_object_get(v, "error"), "position"), 14);
	json_decref(v);
	/* Wrong type: 400 naming the member. */
	assert_int_equal(call("POST", "/api/customers", ROLE_AGENT, "{\"name\": 5}", &v), 400);
	assert_string_equal(err_field(v), "name");
	json_decref(v);
	assert_int_equal(call("POST", "/api/customers", ROLE_AGENT, "{\"nmae\": \"x\"}", &v), 400);
	assert_string_equal(err_field(v), "nmae");
	json_decref(v);
	/* Values refused: 422 naming the field. */
	assert_int_equal(
		call("POST", "/api/customers", ROLE_AGENT, "{\"email\": \"not-an-email\"}", &v),
		422);
	assert_string_equal(err_field(v), "email");
	json_decref(v);
	assert_int_equal(call("POST", "/api/customers", ROLE_AGENT, "{\"phone\": \"call me\"}", &v),
			 422);
	assert_string_equal(err_field(v), "phone");
	json_decref(v);
	assert_int_equal(
		call("POST", "/api/customers", ROLE_AGENT, "{\"birth_date\": \"17/05/1990\"}", &v),
		422);
	assert_string_equal(err_field(v), "birth_date");
	json_decref(v);
	/* A taken shop id: 409. */
	assert_int_equal(
		call("POST", "/api/customers", ROLE_AGENT, "{\"external_id\": \"cu-1\"}", &v), 409);
	json_decref(v);
	/* Not allowed below agent. */
	assert_int_equal(call("POST", "/api/customers", ROLE_MARKETER, "{}", NULL), 403);

	/* PATCH changes what it is given; null clears. */
	assert_int_equal(
		call("PATCH", path, ROLE_AGENT, "{\"city\": null, \"name\": \"Ada King\"}", &v),
		200);
	c = json_object_get(v, "customer");
	assert_string_equal(api_str(c, "name"), "Ada King");
	assert_true(json_is_null(json_object_get(c, "city")));
	assert_string_equal(api_str(c, "email"), "ada@example.com");
	json_decref(v);
	assert_int_equal(call("PATCH", path, ROLE_AGENT, "{\"email\": \"x@\"}", &v), 422);
	assert_string_equal(err_field(v), "email");
	json_decref(v);
	assert_int_equal(
		call("PATCH", "/api/customers/999999", ROLE_AGENT, "{\"name\":\"x\"}", NULL), 404);
	assert_int_equal(call("GET", "/api/customers/999999", ROLE_AGENT, NULL, NULL), 404);
	assert_int_equal(call("GET", "/api/customers/abc", ROLE_AGENT, NULL, NULL), 400);
}

/* Walks every page of `query` (which ends in '&' or '?') and checks each
 * live cust comes exactly once, in order. */
static void walk(const char *query, const int64_t *want, size_t nwant)
{
	char path[1024], cursor[512] = "";
	int64_t seen[512];
	size_t n = 0;
	int pages = 0;

	for (;;) {
		json_t *v, *arr, *next, *it;
		size_t i;
		snprintf(path, sizeof(path), "/api/customers%slimit=7%s%s", query,
			 cursor[0] ? "&cursor=" : "", cursor);
		assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 200);
		arr = json_object_get(v, "customers");
		assert_true(json_array_size(arr) <= 7);
		json_array_foreach(arr, i, it)
		{
			assert_true(n < ARRAY_SIZE(seen));
			seen[n++] = int_at(it, "id");
		}
		next = json_object_get(v, "next_cursor");
		pages++;
		if (json_is_null(next)) {
			json_decref(v);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		json_decref(v);
		assert_true(pages < 200);
	}
	if (n != nwant)
		fail_msg("%s: %zu rows, want %zu", query, n, nwant);
	for (size_t i = 0; i < nwant; i++) {
		if (seen[i] != want[i])
			fail_msg("%s: row %zu is %" PRId64 ", want %" PRId64, query, i, seen[i],
				 want[i]);
	}
}

typedef struct {
	int64_t id;
	char name[32];
} named;

static int by_name(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static void pagination_walks_everyone_once(void **state)
{
	int64_t ids[512], rev[512], byname[512];
	named all[512];
	size_t n = 0;
	json_t *v;
	(void)state;
	/* A fresh set under its own tag, names with ties (the keyset must
	 * break them by id), all created in the same second or two (ties on
	 * created_at too). */
	for (int i = 0; i < 45; i++) {
		char body[160];
		snprintf(body, sizeof(body), "{\"name\":\"Walker %c\",\"tags\":[\"walk\"]}",
			 'A' + (i * 7) % 5);
		ids[n] = add_customer(body);
		all[n].id = ids[n];
		snprintf(all[n].name, sizeof(all[n].name), "Walker %c", 'A' + (i * 7) % 5);
		n++;
	}
	for (size_t i = 0; i < n; i++)
		rev[i] = ids[n - 1 - i];
	walk("?tag=walk&", ids, n);
	walk("?tag=walk&sort=-id&", rev, n);
	walk("?tag=walk&sort=created_at&", ids, n); /* created_at ties: id order */
	qsort(all, n, sizeof(all[0]), by_name);
	for (size_t i = 0; i < n; i++)
		byname[i] = all[i].id;
	walk("?tag=walk&sort=name&", byname, n);
	for (size_t i = 0; i < n; i++)
		rev[i] = byname[n - 1 - i];
	walk("?tag=walk&sort=-name&", rev, n);
	walk("?q=walker&tag=walk&sort=-name&", rev, n); /* a search in name order */
	walk("?q=walker&tag=walk&", ids, n);
	for (size_t i = 0; i < n; i++)
		rev[i] = ids[n - 1 - i];
	walk("?tag=walk&sort=-created_at&", rev, n);

	/* Bad page arguments: 400 naming them. */
	assert_int_equal(call("GET", "/api/customers?limit=201", ROLE_ANALYST, NULL, &v), 400);
	assert_string_equal(err_field(v), "limit");
	json_decref(v);
	assert_int_equal(call("GET", "/api/customers?sort=email", ROLE_ANALYST, NULL, &v), 400);
	assert_string_equal(err_field(v), "sort");
	json_decref(v);
	assert_int_equal(call("GET", "/api/customers?cursor=bm9wZQ", ROLE_ANALYST, NULL, &v), 400);
	assert_string_equal(err_field(v), "cursor");
	json_decref(v);
	/* A cursor from one sort is refused under another. */
	assert_int_equal(call("GET", "/api/customers?tag=walk&limit=2", ROLE_ANALYST, NULL, &v),
			 200);
	{
		char path[512];
		snprintf(path, sizeof(path), "/api/customers?tag=walk&sort=name&cursor=%s",
			 api_str(v, "next_cursor"));
		json_decref(v);
		assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, NULL), 400);
	}
	assert_int_equal(
		call("GET", "/api/customers?created_from=yesterday", ROLE_ANALYST, NULL, NULL),
		400);
	assert_int_equal(call("GET", "/api/customers", ROLE_VIEWER, NULL, NULL), 403);
}

static size_t count(const char *path, user_role role)
{
	json_t *v;
	size_t n;
	long st = call("GET", path, role, NULL, &v);

	if (st != 200)
		fail_msg("GET %s: %ld", path, st);
	n = json_array_size(json_object_get(v, "customers"));
	json_decref(v);
	return n;
}

/* Runs SQL on the server's database from here (WAL: the server sees it). */
static void db_exec(const char *sql)
{
	store *st;
	err e;

	if (store_open(db, 0, &st, &e))
		fail_msg("store_open: %s", e.msg);
	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
	store_close(st);
}

typedef struct {
	int64_t id, key;
} keyed;

static bool key_desc;

static int by_key_then_id(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = x->key != y->key ? (x->key > y->key) - (x->key < y->key)
				 : (x->id > y->id) - (x->id < y->id);
	return key_desc ? -c : c;
}

/* Walks `filter` in both directions of sort `name` against `rows` (n
 * customers) ordered here by key, then id. */
static void walk_sorted(const char *name, keyed *rows, size_t n, const char *filter)
{
	int64_t want[64];
	char query[256];

	for (int d = 0; d < 2; d++) {
		key_desc = d;
		qsort(rows, n, sizeof(*rows), by_key_then_id);
		for (size_t i = 0; i < n; i++)
			want[i] = rows[i].id;
		snprintf(query, sizeof(query), "?%s&sort=%s%s&", filter, d ? "-" : "", name);
		walk(query, want, n);
	}
}

static void sorts_by_totals_and_scores(void **state)
{
	enum { N = 30 };
	int64_t ids[N];
	keyed revenue[N], orders[N], last[N], clv[N], churn[N], seg[N];
	size_t nseg = 0;
	strbuf sql = STRBUF_INIT;
	json_t *v;
	(void)state;
	for (int i = 0; i < N; i++) {
		char body[160];
		snprintf(body, sizeof(body),
			 "{\"name\":\"Sorter %d\",\"country\":\"%s\",\"tags\":[\"sortwalk\"]}", i % 4,
			 i % 2 ? "GB" : "CN");
		ids[i] = add_customer(body);
	}
	/* Orders with ties in count, revenue and time; some customers none;
	 * scores (CLV in tenths, ties; some unscored) for two thirds. */
	for (int i = 0; i < N; i++) {
		int norders = i % 4, total = 1000 * (i % 3 + 1);
		revenue[i] = (keyed){ ids[i], (int64_t)norders * total };
		orders[i] = (keyed){ ids[i], norders };
		last[i] = (keyed){ ids[i], norders ? 1700000000 + (i % 5) * 86400 : 0 };
		for (int k = 0; k < norders; k++)
			strbuf_addf(&sql,
				    "INSERT INTO orders (external_id, customer_id, placed_at, currency,"
				    " total, created_at, updated_at) VALUES ('sw-%d-%d', %" PRId64
				    ", %d, 'GBP', %d, 0, 0);",
				    i, k, ids[i], k ? 1600000000 : 1700000000 + (i % 5) * 86400,
				    total);
		/* Keys in tenths, compared here as integers (-1 unscored). */
		clv[i] = (keyed){ ids[i], i % 3 ? ((i % 7) * 5 / 10) * 10 + 5 : -10 };
		churn[i] = (keyed){ ids[i], i % 3 ? (i % 4) : -10 };
		if (i % 3) {
			strbuf_addf(&sql,
				    "INSERT INTO customer_scores (customer_id, as_of, computed_at,"
				    " rfm_segment, value_tier, clv, churn_risk) VALUES (%" PRId64
				    ", 0, 0, '%s', 'key', %d.5, 0.%d);",
				    ids[i], i % 2 ? "champions" : "loyal", (i % 7) * 5 / 10,
				    i % 4);
			if (i % 2) /* champions, all in GB */
				seg[nseg++] = (keyed){ ids[i], revenue[i].key };
		}
	}
	db_exec(sql.buf);
	strbuf_release(&sql);
	walk_sorted("revenue", revenue, N, "tag=sortwalk");
	walk_sorted("orders", orders, N, "tag=sortwalk");
	walk_sorted("last_order_at", last, N, "tag=sortwalk");
	walk_sorted("clv", clv, N, "tag=sortwalk");
	walk_sorted("churn_risk", churn, N, "tag=sortwalk");
	/* A segment with a country and a search, by revenue: the champions
	 * (odd i) are all in GB. */
	walk_sorted("revenue", seg, nseg, "tag=sortwalk&segment=champions&country=GB&q=Sorter");
	/* Rows carry the scores. */
	assert_int_equal(call("GET", "/api/customers?tag=sortwalk&sort=-clv&limit=1", ROLE_ANALYST,
			      NULL, &v),
			 200);
	{
		json_t *c = json_array_get(json_object_get(v, "customers"), 0);
		assert_string_equal(api_str(c, "value_tier"), "key");
		assert_true(json_real_value(json_object_get(c, "clv")) == 3.5);
	}
	json_decref(v);
	/* Bad values name the argument; a cursor of one direction is refused
	 * in the other. */
	assert_int_equal(call("GET", "/api/customers?segment=vip", ROLE_ANALYST, NULL, &v), 400);
	assert_string_equal(err_field(v), "segment");
	json_decref(v);
	assert_int_equal(call("GET", "/api/customers?stage=old", ROLE_ANALYST, NULL, &v), 400);
	assert_string_equal(err_field(v), "stage");
	json_decref(v);
	assert_int_equal(call("GET", "/api/customers?sort=revenue&tag=sortwalk&limit=2",
			      ROLE_ANALYST, NULL, &v),
			 200);
	{
		char path[512];
		snprintf(path, sizeof(path), "/api/customers?tag=sortwalk&sort=-revenue&cursor=%s",
			 api_str(v, "next_cursor"));
		json_decref(v);
		assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 400);
		assert_string_equal(err_field(v), "cursor");
		json_decref(v);
	}
}

static void bulk_tags(void **state)
{
	int64_t a, b, c;
	char body[256], tgt[64];
	json_t *v, *en;
	size_t i, audited = 0;
	(void)state;
	a = add_customer("{\"name\":\"Bulk A\",\"tags\":[\"keep\",\"drop\"]}");
	b = add_customer("{\"name\":\"Bulk B\"}");
	c = add_customer("{\"name\":\"Bulk C\",\"tags\":[\"bulk-x\"]}");
	snprintf(body, sizeof(body),
		 "{\"ids\":[%" PRId64 ",%" PRId64 ",%" PRId64 "],\"add\":[\" bulk-x \"],"
		 "\"remove\":[\"drop\"]}",
		 a, b, c);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT, body, &v), 200);
	assert_int_equal(json_array_size(json_object_get(v, "changed")), 2); /* c had it */
	assert_int_equal(int_at(v, "unchanged"), 1);
	json_decref(v);
	assert_int_equal(count("/api/customers?tag=bulk-x", ROLE_ANALYST), 3);
	assert_int_equal(count("/api/customers?tag=drop", ROLE_ANALYST), 0);
	snprintf(tgt, sizeof(tgt), "/api/customers/%" PRId64, a);
	assert_int_equal(call("GET", tgt, ROLE_AGENT, NULL, &v), 200);
	{
		json_t *tags = json_object_get(json_object_get(v, "customer"), "tags");
		assert_int_equal(json_array_size(tags), 2);
		assert_string_equal(json_string_value(json_array_get(tags, 0)), "keep");
		assert_string_equal(json_string_value(json_array_get(tags, 1)), "bulk-x");
	}
	json_decref(v);
	/* Audited once per customer changed. */
	assert_int_equal(call("GET", "/api/audit?limit=20", ROLE_ADMIN, NULL, &v), 200);
	json_array_foreach(json_object_get(v, "entries"), i, en) audited +=
		strcmp(api_str(en, "action"), "customer.tags") == 0;
	assert_int_equal(audited, 2);
	json_decref(v);
	/* One unknown customer: nothing changes. */
	snprintf(body, sizeof(body),
		 "{\"ids\":[%" PRId64 ",999999],\"remove\":[\"bulk-x\"]}", b);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT, body, NULL), 404);
	assert_int_equal(count("/api/customers?tag=bulk-x", ROLE_ANALYST), 3);
	/* Shapes and roles. */
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT, "{\"ids\":[]}", &v), 422);
	assert_string_equal(err_field(v), "ids");
	json_decref(v);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT,
			      "{\"ids\":[1],\"add\":\"x\"}", &v),
			 400);
	assert_string_equal(err_field(v), "add");
	json_decref(v);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT,
			      "{\"ids\":[\"1\"],\"add\":[\"x\"]}", NULL),
			 400);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT,
			      "{\"ids\":[1],\"add\":[\"x\"],\"colour\":1}", NULL),
			 400);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT, "{\"ids\":[1]}", NULL),
			 422);
	assert_int_equal(call("POST", "/api/customers/tags", ROLE_MARKETER, body, NULL), 403);
	{
		strbuf big = STRBUF_INIT;
		strbuf_adds(&big, "{\"add\":[\"x\"],\"ids\":[1");
		for (int k = 0; k < 1000; k++)
			strbuf_adds(&big, ",1");
		strbuf_adds(&big, "]}");
		assert_int_equal(call("POST", "/api/customers/tags", ROLE_AGENT, big.buf, NULL),
				 422);
		strbuf_release(&big);
	}
}

static void search_and_filters(void **state)
{
	int64_t a, b;
	(void)state;
	a = add_customer("{\"name\":\"张伟\",\"email\":\"zhang.wei@example.cn\","
			 "\"phone\":\"+8613800138000\",\"city\":\"北京\",\"country\":\"中国\","
			 "\"tags\":[\"cn-test\"]}");
	b = add_customer("{\"name\":\"张伟明\",\"city\":\"上海\",\"country\":\"CN\","
			 "\"tags\":[\"cn-test\"]}");
	add_customer("{\"name\":\"Oliver Smith\",\"email\":\"oliver@example.com\","
		     "\"phone\":\"07700 900456\",\"tags\":[\"uk-test\"],\"city\":\"Leeds\"}");
	/* Chinese fragments: 2 characters through the gram index, 3 through
	 * the trigram index, 1 character too. */
	assert_int_equal(count("/api/customers?q=%E5%BC%A0%E4%BC%9F", ROLE_ANALYST), 2); /* 张伟 */
	assert_int_equal(count("/api/customers?q=%E4%BC%9F%E6%98%8E", ROLE_ANALYST), 1); /* 伟明 */
	assert_int_equal(count("/api/customers?q=%E5%BC%A0%E4%BC%9F%E6%98%8E", ROLE_ANALYST),
			 1); /* 张伟明 */
	assert_int_equal(count("/api/customers?q=%E4%BC%9F&tag=cn-test", ROLE_ANALYST), 2); /* 伟 */
	assert_int_equal(count("/api/customers?q=%E6%98%8E%E4%BC%9F", ROLE_ANALYST), 0); /* 明伟 */
	/* Latin fragments, any case. */
	assert_int_equal(count("/api/customers?q=liver%20sm", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?q=OLIVER", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?q=ol&tag=uk-test", ROLE_ANALYST), 1);
	/* Exact email (normalised) and phone (national form, [import] region). */
	assert_int_equal(count("/api/customers?q=%20Zhang.Wei@EXAMPLE.cn", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?q=07700%20900456", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?q=%2B86%20138%200013%208000", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?q=nobody@example.com", ROLE_ANALYST), 0);
	/* Filters. */
	assert_int_equal(count("/api/customers?tag=cn-test", ROLE_ANALYST), 2);
	assert_int_equal(count("/api/customers?country=China&tag=cn-test", ROLE_ANALYST), 2);
	assert_int_equal(count("/api/customers?city=%E4%B8%8A%E6%B5%B7", ROLE_ANALYST), 1);
	assert_int_equal(count("/api/customers?tag=cn-test&created_from=2000-01-01", ROLE_ANALYST),
			 2);
	assert_int_equal(count("/api/customers?tag=cn-test&created_to=2000-01-01", ROLE_ANALYST),
			 0);
	/* A renamed cust is found by the new name only. */
	{
		char path[64];
		snprintf(path, sizeof(path), "/api/customers/%" PRId64, b);
		assert_int_equal(call("PATCH", path, ROLE_AGENT, "{\"name\":\"李明\"}", NULL), 200);
		assert_int_equal(count("/api/customers?q=%E4%BC%9F%E6%98%8E", ROLE_ANALYST), 0);
		assert_int_equal(count("/api/customers?q=%E6%9D%8E%E6%98%8E", ROLE_ANALYST), 1);
	}
	(void)a;
}

static void masking_per_role(void **state)
{
	json_t *v, *c, *rows;
	char path[64];
	int64_t id;
	(void)state;
	id = add_customer("{\"name\":\"Mask Me\",\"email\":\"alice@example.com\","
			  "\"phone\":\"+447700900123\",\"address\":\"1 High St\","
			  "\"tags\":[\"mask-test\"]}");
	/* The list, as analyst and marketer (no personal-data permission). */
	for (int role = ROLE_ANALYST; role <= ROLE_MARKETER; role++) {
		assert_int_equal(
			call("GET", "/api/customers?tag=mask-test", (user_role)role, NULL, &v),
			200);
		rows = json_object_get(v, "customers");
		assert_int_equal(json_array_size(rows), 1);
		assert_string_equal(api_str(json_array_get(rows, 0), "email"), "a***@example.com");
		assert_string_equal(api_str(json_array_get(rows, 0), "phone"), "+44*******123");
		json_decref(v);
	}
	/* The 360 view as analyst: masked, address hidden; not audited. */
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, id);
	assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 200);
	c = json_object_get(v, "customer");
	assert_string_equal(api_str(c, "email"), "a***@example.com");
	assert_string_equal(api_str(c, "phone"), "+44*******123");
	assert_true(json_is_null(json_object_get(c, "address")));
	assert_string_equal(api_str(c, "personal_data"), "masked");
	json_decref(v);
	/* As agent: shown, and the read is in the audit log. */
	assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
	c = json_object_get(v, "customer");
	assert_string_equal(api_str(c, "email"), "alice@example.com");
	assert_string_equal(api_str(c, "phone"), "+447700900123");
	assert_string_equal(api_str(c, "address"), "1 High St");
	json_decref(v);
	assert_int_equal(call("GET", "/api/audit?limit=5", ROLE_ADMIN, NULL, &v), 200);
	{
		json_t *en = json_array_get(json_object_get(v, "entries"), 0);
		char tgt[64];
		snprintf(tgt, sizeof(tgt), "customer:%" PRId64, id);
		assert_string_equal(api_str(en, "action"), "customer.read");
		assert_string_equal(api_str(en, "target"), tgt);
	}
	json_decref(v);
	/* Export needs the permission. */
	snprintf(path, sizeof(path), "/api/customers/%" PRId64 "/export", id);
	assert_int_equal(call("GET", path, ROLE_MARKETER, NULL, NULL), 403);
	assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
	assert_string_equal(api_str(json_object_get(v, "customer"), "email"), "alice@example.com");
	json_decref(v);
}

/* ---- products, orders, interactions ---- */

static void products(void **state)
{
	json_t *v;
	char path[64];
	int64_t id;
	(void)state;
	assert_int_equal(call("POST", "/api/products", ROLE_MANAGER,
			      "{\"sku\":\"MUG-1\",\"name\":\"Mug\",\"price\":1250,\"cost\":400,"
			      "\"currency\":\"GBP\",\"category\":\"kitchen\"}",
			      &v),
			 201);
	id = int_at(json_object_get(v, "product"), "id");
	json_decref(v);
	assert_int_equal(call("POST", "/api/products", ROLE_MANAGER, "{\"sku\":\"MUG-1\"}", &v),
			 409);
	assert_string_equal(err_field(v), "sku");
	json_decref(v);
	assert_int_equal(call("POST", "/api/products", ROLE_MANAGER, "{\"name\":\"no sku\"}", &v),
			 400);
	assert_string_equal(err_field(v), "sku");
	json_decref(v);
	assert_int_equal(
		call("POST", "/api/products", ROLE_MANAGER, "{\"sku\":\"X\",\"price\":-1}", &v),
		422);
	assert_string_equal(err_field(v), "price");
	json_decref(v);
	assert_int_equal(call("POST", "/api/products", ROLE_AGENT, "{\"sku\":\"Y\"}", NULL), 403);
	snprintf(path, sizeof(path), "/api/products/%" PRId64, id);
	assert_int_equal(call("PATCH", path, ROLE_MANAGER, "{\"price\":0}", &v), 200);
	assert_int_equal(int_at(json_object_get(v, "product"), "price"), 0);
	assert_int_equal(int_at(json_object_get(v, "product"), "cost"), 400);
	json_decref(v);
	assert_int_equal(call("PATCH", path, ROLE_MANAGER, "{\"sku\":\"OTHER\"}", &v), 422);
	assert_string_equal(err_field(v), "sku");
	json_decref(v);
	assert_int_equal(call("GET", path, ROLE_VIEWER, NULL, &v), 200);
	assert_string_equal(api_str(json_object_get(v, "product"), "name"), "Mug");
	json_decref(v);
	assert_int_equal(call("GET", "/api/products?category=kitchen", ROLE_VIEWER, NULL, &v), 200);
	assert_int_equal(json_array_size(json_object_get(v, "products")), 1);
	json_decref(v);
	assert_int_equal(call("GET", "/api/products/999999", ROLE_VIEWER, NULL, NULL), 404);
}

static size_t orders_of(int64_t cust)
{
	char path[96];
	json_t *v;
	size_t n;

	snprintf(path, sizeof(path), "/api/orders?customer=%" PRId64, cust);
	assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 200);
	n = json_array_size(json_object_get(v, "orders"));
	json_decref(v);
	return n;
}

static void orders_idempotent(void **state)
{
	const char *order_json =
		"{\"external_id\":\"web-1001\",\"placed_at\":\"2026-03-01T10:00:00Z\","
		"\"currency\":\"GBP\",\"shipping\":300,"
		"\"customer\":{\"email\":\"buyer@example.com\",\"name\":\"Bea Buyer\"},"
		"\"items\":[{\"sku\":\"TEA-1\",\"name\":\"Tea\",\"qty\":2,"
		"\"unit_price\":450},{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":1250}]}";
	json_t *v, *o;
	int64_t id, cust;
	char path[64];
	(void)state;
	assert_int_equal(call("POST", "/api/orders", ROLE_AGENT, order_json, &v), 201);
	o = json_object_get(v, "order");
	id = int_at(o, "id");
	cust = int_at(o, "customer_id");
	/* 2 x 4.50 + 12.50 = 21.50, + 3.00 shipping. */
	assert_int_equal(int_at(o, "subtotal"), 2150);
	assert_int_equal(int_at(o, "total"), 2450);
	assert_int_equal(int_at(o, "item_count"), 3);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 2);
	assert_string_equal(api_str(json_array_get(json_object_get(o, "items"), 0), "sku"), "TEA-1");
	json_decref(v);
	/* The same order again, twice: 200, the same order, still one. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call("POST", "/api/orders", ROLE_AGENT, order_json, &v), 200);
		assert_int_equal(int_at(json_object_get(v, "order"), "id"), id);
		json_decref(v);
	}
	assert_int_equal(orders_of(cust), 1);
	/* Other content under the same id: 409, nothing changed. */
	assert_int_equal(call("POST", "/api/orders", ROLE_AGENT,
			      "{\"external_id\":\"web-1001\",\"placed_at\":1772359200,"
			      "\"currency\":\"GBP\",\"total\":1}",
			      &v),
			 409);
	assert_string_equal(err_field(v), "external_id");
	json_decref(v);
	snprintf(path, sizeof(path), "/api/orders/%" PRId64, id);
	assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 200);
	assert_int_equal(int_at(json_object_get(v, "order"), "total"), 2450);
	/* Guest emails and the like are masked for analysts; the customer's
	 * email is not on the order. */
	json_decref(v);
	/* Bad input. */
	assert_int_equal(call("POST", "/api/orders", ROLE_AGENT,
			      "{\"placed_at\":1,\"currency\":\"GBP\"}", &v),
			 400);
	assert_string_equal(err_field(v), "external_id");
	json_decref(v);
	assert_int_equal(
		call("POST", "/api/orders", ROLE_AGENT,
		     "{\"external_id\":\"w2\",\"placed_at\":1772359200,\"currency\":\"GBP\","
		     "\"items\":[{\"sku\":\"TEA-1\",\"qty\":0,\"unit_price\":450}]}",
		     &v),
		422);
	assert_string_equal(err_field(v), "items.0.qty");
	json_decref(v);
	assert_int_equal(
		call("POST", "/api/orders", ROLE_AGENT,
		     "{\"external_id\":\"w3\",\"placed_at\":1772359200,\"currency\":\"POUNDS\"}",
		     &v),
		422);
	assert_string_equal(err_field(v), "currency");
	json_decref(v);
	assert_int_equal(
		call("POST", "/api/orders", ROLE_AGENT,
		     "{\"external_id\":\"w4\",\"placed_at\":1772359200,\"currency\":\"GBP\","
		     "\"customer_id\":999999}",
		     &v),
		422);
	assert_string_equal(err_field(v), "customer_id");
	json_decref(v);
	assert_int_equal(call("GET", "/api/orders/999999", ROLE_ANALYST, NULL, NULL), 404);
	/* Nothing of the refused ones was stored. */
	assert_int_equal(call("GET", "/api/orders?limit=200", ROLE_ANALYST, NULL, &v), 200);
	{
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(v, "orders"), i, it)
			assert_true(strcmp(api_str(it, "external_id"), "w2") != 0 &&
				    strcmp(api_str(it, "external_id"), "w4") != 0);
	}
	json_decref(v);
}

static void orders_pages(void **state)
{
	int64_t cust = add_customer("{\"name\":\"Many Orders\",\"email\":\"many@example.com\"}");
	char body[256], path[512], cursor[256] = "";
	int seen[12] = {0}, total = 0;
	(void)state;
	for (int i = 0; i < 12; i++) {
		/* Two orders share each timestamp: the keyset breaks ties by id. */
		snprintf(body, sizeof(body),
			 "{\"external_id\":\"pg-%d\",\"placed_at\":%d,\"currency\":\"EUR\","
			 "\"customer_id\":%" PRId64 ",\"total\":%d}",
			 i, 1700000000 + (i / 2) * 60, cust, 100 + i);
		assert_int_equal(call("POST", "/api/orders", ROLE_AGENT, body, NULL), 201);
	}
	for (int pages = 0; pages < 20; pages++) {
		json_t *v, *it;
		size_t i;
		int64_t prev_at = INT64_MAX;
		snprintf(path, sizeof(path), "/api/orders?customer=%" PRId64 "&limit=5%s%s", cust,
			 cursor[0] ? "&cursor=" : "", cursor);
		assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, &v), 200);
		json_array_foreach(json_object_get(v, "orders"), i, it)
		{
			int k = (int)int_at(it, "total") - 100;
			assert_true(k >= 0 && k < 12);
			seen[k]++;
			total++;
			assert_true(int_at(it, "placed_at") <= prev_at); /* newest first */
			prev_at = int_at(it, "placed_at");
		}
		if (json_is_null(json_object_get(v, "next_cursor"))) {
			json_decref(v);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", api_str(v, "next_cursor"));
		json_decref(v);
	}
	assert_int_equal(total, 12);
	for (int i = 0; i < 12; i++)
		assert_int_equal(seen[i], 1);
	/* The 360 view shows them with totals. */
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, cust);
	{
		json_t *v;
		assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
		assert_int_equal(int_at(json_object_get(v, "totals"), "orders"), 12);
		assert_int_equal(int_at(json_object_get(v, "totals"), "revenue"),
				 12 * 100 + (11 * 12) / 2);
		assert_int_equal(json_array_size(json_object_get(v, "orders")), 12);
		assert_true(json_is_null(json_object_get(v, "scores")));
		json_decref(v);
	}
}

static void interactions(void **state)
{
	int64_t cust = add_customer("{\"name\":\"Chatty\",\"email\":\"chatty@example.com\"}");
	char body[256], path[96];
	json_t *v;
	(void)state;
	snprintf(body, sizeof(body),
		 "{\"customer_id\":%" PRId64 ",\"channel\":\"chat\",\"subject\":\"Where is my "
		 "parcel?\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}",
		 cust);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT, body, &v), 201);
	assert_string_equal(api_str(json_object_get(v, "interaction"), "channel"), "chat");
	json_decref(v);
	snprintf(body, sizeof(body),
		 "{\"customer_id\":%" PRId64 ",\"channel\":\"phone\",\"direction\":\"outbound\"}",
		 cust);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT, body, NULL), 201);
	snprintf(body, sizeof(body), "{\"customer_id\":%" PRId64 ",\"channel\":\"fax\"}", cust);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT, body, &v), 422);
	assert_string_equal(err_field(v), "channel");
	json_decref(v);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT,
			      "{\"customer_id\":999999,\"channel\":\"web\"}", &v),
			 422);
	assert_string_equal(err_field(v), "customer_id");
	json_decref(v);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT, "{\"channel\":\"web\"}", &v),
			 400);
	assert_string_equal(err_field(v), "customer_id");
	json_decref(v);
	snprintf(path, sizeof(path), "/api/interactions?customer=%" PRId64, cust);
	assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
	assert_int_equal(json_array_size(json_object_get(v, "interactions")), 2);
	/* Newest first: the one logged now, then the chat of 2026-03-02. */
	assert_string_equal(
		api_str(json_array_get(json_object_get(v, "interactions"), 1), "subject"),
		"Where is my parcel?");
	json_decref(v);
	assert_int_equal(call("GET", path, ROLE_MARKETER, NULL, NULL), 403);
	assert_int_equal(call("GET", "/api/interactions", ROLE_AGENT, NULL, NULL), 400);
	assert_int_equal(call("GET", "/api/interactions?customer=999999", ROLE_AGENT, NULL, NULL),
			 404);
}

/* ---- merge, erasure, duplicates ---- */

static void merge_and_unmerge(void **state)
{
	int64_t keep, other;
	char path[96], body[96];
	json_t *v;
	(void)state;
	keep = add_customer("{\"name\":\"Merge Keep\",\"email\":\"keep@example.com\"}");
	other = add_customer("{\"name\":\"Merge Other\",\"phone\":\"+447700900999\"}");
	snprintf(body, sizeof(body),
		 "{\"external_id\":\"mg-1\",\"placed_at\":1772359200,\"currency\":\"GBP\","
		 "\"customer_id\":%" PRId64 ",\"total\":500}",
		 other);
	assert_int_equal(call("POST", "/api/orders", ROLE_AGENT, body, NULL), 201);
	snprintf(path, sizeof(path), "/api/customers/%" PRId64 "/merge", keep);
	snprintf(body, sizeof(body), "{\"other\":%" PRId64 "}", other);
	assert_int_equal(call("POST", path, ROLE_AGENT, body, &v), 200);
	assert_true(int_at(v, "merge_id") > 0);
	json_decref(v);
	assert_int_equal(orders_of(keep), 1);
	/* Merged-away records leave the list; its phone finds the kept one. */
	assert_int_equal(count("/api/customers?q=%2B447700900999", ROLE_AGENT), 1);
	assert_int_equal(call("POST", path, ROLE_AGENT, body, NULL), 409);
	assert_int_equal(call("POST", path, ROLE_AGENT, "{\"other\":999999}", NULL), 404);
	assert_int_equal(call("POST", path, ROLE_AGENT, "{\"other\":\"x\"}", NULL), 400);
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, other);
	assert_int_equal(call("PATCH", path, ROLE_AGENT, "{\"name\":\"x\"}", NULL), 409);
	snprintf(path, sizeof(path), "/api/customers/%" PRId64 "/unmerge", other);
	assert_int_equal(call("POST", path, ROLE_AGENT, NULL, NULL), 200);
	assert_int_equal(orders_of(keep), 0);
	assert_int_equal(orders_of(other), 1);
	assert_int_equal(call("POST", path, ROLE_AGENT, NULL, NULL), 404);
}

static void erasure_keeps_orders_anonymised(void **state)
{
	int64_t id, order_id;
	char path[96], body[512];
	json_t *v, *c, *o;
	(void)state;
	id = add_customer("{\"external_id\":\"erase-me\",\"name\":\"Eve Erase\","
			  "\"email\":\"eve@example.com\",\"phone\":\"+447700900777\","
			  "\"address\":\"2 Low Rd\",\"country\":\"GB\",\"tags\":[\"gone\"]}");
	snprintf(body, sizeof(body),
		 "{\"external_id\":\"er-1\",\"placed_at\":1772359200,\"currency\":\"GBP\","
		 "\"customer_id\":%" PRId64 ",\"guest_email\":\"eve@example.com\","
		 "\"attributes\":{\"note\":\"ring twice\"},"
		 "\"items\":[{\"sku\":\"TEA-1\",\"qty\":3,\"unit_price\":450}]}",
		 id);
	assert_int_equal(call("POST", "/api/orders", ROLE_AGENT, body, &v), 201);
	order_id = int_at(json_object_get(v, "order"), "id");
	json_decref(v);
	snprintf(body, sizeof(body),
		 "{\"customer_id\":%" PRId64
		 ",\"channel\":\"email\",\"body\":\"my address is ...\"}",
		 id);
	assert_int_equal(call("POST", "/api/interactions", ROLE_AGENT, body, NULL), 201);
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, id);
	assert_int_equal(call("DELETE", path, ROLE_AGENT, NULL, NULL), 403);
	assert_int_equal(call("DELETE", path, ROLE_MANAGER, NULL, &v), 200);
	assert_int_equal(int_at(v, "records"), 1);
	json_decref(v);
	assert_int_equal(call("GET", path, ROLE_MANAGER, NULL, &v), 200);
	c = json_object_get(v, "customer");
	assert_string_equal(api_str(c, "name"), "erased customer");
	assert_true(json_is_null(json_object_get(c, "email")));
	assert_true(json_is_null(json_object_get(c, "phone")));
	assert_true(json_is_null(json_object_get(c, "address")));
	assert_true(json_is_null(json_object_get(c, "external_id")));
	assert_string_equal(api_str(c, "country"), "GB");
	assert_true(int_at(c, "erased_at") > 0);
	assert_int_equal(json_array_size(json_object_get(c, "tags")), 0);
	/* The order stays, with its money and lines, without personal data. */
	o = json_array_get(json_object_get(v, "orders"), 0);
	assert_int_equal(int_at(o, "id"), order_id);
	assert_int_equal(int_at(o, "total"), 1350);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	assert_true(json_is_null(json_object_get(o, "guest_email")));
	assert_int_equal(json_object_size(json_object_get(o, "attributes")), 0);
	assert_true(json_is_null(
		json_object_get(json_array_get(json_object_get(v, "interactions"), 0), "body")));
	assert_int_equal(int_at(json_object_get(v, "totals"), "revenue"), 1350);
	json_decref(v);
	/* Nothing finds the person any more. */
	assert_int_equal(count("/api/customers?q=eve@example.com", ROLE_AGENT), 0);
	assert_int_equal(count("/api/customers?q=%2B447700900777", ROLE_AGENT), 0);
	assert_int_equal(count("/api/customers?q=Eve%20Erase", ROLE_AGENT), 0);
	assert_int_equal(count("/api/customers?q=erase-me", ROLE_AGENT), 0);
	assert_int_equal(count("/api/customers?tag=gone", ROLE_AGENT), 0);
	/* Final: no second erasure, no changes. */
	assert_int_equal(call("DELETE", path, ROLE_MANAGER, NULL, NULL), 409);
	assert_int_equal(call("PATCH", path, ROLE_AGENT, "{\"name\":\"Eve\"}", NULL), 409);
	assert_int_equal(call("DELETE", "/api/customers/999999", ROLE_MANAGER, NULL, NULL), 404);
	/* Recorded. */
	assert_int_equal(call("GET", "/api/audit?limit=20", ROLE_ADMIN, NULL, &v), 200);
	{
		size_t i;
		json_t *en;
		bool found = false;
		char tgt[64];
		snprintf(tgt, sizeof(tgt), "customer:%" PRId64, id);
		json_array_foreach(json_object_get(v, "entries"), i, en) found |=
			strcmp(api_str(en, "action"), "customer.erase") == 0 &&
			strcmp(api_str(en, "target"), tgt) == 0;
		assert_true(found);
	}
	json_decref(v);
}

static void duplicates(void **state)
{
	int64_t a, b;
	json_t *v, *p;
	size_t i;
	bool found = false;
	(void)state;
	a = add_customer("{\"name\":\"Jonathan Doubleday\",\"phone\":\"+447700900555\"}");
	b = add_customer("{\"name\":\"Jonathon Doubleday\",\"phone\":\"+447700900555\"}");
	assert_int_equal(
		call("GET", "/api/customers/duplicates?min_score=0.8", ROLE_AGENT, NULL, &v), 200);
	json_array_foreach(json_object_get(v, "pairs"), i, p)
	{
		if (int_at(json_object_get(p, "a"), "id") == a &&
		    int_at(json_object_get(p, "b"), "id") == b) {
			found = true;
			assert_true(json_is_true(json_object_get(p, "same_phone")));
		}
	}
	assert_true(found);
	json_decref(v);
	assert_int_equal(
		call("GET", "/api/customers/duplicates?min_score=2", ROLE_AGENT, NULL, NULL), 400);
	assert_int_equal(call("GET", "/api/customers/duplicates", ROLE_ANALYST, NULL, NULL), 403);

	/* One customer's: the same pair, found from either side. */
	{
		char path[96];
		snprintf(path, sizeof(path), "/api/customers/%" PRId64 "/duplicates", b);
		assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
		assert_int_equal(json_array_size(json_object_get(v, "pairs")), 1);
		p = json_array_get(json_object_get(v, "pairs"), 0);
		assert_int_equal(int_at(json_object_get(p, "a"), "id"), a);
		assert_int_equal(int_at(json_object_get(p, "b"), "id"), b);
		assert_true(json_is_true(json_object_get(p, "same_phone")));
		assert_string_equal(api_str(json_object_get(p, "a"), "name"), "Jonathan Doubleday");
		json_decref(v);
		assert_int_equal(call("GET", path, ROLE_ANALYST, NULL, NULL), 403);
		snprintf(path, sizeof(path), "/api/customers/%" PRId64 "/duplicates?min_score=x", a);
		assert_int_equal(call("GET", path, ROLE_AGENT, NULL, NULL), 400);
		assert_int_equal(
			call("GET", "/api/customers/999999/duplicates", ROLE_AGENT, NULL, NULL), 404);
	}
}

/* ---- webhooks ---- */

static long post_signed(const char *path, const char *header, const char *body)
{
	const char *h[] = {JSON_CT, header, NULL};
	api_resp r;
	long st;

	api_request(&srv, "POST", path, body, header ? h : (const char *[]){JSON_CT, NULL}, &r);
	st = r.status;
	api_resp_release(&r);
	return st;
}

/* A post refused for its signature: 401, error.code bad_signature and
 * error.message `message`. */
static void assert_unsigned(const char *path, const char *header, const char *body,
			    const char *message)
{
	const char *h[] = {JSON_CT, header, NULL};
	char code[64];
	api_resp r;
	json_t *v;

	api_request(&srv, "POST", path, body, header ? h : (const char *[]){JSON_CT, NULL}, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "bad_signature");
	v = api_json(&r);
	assert_string_equal(api_str(json_object_get(v, "error"), "message"), message);
	json_decref(v);
	api_resp_release(&r);
}

static size_t orders_named(const char *external_id)
{
	json_t *v, *it;
	size_t i, n = 0;

	assert_int_equal(call("GET", "/api/orders?limit=200", ROLE_ANALYST, NULL, &v), 200);
	json_array_foreach(json_object_get(v, "orders"), i, it) n +=
		strcmp(api_str(it, "external_id"), external_id) == 0;
	json_decref(v);
	return n;
}

static void shopify_webhook_replays(void **state)
{
	const char *body =
		"{\"id\":820982911946154508,\"name\":\"#1001\",\"email\":\"jon@example.com\","
		"\"created_at\":\"2026-03-05T12:30:00-05:00\",\"currency\":\"USD\","
		"\"total_price\":\"254.98\",\"subtotal_price\":\"229.98\",\"total_tax\":\"15.00\","
		"\"total_discounts\":\"10.00\",\"financial_status\":\"paid\","
		"\"shipping_lines\":[{\"price\":\"10.00\"}],"
		"\"line_items\":[{\"sku\":\"IPOD-1\",\"title\":\"IPod Nano\",\"quantity\":1,"
		"\"price\":\"199.99\"},{\"sku\":\"\",\"title\":\"Gift wrap\",\"quantity\":2,"
		"\"price\":\"19.995\"}],"
		"\"customer\":{\"id\":115310627314723954,\"email\":\"jon@example.com\","
		"\"first_name\":\"Jon\",\"last_name\":\"Snow\",\"phone\":\"+16135551111\"},"
		"\"billing_address\":{\"city\":\"Ottawa\",\"zip\":\"K2P 1L4\","
		"\"country_code\":\"CA\",\"province\":\"Ontario\",\"address1\":\"1 Wall\"}}";
	char header[256];
	arena a;
	json_t *v, *o, *c;
	int64_t cid;
	char path[96];
	(void)state;
	arena_init(&a, 0);
	snprintf(header, sizeof(header), "X-Shopify-Hmac-Sha256: %s",
		 webhook_sign_base64(&a, SHOPIFY_SECRET, body, strlen(body)));
	/* A bad or missing signature: 401, nothing stored. */
	{
		char bad[256];
		snprintf(bad, sizeof(bad), "X-Shopify-Hmac-Sha256: %s",
			 webhook_sign_base64(&a, "wrong secret", body, strlen(body)));
		assert_unsigned("/api/webhooks/shopify/orders", bad, body,
				"X-Shopify-Hmac-Sha256 header does not match the body");
		assert_unsigned("/api/webhooks/shopify/orders", NULL, body,
				"X-Shopify-Hmac-Sha256 header is missing");
		assert_int_equal(post_signed("/api/webhooks/shopify/orders",
					     "X-Shopify-Hmac-Sha256: not base64!", body),
				 401);
		assert_int_equal(orders_named("shopify:#1001"), 0);
		assert_int_equal(count("/api/customers?q=jon@example.com", ROLE_AGENT), 0);
	}
	/* The same delivery three times: one order. */
	assert_int_equal(post_signed("/api/webhooks/shopify/orders", header, body), 201);
	assert_int_equal(post_signed("/api/webhooks/shopify/orders", header, body), 200);
	assert_int_equal(post_signed("/api/webhooks/shopify/orders", header, body), 200);
	assert_int_equal(orders_named("shopify:#1001"), 1);
	assert_int_equal(
		call("GET", "/api/customers?q=shopify:115310627314723954", ROLE_AGENT, NULL, &v),
		200);
	assert_int_equal(json_array_size(json_object_get(v, "customers")), 1);
	cid = int_at(json_array_get(json_object_get(v, "customers"), 0), "id");
	json_decref(v);
	snprintf(path, sizeof(path), "/api/customers/%" PRId64, cid);
	assert_int_equal(call("GET", path, ROLE_AGENT, NULL, &v), 200);
	c = json_object_get(v, "customer");
	assert_string_equal(api_str(c, "name"), "Jon Snow");
	assert_string_equal(api_str(c, "country"), "CA");
	assert_string_equal(api_str(c, "phone"), "+16135551111");
	o = json_array_get(json_object_get(v, "orders"), 0);
	/* Shopify's subtotal is after discounts: ours is 229.98 + 10.00. */
	assert_int_equal(int_at(o, "total"), 25498);
	assert_int_equal(int_at(o, "subtotal"), 23998);
	assert_int_equal(int_at(o, "discount"), 1000);
	assert_int_equal(int_at(o, "shipping"), 1000);
	assert_int_equal(int_at(o, "tax"), 1500);
	assert_int_equal(int_at(o, "item_count"), 3);
	assert_int_equal(int_at(json_array_get(json_object_get(o, "items"), 1), "unit_price"),
			 2000);
	assert_string_equal(api_str(json_array_get(json_object_get(o, "items"), 1), "sku"),
			    "name:Gift wrap");
	/* 12:30 at UTC-5 is 17:30Z. */
	assert_int_equal(int_at(o, "placed_at"), 1772731800);
	json_decref(v);
	/* A wrong shape, signed: 400, nothing stored. */
	{
		const char *bad =
			"{\"name\":\"#1002\",\"currency\":\"USD\",\"created_at\":"
			"\"2026-03-05T12:30:00Z\",\"line_items\":[{\"quantity\":\"one\"}]}";
		char h2[256];
		snprintf(h2, sizeof(h2), "X-Shopify-Hmac-Sha256: %s",
			 webhook_sign_base64(&a, SHOPIFY_SECRET, bad, strlen(bad)));
		assert_int_equal(post_signed("/api/webhooks/shopify/orders", h2, bad), 400);
		assert_int_equal(orders_named("shopify:#1002"), 0);
	}
	arena_release(&a);
}

static void generic_webhook_replays(void **state)
{
	const char *body = "{\"external_id\":\"hook-77\",\"placed_at\":1772359200,\"currency\":"
			   "\"EUR\",\"customer\":{\"external_id\":\"crm-9\",\"name\":\"Hook "
			   "Buyer\"},\"items\":[{\"sku\":\"TEA-1\",\"qty\":1,\"unit_price\":450}]}";
	char sig[WEBHOOK_HEX_SIZE], header[128];
	(void)state;
	webhook_sign_hex(HOOK_SECRET, body, strlen(body), sig);
	snprintf(header, sizeof(header), "X-Ecrm-Signature: sha256=%s", sig);
	assert_int_equal(post_signed("/api/webhooks/orders", "X-Ecrm-Signature: sha256=00", body),
			 401);
	sig[0] = sig[0] == '0' ? '1' : '0';
	{
		char bad[128];
		snprintf(bad, sizeof(bad), "X-Ecrm-Signature: sha256=%s", sig);
		assert_int_equal(post_signed("/api/webhooks/orders", bad, body), 401);
		assert_unsigned("/api/webhooks/orders", bad, body,
				"X-Ecrm-Signature header does not match the body");
		assert_unsigned("/api/webhooks/orders", NULL, body,
				"X-Ecrm-Signature header is missing");
	}
	assert_int_equal(orders_named("hook-77"), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(post_signed("/api/webhooks/orders", header, body), i ? 200 : 201);
	assert_int_equal(orders_named("hook-77"), 1);
	assert_int_equal(count("/api/customers?q=crm-9", ROLE_AGENT), 1);
}

/* ---- imports ---- */

static long upload(const char *query, const char *ctype, const char *csv, json_t **out)
{
	char path[256], ct[64];
	const char *h[] = {ct, bearer(ROLE_MANAGER), NULL};
	api_resp r;
	long st;

	snprintf(path, sizeof(path), "/api/imports%s", query);
	snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
	api_request(&srv, "POST", path, csv, h, &r);
	st = r.status;
	if (out)
		*out = api_json(&r);
	api_resp_release(&r);
	return st;
}

/* Polls the job until it is done or failed (20 s at most). */
static json_t *wait_job(int64_t id)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/imports/%" PRId64 "?limit=1", id);
	for (int i = 0; i < 200; i++) {
		json_t *v;
		const char *st;
		struct timespec ts = {0, 100 * 1000000};
		assert_int_equal(call("GET", path, ROLE_MANAGER, NULL, &v), 200);
		st = api_str(json_object_get(v, "job"), "state");
		if (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0)
			return v;
		json_decref(v);
		nanosleep(&ts, NULL);
	}
	fail_msg("import job %" PRId64 " did not finish in 20 s", id);
	return NULL;
}

static void import_job_runs_with_errors(void **state)
{
	const char *csv = "customer_id,name,email,phone,city\n"
			  "imp-1,Ida Import,ida@example.com,+447700900201,York\n"
			  "imp-2,Ivan Import,ivan@example.com,not a phone,York\n"
			  "imp-3,Iris Import,iris@example.com,,Hull\n"
			  ",Nobody,,,\n"
			  "imp-4,Igor Import,igor@example.com,07700 900204,Bath\n";
	json_t *v, *job, *sum, *errs;
	int64_t dry, id;
	char path[512];
	(void)state;
	/* Refused uploads. */
	assert_int_equal(upload("?kind=customers", "application/json", "{}", &v), 415);
	json_decref(v);
	assert_int_equal(upload("", "text/csv", csv, &v), 400);
	assert_string_equal(err_field(v), "kind");
	json_decref(v);
	assert_int_equal(upload("?kind=customers&format=nope", "text/csv", csv, &v), 422);
	assert_string_equal(err_field(v), "format");
	json_decref(v);
	assert_int_equal(upload("?kind=customers&dry_run=maybe", "text/csv", csv, &v), 400);
	json_decref(v);
	assert_int_equal(call("POST", "/api/imports?kind=customers", ROLE_AGENT, "{}", NULL), 403);

	/* A dry run counts and stores nothing. */
	assert_int_equal(upload("?kind=customers&dry_run=true&filename=c.csv", "text/csv", csv, &v),
			 202);
	dry = int_at(json_object_get(v, "job"), "id");
	assert_string_equal(api_str(json_object_get(v, "job"), "state"), "queued");
	json_decref(v);
	v = wait_job(dry);
	job = json_object_get(v, "job");
	assert_string_equal(api_str(job, "state"), "done");
	assert_int_equal(int_at(json_object_get(job, "summary"), "rows"), 5);
	assert_int_equal(
		int_at(json_object_get(json_object_get(job, "summary"), "customers"), "new"), 3);
	json_decref(v);
	assert_int_equal(count("/api/customers?q=imp-1", ROLE_AGENT), 0);

	/* The real run. */
	assert_int_equal(upload("?kind=customers", "text/csv", csv, &v), 202);
	id = int_at(json_object_get(v, "job"), "id");
	json_decref(v);
	v = wait_job(id);
	job = json_object_get(v, "job");
	assert_string_equal(api_str(job, "state"), "done");
	assert_int_equal(int_at(job, "rows"), 5);
	assert_int_equal(int_at(job, "rows_failed"), 2);
	assert_int_equal(int_at(json_object_get(job, "progress"), "bytes_done"),
			 (int64_t)strlen(csv));
	assert_int_equal(int_at(json_object_get(job, "progress"), "bytes_total"),
			 (int64_t)strlen(csv));
	sum = json_object_get(job, "summary");
	assert_string_equal(api_str(sum, "format"), "generic");
	assert_int_equal(int_at(json_object_get(sum, "customers"), "new"), 3);
	json_decref(v);
	assert_int_equal(count("/api/customers?q=imp-4", ROLE_AGENT), 1);
	assert_int_equal(count("/api/customers?q=%2B447700900204", ROLE_AGENT), 1);
	/* The bad rows, one page at a time (limit=1). */
	snprintf(path, sizeof(path), "/api/imports/%" PRId64 "?limit=1", id);
	assert_int_equal(call("GET", path, ROLE_MANAGER, NULL, &v), 200);
	errs = json_object_get(v, "errors");
	assert_int_equal(json_array_size(errs), 1);
	assert_int_equal(int_at(json_array_get(errs, 0), "line"), 3);
	assert_int_equal(int_at(json_array_get(errs, 0), "column"), 4);
	assert_string_equal(api_str(json_array_get(errs, 0), "column_name"), "phone");
	snprintf(path, sizeof(path), "/api/imports/%" PRId64 "?limit=1&cursor=%s", id,
		 api_str(v, "next_cursor"));
	json_decref(v);
	assert_int_equal(call("GET", path, ROLE_MANAGER, NULL, &v), 200);
	errs = json_object_get(v, "errors");
	assert_int_equal(json_array_size(errs), 1);
	assert_int_equal(int_at(json_array_get(errs, 0), "line"), 5);
	assert_int_equal(int_at(json_array_get(errs, 0), "column"), 0);
	assert_non_null(strstr(api_str(json_array_get(errs, 0), "reason"), "no id, email or phone"));
	assert_true(json_is_null(json_object_get(v, "next_cursor")));
	json_decref(v);
	/* Listed newest first; counted in /metrics. */
	assert_int_equal(call("GET", "/api/imports", ROLE_MANAGER, NULL, &v), 200);
	assert_int_equal(int_at(json_array_get(json_object_get(v, "jobs"), 0), "id"), id);
	json_decref(v);
	assert_int_equal(call("GET", "/api/imports/999999", ROLE_MANAGER, NULL, NULL), 404);
	{
		const char *h[] = {bearer(ROLE_VIEWER), NULL};
		api_resp r;
		api_request(&srv, "GET", "/metrics", NULL, h, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body.buf, "ecrm_import_jobs{state=\"done\"} 2\n"));
		api_resp_release(&r);
	}
	/* A file no format reads: the job fails and says why. */
	assert_int_equal(upload("?kind=orders", "text/csv", "a;b\n1;2\n", &v), 202);
	id = int_at(json_object_get(v, "job"), "id");
	json_decref(v);
	v = wait_job(id);
	assert_string_equal(api_str(json_object_get(v, "job"), "state"), "failed");
	assert_non_null(strstr(api_str(json_object_get(v, "job"), "error"), "format"));
	json_decref(v);
}

/* The runner reads numeric dates in the order ecrm.conf says (dmy here),
 * as `ecrm import` does. */
static void import_job_reads_dates_as_configured(void **state)
{
	const char *csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
			  "CustomerID,Country\n"
			  "dmy-1,D1,DATED MUG,1,04/05/2024 10:00,3.50,dmy-c1,United Kingdom\n";
	json_t *v, *orders;
	int64_t id;
	(void)state;
	assert_int_equal(upload("?kind=orders", "text/csv", csv, &v), 202);
	id = int_at(json_object_get(v, "job"), "id");
	json_decref(v);
	v = wait_job(id);
	assert_string_equal(api_str(json_object_get(v, "job"), "state"), "done");
	json_decref(v);
	/* 4 May 2024, not 5 April. */
	assert_int_equal(call("GET", "/api/orders?from=2024-05-04T00:00:00Z&to=2024-05-04T23:59:59Z",
			      ROLE_ANALYST, NULL, &v),
			 200);
	orders = json_object_get(v, "orders");
	assert_int_equal(json_array_size(orders), 1);
	assert_int_equal(int_at(json_array_get(orders, 0), "placed_at"), 1714816800);
	json_decref(v);
}

static void body_limit_is_413(void **state)
{
	size_t n = (1 << 20) + 10;
	char *big = malloc(n + 1);
	(void)state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	assert_int_equal(call("POST", "/api/customers", ROLE_AGENT, big, NULL), 413);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(customer_create_validate_update),
		cmocka_unit_test(pagination_walks_everyone_once),
		cmocka_unit_test(search_and_filters),
		cmocka_unit_test(sorts_by_totals_and_scores),
		cmocka_unit_test(bulk_tags),
		cmocka_unit_test(masking_per_role),
		cmocka_unit_test(products),
		cmocka_unit_test(orders_idempotent),
		cmocka_unit_test(orders_pages),
		cmocka_unit_test(interactions),
		cmocka_unit_test(merge_and_unmerge),
		cmocka_unit_test(erasure_keeps_orders_anonymised),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(shopify_webhook_replays),
		cmocka_unit_test(generic_webhook_replays),
		cmocka_unit_test(import_job_runs_with_errors),
		cmocka_unit_test(import_job_reads_dates_as_configured),
		cmocka_unit_test(body_limit_is_413),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
