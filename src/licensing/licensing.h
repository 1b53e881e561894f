/*
 * Licensing under Notice 336: the legal calendar as stored data, products,
 * applications for type approval worked through their statutory states and
 * deadlines, and certificates with their status history, signed documents,
 * and the legacy documents of the four removed approval items.
 *
 * Records are JSON objects (keys as in docs/api.md); every write is one
 * audited transaction.  "today" is the Beijing date of the caller's clock.
 */
#ifndef CR_LICENSING_H
#define CR_LICENSING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "kernel/calendar.h"
#include "kernel/role.h"
#include "platform/store/store.h"
#include "kernel/store.h"

#define DOCUMENT_MAX      (10 * 1024 * 1024)
#define DOCUMENT_NAME_MAX 200
#define REASON_MAX        1000

/* Products (product_service.c). */
enum cr_err product_create(struct store *s, const struct caller *c, const json_t *body,
                           json_t **out, struct cr_error *e);
enum cr_err product_update(struct store *s, const struct caller *c, int64_t id, const json_t *body,
                           json_t **out, struct cr_error *e);
enum cr_err product_get_scoped(struct store *s, const struct caller *c, int64_t id, json_t **out,
                               struct cr_error *e);
/* Fills items with one page and *next with the next cursor (0 at the end). */
enum cr_err product_list(struct store *s, const struct caller *c, struct record_query *q,
                         json_t *items, int64_t *next, struct cr_error *e);
/* Checks an "algorithms" array: known names, allowed key lengths, no repeats. */
enum cr_err product_check_algorithms(const json_t *algs, struct cr_error *e);

/* Applications (application_service.c). */
enum cr_err application_create(struct store *s, const struct caller *c, const json_t *body,
                               json_t **out, struct cr_error *e);
enum cr_err application_get(struct store *s, const struct caller *c, const char *number,
                            json_t **out, struct cr_error *e);
/* overdue: only those whose deadline has passed. */
enum cr_err application_list(struct store *s, const struct caller *c, struct record_query *q,
                             int overdue, json_t *items, int64_t *next, struct cr_error *e);
/*
 * Performs a state change named by action ("accept", "decide", ...; see
 * docs/api.md) with the body's reason and details.  "issue" also creates
 * and signs the certificate with keys; *out is the application (and for
 * "issue", {"application","certificate"}).
 */
enum cr_err application_act(struct store *s, const struct caller *c, struct sm2_keyring *keys,
                            const char *number, const char *action, const json_t *body,
                            json_t **out, struct cr_error *e);
enum cr_err application_attach(struct store *s, const struct caller *c, const char *number,
                               const char *name, const char *data, size_t len, json_t **out,
                               struct cr_error *e);
enum cr_err application_document(struct store *s, const struct caller *c, const char *number,
                                 int64_t id, json_t **meta, char **data, size_t *len,
                                 struct cr_error *e);
/*
 * Recomputes the stored deadline of every open application on cal; called
 * inside the transaction that changes the calendar.
 */
enum cr_err application_recompute_deadlines(struct store *s, const struct caller *c,
                                            const struct legal_calendar *cal, struct cr_error *e);
/*
 * The deadline of an application record on cal as of today: sets the
 * record's due_act, due_on and due_error, and returns the Deadline object
 * of docs/api.md (NULL when its state has none).
 */
json_t *application_deadline(const struct legal_calendar *cal, json_t *app, const char *today);

/* Certificates (certificate_service.c, certificate.c). */
/*
 * The status of a certificate record on a date: not_yet_valid, valid,
 * suspended, revoked or expired.  The record's "history" holds its events.
 */
const char *certificate_status_on(const json_t *cert, const char *date);
/* The public view of a stored certificate record on a date (docs/api.md PublicCertificate). */
json_t *certificate_public_json(const json_t *cert, const char *date, int with_history);
/*
 * The certificate document that is signed: canonical JSON (keys sorted, no
 * whitespace) of the record's public, permanent fields.  malloc'd.
 */
char *certificate_document(const json_t *cert, const char *lookup_base, size_t *len);
/* Adds a year count to a date, for validity periods: the day before the anniversary. */
enum cr_err certificate_expiry(const char *issued_on, int years, char out[DATE_LEN],
                               struct cr_error *e);

/* Public reads: the status shown is on `at`, or on today as clk says. */
enum cr_err certificate_lookup(struct store *s, const struct clock *clk, const char *q, const char *at, int64_t after,
                               int limit, json_t *items, int64_t *next, struct cr_error *e);
enum cr_err certificate_get_public(struct store *s, const struct clock *clk, const char *number,
                                   const char *at,
                                   json_t **out, struct cr_error *e);
enum cr_err certificate_list_scoped(struct store *s, const struct caller *c, struct record_query *q,
                                    const char *status, json_t *items, int64_t *next,
                                    struct cr_error *e);
enum cr_err certificate_set_status(struct store *s, const struct caller *c, const char *number,
                                   const json_t *body, json_t **out, struct cr_error *e);
/*
 * Legacy documents of the removed items from CSV: all rows or none.  Each is
 * a public act; log_first and log_last get the range of their log entries.
 */
enum cr_err certificate_import_legacy(struct store *s, const struct caller *c, const char *data,
                                      size_t len, int *imported, int64_t *log_first,
                                      int64_t *log_last, struct cr_error *e);
/*
 * Issues a type certificate for an approved application record inside the
 * caller's transaction: numbers it, signs its document, stores it and its
 * first status event.  *out is the stored record.
 */
enum cr_err certificate_issue(struct store *s, const struct caller *c, struct sm2_keyring *keys,
                              const json_t *app, const char *today, const char *now, json_t **out,
                              struct cr_error *e);

/* A certificate's signed document (which == CERT_DOCUMENT) or its SM2 signature, malloc'd. */
enum cert_blob { CERT_DOCUMENT = 0, CERT_SIGNATURE = 1 };
enum cr_err certificate_signed_blob(struct store *s, const char *number, enum cert_blob which,
                                    char **data, size_t *len, struct cr_error *e);
/* CR_ENOTFOUND naming the number when there is no such certificate. */
enum cr_err certificate_must_exist(struct store *s, const char *number, struct cr_error *e);
/* The public keys that signed certificates, old and current, appended to items. */
enum cr_err signing_key_list(struct store *s, json_t *items, struct cr_error *e);
/* One public key {key_id, bureau_code, public_key_pem, created_at}. */
enum cr_err signing_key_get(struct store *s, const char *key_id, json_t **out, struct cr_error *e);

/* The base of public lookup URLs printed in certificates and QR codes. */
extern const char *certificate_lookup_base;

#endif
