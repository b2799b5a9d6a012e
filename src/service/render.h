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
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/order_query.h"

#include <jansson.h>

/* "a***@example.com" / "+44*******123" in `a`; NULL stays NULL. */
const char *render_mask_email(arena *a, const char *email);
const char *render_mask_phone(arena *a, const char *phone);

/* JSON text stored in a column (tags, attributes) as a value; null for
 * NULL or empty. New reference. */
json_t *render_json_text(const char *text);

/* New references; `pii` says whether personal fields are shown as they are. */
json_t *render_customer(const customer *c, int64_t erased_at, bool pii, arena *a);
json_t *render_customer_row(const customer_row *r, bool pii, arena *a);
/* An order with its lines (`lines` may be NULL: lines from o->items). */
json_t *render_order(const order *o, const order_line *lines, size_t nlines, bool pii, arena *a);
json_t *render_return(const return_record *r, bool pii);
json_t *render_interaction(const interaction *it, bool pii);
json_t *render_product(const product *p);
json_t *render_scores(const score_value *v, size_t n);

#endif
