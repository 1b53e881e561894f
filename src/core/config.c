/* Configuration from defaults, a file, the environment and flags, in that order. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/parse.h"

void config_defaults(struct config *c)
{
        memset(c, 0, sizeof(*c));
        str_copy(c->db, sizeof(c->db), "cryptoreg.db");
        str_copy(c->listen, sizeof(c->listen), "127.0.0.1:8080");
        str_copy(c->web_root, sizeof(c->web_root), "web");
        c->threads = 4;
        c->session_hours = 12;
        c->log_requests = 1;
        c->answer_cache = 1;
        c->log_interval_ms = 1000;
}

static enum cr_err set_string(char *dst, size_t size, const char *key, const char *value,
                              struct cr_error *e)
{
        if (str_copy(dst, size, value) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", key, "%s is longer than %zu bytes",
                               key, size - 1);
        return CR_OK;
}

static enum cr_err set_long(long *dst, const char *key, const char *value, long min, long max,
                            struct cr_error *e)
{
        int64_t v;

        if (parse_int64(value, strlen(value), min, max, &v) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", key,
                               "%s must be a whole number from %ld to %ld, not \"%s\"", key, min,
                               max, value);
        *dst = (long)v;
        return CR_OK;
}

enum cr_err config_set(struct config *c, const char *key, const char *value, struct cr_error *e)
{
        if (strcmp(key, "db") == 0)
                return set_string(c->db, sizeof(c->db), key, value, e);
        if (strcmp(key, "listen") == 0)
                return set_string(c->listen, sizeof(c->listen), key, value, e);
        if (strcmp(key, "web_root") == 0)
                return set_string(c->web_root, sizeof(c->web_root), key, value, e);
        if (strcmp(key, "threads") == 0)
                return set_long(&c->threads, key, value, 1, 256, e);
        if (strcmp(key, "session_hours") == 0)
                return set_long(&c->session_hours, key, value, 1, 24 * 30, e);
        if (strcmp(key, "key_dir") == 0)
                return set_string(c->key_dir, sizeof(c->key_dir), key, value, e);
        if (strcmp(key, "public_url") == 0) {
                size_t n = strlen(value);
                if (n && strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
                        return cr_fail(e, CR_EINVAL, "invalid_value", key,
                                       "public_url must start with http:// or https://");
                if (n && value[n - 1] == '/')
                        return cr_fail(e, CR_EINVAL, "invalid_value", key,
                                       "public_url must not end with '/'");
                return set_string(c->public_url, sizeof(c->public_url), key, value, e);
        }
        if (strcmp(key, "log_interval_ms") == 0)
                return set_long(&c->log_interval_ms, key, value, 10, 60000, e);
        if (strcmp(key, "answer_cache") == 0) {
                long v = 0;
                enum cr_err err = set_long(&v, key, value, 0, 1, e);
                if (!err)
                        c->answer_cache = (int)v;
                return err;
        }
        if (strcmp(key, "log_requests") == 0) {
                long v = 0;
                enum cr_err err = set_long(&v, key, value, 0, 1, e);
                if (!err)
                        c->log_requests = (int)v;
                return err;
        }
        return cr_fail(e, CR_EINVAL, "unknown_field", key, "unknown configuration key \"%s\"", key);
}

static char *trim(char *s)
{
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                *--end = '\0';
        return s;
}

enum cr_err config_load_file(struct config *c, const char *path, int required, struct cr_error *e)
{
        FILE *f = fopen(path, "r");
        char line[2048];
        int lineno = 0;
        enum cr_err err = CR_OK;

        if (!f) {
                if (!required && errno == ENOENT)
                        return CR_OK;
                return cr_fail(e, CR_EIO, "config", NULL, "cannot open configuration file %s: %s",
                               path, strerror(errno));
        }
        while (fgets(line, sizeof(line), f)) {
                char *key, *value, *eq;

                lineno++;
                key = trim(line);
                if (*key == '\0' || *key == '#')
                        continue;
                eq = strchr(key, '=');
                if (!eq) {
                        err = cr_fail(e, CR_EINVAL, "config", NULL,
                                      "%s:%d: expected \"key = value\"", path, lineno);
                        break;
                }
                *eq = '\0';
                key = trim(key);
                value = trim(eq + 1);
                err = config_set(c, key, value, e);
                if (err) {
                        char detail[sizeof(e->detail)];
                        str_copy(detail, sizeof(detail), e->detail);
                        snprintf(e->detail, sizeof(e->detail), "%.200s:%d: %.280s", path, lineno,
                                 detail);
                        break;
                }
        }
        fclose(f);
        return err;
}

enum cr_err config_load_env(struct config *c, struct cr_error *e)
{
        static const struct {
                const char *env;
                const char *key;
        } vars[] = {
            {"CRYPTOREG_DB", "db"},
            {"CRYPTOREG_LISTEN", "listen"},
            {"CRYPTOREG_WEB_ROOT", "web_root"},
            {"CRYPTOREG_THREADS", "threads"},
            {"CRYPTOREG_SESSION_HOURS", "session_hours"},
            {"CRYPTOREG_LOG_REQUESTS", "log_requests"},
            {"CRYPTOREG_ANSWER_CACHE", "answer_cache"},
            {"CRYPTOREG_LOG_INTERVAL_MS", "log_interval_ms"},
            {"CRYPTOREG_KEY_DIR", "key_dir"},
            {"CRYPTOREG_PUBLIC_URL", "public_url"},
        };

        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                const char *v = getenv(vars[i].env);
                enum cr_err err;
                if (!v)
                        continue;
                err = config_set(c, vars[i].key, v, e);
                if (err) {
                        char detail[sizeof(e->detail)];
                        str_copy(detail, sizeof(detail), e->detail);
                        snprintf(e->detail, sizeof(e->detail), "environment %s: %.400s",
                                 vars[i].env, detail);
                        return err;
                }
        }
        return CR_OK;
}

void config_key_dir(const struct config *c, char *out, size_t size)
{
        if (c->key_dir[0])
                snprintf(out, size, "%s", c->key_dir);
        else
                snprintf(out, size, "%s.keys", c->db);
}

void config_public_url(const struct config *c, char *out, size_t size)
{
        if (c->public_url[0])
                snprintf(out, size, "%s", c->public_url);
        else
                snprintf(out, size, "http://%s", c->listen);
}

void config_log_origin(const struct config *c, char *out, size_t size)
{
        const char *host = strstr(c->public_url, "://");

        /* The origin names the log for ever (its first checkpoint fixes it), so it does not
         * follow the listening port; without a public URL it is a placeholder name. */
        if (c->public_url[0] && host)
                snprintf(out, size, "%s/log", host + 3);
        else
                snprintf(out, size, "cryptoreg.local/log");
}
