/* tables.h: the fixed word lists the demo shop is made of: people's names
 * (English, and Chinese in characters with their pinyin), cities with
 * regions, postcodes and phone prefixes, streets, e-mail domains, agents
 * and the texts of interactions. All strings are UTF-8 literals. */
#ifndef ECRM_DEMO_TABLES_H
#define ECRM_DEMO_TABLES_H

#include "core/common.h"

/* The shop's markets. The country column holds the ISO 3166-1 code. */
typedef enum { DEMO_GB, DEMO_CN, DEMO_US, DEMO_COUNTRIES } demo_country;

extern const char *const demo_country_code[DEMO_COUNTRIES];	/* "GB", "CN", "US" */
extern const char *const demo_country_language[DEMO_COUNTRIES]; /* "en-GB" ... */
extern const unsigned demo_country_weight[DEMO_COUNTRIES];	/* share of customers */

typedef struct {
	const char *name;
	unsigned weight; /* how common, relative within its table */
} demo_word;

typedef struct {
	const char *hanzi;  /* 王 */
	const char *pinyin; /* wang: for e-mail addresses */
	unsigned weight;
} demo_zh_family;

typedef struct {
	const char *hanzi;  /* 伟 */
	const char *pinyin; /* wei */
	char gender;	    /* 'f' or 'm' */
	const char *alt;    /* a same-sounding spelling (玮) for near-duplicates, or NULL */
} demo_zh_given;

extern const demo_word demo_en_female[], demo_en_male[], demo_en_family[];
extern const size_t demo_n_en_female, demo_n_en_male, demo_n_en_family;
extern const demo_zh_family demo_zh_families[];
extern const size_t demo_n_zh_families;
extern const demo_zh_given demo_zh_givens[];
extern const size_t demo_n_zh_givens;

/* Postcode shapes. */
typedef enum {
	DEMO_POST_GB, /* outward area + district (prefix list, lo..hi) + inward "9XX" */
	DEMO_POST_CN, /* 6 digits: lo..hi are the first four, then two more */
	DEMO_POST_US  /* 5-digit ZIP in lo..hi */
} demo_post_kind;

typedef struct {
	const char *city;
	const char *region; /* nation (GB), province (CN), state (US) */
	demo_country country;
	unsigned weight;
	demo_post_kind post;
	const char *post_areas; /* GB: space-separated outward areas ("SW SE E N") */
	int post_lo, post_hi;
	const char *phone_areas; /* US: space-separated area codes */
	int tz;			 /* hours from UTC (standard time) */
	int tax_bp;		 /* sales tax in basis points (US), 0 elsewhere */
} demo_city;

extern const demo_city demo_cities[];
extern const size_t demo_n_cities;

/* Street names by country; e-mail domains by country. */
extern const char *const *const demo_streets[DEMO_COUNTRIES];
extern const size_t demo_n_streets[DEMO_COUNTRIES];
extern const demo_word *const demo_mail_domains[DEMO_COUNTRIES];
extern const size_t demo_n_mail_domains[DEMO_COUNTRIES];

/* Support agents: English-speaking and Chinese-speaking. */
extern const char *const demo_agents_en[], *const demo_agents_zh[];
extern const size_t demo_n_agents_en, demo_n_agents_zh;

/* What an interaction text is about. */
typedef enum {
	DEMO_TXT_QUESTION,   /* after an order: where is it, change address ... */
	DEMO_TXT_COMPLAINT,  /* damaged, late, wrong item ... */
	DEMO_TXT_RETURN,     /* asks to send something back */
	DEMO_TXT_CANCEL,     /* asks to cancel */
	DEMO_TXT_REVIEW,     /* praise on social or the web shop */
	DEMO_TXT_BAD_REVIEW, /* a poor review */
	DEMO_TXT_WEB_VISIT,  /* looked at a product page */
	DEMO_TXT_STORE_VISIT,
	DEMO_TXT_THANKS,    /* outbound: thank you for your order */
	DEMO_TXT_FOLLOW_UP, /* outbound: call after a complaint */
	DEMO_TXT_KINDS
} demo_text_kind;

/* Subject and body in English and Chinese. {order}, {product} and {reason}
 * are replaced; a NULL body means none. */
typedef struct {
	demo_text_kind kind;
	const char *subject_en, *body_en;
	const char *subject_zh, *body_zh;
} demo_text;

extern const demo_text demo_texts[];
extern const size_t demo_n_texts;

/* Why things come back: the English reason is stored in returns.reason; the
 * Chinese one is used in Chinese messages. */
typedef struct {
	const char *en, *zh;
} demo_reason;

extern const demo_reason demo_return_reasons[];
extern const size_t demo_n_return_reasons;

#endif
