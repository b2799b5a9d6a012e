/* import.c: `ecrm import orders|customers FILE [options]`. */
#include "cli/cli.h"
#include "ingest/import.h"
#include "core/xalloc.h"

#include <getopt.h>
#include <unistd.h>

static const struct option options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "map", required_argument, NULL, 'm' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "date-order", required_argument, NULL, 'o' },
	{ "date-format", required_argument, NULL, 'd' },
	{ "currency", required_argument, NULL, 'c' },
	{ "region", required_argument, NULL, 'r' },
	{ "errors", required_argument, NULL, 'e' },
	{ "batch", required_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 },
};

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
	import_options opt = { 0 };
	import_summary sum;
	const char **maps = xcalloc((size_t)argc, sizeof(*maps));
	store *st = NULL;
	int c, rc = CLI_OK;
	err e;

	if (import_options_configure(&opt, ctx->cfg, 20000, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:m:n", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt.format = optarg;
			break;
		case 'm':
			if (!strchr(optarg, '=')) {
				rc = cli_usage("import", "--map wants COLUMN=FIELD, not '%s'", optarg);
				goto out;
			}
			maps[opt.n_maps++] = optarg;
			break;
		case 'n':
			opt.dry_run = true;
			break;
		case 'o':
			if (!date_order_parse(optarg, &opt.date_order)) {
				rc = cli_usage("import", "--date-order is mdy, dmy or ymd, not '%s'", optarg);
				goto out;
			}
			break;
		case 'd':
			opt.date_format = optarg;
			break;
		case 'c':
			opt.currency = optarg;
			break;
		case 'r':
			opt.region = optarg;
			break;
		case 'e':
			opt.errors_path = optarg;
			break;
		case 'b':
			if (!number_parse(optarg, 1, INT64_MAX, &opt.batch_rows)) {
				rc = cli_usage("import", "--batch wants a number of rows (1 or more), "
							 "not '%s'",
					       optarg);
				goto out;
			}
			break;
		default:
			rc = cli_usage("import", "unknown option");
			goto out;
		}
	}
	if (argc - optind != 2) {
		rc = cli_usage("import", "give what to import (orders or customers) and a FILE");
		goto out;
	}
	if (strcmp(argv[optind], "orders") == 0) {
		opt.kind = IMPORT_ORDERS;
	} else if (strcmp(argv[optind], "customers") == 0) {
		opt.kind = IMPORT_CUSTOMERS;
	} else {
		rc = cli_usage("import", "'%s': import orders or customers", argv[optind]);
		goto out;
	}
	opt.path = argv[optind + 1];
	opt.maps = maps;
	opt.report = stderr;
	opt.progress = !ctx->quiet && !ctx->json;
	if (!(st = cli_open_store(ctx, 0))) {
		rc = CLI_FAIL;
		goto out;
	}
	if (import_run(st, &opt, &sum, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (opt.dry_run && !ctx->json)
		printf("dry run: nothing was written\n");
	import_print_summary(stdout, &sum, ctx->json);
out:
	store_close(st);
	free(maps);
	return rc;
}
