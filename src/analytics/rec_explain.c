/* rec_explain.c: the reason for a recommendation: a rule, a similar
 * purchase, or popularity (see rec_explain.h). */
#include "analytics/rec_explain.h"
#include "core/xalloc.h"

#include <math.h>

void rec_rules_build(rec_rules *out, uint32_t n_items, size_t n, const uint32_t *consequent,
		     const size_t *offsets, const uint32_t *antecedent, const double *confidence,
		     const double *lift)
{
	size_t *next;

	memset(out, 0, sizeof(*out));
	out->n_items = n_items;
	out->n_rules = n;
	out->start = xcalloc((size_t)n_items + 2, sizeof(size_t));
	out->rule = xmalloc((n + 1) * sizeof(uint32_t));
	out->aoff = xcalloc(n + 1, sizeof(size_t));
	out->ante = xmalloc((offsets[n] + 1) * sizeof(uint32_t));
	out->confidence = xmalloc((n + 1) * sizeof(double));
	out->lift = xmalloc((n + 1) * sizeof(double));
	for (size_t r = 0; r < n; r++) {
		size_t at = out->aoff[r];
		bool ok = consequent[r] < n_items && offsets[r + 1] > offsets[r];
		for (size_t a = offsets[r]; ok && a < offsets[r + 1]; a++) {
			ok = antecedent[a] < n_items;
			out->ante[at++] = antecedent[a];
		}
		out->aoff[r + 1] = ok ? at : out->aoff[r];
		out->confidence[r] = confidence[r];
		out->lift[r] = lift[r];
		if (ok)
			out->start[consequent[r] + 2]++;
	}
	for (uint32_t y = 0; y <= n_items; y++)
		out->start[y + 1] += out->start[y];
	/* start[y + 1] counts up to the end of y's group while filling. */
	next = out->start + 1;
	for (size_t r = 0; r < n; r++) {
		if (out->aoff[r + 1] > out->aoff[r])
			out->rule[next[consequent[r]]++] = (uint32_t)r;
	}
}

void rec_rules_release(rec_rules *r)
{
	free(r->start);
	free(r->rule);
	free(r->aoff);
	free(r->ante);
	free(r->confidence);
	free(r->lift);
	memset(r, 0, sizeof(*r));
}

rec_why rec_explain(const rec_rules *rules, const itemknn_model *knn, const rec_matrix *ui,
		    uint32_t u, uint32_t y)
{
	rec_why w = { .kind = REC_WHY_POPULAR, .value = NAN, .lift = NAN };
	float best = 0;

	if (rules && rules->start && y < rules->n_items) {
		for (size_t a = rules->start[y]; a < rules->start[y + 1]; a++) {
			uint32_t r = rules->rule[a];
			bool all = true;
			for (size_t x = rules->aoff[r]; all && x < rules->aoff[r + 1]; x++)
				all = rec_matrix_has(ui, u, rules->ante[x]);
			if (all)
				return (rec_why){ REC_WHY_RULE, r, 0, rules->confidence[r],
						  rules->lift[r] };
		}
	}
	if (!knn || !knn->offsets)
		return w;
	/* The row is ascending: a strict > keeps the lower item on ties. */
	for (size_t a = ui->indptr[u]; a < ui->indptr[u + 1]; a++) {
		uint32_t i = ui->indices[a];
		float s = itemknn_similarity(knn, i, y), t = itemknn_similarity(knn, y, i);
		if (t > s)
			s = t;
		if (s > best) {
			best = s;
			w = (rec_why){ REC_WHY_SIMILAR, 0, i, s, NAN };
		}
	}
	return w;
}
