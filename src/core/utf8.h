/* UTF-8 validation and character counting, for limits stated in characters. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

#include <stddef.h>

/*
 * Returns the number of code points in the len bytes at s, or -1 if they are
 * not well-formed UTF-8 (overlong forms, surrogates and NUL bytes refused).
 */
long utf8_count(const char *s, size_t len);

#endif
