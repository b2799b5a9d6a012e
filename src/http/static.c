/* static.c: the web UI from the files embedded at build time
 * (cmake/web_stage.cmake): GET / is the page, GET /static/BUILD/PATH the
 * modules, styles, translations and vendored libraries it loads.
 *
 * Caching: the page is revalidated on every load (no-cache + ETag), and it
 * names everything else under the build id, a hash of all the files, so a
 * /static URL of the current build never changes and is cached for a year.
 * A request naming another build (a tab opened before an upgrade) still gets
 * the file, but not cacheable: its bytes are this build's. */
#include "http/handlers/handlers.h"
#include "core/embed.h"

#include <strings.h>

extern const embedded_file http_web_files[];
extern const size_t http_web_files_count;

/* Everything the page may do: only our own scripts, styles and API; no
 * inline script or style, no plugins, no framing. */
#define CSP                                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "              \
	"form-action 'self'; frame-ancestors 'none'"

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".md", "text/plain; charset=utf-8" },
};

static const embedded_file *find(const char *name)
{
	for (size_t i = 0; i < http_web_files_count; i++) {
		if (strcmp(http_web_files[i].name, name) == 0)
			return &http_web_files[i];
	}
	return NULL;
}

static const char *content_type(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t k = strlen(types[i].ext);
		if (n > k && strcasecmp(name + n - k, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* The build id (cmake/web_stage.cmake), "" when it was not embedded. */
static const char *build_id(void)
{
	const embedded_file *f = find("BUILD");
	return f ? (const char *)f->data : "";
}

/* Whether If-None-Match names `etag` (a list, a weak form, or "*"). */
static bool etag_matches(const http_req *r, const char *etag)
{
	const char *h = http_header(r, "If-None-Match");
	size_t n = strlen(etag);

	if (!h)
		return false;
	for (const char *p = h; *p;) {
		p += strspn(p, " ,");
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*' ||
		    (strncmp(p, etag, n) == 0 && (p[n] == ',' || p[n] == ' ' || p[n] == '\0')))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* Replies with `f`; `immutable` for URLs that name the current build. */
static status reply_file(http_req *r, const embedded_file *f, bool immutable)
{
	/* Every file of a build has the build's id as its ETag: a file's bytes
	 * change only with the build. */
	const char *etag = arena_printf(r->arena, "\"%s\"", build_id());

	http_add_header(r, "Cache-Control",
			immutable ? "public, max-age=31536000, immutable" : "no-cache");
	http_add_header(r, "ETag", etag);
	if (strcmp(f->name, "index.html") == 0) {
		http_add_header(r, "Content-Security-Policy", CSP);
		http_add_header(r, "Referrer-Policy", "no-referrer");
		http_add_header(r, "X-Frame-Options", "DENY");
	}
	if (etag_matches(r, etag)) {
		http_reply_empty(r, 304);
		return E_OK;
	}
	http_reply_data(r, 200, content_type(f->name), f->data, f->size);
	return E_OK;
}

status h_web_index(http_req *r, err *e)
{
	const embedded_file *f = find("index.html");

	if (!f)
		return err_set(e, E_INTERNAL, "the web UI was not embedded in this build");
	return reply_file(r, f, false);
}

status h_web_static(http_req *r, err *e)
{
	const char *build = http_param(r, "build"), *path = http_param(r, "path");
	const embedded_file *f;

	/* The page itself and the build marker are not assets. */
	if (!path || strstr(path, "..") || strcmp(path, "index.html") == 0 ||
	    strcmp(path, "BUILD") == 0 || !(f = find(path)))
		return err_set(e, E_NOTFOUND, "no such file in the web UI");
	return reply_file(r, f, build && strcmp(build, build_id()) == 0);
}
