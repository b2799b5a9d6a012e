/* api.c: the customer queries behind the REST API at scale.
 *   bench_api gen DB N     a database with N customers (half with Chinese
 *                          names), about 2 orders each with a line, some
 *                          interactions, through the same triggers as the
 *                          API (FTS5 trigram, name grams, tags); personal
 *                          fields sealed with the key file DB.key (made
 *                          when missing), as `ecrm` expects
 *   bench_api query DB [K] p50/p99 of customer_list for the page and search
 *                          shapes the API serves, K runs each (default 500),
 *                          each in its own read transaction as the server does
 * Prints tables; never asserts on time. bench/api.sh runs the HTTP side. */
#include "core/arena.h"
#include "domain/customer_query.h"
#include "domain/pii.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char surnames[] = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
static const char given[] = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华";

static int gen(const char *db, long n)
{
	/* A pool string's k-th character: substr is by character in SQLite. */
	static const char *const fmt =
		"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %ld) "
		"INSERT INTO customers (id, external_id, name, email, phone, city, country, tags, "
		"source, created_at, updated_at) SELECT x, 'b-' || x, "
		"CASE WHEN x %% 2 = 0 THEN substr('%s', 1 + abs(random()) %% 20, 1) || "
		"substr('%s', 1 + abs(random()) %% 20, 1) || CASE WHEN abs(random()) %% 2 = 0 "
		"THEN substr('%s', 1 + abs(random()) %% 20, 1) ELSE '' END "
		"ELSE (CASE abs(random()) %% 8 WHEN 0 THEN 'Oliver' WHEN 1 THEN 'Amelia' WHEN 2 "
		"THEN 'Jack' WHEN 3 THEN 'Olivia' WHEN 4 THEN 'Harry' WHEN 5 THEN 'Isla' WHEN 6 "
		"THEN 'George' ELSE 'Emily' END) || ' ' || (CASE abs(random()) %% 8 WHEN 0 THEN "
		"'Smith' WHEN 1 THEN 'Jones' WHEN 2 THEN 'Taylor' WHEN 3 THEN 'Brown' WHEN 4 THEN "
		"'Wilson' WHEN 5 THEN 'Evans' WHEN 6 THEN 'Thomas' ELSE 'Roberts' END) END, "
		"'user' || x || '@example.com', '+44770' || printf('%%07d', x), "
		"CASE WHEN x %% 2 = 0 THEN '上海' ELSE 'London' END, "
		"CASE WHEN x %% 2 = 0 THEN 'CN' ELSE 'GB' END, "
		"CASE WHEN x %% 10 = 0 THEN '[\"vip\"]' ELSE '[]' END, 'bench', "
		"1600000000 + x * 60, 1600000000 + x * 60 FROM n;";
	static const char *const rest =
		"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) "
		"INSERT INTO products (id, sku, name, price, currency, created_at, updated_at) "
		"SELECT x, 'SKU-' || x, 'Product ' || x, 100 + x, 'GBP', 1600000000, 1600000000 "
		"FROM n;"
		"INSERT INTO orders (external_id, customer_id, placed_at, currency, subtotal, "
		"total, "
		"item_count, created_at, updated_at) SELECT 'o-' || c.id || '-' || k.k, c.id, "
		"c.created_at + k.k * 86400, 'GBP', 1000 + c.id % 900, 1000 + c.id % 900, 1, "
		"c.created_at, c.created_at FROM customers c, (SELECT 1 AS k UNION ALL SELECT 2 "
		"UNION ALL SELECT 3 UNION ALL SELECT 4) k WHERE k.k <= c.id % 5;"
		"INSERT INTO order_items (order_id, line_no, product_id, qty, unit_price) "
		"SELECT id, 1, 1 + id % 1000, 1, total FROM orders;"
		"INSERT INTO interactions (customer_id, channel, occurred_at, subject) "
		"SELECT id, 'email', created_at + 3600, 'Hello' FROM customers WHERE id % 3 = 0;";
	char *sql, keyfile[1024];
	size_t size = strlen(fmt) + 3 * sizeof(surnames) + 64;
	pii_keys *keys = NULL;
	store *st;
	err e;
	double t0 = now(), t1, t2;

	err_clear(&e);
	sql = malloc(size);
	snprintf(sql, size, fmt, n, surnames, given, given);
	if (store_open(db, STORE_CREATE, &st, &e) || store_bulk_mode(st, true, &e) ||
	    store_begin(st, &e) || store_exec(st, sql, &e)) {
		fprintf(stderr, "gen: %s\n", e.msg);
		return 1;
	}
	t1 = now();
	if (store_exec(st, rest, &e) || store_commit(st, &e) || store_bulk_mode(st, false, &e) ||
	    store_exec(st, "ANALYZE", &e)) {
		fprintf(stderr, "gen: %s\n", e.msg);
		return 1;
	}
	t2 = now();
	/* The rows went in plain: seal them as a database from before
	 * encryption is sealed at its first open with a key. */
	snprintf(keyfile, sizeof(keyfile), "%s.key", db);
	if ((access(keyfile, F_OK) != 0 && pii_key_create(keyfile, &e)) ||
	    pii_keys_from_file(keyfile, &keys, &e) || pii_attach(st, keys, &e)) {
		fprintf(stderr, "gen: %s\n", e.msg);
		return 1;
	}
	printf("%ld customers in %.1f s (with search triggers); orders, lines, interactions "
	       "in %.1f s more; personal fields sealed in %.1f s (key %s)\n",
	       n, t1 - t0, t2 - t1, now() - t2, keyfile);
	store_close(st);
	pii_keys_free(keys);
	free(sql);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A random character of a pool of 3-byte UTF-8 characters. */
static const char *pick(const char *pool, size_t nchars, char out[4])
{
	size_t k = (size_t)rand() % nchars;
	memcpy(out, pool + 3 * k, 3);
	out[3] = '\0';
	return out;
}

typedef enum {
	S_LIST,
	S_LIST_DEEP,
	S_NAME,
	S_NAME_DESC,
	S_CREATED_DESC,
	S_COUNTRY,
	S_TAG,
	S_CN2,
	S_CN3,
	S_CN1,
	S_LATIN,
	S_LATIN2,
	S_EMAIL,
	S__COUNT
} shape;

static const char *const shape_names[S__COUNT] = {
	"list, first page (id)",
	"list, page at a random id",
	"list by name, random cursor",
	"list by -name, first page",
	"list by -created_at",
	"list country=CN",
	"list tag=vip",
	"q: 2 Chinese characters",
	"q: 3 Chinese characters",
	"q: 1 Chinese character",
	"q: Latin fragment (5)",
	"q: 2 ASCII letters",
	"q: exact email",
};

static void fill(shape s, long n, customer_query *q, arena *a)
{
	static const char *const latin[] = {"olive", "mith", "ones", "arry", "melia", "eorge"};
	static const char *const latin2[] = {"ol", "sm", "ar", "ge", "ja", "is"};
	char c1[4], c2[4], c3[4];

	memset(q, 0, sizeof(*q));
	q->limit = 50;
	switch (s) {
	case S_LIST:
		break;
	case S_LIST_DEEP:
		q->after_id = 1 + rand() % n;
		break;
	case S_NAME:
		q->sort = CUSTOMER_SORT_NAME;
		q->after_id = 1 + rand() % n;
		q->after_name = rand() % 2 ? arena_printf(a, "%s%s", pick(surnames, 20, c1),
							  pick(given, 20, c2))
					   : "Jack Smith";
		break;
	case S_NAME_DESC:
		q->sort = CUSTOMER_SORT_NAME;
		q->desc = true;
		break;
	case S_CREATED_DESC:
		q->sort = CUSTOMER_SORT_CREATED;
		q->desc = true;
		break;
	case S_COUNTRY:
		q->country = "CN";
		q->after_id = 1 + rand() % n;
		break;
	case S_TAG:
		q->tag = "vip";
		q->after_id = 1 + rand() % n;
		break;
	case S_CN2:
		q->q = arena_printf(a, "%s%s", pick(surnames, 20, c1), pick(given, 20, c2));
		break;
	case S_CN3:
		q->q = arena_printf(a, "%s%s%s", pick(surnames, 20, c1), pick(given, 20, c2),
				    pick(given, 20, c3));
		break;
	case S_CN1:
		q->q = arena_printf(a, "%s", pick(given, 20, c1));
		break;
	case S_LATIN:
		q->q = latin[rand() % 6];
		break;
	case S_LATIN2:
		q->q = latin2[rand() % 6];
		break;
	case S_EMAIL:
		q->q = arena_printf(a, "user%ld@example.com", 1 + rand() % n);
		break;
	default:
		break;
	}
}

static int query(const char *db, long k)
{
	double *t = malloc((size_t)k * sizeof(*t));
	char keyfile[1024];
	pii_keys *keys = NULL;
	int64_t n = 0;
	store *st;
	arena a;
	err e;

	err_clear(&e);
	snprintf(keyfile, sizeof(keyfile), "%s.key", db);
	if (store_open(db, 0, &st, &e) || pii_keys_from_file(keyfile, &keys, &e) ||
	    pii_attach(st, keys, &e) ||
	    store_query_int64(st, "SELECT MAX(id) FROM customers", &n, &e, 0)) {
		fprintf(stderr, "query: %s\n", e.msg);
		return 1;
	}
	arena_init(&a, 0);
	srand(42);
	printf("%-30s %10s %10s %10s %8s\n", "query (limit 50)", "p50 ms", "p99 ms", "max ms",
	       "rows");
	for (int s = 0; s < S__COUNT; s++) {
		size_t rows = 0;
		for (long i = 0; i < k; i++) {
			customer_query q;
			customer_row *r;
			size_t got;
			bool more;
			double t0;
			fill((shape)s, (long)n, &q, &a);
			t0 = now();
			if (store_begin_read(st, &e) ||
			    customer_list(st, &q, &a, &r, &got, &more, &e) ||
			    store_commit(st, &e)) {
				fprintf(stderr, "%s: %s\n", shape_names[s], e.msg);
				return 1;
			}
			t[i] = now() - t0;
			rows += got;
			arena_clear(&a);
		}
		qsort(t, (size_t)k, sizeof(*t), cmp_double);
		printf("%-30s %10.3f %10.3f %10.3f %8.1f\n", shape_names[s], 1e3 * t[k / 2],
		       1e3 * t[(size_t)((double)k * 0.99)], 1e3 * t[k - 1],
		       (double)rows / (double)k);
	}
	arena_release(&a);
	store_close(st);
	pii_keys_free(keys);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtol(argv[3], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "query") == 0)
		return query(argv[2], argc > 3 ? strtol(argv[3], NULL, 10) : 500);
	fprintf(stderr, "usage: bench_api gen DB N | bench_api query DB [K]\n");
	return 2;
}
