/* test_csv.c: the streaming CSV reader: line numbers across quoted line
 * breaks, CRLF, blank lines, BOM, separators, whitespace tables, limits. */
#include "testutil.h"
#include "ingest/csv.h"
#include "core/strbuf.h"

typedef struct {
	strbuf out; /* "line:index:field|field\n" per row */
	int stop_at; /* return E_INVAL at this index (0: never) */
} collect;

static status on_row(void *user, const csv_row *row, err *e)
{
	collect *c = user;
	strbuf_addf(&c->out, "%" PRId64 ":%" PRId64 ":", row->line, row->index);
	for (size_t i = 0; i < row->n; i++)
		strbuf_addf(&c->out, "%s%s", i ? "|" : "", row->field[i]);
	strbuf_addc(&c->out, '\n');
	if (c->stop_at && row->index == c->stop_at)
		return err_set(e, E_INVAL, "stop");
	return E_OK;
}

static void read_text(const char *text, const csv_options *opt, const char *want)
{
	collect c = { STRBUF_INIT, 0 };
	err e;
	const char *path = test_write_file("in.csv", text);
	assert_int_equal(csv_read(path, opt, on_row, &c, &e), E_OK);
	assert_string_equal(c.out.buf, want);
	strbuf_release(&c.out);
}

static void quoted_line_breaks_keep_line_numbers(void **state)
{
	csv_options o = { 0 };
	(void)state;
	read_text("a,b\n1,\"two\nlines\"\n3,x\n", &o,
		  "1:0:a|b\n2:1:1|two\nlines\n4:2:3|x\n");
	/* CRLF, a blank line, a BOM and no final newline. */
	read_text("\xEF\xBB\xBFh1,h2\r\n\r\nv1,\"q,\"\"x\"\"\"\r\nv2,y", &o,
		  "1:0:h1|h2\n3:1:v1|q,\"x\"\n4:2:v2|y\n");
}

static void separators_are_guessed(void **state)
{
	csv_options o = { 0 };
	(void)state;
	read_text("a;b;c\n1;2,5;3\n", &o, "1:0:a|b|c\n2:1:1|2,5|3\n");
	read_text("a\tb\n1\t2\n", &o, "1:0:a|b\n2:1:1|2\n");
	assert_int_equal(csv_guess_delim("\"x,y\";b;c", 9), ';');
	assert_int_equal(csv_guess_delim("single", 6), ',');
}

static void whitespace_tables(void **state)
{
	csv_options o = { .whitespace = true };
	(void)state;
	read_text(" 00004 0001 19970101  2   29.33\r\n\n 00004 0001 19970118  2   29.73",
		  &o, "1:0:00004|0001|19970101|2|29.33\n3:1:00004|0001|19970118|2|29.73\n");
}

static void callback_failure_stops_and_limits_hold(void **state)
{
	collect c = { STRBUF_INIT, 1 };
	csv_options o = { .max_field = 4 };
	err e;
	(void)state;
	const char *path = test_write_file("stop.csv", "a\nb\nc\n");
	assert_int_equal(csv_read(path, &(csv_options){ 0 }, on_row, &c, &e), E_INVAL);
	assert_string_equal(c.out.buf, "1:0:a\n2:1:b\n");
	strbuf_release(&c.out);
	path = test_write_file("long.csv", "ok,12345\n");
	assert_int_equal(csv_read(path, &o, on_row, &c, &e), E_TOOBIG);
	assert_non_null(strstr(e.msg, "column 2"));
	strbuf_release(&c.out);
	assert_int_equal(csv_read(test_tmpfile("missing.csv"), &o, on_row, &c, &e), E_NOTFOUND);
	o = (csv_options){ .max_rows = 1 };
	path = test_write_file("peek.csv", "h\n1\n2\n");
	assert_int_equal(csv_read(path, &o, on_row, &c, &e), E_OK);
	assert_string_equal(c.out.buf, "1:0:h\n");
	strbuf_release(&c.out);
}

static void writing_quotes_what_needs_it(void **state)
{
	const char *fields[] = { "plain", "a,b", "say \"hi\"", NULL, " pad" };
	char buf[256] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	(void)state;
	csv_write_row(f, 5, fields);
	fclose(f);
	assert_string_equal(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",,\" pad\"\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoted_line_breaks_keep_line_numbers),
		cmocka_unit_test(separators_are_guessed),
		cmocka_unit_test(whitespace_tables),
		cmocka_unit_test(callback_failure_stops_and_limits_hold),
		cmocka_unit_test(writing_quotes_what_needs_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
