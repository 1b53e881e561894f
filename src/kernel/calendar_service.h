/*
 * The legal calendar as stored data (calendar_service.c): the years loaded
 * with their sources, loading a new year, and deadlines counted on it; and
 * seeding what a new database starts with.
 */
#ifndef CR_CALENDAR_SERVICE_H
#define CR_CALENDAR_SERVICE_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "kernel/calendar.h"
#include "kernel/role.h"
#include "platform/store/store.h"

/* Seeds the 33 bureaus and every shipped calendar year that the database lacks; idempotent. */
enum cr_err kernel_seed(struct store *s, const struct clock *clk, struct cr_error *e);

/* Builds the calendar from every stored year. */
enum cr_err calendar_load(struct store *s, struct legal_calendar *cal, struct cr_error *e);
/* Stores each shipped year (src/domain/calendar_data.h) that the database lacks. */
enum cr_err calendar_seed_shipped(struct store *s, const struct clock *clk, struct cr_error *e);
/* Loads or replaces a year from its file (administrators), then recomputes open deadlines. */
enum cr_err calendar_put_year(struct store *s, const struct caller *c, int year, const char *data,
                              size_t len, json_t **out, struct cr_error *e);
enum cr_err calendar_list_json(struct store *s, json_t **out, struct cr_error *e);
enum cr_err calendar_year_json(struct store *s, int year, json_t **out, struct cr_error *e);
/* {"start","days","due"}: the end of `days` working days after start. */
enum cr_err calendar_deadline_json(struct store *s, const char *start, const char *days,
                                   json_t **out, struct cr_error *e);

#endif
