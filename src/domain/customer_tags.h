/* customer_tags.h: adding and removing tags on many customers at once (the
 * customer list's bulk tagging): one transaction, all or nothing. */
#ifndef ECRM_DOMAIN_CUSTOMER_TAGS_H
#define ECRM_DOMAIN_CUSTOMER_TAGS_H

#include "domain/domain.h"

#define CUSTOMER_TAGS_MAX_IDS  1000 /* customers per call */
#define CUSTOMER_TAGS_MAX      50   /* tags to add, and to remove, per call */
#define CUSTOMER_TAG_MAX_BYTES 100

/* Adds the tags add[0..nadd) to, and removes remove[0..nremove) from, each
 * customer of ids[0..n) (repeated ids count once): a tag already there is
 * not added again; the others keep their order, new ones go at the end.
 * Customers whose tags change get updated_at = `now`; their ids, ascending,
 * go to *changed (from `a`; *nchanged of them). Runs in one transaction
 * (nested in the caller's when one is open). Nothing changes when any
 * customer fails: E_NOTFOUND naming an unknown id, E_CONFLICT naming an
 * erased or merged one, E_INVAL for too many ids or tags, an empty or too
 * long tag, or a tag both added and removed. */
status customer_tags_apply(store *st, const int64_t *ids, size_t n, const char *const *add,
			   size_t nadd, const char *const *remove, size_t nremove, int64_t now,
			   arena *a, int64_t **changed, size_t *nchanged, err *e) MUST_CHECK;

#endif
