/* privacy.h: a customer's rights over their data: export of everything
 * held about them, and erasure (the right to be forgotten).
 *
 * Erasure rule. The customer's row stays as a tombstone so their orders
 * still count in statistics (revenue, RFM, cohorts): its name becomes
 * "erased customer"; email, phone, shop id, gender, birth date, address,
 * postcode, city, region, tags, custom attributes and consents are removed;
 * country, source and created_at stay (coarse, not identifying). The same
 * happens to every record merged into it (the same person). Their orders
 * keep amounts, dates, lines and channel but lose the guest email and
 * attributes; returns lose their reason; interactions lose subject, body
 * and attributes; merge records lose the profile values they kept for
 * unmerge. Personal fields are written through customer_update, so field
 * encryption added there covers erasure too. It cannot be undone. */
#ifndef ECRM_SERVICE_PRIVACY_H
#define ECRM_SERVICE_PRIVACY_H

#include "core/arena.h"
#include "core/json_out.h"
#include "store/db.h"

#define PRIVACY_ERASED_NAME "erased customer"

/* Erases customer `id` and the records merged into it, inside the caller's
 * transaction. E_NOTFOUND when there is no such customer; E_CONFLICT when it
 * is merged into another (erase that one) or already erased. `*erased`
 * (may be NULL) gets how many customer records were erased. */
status privacy_erase(store *st, int64_t id, int64_t now, arena *a, int64_t *erased,
		     err *e) MUST_CHECK;

/* Everything held about customer `id`: profile, the records merged into
 * it, orders with lines, returns, interactions, merges, scores, and
 * `now` as exported_at: one JSON object written to `w`. E_NOTFOUND when
 * there is no such customer (`w` may then hold part of the object). */
status privacy_export(store *st, int64_t id, int64_t now, arena *a, json_out *w,
		      err *e) MUST_CHECK;

#endif
