/* datetime.h: timestamp parsing and formatting for shop CSV imports and
 * exports. All times are int64 Unix seconds, UTC; the calendar is the
 * proleptic Gregorian one. No locale, no time zone database. */
#ifndef ECRM_DATETIME_H
#define ECRM_DATETIME_H

#include "core/common.h"
#include "core/err.h"

/* Order of day and month in all-numeric dates such as 04/05/2026. */
typedef enum { DATE_MDY, DATE_DMY, DATE_YMD } date_order;
/* "mdy", "dmy" or "ymd" into `*out`; false for anything else. */
bool date_order_parse(const char *s, date_order *out);

/* Parses a timestamp in any supported layout into Unix seconds (UTC). A time
 * without a zone is taken as UTC. E_INVAL with a message saying what was expected.
 *
 * `s` holds `n` bytes (need not be NUL-terminated); leading and trailing
 * blanks are ignored. Accepted, with an optional time after 'T' or spaces:
 *   2026-04-05, 2026/04/05, 2026.04.05            year first, whatever `order`
 *   04/05/2026, 04.05.2026, 04-05-2026, 4/5/26    ordered by `order`
 *   20260405, 20260405 21:06:21                   8 digits: always YYYYMMDD
 *   1775408781, 1775408781123                     9-10 digits: Unix seconds;
 *                                                 13 digits: Unix milliseconds
 * A time is H:MM or H:MM:SS with an optional fraction (.123, ignored), an
 * optional AM/PM and an optional zone: Z, UTC, GMT, +04, +0400 or +04:00; the
 * offset is subtracted (21:06 +0400 is 17:06Z). Two-digit years 69-99 mean
 * 1969-1999, 00-68 mean 2000-2068 (as POSIX strptime). */
status datetime_parse(const char *s, size_t n, date_order order, int64_t *out, err *e) MUST_CHECK;

/* Parses with an explicit layout: %Y %m %d %H %M %S %y %b (Jan..Dec) %z (+0400, +04:00, Z) %s
 * (epoch) and literal characters; a space in the layout matches one or more spaces. Also: %p
 * (AM/PM), %f (a fraction of a second, ignored), %% (a '%'). Numbers take up to their usual width
 * (%Y 4 digits, the others 2; %y exactly 2), so "%Y%m%d" reads 20260405. %b also accepts the full
 * month name, in any case. Fields the layout lacks default to 1970-01-01 00:00:00; %s gives the
 * time directly. Leading and trailing blanks are ignored. */
status datetime_parse_format(const char *s, size_t n, const char *layout, int64_t *out,
			     err *e) MUST_CHECK;

/* "2026-04-05T17:06:21Z" into buf (size >= 21). */
void datetime_format_iso(int64_t t, char *buf, size_t size);
/* "2026-04-05" (size >= 11). */
void datetime_format_date(int64_t t, char *buf, size_t size);

/* Days since 1970-01-01 of a proleptic Gregorian date and back (valid for years -9999..9999). */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
