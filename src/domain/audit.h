/* audit.h: the append-only audit log. Every write, and every read of one
 * customer's personal data, records who, what, when and from where. Entries
 * form a hash chain: an entry's hash is BLAKE2b-256 over the previous
 * entry's hash and the entry's canonical content, so changing, removing or
 * inserting an entry breaks every hash after it, which audit_verify finds.
 * (Cutting entries off the end is only caught against a head hash kept
 * elsewhere: `ecrm audit verify` prints it.) */
#ifndef ECRM_DOMAIN_AUDIT_H
#define ECRM_DOMAIN_AUDIT_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

#define AUDIT_HASH_SIZE 65 /* hex BLAKE2b-256 + NUL */

typedef struct {
	int64_t id;	       /* set by the store; ignored by audit_record */
	int64_t at;	       /* Unix seconds; 0 in audit_record means now */
	const char *actor;     /* "user:3", "apikey:2", "cli:root", "anonymous" */
	const char *action;    /* "<entity>.<verb>": "customer.read", "user.create" */
	const char *target;    /* "customer:42"; may be NULL */
	const char *address;   /* client address or "cli"; may be NULL */
	const char *detail;    /* JSON text with what changed; may be NULL */
	const char *prev_hash; /* read back only */
	const char *hash;      /* read back only */
} audit_entry;

/* Appends `en` to the log in its own (possibly nested) write transaction:
 * inside a caller's transaction the entry commits or rolls back with the
 * caller's change. actor and action are required. */
status audit_record(store *st, const audit_entry *en, err *e) MUST_CHECK;

/* The newest entry's id and hash, kept in memory by a process that appends
 * often (the server), so an append does not read the log first. The insert
 * at the next id then checks it: when another process appended meanwhile
 * the id is taken, and the head is read from the log after all. It only
 * moves on after a commit it can see (not inside a caller's transaction,
 * which may still roll back). Safe for concurrent use. */
typedef struct audit_head audit_head;
audit_head *audit_head_new(void);
void audit_head_free(audit_head *h);
/* audit_record with a remembered head (`h` may be NULL). */
status audit_record_at(store *st, audit_head *h, const audit_entry *en, err *e) MUST_CHECK;

/* The hash of an entry whose id is `en->id` following `prev_hash`: hex into
 * `out`. Exposed for tests and for verifiers outside ecrm. */
void audit_hash(const char *prev_hash, const audit_entry *en, char out[AUDIT_HASH_SIZE]);

/* Walks the whole chain. E_OK when intact (`*checked` entries, `head` the
 * last hash, or the genesis hash when empty); E_CONFLICT when entry
 * `*bad_id` does not follow (the message says how). Other statuses: the
 * store failed. */
status audit_verify(store *st, int64_t *checked, int64_t *bad_id, char head[AUDIT_HASH_SIZE],
		    err *e) MUST_CHECK;

/* Up to `limit` entries with id < `before` (0: from the newest), newest
 * first; the array and strings live in the arena. */
status audit_list(store *st, arena *a, int64_t before, size_t limit, audit_entry **out, size_t *n,
		  err *e) MUST_CHECK;

#endif
