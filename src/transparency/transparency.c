/*
 * The transparency log of public acts: entries appended with their acts,
 * integration into the SM3 Merkle tree with SM2-signed checkpoints, tiles,
 * receipts, and the offline checks anyone can run (docs/tlog.md).
 */
#include "transparency/transparency.h"
#include "transparency/transparency_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "transparency/hashers.h"
#include "core/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/receipt.h"
#include "tlog/tile.h"
#include "transparency/store.h"

enum cr_err log_record(struct store *s, const char *now, const char *kind, const char *subject,
                       const char *bureau, const json_t *record, int64_t *index,
                       struct cr_error *e)
{
        char digest[SM3_HEX_LEN];
        char *rec = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
        json_t *entry;
        char *text;
        enum cr_err err;

        if (!rec)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = sm3_hex(rec, strlen(rec), digest);
        free(rec);
        if (err)
                return cr_fail(e, err, "internal", NULL, "SM3 failed");
        entry = json_pack("{s:s, s:s, s:s, s:s, s:s}", "bureau", bureau ? bureau : "", "kind", kind,
                          "record_sm3", digest, "subject", subject, "time", now);
        text = entry ? json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(entry);
        if (!text)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        /* An entry must fit in a receipt (tlog-proof extra data), whatever its subject. */
        if (strlen(text) > LOG_ENTRY_MAX) {
                free(text);
                return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                               "a log entry for %s would be longer than %d bytes", kind,
                               LOG_ENTRY_MAX);
        }
        err = store_log_append(s, text, strlen(text), kind, subject, now, index, e);
        free(text);
        return err;
}

/* Reads stored node hashes for the tree code, one node at a time. */
static enum cr_err store_reader(void *ctx, uint64_t tree_size, const struct tlog_node *nodes,
                                size_t n, uint8_t (*out)[TLOG_HASH_LEN], struct cr_error *e)
{
        struct store *s = ctx;

        (void)tree_size;
        for (size_t i = 0; i < n; i++) {
                size_t found = 0;
                enum cr_err err =
                    store_log_hashes(s, nodes[i].level, nodes[i].index, 1, &out[i], &found, e);
                if (err)
                        return err;
                if (found != 1)
                        return cr_fail(e, CR_ENOTFOUND, "not_found", NULL,
                                       "the log has no stored hash at level %u index %llu",
                                       nodes[i].level, (unsigned long long)nodes[i].index);
        }
        return CR_OK;
}

/* The log's key material (0xff || identifier || SM2 point) and its PEM. */
static enum cr_err log_key(struct sm2_keyring *keys, uint8_t key[TLOG_SM2_KEY_MAX], size_t *key_len,
                           char pem[SM2_PUB_PEM_MAX], struct cr_error *e)
{
        char key_id[SM2_KEY_ID_LEN];
        unsigned char point[SM2_POINT_LEN];
        enum cr_err err = sm2_keyring_public(keys, LOG_KEY_NAME, key_id, pem, e);

        if (!err)
                err = sm2_public_point(pem, point, e);
        if (err)
                return err;
        *key_len = tlog_sm2_key(TLOG_KEY_SM2, point, key);
        return *key_len ? CR_OK
                        : cr_fail(e, CR_EINTERNAL, "internal", NULL, "the log key is not SM2");
}

enum cr_err log_origin(struct store *s, const char *configured, char out[LOG_ORIGIN_MAX],
                       struct cr_error *e)
{
        int64_t size = 0;
        char *note = NULL;
        enum cr_err err = store_log_checkpoint_latest(s, &size, &note, e);
        size_t n;

        if (err)
                return err;
        if (!note) {
                snprintf(out, LOG_ORIGIN_MAX, "%s", configured);
                return CR_OK;
        }
        n = strcspn(note, "\n");
        snprintf(out, LOG_ORIGIN_MAX, "%.*s", (int)n, note);
        free(note);
        return CR_OK;
}

enum cr_err log_vkey(struct sm2_keyring *keys, const char *origin, struct buf *out,
                     struct cr_error *e)
{
        uint8_t key[TLOG_SM2_KEY_MAX];
        char pem[SM2_PUB_PEM_MAX];
        size_t key_len;
        enum cr_err err = log_key(keys, key, &key_len, pem, e);

        return err ? err : tlog_vkey_format(&log_sha256_hasher, origin, key, key_len, out, e);
}

struct integrate_ctx {
        struct store *s;
        struct tlog_frontier frontier;
        int64_t expect;
};

static enum cr_err integrate_entry(void *arg, int64_t index, const void *data, size_t len)
{
        struct integrate_ctx *ic = arg;
        struct tlog_node_hash done[TLOG_LEVELS];
        uint8_t leaf[TLOG_HASH_LEN];
        size_t n = 0;
        struct cr_error *e = NULL;
        static __thread struct cr_error scratch;
        enum cr_err err;

        e = &scratch;
        if (index != ic->expect)
                return CR_EINTERNAL;
        ic->expect++;
        tlog_leaf_hash(&log_sm3_hasher, data, len, leaf);
        err = tlog_frontier_append(&ic->frontier, &log_sm3_hasher, leaf, done, &n, e);
        for (size_t i = 0; !err && i < n; i++)
                err = store_log_hash_put(ic->s, done[i].node.level, done[i].node.index,
                                         done[i].hash, e);
        cr_error_clear(e);
        return err;
}

enum cr_err log_integrate(struct store *s, const struct clock *clk, struct sm2_keyring *keys,
                          const char *origin,
                          int64_t *size, struct cr_error *e)
{
        struct integrate_ctx *ic = malloc(sizeof(*ic));
        struct tlog_reader reader = {store_reader, s};
        uint8_t key[TLOG_SM2_KEY_MAX];
        char pem[SM2_PUB_PEM_MAX], now[RFC3339_LEN], named[LOG_ORIGIN_MAX];
        size_t key_len;
        int64_t have = 0, count = 0;
        char *note = NULL;
        struct buf out;
        enum cr_err err;

        if (!ic)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        buf_init(&out, 64 * 1024);
        err = log_key(keys, key, &key_len, pem, e);
        if (!err)
                err = store_begin(s, e);
        if (err)
                goto out;
        err = log_origin(s, origin, named, e);
        origin = named;
        if (!err)
                err = store_log_checkpoint_latest(s, &have, &note, e);
        if (!err)
                err = store_log_count(s, &count, e);
        *size = have;
        if (!err && count == have) {
                /* Nothing new: end the transaction without a commit, which would count as a
                 * change and drop every cached public answer. */
                store_rollback(s);
                goto out;
        }
        if (err)
                goto commit;
        ic->s = s;
        ic->expect = have;
        err = tlog_frontier_load(&ic->frontier, &reader, (uint64_t)have, e);
        if (!err) {
                err = store_log_entries(s, have, count, integrate_entry, ic, e);
                if (err && !e->err)
                        cr_fail(e, err, "internal", NULL, "integrating entry %lld failed",
                                (long long)ic->expect);
        }
        if (!err) {
                struct tlog_checkpoint cp = {origin, strlen(origin), (uint64_t)count, {0}, NULL, 0};
                struct keyring_key log = {keys, LOG_KEY_NAME};
                struct tlog_note_signer signer = {
                    origin,
                    tlog_note_key_id(&log_sha256_hasher, origin, strlen(origin), key, key_len),
                    keyring_key_sign, &log};
                tlog_frontier_root(&ic->frontier, &log_sm3_hasher, cp.root);
                err = tlog_checkpoint_sign(&cp, &signer, 1, &out, e);
        }
        clock_now_rfc3339(clk, now);
        if (!err)
                err = buf_append(&out, "", 1)
                          ? cr_fail(e, CR_ENOMEM, "internal", NULL, "oom")
                          : store_log_checkpoint_put(s, count, out.data, now, e);
        if (!err)
                *size = count;
commit:
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
out:
        free(note);
        free(ic);
        buf_release(&out);
        return err;
}

enum cr_err log_checkpoint(struct store *s, char **note, struct cr_error *e)
{
        int64_t size;
        enum cr_err err = store_log_checkpoint_latest(s, &size, note, e);

        struct buf b;

        if (!err && !*note)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "the log has no checkpoint yet");
        if (err)
                return err;
        /* Witnesses' cosignatures follow the log's own signature, as more signature lines. */
        buf_init(&b, 64 * 1024);
        err = buf_puts(&b, *note) ? cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory")
                                  : store_log_cosignature_lines(s, size, &b, e);
        if (!err && buf_append(&b, "", 1))
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err) {
                free(*note);
                *note = buf_detach(&b, NULL);
        }
        buf_release(&b);
        return err;
}

struct bundle_ctx {
        struct buf *out;
};

static enum cr_err bundle_entry(void *arg, int64_t index, const void *data, size_t len)
{
        struct bundle_ctx *bc = arg;
        unsigned char prefix[2] = {(unsigned char)(len >> 8), (unsigned char)len};

        (void)index;
        /* C2SP tlog-tiles entry bundles: each entry after its big-endian 16-bit length. */
        if (len > 0xffff)
                return CR_EINTERNAL;
        if (buf_append(bc->out, (const char *)prefix, 2) ||
            buf_append(bc->out, (const char *)data, len))
                return CR_ENOMEM;
        return CR_OK;
}

enum cr_err log_tile(struct store *s, const char *path, struct buf *out, int *immutable,
                     struct cr_error *e)
{
        struct tlog_tile t;
        int64_t size;
        char *note = NULL;
        unsigned avail;
        enum cr_err err = tlog_tile_path_parse(path, strlen(path), &t, e);

        if (err)
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no tile %s", path);
        err = store_log_checkpoint_latest(s, &size, &note, e);
        free(note);
        if (err)
                return err;
        avail = tlog_tile_width(t.level, t.index, (uint64_t)size);
        if (avail == 0 || t.width > avail)
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL,
                               "tile %s is not in the tree of the latest checkpoint (size %lld)",
                               path, (long long)size);
        *immutable = t.width == TLOG_TILE_WIDTH;
        if (t.level == TLOG_TILE_LEVEL_ENTRIES) {
                struct bundle_ctx bc = {out};
                int64_t first = (int64_t)t.index * TLOG_TILE_WIDTH;
                err = store_log_entries(s, first, first + t.width, bundle_entry, &bc, e);
                if (err && !e->err)
                        cr_fail(e, err, "internal", NULL, "cannot bundle entries");
                return err;
        }
        {
                unsigned char(*hashes)[32] = malloc(TLOG_TILE_WIDTH * 32);
                size_t found = 0;
                if (!hashes)
                        return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                err = store_log_hashes(s, (unsigned)t.level * TLOG_TILE_HEIGHT,
                                       t.index * TLOG_TILE_WIDTH, t.width, hashes, &found, e);
                if (!err && found != t.width)
                        err = cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                      "tile %s lacks stored hashes", path);
                if (!err && buf_append(out, (const char *)hashes, (size_t)t.width * 32))
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                free(hashes);
        }
        return err;
}

static enum cr_err copy_entry(void *arg, int64_t index, const void *data, size_t len)
{
        (void)index;
        return buf_append(arg, (const char *)data, len) ? CR_ENOMEM : CR_OK;
}

enum cr_err log_entry(struct store *s, int64_t index, struct buf *out, struct cr_error *e)
{
        enum cr_err err = store_log_entries(s, index, index + 1, copy_entry, out, e);

        if (!err && out->len == 0)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no log entry %lld",
                              (long long)index);
        return err;
}

enum cr_err log_receipt(struct store *s, int64_t index, struct buf *out, struct cr_error *e)
{
        struct tlog_receipt *r = calloc(1, sizeof(*r));
        struct tlog_reader reader = {store_reader, s};
        struct buf entry;
        int64_t size = 0;
        char *note = NULL;
        enum cr_err err;

        if (!r)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        buf_init(&entry, TLOG_RECEIPT_EXTRA_MAX);
        err = store_log_checkpoint_latest(s, &size, &note, e);
        if (!err)
                err = log_entry(s, index, &entry, e);
        if (!err && index >= size)
                err = cr_fail(e, CR_ECONFLICT, "not_yet_integrated", NULL,
                              "entry %lld is not yet covered by a signed checkpoint (size %lld); "
                              "ask again in a moment",
                              (long long)index, (long long)size);
        if (!err)
                err = tlog_prove_inclusion(&log_sm3_hasher, &reader, (uint64_t)index,
                                           (uint64_t)size, &r->proof, e);
        if (!err && entry.len > sizeof(r->extra))
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL,
                              "entry %lld is too long for a receipt", (long long)index);
        if (!err) {
                /* The receipt carries only the checkpoint's text and the log's signature. */
                r->has_extra = true;
                r->extra_len = entry.len;
                memcpy(r->extra, entry.data, entry.len);
                r->index = (uint64_t)index;
                r->checkpoint = note;
                r->checkpoint_len = strlen(note);
                err = tlog_receipt_format(r, out, e);
        }
        free(note);
        free(r);
        buf_release(&entry);
        return err;
}

enum cr_err log_consistency(struct store *s, int64_t from, int64_t to, json_t **out,
                            struct cr_error *e)
{
        struct tlog_proof *p = calloc(1, sizeof(*p));
        struct tlog_reader reader = {store_reader, s};
        int64_t size = 0;
        char *note = NULL;
        enum cr_err err;

        if (!p)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = store_log_checkpoint_latest(s, &size, &note, e);
        free(note);
        if (!err && (from < 1 || to < from || to > size))
                err = cr_fail(e, CR_EINVAL, "invalid_value", "from",
                              "from and to must satisfy 1 <= from <= to <= %lld, the signed size",
                              (long long)size);
        if (!err)
                err = tlog_prove_consistency(&log_sm3_hasher, &reader, (uint64_t)from, (uint64_t)to,
                                             p, e);
        if (!err) {
                json_t *hashes = json_array();
                for (size_t i = 0; i < p->len; i++) {
                        char b64[BASE64_LEN(TLOG_HASH_LEN) + 1];
                        base64_encode(p->hash[i], TLOG_HASH_LEN, b64);
                        b64[BASE64_LEN(TLOG_HASH_LEN)] = '\0';
                        json_array_append_new(hashes, json_string(b64));
                }
                *out = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
                                 "proof", hashes);
        }
        free(p);
        return err;
}

static enum cr_err sm2_pem_verify(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                                  size_t siglen, int *valid, struct cr_error *e)
{
        return sm2_verify(ctx, msg, len, sig, siglen, valid, e);
}

/* A verifier for the log's vkey; pem receives the public key it checks with. */
static enum cr_err verifier_from_vkey(const char *vkey, struct tlog_vkey *k,
                                      char pem[SM2_PUB_PEM_MAX], struct tlog_note_verifier *v,
                                      struct cr_error *e)
{
        size_t off = 0;
        enum cr_err err = tlog_vkey_parse(&log_sha256_hasher, vkey, strlen(vkey), k, e);

        if (err)
                return err;
        if (tlog_key_type_of(k->key, k->key_len, &off) != TLOG_KEY_SM2 ||
            k->key_len - off != SM2_POINT_LEN)
                return cr_fail(e, CR_EINVAL, "invalid_value", "key",
                               "the key is not an SM2 log key (type 0xff cryptoreg/sm2-sm3)");
        err = sm2_point_pem(k->key + off, pem, e);
        if (err)
                return err;
        v->name = k->name;
        v->key_id = k->key_id;
        v->verify = sm2_pem_verify;
        v->ctx = pem;
        return CR_OK;
}

enum cr_err log_verify_receipt(const char *text, size_t len, const char *vkey, json_t **entry,
                               int64_t *size, struct cr_error *e)
{
        struct tlog_receipt *r = calloc(1, sizeof(*r));
        struct tlog_note *note = calloc(1, sizeof(*note));
        struct tlog_vkey *k = calloc(1, sizeof(*k));
        struct tlog_note_verifier v;
        struct tlog_checkpoint cp;
        uint8_t leaf[TLOG_HASH_LEN];
        char pem[SM2_PUB_PEM_MAX];
        enum cr_err err;

        if (!r || !note || !k) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        err = verifier_from_vkey(vkey, k, pem, &v, e);
        if (!err)
                err = tlog_receipt_parse(text, len, r, e);
        if (!err && !r->has_extra)
                err = cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                              "the receipt carries no entry to check");
        if (!err)
                err = tlog_checkpoint_open(r->checkpoint, r->checkpoint_len, &v, 1, note, &cp, e);
        if (!err) {
                tlog_leaf_hash(&log_sm3_hasher, r->extra, r->extra_len, leaf);
                err = tlog_verify_inclusion(&log_sm3_hasher, r->index, cp.size, leaf, &r->proof,
                                            cp.root, e);
        }
        if (!err) {
                *entry = json_loadb((const char *)r->extra, r->extra_len, 0, NULL);
                if (!*entry)
                        err = cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                                      "the entry is proven but is not JSON");
                *size = (int64_t)cp.size;
        }
out:
        free(r);
        free(note);
        free(k);
        return err;
}

struct audit_ctx {
        struct store *s;
        struct tlog_frontier frontier;
        json_t *problems;
        json_t *checkpoints;
        size_t next_checkpoint;
        const struct tlog_note_verifier *verifier;
        unsigned char (*stored)[32];
};

static void problem(struct audit_ctx *ac, const char *what, int64_t index, const char *detail)
{
        if (json_array_size(ac->problems) < 100)
                json_array_append_new(ac->problems,
                                      json_pack("{s:s, s:I, s:s}", "what", what, "index",
                                                (json_int_t)index, "detail", detail));
}

/* Checks the checkpoint of the tree size the audit has reached, if there is one. */
static void audit_checkpoint(struct audit_ctx *ac)
{
        json_t *c;

        while ((c = json_array_get(ac->checkpoints, ac->next_checkpoint)) &&
               (uint64_t)json_integer_value(json_object_get(c, "size")) <= ac->frontier.size) {
                const char *text = json_string_value(json_object_get(c, "note"));
                int64_t size = json_integer_value(json_object_get(c, "size"));
                struct tlog_note note;
                struct tlog_checkpoint cp;
                struct cr_error ce = CR_ERROR_INIT;
                uint8_t root[TLOG_HASH_LEN];

                ac->next_checkpoint++;
                if ((uint64_t)size != ac->frontier.size)
                        continue; /* reached only if entries are missing; reported there */
                if (tlog_checkpoint_open(text, strlen(text), ac->verifier, 1, &note, &cp, &ce)) {
                        problem(ac, "checkpoint", size, ce.detail);
                } else {
                        tlog_frontier_root(&ac->frontier, &log_sm3_hasher, root);
                        if (cp.size != (uint64_t)size || memcmp(root, cp.root, 32) != 0)
                                problem(ac, "checkpoint", size,
                                        "the checkpoint's root is not the root of the entries "
                                        "before it");
                }
                cr_error_clear(&ce);
        }
}

static enum cr_err audit_entry(void *arg, int64_t index, const void *data, size_t len)
{
        struct audit_ctx *ac = arg;
        struct tlog_node_hash done[TLOG_LEVELS];
        uint8_t leaf[TLOG_HASH_LEN];
        struct cr_error ce = CR_ERROR_INIT;
        size_t n = 0;

        if ((uint64_t)index != ac->frontier.size) {
                problem(ac, "entry", (int64_t)ac->frontier.size, "an entry is missing here");
                return CR_EINVAL;
        }
        tlog_leaf_hash(&log_sm3_hasher, data, len, leaf);
        if (tlog_frontier_append(&ac->frontier, &log_sm3_hasher, leaf, done, &n, &ce))
                return CR_EINTERNAL;
        for (size_t i = 0; i < n; i++) {
                size_t found = 0;
                if (store_log_hashes(ac->s, done[i].node.level, done[i].node.index, 1, ac->stored,
                                     &found, &ce) == CR_OK &&
                    found == 1 && memcmp(ac->stored[0], done[i].hash, 32) == 0)
                        continue;
                /* A stored hash that disagrees means the entry or the tile was altered. */
                problem(ac, found ? "hash" : "entry", index,
                        found ? "the entry at this index, or a stored tree hash (tile) over it, "
                                "was altered: they no longer match"
                              : "a stored tree hash over this entry is missing");
                break;
        }
        cr_error_clear(&ce);
        audit_checkpoint(ac);
        return CR_OK;
}

enum cr_err log_audit(struct store *s, const char *vkey, json_t **report, struct cr_error *e)
{
        struct audit_ctx *ac = calloc(1, sizeof(*ac));
        struct tlog_vkey *k = calloc(1, sizeof(*k));
        struct tlog_note_verifier v;
        char pem[SM2_PUB_PEM_MAX];
        int64_t count = 0;
        enum cr_err err;

        if (!ac || !k) {
                free(ac);
                free(k);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        ac->s = s;
        ac->problems = json_array();
        ac->checkpoints = json_array();
        ac->stored = malloc(32);
        ac->verifier = &v;
        tlog_frontier_init(&ac->frontier);
        err = verifier_from_vkey(vkey, k, pem, &v, e);
        if (!err)
                err = store_log_checkpoints(s, ac->checkpoints, e);
        if (!err)
                err = store_log_count(s, &count, e);
        if (!err) {
                enum cr_err walk = store_log_entries(s, 0, count, audit_entry, ac, e);
                if (walk && walk != CR_EINVAL && !e->err)
                        err = cr_fail(e, walk, "internal", NULL, "the audit could not read");
                else if (walk == CR_EINVAL)
                        cr_error_clear(e);
        }
        if (!err) {
                audit_checkpoint(ac);
                if (ac->next_checkpoint < json_array_size(ac->checkpoints))
                        problem(ac, "checkpoint",
                                json_integer_value(json_object_get(
                                    json_array_get(ac->checkpoints, ac->next_checkpoint), "size")),
                                "a checkpoint covers entries the log does not have");
                *report =
                    json_pack("{s:I, s:I, s:b, s:O}", "entries", (json_int_t)count, "checkpoints",
                              (json_int_t)json_array_size(ac->checkpoints), "ok",
                              json_array_size(ac->problems) == 0, "problems", ac->problems);
        }
        json_decref(ac->problems);
        json_decref(ac->checkpoints);
        free(ac->stored);
        free(ac);
        free(k);
        return err;
}

struct log_auditor {
        struct tlog_frontier frontier;
        json_t *problems;
};

struct log_auditor *log_auditor_new(void)
{
        struct log_auditor *a = calloc(1, sizeof(*a));

        if (!a)
                return NULL;
        tlog_frontier_init(&a->frontier);
        a->problems = json_array();
        if (!a->problems) {
                free(a);
                return NULL;
        }
        return a;
}

void log_auditor_free(struct log_auditor *a)
{
        if (!a)
                return;
        json_decref(a->problems);
        free(a);
}

static void auditor_problem(struct log_auditor *a, const char *what, int64_t index,
                            const char *detail)
{
        if (json_array_size(a->problems) < 100)
                json_array_append_new(a->problems,
                                      json_pack("{s:s, s:I, s:s}", "what", what, "index",
                                                (json_int_t)index, "detail", detail));
}

void log_auditor_entry(struct log_auditor *a, const void *data, size_t len,
                       const unsigned char served_leaf[32])
{
        uint8_t leaf[TLOG_HASH_LEN];
        struct cr_error ce = CR_ERROR_INIT;
        int64_t index = (int64_t)a->frontier.size;

        tlog_leaf_hash(&log_sm3_hasher, data, len, leaf);
        if (served_leaf && memcmp(leaf, served_leaf, TLOG_HASH_LEN) != 0)
                auditor_problem(a, "hash", index,
                                "the log's tile holds another hash than its entry's");
        if (tlog_frontier_append(&a->frontier, &log_sm3_hasher, leaf, NULL, NULL, &ce))
                auditor_problem(a, "entry", index, ce.detail);
        cr_error_clear(&ce);
}

enum cr_err log_auditor_finish(struct log_auditor *a, const char *checkpoint, size_t len,
                               const char *vkey, json_t **report, struct cr_error *e)
{
        struct tlog_note *note = calloc(1, sizeof(*note));
        struct tlog_vkey *k = calloc(1, sizeof(*k));
        struct tlog_note_verifier v;
        struct tlog_checkpoint cp;
        char pem[SM2_PUB_PEM_MAX];
        uint8_t root[TLOG_HASH_LEN];
        struct cr_error ce = CR_ERROR_INIT;
        enum cr_err err;

        if (!note || !k) {
                free(note);
                free(k);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        err = verifier_from_vkey(vkey, k, pem, &v, e);
        if (!err) {
                if (tlog_checkpoint_open(checkpoint, len, &v, 1, note, &cp, &ce)) {
                        auditor_problem(a, "checkpoint", -1, ce.detail);
                } else if (cp.size != a->frontier.size) {
                        auditor_problem(a, "checkpoint", (int64_t)cp.size,
                                        "the checkpoint's size is not the number of entries "
                                        "served");
                } else {
                        tlog_frontier_root(&a->frontier, &log_sm3_hasher, root);
                        if (memcmp(root, cp.root, TLOG_HASH_LEN) != 0)
                                auditor_problem(a, "checkpoint", (int64_t)cp.size,
                                                "the checkpoint's root is not the root of the "
                                                "entries served");
                }
                cr_error_clear(&ce);
                *report = json_pack("{s:I, s:I, s:b, s:O}", "entries", (json_int_t)a->frontier.size,
                                    "checkpoints", (json_int_t)1, "ok",
                                    json_array_size(a->problems) == 0, "problems", a->problems);
        }
        free(note);
        free(k);
        return err;
}

enum cr_err log_integrate_job(const struct job_env *env, void *state, struct cr_error *e)
{
        int64_t size = 0;

        (void)state;
        return log_integrate(env->store, env->clock, env->keys, env->log_origin, &size, e);
}

enum cr_err log_head(struct store *s, int64_t *entries, int64_t *size, char **note,
                     struct cr_error *e)
{
        enum cr_err err = store_log_count(s, entries, e);

        if (!err)
                err = store_log_checkpoint_latest(s, size, note, e);
        return err;
}
