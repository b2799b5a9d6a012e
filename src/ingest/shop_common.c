/* shop_common.c: field helpers and the customer memo the shop platform
 * formats share (see shop_common.h). */
#include "ingest/shop_common.h"
#include "core/utf8.h"
#include "ingest/normalize.h"

#include <strings.h>

/* Entries kept per memo map; past it the map starts again (a customer is
 * then looked up in the database once more, nothing is lost). */
#define PEOPLE_LIMIT 200000

const char *shop_text(arena *a, const csv_row *row, int col)
{
	size_t n;
	const char *v = import_field(row, col, &n);

	return normalize_text(a, v, n);
}

status shop_amount(import_ctx *cx, const csv_row *row, int col, int decimals, unsigned flags,
		   int64_t *out, err *e)
{
	size_t n;
	const char *v = import_field(row, col, &n);

	*out = 0;
	if (!n)
		return (flags & SHOP_REQUIRED) ? import_bad(cx, col, "missing") : E_OK;
	if (parse_money(v, n, decimals, false, out, e))
		return import_bad(cx, col, "%s", e->msg);
	if (*out < 0 && !(flags & SHOP_NEGATIVE_OK))
		return import_bad(cx, col, "'%.*s' is negative", (int)n, v);
	return E_OK;
}

status shop_count(import_ctx *cx, const csv_row *row, int col, unsigned flags, int64_t *out,
		  err *e)
{
	size_t n;
	const char *v = import_field(row, col, &n);

	*out = 0;
	if (!n)
		return (flags & SHOP_REQUIRED) ? import_bad(cx, col, "missing") : E_OK;
	if (parse_int(v, n, out, e))
		return import_bad(cx, col, "%s", e->msg);
	if (*out < 0)
		return import_bad(cx, col, "'%.*s' is negative", (int)n, v);
	return E_OK;
}

status shop_time(import_ctx *cx, const csv_row *row, int col, unsigned flags, int64_t *out,
		 err *e)
{
	size_t n;
	const char *v = import_field(row, col, &n);

	*out = 0;
	if (!n)
		return (flags & SHOP_REQUIRED) ? import_bad(cx, col, "missing") : E_OK;
	if (import_time(cx, v, n, out, e))
		return import_bad(cx, col, "%s", e->msg);
	return E_OK;
}

void shop_format_amount(int64_t v, int decimals, char *buf, size_t size)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, scale = 1;

	for (int i = 0; i < decimals; i++)
		scale *= 10;
	if (decimals > 0)
		snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", mag / scale,
			 decimals, mag % scale);
	else
		snprintf(buf, size, "%s%" PRIu64, v < 0 ? "-" : "", mag);
}

const char *shop_product_key(arena *a, const char *sku, const char *name)
{
	static const char prefix[] = "name:";
	size_t n, max = 100 - (sizeof(prefix) - 1);

	if (sku)
		return sku;
	if (!name)
		return NULL;
	n = utf8_truncate(name, strlen(name), max);
	return arena_printf(a, "%s%.*s", prefix, (int)n, name);
}

const char *shop_join(arena *a, const char *x, const char *y, const char *sep)
{
	if (!x || !y)
		return x ? x : y;
	return arena_printf(a, "%s%s%s", x, sep, y);
}

const char *shop_country(const char *s)
{
	const char *iso = s ? normalize_country(s) : NULL;

	return iso ? iso : s;
}

const char *shop_phone(import_ctx *cx, arena *a, const char *phone, const char *country)
{
	const char *region = country && strlen(country) == 2 ? country : import_opts(cx)->region;
	const char *out = NULL;
	err ignored = { 0 };

	if (!phone || normalize_phone(a, phone, strlen(phone), region, &out, &ignored))
		return NULL;
	return out;
}

void shop_json_set(json_t *obj, const char *key, const char *value)
{
	if (value)
		json_object_set_new(obj, key, json_string(value));
}

void shop_json_set_time(json_t *obj, const char *key, int64_t t)
{
	char buf[32];

	if (!t)
		return;
	datetime_format_iso(t, buf, sizeof(buf));
	json_object_set_new(obj, key, json_string(buf));
}

const char *shop_json_dump(arena *a, const json_t *obj)
{
	char *dump;
	const char *res;

	if (!json_object_size(obj))
		return NULL;
	dump = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	res = arena_strdup(a, dump);
	free(dump);
	return res;
}

bool shop_header_has(const csv_row *h, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < h->n; i++) {
		const char *f = h->field[i];
		size_t len = h->len[i];
		while (len && (*f == ' ' || *f == '\t')) {
			f++;
			len--;
		}
		while (len && (f[len - 1] == ' ' || f[len - 1] == '\t' || f[len - 1] == '\r'))
			len--;
		if (len == n && strncasecmp(f, name, n) == 0)
			return true;
	}
	return false;
}

/* Marks the row bad at the column a customer_validate message is about:
 * it names the field first ("email: ..."). */
static status customer_bad(import_ctx *cx, int email_col, int phone_col, err *e)
{
	if (strncmp(e->msg, "email:", 6) == 0)
		return import_bad(cx, email_col, "%s", e->msg);
	if (strncmp(e->msg, "phone:", 6) == 0)
		return import_bad(cx, phone_col, "%s", e->msg);
	return import_bad(cx, -1, "%s", e->msg);
}

status shop_customer_check(import_ctx *cx, const customer *c, int email_col, int phone_col,
			   err *e)
{
	if (customer_validate(c, e))
		return customer_bad(cx, email_col, phone_col, e);
	return E_OK;
}

status shop_customer(import_ctx *cx, customer *c, int email_col, int phone_col, int64_t *id,
		     err *e)
{
	status rc = import_customer(cx, c, id, e);

	return rc == E_INVAL ? customer_bad(cx, email_col, phone_col, e) : rc;
}

void shop_people_init(shop_people *p)
{
	strmap_init(&p->id, PEOPLE_LIMIT);
	strmap_init(&p->given, PEOPLE_LIMIT);
	strmap_init(&p->earliest, PEOPLE_LIMIT);
}

void shop_people_release(shop_people *p)
{
	strmap_release(&p->id);
	strmap_release(&p->given);
	strmap_release(&p->earliest);
}

status shop_people_resolve(import_ctx *cx, shop_people *p, customer *c, bool by_email,
			   int email_col, int phone_col, int64_t placed_at, int64_t *id, err *e)
{
	char key[320];
	int64_t given, earliest;
	status rc;

	/* 'e' and 'x' keep an email and a shop id that look alike apart. */
	snprintf(key, sizeof(key), "%c%s", by_email ? 'e' : 'x',
		 by_email ? c->email : c->external_id);
	if (strmap_get(&p->id, key, strlen(key), id)) {
		if (strmap_get(&p->given, key, strlen(key), &given) && placed_at < given &&
		    (!strmap_get(&p->earliest, key, strlen(key), &earliest) || placed_at < earliest))
			strmap_put(&p->earliest, key, strlen(key), placed_at);
		return E_OK;
	}
	c->created_at = placed_at;
	if ((rc = shop_customer(cx, c, email_col, phone_col, id, e)))
		return rc;
	strmap_put(&p->id, key, strlen(key), *id);
	strmap_put(&p->given, key, strlen(key), placed_at);
	return E_OK;
}

status shop_people_finish(import_ctx *cx, shop_people *p, err *e)
{
	status rc = E_OK;

	for (size_t i = 0; i < p->earliest.cap && !rc; i++) {
		const char *key = p->earliest.keys[i];
		customer c;
		int64_t id;
		if (!key)
			continue;
		/* Only the key and the date: overlay then moves created_at back
		 * and changes nothing else. */
		customer_init(&c);
		if (key[0] == 'e')
			c.email = key + 1;
		else
			c.external_id = key + 1;
		c.created_at = p->earliest.values[i];
		rc = import_customer(cx, &c, &id, e);
		if (rc == E_INVAL) {
			import_bad_at(cx, 0, -1, "customer %s: %s", key + 1, e->msg);
			rc = E_OK;
		}
	}
	return rc;
}
