/* server.h: the HTTP server: libmicrohttpd with an epoll thread pool, one
 * store handle per worker (a small pool), a request arena per connection
 * cleared after every reply, limits and time-outs, and a graceful stop. */
#ifndef ECRM_HTTP_SERVER_H
#define ECRM_HTTP_SERVER_H

#include "core/common.h"
#include "core/config.h"
#include "core/err.h"
#include "domain/session.h"

/* Everything tunable; [http] and [auth] in ecrm.conf, some also as flags. */
struct http_settings {
	char listen[128];	  /* "127.0.0.1:8080", "[::1]:8080", port 0: any */
	const config *cfg;	  /* the whole file, for handlers (analytics runs copy it) */
	unsigned threads;	  /* worker threads (and store handles) */
	size_t max_body;	  /* bytes; more is 413 */
	size_t max_header;	  /* bytes of request line + headers per connection */
	unsigned idle_timeout;	  /* seconds a connection may stay silent */
	unsigned request_timeout; /* seconds from the first byte to the whole body */
	unsigned max_connections;
	unsigned per_ip_connections; /* 0: no limit */
	unsigned shutdown_grace;     /* seconds in-flight requests get on SIGTERM */
	int64_t session_ttl;	     /* seconds */
	int64_t auth_cache_ttl;	     /* seconds an identity found is reused; 0: never */
	bool secure_cookies;	     /* always mark cookies Secure (TLS in front) */
	bool trust_proxy;	     /* take the client address from X-Forwarded-For */
	session_throttle_policy account_throttle;
	session_throttle_policy address_throttle;
	size_t max_upload;	    /* bytes, for HTTP_RAW_BODY routes (CSV uploads) */
	char phone_region[8];	    /* [import] region: country of national numbers */
	char webhook_secret[256];   /* [webhooks] secret: X-Ecrm-Signature HMAC key */
	char shopify_secret[256];   /* [webhooks] shopify_secret */
};
typedef struct http_settings http_settings;

/* The defaults, then what `cfg` (may be NULL) overrides. */
void http_settings_init(http_settings *s, const config *cfg);

typedef struct http_server http_server;

struct pii_keys;

/* Opens `settings->threads` store handles on `db_uri` (the database must
 * exist), attaches the personal-data keys `keys` (borrowed: they must
 * outlive the server) to each, and starts listening. */
status http_server_start(const char *db_uri, const struct pii_keys *keys,
			 const http_settings *settings, http_server **out, err *e) MUST_CHECK;
/* The port listened on (useful with port 0). */
unsigned http_server_port(const http_server *srv);
/* Stops accepting, waits up to shutdown_grace for in-flight requests,
 * closes every connection and store handle, and frees the server. NULL is
 * harmless. Returns how many requests were still running at the deadline. */
unsigned http_server_stop(http_server *srv);

#endif
