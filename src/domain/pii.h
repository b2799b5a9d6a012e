/* pii.h: personal data encrypted at rest. Email, phone, street address and
 * birth date (and a guest order's email) are stored sealed with
 * XChaCha20-Poly1305; exact lookups by email or phone go through a keyed
 * BLAKE2b "blind index" of the normalised value. Both keys derive from one
 * 32-byte master key kept in a key file (mode 0600, created by `ecrm init`)
 * or given in the ECRM_KEY environment variable (64 hex digits).
 * Postcode, city, region and country stay plain: segmentation needs them
 * and they do not identify a person alone. */
#ifndef ECRM_DOMAIN_PII_H
#define ECRM_DOMAIN_PII_H

#include "core/arena.h"
#include "core/config.h"
#include "store/db.h"

typedef struct pii_keys pii_keys;

/* Where the master key lives for `db_uri`: [security] key_file in the
 * config, else DB.key beside a SQLite file, else ./ecrm.key. Static buffer. */
const char *pii_key_path(const config *cfg, const char *db_uri);
/* Creates a new random key file at `path` (mode 0600); E_CONFLICT when one
 * exists. */
status pii_key_create(const char *path, err *e) MUST_CHECK;
/* Loads the master key from $ECRM_KEY or the key file; E_NOTFOUND with
 * advice when there is neither. */
status pii_keys_load(const config *cfg, const char *db_uri, pii_keys **out, err *e) MUST_CHECK;
/* The same from a file, or from 64 hex digits. */
status pii_keys_from_file(const char *path, pii_keys **out, err *e) MUST_CHECK;
status pii_keys_from_hex(const char *hex, pii_keys **out, err *e) MUST_CHECK;
void pii_keys_free(pii_keys *k);

/* Checks that `k` is the key this database was written with (recording it
 * on first use), seals any personal data still in plain text (databases
 * from before encryption), and attaches the keys to the handle. */
status pii_attach(store *st, const pii_keys *k, err *e) MUST_CHECK;

/* "enc1:" + base64(nonce | ciphertext) of `plain` (NULL or "" stay NULL);
 * `field` names the column and is bound into the ciphertext, so a value
 * moved to another column does not open. */
const char *pii_seal(const pii_keys *k, const char *field, const char *plain, arena *a);
/* Opens what pii_seal made; a value without the prefix is returned as it
 * is (plain text from before encryption). E_AUTH when it does not open
 * (wrong key or tampered). */
status pii_open(const pii_keys *k, const char *field, const char *sealed, arena *a,
		const char **plain, err *e) MUST_CHECK;
/* The blind index of a normalised value: 32 hex digits (NULL for NULL). */
const char *pii_blind_index(const pii_keys *k, const char *field, const char *value, arena *a);

/* Re-encrypts every personal field and blind index from `old_keys` to
 * `new_keys` in one transaction (`ecrm rekey`). */
status pii_rekey(store *st, const pii_keys *old_keys, const pii_keys *new_keys,
		 err *e) MUST_CHECK;

#endif
