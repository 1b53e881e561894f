/*
 * The one error type of cryptoreg.  Fallible functions return enum cr_err
 * (0 = success) and write the detail into a struct cr_error owned by the
 * caller; the HTTP layer maps each value to a status in one table.
 */
#ifndef CR_ERR_H
#define CR_ERR_H

#include <jansson.h>

enum cr_err {
        CR_OK = 0,
        CR_EINVAL,     /* input is wrong; detail names the field */
        CR_ENOTFOUND,  /* no such record, or not within the caller's scope */
        CR_ECONFLICT,  /* a uniqueness rule or a concurrent change refused it */
        CR_EFORBIDDEN, /* the caller's role may not do this */
        CR_EUNAUTH,    /* no valid credentials */
        CR_ECSRF,      /* a cookie session made an unsafe request without its token */
        CR_ETOOMANY,   /* throttled */
        CR_ETOOLARGE,  /* a size limit was exceeded */
        CR_ESTORE,     /* the database failed */
        CR_ENOMEM,     /* allocation failed */
        CR_EIO,        /* a file or socket failed */
        CR_EINTERNAL,  /* a bug: an invariant did not hold */
};

/*
 * Detail of the last failure.  `code` is the stable machine-readable code
 * that API clients branch on (see docs/api.md); it points to a string
 * literal.  `rows`, when set, is a JSON array of per-item errors (for
 * example the bad rows of a CSV import) and is owned by this struct.
 */
struct cr_error {
        enum cr_err err;
        const char *code;
        char field[64];
        char detail[512];
        json_t *rows;
        json_t *rule; /* the rule (domain/rules.h) behind a refusal, owned; or NULL */
};

#define CR_ERROR_INIT                                                                              \
        {                                                                                          \
                CR_OK, NULL, {0}, {0}, NULL, NULL                                                  \
        }

/* Records a failure in e and returns err, so callers can write `return cr_fail(...)`. */
enum cr_err cr_fail(struct cr_error *e, enum cr_err err, const char *code, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Forgets the recorded failure and frees `rows`. */
void cr_error_clear(struct cr_error *e);

/* A short English name of err, for logs. */
const char *cr_err_name(enum cr_err err);

#endif
