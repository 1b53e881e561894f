/*
 * Configuration: built-in defaults, then a `key = value` file, then
 * CRYPTOREG_* environment variables, then command-line flags, each later
 * source overriding the earlier (docs/cli.md lists every key).
 */
#ifndef CR_CONFIG_H
#define CR_CONFIG_H

#include <stddef.h>

#include "core/err.h"

struct config {
        char db[1024];        /* SQLite database path */
        char listen[128];     /* ADDR:PORT for serve */
        char web_root[1024];  /* directory of the static front end */
        long threads;         /* HTTP worker threads */
        long session_hours;   /* lifetime of a console session */
        int log_requests;     /* one JSON line per request when non-zero */
        int answer_cache;     /* cache public answers when non-zero */
        long log_interval_ms; /* how long new log entries wait for a signed checkpoint, at most */
        char key_dir[1024];   /* SM2 signing keys; "" means the database path plus ".keys" */
        char public_url[512]; /* base of public links in certificates; "" means http://LISTEN */
};

/* The key directory in force: key_dir, or the database path plus ".keys". */
void config_key_dir(const struct config *c, char *out, size_t size);
/* The public base URL in force: public_url, or "http://" plus listen. */
void config_public_url(const struct config *c, char *out, size_t size);
/*
 * The transparency log's origin line: the public URL without its scheme,
 * plus "/log"; "cryptoreg.local/log" when no public URL is configured.
 */
/* Room for the transparency log's origin line, with its NUL. */
#define LOG_ORIGIN_MAX 200
void config_log_origin(const struct config *c, char *out, size_t size);

/* Fills in the built-in defaults. */
void config_defaults(struct config *c);

/*
 * Reads a configuration file.  A missing file is an error only when
 * required is non-zero (the user named it); unknown keys and malformed lines
 * are errors naming the line.
 */
enum cr_err config_load_file(struct config *c, const char *path, int required, struct cr_error *e);

/* Applies CRYPTOREG_DB, CRYPTOREG_LISTEN, CRYPTOREG_WEB_ROOT, CRYPTOREG_THREADS, ... */
enum cr_err config_load_env(struct config *c, struct cr_error *e);

/* Sets one key from text (used by the file, the environment and flags alike). */
enum cr_err config_set(struct config *c, const char *key, const char *value, struct cr_error *e);

#endif
