/* fuzz_json_bodies.c: libFuzzer target for what the handlers do with a
 * request body: the JSON parser (core/json.h) and the order mappings of
 * POST /api/orders, the signed webhook and the Shopify webhook
 * (ingest/webhook.h), run against an in-memory database inside a
 * transaction that is rolled back, plus the signature checks. Any input
 * must give a result or an error, never a crash or a leak. */
#include "core/json.h"
#include "ingest/webhook.h"
#include "store/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static store *st;

static void open_store(void)
{
	err e;

	err_clear(&e);
	if (store_open(":memory:", STORE_CREATE, &st, &e)) {
		fprintf(stderr, "fuzz: %s\n", e.msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;
	int line, column, position;
	bool shape;
	arena a;
	order o;
	err e;

	if (!st)
		open_store();
	err_clear(&e);
	{
		/* The input as a header value too (NUL-ended copy). */
		char *hdr = malloc(size + 1);
		memcpy(hdr, data, size);
		hdr[size] = '\0';
		(void)webhook_verify_hex("secret", data, size, hdr);
		(void)webhook_verify_base64("secret", data, size, hdr);
		free(hdr);
	}
	(void)webhook_verify_base64("secret", data, size, "c2VjcmV0");
	if (json_parse((const char *)data, size, &j, &line, &column, &position, &e))
		return 0;
	arena_init(&a, 0);
	if (store_begin(st, &e) == E_OK) {
		err_clear(&e);
		(void)webhook_order_build(st, &a, j, "GB", &o, &shape, &e);
		err_clear(&e);
		(void)webhook_shopify_build(st, &a, j, "GB", &o, &shape, &e);
		store_rollback(st);
	}
	arena_release(&a);
	json_decref(j);
	return 0;
}
