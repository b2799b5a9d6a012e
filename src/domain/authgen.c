/* authgen.c: reading the auth generation (see authgen.h). */
#include "domain/authgen.h"

status authgen_read(store *st, int64_t *out, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, "SELECT n FROM auth_generation WHERE id = 1", &s, e)))
		return rc;
	if (stmt_row(s, e)) {
		*out = stmt_int64(s, 0);
		rc = E_OK;
	} else {
		rc = e->code ? e->code
			     : err_set(e, E_DB, "auth_generation has no row: the schema is damaged");
	}
	stmt_done(s);
	return rc;
}
