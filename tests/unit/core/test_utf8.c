/* test_utf8.c: well-formed and malformed UTF-8 of every class (Unicode table
 * 3-7), Chinese text, NFC against the Unicode decomposition data, and
 * truncation at character boundaries. */
#include "testutil.h"
#include "core/utf8.h"

typedef struct {
	const char *s;
	size_t n;
	size_t bad; /* SIZE_MAX: well-formed */
	const char *what;
} valid_case;

#define S(lit) lit, sizeof(lit) - 1
#define OK     SIZE_MAX

static const valid_case valid_cases[] = {
	{S(""), OK, "empty"},
	{S("plain ascii, longer than eight bytes"), OK, "ascii"},
	{S("a\0b"), OK, "NUL is a character"},
	{S("\xE5\xBC\xA0\xE4\xBC\x9F"), OK, "张伟"},
	{S("\xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8\x82"), OK, "北京市"},
	{S("Caf\xC3\xA9 e\xCC\x81"), OK, "composed and decomposed e acute"},
	{S("\xF0\x9F\x98\x80"), OK, "U+1F600 (4 bytes)"},
	{S("\x7F"), OK, "U+007F"},
	{S("\xC2\x80"), OK, "U+0080, smallest 2-byte"},
	{S("\xDF\xBF"), OK, "U+07FF"},
	{S("\xE0\xA0\x80"), OK, "U+0800, smallest 3-byte"},
	{S("\xED\x9F\xBF"), OK, "U+D7FF, just below the surrogates"},
	{S("\xEE\x80\x80"), OK, "U+E000, just above the surrogates"},
	{S("\xEF\xBF\xBF"), OK, "U+FFFF (a noncharacter, but well-formed)"},
	{S("\xF0\x90\x80\x80"), OK, "U+10000, smallest 4-byte"},
	{S("\xF4\x8F\xBF\xBF"), OK, "U+10FFFF, the largest"},
	/* lone and stray continuation bytes */
	{S("\x80"), 0, "lone continuation"},
	{S("ab\xBF"), 2, "stray continuation after ascii"},
	{S("\xE5\xBC\xA0\xA0"), 3, "one continuation too many"},
	/* overlong forms */
	{S("\xC0\xAF"), 0, "overlong '/' in 2 bytes (C0)"},
	{S("\xC1\xBF"), 0, "overlong U+007F (C1)"},
	{S("\xC0\x80"), 0, "overlong NUL"},
	{S("\xE0\x80\xAF"), 0, "overlong '/' in 3 bytes"},
	{S("\xE0\x9F\xBF"), 0, "overlong U+07FF in 3 bytes"},
	{S("\xF0\x80\x80\xAF"), 0, "overlong '/' in 4 bytes"},
	{S("\xF0\x8F\xBF\xBF"), 0, "overlong U+FFFF in 4 bytes"},
	/* surrogates */
	{S("\xED\xA0\x80"), 0, "U+D800"},
	{S("\xED\xAD\xBF"), 0, "U+DB7F"},
	{S("\xED\xBF\xBF"), 0, "U+DFFF"},
	{S("\xED\xA0\xBD\xED\xB8\x80"), 0, "CESU-8 surrogate pair"},
	/* past U+10FFFF and bytes that never occur */
	{S("\xF4\x90\x80\x80"), 0, "U+110000"},
	{S("\xF5\x80\x80\x80"), 0, "F5 lead"},
	{S("\xF7\xBF\xBF\xBF"), 0, "U+1FFFFF in 4 bytes"},
	{S("\xF8\x88\x80\x80\x80"), 0, "5-byte form"},
	{S("\xFC\x84\x80\x80\x80\x80"), 0, "6-byte form"},
	{S("\xFE"), 0, "FE"},
	{S("\xFF"), 0, "FF"},
	/* truncated sequences */
	{S("\xC3"), 0, "2-byte lead at the end"},
	{S("\xE5\xBC"), 0, "张 cut after 2 bytes"},
	{S("\xF0\x9F\x98"), 0, "emoji cut after 3 bytes"},
	{S("\xE5\x41\x42"), 0, "3-byte lead then ascii"},
	{S("\xC3"
	   "A"),
	 0, "2-byte lead then ascii"},
	{S("\xF0\x9F\x98"
	   "A"),
	 0, "4-byte lead, 2 continuations, ascii"},
	/* the offset is that of the first bad sequence */
	{S("\xE5\xBC\xA0\xE4\xBC\x9F\xFF"), 6, "张伟 then FF"},
	{S("\xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8"), 6, "北京 then half of 市"},
	{S("0123456789abcdefg\x80xyz0123456789"), 17, "bad byte after the 8-byte ascii path"},
	{S("0123456789abcdef\xC3\xA9\xED\xA0\x80"), 18, "surrogate after ascii and é"},
};

static void validates_every_class(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
		const valid_case *c = &valid_cases[i];
		size_t bad = 12345;
		bool ok = utf8_valid(c->s, c->n, &bad);

		if (ok != (c->bad == OK))
			fail_msg("%s: utf8_valid says %s", c->what, ok ? "valid" : "invalid");
		if (!ok && bad != c->bad)
			fail_msg("%s: bad offset %zu, want %zu", c->what, bad, c->bad);
		if (ok && bad != 12345)
			fail_msg("%s: offset written although valid", c->what);
		/* NULL for the offset is allowed */
		assert_int_equal(utf8_valid(c->s, c->n, NULL), ok);
	}
}

static void decodes_characters(void **state)
{
	uint32_t cp = 0;
	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xC3\xA9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xE5\xBC\xA0", 3, &cp), 3);
	assert_int_equal(cp, 0x5F20); /* 张 */
	assert_int_equal(utf8_decode("\xE5\xB8\x82", 3, &cp), 3);
	assert_int_equal(cp, 0x5E02); /* 市 */
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	cp = 7;
	assert_int_equal(utf8_decode("", 0, &cp), -1);
	assert_int_equal(utf8_decode("\xE5\xBC\xA0", 2, &cp), -1); /* n cuts it */
	assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), -1);
	assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), -1);
	assert_int_equal(utf8_decode("\x80", 1, &cp), -1);
	assert_int_equal(cp, 7);
	for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
		const valid_case *c = &valid_cases[i];
		if (c->bad != OK && c->bad == 0)
			assert_int_equal(utf8_decode(c->s, c->n, &cp), -1);
	}
}

/* A second, independent reading of the rules: assemble the value from the
 * bits first, then reject by value (overlong, surrogate, too large). */
static int reference_decode(const unsigned char *u, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t v;
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};

	if (u[0] < 0x80)
		len = 1, v = u[0];
	else if ((u[0] & 0xE0) == 0xC0)
		len = 2, v = u[0] & 0x1Fu;
	else if ((u[0] & 0xF0) == 0xE0)
		len = 3, v = u[0] & 0x0Fu;
	else if ((u[0] & 0xF8) == 0xF0)
		len = 4, v = u[0] & 0x07u;
	else
		return -1;
	if (n < len)
		return -1;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return -1;
		v = v << 6 | (u[i] & 0x3Fu);
	}
	if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return (int)len;
}

static void decode_matches_reference_on_all_short_sequences(void **state)
{
	unsigned char b[4];
	uint32_t a, r;
	(void)state;
	/* every 2-byte and 3-byte combination; 4-byte leads with a spread of tails */
	for (unsigned x = 0; x < 256; x++) {
		for (unsigned y = 0; y < 256; y++) {
			int got, want;
			b[0] = (unsigned char)x, b[1] = (unsigned char)y;
			got = utf8_decode((char *)b, 2, &a);
			want = reference_decode(b, 2, &r);
			if (got != want || (got > 0 && a != r))
				fail_msg("%02x %02x: %d/%x, reference %d/%x", x, y, got, a, want,
					 r);
			if (x < 0xE0 || x > 0xF7)
				continue;
			for (unsigned z = 0; z < 256; z += x < 0xF0 ? 1 : 17) {
				b[2] = (unsigned char)z, b[3] = 0xA5;
				got = utf8_decode((char *)b, 4, &a);
				want = reference_decode(b, 4, &r);
				if (got != want || (got > 0 && a != r))
					fail_msg("%02x %02x %02x %02x: %d/%x, reference %d/%x", x,
						 y, z, b[3], got, a, want, r);
			}
		}
	}
}

static void encodes_every_code_point(void **state)
{
	char out[4];
	uint32_t back;
	(void)state;
	assert_int_equal(utf8_encode(0x5F20, out), 3);
	assert_memory_equal(out, "\xE5\xBC\xA0", 3);
	assert_int_equal(utf8_encode(0x4F1F, out), 3);
	assert_memory_equal(out, "\xE4\xBC\x9F", 3);
	assert_int_equal(utf8_encode(0xE9, out), 2);
	assert_memory_equal(out, "\xC3\xA9", 2);
	assert_int_equal(utf8_encode(0xD800, out), 0);
	assert_int_equal(utf8_encode(0xDFFF, out), 0);
	assert_int_equal(utf8_encode(0x110000, out), 0);
	assert_int_equal(utf8_encode(0xFFFFFFFF, out), 0);
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		size_t k = utf8_encode(cp, out);
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			assert_int_equal(k, 0);
			continue;
		}
		if (k != want || utf8_decode(out, k, &back) != (int)k || back != cp)
			fail_msg("U+%04X does not round-trip", cp);
	}
}

static void counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(S("")), 0);
	assert_int_equal(utf8_length(S("hello")), 5);
	assert_int_equal(utf8_length(S("\xE5\xBC\xA0\xE4\xBC\x9F")), 2);
	assert_int_equal(utf8_length(S("\xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8\x82")), 3);
	assert_int_equal(utf8_length(S("\xC3\xA9")), 1);
	assert_int_equal(utf8_length(S("e\xCC\x81")), 2); /* decomposed: two code points */
	assert_int_equal(utf8_length(S("\xF0\x9F\x98\x80!")), 2);
	assert_int_equal(utf8_length(S("\x80\x80"
				       "a")),
			 1); /* malformed: documented rule */
}

typedef struct {
	const char *in;
	size_t n;
	const char *want;
	size_t want_n;
	const char *what;
} nfc_case;

static void normalises_to_nfc(void **state)
{
	/* Expected forms from the Unicode Character Database decompositions. */
	static const nfc_case cases[] = {
		{S(""), S(""), "empty"},
		{S("plain ascii"), S("plain ascii"), "ascii copy"},
		{S("e\xCC\x81"), S("\xC3\xA9"), "e + U+0301 -> U+00E9"},
		{S("Cafe\xCC\x81"), S("Caf\xC3\xA9"), "Café"},
		{S("\xC3\xA9"), S("\xC3\xA9"), "already composed"},
		{S("\xE5\xBC\xA0\xE4\xBC\x9F \xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8\x82"),
		 S("\xE5\xBC\xA0\xE4\xBC\x9F \xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8\x82"),
		 "张伟 北京市 unchanged"},
		{S("\xEF\xA4\x80"), S("\xE8\xB1\x88"), "U+F900 compatibility ideograph -> U+8C48"},
		{S("\xE1\x84\x80\xE1\x85\xA1"), S("\xEA\xB0\x80"), "Hangul jamo -> U+AC00"},
		{S("a\xCC\x82\xCC\xA3"), S("\xE1\xBA\xAD"), "marks reordered, then U+1EAD"},
		{S("\xE0\xA5\x98"), S("\xE0\xA4\x95\xE0\xA4\xBC"), "U+0958 is excluded: grows"},
		{S("caf\xC3\xA9\xFF"
		   "e\xCC\x81"),
		 S("caf\xC3\xA9\xEF\xBF\xBD\xC3\xA9"), "malformed byte -> U+FFFD"},
		{S("\xE5\xBC"), S("\xEF\xBF\xBD\xEF\xBF\xBD"), "truncated 张: each byte -> U+FFFD"},
		{S("a\0b"), S("a\0b"), "NUL kept"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = 999;
		char *r = utf8_nfc(cases[i].in, cases[i].n, &len);
		if (len != cases[i].want_n || memcmp(r, cases[i].want, len) != 0 || r[len] != '\0')
			fail_msg("%s: got %zu bytes", cases[i].what, len);
		assert_true(utf8_valid(r, len, NULL));
		free(r);
	}
	free(utf8_nfc(S("e\xCC\x81"), NULL)); /* outlen may be NULL */
}

static void nfc_of_long_text(void **state)
{
	/* 10,000 decomposed é in a row, so the result is far from any buffer size. */
	size_t n = 30000, len;
	char *in = malloc(n), *r;
	(void)state;
	for (size_t i = 0; i < n; i += 3)
		memcpy(in + i, "e\xCC\x81", 3);
	r = utf8_nfc(in, n, &len);
	assert_int_equal(len, 20000);
	for (size_t i = 0; i < len; i += 2)
		assert_memory_equal(r + i, "\xC3\xA9", 2);
	free(r);
	free(in);
}

static void truncates_at_character_boundaries(void **state)
{
	const char *zw = "\xE5\xBC\xA0\xE4\xBC\x9F"; /* 张伟 */
	(void)state;
	assert_int_equal(utf8_truncate(zw, 6, 100), 6);
	assert_int_equal(utf8_truncate(zw, 6, 6), 6);
	assert_int_equal(utf8_truncate(zw, 6, 5), 3);
	assert_int_equal(utf8_truncate(zw, 6, 4), 3);
	assert_int_equal(utf8_truncate(zw, 6, 3), 3);
	assert_int_equal(utf8_truncate(zw, 6, 2), 0);
	assert_int_equal(utf8_truncate(zw, 6, 0), 0);
	assert_int_equal(utf8_truncate(S("a\xE5\xBC\xA0"), 2), 1);
	assert_int_equal(utf8_truncate(S("\xF0\x9F\x98\x80x"), 3), 0);
	assert_int_equal(utf8_truncate(S("\xF0\x9F\x98\x80x"), 4), 4);
	assert_int_equal(utf8_truncate(S("Cafe\xCC\x81"), 5), 4);
	assert_int_equal(utf8_truncate(S("Caf\xC3\xA9!"), 4), 3);
	assert_int_equal(utf8_truncate(S("hello world"), 5), 5);
	/* stray continuation bytes are characters of their own */
	assert_int_equal(utf8_truncate(S("a\x80\x80\x80\x80"
					 "b"),
				       3),
			 3);
	assert_int_equal(utf8_truncate(S("\x80\x80\x80\x80\x80"), 2), 2);
	/* a 2-byte lead followed by stray continuations: the character ends early */
	assert_int_equal(utf8_truncate(S("\xC3\xA9\x80\x80"), 3), 3);
	/* every cut of a mixed string is a valid prefix */
	{
		const char *mix = "x\xC3\xA9\xE5\x8C\x97\xF0\x9F\x98\x80y";
		size_t n = strlen(mix);
		for (size_t max = 0; max <= n; max++) {
			size_t k = utf8_truncate(mix, n, max);
			assert_true(k <= max);
			assert_true(utf8_valid(mix, k, NULL));
			assert_true(max - k < 4);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validates_every_class),
		cmocka_unit_test(decodes_characters),
		cmocka_unit_test(decode_matches_reference_on_all_short_sequences),
		cmocka_unit_test(encodes_every_code_point),
		cmocka_unit_test(counts_code_points),
		cmocka_unit_test(normalises_to_nfc),
		cmocka_unit_test(nfc_of_long_text),
		cmocka_unit_test(truncates_at_character_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
