/*
 * Handlers for the legal calendar, rules, products, applications and
 * certificates: each reads the request, calls one domain operation and
 * shapes its answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/http.h"
#include "core/parse.h"
#include "registry/enterprise_service.h"
#include "licensing/licensing.h"
#include "kernel/rules.h"
#include "licensing/licensing_int.h"
#include "platform/http/qr_svg.h"
#include "kernel/store.h"

enum cr_err h_product_list(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err = http_paging(rq, &q);

        q.enterprise_uscc = http_query(rq, "enterprise");
        q.q = http_query(rq, "q");
        if (!err)
                err = product_list(rq->store, &rq->caller, &q, items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_product_create(struct http_request *rq, struct http_response *rs)
{
        return product_create(rq->store, &rq->caller, rq->body, &rs->json, &rq->err);
}

enum cr_err h_product_get(struct http_request *rq, struct http_response *rs)
{
        int64_t id;
        enum cr_err err = http_path_id(rq, 0, "product", &id);

        return err ? err : product_get_scoped(rq->store, &rq->caller, id, &rs->json, &rq->err);
}

enum cr_err h_product_patch(struct http_request *rq, struct http_response *rs)
{
        int64_t id;
        enum cr_err err = http_path_id(rq, 0, "product", &id);

        return err ? err
                   : product_update(rq->store, &rq->caller, id, rq->body, &rs->json, &rq->err);
}

enum cr_err h_application_create(struct http_request *rq, struct http_response *rs)
{
        return application_create(rq->store, &rq->caller, rq->body, &rs->json, &rq->err);
}

enum cr_err h_application_list(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        const char *overdue = http_query(rq, "overdue");
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err = http_paging(rq, &q);

        q.bureau_code = http_query(rq, "bureau");
        q.enterprise_uscc = http_query(rq, "enterprise");
        q.state = http_query(rq, "state");
        if (!err)
                err =
                    application_list(rq->store, &rq->caller, &q,
                                     overdue && strcmp(overdue, "1") == 0, items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_application_get(struct http_request *rq, struct http_response *rs)
{
        return application_get(rq->store, &rq->caller, rq->params[0], &rs->json, &rq->err);
}

/* The action is the last segment of the path: /api/v1/applications/{number}/{action}. */
enum cr_err h_application_action(struct http_request *rq, struct http_response *rs)
{
        const char *action = strrchr(rq->path, '/') + 1;

        return application_act(rq->store, &rq->caller, server_keyring(rq->server), rq->params[0],
                               action, rq->body, &rs->json, &rq->err);
}

enum cr_err h_application_attach(struct http_request *rq, struct http_response *rs)
{
        return application_attach(rq->store, &rq->caller, rq->params[0], http_query(rq, "name"),
                                  rq->raw, rq->raw_len, &rs->json, &rq->err);
}

enum cr_err h_application_document(struct http_request *rq, struct http_response *rs)
{
        json_t *meta = NULL;
        int64_t id;
        enum cr_err err = http_path_id(rq, 1, "document", &id);

        if (!err)
                err = application_document(rq->store, &rq->caller, rq->params[0], id, &meta,
                                           &rs->body, &rs->body_len, &rq->err);
        if (!err)
                rs->content_type = "application/pdf";
        json_decref(meta);
        return err;
}

enum cr_err h_certificate_lookup(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err = http_paging(rq, &q);

        if (!err)
                err = certificate_lookup(rq->store, rq->caller.clock, http_query(rq, "q"), http_query(rq, "at"),
                                         q.after_id, q.limit, items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_certificate_get(struct http_request *rq, struct http_response *rs)
{
        return certificate_get_public(rq->store, rq->caller.clock, rq->params[0], http_query(rq, "at"), &rs->json,
                                      &rq->err);
}

enum cr_err h_certificate_document(struct http_request *rq, struct http_response *rs)
{
        enum cr_err err =
            certificate_signed_blob(rq->store, rq->params[0], CERT_DOCUMENT, &rs->body,
                                    &rs->body_len, &rq->err);

        if (!err)
                rs->content_type = "application/json; charset=utf-8";
        return err;
}

enum cr_err h_certificate_signature(struct http_request *rq, struct http_response *rs)
{
        enum cr_err err =
            certificate_signed_blob(rq->store, rq->params[0], CERT_SIGNATURE, &rs->body,
                                    &rs->body_len, &rq->err);

        if (!err)
                rs->content_type = "application/octet-stream";
        return err;
}

enum cr_err h_certificate_qr(struct http_request *rq, struct http_response *rs)
{
        char url[1024];
        enum cr_err err = certificate_must_exist(rq->store, rq->params[0], &rq->err);

        if (err)
                return err;
        snprintf(url, sizeof(url), "%s/certificate.html?number=%s", certificate_lookup_base,
                 rq->params[0]);
        rs->body = qr_svg(url, &rs->body_len);
        if (!rs->body)
                return cr_fail(&rq->err, CR_EINTERNAL, "internal", NULL, "QR encoding failed");
        rs->content_type = "image/svg+xml";
        return CR_OK;
}

enum cr_err h_signing_keys(struct http_request *rq, struct http_response *rs)
{
        json_t *items = json_array();
        enum cr_err err = signing_key_list(rq->store, items, &rq->err);

        if (err) {
                json_decref(items);
                return err;
        }
        rs->json = json_pack("{s:o}", "items", items);
        return CR_OK;
}

/* /api/v1/signing-keys/{key_id} answers JSON; with ".pem" appended, the PEM file itself. */
enum cr_err h_signing_key(struct http_request *rq, struct http_response *rs)
{
        char key_id[SM2_KEY_ID_LEN + 4];
        size_t n = strlen(rq->params[0]);
        int pem = n > 4 && strcmp(rq->params[0] + n - 4, ".pem") == 0;
        json_t *key = NULL;
        enum cr_err err;

        if ((pem ? n - 4 : n) >= sizeof(key_id))
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL, "no signing key %s",
                               rq->params[0]);
        memcpy(key_id, rq->params[0], pem ? n - 4 : n);
        key_id[pem ? n - 4 : n] = '\0';
        err = signing_key_get(rq->store, key_id, &key, &rq->err);
        if (err)
                return err;
        if (!pem) {
                rs->json = key;
                return CR_OK;
        }
        rs->body = strdup(json_string_value(json_object_get(key, "public_key_pem")));
        json_decref(key);
        if (!rs->body)
                return cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        rs->body_len = strlen(rs->body);
        rs->content_type = "application/x-pem-file";
        return CR_OK;
}

enum cr_err h_registry_certificates(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err = http_paging(rq, &q);

        q.bureau_code = http_query(rq, "bureau");
        q.enterprise_uscc = http_query(rq, "holder");
        if (!err)
                err = certificate_list_scoped(rq->store, &rq->caller, &q, http_query(rq, "status"),
                                              items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_certificate_status(struct http_request *rq, struct http_response *rs)
{
        return certificate_set_status(rq->store, &rq->caller, rq->params[0], rq->body, &rs->json,
                                      &rq->err);
}

enum cr_err h_legacy_import(struct http_request *rq, struct http_response *rs)
{
        int imported = 0;
        int64_t first = -1, last = -1;
        enum cr_err err = certificate_import_legacy(rq->store, &rq->caller, rq->raw, rq->raw_len,
                                                    &imported, &first, &last, &rq->err);

        if (err)
                return err;
        rs->json = json_pack("{s:i, s:I, s:I}", "imported", imported, "log_first_index",
                             (json_int_t)first, "log_last_index", (json_int_t)last);
        return CR_OK;
}
