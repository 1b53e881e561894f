/* The rules table and reference lists, with the law each comes from. */
#include "kernel/rules.h"

#include <string.h>


#define NOTICE_336 "Notice Guomijuzi [2017] No.336"
#define LICENSING  "Administrative Licensing Law (effective 2004-07-01)"
#define ORDER_273                                                                                  \
        "Regulations on the Administration of Commercial Cryptography (State Council Order "       \
        "No.273, 1999)"

/*
 * Several versions of one rule id may appear, with adjoining dates; the
 * version in force on a date is the one whose range contains it.
 */
const struct rule rules_table[] = {
    {"item.type_model", RULE_APPROVAL_ITEM, "商用密码产品型号审批",
     "Type and model approval of commercial encryption products", 0, NULL, "1999-10-07", NULL,
     ORDER_273 "; kept by " NOTICE_336 " item III"},
    {"item.production", RULE_APPROVAL_ITEM, "商用密码产品生产定点审批",
     "Approval for production of commercial encryption products", 0, NULL, "1999-10-07",
     "2017-10-11", ORDER_273},
    {"item.sales_permit", RULE_APPROVAL_ITEM, "商用密码产品销售许可",
     "Permit for sales of commercial encryption products", 0, NULL, "1999-10-07", "2017-10-11",
     ORDER_273},
    {"item.fie_use", RULE_APPROVAL_ITEM, "外商投资企业使用境外密码产品审批",
     "Approval for foreign-invested enterprises to use foreign-made encryption products", 0, NULL,
     "1999-10-07", "2017-10-11", ORDER_273},
    {"item.foreign_use", RULE_APPROVAL_ITEM, "境外组织和个人在华使用密码产品审批",
     "Approval for foreign organisations and individuals to use encryption products in China", 0,
     NULL, "1999-10-07", "2017-10-11", ORDER_273},
    {"removed.production", RULE_REMOVED_ITEM, "生产定点审批已取消，不再受理",
     "Production approval removed: applications are no longer accepted", 0, NULL, "2017-10-11",
     NULL, NOTICE_336 " item I; State Council Decision Guofa [2017] No.46"},
    {"removed.sales_permit", RULE_REMOVED_ITEM, "销售许可已取消，不再受理",
     "Sales permit removed: applications are no longer accepted", 0, NULL, "2017-10-11", NULL,
     NOTICE_336 " item I; State Council Decision Guofa [2017] No.46"},
    {"removed.fie_use", RULE_REMOVED_ITEM, "外商投资企业使用境外密码产品审批已取消，不再受理",
     "Foreign-invested enterprises' use approval removed: applications are no longer accepted", 0,
     NULL, "2017-10-11", NULL, NOTICE_336 " item I; State Council Decision Guofa [2017] No.46"},
    {"removed.foreign_use", RULE_REMOVED_ITEM, "境外组织和个人使用密码产品审批已取消，不再受理",
     "Foreign organisations' and individuals' use approval removed: applications are no longer "
     "accepted",
     0, NULL, "2017-10-11", NULL, NOTICE_336 " item I; State Council Decision Guofa [2017] No.46"},
    {"legacy.halted", RULE_LEGACY, "已受理的取消事项申请终止办理",
     "Applications for a removed item that were pending are halted", 0, NULL, "2017-10-11", NULL,
     NOTICE_336 " item I"},
    {"legacy.valid_until_expiry", RULE_LEGACY, "已发放的证件有效期届满自然失效",
     "Documents already issued under a removed item stay valid until they expire", 0, NULL,
     "2017-10-11", NULL, NOTICE_336 " item II"},
    {"legacy.no_alteration", RULE_LEGACY, "已发放的证件不再办理变更手续",
     "No alteration formalities are handled for documents of a removed item", 0, NULL, "2017-10-11",
     NULL, NOTICE_336 " item II"},
    {"deadline.request_materials", RULE_DEADLINE, "一次告知需要补正的全部内容",
     "Notify the applicant of all missing materials, else the application is deemed accepted", 5,
     "working_days", "2004-07-01", NULL, LICENSING " Art 32"},
    {"deadline.decide", RULE_DEADLINE, "作出行政许可决定", "Decide on the application", 20,
     "working_days", "2004-07-01", NULL, LICENSING " Art 42"},
    {"deadline.decide_extension", RULE_DEADLINE, "经本行政机关负责人批准延长",
     "Extension of the decision period approved by the head of the authority", 10, "working_days",
     "2004-07-01", NULL, LICENSING " Art 42"},
    {"deadline.issue", RULE_DEADLINE, "颁发、送达行政许可证件", "Issue and deliver the certificate",
     10, "working_days", "2004-07-01", NULL, LICENSING " Art 44"},
    {"clock.stop", RULE_DEADLINE, "检验、检测、专家评审所需时间不计算在期限内",
     "Time for testing, inspection and expert review is not counted in the period", 0, NULL,
     "2004-07-01", NULL, LICENSING " Art 45"},
    {"window.renewal", RULE_WINDOW, "有效期届满前申请延续",
     "Renewal may be applied for from 30 days before expiry", 30, "days", "2004-07-01", NULL,
     LICENSING " Art 50"},
    {"validity.type_certificate", RULE_VALIDITY, "商用密码产品型号证书有效期",
     "Validity of a commercial encryption product type certificate", 5, "years", "1999-10-07", NULL,
     "SCA practice for type certificates (unverified; configurable data, see docs/domain.md)"},
    /* The value is the day of January after the filing year; a non-working day moves it on. */
    {"deadline.sales_filing", RULE_DEADLINE, "每年1月31日前报送上一年度销售登记备案数据",
     "Submit the previous year's sales registration data before 31 January", 31, "day_of_january",
     "2017-10-11", NULL, NOTICE_336 " item IV; Civil Code Art 203 for a deadline on a holiday"},
};
const size_t rules_table_len = sizeof(rules_table) / sizeof(rules_table[0]);

static const char *const kind_names[] = {"approval_item", "removed_item", "legacy",
                                         "deadline",      "validity",     "window"};

const struct rule *rule_in_force(const char *id, const char *date)
{
        for (size_t i = 0; i < rules_table_len; i++) {
                const struct rule *r = &rules_table[i];
                if (strcmp(r->id, id) != 0)
                        continue;
                /* ISO dates compare correctly as strings. */
                if (strcmp(date, r->effective_from) < 0)
                        continue;
                if (r->effective_to && strcmp(date, r->effective_to) >= 0)
                        continue;
                return r;
        }
        return NULL;
}

const struct rule *rule_latest(const char *id)
{
        const struct rule *best = NULL;

        for (size_t i = 0; i < rules_table_len; i++)
                if (strcmp(rules_table[i].id, id) == 0 &&
                    (!best || strcmp(rules_table[i].effective_from, best->effective_from) > 0))
                        best = &rules_table[i];
        return best;
}

json_t *rule_to_json(const struct rule *r)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s}", "id", r->id, "kind",
                         kind_names[r->kind], "title_zh", r->title_zh, "title_en", r->title_en,
                         "value", r->value ? json_integer(r->value) : json_null(), "unit",
                         r->unit ? json_string(r->unit) : json_null(), "effective_from",
                         r->effective_from, "effective_to",
                         r->effective_to ? json_string(r->effective_to) : json_null(), "citation",
                         r->citation);
}

const struct approval_item approval_items[] = {
    {"type_model", "商用密码产品型号审批", "Type and model approval (type certificate)",
     "item.type_model", NULL},
    {"production", "商用密码产品生产定点审批", "Production approval", "item.production",
     "removed.production"},
    {"sales_permit", "商用密码产品销售许可", "Sales permit", "item.sales_permit",
     "removed.sales_permit"},
    {"fie_use", "外商投资企业使用境外密码产品审批",
     "Foreign-invested enterprise's use of foreign-made products", "item.fie_use",
     "removed.fie_use"},
    {"foreign_use", "境外组织和个人使用密码产品审批",
     "Foreign organisation's or individual's use of encryption products", "item.foreign_use",
     "removed.foreign_use"},
};
const size_t approval_items_len = sizeof(approval_items) / sizeof(approval_items[0]);

const struct approval_item *approval_item_find(const char *id)
{
        for (size_t i = 0; i < approval_items_len; i++)
                if (strcmp(approval_items[i].id, id) == 0)
                        return &approval_items[i];
        return NULL;
}

/* Categories as used in SCA product announcements; a list an administrator may extend. */
const struct product_category product_categories[] = {
    {"cipher_machine", "密码机", "Cipher machine"},
    {"server_crypto_machine", "服务器密码机", "Server cryptographic machine"},
    {"signature_server", "签名验签服务器", "Signature and verification server"},
    {"vpn", "IPSec/SSL VPN 产品", "IPSec/SSL VPN product"},
    {"security_gateway", "安全认证网关", "Security authentication gateway"},
    {"crypto_card", "密码卡", "Cryptographic card"},
    {"usb_key", "智能密码钥匙", "Smart cryptographic key (USB key)"},
    {"smart_card", "智能IC卡", "Smart IC card"},
    {"crypto_chip", "密码芯片", "Cryptographic chip"},
    {"otp_token", "动态令牌", "One-time password token"},
    {"timestamp_server", "时间戳服务器", "Time-stamp server"},
    {"e_seal", "电子签章系统", "Electronic seal system"},
    {"crypto_module", "密码模块", "Cryptographic module"},
    {"software", "密码软件", "Cryptographic software"},
    {"other", "其他", "Other"},
};
const size_t product_categories_len = sizeof(product_categories) / sizeof(product_categories[0]);

const struct product_category *product_category_find(const char *id)
{
        for (size_t i = 0; i < product_categories_len; i++)
                if (strcmp(product_categories[i].id, id) == 0)
                        return &product_categories[i];
        return NULL;
}

const struct algorithm_spec algorithm_specs[] = {
    {"SM1", {128, 0, 0}, "block cipher (not published)"},
    {"SM2", {256, 0, 0}, "GB/T 32918-2016"},
    {"SM3", {0, 0, 0}, "GB/T 32905-2016"},
    {"SM4", {128, 0, 0}, "GB/T 32907-2016"},
    {"SM7", {128, 0, 0}, "block cipher (not published)"},
    {"SM9", {256, 0, 0}, "GB/T 38635-2020"},
    {"ZUC", {128, 256, 0}, "GB/T 33133-2016"},
};
const size_t algorithm_specs_len = sizeof(algorithm_specs) / sizeof(algorithm_specs[0]);

const struct algorithm_spec *algorithm_find(const char *name)
{
        for (size_t i = 0; i < algorithm_specs_len; i++)
                if (strcmp(algorithm_specs[i].name, name) == 0)
                        return &algorithm_specs[i];
        return NULL;
}

static json_t *labelled(const char *id, const char *zh, const char *en)
{
        return json_pack("{s:s, s:s, s:s}", "id", id, "zh", zh, "en", en);
}

/* The states an application passes through, with their labels. */
static const struct {
        const char *id, *zh, *en;
} state_labels[] =
    {
        {"received", "已接收", "Received"},
        {"materials_requested", "待补正材料", "Missing materials requested"},
        {"accepted", "已受理", "Accepted"},
        {"under_review", "技术审查中", "Under technical review"},
        {"approved", "准予许可", "Approved"},
        {"refused", "不予许可", "Refused"},
        {"issued", "已发证", "Certificate issued"},
        {"withdrawn", "已撤回", "Withdrawn"},
        {"halted", "终止办理", "Halted (Notice 336)"},
},
  status_labels[] = {
      {"valid", "有效", "Valid"},
      {"suspended", "暂停", "Suspended"},
      {"revoked", "撤销", "Revoked"},
      {"expired", "过期", "Expired"},
      {"not_yet_valid", "尚未生效", "Not yet valid"},
};

json_t *reference_to_json(void)
{
        json_t *cats = json_array(), *algs = json_array(), *items = json_array();
        json_t *states = json_array(), *statuses = json_array();

        for (size_t i = 0; i < product_categories_len; i++)
                json_array_append_new(cats,
                                      labelled(product_categories[i].id, product_categories[i].zh,
                                               product_categories[i].en));
        for (size_t i = 0; i < algorithm_specs_len; i++) {
                json_t *bits = json_array();
                for (int k = 0; k < ALG_MAX_KEY_SIZES && algorithm_specs[i].key_bits[k]; k++)
                        json_array_append_new(bits, json_integer(algorithm_specs[i].key_bits[k]));
                json_array_append_new(algs, json_pack("{s:s, s:o, s:s}", "name",
                                                      algorithm_specs[i].name, "key_bits", bits,
                                                      "standard", algorithm_specs[i].standard));
        }
        for (size_t i = 0; i < approval_items_len; i++) {
                const struct approval_item *a = &approval_items[i];
                const struct rule *r = a->rule_removed ? rule_latest(a->rule_removed) : NULL;
                json_t *o = labelled(a->id, a->zh, a->en);
                json_object_set_new(o, "removed_on",
                                    r ? json_string(r->effective_from) : json_null());
                json_array_append_new(items, o);
        }
        for (size_t i = 0; i < sizeof(state_labels) / sizeof(state_labels[0]); i++)
                json_array_append_new(
                    states, labelled(state_labels[i].id, state_labels[i].zh, state_labels[i].en));
        for (size_t i = 0; i < sizeof(status_labels) / sizeof(status_labels[0]); i++)
                json_array_append_new(statuses, labelled(status_labels[i].id, status_labels[i].zh,
                                                         status_labels[i].en));
        return json_pack("{s:o, s:o, s:o, s:o, s:o}", "product_categories", cats, "algorithms",
                         algs, "approval_items", items, "application_states", states,
                         "certificate_statuses", statuses);
}
