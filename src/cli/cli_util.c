/* Option parsing, error reporting and store opening shared by the subcommands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/parse.h"
#include "crypto/crypto.h"

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos, int max_pos,
              int *npos, const char *usage)
{
        *npos = 0;
        for (int i = 0; i < argc; i++) {
                const char *arg = argv[i];
                const struct cli_opt *o;
                const char *eq;
                size_t nlen;

                if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
                        fputs(usage, stdout);
                        return -1;
                }
                if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--") == 0) {
                        if (*npos == max_pos) {
                                fprintf(stderr, "cryptoreg: unexpected argument \"%s\"\n\n%s", arg,
                                        usage);
                                return EXIT_USAGE;
                        }
                        pos[(*npos)++] = arg;
                        continue;
                }
                eq = strchr(arg, '=');
                nlen = eq ? (size_t)(eq - arg) : strlen(arg);
                for (o = opts; o && o->name; o++)
                        if (strlen(o->name) == nlen && strncmp(o->name, arg, nlen) == 0)
                                break;
                if (!o || !o->name) {
                        fprintf(stderr, "cryptoreg: unknown option %.*s\n\n%s", (int)nlen, arg,
                                usage);
                        return EXIT_USAGE;
                }
                if (o->flag) {
                        if (eq) {
                                fprintf(stderr, "cryptoreg: %s takes no value\n", o->name);
                                return EXIT_USAGE;
                        }
                        *o->flag = 1;
                } else if (eq) {
                        *o->value = eq + 1;
                } else if (i + 1 < argc) {
                        *o->value = argv[++i];
                } else {
                        fprintf(stderr, "cryptoreg: %s needs a value\n\n%s", o->name, usage);
                        return EXIT_USAGE;
                }
        }
        return EXIT_OK;
}

int cli_open_store(struct cli *c, int migrate, struct store **out)
{
        struct cr_error e = CR_ERROR_INIT;

        if (crypto_init(&e) || store_open(c->cfg.db, migrate, out, &e)) {
                fprintf(stderr, "cryptoreg: %s\n", e.detail);
                cr_error_clear(&e);
                return EXIT_DB;
        }
        return EXIT_OK;
}

int cli_report(struct cr_error *e)
{
        size_t i;
        json_t *row;
        int code = e->err == CR_ESTORE ? EXIT_DB : EXIT_FAILED;

        fprintf(stderr, "cryptoreg: error: %s\n", e->detail[0] ? e->detail : cr_err_name(e->err));
        if (e->rows) {
                json_array_foreach(e->rows, i, row)
                {
                        fprintf(stderr, "  line %lld, column %s: %s\n",
                                (long long)json_integer_value(json_object_get(row, "line")),
                                json_string_value(json_object_get(row, "column")),
                                json_string_value(json_object_get(row, "message")));
                }
        }
        cr_error_clear(e);
        return code;
}

int cli_read_line(char *buf, size_t size)
{
        size_t n;

        if (!fgets(buf, (int)size, stdin))
                return -1;
        n = strlen(buf);
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
                buf[--n] = '\0';
        return 0;
}

void cli_print_json(json_t *v)
{
        json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(v);
}

int cli_read_file(const char *path, size_t max, struct buf *out)
{
        char chunk[65536];
        size_t n;
        FILE *f = fopen(path, "rb");
        int rc = EXIT_OK;

        buf_init(out, max);
        if (!f) {
                fprintf(stderr, "cryptoreg: cannot open %s: %s\n", path, strerror(errno));
                return EXIT_FAILED;
        }
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                if (buf_append(out, chunk, n)) {
                        fprintf(stderr, "cryptoreg: %s is larger than %zu bytes\n", path, max);
                        rc = EXIT_FAILED;
                        break;
                }
        }
        if (ferror(f)) {
                fprintf(stderr, "cryptoreg: cannot read %s: %s\n", path, strerror(errno));
                rc = EXIT_FAILED;
        }
        fclose(f);
        return rc;
}

int cli_dispatch(struct cli *c, const char *command, const struct cli_sub *subs, size_t nsubs,
                 const char *usage)
{
        struct store *s = NULL;
        int rc;

        if (c->argc < 1 || strcmp(c->argv[0], "--help") == 0) {
                fputs(usage, c->argc < 1 ? stderr : stdout);
                return c->argc < 1 ? EXIT_USAGE : EXIT_OK;
        }
        for (size_t i = 0; i < nsubs; i++) {
                if (strcmp(c->argv[0], subs[i].name) != 0)
                        continue;
                rc = subs[i].run(c, &s, c->argc - 1, c->argv + 1);
                store_close(s);
                return rc;
        }
        fprintf(stderr, "cryptoreg %s: unknown subcommand \"%s\"\n\n%s", command, c->argv[0],
                usage);
        return EXIT_USAGE;
}

int64_t cli_checkpoint_size(const char *text)
{
        const char *nl = strchr(text, '\n'), *end;
        int64_t v = -1;

        if (!nl)
                return -1;
        end = strchr(nl + 1, '\n');
        if (!end || parse_int64(nl + 1, (size_t)(end - nl - 1), 0, INT64_MAX, &v) != 0)
                return -1;
        return v;
}

void cli_caller(struct caller *c)
{
        caller_for_cli(c, getenv("USER"), clock_system());
}
