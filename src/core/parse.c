/* Checked decimal integer parsing with overflow detection before it happens. */
#include "core/parse.h"

/* Reads len digits (at least one) as a value of at most limit; -1 on anything else. */
static int digits_value(const char *s, size_t len, uint64_t limit, uint64_t *out)
{
        uint64_t v = 0;

        if (len == 0)
                return -1;
        for (size_t i = 0; i < len; i++) {
                unsigned d;
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                d = (unsigned)(s[i] - '0');
                if (d > limit || v > (limit - d) / 10)
                        return -1;
                v = v * 10 + d;
        }
        *out = v;
        return 0;
}

int parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
        size_t i = 0;
        int neg = 0;
        uint64_t v, limit;

        if (!s || len == 0)
                return -1;
        if (s[0] == '-') {
                neg = 1;
                i = 1;
        }
        limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (digits_value(s + i, len - i, limit, &v))
                return -1;
        {
                int64_t r =
                    neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
                if (r < min || r > max)
                        return -1;
                *out = r;
        }
        return 0;
}

int parse_uint64(const char *s, size_t len, uint64_t max, unsigned flags, uint64_t *out)
{
        if (!s)
                return -1;
        if ((flags & PARSE_NO_LEADING_ZERO) && len > 1 && s[0] == '0')
                return -1;
        return digits_value(s, len, max, out);
}

size_t parse_digit_span(const char *s, size_t len)
{
        size_t n = 0;

        while (n < len && s[n] >= '0' && s[n] <= '9')
                n++;
        return n;
}
