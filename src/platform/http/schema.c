/*
 * Strict validation of JSON request bodies against a route's field schema:
 * unknown fields, wrong types, missing fields and over-long strings are each
 * refused with the field named, before any handler runs.
 */
#include "platform/http/route.h"

#include <string.h>

#include "core/utf8.h"

static const char *json_type_name(const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

static int in_enum(const char *const *values, const char *s)
{
        for (; *values; values++)
                if (strcmp(*values, s) == 0)
                        return 1;
        return 0;
}

static enum cr_err check_string(const struct field_schema *f, const char *name, json_t *v,
                                struct cr_error *e)
{
        long n = utf8_count(json_string_value(v), json_string_length(v));

        if (n < 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", name,
                               "%s is not valid UTF-8 text without NUL characters", name);
        if (n > f->max_chars)
                return cr_fail(e, CR_EINVAL, "too_long", name,
                               "%s is %ld characters long; at most %ld are allowed", name, n,
                               f->max_chars);
        if (n < f->min_chars)
                return cr_fail(e, CR_EINVAL, n == 0 ? "missing_field" : "invalid_value", name,
                               "%s must have at least %ld characters", name, f->min_chars);
        return CR_OK;
}

static enum cr_err check_field(const struct field_schema *f, json_t *v, struct cr_error *e)
{
        size_t i;
        json_t *item;

        switch (f->type) {
        case FT_STRING_OR_NULL:
                if (json_is_null(v))
                        return CR_OK;
                /* fall through */
        case FT_STRING:
                if (!json_is_string(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be a string%s, not %s", f->name,
                                       f->type == FT_STRING_OR_NULL ? " or null" : "",
                                       json_type_name(v));
                return check_string(f, f->name, v, e);
        case FT_ENUM:
                if (!json_is_string(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be a string, not %s", f->name, json_type_name(v));
                if (!in_enum(f->enum_values, json_string_value(v)))
                        return cr_fail(e, CR_EINVAL, "invalid_value", f->name,
                                       "%s has an unknown value", f->name);
                return CR_OK;
        case FT_ENUM_ARRAY:
                if (!json_is_array(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be an array of strings, not %s", f->name,
                                       json_type_name(v));
                if ((long)json_array_size(v) < f->min_chars ||
                    (long)json_array_size(v) > f->max_chars)
                        return cr_fail(e, CR_EINVAL, "invalid_value", f->name,
                                       "%s must hold %ld to %ld values", f->name, f->min_chars,
                                       f->max_chars);
                json_array_foreach(v, i, item)
                {
                        if (!json_is_string(item))
                                return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                               "%s[%zu] must be a string, not %s", f->name, i,
                                               json_type_name(item));
                        if (!in_enum(f->enum_values, json_string_value(item)))
                                return cr_fail(e, CR_EINVAL, "invalid_value", f->name,
                                               "%s[%zu] is not one of the allowed values", f->name,
                                               i);
                }
                return CR_OK;
        case FT_INTEGER:
                if (!json_is_integer(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be a whole number, not %s", f->name,
                                       json_type_name(v));
                if (json_integer_value(v) < f->min_chars || json_integer_value(v) > f->max_chars)
                        return cr_fail(e, CR_EINVAL, "invalid_value", f->name,
                                       "%s must be from %ld to %ld", f->name, f->min_chars,
                                       f->max_chars);
                return CR_OK;
        case FT_ARRAY:
                if (!json_is_array(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be an array, not %s", f->name, json_type_name(v));
                if ((long)json_array_size(v) > f->max_chars)
                        return cr_fail(e, CR_EINVAL, "too_long", f->name,
                                       "%s may hold at most %ld items", f->name, f->max_chars);
                return CR_OK;
        case FT_OBJECT:
                if (!json_is_object(v))
                        return cr_fail(e, CR_EINVAL, "wrong_type", f->name,
                                       "%s must be an object, not %s", f->name, json_type_name(v));
                return CR_OK;
        }
        return cr_fail(e, CR_EINTERNAL, "internal", f->name, "unknown field type");
}

enum cr_err schema_validate(const struct field_schema *fields, json_t *body, struct cr_error *e)
{
        const char *key;
        json_t *v;

        if (!json_is_object(body))
                return cr_fail(e, CR_EINVAL, "wrong_type", NULL,
                               "the request body must be a JSON object, not %s",
                               json_type_name(body));
        json_object_foreach(body, key, v)
        {
                const struct field_schema *f = fields;
                while (f->name && strcmp(f->name, key) != 0)
                        f++;
                if (!f->name)
                        return cr_fail(e, CR_EINVAL, "unknown_field", key,
                                       "unknown field \"%.60s\"", key);
        }
        for (const struct field_schema *f = fields; f->name; f++) {
                enum cr_err err;
                v = json_object_get(body, f->name);
                if (!v) {
                        if (f->required)
                                return cr_fail(e, CR_EINVAL, "missing_field", f->name,
                                               "%s is required", f->name);
                        continue;
                }
                err = check_field(f, v, e);
                if (err)
                        return err;
        }
        return CR_OK;
}
