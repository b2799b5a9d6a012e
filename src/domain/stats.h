/* stats.h: record counts of a shop's database (`ecrm stats`, /api/stats). */
#ifndef ECRM_DOMAIN_STATS_H
#define ECRM_DOMAIN_STATS_H

#include "store/db.h"

typedef struct {
	int64_t customers;    /* live customers: merged-away ones not counted */
	int64_t merged;       /* customers merged into another */
	int64_t orders;
	int64_t guest_orders; /* orders without a customer */
	int64_t order_items;
	int64_t products;
	int64_t returns;
	int64_t interactions;
} shop_stats;

status shop_stats_load(store *st, shop_stats *out, err *e) MUST_CHECK;

#endif
