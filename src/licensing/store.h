/*
 * Licensing's storage slice (store.c), for the licensing domain only.
 */
#ifndef CR_LICENSING_STORE_H
#define CR_LICENSING_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "kernel/store.h"
#include "platform/store/store.h"

/*
 * Licensing records (products, applications, certificates) travel as JSON
 * objects whose keys are the column names in src/storage/migrate.c; see
 * docs/storage.md.  Lists append objects to an array the caller owns.
 */
enum cr_err store_product_insert(struct store *s, int64_t enterprise_id, const json_t *p,
                                 int64_t *id, struct cr_error *e);
enum cr_err store_product_get(struct store *s, int64_t id, json_t **out, struct cr_error *e);
enum cr_err store_product_update(struct store *s, const json_t *p, int64_t expected_version,
                                 struct cr_error *e);
/* How many applications for the product are not withdrawn or refused. */
enum cr_err store_product_applications(struct store *s, int64_t id, int64_t *out,
                                       struct cr_error *e);
enum cr_err store_product_list(struct store *s, const struct record_query *q, json_t *out,
                               struct cr_error *e);

enum cr_err store_application_insert(struct store *s, const json_t *a, int64_t *id,
                                     struct cr_error *e);
enum cr_err store_application_get(struct store *s, const char *number, json_t **out,
                                  struct cr_error *e);
enum cr_err store_application_update(struct store *s, const json_t *a, int64_t expected_version,
                                     struct cr_error *e);
enum cr_err store_application_list(struct store *s, const struct record_query *q, json_t *out,
                                   struct cr_error *e);
/* Applications in a state that has a deadline, for recomputing after a calendar change. */
enum cr_err store_application_open(struct store *s, json_t *out, struct cr_error *e);
enum cr_err store_application_event_add(struct store *s, int64_t application_id, const char *at,
                                        const char *actor, const char *action,
                                        const char *from_state, const char *to_state,
                                        const char *reason, struct cr_error *e);
enum cr_err store_application_events(struct store *s, int64_t application_id, json_t *out,
                                     struct cr_error *e);

enum cr_err store_document_insert(struct store *s, int64_t application_id, const char *name,
                                  const void *data, size_t len, const char *sm3, const char *at,
                                  const char *by, int64_t *id, struct cr_error *e);
/* Documents' metadata (no content). */
enum cr_err store_document_list(struct store *s, int64_t application_id, json_t *out,
                                struct cr_error *e);
/* One document's name and content (malloc'd). */
enum cr_err store_document_get(struct store *s, int64_t application_id, int64_t id, json_t **meta,
                               char **data, size_t *len, struct cr_error *e);

/* Inserts a certificate with its signed document and signature (both may be NULL). */
enum cr_err store_certificate_insert(struct store *s, const json_t *c, const void *doc,
                                     size_t doc_len, const void *sig, size_t sig_len, int64_t *id,
                                     struct cr_error *e);
/* A certificate with its status history under "history". */
enum cr_err store_certificate_get(struct store *s, const char *number, json_t **out,
                                  struct cr_error *e);
enum cr_err store_certificate_exists(struct store *s, const char *number, int *exists,
                                     struct cr_error *e);
/* Public lookup: exact number, holder USCC or model, or holder name text. */
enum cr_err store_certificate_search(struct store *s, const char *q, int64_t after_id, int limit,
                                     json_t *out, struct cr_error *e);
/* Scoped listing by bureau and holder. */
enum cr_err store_certificate_list(struct store *s, const struct record_query *q, json_t *out,
                                   struct cr_error *e);
/* log_index: the event's entry in the transparency log, or -1 for none (demo history). */
enum cr_err store_certificate_event_add(struct store *s, int64_t certificate_id,
                                        const char *effective_on, const char *status,
                                        const char *reason, const char *at, const char *actor,
                                        int64_t log_index, struct cr_error *e);
/* The signed document (which == 0) or its signature (which == 1), malloc'd. */
enum cr_err store_certificate_blob(struct store *s, const char *number, int which, char **data,
                                   size_t *len, struct cr_error *e);

/* Public keys that signed certificates; inserting a known key ID does nothing. */
enum cr_err store_signing_key_put(struct store *s, const char *key_id, const char *bureau_code,
                                  const char *pem, const char *now, struct cr_error *e);
enum cr_err store_signing_key_list(struct store *s, json_t *out, struct cr_error *e);
enum cr_err store_signing_key_get(struct store *s, const char *key_id, json_t **out,
                                  struct cr_error *e);

#endif
