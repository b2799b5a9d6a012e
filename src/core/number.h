/* number.h: numbers written as text (command-line arguments, settings):
 * all of the string, an optional '-' then digits first, no blanks, no
 * overflow. */
#ifndef ECRM_NUMBER_H
#define ECRM_NUMBER_H

#include "core/common.h"

/* `s` as an int64 within [lo, hi] into `*out`; false (and `*out` left
 * alone) when `s` is NULL, not such a number, or out of the range. */
bool number_parse(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* The same for a finite real number (as strtod writes them: 0.85, 1e-3,
 * -2) within [lo, hi]. */
bool number_parse_real(const char *s, double lo, double hi, double *out);

#endif
