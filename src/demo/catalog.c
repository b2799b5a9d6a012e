/* catalog.c: the demo catalogue: base items expanded into variants
 * (colours, sizes, weights ...), priced in pounds and saved through
 * product_save. */
#include "demo/catalog.h"
#include "core/xalloc.h"
#include "domain/product.h"

/* Reasons, in demo_return_reasons order: too small, too large, damaged,
 * not as described, changed my mind, late, wrong item, faulty. */
const demo_category demo_categories[DEMO_CATEGORIES] = {
	[DEMO_CAT_HOME] = {"Home & Kitchen",
			   "HK",
			   35,
			   50,
			   12,
			   false,
			   {0, 0, 30, 20, 25, 5, 10, 10},
			   {20, 12, 18}},
	[DEMO_CAT_APPAREL] =
		{"Apparel", "AP", 50, 65, 35, false, {35, 30, 2, 13, 15, 2, 3, 0}, {18, 14, 18}},
	[DEMO_CAT_ELECTRONICS] = {"Electronics",
				  "EL",
				  12,
				  25,
				  15,
				  false,
				  {0, 0, 15, 15, 20, 5, 5, 40},
				  {14, 18, 18}},
	[DEMO_CAT_BEAUTY] =
		{"Beauty", "BE", 55, 70, 6, true, {0, 0, 25, 25, 30, 5, 10, 5}, {10, 22, 10}},
	[DEMO_CAT_TOYS] =
		{"Toys & Games", "TG", 35, 50, 8, false, {0, 0, 30, 15, 25, 10, 10, 10}, {8, 6, 8}},
	[DEMO_CAT_GROCERY] =
		{"Grocery", "GR", 20, 30, 2, true, {0, 0, 50, 10, 5, 15, 20, 0}, {14, 14, 10}},
	[DEMO_CAT_BOOKS] =
		{"Books", "BK", 25, 35, 4, false, {0, 0, 40, 10, 30, 10, 10, 0}, {8, 4, 8}},
	[DEMO_CAT_SPORTS] = {"Sports & Outdoors",
			     "SP",
			     30,
			     45,
			     10,
			     false,
			     {15, 10, 15, 15, 25, 5, 5, 10},
			     {8, 10, 10}},
};

typedef struct {
	const char *label;
	int price_pct; /* of the base price */
} variant;

typedef enum {
	V_NONE,
	V_COLOUR,
	V_SIZE,
	V_SHOE,
	V_WEIGHT,
	V_PAN,
	V_BED,
	V_SCENT,
	V_SHADE,
	V_FORMAT,
	V_CAPACITY,
	V_PACK,
	V_INK,
	V__COUNT
} variant_set;

static const struct {
	const variant *v;
	size_t n;
} variant_sets[V__COUNT] = {
#define VS(...)                                                                                    \
	{                                                                                          \
		(const variant[]){__VA_ARGS__},                                                    \
			sizeof((const variant[]){__VA_ARGS__}) / sizeof(variant)                   \
	}
	[V_NONE] = VS({NULL, 100}),
	[V_COLOUR] = VS({"Black", 100}, {"White", 100}, {"Navy", 100}, {"Grey", 100}, {"Red", 100}),
	[V_SIZE] = VS({"M", 100}, {"L", 100}, {"S", 100}, {"XL", 100}),
	[V_SHOE] = VS({"UK 8", 100}, {"UK 9", 100}, {"UK 7", 100}, {"UK 10", 100}, {"UK 6", 100},
		      {"UK 11", 100}),
	[V_WEIGHT] = VS({"250g", 100}, {"500g", 180}, {"1kg", 330}),
	[V_PAN] = VS({"24 cm", 100}, {"20 cm", 80}, {"28 cm", 125}),
	[V_BED] = VS({"Double", 100}, {"Single", 75}, {"King", 125}),
	[V_SCENT] = VS({"Lavender", 100}, {"Vanilla", 100}, {"Sandalwood", 100}, {"Fig", 100}),
	[V_SHADE] = VS({"Ruby", 100}, {"Coral", 100}, {"Nude", 100}, {"Berry", 100}, {"Plum", 100}),
	[V_FORMAT] = VS({"Paperback", 100}, {"Hardback", 180}),
	[V_CAPACITY] = VS({"128GB", 100}, {"64GB", 80}, {"256GB", 130}),
	[V_PACK] = VS({NULL, 100}, {"3-pack", 260}),
	[V_INK] = VS({"Black", 100}, {"Colour", 130}),
#undef VS
};

typedef struct {
	demo_category_id cat;
	const char *name;
	int64_t price; /* pence, first variant */
	variant_set variants;
	unsigned popularity;
	const char *complement; /* a base item bought with this one */
} base_item;

static const base_item base_items[] = {
	{DEMO_CAT_HOME, "Coffee Grinder", 4999, V_NONE, 6, "Coffee Beans"},
	{DEMO_CAT_HOME, "Espresso Machine", 19900, V_NONE, 2, "Espresso Cups (set of 4)"},
	{DEMO_CAT_HOME, "Espresso Cups (set of 4)", 1999, V_COLOUR, 3, NULL},
	{DEMO_CAT_HOME, "French Press", 2499, V_NONE, 5, "Coffee Beans"},
	{DEMO_CAT_HOME, "Cast Iron Skillet", 3999, V_PAN, 4, NULL},
	{DEMO_CAT_HOME, "Non-stick Frying Pan", 2499, V_PAN, 6, NULL},
	{DEMO_CAT_HOME, "Chef's Knife", 5999, V_NONE, 4, "Knife Sharpener"},
	{DEMO_CAT_HOME, "Knife Sharpener", 1499, V_NONE, 2, NULL},
	{DEMO_CAT_HOME, "Bamboo Cutting Board", 1999, V_NONE, 5, NULL},
	{DEMO_CAT_HOME, "Glass Storage Jars (set of 3)", 1799, V_NONE, 4, NULL},
	{DEMO_CAT_HOME, "Electric Kettle", 3499, V_COLOUR, 5, "Ceramic Mug"},
	{DEMO_CAT_HOME, "Ceramic Mug", 899, V_COLOUR, 9, NULL},
	{DEMO_CAT_HOME, "Teapot", 2499, V_NONE, 3, "Jasmine Tea (茉莉花茶)"},
	{DEMO_CAT_HOME, "Bath Towel", 1499, V_COLOUR, 7, NULL},
	{DEMO_CAT_HOME, "Bed Sheet Set", 3999, V_BED, 5, "Pillowcase Pair"},
	{DEMO_CAT_HOME, "Pillowcase Pair", 1299, V_COLOUR, 4, NULL},
	{DEMO_CAT_HOME, "Scented Candle", 1699, V_SCENT, 7, NULL},
	{DEMO_CAT_HOME, "Rice Cooker", 5999, V_NONE, 3, NULL},
	{DEMO_CAT_HOME, "Carbon Steel Wok", 3499, V_NONE, 3, "Bamboo Steamer"},
	{DEMO_CAT_HOME, "Bamboo Steamer", 1599, V_NONE, 2, NULL},

	{DEMO_CAT_APPAREL, "Cotton T-Shirt", 1499, V_SIZE, 10, NULL},
	{DEMO_CAT_APPAREL, "Hoodie", 3999, V_SIZE, 6, NULL},
	{DEMO_CAT_APPAREL, "Slim Jeans", 4999, V_SIZE, 6, NULL},
	{DEMO_CAT_APPAREL, "Running Shoes", 7999, V_SHOE, 5, "Running Socks (3-pack)"},
	{DEMO_CAT_APPAREL, "Running Socks (3-pack)", 999, V_NONE, 5, NULL},
	{DEMO_CAT_APPAREL, "Rain Jacket", 6999, V_SIZE, 4, NULL},
	{DEMO_CAT_APPAREL, "Wool Scarf", 2499, V_COLOUR, 4, "Wool Gloves"},
	{DEMO_CAT_APPAREL, "Wool Gloves", 1999, V_SIZE, 3, NULL},
	{DEMO_CAT_APPAREL, "Silk Qipao Dress", 12900, V_SIZE, 2, NULL},
	{DEMO_CAT_APPAREL, "Baseball Cap", 1799, V_COLOUR, 4, NULL},
	{DEMO_CAT_APPAREL, "Leather Belt", 2999, V_SIZE, 3, NULL},
	{DEMO_CAT_APPAREL, "Pyjama Set", 3499, V_SIZE, 4, NULL},

	{DEMO_CAT_ELECTRONICS, "Smartphone", 39900, V_CAPACITY, 1, "Phone Case"},
	{DEMO_CAT_ELECTRONICS, "Phone Case", 1999, V_COLOUR, 7, "Screen Protector (2-pack)"},
	{DEMO_CAT_ELECTRONICS, "Screen Protector (2-pack)", 999, V_NONE, 6, NULL},
	{DEMO_CAT_ELECTRONICS, "Wireless Earbuds", 8999, V_COLOUR, 6, NULL},
	{DEMO_CAT_ELECTRONICS, "USB-C Charger 65W", 2999, V_NONE, 6, "USB-C Cable 2m"},
	{DEMO_CAT_ELECTRONICS, "USB-C Cable 2m", 999, V_NONE, 8, NULL},
	{DEMO_CAT_ELECTRONICS, "Power Bank 20000mAh", 3499, V_NONE, 5, NULL},
	{DEMO_CAT_ELECTRONICS, "Bluetooth Speaker", 4999, V_COLOUR, 4, NULL},
	{DEMO_CAT_ELECTRONICS, "Laptop 14-inch", 69900, V_CAPACITY, 1, "Laptop Sleeve"},
	{DEMO_CAT_ELECTRONICS, "Laptop Sleeve", 2499, V_COLOUR, 3, NULL},
	{DEMO_CAT_ELECTRONICS, "Wireless Mouse", 2499, V_NONE, 5, "Mouse Mat"},
	{DEMO_CAT_ELECTRONICS, "Mouse Mat", 999, V_NONE, 3, NULL},
	{DEMO_CAT_ELECTRONICS, "Mechanical Keyboard", 8999, V_NONE, 3, NULL},
	{DEMO_CAT_ELECTRONICS, "Smart Watch", 19900, V_NONE, 2, "Watch Strap"},
	{DEMO_CAT_ELECTRONICS, "Watch Strap", 1999, V_COLOUR, 2, NULL},
	{DEMO_CAT_ELECTRONICS, "Digital Camera", 34900, V_NONE, 1, "SD Card"},
	{DEMO_CAT_ELECTRONICS, "SD Card", 1499, V_CAPACITY, 3, NULL},
	{DEMO_CAT_ELECTRONICS, "Inkjet Printer", 7999, V_NONE, 2, "Ink Cartridge"},
	{DEMO_CAT_ELECTRONICS, "Ink Cartridge", 1999, V_INK, 5, NULL},

	{DEMO_CAT_BEAUTY, "Shampoo 400ml", 899, V_NONE, 9, "Conditioner 400ml"},
	{DEMO_CAT_BEAUTY, "Conditioner 400ml", 899, V_NONE, 7, NULL},
	{DEMO_CAT_BEAUTY, "Face Cream 50ml", 2999, V_NONE, 6, "Face Serum 30ml"},
	{DEMO_CAT_BEAUTY, "Face Serum 30ml", 3499, V_NONE, 5, NULL},
	{DEMO_CAT_BEAUTY, "Sheet Masks (10-pack)", 1999, V_NONE, 6, NULL},
	{DEMO_CAT_BEAUTY, "Sunscreen SPF50", 1499, V_NONE, 5, NULL},
	{DEMO_CAT_BEAUTY, "Lipstick", 1899, V_SHADE, 6, NULL},
	{DEMO_CAT_BEAUTY, "Eau de Parfum 50ml", 6500, V_NONE, 3, NULL},
	{DEMO_CAT_BEAUTY, "Electric Toothbrush", 5999, V_COLOUR, 4, "Toothbrush Heads (4-pack)"},
	{DEMO_CAT_BEAUTY, "Toothbrush Heads (4-pack)", 1999, V_NONE, 5, NULL},
	{DEMO_CAT_BEAUTY, "Hair Dryer", 4999, V_NONE, 3, NULL},
	{DEMO_CAT_BEAUTY, "Body Lotion", 1299, V_SCENT, 4, NULL},

	{DEMO_CAT_TOYS, "Building Blocks Set", 3999, V_NONE, 6, NULL},
	{DEMO_CAT_TOYS, "Jigsaw Puzzle 1000 Pieces", 1599, V_NONE, 5, NULL},
	{DEMO_CAT_TOYS, "Family Board Game", 2999, V_NONE, 5, NULL},
	{DEMO_CAT_TOYS, "Plush Panda", 1999, V_NONE, 6, NULL},
	{DEMO_CAT_TOYS, "Remote Control Car", 3999, V_NONE, 4, "AA Batteries (12-pack)"},
	{DEMO_CAT_TOYS, "AA Batteries (12-pack)", 899, V_NONE, 6, NULL},
	{DEMO_CAT_TOYS, "Wooden Train Set", 4999, V_NONE, 3, "Train Track Extension"},
	{DEMO_CAT_TOYS, "Train Track Extension", 1999, V_NONE, 2, NULL},
	{DEMO_CAT_TOYS, "Art and Craft Set", 2499, V_NONE, 4, NULL},
	{DEMO_CAT_TOYS, "Xiangqi Chinese Chess Set", 2999, V_NONE, 3, NULL},
	{DEMO_CAT_TOYS, "Stunt Kite", 1999, V_COLOUR, 2, NULL},

	{DEMO_CAT_GROCERY, "Coffee Beans", 799, V_WEIGHT, 10, NULL},
	{DEMO_CAT_GROCERY, "Longjing Green Tea (龙井)", 1299, V_WEIGHT, 6, NULL},
	{DEMO_CAT_GROCERY, "Jasmine Tea (茉莉花茶)", 899, V_WEIGHT, 6, NULL},
	{DEMO_CAT_GROCERY, "Earl Grey Tea (80 bags)", 499, V_NONE, 6, NULL},
	{DEMO_CAT_GROCERY, "Dark Chocolate 70%", 349, V_PACK, 8, NULL},
	{DEMO_CAT_GROCERY, "Extra Virgin Olive Oil 1l", 999, V_NONE, 5, NULL},
	{DEMO_CAT_GROCERY, "Basmati Rice 5kg", 1299, V_NONE, 4, NULL},
	{DEMO_CAT_GROCERY, "Light Soy Sauce", 299, V_NONE, 5, NULL},
	{DEMO_CAT_GROCERY, "Instant Noodles (5-pack)", 449, V_NONE, 6, NULL},
	{DEMO_CAT_GROCERY, "Granola 750g", 549, V_NONE, 4, NULL},
	{DEMO_CAT_GROCERY, "Manuka Honey", 2499, V_NONE, 3, NULL},
	{DEMO_CAT_GROCERY, "Italian Pasta 500g", 199, V_PACK, 6, "Pasta Sauce"},
	{DEMO_CAT_GROCERY, "Pasta Sauce", 349, V_NONE, 5, NULL},
	{DEMO_CAT_GROCERY, "Oat Milk 1l", 219, V_PACK, 5, NULL},

	{DEMO_CAT_BOOKS, "The Art of Coffee", 1499, V_FORMAT, 4, NULL},
	{DEMO_CAT_BOOKS, "Wok Cooking at Home", 1999, V_FORMAT, 4, NULL},
	{DEMO_CAT_BOOKS, "Learn Mandarin in 30 Days", 1299, V_FORMAT, 5, NULL},
	{DEMO_CAT_BOOKS, "Running for Beginners", 999, V_FORMAT, 3, NULL},
	{DEMO_CAT_BOOKS, "The Gardening Year", 2499, V_FORMAT, 3, NULL},
	{DEMO_CAT_BOOKS, "A Short History of Tea", 1699, V_FORMAT, 3, NULL},
	{DEMO_CAT_BOOKS, "Mindful Living", 1099, V_FORMAT, 4, NULL},
	{DEMO_CAT_BOOKS, "The Little Prince", 799, V_FORMAT, 5, NULL},
	{DEMO_CAT_BOOKS, "The Three-Body Problem (三体)", 999, V_FORMAT, 6, NULL},
	{DEMO_CAT_BOOKS, "Home Baking Bible", 2299, V_FORMAT, 3, NULL},

	{DEMO_CAT_SPORTS, "Yoga Mat", 2999, V_COLOUR, 6, "Yoga Block"},
	{DEMO_CAT_SPORTS, "Yoga Block", 999, V_NONE, 3, NULL},
	{DEMO_CAT_SPORTS, "Dumbbell Set 10kg", 4999, V_NONE, 3, NULL},
	{DEMO_CAT_SPORTS, "Insulated Water Bottle", 1999, V_COLOUR, 7, NULL},
	{DEMO_CAT_SPORTS, "Tennis Racket", 7999, V_NONE, 2, "Tennis Balls (4-pack)"},
	{DEMO_CAT_SPORTS, "Tennis Balls (4-pack)", 699, V_NONE, 4, NULL},
	{DEMO_CAT_SPORTS, "Badminton Racket", 3999, V_NONE, 4, "Shuttlecocks (12-pack)"},
	{DEMO_CAT_SPORTS, "Shuttlecocks (12-pack)", 1299, V_NONE, 4, NULL},
	{DEMO_CAT_SPORTS, "Two-person Tent", 12900, V_NONE, 2, "Sleeping Bag"},
	{DEMO_CAT_SPORTS, "Sleeping Bag", 5999, V_NONE, 2, NULL},
	{DEMO_CAT_SPORTS, "Cycling Helmet", 4999, V_SIZE, 3, NULL},
	{DEMO_CAT_SPORTS, "Resistance Bands", 1499, V_NONE, 4, NULL},
};

/* Rounds up to whole pounds less a penny: 14.38 -> 14.99. */
static int64_t shelf_price(int64_t pence)
{
	int64_t pounds = (pence + 99) / 100;
	return pounds * 100 - 1;
}

void demo_catalog_build(demo_catalog *c)
{
	/* A fixed stream: the catalogue does not change with --seed. */
	demo_rng r;
	size_t cap = 0, *base_first;

	memset(c, 0, sizeof(*c));
	arena_init(&c->names, 0);
	demo_rng_seed(&r, 0xCA7A106, 0);
	base_first = xcalloc(ARRAY_SIZE(base_items), sizeof(*base_first));
	for (size_t i = 0; i < ARRAY_SIZE(base_items); i++)
		cap += variant_sets[base_items[i].variants].n;
	c->items = xcalloc(cap, sizeof(*c->items));
	c->cum = xcalloc(cap, sizeof(*c->cum));
	for (int cat = 0; cat < DEMO_CATEGORIES; cat++) {
		const demo_category *dc = &demo_categories[cat];
		int seq = 0;
		c->cat_start[cat] = c->n;
		for (size_t i = 0; i < ARRAY_SIZE(base_items); i++) {
			const base_item *b = &base_items[i];
			if ((int)b->cat != cat)
				continue;
			base_first[i] = c->n;
			for (size_t v = 0; v < variant_sets[b->variants].n; v++) {
				const variant *va = &variant_sets[b->variants].v[v];
				demo_product *p = &c->items[c->n++];
				int margin = (int)demo_rng_range(&r, dc->margin_lo, dc->margin_hi);
				p->name = va->label ? arena_printf(&c->names, "%s (%s)", b->name,
								   va->label)
						    : b->name;
				snprintf(p->sku, sizeof(p->sku), "%s-%04d", dc->sku_prefix, ++seq);
				p->price = v == 0 ? b->price
						  : shelf_price(b->price * va->price_pct / 100);
				p->cost = p->price * (100 - margin) / 100;
				p->category = cat;
				p->complement = -1;
				/* The first variant sells best; later ones less and less. */
				p->weight = b->popularity * 12 / (unsigned)(v + 1);
			}
		}
	}
	c->cat_start[DEMO_CATEGORIES] = c->n;
	/* Complements point at the first variant of the named base item. */
	for (size_t i = 0; i < ARRAY_SIZE(base_items); i++) {
		if (!base_items[i].complement)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(base_items); j++) {
			if (strcmp(base_items[j].name, base_items[i].complement) != 0)
				continue;
			for (size_t v = 0; v < variant_sets[base_items[i].variants].n; v++)
				c->items[base_first[i] + v].complement = (int)base_first[j];
		}
	}
	for (int cat = 0; cat < DEMO_CATEGORIES; cat++) {
		uint32_t sum = 0;
		for (size_t i = c->cat_start[cat]; i < c->cat_start[cat + 1]; i++) {
			sum += c->items[i].weight;
			c->cum[i] = sum;
		}
	}
	free(base_first);
}

void demo_catalog_release(demo_catalog *c)
{
	free(c->items);
	free(c->cum);
	arena_release(&c->names);
	memset(c, 0, sizeof(*c));
}

status demo_catalog_save(store *st, demo_catalog *c, const char *currency, int64_t when, err *e)
{
	status rc = E_OK;

	for (size_t i = 0; i < c->n && !rc; i++) {
		demo_product *dp = &c->items[i];
		product p = {.sku = dp->sku,
			     .name = dp->name,
			     .category = demo_categories[dp->category].name,
			     .price = dp->price,
			     .cost = opt_some(dp->cost),
			     .currency = currency,
			     .created_at = when,
			     .updated_at = when};
		if ((rc = product_validate(&p, e)) == E_OK &&
		    (rc = product_save(st, &p, NULL, e)) == E_OK)
			dp->id = p.id;
	}
	return rc;
}

size_t demo_catalog_pick(const demo_catalog *c, demo_rng *r, int cat)
{
	size_t lo = c->cat_start[cat];

	/* c->cum restarts at each category: the range is a table of its own. */
	return lo + demo_rng_pick_cum(r, c->cum + lo, c->cat_start[cat + 1] - lo);
}
