/* render.h: the JSON shapes of customers, orders, returns, interactions,
 * products and scores, shared by the REST handlers and the data export.
 *
 * Masking rule: for a caller whose role lacks the personal-data permission
 * (domain/user.h), email and phone are masked ("a***@example.com",
 * "+44*******123": enough to tell records apart, not to make contact) and
 * gender, birth date, address, postcode, custom attributes, order guest
 * emails and interaction subjects and bodies are left out (null). Names,
 * city, region, country and tags are shown. */
#ifndef ECRM_SERVICE_RENDER_H
#define ECRM_SERVICE_RENDER_H

#include "core/arena.h"
#include "core/json_out.h"
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/order_query.h"

/* "a***@example.com" / "+44*******123" in `a`; NULL stays NULL. */
const char *render_mask_email(arena *a, const char *email);
const char *render_mask_phone(arena *a, const char *phone);

/* Each writes one JSON object to `w` as member `key` (NULL inside an
 * array); `pii` says whether personal fields are shown as they are. */
void render_customer(json_out *w, const char *key, const customer *c, bool pii, arena *a);
void render_customer_row(json_out *w, const char *key, const customer_row *r, bool pii, arena *a);
/* An order with its lines (`lines` may be NULL: lines from o->items). */
void render_order(json_out *w, const char *key, const order *o, const order_line *lines,
		  size_t nlines, bool pii, arena *a);
void render_return(json_out *w, const char *key, const return_record *r, bool pii);
void render_interaction(json_out *w, const char *key, const interaction *it, bool pii);
void render_product(json_out *w, const char *key, const product *p);
void render_scores(json_out *w, const char *key, const score_value *v, size_t n);

#endif
