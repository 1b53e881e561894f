/* cryptoreg calendar: the legal working-day calendar, listed, shown, loaded from a file, used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/calendar_service.h"
#include "cli/cli.h"
#include "core/parse.h"
#include "licensing/licensing.h"

static const char usage[] =
    "usage: cryptoreg calendar <subcommand>\n\n"
    "  list                  the years loaded, with their sources\n"
    "  show YEAR [--json]    one year's holidays and moved working days\n"
    "  load FILE             load or replace a year from its file (format: docs/domain.md)\n"
    "  deadline START DAYS   the last day of DAYS working days after START (not counted)\n";

static int cal_list(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct cr_error e = CR_ERROR_INIT;
        json_t *out = NULL;
        int npos, rc = cli_parse(argc, argv, NULL, NULL, 0, &npos, usage);
        size_t i;
        json_t *y;

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        if (calendar_list_json(*sp, &out, &e))
                return cli_report(&e);
        json_array_foreach(json_object_get(out, "items"), i, y)
        {
                printf("%lld  %3lld days listed  loaded %s by %s\n      %s\n",
                       (long long)json_integer_value(json_object_get(y, "year")),
                       (long long)json_integer_value(json_object_get(y, "days")),
                       json_string_value(json_object_get(y, "loaded_at")),
                       json_string_value(json_object_get(y, "loaded_by")),
                       json_string_value(json_object_get(y, "source")));
        }
        json_decref(out);
        return EXIT_OK;
}

static int parse_year(const char *text, int *year)
{
        int64_t y;

        if (parse_int64(text, strlen(text), 1900, 2999, &y) != 0) {
                fprintf(stderr, "cryptoreg calendar: \"%s\" is not a year\n", text);
                return EXIT_USAGE;
        }
        *year = (int)y;
        return EXIT_OK;
}

static int cal_show(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[1];
        int as_json = 0, year = 0;
        const struct cli_opt opts[] = {{"--json", NULL, &as_json}, {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        json_t *out = NULL;
        int npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);
        size_t i;
        json_t *d;

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1)
                return fprintf(stderr, "cryptoreg calendar show: give a year\n"), EXIT_USAGE;
        rc = parse_year(pos[0], &year);
        if (!rc)
                rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        if (calendar_year_json(*sp, year, &out, &e))
                return cli_report(&e);
        if (as_json) {
                cli_print_json(out);
                return EXIT_OK;
        }
        printf("%d  %s\n", year, json_string_value(json_object_get(out, "source")));
        json_array_foreach(json_object_get(out, "items"), i, d)
        {
                printf("  %s  %-8s %s\n", json_string_value(json_object_get(d, "date")),
                       json_string_value(json_object_get(d, "kind")),
                       json_string_value(json_object_get(d, "name")));
        }
        json_decref(out);
        return EXIT_OK;
}

static int cal_load(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[1];
        struct cr_error e = CR_ERROR_INIT;
        struct calendar_year *y = NULL;
        struct caller cli;
        struct buf data;
        json_t *out = NULL;
        int npos, rc = cli_parse(argc, argv, NULL, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1)
                return fprintf(stderr, "cryptoreg calendar load: give one file\n"), EXIT_USAGE;
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        rc = cli_read_file(pos[0], CAL_FILE_MAX, &data);
        if (!rc) {
                /* The year is the file's own; the server's route checks it against its path. */
                y = calloc(1, sizeof(*y));
                if (!y || calendar_year_parse(data.data ? data.data : "", data.len, y, &e))
                        rc = y ? cli_report(&e) : EXIT_FAILED;
        }
        cli_caller(&cli);
        if (!rc && calendar_put_year(*sp, &cli, y->year, data.data, data.len, &out, &e))
                rc = cli_report(&e);
        if (!rc)
                printf("loaded %d (%zu days listed) from %s\n", y->year,
                       json_array_size(json_object_get(out, "items")), pos[0]);
        json_decref(out);
        free(y);
        buf_release(&data);
        return rc;
}

static int cal_deadline(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[2];
        struct cr_error e = CR_ERROR_INIT;
        json_t *out = NULL;
        int npos, rc = cli_parse(argc, argv, NULL, pos, 2, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 2)
                return fprintf(stderr, "cryptoreg calendar deadline: give START and DAYS\n"),
                       EXIT_USAGE;
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        if (calendar_deadline_json(*sp, pos[0], pos[1], &out, &e))
                return cli_report(&e);
        printf("%s\n", json_string_value(json_object_get(out, "due")));
        json_decref(out);
        return EXIT_OK;
}

int cmd_calendar(struct cli *c)
{
        static const struct cli_sub subs[] = {
            {"list", cal_list}, {"show", cal_show}, {"load", cal_load}, {"deadline", cal_deadline}};

        return cli_dispatch(c, "calendar", subs, sizeof(subs) / sizeof(subs[0]), usage);
}
