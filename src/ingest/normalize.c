/* normalize.c: emails, phones, names, countries and amounts made comparable. */
#include "ingest/normalize.h"
#include "core/utf8.h"

#include <ctype.h>
#include <strings.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trims ASCII whitespace; returns the new start and sets *n. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_space(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

const char *normalize_text(arena *a, const char *s, size_t n)
{
	s = trim(s, &n);
	if (n && *s == '\'') {
		s++;
		n--;
		s = trim(s, &n);
	}
	return n ? arena_strndup(a, s, n) : NULL;
}

const char *normalize_email(arena *a, const char *s, size_t n)
{
	char *out;

	s = trim(s, &n);
	if (!n)
		return NULL;
	out = arena_strndup(a, s, n);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

typedef struct {
	const char *iso2;
	const char *calling; /* country calling code, digits */
	bool trunk_zero;     /* national numbers start with a 0 to drop */
	const char *names;   /* '|'-separated names and aliases */
} country;

/* The countries of the shops we import from (every country of the UCI
 * Online Retail data among them) plus the larger markets. */
static const country countries[] = {
	{ "GB", "44", true, "United Kingdom|UK|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|英国" },
	{ "IE", "353", true, "Ireland|EIRE|Republic of Ireland|爱尔兰" },
	{ "US", "1", false, "United States|USA|United States of America|America|美国" },
	{ "CA", "1", false, "Canada|加拿大" },
	{ "CN", "86", true, "China|People's Republic of China|PRC|中国|中华人民共和国" },
	{ "HK", "852", false, "Hong Kong|香港" },
	{ "TW", "886", true, "Taiwan|台湾" },
	{ "SG", "65", false, "Singapore|新加坡" },
	{ "JP", "81", true, "Japan|日本" },
	{ "KR", "82", true, "South Korea|Korea|Republic of Korea|韩国" },
	{ "IN", "91", true, "India|印度" },
	{ "AU", "61", true, "Australia|澳大利亚" },
	{ "NZ", "64", true, "New Zealand|新西兰" },
	{ "FR", "33", true, "France|法国" },
	{ "DE", "49", true, "Germany|Deutschland|德国" },
	{ "NL", "31", true, "Netherlands|Holland|The Netherlands|荷兰" },
	{ "BE", "32", true, "Belgium|比利时" },
	{ "LU", "352", false, "Luxembourg" },
	{ "CH", "41", true, "Switzerland|瑞士" },
	{ "AT", "43", true, "Austria|奥地利" },
	{ "ES", "34", false, "Spain|España|西班牙" },
	{ "PT", "351", false, "Portugal|葡萄牙" },
	{ "IT", "39", false, "Italy|Italia|意大利" },
	{ "GR", "30", false, "Greece|希腊" },
	{ "CY", "357", false, "Cyprus" },
	{ "MT", "356", false, "Malta" },
	{ "DK", "45", false, "Denmark|丹麦" },
	{ "NO", "47", false, "Norway|挪威" },
	{ "SE", "46", true, "Sweden|瑞典" },
	{ "FI", "358", true, "Finland|芬兰" },
	{ "IS", "354", false, "Iceland" },
	{ "PL", "48", false, "Poland|波兰" },
	{ "CZ", "420", false, "Czech Republic|Czechia" },
	{ "LT", "370", true, "Lithuania" },
	{ "IL", "972", true, "Israel|以色列" },
	{ "LB", "961", true, "Lebanon" },
	{ "BH", "973", false, "Bahrain" },
	{ "AE", "971", true, "United Arab Emirates|UAE|阿联酋" },
	{ "SA", "966", true, "Saudi Arabia|沙特阿拉伯" },
	{ "ZA", "27", true, "South Africa|RSA|南非" },
	{ "BR", "55", true, "Brazil|Brasil|巴西" },
	{ "MX", "52", false, "Mexico|墨西哥" },
	{ "RU", "7", true, "Russia|Russian Federation|俄罗斯" },
	{ "TR", "90", true, "Turkey|Türkiye|土耳其" },
	{ "MY", "60", true, "Malaysia|马来西亚" },
	{ "TH", "66", true, "Thailand|泰国" },
	{ "VN", "84", true, "Vietnam|Viet Nam|越南" },
	{ "ID", "62", true, "Indonesia|印度尼西亚" },
	{ "PH", "63", true, "Philippines|菲律宾" },
};

static const country *find_country(const char *s, size_t n)
{
	s = trim(s, &n);
	if (!n)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(countries); i++) {
		const country *c = &countries[i];
		if (n == 2 && strncasecmp(s, c->iso2, 2) == 0)
			return c;
		for (const char *p = c->names; *p;) {
			const char *bar = strchr(p, '|');
			size_t len = bar ? (size_t)(bar - p) : strlen(p);
			if (len == n && strncasecmp(p, s, n) == 0)
				return c;
			p += len + (bar != NULL);
		}
	}
	return NULL;
}

const char *normalize_country(const char *s)
{
	const country *c = s ? find_country(s, strlen(s)) : NULL;
	return c ? c->iso2 : NULL;
}

status normalize_phone(arena *a, const char *s, size_t n, const char *region, const char **out,
		       err *e)
{
	char digits[32];
	size_t nd = 0;
	bool plus = false;
	const country *c;

	*out = NULL;
	s = trim(s, &n);
	if (n && *s == '\'') {
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= '0' && ch <= '9') {
			if (nd == sizeof(digits) - 1)
				return err_set(e, E_INVAL, "'%.*s' has too many digits for a phone number",
					       (int)n, s);
			digits[nd++] = ch;
		} else if (ch == '+' && nd == 0 && !plus) {
			plus = true;
		} else if (ch == '(' && i + 2 < n && s[i + 1] == '0' && s[i + 2] == ')') {
			i += 2; /* "+44 (0)20": the trunk zero written for locals */
		} else if (ch == 'x' || ch == 'X' || ch == 'e' || ch == 'E' || ch == '#') {
			break; /* an extension follows */
		} else if (!strchr(" .-()/\t", ch)) {
			return err_set(e, E_INVAL, "'%.*s' is not a phone number", (int)n, s);
		}
	}
	digits[nd] = '\0';
	if (nd == 0)
		return E_OK;
	if (!plus && nd > 2 && strncmp(digits, "00", 2) == 0) {
		memmove(digits, digits + 2, nd - 1);
		nd -= 2;
		plus = true;
	} else if (!plus && nd > 3 && strncmp(digits, "011", 3) == 0 && region &&
		   (strcmp(region, "US") == 0 || strcmp(region, "CA") == 0)) {
		memmove(digits, digits + 3, nd - 2);
		nd -= 3;
		plus = true;
	}
	if (plus) {
		if (nd < 7 || nd > 15)
			return err_set(e, E_INVAL, "'%.*s' is not an international number (7-15 digits)",
				       (int)n, s);
		*out = arena_printf(a, "+%s", digits);
		return E_OK;
	}
	c = region ? find_country(region, strlen(region)) : NULL;
	if (!c)
		return err_set(e, E_INVAL,
			       "'%.*s' has no country code and no default region is known", (int)n, s);
	const char *national = digits;
	if (c->trunk_zero && digits[0] == '0')
		national++;
	else if (strcmp(c->calling, "1") == 0 && nd == 11 && digits[0] == '1')
		national++; /* NANP numbers written with their leading 1 */
	size_t nn = strlen(national);
	if (nn < 4 || strlen(c->calling) + nn > 15)
		return err_set(e, E_INVAL, "'%.*s' is too short or too long for a %s number", (int)n,
			       s, c->iso2);
	*out = arena_printf(a, "+%s%s", c->calling, national);
	return E_OK;
}

const char *normalize_name(arena *a, const char *s, size_t n)
{
	char *tmp, *nfc;
	size_t len = 0, outlen;
	bool space = false;
	const char *res;

	s = trim(s, &n);
	if (!n)
		return NULL;
	tmp = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		/* U+3000 IDEOGRAPHIC SPACE separates names in Chinese text too. */
		if (i + 2 < n && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
			space = true;
			i += 2;
			continue;
		}
		if (is_space(s[i])) {
			space = true;
			continue;
		}
		if (space && len)
			tmp[len++] = ' ';
		space = false;
		tmp[len++] = s[i];
	}
	tmp[len] = '\0';
	nfc = utf8_nfc(tmp, len, &outlen);
	res = arena_strndup(a, nfc, outlen);
	free(nfc);
	return res;
}

int currency_decimals(const char *currency)
{
	static const char *const zero[] = { "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF" };
	static const char *const three[] = { "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD" };

	for (size_t i = 0; currency && i < ARRAY_SIZE(zero); i++) {
		if (strcasecmp(currency, zero[i]) == 0)
			return 0;
	}
	for (size_t i = 0; currency && i < ARRAY_SIZE(three); i++) {
		if (strcasecmp(currency, three[i]) == 0)
			return 3;
	}
	return 2;
}

status parse_money(const char *s, size_t n, int decimals, bool decimal_comma, int64_t *out,
		   err *e)
{
	const char *orig = s;
	size_t orig_n = n;
	bool neg = false, seen_point = false, digits = false;
	int64_t whole = 0, frac = 0;
	int frac_digits = 0, round_digit = -1;

	s = trim(s, &n);
	/* "5,00" or "12,5" without a '.' is a decimal comma even when not
	 * asked for; "1,234" (three digits after) stays a thousands group. */
	if (!decimal_comma && !memchr(s, '.', n)) {
		const char *comma = memrchr(s, ',', n);
		size_t after = 0;
		while (comma && comma + 1 + after < s + n && comma[1 + after] >= '0' &&
		       comma[1 + after] <= '9')
			after++;
		decimal_comma = comma && (after == 1 || after == 2);
	}
	const char point = decimal_comma ? ',' : '.', group = decimal_comma ? '.' : ',';
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= '0' && ch <= '9') {
			digits = true;
			if (!seen_point) {
				if (whole > (INT64_MAX / 1000 - 9) / 10)
					return err_set(e, E_INVAL, "'%.*s' is too large an amount",
						       (int)orig_n, orig);
				whole = whole * 10 + (ch - '0');
			} else if (frac_digits < decimals) {
				frac = frac * 10 + (ch - '0');
				frac_digits++;
			} else if (round_digit < 0) {
				round_digit = ch - '0';
			}
		} else if ((char)ch == point && !seen_point) {
			seen_point = true;
		} else if ((char)ch == group || ch == ' ' || ch == '\'') {
			if (seen_point)
				return err_set(e, E_INVAL, "'%.*s' is not an amount", (int)orig_n, orig);
		} else if (ch == '-' && !digits && !neg) {
			neg = true;
		} else if (ch == '+' && !digits) {
			continue;
		} else if (ch == '(' && !digits && s[n - 1] == ')') {
			neg = true; /* accounting style (12.50) */
			n--;
		} else if (!digits && (ch == '$' || ch >= 0x80 || isalpha(ch))) {
			continue; /* currency symbol or code before the number: £, €, ¥, USD */
		} else if (digits && (ch >= 0x80 || isalpha(ch))) {
			break; /* a currency code or symbol after the number: "12 EUR" */
		} else {
			return err_set(e, E_INVAL, "'%.*s' is not an amount", (int)orig_n, orig);
		}
	}
	if (!digits)
		return err_set(e, E_INVAL, "'%.*s' is not an amount", (int)orig_n, orig);
	while (frac_digits < decimals) {
		frac *= 10;
		frac_digits++;
	}
	int64_t scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	int64_t v = whole * scale + frac + (round_digit >= 5);
	*out = neg ? -v : v;
	return E_OK;
}

status parse_int(const char *s, size_t n, int64_t *out, err *e)
{
	const char *orig = s;
	size_t orig_n = n;
	bool neg = false;
	int64_t v = 0;
	size_t i = 0;

	s = trim(s, &n);
	if (n && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		i++;
	}
	if (i == n)
		return err_set(e, E_INVAL, "'%.*s' is not a whole number", (int)orig_n, orig);
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return err_set(e, E_INVAL, "'%.*s' is too large", (int)orig_n, orig);
		v = v * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] == '0'; i++)
			;
	}
	if (i != n)
		return err_set(e, E_INVAL, "'%.*s' is not a whole number", (int)orig_n, orig);
	*out = neg ? -v : v;
	return E_OK;
}
