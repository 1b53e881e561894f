/* The OpenAPI 3.1 document, generated from the route table so the two cannot disagree. */
#include "platform/http/route.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "kernel/role.h"

static json_t *field_schema_json(const struct field_schema *f)
{
        json_t *s = json_object(), *en;

        switch (f->type) {
        case FT_STRING_OR_NULL:
                json_object_set_new(s, "type", json_pack("[s, s]", "string", "null"));
                json_object_set_new(s, "minLength", json_integer(f->min_chars));
                json_object_set_new(s, "maxLength", json_integer(f->max_chars));
                break;
        case FT_STRING:
                json_object_set_new(s, "type", json_string("string"));
                json_object_set_new(s, "minLength", json_integer(f->min_chars));
                json_object_set_new(s, "maxLength", json_integer(f->max_chars));
                break;
        case FT_ENUM:
        case FT_ENUM_ARRAY:
                en = json_array();
                for (const char *const *v = f->enum_values; *v; v++)
                        json_array_append_new(en, json_string(*v));
                if (f->type == FT_ENUM) {
                        json_object_set_new(s, "type", json_string("string"));
                        json_object_set_new(s, "enum", en);
                } else {
                        json_object_set_new(s, "type", json_string("array"));
                        json_object_set_new(s, "items",
                                            json_pack("{s:s, s:o}", "type", "string", "enum", en));
                        json_object_set_new(s, "minItems", json_integer(f->min_chars));
                        json_object_set_new(s, "maxItems", json_integer(f->max_chars));
                        json_object_set_new(s, "uniqueItems", json_true());
                }
                break;
        case FT_INTEGER:
                json_object_set_new(s, "type", json_string("integer"));
                json_object_set_new(s, "minimum", json_integer(f->min_chars));
                json_object_set_new(s, "maximum", json_integer(f->max_chars));
                break;
        case FT_ARRAY:
                json_object_set_new(s, "type", json_string("array"));
                json_object_set_new(s, "maxItems", json_integer(f->max_chars));
                break;
        case FT_OBJECT:
                json_object_set_new(s, "type", json_string("object"));
                break;
        }
        json_object_set_new(s, "description", json_string(f->description));
        return s;
}

static json_t *body_schema_json(const struct field_schema *fields)
{
        json_t *props = json_object(), *req = json_array();

        for (const struct field_schema *f = fields; f->name; f++) {
                json_object_set_new(props, f->name, field_schema_json(f));
                if (f->required)
                        json_array_append_new(req, json_string(f->name));
        }
        return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required",
                         req, "additionalProperties", 0);
}

/* "GET /api/v1/registry/enterprises/{uscc}" -> "getApiV1RegistryEnterprisesUscc". */
static json_t *operation_id(const struct route *r)
{
        struct buf b;
        json_t *id;
        int upper = 0;

        buf_init(&b, 256);
        for (const char *m = r->method; *m; m++) {
                char c = (char)tolower((unsigned char)*m);
                buf_append(&b, &c, 1);
        }
        for (const char *p = r->pattern; *p; p++) {
                if (*p == '/' || *p == '{' || *p == '}' || *p == '.' || *p == '_') {
                        upper = 1;
                        continue;
                }
                {
                        char c = upper ? (char)toupper((unsigned char)*p) : *p;
                        buf_append(&b, &c, 1);
                }
                upper = 0;
        }
        id = json_string(b.data ? b.data : "op");
        buf_release(&b);
        return id;
}

static json_t *roles_json(unsigned roles)
{
        json_t *a = json_array();

        for (int r = 0; r < ROLE_COUNT; r++)
                if (roles & ROLE_BIT(r))
                        json_array_append_new(a, json_string(role_name((enum role)r)));
        return a;
}

static json_t *operation_json(const struct route *r)
{
        json_t *op = json_object(), *params = json_array(), *responses = json_object();
        char status[8];

        json_object_set_new(op, "operationId", operation_id(r));
        json_object_set_new(op, "summary", json_string(r->summary));
        json_object_set_new(op, "tags", json_pack("[s]", r->tag));
        json_object_set_new(op, "x-roles", roles_json(r->roles));
        if (!(r->roles & ROLE_BIT(ROLE_PUBLIC)))
                json_object_set_new(op, "security",
                                    json_pack("[{s:[]}, {s:[]}]", "cookieAuth", "bearerAuth"));
        for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
                const char *close = strchr(p, '}');
                json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
                                                        (size_t)(close - p - 1), "in", "path",
                                                        "required", 1, "schema", "type", "string"));
        }
        for (const struct query_param *q = r->query; q && q->name; q++)
                json_array_append_new(
                    params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", q->name, "in", "query",
                                      "description", q->description, "schema", "type", "string"));
        if (json_array_size(params))
                json_object_set_new(op, "parameters", params);
        else
                json_decref(params);
        if (r->body == BODY_JSON)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
                                              "application/json", "schema",
                                              body_schema_json(r->fields)));
        else if (r->body == BODY_CSV)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content",
                                              "text/csv", "schema", "type", "string"));
        else if (r->body == BODY_PDF)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:b, s:{s:{s:{s:s, s:s}}}}", "required", 1,
                                              "content", "application/pdf", "schema", "type",
                                              "string", "format", "binary"));
        snprintf(status, sizeof(status), "%d", r->ok_status);
        if (r->response)
                json_object_set_new(responses, status,
                                    json_pack("{s:s, s:{s:{s:{s:s+}}}}", "description", "success",
                                              "content", "application/json", "schema", "$ref",
                                              "#/components/schemas/", r->response));
        else
                json_object_set_new(responses, status,
                                    json_pack("{s:s}", "description", "success"));
        json_object_set_new(responses, "default",
                            json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
                                      "an RFC 9457 problem", "content", "application/problem+json",
                                      "schema", "$ref", "#/components/schemas/Problem"));
        json_object_set_new(op, "responses", responses);
        return op;
}

static json_t *obj_schema(const char *const *string_props)
{
        json_t *props = json_object();

        for (; *string_props; string_props++)
                json_object_set_new(props, *string_props, json_pack("{s:s}", "type", "string"));
        return json_pack("{s:s, s:o}", "type", "object", "properties", props);
}

static json_t *page_schema(const char *item)
{
        return json_pack("{s:s, s:{s:{s:s, s:{s:s+}}, s:{s:[s, s]}}}", "type", "object",
                         "properties", "items", "type", "array", "items", "$ref",
                         "#/components/schemas/", item, "next_cursor", "type", "string", "null");
}

static json_t *components(void)
{
        static const char *const problem[] = {"type", "title", "detail", "code", "instance", NULL};
        static const char *const bureau[] = {"code", "name_zh",       "name_en",
                                             "kind", "division_code", NULL};
        static const char *const pub[] = {"uscc",    "name_zh",     "name_en",
                                          "address", "bureau_code", NULL};
        static const char *const ent[] = {"uscc",
                                          "name_zh",
                                          "name_en",
                                          "address",
                                          "bureau_code",
                                          "legal_representative",
                                          "contact_name",
                                          "contact_phone",
                                          "contact_email",
                                          "division_code",
                                          "derived_bureau_code",
                                          "bureau_override_reason",
                                          "created_at",
                                          "updated_at",
                                          NULL};
        static const char *const user[] = {"username",        "display_name", "role", "bureau_code",
                                           "enterprise_uscc", "created_at",   NULL};
        static const char *const token[] = {"name", "created_at", NULL};
        static const char *const audit[] = {"at",          "actor",     "ip",          "action",
                                            "entity_type", "entity_id", "bureau_code", NULL};
        json_t *schemas = json_object(), *t;

        t = obj_schema(problem);
        json_object_set_new(json_object_get(t, "properties"), "status",
                            json_pack("{s:s}", "type", "integer"));
        json_object_set_new(json_object_get(t, "properties"), "errors",
                            json_pack("{s:s}", "type", "array"));
        json_object_set_new(schemas, "Problem", t);
        json_object_set_new(schemas, "Bureau", obj_schema(bureau));
        json_object_set_new(schemas, "BureauList",
                            json_pack("{s:s, s:{s:{s:s, s:{s:s}}}}", "type", "object", "properties",
                                      "items", "type", "array", "items", "$ref",
                                      "#/components/schemas/Bureau"));
        t = obj_schema(pub);
        json_object_set_new(
            json_object_get(t, "properties"), "roles",
            json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string"));
        json_object_set_new(schemas, "PublicEnterprise", t);
        json_object_set_new(schemas, "PublicEnterprisePage", page_schema("PublicEnterprise"));
        t = obj_schema(ent);
        json_object_set_new(
            json_object_get(t, "properties"), "roles",
            json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string"));
        json_object_set_new(json_object_get(t, "properties"), "version",
                            json_pack("{s:s}", "type", "integer"));
        json_object_set_new(schemas, "Enterprise", t);
        json_object_set_new(schemas, "EnterprisePage", page_schema("Enterprise"));
        t = obj_schema(user);
        json_object_set_new(json_object_get(t, "properties"), "disabled",
                            json_pack("{s:s}", "type", "boolean"));
        json_object_set_new(schemas, "User", t);
        json_object_set_new(schemas, "UserPage", page_schema("User"));
        json_object_set_new(schemas, "Session",
                            json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "type", "object", "properties",
                                      "user", "$ref", "#/components/schemas/User", "csrf_token",
                                      "type", "string"));
        t = obj_schema(token);
        json_object_set_new(json_object_get(t, "properties"), "id",
                            json_pack("{s:s}", "type", "integer"));
        json_object_set_new(schemas, "Token", json_deep_copy(t));
        json_object_set_new(json_object_get(t, "properties"), "token",
                            json_pack("{s:s}", "type", "string"));
        json_object_set_new(schemas, "NewToken", t);
        json_object_set_new(schemas, "TokenList",
                            json_pack("{s:s, s:{s:{s:s, s:{s:s}}}}", "type", "object", "properties",
                                      "items", "type", "array", "items", "$ref",
                                      "#/components/schemas/Token"));
        t = obj_schema(audit);
        json_object_set_new(json_object_get(t, "properties"), "id",
                            json_pack("{s:s}", "type", "integer"));
        json_object_set_new(json_object_get(t, "properties"), "before", json_object());
        json_object_set_new(json_object_get(t, "properties"), "after", json_object());
        json_object_set_new(schemas, "AuditEntry", t);
        json_object_set_new(schemas, "AuditPage", page_schema("AuditEntry"));
        return json_pack("{s:o, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}}", "schemas", schemas,
                         "securitySchemes", "cookieAuth", "type", "apiKey", "in", "cookie", "name",
                         "cr_session", "bearerAuth", "type", "http", "scheme", "bearer");
}

json_t *openapi_document(void)
{
        json_t *paths = json_object();

        for (size_t i = 0; i < route_count(); i++) {
                const struct route *r = route_at(i);
                json_t *item = json_object_get(paths, r->pattern);
                char method[8];
                size_t n = strlen(r->method);

                if (!item) {
                        item = json_object();
                        json_object_set_new(paths, r->pattern, item);
                }
                for (size_t k = 0; k <= n && k < sizeof(method); k++)
                        method[k] = (char)tolower((unsigned char)r->method[k]);
                method[sizeof(method) - 1] = '\0';
                json_object_set_new(item, method, operation_json(r));
        }
        return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "openapi", "3.1.0", "info", "title",
                         "cryptoreg API", "version", CRYPTOREG_VERSION, "description",
                         "Supervision of commercial cryptography products (Notice Guomijuzi "
                         "[2017] No.336). Errors are RFC 9457 problem details.",
                         "paths", paths, "components", components());
}
