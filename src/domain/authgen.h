/* authgen.h: the database's auth generation, a counter that every change
 * to a session, user or API key that could alter who a credential is or
 * what it may do moves on (triggers, migration 010). Caches of identities
 * (http/auth.c) remember the value they looked an identity up under and
 * trust the entry only while the counter still has it, so servers sharing
 * a database, and the command line, agree at once. */
#ifndef ECRM_DOMAIN_AUTHGEN_H
#define ECRM_DOMAIN_AUTHGEN_H

#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

/* `*out` gets the current generation as the caller's transaction sees it.
 * Read it before the lookup it guards: a change committed in between then
 * shows as a newer value next time, never the other way round. */
status authgen_read(store *st, int64_t *out, err *e) MUST_CHECK;

#endif
