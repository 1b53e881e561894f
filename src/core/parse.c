/* Checked decimal integer parsing with overflow detection before it happens. */
#include "core/parse.h"


int parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
        size_t i = 0;
        int neg = 0;
        uint64_t v = 0, limit;

        if (!s || len == 0)
                return -1;
        if (s[0] == '-') {
                neg = 1;
                i = 1;
                if (len == 1)
                        return -1;
        }
        limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (; i < len; i++) {
                unsigned d;
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                d = (unsigned)(s[i] - '0');
                if (v > (limit - d) / 10)
                        return -1;
                v = v * 10 + d;
        }
        {
                int64_t r =
                    neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
                if (r < min || r > max)
                        return -1;
                *out = r;
        }
        return 0;
}
