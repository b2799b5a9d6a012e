/* json_out.c: the JSON writer (see json_out.h). */
#include "core/json_out.h"
#include "core/utf8.h"

#include <math.h>

void json_out_init(json_out *w, strbuf *sb)
{
	memset(w, 0, sizeof(*w));
	w->sb = sb;
}

/* Appends without a function call when there is room (most appends):
 * replies are thousands of small pieces. */
static inline void put(strbuf *sb, const char *p, size_t n)
{
	if (sb->len + n >= sb->cap && !strbuf_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void put_char(strbuf *sb, char c)
{
	if (sb->len + 1 >= sb->cap && !strbuf_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

/* Per byte: 0 copied as it is, 1 escaped (controls, '"', '\\'), 2 the
 * start of a multi-byte character to check. */
static const unsigned char byte_kind[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* A string with the escapes jansson uses: \" \\ \b \f \n \r \t, \u00XX
 * for other control characters; '/' and non-ASCII as they are. */
static void put_string(strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0, i = 0;

	put_char(sb, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *esc;
		char u[7];
		uint32_t cp;
		int k;

		if (byte_kind[c] == 0) {
			i++;
			continue;
		}
		if (byte_kind[c] == 2 && (k = utf8_decode(s + i, n - i, &cp)) > 0) {
			i += (size_t)k;
			continue;
		}
		put(sb, s + run, i - run);
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			if (c >= 0x80) {
				esc = "\xEF\xBF\xBD"; /* not UTF-8: U+FFFD */
			} else {
				memcpy(u, "\\u00", 4);
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = '\0';
				esc = u;
			}
		}
		put(sb, esc, strlen(esc));
		run = ++i;
	}
	put(sb, s + run, n - run);
	put_char(sb, '"');
}

/* The separator and key before a value; false (and failed) on misuse. */
static bool prefix(json_out *w, const char *key)
{
	uint32_t bit;

	if (w->failed)
		return false;
	if (w->depth == 0) {
		if (w->top_written || key) {
			w->failed = true;
			return false;
		}
		w->top_written = true;
		return true;
	}
	bit = 1u << (w->depth - 1);
	if (!(w->array & bit) != (key != NULL)) {
		w->failed = true;
		return false;
	}
	if (w->nonempty & bit)
		put_char(w->sb, ',');
	w->nonempty |= bit;
	if (key) {
		/* Keys are our own ASCII names: no escaping needed. */
		put_char(w->sb, '"');
		put(w->sb, key, strlen(key));
		put(w->sb, "\":", 2);
	}
	return true;
}

static void open_container(json_out *w, const char *key, bool array)
{
	uint32_t bit;

	if (!prefix(w, key))
		return;
	if (w->depth == JSON_OUT_DEPTH) {
		w->failed = true;
		return;
	}
	bit = 1u << w->depth++;
	w->nonempty &= ~bit;
	if (array)
		w->array |= bit;
	else
		w->array &= ~bit;
	put_char(w->sb, array ? '[' : '{');
}

void json_out_object(json_out *w, const char *key)
{
	open_container(w, key, false);
}

void json_out_array(json_out *w, const char *key)
{
	open_container(w, key, true);
}

void json_out_end(json_out *w)
{
	uint32_t bit;

	if (w->failed)
		return;
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	bit = 1u << --w->depth;
	put_char(w->sb, (w->array & bit) ? ']' : '}');
}

void json_out_string(json_out *w, const char *key, const char *s)
{
	if (!prefix(w, key))
		return;
	if (s)
		put_string(w->sb, s, strlen(s));
	else
		put(w->sb, "null", 4);
}

static void put_int(strbuf *sb, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void json_out_int(json_out *w, const char *key, int64_t v)
{
	if (prefix(w, key))
		put_int(w->sb, v);
}

void json_out_opt_int(json_out *w, const char *key, bool present, int64_t v)
{
	if (!prefix(w, key))
		return;
	if (present)
		put_int(w->sb, v);
	else
		put(w->sb, "null", 4);
}

void json_out_real(json_out *w, const char *key, double v)
{
	char buf[40], *e;
	int n;

	if (!prefix(w, key))
		return;
	if (!isfinite(v)) {
		put(w->sb, "null", 4);
		return;
	}
	/* jansson's form: 17 significant digits, ".0" when it would read as
	 * an integer, the exponent without '+' or leading zeros. */
	n = snprintf(buf, sizeof(buf), "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 3) {
		put(w->sb, "null", 4);
		return;
	}
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(buf, 'e'))) {
		char *digits = e + 1, *from;
		if (*digits == '-')
			digits++;
		from = *digits == '+' ? digits + 1 : digits;
		while (from[0] == '0' && from[1])
			from++;
		if (from != digits) {
			memmove(digits, from, strlen(from) + 1);
			n = (int)strlen(buf);
		}
	}
	put(w->sb, buf, (size_t)n);
}

void json_out_bool(json_out *w, const char *key, bool v)
{
	if (prefix(w, key))
		put(w->sb, v ? "true" : "false", v ? 4 : 5);
}

void json_out_null(json_out *w, const char *key)
{
	if (prefix(w, key))
		put(w->sb, "null", 4);
}

/* ---- stored JSON text: checked and copied without whitespace ---- */

#define TEXT_DEPTH 64

typedef struct {
	const char *p, *end;
	strbuf *sb;
	int depth;
} scan;

static void skip_space(scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool is_digit(const scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string token, escapes kept as they are. */
static bool copy_string(scan *s)
{
	const char *start = s->p++;

	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		uint32_t cp;
		int k;

		if (c == '"') {
			s->p++;
			put(s->sb, start, (size_t)(s->p - start));
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++s->p >= s->end)
				return false;
			c = (unsigned char)*s->p;
			if (c == 'u') {
				if (s->end - s->p < 5 || !is_hex(s->p[1]) || !is_hex(s->p[2]) ||
				    !is_hex(s->p[3]) || !is_hex(s->p[4]))
					return false;
				s->p += 5;
			} else if (c && strchr("\"\\/bfnrt", c)) {
				s->p++;
			} else {
				return false;
			}
		} else if (c >= 0x80) {
			if ((k = utf8_decode(s->p, (size_t)(s->end - s->p), &cp)) < 0)
				return false;
			s->p += k;
		} else {
			s->p++;
		}
	}
	return false;
}

static bool copy_number(scan *s)
{
	const char *start = s->p;

	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0') {
		s->p++;
	} else if (is_digit(s)) {
		while (is_digit(s))
			s->p++;
	} else {
		return false;
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!is_digit(s))
			return false;
		while (is_digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!is_digit(s))
			return false;
		while (is_digit(s))
			s->p++;
	}
	put(s->sb, start, (size_t)(s->p - start));
	return true;
}

static bool copy_word(scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	put(s->sb, word, n);
	return true;
}

static bool copy_value(scan *s);

/* An object or array: members (key ':' value) or elements, ',' between. */
static bool copy_container(scan *s, char close, bool members)
{
	if (++s->depth > TEXT_DEPTH)
		return false;
	put_char(s->sb, *s->p++);
	skip_space(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		put_char(s->sb, close);
		s->depth--;
		return true;
	}
	for (;;) {
		if (members) {
			skip_space(s);
			if (s->p >= s->end || *s->p != '"' || !copy_string(s))
				return false;
			skip_space(s);
			if (s->p >= s->end || *s->p != ':')
				return false;
			put_char(s->sb, *s->p++);
		}
		if (!copy_value(s))
			return false;
		skip_space(s);
		if (s->p >= s->end)
			return false;
		if (*s->p == ',') {
			put_char(s->sb, *s->p++);
			continue;
		}
		if (*s->p != close)
			return false;
		s->p++;
		put_char(s->sb, close);
		s->depth--;
		return true;
	}
}

static bool copy_value(scan *s)
{
	skip_space(s);
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{':
		return copy_container(s, '}', true);
	case '[':
		return copy_container(s, ']', false);
	case '"':
		return copy_string(s);
	case 't':
		return copy_word(s, "true");
	case 'f':
		return copy_word(s, "false");
	case 'n':
		return copy_word(s, "null");
	default:
		return copy_number(s);
	}
}

void json_out_text(json_out *w, const char *key, const char *json)
{
	scan s;
	size_t mark;

	if (!prefix(w, key))
		return;
	if (!json || !*json) {
		put(w->sb, "null", 4);
		return;
	}
	mark = w->sb->len;
	s = (scan){ json, json + strlen(json), w->sb, 0 };
	if (copy_value(&s)) {
		skip_space(&s);
		if (s.p == s.end)
			return;
	}
	strbuf_setlen(w->sb, mark);
	put_string(w->sb, json, strlen(json));
}

bool json_out_done(const json_out *w)
{
	return !w->failed && w->depth == 0 && w->top_written && !strbuf_failed(w->sb);
}
