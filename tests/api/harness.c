/* harness.c: start, talk to and stop a real ecrm server (see harness.h). */
#include "harness.h"
#include "domain/user.h"

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every server started, so an exit handler can stop what a failed test left. */
static pid_t running[16];

static void stop_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(running); i++) {
		if (running[i] > 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], NULL, 0);
			running[i] = 0;
		}
	}
}

static const char *bin(void)
{
	const char *b = getenv("ECRM_BIN");
	if (!b)
		fail_msg("ECRM_BIN is not set: run the API tests through ctest");
	return b;
}

int api_cli(const char *db, const char *input, strbuf *out, ...)
{
	const char *argv[32];
	int in[2], outp[2], st;
	size_t n = 0;
	va_list ap;
	pid_t pid;

	argv[n++] = bin();
	argv[n++] = "--db";
	argv[n++] = db;
	va_start(ap, out);
	while (n < ARRAY_SIZE(argv) - 1 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (pipe(in) || pipe(outp))
		fail_msg("pipe: %s", strerror(errno));
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		close(in[1]);
		close(outp[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	if (input && write(in[1], input, strlen(input)) < 0)
		fail_msg("write: %s", strerror(errno));
	close(in[1]);
	for (;;) {
		char buf[4096];
		ssize_t k = read(outp[0], buf, sizeof(buf));
		if (k <= 0)
			break;
		if (out)
			strbuf_add(out, buf, (size_t)k);
	}
	close(outp[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

const char *api_new_db(const char *name)
{
	const char *path = test_store_uri(name);
	static char keep[4][512];
	static int next;
	char *p = keep[next++ % 4];

	snprintf(p, sizeof(keep[0]), "%s", path);
	if (api_cli(p, NULL, NULL, "init", NULL) != 0)
		fail_msg("ecrm init %s failed", p);
	return p;
}

const char *api_bearer(const char *key)
{
	static char buf[8][192];
	static int next;
	char *h = buf[next++ % 8];

	snprintf(h, sizeof(buf[0]), "Authorization: Bearer %s", key);
	return h;
}

const char *api_str(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long api_login(api_server *s, const char *email, const char *pw, const char *extra_header,
	       api_session *out)
{
	char body[256], buf[512];
	const char *hdrs[] = { "Content-Type: application/json", extra_header, NULL };
	api_resp r;
	long st;

	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, pw);
	api_request(s, "POST", "/api/login", body, hdrs, &r);
	st = r.status;
	if (out && st == 200) {
		json_t *v = api_json(&r);
		const char *c = api_header(&r, "Set-Cookie", buf, sizeof(buf));
		assert_non_null(c);
		snprintf(out->set_cookie, sizeof(out->set_cookie), "%s", c);
		snprintf(out->cookie, sizeof(out->cookie), "Cookie: %.*s", (int)strcspn(c, ";"), c);
		snprintf(out->csrf, sizeof(out->csrf), "X-CSRF-Token: %s",
			 json_string_value(json_object_get(v, "csrf_token")));
		json_decref(v);
	}
	api_resp_release(&r);
	return st;
}

void api_role_keys(const char *db, char keys[][128], int nroles)
{
	for (int r = 0; r < nroles; r++) {
		strbuf out = STRBUF_INIT;
		if (api_cli(db, NULL, &out, "apikey", "create", "--role",
			    user_role_name((user_role)r), NULL) != 0)
			fail_msg("ecrm apikey create --role %s failed",
				 user_role_name((user_role)r));
		snprintf(keys[r], 128, "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
		strbuf_release(&out);
	}
}

void api_start(api_server *s, const char *db, const char *config)
{
	int out[2];
	pid_t pid;
	char line[512];
	size_t len = 0;
	struct pollfd pfd;
	time_t deadline = time(NULL) + 20;

	memset(s, 0, sizeof(*s));
	snprintf(s->db, sizeof(s->db), "%s", db);
	{
		/* A PostgreSQL URI is no file name: logs go to the temporary
		 * directory, one per server started. */
		static int servers;
		char name[32];
		snprintf(name, sizeof(name), "server-%d.log", ++servers);
		snprintf(s->log, sizeof(s->log), "%s", test_tmpfile(name));
	}
	if (pipe(out))
		fail_msg("pipe: %s", strerror(errno));
	if ((pid = fork()) == 0) {
		int logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		/* The server dies with this test process, whatever happens. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		close(out[0]);
		if (config)
			execl(bin(), bin(), "--db", db, "--config", config, "serve", "--listen",
			      "127.0.0.1:0", "--threads", "2", (char *)NULL);
		else
			execl(bin(), bin(), "--db", db, "serve", "--listen", "127.0.0.1:0",
			      "--threads", "2", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	s->pid = pid;
	for (size_t i = 0; i < ARRAY_SIZE(running); i++) {
		if (running[i] <= 0) {
			running[i] = pid;
			break;
		}
	}
	{
		static bool registered;
		if (!registered)
			atexit(stop_all);
		registered = true;
	}
	/* Wait for "ecrm: listening on http://127.0.0.1:PORT (...)". */
	pfd.fd = out[0];
	pfd.events = POLLIN;
	while (time(NULL) < deadline && !memchr(line, '\n', len)) {
		ssize_t k;
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		k = read(out[0], line + len, sizeof(line) - 1 - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	line[len] = '\0';
	close(out[0]);
	{
		const char *p = strstr(line, "127.0.0.1:");
		if (!p || sscanf(p + 10, "%u", &s->port) != 1 || s->port == 0)
			fail_msg("the server did not say where it listens: '%s' (see %s)", line,
				 s->log);
	}
	s->curl = curl_easy_init();
}

int api_stop(api_server *s)
{
	int st = 0;
	time_t deadline = time(NULL) + 15;

	if (s->curl)
		curl_easy_cleanup(s->curl);
	s->curl = NULL;
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	while (waitpid(s->pid, &st, WNOHANG) == 0) {
		struct timespec ts = {0, 20 * 1000000};
		if (time(NULL) > deadline) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(running); i++) {
		if (running[i] == s->pid)
			running[i] = 0;
	}
	s->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static size_t on_data(char *p, size_t size, size_t n, void *sink)
{
	strbuf_add(sink, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *sink)
{
	strbuf *sb = sink;
	/* A new status line starts the final response's headers afresh. */
	if (size * n > 5 && strncmp(p, "HTTP/", 5) == 0)
		strbuf_reset(sb);
	strbuf_add(sb, p, size * n);
	return size * n;
}

void api_request(api_server *s, const char *method, const char *path, const char *body,
		 const char *const *headers, api_resp *out)
{
	struct curl_slist *hl = NULL;
	char url[1024];
	CURL *c = s->curl;
	CURLcode rc;

	strbuf_init(&out->body, 0);
	strbuf_init(&out->headers, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", s->port, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	bool expect = false;

	for (size_t i = 0; headers && headers[i]; i++) {
		hl = curl_slist_append(hl, headers[i]);
		expect |= strncasecmp(headers[i], "Expect:", 7) == 0;
	}
	/* curl would send Expect: 100-continue for big bodies: only on request. */
	if (!expect)
		hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	rc = curl_easy_perform(c);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &out->connects);
	curl_easy_getinfo(c, CURLINFO_LOCAL_PORT, &out->local_port);
}

void api_resp_release(api_resp *r)
{
	strbuf_release(&r->body);
	strbuf_release(&r->headers);
}

const char *api_header(const api_resp *r, const char *name, char *buf, size_t n)
{
	size_t nl = strlen(name);

	for (const char *p = r->headers.buf; *p;) {
		size_t len = strcspn(p, "\r\n");
		if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(buf, n, "%.*s", (int)(len - (size_t)(v - p)), v);
			return buf;
		}
		p += len;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return NULL;
}

json_t *api_json(const api_resp *r)
{
	json_error_t je;
	json_t *v = json_loadb(r->body.buf, r->body.len, 0, &je);

	if (!v)
		fail_msg("not JSON (%s): %.300s", je.text, r->body.buf);
	return v;
}

const char *api_error_code(const api_resp *r, char *buf, size_t n)
{
	json_error_t je;
	json_t *v = json_loadb(r->body.buf, r->body.len, 0, &je);
	json_t *c = v ? json_object_get(json_object_get(v, "error"), "code") : NULL;

	snprintf(buf, n, "%s", json_is_string(c) ? json_string_value(c) : "");
	json_decref(v);
	return buf;
}
