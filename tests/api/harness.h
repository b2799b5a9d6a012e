/* harness.h: API tests against a real `ecrm serve`: a fresh database, the
 * server on a free 127.0.0.1 port, libcurl requests on one reused connection,
 * and a stop (SIGTERM, then SIGKILL) that also runs at exit and when the test
 * process dies, so no server is ever left running. */
#ifndef ECRM_TESTS_API_HARNESS_H
#define ECRM_TESTS_API_HARNESS_H

#include "testutil.h"
#include "core/strbuf.h"

#include <curl/curl.h>
#include <sys/types.h>

struct json_t; /* jansson's, for the declarations below */

typedef struct {
	pid_t pid;
	unsigned port;
	char db[512];
	char log[512]; /* the server's standard error */
	CURL *curl;    /* reused: keeps the connection alive */
} api_server;

typedef struct {
	long status;
	strbuf body;
	strbuf headers; /* raw header lines of the final response */
	long connects;	/* new connections this request opened (0: reused) */
	long local_port;
} api_resp;

/* Creates `name` in the test's temporary directory with `ecrm init`. */
const char *api_new_db(const char *name);
/* Runs `ecrm --db DB ARGS...` (NULL-ended) with `input` on standard input
 * (NULL: none); `out` (may be NULL) gets standard output. Returns the exit
 * status. */
int api_cli(const char *db, const char *input, strbuf *out, ...);
/* A browser session from POST /api/login: header lines ready to send. */
typedef struct {
	char cookie[160];     /* "Cookie: ecrm_session=..." */
	char csrf[160];	      /* "X-CSRF-Token: ..." */
	char set_cookie[512]; /* the Set-Cookie value as the server sent it */
} api_session;

/* POST /api/login as `email` / `pw` (`extra_header` may be NULL); on 200
 * fills `out` (may be NULL). Returns the status. */
long api_login(api_server *s, const char *email, const char *pw, const char *extra_header,
	       api_session *out);
/* "Authorization: Bearer KEY" in a rotating static buffer (good for the
 * next seven calls, so a request may carry several). */
const char *api_bearer(const char *key);
/* The string member `key` of `o`, or NULL when absent or not a string. */
const char *api_str(const struct json_t *o, const char *key);
/* One API key per role (indexed by user_role) made with `ecrm apikey
 * create` on `db`; fails the test when one cannot be made. */
void api_role_keys(const char *db, char keys[][128], int nroles);
/* Starts `ecrm serve` on `db`; `config` (may be NULL) is an ecrm.conf path. */
void api_start(api_server *s, const char *db, const char *config);
/* SIGTERM and wait (SIGKILL after 15 s); returns the exit status. */
int api_stop(api_server *s);

/* One request on the server's connection. `headers` is NULL-ended ("Name:
 * value"); `body` may be NULL. The response must be released. */
void api_request(api_server *s, const char *method, const char *path, const char *body,
		 const char *const *headers, api_resp *out);
void api_resp_release(api_resp *r);
/* A response header's value (first match, case-insensitive) in `buf`; NULL
 * when absent. */
const char *api_header(const api_resp *r, const char *name, char *buf, size_t n);
/* The parsed JSON body (the caller decrefs); fails the test when not JSON. */
struct json_t *api_json(const api_resp *r);
/* error.code of an error reply, or "" */
const char *api_error_code(const api_resp *r, char *buf, size_t n);

#endif
