/* test_pii.c: sealing and opening personal fields, blind indexes, key
 * files, the key check, sealing a database written before encryption, and
 * key rotation. */
#include "testutil.h"
#include "domain/customer.h"
#include "domain/order.h"
#include "domain/pii.h"

#include <sys/stat.h>

static pii_keys *key_a, *key_b;
static arena a;

static int setup(void **state)
{
	(void)state;
	arena_init(&a, 0);
	test_key_pair(&key_a, &key_b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pii_keys_free(key_a);
	pii_keys_free(key_b);
	arena_release(&a);
	return 0;
}

static void seal_and_open(void **state)
{
	const char *sealed, *again, *plain;
	err e;
	(void)state;
	sealed = pii_seal(key_a, "email", "ann@example.com", &a);
	assert_true(strncmp(sealed, "enc1:", 5) == 0);
	assert_null(strstr(sealed, "ann"));
	/* A fresh nonce each time: equal values do not look equal. */
	again = pii_seal(key_a, "email", "ann@example.com", &a);
	assert_string_not_equal(sealed, again);
	assert_int_equal(pii_open(key_a, "email", sealed, &a, &plain, &e), E_OK);
	assert_string_equal(plain, "ann@example.com");
	assert_int_equal(pii_open(key_b, "email", sealed, &a, &plain, &e), E_AUTH);
	assert_int_equal(pii_open(key_a, "phone", sealed, &a, &plain, &e), E_AUTH);
	assert_int_equal(pii_open(key_a, "email", "enc1:AAAA", &a, &plain, &e), E_AUTH);
	/* Plain text from before encryption passes through. */
	assert_int_equal(pii_open(key_a, "email", "old@example.com", &a, &plain, &e), E_OK);
	assert_string_equal(plain, "old@example.com");
	assert_null(pii_seal(key_a, "email", "", &a));
	assert_null(pii_seal(key_a, "email", NULL, &a));
	assert_int_equal(pii_open(key_a, "address", pii_seal(key_a, "address", "北京市朝阳区", &a), &a,
				  &plain, &e),
			 E_OK);
	assert_string_equal(plain, "北京市朝阳区");
}

/* The sealed text's base64 is decoded strictly: any change to it fails to
 * open, whatever the length of the value (every remainder of 3). */
static void sealed_text_is_checked(void **state)
{
	static const char *const values[] = { "a", "ab", "abc", "abcd", "user17@example.com" };
	const char *plain;
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		const char *sealed = pii_seal(key_a, "email", values[i], &a);
		size_t n = strlen(sealed);
		char *bad = arena_strdup(&a, sealed);
		assert_int_equal(pii_open(key_a, "email", sealed, &a, &plain, &e), E_OK);
		assert_string_equal(plain, values[i]);
		bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A'; /* last digit */
		assert_int_equal(pii_open(key_a, "email", bad, &a, &plain, &e), E_AUTH);
		bad = arena_strdup(&a, sealed);
		bad[10] = '+'; /* not in the URL-safe alphabet */
		assert_int_equal(pii_open(key_a, "email", bad, &a, &plain, &e), E_AUTH);
		bad = arena_printf(&a, "%sA", sealed); /* one digit too many */
		assert_int_equal(pii_open(key_a, "email", bad, &a, &plain, &e), E_AUTH);
		bad = arena_strndup(&a, sealed, n - 1); /* one too few */
		assert_int_equal(pii_open(key_a, "email", bad, &a, &plain, &e), E_AUTH);
	}
}

static void blind_indexes_are_keyed_and_typed(void **state)
{
	const char *x = pii_blind_index(key_a, "email", "ann@example.com", &a);
	(void)state;
	assert_int_equal(strlen(x), 32);
	assert_string_equal(x, pii_blind_index(key_a, "email", "ann@example.com", &a));
	assert_string_not_equal(x, pii_blind_index(key_b, "email", "ann@example.com", &a));
	assert_string_not_equal(x, pii_blind_index(key_a, "phone", "ann@example.com", &a));
	assert_null(pii_blind_index(key_a, "email", NULL, &a));
}

static void key_files(void **state)
{
	const char *path = test_tmpfile("k.key");
	pii_keys *k;
	struct stat sb;
	err e;
	(void)state;
	assert_int_equal(pii_key_create(path, &e), E_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(pii_key_create(path, &e), E_CONFLICT);
	assert_int_equal(pii_keys_from_file(path, &k, &e), E_OK);
	pii_keys_free(k);
	chmod(path, 0644);
	assert_int_equal(pii_keys_from_file(path, &k, &e), E_FORBIDDEN);
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_int_equal(pii_keys_from_file(test_tmpfile("none.key"), &k, &e), E_NOTFOUND);
	assert_non_null(strstr(e.msg, "ecrm init"));
	assert_int_equal(pii_keys_from_hex("abcd", &k, &e), E_INVAL);
	assert_string_equal(pii_key_path(NULL, "/x/shop.db"), "/x/shop.db.key");
	assert_string_equal(pii_key_path(NULL, "sqlite:/x/shop.db"), "/x/shop.db.key");
}

static void old_plain_rows_are_sealed_and_keys_checked(void **state)
{
	store *st;
	customer c;
	int64_t id, n;
	err e;
	(void)state;
	/* A database as written before encryption: plain email and phone. */
	assert_int_equal(store_open(test_store_uri("old.db"), STORE_CREATE, &st, &e), E_OK);
	assert_int_equal(store_exec(st, "INSERT INTO customers (name, email, phone, address, "
					"created_at, updated_at) VALUES ('Ann', 'ann@example.com', "
					"'+447700900123', '1 High St', 1, 1)",
				    &e),
			 E_OK);
	assert_int_equal(pii_attach(st, key_a, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM customers WHERE email LIKE "
					       "'enc1:%' AND phone LIKE 'enc1:%' AND address LIKE 'enc1:%'",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EMAIL, "ann@example.com", &id, &e), E_OK);
	assert_int_equal(id, 1);
	assert_int_equal(customer_load(st, id, &a, &c, &e), E_OK);
	assert_string_equal(c.address, "1 High St");
	store_close(st);

	/* Another key is refused, the right one accepted. */
	assert_int_equal(store_open(test_store_uri("old.db"), 0, &st, &e), E_OK);
	assert_int_equal(pii_attach(st, key_b, &e), E_AUTH);
	assert_non_null(strstr(e.msg, "not the one"));
	assert_int_equal(pii_attach(st, key_a, &e), E_OK);

	/* Rotation: everything re-sealed, the old key no longer fits. */
	assert_int_equal(pii_rekey(st, key_a, key_b, &e), E_OK);
	assert_int_equal(customer_find(st, CUSTOMER_BY_PHONE, "+447700900123", &id, &e), E_OK);
	assert_int_equal(id, 1);
	assert_int_equal(customer_load(st, id, &a, &c, &e), E_OK);
	assert_string_equal(c.email, "ann@example.com");
	store_close(st);
	assert_int_equal(store_open(test_store_uri("old.db"), 0, &st, &e), E_OK);
	assert_int_equal(pii_attach(st, key_a, &e), E_AUTH);
	assert_int_equal(pii_attach(st, key_b, &e), E_OK);
	store_close(st);
}

/* The one number a COUNT(*) query gives. */
static int64_t count_of(store *st, const char *sql)
{
	int64_t n = -1;
	err e;

	assert_int_equal(store_query_int64(st, sql, &n, &e, 0), E_OK);
	return n;
}

static void every_batch_and_guest_emails_are_resealed(void **state)
{
	static const char *const plain_customers =
		"SELECT COUNT(*) FROM customers WHERE email NOT LIKE 'enc1:%' "
		"OR phone NOT LIKE 'enc1:%' OR email_bidx IS NULL";
	static const char *const plain_guests =
		"SELECT COUNT(*) FROM orders WHERE guest_email NOT LIKE 'enc1:%'";
	store *st;
	order o;
	int64_t id;
	err e;
	(void)state;
	/* 1000 customers (two full batches of 500: the pass must stop after
	 * an empty third) and 501 guest orders (a full batch and one more),
	 * plus an order without a guest email, all plain. */
	assert_int_equal(store_open(test_store_uri("batches.db"), STORE_CREATE, &st, &e), E_OK);
	assert_int_equal(store_exec(st,
				    "INSERT INTO customers (name, email, phone, created_at, "
				    "updated_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
				    "SELECT i + 1 FROM n WHERE i < 1000) SELECT 'C' || i, "
				    "'c' || i || '@example.com', '+4477009' || (10000 + i), 1, 1 "
				    "FROM n",
				    &e),
			 E_OK);
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO orders (external_id, placed_at, currency, "
			   "guest_email, created_at, updated_at) WITH RECURSIVE "
			   "n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 502) "
			   "SELECT 'O' || i, 1700000000 + i, 'GBP', CASE WHEN i < 502 "
			   "THEN 'g' || i || '@example.com' END, 1, 1 FROM n",
			   &e),
		E_OK);
	assert_int_equal(count_of(st, plain_customers), 1000);
	assert_int_equal(count_of(st, plain_guests), 501);

	assert_int_equal(pii_attach(st, key_a, &e), E_OK);
	assert_int_equal(count_of(st, plain_customers), 0);
	assert_int_equal(count_of(st, plain_guests), 0);
	assert_int_equal(count_of(st, "SELECT COUNT(*) FROM orders WHERE guest_email IS NULL"), 1);
	assert_int_equal(customer_find(st, CUSTOMER_BY_EMAIL, "c1000@example.com", &id, &e), E_OK);
	assert_int_equal(id, 1000);
	assert_int_equal(order_load(st, 501, &a, &o, &e), E_OK);
	assert_string_equal(o.guest_email, "g501@example.com");

	assert_int_equal(pii_rekey(st, key_a, key_b, &e), E_OK);
	assert_int_equal(count_of(st, plain_customers), 0);
	assert_int_equal(customer_find(st, CUSTOMER_BY_PHONE, "+447700910999", &id, &e), E_OK);
	assert_int_equal(id, 999);
	assert_int_equal(order_load(st, 1, &a, &o, &e), E_OK);
	assert_string_equal(o.guest_email, "g1@example.com");
	assert_int_equal(order_load(st, 501, &a, &o, &e), E_OK);
	assert_string_equal(o.guest_email, "g501@example.com");
	assert_int_equal(order_load(st, 502, &a, &o, &e), E_OK);
	assert_null(o.guest_email);
	store_close(st);
}

static void no_key_no_personal_data(void **state)
{
	store *st;
	customer c;
	err e;
	(void)state;
	assert_int_equal(store_open(test_tmpfile("nokey.db"), STORE_CREATE, &st, &e), E_OK);
	customer_init(&c);
	c.email = "x@example.com";
	assert_int_equal(customer_insert(st, &c, &e), E_INTERNAL);
	assert_non_null(strstr(e.msg, "key"));
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_and_open),
		cmocka_unit_test(sealed_text_is_checked),
		cmocka_unit_test(blind_indexes_are_keyed_and_typed),
		cmocka_unit_test(key_files),
		cmocka_unit_test(old_plain_rows_are_sealed_and_keys_checked),
		cmocka_unit_test(every_batch_and_guest_emails_are_resealed),
		cmocka_unit_test(no_key_no_personal_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
