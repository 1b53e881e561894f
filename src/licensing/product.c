/* Products: an enterprise's encryption products with their algorithms, checked and scoped. */
#include "licensing/licensing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/scope.h"
#include "kernel/rules.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "licensing/store.h"

#define PRODUCT_NAME_MAX        200
#define PRODUCT_MODEL_MAX       100
#define PRODUCT_DESCRIPTION_MAX 2000
#define PRODUCT_ALGORITHMS_MAX  16

enum cr_err product_check_algorithms(const json_t *algs, struct cr_error *e)
{
        size_t i, j;
        json_t *a;

        if (!json_is_array(algs) || json_array_size(algs) == 0)
                return cr_fail(
                    e, CR_EINVAL, "missing_field", "algorithms",
                    "list at least one algorithm, as [{\"name\":\"SM4\",\"key_bits\":128}]");
        if (json_array_size(algs) > PRODUCT_ALGORITHMS_MAX)
                return cr_fail(e, CR_EINVAL, "too_long", "algorithms",
                               "at most %d algorithms may be listed", PRODUCT_ALGORITHMS_MAX);
        json_array_foreach(algs, i, a)
        {
                const json_t *name = json_object_get(a, "name");
                const json_t *bits = json_object_get(a, "key_bits");
                const struct algorithm_spec *spec;
                int ok = 0;

                const char *key;
                json_t *member;

                if (!json_is_object(a))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                       "algorithm %zu must be an object with name and key_bits",
                                       i + 1);
                json_object_foreach(a, key, member)
                {
                        /* "standard" is what /api/v1/reference shows; echoing it back is harmless.
                         */
                        if (strcmp(key, "name") && strcmp(key, "key_bits") &&
                            strcmp(key, "standard"))
                                return cr_fail(e, CR_EINVAL, "unknown_field", "algorithms",
                                               "algorithm %zu has an unknown member \"%.40s\"; "
                                               "only name and key_bits are allowed",
                                               i + 1, key);
                }
                if (!json_is_string(name) || !(spec = algorithm_find(json_string_value(name))))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                       "algorithm %zu: name must be one of SM1, SM2, SM3, SM4, "
                                       "SM7, SM9, ZUC",
                                       i + 1);
                if (spec->key_bits[0] == 0) {
                        if (bits && !json_is_null(bits))
                                return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                               "%s is a hash function and has no key length",
                                               spec->name);
                } else {
                        if (!json_is_integer(bits))
                                return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                               "%s needs key_bits, a whole number", spec->name);
                        for (int k = 0; k < ALG_MAX_KEY_SIZES && spec->key_bits[k]; k++)
                                ok |= json_integer_value(bits) == spec->key_bits[k];
                        if (!ok)
                                return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                               "%s does not have %lld-bit keys (allowed: %d%s)",
                                               spec->name, (long long)json_integer_value(bits),
                                               spec->key_bits[0],
                                               spec->key_bits[1] ? " or 256" : "");
                }
                /* An algorithm appears once per key length; an absent key length counts as null. */
                for (j = 0; j < i; j++) {
                        const json_t *prev = json_object_get(json_array_get(algs, j), "key_bits");
                        if (!prev)
                                prev = json_null();
                        if (strcmp(jstr(json_array_get(algs, j), "name"), spec->name) == 0 &&
                            json_equal((json_t *)prev, bits ? (json_t *)bits : json_null()))
                                return cr_fail(e, CR_EINVAL, "invalid_value", "algorithms",
                                               "%s is listed twice", spec->name);
                }
        }
        return CR_OK;
}

/* Copies the product fields present in body into p, checking each. */
static enum cr_err apply_fields(json_t *p, const json_t *body, int creating, struct cr_error *e)
{
        enum cr_err err;
        const json_t *v;

        if ((err = lic_check_text(body, "name", creating, PRODUCT_NAME_MAX, e)) ||
            (err = lic_check_text(body, "model", creating, PRODUCT_MODEL_MAX, e)) ||
            (err = lic_check_text(body, "description", 0, PRODUCT_DESCRIPTION_MAX, e)))
                return err;
        v = json_object_get(body, "category");
        if (v || creating) {
                if (!json_is_string(v) || !product_category_find(json_string_value(v)))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "category",
                                       "category must be one of the product categories listed "
                                       "at /api/v1/reference");
        }
        v = json_object_get(body, "algorithms");
        if (v || creating) {
                json_t *clean = json_array();
                size_t i;
                json_t *a;
                err = product_check_algorithms(v, e);
                if (err) {
                        json_decref(clean);
                        return err;
                }
                /* Stored as {name, key_bits} in the order given, key_bits null for hashes. */
                json_array_foreach(v, i, a)
                {
                        const json_t *bits = json_object_get(a, "key_bits");
                        json_array_append_new(clean,
                                              json_pack("{s:s, s:O}", "name", jstr(a, "name"),
                                                        "key_bits", bits ? bits : json_null()));
                }
                json_object_set_new(p, "algorithms", clean);
        }
        static const char *const text_keys[] = {"name", "model", "category", "description"};
        for (size_t i = 0; i < sizeof(text_keys) / sizeof(text_keys[0]); i++) {
                v = json_object_get(body, text_keys[i]);
                if (json_is_string(v))
                        json_object_set(p, text_keys[i], (json_t *)v);
        }
        return CR_OK;
}

enum cr_err product_create(struct store *s, const struct caller *c, const json_t *body,
                           json_t **out, struct cr_error *e)
{
        const char *uscc = json_string_value(json_object_get(body, "enterprise_uscc"));
        struct enterprise *ent = malloc(sizeof(*ent));
        json_t *p = json_object();
        char now[21], today[11];
        int64_t id = 0;
        enum cr_err err;

        if (!ent || !p) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        if (c->role == ROLE_ENTERPRISE_USER) {
                if (uscc && strcmp(uscc, c->enterprise_uscc) != 0) {
                        err = cr_fail(e, CR_EFORBIDDEN, "forbidden", "enterprise_uscc",
                                      "you may register products only for your own enterprise");
                        goto out;
                }
                uscc = c->enterprise_uscc;
        } else if (!uscc) {
                err = cr_fail(e, CR_EINVAL, "missing_field", "enterprise_uscc",
                              "enterprise_uscc names the enterprise that makes the product");
                goto out;
        }
        err = store_enterprise_get(s, uscc, ent, e);
        if (err == CR_ENOTFOUND)
                err = cr_fail(e, CR_EINVAL, "invalid_value", "enterprise_uscc",
                              "no enterprise %s is registered", uscc);
        if (!err && !lic_in_scope(c, ent->bureau_code, ent->uscc))
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", "enterprise_uscc",
                              "enterprise %s is outside your jurisdiction", uscc);
        if (!err)
                err = apply_fields(p, body, 1, e);
        if (err)
                goto out;
        caller_time(c, now, today);
        json_object_set_new(p, "created_at", json_string(now));
        err = store_begin(s, e);
        if (err)
                goto out;
        err = store_product_insert(s, ent->id, p, &id, e);
        if (!err)
                err = store_product_get(s, id, out, e);
        if (!err) {
                char key[24];
                snprintf(key, sizeof(key), "%lld", (long long)id);
                err = lic_audit(s, c, "product.create", "product", key, ent->bureau_code, NULL,
                                *out, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err) {
                store_rollback(s);
                if (id) {
                        json_decref(*out);
                        *out = NULL;
                }
        }
out:
        free(ent);
        json_decref(p);
        return err;
}

enum cr_err product_get_scoped(struct store *s, const struct caller *c, int64_t id, json_t **out,
                               struct cr_error *e)
{
        enum cr_err err = store_product_get(s, id, out, e);

        if (err)
                return err;
        if (!lic_in_scope(c, jstr(*out, "bureau_code"), jstr(*out, "enterprise_uscc"))) {
                json_decref(*out);
                *out = NULL;
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no product %lld",
                               (long long)id);
        }
        return CR_OK;
}

enum cr_err product_update(struct store *s, const struct caller *c, int64_t id, const json_t *body,
                           json_t **out, struct cr_error *e)
{
        json_t *before = NULL, *p = NULL;
        char now[21], today[11], key[24];
        enum cr_err err;

        if (json_object_get(body, "enterprise_uscc"))
                return cr_fail(e, CR_EINVAL, "invalid_value", "enterprise_uscc",
                               "a product cannot move to another enterprise");
        err = store_begin(s, e);
        if (err)
                return err;
        err = product_get_scoped(s, c, id, &before, e);
        if (!err) {
                /* Type approval binds a model: what was reviewed or certified does not change. */
                int64_t in_use = 0;
                err = store_product_applications(s, id, &in_use, e);
                if (!err && in_use)
                        err = cr_fail(e, CR_ECONFLICT, "product_in_use", NULL,
                                      "product %lld has an application under way or a "
                                      "certificate; register a new model instead of changing it",
                                      (long long)id);
        }
        if (!err && c->role == ROLE_INSPECTOR)
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "inspectors may not change "
                              "products");
        if (!err) {
                p = json_deep_copy(before);
                err = p ? apply_fields(p, body, 0, e)
                        : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        if (!err) {
                caller_time(c, now, today);
                json_object_set_new(p, "updated_at", json_string(now));
                err = store_product_update(s, p, jint(before, "version"), e);
        }
        if (!err)
                err = store_product_get(s, id, out, e);
        if (!err) {
                snprintf(key, sizeof(key), "%lld", (long long)id);
                err = lic_audit(s, c, "product.update", "product", key, jstr(before, "bureau_code"),
                                before, *out, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err) {
                store_rollback(s);
                if (*out) {
                        json_decref(*out);
                        *out = NULL;
                }
        }
        json_decref(before);
        json_decref(p);
        return err;
}

enum cr_err product_list(struct store *s, const struct caller *c, struct record_query *q,
                         json_t *items, int64_t *next, struct cr_error *e)
{
        json_t *rows = json_array();
        int limit = q->limit;
        enum cr_err err = lic_scope_query(c, q, e);

        if (!err) {
                lic_page_start(&q->limit);
                err = store_product_list(s, q, rows, e);
        }
        if (err) {
                json_decref(rows);
                return err;
        }
        lic_page_start(&limit);
        lic_page_finish(rows, limit - 1, items, next);
        return CR_OK;
}
