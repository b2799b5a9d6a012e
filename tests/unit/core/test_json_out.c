/* test_json_out.c: the JSON writer writes what jansson's compact dump of
 * the same values is (escapes, numbers, nesting), stored JSON text is
 * compacted or else written as a string, and misuse is caught. */
#include "testutil.h"
#include "core/json.h"
#include "core/json_out.h"

#include <math.h>

/* jansson's compact text of `v` (takes the reference). */
static char *jansson_text(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	assert_non_null(s);
	return s;
}

static void same_as_jansson(void **state)
{
	static const char *const strings[] = {
		"plain",
		"quote \" and \\ backslash",
		"tab\tnew\nline\rcr\bbs\fff",
		"\x01\x1f\x7f",
		"slash / stays",
		"中文 名字 and émigré",
		"emoji \xF0\x9F\x98\x80",
		"",
	};
	static const int64_t ints[] = { 0, 1, -1, 42, INT64_MAX, INT64_MIN, 1000000007 };
	static const double reals[] = { 0.0, 1.0, -2.5, 0.1, 1e20, 1e-5, 123456.789, 1e300, -0.0 };
	json_t *obj = json_object(), *arr = json_array();
	strbuf sb = STRBUF_INIT;
	json_out w;
	char *want;
	(void)state;

	json_out_init(&w, &sb);
	json_out_object(&w, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		char key[16];
		snprintf(key, sizeof(key), "s%zu", i);
		json_object_set_new(obj, key, json_string(strings[i]));
		json_out_string(&w, key, strings[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
		char key[16];
		snprintf(key, sizeof(key), "i%zu", i);
		json_object_set_new(obj, key, json_integer(ints[i]));
		json_out_int(&w, key, ints[i]);
	}
	json_out_array(&w, "reals");
	for (size_t i = 0; i < ARRAY_SIZE(reals); i++) {
		json_array_append_new(arr, json_real(reals[i]));
		json_out_real(&w, NULL, reals[i]);
	}
	json_out_end(&w);
	json_object_set_new(obj, "reals", arr);
	json_object_set_new(obj, "t", json_true());
	json_out_bool(&w, "t", true);
	json_object_set_new(obj, "f", json_false());
	json_out_bool(&w, "f", false);
	json_object_set_new(obj, "n", json_null());
	json_out_null(&w, "n");
	json_object_set_new(obj, "ns", json_null());
	json_out_string(&w, "ns", NULL);
	json_object_set_new(obj, "o1", json_integer(5));
	json_out_opt_int(&w, "o1", true, 5);
	json_object_set_new(obj, "o2", json_null());
	json_out_opt_int(&w, "o2", false, 5);
	json_object_set_new(obj, "empty", json_pack("{s:[], s:{}}", "a", "o"));
	json_out_object(&w, "empty");
	json_out_array(&w, "a");
	json_out_end(&w);
	json_out_object(&w, "o");
	json_out_end(&w);
	json_out_end(&w);
	json_out_end(&w);
	assert_true(json_out_done(&w));
	want = jansson_text(obj);
	assert_string_equal(sb.buf, want);
	free(want);
	strbuf_release(&sb);
}

static void not_utf8_becomes_replacement(void **state)
{
	strbuf sb = STRBUF_INIT;
	json_out w;
	(void)state;

	json_out_init(&w, &sb);
	json_out_string(&w, NULL,
			"a\xff"
			"b\xe4\xb8"
			"c");
	assert_true(json_out_done(&w));
	assert_string_equal(sb.buf, "\"a\xEF\xBF\xBD"
				    "b\xEF\xBF\xBD\xEF\xBF\xBD"
				    "c\"");
	strbuf_release(&sb);
}

static void non_finite_reals_are_null(void **state)
{
	strbuf sb = STRBUF_INIT;
	json_out w;
	(void)state;

	json_out_init(&w, &sb);
	json_out_array(&w, NULL);
	json_out_real(&w, NULL, NAN);
	json_out_real(&w, NULL, INFINITY);
	json_out_end(&w);
	assert_string_equal(sb.buf, "[null,null]");
	strbuf_release(&sb);
}

/* Stored text in, what the writer makes of it out. */
static const struct {
	const char *in, *out;
} texts[] = {
	{ "[]", "[]" },
	{ " [ \"vip\" , \"b2b\" ]\n", "[\"vip\",\"b2b\"]" },
	{ "{\"a\": {\"b\": [1, -2.5e+3, true, false, null]}}",
	  "{\"a\":{\"b\":[1,-2.5e+3,true,false,null]}}" },
	{ "{\"k\":\"x\\\"y\\u00e9 中\"}", "{\"k\":\"x\\\"y\\u00e9 中\"}" },
	{ "42", "42" },
	{ "\"s\"", "\"s\"" },
	/* Not one JSON value: the text as a string. */
	{ "vip", "\"vip\"" },
	{ "[1,]", "\"[1,]\"" },
	{ "{\"a\" 1}", "\"{\\\"a\\\" 1}\"" },
	{ "[1] [2]", "\"[1] [2]\"" },
	{ "01", "\"01\"" },
	{ "[\"a\tb\"]", "\"[\\\"a\\tb\\\"]\"" },
	{ "\"\\x\"", "\"\\\"\\\\x\\\"\"" },
	{ "[\"\\u12\"]", "\"[\\\"\\\\u12\\\"]\"" },
	{ "tru", "\"tru\"" },
	{ "{", "\"{\"" },
};

static void stored_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		strbuf sb = STRBUF_INIT;
		json_out w;
		json_out_init(&w, &sb);
		json_out_text(&w, NULL, texts[i].in);
		assert_true(json_out_done(&w));
		if (strcmp(sb.buf, texts[i].out) != 0)
			fail_msg("%s: got %s, want %s", texts[i].in, sb.buf, texts[i].out);
		strbuf_release(&sb);
	}
}

static void stored_text_null_and_deep(void **state)
{
	strbuf sb = STRBUF_INIT, deep = STRBUF_INIT;
	json_out w;
	(void)state;

	json_out_init(&w, &sb);
	json_out_object(&w, NULL);
	json_out_text(&w, "a", NULL);
	json_out_text(&w, "b", "");
	json_out_end(&w);
	assert_string_equal(sb.buf, "{\"a\":null,\"b\":null}");
	/* Nesting past 64 levels is refused, so it comes back as a string. */
	for (int i = 0; i < 100; i++)
		strbuf_addc(&deep, '[');
	for (int i = 0; i < 100; i++)
		strbuf_addc(&deep, ']');
	strbuf_reset(&sb);
	json_out_init(&w, &sb);
	json_out_text(&w, NULL, deep.buf);
	assert_int_equal(sb.buf[0], '"');
	assert_int_equal(sb.len, 202);
	strbuf_release(&sb);
	strbuf_release(&deep);
}

static void misuse_is_caught(void **state)
{
	strbuf sb = STRBUF_INIT;
	json_out w;
	(void)state;

	json_out_init(&w, &sb);
	assert_false(json_out_done(&w)); /* nothing written */
	json_out_object(&w, NULL);
	json_out_int(&w, NULL, 1); /* a member without a key */
	assert_false(json_out_done(&w));

	strbuf_reset(&sb);
	json_out_init(&w, &sb);
	json_out_array(&w, NULL);
	json_out_int(&w, "k", 1); /* a key inside an array */
	assert_false(json_out_done(&w));

	strbuf_reset(&sb);
	json_out_init(&w, &sb);
	json_out_array(&w, NULL);
	assert_false(json_out_done(&w)); /* left open */
	json_out_end(&w);
	assert_true(json_out_done(&w));
	json_out_end(&w); /* one end too many */
	assert_false(json_out_done(&w));

	strbuf_reset(&sb);
	json_out_init(&w, &sb);
	json_out_int(&w, NULL, 1);
	json_out_int(&w, NULL, 2); /* two top-level values */
	assert_false(json_out_done(&w));

	strbuf_reset(&sb);
	json_out_init(&w, &sb);
	for (int i = 0; i <= JSON_OUT_DEPTH; i++)
		json_out_array(&w, NULL);
	assert_false(json_out_done(&w));
	strbuf_release(&sb);
}

static void buffer_cap_fails(void **state)
{
	strbuf sb;
	json_out w;
	(void)state;

	strbuf_init(&sb, 16);
	json_out_init(&w, &sb);
	json_out_string(&w, NULL, "a string longer than sixteen bytes");
	assert_false(json_out_done(&w));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_jansson),
		cmocka_unit_test(not_utf8_becomes_replacement),
		cmocka_unit_test(non_finite_reals_are_null),
		cmocka_unit_test(stored_text),
		cmocka_unit_test(stored_text_null_and_deep),
		cmocka_unit_test(misuse_is_caught),
		cmocka_unit_test(buffer_cap_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
