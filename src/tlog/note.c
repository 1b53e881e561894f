/* Parsing, writing, verifying and signing C2SP signed notes, and their vkeys; see tlog/note.h. */
#include "tlog/note.h"

#include <inttypes.h>
#include <string.h>

#include "core/base64.h"
#include "core/utf8.h"

#define EM_DASH_SP     "\xe2\x80\x94 " /* U+2014 and a space open every signature line */
#define EM_DASH_SP_LEN 4
#define RAW_SIG_MAX    (4 + TLOG_NOTE_SIG_MAX) /* key ID and signature, decoded */
#define B64_SIG_MAX    BASE64_LEN(RAW_SIG_MAX)

static enum cr_err bad(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_note", "note", "not a signed note: %s", why);
}

static uint32_t be32(const uint8_t *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
        p[0] = (uint8_t)(v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
}

/*
 * Gives a buffer back the length it had before a failed write, so that a
 * caller never finds half a note in it.
 */
static void truncate_to(struct buf *b, size_t len)
{
        b->len = len;
        if (b->data)
                b->data[len] = '\0';
}

bool tlog_note_text_valid(const char *s, size_t len)
{
        /* In UTF-8 every byte below 0x20 is the ASCII character itself, so a byte scan suffices. */
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
                        return false;
        return utf8_count(s, len) >= 0;
}

/* Decodes the code point at s[*i] of text already known to be valid UTF-8. */
static uint32_t next_code_point(const unsigned char *s, size_t *i)
{
        uint32_t c = s[*i];
        size_t extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;

        if (extra)
                c &= 0x3Fu >> extra;
        for (size_t k = 1; k <= extra; k++)
                c = c << 6 | (s[*i + k] & 0x3Fu);
        *i += extra + 1;
        return c;
}

/* Unicode White_Space, what Go's unicode.IsSpace tests: the spec's "Unicode spaces". */
static bool is_unicode_space(uint32_t c)
{
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
               (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
               c == 0x205F || c == 0x3000;
}

bool tlog_note_name_valid(const char *s, size_t len)
{
        size_t i = 0;

        if (len == 0 || len > TLOG_NOTE_NAME_MAX || !tlog_note_text_valid(s, len))
                return false;
        while (i < len) {
                uint32_t c = next_code_point((const unsigned char *)s, &i);
                if (c == '+' || is_unicode_space(c))
                        return false;
        }
        return true;
}

/*
 * Checks the name and base64 of a signature line and decodes the key ID.
 * Returns NULL, or what is wrong.
 */
static const char *sig_fields_problem(const char *name, size_t name_len, const char *b64,
                                      size_t b64_len, uint32_t *key_id)
{
        uint8_t raw[RAW_SIG_MAX];
        size_t n = 0;

        if (!tlog_note_name_valid(name, name_len))
                return "a key name is empty, too long, or has a space, \"+\" or control character";
        if (b64_len > B64_SIG_MAX || base64_decode(b64, b64_len, raw, sizeof(raw), &n))
                return "a signature is not canonical base64 of at most 5124 bytes";
        if (n < 5)
                return "a signature is shorter than a key ID and one byte";
        *key_id = be32(raw);
        return NULL;
}

enum cr_err tlog_note_sig_parse(const char *line, size_t len, struct tlog_note_sig *out,
                                struct cr_error *e)
{
        const char *rest, *sp, *problem;
        size_t rest_len;

        if (len == 0 || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
                return bad(e, "a signature line is not one line ending in a newline");
        if (len < EM_DASH_SP_LEN || memcmp(line, EM_DASH_SP, EM_DASH_SP_LEN) != 0)
                return bad(e, "a signature line does not start with an em dash and a space");
        rest = line + EM_DASH_SP_LEN;
        rest_len = len - EM_DASH_SP_LEN - 1;
        sp = memchr(rest, ' ', rest_len);
        if (!sp)
                return bad(e, "a signature line has no space between name and signature");
        out->name = rest;
        out->name_len = (size_t)(sp - rest);
        out->b64 = sp + 1;
        out->b64_len = rest_len - out->name_len - 1;
        out->verified = false;
        problem =
            sig_fields_problem(out->name, out->name_len, out->b64, out->b64_len, &out->key_id);
        return problem ? bad(e, problem) : CR_OK;
}

static bool same_key(const struct tlog_note_sig *a, const struct tlog_note_sig *b)
{
        return a->key_id == b->key_id && a->name_len == b->name_len &&
               memcmp(a->name, b->name, a->name_len) == 0;
}

/* True if sig[i] repeats the name and key ID of an earlier signature. */
static bool repeats_earlier(const struct tlog_note_sig *sig, size_t i)
{
        for (size_t k = 0; k < i; k++)
                if (same_key(&sig[k], &sig[i]))
                        return true;
        return false;
}

enum cr_err tlog_note_parse(const char *msg, size_t len, struct tlog_note *out, struct cr_error *e)
{
        size_t split = len, at;
        enum cr_err err;

        out->text = NULL;
        out->text_len = 0;
        out->nsigs = 0;
        if (len > TLOG_NOTE_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_note", "note",
                               "a signed note is at most %d bytes", TLOG_NOTE_MAX);
        if (!tlog_note_text_valid(msg, len))
                return bad(e, "it is not UTF-8 or has a control character other than newline");
        /* The text ends at the last blank line (spec, "Format"). */
        for (size_t i = len; i >= 2; i--)
                if (msg[i - 2] == '\n' && msg[i - 1] == '\n') {
                        split = i - 2;
                        break;
                }
        if (split == len)
                return bad(e, "there is no blank line before the signatures");
        if (split + 2 == len)
                return bad(e, "there is no signature line");
        if (msg[len - 1] != '\n')
                return bad(e, "the last signature line does not end with a newline");
        for (at = split + 2; at < len;) {
                const char *nl = memchr(msg + at, '\n', len - at);
                size_t line_len = (size_t)(nl - (msg + at)) + 1;

                if (out->nsigs == TLOG_NOTE_SIGS_MAX) {
                        out->nsigs = 0;
                        return cr_fail(e, CR_ETOOLARGE, "tlog_bad_note", "note",
                                       "a signed note has at most %d signatures",
                                       TLOG_NOTE_SIGS_MAX);
                }
                err = tlog_note_sig_parse(msg + at, line_len, &out->sig[out->nsigs], e);
                if (err) {
                        out->nsigs = 0;
                        return err;
                }
                /*
                 * The spec makes name and key ID one key's identity; a second
                 * signature by it means nothing but could be miscounted by a
                 * quorum check, and no honest signer writes one.
                 */
                if (repeats_earlier(out->sig, out->nsigs)) {
                        out->nsigs = 0;
                        return bad(e, "two signatures have the same key name and key ID");
                }
                out->nsigs++;
                at += line_len;
        }
        out->text = msg;
        out->text_len = split + 1;
        return CR_OK;
}

enum cr_err tlog_note_sig_decode(const struct tlog_note_sig *s, uint8_t *out, size_t max,
                                 size_t *len, struct cr_error *e)
{
        uint8_t raw[RAW_SIG_MAX];
        size_t n = 0;

        if (s->b64_len > B64_SIG_MAX || base64_decode(s->b64, s->b64_len, raw, sizeof(raw), &n) ||
            n < 5 || be32(raw) != s->key_id)
                return bad(e, "a signature is not base64 of its key ID and signature");
        if (n - 4 > max)
                return cr_fail(e, CR_EINVAL, "tlog_bad_note", "note",
                               "a signature has %zu bytes, more than %zu", n - 4, max);
        memcpy(out, raw + 4, n - 4);
        *len = n - 4;
        return CR_OK;
}

enum cr_err tlog_note_sig_format(const char *name, size_t name_len, uint32_t key_id,
                                 const uint8_t *sig, size_t siglen, struct buf *out,
                                 struct cr_error *e)
{
        uint8_t raw[RAW_SIG_MAX];
        char b64[B64_SIG_MAX];
        size_t start = out->len;
        enum cr_err err;

        if (!tlog_note_name_valid(name, name_len))
                return bad(e, "a key name is empty, too long, or has a space, \"+\" or control "
                              "character");
        if (siglen == 0 || siglen > TLOG_NOTE_SIG_MAX)
                return bad(e, "a signature is empty or longer than 5120 bytes");
        put_be32(raw, key_id);
        memcpy(raw + 4, sig, siglen);
        base64_encode(raw, siglen + 4, b64);
        err = buf_puts(out, EM_DASH_SP);
        if (!err)
                err = buf_append(out, name, name_len);
        if (!err)
                err = buf_puts(out, " ");
        if (!err)
                err = buf_append(out, b64, BASE64_LEN(siglen + 4));
        if (!err)
                err = buf_puts(out, "\n");
        if (err) {
                truncate_to(out, start);
                return cr_fail(e, err, "tlog_note_too_large", "note",
                               "the signature line does not fit its buffer");
        }
        return CR_OK;
}

/* The rules of "Format" for the text: not empty, ends in a newline, allowed characters only. */
static const char *text_problem(const char *text, size_t len)
{
        if (!text || len == 0 || text[len - 1] != '\n')
                return "the text is empty or does not end with a newline";
        if (len > TLOG_NOTE_MAX)
                return "the text is too long";
        if (!tlog_note_text_valid(text, len))
                return "the text is not UTF-8 or has a control character other than newline";
        return NULL;
}

/* Appends a parsed signature's line verbatim. */
static enum cr_err append_sig_line(struct buf *out, const struct tlog_note_sig *s)
{
        enum cr_err err = buf_puts(out, EM_DASH_SP);

        if (!err)
                err = buf_append(out, s->name, s->name_len);
        if (!err)
                err = buf_puts(out, " ");
        if (!err)
                err = buf_append(out, s->b64, s->b64_len);
        if (!err)
                err = buf_puts(out, "\n");
        return err;
}

/* Checks a signature given to the formatter as the parser would, key ID included. */
static const char *given_sig_problem(const struct tlog_note_sig *s)
{
        uint32_t id = 0;
        const char *problem;

        if (!s->name || !s->b64)
                return "a signature has no name or no base64";
        problem = sig_fields_problem(s->name, s->name_len, s->b64, s->b64_len, &id);
        if (problem)
                return problem;
        return id == s->key_id ? NULL : "a signature's key ID differs from its base64";
}

enum cr_err tlog_note_format(const struct tlog_note *n, struct buf *out, struct cr_error *e)
{
        const char *problem = text_problem(n->text, n->text_len);
        size_t start = out->len, total;
        enum cr_err err;

        if (problem)
                return bad(e, problem);
        if (n->nsigs == 0 || n->nsigs > TLOG_NOTE_SIGS_MAX)
                return bad(e, "a note needs 1 to 32 signatures");
        total = n->text_len + 1;
        for (size_t i = 0; i < n->nsigs; i++) {
                problem = given_sig_problem(&n->sig[i]);
                if (problem)
                        return bad(e, problem);
                if (repeats_earlier(n->sig, i))
                        return bad(e, "two signatures have the same key name and key ID");
                total += EM_DASH_SP_LEN + n->sig[i].name_len + 1 + n->sig[i].b64_len + 1;
        }
        if (total > TLOG_NOTE_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_note", "note",
                               "a signed note is at most %d bytes", TLOG_NOTE_MAX);
        err = buf_append(out, n->text, n->text_len);
        if (!err)
                err = buf_puts(out, "\n");
        for (size_t i = 0; !err && i < n->nsigs; i++)
                err = append_sig_line(out, &n->sig[i]);
        if (err) {
                truncate_to(out, start);
                return cr_fail(e, err, "tlog_note_too_large", "note",
                               "the note does not fit its buffer");
        }
        return CR_OK;
}

/* Finds the one known key with s's name and key ID; *ambiguous is set if there are several. */
static const struct tlog_note_verifier *find_verifier(const struct tlog_note_sig *s,
                                                      const struct tlog_note_verifier *known,
                                                      size_t nknown, bool *ambiguous)
{
        const struct tlog_note_verifier *found = NULL;

        *ambiguous = false;
        for (size_t k = 0; k < nknown; k++) {
                if (known[k].key_id != s->key_id || !known[k].name ||
                    strlen(known[k].name) != s->name_len ||
                    memcmp(known[k].name, s->name, s->name_len) != 0)
                        continue;
                if (found)
                        *ambiguous = true;
                found = &known[k];
        }
        return found;
}

/* Forgets every verified flag, so that a refused note cannot be half trusted. */
static enum cr_err unverify(struct tlog_note *n, enum cr_err err)
{
        for (size_t i = 0; i < n->nsigs; i++)
                n->sig[i].verified = false;
        return err;
}

enum cr_err tlog_note_verify(struct tlog_note *n, const struct tlog_note_verifier *known,
                             size_t nknown, size_t *nverified, struct cr_error *e)
{
        uint8_t sig[TLOG_NOTE_SIG_MAX];
        size_t count = 0;

        if (nverified)
                *nverified = 0;
        if (n->nsigs > TLOG_NOTE_SIGS_MAX || text_problem(n->text, n->text_len))
                return bad(e, "the note was not parsed");
        unverify(n, CR_OK);
        for (size_t i = 0; i < n->nsigs; i++) {
                struct tlog_note_sig *s = &n->sig[i];
                const struct tlog_note_verifier *v;
                bool ambiguous;
                size_t siglen = 0;
                int valid = 0;
                enum cr_err err;

                v = find_verifier(s, known, nknown, &ambiguous);
                if (ambiguous)
                        return unverify(n, cr_fail(e, CR_EINVAL, "tlog_note_ambiguous_key", "note",
                                                   "two known keys are named %.*s+%08" PRIx32,
                                                   (int)s->name_len, s->name, s->key_id));
                if (!v)
                        continue; /* an unknown key: kept, not trusted (spec, "Signatures") */
                err = tlog_note_sig_decode(s, sig, sizeof(sig), &siglen, e);
                if (!err)
                        err = v->verify(v->ctx, n->text, n->text_len, sig, siglen, &valid, e);
                if (err)
                        return unverify(n, err);
                if (!valid)
                        return unverify(n, cr_fail(e, CR_EINVAL, "tlog_note_bad_signature", "note",
                                                   "the signature by known key %.*s+%08" PRIx32
                                                   " does not verify",
                                                   (int)s->name_len, s->name, s->key_id));
                s->verified = true;
                count++;
        }
        if (count == 0)
                return cr_fail(e, CR_EINVAL, "tlog_note_unverified", "note",
                               "no signature is by a known key");
        if (nverified)
                *nverified = count;
        return CR_OK;
}

enum cr_err tlog_note_open(const char *msg, size_t len, const struct tlog_note_verifier *known,
                           size_t nknown, struct tlog_note *out, struct cr_error *e)
{
        enum cr_err err = tlog_note_parse(msg, len, out, e);

        return err ? err : tlog_note_verify(out, known, nknown, NULL, e);
}

/* True if a signer has the name and key ID of s. */
static bool signed_anew(const struct tlog_note_sig *s, const struct tlog_note_signer *signers,
                        size_t nsigners)
{
        for (size_t k = 0; k < nsigners; k++)
                if (signers[k].key_id == s->key_id && strlen(signers[k].name) == s->name_len &&
                    memcmp(signers[k].name, s->name, s->name_len) == 0)
                        return true;
        return false;
}

/* Checks the signers: valid names, and no two with one name and key ID. */
static const char *signers_problem(const struct tlog_note_signer *signers, size_t nsigners)
{
        if (nsigners == 0)
                return "there is no signer";
        for (size_t i = 0; i < nsigners; i++) {
                if (!signers[i].name || !signers[i].sign ||
                    !tlog_note_name_valid(signers[i].name, strlen(signers[i].name)))
                        return "a signer's key name is not valid";
                for (size_t k = 0; k < i; k++)
                        if (signers[k].key_id == signers[i].key_id &&
                            strcmp(signers[k].name, signers[i].name) == 0)
                                return "two signers have the same key name and key ID";
        }
        return NULL;
}

enum cr_err tlog_note_sign(const struct tlog_note *n, const struct tlog_note_signer *signers,
                           size_t nsigners, struct buf *out, struct cr_error *e)
{
        uint8_t sig[TLOG_NOTE_SIG_MAX];
        const char *problem = text_problem(n->text, n->text_len);
        size_t start = out->len, kept = 0;
        enum cr_err err;

        if (!problem)
                problem = signers_problem(signers, nsigners);
        if (!problem && n->nsigs > TLOG_NOTE_SIGS_MAX)
                problem = "the note has too many signatures";
        for (size_t i = 0; !problem && i < n->nsigs; i++) {
                problem = given_sig_problem(&n->sig[i]);
                if (!problem && repeats_earlier(n->sig, i))
                        problem = "two signatures have the same key name and key ID";
                if (!signed_anew(&n->sig[i], signers, nsigners))
                        kept++;
        }
        if (problem)
                return bad(e, problem);
        if (kept + nsigners > TLOG_NOTE_SIGS_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_note", "note",
                               "a signed note has at most %d signatures", TLOG_NOTE_SIGS_MAX);
        err = buf_append(out, n->text, n->text_len);
        if (!err)
                err = buf_puts(out, "\n");
        for (size_t i = 0; !err && i < n->nsigs; i++)
                if (!signed_anew(&n->sig[i], signers, nsigners))
                        err = append_sig_line(out, &n->sig[i]);
        if (err) {
                truncate_to(out, start);
                return cr_fail(e, err, "tlog_note_too_large", "note",
                               "the note does not fit its buffer");
        }
        for (size_t k = 0; k < nsigners; k++) {
                size_t siglen = 0;

                err = signers[k].sign(signers[k].ctx, n->text, n->text_len, sig, sizeof(sig),
                                      &siglen, e);
                if (!err && (siglen == 0 || siglen > sizeof(sig)))
                        err = cr_fail(e, CR_EINTERNAL, "internal", "note",
                                      "signer %s returned %zu signature bytes", signers[k].name,
                                      siglen);
                if (!err)
                        err = tlog_note_sig_format(signers[k].name, strlen(signers[k].name),
                                                   signers[k].key_id, sig, siglen, out, e);
                if (err) {
                        truncate_to(out, start);
                        return err;
                }
        }
        if (out->len - start > TLOG_NOTE_MAX) {
                truncate_to(out, start);
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_note", "note",
                               "a signed note is at most %d bytes", TLOG_NOTE_MAX);
        }
        return CR_OK;
}

uint32_t tlog_note_key_id(const struct tlog_hasher *sha256, const char *name, size_t name_len,
                          const uint8_t *key, size_t key_len)
{
        const void *parts[3] = {name, "\n", key};
        size_t lens[3] = {name_len, 1, key_len};
        uint8_t digest[TLOG_HASH_LEN];

        sha256->hash(sha256->ctx, parts, lens, 3, digest);
        return be32(digest);
}

/* True if key is 0xff || identifier || an uncompressed 65-byte point. */
static bool is_sm2_key(const uint8_t *key, size_t key_len, const char *identifier)
{
        size_t idlen = strlen(identifier);

        return key_len == 1 + idlen + TLOG_SM2_POINT_LEN && key[0] == TLOG_SIGTYPE_OTHER &&
               memcmp(key + 1, identifier, idlen) == 0 && key[1 + idlen] == 0x04;
}

enum tlog_key_type tlog_key_type_of(const uint8_t *key, size_t key_len, size_t *pub_off)
{
        *pub_off = 0;
        if (key_len == 33 &&
            (key[0] == TLOG_SIGTYPE_ED25519 || key[0] == TLOG_SIGTYPE_ED25519_COSIG)) {
                *pub_off = 1;
                return key[0] == TLOG_SIGTYPE_ED25519 ? TLOG_KEY_ED25519 : TLOG_KEY_ED25519_COSIG;
        }
        if (is_sm2_key(key, key_len, TLOG_SM2_IDENTIFIER)) {
                *pub_off = 1 + strlen(TLOG_SM2_IDENTIFIER);
                return TLOG_KEY_SM2;
        }
        if (is_sm2_key(key, key_len, TLOG_SM2_COSIG_IDENTIFIER)) {
                *pub_off = 1 + strlen(TLOG_SM2_COSIG_IDENTIFIER);
                return TLOG_KEY_SM2_COSIG;
        }
        return TLOG_KEY_UNKNOWN;
}

size_t tlog_sm2_key(enum tlog_key_type type, const uint8_t point[TLOG_SM2_POINT_LEN],
                    uint8_t out[TLOG_SM2_KEY_MAX])
{
        const char *identifier = type == TLOG_KEY_SM2         ? TLOG_SM2_IDENTIFIER
                                 : type == TLOG_KEY_SM2_COSIG ? TLOG_SM2_COSIG_IDENTIFIER
                                                              : NULL;
        size_t idlen;

        if (!identifier || point[0] != 0x04)
                return 0;
        idlen = strlen(identifier);
        out[0] = TLOG_SIGTYPE_OTHER;
        memcpy(out + 1, identifier, idlen);
        memcpy(out + 1 + idlen, point, TLOG_SM2_POINT_LEN);
        return 1 + idlen + TLOG_SM2_POINT_LEN;
}

static enum cr_err bad_vkey(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_vkey", "vkey", "not a verifier key: %s", why);
}

enum cr_err tlog_vkey_format(const struct tlog_hasher *sha256, const char *name, const uint8_t *key,
                             size_t key_len, struct buf *out, struct cr_error *e)
{
        char b64[TLOG_BASE64_KEY_LEN];
        size_t start = out->len;
        enum cr_err err;

        if (!name || !tlog_note_name_valid(name, strlen(name)))
                return bad_vkey(e, "the name is not a valid key name");
        if (key_len == 0 || key_len > TLOG_VKEY_KEY_MAX)
                return bad_vkey(e, "the key is empty or too long");
        base64_encode(key, key_len, b64);
        err = buf_printf(out, "%s+%08" PRIx32 "+", name,
                         tlog_note_key_id(sha256, name, strlen(name), key, key_len));
        if (!err)
                err = buf_append(out, b64, BASE64_LEN(key_len));
        if (err) {
                truncate_to(out, start);
                return cr_fail(e, err, "tlog_note_too_large", "vkey",
                               "the verifier key does not fit its buffer");
        }
        return CR_OK;
}

enum cr_err tlog_vkey_parse(const struct tlog_hasher *sha256, const char *s, size_t len,
                            struct tlog_vkey *out, struct cr_error *e)
{
        const char *plus = len ? memchr(s, '+', len) : NULL, *hex, *b64;
        uint8_t key[TLOG_VKEY_KEY_MAX];
        size_t name_len, b64_len, key_len = 0;
        uint32_t id = 0;

        if (len > TLOG_VKEY_MAX || !plus)
                return bad_vkey(e, "it is not <name>+<key ID>+<key>");
        name_len = (size_t)(plus - s);
        if (!tlog_note_name_valid(s, name_len))
                return bad_vkey(e, "the name is not a valid key name");
        hex = plus + 1;
        if (len - name_len - 1 < 9 || hex[8] != '+')
                return bad_vkey(e, "the key ID is not 8 hex digits followed by \"+\"");
        for (int i = 0; i < 8; i++) {
                char c = hex[i];
                if (c >= '0' && c <= '9')
                        id = id << 4 | (uint32_t)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        id = id << 4 | (uint32_t)(c - 'a' + 10);
                else
                        return bad_vkey(e, "the key ID is not 8 lower-case hex digits");
        }
        b64 = hex + 9;
        b64_len = len - name_len - 10;
        if (base64_decode(b64, b64_len, key, sizeof(key), &key_len) || key_len == 0)
                return bad_vkey(e, "the key is not canonical base64 of 1 to 4096 bytes");
        if (tlog_note_key_id(sha256, s, name_len, key, key_len) != id)
                return bad_vkey(e, "the key ID does not match the name and key");
        /* Filled only on success, so a refused key never half-replaces a configured one. */
        memcpy(out->name, s, name_len);
        out->name[name_len] = '\0';
        out->key_id = id;
        memcpy(out->key, key, key_len);
        out->key_len = key_len;
        return CR_OK;
}
