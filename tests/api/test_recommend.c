/* test_recommend.c: the recommendation and basket-rule routes against a
 * real `ecrm serve`, on a small shop worked out by hand (the same as
 * tests/cli/basket_db.sh): rules after `ecrm analyze basket --min-support
 * 0.25 --exclude P`, recommendations after `ecrm analyze recommend
 * --exclude P`. Products: A 1 MUG, B 2 PLATE, C 3 BOWL, P 4 POSTAGE,
 * D 5 SPOON, E 6 CANDLE; customers C1..C5 are ids 1..5.
 *   rules (id order = lift order): 1 A=>B, 2 B=>A (conf 0.8, lift 1.28),
 *   3 C=>A, 4 C=>B (2/3, 16/15), 5 {}=>A, 6 {}=>B (0.625, 1).
 *   item-kNN cosine over customers C1 {A,B,C} C2 {A,B,D} C3 {A,C}
 *   C4 {B,C,E} C5 {D,E}: sim(A,B) = sim(A,C) = sim(B,C) = 2/3,
 *   sim(D,E) = 1/2, A-D, B-D, B-E, C-E 1/sqrt 6, A-E and C-D 0. */
#include "harness.h"

#include <jansson.h>
#include <math.h>

static api_server srv;
static char key_viewer[128], key_analyst[128], key_marketer[128];

static const char shop_csv[] =
	"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
	"1001,A,MUG,1,2024-01-01 10:00:00,3.00,C1,United Kingdom\n"
	"1001,B,PLATE,2,2024-01-01 10:00:00,4.00,C1,United Kingdom\n"
	"1002,A,MUG,1,2024-01-10 10:00:00,3.00,C1,United Kingdom\n"
	"1002,B,PLATE,1,2024-01-10 10:00:00,4.00,C1,United Kingdom\n"
	"1002,C,BOWL,1,2024-01-10 10:00:00,5.00,C1,United Kingdom\n"
	"1003,A,MUG,1,2024-01-02 10:00:00,3.00,C2,France\n"
	"1003,B,PLATE,1,2024-01-02 10:00:00,4.00,C2,France\n"
	"1003,P,POSTAGE,1,2024-01-02 10:00:00,9.00,C2,France\n"
	"1004,D,SPOON,3,2024-02-01 10:00:00,1.00,C2,France\n"
	"1004,P,POSTAGE,1,2024-02-01 10:00:00,9.00,C2,France\n"
	"1005,A,MUG,1,2024-01-03 10:00:00,3.00,C3,Germany\n"
	"1005,C,BOWL,1,2024-01-03 10:00:00,5.00,C3,Germany\n"
	"1005,P,POSTAGE,1,2024-01-03 10:00:00,9.00,C3,Germany\n"
	"1006,B,PLATE,1,2024-01-04 10:00:00,4.00,C4,United Kingdom\n"
	"1006,C,BOWL,1,2024-01-04 10:00:00,5.00,C4,United Kingdom\n"
	"1006,E,CANDLE,1,2024-01-04 10:00:00,2.00,C4,United Kingdom\n"
	"1007,A,MUG,1,2024-01-05 10:00:00,3.00,,United Kingdom\n"
	"1007,B,PLATE,1,2024-01-05 10:00:00,4.00,,United Kingdom\n"
	"1008,D,SPOON,1,2024-01-06 10:00:00,1.00,C5,United Kingdom\n"
	"1008,E,CANDLE,1,2024-01-06 10:00:00,2.00,C5,United Kingdom\n"
	"1008,E,CANDLE,2,2024-01-06 10:00:00,2.00,C5,United Kingdom\n";

static void new_key(const char *db, const char *role, char *out, size_t n)
{
	strbuf sb = STRBUF_INIT;

	if (api_cli(db, NULL, &sb, "apikey", "create", "--role", role, NULL) != 0)
		fail_msg("ecrm apikey create --role %s failed", role);
	snprintf(out, n, "Authorization: Bearer %.*s", (int)strcspn(sb.buf, "\n"), sb.buf);
	strbuf_release(&sb);
}

static int setup(void **state)
{
	const char *db, *csv;

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("recommend.db");
	csv = test_write_file("shop.csv", shop_csv);
	if (api_cli(db, NULL, NULL, "--quiet", "import", "orders", csv, NULL) != 0 ||
	    api_cli(db, NULL, NULL, "analyze", "basket", "--min-support", "0.25", "--exclude", "P",
		    NULL) != 0 ||
	    api_cli(db, NULL, NULL, "--quiet", "analyze", "recommend", "--exclude", "P", NULL) != 0)
		fail_msg("preparing the shop failed");
	new_key(db, "viewer", key_viewer, sizeof(key_viewer));
	new_key(db, "analyst", key_analyst, sizeof(key_analyst));
	new_key(db, "marketer", key_marketer, sizeof(key_marketer));
	api_start(&srv, db, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&srv), 0);
	curl_global_cleanup();
	return 0;
}

/* GET `path` with `key`; returns the parsed body (caller decrefs) and the
 * status in *status. */
static json_t *get(const char *key, const char *path, long *status)
{
	const char *h[] = { key, NULL };
	api_resp r;
	json_t *v;

	api_request(&srv, "GET", path, NULL, h, &r);
	*status = r.status;
	v = api_json(&r);
	api_resp_release(&r);
	return v;
}

static json_int_t int_of(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static double real_of(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static json_t *product_of(json_t *o, const char *key)
{
	return json_object_get(o, key);
}

static void customer_recommendations_with_reasons(void **state)
{
	long st;
	json_t *v, *recs, *x, *reason;

	(void)state;
	/* C3 {A, C}: B (4/3, rule A => B), D and E (1/sqrt 6 each: the tie
	 * lists the lower product first; similar to A, to C). */
	v = get(key_marketer, "/api/customers/3/recommendations", &st);
	assert_int_equal(st, 200);
	assert_int_equal(int_of(v, "customer_id"), 3);
	assert_string_equal(json_string_value(json_object_get(v, "model")), "itemknn");
	assert_true(json_is_integer(json_object_get(v, "computed_at")));
	recs = json_object_get(v, "recommendations");
	assert_int_equal(json_array_size(recs), 3);

	x = json_array_get(recs, 0);
	assert_int_equal(int_of(x, "rank"), 1);
	assert_int_equal(int_of(product_of(x, "product"), "id"), 2);
	assert_string_equal(json_string_value(json_object_get(product_of(x, "product"), "name")),
			    "PLATE");
	assert_true(fabs(real_of(x, "score") - 4.0 / 3.0) < 1e-6);
	reason = json_object_get(x, "reason");
	assert_string_equal(json_string_value(json_object_get(reason, "kind")), "rule");
	assert_true(fabs(real_of(reason, "confidence") - 0.8) < 1e-12);
	assert_true(fabs(real_of(reason, "lift") - 1.28) < 1e-12);
	assert_int_equal(json_array_size(json_object_get(reason, "products")), 1);
	assert_int_equal(int_of(json_array_get(json_object_get(reason, "products"), 0), "id"), 1);
	assert_string_equal(json_string_value(json_object_get(reason, "text")),
			    "bought MUG, often bought with PLATE");

	x = json_array_get(recs, 1);
	assert_int_equal(int_of(product_of(x, "product"), "id"), 5);
	reason = json_object_get(x, "reason");
	assert_string_equal(json_string_value(json_object_get(reason, "kind")), "similar");
	assert_true(fabs(real_of(reason, "similarity") - 1 / sqrt(6)) < 1e-6);
	assert_string_equal(json_string_value(json_object_get(reason, "text")),
			    "similar to MUG you bought");
	assert_null(json_object_get(reason, "lift"));

	x = json_array_get(recs, 2);
	assert_int_equal(int_of(product_of(x, "product"), "id"), 6);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(x, "reason"), "text")),
		"similar to BOWL you bought");
	json_decref(v);

	/* C4 {B, C, E}: A by the rule B => A, then D (similar to E, 1/2). */
	v = get(key_marketer, "/api/customers/4/recommendations?limit=1", &st);
	assert_int_equal(st, 200);
	recs = json_object_get(v, "recommendations");
	assert_int_equal(json_array_size(recs), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(recs, 0), "reason"), "text")),
			    "bought PLATE, often bought with MUG");
	json_decref(v);
}

static void recommendation_errors_and_roles(void **state)
{
	long st;
	json_t *v;
	char code[64];
	api_resp r;

	(void)state;
	v = get(key_marketer, "/api/customers/999/recommendations", &st);
	assert_int_equal(st, 404);
	json_decref(v);
	v = get(key_marketer, "/api/customers/abc/recommendations", &st);
	assert_int_equal(st, 400);
	json_decref(v);
	v = get(key_marketer, "/api/customers/3/recommendations?limit=0", &st);
	assert_int_equal(st, 400);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "limit");
	json_decref(v);
	{
		const char *h[] = { key_viewer, NULL };
		api_request(&srv, "GET", "/api/customers/3/recommendations", NULL, h, &r);
		assert_int_equal(r.status, 403);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "forbidden");
		api_resp_release(&r);
		api_request(&srv, "GET", "/api/analytics/basket", NULL, h, &r);
		assert_int_equal(r.status, 403);
		api_resp_release(&r);
	}
	{
		api_request(&srv, "GET", "/api/products/1/similar", NULL, NULL, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
}

static void similar_products(void **state)
{
	long st;
	json_t *v, *sim;

	(void)state;
	/* A: B and C (2/3: B first), then D (1/sqrt 6); E has 0. */
	v = get(key_viewer, "/api/products/1/similar", &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(product_of(v, "product"), "sku")),
			    "A");
	sim = json_object_get(v, "similar");
	assert_int_equal(json_array_size(sim), 3);
	assert_int_equal(int_of(product_of(json_array_get(sim, 0), "product"), "id"), 2);
	assert_int_equal(int_of(product_of(json_array_get(sim, 1), "product"), "id"), 3);
	assert_int_equal(int_of(product_of(json_array_get(sim, 2), "product"), "id"), 5);
	assert_int_equal(int_of(json_array_get(sim, 2), "rank"), 3);
	assert_true(fabs(real_of(json_array_get(sim, 0), "similarity") - 2.0 / 3.0) < 1e-6);
	assert_true(fabs(real_of(json_array_get(sim, 2), "similarity") - 1 / sqrt(6)) < 1e-6);
	json_decref(v);
	/* P was left out: known product, nothing similar. */
	v = get(key_viewer, "/api/products/4/similar", &st);
	assert_int_equal(st, 200);
	assert_int_equal(json_array_size(json_object_get(v, "similar")), 0);
	assert_true(json_is_null(json_object_get(v, "computed_at")));
	json_decref(v);
	v = get(key_viewer, "/api/products/77/similar", &st);
	assert_int_equal(st, 404);
	json_decref(v);
}

static void bought_together(void **state)
{
	long st;
	json_t *v, *bt, *x;

	(void)state;
	v = get(key_viewer, "/api/products/1/bought-together", &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(v, "basis")), "order");
	bt = json_object_get(v, "bought_together");
	assert_int_equal(json_array_size(bt), 1);
	x = json_array_get(bt, 0);
	assert_int_equal(int_of(product_of(x, "product"), "id"), 2);
	assert_true(fabs(real_of(x, "confidence") - 0.8) < 1e-12);
	assert_true(fabs(real_of(x, "lift") - 1.28) < 1e-12);
	assert_true(fabs(real_of(x, "support") - 0.5) < 1e-12);
	assert_int_equal(int_of(x, "count"), 4);
	assert_int_equal(int_of(x, "rule_id"), 1);
	json_decref(v);
	/* C: A then B (equal lift: the lower consequent first). */
	v = get(key_viewer, "/api/products/3/bought-together", &st);
	bt = json_object_get(v, "bought_together");
	assert_int_equal(json_array_size(bt), 2);
	assert_int_equal(int_of(product_of(json_array_get(bt, 0), "product"), "id"), 1);
	assert_int_equal(int_of(product_of(json_array_get(bt, 1), "product"), "id"), 2);
	assert_true(fabs(real_of(json_array_get(bt, 1), "confidence") - 2.0 / 3.0) < 1e-12);
	json_decref(v);
	/* D is in no rule. */
	v = get(key_viewer, "/api/products/5/bought-together", &st);
	assert_int_equal(st, 200);
	assert_int_equal(json_array_size(json_object_get(v, "bought_together")), 0);
	json_decref(v);
}

static void basket_rules_filters_and_pages(void **state)
{
	long st;
	json_t *v, *rules, *x;

	(void)state;
	v = get(key_analyst, "/api/analytics/basket", &st);
	assert_int_equal(st, 200);
	assert_int_equal(int_of(v, "total"), 6);
	assert_int_equal(int_of(v, "limit"), 50);
	rules = json_object_get(v, "rules");
	assert_int_equal(json_array_size(rules), 6);
	x = json_array_get(rules, 0);
	assert_int_equal(int_of(x, "id"), 1);
	assert_int_equal(int_of(json_array_get(json_object_get(x, "antecedent"), 0), "id"), 1);
	assert_int_equal(int_of(json_array_get(json_object_get(x, "consequent"), 0), "id"), 2);
	assert_string_equal(json_string_value(json_object_get(x, "basis")), "order");
	/* {} => A: an empty antecedent */
	x = json_array_get(rules, 4);
	assert_int_equal(json_array_size(json_object_get(x, "antecedent")), 0);
	assert_true(fabs(real_of(x, "lift") - 1) < 1e-12);
	json_decref(v);

	v = get(key_analyst, "/api/analytics/basket?min_lift=1.1", &st);
	assert_int_equal(int_of(v, "total"), 2);
	json_decref(v);
	v = get(key_analyst, "/api/analytics/basket?min_confidence=0.7", &st);
	assert_int_equal(int_of(v, "total"), 2);
	json_decref(v);
	v = get(key_analyst, "/api/analytics/basket?min_support=0.6", &st);
	assert_int_equal(int_of(v, "total"), 2); /* the {} => rules: 0.625 */
	json_decref(v);
	/* rules about C: C => A, C => B */
	v = get(key_analyst, "/api/analytics/basket?product=3", &st);
	assert_int_equal(int_of(v, "total"), 2);
	assert_int_equal(int_of(json_array_get(json_object_get(v, "rules"), 0), "id"), 3);
	json_decref(v);
	/* rules about A: 1, 2, 3, 5 */
	v = get(key_analyst, "/api/analytics/basket?product=1&min_lift=1.05", &st);
	assert_int_equal(int_of(v, "total"), 3);
	json_decref(v);
	/* pages */
	v = get(key_analyst, "/api/analytics/basket?limit=2&offset=4", &st);
	assert_int_equal(int_of(v, "total"), 6);
	rules = json_object_get(v, "rules");
	assert_int_equal(json_array_size(rules), 2);
	assert_int_equal(int_of(json_array_get(rules, 0), "id"), 5);
	json_decref(v);
	v = get(key_analyst, "/api/analytics/basket?offset=6", &st);
	assert_int_equal(st, 200);
	assert_int_equal(json_array_size(json_object_get(v, "rules")), 0);
	json_decref(v);
	/* bad filters name the field */
	v = get(key_analyst, "/api/analytics/basket?min_lift=abc", &st);
	assert_int_equal(st, 400);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")),
		"min_lift");
	json_decref(v);
	v = get(key_analyst, "/api/analytics/basket?min_confidence=1.5", &st);
	assert_int_equal(st, 400);
	json_decref(v);
	v = get(key_analyst, "/api/analytics/basket?limit=1001", &st);
	assert_int_equal(st, 400);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(customer_recommendations_with_reasons),
		cmocka_unit_test(recommendation_errors_and_roles),
		cmocka_unit_test(similar_products),
		cmocka_unit_test(bought_together),
		cmocka_unit_test(basket_rules_filters_and_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
