/*
 * The transparency log of public acts (docs/tlog.md): every public act
 * appends a canonical JSON entry in the same transaction as the act; the
 * integrator folds new entries into the SM3 Merkle tree and signs a
 * checkpoint with the log's SM2 key; anyone can fetch tiles, checkpoints and
 * receipts and check them offline.
 */
#ifndef CR_TLOG_SERVICE_H
#define CR_TLOG_SERVICE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "crypto/crypto.h"
#include "core/clock.h"
#include "core/config.h"
#include "platform/store/store.h"

#define LOG_KEY_NAME   "log" /* the log's key in the keyring */

#define LOG_ENTRY_MAX  4000 /* bytes of an entry: it travels inside receipts (4096 at most) */

/*
 * Appends the entry of a public act, inside the caller's transaction:
 * {"bureau","kind","record_sm3","subject","time"} with keys sorted and no
 * spaces.  The record itself is not in the log (it may hold personal data);
 * its SM3 digest is.  *index gets the entry's index.
 */
enum cr_err log_record(struct store *s, const char *now, const char *kind, const char *subject,
                       const char *bureau, const json_t *record, int64_t *index,
                       struct cr_error *e);

/* Folds every new entry into the tree and signs a checkpoint; *size is the new tree size. */
enum cr_err log_integrate(struct store *s, const struct clock *clk, struct sm2_keyring *keys,
                          const char *origin,
                          int64_t *size, struct cr_error *e);

/*
 * The log's origin: the first line of its first checkpoint once there is
 * one (a log never changes its name), else configured (the configuration's
 * choice, used for the first checkpoint).
 */
enum cr_err log_origin(struct store *s, const char *configured, char out[LOG_ORIGIN_MAX],
                       struct cr_error *e);

/* The log's verifier key, "<origin>+<key ID>+<base64 key>" (C2SP signed-note vkey). */
enum cr_err log_vkey(struct sm2_keyring *keys, const char *origin, struct buf *out,
                     struct cr_error *e);

/* The latest signed checkpoint (malloc'd); CR_ENOTFOUND before the first. */
enum cr_err log_checkpoint(struct store *s, char **note, struct cr_error *e);

/*
 * A tile or entry bundle by its C2SP tlog-tiles path ("0/x001/234",
 * "entries/000.p/12"), within the latest checkpoint.  *immutable is set for
 * full tiles, which never change.
 */
enum cr_err log_tile(struct store *s, const char *path, struct buf *out, int *immutable,
                     struct cr_error *e);

/* One entry's bytes. */
enum cr_err log_entry(struct store *s, int64_t index, struct buf *out, struct cr_error *e);

/*
 * The C2SP tlog-proof receipt of entry index: the entry as extra data, its
 * inclusion proof and the latest checkpoint.  CR_ECONFLICT with code
 * not_yet_integrated while the entry awaits its checkpoint.
 */
enum cr_err log_receipt(struct store *s, int64_t index, struct buf *out, struct cr_error *e);

/*
 * The consistency proof between tree sizes from and to (both at most the
 * latest checkpoint's size): {"from","to","proof":[base64 hashes]}.
 */
enum cr_err log_consistency(struct store *s, int64_t from, int64_t to, json_t **out,
                            struct cr_error *e);

/*
 * Checks a receipt offline against the log's vkey: the checkpoint's
 * signature, then the entry's inclusion in the checkpoint's tree.  *entry
 * gets the entry; *size the checkpoint's tree size.
 */
enum cr_err log_verify_receipt(const char *text, size_t len, const char *vkey, json_t **entry,
                               int64_t *size, struct cr_error *e);

/*
 * Audits the whole log in the database: re-hashes every entry, compares
 * every stored tree hash with the recomputed one, and checks every
 * checkpoint's root and signature (with vkey).  *report is
 * {"entries","checkpoints","ok","problems":[{"what","index","detail"}]};
 * the first problem names the first bad index.
 */
enum cr_err log_audit(struct store *s, const char *vkey, json_t **report, struct cr_error *e);

/*
 * Auditing a log through its public tiles, entry by entry, for
 * `cryptoreg log audit --log URL`: feed every entry (and the leaf hash the
 * log's level-0 tile shows for it), then check the checkpoint.  The first
 * problem is kept with its index.
 */
struct log_auditor;
struct log_auditor *log_auditor_new(void);
void log_auditor_free(struct log_auditor *a);
/* served_leaf: the hash the log's tile holds for this entry, or NULL if not fetched. */
void log_auditor_entry(struct log_auditor *a, const void *data, size_t len,
                       const unsigned char served_leaf[32]);
/*
 * Checks the checkpoint's signature (vkey) and that its root is the root of
 * the entries fed; *report as log_audit's.
 */
enum cr_err log_auditor_finish(struct log_auditor *a, const char *checkpoint, size_t len,
                               const char *vkey, json_t **report, struct cr_error *e);

/*
 * Witnesses (C2SP tlog-cosignature).  A witness is registered by its
 * cosignature vkey (type 0xff, identifier cryptoreg/sm2-sm3-cosignature);
 * the log then accepts its cosignature lines for stored checkpoints and
 * publishes them after the log's own signature.
 */
enum cr_err log_witness_add(struct store *s, const struct clock *clk, const char *vkey,
                            struct cr_error *e);
enum cr_err log_witnesses_json(struct store *s, json_t **out, struct cr_error *e);
/* Verifies a witness's cosignature line for the checkpoint of size and stores it. */
enum cr_err log_cosignature_add(struct store *s, const struct clock *clk, int64_t size,
                                const char *line,
                                struct cr_error *e);

/* The witness's side: what it remembers, and how it decides to cosign. */
struct witness_state {
        int64_t size; /* 0 before the first checkpoint */
        unsigned char root[32];
};
/* "size N\nroot BASE64\n"; returns 0, or -1 for text that is not that. */
int witness_state_parse(const char *text, size_t len, struct witness_state *st);
enum cr_err witness_state_format(const struct witness_state *st, struct buf *out);
/*
 * Checks a signed checkpoint from the log against what the witness saw:
 * the log's signature (log_vkey), then that the log only grew: a smaller
 * size, or the same size with another root, is refused (code
 * log_inconsistent); a larger one needs proof (an array of base64 hashes
 * from /api/v1/log/consistency) to verify.  On success *next is the new
 * state and *body the checkpoint's text to cosign (malloc'd).
 */
enum cr_err witness_check(const struct witness_state *st, const char *log_vkey,
                          const char *checkpoint, size_t len, const json_t *proof,
                          struct witness_state *next, char **body, struct cr_error *e);
/* The cosignature line of the witness's key (keyring name "witness") for body, at time ts. */
enum cr_err witness_cosign(struct sm2_keyring *keys, const char *name, const char *body,
                           uint64_t ts, struct buf *line, struct cr_error *e);
/* The witness's cosignature vkey, to be registered with the log. */
enum cr_err witness_vkey(struct sm2_keyring *keys, const char *name, struct buf *out,
                         struct cr_error *e);

/* How many entries the log holds, and its newest checkpoint (size 0, note NULL: none; malloc'd). */
enum cr_err log_head(struct store *s, int64_t *entries, int64_t *size, char **note,
                     struct cr_error *e);

#endif
