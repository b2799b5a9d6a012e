/* customers_generic.c: a customer list in any layout: columns are found by
 * their usual names (or --map COLUMN=FIELD); every other non-empty column is
 * kept as a custom attribute. One row per customer. */
#include "ingest/format.h"
#include "ingest/normalize.h"
#include "core/xalloc.h"

#include <jansson.h>
#include <strings.h>

enum {
	G_ID, G_NAME, G_FIRST, G_LAST, G_EMAIL, G_PHONE, G_GENDER, G_BIRTH, G_ADDRESS,
	G_POSTCODE, G_CITY, G_REGION, G_COUNTRY, G_TAGS, G_CREATED, G_CONSENT_EMAIL,
	G_CONSENT_SMS, G__COUNT
};

static const char *const column_names[G__COUNT] = {
	[G_ID] = "external_id|id|customer_id|customer id|customer number|client_id",
	[G_NAME] = "name|full_name|full name|customer name|姓名",
	[G_FIRST] = "first_name|first name|firstname|given name|名",
	[G_LAST] = "last_name|last name|lastname|surname|family name|姓",
	[G_EMAIL] = "email|e-mail|email address|mail|邮箱",
	[G_PHONE] = "phone|phone number|mobile|telephone|tel|手机",
	[G_GENDER] = "gender|sex|性别",
	[G_BIRTH] = "birth_date|birthday|date_of_birth|date of birth|dob|生日",
	[G_ADDRESS] = "address|address1|street|地址",
	[G_POSTCODE] = "postcode|zip|postal_code|postal code|zip code|邮编",
	[G_CITY] = "city|town|城市",
	[G_REGION] = "region|state|province|county|省份",
	[G_COUNTRY] = "country|country code|国家",
	[G_TAGS] = "tags|labels|标签",
	[G_CREATED] = "created_at|created|signup_date|registered|date registered",
	[G_CONSENT_EMAIL] = "consent_email|accepts_marketing|accepts marketing|email_opt_in",
	[G_CONSENT_SMS] = "consent_sms|accepts_sms|sms_opt_in",
};

typedef struct {
	int col[G__COUNT];
	bool *is_known; /* per header column: mapped to a field above */
	char **attr_name;
	size_t n_cols;
} gen_state;

static int gen_detect(const csv_row *h)
{
	bool email = false, name = false;

	for (size_t i = 0; i < h->n; i++) {
		email |= strcasestr(h->field[i], "mail") != NULL;
		name |= strcasestr(h->field[i], "name") != NULL;
	}
	return email || name ? 20 : 0;
}

static status gen_begin(import_ctx *cx, const csv_row *header, err *e)
{
	gen_state *s = import_state_alloc(cx, sizeof(*s));

	s->n_cols = header->n;
	s->is_known = xcalloc(header->n, sizeof(*s->is_known));
	s->attr_name = xcalloc(header->n, sizeof(*s->attr_name));
	for (int c = 0; c < G__COUNT; c++) {
		s->col[c] = import_column(cx, header, column_names[c]);
		if (s->col[c] >= 0)
			s->is_known[s->col[c]] = true;
	}
	if (s->col[G_ID] < 0 && s->col[G_EMAIL] < 0 && s->col[G_PHONE] < 0)
		return err_set(e, E_INVAL, "a customer list needs an id, email or phone column "
					   "(or --map COLUMN=external_id)");
	for (size_t i = 0; i < header->n; i++)
		s->attr_name[i] = xstrdup(header->field[i]);
	return E_OK;
}

static status gen_row(import_ctx *cx, const csv_row *row, err *e)
{
	gen_state *s = import_state(cx);
	const import_options *opt = import_opts(cx);
	arena *a = import_batch_arena(cx);
	const char *f[G__COUNT];
	size_t len[G__COUNT];
	json_t *attrs = json_object();
	const char *region;
	int64_t id;
	customer c;
	status rc = E_OK;

	for (int k = 0; k < G__COUNT; k++)
		f[k] = import_field(row, s->col[k], &len[k]);
	customer_init(&c);
	c.external_id = normalize_text(a, f[G_ID], len[G_ID]);
	c.name = normalize_name(a, f[G_NAME], len[G_NAME]);
	if (!c.name && (len[G_FIRST] || len[G_LAST])) {
		const char *joined = arena_printf(a, "%.*s %.*s", (int)len[G_FIRST], f[G_FIRST],
						  (int)len[G_LAST], f[G_LAST]);
		c.name = normalize_name(a, joined, strlen(joined));
	}
	c.email = normalize_email(a, f[G_EMAIL], len[G_EMAIL]);
	c.gender = normalize_text(a, f[G_GENDER], len[G_GENDER]);
	c.address = normalize_text(a, f[G_ADDRESS], len[G_ADDRESS]);
	c.postcode = normalize_text(a, f[G_POSTCODE], len[G_POSTCODE]);
	c.city = normalize_name(a, f[G_CITY], len[G_CITY]);
	c.region = normalize_name(a, f[G_REGION], len[G_REGION]);
	c.country = normalize_text(a, f[G_COUNTRY], len[G_COUNTRY]);
	if (c.country && normalize_country(c.country))
		c.country = normalize_country(c.country);
	region = c.country && strlen(c.country) == 2 ? c.country : opt->region;
	if (normalize_phone(a, f[G_PHONE], len[G_PHONE], region, &c.phone, e)) {
		rc = import_bad(cx, s->col[G_PHONE], "%s", e->msg);
		goto out;
	}
	if (len[G_BIRTH]) {
		int64_t t;
		char buf[16];
		if (import_time(cx, f[G_BIRTH], len[G_BIRTH], &t, e)) {
			rc = import_bad(cx, s->col[G_BIRTH], "%s", e->msg);
			goto out;
		}
		datetime_format_date(t, buf, sizeof(buf));
		c.birth_date = arena_strdup(a, buf);
	}
	if (len[G_CREATED] && import_time(cx, f[G_CREATED], len[G_CREATED], &c.created_at, e)) {
		rc = import_bad(cx, s->col[G_CREATED], "%s", e->msg);
		goto out;
	}
	if (len[G_TAGS])
		c.tags = import_tags_json(a, f[G_TAGS], len[G_TAGS]);
	c.consent_email = import_parse_consent(f[G_CONSENT_EMAIL], len[G_CONSENT_EMAIL]);
	c.consent_sms = import_parse_consent(f[G_CONSENT_SMS], len[G_CONSENT_SMS]);
	for (size_t i = 0; i < row->n && i < s->n_cols; i++) {
		size_t n;
		const char *v = import_field(row, (int)i, &n);
		if (!s->is_known[i] && n)
			json_object_set_new(attrs, s->attr_name[i], json_stringn(v, n));
	}
	if (json_object_size(attrs)) {
		char *dump = json_dumps(attrs, JSON_COMPACT | JSON_SORT_KEYS);
		c.attributes = arena_strdup(a, dump);
		free(dump);
	}
	if (!c.external_id && !c.email && !c.phone) {
		rc = import_bad(cx, -1, "no id, email or phone to recognise the customer by");
		goto out;
	}
	if ((rc = import_customer(cx, &c, &id, e)) == E_INVAL)
		rc = import_bad(cx, -1, "%s", e->msg);
out:
	json_decref(attrs);
	return rc;
}

static void gen_release(void *state)
{
	gen_state *s = state;

	for (size_t i = 0; s->attr_name && i < s->n_cols; i++)
		free(s->attr_name[i]);
	free(s->attr_name);
	free(s->is_known);
}

const import_format import_format_generic_customers = {
	.name = "generic",
	.kind = IMPORT_CUSTOMERS,
	.detect = gen_detect,
	.begin = gen_begin,
	.row = gen_row,
	.release = gen_release,
};
