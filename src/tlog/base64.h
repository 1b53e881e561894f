/*
 * Standard base64 (RFC 4648 section 4, with "=" padding), as the C2SP
 * formats (tlog-proof, signed-note, tlog-checkpoint) write hashes, keys and
 * signatures.  The decoder is strict because it reads outside input and
 * because a receipt should have one spelling: it refuses missing or extra
 * padding, white space, characters outside the alphabet and non-zero
 * unused bits, so encode(decode(s)) == s for every s it accepts.
 */
#ifndef CR_TLOG_BASE64_H
#define CR_TLOG_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters that base64 of n bytes takes, without a NUL. */
#define TLOG_BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes the base64 of data[0..len) to out, which has TLOG_BASE64_LEN(len) bytes; no NUL. */
void tlog_base64_encode(const void *data, size_t len, char *out);

/*
 * Decodes the len characters at s into out, which has room for outmax
 * bytes, and sets *outlen.  Returns 0, or -1 if s is not canonical base64
 * or would decode to more than outmax bytes.
 */
int tlog_base64_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen);

#endif
