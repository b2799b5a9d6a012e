/* customer.c: customer persistence, validation and profile overlay. */
#include "domain/customer.h"
#include "domain/pii.h"

#include <jansson.h>
#include <time.h>

void customer_init(customer *c)
{
	memset(c, 0, sizeof(*c));
	c->consent_email = c->consent_sms = c->consent_profiling = -1;
}

static bool too_long(const char *s, size_t max)
{
	return s && strlen(s) > max;
}

status customer_validate(const customer *c, err *e)
{
	static const struct {
		size_t off;
		const char *field;
		size_t max;
	} limits[] = {
		{ offsetof(customer, external_id), "external_id", 200 },
		{ offsetof(customer, name), "name", 300 },
		{ offsetof(customer, email), "email", 254 },
		{ offsetof(customer, phone), "phone", 16 },
		{ offsetof(customer, gender), "gender", 32 },
		{ offsetof(customer, address), "address", 1000 },
		{ offsetof(customer, postcode), "postcode", 32 },
		{ offsetof(customer, city), "city", 200 },
		{ offsetof(customer, region), "region", 200 },
		{ offsetof(customer, country), "country", 100 },
		{ offsetof(customer, source), "source", 64 },
	};
	const char *at;

	for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
		const char *v = *(const char *const *)((const char *)c + limits[i].off);
		if (too_long(v, limits[i].max))
			return err_set(e, E_INVAL, "%s: longer than %zu bytes", limits[i].field,
				       limits[i].max);
	}
	if (c->email && *c->email) {
		at = strchr(c->email, '@');
		if (!at || at == c->email || !strchr(at, '.') || strchr(c->email, ' '))
			return err_set(e, E_INVAL, "email: '%s' is not an email address", c->email);
	}
	if (c->phone && *c->phone) {
		size_t n = strlen(c->phone);
		if (c->phone[0] != '+' || n < 8 || strspn(c->phone + 1, "0123456789") != n - 1)
			return err_set(e, E_INVAL, "phone: '%s' is not an E.164 number", c->phone);
	}
	if (c->birth_date && *c->birth_date) {
		const char *d = c->birth_date;
		if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
		    strspn(d, "0123456789-") != 10)
			return err_set(e, E_INVAL, "birth_date: '%s' is not YYYY-MM-DD", d);
	}
	if (c->tags) {
		json_t *j = json_loads(c->tags, 0, NULL);
		bool ok = json_is_array(j);
		json_decref(j);
		if (!ok)
			return err_set(e, E_INVAL, "tags: not a JSON array");
	}
	if (c->attributes) {
		json_t *j = json_loads(c->attributes, 0, NULL);
		bool ok = json_is_object(j);
		json_decref(j);
		if (!ok)
			return err_set(e, E_INVAL, "attributes: not a JSON object");
	}
	return E_OK;
}

static int consent_or(int v, int def)
{
	return v < 0 ? def : v;
}

static status need_keys(store *st, const pii_keys **k, err *e)
{
	*k = store_keys(st);
	return *k ? E_OK
		  : err_set(e, E_INTERNAL, "no personal-data key attached to the store (pii_attach)");
}

/* Binds the fields in CUSTOMER_FIELDS order to $1..$21, sealing the
 * personal ones (sealed values and blind indexes come from `a`). */
static void bind_fields(stmt *s, const customer *c, const pii_keys *k, arena *a)
{
	stmt_bind_text(s, 1, c->external_id && *c->external_id ? c->external_id : NULL);
	stmt_bind_text(s, 2, c->name ? c->name : "");
	stmt_bind_text(s, 3, pii_seal(k, "email", c->email, a));
	stmt_bind_text(s, 4, pii_seal(k, "phone", c->phone, a));
	stmt_bind_text(s, 5, c->gender);
	stmt_bind_text(s, 6, pii_seal(k, "birth_date", c->birth_date, a));
	stmt_bind_text(s, 7, pii_seal(k, "address", c->address, a));
	stmt_bind_text(s, 8, c->postcode);
	stmt_bind_text(s, 9, c->city);
	stmt_bind_text(s, 10, c->region);
	stmt_bind_text(s, 11, c->country);
	stmt_bind_text(s, 12, c->source ? c->source : "import");
	stmt_bind_text(s, 13, c->tags ? c->tags : "[]");
	stmt_bind_text(s, 14, c->attributes ? c->attributes : "{}");
	stmt_bind_int64(s, 15, c->created_at);
	stmt_bind_int64(s, 16, c->updated_at);
	stmt_bind_int64(s, 17, consent_or(c->consent_email, 0));
	stmt_bind_int64(s, 18, consent_or(c->consent_sms, 0));
	stmt_bind_int64(s, 19, consent_or(c->consent_profiling, 1));
	stmt_bind_text(s, 20, pii_blind_index(k, "email", c->email, a));
	stmt_bind_text(s, 21, pii_blind_index(k, "phone", c->phone, a));
}

status customer_insert(store *st, customer *c, err *e)
{
	static const char *const sql =
		"INSERT INTO customers (" CUSTOMER_FIELDS ") VALUES ($1, $2, $3, $4, $5, $6, $7, "
		"$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id";
	int64_t now = (int64_t)time(NULL);
	const pii_keys *k;
	status rc;
	arena a;
	stmt *s;

	if ((rc = need_keys(st, &k, e)))
		return rc;
	if (!c->created_at)
		c->created_at = now;
	if (!c->updated_at)
		c->updated_at = c->created_at;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	arena_init(&a, 1024);
	bind_fields(s, c, k, &a);
	if (stmt_row(s, e))
		c->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	arena_release(&a);
	if (rc == E_CONFLICT)
		err_set(e, rc, "external_id: a customer with id '%s' exists", c->external_id);
	return rc;
}

status customer_update(store *st, const customer *c, err *e)
{
	static const char *const sql =
		"UPDATE customers SET (" CUSTOMER_FIELDS ") = ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
		"$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) WHERE id = $22";
	const pii_keys *k;
	status rc;
	arena a;
	stmt *s;

	if ((rc = need_keys(st, &k, e)) || (rc = store_prepare(st, sql, &s, e)))
		return rc;
	arena_init(&a, 1024);
	bind_fields(s, c, k, &a);
	stmt_bind_int64(s, 22, c->id);
	rc = stmt_exec(s, e);
	stmt_done(s);
	arena_release(&a);
	if (rc == E_OK && store_changes(st) == 0)
		rc = err_set(e, E_NOTFOUND, "no customer %" PRId64, c->id);
	return rc;
}

status customer_from_row(store *st, stmt *s, int col, arena *a, customer *out, err *e)
{
	static const struct {
		size_t off;
		const char *field;
	} sealed[] = {
		{ offsetof(customer, email), "email" },
		{ offsetof(customer, phone), "phone" },
		{ offsetof(customer, birth_date), "birth_date" },
		{ offsetof(customer, address), "address" },
	};
	const pii_keys *k;
	const char **str[] = { &out->external_id, &out->name, &out->email, &out->phone,
			       &out->gender, &out->birth_date, &out->address, &out->postcode,
			       &out->city, &out->region, &out->country, &out->source,
			       &out->tags, &out->attributes };
	status rc;

	customer_init(out);
	if ((rc = need_keys(st, &k, e)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(str); i++)
		*str[i] = domain_col_str(s, col + (int)i, a);
	out->created_at = stmt_int64(s, col + 14);
	out->updated_at = stmt_int64(s, col + 15);
	out->consent_email = (int)stmt_int64(s, col + 16);
	out->consent_sms = (int)stmt_int64(s, col + 17);
	out->consent_profiling = (int)stmt_int64(s, col + 18);
	/* col + 19 and 20 are the blind indexes: nothing to read. */
	out->merged_into = stmt_int64(s, col + 21);
	out->id = stmt_int64(s, col + 22);
	out->erased_at = stmt_int64(s, col + 23);
	for (size_t i = 0; i < ARRAY_SIZE(sealed) && !rc; i++) {
		const char **v = (const char **)((char *)out + sealed[i].off);
		rc = pii_open(k, sealed[i].field, *v, a, v, e);
	}
	return rc;
}

status customer_load(store *st, int64_t id, arena *a, customer *out, err *e)
{
	static const char *const sql =
		"SELECT " CUSTOMER_ROW_COLUMNS " FROM customers WHERE id = $1";
	status rc;
	stmt *s;

	customer_init(out);
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		rc = customer_from_row(st, s, 0, a, out, e);
	else
		rc = e->code ? e->code : err_set(e, E_NOTFOUND, "no customer %" PRId64, id);
	stmt_done(s);
	return rc;
}

status customer_find(store *st, customer_key key, const char *value, int64_t *id, err *e)
{
	/* Oldest live match first, so a key shared by several customers always
	 * resolves the same way. */
	static const char *const sql[] = {
		[CUSTOMER_BY_EXTERNAL_ID] =
			"SELECT COALESCE(merged_into, id) FROM customers WHERE external_id = $1",
		[CUSTOMER_BY_EMAIL] = "SELECT COALESCE(merged_into, id) FROM customers "
				      "WHERE email_bidx = $1 ORDER BY merged_into IS NOT NULL, id LIMIT 1",
		[CUSTOMER_BY_PHONE] = "SELECT COALESCE(merged_into, id) FROM customers "
				      "WHERE phone_bidx = $1 ORDER BY merged_into IS NOT NULL, id LIMIT 1",
	};
	static const char *const index_field[] = {
		[CUSTOMER_BY_EMAIL] = "email",
		[CUSTOMER_BY_PHONE] = "phone",
	};
	const pii_keys *k;
	int64_t found = 0;
	char bidx[40];
	status rc;
	stmt *s;

	*id = 0;
	if (!value || !*value)
		return E_OK;
	if (key != CUSTOMER_BY_EXTERNAL_ID) {
		arena a;
		if ((rc = need_keys(st, &k, e)))
			return rc;
		arena_init(&a, 128);
		snprintf(bidx, sizeof(bidx), "%s", pii_blind_index(k, index_field[key], value, &a));
		arena_release(&a);
		value = bidx;
	}
	if ((rc = store_prepare(st, sql[key], &s, e)))
		return rc;
	stmt_bind_text(s, 1, value);
	if (stmt_row(s, e))
		found = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	/* A merge target may itself have been merged later: follow the chain. */
	for (int hops = 0; rc == E_OK && found && hops < 16; hops++) {
		int64_t next = 0;
		rc = store_query_int64(st, "SELECT COALESCE(merged_into, 0) FROM customers WHERE id = $1",
				       &next, e, 1, found);
		if (rc || !next)
			break;
		found = next;
	}
	if (rc == E_OK)
		*id = found;
	return rc;
}

static bool overlay_str(const char **dst, const char *src, overlay_mode mode, arena *a)
{
	if (!src || !*src || domain_str_eq(*dst, src))
		return false;
	if (mode == OVERLAY_FILL && *dst && **dst)
		return false;
	*dst = arena_strdup(a, src);
	return true;
}

static bool overlay_int(int *dst, int src, overlay_mode mode)
{
	if (src < 0 || *dst == src || (mode == OVERLAY_FILL && *dst >= 0))
		return false;
	*dst = src;
	return true;
}

/* Unions two JSON arrays of strings (order kept, duplicates dropped). */
static bool overlay_tags(const char **dst, const char *src, arena *a)
{
	json_t *have = *dst ? json_loads(*dst, 0, NULL) : json_array();
	json_t *add = src ? json_loads(src, 0, NULL) : NULL;
	bool changed = false;
	size_t i, j;
	json_t *t, *h;

	if (!json_is_array(have)) {
		json_decref(have);
		have = json_array();
	}
	json_array_foreach(add, i, t)
	{
		bool dup = false;
		json_array_foreach(have, j, h) dup = dup || json_equal(h, t);
		if (!dup) {
			json_array_append(have, t);
			changed = true;
		}
	}
	if (changed) {
		char *s = json_dumps(have, JSON_COMPACT);
		*dst = arena_strdup(a, s);
		free(s);
	}
	json_decref(have);
	json_decref(add);
	return changed;
}

/* Merges JSON object `src` into `*dst` key by key. */
static bool overlay_attributes(const char **dst, const char *src, overlay_mode mode, arena *a)
{
	json_t *have = *dst ? json_loads(*dst, 0, NULL) : json_object();
	json_t *add = src ? json_loads(src, 0, NULL) : NULL;
	bool changed = false;
	const char *k;
	json_t *v;

	if (!json_is_object(have)) {
		json_decref(have);
		have = json_object();
	}
	json_object_foreach(add, k, v)
	{
		json_t *old = json_object_get(have, k);
		if (!old || (mode == OVERLAY_REPLACE && !json_equal(old, v))) {
			json_object_set(have, k, v);
			changed = true;
		}
	}
	if (changed) {
		char *s = json_dumps(have, JSON_COMPACT | JSON_SORT_KEYS);
		*dst = arena_strdup(a, s);
		free(s);
	}
	json_decref(have);
	json_decref(add);
	return changed;
}

bool customer_overlay(customer *c, const customer *in, overlay_mode mode, arena *a)
{
	bool changed = false;

	/* A customer known under one shop id keeps it: a second source's id
	 * would make the first source's next import look like a stranger. */
	if (!c->external_id || !*c->external_id)
		changed |= overlay_str(&c->external_id, in->external_id, mode, a);
	changed |= overlay_str(&c->name, in->name, mode, a);
	changed |= overlay_str(&c->email, in->email, mode, a);
	changed |= overlay_str(&c->phone, in->phone, mode, a);
	changed |= overlay_str(&c->gender, in->gender, mode, a);
	changed |= overlay_str(&c->birth_date, in->birth_date, mode, a);
	changed |= overlay_str(&c->address, in->address, mode, a);
	changed |= overlay_str(&c->postcode, in->postcode, mode, a);
	changed |= overlay_str(&c->city, in->city, mode, a);
	changed |= overlay_str(&c->region, in->region, mode, a);
	changed |= overlay_str(&c->country, in->country, mode, a);
	changed |= overlay_int(&c->consent_email, in->consent_email, mode);
	changed |= overlay_int(&c->consent_sms, in->consent_sms, mode);
	changed |= overlay_int(&c->consent_profiling, in->consent_profiling, mode);
	changed |= overlay_tags(&c->tags, in->tags, a);
	changed |= overlay_attributes(&c->attributes, in->attributes, mode, a);
	/* An earlier first-seen date is news; a later one is not. */
	if (in->created_at && (!c->created_at || in->created_at < c->created_at)) {
		c->created_at = in->created_at;
		changed = true;
	}
	return changed;
}
