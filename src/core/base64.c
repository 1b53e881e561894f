/* Strict base64 and base64url with one table and one loop for both; see core/base64.h. */
#include "core/base64.h"

/* A spelling of base64: its 64 characters and whether it pads to a multiple of 4. */
struct variant {
        const char *alphabet;
        int pad;
};

static const struct variant STANDARD = {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1};
static const struct variant URL = {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0};

static void encode(const struct variant *v, const void *data, size_t len, char *out)
{
        const char *a = v->alphabet;
        const uint8_t *p = data;
        size_t i = 0;

        for (; len - i >= 3; i += 3) {
                uint32_t x = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
                *out++ = a[x >> 18];
                *out++ = a[(x >> 12) & 63];
                *out++ = a[(x >> 6) & 63];
                *out++ = a[x & 63];
        }
        if (len - i > 0) {
                /* One or two bytes are left: two or three characters, then the padding if any. */
                int two = len - i == 2;
                uint32_t x = (uint32_t)p[i] << 16 | (two ? (uint32_t)p[i + 1] << 8 : 0);
                *out++ = a[x >> 18];
                *out++ = a[(x >> 12) & 63];
                if (two)
                        *out++ = a[(x >> 6) & 63];
                else if (v->pad)
                        *out++ = '=';
                if (v->pad)
                        *out++ = '=';
        }
}

/* The 6-bit value of a character of v's alphabet, or -1 for anything else, "=" included. */
static int sextet(const struct variant *v, char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == v->alphabet[62])
                return 62;
        if (c == v->alphabet[63])
                return 63;
        return -1;
}

static int decode(const struct variant *v, const char *s, size_t len, uint8_t *out, size_t outmax,
                  size_t *outlen)
{
        size_t body = len, n = 0;
        uint32_t acc = 0;
        unsigned bits = 0;

        if (v->pad) {
                if (len % 4 != 0)
                        return -1;
                /* Padding ends the text ("xx==", "xxx="); any other "=" is outside the alphabet. */
                if (body > 0 && s[body - 1] == '=')
                        body--;
                if (body > 0 && s[body - 1] == '=')
                        body--;
        }
        /* A last group of one character cannot hold a byte. */
        if (body % 4 == 1)
                return -1;
        if (body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0) > outmax)
                return -1;
        for (size_t i = 0; i < body; i++) {
                int x = sextet(v, s[i]);
                if (x < 0)
                        return -1;
                acc = (acc << 6 | (uint32_t)x) & 0xffffff;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[n++] = (uint8_t)(acc >> bits);
                }
        }
        /* Canonical form: the bits of the last character that hold no byte must be zero. */
        if (acc & ((1u << bits) - 1))
                return -1;
        *outlen = n;
        return 0;
}

void base64_encode(const void *data, size_t len, char *out)
{
        encode(&STANDARD, data, len, out);
}

int base64_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen)
{
        return decode(&STANDARD, s, len, out, outmax, outlen);
}

void base64url_encode(const void *data, size_t len, char *out)
{
        encode(&URL, data, len, out);
}

int base64url_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen)
{
        return decode(&URL, s, len, out, outmax, outlen);
}
