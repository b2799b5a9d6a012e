/* import_harness.c: the import tests' shared helpers (see import_harness.h). */
#include "import_harness.h"

import_summary import_harness_run(store *st, import_kind kind, const char *path,
				  const char *format)
{
	import_options o = { .kind = kind, .path = path, .format = format };
	import_summary s;
	err e;

	if (import_run(st, &o, &s, &e))
		fail_msg("import %s: %s", path, e.msg);
	return s;
}

shop_stats import_harness_stats(store *st)
{
	shop_stats s;
	err e;

	if (shop_stats_load(st, &s, &e))
		fail_msg("shop stats: %s", e.msg);
	return s;
}
