/* import_config.c: the [import] section of ecrm.conf, read the same way by
 * `ecrm import` and by the server's import runner (import.h). */
#include "ingest/import.h"

status import_options_configure(import_options *opt, const config *cfg, int64_t batch_rows, err *e)
{
	const char *order = config_str(cfg, "import", "date_order", "mdy");

	opt->currency = config_str(cfg, "import", "currency", NULL);
	opt->region = config_str(cfg, "import", "region", "GB");
	opt->batch_rows = config_int(cfg, "import", "batch_rows", batch_rows);
	if (!date_order_parse(order, &opt->date_order))
		return err_set(e, E_INVAL,
			       "ecrm.conf [import] date_order: '%s' is not mdy, dmy or ymd", order);
	if (opt->batch_rows < 1)
		return err_set(e, E_INVAL,
			       "ecrm.conf [import] batch_rows: %" PRId64
			       " is not a number of rows (1 or more)",
			       opt->batch_rows);
	return E_OK;
}
