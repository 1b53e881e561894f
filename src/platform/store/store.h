/*
 * The storage interface the domain sees: transactions and the operations on
 * each kind of record, in terms of domain structs and portable SQL behind
 * them.  No database header appears here; src/storage/db_sqlite.c is the
 * embedded backend and a PostgreSQL backend implements src/storage/db.h.
 *
 * A struct store is one connection, used by one thread at a time; the server
 * keeps a pool of them.  Every write happens between store_begin and
 * store_commit; store_rollback undoes everything since store_begin.
 */
#ifndef CR_STORE_H
#define CR_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "registry/enterprise.h"
#include "registry/user.h"

struct store;

/*
 * Opens the database at path.  With migrate non-zero it creates the file if
 * needed and applies migrations; otherwise the file must exist at the
 * current schema version.
 */
enum cr_err store_open(const char *path, int migrate, struct store **out, struct cr_error *e);
void store_close(struct store *s);
/* The schema version of the open database. */
int store_schema_version(struct store *s);

enum cr_err store_begin(struct store *s, struct cr_error *e);
enum cr_err store_commit(struct store *s, struct cr_error *e);
void store_rollback(struct store *s);

/*
 * A number that changes whenever the database may have changed: after every
 * commit in this process, and when this connection sees a commit by any
 * other connection or process.  Read it before reading data, so that
 * anything derived from that data can be tagged with it and dropped once it
 * changes (the server's cache of public answers).
 */
uint64_t store_generation(struct store *s);

/* A pool of connections for the server's threads. */
struct store_pool;
enum cr_err store_pool_open(const char *path, int size, struct store_pool **out,
                            struct cr_error *e);
struct store *store_pool_acquire(struct store_pool *p);
void store_pool_release(struct store_pool *p, struct store *s);
void store_pool_close(struct store_pool *p);

/* Bureaus: seeded from the domain's table; idempotent. */
enum cr_err store_bureaus_seed(struct store *s, struct cr_error *e);

/* Enterprises. */
struct enterprise_query {
        const char *q;           /* name text or exact USCC; NULL for none */
        const char *bureau_code; /* only this bureau; NULL for all */
        const char *uscc;        /* only this enterprise; NULL for all */
        int64_t after_id;        /* cursor: ids greater than this */
        int limit;               /* at most this many */
};
typedef enum cr_err (*enterprise_visit_fn)(void *arg, const struct enterprise *ent);

/* Inserts ent and sets ent->id; CR_ECONFLICT with code duplicate_uscc if the USCC exists. */
enum cr_err store_enterprise_insert(struct store *s, struct enterprise *ent, struct cr_error *e);
enum cr_err store_enterprise_get(struct store *s, const char *uscc, struct enterprise *out,
                                 struct cr_error *e);
/* Writes ent if its stored version is still expected_version, and bumps the version. */
enum cr_err store_enterprise_update(struct store *s, struct enterprise *ent,
                                    int64_t expected_version, struct cr_error *e);
/* Calls visit for each match in id order; stops early if visit returns non-zero. */
enum cr_err store_enterprise_search(struct store *s, const struct enterprise_query *q,
                                    enterprise_visit_fn visit, void *arg, struct cr_error *e);
enum cr_err store_enterprise_count(struct store *s, int64_t *out, struct cr_error *e);
/* Whether a USCC is already registered. */
enum cr_err store_enterprise_exists(struct store *s, const char *uscc, int *exists,
                                    struct cr_error *e);

/* Users. */
struct user_query {
        const char *bureau_code; /* only users bound to this bureau; NULL for all */
        int64_t after_id;
        int limit;
};
typedef enum cr_err (*user_visit_fn)(void *arg, const struct user *u);

enum cr_err store_user_insert(struct store *s, struct user *u, struct cr_error *e);
enum cr_err store_user_get(struct store *s, const char *username, struct user *out,
                           struct cr_error *e);
enum cr_err store_user_update(struct store *s, const struct user *u, struct cr_error *e);
enum cr_err store_user_list(struct store *s, const struct user_query *q, user_visit_fn visit,
                            void *arg, struct cr_error *e);

/* Sessions and API tokens; lookups ignore expired sessions and disabled users. */
enum cr_err store_session_insert(struct store *s, const struct session *sess, struct cr_error *e);
enum cr_err store_session_find(struct store *s, const char *token_hash, const char *now,
                               struct user *u, char csrf[SECRET_TOKEN_TEXT], struct cr_error *e);
enum cr_err store_session_delete(struct store *s, const char *token_hash, struct cr_error *e);
enum cr_err store_session_delete_for_user(struct store *s, int64_t user_id, struct cr_error *e);

typedef enum cr_err (*token_visit_fn)(void *arg, const struct api_token *t);
enum cr_err store_token_insert(struct store *s, struct api_token *t, struct cr_error *e);
enum cr_err store_token_find(struct store *s, const char *token_hash, struct user *u,
                             struct cr_error *e);
enum cr_err store_token_list(struct store *s, int64_t user_id, token_visit_fn visit, void *arg,
                             struct cr_error *e);
/* Deletes the caller's token; CR_ENOTFOUND if it is not theirs. */
enum cr_err store_token_delete(struct store *s, int64_t id, int64_t user_id, struct api_token *out,
                               struct cr_error *e);

/* The audit trail: append only. */
struct audit_query {
        const char *entity_type;
        const char *entity_id;
        const char *bureau_code; /* only entries in this bureau's jurisdiction */
        int64_t before_id;       /* cursor: newest first, ids less than this (0: from the newest) */
        int limit;
};
typedef enum cr_err (*audit_visit_fn)(void *arg, int64_t id, json_t *entry);

enum cr_err store_audit_append(struct store *s, const struct audit_record *r, struct cr_error *e);
enum cr_err store_audit_list(struct store *s, const struct audit_query *q, audit_visit_fn visit,
                             void *arg, struct cr_error *e);

/*
 * Licensing records (products, applications, certificates) travel as JSON
 * objects whose keys are the column names in src/storage/migrate.c; see
 * docs/storage.md.  Lists append objects to an array the caller owns.
 */
struct record_query {
        const char *bureau_code;     /* only this bureau's; NULL for all */
        const char *enterprise_uscc; /* only this enterprise's; NULL for all */
        const char *state;           /* applications in this state; NULL for all */
        const char *overdue_before;  /* applications whose deadline is before this date */
        const char *q;               /* products: name or model text */
        int64_t after_id;            /* cursor */
        int limit;
};

/* The legal calendar: one file per year, as loaded. */
enum cr_err store_calendar_put(struct store *s, int year, const char *source, const char *file,
                               const char *sm3, int days, const char *now, const char *by,
                               struct cr_error *e);
/* Appends {year, source, sm3, days, loaded_at, loaded_by} (and "file" if with_file) per year. */
enum cr_err store_calendar_list(struct store *s, int with_file, json_t *out, struct cr_error *e);

/* The next value of a named counter, starting at 1 (numbers of applications and certificates). */
enum cr_err store_counter_next(struct store *s, const char *name, int64_t *out, struct cr_error *e);

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

/*
 * Tidies the database after a bulk load: merges the full-text indexes'
 * segments (a fragmented trigram index is several times slower to search)
 * and lets SQLite refresh its query statistics.
 */
enum cr_err store_optimize(struct store *s, struct cr_error *e);

/*
 * The annual sales filing (repo_filing.c).  A Filing travels as a JSON
 * object keyed by the columns of `filings` (migrate.c, migration 5) plus
 * enterprise_name and current; lines, which come by the million, travel as
 * struct store_filing_line.
 */
enum store_filing_col {
        SFL_SALE_DATE,
        SFL_CERTIFICATE_NUMBER,
        SFL_PRODUCT_MODEL,
        SFL_BUYER_TYPE,
        SFL_BUYER_NAME,
        SFL_BUYER_USCC,
        SFL_BUYER_ID_TYPE,
        SFL_BUYER_ID_SEALED,
        SFL_BUYER_ID_MASKED,
        SFL_BUYER_ADDRESS,
        SFL_BUYER_CONTACT_SEALED,
        SFL_BUYER_CONTACT_MASKED,
        SFL_END_USE,
        SFL_NCOLS
};

/* One stored line; the texts are views (not NUL-terminated on insert). */
struct store_filing_line {
        int64_t line; /* in the uploaded file */
        int64_t quantity;
        const char *text[SFL_NCOLS];
        size_t len[SFL_NCOLS];
};

typedef enum cr_err (*store_filing_line_fn)(void *arg, const struct store_filing_line *line,
                                            struct cr_error *e);

enum cr_err store_filing_insert(struct store *s, const json_t *f, int64_t *id, struct cr_error *e);
/* Writes the changeable columns: status, submitted_at, due_on, late, log_index, decision. */
enum cr_err store_filing_update(struct store *s, const json_t *f, struct cr_error *e);
enum cr_err store_filing_get(struct store *s, int64_t id, json_t **out, struct cr_error *e);
/* The newest version of uscc's filing for year, or *out NULL when there is none. */
enum cr_err store_filing_latest(struct store *s, const char *uscc, int year, json_t **out,
                                struct cr_error *e);
enum cr_err store_filing_versions(struct store *s, const char *uscc, int year, json_t *out,
                                  struct cr_error *e);
/* The latest version of each enterprise and year in q's scope (year 0: all), newest first. */
enum cr_err store_filing_list(struct store *s, const struct record_query *q, int year,
                              const char *status, json_t *out, struct cr_error *e);
enum cr_err store_filing_line_insert(struct store *s, int64_t filing_id,
                                     const struct store_filing_line *l, struct cr_error *e);
/* Visits lines after after_line in order, at most limit (0: all); views live for the call. */
enum cr_err store_filing_lines(struct store *s, int64_t filing_id, int64_t after_line, int limit,
                               store_filing_line_fn fn, void *arg, struct cr_error *e);
enum cr_err store_filing_line_get(struct store *s, int64_t filing_id, int64_t line,
                                  store_filing_line_fn fn, void *arg, struct cr_error *e);
enum cr_err store_filing_total_put(struct store *s, int64_t filing_id, const char *certificate,
                                   int64_t lines, int64_t quantity, struct cr_error *e);
enum cr_err store_filing_event_add(struct store *s, int64_t filing_id, const char *at,
                                   const char *actor, const char *action, const char *from,
                                   const char *to, const char *reason, struct cr_error *e);
enum cr_err store_filing_events(struct store *s, int64_t filing_id, json_t *out,
                                struct cr_error *e);
/*
 * Every enterprise obliged to file the sales of year (it held a type
 * certificate valid on some day of the year) with where its filing stands:
 * objects {enterprise_id, uscc, name, bureau_code, certificates, state,
 * filing_id, version, status, submitted_at, late, overdue_event_id},
 * ordered by enterprise_id after after_enterprise, at most limit (0: all).
 * bureau_code and state (on_time, late, returned, missing) filter when set.
 */
enum cr_err store_filing_obligations(struct store *s, int year, const char *bureau_code,
                                     const char *state, int64_t after_enterprise, int limit,
                                     json_t *out, struct cr_error *e);
/* Sets by_bureau, by_category and by_algorithm of out for year (docs/api.md Statistics). */
enum cr_err store_filing_statistics(struct store *s, int year, const char *bureau_code, json_t *out,
                                    struct cr_error *e);
/* The years that have any filing, ascending, as integers appended to out. */
enum cr_err store_filing_years(struct store *s, json_t *out, struct cr_error *e);

/*
 * Enterprise events: {uscc, kind, subject, occurred_on, rule_id, citation,
 * details, recorded_at}.  Adding one that exists (same uscc, kind and
 * subject) changes nothing and sets *added to 0.
 */
enum cr_err store_enterprise_event_add(struct store *s, const json_t *ev, int *added,
                                       struct cr_error *e);
enum cr_err store_enterprise_event_resolve(struct store *s, const char *uscc, const char *kind,
                                           const char *subject, const char *resolved_on,
                                           int64_t filing_id, struct cr_error *e);
enum cr_err store_enterprise_events(struct store *s, const struct record_query *q, const char *kind,
                                    const char *subject, json_t *out, struct cr_error *e);

/* The transparency log (docs/tlog.md): entries, stored tree hashes, checkpoints. */
/* Appends an entry at the next index, in the caller's transaction. */
enum cr_err store_log_append(struct store *s, const char *entry, size_t len, const char *kind,
                             const char *subject, const char *at, int64_t *index,
                             struct cr_error *e);
/* The number of entries. */
enum cr_err store_log_count(struct store *s, int64_t *out, struct cr_error *e);
/* Calls fn for entries [from, to) in order; fn returns non-zero to stop with that error. */
typedef enum cr_err (*log_entry_fn)(void *arg, int64_t index, const void *data, size_t len);
enum cr_err store_log_entries(struct store *s, int64_t from, int64_t to, log_entry_fn fn, void *arg,
                              struct cr_error *e);
enum cr_err store_log_hash_put(struct store *s, unsigned level, uint64_t index,
                               const unsigned char hash[32], struct cr_error *e);
/*
 * Reads the stored hashes of level for indexes [first, first + count) into
 * out; *found is how many consecutive ones from first exist.
 */
enum cr_err store_log_hashes(struct store *s, unsigned level, uint64_t first, size_t count,
                             unsigned char (*out)[32], size_t *found, struct cr_error *e);
enum cr_err store_log_checkpoint_put(struct store *s, int64_t size, const char *note,
                                     const char *at, struct cr_error *e);
/* The newest checkpoint (size 0 and note NULL when there is none); note is malloc'd. */
enum cr_err store_log_checkpoint_latest(struct store *s, int64_t *size, char **note,
                                        struct cr_error *e);
/* Every checkpoint, oldest first, as {size, note, created_at}. */
enum cr_err store_log_checkpoints(struct store *s, json_t *out, struct cr_error *e);

/* Witnesses of the log and their cosignatures of checkpoints. */
enum cr_err store_log_witness_put(struct store *s, const char *name, const char *vkey,
                                  const char *now, struct cr_error *e);
/* Appends {name, vkey, added_at, last_size} per witness. */
enum cr_err store_log_witnesses(struct store *s, json_t *out, struct cr_error *e);
enum cr_err store_log_cosignature_put(struct store *s, int64_t size, const char *witness,
                                      const char *line, const char *now, struct cr_error *e);
/* Appends the cosignature lines of the checkpoint of size to out. */
enum cr_err store_log_cosignature_lines(struct store *s, int64_t size, struct buf *out,
                                        struct cr_error *e);
/* The note of the checkpoint of exactly size (malloc'd), or CR_ENOTFOUND. */
enum cr_err store_log_checkpoint_get(struct store *s, int64_t size, char **note,
                                     struct cr_error *e);

/* Online backup to a file, and verified restore from one (src/storage/backup.c). */
enum cr_err store_backup(const char *db_path, const char *dest, struct cr_error *e);
enum cr_err store_verify_file(const char *path, struct cr_error *e);
enum cr_err store_restore(const char *db_path, const char *src, struct cr_error *e);

#endif
