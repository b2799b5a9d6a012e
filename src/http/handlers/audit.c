/* audit.c: /api/audit: recent entries, and a check of the hash chain. */
#include "http/handlers/handlers.h"
#include "domain/audit.h"

status h_audit_list(http_req *r, err *e)
{
	int64_t before, limit;
	audit_entry *v;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = http_query_int(r, "before", 0, 0, INT64_MAX, &before, e)) ||
	    (rc = http_query_int(r, "limit", 100, 1, 1000, &limit, e)) ||
	    (rc = audit_list(r->st, r->arena, before, (size_t)limit, &v, &n, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
						(json_int_t)v[i].id, "at", (json_int_t)v[i].at,
						"actor", v[i].actor, "action", v[i].action,
						"target", v[i].target, "address", v[i].address,
						"detail", v[i].detail, "hash", v[i].hash));
	http_reply_json(r, 200, json_pack("{s:o}", "entries", arr));
	return E_OK;
}

status h_audit_verify(http_req *r, err *e)
{
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad;
	status rc;

	rc = audit_verify(r->st, &checked, &bad, head, e);
	if (rc == E_OK)
		http_reply_json(r, 200,
				json_pack("{s:b, s:I, s:s}", "intact", 1, "checked",
					  (json_int_t)checked, "head", head));
	else if (rc == E_CONFLICT)
		http_reply_json(r, 200,
				json_pack("{s:b, s:I, s:I, s:s}", "intact", 0, "checked",
					  (json_int_t)checked, "first_bad_id", (json_int_t)bad,
					  "message", e->msg));
	else
		return rc;
	return E_OK;
}
