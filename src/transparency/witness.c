/*
 * Witnessing the transparency log: the log's registry of witnesses and
 * their cosignatures, and the witness's own decision to cosign only a
 * checkpoint that is consistent with everything it saw before (C2SP
 * tlog-cosignature; the witness pulls checkpoints and consistency proofs).
 */
#include "transparency/transparency.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/timeutil.h"
#include "transparency/hashers.h"
#include "core/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "transparency/store.h"

#define WITNESS_KEY_NAME "witness"

static enum cr_err pem_verify(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                              size_t siglen, int *valid, struct cr_error *e)
{
        return sm2_verify(ctx, msg, len, sig, siglen, valid, e);
}

/* The PEM of an SM2 key of the given type from a vkey. */
static enum cr_err vkey_pem(const char *vkey, enum tlog_key_type want, struct tlog_vkey *k,
                            char pem[SM2_PUB_PEM_MAX], struct cr_error *e)
{
        size_t off = 0;
        enum cr_err err = tlog_vkey_parse(&log_sha256_hasher, vkey, strlen(vkey), k, e);

        if (err)
                return err;
        if (tlog_key_type_of(k->key, k->key_len, &off) != want || k->key_len - off != SM2_POINT_LEN)
                return cr_fail(e, CR_EINVAL, "invalid_value", "key",
                               want == TLOG_KEY_SM2_COSIG
                                   ? "not an SM2 cosignature key (cryptoreg/sm2-sm3-cosignature)"
                                   : "not an SM2 log key (cryptoreg/sm2-sm3)");
        return sm2_point_pem(k->key + off, pem, e);
}

enum cr_err log_witness_add(struct store *s, const struct clock *clk, const char *vkey,
                            struct cr_error *e)
{
        struct tlog_vkey k;
        char pem[SM2_PUB_PEM_MAX], now[RFC3339_LEN];
        enum cr_err err = vkey_pem(vkey, TLOG_KEY_SM2_COSIG, &k, pem, e);

        if (err)
                return err;
        clock_now_rfc3339(clk, now);
        err = store_begin(s, e);
        if (!err)
                err = store_log_witness_put(s, k.name, vkey, now, e);
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
        return err;
}

enum cr_err log_witnesses_json(struct store *s, json_t **out, struct cr_error *e)
{
        json_t *items = json_array();
        enum cr_err err = store_log_witnesses(s, items, e);

        if (err) {
                json_decref(items);
                return err;
        }
        *out = json_pack("{s:o}", "items", items);
        return CR_OK;
}

enum cr_err log_cosignature_add(struct store *s, const struct clock *clk, int64_t size,
                                const char *line, struct cr_error *e)
{
        struct tlog_cosignature c;
        struct tlog_vkey k;
        struct buf msg;
        char pem[SM2_PUB_PEM_MAX], now[RFC3339_LEN];
        char *note = NULL;
        json_t *witnesses = json_array();
        const char *vkey = NULL;
        size_t i, body_len;
        json_t *w;
        int valid = 0;
        enum cr_err err;

        buf_init(&msg, 64 * 1024);
        err = tlog_cosig_parse(line, strlen(line), &c, e);
        if (err)
                cr_fail(e, CR_EINVAL, "invalid_value", "cosignature", "%s", e->detail);
        if (!err)
                err = store_log_checkpoint_get(s, size, &note, e);
        if (!err)
                err = store_log_witnesses(s, witnesses, e);
        json_array_foreach(
            witnesses, i, w) if (strcmp(json_string_value(json_object_get(w, "name")), c.name) == 0)
            vkey = json_string_value(json_object_get(w, "vkey"));
        if (!err && !vkey)
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", "cosignature",
                              "%s is not a registered witness of this log", c.name);
        if (!err)
                err = vkey_pem(vkey, TLOG_KEY_SM2_COSIG, &k, pem, e);
        if (!err && k.key_id != c.key_id)
                err = cr_fail(e, CR_EINVAL, "invalid_value", "cosignature",
                              "the cosignature's key ID is not the registered key's");
        if (!err) {
                /* The cosigned text is the checkpoint's, without the log's signature lines. */
                body_len = (size_t)(strstr(note, "\n\n") - note) + 1;
                err = tlog_cosig_message(c.timestamp, note, body_len, &msg, e);
        }
        if (!err)
                err = sm2_verify(pem, msg.data, msg.len, c.sig, c.sig_len, &valid, e);
        if (!err && !valid)
                err = cr_fail(e, CR_EINVAL, "invalid_value", "cosignature",
                              "the cosignature does not verify for the checkpoint of size %lld",
                              (long long)size);
        clock_now_rfc3339(clk, now);
        if (!err)
                err = store_begin(s, e);
        if (!err) {
                err = store_log_cosignature_put(s, size, c.name, line, now, e);
                if (!err)
                        err = store_commit(s, e);
                else
                        store_rollback(s);
        }
        free(note);
        json_decref(witnesses);
        buf_release(&msg);
        return err;
}

int witness_state_parse(const char *text, size_t len, struct witness_state *st)
{
        const char *nl = memchr(text, '\n', len), *nl2;
        size_t rootlen = 0;
        int64_t v;

        memset(st, 0, sizeof(*st));
        if (!nl || nl - text < 6 || memcmp(text, "size ", 5) != 0 ||
            parse_int64(text + 5, (size_t)(nl - text - 5), 0, INT64_MAX, &v) != 0)
                return -1;
        st->size = v;
        nl2 = memchr(nl + 1, '\n', len - (size_t)(nl + 1 - text));
        if (!nl2 || nl2 - nl - 1 < 6 || memcmp(nl + 1, "root ", 5) != 0)
                return -1;
        if (base64_decode(nl + 6, (size_t)(nl2 - nl - 6), st->root, 32, &rootlen) != 0 ||
            rootlen != 32)
                return -1;
        return 0;
}

enum cr_err witness_state_format(const struct witness_state *st, struct buf *out)
{
        char b64[BASE64_LEN(32) + 1];

        base64_encode(st->root, 32, b64);
        b64[BASE64_LEN(32)] = '\0';
        return buf_printf(out, "size %lld\nroot %s\n", (long long)st->size, b64);
}

enum cr_err witness_check(const struct witness_state *st, const char *log_vkey,
                          const char *checkpoint, size_t len, const json_t *proof,
                          struct witness_state *next, char **body, struct cr_error *e)
{
        struct tlog_note *note = calloc(1, sizeof(*note));
        struct tlog_proof *p = calloc(1, sizeof(*p));
        struct tlog_note_verifier v;
        struct tlog_checkpoint cp;
        struct tlog_vkey k;
        char pem[SM2_PUB_PEM_MAX];
        enum cr_err err;

        if (!note || !p) {
                free(note);
                free(p);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        err = vkey_pem(log_vkey, TLOG_KEY_SM2, &k, pem, e);
        if (!err) {
                v.name = k.name;
                v.key_id = k.key_id;
                v.verify = pem_verify;
                v.ctx = pem;
                err = tlog_checkpoint_open(checkpoint, len, &v, 1, note, &cp, e);
        }
        if (err)
                goto out;
        if ((int64_t)cp.size < st->size) {
                err = cr_fail(e, CR_ECONFLICT, "log_inconsistent", NULL,
                              "the log shrank from %lld to %llu entries: refusing to cosign",
                              (long long)st->size, (unsigned long long)cp.size);
                goto out;
        }
        if ((int64_t)cp.size == st->size && st->size > 0 && memcmp(cp.root, st->root, 32) != 0) {
                err = cr_fail(e, CR_ECONFLICT, "log_inconsistent", NULL,
                              "the log shows another tree of the same size %lld: a fork; "
                              "refusing to cosign",
                              (long long)st->size);
                goto out;
        }
        if ((int64_t)cp.size > st->size && st->size > 0) {
                size_t i;
                json_t *h;
                p->len = 0;
                json_array_foreach(proof, i, h)
                {
                        const char *b = json_string_value(h);
                        size_t n = 0;
                        if (!b || p->len == TLOG_PROOF_MAX ||
                            base64_decode(b, strlen(b), p->hash[p->len], 32, &n) || n != 32) {
                                err = cr_fail(e, CR_ECONFLICT, "log_inconsistent", NULL,
                                              "the consistency proof is malformed");
                                goto out;
                        }
                        p->len++;
                }
                err = tlog_verify_consistency(&log_sm3_hasher, (uint64_t)st->size, cp.size, p,
                                              st->root, cp.root, e);
                if (err) {
                        err = cr_fail(e, CR_ECONFLICT, "log_inconsistent", NULL,
                                      "the checkpoint of size %llu is not consistent with the "
                                      "size %lld seen before: refusing to cosign",
                                      (unsigned long long)cp.size, (long long)st->size);
                        goto out;
                }
        }
        next->size = (int64_t)cp.size;
        memcpy(next->root, cp.root, 32);
        *body = malloc(note->text_len + 1);
        if (!*body) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        memcpy(*body, note->text, note->text_len);
        (*body)[note->text_len] = '\0';
out:
        free(note);
        free(p);
        return err;
}

static enum cr_err cosig_key(struct sm2_keyring *keys, uint8_t key[TLOG_SM2_KEY_MAX],
                             size_t *key_len, struct cr_error *e)
{
        char key_id[SM2_KEY_ID_LEN], pem[SM2_PUB_PEM_MAX];
        unsigned char point[SM2_POINT_LEN];
        enum cr_err err = sm2_keyring_public(keys, WITNESS_KEY_NAME, key_id, pem, e);

        if (!err)
                err = sm2_public_point(pem, point, e);
        if (!err && !(*key_len = tlog_sm2_key(TLOG_KEY_SM2_COSIG, point, key)))
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL, "the witness key is not SM2");
        return err;
}

enum cr_err witness_vkey(struct sm2_keyring *keys, const char *name, struct buf *out,
                         struct cr_error *e)
{
        uint8_t key[TLOG_SM2_KEY_MAX];
        size_t key_len = 0;
        enum cr_err err = cosig_key(keys, key, &key_len, e);

        return err ? err : tlog_vkey_format(&log_sha256_hasher, name, key, key_len, out, e);
}

enum cr_err witness_cosign(struct sm2_keyring *keys, const char *name, const char *body,
                           uint64_t ts, struct buf *line, struct cr_error *e)
{
        uint8_t key[TLOG_SM2_KEY_MAX];
        size_t key_len = 0;
        struct keyring_key witness = {keys, WITNESS_KEY_NAME};
        struct tlog_note_signer signer;
        struct tlog_cosignature c;
        enum cr_err err = cosig_key(keys, key, &key_len, e);

        if (err)
                return err;
        signer.name = name;
        signer.key_id = tlog_note_key_id(&log_sha256_hasher, name, strlen(name), key, key_len);
        /* tlog_cosign builds the cosigned message itself; the signer signs those bytes. */
        signer.sign = keyring_key_sign;
        signer.ctx = &witness;
        err = tlog_cosign(body, strlen(body), ts, &signer, &c, e);
        return err ? err : tlog_cosig_format(&c, line, e);
}
