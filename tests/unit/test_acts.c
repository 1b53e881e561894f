/*
 * The domain's state machines driven as units, with no HTTP server and a
 * clock the test sets: an application for type approval from receipt to
 * certificate across the 2026 Spring Festival, a certificate suspended and
 * reinstated, a sales filing received on time and then late, the
 * transparency log integrated, audited and cosigned by a witness, and a
 * console session that ends when its hours are up.  Every expected date is
 * counted by hand from the shipped 2025 and 2026 calendars; the counting
 * sits beside the case.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "filing/filing.h"
#include "kernel/calendar_service.h"
#include "licensing/licensing.h"
#include "registry/auth_service.h"
#include "registry/demo.h"
#include "registry/enterprise_service.h"
#include "registry/throttle.h"
#include "transparency/transparency.h"
#include "unit.h"

static char dir[64];
static struct store *s;
static struct sm2_keyring *keys;
static struct caller admin, officer, applicant;
static struct demo_login logins[DEMO_MAX_LOGINS];
static int nlogins;

/* Sets the clock to a Beijing wall time "YYYY-MM-DD HH:MM". */
static void at_beijing(const char *when)
{
        int y, mo, d, h, mi;
        day_t day;

        ck_assert_int_eq(sscanf(when, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi), 5);
        day = date_from_ymd(y, mo, d);
        unit_time = (time_t)day * 86400 + (time_t)(h - 8) * 3600 + (time_t)mi * 60;
}

static const char *str(const json_t *o, const char *key)
{
        const char *v = json_string_value(json_object_get(o, key));

        ck_assert_msg(v != NULL, "%s is not a string", key);
        return v;
}

static json_t *must(enum cr_err err, json_t *out, const struct cr_error *e)
{
        ck_assert_msg(err == CR_OK, "failed: %s %s", e->code ? e->code : "", e->detail);
        return out;
}

static struct caller person(enum role role, const char *name, const char *bureau,
                            const char *uscc)
{
        struct caller c;

        memset(&c, 0, sizeof(c));
        c.role = role;
        c.user_id = 100 + role;
        c.clock = unit_clock();
        str_copy(c.username, sizeof(c.username), name);
        str_copy(c.bureau_code, sizeof(c.bureau_code), bureau ? bureau : "");
        str_copy(c.enterprise_uscc, sizeof(c.enterprise_uscc), uscc ? uscc : "");
        str_copy(c.ip, sizeof(c.ip), "127.0.0.1");
        return c;
}

static void setup(void)
{
        struct cr_error e = CR_ERROR_INIT;
        struct enterprise *ent = calloc(1, sizeof(*ent));
        char path[128], uscc[USCC_LEN + 1];

        unit_time = UNIT_TIME_DEFAULT;
        str_copy(dir, sizeof(dir), "/tmp/cr-acts-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/db", dir);
        ck_assert_int_eq(crypto_init(&e), CR_OK);
        ck_assert_int_eq(store_open(path, 1, &s, &e), CR_OK);
        ck_assert_int_eq(kernel_seed(s, unit_clock(), &e), CR_OK);
        ck_assert_int_eq(sm2_keyring_open(dir, &keys, &e), CR_OK);
        caller_for_cli(&admin, "test", unit_clock());
        must(demo_load(s, &admin, 40, logins, &nlogins, &e), NULL, &e);
        demo_enterprise_uscc(0, uscc);
        must(enterprise_get_scoped(s, &admin, uscc, ent, &e), NULL, &e);
        officer = person(ROLE_BUREAU_OFFICER, "officer", ent->bureau_code, NULL);
        applicant = person(ROLE_ENTERPRISE_USER, "applicant", NULL, uscc);
        free(ent);
}

static void teardown(void)
{
        char cmd[128];

        sm2_keyring_close(keys);
        store_close(s);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        ck_assert_int_eq(system(cmd), 0);
}

static json_t *act(const char *number, const char *action, const char *body_text)
{
        struct cr_error e = CR_ERROR_INIT;
        json_t *body = json_loads(body_text, 0, NULL), *out = NULL;
        const struct caller *by = strcmp(action, "withdraw") == 0 ? &applicant : &officer;

        ck_assert_ptr_nonnull(body);
        must(application_act(s, by, keys, number, action, body, &out, &e), out, &e);
        json_decref(body);
        return out;
}

/* The application's current deadline: the act due and its last day. */
static void assert_due(const json_t *app, const char *act_due, const char *due)
{
        const json_t *d = json_object_get(app, "deadline");

        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(str(d, "act"), act_due);
        ck_assert_str_eq(str(d, "due"), due);
}

/* A product of the applicant and an application for it received now; returns the number. */
static void apply(char number[32])
{
        struct cr_error e = CR_ERROR_INIT;
        json_t *body = json_pack("{s:s, s:s, s:s, s:[{s:s, s:i}]}", "name", "服务器密码机", "model",
                                 "SJJ-2026", "category", "server_crypto_machine", "algorithms",
                                 "name", "SM4", "key_bits", 128);
        json_t *product = NULL, *app = NULL;

        must(product_create(s, &applicant, body, &product, &e), product, &e);
        json_decref(body);
        body = json_pack("{s:s, s:I, s:{s:s, s:s, s:s, s:s}}", "item", "type_model", "product_id",
                         json_integer_value(json_object_get(product, "id")), "form",
                         "contact_name", "李四", "contact_phone", "010-62750000",
                         "manufacturing_address", "北京市海淀区", "intended_use", "数据加密");
        must(application_create(s, &applicant, body, &app, &e), app, &e);
        str_copy(number, 32, str(app, "number"));
        json_decref(body);
        json_decref(product);
        json_decref(app);
}

START_TEST(test_application_across_the_spring_festival)
{
        struct cr_error e = CR_ERROR_INIT;
        char number[32];
        json_t *app = NULL, *issued;
        const json_t *cert;

        /*
         * Received Thursday 12 February 2026.  Five working days to ask for
         * missing materials (or accept):
         * Fri 13 (1), Sat 14 a moved working day (2), 15-23 the Spring
         * Festival, Tue 24 (3), Wed 25 (4), Thu 26 (5).
         */
        at_beijing("2026-02-12 10:00");
        apply(number);
        must(application_get(s, &officer, number, &app, &e), app, &e);
        assert_due(app, "request_materials", "2026-02-26");
        ck_assert_str_eq(str(app, "received_on"), "2026-02-12");
        json_decref(app);

        /*
         * Accepted on Friday 13 February: twenty working days to decide,
         * Sat 14 (1), 24-27 February (5), Sat 28 a moved working day (6),
         * 2-6 March (11), 9-13 (16), 16-19 (20): Thursday 19 March.
         */
        at_beijing("2026-02-13 09:30");
        app = act(number, "accept", "{}");
        assert_due(app, "decide", "2026-03-19");
        ck_assert_str_eq(str(app, "accepted_on"), "2026-02-13");
        json_decref(app);

        /* Decided on Tuesday 3 March: ten working days to issue, to Tuesday 17 March. */
        at_beijing("2026-03-03 15:00");
        app = act(number, "decide", "{\"outcome\":\"approved\",\"reason\":\"符合要求\"}");
        assert_due(app, "issue", "2026-03-17");
        json_decref(app);

        /* Issued on Wednesday 4 March: valid five years, to the day before the anniversary. */
        at_beijing("2026-03-04 11:00");
        issued = act(number, "issue", "{}");
        cert = json_object_get(issued, "certificate");
        ck_assert_ptr_nonnull(cert);
        ck_assert_str_eq(str(cert, "issued_on"), "2026-03-04");
        ck_assert_str_eq(str(cert, "expires_on"), "2031-03-03");
        ck_assert_str_eq(str(json_object_get(issued, "application"), "state"), "issued");
        json_decref(issued);
}
END_TEST

START_TEST(test_certificate_suspended_and_reinstated)
{
        struct cr_error e = CR_ERROR_INIT;
        char number[32], cert_number[32];
        json_t *issued, *body, *out = NULL, *pub = NULL;

        at_beijing("2026-03-02 10:00");
        apply(number);
        json_decref(act(number, "accept", "{}"));
        json_decref(act(number, "decide", "{\"outcome\":\"approved\",\"reason\":\"符合要求\"}"));
        issued = act(number, "issue", "{}");
        str_copy(cert_number, sizeof(cert_number),
                 str(json_object_get(issued, "certificate"), "number"));
        json_decref(issued);

        /* Suspended on 10 March; on 11 March it shows suspended, on 5 March valid. */
        at_beijing("2026-03-10 16:00");
        body = json_pack("{s:s, s:s}", "status", "suspended", "reason", "监督抽查不合格");
        must(certificate_set_status(s, &officer, cert_number, body, &out, &e), out, &e);
        json_decref(body);
        json_decref(out);
        at_beijing("2026-03-11 09:00");
        must(certificate_get_public(s, unit_clock(), cert_number, NULL, &pub, &e), pub, &e);
        ck_assert_str_eq(str(pub, "status"), "suspended");
        json_decref(pub);
        must(certificate_get_public(s, unit_clock(), cert_number, "2026-03-05", &pub, &e), pub, &e);
        ck_assert_str_eq(str(pub, "status"), "valid");
        json_decref(pub);

        /* Reinstated on 12 March: valid from then on, and still suspended on the 11th. */
        at_beijing("2026-03-12 09:00");
        body = json_pack("{s:s, s:s}", "status", "valid", "reason", "整改完成");
        must(certificate_set_status(s, &officer, cert_number, body, &out, &e), out, &e);
        json_decref(body);
        json_decref(out);
        must(certificate_get_public(s, unit_clock(), cert_number, NULL, &pub, &e), pub, &e);
        ck_assert_str_eq(str(pub, "status"), "valid");
        json_decref(pub);
        must(certificate_get_public(s, unit_clock(), cert_number, "2026-03-11", &pub, &e), pub, &e);
        ck_assert_str_eq(str(pub, "status"), "suspended");
        json_decref(pub);
}
END_TEST

/* Uploads a one-line filing of the 2025 sales of certificate cert and returns the Filing. */
static json_t *file_2025(struct fieldcrypt *fc, const char *cert, const char *model,
                         const char *tag)
{
        struct cr_error e = CR_ERROR_INIT;
        struct filing_upload *u = NULL;
        struct buf file;
        json_t *out = NULL;
        int created = 0;

        buf_init(&file, 4096);
        buf_printf(&file,
                   "sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,"
                   "buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use\n"
                   "2025-06-01,%s,%s,3,organisation,北京某某科技有限公司%s,91110000600037341L,,,"
                   "北京市海淀区中关村大街1号,010-62340000,数据加密\n",
                   cert, model, tag);
        must(filing_upload_begin(s, &applicant, fc, dir, 2025, 0, &u, &e), NULL, &e);
        must(filing_upload_data(u, file.data, file.len, &e), NULL, &e);
        must(filing_upload_finish(u, s, &out, &created, &e), out, &e);
        ck_assert_int_eq(created, 1);
        filing_upload_free(u);
        buf_release(&file);
        return out;
}

START_TEST(test_filing_on_time_then_late)
{
        struct cr_error e = CR_ERROR_INIT;
        struct fieldcrypt *fc = NULL;
        char number[32], cert[32];
        json_t *issued, *f;

        /* A certificate issued in March 2025 obliges its holder to file 2025's sales. */
        at_beijing("2025-03-03 10:00");
        apply(number);
        json_decref(act(number, "accept", "{}"));
        json_decref(act(number, "decide", "{\"outcome\":\"approved\",\"reason\":\"符合要求\"}"));
        issued = act(number, "issue", "{}");
        str_copy(cert, sizeof(cert), str(json_object_get(issued, "certificate"), "number"));
        json_decref(issued);
        ck_assert_int_eq(fieldcrypt_open(dir, &fc, &e), CR_OK);

        /*
         * The deadline is 31 January 2026, a Saturday and no moved working
         * day, so it moves to Monday 2 February: a filing that evening is on
         * time, a correction on the 3rd is late.
         */
        at_beijing("2026-02-02 23:30");
        f = file_2025(fc, cert, "SJJ-2026", "");
        ck_assert(json_is_false(json_object_get(f, "late")));
        ck_assert_str_eq(str(f, "submitted_at"), "2026-02-02T15:30:00Z");
        json_decref(f);
        at_beijing("2026-02-03 00:10");
        f = file_2025(fc, cert, "SJJ-2026", "（更正）");
        ck_assert(json_is_true(json_object_get(f, "late")));
        ck_assert_int_eq(json_integer_value(json_object_get(f, "version")), 2);
        json_decref(f);
        fieldcrypt_close(fc);
}
END_TEST

START_TEST(test_log_integrated_audited_and_cosigned)
{
        struct cr_error e = CR_ERROR_INIT;
        struct witness_state seen = {0, {0}}, next;
        char number[32], origin[LOG_ORIGIN_MAX], *note = NULL, *body = NULL;
        struct buf vkey, wkey, line;
        json_t *report = NULL, *witnesses = NULL;
        const json_t *witness;
        int64_t size = 0;

        at_beijing("2026-03-02 10:00");
        apply(number);
        json_decref(act(number, "accept", "{}"));
        json_decref(act(number, "decide", "{\"outcome\":\"approved\",\"reason\":\"符合要求\"}"));
        json_decref(act(number, "issue", "{}"));

        buf_init(&vkey, 4096);
        buf_init(&wkey, 4096);
        buf_init(&line, 4096);
        must(log_origin(s, "cryptoreg.test/log", origin, &e), NULL, &e);
        must(log_vkey(keys, origin, &vkey, &e), NULL, &e);
        buf_append(&vkey, "", 1);
        at_beijing("2026-03-02 10:01");
        must(log_integrate(s, unit_clock(), keys, origin, &size, &e), NULL, &e);
        ck_assert_int_ge(size, 1);
        must(log_audit(s, vkey.data, &report, &e), report, &e);
        ck_assert(json_is_true(json_object_get(report, "ok")));
        json_decref(report);

        /* A witness registered at 10:02 checks the log only grew, then cosigns. */
        at_beijing("2026-03-02 10:02");
        must(witness_vkey(keys, "witness.test.example", &wkey, &e), NULL, &e);
        buf_append(&wkey, "", 1);
        must(log_witness_add(s, unit_clock(), wkey.data, &e), NULL, &e);
        must(log_checkpoint(s, &note, &e), NULL, &e);
        must(witness_check(&seen, vkey.data, note, strlen(note), NULL, &next, &body, &e), NULL,
             &e);
        ck_assert_int_eq(next.size, size);
        must(witness_cosign(keys, "witness.test.example", body, (uint64_t)unit_time, &line, &e), NULL, &e);
        buf_append(&line, "", 1);
        must(log_cosignature_add(s, unit_clock(), size, line.data, &e), NULL, &e);
        must(log_witnesses_json(s, &witnesses, &e), witnesses, &e);
        witness = json_array_get(json_object_get(witnesses, "items"), 0);
        ck_assert_str_eq(str(witness, "added_at"), "2026-03-02T02:02:00Z");
        ck_assert_int_eq(json_integer_value(json_object_get(witness, "last_size")), size);
        json_decref(witnesses);
        free(note);
        free(body);
        buf_release(&vkey);
        buf_release(&wkey);
        buf_release(&line);
}
END_TEST

START_TEST(test_session_ends_after_its_hours)
{
        struct cr_error e = CR_ERROR_INIT;
        struct throttle *t = throttle_new();
        struct login_result login;
        struct user u;
        char csrf[SECRET_TOKEN_TEXT];
        const struct demo_login *who = &logins[0];

        at_beijing("2026-03-02 09:00");
        must(auth_login(s, unit_clock(), t, who->username, who->password, "127.0.0.1", 12, &login,
                        &e),
             NULL, &e);
        /* Eleven hours later the session holds; at thirteen it has ended. */
        at_beijing("2026-03-02 20:00");
        must(auth_session(s, unit_clock(), login.cookie, &u, csrf, &e), NULL, &e);
        ck_assert_str_eq(u.username, who->username);
        ck_assert_str_eq(csrf, login.csrf);
        at_beijing("2026-03-02 22:00");
        ck_assert_int_eq(auth_session(s, unit_clock(), login.cookie, &u, csrf, &e), CR_EUNAUTH);
        cr_error_clear(&e);
        throttle_free(t);
}
END_TEST

int main(void)
{
        Suite *suite = suite_create("acts");
        TCase *tc = tcase_create("clocked");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_application_across_the_spring_festival);
        tcase_add_test(tc, test_certificate_suspended_and_reinstated);
        tcase_add_test(tc, test_filing_on_time_then_late);
        tcase_add_test(tc, test_log_integrated_audited_and_cosigned);
        tcase_add_test(tc, test_session_ends_after_its_hours);
        suite_add_tcase(suite, tc);
        return run_suite(suite);
}
