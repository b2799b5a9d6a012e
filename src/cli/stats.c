/* stats.c: `ecrm stats [--json]`: what the database holds. */
#include "cli/cli.h"
#include "domain/stats.h"

int cmd_stats(cli_ctx *ctx, int argc, char **argv)
{
	shop_stats s;
	store *st;
	err e;
	int rc = CLI_OK;

	if (argc > 1)
		return cli_usage("stats", "unexpected argument '%s'", argv[1]);
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	if (shop_stats_load(st, &s, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (ctx->json) {
		printf("{\"customers\":%" PRId64 ",\"merged_customers\":%" PRId64
		       ",\"orders\":%" PRId64 ",\"guest_orders\":%" PRId64
		       ",\"order_items\":%" PRId64 ",\"products\":%" PRId64
		       ",\"returns\":%" PRId64 ",\"interactions\":%" PRId64 "}\n",
		       s.customers, s.merged, s.orders, s.guest_orders, s.order_items, s.products,
		       s.returns, s.interactions);
	} else {
		printf("customers      %12" PRId64 "  (%" PRId64 " merged away)\n", s.customers,
		       s.merged);
		printf("orders         %12" PRId64 "  (%" PRId64 " guest)\n", s.orders,
		       s.guest_orders);
		printf("order items    %12" PRId64 "\n", s.order_items);
		printf("products       %12" PRId64 "\n", s.products);
		printf("returns        %12" PRId64 "\n", s.returns);
		printf("interactions   %12" PRId64 "\n", s.interactions);
	}
out:
	store_close(st);
	return rc;
}
