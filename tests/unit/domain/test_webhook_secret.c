/* test_webhook_secret.c: webhook secrets in the database: what is accepted,
 * generation, set / replace / clear, sealing bound to the key and to the
 * endpoint, key rotation. */
#include "testutil.h"
#include "domain/pii.h"
#include "domain/webhook_secret.h"

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

static store *open_db(const char *name, const pii_keys *k)
{
	store *st;
	err e = {0};

	assert_int_equal(store_open(test_tmpfile(name), STORE_CREATE, &st, &e), E_OK);
	if (k)
		assert_int_equal(pii_attach(st, k, &e), E_OK);
	return st;
}

static void what_is_accepted(void **state)
{
	static const struct {
		const char *secret;
		status want;
	} cases[] = {
		{ "0123456789abcdef", E_OK },		    /* 16: the least */
		{ "0123456789abcde", E_INVAL },		    /* 15 */
		{ "", E_INVAL },
		{ "shpss_0123456789abcdef!#$%&()*+,-./:;<=>?@[]^_`{|}~", E_OK },
		{ "0123456789abcdef ", E_INVAL },	    /* a pasted space */
		{ "0123456789abcdef\n", E_INVAL },	    /* a pasted line break */
		{ "0123456789abcdef\xc3\xa9", E_INVAL }, /* not ASCII */
	};
	char big[WEBHOOK_SECRET_MAX + 2];
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		e = (err){ 0 };
		assert_int_equal(webhook_secret_check(cases[i].secret, &e), cases[i].want);
		if (cases[i].want)
			assert_true(strncmp(e.msg, "secret: ", 8) == 0);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(webhook_secret_check(big, &e), E_INVAL);
	big[sizeof(big) - 2] = '\0';
	assert_int_equal(webhook_secret_check(big, &e), E_OK);
	assert_int_equal(webhook_secret_check(NULL, &e), E_INVAL);

	assert_true(webhook_secret_known("orders"));
	assert_true(webhook_secret_known("shopify"));
	assert_false(webhook_secret_known("Orders"));
	assert_false(webhook_secret_known(NULL));
}

static void generated_and_last4(void **state)
{
	char s1[WEBHOOK_SECRET_GEN_SIZE], s2[WEBHOOK_SECRET_GEN_SIZE], l4[5];
	err e;
	(void)state;
	webhook_secret_generate(s1);
	webhook_secret_generate(s2);
	assert_int_equal(strlen(s1), 64);
	assert_int_equal(strspn(s1, "0123456789abcdef"), 64);
	assert_string_not_equal(s1, s2);
	assert_int_equal(webhook_secret_check(s1, &e), E_OK);
	webhook_secret_last4("abcdefgh1234", l4);
	assert_string_equal(l4, "1234");
	webhook_secret_last4("xy", l4);
	assert_string_equal(l4, "xy");
}

static void set_replace_clear(void **state)
{
	store *st = open_db("hooks.db", key_a);
	webhook_secret_info info;
	const char *got;
	bool found;
	err e = {0};
	(void)state;

	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_OK);
	assert_null(got);
	assert_int_equal(webhook_secret_describe(st, &a, "orders", &info, &found, &e), E_OK);
	assert_false(found);

	assert_int_equal(webhook_secret_set(st, "orders", "first-secret-0001", "user:1", 100, &e),
			 E_OK);
	assert_int_equal(webhook_secret_set(st, "shopify", "shopify-secret-02", "user:2", 200, &e),
			 E_OK);
	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_OK);
	assert_string_equal(got, "first-secret-0001");
	/* Replaced, not added. */
	assert_int_equal(webhook_secret_set(st, "orders", "second-secret-003", "user:3", 300, &e),
			 E_OK);
	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_OK);
	assert_string_equal(got, "second-secret-003");
	assert_int_equal(webhook_secret_describe(st, &a, "orders", &info, &found, &e), E_OK);
	assert_true(found);
	assert_string_equal(info.last4, "-003");
	assert_string_equal(info.updated_by, "user:3");
	assert_int_equal(info.updated_at, 300);
	assert_int_equal(webhook_secret_get(st, &a, "shopify", &got, &e), E_OK);
	assert_string_equal(got, "shopify-secret-02");

	/* Refused: an unknown endpoint, a bad secret; nothing changes. */
	assert_int_equal(webhook_secret_set(st, "other", "0123456789abcdef", "user:1", 1, &e),
			 E_NOTFOUND);
	assert_int_equal(webhook_secret_set(st, "orders", "short", "user:1", 1, &e), E_INVAL);
	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_OK);
	assert_string_equal(got, "second-secret-003");

	/* Sealed at rest. */
	{
		int64_t n = -1;
		assert_int_equal(store_query_int64(st,
						   "SELECT COUNT(*) FROM webhook_secrets WHERE "
						   "secret LIKE 'enc1:%' AND secret NOT LIKE '%secret%'",
						   &n, &e, 0),
				 E_OK);
		assert_int_equal(n, 2);
	}
	/* Bound to its endpoint: the orders secret copied into the shopify
	 * row does not open there. */
	assert_int_equal(store_exec(st,
				    "UPDATE webhook_secrets SET secret = (SELECT secret FROM "
				    "webhook_secrets WHERE name = 'orders') WHERE name = 'shopify'",
				    &e),
			 E_OK);
	assert_int_equal(webhook_secret_get(st, &a, "shopify", &got, &e), E_AUTH);

	e = (err){ 0 };
	assert_int_equal(webhook_secret_clear(st, "shopify", &e), E_OK);
	assert_int_equal(webhook_secret_clear(st, "shopify", &e), E_NOTFOUND);
	e = (err){ 0 };
	assert_int_equal(webhook_secret_get(st, &a, "shopify", &got, &e), E_OK);
	assert_null(got);
	store_close(st);
}

static void without_a_key_nothing_is_stored(void **state)
{
	store *st = open_db("hooks-nokey.db", NULL);
	err e = {0};
	(void)state;
	assert_int_equal(webhook_secret_set(st, "orders", "0123456789abcdef", "cli", 1, &e),
			 E_INTERNAL);
	assert_non_null(strstr(e.msg, "key"));
	store_close(st);
}

static void rekey_reseals_secrets(void **state)
{
	store *st = open_db("hooks-rekey.db", key_a);
	const char *got;
	err e = {0};
	(void)state;
	assert_int_equal(webhook_secret_set(st, "orders", "rotate-me-0123456", "cli", 1, &e), E_OK);
	assert_int_equal(pii_rekey(st, key_a, key_b, &e), E_OK);
	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_OK);
	assert_string_equal(got, "rotate-me-0123456");
	store_close(st);
	/* Under the old key it no longer opens. */
	st = open_db("hooks-rekey.db", NULL);
	store_set_keys(st, key_a);
	assert_int_equal(webhook_secret_get(st, &a, "orders", &got, &e), E_AUTH);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_is_accepted),
		cmocka_unit_test(generated_and_last4),
		cmocka_unit_test(set_replace_clear),
		cmocka_unit_test(without_a_key_nothing_is_stored),
		cmocka_unit_test(rekey_reseals_secrets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
