/* domain.c: small helpers shared by the entity modules. */
#include "domain/domain.h"

bool domain_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *domain_col_str(stmt *s, int col, arena *a)
{
	const char *v = stmt_text(s, col);
	return v ? arena_strdup(a, v) : NULL;
}
