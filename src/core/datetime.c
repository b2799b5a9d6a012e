/* datetime.c: hand-written timestamp parsing and formatting (see datetime.h).
 * It runs once per imported CSV row, so there is no sscanf, strptime, mktime
 * or locale on the way; the slow work (snprintf) happens only on errors. */
#include "core/datetime.h"

/* A broken-down time while it is being parsed. */
typedef struct {
	int y, mo, d, h, mi, sec;
	int off;	 /* zone offset, seconds east of UTC */
	int ampm;	 /* 0: none, 1: AM, 2: PM */
	bool short_year; /* two digits, to be widened */
	int order_hint;	 /* -1, or the date_order used for an all-numeric date */
} fields;

/* What error messages quote: the trimmed input, and the layout if any. */
typedef struct {
	const char *s;
	size_t n;
	const char *layout;
	err *e;
} ctx;

#define QUOTE_MAX 60
#define QFMT	  "'%.*s%s'"
#define QARGS(c)                                                                                   \
	(int)((c)->n > QUOTE_MAX ? QUOTE_MAX : (c)->n), (c)->s, (c)->n > QUOTE_MAX ? "..." : ""

static const char *const month_names[12] = {
	"January", "February", "March",	    "April",   "May",	   "June",
	"July",	   "August",   "September", "October", "November", "December",
};

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* Reads up to `max` digits at *pp into *val; returns how many were read. */
static inline int read_num(const char **pp, const char *end, int max, int *val)
{
	const char *p = *pp;
	int v = 0, k = 0;

	while (k < max && p < end && is_digit(*p)) {
		v = v * 10 + (*p - '0');
		p++;
		k++;
	}
	*pp = p;
	*val = v;
	return k;
}

static inline bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* The calendar is counted from 1 March, so that the leap day ends the year,
 * in 400-year eras of 146,097 days; 719,468 is the day number of 1970-01-01
 * counted from 0000-03-01. Inline because every parsed row needs it. */
static inline int64_t civil_to_days(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t year_of_era = yy - era * 400;
	int64_t month_from_march = m > 2 ? m - 3 : m + 9;
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - 719468;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* "unexpected 'x' at position 11 in '...'; expected <what>" or, at the end
 * of the input, "'...' ends early; expected <what>". */
static status unexpected(const ctx *c, const char *p, const char *what)
{
	size_t pos = (size_t)(p - c->s) + 1;
	char got[16];
	unsigned char b;

	if (p >= c->s + c->n)
		return err_set(c->e, E_INVAL, QFMT " ends early; expected %s", QARGS(c), what);
	b = (unsigned char)*p;
	if (b >= ' ' && b < 0x7f)
		snprintf(got, sizeof(got), "'%c'", b);
	else
		snprintf(got, sizeof(got), "byte 0x%02x", b);
	if (c->layout)
		return err_set(c->e, E_INVAL,
			       "unexpected %s at position %zu in " QFMT
			       "; expected %s (layout '%s')",
			       got, pos, QARGS(c), what, c->layout);
	return err_set(c->e, E_INVAL, "unexpected %s at position %zu in " QFMT "; expected %s", got,
		       pos, QARGS(c), what);
}

/* Range checks after parsing; widens two-digit years and applies AM/PM. */
static status finish_fields(fields *f, const ctx *c)
{
	const char *hint = "";

	if (f->short_year)
		f->y += f->y < 69 ? 2000 : 1900;
	if (f->mo < 1 || f->mo > 12) {
		if (f->order_hint == DATE_MDY && f->d >= 1 && f->d <= 12)
			hint = " (is it day-first? then the date order must be DMY)";
		else if (f->order_hint == DATE_DMY && f->d >= 1 && f->d <= 12)
			hint = " (is it month-first? then the date order must be MDY)";
		return err_set(c->e, E_INVAL, "month %d is not 1-12 in " QFMT "%s", f->mo, QARGS(c),
			       hint);
	}
	if (f->d < 1)
		return err_set(c->e, E_INVAL, "day %d is not valid in " QFMT, f->d, QARGS(c));
	if (f->d > days_in_month(f->y, f->mo)) {
		if (f->mo == 2 && f->d == 29)
			return err_set(c->e, E_INVAL,
				       "day 29 is past the end of February in " QFMT
				       " (%d is not a leap year)",
				       QARGS(c), f->y);
		return err_set(c->e, E_INVAL, "day %d is past the end of %s in " QFMT, f->d,
			       month_names[f->mo - 1], QARGS(c));
	}
	if (f->ampm) {
		if (f->h < 1 || f->h > 12)
			return err_set(c->e, E_INVAL, "hour %d is not 1-12 with %s in " QFMT, f->h,
				       f->ampm == 1 ? "AM" : "PM", QARGS(c));
		f->h = f->h % 12 + (f->ampm == 2 ? 12 : 0);
	}
	if (f->h > 23)
		return err_set(c->e, E_INVAL, "hour %d is not 0-23 in " QFMT, f->h, QARGS(c));
	if (f->mi > 59)
		return err_set(c->e, E_INVAL, "minute %d is not 0-59 in " QFMT, f->mi, QARGS(c));
	if (f->sec > 59)
		return err_set(c->e, E_INVAL, "second %d is not 0-59 in " QFMT, f->sec, QARGS(c));
	return E_OK;
}

/* True when finish_fields would neither change nor reject `f`: the usual
 * case, tested inline so the full checks stay off the hot path. */
static inline bool fields_plainly_valid(const fields *f)
{
	return !f->short_year && !f->ampm && f->mo >= 1 && f->mo <= 12 && f->d >= 1 &&
	       (f->d <= 28 || f->d <= days_in_month(f->y, f->mo)) && f->h <= 23 && f->mi <= 59 &&
	       f->sec <= 59;
}

static inline int64_t fields_to_unix(const fields *f)
{
	return civil_to_days(f->y, f->mo, f->d) * 86400 + f->h * 3600 + f->mi * 60 + f->sec -
	       f->off;
}

static inline bool zone_start(char ch)
{
	char l = (char)(ch | 0x20);

	return ch == '+' || ch == '-' || l == 'z' || l == 'u' || l == 'g';
}

/* Z, UTC, GMT, +HH, +HHMM or +HH:MM at *pp. */
static status parse_zone(const char **pp, const char *end, fields *f, const ctx *c)
{
	const char *p = *pp;
	int sign, hh, mm = 0;

	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (end - p < 2 || !is_digit(p[0]) || !is_digit(p[1]))
			return unexpected(c, p + (end - p >= 1 && is_digit(p[0])),
					  "a zone offset such as +0400 or +04:00 (2-digit hours)");
		hh = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (p < end && (*p == ':' || is_digit(*p))) {
			p += *p == ':';
			if (end - p < 2 || !is_digit(p[0]) || !is_digit(p[1]))
				return unexpected(c, p + (end - p >= 1 && is_digit(p[0])),
						  "2-digit minutes in the zone offset");
			mm = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (hh > 23 || mm > 59)
			return err_set(c->e, E_INVAL,
				       "zone offset %c%02d:%02d is out of range in " QFMT,
				       sign < 0 ? '-' : '+', hh, mm, QARGS(c));
		f->off = sign * (hh * 3600 + mm * 60);
		*pp = p;
		return E_OK;
	}
	if (*p == 'Z' || *p == 'z') {
		f->off = 0;
		*pp = p + 1;
		return E_OK;
	}
	/* Letters compare case-blind by setting the 0x20 bit. */
	if (end - p >= 3 &&
	    (((p[0] | 0x20) == 'u' && (p[1] | 0x20) == 't' && (p[2] | 0x20) == 'c') ||
	     ((p[0] | 0x20) == 'g' && (p[1] | 0x20) == 'm' && (p[2] | 0x20) == 't'))) {
		f->off = 0;
		*pp = p + 3;
		return E_OK;
	}
	return unexpected(c, p, "a zone such as Z, +0400 or +04:00");
}

/* After the clock: a fraction of a second, AM/PM and a zone, in that order,
 * each optional, up to the end. */
static status parse_time_rest(const char *p, const char *end, fields *f, const ctx *c)
{
	status rc;

	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (p == end || !is_digit(*p))
			return unexpected(c, p, "digits of a fraction of a second");
		while (p < end && is_digit(*p))
			p++;
	}
	while (p < end && *p == ' ')
		p++;
	if (end - p >= 2 && (p[1] | 0x20) == 'm' &&
	    ((p[0] | 0x20) == 'a' || (p[0] | 0x20) == 'p')) {
		f->ampm = (p[0] | 0x20) == 'a' ? 1 : 2;
		p += 2;
		while (p < end && *p == ' ')
			p++;
	}
	if (p < end && zone_start(*p)) {
		if ((rc = parse_zone(&p, end, f, c)))
			return rc;
		while (p < end && *p == ' ')
			p++;
	}
	if (p != end)
		return unexpected(c, p, f->ampm ? "a zone or the end" : "AM/PM, a zone or the end");
	return E_OK;
}

/* The time after a date: H:MM[:SS[.fff]] [AM|PM] [zone], up to the end. */
static status parse_time(const char *p, const char *end, fields *f, const ctx *c)
{
	if (!read_num(&p, end, 2, &f->h))
		return unexpected(c, p, "a time such as 21:06 or 21:06:21");
	if (p == end || *p != ':')
		return unexpected(c, p, "':' after the hour");
	p++;
	if (read_num(&p, end, 2, &f->mi) != 2)
		return unexpected(c, p, "2-digit minutes");
	if (p < end && *p == ':') {
		p++;
		if (read_num(&p, end, 2, &f->sec) != 2)
			return unexpected(c, p, "2-digit seconds");
	} else if (p < end && (*p == '.' || *p == ',')) {
		return unexpected(c, p, "':' and seconds before a fraction");
	}
	return parse_time_rest(p, end, f, c);
}

/* The usual endings of ISO 8601 and Shopify times, read without calls:
 * [.fff][ ](Z|+HHMM|+HH:MM) to the end. Returns false for anything else
 * (including bad values), which parse_time_rest then reads or explains. */
static inline bool parse_zone_fixed(const char *p, const char *end, fields *f)
{
	unsigned h0, h1, m0, m1;
	int sign;

	if (*p == '.') {
		p++;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && *p == ' ')
		p++;
	if (end - p == 1 && (*p == 'Z' || *p == 'z'))
		return true;
	if (end - p < 5 || (*p != '+' && *p != '-'))
		return false;
	sign = *p == '-' ? -1 : 1;
	if (end - p == 6 && p[3] == ':') {
		h0 = (unsigned char)p[1] - 48u, h1 = (unsigned char)p[2] - 48u;
		m0 = (unsigned char)p[4] - 48u, m1 = (unsigned char)p[5] - 48u;
	} else if (end - p == 5) {
		h0 = (unsigned char)p[1] - 48u, h1 = (unsigned char)p[2] - 48u;
		m0 = (unsigned char)p[3] - 48u, m1 = (unsigned char)p[4] - 48u;
	} else {
		return false;
	}
	if ((h0 > 9) | (h1 > 9) | (m0 > 5) | (m1 > 9) || h0 * 10 + h1 > 23)
		return false;
	f->off = sign * (int)((h0 * 10 + h1) * 3600 + (m0 * 10 + m1) * 60);
	return true;
}

/* The common case of ISO 8601 with every field at its fixed place,
 * "YYYY-MM-DD[( |T)HH:MM:SS...]", read without loops. Returns false when `s`
 * is not in that shape, and the general parser takes over. */
static inline bool parse_iso_fixed(const char *s, size_t n, fields *f, const char **rest)
{
	const char *p = s + 10;
	unsigned y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1;

	if (n < 10 || s[4] != '-' || s[7] != '-')
		return false;
	/* Digits become values 0-9; anything else wraps to a large unsigned. */
	y0 = (unsigned char)s[0] - 48u, y1 = (unsigned char)s[1] - 48u;
	y2 = (unsigned char)s[2] - 48u, y3 = (unsigned char)s[3] - 48u;
	m0 = (unsigned char)s[5] - 48u, m1 = (unsigned char)s[6] - 48u;
	d0 = (unsigned char)s[8] - 48u, d1 = (unsigned char)s[9] - 48u;
	if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9))
		return false;
	f->y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
	f->mo = (int)(m0 * 10 + m1);
	f->d = (int)(d0 * 10 + d1);
	if (n == 10) {
		*rest = p;
		return true;
	}
	if (n < 19 || (p[0] != ' ' && p[0] != 'T') || p[3] != ':' || p[6] != ':')
		return false;
	h0 = (unsigned char)p[1] - 48u, h1 = (unsigned char)p[2] - 48u;
	i0 = (unsigned char)p[4] - 48u, i1 = (unsigned char)p[5] - 48u;
	s0 = (unsigned char)p[7] - 48u, s1 = (unsigned char)p[8] - 48u;
	if ((h0 > 9) | (h1 > 9) | (i0 > 9) | (i1 > 9) | (s0 > 9) | (s1 > 9))
		return false;
	f->h = (int)(h0 * 10 + h1);
	f->mi = (int)(i0 * 10 + i1);
	f->sec = (int)(s0 * 10 + s1);
	*rest = p + 9;
	return true;
}

/* All digits: YYYYMMDD, Unix seconds or Unix milliseconds. */
static status parse_digits(const ctx *c, fields *f, int64_t *out)
{
	const char *p = c->s;
	int64_t v = 0;
	status rc;

	if (c->n == 8) {
		read_num(&p, p + 4, 4, &f->y);
		read_num(&p, p + 2, 2, &f->mo);
		read_num(&p, p + 2, 2, &f->d);
		if ((rc = finish_fields(f, c)))
			return rc;
		*out = fields_to_unix(f);
		return E_OK;
	}
	if (c->n != 9 && c->n != 10 && c->n != 13)
		return err_set(c->e, E_INVAL,
			       QFMT " has %zu digits; expected 8 (YYYYMMDD), "
				    "9-10 (Unix seconds) or 13 (Unix milliseconds)",
			       QARGS(c), c->n);
	for (size_t i = 0; i < c->n; i++)
		v = v * 10 + (p[i] - '0');
	*out = c->n == 13 ? v / 1000 : v;
	return E_OK;
}

status datetime_parse(const char *s, size_t n, date_order order, int64_t *out, err *e)
{
	fields f = {1970, 1, 1, 0, 0, 0, 0, 0, false, -1};
	const char *p, *q, *end;
	ctx c;
	char sep;
	status rc;
	size_t k;

	trim(&s, &n);
	c = (ctx){s, n, NULL, e};
	end = s + n;
	if (parse_iso_fixed(s, n, &f, &p)) {
		if (p < end && !parse_zone_fixed(p, end, &f) &&
		    (rc = parse_time_rest(p, end, &f, &c)))
			return rc;
		goto done;
	}
	if (n == 0)
		return err_set(e, E_INVAL, "empty timestamp; expected a date such as 2026-04-05");
	for (q = s; q < end && is_digit(*q);)
		q++;
	k = (size_t)(q - s);
	if (q == end)
		return parse_digits(&c, &f, out);
	sep = *q;
	if (k == 8 && (sep == ' ' || sep == 'T' || sep == 't')) {
		p = s;
		read_num(&p, p + 4, 4, &f.y);
		read_num(&p, p + 2, 2, &f.mo);
		read_num(&p, p + 2, 2, &f.d);
	} else if (k == 4 && (sep == '-' || sep == '/' || sep == '.')) {
		p = s;
		read_num(&p, q, 4, &f.y);
		p++;
		if (!read_num(&p, end, 2, &f.mo))
			return unexpected(&c, p, "a month after the year");
		if (p == end || *p != sep)
			return unexpected(&c, p,
					  sep == '-'   ? "'-' after the month"
					  : sep == '/' ? "'/' after the month"
						       : "'.' after the month");
		p++;
		if (!read_num(&p, end, 2, &f.d))
			return unexpected(&c, p, "a day after the month");
	} else if ((k == 1 || k == 2) && (sep == '/' || sep == '.' || sep == '-')) {
		int a, b, last, nlast;

		p = s;
		read_num(&p, q, 2, &a);
		p++;
		if (!read_num(&p, end, 2, &b))
			return unexpected(&c, p, "a number after the first separator");
		if (p == end || *p != sep)
			return unexpected(&c, p, sep == '-' ? "'-'" : sep == '/' ? "'/'" : "'.'");
		p++;
		nlast = read_num(&p, end, 4, &last);
		f.order_hint = (int)order;
		if (order == DATE_YMD) {
			if (k != 2 || nlast < 1 || nlast > 2)
				return err_set(e, E_INVAL,
					       "expected YY%cMM%cDD (date order YMD) in " QFMT, sep,
					       sep, QARGS(&c));
			f.y = a;
			f.short_year = true;
			f.mo = b;
			f.d = last;
		} else {
			if (nlast != 2 && nlast != 4)
				return unexpected(&c, p, "a year of 2 or 4 digits");
			f.y = last;
			f.short_year = nlast == 2;
			f.mo = order == DATE_MDY ? a : b;
			f.d = order == DATE_MDY ? b : a;
		}
	} else {
		return err_set(e, E_INVAL,
			       "expected a date such as 2026-04-05, 04/05/2026 or "
			       "20260405; got " QFMT,
			       QARGS(&c));
	}
	if (p < end) {
		if (*p == 'T' || *p == 't') {
			p++;
		} else if (*p == ' ') {
			while (p < end && *p == ' ')
				p++;
		} else {
			return unexpected(&c, p, "'T' or a space before the time, or the end");
		}
		if ((rc = parse_time(p, end, &f, &c)))
			return rc;
	}
done:
	if (!fields_plainly_valid(&f) && (rc = finish_fields(&f, &c)))
		return rc;
	*out = fields_to_unix(&f);
	return E_OK;
}

/* %b: a month's three-letter abbreviation or full name, any case. */
static bool parse_month_name(const char **pp, const char *end, int *mo)
{
	const char *p = *pp;

	if (end - p < 3)
		return false;
	for (int i = 0; i < 12; i++) {
		const char *name = month_names[i];
		size_t len = strlen(name), k;

		if (lower(p[0]) != lower(name[0]) || lower(p[1]) != name[1] ||
		    lower(p[2]) != name[2])
			continue;
		for (k = 3; k < len && p + k < end && lower(p[k]) == name[k];)
			k++;
		*pp = p + (k == len ? len : 3);
		*mo = i + 1;
		return true;
	}
	return false;
}

/* %s: an optional '-' and up to 18 digits. */
static bool parse_epoch(const char **pp, const char *end, int64_t *v)
{
	const char *p = *pp;
	bool neg = false;
	int k = 0;

	*v = 0;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	while (k < 18 && p < end && is_digit(*p)) {
		*v = *v * 10 + (*p++ - '0');
		k++;
	}
	if (k == 0 || (p < end && is_digit(*p)))
		return false;
	if (neg)
		*v = -*v;
	*pp = p;
	return true;
}

/* One numeric directive: its field, width and name for messages. */
typedef struct {
	char directive;
	int min_digits, max_digits;
	const char *what;
} num_spec;

static const num_spec num_specs[] = {
	{'Y', 1, 4, "a year (%Y)"},  {'y', 2, 2, "a 2-digit year (%y)"},
	{'m', 1, 2, "a month (%m)"}, {'d', 1, 2, "a day (%d)"},
	{'H', 1, 2, "an hour (%H)"}, {'M', 1, 2, "minutes (%M)"},
	{'S', 1, 2, "seconds (%S)"},
};

static int *num_field(fields *f, char directive)
{
	switch (directive) {
	case 'Y':
	case 'y':
		return &f->y;
	case 'm':
		return &f->mo;
	case 'd':
		return &f->d;
	case 'H':
		return &f->h;
	case 'M':
		return &f->mi;
	default:
		return &f->sec;
	}
}

status datetime_parse_format(const char *s, size_t n, const char *layout, int64_t *out, err *e)
{
	fields f = {1970, 1, 1, 0, 0, 0, 0, 0, false, -1};
	const char *p, *end, *l = layout;
	bool have_epoch = false;
	int64_t epoch = 0;
	status rc;
	ctx c;

	trim(&s, &n);
	c = (ctx){s, n, layout, e};
	p = s;
	end = s + n;
	while (*l) {
		const num_spec *spec = NULL;
		char d;

		if (*l == ' ') {
			if (p == end || !is_blank(*p))
				return unexpected(&c, p, "a space");
			while (p < end && is_blank(*p))
				p++;
			while (*l == ' ')
				l++;
			continue;
		}
		if (*l != '%') {
			if (p == end || *p != *l) {
				char what[8];
				snprintf(what, sizeof(what), "'%c'", *l);
				return unexpected(&c, p, what);
			}
			p++;
			l++;
			continue;
		}
		d = l[1];
		for (size_t i = 0; i < ARRAY_SIZE(num_specs); i++)
			if (num_specs[i].directive == d)
				spec = &num_specs[i];
		if (spec) {
			int *field = num_field(&f, d);
			int k = read_num(&p, end, spec->max_digits, field);

			if (k < spec->min_digits)
				return unexpected(&c, p, spec->what);
			if (d == 'y')
				f.short_year = true;
			if (d == 'Y')
				f.short_year = false;
		} else if (d == 'b') {
			if (!parse_month_name(&p, end, &f.mo))
				return unexpected(&c, p, "a month name such as Jan (%b)");
		} else if (d == 'z') {
			if (p == end)
				return unexpected(&c, p, "a zone such as Z, +0400 or +04:00 (%z)");
			if ((rc = parse_zone(&p, end, &f, &c)))
				return rc;
		} else if (d == 's') {
			if (!parse_epoch(&p, end, &epoch))
				return unexpected(&c, p, "Unix seconds (%s)");
			have_epoch = true;
		} else if (d == 'p') {
			if (end - p < 2 || lower(p[1]) != 'm' ||
			    (lower(p[0]) != 'a' && lower(p[0]) != 'p'))
				return unexpected(&c, p, "AM or PM (%p)");
			f.ampm = lower(p[0]) == 'a' ? 1 : 2;
			p += 2;
		} else if (d == 'f') {
			if (p == end || !is_digit(*p))
				return unexpected(&c, p, "digits of a fraction of a second (%f)");
			while (p < end && is_digit(*p))
				p++;
		} else if (d == '%') {
			if (p == end || *p != '%')
				return unexpected(&c, p, "'%'");
			p++;
		} else if (d == '\0') {
			return err_set(e, E_INVAL, "layout '%s' ends with a lone '%%'", layout);
		} else {
			return err_set(e, E_INVAL, "layout '%s' has the unknown directive '%%%c'",
				       layout, d);
		}
		l += 2;
	}
	if (p != end)
		return unexpected(&c, p, "the end (the whole layout was matched)");
	if (have_epoch) {
		*out = epoch;
		return E_OK;
	}
	if ((rc = finish_fields(&f, &c)))
		return rc;
	*out = fields_to_unix(&f);
	return E_OK;
}

/* Splits Unix seconds into days and seconds of the day, rounding down. */
static void split_time(int64_t t, int64_t *days, int *secs)
{
	int64_t d = t / 86400, r = t % 86400;

	if (r < 0) {
		r += 86400;
		d--;
	}
	*days = d;
	*secs = (int)r;
}

static char *put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void datetime_format_iso(int64_t t, char *buf, size_t size)
{
	int64_t days;
	int secs, y, m, d;

	split_time(t, &days, &secs);
	civil_from_days(days, &y, &m, &d);
	if (size >= 21 && y >= 0 && y <= 9999) {
		char *p = put_digits(buf, y, 4);
		*p++ = '-';
		p = put_digits(p, m, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		*p++ = 'T';
		p = put_digits(p, secs / 3600, 2);
		*p++ = ':';
		p = put_digits(p, secs / 60 % 60, 2);
		*p++ = ':';
		p = put_digits(p, secs % 60, 2);
		*p++ = 'Z';
		*p = '\0';
		return;
	}
	if (size)
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, secs / 3600,
			 secs / 60 % 60, secs % 60);
}

void datetime_format_date(int64_t t, char *buf, size_t size)
{
	int64_t days;
	int secs, y, m, d;

	split_time(t, &days, &secs);
	civil_from_days(days, &y, &m, &d);
	if (size >= 11 && y >= 0 && y <= 9999) {
		char *p = put_digits(buf, y, 4);
		*p++ = '-';
		p = put_digits(p, m, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		*p = '\0';
		return;
	}
	if (size)
		snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

int64_t days_from_civil(int y, int m, int d)
{
	return civil_to_days(y, m, d);
}

void civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t day_of_era = z - era * 146097;
	/* Leap days fall every 1,460 days, except every 36,524 (a century) ... */
	int64_t year_of_era =
		(day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year =
		day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;

	*d = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*m = (int)month;
	*y = (int)(year_of_era + era * 400 + (month <= 2));
}

bool date_order_parse(const char *s, date_order *out)
{
	static const struct {
		const char *name;
		date_order order;
	} orders[] = { { "mdy", DATE_MDY }, { "dmy", DATE_DMY }, { "ymd", DATE_YMD } };

	for (size_t i = 0; s && i < ARRAY_SIZE(orders); i++) {
		if (strcmp(s, orders[i].name) == 0) {
			*out = orders[i].order;
			return true;
		}
	}
	return false;
}
