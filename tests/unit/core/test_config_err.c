/* test_config_err.c: the INI configuration, the error type, log levels,
 * whole numbers and date orders as settings and arguments write them. */
#include "testutil.h"
#include "core/config.h"
#include "core/datetime.h"
#include "core/log.h"
#include "core/number.h"

static void config_reads_sections_and_defaults(void **state)
{
	const char *path = test_write_file("ecrm.conf", "; comment\n[import]\nregion = CN\n"
							"batch_rows = 5000\n[analytics]\nmargin = 0.35\n"
							"bad_int = 12x\n");
	config *c;
	err e;
	(void)state;
	assert_int_equal(config_load(path, &c, &e), E_OK);
	assert_string_equal(config_str(c, "import", "region", "GB"), "CN");
	assert_string_equal(config_str(c, "import", "missing", "GB"), "GB");
	assert_int_equal(config_int(c, "import", "batch_rows", 1), 5000);
	assert_true(config_double(c, "analytics", "margin", 0) == 0.35);
	log_set_level(LOG_OFF); /* the bad value's warning */
	assert_int_equal(config_int(c, "analytics", "bad_int", 7), 7);
	config_set(c, "import", "region", "US");
	assert_string_equal(config_str(c, "import", "region", NULL), "US");
	config_free(c);
	assert_int_equal(config_load(NULL, &c, &e), E_OK);
	assert_null(config_str(c, "a", "b", NULL));
	config_free(c);
	config_free(NULL);
}

static void config_errors_name_file_and_line(void **state)
{
	const char *path = test_write_file("bad.conf", "[a]\nok = 1\nthis line has no equals\n");
	config *c;
	err e;
	(void)state;
	assert_int_equal(config_load(path, &c, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "bad.conf:3"));
	config_free(c);
	assert_int_equal(config_load(test_tmpfile("none.conf"), &c, &e), E_NOTFOUND);
	config_free(c);
}

static void err_formats_and_prefixes(void **state)
{
	err e;
	(void)state;
	err_clear(&e);
	assert_int_equal(e.code, E_OK);
	assert_int_equal(err_set(&e, E_INVAL, "bad %s", "date"), E_INVAL);
	err_prefix(&e, "line %d", 12);
	assert_string_equal(e.msg, "line 12: bad date");
	assert_int_equal(err_set(NULL, E_IO, "ignored"), E_IO);
	assert_string_equal(status_name(E_NOTFOUND), "not_found");
	assert_string_equal(status_name(E__COUNT), "unknown");
	for (int s = 0; s < E__COUNT; s++)
		assert_non_null(status_name((status)s));
}

static void log_levels_parse(void **state)
{
	log_level l;
	(void)state;
	assert_true(log_parse_level("warn", &l));
	assert_int_equal(l, LOG_WARN);
	assert_false(log_parse_level("loud", &l));
	log_set_level(LOG_ERROR);
	assert_int_equal(log_get_level(), LOG_ERROR);
}

static void numbers_parse_whole_decimals_in_range(void **state)
{
	int64_t v = 42;
	(void)state;
	assert_true(number_parse("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(number_parse("-7", -10, 10, &v));
	assert_int_equal(v, -7);
	assert_true(number_parse("9223372036854775807", 0, INT64_MAX, &v));
	assert_int_equal(v, INT64_MAX);
	v = 42;
	/* Not numbers, or more than one: nothing is written. */
	const char *bad[] = { NULL, "", "-", " 5", "+5", "5 ", "5x", "0x10", "1e3", "--5",
			      "9223372036854775808" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(number_parse(bad[i], INT64_MIN, INT64_MAX, &v));
	/* Out of the range. */
	assert_false(number_parse("0", 1, 10, &v));
	assert_false(number_parse("11", 1, 10, &v));
	assert_int_equal(v, 42);
}

static void real_numbers_parse_finite_values_in_range(void **state)
{
	double v = 42;
	(void)state;
	assert_true(number_parse_real("0.85", 0, 1, &v));
	assert_true(v == 0.85);
	assert_true(number_parse_real("1e-3", 0, 1, &v));
	assert_true(v == 1e-3);
	assert_true(number_parse_real("-2", -5, 5, &v));
	assert_true(v == -2);
	v = 42;
	const char *bad[] = { NULL, "", " 1", "+1",    "1 ",   "0.5x",
			      "inf", "nan", "-inf", ".5", "1e999", "0x1p3" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(number_parse_real(bad[i], -1e300, 1e300, &v));
	assert_false(number_parse_real("1.01", 0, 1, &v));
	assert_false(number_parse_real("-0.01", 0, 1, &v));
	assert_true(v == 42);
}

static void date_orders_parse_by_name(void **state)
{
	date_order o = DATE_YMD;
	(void)state;
	assert_true(date_order_parse("dmy", &o));
	assert_int_equal(o, DATE_DMY);
	assert_true(date_order_parse("mdy", &o));
	assert_int_equal(o, DATE_MDY);
	assert_true(date_order_parse("ymd", &o));
	assert_int_equal(o, DATE_YMD);
	assert_false(date_order_parse("DMY", &o));
	assert_false(date_order_parse("d/m/y", &o));
	assert_false(date_order_parse(NULL, &o));
	assert_int_equal(o, DATE_YMD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_reads_sections_and_defaults),
		cmocka_unit_test(config_errors_name_file_and_line),
		cmocka_unit_test(err_formats_and_prefixes),
		cmocka_unit_test(log_levels_parse),
		cmocka_unit_test(numbers_parse_whole_decimals_in_range),
		cmocka_unit_test(real_numbers_parse_finite_values_in_range),
		cmocka_unit_test(date_orders_parse_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
