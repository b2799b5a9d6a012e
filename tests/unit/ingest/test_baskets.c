/* test_baskets.c: the baskets file reader: separators, CRLF, blanks, repeats,
 * a missing final newline, errors, and the published sizes of real files. */
#include "testutil.h"
#include "ingest/baskets.h"

/* Asserts that basket `i` of `b` holds exactly the named items, in order. */
static void assert_basket(const baskets *b, size_t i, const char *const *names, size_t n)
{
	assert_true(i < b->n_baskets);
	assert_int_equal(b->offsets[i + 1] - b->offsets[i], n);
	for (size_t j = 0; j < n; j++)
		assert_string_equal(b->names[b->items[b->offsets[i] + j]], names[j]);
}

static void read_text(const char *text, const baskets_opts *o, baskets *b)
{
	err e;

	err_clear(&e);
	if (baskets_read(test_write_file("b.txt", text), o, b, &e))
		fail_msg("read failed: %s", e.msg);
}

static void commas_crlf_blank_lines_repeats_no_final_newline(void **state)
{
	static const char *const b0[] = { "a", "b" }, *const b2[] = { "c", "d" },
				 *const b3[] = { "b" };
	baskets b;
	(void)state;

	read_text("a,b , a\r\n\r\n c ,d,\r\n b", NULL, &b);
	assert_int_equal(b.n_baskets, 4);
	assert_int_equal(b.n_items, 4);
	assert_basket(&b, 0, b0, 2);   /* the second "a" counts once */
	assert_basket(&b, 1, NULL, 0); /* a blank line is an empty basket */
	assert_basket(&b, 2, b2, 2);   /* blanks trimmed, trailing comma ignored */
	assert_basket(&b, 3, b3, 1);   /* the last line has no newline */
	assert_int_equal(baskets_find(&b, "c"), 2);
	assert_int_equal(baskets_find(&b, "e"), -1);
	baskets_release(&b);

	baskets_opts skip = { BASKETS_AUTO, true, 0 };
	read_text("a,b , a\r\n\r\n   \r\n c ,d,\r\n b\n", &skip, &b);
	assert_int_equal(b.n_baskets, 3);
	assert_basket(&b, 1, b2, 2);
	baskets_release(&b);
}

static void spaces_tabs_and_trailing_blanks(void **state)
{
	static const char *const b0[] = { "1", "2", "3" }, *const b1[] = { "2", "4" },
				 *const b3[] = { "5" };
	baskets b;
	(void)state;

	read_text("1 2 3 \n\t2  2 4\t\n\n5", NULL, &b);
	assert_int_equal(b.n_baskets, 4);
	assert_int_equal(b.n_items, 5);
	assert_basket(&b, 0, b0, 3);
	assert_basket(&b, 1, b1, 2);
	assert_basket(&b, 2, NULL, 0);
	assert_basket(&b, 3, b3, 1);
	baskets_release(&b);
}

static void names_keep_inner_spaces_and_lose_a_bom(void **state)
{
	static const char *const b0[] = { "whole milk", "rolls/buns" }, *const b1[] = { "a", "b" };
	baskets b;
	(void)state;

	read_text("\xEF\xBB\xBFwhole milk,rolls/buns\na,,b\n", NULL, &b);
	assert_int_equal(b.n_baskets, 2);
	assert_basket(&b, 0, b0, 2);
	assert_basket(&b, 1, b1, 2);
	baskets_release(&b);

	/* A comma file may open with one-item baskets: AUTO looks further. */
	static const char *const c0[] = { "whole milk" }, *const c2[] = { "soda", "yogurt" };
	read_text("whole milk\n\nsoda, yogurt\n", NULL, &b);
	assert_int_equal(b.n_baskets, 3);
	assert_basket(&b, 0, c0, 1);
	assert_basket(&b, 1, NULL, 0);
	assert_basket(&b, 2, c2, 2);
	baskets_release(&b);

	/* Forced to spaces, the same line splits at the blank. */
	baskets_opts sp = { BASKETS_SPACE, false, 0 };
	read_text("whole milk\n", &sp, &b);
	assert_int_equal(b.n_items, 2);
	assert_string_equal(b.names[1], "milk");
	baskets_release(&b);
}

static void final_newline_adds_no_basket(void **state)
{
	baskets b;
	(void)state;

	read_text("x\ny\n", NULL, &b);
	assert_int_equal(b.n_baskets, 2);
	baskets_release(&b);
	read_text("x\ny", NULL, &b);
	assert_int_equal(b.n_baskets, 2);
	baskets_release(&b);
	read_text("x\ny\n\n", NULL, &b); /* an empty last line is a blank line */
	assert_int_equal(b.n_baskets, 3);
	baskets_release(&b);
	read_text("", NULL, &b);
	assert_int_equal(b.n_baskets, 0);
	assert_int_equal(b.n_items, 0);
	assert_int_equal(b.offsets[0], 0);
	baskets_release(&b);
}

static void errors_name_the_file_and_line(void **state)
{
	baskets_opts small = { BASKETS_AUTO, false, 8 };
	baskets b;
	err e;
	(void)state;

	err_clear(&e);
	assert_int_equal(baskets_read(test_tmpfile("missing.txt"), NULL, &b, &e), E_NOTFOUND);
	assert_non_null(strstr(e.msg, "missing.txt"));
	baskets_release(&b);

	err_clear(&e);
	assert_int_equal(
		baskets_read(test_write_file("long.txt", "a b\nc d e f g h\n"), &small, &b, &e),
		E_TOOBIG);
	assert_non_null(strstr(e.msg, "long.txt:2"));
	baskets_release(&b);
}

/* Groceries as summarised by arules: 9,835 baskets, 169 items, 43,367
 * item occurrences, and the five most frequent items' counts. */
static void groceries_matches_arules_summary(void **state)
{
	static const struct {
		const char *name;
		size_t count;
	} top[] = { { "whole milk", 2513 },
		    { "other vegetables", 1903 },
		    { "rolls/buns", 1809 },
		    { "soda", 1715 },
		    { "yogurt", 1372 } };
	static const char *const first[] = { "citrus fruit", "semi-finished bread", "margarine",
					     "ready soups" };
	baskets b;
	err e;
	(void)state;

	err_clear(&e);
	if (baskets_read(test_data("groceries/groceries_baskets.csv"), NULL, &b, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(b.n_baskets, 9835);
	assert_int_equal(b.n_items, 169);
	assert_int_equal(b.offsets[b.n_baskets], 43367);
	assert_basket(&b, 0, first, 4);
	for (size_t t = 0; t < ARRAY_SIZE(top); t++) {
		int64_t id = baskets_find(&b, top[t].name);
		size_t n = 0;
		assert_true(id >= 0);
		for (size_t j = 0; j < b.offsets[b.n_baskets]; j++)
			n += b.items[j] == (uint32_t)id;
		assert_int_equal(n, top[t].count);
	}
	baskets_release(&b);
}

/* The FIMI sizes: retail 88,162 baskets over 16,470 items (its last line
 * has no newline); mushroom 8,124 rows of 23 attribute values, 119 items. */
static void fimi_files_have_their_published_sizes(void **state)
{
	baskets b;
	err e;
	(void)state;

	err_clear(&e);
	if (baskets_read(test_data("fimi/retail.dat"), NULL, &b, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(b.n_baskets, 88162);
	assert_int_equal(b.n_items, 16470);
	baskets_release(&b);

	if (baskets_read(test_data("fimi/mushroom.dat"), NULL, &b, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(b.n_baskets, 8124);
	assert_int_equal(b.n_items, 119);
	for (size_t i = 0; i < b.n_baskets; i++)
		assert_int_equal(b.offsets[i + 1] - b.offsets[i], 23);
	baskets_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commas_crlf_blank_lines_repeats_no_final_newline),
		cmocka_unit_test(spaces_tabs_and_trailing_blanks),
		cmocka_unit_test(names_keep_inner_spaces_and_lose_a_bom),
		cmocka_unit_test(final_newline_adds_no_basket),
		cmocka_unit_test(errors_name_the_file_and_line),
		cmocka_unit_test(groceries_matches_arules_summary),
		cmocka_unit_test(fimi_files_have_their_published_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
