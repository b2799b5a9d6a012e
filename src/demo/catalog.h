/* catalog.h: the demo shop's product catalogue: a few hundred products in
 * eight categories, with prices, costs (margins vary by category), SKUs,
 * popularity weights and "bought together" complements. The catalogue is
 * the same for every seed, so SKUs and prices are stable across demos. */
#ifndef ECRM_DEMO_CATALOG_H
#define ECRM_DEMO_CATALOG_H

#include "core/arena.h"
#include "demo/rng.h"
#include "demo/tables.h"
#include "store/db.h"

typedef enum {
	DEMO_CAT_HOME,
	DEMO_CAT_APPAREL,
	DEMO_CAT_ELECTRONICS,
	DEMO_CAT_BEAUTY,
	DEMO_CAT_TOYS,
	DEMO_CAT_GROCERY,
	DEMO_CAT_BOOKS,
	DEMO_CAT_SPORTS,
	DEMO_CATEGORIES
} demo_category_id;

typedef struct {
	const char *name;			/* "Home & Kitchen": products.category */
	const char *sku_prefix;			/* "HK" */
	int margin_lo, margin_hi;		/* gross margin range, percent of price */
	unsigned return_permille;		/* chance a line of this category is returned */
	bool consumable;			/* bought in bigger quantities, again and again */
	unsigned reason_weight[8];		/* over demo_return_reasons */
	unsigned market_weight[DEMO_COUNTRIES]; /* how much each market buys it */
} demo_category;

extern const demo_category demo_categories[DEMO_CATEGORIES];

typedef struct {
	int64_t id;	  /* products.id once saved */
	const char *name; /* from the catalogue's arena */
	char sku[16];
	int64_t price; /* minor units of the shop currency */
	int64_t cost;
	int category;	 /* demo_category_id */
	int complement;	 /* index of the product bought with it, or -1 */
	unsigned weight; /* popularity within its category */
} demo_product;

typedef struct {
	demo_product *items; /* grouped by category, in catalogue order */
	size_t n;
	size_t cat_start[DEMO_CATEGORIES + 1]; /* category c is [cat_start[c], cat_start[c + 1]) */
	uint32_t *cum;			       /* cumulative weights within each category's range */
	arena names;
} demo_catalog;

/* Builds the catalogue in memory (no store access). */
void demo_catalog_build(demo_catalog *c);
void demo_catalog_release(demo_catalog *c);
/* Saves every product in `currency` with created_at `when`; sets ids. */
status demo_catalog_save(store *st, demo_catalog *c, const char *currency, int64_t when,
			 err *e) MUST_CHECK;
/* A product index of category `cat`, drawn by popularity. */
size_t demo_catalog_pick(const demo_catalog *c, demo_rng *r, int cat);

#endif
