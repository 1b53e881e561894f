/*
 * Unit tests of the licensing rules without a server: a certificate's status
 * on a date from hand-built records, validity periods, which rule is in
 * force on a date, and the statutory deadline of an application counted on
 * the calendar built from the shipped tables.  Each expected date is worked
 * out by hand from the 2025 notice; the reasoning sits beside the case.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "kernel/calendar.h"
#include "kernel/calendar_data.h"
#include "licensing/licensing.h"
#include "kernel/rules.h"
#include "shipped_calendar.h"
#include "unit.h"

static day_t D(const char *text)
{
        day_t d = 0;

        ck_assert_msg(date_parse(text, strlen(text), &d) == 0, "bad date in a test: %s", text);
        return d;
}

static json_t *parse(const char *text)
{
        json_error_t err;
        json_t *v = json_loads(text, 0, &err);

        ck_assert_msg(v != NULL, "bad JSON in a test: %s (%s)", text, err.text);
        return v;
}

static const char *str(const json_t *o, const char *key)
{
        const char *v = json_string_value(json_object_get(o, key));

        ck_assert_msg(v != NULL, "%s is not a string", key);
        return v;
}

static void assert_status(const json_t *cert, const char *date, const char *want)
{
        const char *got = certificate_status_on(cert, date);

        ck_assert_msg(got && strcmp(got, want) == 0, "status on %s: got %s, want %s", date,
                      got ? got : "(null)", want);
}

/* Certificate status on a date */

START_TEST(test_status_before_issue_and_valid)
{
        json_t *c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\","
                          "\"history\":[{\"on\":\"2020-01-10\",\"status\":\"valid\"}]}");

        assert_status(c, "2019-12-31", "not_yet_valid");
        assert_status(c, "2020-01-09", "not_yet_valid");
        assert_status(c, "2020-01-10", "valid");
        assert_status(c, "2023-06-15", "valid");
        json_decref(c);

        /* No events at all: valid between its dates. */
        c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\",\"history\":[]}");
        assert_status(c, "2020-01-09", "not_yet_valid");
        assert_status(c, "2020-01-10", "valid");
        assert_status(c, "2025-01-10", "expired");
        json_decref(c);
}
END_TEST

START_TEST(test_status_suspended_then_reinstated)
{
        json_t *c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\","
                          "\"history\":[{\"on\":\"2020-01-10\",\"status\":\"valid\"},"
                          "{\"on\":\"2021-03-01\",\"status\":\"suspended\"},"
                          "{\"on\":\"2021-06-01\",\"status\":\"valid\"}]}");

        assert_status(c, "2021-02-28", "valid");
        assert_status(c, "2021-03-01", "suspended"); /* effective on its day */
        assert_status(c, "2021-05-31", "suspended");
        assert_status(c, "2021-06-01", "valid");
        assert_status(c, "2025-01-09", "valid"); /* valid through the expiry day */
        assert_status(c, "2025-01-10", "expired");
        assert_status(c, "2030-01-01", "expired");
        json_decref(c);
}
END_TEST

START_TEST(test_status_suspended_at_expiry_expires)
{
        json_t *c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\","
                          "\"history\":[{\"on\":\"2020-01-10\",\"status\":\"valid\"},"
                          "{\"on\":\"2024-06-01\",\"status\":\"suspended\"}]}");

        assert_status(c, "2024-12-31", "suspended");
        assert_status(c, "2025-01-09", "suspended");
        assert_status(c, "2025-01-10", "expired");
        json_decref(c);
}
END_TEST

START_TEST(test_status_revoked_is_final)
{
        /* Events after a revocation (which the service refuses) change nothing. */
        json_t *c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\","
                          "\"history\":[{\"on\":\"2020-01-10\",\"status\":\"valid\"},"
                          "{\"on\":\"2022-02-02\",\"status\":\"revoked\"},"
                          "{\"on\":\"2022-03-03\",\"status\":\"valid\"},"
                          "{\"on\":\"2022-04-04\",\"status\":\"suspended\"}]}");

        assert_status(c, "2022-02-01", "valid");
        assert_status(c, "2022-02-02", "revoked");
        assert_status(c, "2022-03-03", "revoked");
        assert_status(c, "2022-03-04", "revoked");
        assert_status(c, "2022-05-01", "revoked");
        /* Revoked before it expired: still revoked afterwards, not merely expired. */
        assert_status(c, "2025-01-10", "revoked");
        assert_status(c, "2031-01-01", "revoked");
        /* Before issue it was never valid, whatever came later. */
        assert_status(c, "2020-01-09", "not_yet_valid");
        json_decref(c);
}
END_TEST

START_TEST(test_status_revoked_from_suspension)
{
        json_t *c = parse("{\"issued_on\":\"2020-01-10\",\"expires_on\":\"2025-01-09\","
                          "\"history\":[{\"on\":\"2020-01-10\",\"status\":\"valid\"},"
                          "{\"on\":\"2021-01-01\",\"status\":\"suspended\"},"
                          "{\"on\":\"2021-02-01\",\"status\":\"revoked\"},"
                          "{\"on\":\"2021-03-01\",\"status\":\"valid\"}]}");

        assert_status(c, "2021-01-31", "suspended");
        assert_status(c, "2021-02-01", "revoked");
        assert_status(c, "2021-03-01", "revoked");
        assert_status(c, "2026-01-01", "revoked");
        json_decref(c);
}
END_TEST

/* Validity periods */

static void assert_expiry(const char *issued, int years, const char *want)
{
        struct cr_error e = CR_ERROR_INIT;
        char out[DATE_LEN] = "";

        ck_assert_msg(certificate_expiry(issued, years, out, &e) == CR_OK, "%s + %d: %s", issued,
                      years, e.detail);
        ck_assert_msg(strcmp(out, want) == 0, "%s + %d years: got %s, want %s", issued, years, out,
                      want);
        cr_error_clear(&e);
}

START_TEST(test_expiry)
{
        struct cr_error e = CR_ERROR_INIT;
        char out[DATE_LEN];

        assert_expiry("2026-11-22", 5, "2031-11-21");
        assert_expiry("2024-02-29", 5, "2029-02-28"); /* no 29 February in 2029 */
        assert_expiry("2024-03-01", 5, "2029-02-28");
        assert_expiry("2023-03-01", 1, "2024-02-29"); /* the day before falls on a leap day */
        assert_expiry("2025-01-01", 5, "2029-12-31");
        assert_expiry("2020-02-29", 4, "2024-02-28"); /* anniversary exists: the day before it */
        ck_assert_int_ne(certificate_expiry("2026-02-30", 5, out, &e), CR_OK);
        ck_assert_str_eq(e.code, "invalid_date");
        cr_error_clear(&e);
}
END_TEST

/* Rules in force */

START_TEST(test_rule_in_force)
{
        const struct rule *r;

        r = rule_in_force("item.production", "2017-10-10");
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->id, "item.production");
        ck_assert_str_eq(r->effective_to, "2017-10-11");
        ck_assert_ptr_nonnull(rule_in_force("item.production", "2001-01-01"));
        /* Notice 336 took effect on 11 October 2017: the end date is exclusive. */
        ck_assert_ptr_null(rule_in_force("item.production", "2017-10-11"));
        ck_assert_ptr_null(rule_in_force("item.production", "2026-11-22"));
        /* Before Order No.273 there was no such approval either. */
        ck_assert_ptr_null(rule_in_force("item.production", "1999-10-06"));

        ck_assert_ptr_null(rule_in_force("removed.production", "2017-10-10"));
        r = rule_in_force("removed.production", "2017-10-11");
        ck_assert_ptr_nonnull(r);
        ck_assert_int_eq(r->kind, RULE_REMOVED_ITEM);
        ck_assert_ptr_nonnull(strstr(r->citation, "No.336 item I"));

        for (const char *const *d =
                 (const char *const[]){"2017-10-10", "2017-10-11", "2026-11-22", NULL};
             *d; d++)
                ck_assert_ptr_nonnull(rule_in_force("item.type_model", *d));
        ck_assert_ptr_null(rule_in_force("no.such.rule", "2020-01-01"));
        ck_assert_ptr_nonnull(rule_latest("item.production"));
        ck_assert_int_eq(rule_in_force("deadline.request_materials", "2025-01-01")->value, 5);
        ck_assert_int_eq(rule_in_force("deadline.decide", "2025-01-01")->value, 20);
        ck_assert_int_eq(rule_in_force("deadline.decide_extension", "2025-01-01")->value, 10);
        ck_assert_int_eq(rule_in_force("deadline.issue", "2025-01-01")->value, 10);
}
END_TEST

/* Application deadlines on the shipped calendar */

/* The deadline of app (a JSON text) on today; fills *dl (NULL when the state has none). */
static json_t *deadline_of(const struct legal_calendar *cal, const char *app_text,
                           const char *today, json_t **dl)
{
        json_t *app = parse(app_text);

        *dl = application_deadline(cal, app, today);
        return app;
}

static void assert_due(const json_t *dl, const char *want)
{
        const json_t *due = json_object_get(dl, "due");

        ck_assert_msg(json_is_string(due), "due is not a date: %s",
                      json_is_null(due) ? "null" : "absent");
        ck_assert_msg(strcmp(json_string_value(due), want) == 0, "due %s, want %s",
                      json_string_value(due), want);
}

START_TEST(test_deadline_received)
{
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        /* 2025-01-20 is a Monday.  Counting starts the next day: 21, 22, 23, 24 January
         * (Tue-Fri), then Sunday 26 January, a moved working day: the fifth. */
        app = deadline_of(cal, "{\"state\":\"received\",\"received_on\":\"2025-01-20\"}",
                          "2025-01-21", &dl);
        ck_assert_ptr_nonnull(dl);
        ck_assert_str_eq(str(dl, "act"), "request_materials");
        assert_due(dl, "2025-01-26");
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days")), 5);
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days_used")), 1);
        ck_assert(json_is_false(json_object_get(dl, "overdue")));
        ck_assert(json_is_null(json_object_get(dl, "error")));
        ck_assert_str_eq(str(json_object_get(dl, "rule"), "id"), "deadline.request_materials");
        ck_assert_ptr_nonnull(strstr(str(json_object_get(dl, "rule"), "citation"), "Art 32"));
        /* The record keeps the deadline for the overdue query. */
        ck_assert_str_eq(str(app, "due_act"), "request_materials");
        ck_assert_str_eq(str(app, "due_on"), "2025-01-26");
        ck_assert_str_eq(str(app, "due_error"), "");
        json_decref(dl);
        json_decref(app);

        /* The day after the due day it is overdue, with all five days used. */
        app = deadline_of(cal, "{\"state\":\"received\",\"received_on\":\"2025-01-20\"}",
                          "2025-01-27", &dl);
        assert_due(dl, "2025-01-26");
        ck_assert(json_is_true(json_object_get(dl, "overdue")));
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days_used")), 5);
        json_decref(dl);
        json_decref(app);

        /* On the due day itself it is not yet overdue. */
        app = deadline_of(cal, "{\"state\":\"received\",\"received_on\":\"2025-01-20\"}",
                          "2025-01-26", &dl);
        ck_assert(json_is_false(json_object_get(dl, "overdue")));
        json_decref(dl);
        json_decref(app);
        free(cal);
}
END_TEST

START_TEST(test_deadline_closed_stop_adds_the_stopped_days)
{
        struct legal_calendar *cal = shipped_calendar();
        struct cr_error e = CR_ERROR_INIT;
        json_t *dl, *app;
        day_t four_more = 0;
        char want[DATE_LEN];

        /* Accepted Monday 2025-03-03; 20 working days: 4-7, 10-14, 17-21, 24-28 March
         * (19), Monday 31 March (20). */
        app = deadline_of(cal,
                          "{\"state\":\"accepted\",\"accepted_on\":\"2025-03-03\","
                          "\"received_on\":\"2025-02-27\",\"deemed_accepted\":0,\"stops\":[]}",
                          "2025-03-04", &dl);
        ck_assert_str_eq(str(dl, "act"), "decide");
        assert_due(dl, "2025-03-31");
        ck_assert_str_eq(str(json_object_get(dl, "rule"), "id"), "deadline.decide");
        ck_assert_ptr_nonnull(strstr(str(json_object_get(dl, "rule"), "citation"), "Art 42"));
        json_decref(dl);
        json_decref(app);

        /* Review from 10 to 14 March stops 11-14 March: four working days.  They are
         * added after 31 March: 1, 2, 3 April, then Qingming (4-6 April), then 7 April. */
        app = deadline_of(cal,
                          "{\"state\":\"accepted\",\"accepted_on\":\"2025-03-03\","
                          "\"received_on\":\"2025-02-27\",\"deemed_accepted\":0,"
                          "\"stops\":[[\"2025-03-10\",\"2025-03-14\"]]}",
                          "2025-03-17", &dl);
        assert_due(dl, "2025-04-07");
        ck_assert(json_is_null(json_object_get(dl, "error")));
        /* 4-7 and 10 March counted, 11-14 stopped, 17 March: six used by the 17th. */
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days_used")), 6);
        ck_assert_int_eq(calendar_deadline(cal, D("2025-03-31"), 4, NULL, 0, &four_more, &e),
                         CR_OK);
        date_format(four_more, want);
        assert_due(dl, want);
        json_decref(dl);
        json_decref(app);
        cr_error_clear(&e);
        free(cal);
}
END_TEST

START_TEST(test_deadline_open_stop)
{
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        app = deadline_of(cal,
                          "{\"state\":\"under_review\",\"accepted_on\":\"2025-03-03\","
                          "\"received_on\":\"2025-02-27\",\"deemed_accepted\":0,"
                          "\"stops\":[[\"2025-03-10\",\"\"]]}",
                          "2025-03-20", &dl);
        ck_assert_ptr_nonnull(dl);
        ck_assert_str_eq(str(dl, "act"), "decide");
        ck_assert(json_is_null(json_object_get(dl, "due")));
        ck_assert(json_is_false(json_object_get(dl, "overdue")));
        ck_assert_str_eq(str(json_object_get(dl, "error"), "code"), "clock_stopped");
        /* 4, 5, 6, 7 and 10 March were counted before the clock stopped. */
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days_used")), 5);
        ck_assert_str_eq(str(app, "due_on"), "");
        ck_assert_str_eq(str(app, "due_error"), "clock_stopped");
        json_decref(dl);
        json_decref(app);
        free(cal);
}
END_TEST

START_TEST(test_deadline_extension)
{
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        /* 20 working days end on 31 March; ten more: 1, 2, 3, 7, 8, 9, 10, 11, 14, 15 April. */
        app = deadline_of(cal,
                          "{\"state\":\"accepted\",\"accepted_on\":\"2025-03-03\","
                          "\"received_on\":\"2025-02-27\",\"deemed_accepted\":0,\"stops\":[],"
                          "\"extension_approver\":\"局长 王某\",\"extension_reason\":\"专家论证\"}",
                          "2025-03-04", &dl);
        assert_due(dl, "2025-04-15");
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days")), 30);
        ck_assert_str_eq(str(json_object_get(dl, "extension_rule"), "id"),
                         "deadline.decide_extension");
        json_decref(dl);
        json_decref(app);

        /* An extension during review: the stop still holds the deadline open. */
        app = deadline_of(cal,
                          "{\"state\":\"under_review\",\"accepted_on\":\"2025-03-03\","
                          "\"received_on\":\"2025-02-27\",\"deemed_accepted\":0,"
                          "\"stops\":[[\"2025-03-10\",\"\"]],\"extension_approver\":\"局长\"}",
                          "2025-03-20", &dl);
        ck_assert(json_is_null(json_object_get(dl, "due")));
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days")), 30);
        json_decref(dl);
        json_decref(app);
        free(cal);
}
END_TEST

START_TEST(test_deadline_deemed_accepted)
{
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        /* Not asked for materials within five days, the application counts as accepted on
         * receipt (Licensing Law Art 32): 20 working days from 2025-01-20 cross Spring
         * Festival (28 January - 4 February off, 26 January and 8 February worked) and
         * end on 21 February, although it was formally accepted on 10 February. */
        app = deadline_of(cal,
                          "{\"state\":\"accepted\",\"received_on\":\"2025-01-20\","
                          "\"accepted_on\":\"2025-02-10\",\"deemed_accepted\":1,\"stops\":[]}",
                          "2025-02-10", &dl);
        assert_due(dl, "2025-02-21");
        ck_assert_str_eq(str(dl, "start"), "2025-01-20");
        json_decref(dl);
        json_decref(app);

        /* Accepted in time, the period runs from acceptance: 11-14, 17-21, 24-28 February,
         * 3-7 March (19), 10 March (20). */
        app = deadline_of(cal,
                          "{\"state\":\"accepted\",\"received_on\":\"2025-01-20\","
                          "\"accepted_on\":\"2025-02-10\",\"deemed_accepted\":0,\"stops\":[]}",
                          "2025-02-10", &dl);
        assert_due(dl, "2025-03-10");
        ck_assert_str_eq(str(dl, "start"), "2025-02-10");
        json_decref(dl);
        json_decref(app);
        free(cal);
}
END_TEST

START_TEST(test_deadline_issue_and_closed_states)
{
        static const char *const closed[] = {"materials_requested", "refused", "issued",
                                             "withdrawn", "halted"};
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        /* Approved Friday 2025-09-26; ten working days: Sunday 28 September (worked), 29,
         * 30 September, National Day 1-8 October, 9, 10, Saturday 11 October (worked),
         * 13, 14, 15, 16 October. */
        app = deadline_of(cal, "{\"state\":\"approved\",\"decided_on\":\"2025-09-26\"}",
                          "2025-09-26", &dl);
        ck_assert_str_eq(str(dl, "act"), "issue");
        assert_due(dl, "2025-10-16");
        ck_assert_int_eq(json_integer_value(json_object_get(dl, "working_days")), 10);
        ck_assert_ptr_nonnull(strstr(str(json_object_get(dl, "rule"), "citation"), "Art 44"));
        json_decref(dl);
        json_decref(app);

        for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
                char text[200];
                snprintf(text, sizeof(text),
                         "{\"state\":\"%s\",\"received_on\":\"2025-01-20\","
                         "\"due_act\":\"decide\",\"due_on\":\"2025-02-21\",\"due_error\":\"\"}",
                         closed[i]);
                app = deadline_of(cal, text, "2025-03-01", &dl);
                ck_assert_msg(dl == NULL, "%s has no deadline", closed[i]);
                ck_assert_str_eq(str(app, "due_act"), "");
                ck_assert_str_eq(str(app, "due_on"), "");
                json_decref(app);
        }
        free(cal);
}
END_TEST

START_TEST(test_deadline_year_missing)
{
        struct legal_calendar *cal = shipped_calendar();
        json_t *dl, *app;

        /* Received Monday 2026-12-28: 29, 30, 31 December, then 2027, which is not shipped. */
        app = deadline_of(cal, "{\"state\":\"received\",\"received_on\":\"2026-12-28\"}",
                          "2026-12-29", &dl);
        ck_assert(json_is_null(json_object_get(dl, "due")));
        ck_assert(json_is_false(json_object_get(dl, "overdue")));
        ck_assert_str_eq(str(json_object_get(dl, "error"), "code"), "calendar_year_missing");
        ck_assert_ptr_nonnull(strstr(str(json_object_get(dl, "error"), "detail"), "2027"));
        ck_assert_str_eq(str(app, "due_error"), "calendar_year_missing");
        json_decref(dl);
        json_decref(app);

        /* Three days still fit in 2026. */
        app = deadline_of(cal, "{\"state\":\"approved\",\"decided_on\":\"2026-12-17\"}",
                          "2026-12-17", &dl);
        assert_due(dl, "2026-12-31");
        json_decref(dl);
        json_decref(app);
        free(cal);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("licensing");
        TCase *status = tcase_create("certificate status");
        TCase *rules = tcase_create("validity and rules");
        TCase *deadlines = tcase_create("application deadlines");

        tcase_add_test(status, test_status_before_issue_and_valid);
        tcase_add_test(status, test_status_suspended_then_reinstated);
        tcase_add_test(status, test_status_suspended_at_expiry_expires);
        tcase_add_test(status, test_status_revoked_is_final);
        tcase_add_test(status, test_status_revoked_from_suspension);
        tcase_add_test(rules, test_expiry);
        tcase_add_test(rules, test_rule_in_force);
        tcase_add_test(deadlines, test_deadline_received);
        tcase_add_test(deadlines, test_deadline_closed_stop_adds_the_stopped_days);
        tcase_add_test(deadlines, test_deadline_open_stop);
        tcase_add_test(deadlines, test_deadline_extension);
        tcase_add_test(deadlines, test_deadline_deemed_accepted);
        tcase_add_test(deadlines, test_deadline_issue_and_closed_states);
        tcase_add_test(deadlines, test_deadline_year_missing);
        suite_add_tcase(s, status);
        suite_add_tcase(s, rules);
        suite_add_tcase(s, deadlines);
        return run_suite(s);
}
