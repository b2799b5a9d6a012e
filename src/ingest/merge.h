/* merge.h: merging two records of one person, and undoing it. A merge
 * re-points the other customer's orders, returns and interactions to the
 * kept customer, fills the kept profile's empty fields from the other, marks
 * the other merged (never deleted) and records all of it so that unmerge
 * puts everything back. */
#ifndef ECRM_INGEST_MERGE_H
#define ECRM_INGEST_MERGE_H

#include "store/db.h"

/* Merges customer `other` into `keep`; `by` says who asked (may be NULL).
 * *merge_id (may be NULL) gets the id of the merge record. E_NOTFOUND for a
 * missing customer, E_CONFLICT when either is already merged away or they
 * are the same. */
status customer_merge(store *st, int64_t keep, int64_t other, const char *by,
		      int64_t *merge_id, err *e) MUST_CHECK;

/* Undoes the latest merge that made `other` merged away: its records go
 * back, and the kept profile's fields the merge filled are emptied again
 * unless they were changed since. E_NOTFOUND when `other` is not merged. */
status customer_unmerge(store *st, int64_t other, err *e) MUST_CHECK;

#endif
