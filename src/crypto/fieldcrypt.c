/*
 * Encryption of personal data at rest: SM4-CTR with HMAC-SM3, encrypt then
 * MAC, under a keyring of numbered data keys kept one per file in the key
 * directory, and the masking of such values for display.  The format and the
 * key handling are described in docs/crypto.md; only OpenSSL 3's EVP
 * interface is used, so the openssl command line can check every step.
 */
#include "crypto/crypto.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/parse.h"
#include "core/utf8.h"

#define SM4_KEY_LEN   16
#define MAC_KEY_LEN   32
#define ROTATE_TRIES  8
#define KEY_PATH_MAX  4200
#define TOKEN_VERSION "v1"

/*
 * The two subkeys of a data key are HMAC-SM3 of the 32-byte master with
 * these labels, so the cipher and the MAC never share key bits and the key
 * file stays one opaque secret.  They are part of the format: changing them
 * makes every stored value unreadable.
 */
static const char LABEL_SM4[] = "cryptoreg fieldcrypt v1 SM4-CTR key";
static const char LABEL_MAC[] = "cryptoreg fieldcrypt v1 HMAC-SM3 key";

struct data_key {
        uint32_t id;
        unsigned char enc[SM4_KEY_LEN];
        unsigned char mac[MAC_KEY_LEN];
};

struct fieldcrypt {
        uint64_t serial; /* which keyring this is, for the threads' cached contexts */
        char dir[4096];
        /* Guards count, newest and the keys; an entry never changes once counted. */
        pthread_mutex_t lock;
        EVP_CIPHER *sm4_ctr;
        EVP_MAC *hmac;
        size_t count;
        size_t newest;
        struct data_key keys[FIELDCRYPT_KEYS_MAX];
};

/* ---- HMAC-SM3 and SM4-CTR. ---- */

/* HMAC-SM3 over the concatenation of n parts; returns 1 on success. */
static int hmac_sm3(EVP_MAC *hmac, const unsigned char *key, size_t keylen,
                    const void *const *parts, const size_t *lens, size_t n,
                    unsigned char out[SM3_LEN])
{
        char digest[] = "SM3";
        OSSL_PARAM params[2];
        EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac);
        size_t outlen = 0;
        int ok;

        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
        params[1] = OSSL_PARAM_construct_end();
        ok = ctx && EVP_MAC_init(ctx, key, keylen, params) == 1;
        for (size_t i = 0; ok && i < n; i++)
                ok = EVP_MAC_update(ctx, parts[i], lens[i]) == 1;
        ok = ok && EVP_MAC_final(ctx, out, &outlen, SM3_LEN) == 1 && outlen == SM3_LEN;
        EVP_MAC_CTX_free(ctx);
        return ok;
}

/*
 * Each thread keeps an SM4-CTR context and an HMAC-SM3 context keyed for the
 * data key it sealed with last, so that sealing the values of a million-line
 * filing sets up two contexts rather than two million.  A context is re-keyed
 * when the keyring (by serial, never reused) or the key changes.
 */
struct seal_contexts {
        uint64_t keyring;
        uint32_t key_id;
        EVP_CIPHER_CTX *cipher;
        EVP_MAC_CTX *mac;
        /*
         * IVs are drawn from the DRBG 256 at a time: each draw takes the
         * generator's lock and fork check, which cost more than the sealing
         * itself.  Every IV is still fresh random bytes used once.
         */
        unsigned char ivs[256 * FIELDCRYPT_IV_LEN];
        size_t ivs_used; /* bytes of ivs handed out; sizeof(ivs) when empty */
};

static pthread_key_t seal_contexts_key;
static pthread_once_t seal_contexts_once = PTHREAD_ONCE_INIT;
static int seal_contexts_ready;
static atomic_uint_fast64_t keyring_serials;

static void seal_contexts_free(void *p)
{
        struct seal_contexts *c = p;

        if (!c)
                return;
        EVP_CIPHER_CTX_free(c->cipher);
        EVP_MAC_CTX_free(c->mac);
        free(c);
}

static void seal_contexts_setup(void)
{
        seal_contexts_ready = pthread_key_create(&seal_contexts_key, seal_contexts_free) == 0;
}

/* This thread's contexts keyed for dk of keyring k, or NULL when they cannot be made. */
static struct seal_contexts *seal_contexts(struct fieldcrypt *k, const struct data_key *dk)
{
        char digest[] = "SM3";
        OSSL_PARAM params[2];
        struct seal_contexts *c;

        if (pthread_once(&seal_contexts_once, seal_contexts_setup) != 0 || !seal_contexts_ready)
                return NULL;
        c = pthread_getspecific(seal_contexts_key);
        if (!c) {
                c = calloc(1, sizeof(*c));
                if (!c || pthread_setspecific(seal_contexts_key, c) != 0) {
                        free(c);
                        return NULL;
                }
                c->ivs_used = sizeof(c->ivs);
        }
        if (c->cipher && c->keyring == k->serial && c->key_id == dk->id)
                return c;
        EVP_CIPHER_CTX_free(c->cipher);
        EVP_MAC_CTX_free(c->mac);
        c->keyring = 0;
        c->cipher = EVP_CIPHER_CTX_new();
        c->mac = EVP_MAC_CTX_new(k->hmac);
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (!c->cipher || !c->mac ||
            EVP_EncryptInit_ex2(c->cipher, k->sm4_ctr, dk->enc, NULL, NULL) != 1 ||
            EVP_MAC_init(c->mac, dk->mac, MAC_KEY_LEN, params) != 1) {
                EVP_CIPHER_CTX_free(c->cipher);
                EVP_MAC_CTX_free(c->mac);
                c->cipher = NULL;
                c->mac = NULL;
                return NULL;
        }
        c->keyring = k->serial;
        c->key_id = dk->id;
        return c;
}

/* SM4-CTR of len bytes; the same operation encrypts and decrypts.  Returns 1 on success. */
static int sm4_ctr(EVP_CIPHER *cipher, const unsigned char key[SM4_KEY_LEN],
                   const unsigned char iv[FIELDCRYPT_IV_LEN], const unsigned char *in, size_t len,
                   unsigned char *out)
{
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        int outl = 0, finl = 0;
        int ok = ctx && len <= INT32_MAX && EVP_EncryptInit_ex2(ctx, cipher, key, iv, NULL) == 1 &&
                 EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) == 1 &&
                 EVP_EncryptFinal_ex(ctx, out + outl, &finl) == 1 && (size_t)outl + finl == len;

        EVP_CIPHER_CTX_free(ctx);
        return ok;
}

/* Derives the two subkeys of a data key from its 32-byte master. */
static int derive_subkeys(EVP_MAC *hmac, const unsigned char master[FIELDCRYPT_MASTER_LEN],
                          struct data_key *dk)
{
        unsigned char full[SM3_LEN];
        const void *part[1];
        size_t len[1];
        int ok;

        part[0] = LABEL_SM4;
        len[0] = sizeof(LABEL_SM4) - 1;
        ok = hmac_sm3(hmac, master, FIELDCRYPT_MASTER_LEN, part, len, 1, full);
        memcpy(dk->enc, full, SM4_KEY_LEN);
        part[0] = LABEL_MAC;
        len[0] = sizeof(LABEL_MAC) - 1;
        ok = ok && hmac_sm3(hmac, master, FIELDCRYPT_MASTER_LEN, part, len, 1, dk->mac);
        OPENSSL_cleanse(full, sizeof(full));
        return ok;
}

/* ---- Key files. ---- */

/* Parses "data-<id>.key" with a decimal id without leading zeros; returns the id or 0. */
static uint32_t key_file_id(const char *name)
{
        const char *p = name + 5;
        size_t n;
        uint64_t id;

        if (strncmp(name, "data-", 5) != 0)
                return 0;
        n = parse_digit_span(p, strlen(p));
        if (parse_uint64(p, n, FIELDCRYPT_KEY_ID_MAX, PARSE_NO_LEADING_ZERO, &id) ||
            strcmp(p + n, ".key") != 0)
                return 0;
        return (uint32_t)id; /* "data-0.key" gives 0 too: there is no key 0 */
}

static void key_path(const struct fieldcrypt *k, uint32_t id, char path[KEY_PATH_MAX])
{
        snprintf(path, KEY_PATH_MAX, "%s/data-%u.key", k->dir, (unsigned)id);
}

/*
 * Reads a key file, refusing anything but a regular file of exactly 32
 * bytes that belongs to this user and that nobody else may read or write:
 * a key another user could read is no longer secret, and one another user
 * could write could be swapped for a key they know.
 */
static enum cr_err read_key_file(const char *path, unsigned char master[FIELDCRYPT_MASTER_LEN],
                                 struct cr_error *e)
{
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        ssize_t n;

        if (fd < 0)
                return cr_fail(e, errno == ENOENT ? CR_ENOTFOUND : CR_EIO, "internal", NULL,
                               "cannot open data key %s: %s", path, strerror(errno));
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            (st.st_mode & 077) != 0 || st.st_size != FIELDCRYPT_MASTER_LEN) {
                close(fd);
                return cr_fail(e, CR_EIO, "internal", NULL,
                               "data key %s must be a %d-byte regular file of this user with "
                               "mode 0600",
                               path, FIELDCRYPT_MASTER_LEN);
        }
        n = read(fd, master, FIELDCRYPT_MASTER_LEN);
        close(fd);
        if (n != FIELDCRYPT_MASTER_LEN) {
                OPENSSL_cleanse(master, FIELDCRYPT_MASTER_LEN);
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot read data key %s", path);
        }
        return CR_OK;
}

/* Makes a directory entry durable, so a key that was used for data survives a crash. */
static int sync_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int ok = fd >= 0 && fsync(fd) == 0;

        if (fd >= 0)
                close(fd);
        return ok;
}

/*
 * Writes a new master key as data-<id>.key.  The bytes go to a private
 * temporary file first, which is synced and then linked to its final name:
 * link() fails if the name exists, like O_EXCL, and the key file never
 * appears half written.  Returns CR_ECONFLICT if another process created
 * that id first.
 */
static enum cr_err write_key_file(const struct fieldcrypt *k, uint32_t id,
                                  const unsigned char master[FIELDCRYPT_MASTER_LEN],
                                  struct cr_error *e)
{
        char tmp[KEY_PATH_MAX], path[KEY_PATH_MAX];
        unsigned char salt[8];
        int fd, ok, linked, saved;

        if (RAND_bytes(salt, sizeof(salt)) != 1)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "no randomness");
        snprintf(tmp, sizeof(tmp), "%s/.data-%u.%02x%02x%02x%02x%02x%02x%02x%02x.tmp", k->dir,
                 (unsigned)id, salt[0], salt[1], salt[2], salt[3], salt[4], salt[5], salt[6],
                 salt[7]);
        key_path(k, id, path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot create %s: %s", tmp,
                               strerror(errno));
        ok = write(fd, master, FIELDCRYPT_MASTER_LEN) == FIELDCRYPT_MASTER_LEN && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        linked = ok && link(tmp, path) == 0;
        saved = errno;
        unlink(tmp);
        if (!ok)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot write %s", tmp);
        if (!linked)
                return cr_fail(e, saved == EEXIST ? CR_ECONFLICT : CR_EIO, "internal", NULL,
                               "cannot create data key %s: %s", path, strerror(saved));
        if (!sync_dir(k->dir))
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot sync key directory %s", k->dir);
        return CR_OK;
}

/* ---- The keyring.  Functions named *_locked expect the caller to hold k->lock. ---- */

static struct data_key *find_locked(struct fieldcrypt *k, uint32_t id)
{
        for (size_t i = 0; i < k->count; i++)
                if (k->keys[i].id == id)
                        return &k->keys[i];
        return NULL;
}

/* Loads data-<id>.key into the keyring unless it is there already. */
static enum cr_err load_locked(struct fieldcrypt *k, uint32_t id, struct cr_error *e)
{
        unsigned char master[FIELDCRYPT_MASTER_LEN];
        char path[KEY_PATH_MAX];
        struct data_key *dk;
        enum cr_err err;

        if (find_locked(k, id))
                return CR_OK;
        if (k->count == FIELDCRYPT_KEYS_MAX)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "more than %d data keys in %s",
                               FIELDCRYPT_KEYS_MAX, k->dir);
        key_path(k, id, path);
        err = read_key_file(path, master, e);
        if (err)
                return err;
        dk = &k->keys[k->count];
        dk->id = id;
        if (!derive_subkeys(k->hmac, master, dk)) {
                OPENSSL_cleanse(master, sizeof(master));
                OPENSSL_cleanse(dk, sizeof(*dk));
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "cannot derive data key %u",
                               (unsigned)id);
        }
        OPENSSL_cleanse(master, sizeof(master));
        if (k->count == 0 || id > k->keys[k->newest].id)
                k->newest = k->count;
        k->count++;
        return CR_OK;
}

/* Loads every data-<id>.key in the directory; *max_id gets the highest id seen. */
static enum cr_err scan_locked(struct fieldcrypt *k, uint32_t *max_id, struct cr_error *e)
{
        DIR *d = opendir(k->dir);
        struct dirent *de;
        enum cr_err err = CR_OK;

        *max_id = 0;
        if (!d)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot read key directory %s: %s",
                               k->dir, strerror(errno));
        while (!err && (de = readdir(d)) != NULL) {
                uint32_t id = key_file_id(de->d_name);
                if (!id)
                        continue;
                if (id > *max_id)
                        *max_id = id;
                err = load_locked(k, id, e);
        }
        closedir(d);
        return err;
}

/*
 * Creates the next key version after every one on disk and makes it the
 * newest.  If another process takes that id first, the directory is read
 * again and the next free id is tried, a bounded number of times.
 */
static enum cr_err rotate_locked(struct fieldcrypt *k, struct cr_error *e)
{
        unsigned char master[FIELDCRYPT_MASTER_LEN];
        uint32_t max_id;
        enum cr_err err = CR_OK;

        for (int attempt = 0; attempt < ROTATE_TRIES; attempt++) {
                err = scan_locked(k, &max_id, e);
                if (err)
                        return err;
                if (max_id >= FIELDCRYPT_KEY_ID_MAX)
                        return cr_fail(e, CR_EINTERNAL, "internal", NULL, "data key ids exhausted");
                if (k->count == FIELDCRYPT_KEYS_MAX)
                        return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                       "more than %d data keys in %s", FIELDCRYPT_KEYS_MAX, k->dir);
                if (RAND_bytes(master, sizeof(master)) != 1)
                        return cr_fail(e, CR_EINTERNAL, "internal", NULL, "no randomness");
                err = write_key_file(k, max_id + 1, master, e);
                OPENSSL_cleanse(master, sizeof(master));
                if (err == CR_ECONFLICT) {
                        cr_error_clear(e);
                        continue;
                }
                if (err)
                        return err;
                return load_locked(k, max_id + 1, e);
        }
        return cr_fail(e, CR_ECONFLICT, "internal", NULL,
                       "data key rotation in %s kept racing with another process", k->dir);
}

enum cr_err fieldcrypt_open(const char *dir, struct fieldcrypt **out, struct cr_error *e)
{
        struct fieldcrypt *k;
        struct stat st;
        uint32_t max_id;
        enum cr_err err;

        *out = NULL;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot create key directory %s: %s",
                               dir, strerror(errno));
        /* A directory others may write into would let them plant a newer key. */
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)))
                return cr_fail(e, CR_EIO, "internal", NULL,
                               "key directory %s must be a directory only its owner may write",
                               dir);
        k = calloc(1, sizeof(*k));
        if (!k)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (str_copy(k->dir, sizeof(k->dir), dir) != 0) {
                free(k);
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL, "key directory path too long");
        }
        pthread_mutex_init(&k->lock, NULL);
        k->serial = atomic_fetch_add(&keyring_serials, 1) + 1;
        /* Fetched once: the algorithm objects are immutable and shared by all threads. */
        k->sm4_ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
        k->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        if (!k->sm4_ctr || !k->hmac) {
                fieldcrypt_close(k);
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "OpenSSL has no SM4-CTR or HMAC");
        }
        pthread_mutex_lock(&k->lock);
        err = scan_locked(k, &max_id, e);
        if (!err && k->count == 0)
                err = rotate_locked(k, e);
        pthread_mutex_unlock(&k->lock);
        if (err) {
                fieldcrypt_close(k);
                return err;
        }
        *out = k;
        return CR_OK;
}

void fieldcrypt_close(struct fieldcrypt *k)
{
        if (!k)
                return;
        EVP_CIPHER_free(k->sm4_ctr);
        EVP_MAC_free(k->hmac);
        pthread_mutex_destroy(&k->lock);
        OPENSSL_cleanse(k->keys, sizeof(k->keys));
        free(k);
}

enum cr_err fieldcrypt_rotate(struct fieldcrypt *k, struct cr_error *e)
{
        enum cr_err err;

        pthread_mutex_lock(&k->lock);
        err = rotate_locked(k, e);
        pthread_mutex_unlock(&k->lock);
        return err;
}

uint32_t fieldcrypt_current_key(struct fieldcrypt *k)
{
        uint32_t id;

        pthread_mutex_lock(&k->lock);
        id = k->keys[k->newest].id;
        pthread_mutex_unlock(&k->lock);
        return id;
}

/* ---- Tokens. ---- */

/*
 * The tag covers the token's text header ("v1.<id>."), the length of the
 * associated data as 8 bytes big-endian, the associated data, the IV and
 * the ciphertext.  The length prefix keeps the split between associated
 * data and the rest unambiguous; the IV has a fixed size.
 */
static int token_tag(struct fieldcrypt *k, const struct data_key *dk, const char *header,
                     size_t headerlen, const void *aad, size_t aadlen, const unsigned char *iv_ct,
                     size_t ctlen, unsigned char tag[SM3_LEN])
{
        unsigned char aadlen_be[8];
        const void *parts[4];
        size_t lens[4];

        for (int i = 0; i < 8; i++)
                aadlen_be[i] = (unsigned char)((uint64_t)aadlen >> (56 - 8 * i));
        parts[0] = header;
        lens[0] = headerlen;
        parts[1] = aadlen_be;
        lens[1] = sizeof(aadlen_be);
        parts[2] = aad;
        lens[2] = aadlen;
        parts[3] = iv_ct;
        lens[3] = FIELDCRYPT_IV_LEN + ctlen;
        return hmac_sm3(k->hmac, dk->mac, MAC_KEY_LEN, parts, lens, 4, tag);
}

/*
 * Draws an IV into body, encrypts len bytes after it and appends the tag,
 * with this thread's cached contexts: the IV is the only thing set per value.
 * The result is what sm4_ctr and token_tag compute (docs/crypto.md).
 */
static int seal_with_contexts(struct fieldcrypt *k, const struct data_key *dk, const char *header,
                              size_t headerlen, const void *aad, size_t aadlen,
                              const void *plaintext, size_t len, unsigned char *body)
{
        struct seal_contexts *c = seal_contexts(k, dk);
        unsigned char aadlen_be[8];
        unsigned char *ct = body + FIELDCRYPT_IV_LEN;
        int outl = 0, finl = 0;
        size_t taglen = 0;

        if (!c || len > INT32_MAX)
                return 0;
        if (c->ivs_used == sizeof(c->ivs)) {
                if (RAND_bytes(c->ivs, sizeof(c->ivs)) != 1)
                        return 0;
                c->ivs_used = 0;
        }
        memcpy(body, c->ivs + c->ivs_used, FIELDCRYPT_IV_LEN);
        /* An IV handed out is wiped from the batch, so none can be handed out twice. */
        OPENSSL_cleanse(c->ivs + c->ivs_used, FIELDCRYPT_IV_LEN);
        c->ivs_used += FIELDCRYPT_IV_LEN;
        for (int i = 0; i < 8; i++)
                aadlen_be[i] = (unsigned char)((uint64_t)aadlen >> (56 - 8 * i));
        /* A NULL key keeps the key schedule (SM4) and the keyed pads (HMAC) already set. */
        if (EVP_EncryptInit_ex2(c->cipher, NULL, NULL, body, NULL) != 1 ||
            EVP_EncryptUpdate(c->cipher, ct, &outl, plaintext, (int)len) != 1 ||
            EVP_EncryptFinal_ex(c->cipher, ct + outl, &finl) != 1 || (size_t)outl + finl != len)
                return 0;
        return EVP_MAC_init(c->mac, NULL, 0, NULL) == 1 &&
               EVP_MAC_update(c->mac, (const unsigned char *)header, headerlen) == 1 &&
               EVP_MAC_update(c->mac, aadlen_be, sizeof(aadlen_be)) == 1 &&
               EVP_MAC_update(c->mac, aad, aadlen) == 1 &&
               EVP_MAC_update(c->mac, body, FIELDCRYPT_IV_LEN + len) == 1 &&
               EVP_MAC_final(c->mac, ct + len, &taglen, SM3_LEN) == 1 && taglen == SM3_LEN;
}

/* Copies the newest key (or key id, if not 0) out of the keyring, loading it from disk if new. */
static enum cr_err key_copy(struct fieldcrypt *k, uint32_t id, struct data_key *out,
                            struct cr_error *e)
{
        struct data_key *dk;
        enum cr_err err = CR_OK;

        pthread_mutex_lock(&k->lock);
        if (id == 0) {
                dk = &k->keys[k->newest];
        } else {
                dk = find_locked(k, id);
                /* A key this process has not seen may have been made by another one since. */
                if (!dk) {
                        err = load_locked(k, id, e);
                        dk = err ? NULL : find_locked(k, id);
                }
        }
        if (dk)
                *out = *dk;
        pthread_mutex_unlock(&k->lock);
        return dk ? CR_OK : err;
}

enum cr_err fieldcrypt_seal(struct fieldcrypt *k, const void *plaintext, size_t len,
                            const void *aad, size_t aadlen, struct buf *out, struct cr_error *e)
{
        struct data_key dk;
        char header[32];
        unsigned char *body = NULL;
        char *text = NULL;
        size_t bodylen, textlen;
        int headerlen;
        enum cr_err err = CR_OK;

        if (len > FIELDCRYPT_PLAIN_MAX)
                return cr_fail(e, CR_ETOOLARGE, "too_large", NULL,
                               "a protected value may have at most %d bytes", FIELDCRYPT_PLAIN_MAX);
        if (!aad || aadlen == 0 || aadlen > FIELDCRYPT_AAD_MAX)
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                               "a protected value needs its row and column as associated data");
        err = key_copy(k, 0, &dk, e);
        if (err)
                return err;
        headerlen = snprintf(header, sizeof(header), TOKEN_VERSION ".%u.", (unsigned)dk.id);
        bodylen = FIELDCRYPT_IV_LEN + len + SM3_LEN;
        textlen = (size_t)headerlen + BASE64URL_LEN(bodylen);
        body = malloc(bodylen);
        text = malloc(textlen);
        if (!body || !text) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        if (!seal_with_contexts(k, &dk, header, (size_t)headerlen, aad, aadlen, plaintext, len,
                                body)) {
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM4 encryption failed");
                goto out;
        }
        memcpy(text, header, (size_t)headerlen);
        base64url_encode(body, bodylen, text + headerlen);
        err = buf_append(out, text, textlen);
        if (err)
                cr_fail(e, err, err == CR_ETOOLARGE ? "too_large" : "internal", NULL,
                        "no room for the encrypted value");
out:
        OPENSSL_cleanse(&dk, sizeof(dk));
        free(body);
        free(text);
        return err;
}

/* The one refusal for any token that does not open, so that failures do not tell why. */
static enum cr_err decrypt_failed(struct cr_error *e)
{
        return cr_fail(e, CR_EINVAL, "decrypt_failed", NULL,
                       "the protected value cannot be decrypted or was changed");
}

/*
 * Splits "v1.<id>.<base64url>": *id gets the key id and *b64 the offset of
 * the body.  The id has no leading zeros, so each token has one spelling.
 */
static int token_parse(const char *token, size_t len, uint32_t *id, size_t *b64)
{
        size_t i = sizeof(TOKEN_VERSION); /* the length of "v1." */
        size_t n;
        uint64_t v;

        if (len <= i || memcmp(token, TOKEN_VERSION ".", i) != 0)
                return 0;
        n = parse_digit_span(token + i, len - i);
        /* There is no key 0, and an id of 0 would mean "the newest key" to key_copy. */
        if (parse_uint64(token + i, n, FIELDCRYPT_KEY_ID_MAX, PARSE_NO_LEADING_ZERO, &v) || v == 0)
                return 0;
        i += n;
        if (i == len || token[i] != '.')
                return 0;
        *id = (uint32_t)v;
        *b64 = i + 1;
        return 1;
}

enum cr_err fieldcrypt_token_key(const char *token, size_t len, uint32_t *id)
{
        size_t b64;

        return token && token_parse(token, len, id, &b64) ? CR_OK : CR_EINVAL;
}

enum cr_err fieldcrypt_open_token(struct fieldcrypt *k, const char *token, size_t len,
                                  const void *aad, size_t aadlen, struct buf *plain,
                                  struct cr_error *e)
{
        struct data_key dk;
        unsigned char *body = NULL, *pt = NULL, tag[SM3_LEN];
        size_t b64, bodymax, bodylen = 0, ctlen;
        uint32_t id;
        enum cr_err err;

        memset(&dk, 0, sizeof(dk));
        if (!token || len > FIELDCRYPT_TOKEN_MAX || !token_parse(token, len, &id, &b64) ||
            (!aad && aadlen))
                return decrypt_failed(e);
        err = key_copy(k, id, &dk, e);
        if (err == CR_ENOTFOUND) {
                /* An id with no key file is as good as a changed token to the caller. */
                cr_error_clear(e);
                return decrypt_failed(e);
        }
        if (err)
                return err;
        bodymax = (len - b64) / 4 * 3 + 3;
        body = malloc(bodymax);
        if (!body) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        if (base64url_decode(token + b64, len - b64, body, bodymax, &bodylen) ||
            bodylen < FIELDCRYPT_IV_LEN + SM3_LEN) {
                err = decrypt_failed(e);
                goto out;
        }
        ctlen = bodylen - FIELDCRYPT_IV_LEN - SM3_LEN;
        if (!token_tag(k, &dk, token, b64, aad, aadlen, body, ctlen, tag)) {
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL, "HMAC-SM3 failed");
                goto out;
        }
        /* The tag is checked in constant time, and before any byte is decrypted. */
        if (CRYPTO_memcmp(tag, body + FIELDCRYPT_IV_LEN + ctlen, SM3_LEN) != 0) {
                err = decrypt_failed(e);
                goto out;
        }
        pt = malloc(ctlen + 1);
        if (!pt) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        if (!sm4_ctr(k->sm4_ctr, dk.enc, body, body + FIELDCRYPT_IV_LEN, ctlen, pt)) {
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM4 decryption failed");
                goto out;
        }
        err = buf_append(plain, pt, ctlen);
        if (err)
                cr_fail(e, err, err == CR_ETOOLARGE ? "too_large" : "internal", NULL,
                        "no room for the decrypted value");
out:
        OPENSSL_cleanse(&dk, sizeof(dk));
        OPENSSL_cleanse(tag, sizeof(tag));
        if (pt)
                OPENSSL_cleanse(pt, ctlen);
        free(pt);
        free(body);
        return err;
}

/* ---- Masking for display. ---- */

/* A mainland resident ID number: 18 characters (17 digits and a digit or X) or the old 15 digits.
 */
static int is_resident_id(const char *s, size_t len)
{
        if (len != 18 && len != 15)
                return 0;
        for (size_t i = 0; i < len; i++) {
                int last_x = len == 18 && i == 17 && (s[i] == 'X' || s[i] == 'x');
                if (!(s[i] >= '0' && s[i] <= '9') && !last_x)
                        return 0;
        }
        return 1;
}

enum cr_err fieldcrypt_mask(const char *plain, struct buf *out)
{
        size_t len = strlen(plain), head = 0, tail, start = len, stars, n = 0;
        long chars = utf8_count(plain, len);
        char *masked;
        enum cr_err err;

        if (chars < 0) {
                /* Bytes that are not text cannot be shown in part; every one becomes a star. */
                chars = (long)len;
                tail = 0;
        } else if (is_resident_id(plain, len)) {
                head = 4;
                tail = 4;
        } else {
                /* Other values keep their last 4 characters, but never more than half of them. */
                tail = (size_t)chars / 2 < 4 ? (size_t)chars / 2 : 4;
        }
        /* Find the byte where the kept tail begins by counting code points from the end. */
        while (n < tail && start > 0) {
                start--;
                if (((unsigned char)plain[start] & 0xc0) != 0x80)
                        n++;
        }
        stars = (size_t)chars - head - tail;
        /* Built whole and appended once, so a failure leaves out as it was. */
        masked = malloc(head + stars + (len - start) + 1);
        if (!masked)
                return CR_ENOMEM;
        memcpy(masked, plain, head);
        memset(masked + head, '*', stars);
        memcpy(masked + head + stars, plain + start, len - start);
        err = buf_append(out, masked, head + stars + (len - start));
        free(masked);
        return err;
}
