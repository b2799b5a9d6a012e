/* interaction.h: one touchpoint with a customer on any channel. */
#ifndef ECRM_DOMAIN_INTERACTION_H
#define ECRM_DOMAIN_INTERACTION_H

#include "domain/domain.h"

typedef struct {
	int64_t id;
	const char *external_id; /* optional idempotency key */
	int64_t customer_id;
	const char *channel;   /* web, email, chat, phone, store, social */
	const char *direction; /* inbound, outbound */
	const char *kind;      /* visit, message, call, review ... */
	const char *agent;
	int64_t occurred_at;
	const char *subject;
	const char *body;
	const char *attributes; /* JSON object */
} interaction;

/* True when `channel` is one of the six channels. */
bool interaction_channel_valid(const char *channel);
status interaction_validate(const interaction *it, err *e) MUST_CHECK;
/* Inserts; with an external_id an existing record is updated instead.
 * Sets it->id and `*res` (may be NULL). */
status interaction_save(store *st, interaction *it, save_result *res, err *e) MUST_CHECK;

#endif
