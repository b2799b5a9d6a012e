/* test_datetime.c: every accepted timestamp layout, range checks and their
 * messages, explicit layouts, formatting and the civil-day arithmetic.
 * Expected Unix times were computed with GNU date, e.g.
 * `date -u -d 2026-04-05T17:06:21Z +%s`. */
#include "testutil.h"
#include "core/datetime.h"

typedef struct {
	const char *in;
	date_order order;
	int64_t want;
} ok_case;

static void parses_supported_layouts(void **state)
{
	static const ok_case cases[] = {
		/* ISO 8601 / RFC 3339 */
		{"2026-04-05", DATE_MDY, 1775347200},
		{"2026-04-05T21:06:21", DATE_MDY, 1775423181},
		{"2026-04-05T21:06:21Z", DATE_MDY, 1775423181},
		{"2026-04-05t21:06:21z", DATE_MDY, 1775423181},
		{"2026-04-05T21:06:21.123+04:00", DATE_MDY, 1775408781},
		{"2026-04-05T21:06:21,5Z", DATE_MDY, 1775423181},
		{"2026-04-05T21:06:21-05:00", DATE_MDY, 1775441181},
		{"2026-04-05T21:06:21+05", DATE_MDY, 1775405181},
		{"2026-04-05 21:06:21", DATE_DMY, 1775423181},
		{"2026-04-05T21:06", DATE_MDY, 1775423160},
		{"2026-04-05 21:06:21 UTC", DATE_MDY, 1775423181},
		{"2026-04-05 21:06:21 GMT", DATE_MDY, 1775423181},
		{"2026/04/05", DATE_DMY, 1775347200},
		{"2026.04.05", DATE_MDY, 1775347200},
		{"2026/04/05", DATE_YMD, 1775347200},
		/* Shopify: the offset is applied */
		{"2026-04-05 21:06:21 +0400", DATE_MDY, 1775408781},
		{"2026-04-05 21:06:21 -0000", DATE_MDY, 1775423181},
		/* 8 digits are YYYYMMDD whatever the order (CDNOW) */
		{"19970101", DATE_MDY, 852076800},
		{"19970101", DATE_DMY, 852076800},
		{"20240229", DATE_MDY, 1709164800},
		{"20260405 21:06:21", DATE_DMY, 1775423181},
		{"20260405T21:06:21+04:00", DATE_MDY, 1775408781},
		/* US exports, the original UCI Online Retail layout */
		{"12/1/2010 8:26", DATE_MDY, 1291191960},
		{"12/01/2010 08:26:00", DATE_MDY, 1291191960},
		{"04/05/2026 21:06:21", DATE_MDY, 1775423181},
		{"4/5/26", DATE_MDY, 1775347200},
		{"12/31/69", DATE_MDY, -86400},
		{"1/1/68", DATE_MDY, 3092601600},
		/* AM/PM */
		{"12/1/2010 8:26 PM", DATE_MDY, 1291235160},
		{"12/1/2010 8:26:10pm", DATE_MDY, 1291235170},
		{"12/1/2010 12:05 AM", DATE_MDY, 1291161900},
		{"12/1/2010 12:05 PM", DATE_MDY, 1291205100},
		{"12/1/2010 8:26 AM +0000", DATE_MDY, 1291191960},
		/* day first */
		{"04/05/2026 21:06", DATE_DMY, 1777928760},
		{"04.05.2026", DATE_DMY, 1777852800},
		{"4.5.2026", DATE_DMY, 1777852800},
		{"04-05-2026 21:06:00", DATE_DMY, 1777928760},
		{"1/12/2010 8:26", DATE_DMY, 1291191960},
		/* two-digit year first */
		{"26/04/05", DATE_YMD, 1775347200},
		/* epoch seconds and milliseconds */
		{"1775408781", DATE_MDY, 1775408781},
		{"946684800", DATE_MDY, 946684800},
		{"1775408781123", DATE_MDY, 1775408781},
		{"1775408781999", DATE_DMY, 1775408781},
		/* blanks around */
		{"  2026-04-05 21:06:21 +0400 \r\n", DATE_MDY, 1775408781},
		/* leap years and the edges of the range */
		{"2000-02-29", DATE_MDY, 951782400},
		{"1969-12-31T23:59:59Z", DATE_MDY, -1},
		{"1970-01-01T00:00:00Z", DATE_MDY, 0},
		{"1900-03-01", DATE_MDY, -2203891200},
		{"0001-01-01", DATE_MDY, -62135596800},
		{"9999-12-31T23:59:59Z", DATE_MDY, 253402300799},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t t = 12345;
		err e;
		err_clear(&e);
		status rc =
			datetime_parse(cases[i].in, strlen(cases[i].in), cases[i].order, &t, &e);
		if (rc != E_OK || t != cases[i].want)
			fail_msg("'%s' (order %d): rc %d (%s), got %" PRId64 ", want %" PRId64,
				 cases[i].in, (int)cases[i].order, (int)rc, e.msg, t,
				 cases[i].want);
	}
}

typedef struct {
	const char *in;
	date_order order;
	const char *msg; /* expected substring of the message */
} bad_case;

static void check_bad(const bad_case *cases, size_t count, const char *layout)
{
	for (size_t i = 0; i < count; i++) {
		int64_t t = 777;
		err e;
		status rc;
		err_clear(&e);
		if (layout)
			rc = datetime_parse_format(cases[i].in, strlen(cases[i].in), layout, &t,
						   &e);
		else
			rc = datetime_parse(cases[i].in, strlen(cases[i].in), cases[i].order, &t,
					    &e);
		if (rc != E_INVAL || !strstr(e.msg, cases[i].msg))
			fail_msg("'%s': rc %d, message \"%s\" lacks \"%s\"", cases[i].in, (int)rc,
				 e.msg, cases[i].msg);
		if (t != 777)
			fail_msg("'%s': output written on error", cases[i].in);
	}
}

static void rejects_with_useful_messages(void **state)
{
	static const bad_case cases[] = {
		{"2026-04-31", DATE_MDY, "day 31 is past the end of April in '2026-04-31'"},
		{"2025-02-29", DATE_MDY,
		 "day 29 is past the end of February in '2025-02-29' (2025 "
		 "is not a leap year)"},
		{"1900-02-29", DATE_MDY, "1900 is not a leap year"},
		{"20250229", DATE_MDY, "day 29 is past the end of February"},
		{"2026-04-00", DATE_MDY, "day 0 is not valid in '2026-04-00'"},
		{"2026-13-01", DATE_MDY, "month 13 is not 1-12 in '2026-13-01'"},
		{"2026-00-01", DATE_MDY, "month 0 is not 1-12"},
		{"13/05/2026", DATE_MDY,
		 "month 13 is not 1-12 in '13/05/2026' (is it day-first? "
		 "then the date order must be DMY)"},
		{"05/13/2026", DATE_DMY, "month-first"},
		{"09/31/2026", DATE_MDY, "day 31 is past the end of September"},
		{"2026-04-05 24:00", DATE_MDY, "hour 24 is not 0-23"},
		{"2026-04-05 23:60", DATE_MDY, "minute 60 is not 0-59"},
		{"2026-04-05 23:59:60", DATE_MDY, "second 60 is not 0-59"},
		{"12/1/2010 13:00 PM", DATE_MDY, "hour 13 is not 1-12 with PM"},
		{"12/1/2010 0:30 AM", DATE_MDY, "hour 0 is not 1-12 with AM"},
		{"", DATE_MDY, "empty timestamp"},
		{"   ", DATE_MDY, "empty timestamp"},
		{"hello", DATE_MDY,
		 "expected a date such as 2026-04-05, 04/05/2026 or 20260405; "
		 "got 'hello'"},
		{"2026-4", DATE_MDY, "'2026-4' ends early; expected '-' after the month"},
		{"2026-04-05X", DATE_MDY, "unexpected 'X' at position 11 in '2026-04-05X'"},
		{"2026-04-05T", DATE_MDY, "ends early; expected a time"},
		{"2026-04-05 21", DATE_MDY, "ends early; expected ':' after the hour"},
		{"2026-04-05 21:6", DATE_MDY, "2-digit minutes"},
		{"2026-04-05 21:06:2", DATE_MDY, "2-digit seconds"},
		{"2026-04-05 21:06:21.", DATE_MDY, "fraction of a second"},
		{"2026-04-05 21:06:21 foo", DATE_MDY, "unexpected 'f' at position 21"},
		{"2026-04-05 21:06:21 +0475", DATE_MDY, "zone offset +04:75 is out of range"},
		{"2026-04-05 21:06:21 +4", DATE_MDY, "2-digit hours"},
		{"2026-04-05 21:06:21 +04:", DATE_MDY, "2-digit minutes in the zone offset"},
		{"2026-04-05 21:06:21 +0400 x", DATE_MDY, "unexpected 'x' at position 27"},
		{"2026-04-05\xe5\xb9\xb4", DATE_MDY, "unexpected byte 0xe5 at position 11"},
		{"04/05/202", DATE_MDY, "a year of 2 or 4 digits"},
		{"04/05-2026", DATE_MDY, "unexpected '-' at position 6"},
		{"12345", DATE_MDY,
		 "'12345' has 5 digits; expected 8 (YYYYMMDD), 9-10 (Unix "
		 "seconds) or 13 (Unix milliseconds)"},
		{"123456789012", DATE_MDY, "has 12 digits"},
		{"4/5/2026", DATE_YMD, "expected YY/MM/DD (date order YMD)"},
		{"-5", DATE_MDY, "expected a date"},
	};
	(void)state;
	check_bad(cases, ARRAY_SIZE(cases), NULL);
}

static void long_input_is_cut_in_messages(void **state)
{
	char in[200];
	int64_t t;
	err e;
	(void)state;
	memset(in, 'x', sizeof(in));
	assert_int_equal(datetime_parse(in, sizeof(in), DATE_MDY, &t, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "...'"));
	assert_true(strlen(e.msg) < 160);
	/* Not NUL-terminated input: only `n` bytes are read. */
	assert_int_equal(datetime_parse("2026-04-05garbage", 10, DATE_MDY, &t, &e), E_OK);
	assert_int_equal(t, 1775347200);
}

typedef struct {
	const char *in;
	const char *layout;
	int64_t want;
} fmt_case;

static void parses_explicit_layouts(void **state)
{
	static const fmt_case cases[] = {
		{"05/Apr/2026:21:06:21 +0400", "%d/%b/%Y:%H:%M:%S %z", 1775408781},
		{"20260405 210621", "%Y%m%d %H%M%S", 1775423181},
		{"April 5, 2026", "%b %d, %Y", 1775347200},
		{"apr 5 2026", "%b %d %Y", 1775347200},
		{"5-APR-26 09:06:21 PM", "%d-%b-%y %H:%M:%S %p", 1775423181},
		{"5-APR-26 09:06:21PM", "%d-%b-%y %H:%M:%S%p", 1775423181},
		{"2026-04-05T21:06:21.123+04:00", "%Y-%m-%dT%H:%M:%S.%f%z", 1775408781},
		{"2026-04-05T21:06:21Z", "%Y-%m-%dT%H:%M:%S%z", 1775423181},
		{"2026-04-05    21:06", "%Y-%m-%d %H:%M", 1775423160},
		{"  2026-04-05 ", "%Y-%m-%d", 1775347200},
		{"1775408781", "%s", 1775408781},
		{"-1", "%s", -1},
		{"ts=1775408781", "ts=%s", 1775408781},
		{"2026%", "%Y%%", 1767225600},
		{"2026", "%Y", 1767225600},
		{"05.04.2026", "%d.%m.%Y", 1775347200},
		{"", "", 0},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t t = 12345;
		err e;
		err_clear(&e);
		status rc = datetime_parse_format(cases[i].in, strlen(cases[i].in), cases[i].layout,
						  &t, &e);
		if (rc != E_OK || t != cases[i].want)
			fail_msg("'%s' with '%s': rc %d (%s), got %" PRId64 ", want %" PRId64,
				 cases[i].in, cases[i].layout, (int)rc, e.msg, t, cases[i].want);
	}
}

static void explicit_layout_errors(void **state)
{
	static const bad_case iso[] = {
		{"2026/04/05", 0,
		 "unexpected '/' at position 5 in '2026/04/05'; expected '-' "
		 "(layout '%Y-%m-%d')"},
		{"2026-04-31", 0, "day 31 is past the end of April"},
		{"2026-04-05 x", 0, "unexpected ' ' at position 11"},
		{"2026-04", 0, "ends early; expected '-'"},
		{"2026-4-", 0, "expected a day (%d)"},
		{"x026-04-05", 0, "expected a year (%Y)"},
	};
	static const bad_case other[] = {
		{"Foo 5 2026", 0, "expected a month name such as Jan (%b)"},
	};
	static const bad_case ampm[] = {
		{"13:00 PM", 0, "hour 13 is not 1-12 with PM"},
		{"11:00 XM", 0, "expected AM or PM (%p)"},
	};
	static const bad_case epoch[] = {
		{"17754087811234567890", 0, "expected Unix seconds (%s)"},
		{"abc", 0, "expected Unix seconds (%s)"},
	};
	static const bad_case year2[] = {
		{"5-APR-2026", 0, "unexpected '2' at position 9"},
		{"5-APR-6", 0, "expected a 2-digit year (%y)"},
	};
	int64_t t;
	err e;
	(void)state;
	check_bad(iso, ARRAY_SIZE(iso), "%Y-%m-%d");
	check_bad(other, ARRAY_SIZE(other), "%b %d %Y");
	check_bad(ampm, ARRAY_SIZE(ampm), "%H:%M %p");
	check_bad(epoch, ARRAY_SIZE(epoch), "%s");
	check_bad(year2, ARRAY_SIZE(year2), "%d-%b-%y");
	assert_int_equal(datetime_parse_format("2026", 4, "%Y%Q", &t, &e), E_INVAL);
	assert_string_equal(e.msg, "layout '%Y%Q' has the unknown directive '%Q'");
	assert_int_equal(datetime_parse_format("2026", 4, "%Y%", &t, &e), E_INVAL);
	assert_string_equal(e.msg, "layout '%Y%' ends with a lone '%'");
}

static void formats_iso_and_date(void **state)
{
	char buf[32];
	(void)state;
	datetime_format_iso(1775408781, buf, sizeof(buf));
	assert_string_equal(buf, "2026-04-05T17:06:21Z");
	datetime_format_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	datetime_format_iso(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	datetime_format_iso(253402300799, buf, 21);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	datetime_format_iso(-62135596800, buf, sizeof(buf));
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	datetime_format_iso(1775408781, buf, 5); /* too small: cut, still terminated */
	assert_string_equal(buf, "2026");
	datetime_format_date(1775408781, buf, 11);
	assert_string_equal(buf, "2026-04-05");
	datetime_format_date(-86400, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31");
	datetime_format_date(951782400 + 86399, buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29");
}

static void round_trips_through_text(void **state)
{
	(void)state;
	/* Every 7,919 seconds over 1900..2100 (a prime step, so all times of day). */
	for (int64_t t = -2208988800; t < 4102444800; t += 7919 * 97) {
		char buf[32];
		int64_t back;
		err e;
		datetime_format_iso(t, buf, sizeof(buf));
		assert_int_equal(datetime_parse(buf, strlen(buf), DATE_MDY, &back, &e), E_OK);
		assert_int_equal(back, t);
	}
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : len[m - 1];
}

/* Walks the calendar one day at a time from 1970-01-01 both ways and checks
 * both conversions against the running count: an independent derivation. */
static void civil_days_match_a_day_by_day_walk(void **state)
{
	int y = 1970, m = 1, d = 1;
	int64_t n = 0;
	(void)state;
	assert_int_equal(days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(days_from_civil(2026, 4, 5), 20548);
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	for (;;) {
		int cy, cm, cd;
		if (days_from_civil(y, m, d) != n)
			fail_msg("days_from_civil(%d, %d, %d) != %" PRId64, y, m, d, n);
		civil_from_days(n, &cy, &cm, &cd);
		if (cy != y || cm != m || cd != d)
			fail_msg("civil_from_days(%" PRId64 ") = %d-%d-%d, want %d-%d-%d", n, cy,
				 cm, cd, y, m, d);
		if (y == 9999 && m == 12 && d == 31)
			break;
		n++;
		if (++d > month_len(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	y = 1970, m = 1, d = 1, n = 0;
	for (;;) {
		int cy, cm, cd;
		if (days_from_civil(y, m, d) != n)
			fail_msg("days_from_civil(%d, %d, %d) != %" PRId64, y, m, d, n);
		civil_from_days(n, &cy, &cm, &cd);
		if (cy != y || cm != m || cd != d)
			fail_msg("civil_from_days(%" PRId64 ") = %d-%d-%d, want %d-%d-%d", n, cy,
				 cm, cd, y, m, d);
		if (y == -9999 && m == 1 && d == 1)
			break;
		n--;
		if (--d < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = month_len(y, m);
		}
	}
}

/* The CDNOW sample: 6,919 purchases dated YYYYMMDD, January 1997 to June 1998
 * (Fader, Hardie and Lee 2005). */
static void parses_every_cdnow_date(void **state)
{
	FILE *f = fopen(test_data("cdnow/CDNOW_sample.txt"), "r");
	char line[256];
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int rows = 0;
	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line, *start;
		int64_t t;
		err e;
		/* third whitespace-separated field */
		for (int field = 0; field < 2; field++) {
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
		}
		while (*p == ' ')
			p++;
		start = p;
		while (*p && *p != ' ')
			p++;
		if (datetime_parse(start, (size_t)(p - start), DATE_MDY, &t, &e))
			fail_msg("row %d: %s", rows + 1, e.msg);
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 6919);
	assert_int_equal(lo, 852076800); /* 1997-01-01 */
	assert_int_equal(hi, 899164800); /* 1998-06-30 */
}

/* The converted Online Retail file stores "2010-12-01 08:26:00" where the UCI
 * Excel original shows "12/1/2010 8:26": the same instant. */
static void online_retail_layouts_agree(void **state)
{
	FILE *f = fopen(test_data("online-retail/online_retail.csv"), "r");
	char line[512];
	int64_t a, b;
	err e;
	const char *q;
	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	q = strstr(line, "\"2010-");
	assert_non_null(q);
	assert_int_equal(datetime_parse(q + 1, 19, DATE_MDY, &a, &e), E_OK);
	assert_int_equal(datetime_parse("12/1/2010 8:26", 14, DATE_MDY, &b, &e), E_OK);
	assert_int_equal(a, b);
	assert_int_equal(a, 1291191960);
}

/* Mutated timestamps and random bytes: every call either succeeds or says
 * why not, never reads past `n` (ASan watches the heap copy). */
static void survives_garbage(void **state)
{
	static const char *const seeds[] = {
		"2026-04-05 21:06:21 +0400",
		"2026-04-05T21:06:21.123+04:00",
		"12/1/2010 8:26 PM",
		"19970101",
		"1775408781123",
		"05.04.2026 21:06",
		"20260405T21:06:21Z",
	};
	static const char alphabet[] = "0123456789-/.:+ TZzAPMmUTCG,\xe5";
	uint64_t x = 0x9e3779b97f4a7c15u;
	(void)state;
	for (int i = 0; i < 40000; i++) {
		char tmp[48];
		size_t n;
		char *heap;
		int64_t t;
		err e;
		status rc;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i % 4 == 0) {
			n = x % sizeof(tmp);
			for (size_t j = 0; j < n; j++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				tmp[j] = alphabet[x % (sizeof(alphabet) - 1)];
			}
		} else {
			const char *seed = seeds[x % ARRAY_SIZE(seeds)];
			n = strlen(seed);
			memcpy(tmp, seed, n);
			for (int k = 0; k < 1 + i % 3; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				tmp[(x >> 8) % n] = alphabet[(x >> 32) % (sizeof(alphabet) - 1)];
			}
			n -= (x >> 40) % 3 == 0 ? (x >> 44) % n : 0;
		}
		heap = malloc(n ? n : 1);
		memcpy(heap, tmp, n);
		err_clear(&e);
		rc = datetime_parse(heap, n, (date_order)(i % 3), &t, &e);
		if (rc != E_OK && (rc != E_INVAL || !e.msg[0]))
			fail_msg("'%.*s': rc %d, message '%s'", (int)n, tmp, (int)rc, e.msg);
		err_clear(&e);
		rc = datetime_parse_format(heap, n, "%Y-%m-%d %H:%M:%S %z", &t, &e);
		if (rc != E_OK && (rc != E_INVAL || !e.msg[0]))
			fail_msg("'%.*s' (layout): rc %d", (int)n, tmp, (int)rc);
		free(heap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_supported_layouts),
		cmocka_unit_test(rejects_with_useful_messages),
		cmocka_unit_test(long_input_is_cut_in_messages),
		cmocka_unit_test(parses_explicit_layouts),
		cmocka_unit_test(explicit_layout_errors),
		cmocka_unit_test(formats_iso_and_date),
		cmocka_unit_test(round_trips_through_text),
		cmocka_unit_test(civil_days_match_a_day_by_day_walk),
		cmocka_unit_test(parses_every_cdnow_date),
		cmocka_unit_test(online_retail_layouts_agree),
		cmocka_unit_test(survives_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
