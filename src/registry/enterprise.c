/* Enterprise fields, validation, bureau derivation, row scoping and JSON form. */
#include "registry/enterprise.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "kernel/bureau.h"

#define TEXT_FIELD(f, n, member, max, req)                                                         \
        {                                                                                          \
                f, n, offsetof(struct enterprise, member),                                         \
                    sizeof(((struct enterprise *)0)->member), max, req                             \
        }

const struct ent_field_spec ent_text_fields[] = {
    TEXT_FIELD(EF_NAME_ZH, "name_zh", name_zh, ENT_NAME_ZH_MAX, 1),
    TEXT_FIELD(EF_NAME_EN, "name_en", name_en, ENT_NAME_EN_MAX, 0),
    TEXT_FIELD(EF_ADDRESS, "address", address, ENT_ADDRESS_MAX, 0),
    TEXT_FIELD(EF_LEGAL_REPRESENTATIVE, "legal_representative", legal_representative,
               ENT_PERSON_MAX, 0),
    TEXT_FIELD(EF_CONTACT_NAME, "contact_name", contact_name, ENT_PERSON_MAX, 0),
    TEXT_FIELD(EF_CONTACT_PHONE, "contact_phone", contact_phone, ENT_PHONE_MAX, 0),
    TEXT_FIELD(EF_CONTACT_EMAIL, "contact_email", contact_email, ENT_EMAIL_MAX, 0),
};
const size_t ent_text_fields_len = sizeof(ent_text_fields) / sizeof(ent_text_fields[0]);

const struct ent_field_spec *ent_field_by_name(const char *name)
{
        for (size_t i = 0; i < ent_text_fields_len; i++)
                if (strcmp(ent_text_fields[i].name, name) == 0)
                        return &ent_text_fields[i];
        return NULL;
}

enum cr_err enterprise_set_text(struct enterprise *ent, const struct ent_field_spec *spec,
                                const char *value, size_t len, struct cr_error *e)
{
        long chars = utf8_count(value, len);
        char *dst = (char *)ent + spec->offset;

        if (chars < 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", spec->name,
                               "%s is not valid UTF-8 text", spec->name);
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
                        return cr_fail(e, CR_EINVAL, "invalid_value", spec->name,
                                       "%s contains a control character", spec->name);
        if (chars > spec->max_chars)
                return cr_fail(e, CR_EINVAL, "too_long", spec->name,
                               "%s is %ld characters long; at most %ld are allowed", spec->name,
                               chars, spec->max_chars);
        if (spec->required && chars == 0)
                return cr_fail(e, CR_EINVAL, "missing_field", spec->name, "%s must not be empty",
                               spec->name);
        if (spec->field == EF_CONTACT_EMAIL && len > 0 && !memchr(value, '@', len))
                return cr_fail(e, CR_EINVAL, "invalid_value", spec->name,
                               "contact_email must be an e-mail address");
        /* The buffer holds 4 bytes a character, so a value that passed the limit fits. */
        memcpy(dst, value, len);
        dst[len] = '\0';
        return CR_OK;
}

enum cr_err enterprise_set_roles_text(struct enterprise *ent, const char *text, size_t len,
                                      char sep, struct cr_error *e)
{
        unsigned roles = 0;
        size_t start = 0;

        for (size_t i = 0; i <= len; i++) {
                if (i == len || text[i] == sep) {
                        size_t n = i - start;
                        const char *name = text + start;
                        unsigned bit;
                        while (n && *name == ' ')
                                name++, n--;
                        while (n && name[n - 1] == ' ')
                                n--;
                        if (n) {
                                bit = ent_role_parse(name, n);
                                if (!bit)
                                        return cr_fail(e, CR_EINVAL, "invalid_value", "roles",
                                                       "unknown role \"%.*s\"; use manufacturer, "
                                                       "seller, importer, integrator, "
                                                       "foreign_invested or foreign_entity",
                                                       (int)(n > 40 ? 40 : n), name);
                                roles |= bit;
                        }
                        start = i + 1;
                }
        }
        if (!roles)
                return cr_fail(e, CR_EINVAL, "missing_field", "roles",
                               "roles must name at least one role");
        ent->roles = roles;
        return CR_OK;
}

enum cr_err enterprise_set_uscc(struct enterprise *ent, const char *uscc, size_t len,
                                struct cr_error *e)
{
        char why[200];

        if (uscc_validate(uscc, len, why, sizeof(why)) != USCC_OK)
                return cr_fail(e, CR_EINVAL, "invalid_uscc", "uscc", "%s", why);
        memcpy(ent->uscc, uscc, USCC_LEN);
        ent->uscc[USCC_LEN] = '\0';
        uscc_division(ent->uscc, ent->division_code);
        return CR_OK;
}

enum cr_err enterprise_validate(const struct enterprise *ent, struct cr_error *e)
{
        char why[200];

        if (uscc_validate(ent->uscc, strlen(ent->uscc), why, sizeof(why)) != USCC_OK)
                return cr_fail(e, CR_EINVAL, "invalid_uscc", "uscc", "%s", why);
        if (ent->name_zh[0] == '\0')
                return cr_fail(e, CR_EINVAL, "missing_field", "name_zh", "name_zh is required");
        if (ent->roles == 0)
                return cr_fail(e, CR_EINVAL, "missing_field", "roles",
                               "roles must name at least one role");
        return CR_OK;
}

enum cr_err enterprise_derive_bureau(struct enterprise *ent, const char *on_date,
                                     struct cr_error *e)
{
        const struct jurisdiction_rule *rule =
            bureau_rule_for_division(ent->division_code, on_date);

        if (!rule)
                return cr_fail(e, CR_EINVAL, "invalid_uscc", "uscc",
                               "division code %s (characters 3-8) belongs to no bureau's "
                               "jurisdiction",
                               ent->division_code);
        str_copy(ent->derived_bureau_code, sizeof(ent->derived_bureau_code), rule->bureau_code);
        if (ent->bureau_override_reason[0] == '\0')
                str_copy(ent->bureau_code, sizeof(ent->bureau_code), rule->bureau_code);
        return CR_OK;
}

int enterprise_visible_to(const struct caller *c, const struct enterprise *ent)
{
        switch (c->role) {
        case ROLE_NATIONAL_ADMIN:
                return 1;
        case ROLE_BUREAU_OFFICER:
        case ROLE_INSPECTOR:
                return strcmp(c->bureau_code, ent->bureau_code) == 0;
        case ROLE_ENTERPRISE_USER:
                return strcmp(c->enterprise_uscc, ent->uscc) == 0;
        default:
                return 0;
        }
}

json_t *enterprise_to_json(const struct enterprise *ent, int full)
{
        json_t *o = json_object(), *roles = json_array();

        for (unsigned i = 0; i < ENT_ROLE_COUNT; i++)
                if (ent->roles & (1u << i))
                        json_array_append_new(roles, json_string(ent_role_name(i)));
        json_object_set_new(o, "uscc", json_string(ent->uscc));
        json_object_set_new(o, "name_zh", json_string(ent->name_zh));
        json_object_set_new(o, "name_en", json_string(ent->name_en));
        json_object_set_new(o, "roles", roles);
        json_object_set_new(o, "address", json_string(ent->address));
        json_object_set_new(o, "bureau_code", json_string(ent->bureau_code));
        if (!full)
                return o;
        json_object_set_new(o, "legal_representative", json_string(ent->legal_representative));
        json_object_set_new(o, "contact_name", json_string(ent->contact_name));
        json_object_set_new(o, "contact_phone", json_string(ent->contact_phone));
        json_object_set_new(o, "contact_email", json_string(ent->contact_email));
        json_object_set_new(o, "division_code", json_string(ent->division_code));
        json_object_set_new(o, "derived_bureau_code", json_string(ent->derived_bureau_code));
        json_object_set_new(o, "bureau_override_reason",
                            ent->bureau_override_reason[0]
                                ? json_string(ent->bureau_override_reason)
                                : json_null());
        json_object_set_new(o, "created_at", json_string(ent->created_at));
        json_object_set_new(o, "updated_at", json_string(ent->updated_at));
        json_object_set_new(o, "version", json_integer(ent->version));
        return o;
}
