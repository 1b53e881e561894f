/* SM2 signing keys on disk and SM2/SM3 signatures through OpenSSL 3's EVP interface. */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/buf.h"

/* The signer process (the end of this file): isolated keys behind a socketpair. */
static enum cr_err signer_request(struct sm2_keyring *k, const char *name, const void *data,
                                  size_t len, struct sm2_signature *out, struct cr_error *e);
static void signer_stop(struct sm2_keyring *k);

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
        /* Isolated mode (signer.c): the keys live in a child process behind this socket. */
        int fd;
        pid_t child;
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
        k->fd = -1;
        *out = k;
        return CR_OK;
}

void sm2_keyring_close(struct sm2_keyring *k)
{
        if (!k)
                return;
        signer_stop(k);
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
        if (k->fd >= 0)
                return signer_request(k, name, data, len, out, e);
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
        if (k->fd >= 0) {
                /* Public keys are remembered here, so they stay known if the signer stops. */
                struct sm2_signature s;
                enum cr_err err = CR_OK;
                int known = 0;
                pthread_mutex_lock(&k->lock);
                for (size_t i = 0; i < k->count && !known; i++)
                        if (strcmp(k->keys[i].name, name) == 0) {
                                str_copy(key_id, SM2_KEY_ID_LEN, k->keys[i].key_id);
                                str_copy(pem, SM2_PUB_PEM_MAX, k->keys[i].pub_pem);
                                known = 1;
                        }
                pthread_mutex_unlock(&k->lock);
                if (known)
                        return CR_OK;
                err = signer_request(k, name, NULL, 0, &s, e);
                if (err)
                        return err;
                str_copy(key_id, SM2_KEY_ID_LEN, s.key_id);
                str_copy(pem, SM2_PUB_PEM_MAX, s.public_key_pem);
                pthread_mutex_lock(&k->lock);
                if (k->count < KEYRING_MAX) {
                        struct loaded_key *cached = &k->keys[k->count++];
                        memset(cached, 0, sizeof(*cached));
                        str_copy(cached->name, sizeof(cached->name), name);
                        str_copy(cached->key_id, sizeof(cached->key_id), s.key_id);
                        str_copy(cached->pub_pem, sizeof(cached->pub_pem), s.public_key_pem);
                }
                pthread_mutex_unlock(&k->lock);
                return CR_OK;
        }
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

/*
 * The signer process.  sm2_keyring_open_isolated forks a child that alone
 * opens the key files and answers requests over a socketpair; the parent,
 * which faces the network, never reads a private key.  A request is
 * [u8 op: 1 public key, 2 sign][u8 name length][name][u32 data length][data];
 * the answer is [u8 status][u16 length][key ID][u16 length][PEM][u16 length]
 * [signature or error text].  One request is in flight at a time.
 */
#define SIGNER_DATA_MAX (1024 * 1024)

static int read_full(int fd, void *p, size_t n)
{
        char *c = p;

        while (n) {
                ssize_t r = read(fd, c, n);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        return -1;
                c += r;
                n -= (size_t)r;
        }
        return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
        const char *c = p;

        while (n) {
                ssize_t w = write(fd, c, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                c += w;
                n -= (size_t)w;
        }
        return 0;
}

static int put_field(int fd, const void *p, size_t n)
{
        unsigned char len[2] = {(unsigned char)(n >> 8), (unsigned char)n};

        return n > 0xffff || write_full(fd, len, 2) || write_full(fd, p, n) ? -1 : 0;
}

static int get_field(int fd, void *p, size_t max, size_t *n)
{
        unsigned char len[2];

        if (read_full(fd, len, 2))
                return -1;
        *n = (size_t)len[0] << 8 | len[1];
        return *n > max || read_full(fd, p, *n) ? -1 : 0;
}

/* The child's loop: answer until the parent goes away. */
static void signer_main(int fd, const char *dir)
{
        struct sm2_keyring *k = NULL;
        struct cr_error e = CR_ERROR_INIT;
        char *data = malloc(SIGNER_DATA_MAX);

        if (!data || sm2_keyring_open(dir, &k, &e))
                _exit(1);
        for (;;) {
                unsigned char op, nlen, dlen[4];
                char name[KEY_NAME_MAX + 1];
                struct sm2_signature s;
                size_t len;
                enum cr_err err;

                if (read_full(fd, &op, 1) || read_full(fd, &nlen, 1) || nlen > KEY_NAME_MAX ||
                    read_full(fd, name, nlen) || read_full(fd, dlen, 4))
                        break;
                name[nlen] = '\0';
                len =
                    (size_t)dlen[0] << 24 | (size_t)dlen[1] << 16 | (size_t)dlen[2] << 8 | dlen[3];
                if (len > SIGNER_DATA_MAX || read_full(fd, data, len))
                        break;
                memset(&s, 0, sizeof(s));
                err = op == 2 ? sm2_keyring_sign(k, name, data, len, &s, &e)
                              : sm2_keyring_public(k, name, s.key_id, s.public_key_pem, &e);
                if (err) {
                        unsigned char st = 1;
                        if (write_full(fd, &st, 1) || put_field(fd, "", 0) ||
                            put_field(fd, "", 0) || put_field(fd, e.detail, strlen(e.detail)))
                                break;
                        cr_error_clear(&e);
                        continue;
                }
                {
                        unsigned char st = 0;
                        if (write_full(fd, &st, 1) || put_field(fd, s.key_id, strlen(s.key_id)) ||
                            put_field(fd, s.public_key_pem, strlen(s.public_key_pem)) ||
                            put_field(fd, s.der, op == 2 ? s.len : 0))
                                break;
                }
        }
        /* _exit: the child shares the parent's atexit handlers and must not run them. */
        _exit(0);
}

enum cr_err sm2_keyring_open_isolated(const char *dir, struct sm2_keyring **out, struct cr_error *e)
{
        int sv[2];
        pid_t pid;
        enum cr_err err = sm2_keyring_open(dir, out, e);

        if (err)
                return err;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
                sm2_keyring_close(*out);
                return cr_fail(e, CR_EIO, "internal", NULL, "socketpair: %s", strerror(errno));
        }
        pid = fork();
        if (pid < 0) {
                close(sv[0]);
                close(sv[1]);
                sm2_keyring_close(*out);
                return cr_fail(e, CR_EIO, "internal", NULL, "fork: %s", strerror(errno));
        }
        if (pid == 0) {
                close(sv[0]);
                /* The signer dies with the server rather than outliving it. */
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                signer_main(sv[1], dir);
        }
        close(sv[1]);
        (*out)->fd = sv[0];
        (*out)->child = pid;
        return CR_OK;
}

static enum cr_err signer_request(struct sm2_keyring *k, const char *name, const void *data,
                                  size_t len, struct sm2_signature *out, struct cr_error *e)
{
        unsigned char op = data ? 2 : 1, nlen = (unsigned char)strlen(name), st;
        unsigned char dlen[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                                 (unsigned char)(len >> 8), (unsigned char)len};
        size_t n1 = 0, n2 = 0, n3 = 0;
        char msg[512];
        int bad;

        if (len > SIGNER_DATA_MAX)
                return cr_fail(e, CR_ETOOLARGE, "internal", NULL, "too much to sign at once");
        memset(out, 0, sizeof(*out));
        pthread_mutex_lock(&k->lock);
        bad = write_full(k->fd, &op, 1) || write_full(k->fd, &nlen, 1) ||
              write_full(k->fd, name, nlen) || write_full(k->fd, dlen, 4) ||
              (len && write_full(k->fd, data, len)) || read_full(k->fd, &st, 1) ||
              get_field(k->fd, out->key_id, SM2_KEY_ID_LEN - 1, &n1) ||
              get_field(k->fd, out->public_key_pem, SM2_PUB_PEM_MAX - 1, &n2) ||
              get_field(k->fd, st ? (void *)msg : (void *)out->der,
                        st ? sizeof(msg) - 1 : sizeof(out->der), &n3);
        pthread_mutex_unlock(&k->lock);
        if (bad)
                return cr_fail(e, CR_EIO, "internal", NULL, "the signer process does not answer");
        if (st) {
                msg[n3] = '\0';
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "signer: %s", msg);
        }
        out->key_id[n1] = '\0';
        out->public_key_pem[n2] = '\0';
        out->len = n3;
        return CR_OK;
}

static void signer_stop(struct sm2_keyring *k)
{
        if (k->fd < 0)
                return;
        close(k->fd);
        k->fd = -1;
        waitpid(k->child, NULL, 0);
}
