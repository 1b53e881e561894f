/*
 * The one base64 codec (RFC 4648), in the two spellings cryptoreg writes.
 * Standard base64 (section 4, alphabet "+/", "=" padding) is what the C2SP
 * formats (tlog-proof, signed-note, tlog-checkpoint) use for hashes, keys
 * and signatures; base64url (section 5, alphabet "-_", no padding) is the
 * body of a field-encryption token.  Both share one table and one loop.
 *
 * Both decoders are strict, because they read outside input and because a
 * receipt or a token should have one spelling: they refuse white space,
 * characters outside the alphabet and non-zero unused bits in the last
 * character, so encode(decode(s)) == s for every s they accept.  The
 * standard decoder also refuses missing or extra padding and "=" anywhere
 * but at the end; the url decoder refuses any "=" and a length of 4k+1.
 * On failure the contents of out are unspecified.
 */
#ifndef CR_BASE64_H
#define CR_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters that standard base64 of n bytes takes, padding included, without a NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Characters that unpadded base64url of n bytes takes, without a NUL. */
#define BASE64URL_LEN(n) ((n) / 3 * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))

/* Writes the standard base64 of data[0..len) to out, which has BASE64_LEN(len) bytes; no NUL. */
void base64_encode(const void *data, size_t len, char *out);

/*
 * Decodes the len characters of standard base64 at s into out, which has
 * room for outmax bytes, and sets *outlen.  Returns 0, or -1 if s is not
 * canonical padded base64 or would decode to more than outmax bytes.
 */
int base64_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen);

/* Writes the unpadded base64url of data[0..len) to out, which has BASE64URL_LEN(len) bytes. */
void base64url_encode(const void *data, size_t len, char *out);

/* As base64_decode, for canonical unpadded base64url. */
int base64url_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen);

#endif
