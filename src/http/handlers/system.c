/* system.c: /healthz, /metrics and the embedded /api/openapi.yaml. */
#include "http/handlers/handlers.h"
#include "core/embed.h"
#include "http/metrics.h"

#include <time.h>

extern const embedded_file http_openapi_files[];
extern const size_t http_openapi_files_count;

status h_healthz(http_req *r, err *e)
{
	static const char ok[] = "{\"status\":\"ok\"}";

	(void)e;
	http_reply_data(r, 200, "application/json", ok, sizeof(ok) - 1);
	return E_OK;
}

status h_metrics(http_req *r, err *e)
{
	strbuf sb = STRBUF_INIT;
	status rc;
	char *text;

	rc = http_metrics_render(r->ctx->metrics, http_routes, http_routes_count,
				 (int64_t)time(NULL) - r->ctx->started_at, r->st, &sb, e);
	if (rc == E_OK) {
		text = arena_strndup(r->arena, sb.buf, sb.len);
		http_reply_data(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, sb.len);
	}
	strbuf_release(&sb);
	return rc;
}

status h_openapi(http_req *r, err *e)
{
	for (size_t i = 0; i < http_openapi_files_count; i++) {
		if (strcmp(http_openapi_files[i].name, "openapi.yaml") == 0) {
			http_add_header(r, "Cache-Control", "no-cache");
			http_reply_data(r, 200, "application/yaml; charset=utf-8",
					http_openapi_files[i].data, http_openapi_files[i].size);
			return E_OK;
		}
	}
	return err_set(e, E_INTERNAL, "openapi.yaml was not embedded");
}
