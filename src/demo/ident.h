/* ident.h: who the demo shop's customers are (internal to src/demo/):
 * names in English or Chinese characters, e-mail, phone, postcode and
 * address that agree with the city, birth dates, and near-duplicates of
 * earlier people. */
#ifndef ECRM_DEMO_IDENT_H
#define ECRM_DEMO_IDENT_H

#include "demo/rng.h"
#include "demo/tables.h"

typedef enum { DEMO_NAME_EN, DEMO_NAME_ZH, DEMO_NAME_PINYIN } demo_name_style;

/* One person as written: kept for a while so a later record can copy it. */
typedef struct {
	char name[96], email[128], phone[24], postcode[16], address[160], birth[12];
	uint16_t city;
	char gender; /* 'f' or 'm' */
	uint8_t style;
	uint16_t family, given; /* indices into the name tables of `style` */
	int64_t birth_day;	/* Unix day of birth when birth[0] */
} demo_ident;

#define DEMO_RING 512 /* near-duplicates copy one of the last DEMO_RING people */

/* Hashes of every e-mail address and phone number handed out, so two
 * different people never share one by chance: only deliberate
 * near-duplicates do. 64-bit hashes, open addressing, load <= 1/2. */
typedef struct {
	uint64_t *slot;
	size_t mask;
} demo_seen_set;

/* The cumulative weight tables of the name, city and domain lists, the
 * recent people near-duplicates copy, and the keys handed out. */
typedef struct {
	uint32_t *en_female, *en_male, *en_family, *zh_family;
	uint16_t *zh_given[2]; /* [0] female, [1] male indices */
	size_t n_zh_given[2];
	uint16_t *cities[DEMO_COUNTRIES];
	uint32_t *city_cum[DEMO_COUNTRIES];
	size_t n_cities[DEMO_COUNTRIES];
	uint32_t *domains[DEMO_COUNTRIES];
	demo_ident *ring;
	size_t ring_n;
	demo_seen_set seen;
} demo_people;

/* Builds the tables for up to `customers` people; release frees them. */
void demo_people_init(demo_people *p, int64_t customers);
void demo_people_release(demo_people *p);
/* A new person in `country` signing up at `signup`, with an e-mail and a
 * phone nobody else has. */
void demo_ident_new(demo_rng *r, demo_people *p, int country, int64_t signup, demo_ident *id);
/* The same person as `orig` signing up again: a typo in the name, and the
 * same phone, e-mail, or postcode, address and birth date. */
void demo_ident_dup(demo_rng *r, demo_people *p, const demo_ident *orig, demo_ident *id);

#endif
