/* The 33 bureaus of Notice 336 and the division-code jurisdiction rules, as data. */
#include "kernel/bureau.h"

#include <string.h>


const struct bureau bureau_table[] = {
    {"110000", "北京市密码管理局", "Beijing Cryptography Administration", "municipality"},
    {"120000", "天津市密码管理局", "Tianjin Cryptography Administration", "municipality"},
    {"130000", "河北省密码管理局", "Hebei Cryptography Administration", "province"},
    {"140000", "山西省密码管理局", "Shanxi Cryptography Administration", "province"},
    {"150000", "内蒙古自治区密码管理局", "Inner Mongolia Cryptography Administration",
     "autonomous_region"},
    {"210000", "辽宁省密码管理局", "Liaoning Cryptography Administration", "province"},
    {"220000", "吉林省密码管理局", "Jilin Cryptography Administration", "province"},
    {"230000", "黑龙江省密码管理局", "Heilongjiang Cryptography Administration", "province"},
    {"310000", "上海市密码管理局", "Shanghai Cryptography Administration", "municipality"},
    {"320000", "江苏省密码管理局", "Jiangsu Cryptography Administration", "province"},
    {"330000", "浙江省密码管理局", "Zhejiang Cryptography Administration", "province"},
    {"340000", "安徽省密码管理局", "Anhui Cryptography Administration", "province"},
    {"350000", "福建省密码管理局", "Fujian Cryptography Administration", "province"},
    {"360000", "江西省密码管理局", "Jiangxi Cryptography Administration", "province"},
    {"370000", "山东省密码管理局", "Shandong Cryptography Administration", "province"},
    {"410000", "河南省密码管理局", "Henan Cryptography Administration", "province"},
    {"420000", "湖北省密码管理局", "Hubei Cryptography Administration", "province"},
    {"430000", "湖南省密码管理局", "Hunan Cryptography Administration", "province"},
    {"440000", "广东省密码管理局", "Guangdong Cryptography Administration", "province"},
    {"440300", "深圳市密码管理局", "Shenzhen Cryptography Administration", "sub_provincial_city"},
    {"450000", "广西壮族自治区密码管理局", "Guangxi Cryptography Administration",
     "autonomous_region"},
    {"460000", "海南省密码管理局", "Hainan Cryptography Administration", "province"},
    {"500000", "重庆市密码管理局", "Chongqing Cryptography Administration", "municipality"},
    {"510000", "四川省密码管理局", "Sichuan Cryptography Administration", "province"},
    {"520000", "贵州省密码管理局", "Guizhou Cryptography Administration", "province"},
    {"530000", "云南省密码管理局", "Yunnan Cryptography Administration", "province"},
    {"540000", "西藏自治区密码管理局", "Tibet Cryptography Administration", "autonomous_region"},
    {"610000", "陕西省密码管理局", "Shaanxi Cryptography Administration", "province"},
    {"620000", "甘肃省密码管理局", "Gansu Cryptography Administration", "province"},
    {"630000", "青海省密码管理局", "Qinghai Cryptography Administration", "province"},
    {"640000", "宁夏回族自治区密码管理局", "Ningxia Cryptography Administration",
     "autonomous_region"},
    {"650000", "新疆维吾尔自治区密码管理局", "Xinjiang Cryptography Administration",
     "autonomous_region"},
    {"660000", "新疆生产建设兵团密码管理局",
     "Xinjiang Production and Construction Corps Cryptography Administration", "xpcc"},
};
const size_t bureau_table_len = sizeof(bureau_table) / sizeof(bureau_table[0]);

#define N336      "Guomijuzi [2017] No.336 (addressees); GB/T 2260 division codes"
#define N336_FROM "2017-10-11"

/*
 * Provinces by their two-digit prefix; Shenzhen and the XPCC by longer
 * prefixes.  The XPCC's own registrations use 66; the county-level cities
 * that the Corps administers have Xinjiang codes under 6590.
 */
const struct jurisdiction_rule jurisdiction_rules[] = {
    {"11", "110000", N336_FROM, NULL, N336},   {"12", "120000", N336_FROM, NULL, N336},
    {"13", "130000", N336_FROM, NULL, N336},   {"14", "140000", N336_FROM, NULL, N336},
    {"15", "150000", N336_FROM, NULL, N336},   {"21", "210000", N336_FROM, NULL, N336},
    {"22", "220000", N336_FROM, NULL, N336},   {"23", "230000", N336_FROM, NULL, N336},
    {"31", "310000", N336_FROM, NULL, N336},   {"32", "320000", N336_FROM, NULL, N336},
    {"33", "330000", N336_FROM, NULL, N336},   {"34", "340000", N336_FROM, NULL, N336},
    {"35", "350000", N336_FROM, NULL, N336},   {"36", "360000", N336_FROM, NULL, N336},
    {"37", "370000", N336_FROM, NULL, N336},   {"41", "410000", N336_FROM, NULL, N336},
    {"42", "420000", N336_FROM, NULL, N336},   {"43", "430000", N336_FROM, NULL, N336},
    {"44", "440000", N336_FROM, NULL, N336},   {"4403", "440300", N336_FROM, NULL, N336},
    {"45", "450000", N336_FROM, NULL, N336},   {"46", "460000", N336_FROM, NULL, N336},
    {"50", "500000", N336_FROM, NULL, N336},   {"51", "510000", N336_FROM, NULL, N336},
    {"52", "520000", N336_FROM, NULL, N336},   {"53", "530000", N336_FROM, NULL, N336},
    {"54", "540000", N336_FROM, NULL, N336},   {"61", "610000", N336_FROM, NULL, N336},
    {"62", "620000", N336_FROM, NULL, N336},   {"63", "630000", N336_FROM, NULL, N336},
    {"64", "640000", N336_FROM, NULL, N336},   {"65", "650000", N336_FROM, NULL, N336},
    {"6590", "660000", N336_FROM, NULL, N336}, {"66", "660000", N336_FROM, NULL, N336},
};
const size_t jurisdiction_rules_len = sizeof(jurisdiction_rules) / sizeof(jurisdiction_rules[0]);

const struct bureau *bureau_find(const char *code)
{
        for (size_t i = 0; i < bureau_table_len; i++)
                if (strcmp(bureau_table[i].code, code) == 0)
                        return &bureau_table[i];
        return NULL;
}

static int rule_in_force(const struct jurisdiction_rule *r, const char *on_date)
{
        /* ISO dates compare correctly as strings. */
        if (strcmp(on_date, r->effective_from) < 0)
                return 0;
        return r->effective_to == NULL || strcmp(on_date, r->effective_to) < 0;
}

const struct jurisdiction_rule *bureau_rule_for_division(const char *division, const char *on_date)
{
        const struct jurisdiction_rule *best = NULL;
        size_t best_len = 0;

        for (size_t i = 0; i < jurisdiction_rules_len; i++) {
                const struct jurisdiction_rule *r = &jurisdiction_rules[i];
                size_t n = strlen(r->division_prefix);
                if (n > best_len && strncmp(division, r->division_prefix, n) == 0 &&
                    rule_in_force(r, on_date)) {
                        best = r;
                        best_len = n;
                }
        }
        return best;
}
