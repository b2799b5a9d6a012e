/* domain.h: what every entity module shares. Strings in entity structs are
 * borrowed (usually from an arena); NULL means "not given". */
#ifndef ECRM_DOMAIN_H
#define ECRM_DOMAIN_H

#include "core/arena.h"
#include "store/db.h"

/* What a save (insert-or-update by external id) did. */
typedef enum { SAVE_NEW, SAVE_UPDATED, SAVE_UNCHANGED } save_result;

/* An optional int64: money and counts that may be unknown. */
typedef struct {
	int64_t v;
	bool set;
} opt_i64;

static inline opt_i64 opt_some(int64_t v)
{
	return (opt_i64){ v, true };
}

/* True when two optional strings hold the same text (NULL equals NULL). */
bool domain_str_eq(const char *a, const char *b);
/* Copies column `col` of the current row into `a` (NULL for SQL NULL). */
const char *domain_col_str(stmt *s, int col, arena *a);

#endif
