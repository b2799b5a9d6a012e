/* pii.c: sealing personal fields, blind indexes, keys, key rotation. */
#include "domain/pii.h"
#include "domain/domain.h"
#include "domain/webhook_secret.h"
#include "core/xalloc.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "enc1:"
#define PREFIX_LEN 5

struct pii_keys {
	unsigned char seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char index[crypto_generichash_KEYBYTES];
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static bool sodium_ok;

static void init_sodium(void)
{
	sodium_ok = sodium_init() >= 0;
}

static status ready(err *e)
{
	pthread_once(&sodium_once, init_sodium);
	return sodium_ok ? E_OK : err_set(e, E_INTERNAL, "libsodium failed to start");
}

const char *pii_key_path(const config *cfg, const char *db_uri)
{
	static char buf[1024];
	const char *set = config_str(cfg, "security", "key_file", NULL);

	if (set)
		return set;
	if (strncmp(db_uri, "postgres", 8) == 0 || strcmp(db_uri, ":memory:") == 0)
		return "ecrm.key";
	if (strncmp(db_uri, "sqlite:", 7) == 0)
		db_uri += 7;
	snprintf(buf, sizeof(buf), "%s.key", db_uri);
	return buf;
}

static status keys_from_master(const unsigned char master[crypto_kdf_KEYBYTES], pii_keys **out,
			       err *e)
{
	/* Separate subkeys: one for sealing, one for blind indexes. */
	pii_keys *k = xmalloc(sizeof(*k));

	if (crypto_kdf_derive_from_key(k->seal, sizeof(k->seal), 1, "ecrm-pii", master) != 0 ||
	    crypto_kdf_derive_from_key(k->index, sizeof(k->index), 2, "ecrm-pii", master) != 0) {
		pii_keys_free(k);
		return err_set(e, E_INTERNAL, "key derivation failed");
	}
	*out = k;
	return E_OK;
}

status pii_keys_from_hex(const char *hex, pii_keys **out, err *e)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	size_t n = 0;
	status rc;

	*out = NULL;
	if ((rc = ready(e)))
		return rc;
	if (sodium_hex2bin(master, sizeof(master), hex, strlen(hex), " \n\r\t", &n, NULL) != 0 ||
	    n != sizeof(master))
		return err_set(e, E_INVAL, "the key must be %zu bytes as %zu hex digits",
			       sizeof(master), 2 * sizeof(master));
	rc = keys_from_master(master, out, e);
	sodium_memzero(master, sizeof(master));
	return rc;
}

status pii_keys_from_file(const char *path, pii_keys **out, err *e)
{
	char buf[256];
	struct stat sb;
	ssize_t n;
	int fd;
	status rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, errno == ENOENT ? E_NOTFOUND : E_IO,
			       "cannot read the key file %s: %s (run `ecrm init` to create one, or "
			       "set ECRM_KEY)",
			       path, strerror(errno));
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077)) {
		close(fd);
		return err_set(e, E_FORBIDDEN,
			       "the key file %s can be read by others: chmod 600 %s", path, path);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return err_set(e, E_IO, "cannot read the key file %s: %s", path, strerror(errno));
	buf[n] = '\0';
	rc = pii_keys_from_hex(buf, out, e);
	sodium_memzero(buf, sizeof(buf));
	if (rc)
		err_prefix(e, "%s", path);
	return rc;
}

status pii_keys_load(const config *cfg, const char *db_uri, pii_keys **out, err *e)
{
	const char *env = getenv("ECRM_KEY");

	if (env && *env) {
		status rc = pii_keys_from_hex(env, out, e);
		if (rc)
			err_prefix(e, "ECRM_KEY");
		return rc;
	}
	return pii_keys_from_file(pii_key_path(cfg, db_uri), out, e);
}

status pii_key_create(const char *path, err *e)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	char hex[2 * sizeof(master) + 2];
	status rc;
	int fd;

	if ((rc = ready(e)))
		return rc;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return err_set(e, errno == EEXIST ? E_CONFLICT : E_IO, "cannot create the key file %s: %s",
			       path, strerror(errno));
	crypto_kdf_keygen(master);
	sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
	hex[2 * sizeof(master)] = '\n';
	if (write(fd, hex, sizeof(hex) - 1) != (ssize_t)sizeof(hex) - 1 || fsync(fd) != 0)
		rc = err_set(e, E_IO, "cannot write the key file %s: %s", path, strerror(errno));
	close(fd);
	sodium_memzero(master, sizeof(master));
	sodium_memzero(hex, sizeof(hex));
	if (rc)
		unlink(path);
	return rc;
}

void pii_keys_free(pii_keys *k)
{
	if (!k)
		return;
	sodium_memzero(k, sizeof(*k));
	free(k);
}

const char *pii_seal(const pii_keys *k, const char *field, const char *plain, arena *a)
{
	size_t n, clen, b64len;
	unsigned char *buf;
	char *out;

	if (!plain || !*plain)
		return NULL;
	n = strlen(plain);
	clen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n +
	       crypto_aead_xchacha20poly1305_ietf_ABYTES;
	buf = arena_alloc(a, clen);
	randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, (const unsigned char *)plain,
		n, (const unsigned char *)field, strlen(field), NULL, buf, k->seal);
	b64len = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(a, PREFIX_LEN + b64len);
	memcpy(out, PREFIX, PREFIX_LEN);
	sodium_bin2base64(out + PREFIX_LEN, b64len, buf, clen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* URL-safe base64 digit values; -1 for other bytes. */
static signed char b64_value[256];
static pthread_once_t b64_once = PTHREAD_ONCE_INIT;

static void b64_fill(void)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	memset(b64_value, -1, sizeof(b64_value));
	for (int i = 0; i < 64; i++)
		b64_value[(unsigned char)alphabet[i]] = (signed char)i;
}

/* Decodes URL-safe base64 without padding (what pii_seal writes) into
 * `out` (room for 3/4 of `n`); -1 on a byte outside the alphabet, a length
 * no encoder makes or stray low bits. sodium_base642bin's general decoder
 * cost more than the decryption itself on every listed row. */
static long decode_b64url(const char *in, size_t n, unsigned char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	long len = 0;

	if (n % 4 == 1)
		return -1;
	pthread_once(&b64_once, b64_fill);
	for (size_t i = 0; i < n; i++) {
		int v = b64_value[(unsigned char)in[i]];
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return -1;
	return len;
}

status pii_open(const pii_keys *k, const char *field, const char *sealed, arena *a,
		const char **plain, err *e)
{
	const size_t over = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
			    crypto_aead_xchacha20poly1305_ietf_ABYTES;
	size_t n, blen;
	long dlen;
	unsigned char *buf;
	char *out;
	unsigned long long plen;

	*plain = sealed;
	if (!sealed || strncmp(sealed, PREFIX, PREFIX_LEN) != 0)
		return E_OK;
	n = strlen(sealed + PREFIX_LEN);
	buf = arena_alloc(a, n);
	if ((dlen = decode_b64url(sealed + PREFIX_LEN, n, buf)) < (long)over)
		return err_set(e, E_AUTH, "%s: not a sealed value", field);
	blen = (size_t)dlen;
	out = arena_alloc(a, blen - over + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &plen, NULL, buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)field,
		    strlen(field), buf, k->seal) != 0)
		return err_set(e, E_AUTH, "%s: does not open with this key (wrong key or altered)",
			       field);
	out[plen] = '\0';
	*plain = out;
	return E_OK;
}

const char *pii_blind_index(const pii_keys *k, const char *field, const char *value, arena *a)
{
	unsigned char h[16];
	crypto_generichash_state st;
	char *hex;

	if (!value || !*value)
		return NULL;
	/* The field name goes in first so equal values of different kinds
	 * (an email and a phone) index differently. */
	crypto_generichash_init(&st, k->index, sizeof(k->index), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)field, strlen(field) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, h, sizeof(h));
	hex = arena_alloc(a, 2 * sizeof(h) + 1);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

/* ---- sealing whole tables ---- */

/* The customers' sealed columns, in the order the SQL below uses: the
 * first two also have a blind index. */
static const char *const customer_fields[] = { "email", "phone", "address", "birth_date" };
static const char *const guest_fields[] = { "guest_email" };

/* The sealed columns of one table. `pick` ($1 the last id done, $2
 * only_plain) gives id and the fields of up to 500 rows in id order; `put`
 * takes $1 the id, $2... the sealed fields, then the blind indexes of the
 * first `nindexed` fields. */
typedef struct {
	const char *pick, *put;
	const char *const *fields;
	int nfields, nindexed;
} reseal_pass;

static const reseal_pass reseal_passes[] = {
	{ "SELECT id, email, phone, address, birth_date FROM customers WHERE id > $1 AND "
	  "($2 = 0 OR (email NOT LIKE 'enc1:%') OR (phone NOT LIKE 'enc1:%') OR "
	  "(address NOT LIKE 'enc1:%') OR (birth_date NOT LIKE 'enc1:%')) ORDER BY id LIMIT 500",
	  "UPDATE customers SET email = $2, phone = $3, address = $4, birth_date = $5, "
	  "email_bidx = $6, phone_bidx = $7 WHERE id = $1",
	  customer_fields, (int)ARRAY_SIZE(customer_fields), 2 },
	{ "SELECT id, guest_email FROM orders WHERE id > $1 AND guest_email IS NOT NULL AND "
	  "($2 = 0 OR guest_email NOT LIKE 'enc1:%') ORDER BY id LIMIT 500",
	  "UPDATE orders SET guest_email = $2 WHERE id = $1", guest_fields,
	  (int)ARRAY_SIZE(guest_fields), 0 },
};

/* Reseals the columns of pass `p` from `from` to `to`, in batches by id
 * (no statement stays open while rows are updated, which PostgreSQL
 * needs); `a` holds one batch at a time. With only_plain, rows whose fields
 * are all sealed are skipped. */
static status reseal_table(store *st, const reseal_pass *p, const pii_keys *from,
			   const pii_keys *to, bool only_plain, arena *a, err *e)
{
	/* The customers have the most fields of any pass. */
	struct {
		int64_t id;
		const char *v[ARRAY_SIZE(customer_fields)];
	} rows[500];
	int64_t last = 0;
	size_t n;
	status rc;
	stmt *s;

	do {
		n = 0;
		arena_clear(a);
		if ((rc = store_prepare(st, p->pick, &s, e)))
			break;
		stmt_bind_int64(s, 1, last);
		stmt_bind_int64(s, 2, only_plain);
		while (stmt_row(s, e)) {
			rows[n].id = last = stmt_int64(s, 0);
			for (int f = 0; f < p->nfields; f++)
				rows[n].v[f] = domain_col_str(s, f + 1, a);
			n++;
		}
		rc = e->code;
		stmt_done(s);
		for (size_t i = 0; i < n && !rc; i++) {
			const char *plain[ARRAY_SIZE(customer_fields)];
			for (int f = 0; f < p->nfields && !rc; f++)
				rc = pii_open(from, p->fields[f], rows[i].v[f], a, &plain[f], e);
			if (rc || (rc = store_prepare(st, p->put, &s, e)))
				break;
			stmt_bind_int64(s, 1, rows[i].id);
			for (int f = 0; f < p->nfields; f++)
				stmt_bind_text(s, 2 + f, pii_seal(to, p->fields[f], plain[f], a));
			for (int f = 0; f < p->nindexed; f++)
				stmt_bind_text(s, 2 + p->nfields + f,
					       pii_blind_index(to, p->fields[f], plain[f], a));
			rc = stmt_exec(s, e);
			stmt_done(s);
		}
	} while (!rc && n == ARRAY_SIZE(rows));
	return rc;
}

/* Reseals every customer's personal fields and every guest email from
 * `from` to `to`. */
static status reseal(store *st, const pii_keys *from, const pii_keys *to, bool only_plain, err *e)
{
	status rc = E_OK;
	arena a;

	arena_init(&a, 0);
	for (size_t i = 0; i < ARRAY_SIZE(reseal_passes) && !rc; i++)
		rc = reseal_table(st, &reseal_passes[i], from, to, only_plain, &a, e);
	arena_release(&a);
	return rc;
}

static const char *key_check(const pii_keys *k, arena *a)
{
	return pii_blind_index(k, "key-check", "ecrm", a);
}

status pii_attach(store *st, const pii_keys *k, err *e)
{
	static const char *const get = "SELECT key_check, sealed FROM pii_state WHERE id = 1";
	static const char *const first =
		"INSERT INTO pii_state (id, key_check, sealed) VALUES (1, $1, 0)";
	static const char *const done = "UPDATE pii_state SET sealed = 1 WHERE id = 1";
	char stored[64] = "";
	bool found = false, sealed = false;
	arena a;
	status rc;
	stmt *s;

	arena_init(&a, 256);
	const char *check = key_check(k, &a);
	if ((rc = store_begin(st, e)))
		goto out;
	if ((rc = store_prepare(st, get, &s, e)))
		goto end;
	if (stmt_row(s, e)) {
		found = true;
		snprintf(stored, sizeof(stored), "%s", stmt_text(s, 0));
		sealed = stmt_int64(s, 1) != 0;
	}
	rc = e->code;
	stmt_done(s);
	if (rc)
		goto end;
	if (found && strcmp(stored, check) != 0) {
		rc = err_set(e, E_AUTH, "this key is not the one the database was written with: use "
					"the key file created with it (or the ECRM_KEY it used)");
		goto end;
	}
	if (!found) {
		if ((rc = store_prepare(st, first, &s, e)))
			goto end;
		stmt_bind_text(s, 1, check);
		rc = stmt_exec(s, e);
		stmt_done(s);
		if (rc)
			goto end;
	}
	if (!sealed) {
		/* A database from before encryption: seal what is plain, once. */
		if ((rc = reseal(st, k, k, true, e)) || (rc = store_prepare(st, done, &s, e)))
			goto end;
		rc = stmt_exec(s, e);
		stmt_done(s);
	}
end:
	if ((rc = store_end(st, rc, e)) == E_OK)
		store_set_keys(st, k);
out:
	arena_release(&a);
	return rc;
}

status pii_rekey(store *st, const pii_keys *old_keys, const pii_keys *new_keys, err *e)
{
	static const char *const put = "UPDATE pii_state SET key_check = $1 WHERE id = 1";
	arena a;
	status rc;
	stmt *s;

	arena_init(&a, 256);
	if ((rc = store_begin(st, e)))
		goto out;
	if ((rc = reseal(st, old_keys, new_keys, false, e)) ||
	    (rc = webhook_secret_reseal(st, old_keys, new_keys, e)) ||
	    (rc = store_prepare(st, put, &s, e)))
		goto end;
	stmt_bind_text(s, 1, key_check(new_keys, &a));
	rc = stmt_exec(s, e);
	stmt_done(s);
end:
	if ((rc = store_end(st, rc, e)) == E_OK)
		store_set_keys(st, new_keys);
out:
	arena_release(&a);
	return rc;
}
