/* Generation of the demo registry: enterprises with valid USCCs and users of every role. */
#include "registry/demo.h"

#include <stdio.h>
#include <string.h>

#include "registry/enterprise_service.h"
#include "kernel/uscc.h"
#include "registry/user_service.h"
#include "registry/store.h"

struct place {
        const char *division;
        const char *zh;
        const char *en;
        const char *street_zh;
};

/* Real district codes (GB/T 2260), at least one per bureau, Shenzhen and XPCC included. */
static const struct place places[] = {
    {"110108", "北京", "Beijing", "海淀区中关村大街"},
    {"110105", "北京", "Beijing", "朝阳区建国路"},
    {"120116", "天津", "Tianjin", "滨海新区第三大街"},
    {"130102", "石家庄", "Shijiazhuang", "长安区中山东路"},
    {"140105", "太原", "Taiyuan", "小店区长治路"},
    {"150102", "呼和浩特", "Hohhot", "新城区新华大街"},
    {"210106", "沈阳", "Shenyang", "铁西区北二中路"},
    {"220104", "长春", "Changchun", "朝阳区人民大街"},
    {"230103", "哈尔滨", "Harbin", "南岗区学府路"},
    {"310115", "上海", "Shanghai", "浦东新区张江路"},
    {"320106", "南京", "Nanjing", "鼓楼区中山北路"},
    {"320505", "苏州", "Suzhou", "虎丘区狮山路"},
    {"330106", "杭州", "Hangzhou", "西湖区文三路"},
    {"340104", "合肥", "Hefei", "蜀山区望江西路"},
    {"350102", "福州", "Fuzhou", "鼓楼区五四路"},
    {"360102", "南昌", "Nanchang", "东湖区八一大道"},
    {"370102", "济南", "Jinan", "历下区经十路"},
    {"370202", "青岛", "Qingdao", "市南区香港中路"},
    {"410105", "郑州", "Zhengzhou", "金水区花园路"},
    {"420106", "武汉", "Wuhan", "武昌区珞喻路"},
    {"430104", "长沙", "Changsha", "岳麓区麓山南路"},
    {"440106", "广州", "Guangzhou", "天河区天河路"},
    {"440305", "深圳", "Shenzhen", "南山区科技园"},
    {"440304", "深圳", "Shenzhen", "福田区深南大道"},
    {"450103", "南宁", "Nanning", "青秀区民族大道"},
    {"460106", "海口", "Haikou", "龙华区滨海大道"},
    {"500112", "重庆", "Chongqing", "渝北区金开大道"},
    {"510107", "成都", "Chengdu", "武侯区天府大道"},
    {"520102", "贵阳", "Guiyang", "南明区中华南路"},
    {"530102", "昆明", "Kunming", "五华区人民中路"},
    {"540102", "拉萨", "Lhasa", "城关区北京中路"},
    {"610113", "西安", "Xi'an", "雁塔区高新路"},
    {"620102", "兰州", "Lanzhou", "城关区东岗西路"},
    {"630103", "西宁", "Xining", "城中区西大街"},
    {"640104", "银川", "Yinchuan", "兴庆区解放东街"},
    {"650102", "乌鲁木齐", "Urumqi", "天山区人民路"},
    {"659001", "石河子", "Shihezi", "北四路"},
    {"659002", "阿拉尔", "Aral", "军垦大道"},
    {"660000", "兵团", "XPCC", "乌鲁木齐市光明路"},
};
#define NPLACES (sizeof(places) / sizeof(places[0]))

static const struct {
        const char *zh, *en;
} brands[] = {
    {"信安", "Xin'an"},   {"密盾", "Midun"},    {"华密", "Huami"},   {"国芯", "Guoxin"},
    {"安讯", "Anxun"},    {"芯盾", "Xindun"},   {"可信", "Kexin"},   {"量子", "Liangzi"},
    {"科密", "Kemi"},     {"融安", "Rong'an"},  {"云盾", "Yundun"},  {"数安", "Shu'an"},
    {"金证", "Jinzheng"}, {"天元", "Tianyuan"}, {"中科", "Zhongke"}, {"长城", "Changcheng"},
    {"北斗", "Beidou"},   {"海泰", "Haitai"},   {"网御", "Wangyu"},  {"格尔", "Ge'er"},
};
#define NBRANDS (sizeof(brands) / sizeof(brands[0]))

static const struct {
        const char *zh, *en;
        unsigned roles;
} kinds[] = {
    {"密码科技有限公司", "Cryptography Technology Co., Ltd.", ENT_MANUFACTURER | ENT_SELLER},
    {"信息技术有限公司", "Information Technology Co., Ltd.", ENT_SELLER | ENT_INTEGRATOR},
    {"电子设备有限公司", "Electronic Equipment Co., Ltd.", ENT_MANUFACTURER},
    {"网络安全股份有限公司", "Cybersecurity Co., Ltd.", ENT_MANUFACTURER | ENT_INTEGRATOR},
    {"系统集成有限公司", "Systems Integration Co., Ltd.", ENT_INTEGRATOR},
    {"进出口贸易有限公司", "Import and Export Trading Co., Ltd.", ENT_IMPORTER | ENT_SELLER},
    {"安全技术（中国）有限公司", "Security Technology (China) Co., Ltd.",
     ENT_FOREIGN_INVESTED | ENT_IMPORTER},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *const given[] = {"伟", "芳",   "娜",   "敏",   "静",   "强",  "磊",
                                    "军", "洋",   "勇",   "艳",   "杰",   "涛",  "明",
                                    "超", "秀英", "建华", "志强", "海燕", "晓东"};

/* A small deterministic generator, so the same n always gives the same registry. */
static unsigned long long demo_next(unsigned long long *state)
{
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        return *state >> 33;
}

/* Builds a valid USCC for a division; index makes the organisation code unique. */
static void demo_uscc(const char *division, long index, char out[USCC_LEN + 1])
{
        char org[24];

        /* 7919 is prime and coprime with 10^8, so distinct indexes give distinct codes. */
        snprintf(org, sizeof(org), "%08llu",
                 ((unsigned long long)index * 7919u + 10000019u) % 100000000u);
        memcpy(out, "91", 2);
        memcpy(out + 2, division, 6);
        memcpy(out + 8, org, 8);
        out[16] = org_code_check_char(org);
        out[17] = uscc_check_char(out);
        out[18] = '\0';
}

void demo_enterprise_uscc(long index, char out[USCC_LEN + 1])
{
        demo_uscc(places[index % (long)NPLACES].division, index, out);
}

static enum cr_err csv_field(struct buf *b, const char *s, int last)
{
        enum cr_err err = buf_puts(b, "\"");

        for (; !err && *s; s++)
                err = *s == '"' ? buf_puts(b, "\"\"") : buf_append(b, s, 1);
        if (!err)
                err = buf_puts(b, last ? "\"\n" : "\",");
        return err;
}

enum cr_err demo_enterprises_csv(long n, struct buf *out, struct cr_error *e)
{
        unsigned long long rng = 20171011;
        enum cr_err err = buf_puts(out, "uscc,name_zh,name_en,roles,address,legal_representative,"
                                        "contact_name,contact_phone,contact_email\n");

        for (long i = 0; !err && i < n; i++) {
                const struct place *p = &places[i % NPLACES];
                size_t b = (size_t)(demo_next(&rng) % NBRANDS);
                size_t k = (size_t)(demo_next(&rng) % NKINDS);
                char uscc[USCC_LEN + 1], name_zh[256], name_en[256], roles[128] = "";
                char addr[256], rep[32], contact[32], phone[32], email[96];
                long series = i / (long)NPLACES;

                demo_uscc(p->division, i, uscc);
                /* Later rounds over the same place get a series number, as branch offices do. */
                if (series > 0) {
                        snprintf(name_zh, sizeof(name_zh), "%s%s%s第%ld分公司", p->zh, brands[b].zh,
                                 kinds[k].zh, series);
                        snprintf(name_en, sizeof(name_en), "%s %s %s Branch %ld", p->en,
                                 brands[b].en, kinds[k].en, series);
                } else {
                        snprintf(name_zh, sizeof(name_zh), "%s%s%s", p->zh, brands[b].zh,
                                 kinds[k].zh);
                        snprintf(name_en, sizeof(name_en), "%s %s %s", p->en, brands[b].en,
                                 kinds[k].en);
                }
                for (unsigned r = 0; r < ENT_ROLE_COUNT; r++) {
                        if (kinds[k].roles & (1u << r)) {
                                size_t len = strlen(roles);
                                snprintf(roles + len, sizeof(roles) - len, "%s%s", len ? ";" : "",
                                         ent_role_name(r));
                        }
                }
                snprintf(addr, sizeof(addr), "%s%llu号", p->street_zh, demo_next(&rng) % 300 + 1);
                snprintf(rep, sizeof(rep), "%s%s", surnames[demo_next(&rng) % 20],
                         given[demo_next(&rng) % 20]);
                snprintf(contact, sizeof(contact), "%s%s", surnames[demo_next(&rng) % 20],
                         given[demo_next(&rng) % 20]);
                snprintf(phone, sizeof(phone), "1%llu%08llu", 30 + demo_next(&rng) % 60,
                         demo_next(&rng) % 100000000);
                snprintf(email, sizeof(email), "contact%ld@demo-%s.example.cn", i, p->division);
                err = csv_field(out, uscc, 0);
                if (!err)
                        err = csv_field(out, name_zh, 0);
                if (!err)
                        err = csv_field(out, name_en, 0);
                if (!err)
                        err = csv_field(out, roles, 0);
                if (!err)
                        err = csv_field(out, addr, 0);
                if (!err)
                        err = csv_field(out, rep, 0);
                if (!err)
                        err = csv_field(out, contact, 0);
                if (!err)
                        err = csv_field(out, phone, 0);
                if (!err)
                        err = csv_field(out, email, 1);
        }
        if (err)
                return cr_fail(e, err, "internal", NULL, "demo data does not fit in memory");
        return CR_OK;
}

static enum cr_err demo_user(struct store *s, const struct caller *cli, const char *username,
                             const char *display, enum role role, const char *binding,
                             struct demo_login *login, struct cr_error *e)
{
        struct user u;

        memset(&u, 0, sizeof(u));
        str_copy(u.username, sizeof(u.username), username);
        str_copy(u.display_name, sizeof(u.display_name), display);
        u.role = role;
        if (role == ROLE_BUREAU_OFFICER || role == ROLE_INSPECTOR)
                str_copy(u.bureau_code, sizeof(u.bureau_code), binding);
        if (role == ROLE_ENTERPRISE_USER)
                str_copy(u.enterprise_uscc, sizeof(u.enterprise_uscc), binding);
        str_copy(login->username, sizeof(login->username), username);
        random_token(login->password, sizeof(login->password), 12);
        login->role = role;
        str_copy(login->binding, sizeof(login->binding), binding ? binding : "");
        return user_create(s, cli, &u, login->password, e);
}

enum cr_err demo_load(struct store *s, const struct caller *cli, long n, struct demo_login logins[DEMO_MAX_LOGINS],
                      int *nlogins, struct cr_error *e)
{
        static const struct {
                const char *username, *display;
                enum role role;
                const char *bureau;
        } staff[] = {
            {"admin", "国家密码管理局管理员", ROLE_NATIONAL_ADMIN, NULL},
            {"officer.bj", "北京市局审核员", ROLE_BUREAU_OFFICER, "110000"},
            {"inspector.bj", "北京市局检查员", ROLE_INSPECTOR, "110000"},
            {"officer.sh", "上海市局审核员", ROLE_BUREAU_OFFICER, "310000"},
            {"officer.gd", "广东省局审核员", ROLE_BUREAU_OFFICER, "440000"},
            {"inspector.gd", "广东省局检查员", ROLE_INSPECTOR, "440000"},
            {"officer.sz", "深圳市局审核员", ROLE_BUREAU_OFFICER, "440300"},
            {"officer.xpcc", "兵团密码管理局审核员", ROLE_BUREAU_OFFICER, "660000"},
        };
        struct buf csv;
        int64_t count = 0;
        long imported = 0;
        enum cr_err err;
        char uscc[USCC_LEN + 1];

        *nlogins = 0;
        err = store_enterprise_count(s, &count, e);
        if (err)
                return err;
        if (count > 0)
                return cr_fail(e, CR_ECONFLICT, "conflict", NULL,
                               "the registry already holds %lld enterprises; demo data is loaded "
                               "only into an empty one",
                               (long long)count);
        if (n < 10)
                return cr_fail(e, CR_EINVAL, "invalid_value", "enterprises",
                               "demo data needs at least 10 enterprises");
        buf_init(&csv, (size_t)n * 1024 + 4096);
        err = demo_enterprises_csv(n, &csv, e);
        if (!err)
                err = enterprise_import_csv(s, cli, csv.data, csv.len, &imported, e);
        buf_release(&csv);
        for (size_t i = 0; !err && i < sizeof(staff) / sizeof(staff[0]); i++)
                err = demo_user(s, cli, staff[i].username, staff[i].display, staff[i].role,
                                staff[i].bureau, &logins[(*nlogins)++], e);
        /* Enterprise users for the first Beijing and the first Shenzhen enterprise (index 0, 22).
         */
        if (!err) {
                demo_uscc(places[0].division, 0, uscc);
                err = demo_user(s, cli, "ent.beijing", "北京企业用户", ROLE_ENTERPRISE_USER, uscc,
                                &logins[(*nlogins)++], e);
        }
        if (!err) {
                demo_uscc(places[22].division, 22, uscc);
                err = demo_user(s, cli, "ent.shenzhen", "深圳企业用户", ROLE_ENTERPRISE_USER, uscc,
                                &logins[(*nlogins)++], e);
        }
        return err;
}
