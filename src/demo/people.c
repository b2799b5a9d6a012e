/* people.c: the demo shop's customers: who they are (name, contact, place,
 * consent, tags), when they sign up, how they will buy, and the deliberate
 * near-duplicates an identity-resolution pass should find. */
#include "demo/gen.h"
#include "core/datetime.h"
#include "core/xalloc.h"
#include "domain/customer.h"

#include <ctype.h>

const char *const demo_source_name[SRC__COUNT] = {"web", "store", "social", "email", "phone"};

static const unsigned source_weight[DEMO_COUNTRIES][SRC__COUNT] = {
	[DEMO_GB] = {50, 20, 12, 10, 8},
	[DEMO_CN] = {35, 10, 40, 5, 10},
	[DEMO_US] = {55, 12, 15, 10, 8},
};

typedef enum { NAME_EN, NAME_ZH, NAME_PINYIN } name_style;

/* One person as written: kept for a while so a later record can copy it. */
typedef struct {
	char name[96], email[128], phone[24], postcode[16], address[160], birth[12];
	uint16_t city;
	char gender; /* 'f' or 'm' */
	uint8_t style;
	uint16_t family, given; /* indices into the name tables of `style` */
	int64_t birth_day;	/* Unix day of birth when birth[0] */
} ident;

#define RING 512 /* near-duplicates copy one of the last RING people */

/* Hashes of every e-mail address and phone number handed out, so two
 * different people never share one by chance: only deliberate
 * near-duplicates do. 64-bit hashes, open addressing, load <= 1/2. */
typedef struct {
	uint64_t *slot;
	size_t mask;
} seen_set;

typedef struct {
	uint32_t *en_female, *en_male, *en_family, *zh_family;
	uint16_t *zh_given[2]; /* [0] female, [1] male indices */
	size_t n_zh_given[2];
	uint16_t *cities[DEMO_COUNTRIES];
	uint32_t *city_cum[DEMO_COUNTRIES];
	size_t n_cities[DEMO_COUNTRIES];
	uint32_t *domains[DEMO_COUNTRIES];
	ident *ring;
	size_t ring_n;
	seen_set seen;
} people;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	h ^= h >> 29;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* Adds `s`; false when it was there already. */
static bool seen_add(seen_set *set, const char *s)
{
	uint64_t h = hash_str(s);
	size_t i = (size_t)h & set->mask;

	while (set->slot[i]) {
		if (set->slot[i] == h)
			return false;
		i = (i + 1) & set->mask;
	}
	set->slot[i] = h;
	return true;
}

static uint32_t *cum_of(const demo_word *w, size_t n)
{
	uint32_t *cum = xmalloc(n * sizeof(*cum)), sum = 0;

	for (size_t i = 0; i < n; i++)
		cum[i] = sum += w[i].weight;
	return cum;
}

static void people_init(people *p, int64_t customers)
{
	uint32_t sum = 0;
	size_t slots = 16;

	memset(p, 0, sizeof(*p));
	p->en_female = cum_of(demo_en_female, demo_n_en_female);
	p->en_male = cum_of(demo_en_male, demo_n_en_male);
	p->en_family = cum_of(demo_en_family, demo_n_en_family);
	p->zh_family = xmalloc(demo_n_zh_families * sizeof(uint32_t));
	for (size_t i = 0; i < demo_n_zh_families; i++)
		p->zh_family[i] = sum += demo_zh_families[i].weight;
	for (int s = 0; s < 2; s++)
		p->zh_given[s] = xmalloc(demo_n_zh_givens * sizeof(uint16_t));
	for (size_t i = 0; i < demo_n_zh_givens; i++) {
		int s = demo_zh_givens[i].gender == 'm';
		p->zh_given[s][p->n_zh_given[s]++] = (uint16_t)i;
	}
	for (int c = 0; c < DEMO_COUNTRIES; c++) {
		p->cities[c] = xmalloc(demo_n_cities * sizeof(uint16_t));
		p->city_cum[c] = xmalloc(demo_n_cities * sizeof(uint32_t));
		sum = 0;
		for (size_t i = 0; i < demo_n_cities; i++) {
			if (demo_cities[i].country != (demo_country)c)
				continue;
			p->cities[c][p->n_cities[c]] = (uint16_t)i;
			p->city_cum[c][p->n_cities[c]++] = sum += demo_cities[i].weight;
		}
		p->domains[c] = cum_of(demo_mail_domains[c], demo_n_mail_domains[c]);
	}
	p->ring = xcalloc(RING, sizeof(*p->ring));
	/* Two keys (e-mail, phone) per customer at most. */
	while (slots < (size_t)customers * 4)
		slots *= 2;
	p->seen.slot = xcalloc(slots, sizeof(uint64_t));
	p->seen.mask = slots - 1;
}

static void people_release(people *p)
{
	free(p->en_female);
	free(p->en_male);
	free(p->en_family);
	free(p->zh_family);
	for (int s = 0; s < 2; s++)
		free(p->zh_given[s]);
	for (int c = 0; c < DEMO_COUNTRIES; c++) {
		free(p->cities[c]);
		free(p->city_cum[c]);
		free(p->domains[c]);
	}
	free(p->ring);
	free(p->seen.slot);
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Family and given name in pinyin / English, lower-case, for addresses. */
static void name_parts(const ident *id, char *first, size_t fn, char *last, size_t ln)
{
	if (id->style == NAME_EN) {
		const demo_word *t = id->gender == 'f' ? demo_en_female : demo_en_male;
		snprintf(first, fn, "%s", t[id->given].name);
		snprintf(last, ln, "%s", demo_en_family[id->family].name);
	} else {
		snprintf(first, fn, "%s", demo_zh_givens[id->given].pinyin);
		snprintf(last, ln, "%s", demo_zh_families[id->family].pinyin);
	}
	lower_ascii(first);
	lower_ascii(last);
}

static void make_email(demo_rng *r, const people *p, const ident *id, int country, char *out,
		       size_t n)
{
	char f[48], l[48];
	size_t di = demo_rng_pick_cum(r, p->domains[country], demo_n_mail_domains[country]);
	const char *dom = demo_mail_domains[country][di].name;
	int form = (int)demo_rng_below(r, 100);

	name_parts(id, f, sizeof(f), l, sizeof(l));
	if (strcmp(dom, "qq.com") == 0 && form < 50) {
		/* Half of QQ addresses are the QQ number itself. */
		snprintf(out, n, "%" PRId64 "@%s", demo_rng_range(r, 100000, 3999999999), dom);
	} else if (id->style == NAME_EN) {
		if (form < 30)
			snprintf(out, n, "%s.%s@%s", f, l, dom);
		else if (form < 55)
			snprintf(out, n, "%s%s%d@%s", f, l, (int)demo_rng_range(r, 10, 99), dom);
		else if (form < 75)
			snprintf(out, n, "%c%s%d@%s", f[0], l, (int)demo_rng_range(r, 100, 999),
				 dom);
		else if (form < 85)
			snprintf(out, n, "%s_%s@%s", f, l, dom);
		else
			snprintf(out, n, "%s.%s%d@%s", l, f, (int)demo_rng_range(r, 10, 99), dom);
	} else {
		if (form < 30)
			snprintf(out, n, "%s%s%d@%s", l, f, (int)demo_rng_range(r, 10, 99), dom);
		else if (form < 45)
			snprintf(out, n, "%s.%s@%s", l, f, dom);
		else if (form < 70)
			snprintf(out, n, "%s%s%d@%s", l, f, (int)demo_rng_range(r, 1970, 2006),
				 dom);
		else if (form < 85)
			snprintf(out, n, "%s%s%d@%s", f, l, (int)demo_rng_range(r, 100, 999), dom);
		else
			snprintf(out, n, "%s_%s@%s", l, f, dom);
	}
}

/* Keeps `id->email` if nobody has it yet, else adds digits until unique. */
static void unique_email(demo_rng *r, people *p, ident *id)
{
	char local[96], domain[64];
	const char *at;

	while (!seen_add(&p->seen, id->email)) {
		at = strchr(id->email, '@');
		snprintf(local, sizeof(local), "%.*s", (int)(at - id->email), id->email);
		snprintf(domain, sizeof(domain), "%s", at);
		snprintf(id->email, sizeof(id->email), "%.60s%d%s", local,
			 (int)demo_rng_range(r, 1, 9), domain);
	}
}

static void make_phone(demo_rng *r, const demo_city *city, char *out, size_t n)
{
	static const int cn_second[] = {3, 5, 7, 8, 9};

	switch (city->country) {
	case DEMO_GB:
		snprintf(out, n, "+447%d%08d", (int)demo_rng_range(r, 1, 9),
			 (int)demo_rng_below(r, 100000000));
		break;
	case DEMO_CN:
		snprintf(out, n, "+861%d%09d", cn_second[demo_rng_below(r, ARRAY_SIZE(cn_second))],
			 (int)demo_rng_below(r, 1000000000));
		break;
	default: {
		/* US: an area code of the city, an exchange that is not 555. */
		size_t areas = (strlen(city->phone_areas) + 1) / 4;
		const char *a = city->phone_areas + 4 * demo_rng_below(r, areas);
		int exch;
		do
			exch = (int)demo_rng_range(r, 200, 999);
		while (exch == 555);
		snprintf(out, n, "+1%.3s%03d%04d", a, exch, (int)demo_rng_below(r, 10000));
		break;
	}
	}
}

static void make_postcode(demo_rng *r, const demo_city *city, char *out, size_t n)
{
	static const char inward[] = "ABDEFGHJLNPQRSTUWXYZ";
	int num = (int)demo_rng_range(r, city->post_lo, city->post_hi);

	switch (city->post) {
	case DEMO_POST_GB: {
		/* Pick one outward area from the space-separated list. */
		const char *areas = city->post_areas, *a = areas;
		size_t count = 1, k, len;
		for (const char *s = areas; *s; s++)
			count += *s == ' ';
		k = demo_rng_below(r, count);
		while (k--)
			a = strchr(a, ' ') + 1;
		len = strcspn(a, " ");
		snprintf(out, n, "%.*s%d %d%c%c", (int)len, a, num, (int)demo_rng_range(r, 1, 9),
			 inward[demo_rng_below(r, sizeof(inward) - 1)],
			 inward[demo_rng_below(r, sizeof(inward) - 1)]);
		break;
	}
	case DEMO_POST_CN:
		snprintf(out, n, "%04d%02d", num, (int)demo_rng_below(r, 100));
		break;
	case DEMO_POST_US:
		snprintf(out, n, "%05d", num);
		break;
	}
}

static void make_address(demo_rng *r, const demo_city *city, char *out, size_t n)
{
	int c = city->country;
	const char *street = demo_streets[c][demo_rng_below(r, demo_n_streets[c])];
	int no = (int)demo_rng_range(r, 1, 250);

	if (c == DEMO_CN) {
		if (demo_rng_chance(r, 0.6))
			snprintf(out, n, "%s%d号%d栋%d%02d室", street, no,
				 (int)demo_rng_range(r, 1, 30), (int)demo_rng_range(r, 1, 32),
				 (int)demo_rng_range(r, 1, 6));
		else
			snprintf(out, n, "%s%d号", street, no);
	} else if (c == DEMO_GB) {
		if (demo_rng_chance(r, 0.15))
			snprintf(out, n, "Flat %d, %d %s", (int)demo_rng_range(r, 1, 40), no,
				 street);
		else
			snprintf(out, n, "%d %s", no, street);
	} else {
		if (demo_rng_chance(r, 0.25))
			snprintf(out, n, "%d %s Apt %d%c", no * 10, street,
				 (int)demo_rng_range(r, 1, 20), (char)('A' + demo_rng_below(r, 6)));
		else
			snprintf(out, n, "%d %s", no * 10, street);
	}
}

static void write_name(ident *id)
{
	if (id->style == NAME_ZH) {
		snprintf(id->name, sizeof(id->name), "%s%s", demo_zh_families[id->family].hanzi,
			 demo_zh_givens[id->given].hanzi);
	} else if (id->style == NAME_PINYIN) {
		char f[48], l[48];
		name_parts(id, f, sizeof(f), l, sizeof(l));
		f[0] = (char)toupper((unsigned char)f[0]);
		l[0] = (char)toupper((unsigned char)l[0]);
		snprintf(id->name, sizeof(id->name), "%s %s", f, l);
	} else {
		const demo_word *t = id->gender == 'f' ? demo_en_female : demo_en_male;
		snprintf(id->name, sizeof(id->name), "%s %s", t[id->given].name,
			 demo_en_family[id->family].name);
	}
}

/* A new person in `country`, drawn from the people stream. */
static void new_ident(demo_gen *g, people *p, int country, int64_t signup, ident *id)
{
	demo_rng *r = &g->people;
	const demo_city *city;
	size_t ci;

	memset(id, 0, sizeof(*id));
	ci = demo_rng_pick_cum(r, p->city_cum[country], p->n_cities[country]);
	id->city = p->cities[country][ci];
	city = &demo_cities[id->city];
	id->gender = demo_rng_chance(r, 0.52) ? 'f' : 'm';
	if (country == DEMO_CN)
		id->style = demo_rng_chance(r, 0.97) ? NAME_ZH : NAME_EN;
	else
		id->style = demo_rng_chance(r, 0.04) ? NAME_PINYIN : NAME_EN;
	if (id->style == NAME_EN) {
		bool f = id->gender == 'f';
		id->given = (uint16_t)demo_rng_pick_cum(r, f ? p->en_female : p->en_male,
							f ? demo_n_en_female : demo_n_en_male);
		id->family = (uint16_t)demo_rng_pick_cum(r, p->en_family, demo_n_en_family);
	} else {
		int s = id->gender == 'm';
		id->family = (uint16_t)demo_rng_pick_cum(r, p->zh_family, demo_n_zh_families);
		id->given = p->zh_given[s][demo_rng_below(r, p->n_zh_given[s])];
	}
	write_name(id);
	make_email(r, p, id, country, id->email, sizeof(id->email));
	unique_email(r, p, id);
	do
		make_phone(r, city, id->phone, sizeof(id->phone));
	while (!seen_add(&p->seen, id->phone));
	make_postcode(r, city, id->postcode, sizeof(id->postcode));
	make_address(r, city, id->address, sizeof(id->address));
	if (demo_rng_chance(r, 0.78)) {
		/* Adults, mostly 25-45. */
		double age = 18 + demo_rng_gamma(r, 2.2) * 7.5;
		int64_t day = signup / 86400 - (int64_t)((age > 85 ? 85 : age) * 365.25);
		int y, m, d;
		id->birth_day = day;
		civil_from_days(day, &y, &m, &d);
		snprintf(id->birth, sizeof(id->birth), "%04d-%02d-%02d", y, m, d);
	}
}

/* A typing slip in the family name of a Latin-script name: swap two
 * letters, drop one or double one (the first letter stays). */
static void latin_typo(demo_rng *r, char *name, size_t cap)
{
	char *sp = strrchr(name, ' ');
	char *s = sp ? sp + 1 : name;
	size_t len = strlen(s), n = strlen(name);
	size_t i;

	if (len < 3)
		return;
	i = 1 + demo_rng_below(r, len - 2);
	switch (demo_rng_below(r, 3)) {
	case 0:
		if (s[i] != s[i + 1]) {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
			break;
		}
		/* Swapping equal letters changes nothing: drop one instead. */
		/* fall through */
	case 1:
		memmove(s + i, s + i + 1, len - i);
		break;
	default:
		if (n + 1 < cap) {
			memmove(s + i + 1, s + i, len - i + 1);
			break;
		}
		memmove(s + i, s + i + 1, len - i);
		break;
	}
}

/* The same person's name as typed again: a typo, or a same-sounding
 * character for Chinese names (伟 for 玮); `spelling` keeps the letters
 * and changes case or spacing instead. */
static void retype_name(demo_rng *r, ident *id, bool spelling)
{
	if (id->style == NAME_ZH) {
		const demo_zh_given *gv = &demo_zh_givens[id->given];
		const char *fam = demo_zh_families[id->family].hanzi;
		if (!spelling && gv->alt)
			snprintf(id->name, sizeof(id->name), "%s%s", fam, gv->alt);
		else
			snprintf(id->name, sizeof(id->name), "%s %s", fam, gv->hanzi);
	} else if (spelling) {
		lower_ascii(id->name);
	} else {
		latin_typo(r, id->name, sizeof(id->name));
	}
}

/* A near-duplicate of `orig`: the same person signing up again. */
static void dup_ident(demo_gen *g, people *p, const ident *orig, ident *id)
{
	demo_rng *r = &g->people;
	const demo_city *city = &demo_cities[orig->city];
	int kind = (int)demo_rng_below(r, 100);

	*id = *orig;
	if (kind < 45 && orig->phone[0]) {
		/* Same phone and address, a typo in the name, e-mail new or none. */
		retype_name(r, id, false);
		if (demo_rng_chance(r, 0.6))
			id->email[0] = 0;
		else {
			make_email(r, p, id, city->country, id->email, sizeof(id->email));
			unique_email(r, p, id);
		}
	} else if (kind < 75 && orig->email[0]) {
		/* Same e-mail, name typed differently, moved within the city. */
		retype_name(r, id, true);
		id->phone[0] = 0;
		make_postcode(r, city, id->postcode, sizeof(id->postcode));
		make_address(r, city, id->address, sizeof(id->address));
	} else {
		/* Same postcode, address and birth date; new phone, no e-mail. */
		retype_name(r, id, false);
		do
			make_phone(r, city, id->phone, sizeof(id->phone));
		while (!seen_add(&p->seen, id->phone));
		id->email[0] = 0;
	}
}

/* Sign-ups per day: the shop grows (2.5 times the rate at the end as at
 * the start) and follows the blended season of its markets. */
static double *signup_mass(const demo_gen *g)
{
	double *w = xmalloc((size_t)g->n_days * sizeof(*w)), sum = 0;

	for (int d = 0; d < g->n_days; d++) {
		int64_t lo = (g->start_day + d) * 86400, hi = lo + 86400;
		double season = 0;
		if (lo < g->start)
			lo = g->start;
		if (hi > g->end)
			hi = g->end;
		for (int c = 0; c < DEMO_COUNTRIES; c++)
			season += demo_country_weight[c] * g->season[c][d] / 100.0;
		sum += (1.0 + 1.5 * (d + 0.5) / g->n_days) * season * (double)(hi - lo) / 86400;
		w[d] = sum;
	}
	return w;
}

/* The buying behaviour of a new customer (behaviour stream). */
static void draw_behaviour(demo_gen *g, demo_cust *c, int country, bool duplicate)
{
	demo_rng *r = &g->behaviour;
	double rate = demo_rng_gamma(r, DEMO_RATE_SHAPE) / DEMO_RATE_DAYS;
	double p = demo_rng_beta(r, DEMO_DROP_A, DEMO_DROP_B);
	unsigned w[DEMO_CATEGORIES];

	if (demo_rng_chance(r, DEMO_WHOLESALE)) {
		c->flags |= DEMO_F_WHOLESALE;
		rate = rate * 4 + 0.02;
		p *= 0.3;
	}
	if (duplicate)
		p = 0.6; /* a second account is rarely used for long */
	if (rate > DEMO_RATE_MAX)
		rate = DEMO_RATE_MAX;
	if (rate > 0.08 && p < 0.25 && !(c->flags & DEMO_F_WHOLESALE))
		c->flags |= DEMO_F_VIP;
	c->rate = (float)rate;
	c->p_drop = (float)p;
	for (int k = 0; k < DEMO_CATEGORIES; k++)
		w[k] = demo_categories[k].market_weight[country];
	c->cat1 = (uint8_t)demo_rng_weighted(r, w, DEMO_CATEGORIES);
	w[c->cat1] = 0;
	c->cat2 = (uint8_t)demo_rng_weighted(r, w, DEMO_CATEGORIES);
	c->fav = (uint16_t)demo_catalog_pick(&g->cat, r, c->cat1);
}

static void add_tag(strbuf *sb, const char *tag)
{
	strbuf_adds(sb, sb->len > 1 ? ",\"" : "\"");
	strbuf_adds(sb, tag);
	strbuf_addc(sb, '"');
}

static status write_one(demo_gen *g, int64_t k, const ident *id, demo_cust *dc, int64_t created,
			err *e)
{
	const demo_city *city = &demo_cities[id->city];
	demo_rng *r = &g->people;
	char ext[32], attrs[64];
	strbuf *tags = &g->scratch[0];
	customer c;
	status rc;

	customer_init(&c);
	snprintf(ext, sizeof(ext), "DEMO-%06" PRId64, k + 1);
	c.external_id = ext;
	c.name = id->name;
	c.email = id->email[0] ? id->email : NULL;
	c.phone = id->phone[0] ? id->phone : NULL;
	c.gender = demo_rng_chance(r, 0.93) ? (id->gender == 'f' ? "female" : "male") : NULL;
	c.birth_date = id->birth[0] ? id->birth : NULL;
	c.address = id->address;
	c.postcode = id->postcode;
	c.city = city->city;
	c.region = city->region;
	c.country = demo_country_code[city->country];
	c.source = demo_source_name[dc->source];
	c.created_at = c.updated_at = created;
	c.consent_email = c.email && demo_rng_chance(r, dc->source == SRC_EMAIL ? 0.95 : 0.55);
	c.consent_sms = c.phone && demo_rng_chance(r, 0.25);
	c.consent_profiling = demo_rng_chance(r, 0.85);

	strbuf_reset(tags);
	strbuf_addc(tags, '[');
	if (c.consent_email && demo_rng_chance(r, 0.7))
		add_tag(tags, "newsletter");
	if (dc->flags & DEMO_F_VIP)
		add_tag(tags, "vip");
	if (dc->flags & DEMO_F_WHOLESALE)
		add_tag(tags, "wholesale");
	if (city->country == DEMO_CN && dc->source == SRC_SOCIAL && demo_rng_chance(r, 0.6))
		add_tag(tags, "wechat");
	if (id->birth[0] && created / 86400 - id->birth_day < 25 * 365 && demo_rng_chance(r, 0.3))
		add_tag(tags, "student");
	strbuf_addc(tags, ']');
	c.tags = tags->buf;
	/* The language they are written to in: English names in China are
	 * expatriates who read English. */
	snprintf(attrs, sizeof(attrs), "{\"language\":\"%s\"}",
		 id->style == NAME_ZH	    ? "zh-CN"
		 : city->country == DEMO_CN ? "en-GB"
					    : demo_country_language[city->country]);
	c.attributes = attrs;

	if (g->opt->validate && (rc = customer_validate(&c, e)))
		return rc;
	if ((rc = customer_insert(g->st, &c, e)))
		return rc;
	dc->id = c.id;
	return E_OK;
}

status demo_people_write(demo_gen *g, err *e)
{
	int64_t n = g->opt->customers;
	demo_rng signups, again;
	double total = 0, run = 0, *mass = signup_mass(g);
	int day = 0;
	people p;
	status rc = E_OK;

	people_init(&p, n);
	g->cust = xcalloc((size_t)n, sizeof(*g->cust));
	g->heap = xcalloc((size_t)n + 1, sizeof(*g->heap));
	/* Sign-up times in order without sorting: the partial sums of n + 1
	 * exponentials, divided by their total, are n sorted uniforms. The
	 * first pass sums, the second replays the same stream. */
	demo_rng_seed(&signups, g->opt->seed, 3);
	again = signups;
	for (int64_t k = 0; k <= n; k++)
		total += demo_rng_exp(&signups);

	for (int64_t k = 0; k < n && !rc; k++) {
		demo_cust *dc = &g->cust[k];
		bool dup = (int64_t)((k + 1) * DEMO_DUPLICATES) > (int64_t)(k * DEMO_DUPLICATES) &&
			   p.ring_n > 0;
		double target;
		int64_t created, lo, hi, first;
		int country;
		ident id;

		run += demo_rng_exp(&again);
		target = run / total * mass[g->n_days - 1];
		while (day < g->n_days - 1 && mass[day] < target)
			day++;
		lo = (g->start_day + day) * 86400;
		hi = lo + 86400;
		if (lo < g->start)
			lo = g->start;
		if (hi > g->end)
			hi = g->end;
		{
			double below = day ? mass[day - 1] : 0, frac = 0;
			if (mass[day] > below)
				frac = (target - below) / (mass[day] - below);
			created = lo + (int64_t)(frac * (double)(hi - lo - 1));
		}

		if (dup) {
			size_t held = p.ring_n < RING ? p.ring_n : RING;
			const ident *orig = &p.ring[demo_rng_below(&g->people, held)];
			dup_ident(g, &p, orig, &id);
			g->sum->duplicates++;
		} else {
			country = (int)demo_rng_weighted(&g->people, demo_country_weight,
							 DEMO_COUNTRIES);
			new_ident(g, &p, country, created, &id);
		}
		country = demo_cities[id.city].country;
		dc->city = id.city;
		if (id.style == NAME_ZH)
			dc->flags |= DEMO_F_ZH;
		dc->source = (uint8_t)demo_rng_weighted(&g->behaviour, source_weight[country],
							SRC__COUNT);
		draw_behaviour(g, dc, country, dup);
		if ((rc = write_one(g, k, &id, dc, created, e)))
			break;
		if (!dup)
			p.ring[p.ring_n++ % RING] = id;

		/* The first order: at sign-up for most (the account is made at
		 * checkout), weeks later for the rest; never for prospects. */
		if (demo_rng_chance(&g->behaviour, DEMO_PROSPECTS)) {
			g->sum->prospects++;
		} else {
			if (dc->source == SRC_STORE || demo_rng_chance(&g->behaviour, 0.6))
				first = created + demo_rng_range(&g->behaviour, 60, 2700);
			else
				first = created +
					(int64_t)(demo_rng_exp(&g->behaviour) * 20 * 86400);
			if (first < g->end)
				demo_heap_push(g, first, (uint32_t)k);
		}
		g->sum->customers++;
		rc = demo_batch_tick(g, 1, "customers", k + 1, (double)(k + 1) / (double)n, e);
	}
	g->n_cust = (size_t)n;
	free(mass);
	people_release(&p);
	return rc;
}

void demo_guest_email(demo_gen *g, strbuf *sb)
{
	/* Guests are mostly British; their names come from the English tables. */
	demo_rng *r = &g->people;
	const demo_word *first = demo_rng_chance(r, 0.5) ? demo_en_female : demo_en_male;
	size_t nf = first == demo_en_female ? demo_n_en_female : demo_n_en_male;
	char f[48], l[48];

	snprintf(f, sizeof(f), "%s", first[demo_rng_below(r, nf)].name);
	snprintf(l, sizeof(l), "%s", demo_en_family[demo_rng_below(r, demo_n_en_family)].name);
	lower_ascii(f);
	lower_ascii(l);
	strbuf_reset(sb);
	strbuf_addf(
		sb, "%s.%s%d@%s", f, l, (int)demo_rng_range(r, 1, 99),
		demo_mail_domains[DEMO_GB][demo_rng_below(r, demo_n_mail_domains[DEMO_GB])].name);
}
