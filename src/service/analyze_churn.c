/* analyze_churn.c: the "churn" model of `ecrm analyze`: churn risk from the
 * liblinear model of analytics/churn.h, trained on the snapshot's own
 * history and reported with its AUC on the hold-out.
 *
 * The snapshot's columns go to churn_run as they are (orders with their
 * totals and margins, returns); it has no interactions, so the interaction
 * features are left out. churn.h counts days up to and including its as-of
 * day, so it gets the day before --as-of (the last day whose orders count).
 * Settings, [analytics] keys: churn_horizon_days (90: "churned" = no order
 * in the next 90 days), churn_split (customer | time), churn_holdout_share
 * (0.25), churn_c (0: chosen by a grid), seed (1). */
#include "service/analyze.h"
#include "analytics/churn.h"
#include "core/xalloc.h"

#include <math.h>

static json_t *calibration_json(const churn_result *r)
{
	json_t *arr = json_array();

	for (int i = 0; i < CHURN_CALIB_BINS; i++) {
		const metrics_eval_bin *b = &r->calib[i];
		if (!b->count)
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:I, s:o, s:o}", "customers",
						     (json_int_t)b->count, "churned",
						     (json_int_t)b->positives, "mean_risk",
						     analyze_jreal(b->mean_score), "rate",
						     analyze_jreal(b->rate)));
	}
	return arr;
}

static json_t *weights_json(const churn_model *m)
{
	json_t *o = json_object();

	for (int j = 0; j < m->cols; j++)
		json_object_set_new(o, m->names[j], analyze_jreal(m->weight[j]));
	return o;
}

/* Customers by risk band, and the mean risk, for the dashboards. */
static json_t *bands_json(const double *risk, size_t n)
{
	static const double edge[] = { 0, 0.25, 0.5, 0.75, 1.0000001 };
	int64_t count[4] = { 0 };
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		if (isnan(risk[i]))
			continue;
		for (int b = 0; b < 4; b++) {
			if (risk[i] < edge[b + 1]) {
				count[b]++;
				break;
			}
		}
	}
	for (int b = 0; b < 4; b++)
		json_array_append_new(arr, json_pack("{s:f, s:f, s:I}", "from", edge[b], "to",
						     b == 3 ? 1.0 : edge[b + 1], "customers",
						     (json_int_t)count[b]));
	return arr;
}

status analyze_churn(analyze_run *a, json_t *params, json_t *res, err *e)
{
	const snapshot *s = a->snap;
	size_t n = (size_t)s->n_customers;
	const char *split = config_str(a->cfg, "analytics", "churn_split", "customer");
	churn_events ev = { .n = n,
			    .order_start = s->order_start,
			    .order_day = s->order_day,
			    .order_amount = s->order_total,
			    .order_margin = s->order_margin,
			    .return_start = s->return_start,
			    .return_day = s->return_day,
			    .return_amount = s->return_amount };
	churn_options o;
	churn_result r;
	status rc;

	churn_options_default(&o);
	o.as_of = a->as_of - 1;
	o.horizon_days = (int)config_int(a->cfg, "analytics", "churn_horizon_days", 90);
	o.holdout_share = config_double(a->cfg, "analytics", "churn_holdout_share", 0.25);
	o.C = config_double(a->cfg, "analytics", "churn_c", 0);
	o.seed = (uint64_t)config_int(a->cfg, "analytics", "seed", 1);
	o.threads = a->threads;
	if (strcmp(split, "customer") == 0) {
		o.split = CHURN_SPLIT_CUSTOMER;
	} else if (strcmp(split, "time") == 0) {
		o.split = CHURN_SPLIT_TIME;
	} else {
		return err_set(e, E_INVAL,
			       "[analytics] churn_split must be customer or time, not '%s'", split);
	}
	json_object_set_new(params, "horizon_days", json_integer(o.horizon_days));
	json_object_set_new(params, "split", json_string(split));
	json_object_set_new(params, "holdout_share", json_real(o.holdout_share));
	json_object_set_new(params, "C", json_real(o.C));
	json_object_set_new(params, "seed", json_integer((json_int_t)o.seed));

	a->churn_risk = xmalloc((n ? n : 1) * sizeof(double));
	if ((rc = churn_run(&ev, &o, a->churn_risk, NULL, &r, e))) {
		err_prefix(e, "churn");
		return rc;
	}
	if (r.outcome == CHURN_INSUFFICIENT_DATA) {
		/* risks are NaN: the column is cleared, not left from an older run */
		json_object_set_new(res, "status", json_string("insufficient_data"));
		json_object_set_new(res, "note", json_string(r.note));
		if (a->text)
			printf("\nChurn risk: %s\n", r.note);
		return E_OK;
	}
	json_object_set_new(res, "status", json_string("ok"));
	json_object_set_new(res, "auc", analyze_jreal(r.auc));
	json_object_set_new(res, "auc_train", analyze_jreal(r.auc_train));
	json_object_set_new(res, "base_rate", analyze_jreal(r.base_rate));
	json_object_set_new(res, "brier", analyze_jreal(r.brier));
	json_object_set_new(res, "log_loss", analyze_jreal(r.log_loss));
	json_object_set_new(res, "train_rows", json_integer((json_int_t)r.train_rows));
	json_object_set_new(res, "test_rows", json_integer((json_int_t)r.test_rows));
	json_object_set_new(res, "scored", json_integer((json_int_t)r.scored));
	json_object_set_new(res, "mean_risk", analyze_jreal(r.mean_risk));
	json_object_set_new(res, "C", analyze_jreal(r.model.C));
	json_object_set_new(res, "risk_bands", bands_json(a->churn_risk, n));
	json_object_set_new(res, "calibration", calibration_json(&r));
	json_object_set_new(res, "weights", weights_json(&r.model));
	if (a->text) {
		char d1[16], d2[16];
		printf("\nChurn risk (no order in the next %d days; logistic regression, %s "
		       "split)\n",
		       r.horizon_days, split);
		printf("  trained on %zu customers with features at %s, tested on %zu at %s\n",
		       r.train_rows, analyze_day(r.train_cutoff, d1), r.test_rows,
		       analyze_day(r.test_cutoff, d2));
		printf("  hold-out AUC %.4f (training %.4f), churned share %.1f %%, Brier %.4f\n",
		       r.auc, r.auc_train, 100 * r.base_rate, r.brier);
		printf("  %zu customers scored, mean risk %.1f %%\n", r.scored, 100 * r.mean_risk);
	}
	return E_OK;
}
