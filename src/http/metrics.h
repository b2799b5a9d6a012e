/* metrics.h: counters and histograms for /metrics (Prometheus text format
 * 0.0.4): requests by route, method and status, latency per route, store
 * transaction times, store pool waits, requests in flight, plus lines that
 * collectors read from the store (the hook other modules use, e.g. import
 * job counts). Updates are lock-free atomics, safe from every worker. */
#ifndef ECRM_HTTP_METRICS_H
#define ECRM_HTTP_METRICS_H

#include "core/common.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "http/router.h"
#include "store/db.h"

typedef struct http_metrics http_metrics;

/* Room for `nroutes` routes plus one slot for requests that matched none. */
http_metrics *http_metrics_new(size_t nroutes);
void http_metrics_free(http_metrics *m);

/* One finished request: `route` is its index (nroutes: no route). */
void http_metrics_request(http_metrics *m, size_t route, unsigned code, double seconds);
/* One store transaction from begin to commit or rollback. */
void http_metrics_store(http_metrics *m, bool write, double seconds);
/* A request waited for a free store handle. */
void http_metrics_pool_wait(http_metrics *m);
void http_metrics_in_flight(http_metrics *m, int delta);

/* Adds Prometheus lines about what the store holds. Called inside the
 * /metrics request's read transaction. Add new ones to the table in
 * metrics.c (for example the importer's job counts by state). */
typedef status (*http_metrics_collector)(store *st, strbuf *out, err *e);

/* Writes every metric; `st` may be NULL (collectors are then skipped). */
status http_metrics_render(http_metrics *m, const http_route *routes, size_t nroutes,
			   int64_t uptime, store *st, strbuf *out, err *e) MUST_CHECK;

#endif
