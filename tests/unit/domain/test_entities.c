/* test_entities.c: idempotent saves of products, orders, returns and
 * interactions; product insert, update and pages; customer lookup by key
 * across merges; overlay rules. */
#include "testutil.h"
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/returns.h"

static store *st;
static err e;

static int setup(void **state)
{
	(void)state;
	st = test_open_store("entities.db");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static int64_t add_product(const char *sku, int64_t price)
{
	product p = { .sku = sku, .name = sku, .price = price };
	save_result r;
	assert_int_equal(product_save(st, &p, &r, &e), E_OK);
	return p.id;
}

static void product_save_is_idempotent_and_updates(void **state)
{
	product p = { .sku = "P-1", .name = "Mug", .price = 500, .cost = { 200, true } };
	save_result r;
	arena a;
	(void)state;
	assert_int_equal(product_validate(&p, &e), E_OK);
	assert_int_equal(product_save(st, &p, &r, &e), E_OK);
	assert_int_equal(r, SAVE_NEW);
	int64_t id = p.id;
	product again = { .sku = "P-1", .name = "Mug", .price = 500 };
	assert_int_equal(product_save(st, &again, &r, &e), E_OK);
	assert_int_equal(r, SAVE_UNCHANGED);
	assert_int_equal(again.id, id);
	product renamed = { .sku = "P-1", .name = "Big mug" };
	assert_int_equal(product_save(st, &renamed, &r, &e), E_OK);
	assert_int_equal(r, SAVE_UPDATED);
	arena_init(&a, 0);
	assert_int_equal(product_load(st, id, &a, &p, &e), E_OK);
	assert_string_equal(p.name, "Big mug");
	assert_int_equal(p.price, 500); /* unset price kept */
	assert_true(p.cost.set && p.cost.v == 200);
	arena_release(&a);
	product bad = { .sku = "", .price = 1 };
	assert_int_equal(product_validate(&bad, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "sku"));
}

static void product_insert_update_and_list_keep_every_field(void **state)
{
	product bare = { .sku = "Q-1", .category = "q-cat", .price = 300, .created_at = 100 };
	product full = { .sku = "Q-2", .name = "Plate", .category = "q-cat", .price = 900,
			 .cost = { 350, true }, .currency = "EUR", .created_at = 200 };
	product back, *rows;
	size_t n;
	bool more;
	arena a;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(product_insert(st, &bare, &e), E_OK);
	assert_int_equal(product_insert(st, &full, &e), E_OK);
	/* An unset name is stored empty, an unset currency as USD. */
	assert_int_equal(product_load(st, bare.id, &a, &back, &e), E_OK);
	assert_string_equal(back.sku, "Q-1");
	assert_string_equal(back.name, "");
	assert_string_equal(back.currency, "USD");
	assert_false(back.cost.set);
	assert_int_equal(back.created_at, 100);
	assert_int_equal(back.updated_at, 100);

	/* An update writes every field as given, a price of 0 included. */
	product edit = { .id = bare.id, .name = "Bowl", .category = "q-cat", .price = 0,
			 .currency = "GBP", .updated_at = 500 };
	assert_int_equal(product_update(st, &edit, &e), E_OK);
	edit.id = 999999;
	assert_int_equal(product_update(st, &edit, &e), E_NOTFOUND);
	assert_non_null(strstr(e.msg, "no product 999999"));

	/* Pages of one category: the first row, then the one after it. */
	assert_int_equal(product_list(st, "q-cat", 0, 1, &a, &rows, &n, &more, &e), E_OK);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_int_equal(rows[0].id, bare.id);
	assert_string_equal(rows[0].name, "Bowl");
	assert_int_equal(rows[0].price, 0);
	assert_string_equal(rows[0].currency, "GBP");
	assert_int_equal(rows[0].created_at, 100);
	assert_int_equal(rows[0].updated_at, 500);
	assert_int_equal(product_list(st, "q-cat", bare.id, 1, &a, &rows, &n, &more, &e), E_OK);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_string_equal(rows[0].sku, "Q-2");
	assert_string_equal(rows[0].name, "Plate");
	assert_true(rows[0].cost.set && rows[0].cost.v == 350);
	assert_string_equal(rows[0].currency, "EUR");
	assert_int_equal(rows[0].created_at, 200);
	arena_release(&a);
}

static void order_save_detects_new_same_and_changed_lines(void **state)
{
	int64_t p1 = add_product("A", 100), p2 = add_product("B", 250);
	order_item items[3] = {
		{ 1, p1, 2, 100, { 40, true } },
		{ 2, p2, 1, 250, { 100, true } },
		{ 3, p1, 1, 100, { 40, true } },
	};
	order o = { .external_id = "O-1", .placed_at = 1700000000, .currency = "GBP",
		    .items = items, .n_items = 3 };
	save_result r;
	order back;
	arena a;
	(void)state;
	order_compute_totals(&o);
	assert_int_equal(o.subtotal, 550);
	assert_int_equal(o.total, 550);
	assert_int_equal(o.item_count, 4);
	assert_true(o.cogs.set && o.cogs.v == 220);
	assert_int_equal(order_validate(&o, &e), E_OK);
	assert_int_equal(order_save(st, &o, &r, &e), E_OK);
	assert_int_equal(r, SAVE_NEW);
	int64_t id = o.id;
	assert_int_equal(order_save(st, &o, &r, &e), E_OK);
	assert_int_equal(r, SAVE_UNCHANGED);
	assert_int_equal(o.id, id);

	/* One line fewer and a changed quantity: updated, tail line deleted. */
	items[1].qty = 3;
	o.n_items = 2;
	o.subtotal = o.total = 0;
	order_compute_totals(&o);
	assert_int_equal(order_save(st, &o, &r, &e), E_OK);
	assert_int_equal(r, SAVE_UPDATED);
	arena_init(&a, 0);
	assert_int_equal(order_load(st, id, &a, &back, &e), E_OK);
	assert_int_equal(back.n_items, 2);
	assert_int_equal(back.items[1].qty, 3);
	assert_int_equal(back.total, 200 + 750);
	assert_string_equal(back.currency, "GBP");
	assert_int_equal(back.customer_id, 0);
	arena_release(&a);

	order dup = o;
	assert_int_equal(order_insert(st, &dup, &e), E_CONFLICT);
	assert_non_null(strstr(e.msg, "O-1"));
	order nocur = { .external_id = "x", .placed_at = 1, .currency = "POUNDS" };
	assert_int_equal(order_validate(&nocur, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "currency"));
}

static void customer_keys_follow_merges(void **state)
{
	customer a, b, in;
	int64_t id;
	arena ar;
	(void)state;
	customer_init(&a);
	a.external_id = "C-1";
	a.name = "Ann";
	a.email = "ann@example.com";
	assert_int_equal(customer_validate(&a, &e), E_OK);
	assert_int_equal(customer_insert(st, &a, &e), E_OK);
	customer_init(&b);
	b.external_id = "C-2";
	b.phone = "+447700900123";
	assert_int_equal(customer_insert(st, &b, &e), E_OK);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EMAIL, "ann@example.com", &id, &e), E_OK);
	assert_int_equal(id, a.id);
	assert_int_equal(customer_find(st, CUSTOMER_BY_PHONE, "+447700900123", &id, &e), E_OK);
	assert_int_equal(id, b.id);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EXTERNAL_ID, "nobody", &id, &e), E_OK);
	assert_int_equal(id, 0);
	/* b merged into a: b's keys now find a. */
	b.merged_into = a.id;
	assert_int_equal(store_exec(st, "UPDATE customers SET merged_into = 1 WHERE id = 2", &e),
			 E_OK);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EXTERNAL_ID, "C-2", &id, &e), E_OK);
	assert_int_equal(id, a.id);
	assert_int_equal(customer_find(st, CUSTOMER_BY_PHONE, "+447700900123", &id, &e), E_OK);
	assert_int_equal(id, a.id);

	arena_init(&ar, 0);
	assert_int_equal(customer_load(st, a.id, &ar, &a, &e), E_OK);
	customer_init(&in);
	in.external_id = "OTHER-SHOP-9";
	in.city = "Leeds";
	in.tags = "[\"vip\",\"vip\"]";
	in.attributes = "{\"size\":\"M\"}";
	in.consent_email = 1;
	assert_true(customer_overlay(&a, &in, OVERLAY_REPLACE, &ar));
	assert_string_equal(a.external_id, "C-1"); /* first shop id is kept */
	assert_string_equal(a.city, "Leeds");
	assert_string_equal(a.tags, "[\"vip\"]");
	assert_string_equal(a.attributes, "{\"size\":\"M\"}");
	assert_int_equal(a.consent_email, 1);
	assert_false(customer_overlay(&a, &in, OVERLAY_REPLACE, &ar));
	/* Fill mode keeps what is there and fills only gaps. */
	customer later;
	customer_init(&later);
	later.city = "Hull";
	later.region = "Yorkshire";
	later.attributes = "{\"size\":\"L\",\"colour\":\"red\"}";
	assert_true(customer_overlay(&a, &later, OVERLAY_FILL, &ar));
	assert_string_equal(a.city, "Leeds");
	assert_string_equal(a.region, "Yorkshire");
	assert_string_equal(a.attributes, "{\"colour\":\"red\",\"size\":\"M\"}");
	assert_int_equal(customer_update(st, &a, &e), E_OK);
	arena_release(&ar);

	customer bad;
	customer_init(&bad);
	bad.email = "not-an-email";
	assert_int_equal(customer_validate(&bad, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "email"));
	customer_init(&bad);
	bad.phone = "07700 900123";
	assert_int_equal(customer_validate(&bad, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "phone"));
}

static void returns_and_interactions_are_idempotent(void **state)
{
	return_record r = { .external_id = "C536379:1", .kind = "cancellation",
			    .qty = 1, .amount = 2750, .currency = "GBP", .returned_at = 1700000000 };
	interaction it = { .external_id = "chat-1", .channel = "chat", .occurred_at = 1700000001,
			   .body = "hello" };
	save_result res;
	(void)state;
	assert_int_equal(return_validate(&r, &e), E_OK);
	assert_int_equal(return_save(st, &r, &res, &e), E_OK);
	assert_int_equal(res, SAVE_NEW);
	assert_int_equal(return_save(st, &r, &res, &e), E_OK);
	assert_int_equal(res, SAVE_UNCHANGED);
	r.amount = 2000;
	assert_int_equal(return_save(st, &r, &res, &e), E_OK);
	assert_int_equal(res, SAVE_UPDATED);
	r.kind = "swap";
	assert_int_equal(return_validate(&r, &e), E_INVAL);

	assert_int_equal(interaction_validate(&it, &e), E_OK);
	assert_int_equal(interaction_save(st, &it, &res, &e), E_OK);
	assert_int_equal(res, SAVE_NEW);
	int64_t id = it.id;
	assert_int_equal(interaction_save(st, &it, &res, &e), E_OK);
	assert_int_equal(res, SAVE_UNCHANGED);
	assert_int_equal(it.id, id);
	it.body = "hello again";
	assert_int_equal(interaction_save(st, &it, &res, &e), E_OK);
	assert_int_equal(res, SAVE_UPDATED);
	it.channel = "fax";
	assert_int_equal(interaction_validate(&it, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "channel"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(product_save_is_idempotent_and_updates),
		cmocka_unit_test(product_insert_update_and_list_keep_every_field),
		cmocka_unit_test(order_save_detects_new_same_and_changed_lines),
		cmocka_unit_test(customer_keys_follow_merges),
		cmocka_unit_test(returns_and_interactions_are_idempotent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
