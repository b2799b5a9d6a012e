/* cdnow.c: the CDNOW purchase-log reader and the per-customer summary
 * (x, t_x, T, mean repeat spend) used by BG/NBD and Gamma-Gamma. */
#include "analytics/cdnow.h"
#include "core/xalloc.h"

int32_t cdnow_day(int32_t yyyymmdd)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int32_t y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (yyyymmdd <= 0 || y < 1 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap))
		return INT32_MIN;
	/* count from 1 March so the leap day ends the year; eras of 400 years */
	int64_t yy = m <= 2 ? y - 1 : y;
	int64_t era = yy / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static int cmp_txn(const void *pa, const void *pb)
{
	const cdnow_txn *u = pa, *v = pb;
	if (u->customer != v->customer)
		return u->customer < v->customer ? -1 : 1;
	return (u->day > v->day) - (u->day < v->day);
}

void cdnow_summarize(cdnow_txn *t, size_t n, int32_t calib_end, double period_days,
		     cdnow_customers *out)
{
	size_t ncust = 0;

	qsort(t, n, sizeof(*t), cmp_txn);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || t[i].customer != t[i - 1].customer)
			ncust++;
	memset(out, 0, sizeof(*out));
	size_t cap = ncust ? ncust : 1;
	out->id = xmalloc(cap * sizeof(*out->id));
	out->x = xmalloc(cap * sizeof(double));
	out->tx = xmalloc(cap * sizeof(double));
	out->T = xmalloc(cap * sizeof(double));
	out->spend = xmalloc(cap * sizeof(double));
	out->x_hold = xmalloc(cap * sizeof(double));

	for (size_t i = 0; i < n;) {
		size_t j = i;
		int32_t first = t[i].day, last = first;
		double x = 0, hold = 0, sum = 0;

		while (j < n && t[j].customer == t[i].customer) {
			size_t k = j;
			double amount = 0;
			while (k < n && t[k].customer == t[j].customer && t[k].day == t[j].day)
				amount += t[k++].amount;
			if (t[j].day != first) {
				if (t[j].day <= calib_end) {
					x++;
					last = t[j].day;
					sum += amount;
				} else {
					hold++;
				}
			}
			j = k;
		}
		if (first <= calib_end) {
			size_t c = out->n++;
			out->id[c] = t[i].customer;
			out->x[c] = x;
			out->tx[c] = (last - first) / period_days;
			out->T[c] = (calib_end - first) / period_days;
			out->spend[c] = x > 0 ? sum / x : 0;
			out->x_hold[c] = hold;
		}
		i = j;
	}
}

/* Parses the whitespace-separated numbers of one line into v[0..max-1];
 * returns how many, or -1 when a field is not a number. */
static int split_numbers(char *line, double *v, int max)
{
	int k = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			return k;
		if (k == max)
			return -1;
		char *end;
		errno = 0;
		v[k++] = strtod(p, &end);
		if (end == p || errno)
			return -1;
		p = end;
	}
}

status cdnow_load(const char *path, int32_t calib_end, double period_days, cdnow_customers *out,
		  err *e)
{
	FILE *f;
	cdnow_txn *t = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *line = NULL;
	status rc = E_OK;
	long lineno = 0;

	memset(out, 0, sizeof(*out));
	if (!(period_days > 0))
		return err_set(e, E_INVAL, "period length (%g days) must be > 0", period_days);
	if (!(f = fopen(path, "r")))
		return err_set(e, E_IO, "%s: %s", path, strerror(errno));
	while (getline(&line, &len, f) > 0) {
		double v[5];
		lineno++;
		int k = split_numbers(line, v, 5);
		if (k == 0 || (k < 0 && lineno == 1)) /* blank line, header */
			continue;
		if (k != 4 && k != 5) {
			rc = err_set(e, E_INVAL,
				     "%s line %ld: expected id [sample_id] date cds "
				     "dollars, got something else",
				     path, lineno);
			goto out;
		}
		double date = v[k - 3];
		bool date_ok = date >= 1 && date < 1e8 && date == (int32_t)date;
		int32_t day = date_ok ? cdnow_day((int32_t)date) : INT32_MIN;
		bool id_ok = v[0] >= 0 && v[0] < 1e15 && v[0] == (int64_t)v[0];
		if (day == INT32_MIN || !id_ok) {
			rc = err_set(e, E_INVAL, "%s line %ld: bad customer id or date (YYYYMMDD)",
				     path, lineno);
			goto out;
		}
		t = xgrow(t, &cap, n + 1, sizeof(*t));
		t[n++] = (cdnow_txn){.customer = (int64_t)v[0], .day = day, .amount = v[k - 1]};
	}
	if (ferror(f)) {
		rc = err_set(e, E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	cdnow_summarize(t, n, calib_end, period_days, out);
out:
	free(line);
	free(t);
	fclose(f);
	return rc;
}

void cdnow_customers_release(cdnow_customers *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->x);
	free(c->tx);
	free(c->T);
	free(c->spend);
	free(c->x_hold);
	memset(c, 0, sizeof(*c));
}
