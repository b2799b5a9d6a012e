/* test_config_err.c: the INI configuration, the error type, log levels. */
#include "testutil.h"
#include "core/config.h"
#include "core/log.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_reads_sections_and_defaults),
		cmocka_unit_test(config_errors_name_file_and_line),
		cmocka_unit_test(err_formats_and_prefixes),
		cmocka_unit_test(log_levels_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
