/* normalize.h: cleaning of personal data so one person arriving from two
 * files or channels is recognised: emails, phones (E.164), names, countries,
 * money amounts. Results are allocated from the caller's arena. */
#ifndef ECRM_INGEST_NORMALIZE_H
#define ECRM_INGEST_NORMALIZE_H

#include "core/arena.h"
#include "core/err.h"

/* Trimmed, lower-case; NULL for an empty input. Does not validate. */
const char *normalize_email(arena *a, const char *s, size_t n);

/* A phone number in E.164 ("+447700900123"). `region` is the ISO 3166
 * alpha-2 country assumed for national numbers (e.g. "GB"). Accepts
 * spaces, dots, dashes, brackets, "(0)", a leading apostrophe (spreadsheet
 * exports), 00 / 011 international prefixes and extensions after "x" or
 * "ext" (dropped). *out = NULL for an empty input; E_INVAL when it cannot
 * be a phone number. */
status normalize_phone(arena *a, const char *s, size_t n, const char *region, const char **out,
		       err *e) MUST_CHECK;

/* Trimmed, internal whitespace runs collapsed to one space, Unicode NFC;
 * NULL for an empty input. */
const char *normalize_name(arena *a, const char *s, size_t n);

/* The ISO 3166 alpha-2 code for a country name or code ("United Kingdom",
 * "UK", "EIRE", "gb", "中国"); NULL when unknown. */
const char *normalize_country(const char *s);

/* The number of decimal places of a currency's minor unit (2 for most,
 * 0 for JPY, 3 for KWD ...). */
int currency_decimals(const char *currency);

/* Parses an amount ("2.55", "-1,234.50", "£3", "1 234,5" when
 * `decimal_comma`, "5,00" always: a comma followed by one or two digits and
 * no point is a decimal comma) into minor units with `decimals` places,
 * rounding half away from zero. E_INVAL with what was wrong. */
status parse_money(const char *s, size_t n, int decimals, bool decimal_comma, int64_t *out,
		   err *e) MUST_CHECK;

/* Parses a whole number, allowing a trailing ".0" (spreadsheets write
 * quantities and ids as floats). */
status parse_int(const char *s, size_t n, int64_t *out, err *e) MUST_CHECK;

/* Copies s[0..n) without surrounding whitespace (and without a leading
 * apostrophe that spreadsheets add to keep ids as text); NULL when empty. */
const char *normalize_text(arena *a, const char *s, size_t n);

#endif
