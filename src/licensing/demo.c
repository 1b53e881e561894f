/*
 * Demo licensing data: products, applications in every state with dates in
 * the past (so that some deadlines have passed), certificates in every
 * status, legacy documents of the four removed items and applications that
 * Notice 336 halted.  Everything is relative to today, so the demo looks
 * alive whenever it is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/calendar_service.h"
#include "core/buf.h"
#include "registry/demo.h"
#include "registry/enterprise_service.h"
#include "licensing/licensing.h"
#include "kernel/scope.h"
#include "registry/store.h"
#include "licensing/store.h"

struct demo_product {
        long enterprise; /* demo enterprise index */
        const char *name, *model, *category, *algorithms;
};

static const struct demo_product demo_products[] = {
    {0, "服务器密码机", "SJJ1901", "server_crypto_machine",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"},{\"name\":\"SM4\",\"key_bits\":128}"
     "]"},
    {0, "智能密码钥匙", "SKF-3000", "usb_key",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"},{\"name\":\"SM4\",\"key_bits\":128}"
     "]"},
    {0, "SSL VPN 安全网关", "VPN-500", "vpn",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"},{\"name\":\"SM4\",\"key_bits\":128}"
     "]"},
    {0, "签名验签服务器", "SVS-200", "signature_server",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"}]"},
    {22, "PCI-E 密码卡", "PCIE-88", "crypto_card",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM4\",\"key_bits\":128},"
     "{\"name\":\"ZUC\",\"key_bits\":128}]"},
    {22, "动态令牌", "OTP-6", "otp_token",
     "[{\"name\":\"SM3\"},{\"name\":\"SM4\",\"key_bits\":128}]"},
    {1, "时间戳服务器", "TSS-10", "timestamp_server",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"}]"},
    {2, "安全认证网关", "SAG-7", "security_gateway",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"},{\"name\":\"SM4\",\"key_bits\":128}"
     "]"},
    {1, "电子签章系统", "ESS-2", "e_seal",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM3\"}]"},
    {22, "密码芯片", "SC-1120", "crypto_chip",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM9\",\"key_bits\":256}]"},
    {2, "IPSec VPN 网关", "IPS-3", "vpn",
     "[{\"name\":\"SM2\",\"key_bits\":256},{\"name\":\"SM4\",\"key_bits\":128}]"},
    {1, "智能IC卡", "ICC-90", "smart_card", "[{\"name\":\"SM4\",\"key_bits\":128}]"},
};

/* An application's story: its state and how many days ago each step happened (-1: never). */
struct demo_story {
        int product;
        const char *item, *state;
        int received, accepted, stopped, restarted, decided;
        const char *outcome;
        int extended;
        const char *halted_on;
};

static const struct demo_story stories[] = {
    {2, "type_model", "received", 2, -1, -1, -1, -1, NULL, 0, NULL},
    {3, "type_model", "received", 12, -1, -1, -1, -1, NULL, 0, NULL},
    {4, "type_model", "materials_requested", 9, -1, 6, -1, -1, NULL, 0, NULL},
    {6, "type_model", "accepted", 45, 43, -1, -1, -1, NULL, 0, NULL},
    {1, "type_model", "under_review", 24, 22, 10, -1, -1, NULL, 0, NULL},
    {7, "type_model", "approved", 40, 38, -1, -1, 3, "approved", 0, NULL},
    {5, "type_model", "refused", 70, 66, 50, 40, 30, "refused", 0, NULL},
    {8, "type_model", "withdrawn", 20, -1, -1, -1, -1, NULL, 0, NULL},
    {10, "type_model", "accepted", 30, 29, -1, -1, -1, NULL, 1, NULL},
    {0, "production", "halted", -1, -1, -1, -1, -1, NULL, 0, "2017-10-11"},
    {9, "sales_permit", "halted", -1, -1, -1, -1, -1, NULL, 0, "2017-10-11"},
};

/* A certificate's story: issued so many days ago, then perhaps a status change. */
struct demo_cert {
        int product;
        int issued;         /* days ago */
        const char *change; /* "suspended" or "revoked", or NULL */
        int changed;        /* days ago */
        const char *reason;
};

static const struct demo_cert cert_stories[] = {
    {0, 400, NULL, 0, NULL},
    {4, 200, "suspended", 30,
     "抽查发现产品与送检样品不一致，责令整改 / spot check found the "
     "product differs from the approved sample; rectification ordered"},
    {6, 1000, "revoked", 100, "以欺骗手段取得证书 / certificate obtained by deception"},
    {7, 5 * 365 + 61, NULL, 0, NULL},
    {1, 5 * 365 - 19, NULL, 0, NULL},
    {11, 90, NULL, 0, NULL},
};

/* The date n days before today (a Beijing date the caller's clock gave). */
static void days_ago(const char *today, int n, char out[DATE_LEN])
{
        day_t d = 0;

        date_parse(today, 10, &d);
        date_format(d - n, out);
}

static enum cr_err demo_event(struct store *s, const char *today, int64_t id, int ago,
                              const char *action,
                              const char *from, const char *to, const char *reason,
                              struct cr_error *e)
{
        char d[DATE_LEN], at[32];

        days_ago(today, ago, d);
        snprintf(at, sizeof(at), "%sT02:00:00Z", d);
        return store_application_event_add(s, id, at, "demo", action, from, to, reason, e);
}

/* Builds and stores one application from its story. */
static enum cr_err demo_application(struct store *s, const struct legal_calendar *cal,
                                    const struct demo_story *st, const json_t *product, int seq,
                                    const char *today, json_t **stored, struct cr_error *e)
{
        char received[DATE_LEN], number[32], d[DATE_LEN], at[32];
        struct enterprise *ent = malloc(sizeof(*ent));
        json_t *a;
        int64_t id;
        enum cr_err err;

        if (!ent)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = store_enterprise_get(s, jstr(product, "enterprise_uscc"), ent, e);
        if (err) {
                free(ent);
                return err;
        }
        if (st->halted_on)
                snprintf(received, sizeof(received), "2017-09-%02d", 10 + seq % 15);
        else
                days_ago(today, st->received, received);
        snprintf(number, sizeof(number), "SQ%.4s-%06d", st->halted_on ? "2017" : today,
                 900000 + seq);
        snprintf(at, sizeof(at), "%sT02:00:00Z", received);
        a = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:[], "
                      "s:s, s:s, s:i}",
                      "number", number, "item", st->item, "state", st->state, "enterprise_id",
                      (json_int_t)ent->id, "bureau_code", ent->bureau_code, "product_id",
                      (json_int_t)jint(product, "id"), "renewal_of", "", "form", "contact_name",
                      ent->contact_name[0] ? ent->contact_name : "联系人", "contact_phone",
                      ent->contact_phone[0] ? ent->contact_phone : "010-00000000",
                      "manufacturing_address", ent->address[0] ? ent->address : "北京",
                      "intended_use", "政务与金融行业商用密码应用", "received_on", received,
                      "stops", "created_at", at, "updated_at", at, "deemed_accepted", 0);
        free(ent);
        if (!a)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (st->accepted >= 0) {
                days_ago(today, st->accepted, d);
                json_object_set_new(a, "accepted_on", json_string(d));
        }
        if (st->stopped >= 0) {
                char to[DATE_LEN] = "";
                days_ago(today, st->stopped, d);
                if (st->restarted >= 0)
                        days_ago(today, st->restarted, to);
                json_array_append_new(json_object_get(a, "stops"), json_pack("[s, s]", d, to));
        }
        if (st->decided >= 0) {
                days_ago(today, st->decided, d);
                json_object_set_new(a, "decided_on", json_string(d));
                json_object_set_new(a, "outcome", json_string(st->outcome));
                json_object_set_new(a, "decision_reason",
                                    json_string(strcmp(st->outcome, "approved") == 0
                                                    ? "技术审查合格 / technical review passed"
                                                    : "送检样品未通过算法正确性检测 / the sample "
                                                      "failed the algorithm conformance test"));
        }
        if (st->extended) {
                json_object_set_new(a, "extension_approver",
                                    json_string("局长 王某 / Director Wang"));
                json_object_set_new(a, "extension_reason",
                                    json_string("需组织专家论证 / expert review needed"));
        }
        if (st->halted_on)
                json_object_set_new(a, "halted_on", json_string(st->halted_on));
        json_decref(application_deadline(cal, a, today));
        err = store_application_insert(s, a, &id, e);
        if (!err)
                err = demo_event(s, today, id, st->halted_on ? 0 : st->received, "submit", "", "received",
                                 "", e);
        if (!err && st->stopped >= 0)
                err = demo_event(s, today, id, st->stopped,
                                 st->accepted >= 0 ? "start-review" : "request-materials",
                                 st->accepted >= 0 ? "accepted" : "received",
                                 st->accepted >= 0 ? "under_review" : "materials_requested",
                                 st->accepted >= 0 ? "送第三方检测机构检测 / sent for testing"
                                                   : "请补充产品技术白皮书 / please supply the "
                                                     "technical white paper",
                                 e);
        if (!err && st->accepted >= 0)
                err = demo_event(s, today, id, st->accepted, "accept", "received", "accepted", "", e);
        if (!err && st->decided >= 0)
                err = demo_event(s, today, id, st->decided, "decide", "accepted", st->outcome,
                                 jstr(a, "decision_reason"), e);
        if (!err && st->halted_on)
                err = demo_event(s, today, id, 0, "halt", "received", "halted",
                                 "Notice Guomijuzi [2017] No.336 item I", e);
        if (!err && strcmp(st->state, "withdrawn") == 0)
                err = demo_event(s, today, id, st->received - 3, "withdraw", "received", "withdrawn",
                                 "产品设计变更 / product redesigned", e);
        if (!err)
                err = store_application_get(s, number, stored, e);
        json_decref(a);
        return err;
}

static enum cr_err demo_legacy(struct store *s, const struct caller *cli, struct cr_error *e)
{
        static const struct {
                const char *kind, *number;
                long enterprise;
                const char *product, *model, *issued, *expires;
        } docs[] = {
            {"production", "国密生字SSC2016001号", 0, "服务器密码机", "SJJ0901", "2016-03-01",
             "2027-02-28"},
            {"sales_permit", "国密销字SXS2015012号", 22, "智能密码钥匙", "SKF-1", "2015-06-01",
             "2020-05-31"},
            {"fie_use", "国密外使字W2017003号", 1, "进口VPN设备", "XVPN-9", "2017-05-10",
             "2027-05-09"},
            {"foreign_use", "国密境使字J2017008号", 2, "卫星加密电话", "SAT-2", "2017-08-15",
             "2026-08-14"},
        };
        struct buf csv;
        int imported = 0;
        int64_t first = 0, last = 0;
        enum cr_err err;

        buf_init(&csv, 64 * 1024);
        err = buf_puts(&csv, "kind,number,holder_uscc,product_name,product_model,issued_on,"
                             "expires_on\n");
        for (size_t i = 0; !err && i < sizeof(docs) / sizeof(docs[0]); i++) {
                char uscc[USCC_LEN + 1];
                demo_enterprise_uscc(docs[i].enterprise, uscc);
                err = buf_printf(&csv, "%s,%s,%s,%s,%s,%s,%s\n", docs[i].kind, docs[i].number, uscc,
                                 docs[i].product, docs[i].model, docs[i].issued, docs[i].expires);
        }
        if (!err)
                err = certificate_import_legacy(s, cli, csv.data, csv.len, &imported, &first,
                                                &last, e);
        buf_release(&csv);
        return err;
}

enum cr_err demo_licensing_load(struct store *s, const struct caller *cli, struct sm2_keyring *keys,
                                struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        json_t *products = json_array();
        char now[21], today[11];
        enum cr_err err;

        if (!cal || !products) {
                free(cal);
                json_decref(products);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        caller_time(cli, now, today);
        err = calendar_load(s, cal, e);
        for (size_t i = 0; !err && i < sizeof(demo_products) / sizeof(demo_products[0]); i++) {
                const struct demo_product *p = &demo_products[i];
                char uscc[USCC_LEN + 1];
                json_t *body, *out = NULL;
                demo_enterprise_uscc(p->enterprise, uscc);
                body = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "name", p->name, "model",
                                 p->model, "category", p->category, "algorithms",
                                 json_loads(p->algorithms, 0, NULL), "enterprise_uscc", uscc,
                                 "description", "演示产品 / demo product");
                err = product_create(s, cli, body, &out, e);
                if (!err)
                        json_array_append_new(products, out);
                json_decref(body);
        }
        if (err)
                goto out;
        err = store_begin(s, e);
        for (size_t i = 0; !err && i < sizeof(stories) / sizeof(stories[0]); i++) {
                json_t *app = NULL;
                err = demo_application(s, cal, &stories[i],
                                       json_array_get(products, (size_t)stories[i].product), (int)i,
                                       today, &app, e);
                json_decref(app);
        }
        /* Certificates: each through an application issued on its day, signed as then. */
        for (size_t i = 0; !err && i < sizeof(cert_stories) / sizeof(cert_stories[0]); i++) {
                const struct demo_cert *c = &cert_stories[i];
                struct demo_story st = {
                    c->product, "type_model", "issued",      c->issued + 40, c->issued + 35,
                    -1,         -1,           c->issued + 2, "approved",     0,
                    NULL};
                json_t *app = NULL, *cert = NULL;
                char issued[DATE_LEN], at[32];
                days_ago(today, c->issued, issued);
                snprintf(at, sizeof(at), "%sT03:00:00Z", issued);
                err = demo_application(s, cal, &st, json_array_get(products, (size_t)c->product),
                                       100 + (int)i, today, &app, e);
                if (!err)
                        err = certificate_issue(s, cli, keys, app, issued, at, &cert, e);
                if (!err) {
                        json_object_set(app, "certificate_number", json_object_get(cert, "number"));
                        err = store_application_update(s, app, jint(app, "version"), e);
                }
                if (!err && c->change) {
                        char on[DATE_LEN];
                        days_ago(today, c->changed, on);
                        snprintf(at, sizeof(at), "%sT03:00:00Z", on);
                        err = store_certificate_event_add(s, jint(cert, "id"), on, c->change,
                                                          c->reason, at, "demo", -1, e);
                }
                json_decref(app);
                json_decref(cert);
        }
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
        if (!err)
                err = demo_legacy(s, cli, e);
out:
        json_decref(products);
        free(cal);
        return err;
}

enum cr_err demo_certificates(struct store *s, const struct caller *cli, struct sm2_keyring *keys,
                              long n, long enterprises,
                              struct cr_error *e)
{
        static const char *const names[] = {"服务器密码机",   "智能密码钥匙", "密码卡",
                                            "签名验签服务器", "SSL VPN 网关", "动态令牌"};
        static const char *const categories[] = {"server_crypto_machine", "usb_key", "crypto_card",
                                                 "signature_server",      "vpn",     "otp_token"};
        struct enterprise *ent = malloc(sizeof(*ent));
        char now[21], today[11], issued[DATE_LEN];
        day_t today_day = 0;
        enum cr_err err;

        if (!ent)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        caller_time(cli, now, today);
        date_parse(today, strlen(today), &today_day);
        err = store_begin(s, e);
        for (long i = 0; !err && i < n; i++) {
                char uscc[USCC_LEN + 1], model[32];
                json_t *app, *cert = NULL;
                demo_enterprise_uscc(i % enterprises, uscc);
                err = store_enterprise_get(s, uscc, ent, e);
                if (err)
                        break;
                snprintf(model, sizeof(model), "BM-%06ld", i);
                app = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:[{s:s, s:i}]}}",
                                "number", "", "item", "type_model", "enterprise_uscc", uscc,
                                "enterprise_name", ent->name_zh, "bureau_code", ent->bureau_code,
                                "product", "name", names[i % 6], "model", model, "category",
                                categories[i % 6], "algorithms", "name", "SM4", "key_bits", 128);
                /*
                 * Issued one to about four and a half years ago, so that most are still
                 * valid and three in four cover the whole of last year: holders with
                 * sales to file, as in a real registry.
                 */
                date_format(today_day - 365 * (1 + i % 4) - (day_t)(i % 200), issued);
                err = certificate_issue(s, cli, keys, app, issued, now, &cert, e);
                json_decref(app);
                json_decref(cert);
        }
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
        free(ent);
        return err;
}
