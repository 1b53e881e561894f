/*
 * Unit tests of the encryption of personal data at rest
 * (src/crypto/fieldcrypt.c): round trips, refusal of every single-byte
 * change and of other associated data, rotation, the modes of the key
 * files, several threads at once, the masking rule, and an independent
 * check in which the openssl command line, not the project's code, derives
 * the subkeys from the key file, decrypts a token's ciphertext with SM4-CTR
 * and recomputes its HMAC-SM3 tag.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "unit.h"

/* Check records each passing ck_assert without fork; loops use EXPECT, quiet until it fails. */
#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        ck_abort_msg("expected %s", #cond);                                        \
        } while (0)

static const char AAD[] = "filing:123:line:45:buyer_id";
#define ID_NUMBER "11010519491231002X"

static char tmpdir[64];
/*
 * A key directory of its own below tmpdir for each use, named by the caller:
 * Check may run each test in a fresh process, so a counter would repeat.
 */
static void new_key_dir(char *dir, size_t size, const char *name)
{
        snprintf(dir, size, "%s/keys-%s", tmpdir, name);
}

static void seal(struct fieldcrypt *k, const char *plain, const char *aad, struct buf *token)
{
        struct cr_error e = CR_ERROR_INIT;

        buf_init(token, FIELDCRYPT_TOKEN_MAX);
        ck_assert_int_eq(fieldcrypt_seal(k, plain, strlen(plain), aad, strlen(aad), token, &e),
                         CR_OK);
}

/*
 * Opens token with aad and returns the error.  On success the plaintext must
 * be want (unless want is NULL); on failure the code must be decrypt_failed
 * and nothing may have been appended.
 */
static enum cr_err open_as(struct fieldcrypt *k, const char *token, size_t len, const char *aad,
                           const char *want)
{
        struct cr_error e = CR_ERROR_INIT;
        struct buf plain;
        enum cr_err err;

        buf_init(&plain, FIELDCRYPT_PLAIN_MAX);
        err = fieldcrypt_open_token(k, token, len, aad, strlen(aad), &plain, &e);
        if (err == CR_OK) {
                if (want)
                        EXPECT(plain.len == strlen(want) &&
                               memcmp(plain.data, want, plain.len) == 0);
        } else {
                EXPECT(plain.len == 0 && err == CR_EINVAL && strcmp(e.code, "decrypt_failed") == 0);
        }
        buf_release(&plain);
        cr_error_clear(&e);
        return err;
}

START_TEST(test_round_trip)
{
        static const char *values[] = {ID_NUMBER, "13800138000", "张三 +86 138-0013-8000", "", "x"};
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k;
        struct buf t1, t2;
        char dir[128];

        new_key_dir(dir, sizeof(dir), "round-trip");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        ck_assert_uint_eq(fieldcrypt_current_key(k), 1);
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
                seal(k, values[i], AAD, &t1);
                ck_assert(strncmp(t1.data, "v1.1.", 5) == 0);
                ck_assert_int_eq(open_as(k, t1.data, t1.len, AAD, values[i]), CR_OK);
                buf_release(&t1);
        }
        /* A random IV makes two seals of one value differ, so equal IDs cannot be spotted. */
        seal(k, ID_NUMBER, AAD, &t1);
        seal(k, ID_NUMBER, AAD, &t2);
        ck_assert_str_ne(t1.data, t2.data);
        buf_release(&t1);
        buf_release(&t2);
        /* Values without associated data, and values too large for a field, are refused. */
        buf_init(&t1, FIELDCRYPT_TOKEN_MAX);
        ck_assert_int_eq(fieldcrypt_seal(k, "x", 1, NULL, 0, &t1, &e), CR_EINVAL);
        cr_error_clear(&e);
        ck_assert_int_eq(fieldcrypt_seal(k, "x", 1, "", 0, &t1, &e), CR_EINVAL);
        cr_error_clear(&e);
        {
                char *big = calloc(1, FIELDCRYPT_PLAIN_MAX + 1);
                ck_assert_ptr_nonnull(big);
                ck_assert_int_eq(
                    fieldcrypt_seal(k, big, FIELDCRYPT_PLAIN_MAX, AAD, strlen(AAD), &t1, &e),
                    CR_OK);
                ck_assert_uint_le(t1.len, FIELDCRYPT_TOKEN_MAX);
                ck_assert_int_eq(open_as(k, t1.data, t1.len, AAD, NULL), CR_OK);
                buf_reset(&t1);
                ck_assert_int_eq(
                    fieldcrypt_seal(k, big, FIELDCRYPT_PLAIN_MAX + 1, AAD, strlen(AAD), &t1, &e),
                    CR_ETOOLARGE);
                cr_error_clear(&e);
                free(big);
        }
        buf_release(&t1);
        fieldcrypt_close(k);
}
END_TEST

START_TEST(test_every_change_refused)
{
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k;
        struct buf t;
        char dir[128], *copy;
        size_t accepted = 0;

        new_key_dir(dir, sizeof(dir), "changes");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        /* Key 2 exists too, so a changed key id can name a real key and fail on the tag. */
        ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        /* 19 bytes make a body whose base64url ends in a character with unused bits. */
        seal(k, ID_NUMBER "1", AAD, &t);
        ck_assert_int_eq((FIELDCRYPT_IV_LEN + 19 + FIELDCRYPT_TAG_LEN) % 3, 1);
        copy = malloc(t.len + 2);
        ck_assert_ptr_nonnull(copy);
        /* Every position, every other byte value. */
        for (size_t i = 0; i < t.len; i++)
                for (int v = 0; v < 256; v++) {
                        if (v == (unsigned char)t.data[i])
                                continue;
                        memcpy(copy, t.data, t.len);
                        copy[i] = (char)v;
                        if (open_as(k, copy, t.len, AAD, NULL) == CR_OK)
                                accepted++;
                }
        ck_assert_uint_eq(accepted, 0);
        /* Every truncation, and one byte more at the end. */
        for (size_t n = 0; n < t.len; n++)
                EXPECT(open_as(k, t.data, n, AAD, NULL) == CR_EINVAL);
        memcpy(copy, t.data, t.len);
        copy[t.len] = 'A';
        ck_assert_int_eq(open_as(k, copy, t.len + 1, AAD, NULL), CR_EINVAL);
        /* Other associated data: another line, another column, a prefix, a longer string. */
        ck_assert_int_eq(open_as(k, t.data, t.len, "filing:123:line:46:buyer_id", NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, t.data, t.len, "filing:123:line:45:contact", NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, t.data, t.len, "filing:123:line:4", NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, t.data, t.len, "filing:123:line:45:buyer_idx", NULL),
                         CR_EINVAL);
        ck_assert_int_eq(open_as(k, t.data, t.len, AAD, ID_NUMBER "1"), CR_OK);
        /* Tokens that are not tokens. */
        ck_assert_int_eq(open_as(k, "", 0, AAD, NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, "v1.3.", 5, AAD, NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, "v1.0.AAAA", 9, AAD, NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, "v1.99.AAAA", 10, AAD, NULL), CR_EINVAL);
        ck_assert_int_eq(open_as(k, "v1.9999999999.AAAA", 18, AAD, NULL), CR_EINVAL);
        free(copy);
        buf_release(&t);
        fieldcrypt_close(k);
}
END_TEST

START_TEST(test_rotation)
{
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k, *other;
        struct buf old_token, new_token, newer_token;
        char dir[128];
        uint32_t id;

        new_key_dir(dir, sizeof(dir), "rotation");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        /* A second keyring on the same directory stands for another process. */
        ck_assert_int_eq(fieldcrypt_open(dir, &other, &e), CR_OK);
        seal(k, ID_NUMBER, AAD, &old_token);
        ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        ck_assert_uint_eq(fieldcrypt_current_key(k), 2);
        seal(k, "13800138000", AAD, &new_token);
        ck_assert(strncmp(old_token.data, "v1.1.", 5) == 0);
        ck_assert(strncmp(new_token.data, "v1.2.", 5) == 0);
        ck_assert_int_eq(fieldcrypt_token_key(new_token.data, new_token.len, &id), CR_OK);
        ck_assert_uint_eq(id, 2);
        ck_assert_int_eq(open_as(k, old_token.data, old_token.len, AAD, ID_NUMBER), CR_OK);
        ck_assert_int_eq(open_as(k, new_token.data, new_token.len, AAD, "13800138000"), CR_OK);
        /* The other process loads key 2 when it first meets it, then seals with it. */
        ck_assert_uint_eq(fieldcrypt_current_key(other), 1);
        ck_assert_int_eq(open_as(other, new_token.data, new_token.len, AAD, "13800138000"), CR_OK);
        ck_assert_uint_eq(fieldcrypt_current_key(other), 2);
        /* Its own rotation comes after every key on disk. */
        ck_assert_int_eq(fieldcrypt_rotate(other, &e), CR_OK);
        ck_assert_uint_eq(fieldcrypt_current_key(other), 3);
        seal(other, "x@example.cn", AAD, &newer_token);
        ck_assert_int_eq(open_as(k, newer_token.data, newer_token.len, AAD, "x@example.cn"), CR_OK);
        fieldcrypt_close(other);
        fieldcrypt_close(k);
        /* Reopened, the keyring seals with the newest key and opens everything. */
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        ck_assert_uint_eq(fieldcrypt_current_key(k), 3);
        ck_assert_int_eq(open_as(k, old_token.data, old_token.len, AAD, ID_NUMBER), CR_OK);
        ck_assert_int_eq(open_as(k, new_token.data, new_token.len, AAD, "13800138000"), CR_OK);
        fieldcrypt_close(k);
        buf_release(&old_token);
        buf_release(&new_token);
        buf_release(&newer_token);
}
END_TEST

static mode_t mode_of(const char *path)
{
        struct stat st;

        ck_assert_int_eq(stat(path, &st), 0);
        return st.st_mode & 07777;
}

START_TEST(test_key_files)
{
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k;
        char dir[128], path[192];
        struct stat st;
        FILE *f;

        new_key_dir(dir, sizeof(dir), "files");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        fieldcrypt_close(k);
        ck_assert_uint_eq(mode_of(dir), 0700);
        for (int id = 1; id <= 2; id++) {
                snprintf(path, sizeof(path), "%s/data-%d.key", dir, id);
                ck_assert_uint_eq(mode_of(path), 0600);
                ck_assert_int_eq(stat(path, &st), 0);
                ck_assert_int_eq(st.st_size, FIELDCRYPT_MASTER_LEN);
        }
        /* No temporary file is left behind. */
        snprintf(path, sizeof(path), "ls -A '%s' | grep -c tmp", dir);
        f = popen(path, "r");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(fgetc(f), '0');
        pclose(f);
        /* A key file others can read is refused, and so is one of the wrong size. */
        snprintf(path, sizeof(path), "%s/data-1.key", dir);
        ck_assert_int_eq(chmod(path, 0644), 0);
        ck_assert_int_ne(fieldcrypt_open(dir, &k, &e), CR_OK);
        cr_error_clear(&e);
        ck_assert_int_eq(chmod(path, 0600), 0);
        ck_assert_int_eq(truncate(path, 31), 0);
        ck_assert_int_ne(fieldcrypt_open(dir, &k, &e), CR_OK);
        cr_error_clear(&e);
        /* A directory others may write to is refused. */
        new_key_dir(dir, sizeof(dir), "open-dir");
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(chmod(dir, 0777), 0);
        ck_assert_int_ne(fieldcrypt_open(dir, &k, &e), CR_OK);
        cr_error_clear(&e);
}
END_TEST

/* ---- Several threads sealing and opening while one rotates. ---- */

struct worker {
        struct fieldcrypt *k;
        int failures;
};

static void *worker_run(void *arg)
{
        struct worker *w = arg;
        struct cr_error e = CR_ERROR_INIT;
        struct buf t, p;

        for (int i = 0; i < 200; i++) {
                buf_init(&t, FIELDCRYPT_TOKEN_MAX);
                buf_init(&p, FIELDCRYPT_PLAIN_MAX);
                if (fieldcrypt_seal(w->k, ID_NUMBER, 18, AAD, strlen(AAD), &t, &e) != CR_OK ||
                    fieldcrypt_open_token(w->k, t.data, t.len, AAD, strlen(AAD), &p, &e) != CR_OK ||
                    p.len != 18 || memcmp(p.data, ID_NUMBER, 18) != 0)
                        w->failures++;
                cr_error_clear(&e);
                buf_release(&t);
                buf_release(&p);
        }
        return NULL;
}

START_TEST(test_threads)
{
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k;
        struct worker w[4];
        pthread_t th[4];
        char dir[128];

        new_key_dir(dir, sizeof(dir), "threads");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        for (int i = 0; i < 4; i++) {
                w[i].k = k;
                w[i].failures = 0;
                ck_assert_int_eq(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
        }
        for (int i = 0; i < 5; i++)
                ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        for (int i = 0; i < 4; i++) {
                ck_assert_int_eq(pthread_join(th[i], NULL), 0);
                ck_assert_int_eq(w[i].failures, 0);
        }
        ck_assert_uint_eq(fieldcrypt_current_key(k), 6);
        fieldcrypt_close(k);
}
END_TEST

/* ---- The masking rule. ---- */

static void expect_mask(const char *plain, const char *want)
{
        struct buf out;

        buf_init(&out, 256);
        ck_assert_int_eq(fieldcrypt_mask(plain, &out), CR_OK);
        ck_assert_str_eq(out.data ? out.data : "", want);
        buf_release(&out);
}

START_TEST(test_mask)
{
        expect_mask("110105194912310021", "1101**********0021");
        expect_mask(ID_NUMBER, "1101**********002X");
        expect_mask("110105491231002", "1101*******1002");
        expect_mask("13800138000", "*******8000");
        expect_mask("+86 138-0013-8000", "*************8000");
        expect_mask("E12345678", "*****5678");
        expect_mask("zhang@example.cn", "************e.cn");
        /* Short values never show more than half; characters, not bytes, are counted. */
        expect_mask("1234567", "****567");
        expect_mask("123", "**3");
        expect_mask("1", "*");
        expect_mask("", "");
        expect_mask("张三丰", "**丰");
        expect_mask("北京市海淀区", "***海淀区");
        /* Not UTF-8: nothing is shown. */
        expect_mask("\xff\xfe\x41\x42", "****");
}
END_TEST

/* ---- The openssl command line as an independent implementation. ---- */

static void hex(const unsigned char *in, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static void write_file(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "wb");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
}

/* Reads up to size bytes of a file; returns how many. */
static size_t read_file(const char *path, void *data, size_t size)
{
        FILE *f = fopen(path, "rb");
        size_t n;

        ck_assert_ptr_nonnull(f);
        n = fread(data, 1, size, f);
        fclose(f);
        return n;
}

/* Runs a shell command and returns the last whitespace-separated word of its output. */
static void run_last_word(const char *cmd, char *word, size_t size)
{
        char line[512] = {0}, *p, *last = NULL;
        FILE *f = popen(cmd, "r");
        size_t n;

        ck_assert_ptr_nonnull(f);
        n = fread(line, 1, sizeof(line) - 1, f);
        ck_assert_int_eq(pclose(f), 0);
        line[n] = '\0';
        for (p = line; *p; p++)
                if ((*p == ' ' || *p == '\n') && p[1] && p[1] != ' ' && p[1] != '\n')
                        last = p + 1;
        if (!last)
                last = line;
        n = strcspn(last, " \n");
        ck_assert_uint_lt(n, size);
        memcpy(word, last, n);
        word[n] = '\0';
}

/* HMAC-SM3 of a file by `openssl dgst`, with the key given in hex, as hex. */
static void openssl_hmac_sm3(const char *keyhex, const char *path, char out[SM3_HEX_LEN])
{
        char cmd[512];

        snprintf(cmd, sizeof(cmd), "openssl dgst -sm3 -mac HMAC -macopt hexkey:%s '%s'", keyhex,
                 path);
        run_last_word(cmd, out, SM3_HEX_LEN);
        ck_assert_uint_eq(strlen(out), 64);
}

START_TEST(test_openssl_independent)
{
        static const char label_sm4[] = "cryptoreg fieldcrypt v1 SM4-CTR key";
        static const char label_mac[] = "cryptoreg fieldcrypt v1 HMAC-SM3 key";
        static const char plain[] = "11010519491231002X / 13800138000";
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *k;
        struct buf t;
        char dir[128], path[256], cmd[1024], masterhex[65], enchex[SM3_HEX_LEN],
            machex[SM3_HEX_LEN], ivhex[33], taghex[65], got_tag[SM3_HEX_LEN];
        unsigned char master[64], body[256], out[256], mac_input[512], aadlen_be[8] = {0};
        size_t bodylen, ctlen, m = 0, header, b64;
        const char *dot;
        char *b64std;

        new_key_dir(dir, sizeof(dir), "openssl");
        ck_assert_int_eq(fieldcrypt_open(dir, &k, &e), CR_OK);
        ck_assert_int_eq(fieldcrypt_rotate(k, &e), CR_OK);
        seal(k, plain, AAD, &t);
        fieldcrypt_close(k);
        ck_assert(strncmp(t.data, "v1.2.", 5) == 0);

        /* The key bytes, straight from the key file. */
        snprintf(path, sizeof(path), "%s/data-2.key", dir);
        ck_assert_uint_eq(read_file(path, master, sizeof(master)), FIELDCRYPT_MASTER_LEN);
        hex(master, FIELDCRYPT_MASTER_LEN, masterhex);

        /* The subkeys: HMAC-SM3 of the labels under the master key, by openssl. */
        snprintf(path, sizeof(path), "%s/label-sm4", tmpdir);
        write_file(path, label_sm4, strlen(label_sm4));
        openssl_hmac_sm3(masterhex, path, enchex);
        enchex[32] = '\0'; /* SM4 takes the first 16 bytes */
        snprintf(path, sizeof(path), "%s/label-mac", tmpdir);
        write_file(path, label_mac, strlen(label_mac));
        openssl_hmac_sm3(masterhex, path, machex);

        /* The body, base64url turned into standard base64 and decoded by openssl. */
        dot = strchr(t.data + 3, '.');
        ck_assert_ptr_nonnull(dot);
        header = (size_t)(dot + 1 - t.data);
        b64 = t.len - header;
        b64std = calloc(1, b64 + 4);
        ck_assert_ptr_nonnull(b64std);
        for (size_t i = 0; i < b64; i++)
                b64std[i] = t.data[header + i] == '-'   ? '+'
                            : t.data[header + i] == '_' ? '/'
                                                        : t.data[header + i];
        while (strlen(b64std) % 4)
                b64std[strlen(b64std)] = '=';
        snprintf(path, sizeof(path), "%s/body.b64", tmpdir);
        write_file(path, b64std, strlen(b64std));
        free(b64std);
        snprintf(cmd, sizeof(cmd), "openssl base64 -d -A -in '%s/body.b64' -out '%s/body.bin'",
                 tmpdir, tmpdir);
        ck_assert_int_eq(system(cmd), 0);
        snprintf(path, sizeof(path), "%s/body.bin", tmpdir);
        bodylen = read_file(path, body, sizeof(body));
        ck_assert_uint_eq(bodylen, FIELDCRYPT_IV_LEN + strlen(plain) + FIELDCRYPT_TAG_LEN);
        ctlen = bodylen - FIELDCRYPT_IV_LEN - FIELDCRYPT_TAG_LEN;

        /* SM4-CTR decryption of the ciphertext by openssl enc. */
        snprintf(path, sizeof(path), "%s/ct.bin", tmpdir);
        write_file(path, body + FIELDCRYPT_IV_LEN, ctlen);
        hex(body, FIELDCRYPT_IV_LEN, ivhex);
        snprintf(cmd, sizeof(cmd),
                 "openssl enc -d -sm4-ctr -K %s -iv %s -in '%s/ct.bin' -out '%s/pt.bin'", enchex,
                 ivhex, tmpdir, tmpdir);
        ck_assert_int_eq(system(cmd), 0);
        snprintf(path, sizeof(path), "%s/pt.bin", tmpdir);
        ck_assert_uint_eq(read_file(path, out, sizeof(out)), strlen(plain));
        ck_assert_int_eq(memcmp(out, plain, strlen(plain)), 0);

        /* The tag: HMAC-SM3 over header, aad length, aad, IV and ciphertext, by openssl dgst. */
        memcpy(mac_input + m, t.data, header);
        m += header;
        aadlen_be[7] = (unsigned char)strlen(AAD);
        memcpy(mac_input + m, aadlen_be, 8);
        m += 8;
        memcpy(mac_input + m, AAD, strlen(AAD));
        m += strlen(AAD);
        memcpy(mac_input + m, body, FIELDCRYPT_IV_LEN + ctlen);
        m += FIELDCRYPT_IV_LEN + ctlen;
        snprintf(path, sizeof(path), "%s/mac-input.bin", tmpdir);
        write_file(path, mac_input, m);
        openssl_hmac_sm3(machex, path, got_tag);
        hex(body + FIELDCRYPT_IV_LEN + ctlen, FIELDCRYPT_TAG_LEN, taghex);
        ck_assert_str_eq(got_tag, taghex);
        buf_release(&t);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("fieldcrypt");
        TCase *tokens = tcase_create("tokens"), *keys = tcase_create("keys"),
              *mask = tcase_create("mask");
        char cmd[96];
        int rc;

        snprintf(tmpdir, sizeof(tmpdir), "/tmp/cr-test-fieldcrypt-XXXXXX");
        if (!mkdtemp(tmpdir)) {
                perror("mkdtemp");
                return EXIT_FAILURE;
        }
        tcase_set_timeout(tokens, 120);
        tcase_add_test(tokens, test_round_trip);
        tcase_add_test(tokens, test_every_change_refused);
        tcase_add_test(tokens, test_openssl_independent);
        suite_add_tcase(s, tokens);
        tcase_set_timeout(keys, 60);
        tcase_add_test(keys, test_rotation);
        tcase_add_test(keys, test_key_files);
        tcase_add_test(keys, test_threads);
        suite_add_tcase(s, keys);
        tcase_add_test(mask, test_mask);
        suite_add_tcase(s, mask);
        rc = run_suite(s);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
        return rc;
}
