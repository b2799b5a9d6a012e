/* analyze_basket.c: `ecrm analyze-basket --input FILE ...`: frequent itemsets
 * and association rules from a baskets file (one basket per line). */
#include "cli/cli.h"
#include "analytics/fpgrowth.h"
#include "analytics/rules.h"
#include "ingest/baskets.h"

#include <jansson.h>
#include <math.h>

#define CMD	  "analyze-basket"
#define MAX_SIZES 64 /* itemset sizes and rule lengths tallied */

typedef struct {
	const char *input;
	double support; /* a fraction below 1, else an absolute basket count */
	double confidence;
	uint32_t max_len;
	size_t top;
	baskets_opts read;
	rules_params rules;
} options;

static bool parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno || v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

/* Reads the options into `o`; returns CLI_OK or the usage status. */
static int parse_options(int argc, char **argv, options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t n;
		bool takes = true;

		if (strcmp(a, "--multi-consequent") == 0) {
			o->rules.multi_consequent = true;
			takes = false;
		} else if (strcmp(a, "--skip-blank") == 0) {
			o->read.skip_blank = true;
			takes = false;
		} else if (strcmp(a, "--input") && strcmp(a, "--min-support") &&
			   strcmp(a, "--min-confidence") && strcmp(a, "--max-len") &&
			   strcmp(a, "--top") && strcmp(a, "--sep")) {
			return cli_usage(CMD, "unknown option '%s'", a);
		}
		if (!takes)
			continue;
		if (!v)
			return cli_usage(CMD, "%s needs a value", a);
		i++;
		if (strcmp(a, "--input") == 0) {
			o->input = v;
		} else if (strcmp(a, "--min-support") == 0) {
			if (!parse_double(v, &o->support) || !(o->support > 0) ||
			    (o->support >= 1 && o->support != floor(o->support)))
				return cli_usage(
					CMD,
					"--min-support wants a fraction in (0, 1) "
					"such as 0.01, or a whole number of baskets such as 10; "
					"got '%s'",
					v);
		} else if (strcmp(a, "--min-confidence") == 0) {
			if (!parse_double(v, &o->confidence) || o->confidence < 0 ||
			    o->confidence > 1)
				return cli_usage(CMD,
						 "--min-confidence wants a number in [0, 1]; "
						 "got '%s'",
						 v);
		} else if (strcmp(a, "--max-len") == 0) {
			if (!parse_size(v, &n) || n > UINT32_MAX)
				return cli_usage(CMD,
						 "--max-len wants a whole number (0: no "
						 "limit); got '%s'",
						 v);
			o->max_len = (uint32_t)n;
		} else if (strcmp(a, "--top") == 0) {
			if (!parse_size(v, &o->top))
				return cli_usage(CMD, "--top wants a whole number; got '%s'", v);
		} else if (strcmp(v, "auto") == 0) {
			o->read.sep = BASKETS_AUTO;
		} else if (strcmp(v, "comma") == 0) {
			o->read.sep = BASKETS_COMMA;
		} else if (strcmp(v, "space") == 0) {
			o->read.sep = BASKETS_SPACE;
		} else {
			return cli_usage(CMD, "--sep wants auto, comma or space; got '%s'", v);
		}
	}
	if (!o->input)
		return cli_usage(CMD, "--input FILE is required");
	return CLI_OK;
}

static json_t *names_json(const baskets *b, const fpgrowth_itemsets *s, uint32_t set)
{
	json_t *a = json_array();
	const uint32_t *v;
	uint32_t len;

	if (set == RULES_EMPTY)
		return a;
	v = fpgrowth_itemset(s, set, &len);
	for (uint32_t i = 0; i < len; i++)
		json_array_append_new(a, json_string(b->names[v[i]]));
	return a;
}

/* {"1": n1, "2": n2 ...} for the non-zero counts. */
static json_t *tally_json(const size_t *by, size_t max)
{
	json_t *o = json_object();
	char key[16];

	for (size_t i = 0; i <= max; i++) {
		if (!by[i])
			continue;
		snprintf(key, sizeof(key), "%zu", i);
		json_object_set_new(o, key, json_integer((json_int_t)by[i]));
	}
	return o;
}

static int print_json(const options *o, const baskets *b, uint32_t min_count,
		      const fpgrowth_itemsets *s, const rules_set *r, const size_t *by_size,
		      const size_t *by_len)
{
	json_t *root = json_object(), *top = json_array();
	int rc;

	json_object_set_new(root, "baskets", json_integer((json_int_t)b->n_baskets));
	json_object_set_new(root, "items", json_integer(b->n_items));
	json_object_set_new(root, "min_support", json_real(o->support));
	json_object_set_new(root, "min_count", json_integer(min_count));
	json_object_set_new(root, "min_confidence", json_real(o->confidence));
	json_object_set_new(root, "max_len", json_integer(o->max_len));
	json_object_set_new(root, "itemsets", json_integer((json_int_t)s->n));
	json_object_set_new(root, "itemsets_by_size", tally_json(by_size, MAX_SIZES));
	json_object_set_new(root, "rules", json_integer((json_int_t)r->n));
	json_object_set_new(root, "rules_by_length", tally_json(by_len, MAX_SIZES));
	for (size_t i = 0; i < r->n && i < o->top; i++) {
		const rules_rule *x = &r->v[i];
		json_t *j = json_object();
		json_object_set_new(j, "antecedent", names_json(b, s, x->antecedent));
		json_object_set_new(j, "consequent", names_json(b, s, x->consequent));
		json_object_set_new(j, "support", json_real(x->support));
		json_object_set_new(j, "confidence", json_real(x->confidence));
		json_object_set_new(j, "lift", json_real(x->lift));
		json_object_set_new(j, "count", json_integer(s->counts[x->itemset]));
		json_array_append_new(top, j);
	}
	json_object_set_new(root, "top", top);
	/* 15 digits: 0.005 prints as 0.005, not 0.0050000000000000001. */
	rc = json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(root);
	putchar('\n');
	return rc ? CLI_FAIL : CLI_OK;
}

static void print_names(const baskets *b, const fpgrowth_itemsets *s, uint32_t set)
{
	const uint32_t *v;
	uint32_t len;

	putchar('{');
	if (set != RULES_EMPTY) {
		v = fpgrowth_itemset(s, set, &len);
		for (uint32_t i = 0; i < len; i++)
			printf("%s%s", i ? ", " : "", b->names[v[i]]);
	}
	putchar('}');
}

static void print_tally(const char *what, const size_t *by, size_t max)
{
	const char *sep = "";

	printf("  by %s:", what);
	for (size_t i = 0; i <= max; i++) {
		if (by[i]) {
			printf("%s %zu: %zu", sep, i, by[i]);
			sep = ",";
		}
	}
	putchar('\n');
}

static void print_text(const options *o, const baskets *b, uint32_t min_count,
		       const fpgrowth_itemsets *s, const rules_set *r, const size_t *by_size,
		       const size_t *by_len)
{
	printf("baskets   %zu\nitems     %" PRIu32 "\n", b->n_baskets, b->n_items);
	printf("support   %g (at least %" PRIu32 " baskets)\n", o->support, min_count);
	printf("itemsets  %zu\n", s->n);
	print_tally("size", by_size, MAX_SIZES);
	printf("rules     %zu (confidence >= %g, %s)\n", r->n, o->confidence,
	       o->rules.multi_consequent ? "any consequent" : "one-item consequents");
	print_tally("length", by_len, MAX_SIZES);
	if (!r->n || !o->top)
		return;
	printf("\ntop %zu rules by lift:\n%9s %8s %9s  %s\n", r->n < o->top ? r->n : o->top, "lift",
	       "conf", "support", "rule");
	for (size_t i = 0; i < r->n && i < o->top; i++) {
		const rules_rule *x = &r->v[i];
		printf("%9.4f %8.4f %9.6f  ", x->lift, x->confidence, x->support);
		print_names(b, s, x->antecedent);
		fputs(" => ", stdout);
		print_names(b, s, x->consequent);
		putchar('\n');
	}
}

int cmd_analyze_basket(cli_ctx *ctx, int argc, char **argv)
{
	options o = { .support = 0.01, .confidence = 0.5, .max_len = 10, .top = 10 };
	size_t by_size[MAX_SIZES + 1], by_len[MAX_SIZES + 1];
	fpgrowth_itemsets sets = { 0 };
	rules_set rules = { 0 };
	fpgrowth_params fp = { 0 };
	fpgrowth_baskets view;
	baskets b;
	err e;
	int rc;

	if ((rc = parse_options(argc, argv, &o)))
		return rc;
	err_clear(&e);
	/* A server-sized cap: past it the thresholds are too low to be useful. */
	fp.max_itemsets = 50u * 1000 * 1000;
	o.rules.max_rules = 50u * 1000 * 1000;
	o.rules.min_confidence = o.confidence;
	if (strcmp(o.input, "-") == 0 ? baskets_read_stream(stdin, "stdin", &o.read, &b, &e)
				      : baskets_read(o.input, &o.read, &b, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	view = (fpgrowth_baskets){ b.n_baskets, b.n_items, b.offsets, b.items };
	fp.min_count = o.support >= 1 ? (uint32_t)fmin(o.support, UINT32_MAX)
				      : fpgrowth_min_count(o.support, b.n_baskets);
	fp.max_len = o.max_len;
	if (fpgrowth_mine(&view, &fp, &sets, &e) ||
	    rules_generate(&sets, b.n_baskets, &o.rules, &rules, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	rules_sort_by_lift(&rules, &sets);
	fpgrowth_count_by_size(&sets, by_size, MAX_SIZES);
	rules_count_by_length(&rules, by_len, MAX_SIZES);
	if (ctx->json)
		rc = print_json(&o, &b, fp.min_count, &sets, &rules, by_size, by_len);
	else
		print_text(&o, &b, fp.min_count, &sets, &rules, by_size, by_len);
out:
	rules_release(&rules);
	fpgrowth_itemsets_release(&sets);
	baskets_release(&b);
	return rc;
}
