/* test_normalize.c: emails, phones to E.164, names, countries, money. */
#include "testutil.h"
#include "ingest/normalize.h"

static arena a;

static void emails_are_trimmed_and_lower_cased(void **state)
{
	(void)state;
	assert_string_equal(normalize_email(&a, "  Ann.Lee@Example.COM ", 22), "ann.lee@example.com");
	assert_null(normalize_email(&a, "   ", 3));
}

static void phone_cases(void **state)
{
	static const struct {
		const char *in, *region, *want;
	} ok[] = {
		{ "07700 900123", "GB", "+447700900123" },
		{ "+44 (0)20 7946 0958", "US", "+442079460958" },
		{ "'+1 (415) 555-2671", NULL, "+14155552671" },
		{ "(415) 555-2671", "US", "+14155552671" },
		{ "1-415-555-2671", "US", "+14155552671" },
		{ "011 44 20 7946 0958", "US", "+442079460958" },
		{ "0044 20 7946 0958", "FR", "+442079460958" },
		{ "138 0013 8000", "CN", "+8613800138000" },
		{ "06 12 34 56 78", "France", "+33612345678" },
		{ "+49 30 123456 ext. 12", NULL, "+4930123456" },
		{ "", "GB", NULL },
	};
	static const struct {
		const char *in, *region, *why;
	} bad[] = {
		{ "call me", "GB", "not a phone" },
		{ "12345", NULL, "no country code" },
		{ "+12", NULL, "international" },
		{ "12", "GB", "too short" },
	};
	const char *out;
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(normalize_phone(&a, ok[i].in, strlen(ok[i].in), ok[i].region, &out, &e),
				 E_OK);
		if (ok[i].want)
			assert_string_equal(out, ok[i].want);
		else
			assert_null(out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(normalize_phone(&a, bad[i].in, strlen(bad[i].in), bad[i].region, &out,
						 &e),
				 E_INVAL);
		assert_non_null(strstr(e.msg, bad[i].why));
	}
}

static void names_are_collapsed_and_composed(void **state)
{
	(void)state;
	assert_string_equal(normalize_name(&a, "  Mary   Ann\tLee ", 17), "Mary Ann Lee");
	/* e + COMBINING ACUTE becomes é; an ideographic space separates. */
	assert_string_equal(normalize_name(&a, "Jose\xCC\x81", 6), "Jos\xC3\xA9");
	assert_string_equal(normalize_name(&a, "张\xE3\x80\x80伟", 9), "张 伟");
	assert_null(normalize_name(&a, " ", 1));
	assert_string_equal(normalize_text(&a, " '00123 ", 8), "00123");
}

static void countries_map_to_iso_codes(void **state)
{
	(void)state;
	assert_string_equal(normalize_country("United Kingdom"), "GB");
	assert_string_equal(normalize_country("EIRE"), "IE");
	assert_string_equal(normalize_country("rsa"), "ZA");
	assert_string_equal(normalize_country("us"), "US");
	assert_string_equal(normalize_country("中国"), "CN");
	assert_null(normalize_country("Unspecified"));
	assert_null(normalize_country("European Community"));
}

static void money_cases(void **state)
{
	static const struct {
		const char *in;
		int dec;
		bool comma;
		int64_t want;
	} ok[] = {
		{ "2.55", 2, false, 255 },   { "-11062.06", 2, false, -1106206 },
		{ "0.001", 2, false, 0 },    { "0.005", 2, false, 1 },
		{ "1,234.5", 2, false, 123450 }, { "£3", 2, false, 300 },
		{ "$ 12.30 ", 2, false, 1230 }, { "(4.00)", 2, false, -400 },
		{ "1 234,56", 2, true, 123456 }, { "12 EUR", 2, false, 1200 },
		{ "1500", 0, false, 1500 },  { "1.2345", 3, false, 1235 },
		{ "5,00", 2, false, 500 },   { "12,5", 2, false, 1250 },
		{ "1,234", 2, false, 123400 },
	};
	int64_t v;
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(parse_money(ok[i].in, strlen(ok[i].in), ok[i].dec, ok[i].comma, &v, &e),
				 E_OK);
		assert_true(v == ok[i].want);
	}
	assert_int_equal(parse_money("abc", 3, 2, false, &v, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "'abc'"));
	assert_int_equal(parse_money("1.2.3", 5, 2, false, &v, &e), E_INVAL);
	assert_int_equal(currency_decimals("JPY"), 0);
	assert_int_equal(currency_decimals("kwd"), 3);
	assert_int_equal(currency_decimals("GBP"), 2);
	assert_int_equal(parse_int("17850.0", 7, &v, &e), E_OK);
	assert_true(v == 17850);
	assert_int_equal(parse_int("-3", 2, &v, &e), E_OK);
	assert_true(v == -3);
	assert_int_equal(parse_int("3.5", 3, &v, &e), E_INVAL);
	assert_int_equal(parse_int("", 0, &v, &e), E_INVAL);
}

static int setup(void **state)
{
	(void)state;
	arena_init(&a, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&a);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emails_are_trimmed_and_lower_cased),
		cmocka_unit_test(phone_cases),
		cmocka_unit_test(names_are_collapsed_and_composed),
		cmocka_unit_test(countries_map_to_iso_codes),
		cmocka_unit_test(money_cases),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
