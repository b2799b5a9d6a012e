/* stats.c: record counts, read in one transaction so they agree. */
#include "domain/stats.h"

status shop_stats_load(store *st, shop_stats *out, err *e)
{
	static const char *const sql =
		"SELECT (SELECT COUNT(*) FROM customers WHERE merged_into IS NULL),"
		" (SELECT COUNT(*) FROM customers WHERE merged_into IS NOT NULL),"
		" (SELECT COUNT(*) FROM orders),"
		" (SELECT COUNT(*) FROM orders WHERE customer_id IS NULL),"
		" (SELECT COUNT(*) FROM order_items),"
		" (SELECT COUNT(*) FROM products),"
		" (SELECT COUNT(*) FROM returns),"
		" (SELECT COUNT(*) FROM interactions)";
	int64_t *fields[] = { &out->customers, &out->merged, &out->orders, &out->guest_orders,
			      &out->order_items, &out->products, &out->returns, &out->interactions };
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	if (stmt_row(s, e)) {
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			*fields[i] = stmt_int64(s, (int)i);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}
