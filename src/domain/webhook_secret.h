/* webhook_secret.h: the secrets shops sign their webhooks with, kept in the
 * database so that every ecrm server on it agrees and an admin can set or
 * rotate them from the web UI. A secret set here takes precedence over the
 * one in ecrm.conf ([webhooks] secret, shopify_secret); clearing it falls
 * back to the file. Secrets are sealed with the personal-data key
 * (domain/pii.h), bound to their endpoint's name; only their last four
 * characters are ever shown again. */
#ifndef ECRM_DOMAIN_WEBHOOK_SECRET_H
#define ECRM_DOMAIN_WEBHOOK_SECRET_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

struct pii_keys;

/* The endpoints that take a secret: "orders" (our X-Ecrm-Signature) and
 * "shopify" (X-Shopify-Hmac-Sha256). */
#define WEBHOOK_SECRET_ORDERS  "orders"
#define WEBHOOK_SECRET_SHOPIFY "shopify"

#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 255
/* What webhook_secret_generate writes: 64 hex digits (32 random bytes). */
#define WEBHOOK_SECRET_GEN_SIZE 65

/* What is known about a stored secret, never the secret. */
typedef struct {
	char last4[5];
	const char *updated_by; /* audit actor, in the arena */
	int64_t updated_at;
} webhook_secret_info;

/* Whether `name` is one of the endpoints above. */
bool webhook_secret_known(const char *name);
/* E_INVAL ("secret: ...") unless `secret` is WEBHOOK_SECRET_MIN to
 * WEBHOOK_SECRET_MAX printable ASCII characters without spaces. */
status webhook_secret_check(const char *secret, err *e) MUST_CHECK;
/* A fresh random secret from libsodium's generator. */
void webhook_secret_generate(char out[WEBHOOK_SECRET_GEN_SIZE]);
/* The last four characters of `secret` into `out` (fewer when shorter). */
void webhook_secret_last4(const char *secret, char out[5]);

/* The secret stored for endpoint `name`, opened, in the arena; *secret is
 * NULL when none is stored. E_AUTH when it does not open with the store's
 * key; E_INTERNAL when no key is attached (pii_attach). */
status webhook_secret_get(store *st, arena *a, const char *name, const char **secret,
			  err *e) MUST_CHECK;
/* What is known about the stored secret of `name`; *found false when none. */
status webhook_secret_describe(store *st, arena *a, const char *name, webhook_secret_info *out,
			       bool *found, err *e) MUST_CHECK;
/* Sets or replaces the secret of `name` (checked, then sealed); `actor` is
 * who did it ("user:3"). E_NOTFOUND for an unknown endpoint. */
status webhook_secret_set(store *st, const char *name, const char *secret, const char *actor,
			  int64_t now, err *e) MUST_CHECK;
/* Removes the stored secret of `name`; E_NOTFOUND when none is stored. */
status webhook_secret_clear(store *st, const char *name, err *e) MUST_CHECK;
/* Re-seals every stored secret from `from` to `to`, inside the caller's
 * transaction (pii_rekey). */
status webhook_secret_reseal(store *st, const struct pii_keys *from, const struct pii_keys *to,
			     err *e) MUST_CHECK;

#endif
