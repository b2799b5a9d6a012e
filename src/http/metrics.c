/* metrics.c: atomic counters rendered as Prometheus text (see metrics.h). */
#include "http/metrics.h"
#include "core/xalloc.h"
#include "domain/session.h"
#include "service/import_runner.h"

#include <stdatomic.h>

/* Statuses counted one by one; anything else is "other". */
static const unsigned codes[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
				 408, 409, 413, 415, 422, 429, 431, 500, 503};
#define NCODES (ARRAY_SIZE(codes) + 1)

/* Upper bounds in seconds; one more bucket counts everything (+Inf). */
static const double bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				0.05,	0.1,	 0.25,	 0.5,	1,	2.5,   10};
#define NBUCKETS (ARRAY_SIZE(bounds) + 1)

typedef struct {
	_Atomic uint64_t bucket[NBUCKETS]; /* not cumulative: rendered as sums */
	_Atomic uint64_t sum_ns;
	_Atomic uint64_t count;
} histogram;

struct http_metrics {
	size_t nroutes;
	_Atomic uint64_t *requests; /* [(nroutes + 1) * NCODES] */
	histogram *latency;	    /* [nroutes + 1] */
	histogram store[2];	    /* read, write */
	_Atomic uint64_t pool_waits;
	_Atomic int64_t in_flight;
};

http_metrics *http_metrics_new(size_t nroutes)
{
	http_metrics *m = xcalloc(1, sizeof(*m));

	m->nroutes = nroutes;
	m->requests = xcalloc((nroutes + 1) * NCODES, sizeof(*m->requests));
	m->latency = xcalloc(nroutes + 1, sizeof(*m->latency));
	return m;
}

void http_metrics_free(http_metrics *m)
{
	if (!m)
		return;
	free(m->requests);
	free(m->latency);
	free(m);
}

static void observe(histogram *h, double seconds)
{
	size_t b = 0;

	while (b < ARRAY_SIZE(bounds) && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&h->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, (uint64_t)(seconds * 1e9), memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

void http_metrics_request(http_metrics *m, size_t route, unsigned code, double seconds)
{
	size_t slot = ARRAY_SIZE(codes);

	if (route > m->nroutes)
		route = m->nroutes;
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		if (codes[i] == code) {
			slot = i;
			break;
		}
	}
	atomic_fetch_add_explicit(&m->requests[route * NCODES + slot], 1, memory_order_relaxed);
	observe(&m->latency[route], seconds);
}

void http_metrics_store(http_metrics *m, bool write, double seconds)
{
	observe(&m->store[write], seconds);
}

void http_metrics_pool_wait(http_metrics *m)
{
	atomic_fetch_add_explicit(&m->pool_waits, 1, memory_order_relaxed);
}

void http_metrics_in_flight(http_metrics *m, int delta)
{
	atomic_fetch_add_explicit(&m->in_flight, delta, memory_order_relaxed);
}

static void render_histogram(strbuf *out, const char *name, const char *labels, histogram *h)
{
	uint64_t cum = 0;

	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += atomic_load_explicit(&h->bucket[b], memory_order_relaxed);
		if (b < ARRAY_SIZE(bounds))
			strbuf_addf(out, "%s_bucket{%s,le=\"%g\"} %" PRIu64 "\n", name, labels,
				    bounds[b], cum);
		else
			strbuf_addf(out, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels,
				    cum);
	}
	strbuf_addf(out, "%s_sum{%s} %.9f\n", name, labels,
		    (double)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) / 1e9);
	/* _count equals the +Inf bucket: the buckets are summed once above. */
	strbuf_addf(out, "%s_count{%s} %" PRIu64 "\n", name, labels, cum);
}

/* The collector that ships with the auth module: accounts and sessions. */
static status collect_auth(store *st, strbuf *out, err *e)
{
	int64_t users = 0, sessions = 0, keys = 0;
	status rc;

	if ((rc = session_counts(st, &users, &sessions, &keys, e)))
		return rc;
	strbuf_addf(out,
		    "# HELP ecrm_users Enabled user accounts.\n# TYPE ecrm_users gauge\n"
		    "ecrm_users %" PRId64 "\n"
		    "# HELP ecrm_sessions Stored sessions (some may have expired).\n"
		    "# TYPE ecrm_sessions gauge\necrm_sessions %" PRId64 "\n"
		    "# HELP ecrm_api_keys API keys not revoked.\n# TYPE ecrm_api_keys gauge\n"
		    "ecrm_api_keys %" PRId64 "\n",
		    users, sessions, keys);
	return E_OK;
}

/* Collectors, one line each: add the importer's (job counts by state) here. */
static const http_metrics_collector collectors[] = {
	collect_auth,
	import_runner_metrics,
};

status http_metrics_render(http_metrics *m, const http_route *routes, size_t nroutes,
			   int64_t uptime, store *st, strbuf *out, err *e)
{
	char labels[256];
	status rc;

	strbuf_addf(out,
		    "# HELP ecrm_uptime_seconds Seconds since the server started.\n"
		    "# TYPE ecrm_uptime_seconds gauge\necrm_uptime_seconds %" PRId64 "\n",
		    uptime);
	strbuf_addf(out,
		    "# HELP ecrm_http_requests_in_flight Requests being handled.\n"
		    "# TYPE ecrm_http_requests_in_flight gauge\n"
		    "ecrm_http_requests_in_flight %" PRId64 "\n",
		    atomic_load_explicit(&m->in_flight, memory_order_relaxed));
	strbuf_adds(out, "# HELP ecrm_http_requests_total Requests by route, method and status.\n"
			 "# TYPE ecrm_http_requests_total counter\n");
	for (size_t r = 0; r <= m->nroutes && r <= nroutes; r++) {
		for (size_t c = 0; c < NCODES; c++) {
			uint64_t n = atomic_load_explicit(&m->requests[r * NCODES + c],
							  memory_order_relaxed);
			char code[16];
			if (!n)
				continue;
			if (c < ARRAY_SIZE(codes))
				snprintf(code, sizeof(code), "%u", codes[c]);
			else
				snprintf(code, sizeof(code), "other");
			if (r < nroutes)
				strbuf_addf(out,
					    "ecrm_http_requests_total{route=\"%s\",method=\"%s\","
					    "status=\"%s\"} %" PRIu64 "\n",
					    routes[r].pattern, http_method_name(routes[r].method),
					    code, n);
			else
				strbuf_addf(
					out,
					"ecrm_http_requests_total{route=\"unmatched\",method=\"\","
					"status=\"%s\"} %" PRIu64 "\n",
					code, n);
		}
	}
	strbuf_adds(out, "# HELP ecrm_http_request_duration_seconds Time from the request's "
			 "headers to the end of its reply.\n"
			 "# TYPE ecrm_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= m->nroutes && r <= nroutes; r++) {
		if (!atomic_load_explicit(&m->latency[r].count, memory_order_relaxed))
			continue;
		if (r < nroutes)
			snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%s\"",
				 routes[r].pattern, http_method_name(routes[r].method));
		else
			snprintf(labels, sizeof(labels), "route=\"unmatched\",method=\"\"");
		render_histogram(out, "ecrm_http_request_duration_seconds", labels, &m->latency[r]);
	}
	strbuf_adds(out, "# HELP ecrm_store_transaction_seconds Store transactions of requests, "
			 "from begin to commit or rollback.\n"
			 "# TYPE ecrm_store_transaction_seconds histogram\n");
	render_histogram(out, "ecrm_store_transaction_seconds", "kind=\"read\"", &m->store[0]);
	render_histogram(out, "ecrm_store_transaction_seconds", "kind=\"write\"", &m->store[1]);
	strbuf_addf(out,
		    "# HELP ecrm_store_pool_waits_total Requests that waited for a store "
		    "handle.\n# TYPE ecrm_store_pool_waits_total counter\n"
		    "ecrm_store_pool_waits_total %" PRIu64 "\n",
		    atomic_load_explicit(&m->pool_waits, memory_order_relaxed));
	if (!st)
		return E_OK;
	for (size_t i = 0; i < ARRAY_SIZE(collectors); i++) {
		if ((rc = collectors[i](st, out, e)))
			return rc;
	}
	return E_OK;
}
