/* test_strbuf.c: growth, formatting, the size cap and its sticky failure. */
#include "testutil.h"
#include "core/strbuf.h"

static void empty_buffer_is_never_null(void **state)
{
	strbuf sb = STRBUF_INIT;
	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void appends_and_formats(void **state)
{
	strbuf sb;
	(void)state;
	strbuf_init(&sb, 0);
	strbuf_adds(&sb, "id=");
	strbuf_addf(&sb, "%d,%s", 42, "x");
	strbuf_addc(&sb, '!');
	assert_string_equal(sb.buf, "id=42,x!");
	assert_int_equal(sb.len, 8);
	strbuf_setlen(&sb, 2);
	assert_string_equal(sb.buf, "id");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%04d", i);
	assert_int_equal(sb.len, 2 + 4000);
	assert_false(strbuf_failed(&sb));
	strbuf_release(&sb);
}

static void cap_fails_and_sticks(void **state)
{
	strbuf sb;
	(void)state;
	strbuf_init(&sb, 8);
	assert_true(strbuf_adds(&sb, "12345678"));
	assert_false(strbuf_addc(&sb, '9'));
	assert_true(strbuf_failed(&sb));
	assert_string_equal(sb.buf, "12345678");
	strbuf_reset(&sb);
	assert_false(strbuf_failed(&sb));
	assert_false(strbuf_addf(&sb, "%s", "123456789"));
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void grow_makes_room_only(void **state)
{
	strbuf sb;
	(void)state;
	strbuf_init(&sb, 10);
	assert_true(strbuf_grow(&sb, 6));
	assert_int_equal(sb.len, 0);
	assert_true(sb.cap >= 7);
	memcpy(sb.buf, "abcdef", 7);
	sb.len = 6;
	assert_true(strbuf_grow(&sb, 4));
	assert_false(strbuf_grow(&sb, 5)); /* 11 bytes would pass the cap of 10 */
	assert_true(strbuf_failed(&sb));
	assert_string_equal(sb.buf, "abcdef");
	strbuf_release(&sb);
}

static void detach_hands_over(void **state)
{
	strbuf sb = STRBUF_INIT;
	size_t n;
	char *s;
	(void)state;
	s = strbuf_detach(&sb, &n);
	assert_string_equal(s, "");
	free(s);
	strbuf_adds(&sb, "abc");
	s = strbuf_detach(&sb, &n);
	assert_int_equal(n, 3);
	assert_string_equal(s, "abc");
	assert_int_equal(sb.len, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_buffer_is_never_null),
		cmocka_unit_test(appends_and_formats),
		cmocka_unit_test(cap_fails_and_sticks),
		cmocka_unit_test(grow_makes_room_only),
		cmocka_unit_test(detach_hands_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
