/* customer.h: a shop's customer: profile, consent, tags, custom attributes.
 * A merged customer keeps its row with merged_into set (never deleted). */
#ifndef ECRM_DOMAIN_CUSTOMER_H
#define ECRM_DOMAIN_CUSTOMER_H

#include "domain/domain.h"

typedef struct {
	int64_t id; /* 0 until inserted */
	const char *external_id;
	const char *name;
	const char *email; /* normalised: trimmed, lower-case */
	const char *phone; /* E.164 */
	const char *gender;
	const char *birth_date; /* YYYY-MM-DD */
	const char *address;
	const char *postcode;
	const char *city;
	const char *region;
	const char *country;
	const char *source;     /* channel or import format it first came from */
	const char *tags;       /* JSON array of strings */
	const char *attributes; /* JSON object of custom fields */
	int64_t created_at;
	int64_t updated_at;
	int consent_email; /* 1 yes, 0 no, -1 not said (keeps the stored value) */
	int consent_sms;
	int consent_profiling;
	int64_t merged_into; /* 0 when live */
	int64_t erased_at;   /* 0 unless erased; read by customer_load, never written */
} customer;

/* A customer with nothing set: consents "not said". */
void customer_init(customer *c);

/* Checks lengths, email shape, phone shape, date shape, JSON shapes; the
 * message names the field. */
status customer_validate(const customer *c, err *e) MUST_CHECK;

/* Inserts `c` (created_at/updated_at default to now); sets c->id. */
status customer_insert(store *st, customer *c, err *e) MUST_CHECK;
/* Writes every field of `c` (by id). */
status customer_update(store *st, const customer *c, err *e) MUST_CHECK;
/* The writable columns of `customers`, in the order the insert and update
 * bind them. */
#define CUSTOMER_FIELDS                                                                        \
	"external_id, name, email, phone, gender, birth_date, address, postcode, city, "      \
	"region, country, source, tags, attributes, created_at, updated_at, consent_email, " \
	"consent_sms, consent_profiling, email_bidx, phone_bidx"
/* The select list customer_from_row reads (24 columns of `customers`,
 * unqualified), for queries that join more tables to a customer. */
#define CUSTOMER_ROW_COLUMNS CUSTOMER_FIELDS ", merged_into, id, COALESCE(erased_at, 0)"
/* Reads a customer from the current row of `s`, CUSTOMER_ROW_COLUMNS
 * starting at column `col`, opening the sealed fields with the store's
 * keys; strings are copied into `a`. */
status customer_from_row(store *st, stmt *s, int col, arena *a, customer *out, err *e) MUST_CHECK;
/* Loads customer `id` (merged or not); strings are copied into `a`. */
status customer_load(store *st, int64_t id, arena *a, customer *out, err *e) MUST_CHECK;

typedef enum { CUSTOMER_BY_EXTERNAL_ID, CUSTOMER_BY_EMAIL, CUSTOMER_BY_PHONE } customer_key;
/* Finds the live customer with this key, following merges: a key of a
 * merged-away customer finds the customer it was merged into. *id = 0 when
 * there is none (not an error). */
status customer_find(store *st, customer_key key, const char *value, int64_t *id,
		     err *e) MUST_CHECK;

typedef enum {
	OVERLAY_REPLACE, /* what `in` says replaces what `c` has */
	OVERLAY_FILL     /* `in` only fills what `c` leaves empty */
} overlay_mode;

/* Overlays what `in` says onto `c`: set strings (and consents other than -1)
 * replace or fill per `mode`, tags are unioned, attributes merged key by key
 * (existing keys kept in OVERLAY_FILL). Allocates from `a`. Returns true
 * when anything changed. */
bool customer_overlay(customer *c, const customer *in, overlay_mode mode, arena *a);

#endif
