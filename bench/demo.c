/* demo.c: speed of `ecrm demo` (the whole generator) and of the domain
 * inserts it is made of, each against a plain prepared INSERT of the same
 * row without RETURNING, so the cost of the domain layer's statements is
 * visible. Prints tables; asserts nothing about time.
 * Usage: bench_demo [customers, default 50000] [rows per insert test, default 20000] */
#include "core/common.h"
#include "demo/demo.h"
#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/order.h"
#include "domain/pii.h"
#include "domain/product.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: on a shared machine wall time mostly
 * measures the neighbours. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall0, cpu0;

static void start(void)
{
	wall0 = now();
	cpu0 = cpu();
}

static char path[256];

static void drop_db(void)
{
	char p[300];
	remove(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	remove(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	remove(p);
}

static store *fresh(void)
{
	/* A throwaway key: the benchmark measures sealing, not key handling. */
	static pii_keys *keys;
	store *st = NULL;
	err e;

	drop_db();
	if ((!keys && pii_keys_from_hex("0123456789abcdef0123456789abcdef"
					"0123456789abcdef0123456789abcdef",
					&keys, &e)) ||
	    store_open(path, STORE_CREATE, &st, &e) || pii_attach(st, keys, &e)) {
		fprintf(stderr, "bench_demo: %s\n", e.msg);
		exit(1);
	}
	return st;
}

static void check(status rc, const err *e)
{
	if (rc) {
		fprintf(stderr, "bench_demo: %s\n", e->msg);
		exit(1);
	}
}

static void row(const char *what, int64_t n)
{
	double w = now() - wall0, c = cpu() - cpu0;
	printf("| %-52s | %9" PRId64 " | %7.2f | %7.2f | %7.2f |\n", what, n, w, c,
	       c / (double)n * 1e6);
}

/* A product to point order lines at. */
static int64_t one_product(store *st)
{
	product p = {.sku = "B-1", .name = "Bench mug", .price = 899, .cost = {400, true}};
	err e;
	check(product_save(st, &p, NULL, &e), &e);
	return p.id;
}

static void customers_domain(int64_t n)
{
	store *st = fresh();
	err e;

	start();
	check(store_begin(st, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		char ext[32], mail[64];
		customer c;
		customer_init(&c);
		snprintf(ext, sizeof(ext), "B-%07" PRId64, i);
		snprintf(mail, sizeof(mail), "user%" PRId64 "@example.com", i * 7919 % n);
		c.external_id = ext;
		c.name = "Bench Customer";
		c.email = mail;
		c.phone = "+447700900123";
		c.city = "London";
		c.country = "GB";
		c.created_at = 1700000000 + i;
		check(customer_insert(st, &c, &e), &e);
	}
	check(store_commit(st, &e), &e);
	row("customer_insert (INSERT ... RETURNING id)", n);
	store_close(st);
}

static void customers_plain(int64_t n)
{
	static const char *const sql =
		"INSERT INTO customers (external_id, name, email, phone, gender, birth_date, "
		"address, postcode, city, region, country, source, tags, attributes, created_at, "
		"updated_at, consent_email, consent_sms, consent_profiling) VALUES ($1, $2, $3, "
		"$4, "
		"NULL, NULL, NULL, NULL, $5, NULL, $6, 'import', '[]', '{}', $7, $7, 0, 0, 1)";
	store *st = fresh();
	stmt *s;
	err e;

	start();
	check(store_begin(st, &e), &e);
	check(store_prepare(st, sql, &s, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		char ext[32], mail[64];
		snprintf(ext, sizeof(ext), "B-%07" PRId64, i);
		snprintf(mail, sizeof(mail), "user%" PRId64 "@example.com", i * 7919 % n);
		stmt_reset(s);
		stmt_bind_text(s, 1, ext);
		stmt_bind_text(s, 2, "Bench Customer");
		stmt_bind_text(s, 3, mail);
		stmt_bind_text(s, 4, "+447700900123");
		stmt_bind_text(s, 5, "London");
		stmt_bind_text(s, 6, "GB");
		stmt_bind_int64(s, 7, 1700000000 + i);
		check(stmt_exec(s, &e), &e);
	}
	stmt_done(s);
	check(store_commit(st, &e), &e);
	row("  same row, plain INSERT", n);
	store_close(st);
}

static void orders_domain(int64_t n)
{
	store *st = fresh();
	int64_t pid = one_product(st);
	err e;

	start();
	check(store_begin(st, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		order_item items[3] = {{1, pid, 1, 899, {400, true}},
				       {2, pid, 2, 899, {400, true}},
				       {3, pid, 1, 899, {400, true}}};
		char ext[32];
		order o = {.placed_at = 1700000000 + i,
			   .currency = "GBP",
			   .items = items,
			   .n_items = 3};
		snprintf(ext, sizeof(ext), "B-O-%07" PRId64, i);
		o.external_id = ext;
		order_compute_totals(&o);
		check(order_insert(st, &o, &e), &e);
	}
	check(store_commit(st, &e), &e);
	row("order_insert, 3 lines (RETURNING id, upsert lines)", n);
	store_close(st);
}

static void orders_plain(int64_t n)
{
	static const char *const head =
		"INSERT INTO orders (id, external_id, customer_id, channel, status, placed_at, "
		"currency, subtotal, discount, shipping, tax, total, cogs, item_count, "
		"guest_email, "
		"attributes, created_at, updated_at) VALUES ($1, $2, NULL, 'web', 'completed', $3, "
		"'GBP', 3596, 0, 0, 0, 3596, 1600, 4, NULL, '{}', $4, $4)";
	static const char *const line = "INSERT INTO order_items (order_id, line_no, product_id, "
					"qty, unit_price, unit_cost) "
					"VALUES ($1, $2, $3, $4, 899, 400)";
	store *st = fresh();
	int64_t pid = one_product(st);
	stmt *h, *l;
	err e;

	start();
	check(store_begin(st, &e), &e);
	check(store_prepare(st, head, &h, &e), &e);
	check(store_prepare(st, line, &l, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		char ext[32];
		snprintf(ext, sizeof(ext), "B-O-%07" PRId64, i);
		stmt_reset(h);
		stmt_bind_int64(h, 1, i + 1);
		stmt_bind_text(h, 2, ext);
		stmt_bind_int64(h, 3, 1700000000 + i);
		stmt_bind_int64(h, 4, 1700000000);
		check(stmt_exec(h, &e), &e);
		for (int k = 1; k <= 3; k++) {
			stmt_reset(l);
			stmt_bind_int64(l, 1, i + 1);
			stmt_bind_int64(l, 2, k);
			stmt_bind_int64(l, 3, pid);
			stmt_bind_int64(l, 4, k == 2 ? 2 : 1);
			check(stmt_exec(l, &e), &e);
		}
	}
	stmt_done(h);
	stmt_done(l);
	check(store_commit(st, &e), &e);
	row("  same order, plain INSERTs (id given)", n);
	store_close(st);
}

static void interactions_domain(int64_t n)
{
	store *st = fresh();
	err e;

	start();
	check(store_begin(st, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		interaction it = {.channel = "chat",
				  .direction = "inbound",
				  .kind = "message",
				  .agent = "Emma Clarke",
				  .occurred_at = 1700000000 + i,
				  .subject = "Where is my order?",
				  .body = "Hi, my order has not arrived yet."};
		check(interaction_save(st, &it, NULL, &e), &e);
	}
	check(store_commit(st, &e), &e);
	row("interaction_save (upsert ... RETURNING id)", n);
	store_close(st);
}

static void interactions_plain(int64_t n)
{
	static const char *const sql =
		"INSERT INTO interactions (external_id, customer_id, channel, direction, kind, "
		"agent, occurred_at, subject, body, attributes) VALUES (NULL, NULL, $1, 'inbound', "
		"'message', $2, $3, $4, $5, '{}')";
	store *st = fresh();
	stmt *s;
	err e;

	start();
	check(store_begin(st, &e), &e);
	check(store_prepare(st, sql, &s, &e), &e);
	for (int64_t i = 0; i < n; i++) {
		stmt_reset(s);
		stmt_bind_text(s, 1, "chat");
		stmt_bind_text(s, 2, "Emma Clarke");
		stmt_bind_int64(s, 3, 1700000000 + i);
		stmt_bind_text(s, 4, "Where is my order?");
		stmt_bind_text(s, 5, "Hi, my order has not arrived yet.");
		check(stmt_exec(s, &e), &e);
	}
	stmt_done(s);
	check(store_commit(st, &e), &e);
	row("  same row, plain INSERT", n);
	store_close(st);
}

int main(int argc, char **argv)
{
	int64_t customers = argc > 1 ? strtoll(argv[1], NULL, 10) : 50000;
	int64_t rows = argc > 2 ? strtoll(argv[2], NULL, 10) : 20000;
	demo_options o;
	demo_summary s;
	struct rusage ru;
	int64_t total;
	store *st;
	err e;

	snprintf(path, sizeof(path), "%s/ecrm-bench-demo-%d.db",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	if (customers < 1 || rows < 1) {
		fprintf(stderr, "usage: bench_demo [customers] [rows per insert test]\n");
		return 2;
	}

	demo_options_default(&o);
	o.customers = customers;
	o.end = 1751328000; /* 2025-07-01: a fixed period, comparable runs */
	st = fresh();
	start();
	check(demo_generate(st, &o, &s, &e), &e);
	store_close(st);
	double gen_cpu = cpu() - cpu0;
	getrusage(RUSAGE_SELF, &ru);
	total = s.customers + s.products + s.orders + s.order_items + s.returns + s.interactions;
	printf("ecrm demo --customers %" PRId64 " (seed 1, 24 months), SQLite %s\n\n", customers,
	       path);
	printf("| phase | rows | seconds | rows/s |\n| --- | ---: | ---: | ---: |\n");
	printf("| catalogue + customers | %" PRId64 " | %.2f | %.0f |\n", s.customers + s.products,
	       s.customer_seconds, (double)(s.customers + s.products) / s.customer_seconds);
	printf("| orders, lines, returns, interactions | %" PRId64 " | %.2f | %.0f |\n",
	       s.orders + s.order_items + s.returns + s.interactions, s.order_seconds,
	       (double)(s.orders + s.order_items + s.returns + s.interactions) / s.order_seconds);
	printf("| total | %" PRId64 " | %.2f | %.0f |\n\n", total, s.seconds,
	       (double)total / s.seconds);
	printf("CPU %.2f s (%.2f us per row); ", gen_cpu, gen_cpu / (double)total * 1e6);
	printf("orders %" PRId64 ", order lines %" PRId64 " (%.2f per order), returns %" PRId64
	       ", interactions %" PRId64 "; peak RSS %ld MB\n\n",
	       s.orders, s.order_items, (double)s.order_items / (double)s.orders, s.returns,
	       s.interactions, ru.ru_maxrss / 1024);

	printf("Domain inserts against plain prepared INSERTs, one transaction, fresh "
	       "database\n\n");
	printf("| %-52s | %9s | %7s | %7s | %7s |\n", "operation", "rows", "wall s", "CPU s",
	       "CPU us/row");
	printf("| --- | ---: | ---: | ---: | ---: |\n");
	customers_domain(rows);
	customers_plain(rows);
	orders_domain(rows);
	orders_plain(rows);
	interactions_domain(rows);
	interactions_plain(rows);
	drop_db();
	return 0;
}
