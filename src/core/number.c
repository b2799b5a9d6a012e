/* number.c: numbers from text (see number.h). */
#include "core/number.h"

#include <math.h>

/* Whether `s` starts as a number of ours: strtoll and strtod alone would
 * take blanks and a '+' first (and strtod "inf" and "nan"). */
static bool starts_number(const char *s)
{
	const char *digits = s && *s == '-' ? s + 1 : s;

	return digits && *digits >= '0' && *digits <= '9';
}

bool number_parse(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	if (!starts_number(s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool number_parse_real(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	/* strtod also reads hexadecimal ("0x1p3"). */
	if (!starts_number(s) || strpbrk(s, "xX"))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}
