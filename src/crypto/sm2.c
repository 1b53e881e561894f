/* SM2 signing keys on disk and SM2/SM3 signatures through OpenSSL 3's EVP interface. */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/buf.h"
#include "core/banned.h"

#define KEYRING_MAX  64
#define KEY_NAME_MAX 32

struct loaded_key {
        char name[KEY_NAME_MAX];
        EVP_PKEY *pkey;
        char key_id[SM2_KEY_ID_LEN];
        char pub_pem[SM2_PUB_PEM_MAX];
};

struct sm2_keyring {
        char dir[4096];
        pthread_mutex_t lock;
        size_t count;
        struct loaded_key keys[KEYRING_MAX];
};

enum cr_err sm2_keyring_open(const char *dir, struct sm2_keyring **out, struct cr_error *e)
{
        struct sm2_keyring *k;

        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot create key directory %s: %s",
                               dir, strerror(errno));
        k = calloc(1, sizeof(*k));
        if (!k)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (str_copy(k->dir, sizeof(k->dir), dir) != 0) {
                free(k);
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "key directory path too long");
        }
        pthread_mutex_init(&k->lock, NULL);
        *out = k;
        return CR_OK;
}

void sm2_keyring_close(struct sm2_keyring *k)
{
        if (!k)
                return;
        for (size_t i = 0; i < k->count; i++)
                EVP_PKEY_free(k->keys[i].pkey);
        pthread_mutex_destroy(&k->lock);
        free(k);
}

/* Key names become file names, so only letters, digits, '-' and '_' are allowed. */
static int valid_name(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n >= KEY_NAME_MAX)
                return 0;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      c == '-' || c == '_'))
                        return 0;
        }
        return 1;
}

static EVP_PKEY *generate_key(void)
{
        EVP_PKEY *pkey = NULL;
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);

        if (ctx && EVP_PKEY_keygen_init(ctx) > 0)
                EVP_PKEY_generate(ctx, &pkey);
        EVP_PKEY_CTX_free(ctx);
        return pkey;
}

/* Writes a new private key to path, refusing to replace an existing file. */
static int write_private_key(const char *path, EVP_PKEY *pkey)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        FILE *f;
        int ok;

        if (fd < 0)
                return 0;
        f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                return 0;
        }
        ok = PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) == 1;
        ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok;
        return ok;
}

static EVP_PKEY *read_private_key(const char *path)
{
        FILE *f = fopen(path, "r");
        EVP_PKEY *pkey;

        if (!f)
                return NULL;
        pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
        return pkey;
}

/* Fills the key's ID and public PEM from its SubjectPublicKeyInfo. */
static int describe_key(struct loaded_key *lk)
{
        static const char hex[] = "0123456789abcdef";
        unsigned char *der = NULL, d[SM3_LEN];
        int derlen = i2d_PUBKEY(lk->pkey, &der);
        BIO *bio;
        long n;
        char *p;

        if (derlen <= 0)
                return 0;
        if (sm3_digest(der, (size_t)derlen, d) != CR_OK) {
                OPENSSL_free(der);
                return 0;
        }
        OPENSSL_free(der);
        for (int i = 0; i < 8; i++) {
                lk->key_id[2 * i] = hex[d[i] >> 4];
                lk->key_id[2 * i + 1] = hex[d[i] & 15];
        }
        lk->key_id[16] = '\0';
        bio = BIO_new(BIO_s_mem());
        if (!bio || PEM_write_bio_PUBKEY(bio, lk->pkey) != 1) {
                BIO_free(bio);
                return 0;
        }
        n = BIO_get_mem_data(bio, &p);
        if (n <= 0 || (size_t)n >= sizeof(lk->pub_pem)) {
                BIO_free(bio);
                return 0;
        }
        memcpy(lk->pub_pem, p, (size_t)n);
        lk->pub_pem[n] = '\0';
        BIO_free(bio);
        return 1;
}

/* Finds or loads (or creates) name's key; the caller holds k->lock. */
static struct loaded_key *key_for(struct sm2_keyring *k, const char *name, struct cr_error *e)
{
        char path[4200];
        struct loaded_key *lk;

        for (size_t i = 0; i < k->count; i++)
                if (strcmp(k->keys[i].name, name) == 0)
                        return &k->keys[i];
        if (k->count == KEYRING_MAX) {
                cr_fail(e, CR_EINTERNAL, "internal", NULL, "too many signing keys");
                return NULL;
        }
        lk = &k->keys[k->count];
        memset(lk, 0, sizeof(*lk));
        str_copy(lk->name, sizeof(lk->name), name);
        snprintf(path, sizeof(path), "%s/cert-%s.pem", k->dir, name);
        lk->pkey = read_private_key(path);
        if (!lk->pkey && access(path, F_OK) != 0) {
                lk->pkey = generate_key();
                if (lk->pkey && !write_private_key(path, lk->pkey)) {
                        /* Another process may have created it first: use that one. */
                        EVP_PKEY_free(lk->pkey);
                        lk->pkey = read_private_key(path);
                }
        }
        if (!lk->pkey) {
                cr_fail(e, CR_EIO, "internal", NULL, "cannot load or create signing key %s", path);
                return NULL;
        }
        if (!describe_key(lk)) {
                EVP_PKEY_free(lk->pkey);
                lk->pkey = NULL;
                cr_fail(e, CR_EINTERNAL, "internal", NULL, "cannot encode signing key %s", name);
                return NULL;
        }
        k->count++;
        return lk;
}

/* An SM2 digest-sign or digest-verify context with the standard user ID. */
static EVP_MD_CTX *sm2_md_ctx(EVP_PKEY *pkey, int sign)
{
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(pkey, NULL);
        int ok = md && pctx && EVP_PKEY_CTX_set1_id(pctx, SM2_USER_ID, sizeof(SM2_USER_ID) - 1) > 0;

        if (ok) {
                EVP_MD_CTX_set_pkey_ctx(md, pctx);
                ok = sign ? EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, pkey) > 0
                          : EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, pkey) > 0;
        }
        if (!ok) {
                EVP_MD_CTX_free(md);
                EVP_PKEY_CTX_free(pctx);
                return NULL;
        }
        return md;
}

/* Frees what sm2_md_ctx made: the PKEY context is not owned by the MD context. */
static void sm2_md_ctx_free(EVP_MD_CTX *md)
{
        EVP_PKEY_CTX *pctx = md ? EVP_MD_CTX_get_pkey_ctx(md) : NULL;

        EVP_MD_CTX_free(md);
        EVP_PKEY_CTX_free(pctx);
}

enum cr_err sm2_keyring_sign(struct sm2_keyring *k, const char *name, const void *data, size_t len,
                             struct sm2_signature *out, struct cr_error *e)
{
        struct loaded_key *lk;
        EVP_MD_CTX *md;
        size_t siglen = sizeof(out->der);
        int ok;

        if (!valid_name(name))
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "bad signing key name");
        pthread_mutex_lock(&k->lock);
        lk = key_for(k, name, e);
        if (lk) {
                str_copy(out->key_id, sizeof(out->key_id), lk->key_id);
                str_copy(out->public_key_pem, sizeof(out->public_key_pem), lk->pub_pem);
        }
        pthread_mutex_unlock(&k->lock);
        if (!lk)
                return e->err;
        /* The EVP_PKEY is never freed while the keyring is open, so signing needs no lock. */
        md = sm2_md_ctx(lk->pkey, 1);
        ok = md && EVP_DigestSign(md, out->der, &siglen, data, len) > 0;
        sm2_md_ctx_free(md);
        if (!ok)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM2 signing failed");
        out->len = siglen;
        return CR_OK;
}

enum cr_err sm2_keyring_public(struct sm2_keyring *k, const char *name, char key_id[SM2_KEY_ID_LEN],
                               char pem[SM2_PUB_PEM_MAX], struct cr_error *e)
{
        struct loaded_key *lk;

        if (!valid_name(name))
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "bad signing key name");
        pthread_mutex_lock(&k->lock);
        lk = key_for(k, name, e);
        if (lk) {
                str_copy(key_id, SM2_KEY_ID_LEN, lk->key_id);
                str_copy(pem, SM2_PUB_PEM_MAX, lk->pub_pem);
        }
        pthread_mutex_unlock(&k->lock);
        return lk ? CR_OK : e->err;
}

enum cr_err sm2_verify(const char *public_key_pem, const void *data, size_t len,
                       const unsigned char *sig, size_t siglen, int *valid, struct cr_error *e)
{
        BIO *bio = BIO_new_mem_buf(public_key_pem, -1);
        EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        EVP_MD_CTX *md = pkey ? sm2_md_ctx(pkey, 0) : NULL;

        BIO_free(bio);
        if (!md) {
                EVP_PKEY_free(pkey);
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "not an SM2 public key");
        }
        *valid = EVP_DigestVerify(md, sig, siglen, data, len) == 1;
        sm2_md_ctx_free(md);
        EVP_PKEY_free(pkey);
        return CR_OK;
}

enum cr_err sm2_public_point(const char *public_key_pem, unsigned char out[SM2_POINT_LEN],
                             struct cr_error *e)
{
        BIO *bio = BIO_new_mem_buf(public_key_pem, -1);
        EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        size_t len = 0;
        /* An EC public key's octet-string form is its point, uncompressed by default. */
        int ok = pkey && EVP_PKEY_is_a(pkey, "SM2") &&
                 EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, out, SM2_POINT_LEN,
                                                 &len) == 1 &&
                 len == SM2_POINT_LEN && out[0] == 0x04;

        BIO_free(bio);
        EVP_PKEY_free(pkey);
        if (!ok)
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "not an SM2 public key");
        return CR_OK;
}

enum cr_err sm2_point_pem(const unsigned char point[SM2_POINT_LEN], char pem[SM2_PUB_PEM_MAX],
                          struct cr_error *e)
{
        char group[] = "SM2";
        unsigned char pub[SM2_POINT_LEN];
        OSSL_PARAM params[3];
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL), *check = NULL;
        EVP_PKEY *pkey = NULL;
        BIO *bio = NULL;
        char *p;
        long n = 0;
        int ok;

        memcpy(pub, point, sizeof(pub));
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub));
        params[2] = OSSL_PARAM_construct_end();
        ok = point[0] == 0x04 && ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
             EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0;
        /* fromdata decodes the point; the public check also proves it lies on the curve. */
        if (ok) {
                check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
                ok = check && EVP_PKEY_public_check(check) == 1;
        }
        if (ok) {
                bio = BIO_new(BIO_s_mem());
                ok = bio && PEM_write_bio_PUBKEY(bio, pkey) == 1;
        }
        if (ok) {
                n = BIO_get_mem_data(bio, &p);
                ok = n > 0 && (size_t)n < SM2_PUB_PEM_MAX;
        }
        if (ok) {
                memcpy(pem, p, (size_t)n);
                pem[n] = '\0';
        }
        BIO_free(bio);
        EVP_PKEY_CTX_free(check);
        EVP_PKEY_free(pkey);
        EVP_PKEY_CTX_free(ctx);
        if (!ok)
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                               "not an uncompressed point on the SM2 curve");
        return CR_OK;
}
