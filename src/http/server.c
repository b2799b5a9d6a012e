/* server.c: libmicrohttpd glue (see server.h). A request goes:
 *   first call     -> set up the request in its connection's arena; reply
 *                     nothing yet (replying now would cost keep-alive)
 *   body chunks    -> appended to a capped buffer (413 past max_body)
 *   last call      -> route, store handle, transaction, auth, handler, reply
 *   completed      -> metrics, free the body and JSON, clear the arena. */
#include "http/server.h"
#include "domain/pii.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "domain/audit.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/request.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct http_server {
	http_settings set;
	http_ctx ctx;
	http_metrics *metrics;
	audit_head *audit_head;
	struct MHD_Daemon *daemon;
	MHD_socket quiesced; /* the listening socket after quiesce, closed last */
	unsigned port;
	char dummy_hash[USER_HASH_SIZE];

	/* Store handles: one per worker; a request takes one for its run. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	store **stores;
	size_t nstores;
	store **idle;
	size_t nidle;

	atomic_int in_flight;
	atomic_bool draining;
};

/* Per connection: the arena its requests allocate from, the reply buffer
 * they write into (kept between requests unless it grew large), and the
 * peer's address as text (formatted at the first request that needs it). */
typedef struct {
	arena arena;
	strbuf out;
	char peer[INET6_ADDRSTRLEN];
} conn_ctx;

enum { KEEP_REPLY_BUFFER = 256 * 1024 };

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void http_settings_init(http_settings *s, const config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	snprintf(s->listen, sizeof(s->listen), "%s",
		 config_str(cfg, "http", "listen", "127.0.0.1:8080"));
	s->threads = (unsigned)config_int(cfg, "http", "threads", 2);
	s->max_body = (size_t)config_int(cfg, "http", "max_body", 1 << 20);
	s->max_header = (size_t)config_int(cfg, "http", "max_header", 32 * 1024);
	s->idle_timeout = (unsigned)config_int(cfg, "http", "idle_timeout", 30);
	s->request_timeout = (unsigned)config_int(cfg, "http", "request_timeout", 60);
	s->max_connections = (unsigned)config_int(cfg, "http", "max_connections", 1000);
	s->per_ip_connections = (unsigned)config_int(cfg, "http", "per_ip_connections", 0);
	s->shutdown_grace = (unsigned)config_int(cfg, "http", "shutdown_grace", 10);
	s->session_ttl = config_int(cfg, "auth", "session_hours", 8) * 3600;
	s->auth_cache_ttl = config_int(cfg, "auth", "cache_seconds", 5);
	s->secure_cookies = config_int(cfg, "http", "secure_cookies", 0) != 0;
	s->trust_proxy = config_int(cfg, "http", "trust_proxy", 0) != 0;
	s->account_throttle = (session_throttle_policy){
		.max_failures = config_int(cfg, "auth", "account_max_failures", 5),
		.window = config_int(cfg, "auth", "account_window", 900),
		.lockout = config_int(cfg, "auth", "account_lockout", 900),
		.max_lockout = config_int(cfg, "auth", "max_lockout", 86400),
	};
	s->address_throttle = (session_throttle_policy){
		.max_failures = config_int(cfg, "auth", "address_max_failures", 20),
		.window = config_int(cfg, "auth", "address_window", 900),
		.lockout = config_int(cfg, "auth", "address_lockout", 900),
		.max_lockout = config_int(cfg, "auth", "max_lockout", 86400),
	};
	s->max_upload = (size_t)config_int(cfg, "http", "max_upload", 64 << 20);
	snprintf(s->phone_region, sizeof(s->phone_region), "%s",
		 config_str(cfg, "import", "region", "GB"));
	snprintf(s->webhook_secret, sizeof(s->webhook_secret), "%s",
		 config_str(cfg, "webhooks", "secret", ""));
	snprintf(s->shopify_secret, sizeof(s->shopify_secret), "%s",
		 config_str(cfg, "webhooks", "shopify_secret", ""));
	if (s->max_upload < s->max_body)
		s->max_upload = s->max_body;
	if (s->threads < 1)
		s->threads = 1;
	if (s->threads > 256)
		s->threads = 256;
}

/* ---- store pool ---- */

static store *pool_get(http_server *srv)
{
	store *st;

	pthread_mutex_lock(&srv->mu);
	if (srv->nidle == 0)
		http_metrics_pool_wait(srv->metrics);
	while (srv->nidle == 0)
		pthread_cond_wait(&srv->cv, &srv->mu);
	st = srv->idle[--srv->nidle];
	pthread_mutex_unlock(&srv->mu);
	return st;
}

static void pool_put(http_server *srv, store *st)
{
	if (store_in_transaction(st)) {
		log_error("a request left a transaction open: rolled back");
		while (store_in_transaction(st))
			store_rollback(st);
	}
	pthread_mutex_lock(&srv->mu);
	srv->idle[srv->nidle++] = st;
	pthread_cond_signal(&srv->cv);
	pthread_mutex_unlock(&srv->mu);
}

/* ---- requests ---- */

/* The client's address: the peer, or with trust_proxy the last hop that
 * X-Forwarded-For names (the one our proxy saw). */
static const char *client_address(http_req *r, conn_ctx *cc, bool trust_proxy)
{
	const union MHD_ConnectionInfo *ci;
	const char *xff;

	if (trust_proxy && (xff = http_header(r, "X-Forwarded-For"))) {
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		if (*last)
			return arena_strndup(r->arena, last, strcspn(last, " "));
	}
	if (cc->peer[0])
		return cc->peer;
	snprintf(cc->peer, sizeof(cc->peer), "unknown");
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, cc->peer,
				  sizeof(cc->peer));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  cc->peer, sizeof(cc->peer));
	}
	return cc->peer;
}

/* The body cap of the request's route: uploads get more. */
static size_t body_limit(const http_server *srv, const http_req *r)
{
	if (r->matched == HTTP_MATCH_OK && (r->match.route->flags & HTTP_RAW_BODY))
		return srv->set.max_upload;
	return srv->set.max_body;
}

static http_req *begin_request(http_server *srv, struct MHD_Connection *c, const char *url,
			       const char *method)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	conn_ctx *cc = ci ? ci->socket_context : NULL;
	const char *proto;
	http_req *r;

	if (!cc) /* the connection notifier always runs first; be safe */
		abort();
	r = arena_zalloc(&cc->arena, sizeof(*r));
	r->arena = &cc->arena;
	r->conn_ctx = cc;
	r->server = srv;
	r->conn = c;
	r->ctx = &srv->ctx;
	r->out = cc->out; /* the request owns the buffer until it completes */
	strbuf_init(&cc->out, 0);
	r->path = arena_strdup(r->arena, url);
	r->route_index = http_routes_count;
	r->started_ns = now_ns();
	if (!http_method_parse(method, &r->method))
		r->method = HTTP__METHODS;
	/* An unknown method matches no route but gets the Allow list (405). */
	r->matched = http_route_match(http_routes, http_routes_count, r->method, r->path, &r->match);
	r->max_body = body_limit(srv, r);
	strbuf_init(&r->body, r->max_body);
	r->client = client_address(r, cc, srv->set.trust_proxy);
	proto = http_header(r, "X-Forwarded-Proto");
	r->secure = srv->set.secure_cookies || (proto && strcasecmp(proto, "https") == 0);
	atomic_fetch_add(&srv->in_flight, 1);
	http_metrics_in_flight(srv->metrics, 1);
	return r;
}

static bool is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Writes the audit entries the handler queued: inside the request's write
 * transaction, so they commit with it; after a read each in a transaction
 * of its own, where the remembered head spares reading the log. */
static status flush_audit(http_server *srv, http_req *r, err *e)
{
	status rc;

	for (size_t i = 0; i < r->naudit; i++) {
		if ((rc = audit_record_at(r->st, srv->audit_head, &r->audit[i], e)))
			return rc;
	}
	return E_OK;
}

/* Runs the route's handler inside the transaction its method calls for. */
static status run_handler(http_server *srv, http_req *r, err *e)
{
	const http_route *rt = r->route;
	bool own = rt->flags & HTTP_OWN_TXN;
	bool write = r->method != HTTP_GET && r->method != HTTP_HEAD;
	int64_t t0 = now_ns();
	status rc;

	if (!r->st) {
		/* Without a store nobody can be identified: public routes only. */
		if (!(rt->flags & HTTP_PUBLIC))
			return err_set(e, E_INTERNAL, "route %s has no store to check credentials",
				       rt->pattern);
		return rt->handler(r, e);
	}
	if (srv->ctx.auth_cache)
		r->auth_generation = http_auth_cache_generation(srv->ctx.auth_cache);
	if (!own && (rc = write ? store_begin(r->st, e) : store_begin_read(r->st, e)))
		return rc;
	if (!(rt->flags & HTTP_PUBLIC) && (rc = http_auth_identify(r, (int64_t)time(NULL), e)))
		goto out;
	if ((rc = http_auth_authorize(r, e)))
		goto out;
	if ((rc = rt->handler(r, e)))
		goto out;
	/* A write's audit entries commit with it; a read's follow it. */
	if (write && !own)
		rc = flush_audit(srv, r, e);
out:
	if (!own) {
		if (rc)
			store_rollback(r->st);
		else
			rc = store_commit(r->st, e);
		http_metrics_store(srv->metrics, write, (double)(now_ns() - t0) / 1e9);
	}
	if (rc == E_OK && (!write || own))
		rc = flush_audit(srv, r, e);
	if (rc == E_OK)
		http_auth_cache_apply(r);
	return rc;
}

/* Fills r's reply: route, limits, then the handler. */
static void handle(http_server *srv, http_req *r)
{
	const http_match *m = &r->match;
	char allow[64];
	err e;
	status rc;

	err_clear(&e);
	if (r->body_too_big) {
		char msg[96];
		snprintf(msg, sizeof(msg), "the request body is larger than %zu bytes",
			 r->max_body);
		http_reply_problem(r, 413, "too_large", NULL, msg);
		return;
	}
	switch (r->matched) {
	case HTTP_MATCH_NONE:
		http_reply_problem(r, 404, "not_found", NULL, "no such resource");
		return;
	case HTTP_MATCH_METHOD:
		http_allow_header(m->allow, allow, sizeof(allow));
		http_add_header(r, "Allow", allow);
		http_reply_problem(r, 405, "method_not_allowed", NULL,
				   arena_printf(r->arena, "%s is not allowed here; use %s",
						r->method < HTTP__METHODS
							? http_method_name(r->method)
							: "this method",
						allow));
		return;
	case HTTP_MATCH_OK:
		break;
	}
	r->route = m->route;
	r->route_index = m->index;
	r->nparams = m->nparams;
	memcpy(r->params, m->params, sizeof(m->params));
	if (r->body.len && !(r->route->flags & HTTP_RAW_BODY) &&
	    !is_json_type(http_header(r, "Content-Type"))) {
		http_reply_problem(r, 415, "unsupported_media_type", NULL,
				   "send the body as Content-Type: application/json");
		return;
	}
	if (!(r->route->flags & HTTP_NO_STORE))
		r->st = pool_get(srv);
	rc = run_handler(srv, r, &e);
	if (r->st) {
		pool_put(srv, r->st);
		r->st = NULL;
	}
	if (rc) {
		if (rc == E_AUTH)
			http_add_header(r, "WWW-Authenticate", "Bearer realm=\"ecrm\"");
		http_reply_error(r, &e);
	} else if (!r->code) {
		http_reply_empty(r, 204);
	}
}

static enum MHD_Result queue_reply(http_server *srv, http_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	bool has_cache = false;

	resp = MHD_create_response_from_buffer(r->reply_len, (void *)r->reply,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	for (size_t i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
		has_cache |= strcasecmp(r->headers[i].name, "Cache-Control") == 0;
	}
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (atomic_load(&srv->draining))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(r->conn, r->code, resp);
	MHD_destroy_response(resp);
	r->queued = true;
	return ok;
}

/* How much of a refused body is read (and dropped) to reply cleanly. */
static uint64_t discard_limit(const http_req *r)
{
	uint64_t n = 16 * (uint64_t)r->max_body;
	return n < (16u << 20) ? (16u << 20) : n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	http_server *srv = cls;
	http_req *r = *con_cls;
	const char *cl;

	(void)version;
	if (!r) {
		*con_cls = r = begin_request(srv, c, url, method);
		cl = http_header(r, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > r->max_body) {
			r->body_too_big = true;
			/* A client that waits for "100 Continue" can be told at once;
			 * one already sending would lose the reply to the reset that
			 * closing on unread data causes, so its body is read and
			 * dropped (up to discard_limit) before the 413. */
			if (http_header(r, "Expect") ||
			    strtoull(cl, NULL, 10) > discard_limit(r)) {
				handle(srv, r);
				return queue_reply(srv, r);
			}
		}
		return MHD_YES;
	}
	if (r->queued) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		r->body_seen += *upload_size;
		if (!r->body_too_big && !strbuf_add(&r->body, upload, *upload_size)) {
			r->body_too_big = true;
			strbuf_release(&r->body);
		}
		*upload_size = 0;
		if (r->body_too_big && r->body_seen > discard_limit(r)) {
			handle(srv, r);
			return queue_reply(srv, r);
		}
		if (srv->set.request_timeout &&
		    now_ns() - r->started_ns > (int64_t)srv->set.request_timeout * 1000000000) {
			http_reply_problem(r, 408, "timeout", NULL,
					   "the request body took too long to arrive");
			return queue_reply(srv, r);
		}
		return MHD_YES;
	}
	handle(srv, r);
	return queue_reply(srv, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	http_server *srv = cls;
	http_req *r = *con_cls;
	conn_ctx *cc;

	(void)c;
	(void)toe;
	if (!r)
		return;
	http_metrics_request(srv->metrics, r->route_index, r->code,
			     (double)(now_ns() - r->started_ns) / 1e9);
	json_decref(r->json);
	strbuf_release(&r->body);
	cc = r->conn_ctx;
	if (r->out.cap > KEEP_REPLY_BUFFER)
		strbuf_release(&r->out);
	strbuf_release(&cc->out);
	cc->out = r->out;
	*con_cls = NULL;
	arena_clear(&cc->arena);
	http_metrics_in_flight(srv->metrics, -1);
	atomic_fetch_sub(&srv->in_flight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	conn_ctx *cc;

	(void)cls;
	(void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cc = xmalloc(sizeof(*cc));
		arena_init(&cc->arena, 16 * 1024);
		strbuf_init(&cc->out, 0);
		cc->peer[0] = '\0';
		*socket_context = cc;
	} else if ((cc = *socket_context)) {
		arena_release(&cc->arena);
		strbuf_release(&cc->out);
		free(cc);
		*socket_context = NULL;
	}
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

/* ---- start and stop ---- */

/* Parses "host:port" or "[v6]:port" into a socket address. */
static status parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, err *e)
{
	char host[128];
	const char *colon, *port;
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM},
			*res = NULL;
	int r;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(close - listen - 1), listen + 1);
		port = close + 2;
	} else {
		if (!(colon = strrchr(listen, ':')))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
		port = colon + 1;
	}
	if (!*port || strspn(port, "0123456789") != strlen(port))
		goto bad;
	if ((r = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0)
		return err_set(e, E_INVAL, "--listen %s: %s", listen, gai_strerror(r));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return E_OK;
bad:
	return err_set(e, E_INVAL, "--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080", listen);
}

/* Frees the server and all it holds, once its daemon is stopped (or was
 * never started): also what a failed start leaves. */
static void server_free(http_server *srv)
{
	for (size_t i = 0; i < srv->nstores; i++)
		store_close(srv->stores[i]);
	free(srv->stores);
	free(srv->idle);
	http_metrics_free(srv->metrics);
	http_auth_cache_free(srv->ctx.auth_cache);
	audit_head_free(srv->audit_head);
	pthread_mutex_destroy(&srv->mu);
	pthread_cond_destroy(&srv->cv);
	free(srv);
}

status http_server_start(const char *db_uri, const struct pii_keys *keys,
			 const http_settings *settings, http_server **out,
			 err *e)
{
	http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage addr;
	const union MHD_DaemonInfo *di;
	socklen_t addrlen;
	unsigned flags;
	status rc;

	*out = NULL;
	srv->set = *settings;
	srv->quiesced = MHD_INVALID_SOCKET;
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->cv, NULL);
	if ((rc = parse_listen(srv->set.listen, &addr, &addrlen, e)))
		goto fail;
	srv->stores = xcalloc(srv->set.threads, sizeof(*srv->stores));
	srv->idle = xcalloc(srv->set.threads, sizeof(*srv->idle));
	for (unsigned i = 0; i < srv->set.threads; i++) {
		if ((rc = store_open(db_uri, STORE_SERVE, &srv->stores[i], e)))
			goto fail;
		srv->nstores++;
		if ((rc = pii_attach(srv->stores[i], keys, e)))
			goto fail;
		srv->idle[srv->nidle++] = srv->stores[i];
	}
	/* Unknown e-mails are checked against this, so a login takes as long
	 * whether or not the account exists. */
	if ((rc = user_hash_password("no such user: timing only", srv->dummy_hash, e)))
		goto fail;
	srv->metrics = http_metrics_new(http_routes_count);
	srv->audit_head = audit_head_new();
	srv->ctx = (http_ctx){.settings = &srv->set,
			      .metrics = srv->metrics,
			      .auth_cache = srv->set.auth_cache_ttl > 0
						    ? http_auth_cache_new(srv->set.auth_cache_ttl)
						    : NULL,
			      .dummy_hash = srv->dummy_hash,
			      .started_at = (int64_t)time(NULL),
			      .db_uri = db_uri};
	flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon =
		MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
				 /* First, so MHD's own start-up messages go through it too. */
				 MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv, MHD_OPTION_SOCK_ADDR,
				 (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
				 (unsigned)srv->set.threads, MHD_OPTION_CONNECTION_LIMIT,
				 srv->set.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				 srv->set.per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
				 srv->set.idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				 srv->set.max_header, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				 srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
				 MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	if (!srv->daemon) {
		rc = err_set(e, E_IO, "cannot listen on %s (in use? allowed?)", srv->set.listen);
		goto fail;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	*out = srv;
	return E_OK;
fail:
	server_free(srv);
	return rc;
}

unsigned http_server_port(const http_server *srv)
{
	return srv->port;
}

unsigned http_server_stop(http_server *srv)
{
	int64_t deadline;
	unsigned left;

	if (!srv)
		return 0;
	atomic_store(&srv->draining, true);
	srv->quiesced = MHD_quiesce_daemon(srv->daemon);
	deadline = now_ns() + (int64_t)srv->set.shutdown_grace * 1000000000;
	while (atomic_load(&srv->in_flight) > 0 && now_ns() < deadline) {
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	left = (unsigned)atomic_load(&srv->in_flight);
	MHD_stop_daemon(srv->daemon);
	if (srv->quiesced != MHD_INVALID_SOCKET)
		close(srv->quiesced);
	server_free(srv);
	return left;
}
