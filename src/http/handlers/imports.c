/* imports.c: /api/imports: upload a CSV (raw body, Content-Type text/csv)
 * to import in the background (202 with the job), follow a job (state,
 * progress, summary, bad rows page by page), list jobs. The work is done by
 * a server's import runner (service/import_runner.h). */
#include "http/handlers/handlers.h"
#include "domain/import_job.h"
#include "ingest/import.h"

#include <strings.h>

static json_t *job_json(const import_job *j)
{
	json_t *o = json_object();
	double pct = j->bytes_total ? 100.0 * (double)j->bytes_done / (double)j->bytes_total : 0;

	json_object_set_new(o, "id", json_integer(j->id));
	json_object_set_new(o, "kind", json_string(j->kind));
	json_object_set_new(o, "format", json_str_or_null(j->format));
	json_object_set_new(o, "dry_run", json_boolean(j->dry_run));
	json_object_set_new(o, "state", json_string(import_job_state_name(j->state)));
	json_object_set_new(o, "filename", json_str_or_null(j->filename));
	json_object_set_new(o, "created_by", json_str_or_null(j->created_by));
	json_object_set_new(o, "created_at", json_integer(j->created_at));
	json_object_set_new(o, "started_at",
			    j->started_at ? json_integer(j->started_at) : json_null());
	json_object_set_new(o, "finished_at",
			    j->finished_at ? json_integer(j->finished_at) : json_null());
	json_object_set_new(o, "progress",
			    json_pack("{s:I, s:I, s:f}", "bytes_done", (json_int_t)j->bytes_done,
				      "bytes_total", (json_int_t)j->bytes_total, "percent", pct));
	json_object_set_new(o, "rows", json_integer(j->rows));
	json_object_set_new(o, "rows_failed", json_integer(j->rows_failed));
	json_object_set_new(o, "summary",
			    j->summary ? json_loads(j->summary, 0, NULL) : json_null());
	json_object_set_new(o, "error", json_str_or_null(j->error));
	return o;
}

/* true/false/1/0/yes/no; `def` when absent. */
static status query_bool(http_req *r, const char *name, bool def, bool *out, err *e)
{
	const char *s = http_query(r, name);

	*out = def;
	if (!s || !*s)
		return E_OK;
	if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
		*out = true;
	else if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
		*out = false;
	else
		return http_bad_request(r, e, name, "%s: must be true or false", name);
	return E_OK;
}

/* Whether `name` is in the comma-separated `list`. */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return false;
}

status h_imports_create(http_req *r, err *e)
{
	const char *ct = http_header(r, "Content-Type"), *kind = http_query(r, "kind");
	const char *format = http_query(r, "format");
	import_job job = {0};
	import_kind k;
	status rc;

	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0 &&
		    strncasecmp(ct, "application/octet-stream", 24) != 0)) {
		r->err_http = 415;
		r->err_code = "unsupported_media_type";
		return err_set(e, E_INVAL,
			       "send the CSV file itself as the body, with Content-Type: text/csv");
	}
	if (!kind || (strcmp(kind, "orders") != 0 && strcmp(kind, "customers") != 0))
		return http_bad_request(r, e, "kind", "kind: must be orders or customers");
	k = strcmp(kind, "orders") == 0 ? IMPORT_ORDERS : IMPORT_CUSTOMERS;
	if (format && *format && strcmp(format, "auto") != 0 &&
	    !in_list(import_format_names(k), format))
		return h_invalid(r, e, "format", "format: '%s' is not one of auto, %s", format,
				 import_format_names(k));
	if ((rc = query_bool(r, "dry_run", false, &job.dry_run, e)))
		return rc;
	if (r->body.len == 0)
		return http_bad_request(r, e, NULL, "the body is empty: send the CSV file");
	job.kind = kind;
	job.format = format && *format && strcmp(format, "auto") != 0 ? format : NULL;
	job.filename = http_query(r, "filename");
	job.created_by = http_actor(r);
	if ((rc = import_job_create(r->st, &job, r->body.buf, r->body.len, e)))
		return rc;
	http_audit(r, "import.create", arena_printf(r->arena, "import:%" PRId64, job.id), NULL);
	http_add_header(r, "Location", arena_printf(r->arena, "/api/imports/%" PRId64, job.id));
	http_reply_json(r, 202, json_pack("{s:o}", "job", job_json(&job)));
	return E_OK;
}

status h_import_get(http_req *r, err *e)
{
	import_job_error *errs;
	int64_t id, limit, after;
	const char *key;
	import_job job;
	size_t n;
	bool more;
	json_t *arr;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = h_limit(r, &limit, e)) ||
	    (rc = h_cursor_decode(r, "e", &after, &key, e)) ||
	    (rc = import_job_load(r->st, id, r->arena, &job, e)) ||
	    (rc = import_job_errors(r->st, id, after, (int)limit, r->arena, &errs, &n, &more, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:I, s:i, s:s?, s:s}", "line", (json_int_t)errs[i].line,
				       "column", errs[i].column, "column_name", errs[i].column_name,
				       "reason", errs[i].reason));
	http_reply_json(
		r, 200,
		json_pack("{s:o, s:o, s:o}", "job", job_json(&job), "errors", arr, "next_cursor",
			  more ? json_string(h_cursor_encode(r->arena, "e", errs[n - 1].seq, NULL))
			       : json_null()));
	return E_OK;
}

status h_imports_list(http_req *r, err *e)
{
	int64_t limit, before;
	const char *key;
	import_job *rows;
	size_t n;
	bool more;
	json_t *arr;
	status rc;

	if ((rc = h_limit(r, &limit, e)) || (rc = h_cursor_decode(r, "j", &before, &key, e)) ||
	    (rc = import_job_list(r->st, before, (int)limit, r->arena, &rows, &n, &more, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, job_json(&rows[i]));
	http_reply_json(
		r, 200,
		json_pack("{s:o, s:o}", "jobs", arr, "next_cursor",
			  more ? json_string(h_cursor_encode(r->arena, "j", rows[n - 1].id, NULL))
			       : json_null()));
	return E_OK;
}
