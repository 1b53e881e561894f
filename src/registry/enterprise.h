/*
 * An enterprise in the registry: its fields with their limits, validation,
 * the competent bureau derived from its USCC, who may see and change it,
 * and its JSON form (public and full).
 */
#ifndef CR_ENTERPRISE_H
#define CR_ENTERPRISE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "kernel/role.h"
#include "kernel/uscc.h"

/* Limits in characters (code points); buffers hold 4 bytes a character. */
#define ENT_NAME_ZH_MAX   200
#define ENT_NAME_EN_MAX   300
#define ENT_ADDRESS_MAX   300
#define ENT_PERSON_MAX    100
#define ENT_PHONE_MAX     40
#define ENT_EMAIL_MAX     254
#define ENT_REASON_MAX    500
#define ENT_QUERY_MAX     100
#define CHARS_TO_BYTES(n) ((n)*4 + 1)

struct enterprise {
        int64_t id;
        char uscc[USCC_LEN + 1];
        char name_zh[CHARS_TO_BYTES(ENT_NAME_ZH_MAX)];
        char name_en[CHARS_TO_BYTES(ENT_NAME_EN_MAX)];
        unsigned roles; /* enum ent_role bits */
        char address[CHARS_TO_BYTES(ENT_ADDRESS_MAX)];
        char legal_representative[CHARS_TO_BYTES(ENT_PERSON_MAX)];
        char contact_name[CHARS_TO_BYTES(ENT_PERSON_MAX)];
        char contact_phone[CHARS_TO_BYTES(ENT_PHONE_MAX)];
        char contact_email[CHARS_TO_BYTES(ENT_EMAIL_MAX)];
        char division_code[7];
        char bureau_code[7];         /* the competent bureau in force */
        char derived_bureau_code[7]; /* what the jurisdiction rules give */
        char bureau_override_reason[CHARS_TO_BYTES(ENT_REASON_MAX)];
        char created_at[RFC3339_LEN];
        char updated_at[RFC3339_LEN];
        int64_t version;
};

/* The text fields that can be set by name, with their limits. */
enum ent_field {
        EF_NAME_ZH = 1u << 0,
        EF_NAME_EN = 1u << 1,
        EF_ADDRESS = 1u << 2,
        EF_LEGAL_REPRESENTATIVE = 1u << 3,
        EF_CONTACT_NAME = 1u << 4,
        EF_CONTACT_PHONE = 1u << 5,
        EF_CONTACT_EMAIL = 1u << 6,
        EF_ROLES = 1u << 7, /* not a text field: set with enterprise_set_roles */
};

/* The fields an enterprise user may change on their own enterprise. */
#define EF_CONTACT_FIELDS (EF_ADDRESS | EF_CONTACT_NAME | EF_CONTACT_PHONE | EF_CONTACT_EMAIL)

struct ent_field_spec {
        enum ent_field field;
        const char *name; /* the JSON, CSV and CLI name */
        size_t offset;
        size_t size;
        long max_chars;
        int required;
};

extern const struct ent_field_spec ent_text_fields[];
extern const size_t ent_text_fields_len;

/* The spec of a text field by name, or NULL. */
const struct ent_field_spec *ent_field_by_name(const char *name);

/* Sets a text field, checking UTF-8, control characters and its length. */
enum cr_err enterprise_set_text(struct enterprise *ent, const struct ent_field_spec *spec,
                                const char *value, size_t len, struct cr_error *e);

/* Parses roles separated by sep ("manufacturer;seller") into ent->roles. */
enum cr_err enterprise_set_roles_text(struct enterprise *ent, const char *text, size_t len,
                                      char sep, struct cr_error *e);

/* Checks the USCC and copies it in; records the division code. */
enum cr_err enterprise_set_uscc(struct enterprise *ent, const char *uscc, size_t len,
                                struct cr_error *e);

/* Checks what a complete record needs: a valid USCC, a Chinese name, at least one role. */
enum cr_err enterprise_validate(const struct enterprise *ent, struct cr_error *e);

/*
 * Derives the competent bureau from the division code as of on_date
 * (YYYY-MM-DD) into ent->derived_bureau_code, and into ent->bureau_code
 * unless an override is recorded.
 */
enum cr_err enterprise_derive_bureau(struct enterprise *ent, const char *on_date,
                                     struct cr_error *e);

/* Whether the caller may see this enterprise's full record (row scoping). */
int enterprise_visible_to(const struct caller *c, const struct enterprise *ent);

/* JSON: the public view (no personal data) or the full record. */
json_t *enterprise_to_json(const struct enterprise *ent, int full);

#endif
