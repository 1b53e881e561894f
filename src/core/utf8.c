/* UTF-8 validation following RFC 3629's table of well-formed byte sequences. */
#include "core/utf8.h"


long utf8_count(const char *str, size_t len)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t i = 0;
        long n = 0;

        while (i < len) {
                unsigned c = s[i];
                size_t extra;
                unsigned lo = 0x80, hi = 0xBF;

                if (c == 0)
                        return -1;
                if (c < 0x80) {
                        i++;
                        n++;
                        continue;
                }
                if (c >= 0xC2 && c <= 0xDF)
                        extra = 1;
                else if (c >= 0xE0 && c <= 0xEF) {
                        extra = 2;
                        if (c == 0xE0)
                                lo = 0xA0;
                        if (c == 0xED)
                                hi = 0x9F; /* no surrogates */
                } else if (c >= 0xF0 && c <= 0xF4) {
                        extra = 3;
                        if (c == 0xF0)
                                lo = 0x90;
                        if (c == 0xF4)
                                hi = 0x8F;
                } else
                        return -1;
                if (len - i <= extra)
                        return -1;
                if (s[i + 1] < lo || s[i + 1] > hi)
                        return -1;
                for (size_t k = 2; k <= extra; k++)
                        if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                                return -1;
                i += extra + 1;
                n++;
        }
        return n;
}
