/* test_import.c: importing orders and customers from small files written
 * for each format and each kind of bad row; idempotency; updates; dry runs. */
#include "testutil.h"
#include "import_harness.h"
#include "domain/customer.h"
#include "domain/stats.h"
#include "ingest/import.h"
#include "ingest/merge.h"

static store *st;
static err e;

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

/* The stored profile of the customer with this email (strings live until
 * the next call). */
static customer profile_of(const char *email)
{
	static arena a;
	static bool ready;
	int64_t id;
	customer c;
	if (!ready) {
		arena_init(&a, 0);
		ready = true;
	}
	arena_clear(&a);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EMAIL, email, &id, &e), E_OK);
	assert_true(id > 0);
	assert_int_equal(customer_load(st, id, &a, &c, &e), E_OK);
	return c;
}

/* Two invoices of one customer, a cancellation, a guest invoice, and bad
 * rows: a date, a quantity, a price; line 9 is a quoted two-line field. */
static const char uci[] =
	"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
	"536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
	"536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n"
	"536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n"
	"C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-01 09:41:00,2.55,17850,United Kingdom\n"
	"536414,22139,NA,56,2010-12-01 11:52:00,0,NA,United Kingdom\n"
	"536414,22140,GUEST LINE,2,2010-12-01 11:52:00,1.00,NA,United Kingdom\n"
	"536500,22141,BAD DATE,1,2010-13-01 11:52:00,1.00,12583,France\n"
	"536501,\"22142\",\"TWO\nLINES\",x,2010-12-02 10:00:00,1.00,12583,France\n"
	"536502,22143,BAD PRICE,1,2010-12-02 10:00:00,abc,12583,France\n"
	"536503,22144,GOOD,3,2010-12-02 10:00:00,0.85,12583,France\n";

static void uci_import_counts_errors_and_is_idempotent(void **state)
{
	const char *path = test_write_file("uci.csv", uci);
	import_summary s;
	shop_stats t;
	(void)state;
	test_reopen_store(&st, "uci.db");
	s = import_harness_run(st, IMPORT_ORDERS, path, NULL);
	assert_string_equal(s.format, "uci");
	assert_int_equal(s.rows, 10);
	assert_int_equal(s.rows_failed, 3);
	assert_int_equal(s.orders_new, 4); /* 536365, 536366, 536414 (guest), 536503 */
	assert_int_equal(s.guest_orders, 1);
	assert_int_equal(s.guest_rows, 2);
	assert_int_equal(s.returns_new, 1);
	assert_int_equal(s.customers_new, 2);
	t = import_harness_stats(st);
	assert_int_equal(t.customers, 2);
	assert_int_equal(t.orders, 4);
	assert_int_equal(t.order_items, 6);
	assert_int_equal(t.returns, 1);
	/* Cancellations are returns, never revenue. */
	assert_int_equal(test_query_int64(st, "SELECT SUM(total) FROM orders WHERE customer_id = "
			       "(SELECT id FROM customers WHERE external_id = '17850')"),
			 6 * 255 + 6 * 339 + 6 * 185);
	assert_int_equal(test_query_int64(st, "SELECT amount FROM returns"), 255);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE country = 'GB'"), 1);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE country = 'FR'"), 1);

	const char *errs = test_read_file(s.errors_path);
	assert_non_null(strstr(errs, "line,column,reason,InvoiceNo,"));
	assert_non_null(strstr(errs, "\n8,5,"));  /* bad month on line 8, column 5 */
	assert_non_null(strstr(errs, "\n9,4,"));  /* quantity x on line 9 */
	assert_non_null(strstr(errs, "\n11,6,")); /* price on line 11 after the 2-line field */
	assert_non_null(strstr(errs, "\"TWO\nLINES\""));

	/* Again: nothing changes. */
	s = import_harness_run(st, IMPORT_ORDERS, path, "uci");
	assert_int_equal(s.orders_new, 0);
	assert_int_equal(s.orders_unchanged, 4);
	assert_int_equal(s.returns_unchanged, 1);
	assert_int_equal(s.customers_new, 0);
	shop_stats t2 = import_harness_stats(st);
	assert_memory_equal(&t, &t2, sizeof(t));
}

static void updated_file_updates_changed_orders(void **state)
{
	char *changed = strdup(uci);
	char *p = strstr(changed, "71053,WHITE METAL LANTERN,6");
	import_summary s;
	(void)state;
	test_reopen_store(&st, "upd.db");
	import_harness_run(st, IMPORT_ORDERS, test_write_file("u1.csv", uci), NULL);
	p[strlen("71053,WHITE METAL LANTERN,")] = '8';
	s = import_harness_run(st, IMPORT_ORDERS, test_write_file("u2.csv", changed), NULL);
	assert_int_equal(s.orders_updated, 1);
	assert_int_equal(s.orders_unchanged, 3);
	assert_int_equal(test_query_int64(st, "SELECT qty FROM order_items WHERE line_no = 2 AND order_id = "
			       "(SELECT id FROM orders WHERE external_id = '536365')"),
			 8);
	assert_int_equal(test_query_int64(st, "SELECT total FROM orders WHERE external_id = '536365'"),
			 6 * 255 + 8 * 339);
	free(changed);
}

static void dry_run_writes_nothing(void **state)
{
	import_options o = { .kind = IMPORT_ORDERS, .path = test_write_file("d.csv", uci),
			     .dry_run = true, .errors_path = "" };
	import_summary s;
	(void)state;
	test_reopen_store(&st, "dry.db");
	assert_int_equal(import_run(st, &o, &s, &e), E_OK);
	assert_int_equal(s.orders_new, 4);
	assert_int_equal(import_harness_stats(st).orders, 0);
	assert_int_equal(import_harness_stats(st).customers, 0);
	assert_string_equal(s.errors_path, "");
}

static void transactions_whitespace_headerless_and_csv(void **state)
{
	/* CDNOW sample layout: master id, sample id, YYYYMMDD, CDs, dollars;
	 * two purchases of customer 4 on one day become two orders. */
	const char *cdnow = test_write_file("cd.txt", " 00004 0001 19970101  2   29.33\n"
						      " 00004 0001 19970101  1   10.00\n"
						      " 00004 0001 19970118  2   29.73\n"
						      " 00021 0002 19970101  3   63.34\n");
	const char *csv = test_write_file("tx.csv", "cust_id,purchase_date,amount,sku\n"
						    "A1,2024-03-01,19.99,MUG\n"
						    "A1,2024-03-05,not money,MUG\n");
	import_summary s;
	(void)state;
	test_reopen_store(&st, "tx.db");
	s = import_harness_run(st, IMPORT_ORDERS, cdnow, NULL);
	assert_string_equal(s.format, "transactions");
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.orders_new, 4);
	assert_int_equal(s.customers_new, 2);
	assert_int_equal(test_query_int64(st, "SELECT SUM(total) FROM orders"), 2933 + 1000 + 2973 + 6334);
	assert_int_equal(test_query_int64(st, "SELECT item_count FROM orders WHERE external_id = '00021:19970101:1'"),
			 3);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM orders WHERE external_id = '00004:19970101:2'"),
			 1);
	assert_int_equal(test_query_int64(st, "SELECT placed_at FROM orders WHERE external_id = '00004:19970118:1'"),
			 853545600);
	s = import_harness_run(st, IMPORT_ORDERS, cdnow, NULL);
	assert_int_equal(s.orders_unchanged, 4);

	s = import_harness_run(st, IMPORT_ORDERS, csv, NULL);
	assert_int_equal(s.rows_failed, 1);
	assert_int_equal(s.orders_new, 1);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM products WHERE sku = 'MUG'"), 1);
	assert_int_equal(test_query_int64(st, "SELECT unit_price FROM order_items"), 1999);
}

static void mapping_names_columns(void **state)
{
	const char *path = test_write_file("m.csv", "who;when;paid\nz9;03/04/2024;5,00\n");
	const char *maps[] = { "who=customer", "when=date", "3=amount" };
	import_options o = { .kind = IMPORT_ORDERS, .path = path, .format = "transactions",
			     .maps = maps, .n_maps = 3, .date_order = DATE_DMY, .currency = "EUR" };
	import_summary s;
	(void)state;
	test_reopen_store(&st, "map.db");
	assert_int_equal(import_run(st, &o, &s, &e), E_OK);
	assert_int_equal(s.orders_new, 1);
	assert_int_equal(test_query_int64(st, "SELECT total FROM orders"), 500); /* "5,00": a decimal comma */
	assert_int_equal(test_query_int64(st, "SELECT placed_at FROM orders"), 1712102400); /* 3 April 2024 */
	o.maps = NULL;
	o.n_maps = 0;
	assert_int_equal(import_run(st, &o, &s, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "--map"));
}

static void customers_are_resolved_across_files(void **state)
{
	const char *list1 = test_write_file(
		"c1.csv", "Customer ID,First Name,Last Name,Email,Phone,City,Country,Tags,Loyalty Card\n"
			  "1001,Ann,Lee,ANN@EXAMPLE.COM,07700 900123,Leeds,United Kingdom,\"vip, newsletter\",A-77\n"
			  "1002,张,伟,zhang.wei@example.cn,138 0013 8000,北京市,China,,\n"
			  "1003,Bad,Phone,bad@example.com,call me,York,UK,,\n");
	/* The same Ann from another source: no shop id, her email differs in case. */
	const char *list2 = test_write_file("c2.csv", "email,name,city,zip\n"
						      "ann@example.com,Ann Lee,Leeds,LS1 4AP\n"
						      "new@example.com,New Person,Hull,\n");
	import_summary s;
	(void)state;
	test_reopen_store(&st, "cust.db");
	s = import_harness_run(st, IMPORT_CUSTOMERS, list1, NULL);
	assert_int_equal(s.customers_new, 2);
	assert_int_equal(s.rows_failed, 1);
	/* Found by the normalised keys; stored sealed, never in plain text. */
	assert_string_equal(profile_of("ann@example.com").phone, "+447700900123");
	assert_string_equal(profile_of("ann@example.com").name, "Ann Lee");
	assert_string_equal(profile_of("ann@example.com").country, "GB");
	assert_string_equal(profile_of("zhang.wei@example.cn").phone, "+8613800138000");
	assert_string_equal(profile_of("zhang.wei@example.cn").name, "张 伟");
	assert_string_equal(profile_of("zhang.wei@example.cn").city, "北京市");
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE email LIKE '%example%' OR "
			       "phone LIKE '%7700%'"),
			 0);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE email LIKE 'enc1:%' AND "
			       "phone LIKE 'enc1:%'"),
			 2);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE tags = '[\"vip\",\"newsletter\"]'"
			       " AND attributes = '{\"Loyalty Card\":\"A-77\"}'"),
			 1);
	s = import_harness_run(st, IMPORT_CUSTOMERS, list2, NULL);
	assert_int_equal(s.customers_new, 1);
	assert_int_equal(s.customers_updated, 1);
	assert_int_equal(import_harness_stats(st).customers, 3);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM customers WHERE external_id = '1001' AND "
			       "postcode = 'LS1 4AP'"),
			 1);
	assert_string_equal(profile_of("ann@example.com").postcode, "LS1 4AP");
	s = import_harness_run(st, IMPORT_CUSTOMERS, list2, NULL);
	assert_int_equal(s.customers_unchanged, 2);
}

/* Six invoices of customers 20001-20006, each with two lines of price
 * 1.00, with 30 one-line invoices of customer 30000 between them, so their
 * order ids lie far apart; `swap` (1-6) gives that invoice's second line
 * product 22003 instead of 22002 (same price: the header stays the same). */
static const char *scattered_file(const char *name, bool fillers, int swap)
{
	static char buf[16384];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "InvoiceNo,StockCode,Description,Quantity,"
					"InvoiceDate,UnitPrice,CustomerID,Country\n");
	for (int a = 1; a <= 6; a++) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "60000%d,22001,ONE,1,2011-01-0%d 10:00:00,1.00,2000%d,United Kingdom\n"
				      "60000%d,%s,TWO,1,2011-01-0%d 10:00:00,1.00,2000%d,United Kingdom\n",
				      a, a, a, a, a == swap ? "22003" : "22002", a, a);
		for (int k = 0; fillers && k < 30; k++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "7%02d%03d,22009,FILL,1,2011-01-0%d 11:00:00,2.00,30000,"
					      "United Kingdom\n",
					      a, k, a);
	}
	assert_true(n < sizeof(buf));
	return test_write_file(name, buf);
}

static void reimport_compares_lines_and_follows_merges(void **state)
{
	import_summary s;
	int64_t keep, other;
	(void)state;
	test_reopen_store(&st, "scatter.db");
	s = import_harness_run(st, IMPORT_ORDERS, scattered_file("s1.csv", true, 0), NULL);
	assert_int_equal(s.orders_new, 6 + 6 * 30);
	assert_int_equal(s.customers_new, 7);
	assert_int_equal(s.products_new, 3);
	/* The six again: found far apart; one has a line with another product
	 * and the same totals, which only its lines tell. */
	s = import_harness_run(st, IMPORT_ORDERS, scattered_file("s2.csv", false, 3), NULL);
	assert_int_equal(s.orders_new, 0);
	assert_int_equal(s.orders_updated, 1);
	assert_int_equal(s.orders_unchanged, 5);
	assert_int_equal(s.customers_unchanged, 6);
	assert_int_equal(s.products_new, 1); /* 22003 */
	assert_int_equal(test_query_int64(st, "SELECT p.sku FROM order_items i JOIN products p ON p.id = "
			       "i.product_id JOIN orders o ON o.id = i.order_id "
			       "WHERE o.external_id = '600003' AND i.line_no = 2"),
			 22003);
	/* Customer 20002 merged into 20001: importing again finds 20001 for
	 * 20002's invoice (re-pointed by the merge) and changes nothing. */
	assert_int_equal(customer_find(st, CUSTOMER_BY_EXTERNAL_ID, "20001", &keep, &e), E_OK);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EXTERNAL_ID, "20002", &other, &e), E_OK);
	assert_int_equal(customer_merge(st, keep, other, "test", NULL, &e), E_OK);
	s = import_harness_run(st, IMPORT_ORDERS, scattered_file("s3.csv", false, 3), NULL);
	assert_int_equal(s.orders_unchanged, 6);
	assert_int_equal(s.customers_new, 0);
	assert_int_equal(s.customers_unchanged, 6);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM orders WHERE external_id = '600002' AND "
			       "customer_id = (SELECT id FROM customers WHERE external_id = '20001')"),
			 1);
	assert_int_equal(import_harness_stats(st).customers, 6);
	assert_int_equal(import_harness_stats(st).merged, 1);
}

static void unknown_header_and_empty_file_are_explained(void **state)
{
	import_options o = { .kind = IMPORT_ORDERS };
	import_summary s;
	(void)state;
	test_reopen_store(&st, "unk.db");
	o.path = test_write_file("w.csv", "foo,bar\n1,2\n");
	assert_int_equal(import_run(st, &o, &s, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "--format"));
	o.path = test_write_file("empty.csv", "");
	o.format = "uci";
	assert_int_equal(import_run(st, &o, &s, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "empty"));
	o.format = "nope";
	assert_int_equal(import_run(st, &o, &s, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "uci"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uci_import_counts_errors_and_is_idempotent),
		cmocka_unit_test(updated_file_updates_changed_orders),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(transactions_whitespace_headerless_and_csv),
		cmocka_unit_test(mapping_names_columns),
		cmocka_unit_test(customers_are_resolved_across_files),
		cmocka_unit_test(reimport_compares_lines_and_follows_merges),
		cmocka_unit_test(unknown_header_and_empty_file_are_explained),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
