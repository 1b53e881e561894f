/* Strict standard base64 for the C2SP text formats; see tlog/base64.h. */
#include "tlog/base64.h"


static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void tlog_base64_encode(const void *data, size_t len, char *out)
{
        const uint8_t *p = data;
        size_t i = 0;

        for (; len - i >= 3; i += 3) {
                uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
                *out++ = alphabet[v >> 18];
                *out++ = alphabet[(v >> 12) & 63];
                *out++ = alphabet[(v >> 6) & 63];
                *out++ = alphabet[v & 63];
        }
        if (len - i == 1) {
                uint32_t v = (uint32_t)p[i] << 16;
                *out++ = alphabet[v >> 18];
                *out++ = alphabet[(v >> 12) & 63];
                *out++ = '=';
                *out++ = '=';
        } else if (len - i == 2) {
                uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
                *out++ = alphabet[v >> 18];
                *out++ = alphabet[(v >> 12) & 63];
                *out++ = alphabet[(v >> 6) & 63];
                *out++ = '=';
        }
}

/* The 6-bit value of an alphabet character, or -1 for anything else, "=" included. */
static int sextet(char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

int tlog_base64_decode(const char *s, size_t len, uint8_t *out, size_t outmax, size_t *outlen)
{
        size_t n = 0;

        if (len % 4 != 0)
                return -1;
        for (size_t i = 0; i < len; i += 4) {
                int last = i + 4 == len;
                int a = sextet(s[i]), b = sextet(s[i + 1]), c = sextet(s[i + 2]),
                    d = sextet(s[i + 3]);
                /* Padding may appear only in the last quantum: "xx==" or "xxx=". */
                size_t bytes = 3;
                if (last && s[i + 3] == '=') {
                        bytes = s[i + 2] == '=' ? 1 : 2;
                        if (bytes == 1)
                                c = 0;
                        d = 0;
                }
                if (a < 0 || b < 0 || c < 0 || d < 0)
                        return -1;
                /* Canonical form: the bits that padding leaves over must be zero. */
                if ((bytes == 1 && (b & 15)) || (bytes == 2 && (c & 3)))
                        return -1;
                if (outmax - n < bytes)
                        return -1;
                {
                        uint32_t v =
                            (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
                        out[n++] = (uint8_t)(v >> 16);
                        if (bytes > 1)
                                out[n++] = (uint8_t)(v >> 8);
                        if (bytes > 2)
                                out[n++] = (uint8_t)v;
                }
        }
        *outlen = n;
        return 0;
}
