/* dashboard.c: GET /api/dashboard/kpis (a period against the one before it)
 * and GET /api/dashboard/monthly (revenue, new and returning customers by
 * month). Aggregates only: no personal data, so viewers may read them.
 * Definitions are in domain/kpi.h. */
#include "http/handlers/handlers.h"
#include "core/datetime.h"
#include "domain/kpi.h"

#include <math.h>
#include <time.h>

#define DAY	   86400
#define MAX_DAYS   3660
#define MAX_MONTHS 120

/* A date query argument "YYYY-MM-DD" (or "YYYY-MM" when `month`) as the
 * Unix time of its start; `*present` false when absent. */
static status query_date(http_req *r, const char *name, bool month, int64_t *out, bool *present,
			 err *e)
{
	const char *s = http_query(r, name);
	size_t want = month ? 7 : 10;

	*present = false;
	if (!s || !*s)
		return E_OK;
	if (strlen(s) != want ||
	    datetime_parse_format(s, strlen(s), month ? "%Y-%m" : "%Y-%m-%d", out, e))
		return http_bad_request(r, e, name, "%s: expected a date as %s, not '%s'", name,
					month ? "YYYY-MM" : "YYYY-MM-DD", s);
	*present = true;
	return E_OK;
}

/* The currency argument, or the one most orders are in. */
static status currency_of(http_req *r, const char **out, err *e)
{
	const char *c = http_query(r, "currency");

	if (c && *c) {
		if (strlen(c) != 3)
			return http_bad_request(r, e, "currency",
						"currency: expected a 3-letter code such as GBP");
		*out = c;
		return E_OK;
	}
	return kpi_main_currency(r->st, r->arena, out, e);
}

static json_t *date_json(int64_t t)
{
	char buf[16];

	datetime_format_date(t, buf, sizeof(buf));
	return json_string(buf);
}

/* a / b, or null when b is 0. */
static json_t *ratio(double a, double b)
{
	return b != 0 ? json_real(a / b) : json_null();
}

static json_t *values_json(const kpi_values *v)
{
	json_t *o = json_object();

	json_object_set_new(o, "customers", json_integer(v->customers));
	json_object_set_new(o, "active_customers", json_integer(v->active));
	json_object_set_new(o, "new_customers", json_integer(v->new_customers));
	json_object_set_new(o, "returning_customers", json_integer(v->active - v->new_customers));
	json_object_set_new(o, "repeat_customers", json_integer(v->repeat_customers));
	json_object_set_new(o, "orders", json_integer(v->orders));
	json_object_set_new(o, "gross", json_integer(v->gross));
	json_object_set_new(o, "returns", json_integer(v->returns));
	json_object_set_new(o, "revenue", json_integer(v->gross - v->returns));
	json_object_set_new(o, "aov", ratio((double)v->gross, (double)v->orders));
	json_object_set_new(o, "repeat_rate",
			    ratio((double)v->repeat_customers, (double)v->active));
	json_object_set_new(o, "returns_rate", ratio((double)v->returns, (double)v->gross));
	return o;
}

status h_dashboard_kpis(http_req *r, err *e)
{
	int64_t from, to, first, last, len;
	bool has_from, has_to;
	kpi_values cur = { 0 }, prev = { 0 };
	const char *currency;
	json_t *out;
	status rc;

	if ((rc = query_date(r, "from", false, &from, &has_from, e)) ||
	    (rc = query_date(r, "to", false, &to, &has_to, e)) ||
	    (rc = currency_of(r, &currency, e)) || (rc = kpi_order_range(r->st, &first, &last, e)))
		return rc;
	/* `to` names the period's last day; without it the period ends with
	 * the day of the newest order, so an old data set still shows. */
	to = has_to ? to + DAY : (last ? last - last % DAY + DAY : 0);
	if (!has_to && !last) {
		int64_t now = (int64_t)time(NULL);
		to = now - now % DAY + DAY;
	}
	if (!has_from)
		from = to - 30 * DAY;
	if (from >= to)
		return http_bad_request(r, e, "from", "from: must be on or before to");
	if ((to - from) / DAY > MAX_DAYS)
		return http_bad_request(r, e, "from", "from: a period is at most %d days",
					MAX_DAYS);
	len = to - from;
	if (currency && ((rc = kpi_period(r->st, from, to, currency, &cur, e)) ||
			 (rc = kpi_period(r->st, from - len, from, currency, &prev, e))))
		return rc;
	out = json_object();
	json_object_set_new(out, "currency", json_str_or_null(currency));
	json_object_set_new(out, "from", date_json(from));
	json_object_set_new(out, "to", date_json(to - DAY));
	json_object_set_new(out, "previous_from", date_json(from - len));
	json_object_set_new(out, "previous_to", date_json(from - DAY));
	json_object_set_new(out, "data_from", last ? date_json(first) : json_null());
	json_object_set_new(out, "data_to", last ? date_json(last) : json_null());
	json_object_set_new(out, "current", values_json(&cur));
	json_object_set_new(out, "previous", values_json(&prev));
	http_reply_json(r, 200, out);
	return E_OK;
}

status h_dashboard_monthly(http_req *r, err *e)
{
	int64_t from, to, first, last, starts[MAX_MONTHS + 1];
	int fy, fm, ty, tm, d;
	bool has_from, has_to;
	kpi_month m[MAX_MONTHS];
	const char *currency;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = query_date(r, "from", true, &from, &has_from, e)) ||
	    (rc = query_date(r, "to", true, &to, &has_to, e)) ||
	    (rc = currency_of(r, &currency, e)) || (rc = kpi_order_range(r->st, &first, &last, e)))
		return rc;
	if (!has_to)
		to = last ? last : (int64_t)time(NULL);
	civil_from_days(to / DAY, &ty, &tm, &d);
	if (has_from) {
		civil_from_days(from / DAY, &fy, &fm, &d);
	} else {
		fy = tm == 12 ? ty : ty - 1; /* twelve months up to `to` */
		fm = tm == 12 ? 1 : tm + 1;
	}
	if (fy * 12 + fm > ty * 12 + tm)
		return http_bad_request(r, e, "from", "from: must be on or before to");
	n = (size_t)(ty * 12 + tm - (fy * 12 + fm) + 1);
	if (n > MAX_MONTHS)
		return http_bad_request(r, e, "from", "from: at most %d months", MAX_MONTHS);
	kpi_month_starts(fy, fm, n, starts);
	for (size_t i = 0; i < n; i++)
		m[i].start = starts[i];
	if (currency && (rc = kpi_monthly(r->st, currency, m, n, starts[n], e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char month[16];
		if (!currency)
			memset(&m[i], 0, sizeof(m[i]));
		datetime_format_date(starts[i], month, sizeof(month));
		month[7] = '\0';
		json_array_append_new(
			arr, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "month", month,
				       "orders", (json_int_t)m[i].orders, "gross",
				       (json_int_t)m[i].gross, "returns", (json_int_t)m[i].returns,
				       "revenue", (json_int_t)(m[i].gross - m[i].returns),
				       "new_customers", (json_int_t)m[i].new_customers,
				       "returning_customers", (json_int_t)m[i].returning));
	}
	http_reply_json(
		r, 200,
		json_pack("{s:o, s:o}", "currency", json_str_or_null(currency), "months", arr));
	return E_OK;
}

status h_dashboard_pareto(http_req *r, err *e)
{
	double share[101];
	int64_t points, customers, total;
	json_t *arr;
	status rc;

	if ((rc = http_query_int(r, "points", 20, 1, 100, &points, e)) ||
	    (rc = kpi_pareto(r->st, share, (size_t)points, &customers, &total, e)))
		return rc;
	arr = json_array();
	for (int64_t k = 0; k <= points; k++)
		json_array_append_new(arr, json_pack("{s:f, s:f}", "customers_share",
						     (double)k / (double)points, "profit_share",
						     share[k]));
	http_reply_json(r, 200,
			json_pack("{s:I, s:I, s:o}", "customers", (json_int_t)customers,
				  "total_profit", (json_int_t)total, "points", arr));
	return E_OK;
}

static json_t *real_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

status h_dashboard_members(http_req *r, err *e)
{
	static const struct {
		const char *arg;
		kpi_member_kind kind;
	} by[] = { { "segment", KPI_BY_SEGMENT },
		   { "tier", KPI_BY_TIER },
		   { "stage", KPI_BY_STAGE } };
	const char *value = NULL, *cursor = http_query(r, "cursor");
	kpi_member_kind kind = KPI_BY_SEGMENT;
	int64_t limit, after = 0;
	kpi_member *rows;
	size_t n;
	bool more;
	json_t *arr;
	status rc;

	for (size_t i = 0; i < ARRAY_SIZE(by); i++) {
		const char *v = http_query(r, by[i].arg);
		if (v && *v) {
			if (value)
				return http_bad_request(r, e, by[i].arg,
							"give one of segment, tier and stage");
			value = v;
			kind = by[i].kind;
		}
	}
	if (!value)
		return http_bad_request(r, e, "segment", "segment, tier or stage is required");
	if (cursor && *cursor) {
		char *end;
		errno = 0;
		after = strtoll(cursor, &end, 10);
		if (errno || *end || after < 0)
			return http_bad_request(r, e, "cursor", "cursor: not one this API gave");
	}
	if ((rc = http_query_int(r, "limit", 50, 1, 200, &limit, e)) ||
	    (rc = kpi_members(r->st, kind, value, after, (int)limit, r->arena, &rows, &n, &more,
			      e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const kpi_member *m = &rows[i];
		json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "id",
				      (json_int_t)m->id, "name", m->name, "city", m->city,
				      "country", m->country, "rfm_segment", m->segment,
				      "value_tier", m->tier, "lifecycle_stage", m->stage);
		if (!o)
			continue;
		json_object_set_new(o, "recency_days",
				    m->has_rfm ? json_integer(m->recency_days) : json_null());
		json_object_set_new(o, "frequency",
				    m->has_rfm ? json_integer(m->frequency) : json_null());
		json_object_set_new(o, "monetary",
				    m->has_rfm ? json_integer(m->monetary) : json_null());
		json_object_set_new(o, "clv", real_or_null(m->clv));
		json_object_set_new(o, "p_alive", real_or_null(m->p_alive));
		json_array_append_new(arr, o);
	}
	http_reply_json(r, 200,
			json_pack("{s:o, s:o, s:I}", "customers", arr, "next_cursor",
				  more && n ? json_string(arena_printf(r->arena, "%" PRId64,
								       rows[n - 1].id))
					    : json_null(),
				  "limit", (json_int_t)limit));
	return E_OK;
}
