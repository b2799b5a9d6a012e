/* analyze_basket.c: `ecrm analyze basket`: frequent itemsets and association
 * rules (FP-growth) over the database's baskets (an order's distinct
 * products, or a customer's) stored in association_rules, or over a baskets
 * file (--input, one basket per line; nothing is stored). */
#include "cli/cli.h"
#include "analytics/baskets_db.h"
#include "analytics/fpgrowth.h"
#include "analytics/recs_store.h"
#include "analytics/rules.h"
#include "analytics/scores.h"
#include "analytics/snapshot.h"
#include "core/xalloc.h"
#include "ingest/baskets.h"

#include <jansson.h>
#include <math.h>
#include <time.h>

#define CMD	  "analyze basket"
#define MAX_SIZES 64 /* itemset sizes and rule lengths tallied */

static const char usage[] =
	"usage: ecrm analyze basket [--by order|customer] [--min-support S]\n"
	"                           [--min-confidence C] [--max-len K] [--top N]\n"
	"                           [--exclude SKU,...] [--multi-consequent] [--json]\n"
	"       ecrm analyze basket --input FILE [--sep auto|comma|space] [--skip-blank] ...\n"
	"\nMines frequent itemsets with FP-growth and makes association rules X => Y\n"
	"with support, confidence and lift; prints the itemset counts by size, the rule\n"
	"counts by length and the top N rules by lift.\n"
	"\nFrom the database (default), a basket is an order's distinct products\n"
	"(--by order, guest orders included) or everything a customer bought\n"
	"(--by customer); lines with a quantity of 0 or less are not purchases. The\n"
	"rules replace those in the association_rules table (used by the API and by\n"
	"`ecrm analyze recommend` to explain recommendations). --exclude ignores\n"
	"products such as postage or fees.\n"
	"\nWith --input FILE (one basket per line, items separated by commas or spaces;\n"
	"- is standard input) the file is mined and nothing is stored. A blank line is\n"
	"an empty basket unless --skip-blank is given.\n"
	"\nS is a fraction of baskets (default 0.01) or, when 1 or more, a basket count;\n"
	"C defaults to 0.5, K (longest itemset, 0: no limit) to 10, N to 10. As in R's\n"
	"arules, rules have one item after the arrow, and {} => {y} is a rule when y's\n"
	"support reaches C; --multi-consequent allows any consequent.\n";

typedef struct {
	const char *input;
	const char *by;
	const char *exclude; /* comma-separated SKUs */
	double support;	     /* a fraction below 1, else an absolute basket count */
	double confidence;
	uint32_t max_len;
	size_t top;
	baskets_opts read;
	rules_params rules;
} options;

/* What the printers need to name an item: names[i] always; ids and skus
 * when the items are products from the database. */
typedef struct {
	const char *const *names;
	const int64_t *ids;
	const char *const *skus;
} item_names;

static const char *const value_options[] = { "--input",	  "--min-support", "--min-confidence",
					     "--max-len", "--top",	   "--sep",
					     "--by",	  "--exclude" };

/* Reads the options into `o`; returns CLI_OK or the usage status. */
static int parse_options(int argc, char **argv, options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;
		size_t j;

		if (strcmp(a, "--multi-consequent") == 0) {
			o->rules.multi_consequent = true;
			continue;
		}
		if (strcmp(a, "--skip-blank") == 0) {
			o->read.skip_blank = true;
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(value_options) && strcmp(a, value_options[j]); j++)
			;
		if (j == ARRAY_SIZE(value_options))
			return cli_usage(CMD, "unknown option '%s'", a);
		if (!v)
			return cli_usage(CMD, "%s needs a value", a);
		i++;
		if (strcmp(a, "--input") == 0) {
			o->input = v;
		} else if (strcmp(a, "--by") == 0) {
			if (strcmp(v, "order") && strcmp(v, "customer"))
				return cli_usage(CMD, "--by wants order or customer; got '%s'", v);
			o->by = v;
		} else if (strcmp(a, "--exclude") == 0) {
			o->exclude = v;
		} else if (strcmp(a, "--min-support") == 0) {
			if (!number_parse_real(v, -HUGE_VAL, HUGE_VAL, &o->support) ||
			    !(o->support > 0) ||
			    (o->support >= 1 && o->support != floor(o->support)))
				return cli_usage(
					CMD,
					"--min-support wants a fraction in (0, 1) "
					"such as 0.01, or a whole number of baskets such as 10; "
					"got '%s'",
					v);
		} else if (strcmp(a, "--min-confidence") == 0) {
			if (!number_parse_real(v, 0, 1, &o->confidence))
				return cli_usage(CMD,
						 "--min-confidence wants a number in [0, 1]; "
						 "got '%s'",
						 v);
		} else if (strcmp(a, "--max-len") == 0) {
			if (!number_parse(v, 0, UINT32_MAX, &n))
				return cli_usage(CMD,
						 "--max-len wants a whole number (0: no "
						 "limit); got '%s'",
						 v);
			o->max_len = (uint32_t)n;
		} else if (strcmp(a, "--top") == 0) {
			if (!number_parse(v, 0, INT64_MAX, &n))
				return cli_usage(CMD, "--top wants a whole number; got '%s'", v);
			o->top = (size_t)n;
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
	if (o->input && (o->by || o->exclude))
		return cli_usage(CMD, "--by and --exclude are for the database, not --input");
	if (!o->by)
		o->by = "order";
	return CLI_OK;
}

static json_t *item_json(const item_names *nm, uint32_t item)
{
	if (!nm->ids)
		return json_string(nm->names[item]);
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)nm->ids[item], "sku", nm->skus[item],
			 "name", nm->names[item]);
}

static json_t *set_json(const item_names *nm, const fpgrowth_itemsets *s, uint32_t set)
{
	json_t *a = json_array();
	const uint32_t *v;
	uint32_t len;

	if (set == RULES_EMPTY)
		return a;
	v = fpgrowth_itemset(s, set, &len);
	for (uint32_t i = 0; i < len; i++)
		json_array_append_new(a, item_json(nm, v[i]));
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

typedef struct {
	const options *o;
	const item_names *nm;
	size_t n_baskets;
	uint32_t n_items, min_count;
	const fpgrowth_itemsets *s;
	const rules_set *r;
	size_t by_size[MAX_SIZES + 1], by_len[MAX_SIZES + 1];
} result;

/* The summary as JSON (also the analytics_runs row); `top` adds the rules. */
static json_t *result_json(const result *x, bool top)
{
	json_t *root = json_object(), *t = json_array();

	json_object_set_new(root, "source", json_string(x->o->input ? "file" : "database"));
	if (!x->o->input)
		json_object_set_new(root, "by", json_string(x->o->by));
	json_object_set_new(root, "baskets", json_integer((json_int_t)x->n_baskets));
	json_object_set_new(root, "items", json_integer(x->n_items));
	json_object_set_new(root, "min_support", json_real(x->o->support));
	json_object_set_new(root, "min_count", json_integer(x->min_count));
	json_object_set_new(root, "min_confidence", json_real(x->o->confidence));
	json_object_set_new(root, "max_len", json_integer(x->o->max_len));
	json_object_set_new(root, "itemsets", json_integer((json_int_t)x->s->n));
	json_object_set_new(root, "itemsets_by_size", tally_json(x->by_size, MAX_SIZES));
	json_object_set_new(root, "rules", json_integer((json_int_t)x->r->n));
	json_object_set_new(root, "rules_by_length", tally_json(x->by_len, MAX_SIZES));
	for (size_t i = 0; top && i < x->r->n && i < x->o->top; i++) {
		const rules_rule *y = &x->r->v[i];
		json_t *j = json_object();
		json_object_set_new(j, "antecedent", set_json(x->nm, x->s, y->antecedent));
		json_object_set_new(j, "consequent", set_json(x->nm, x->s, y->consequent));
		json_object_set_new(j, "support", json_real(y->support));
		json_object_set_new(j, "confidence", json_real(y->confidence));
		json_object_set_new(j, "lift", json_real(y->lift));
		json_object_set_new(j, "count", json_integer(x->s->counts[y->itemset]));
		json_array_append_new(t, j);
	}
	if (top)
		json_object_set_new(root, "top", t);
	else
		json_decref(t);
	return root;
}

static void print_names(const item_names *nm, const fpgrowth_itemsets *s, uint32_t set)
{
	const uint32_t *v;
	uint32_t len;

	putchar('{');
	if (set != RULES_EMPTY) {
		v = fpgrowth_itemset(s, set, &len);
		for (uint32_t i = 0; i < len; i++)
			printf("%s%s", i ? ", " : "", nm->names[v[i]]);
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

static void print_text(const result *x, size_t stored)
{
	const options *o = x->o;

	if (o->input)
		printf("baskets   %zu (lines of %s)\n", x->n_baskets, o->input);
	else
		printf("baskets   %zu (%s)\n", x->n_baskets,
		       strcmp(o->by, "customer") ? "orders' distinct products"
						 : "customers' distinct products");
	printf("items     %" PRIu32 "\n", x->n_items);
	printf("support   %g (at least %" PRIu32 " baskets)\n", o->support, x->min_count);
	printf("itemsets  %zu\n", x->s->n);
	print_tally("size", x->by_size, MAX_SIZES);
	printf("rules     %zu (confidence >= %g, %s)\n", x->r->n, o->confidence,
	       o->rules.multi_consequent ? "any consequent" : "one-item consequents");
	print_tally("length", x->by_len, MAX_SIZES);
	if (!o->input)
		printf("stored    %zu rules in association_rules\n", stored);
	if (!x->r->n || !o->top)
		return;
	printf("\ntop %zu rules by lift:\n%9s %8s %9s  %s\n", x->r->n < o->top ? x->r->n : o->top,
	       "lift", "conf", "support", "rule");
	for (size_t i = 0; i < x->r->n && i < o->top; i++) {
		const rules_rule *y = &x->r->v[i];
		printf("%9.4f %8.4f %9.6f  ", y->lift, y->confidence, y->support);
		print_names(x->nm, x->s, y->antecedent);
		fputs(" => ", stdout);
		print_names(x->nm, x->s, y->consequent);
		putchar('\n');
	}
}

/* Splits "A,B,C" into a NULL-ended array (the strings point into `copy`). */
static const char **split_list(const char *list, char **copy)
{
	size_t n = 1, k = 0;
	const char **v;
	char *p;

	*copy = xstrdup(list ? list : "");
	for (p = *copy; *p; p++)
		n += *p == ',';
	v = xcalloc(n + 1, sizeof(*v));
	for (p = *copy; list && *p;) {
		char *end = p + strcspn(p, ",");
		bool last = *end == '\0';
		*end = '\0';
		if (*p)
			v[k++] = p;
		p = last ? end : end + 1;
	}
	return v;
}

/* Rules as product ids for the store, in the rules' order. */
static status store_rules(store *st, const result *x, int64_t now, err *e)
{
	recs_rule *v = xcalloc(x->r->n + 1, sizeof(*v));
	size_t at = 0, total = 1;
	int64_t *ids;
	status rc;

	for (size_t i = 0; i < x->r->n; i++)
		total += x->r->v[i].len;
	ids = xmalloc(total * sizeof(*ids));

	for (size_t i = 0; i < x->r->n; i++) {
		const rules_rule *y = &x->r->v[i];
		uint32_t len;
		const uint32_t *items;
		v[i].antecedent = ids + at;
		if (y->antecedent != RULES_EMPTY) {
			items = fpgrowth_itemset(x->s, y->antecedent, &len);
			for (uint32_t j = 0; j < len; j++)
				ids[at++] = x->nm->ids[items[j]];
			v[i].n_antecedent = len;
		}
		items = fpgrowth_itemset(x->s, y->consequent, &len);
		v[i].consequent = ids + at;
		for (uint32_t j = 0; j < len; j++)
			ids[at++] = x->nm->ids[items[j]];
		v[i].n_consequent = len;
		v[i].support = y->support;
		v[i].confidence = y->confidence;
		v[i].lift = y->lift;
		v[i].count = x->s->counts[y->itemset];
	}
	rc = recs_rules_replace(st, v, x->r->n, x->o->by, now, e);
	free(ids);
	free(v);
	return rc;
}

/* Records the run in analytics_runs, as `ecrm analyze` does for its models. */
static status record_run(store *st, const result *x, int64_t started, err *e)
{
	json_t *res = result_json(x, false);
	char *r = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	int64_t now = (int64_t)time(NULL);
	status rc;

	rc = scores_record_run(st, "basket", snapshot_day(now), "{}", r, started, now, NULL, e);
	free(r);
	json_decref(res);
	return rc;
}

int cmd_analyze_basket(cli_ctx *ctx, int argc, char **argv)
{
	options o = { .support = 0.01, .confidence = 0.5, .max_len = 10, .top = 10 };
	fpgrowth_itemsets sets = { 0 };
	rules_set rules = { 0 };
	fpgrowth_params fp = { 0 };
	fpgrowth_baskets view;
	baskets b = { 0 };
	baskets_db d = { 0 };
	baskets_db_options dbo = { 0 };
	rec_matrix per_customer = { 0 };
	item_names nm = { 0 };
	const char **names = NULL, **exclude = NULL;
	char *exclude_copy = NULL;
	result x = { 0 };
	store *st = NULL;
	int64_t started = (int64_t)time(NULL);
	err e;
	int rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	if ((rc = parse_options(argc, argv, &o)))
		return rc;
	err_clear(&e);
	baskets_init(&b); /* released whichever way; baskets_read sets it up anew */
	/* A server-sized cap: past it the thresholds are too low to be useful. */
	fp.max_itemsets = 50u * 1000 * 1000;
	o.rules.max_rules = 50u * 1000 * 1000;
	o.rules.min_confidence = o.confidence;
	if (o.input) {
		baskets_release(&b);
		if (strcmp(o.input, "-") == 0 ? baskets_read_stream(stdin, "stdin", &o.read, &b, &e)
					      : baskets_read(o.input, &o.read, &b, &e))
			goto fail;
		view = (fpgrowth_baskets){ b.n_baskets, b.n_items, b.offsets, b.items };
		nm.names = (const char *const *)b.names;
	} else {
		if (!(st = cli_open_store(ctx, 0))) {
			rc = CLI_FAIL;
			goto out;
		}
		exclude = split_list(o.exclude, &exclude_copy);
		dbo.exclude_skus = exclude;
		if (baskets_db_load(st, &dbo, &d, &e) || baskets_db_load_names(st, &d, &e))
			goto fail;
		if (strcmp(o.by, "customer") == 0) {
			if (baskets_db_user_items(&d, REC_BINARY, &per_customer, &e))
				goto fail;
			view = (fpgrowth_baskets){ per_customer.n_rows, per_customer.n_cols,
						   per_customer.indptr, per_customer.indices };
		} else {
			view = (fpgrowth_baskets){ d.n_orders, d.n_products, d.offsets, d.items };
		}
		/* A product without a name is shown by its SKU. */
		names = xmalloc(((size_t)d.n_products + 1) * sizeof(*names));
		for (uint32_t i = 0; i < d.n_products; i++)
			names[i] = d.name[i][0] ? d.name[i] : d.sku[i];
		nm = (item_names){ names, d.product_id, d.sku };
	}
	fp.min_count = o.support >= 1 ? (uint32_t)fmin(o.support, UINT32_MAX)
				      : fpgrowth_min_count(o.support, view.n_baskets);
	fp.max_len = o.max_len;
	if (fpgrowth_mine(&view, &fp, &sets, &e) ||
	    rules_generate(&sets, view.n_baskets, &o.rules, &rules, &e))
		goto fail;
	rules_sort_by_lift(&rules, &sets);
	x = (result){ .o = &o,
		      .nm = &nm,
		      .n_baskets = view.n_baskets,
		      .n_items = view.n_items,
		      .min_count = fp.min_count,
		      .s = &sets,
		      .r = &rules };
	fpgrowth_count_by_size(&sets, x.by_size, MAX_SIZES);
	rules_count_by_length(&rules, x.by_len, MAX_SIZES);
	if (st && (store_rules(st, &x, (int64_t)time(NULL), &e) || record_run(st, &x, started, &e)))
		goto fail;
	if (ctx->json) {
		json_t *root = result_json(&x, true);
		if (st)
			json_object_set_new(root, "stored", json_integer((json_int_t)rules.n));
		/* 15 digits: 0.005 prints as 0.005, not 0.0050000000000000001. */
		rc = json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(15)) ? CLI_FAIL
										      : CLI_OK;
		json_decref(root);
		putchar('\n');
	} else {
		print_text(&x, rules.n);
	}
	goto out;
fail:
	rc = cli_fail(&e);
out:
	rules_release(&rules);
	fpgrowth_itemsets_release(&sets);
	baskets_release(&b);
	rec_matrix_release(&per_customer);
	baskets_db_release(&d);
	free(names);
	free(exclude);
	free(exclude_copy);
	store_close(st);
	return rc;
}
