/* webhook_common.c: signatures and customer resolution shared by the
 * webhook mappings (see webhook.h). */
#include "ingest/webhook.h"

#include <sodium.h>
#include <strings.h>
#include <time.h>

static void hmac(const char *secret, const void *body, size_t n,
		 unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, body, n);
	crypto_auth_hmacsha256_final(&st, out);
}

void webhook_sign_hex(const char *secret, const void *body, size_t n, char out[WEBHOOK_HEX_SIZE])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	hmac(secret, body, n, mac);
	sodium_bin2hex(out, WEBHOOK_HEX_SIZE, mac, sizeof(mac));
}

const char *webhook_sign_base64(arena *a, const char *secret, const void *body, size_t n)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	size_t size = sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	char *out = arena_alloc(a, size);

	hmac(secret, body, n, mac);
	sodium_bin2base64(out, size, mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* Compares the MAC of the body with `given` (decoded), in constant time. */
static bool same_mac(const char *secret, const void *body, size_t n, const unsigned char *given,
		     size_t given_len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	if (!secret || !*secret || given_len != sizeof(mac))
		return false;
	hmac(secret, body, n, mac);
	return sodium_memcmp(mac, given, sizeof(mac)) == 0;
}

bool webhook_verify_hex(const char *secret, const void *body, size_t n, const char *header)
{
	unsigned char given[crypto_auth_hmacsha256_BYTES];
	size_t len = 0;

	if (!header || strncasecmp(header, "sha256=", 7) != 0)
		return false;
	header += 7;
	if (strlen(header) != 2 * sizeof(given) ||
	    sodium_hex2bin(given, sizeof(given), header, strlen(header), NULL, &len, NULL) != 0)
		return false;
	return same_mac(secret, body, n, given, len);
}

bool webhook_verify_base64(const char *secret, const void *body, size_t n, const char *header)
{
	unsigned char given[crypto_auth_hmacsha256_BYTES + 4];
	size_t len = 0;

	if (!header || strlen(header) > 64 ||
	    sodium_base642bin(given, sizeof(given), header, strlen(header), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	return same_mac(secret, body, n, given, len);
}

status webhook_customer(store *st, arena *a, customer *c, int64_t *id, bool *created, err *e)
{
	static const customer_key keys[] = {CUSTOMER_BY_EXTERNAL_ID, CUSTOMER_BY_EMAIL,
					    CUSTOMER_BY_PHONE};
	const char *values[] = {c->external_id, c->email, c->phone};
	int64_t found = 0;
	customer stored;
	status rc = E_OK;

	if (created)
		*created = false;
	if ((rc = customer_validate(c, e)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !found && !rc; i++)
		rc = customer_find(st, keys[i], values[i], &found, e);
	if (rc)
		return rc;
	if (!found) {
		if ((rc = customer_insert(st, c, e)))
			return rc;
		*id = c->id;
		if (created)
			*created = true;
		return E_OK;
	}
	if ((rc = customer_load(st, found, a, &stored, e)))
		return rc;
	*id = found;
	if (customer_overlay(&stored, c, OVERLAY_REPLACE, a)) {
		stored.updated_at = (int64_t)time(NULL);
		rc = customer_update(st, &stored, e);
	}
	return rc;
}
