/*
 * Unit tests of signed notes, checkpoints and cosignatures (src/tlog/note.c
 * and checkpoint.c): the examples of the C2SP specs and of Go's
 * golang.org/x/mod/sumdb/note (whose Ed25519 signatures the openssl
 * command line verifies, so the parser is shown to hand over the right
 * bytes), round trips, malformed notes, verifier keys, and an SM2-signed
 * checkpoint with an SM2 witness cosignature whose signatures the openssl
 * command line, not the project's code, accepts, and refuses once a byte
 * changes.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base64.h"
#include "core/buf.h"
#include "crypto/crypto.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "unit.h"

/* Check records each passing ck_assert without fork; loops use EXPECT, quiet until it fails. */
#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        ck_abort_msg("expected %s", #cond);                                        \
        } while (0)

/* ---- The injected SHA-256 for key IDs. ---- */

static void sha256_parts(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                         uint8_t out[TLOG_HASH_LEN])
{
        struct buf b;

        buf_init(&b, 1 << 20);
        for (size_t i = 0; i < n; i++)
                if (buf_append(&b, parts[i], lens[i]) != CR_OK)
                        abort();
        /* A digest that fails would make every later assertion meaningless. */
        if (sha256_digest(b.data ? b.data : "", b.len, out) != CR_OK)
                abort();
        buf_release(&b);
}

static const struct tlog_hasher SHA256 = {sha256_parts, NULL};

/* ---- Files and the openssl command line. ---- */

static char tmpdir[64];

static void write_file(const char *name, const void *data, size_t len)
{
        char path[128];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
        f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
}

/*
 * Runs `openssl pkeyutl -verify` on msg and sig with the PEM public key;
 * for SM2 (sm2_id not NULL) with SM3 and that user ID.  Returns 1 if
 * openssl says the signature verifies (exit status 0 and its message).
 */
static int openssl_verifies(const char *pem, const void *msg, size_t len, const uint8_t *sig,
                            size_t siglen, const char *sm2_id)
{
        char sm2_args[96] = "";

        char cmd[1024], out[256] = {0};
        FILE *f;
        int status;

        if (sm2_id)
                snprintf(sm2_args, sizeof(sm2_args), "-digest sm3 -pkeyopt distid:%s", sm2_id);
        write_file("pub.pem", pem, strlen(pem));
        write_file("msg.bin", msg, len);
        write_file("sig.bin", sig, siglen);
        snprintf(cmd, sizeof(cmd),
                 "openssl pkeyutl -verify -pubin -inkey %s/pub.pem -rawin -in %s/msg.bin "
                 "-sigfile %s/sig.bin %s >%s/out.txt 2>&1",
                 tmpdir, tmpdir, tmpdir, sm2_args, tmpdir);
        status = system(cmd);
        ck_assert_int_ne(status, -1);
        snprintf(cmd, sizeof(cmd), "%s/out.txt", tmpdir);
        f = fopen(cmd, "r");
        ck_assert_ptr_nonnull(f);
        if (fread(out, 1, sizeof(out) - 1, f) == 0)
                out[0] = '\0';
        fclose(f);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
               strstr(out, "Signature Verified Successfully") != NULL;
}

/* An Ed25519 public key as PEM: the fixed SubjectPublicKeyInfo prefix of RFC 8410, then the key. */
static void ed25519_pem(const uint8_t pub[32], char pem[128])
{
        static const uint8_t prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                           0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        uint8_t der[44];
        char b64[BASE64_LEN(44) + 1] = {0};

        memcpy(der, prefix, sizeof(prefix));
        memcpy(der + 12, pub, 32);
        base64_encode(der, sizeof(der), b64);
        snprintf(pem, 128, "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", b64);
}

/* ---- Verifier and signer callbacks. ---- */

/* Ed25519 verification by the openssl command line; ctx is the 32-byte public key. */
static enum cr_err ed25519_verify(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                                  size_t siglen, int *valid, struct cr_error *e)
{
        char pem[128];

        ed25519_pem(ctx, pem);
        *valid = siglen == 64 && openssl_verifies(pem, msg, len, sig, siglen, NULL);
        return CR_OK;
}

/* SM2 verification by src/crypto; ctx is the 65-byte point. */
static enum cr_err sm2_point_verify(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                                    size_t siglen, int *valid, struct cr_error *e)
{
        char pem[SM2_PUB_PEM_MAX];
        enum cr_err err = sm2_point_pem(ctx, pem, e);

        return err ? err : sm2_verify(pem, msg, len, sig, siglen, valid, e);
}

/* SM2 signing with a keyring key. */
struct keyring_key {
        struct sm2_keyring *k;
        const char *name;
};

static enum cr_err keyring_sign(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                                size_t *siglen, struct cr_error *e)
{
        const struct keyring_key *kk = ctx;
        struct sm2_signature s;
        enum cr_err err = sm2_keyring_sign(kk->k, kk->name, msg, len, &s, e);

        if (err)
                return err;
        ck_assert_uint_le(s.len, sigmax);
        memcpy(sig, s.der, s.len);
        *siglen = s.len;
        return CR_OK;
}

/* A signer returning fixed bytes (a deterministic Ed25519 signature) after checking the message. */
struct fixed_sig {
        const char *expect; /* the text it must be asked to sign, or NULL */
        const uint8_t *sig;
        size_t len;
        enum cr_err fail;
};

static enum cr_err fixed_sign(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                              size_t *siglen, struct cr_error *e)
{
        const struct fixed_sig *f = ctx;

        if (f->fail)
                return cr_fail(e, f->fail, "test", NULL, "the signer fails on purpose");
        if (f->expect) {
                ck_assert_uint_eq(len, strlen(f->expect));
                ck_assert_mem_eq(msg, f->expect, len);
        }
        *siglen = f->len;
        if (f->len <= sigmax)
                memcpy(sig, f->sig, f->len);
        return CR_OK;
}

/* A verifier that accepts exactly the signature bytes in its ctx. */
static enum cr_err fixed_verify(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                                size_t siglen, int *valid, struct cr_error *e)
{
        const struct fixed_sig *f = ctx;

        *valid = siglen == f->len && memcmp(sig, f->sig, siglen) == 0 &&
                 (!f->expect || (len == strlen(f->expect) && memcmp(msg, f->expect, len) == 0));
        return CR_OK;
}

/* ---- Shared fixtures. ---- */

/* From golang.org/x/mod/sumdb/note (note_test.go), Ed25519 keys of type 0x01. */
#define GO_TEXT                                                                                    \
        "If you think cryptography is the answer to your problem,\n"                               \
        "then you don't know what your problem is.\n"
#define GO_PETER_SIG                                                                               \
        "\xe2\x80\x94 PeterNeumann "                                                               \
        "x08go/ZJkuBS9UG/"                                                                         \
        "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="             \
        "\n"
#define GO_ENOCH_SIG                                                                               \
        "\xe2\x80\x94 EnochRoot "                                                                  \
        "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"                                             \
        "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="                                         \
        "\n"
#define GO_PETER_VKEY   "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_ENOCH_VKEY   "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define GO_UNKNOWN_VKEY "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_LONG_VKEY    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="

/* From c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature. */
#define SPEC_CHECKPOINT                                                                            \
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
#define SPEC_LOG_SIG                                                                               \
        "\xe2\x80\x94 example.com/behind-the-sofa "                                                \
        "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"                                \
        "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8="                                                      \
        "\n"
#define SPEC_WITNESS_SIG                                                                           \
        "\xe2\x80\x94 witness.example.com/w1 "                                                     \
        "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/"                                                     \
        "zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbI"                                  \
        "UBkBIfZ+qnA==\n"

static void assert_round_trip(const char *msg, size_t len, struct tlog_note *n)
{
        struct buf b;

        ck_assert_int_eq(tlog_note_parse(msg, len, n, NULL), CR_OK);
        buf_init(&b, TLOG_NOTE_MAX);
        ck_assert_int_eq(tlog_note_format(n, &b, NULL), CR_OK);
        ck_assert_uint_eq(b.len, len);
        ck_assert_mem_eq(b.data, msg, len);
        buf_release(&b);
}

static struct tlog_note *new_note(void)
{
        struct tlog_note *n = calloc(1, sizeof(*n));

        ck_assert_ptr_nonnull(n);
        return n;
}

/* ---- The examples of Go's note package: parse, key IDs, verification, signing. ---- */

START_TEST(test_go_examples)
{
        static const char two[] = GO_TEXT "\n" GO_PETER_SIG GO_ENOCH_SIG;
        struct tlog_note *n = new_note();
        struct tlog_vkey peter, enoch;
        struct tlog_note_verifier v[2];
        struct cr_error e = CR_ERROR_INIT;
        uint8_t sig[TLOG_NOTE_SIG_MAX];
        size_t siglen = 0, off = 0, count = 0;
        char pem[128];
        struct buf b;

        /* The vkeys parse; their key IDs are SHA-256(name || "\n" || 0x01 || key)[:4]. */
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, GO_PETER_VKEY, strlen(GO_PETER_VKEY), &peter, &e),
                         CR_OK);
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, GO_ENOCH_VKEY, strlen(GO_ENOCH_VKEY), &enoch, &e),
                         CR_OK);
        ck_assert_str_eq(peter.name, "PeterNeumann");
        ck_assert_uint_eq(peter.key_id, 0xc74f20a3);
        ck_assert_uint_eq(enoch.key_id, 0xaf0cfe78);
        ck_assert_int_eq(tlog_key_type_of(peter.key, peter.key_len, &off), TLOG_KEY_ED25519);
        ck_assert_uint_eq(off, 1);
        buf_init(&b, TLOG_VKEY_MAX);
        ck_assert_int_eq(
            tlog_vkey_format(&SHA256, "PeterNeumann", peter.key, peter.key_len, &b, &e), CR_OK);
        ck_assert_str_eq(b.data, GO_PETER_VKEY);

        /* The note parses, and the key IDs in its signatures are those recomputed from the keys. */
        assert_round_trip(two, strlen(two), n);
        ck_assert_uint_eq(n->text_len, strlen(GO_TEXT));
        ck_assert_mem_eq(n->text, GO_TEXT, n->text_len);
        ck_assert_uint_eq(n->nsigs, 2);
        ck_assert_uint_eq(n->sig[0].name_len, strlen("PeterNeumann"));
        ck_assert_mem_eq(n->sig[0].name, "PeterNeumann", n->sig[0].name_len);
        ck_assert_uint_eq(n->sig[0].key_id,
                          tlog_note_key_id(&SHA256, "PeterNeumann", 12, peter.key, peter.key_len));
        ck_assert_uint_eq(n->sig[1].key_id,
                          tlog_note_key_id(&SHA256, "EnochRoot", 9, enoch.key, enoch.key_len));

        /* openssl agrees that the bytes the parser hands over are what Peter signed. */
        ck_assert_int_eq(tlog_note_sig_decode(&n->sig[0], sig, sizeof(sig), &siglen, &e), CR_OK);
        ck_assert_uint_eq(siglen, 64);
        ed25519_pem(peter.key + 1, pem);
        ck_assert(openssl_verifies(pem, n->text, n->text_len, sig, siglen, NULL));
        ck_assert(!openssl_verifies(pem, n->text, n->text_len - 1, sig, siglen, NULL));

        /* Peter known: his signature verifies, Enoch's is kept but not trusted. */
        v[0] =
            (struct tlog_note_verifier){"PeterNeumann", 0xc74f20a3, ed25519_verify, peter.key + 1};
        v[1] = (struct tlog_note_verifier){"EnochRoot", 0xaf0cfe78, ed25519_verify, enoch.key + 1};
        ck_assert_int_eq(tlog_note_verify(n, v, 1, &count, &e), CR_OK);
        ck_assert_uint_eq(count, 1);
        ck_assert(n->sig[0].verified);
        ck_assert(!n->sig[1].verified);
        ck_assert_int_eq(tlog_note_verify(n, v, 2, &count, &e), CR_OK);
        ck_assert_uint_eq(count, 2);
        ck_assert(n->sig[1].verified);
        /* Enoch alone suffices too; nobody known does not. */
        ck_assert_int_eq(tlog_note_open(two, strlen(two), v + 1, 1, n, &e), CR_OK);
        ck_assert_int_eq(tlog_note_verify(n, NULL, 0, &count, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "tlog_note_unverified");
        ck_assert_uint_eq(count, 0);
        /* A known key listed twice is ambiguous, as in Go's VerifierList. */
        v[1] = v[0];
        ck_assert_int_eq(tlog_note_verify(n, v, 2, NULL, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "tlog_note_ambiguous_key");
        ck_assert(!n->sig[0].verified && !n->sig[1].verified);

        /* Signing with a signer that returns Peter's (deterministic) Ed25519 signature gives Go's
         * bytes. */
        {
                struct fixed_sig f = {GO_TEXT, sig, siglen, CR_OK};
                struct tlog_note_signer s = {"PeterNeumann", 0xc74f20a3, fixed_sign, &f};
                struct tlog_note fresh = {.text = GO_TEXT, .text_len = strlen(GO_TEXT)};

                buf_reset(&b);
                ck_assert_int_eq(tlog_note_sign(&fresh, &s, 1, &b, &e), CR_OK);
                ck_assert_str_eq(b.data, GO_TEXT "\n" GO_PETER_SIG);
                /* Re-signing replaces Peter's old signature and keeps Enoch's, new ones last. */
                ck_assert_int_eq(tlog_note_parse(two, strlen(two), n, &e), CR_OK);
                buf_reset(&b);
                ck_assert_int_eq(tlog_note_sign(n, &s, 1, &b, &e), CR_OK);
                ck_assert_str_eq(b.data, GO_TEXT "\n" GO_ENOCH_SIG GO_PETER_SIG);
        }
        buf_release(&b);
        cr_error_clear(&e);
        free(n);
}
END_TEST

/* ---- The examples of the C2SP specs. ---- */

START_TEST(test_spec_examples)
{
        static const char poem[] = "Ognuno sta solo sul cuor della terra\n"
                                   "trafitto da un raggio di sole:\n"
                                   "\n"
                                   "ed \xc3\xa8 subito sera.\n"
                                   "\n"
                                   "\xe2\x80\x94 quasimodo.example/salvatore "
                                   "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQ"
                                   "U0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
        static const char cosigned[] = SPEC_CHECKPOINT "\n" SPEC_LOG_SIG SPEC_WITNESS_SIG;
        static const char message[] = "cosignature/v1\ntime 1679315147\n" SPEC_CHECKPOINT;
        struct tlog_note *n = new_note();
        struct tlog_checkpoint c;
        struct tlog_cosignature *cs = malloc(sizeof(*cs));
        struct cr_error e = CR_ERROR_INIT;
        uint8_t root[TLOG_HASH_LEN];
        size_t rootlen = 0;
        struct buf b;

        ck_assert_ptr_nonnull(cs);
        /* signed-note: the text keeps its own blank line; the last one separates the signature. */
        assert_round_trip(poem, strlen(poem), n);
        ck_assert_uint_eq(n->text_len, (size_t)(strstr(poem, "sera.\n") - poem) + 6);
        ck_assert_uint_eq(n->nsigs, 1);
        ck_assert_uint_eq(n->sig[0].key_id, 0x367ba04b);
        ck_assert_uint_eq(n->sig[0].name_len, strlen("quasimodo.example/salvatore"));

        /* tlog-checkpoint and tlog-cosignature: the log's signature and a witness's, 8 + 64 bytes.
         */
        assert_round_trip(cosigned, strlen(cosigned), n);
        ck_assert_int_eq(tlog_checkpoint_parse(n->text, n->text_len, &c, &e), CR_OK);
        ck_assert_uint_eq(c.origin_len, strlen("example.com/behind-the-sofa"));
        ck_assert_mem_eq(c.origin, "example.com/behind-the-sofa", c.origin_len);
        ck_assert_uint_eq(c.size, 20852163);
        ck_assert_int_eq(base64_decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", 44, root,
                                       sizeof(root), &rootlen),
                         0);
        ck_assert_mem_eq(c.root, root, TLOG_HASH_LEN);
        ck_assert_uint_eq(c.extensions_len, 0);
        ck_assert_uint_eq(n->sig[0].key_id, 0x033de0ae);
        ck_assert_int_eq(tlog_cosig_from_sig(&n->sig[1], cs, &e), CR_OK);
        ck_assert_str_eq(cs->name, "witness.example.com/w1");
        ck_assert_uint_eq(cs->key_id, 0x8d66cf3f);
        ck_assert_uint_eq(cs->timestamp, 1679315147);
        ck_assert_uint_eq(cs->sig_len, 64);
        /* The spec's example of the signed message is what tlog_cosig_message writes. */
        buf_init(&b, TLOG_NOTE_MAX);
        ck_assert_int_eq(tlog_cosig_message(cs->timestamp, n->text, n->text_len, &b, &e), CR_OK);
        ck_assert_str_eq(b.data, message);
        /* The cosignature line round-trips alone, as a witness returns it. */
        ck_assert_int_eq(tlog_cosig_parse(SPEC_WITNESS_SIG, strlen(SPEC_WITNESS_SIG), cs, &e),
                         CR_OK);
        buf_reset(&b);
        ck_assert_int_eq(tlog_cosig_format(cs, &b, &e), CR_OK);
        ck_assert_str_eq(b.data, SPEC_WITNESS_SIG);
        /* The checkpoint text round-trips too. */
        buf_reset(&b);
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_OK);
        ck_assert_str_eq(b.data, SPEC_CHECKPOINT);
        buf_release(&b);
        cr_error_clear(&e);
        free(cs);
        free(n);
}
END_TEST

/* ---- Round trips, limits, and signing with several keys. ---- */

START_TEST(test_note_round_trips)
{
        static const char *const ok[] = {
            "\n\n" GO_PETER_SIG,
            "a\n\nb\n\n" GO_PETER_SIG,
            "ends in blank lines\n\n\n\n" GO_PETER_SIG,
            "unicode names\n\n\xe2\x80\x94 \xe4\xbe\x8b\xe5\xad\x90.cn/\xe6\x97\xa5\xe5\xbf\x97 "
            "AAAAAAA=\n",
            "same name, other key ID\n\n\xe2\x80\x94 a AAAAAAA=\n\xe2\x80\x94 a AAAAAQA=\n",
            "same key ID, other name\n\n\xe2\x80\x94 a AAAAAAA=\n\xe2\x80\x94 b AAAAAAA=\n",
            "a DEL and an em dash in the text \x7f \xe2\x80\x94 are allowed\n\n" GO_PETER_SIG,
        };
        struct tlog_note *n = new_note();
        struct cr_error e = CR_ERROR_INIT;
        struct buf b, msg;
        uint8_t *big = malloc(TLOG_NOTE_SIG_MAX + 1);
        char name[TLOG_NOTE_NAME_MAX + 2];

        ck_assert_ptr_nonnull(big);
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                assert_round_trip(ok[i], strlen(ok[i]), n);
        ck_assert_uint_eq(n->text_len, strlen(ok[6]) - strlen("\n" GO_PETER_SIG));

        /* The largest signature and the longest name fit; one byte more of either does not. */
        memset(big, 0xA5, TLOG_NOTE_SIG_MAX + 1);
        memset(name, 'n', sizeof(name));
        name[TLOG_NOTE_NAME_MAX] = '\0';
        buf_init(&b, TLOG_NOTE_MAX);
        buf_init(&msg, TLOG_NOTE_MAX);
        ck_assert_int_eq(buf_puts(&msg, "text\n\n"), CR_OK);
        ck_assert_int_eq(
            tlog_note_sig_format(name, TLOG_NOTE_NAME_MAX, 7, big, TLOG_NOTE_SIG_MAX, &msg, &e),
            CR_OK);
        assert_round_trip(msg.data, msg.len, n);
        ck_assert_int_eq(
            tlog_note_sig_format(name, TLOG_NOTE_NAME_MAX, 7, big, TLOG_NOTE_SIG_MAX + 1, &b, &e),
            CR_EINVAL);
        ck_assert_int_eq(tlog_note_sig_format(name, TLOG_NOTE_NAME_MAX + 1, 7, big, 1, &b, &e),
                         CR_EINVAL);
        ck_assert_uint_eq(b.len, 0);
        {
                /* A hand-made line with 5121 signature bytes is refused by the parser. */
                uint8_t *raw = calloc(1, TLOG_NOTE_SIG_MAX + 5);
                char *b64 = malloc(BASE64_LEN(TLOG_NOTE_SIG_MAX + 5) + 1);

                ck_assert_ptr_nonnull(raw);
                ck_assert_ptr_nonnull(b64);
                base64_encode(raw, TLOG_NOTE_SIG_MAX + 5, b64);
                buf_reset(&b);
                ck_assert_int_eq(buf_puts(&b, "text\n\n\xe2\x80\x94 n "), CR_OK);
                ck_assert_int_eq(buf_append(&b, b64, BASE64_LEN(TLOG_NOTE_SIG_MAX + 5)), CR_OK);
                ck_assert_int_eq(buf_puts(&b, "\n"), CR_OK);
                ck_assert_int_eq(tlog_note_parse(b.data, b.len, n, &e), CR_EINVAL);
                free(raw);
                free(b64);
        }

        /* 32 signatures parse; a 33rd is refused, by the parser and by the signer. */
        buf_reset(&msg);
        ck_assert_int_eq(buf_puts(&msg, "many\n\n"), CR_OK);
        for (int i = 0; i < TLOG_NOTE_SIGS_MAX; i++)
                ck_assert_int_eq(buf_printf(&msg, "\xe2\x80\x94 signer%d AAAAAAA=\n", i), CR_OK);
        assert_round_trip(msg.data, msg.len, n);
        ck_assert_uint_eq(n->nsigs, TLOG_NOTE_SIGS_MAX);
        {
                struct fixed_sig f = {"many\n", big, 1, CR_OK};
                struct tlog_note_signer s = {"one-more", 1, fixed_sign, &f};

                buf_reset(&b);
                ck_assert_int_eq(tlog_note_sign(n, &s, 1, &b, &e), CR_ETOOLARGE);
                ck_assert_uint_eq(b.len, 0);
                /* Replacing one of the 32 keeps the count at 32. */
                s.name = "signer3";
                s.key_id = 0;
                ck_assert_int_eq(tlog_note_sign(n, &s, 1, &b, &e), CR_OK);
        }
        ck_assert_int_eq(buf_puts(&msg, "\xe2\x80\x94 signer32 AAAAAAA=\n"), CR_OK);
        ck_assert_int_eq(tlog_note_parse(msg.data, msg.len, n, &e), CR_ETOOLARGE);
        ck_assert_uint_eq(n->nsigs, 0);

        /* Two signers at once; each signature verifies only with its own key. */
        {
                static const uint8_t s1[] = {1, 2, 3}, s2[] = {4, 5, 6, 7};
                struct fixed_sig f1 = {"two keys\n", s1, sizeof(s1), CR_OK},
                                 f2 = {"two keys\n", s2, sizeof(s2), CR_OK},
                                 broken = {NULL, s1, 0, CR_EIO};
                struct tlog_note_signer s[2] = {{"log.example/a", 0x11111111, fixed_sign, &f1},
                                                {"log.example/b", 0x22222222, fixed_sign, &f2}};
                struct tlog_note_verifier v[2] = {{"log.example/a", 0x11111111, fixed_verify, &f1},
                                                  {"log.example/b", 0x22222222, fixed_verify, &f1}};
                struct tlog_note fresh = {.text = "two keys\n", .text_len = 9};
                size_t count = 0;

                buf_reset(&b);
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 2, &b, &e), CR_OK);
                assert_round_trip(b.data, b.len, n);
                ck_assert_uint_eq(n->nsigs, 2);
                ck_assert_int_eq(tlog_note_verify(n, v, 1, &count, &e), CR_OK);
                ck_assert_uint_eq(count, 1);
                /* b's signature checked against a's bytes fails: the whole note is refused. */
                ck_assert_int_eq(tlog_note_verify(n, v, 2, &count, &e), CR_EINVAL);
                ck_assert_str_eq(e.code, "tlog_note_bad_signature");
                ck_assert(!n->sig[0].verified);
                v[1].ctx = &f2;
                ck_assert_int_eq(tlog_note_verify(n, v, 2, &count, &e), CR_OK);
                ck_assert_uint_eq(count, 2);
                /* A failing signer, a signer returning nothing, duplicate signers, a bad name:
                 * nothing written. */
                buf_reset(&b);
                s[1].ctx = &broken;
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 2, &b, &e), CR_EIO);
                broken.fail = CR_OK;
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 2, &b, &e), CR_EINTERNAL);
                s[1] = s[0];
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 2, &b, &e), CR_EINVAL);
                s[0].name = "bad name";
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 1, &b, &e), CR_EINVAL);
                fresh.text_len = 8; /* no final newline */
                s[0].name = "ok";
                ck_assert_int_eq(tlog_note_sign(&fresh, s, 1, &b, &e), CR_EINVAL);
                ck_assert_uint_eq(b.len, 0);
        }

        /* The formatter refuses what the parser would refuse. */
        ck_assert_int_eq(tlog_note_parse(ok[4], strlen(ok[4]), n, &e), CR_OK);
        n->sig[1].key_id = 0;
        ck_assert_int_eq(tlog_note_format(n, &b, &e), CR_EINVAL);
        n->sig[1].key_id = 1;
        n->sig[1].name = "b";
        ck_assert_int_eq(tlog_note_format(n, &b, &e), CR_OK);
        n->sig[1].name = "a";
        n->sig[1].b64 = "AAAAAAA=";
        n->sig[1].key_id = 0;
        ck_assert_int_eq(tlog_note_format(n, &b, &e), CR_EINVAL); /* a duplicate */
        n->nsigs = 0;
        ck_assert_int_eq(tlog_note_format(n, &b, &e), CR_EINVAL);
        n->nsigs = 1;
        n->text_len--;
        ck_assert_int_eq(tlog_note_format(n, &b, &e), CR_EINVAL);
        buf_release(&b);
        buf_release(&msg);
        cr_error_clear(&e);
        free(big);
        free(n);
}
END_TEST

START_TEST(test_note_rejects)
{
        static const char *const bad[] = {
            "",
            "\n",
            "\n\n",
            GO_TEXT,
            GO_TEXT "\n",
            GO_TEXT GO_PETER_SIG,                           /* no blank line */
            GO_TEXT "\n" GO_PETER_SIG "Unexpected line.\n", /* a line after the signatures */
            GO_TEXT "\n" GO_PETER_SIG "\n",                 /* a blank line at the end */
            GO_TEXT "\n\xe2\x80\x94 PeterNeumann\n",        /* no signature */
            GO_TEXT "\n\xe2\x80\x94 PeterNeumann \n",
            GO_TEXT "\n\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1F"
                    "FYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            GO_TEXT "\n\xe2\x80\x94 Peter+Neumann AAAAAAA=\n",
            GO_TEXT "\n\xe2\x80\x94 Peter\xc2\xa0Neumann AAAAAAA=\n",     /* U+00A0 */
            GO_TEXT "\n\xe2\x80\x94 Peter\xe3\x80\x80Neumann AAAAAAA=\n", /* U+3000 */
            GO_TEXT "\n\xe2\x80\x94 Peter\xe2\x80\xa8Neumann AAAAAAA=\n", /* U+2028 */
            GO_TEXT "\n\xe2\x80\x94 Peter\xc2\x85Neumann AAAAAAA=\n",     /* U+0085 */
            GO_TEXT "\n\xe2\x80\x94  AAAAAAA=\n",                         /* empty name */
            GO_TEXT "\n\xe2\x80\x94 a  AAAAAAA=\n",                       /* two spaces */
            GO_TEXT "\n\xe2\x80\x94 a AAAAAAA= \n",                       /* trailing space */
            GO_TEXT "\n- a AAAAAAA=\n",                                   /* a hyphen */
            GO_TEXT "\n\xe2\x80\x93 a AAAAAAA=\n",                        /* an en dash */
            GO_TEXT "\n\xe2\x80\x94"
                    "a AAAAAAA=\n",                /* no space after the dash */
            GO_TEXT "\n\xe2\x80\x94 a AAAAAA==\n", /* only a key ID */
            GO_TEXT "\n\xe2\x80\x94 a AAAAAAA\n",  /* missing padding */
            GO_TEXT "\n\xe2\x80\x94 a AAAAAAB=\n", /* non-zero spare bits */
            GO_TEXT "\n\xe2\x80\x94 a AAAA-AA=\n", /* base64url */
            GO_TEXT "\n\xe2\x80\x94 a AAAAAAA=\n\xe2\x80\x94 a AAAAAAA=\n", /* a duplicate */
            GO_TEXT
            "\n\xe2\x80\x94 a AAAAAAA=\n\xe2\x80\x94 a AAAAAAE=\n", /* same key, other sig */
            "If you think\r\n\n" GO_PETER_SIG,                      /* CR */
            GO_TEXT "\n" GO_PETER_SIG "\r\n",
            "a\ttab\n\n" GO_PETER_SIG,
            "a\x1b[31m escape\n\n" GO_PETER_SIG,
            "\xff not UTF-8\n\n" GO_PETER_SIG,
            "\xc0\xaf overlong\n\n" GO_PETER_SIG,
            "\xed\xa0\x80 surrogate\n\n" GO_PETER_SIG,
            "truncated \xe4\xbe\n\n" GO_PETER_SIG,
            GO_TEXT "\n\xe2\x80\x94 \xe4\xbe a\n",
        };
        static const char one[] = GO_TEXT "\n" GO_PETER_SIG;
        static const char nul[] = "a\0b\n\n" GO_PETER_SIG;
        struct tlog_note *n = new_note();
        struct cr_error e = CR_ERROR_INIT;
        char *big, name[TLOG_NOTE_NAME_MAX + 40];
        struct tlog_vkey peter;
        struct tlog_note_verifier v;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ck_assert_msg(tlog_note_parse(bad[i], strlen(bad[i]), n, &e) == CR_EINVAL,
                              "accepted case %zu", i);
                ck_assert_str_eq(e.code, "tlog_bad_note");
                ck_assert_uint_eq(n->nsigs, 0);
        }
        ck_assert_int_eq(tlog_note_parse(nul, sizeof(nul) - 1, n, &e), CR_EINVAL);
        /* Every truncation of a one-signature note is refused. */
        for (size_t len = 0; len < strlen(one); len++)
                EXPECT(tlog_note_parse(one, len, n, NULL) != CR_OK);
        /* A name of 256 bytes is refused. */
        memset(name, 'x', sizeof(name));
        memcpy(name, "t\n\n\xe2\x80\x94 ", 7);
        memcpy(name + 7 + TLOG_NOTE_NAME_MAX + 1, " AAAAAAA=\n", 10);
        ck_assert_int_eq(tlog_note_parse(name, 7 + TLOG_NOTE_NAME_MAX + 11, n, &e), CR_EINVAL);
        memmove(name + 7 + TLOG_NOTE_NAME_MAX, name + 7 + TLOG_NOTE_NAME_MAX + 1, 10);
        ck_assert_int_eq(tlog_note_parse(name, 7 + TLOG_NOTE_NAME_MAX + 10, n, &e), CR_OK);
        /* Over the size limit. */
        big = malloc(TLOG_NOTE_MAX + 1);
        ck_assert_ptr_nonnull(big);
        memset(big, 'a', TLOG_NOTE_MAX + 1);
        ck_assert_int_eq(tlog_note_parse(big, TLOG_NOTE_MAX + 1, n, &e), CR_ETOOLARGE);
        free(big);

        /*
         * A wrong key ID makes the signature one from an unknown key: it is
         * kept, never tried against Peter's key, and the note is unverified.
         */
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, GO_PETER_VKEY, strlen(GO_PETER_VKEY), &peter, &e),
                         CR_OK);
        v = (struct tlog_note_verifier){"PeterNeumann", peter.key_id, ed25519_verify,
                                        peter.key + 1};
        {
                char wrong[sizeof(one)];

                memcpy(wrong, one, sizeof(one));
                memcpy(strstr(wrong, "x08g"), "xxxx", 4);
                ck_assert_int_eq(tlog_note_open(wrong, strlen(wrong), &v, 1, n, &e), CR_EINVAL);
                ck_assert_str_eq(e.code, "tlog_note_unverified");
                ck_assert_int_eq(tlog_note_parse(wrong, strlen(wrong), n, &e), CR_OK);
                ck_assert_uint_ne(n->sig[0].key_id, peter.key_id);
                /* The right key ID with a damaged signature is refused as a bad signature. */
                memcpy(wrong, one, sizeof(one));
                memcpy(strstr(wrong, "SffcvI"), "SffcvJ", 6);
                ck_assert_int_eq(tlog_note_open(wrong, strlen(wrong), &v, 1, n, &e), CR_EINVAL);
                ck_assert_str_eq(e.code, "tlog_note_bad_signature");
                ck_assert_int_eq(tlog_note_open(one, strlen(one), &v, 1, n, &e), CR_OK);
        }
        cr_error_clear(&e);
        free(n);
}
END_TEST

/* ---- Verifier keys. ---- */

START_TEST(test_vkeys)
{
        static const char vkey[] = GO_PETER_VKEY;
        struct tlog_vkey *k = malloc(sizeof(*k));
        struct cr_error e = CR_ERROR_INIT;
        uint8_t point[TLOG_SM2_POINT_LEN], key[TLOG_SM2_KEY_MAX], ckey[TLOG_SM2_KEY_MAX];
        char copy[sizeof(vkey)];
        size_t klen, cklen, off = 9;
        struct buf b;

        ck_assert_ptr_nonnull(k);
        /* As in Go's TestNewVerifier: every proper substring and every byte changed is refused. */
        for (size_t i = 0; i < strlen(vkey); i++)
                for (size_t j = i + 1; j <= strlen(vkey); j++)
                        if (i != 0 || j != strlen(vkey))
                                EXPECT(tlog_vkey_parse(&SHA256, vkey + i, j - i, k, NULL) ==
                                       CR_EINVAL);
        memcpy(copy, vkey, sizeof(vkey));
        for (size_t i = 0; i < strlen(vkey); i++) {
                copy[i]++;
                EXPECT(tlog_vkey_parse(&SHA256, copy, strlen(copy), k, NULL) == CR_EINVAL);
                copy[i]--;
        }
        /* Upper-case hex is a second spelling; one spelling is accepted. */
        ck_assert_int_eq(tlog_vkey_parse(&SHA256,
                                         "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVk"
                                         "mqq/LDE4izWy10TW",
                                         strlen(vkey), k, &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "tlog_bad_vkey");
        /*
         * Go's unknown-type key (with an adjusted key ID) parses, typed
         * unknown; its wrong-length one has non-zero spare bits, which
         * strict base64 refuses.
         */
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, GO_UNKNOWN_VKEY, strlen(GO_UNKNOWN_VKEY), k, &e),
                         CR_OK);
        ck_assert_uint_eq(k->key_id, 0x173116ae);
        ck_assert_int_eq(tlog_key_type_of(k->key, k->key_len, &off), TLOG_KEY_UNKNOWN);
        ck_assert_uint_eq(off, 0);
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, GO_LONG_VKEY, strlen(GO_LONG_VKEY), k, &e),
                         CR_EINVAL);

        /* An SM2 key: 0xff, the identifier, the point; the cosigning key has another ID. */
        memset(point, 0x5A, sizeof(point));
        point[0] = 0x04;
        klen = tlog_sm2_key(TLOG_KEY_SM2, point, key);
        cklen = tlog_sm2_key(TLOG_KEY_SM2_COSIG, point, ckey);
        ck_assert_uint_eq(klen, 1 + 18 + 65);
        ck_assert_uint_eq(cklen, 1 + 30 + 65);
        ck_assert_uint_eq(key[0], 0xff);
        ck_assert_mem_eq(key + 1, "cryptoreg/sm2-sm3\n", 18);
        ck_assert_mem_eq(ckey + 1, "cryptoreg/sm2-sm3-cosignature\n", 30);
        ck_assert_uint_ne(tlog_note_key_id(&SHA256, "log.example", 11, key, klen),
                          tlog_note_key_id(&SHA256, "log.example", 11, ckey, cklen));
        ck_assert_int_eq(tlog_key_type_of(key, klen, &off), TLOG_KEY_SM2);
        ck_assert_uint_eq(off, 19);
        ck_assert_mem_eq(key + off, point, TLOG_SM2_POINT_LEN);
        ck_assert_int_eq(tlog_key_type_of(ckey, cklen, &off), TLOG_KEY_SM2_COSIG);
        ck_assert_uint_eq(off, 31);
        ck_assert_int_eq(tlog_key_type_of(key, klen - 1, &off), TLOG_KEY_UNKNOWN);
        ck_assert_uint_eq(tlog_sm2_key(TLOG_KEY_ED25519, point, key), 0);
        point[0] = 0x02; /* compressed points are not the documented encoding */
        ck_assert_uint_eq(tlog_sm2_key(TLOG_KEY_SM2, point, key), 0);
        buf_init(&b, TLOG_VKEY_MAX);
        ck_assert_int_eq(tlog_vkey_format(&SHA256, "log.example", ckey, cklen, &b, &e), CR_OK);
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, b.data, b.len, k, &e), CR_OK);
        ck_assert_str_eq(k->name, "log.example");
        ck_assert_uint_eq(k->key_len, cklen);
        ck_assert_mem_eq(k->key, ckey, cklen);
        buf_reset(&b);
        ck_assert_int_eq(tlog_vkey_format(&SHA256, "bad+name", ckey, cklen, &b, &e), CR_EINVAL);
        ck_assert_int_eq(tlog_vkey_format(&SHA256, "ok", ckey, 0, &b, &e), CR_EINVAL);
        ck_assert_uint_eq(b.len, 0);
        buf_release(&b);
        cr_error_clear(&e);
        free(k);
}
END_TEST

/* ---- Checkpoint text. ---- */

START_TEST(test_checkpoints)
{
#define R "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        static const char *const ok[] = {
            SPEC_CHECKPOINT,
            "o\n0\n" R,
            "o\n9223372036854775807\n" R,
            "an origin with spaces+plus\n1\n" R, /* a SHOULD, which clients must not assume */
            "o\n5\n" R "one extension\n",
            "o\n5\n" R "one\n\xe4\xba\x8c\n",
        };
        static const char *const bad[] = {
            "",
            "o\n",
            "o\n5\n",
            "o\n5\n" R "\n",
            "o\n5\n" R "ext\n\nafter a blank line\n",
            "o\n5\n" R "no newline",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
            "\n5\n" R,
            "o\n05\n" R,
            "o\n00\n" R,
            "o\n-1\n" R,
            "o\n+1\n" R,
            "o\n 1\n" R,
            "o\n1 \n" R,
            "o\n\n" R,
            "o\n0x10\n" R,
            "o\n9223372036854775808\n" R,
            "o\n18446744073709551616\n" R,
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=CsUY\n",
            "o\r\n5\n" R,
            "o\n5\r\n" R,
            "\xff\n5\n" R,
        };
        struct tlog_checkpoint c;
        struct cr_error e = CR_ERROR_INIT;
        char origin[TLOG_CHECKPOINT_ORIGIN_MAX + 2 + sizeof("\n5\n" R)];
        struct buf b;

        buf_init(&b, TLOG_NOTE_MAX);
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                ck_assert_msg(tlog_checkpoint_parse(ok[i], strlen(ok[i]), &c, &e) == CR_OK,
                              "refused case %zu: %s", i, e.detail);
                buf_reset(&b);
                ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_OK);
                ck_assert_str_eq(b.data, ok[i]);
        }
        ck_assert_int_eq(tlog_checkpoint_parse(ok[2], strlen(ok[2]), &c, &e), CR_OK);
        ck_assert_uint_eq(c.size, TLOG_SIZE_MAX);
        ck_assert_int_eq(tlog_checkpoint_parse(ok[5], strlen(ok[5]), &c, &e), CR_OK);
        ck_assert_uint_eq(c.extensions_len, strlen("one\n\xe4\xba\x8c\n"));
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ck_assert_msg(tlog_checkpoint_parse(bad[i], strlen(bad[i]), &c, &e) == CR_EINVAL,
                              "accepted case %zu", i);
                ck_assert_str_eq(e.code, "tlog_bad_checkpoint");
        }
        /* An origin of 255 bytes is the longest. */
        memset(origin, 'o', TLOG_CHECKPOINT_ORIGIN_MAX);
        snprintf(origin + TLOG_CHECKPOINT_ORIGIN_MAX, sizeof(origin) - TLOG_CHECKPOINT_ORIGIN_MAX,
                 "\n5\n" R);
        ck_assert_int_eq(tlog_checkpoint_parse(origin, strlen(origin), &c, &e), CR_OK);
        memset(origin, 'o', TLOG_CHECKPOINT_ORIGIN_MAX + 1);
        snprintf(origin + TLOG_CHECKPOINT_ORIGIN_MAX + 1,
                 sizeof(origin) - TLOG_CHECKPOINT_ORIGIN_MAX - 1, "\n5\n" R);
        ck_assert_int_eq(tlog_checkpoint_parse(origin, strlen(origin), &c, &e), CR_EINVAL);

        /* The formatter refuses what the parser would. */
        ck_assert_int_eq(tlog_checkpoint_parse(ok[4], strlen(ok[4]), &c, &e), CR_OK);
        buf_reset(&b);
        c.extensions_len--;
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_EINVAL);
        c.extensions = "\n";
        c.extensions_len = 1;
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_EINVAL);
        c.extensions_len = 0;
        c.size = TLOG_SIZE_MAX + 1;
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_EINVAL);
        c.size = 1;
        c.origin = "two\nlines";
        c.origin_len = 9;
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_EINVAL);
        c.origin_len = 0;
        ck_assert_int_eq(tlog_checkpoint_format(&c, &b, &e), CR_EINVAL);
        ck_assert_uint_eq(b.len, 0);
        /* A cosignature is only ever over a checkpoint, with a timestamp below 2^63. */
        ck_assert_int_eq(tlog_cosig_message(1, "not a checkpoint\n", 17, &b, &e), CR_EINVAL);
        ck_assert_int_eq(tlog_cosig_message(TLOG_COSIG_TIME_MAX + 1, ok[0], strlen(ok[0]), &b, &e),
                         CR_EINVAL);
        ck_assert_int_eq(tlog_cosig_message(TLOG_COSIG_TIME_MAX, ok[0], strlen(ok[0]), &b, &e),
                         CR_OK);
        ck_assert_str_eq(b.data, "cosignature/v1\ntime 9223372036854775807\n" SPEC_CHECKPOINT);
        buf_release(&b);
        cr_error_clear(&e);
#undef R
}
END_TEST

START_TEST(test_cosignature_lines)
{
        static const char *const bad[] = {
            /* 8 bytes after the key ID: a timestamp and no signature. */
            "\xe2\x80\x94 w AAAAAAAAAAAAAAAA\n",
            /* A timestamp of 2^63. */
            "\xe2\x80\x94 w AAAAAIAAAAAAAAAAAA==\n",
            /* Two lines, or none. */
            SPEC_WITNESS_SIG SPEC_WITNESS_SIG,
            "\xe2\x80\x94 w AAAAAAAAAAAAAAAAAA==",
        };
        struct tlog_cosignature *cs = malloc(sizeof(*cs));
        struct cr_error e = CR_ERROR_INIT;
        struct buf b;

        ck_assert_ptr_nonnull(cs);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(tlog_cosig_parse(bad[i], strlen(bad[i]), cs, &e) == CR_EINVAL,
                              "accepted case %zu", i);
        /* The largest timestamp, one signature byte. */
        ck_assert_int_eq(tlog_cosig_parse("\xe2\x80\x94 w AAAAAH//////////AA==\n", 27, cs, &e),
                         CR_OK);
        ck_assert_uint_eq(cs->timestamp, TLOG_COSIG_TIME_MAX);
        ck_assert_uint_eq(cs->sig_len, 1);
        buf_init(&b, TLOG_NOTE_MAX);
        ck_assert_int_eq(tlog_cosig_format(cs, &b, &e), CR_OK);
        ck_assert_str_eq(b.data, "\xe2\x80\x94 w AAAAAH//////////AA==\n");
        cs->timestamp++;
        ck_assert_int_eq(tlog_cosig_format(cs, &b, &e), CR_EINVAL);
        cs->timestamp = 0;
        cs->sig_len = 0;
        ck_assert_int_eq(tlog_cosig_format(cs, &b, &e), CR_EINVAL);
        buf_release(&b);
        cr_error_clear(&e);
        free(cs);
}
END_TEST

/* ---- SM2: a signed checkpoint and a witness cosignature, checked by openssl. ---- */

/* A log or witness key from the keyring, as its point, key material, key ID and vkey. */
struct sm2_party {
        struct keyring_key kk;
        const char *note_name;
        char pem[SM2_PUB_PEM_MAX];
        uint8_t point[SM2_POINT_LEN];
        uint8_t key[TLOG_SM2_KEY_MAX];
        size_t key_len;
        uint32_t key_id;
};

static void sm2_party_init(struct sm2_party *p, struct sm2_keyring *k, const char *file_name,
                           const char *note_name, enum tlog_key_type type)
{
        char spki_id[SM2_KEY_ID_LEN];
        struct cr_error e = CR_ERROR_INIT;

        p->kk = (struct keyring_key){k, file_name};
        p->note_name = note_name;
        ck_assert_int_eq(sm2_keyring_public(k, file_name, spki_id, p->pem, &e), CR_OK);
        ck_assert_int_eq(sm2_public_point(p->pem, p->point, &e), CR_OK);
        p->key_len = tlog_sm2_key(type, p->point, p->key);
        ck_assert_uint_gt(p->key_len, 0);
        p->key_id = tlog_note_key_id(&SHA256, note_name, strlen(note_name), p->key, p->key_len);
}

START_TEST(test_sm2_checkpoint_openssl)
{
        static const char origin[] = "cryptoreg.example/log";
        struct tlog_note *n = new_note();
        struct tlog_cosignature *cs = malloc(sizeof(*cs));
        struct sm2_party *log = malloc(sizeof(*log)), *wit = malloc(sizeof(*wit));
        struct sm2_keyring *k = NULL;
        struct cr_error e = CR_ERROR_INIT;
        struct tlog_checkpoint c = {origin, strlen(origin), 300, {0}, NULL, 0}, got;
        struct tlog_vkey *vk = malloc(sizeof(*vk));
        char keydir[96], pem[SM2_PUB_PEM_MAX];
        uint8_t sig[TLOG_NOTE_SIG_MAX];
        size_t siglen = 0, off = 0;
        struct buf note, vkey, msg, line;

        ck_assert_ptr_nonnull(cs);
        ck_assert_ptr_nonnull(log);
        ck_assert_ptr_nonnull(wit);
        ck_assert_ptr_nonnull(vk);
        snprintf(keydir, sizeof(keydir), "%s/keys", tmpdir);
        ck_assert_int_eq(sm2_keyring_open(keydir, &k, &e), CR_OK);
        sm2_party_init(log, k, "tlog", origin, TLOG_KEY_SM2);
        sm2_party_init(wit, k, "witness", "witness.example/w1", TLOG_KEY_SM2_COSIG);
        for (int i = 0; i < TLOG_HASH_LEN; i++)
                c.root[i] = (uint8_t)(i * 7);

        /* The log publishes its vkey; a client parses it back to the point. */
        buf_init(&vkey, TLOG_VKEY_MAX);
        ck_assert_int_eq(tlog_vkey_format(&SHA256, origin, log->key, log->key_len, &vkey, &e),
                         CR_OK);
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, vkey.data, vkey.len, vk, &e), CR_OK);
        ck_assert_uint_eq(vk->key_id, log->key_id);
        ck_assert_int_eq(tlog_key_type_of(vk->key, vk->key_len, &off), TLOG_KEY_SM2);
        ck_assert_mem_eq(vk->key + off, log->point, SM2_POINT_LEN);
        /* The point turns back into the very PEM the keyring holds. */
        ck_assert_int_eq(sm2_point_pem(vk->key + off, pem, &e), CR_OK);
        ck_assert_str_eq(pem, log->pem);

        /* The log signs the checkpoint. */
        {
                struct tlog_note_signer s = {origin, log->key_id, keyring_sign, &log->kk};

                buf_init(&note, TLOG_NOTE_MAX);
                ck_assert_int_eq(tlog_checkpoint_sign(&c, &s, 1, &note, &e), CR_OK);
        }
        {
                struct tlog_note_verifier v = {origin, vk->key_id, sm2_point_verify, vk->key + off};

                ck_assert_int_eq(tlog_checkpoint_open(note.data, note.len, &v, 1, n, &got, &e),
                                 CR_OK);
                ck_assert_uint_eq(got.size, 300);
                ck_assert_mem_eq(got.root, c.root, TLOG_HASH_LEN);
                ck_assert(n->sig[0].verified);

                /* openssl, given the text, the DER signature and the PEM key, agrees. */
                ck_assert_int_eq(tlog_note_sig_decode(&n->sig[0], sig, sizeof(sig), &siglen, &e),
                                 CR_OK);
                ck_assert_uint_ge(siglen, 8);
                ck_assert_uint_le(siglen, 72);
                ck_assert_uint_eq(sig[0], 0x30); /* a DER SEQUENCE */
                ck_assert(openssl_verifies(pem, n->text, n->text_len, sig, siglen, SM2_USER_ID));
                /* One byte of the text or the signature changed: openssl refuses. */
                {
                        char *text = malloc(n->text_len);

                        ck_assert_ptr_nonnull(text);
                        memcpy(text, n->text, n->text_len);
                        text[strlen(origin) + 1] = '4'; /* size 300 becomes 400 */
                        ck_assert(
                            !openssl_verifies(pem, text, n->text_len, sig, siglen, SM2_USER_ID));
                        free(text);
                }
                sig[siglen - 1] ^= 0x01;
                ck_assert(!openssl_verifies(pem, n->text, n->text_len, sig, siglen, SM2_USER_ID));
                sig[siglen - 1] ^= 0x01;
                /* The user ID is part of the scheme: under another one the signature fails. */
                ck_assert(
                    !openssl_verifies(pem, n->text, n->text_len, sig, siglen, "1234567812345679"));

                /* Every single-bit change of the signed note is refused by the project's code. */
                for (size_t i = 0; i < note.len; i++) {
                        note.data[i] ^= 0x01;
                        EXPECT(tlog_checkpoint_open(note.data, note.len, &v, 1, n, &got, NULL) !=
                               CR_OK);
                        note.data[i] ^= 0x01;
                }
        }

        /* A witness cosigns at a timestamp; its line is appended to the signed checkpoint. */
        {
                const uint64_t ts = 1700000000;
                struct tlog_note_signer ws = {"witness.example/w1", wit->key_id, keyring_sign,
                                              &wit->kk};
                struct tlog_cosig_verifier cv = {sm2_point_verify, wit->point, 0};
                struct tlog_note_verifier v[2] = {
                    {origin, log->key_id, sm2_point_verify, log->point},
                    {"witness.example/w1", wit->key_id, tlog_cosig_verify, &cv}};

                ck_assert_int_eq(tlog_note_parse(note.data, note.len, n, &e), CR_OK);
                ck_assert_int_eq(tlog_cosign(n->text, n->text_len, ts, &ws, cs, &e), CR_OK);
                buf_init(&line, TLOG_NOTE_MAX);
                ck_assert_int_eq(tlog_cosig_format(cs, &line, &e), CR_OK);
                ck_assert_int_eq(buf_append(&note, line.data, line.len), CR_OK);
                ck_assert_int_eq(tlog_checkpoint_open(note.data, note.len, v, 2, n, &got, &e),
                                 CR_OK);
                ck_assert(n->sig[0].verified && n->sig[1].verified);
                ck_assert_uint_eq(cv.timestamp, ts);
                /* openssl verifies the cosignature over "cosignature/v1\ntime T\n" and the body. */
                buf_init(&msg, TLOG_NOTE_MAX);
                ck_assert_int_eq(tlog_cosig_message(ts, n->text, n->text_len, &msg, &e), CR_OK);
                ck_assert_int_eq(strncmp(msg.data, "cosignature/v1\ntime 1700000000\n", 31), 0);
                ck_assert(openssl_verifies(wit->pem, msg.data, msg.len, cs->sig, cs->sig_len,
                                           SM2_USER_ID));
                ck_assert(!openssl_verifies(wit->pem, n->text, n->text_len, cs->sig, cs->sig_len,
                                            SM2_USER_ID));
                /* Another timestamp in the line: the witness's signature no longer verifies. */
                cs->timestamp = ts + 1;
                buf_reset(&line);
                ck_assert_int_eq(tlog_cosig_format(cs, &line, &e), CR_OK);
                note.len -= line.len;
                ck_assert_int_eq(buf_append(&note, line.data, line.len), CR_OK);
                ck_assert_int_eq(tlog_checkpoint_open(note.data, note.len, v, 2, n, &got, &e),
                                 CR_EINVAL);
                ck_assert_str_eq(e.code, "tlog_note_bad_signature");
                /* Without the witness known, the log's signature alone still opens it. */
                ck_assert_int_eq(tlog_checkpoint_open(note.data, note.len, v, 1, n, &got, &e),
                                 CR_OK);
                ck_assert(!n->sig[1].verified);

                /* The same through the signing adapter: tlog_note_sign adds the cosignature. */
                {
                        struct tlog_cosig_signer csg = {keyring_sign, &wit->kk, ts + 5};
                        struct tlog_note_signer as = {"witness.example/w1", wit->key_id,
                                                      tlog_cosig_sign, &csg};
                        struct buf again;

                        buf_init(&again, TLOG_NOTE_MAX);
                        ck_assert_int_eq(tlog_note_sign(n, &as, 1, &again, &e), CR_OK);
                        ck_assert_int_eq(
                            tlog_checkpoint_open(again.data, again.len, v, 2, n, &got, &e), CR_OK);
                        ck_assert_uint_eq(n->nsigs, 2);
                        ck_assert_uint_eq(cv.timestamp, ts + 5);
                        buf_release(&again);
                }
                buf_release(&msg);
                buf_release(&line);
        }

        /* A note whose text is no checkpoint: the witness never signs it, nor does it verify. */
        {
                struct tlog_cosig_verifier cv = {sm2_point_verify, wit->point, 0};
                struct tlog_note_signer ws = {"witness.example/w1", wit->key_id, keyring_sign,
                                              &wit->kk};
                int valid = 1;

                ck_assert_int_eq(tlog_cosign("hello\n", 6, 1, &ws, cs, &e), CR_EINVAL);
                ck_assert_int_eq(tlog_cosig_verify(&cv, "hello\n", 6, sig, siglen + 8, &valid, &e),
                                 CR_OK);
                ck_assert_int_eq(valid, 0);
        }

        /* sm2_point_pem refuses points off the curve and compressed ones. */
        {
                uint8_t bent[SM2_POINT_LEN];

                memcpy(bent, log->point, sizeof(bent));
                bent[64] ^= 0x01;
                ck_assert_int_eq(sm2_point_pem(bent, pem, &e), CR_EINVAL);
                bent[64] ^= 0x01;
                bent[0] = 0x02;
                ck_assert_int_eq(sm2_point_pem(bent, pem, &e), CR_EINVAL);
                ck_assert_int_eq(sm2_public_point("not a key", bent, &e), CR_EINVAL);
        }

        buf_release(&note);
        buf_release(&vkey);
        sm2_keyring_close(k);
        cr_error_clear(&e);
        free(vk);
        free(log);
        free(wit);
        free(cs);
        free(n);
}
END_TEST

/*
 * A fixed vector made without this code: the keys by `openssl genpkey
 * -algorithm SM2`, the key IDs, vkeys and lines by a Python script
 * (hashlib, base64) following docs/tlog.md, the signatures by `openssl
 * pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678` over
 * the note text and the cosignature message.  The same files seed the
 * fuzz corpora.
 */
#define SM2_LOG_VKEY                                                                               \
        "cryptoreg.example/log+f23a7f07+/"                                                         \
        "2NyeXB0b3JlZy9zbTItc20zCgRCFFmT5LuIvwK39QWiMaM1XximKN0suid"                               \
        "+ijvGXP5n5ObNGuI4+35HuWiYxzIhZiUa/DYxWcSmSuKOSMxUriX5"
#define SM2_WITNESS_VKEY                                                                           \
        "witness.example/w1+4213125c+/"                                                            \
        "2NyeXB0b3JlZy9zbTItc20zLWNvc2lnbmF0dXJlCgRN7jO3yqmVH7nhYFkLgH"                            \
        "m0+aywn1K1jAy0PKUIW/elR3sjyaV7ovikj6I9sz03IfnMgJDgzo7FOnR5B6hBzvhx"
#define SM2_COSIGNED                                                                               \
        "cryptoreg.example/log\n300\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n\n"             \
        "\xe2\x80\x94 cryptoreg.example/log "                                                      \
        "8jp/BzBGAiEA4OS1EwFLh3PYU9rqiIfjdR8wI1jY0fitqL31GFgF1LMC"                                 \
        "IQDLpVBVQb/iCX++Xs7x7damWhF5t3sFIvbb/9CuzG7FDQ==\n"                                       \
        "\xe2\x80\x94 witness.example/w1 "                                                         \
        "QhMSXAAAAABlU/EAMEUCIDPPw3zSpFooa6P31o5S8aJKYseZM+CV5AvIK2"                               \
        "Ma8DjMAiEA8OotbMepJHTYyEJ4Ue2OzKv//rSrhdCoX6rj1htGVas=\n"

START_TEST(test_sm2_fixed_vector)
{
        struct tlog_vkey *lk = malloc(sizeof(*lk)), *wk = malloc(sizeof(*wk));
        struct tlog_note *n = new_note();
        struct cr_error e = CR_ERROR_INIT;
        struct tlog_checkpoint c;
        size_t loff = 0, woff = 0;
        struct tlog_cosig_verifier cv = {sm2_point_verify, NULL, 0};
        struct tlog_note_verifier v[2];

        ck_assert_ptr_nonnull(lk);
        ck_assert_ptr_nonnull(wk);
        ck_assert_int_eq(tlog_vkey_parse(&SHA256, SM2_LOG_VKEY, strlen(SM2_LOG_VKEY), lk, &e),
                         CR_OK);
        ck_assert_int_eq(
            tlog_vkey_parse(&SHA256, SM2_WITNESS_VKEY, strlen(SM2_WITNESS_VKEY), wk, &e), CR_OK);
        ck_assert_uint_eq(lk->key_id, 0xf23a7f07);
        ck_assert_int_eq(tlog_key_type_of(lk->key, lk->key_len, &loff), TLOG_KEY_SM2);
        ck_assert_int_eq(tlog_key_type_of(wk->key, wk->key_len, &woff), TLOG_KEY_SM2_COSIG);
        cv.ctx = wk->key + woff;
        v[0] = (struct tlog_note_verifier){lk->name, lk->key_id, sm2_point_verify, lk->key + loff};
        v[1] = (struct tlog_note_verifier){wk->name, wk->key_id, tlog_cosig_verify, &cv};
        assert_round_trip(SM2_COSIGNED, strlen(SM2_COSIGNED), n);
        ck_assert_int_eq(tlog_checkpoint_open(SM2_COSIGNED, strlen(SM2_COSIGNED), v, 2, n, &c, &e),
                         CR_OK);
        ck_assert(n->sig[0].verified && n->sig[1].verified);
        ck_assert_uint_eq(c.size, 300);
        ck_assert_uint_eq(cv.timestamp, 1700000000);
        /* The two keys are not interchangeable: the log's key does not check the cosignature. */
        v[1].key_id = wk->key_id;
        cv.ctx = lk->key + loff;
        ck_assert_int_eq(tlog_checkpoint_open(SM2_COSIGNED, strlen(SM2_COSIGNED), v, 2, n, &c, &e),
                         CR_EINVAL);
        cr_error_clear(&e);
        free(lk);
        free(wk);
        free(n);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("note");
        TCase *notes = tcase_create("notes"), *checkpoints = tcase_create("checkpoints");
        char cmd[96];
        int rc;

        snprintf(tmpdir, sizeof(tmpdir), "/tmp/cr-test-note-XXXXXX");
        if (!mkdtemp(tmpdir)) {
                perror("mkdtemp");
                return EXIT_FAILURE;
        }
        tcase_set_timeout(notes, 60);
        tcase_add_test(notes, test_go_examples);
        tcase_add_test(notes, test_spec_examples);
        tcase_add_test(notes, test_note_round_trips);
        tcase_add_test(notes, test_note_rejects);
        tcase_add_test(notes, test_vkeys);
        suite_add_tcase(s, notes);
        tcase_set_timeout(checkpoints, 120);
        tcase_add_test(checkpoints, test_checkpoints);
        tcase_add_test(checkpoints, test_cosignature_lines);
        tcase_add_test(checkpoints, test_sm2_checkpoint_openssl);
        tcase_add_test(checkpoints, test_sm2_fixed_vector);
        suite_add_tcase(s, checkpoints);
        rc = run_suite(s);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
        return rc;
}
