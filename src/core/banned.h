/*
 * Functions that cryptoreg does not use, turned into compile errors.  Each has
 * a bounded replacement: buf_* for string building, parse_int64 for numbers.
 *
 * The build force-includes this header into every translation unit
 * (-include in CMakeLists.txt), so no file can forget it.  It comes first,
 * so it includes the C library headers that declare the banned functions
 * before defining the macros: their prototypes are read unharmed, and their
 * include guards keep a later #include from reading them again.
 */
#ifndef CR_BANNED_H
#define CR_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CR_BANNED(func) sorry_##func##_is_banned_in_cryptoreg

#undef strcpy
#define strcpy(x, y) CR_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CR_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) CR_BANNED(strncpy)
#undef sprintf
#define sprintf(...) CR_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CR_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CR_BANNED(strtok)
#undef atoi
#define atoi(x) CR_BANNED(atoi)
#undef gets
#define gets(x) CR_BANNED(gets)

#endif
