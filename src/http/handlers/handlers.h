/* handlers.h: every HTTP handler, for the route table in routes.c. One file
 * per resource under handlers/; each handler parses, authorises (the table
 * already checked the role), calls one domain function and renders. */
#ifndef ECRM_HTTP_HANDLERS_H
#define ECRM_HTTP_HANDLERS_H

#include "http/request.h"

/* system.c */
status h_healthz(http_req *r, err *e);
status h_metrics(http_req *r, err *e);
status h_openapi(http_req *r, err *e);
/* ../static.c: the embedded web UI */
status h_web_index(http_req *r, err *e);
status h_web_static(http_req *r, err *e);
/* session.c */
status h_login(http_req *r, err *e);
status h_logout(http_req *r, err *e);
status h_me(http_req *r, err *e);
/* account.c */
status h_me_password(http_req *r, err *e);
/* dashboard.c */
status h_dashboard_kpis(http_req *r, err *e);
status h_dashboard_monthly(http_req *r, err *e);
status h_dashboard_pareto(http_req *r, err *e);
status h_dashboard_members(http_req *r, err *e);
/* users.c */
status h_users_list(http_req *r, err *e);
status h_users_create(http_req *r, err *e);
status h_user_get(http_req *r, err *e);
status h_user_update(http_req *r, err *e);
/* apikeys.c */
status h_apikeys_list(http_req *r, err *e);
status h_apikeys_create(http_req *r, err *e);
status h_apikey_revoke(http_req *r, err *e);
/* audit.c */
status h_audit_list(http_req *r, err *e);
status h_audit_verify(http_req *r, err *e);

#endif
