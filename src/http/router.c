/* router.c: path pattern matching with literal-first precedence (router.h). */
#include "http/router.h"

static const char *const method_names[HTTP__METHODS] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
};

const char *http_method_name(http_method m)
{
	return (unsigned)m < HTTP__METHODS ? method_names[m] : "?";
}

bool http_method_parse(const char *s, http_method *out)
{
	for (int i = 0; i < HTTP__METHODS; i++) {
		if (strcmp(s, method_names[i]) == 0) {
			*out = (http_method)i;
			return true;
		}
	}
	return false;
}

/* Segment kinds, ordered so that a larger one wins. */
enum { SEG_REST = 0, SEG_PARAM = 1, SEG_LITERAL = 2 };
#define MAX_SEGMENTS 32

typedef struct {
	unsigned char kind[MAX_SEGMENTS];
	size_t n;
} shape;

/* Length of the segment starting at `p` (up to '/' or the end). */
static size_t seg_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && *q != '/')
		q++;
	return (size_t)(q - p);
}

/* Matches `path` [p, end) against `pattern`; fills params and shape. */
static bool match_one(const char *pattern, const char *p, const char *end, http_match *m, shape *sh)
{
	const char *pat = pattern;

	m->nparams = 0;
	sh->n = 0;
	if (*pat == '/')
		pat++;
	if (p < end && *p == '/')
		p++;
	/* "/" matches only "/". */
	if (*pat == '\0')
		return p == end;
	while (*pat) {
		size_t plen = strcspn(pat, "/");
		size_t slen;

		if (sh->n == MAX_SEGMENTS || p >= end)
			return false;
		slen = seg_len(p, end);
		if (slen == 0)
			return false;
		if (pat[0] == '*') {
			if (m->nparams == HTTP_MAX_PARAMS)
				return false;
			m->params[m->nparams++] =
				(http_param_slice){pat + 1, plen - 1, p, (size_t)(end - p)};
			/* The rest may not hold an empty segment either. */
			for (const char *q = p; q < end - 1; q++) {
				if (q[0] == '/' && q[1] == '/')
					return false;
			}
			sh->kind[sh->n++] = SEG_REST;
			return true;
		}
		if (pat[0] == ':') {
			if (m->nparams == HTTP_MAX_PARAMS)
				return false;
			m->params[m->nparams++] = (http_param_slice){pat + 1, plen - 1, p, slen};
			sh->kind[sh->n++] = SEG_PARAM;
		} else {
			if (plen != slen || memcmp(pat, p, slen) != 0)
				return false;
			sh->kind[sh->n++] = SEG_LITERAL;
		}
		pat += plen;
		p += slen;
		if (*pat == '/')
			pat++;
		if (p < end) {
			/* p is at '/': another segment must follow in the pattern. */
			if (!*pat)
				return false;
			p++;
		} else if (*pat) {
			return false;
		}
	}
	return p >= end;
}

/* >0 when `a` takes precedence over `b`. */
static int compare(const shape *a, const shape *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		if (a->kind[i] != b->kind[i])
			return (int)a->kind[i] - (int)b->kind[i];
	}
	return (int)a->n - (int)b->n;
}

http_match_result http_route_match(const http_route *routes, size_t n, http_method method,
				   const char *path, http_match *out)
{
	http_method want = method == HTTP_HEAD ? HTTP_GET : method;
	size_t len = strlen(path);
	const char *end;
	shape best_shape = {.n = 0}, sh;
	http_match m;
	bool found = false;

	out->route = NULL;
	out->index = 0;
	out->nparams = 0;
	out->allow = 0;
	if (len == 0 || path[0] != '/')
		return HTTP_MATCH_NONE;
	if (len > 1 && path[len - 1] == '/')
		len--;
	end = path + len;
	/* Routes of the method first: other methods matter only for a 405. */
	for (size_t i = 0; i < n; i++) {
		if (routes[i].method != want || !match_one(routes[i].pattern, path, end, &m, &sh))
			continue;
		if (!found || compare(&sh, &best_shape) > 0) {
			*out = m;
			out->allow = 0;
			out->route = &routes[i];
			out->index = i;
			best_shape = sh;
			found = true;
		}
	}
	if (found)
		return HTTP_MATCH_OK;
	for (size_t i = 0; i < n; i++) {
		if (routes[i].method == want || !match_one(routes[i].pattern, path, end, &m, &sh))
			continue;
		out->allow |= 1u << routes[i].method;
		if (routes[i].method == HTTP_GET)
			out->allow |= 1u << HTTP_HEAD;
	}
	out->nparams = 0;
	return out->allow ? HTTP_MATCH_METHOD : HTTP_MATCH_NONE;
}

void http_allow_header(unsigned allow, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < HTTP__METHODS; i++) {
		if (!(allow & (1u << i)))
			continue;
		int k = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
				 method_names[i]);
		if (k < 0 || (size_t)k >= size - used)
			break;
		used += (size_t)k;
	}
}
