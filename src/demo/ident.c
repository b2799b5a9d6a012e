/* ident.c: the demo shop's people: names, contact details and places
 * drawn from the tables, kept unique except for deliberate near-duplicates. */
#include "demo/gen.h"
#include "demo/ident.h"
#include "core/datetime.h"
#include "core/xalloc.h"

#include <ctype.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	h ^= h >> 29;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* Adds `s`; false when it was there already. */
static bool seen_add(demo_seen_set *set, const char *s)
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

void demo_people_init(demo_people *p, int64_t customers)
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
	p->ring = xcalloc(DEMO_RING, sizeof(*p->ring));
	/* Two keys (e-mail, phone) per customer at most. */
	while (slots < (size_t)customers * 4)
		slots *= 2;
	p->seen.slot = xcalloc(slots, sizeof(uint64_t));
	p->seen.mask = slots - 1;
}

void demo_people_release(demo_people *p)
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
static void name_parts(const demo_ident *id, char *first, size_t fn, char *last, size_t ln)
{
	if (id->style == DEMO_NAME_EN) {
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

static void make_email(demo_rng *r, const demo_people *p, const demo_ident *id, int country,
		       char *out, size_t n)
{
	char f[48], l[48];
	size_t di = demo_rng_pick_cum(r, p->domains[country], demo_n_mail_domains[country]);
	const char *dom = demo_mail_domains[country][di].name;
	int form = (int)demo_rng_below(r, 100);

	name_parts(id, f, sizeof(f), l, sizeof(l));
	if (strcmp(dom, "qq.com") == 0 && form < 50) {
		/* Half of QQ addresses are the QQ number itself. */
		snprintf(out, n, "%" PRId64 "@%s", demo_rng_range(r, 100000, 3999999999), dom);
	} else if (id->style == DEMO_NAME_EN) {
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
static void unique_email(demo_rng *r, demo_people *p, demo_ident *id)
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

static void write_name(demo_ident *id)
{
	if (id->style == DEMO_NAME_ZH) {
		snprintf(id->name, sizeof(id->name), "%s%s", demo_zh_families[id->family].hanzi,
			 demo_zh_givens[id->given].hanzi);
	} else if (id->style == DEMO_NAME_PINYIN) {
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

/* A new person in `country`, drawn from the demo_people stream. */
void demo_ident_new(demo_rng *r, demo_people *p, int country, int64_t signup, demo_ident *id)
{
	const demo_city *city;
	size_t ci;

	memset(id, 0, sizeof(*id));
	ci = demo_rng_pick_cum(r, p->city_cum[country], p->n_cities[country]);
	id->city = p->cities[country][ci];
	city = &demo_cities[id->city];
	id->gender = demo_rng_chance(r, 0.52) ? 'f' : 'm';
	if (country == DEMO_CN)
		id->style = demo_rng_chance(r, 0.97) ? DEMO_NAME_ZH : DEMO_NAME_EN;
	else
		id->style = demo_rng_chance(r, 0.04) ? DEMO_NAME_PINYIN : DEMO_NAME_EN;
	if (id->style == DEMO_NAME_EN) {
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
static void retype_name(demo_rng *r, demo_ident *id, bool spelling)
{
	if (id->style == DEMO_NAME_ZH) {
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
void demo_ident_dup(demo_rng *r, demo_people *p, const demo_ident *orig, demo_ident *id)
{
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
