/*
 * Writes a synthetic annual sales filing (docs/domain.md, "Sales filing file
 * format") for bench/filing.sh: the template's header, then LINES lines that
 * are all valid for the filing year, so that the upload accepts the file.
 *
 * Usage: gen_filing YEAR LINES SEED CERTIFICATE:MODEL [CERTIFICATE:MODEL...] >FILE
 *
 * Every sale falls within YEAR; the products rotate over the certificate and
 * model pairs given, which the caller must pick among certificates that cover
 * the whole year.  Even lines sell to organisations, with a Unified Social
 * Credit Code whose two check characters are computed as GB 11714 and
 * GB 32100-2015 prescribe; odd lines sell to individuals, with an 18-character
 * resident identity card number (GB 11643-1999) of a person born at least 18
 * years before YEAR, so always before the sale.  Names, addresses, contacts
 * and end uses are drawn from small lists of plausible Chinese values, and
 * about one address in ten holds a comma, so that it is quoted as RFC 4180
 * requires.  SEED selects the pseudo-random sequence: the same arguments
 * always give the same bytes, and another seed gives another file, which the
 * benchmark needs because an identical re-upload is a no-op.
 *
 * The whole file is formatted into one growing buffer line by line with no
 * printf, so that a million lines take well under a few seconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The output buffer is flushed to stdout whenever it holds this much. */
#define OUT_FLUSH (1u << 20)

static char out[OUT_FLUSH + 4096];
static size_t out_len;

static void flush_out(void)
{
        if (out_len && fwrite(out, 1, out_len, stdout) != out_len) {
                perror("gen_filing: write");
                exit(1);
        }
        out_len = 0;
}

static void put(const char *s)
{
        size_t n = strlen(s);

        memcpy(out + out_len, s, n);
        out_len += n;
}

static void put_char(char c)
{
        out[out_len++] = c;
}

/* Appends n as decimal digits, zero-padded to at least width digits. */
static void put_num(unsigned long n, int width)
{
        char tmp[24];
        int i = 0;

        do {
                tmp[i++] = (char)('0' + n % 10);
                n /= 10;
        } while (n);
        while (i < width)
                tmp[i++] = '0';
        while (i)
                out[out_len++] = tmp[--i];
}

/* xorshift64*: fast, and reproducible from the seed on every platform. */
static uint64_t rng_state;

static uint64_t rng(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 2685821657736338717ULL;
}

static unsigned pick(unsigned n)
{
        return (unsigned)((rng() >> 32) % n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A city with the division code of one of its districts and its telephone area code. */
struct city {
        const char *name;
        const char *district;
        const char *division;
        const char *area_code;
};

static const struct city cities[] = {
    {"北京市", "海淀区", "110108", "010"},   {"北京市", "朝阳区", "110105", "010"},
    {"上海市", "浦东新区", "310115", "021"}, {"上海市", "徐汇区", "310104", "021"},
    {"广州市", "天河区", "440106", "020"},   {"深圳市", "南山区", "440305", "0755"},
    {"杭州市", "西湖区", "330106", "0571"},  {"南京市", "鼓楼区", "320106", "025"},
    {"成都市", "武侯区", "510107", "028"},   {"武汉市", "洪山区", "420111", "027"},
    {"西安市", "雁塔区", "610113", "029"},   {"天津市", "南开区", "120104", "022"},
    {"重庆市", "渝中区", "500103", "023"},   {"济南市", "历下区", "370102", "0531"},
    {"沈阳市", "和平区", "210102", "024"},   {"长沙市", "芙蓉区", "430102", "0731"},
};

static const char *const name_words[] = {"华信", "中科", "天融", "安恒", "启明", "国泰",
                                         "网神", "卫士", "长城", "方正", "神州", "东方",
                                         "博雅", "恒生", "金盾", "北辰", "鼎信", "同创"};
static const char *const industries[] = {"信息技术", "数据科技", "网络安全", "电子设备",
                                         "通信技术", "软件",     "金融服务", "智能科技"};
static const char *const org_kinds[] = {"有限公司", "股份有限公司", "有限责任公司"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈",   "杨",  "赵", "黄",
                                       "周", "吴", "徐", "孙", "胡",   "朱",  "高", "林",
                                       "何", "郭", "马", "罗", "欧阳", "司马"};
static const char *const given[] = {"伟", "芳", "娜",   "秀英", "敏", "静", "丽",   "强",
                                    "磊", "军", "洋",   "勇",   "艳", "杰", "娟",   "涛",
                                    "明", "超", "秀兰", "霞",   "平", "刚", "桂英", "子涵"};
static const char *const roads[] = {"中关村大街", "世纪大道", "解放路", "人民路", "建设路",
                                    "中山路",     "科技园路", "长安街", "文三路", "学院路"};
static const char *const places[] = {"科技大厦", "创新中心", "国际广场", "软件园", "产业园"};
static const char *const end_uses[] = {"数据加密",         "个人通信", "身份认证", "电子签名",
                                       "安全存储",         "VPN接入",  "支付安全", "视频加密",
                                       "办公网络安全防护", "电子政务"};
static const char *const mobile_prefixes[] = {"138", "139", "135", "186", "150", "177"};

/* GB 32100-2015: the 31 characters valued 0-30 and the weights 3^(i-1) mod 31. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};
/* GB 11714: the weights of the organisation code's eight characters. */
static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
/* GB 11643-1999: the weights of the 17 digits and the check characters by remainder. */
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char id_checks[] = "10X98765432";

static int uscc_value(char c)
{
        return (int)(strchr(uscc_alphabet, c) - uscc_alphabet);
}

/* Fills code[0..17] with a valid USCC of a company ("91") in the given division. */
static void make_uscc(char code[18], const char *division)
{
        /* The organisation code's own characters: digits and letters allowed by both standards. */
        static const char org_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int sum = 0, c;

        code[0] = '9';
        code[1] = '1';
        memcpy(code + 2, division, 6);
        for (int i = 0; i < 8; i++) {
                char ch = org_chars[pick(sizeof(org_chars) - 1)];
                code[8 + i] = ch;
                sum += (ch <= '9' ? ch - '0' : ch - 'A' + 10) * org_weights[i];
        }
        c = 11 - sum % 11;
        code[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
        sum = 0;
        for (int i = 0; i < 17; i++)
                sum += uscc_value(code[i]) * uscc_weights[i];
        code[17] = uscc_alphabet[(31 - sum % 31) % 31];
}

static int is_leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

        return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Writes n as exactly width decimal digits at p, zero-padded, with no terminator. */
static void digits(char *p, unsigned n, int width)
{
        for (int i = width - 1; i >= 0; i--) {
                p[i] = (char)('0' + n % 10);
                n /= 10;
        }
}

/* Fills id[0..17] with a resident ID number of a person born in [year - 80, year - 18]. */
static void make_resident_id(char id[18], const char *division, int year)
{
        int by = year - 80 + (int)pick(63), bm = 1 + (int)pick(12);
        int bd = 1 + (int)pick((unsigned)days_in_month(by, bm));
        unsigned seq = pick(1000);
        int sum = 0;

        memcpy(id, division, 6);
        digits(id + 6, (unsigned)by, 4);
        digits(id + 10, (unsigned)bm, 2);
        digits(id + 12, (unsigned)bd, 2);
        digits(id + 14, seq, 3);
        for (int i = 0; i < 17; i++)
                sum += (id[i] - '0') * id_weights[i];
        id[17] = id_checks[sum % 11];
}

static void put_address(const struct city *c)
{
        int quoted = pick(10) == 0;

        if (quoted)
                put_char('"');
        put(c->name);
        put(c->district);
        if (quoted)
                put(", ");
        put(roads[pick(COUNT(roads))]);
        put_num(1 + pick(999), 1);
        put("号");
        if (pick(2)) {
                put(places[pick(COUNT(places))]);
                put_num(1 + pick(30), 1);
                put("层");
        }
        if (quoted)
                put_char('"');
}

int main(int argc, char **argv)
{
        char *end;
        long year, lines;
        unsigned long long seed;
        int npairs;
        char **certs, **models;

        if (argc < 5) {
                fprintf(stderr, "usage: gen_filing YEAR LINES SEED CERTIFICATE:MODEL "
                                "[CERTIFICATE:MODEL...] >FILE\n");
                return 2;
        }
        year = strtol(argv[1], &end, 10);
        if (*end || year < 1950 || year > 9999) {
                fprintf(stderr, "gen_filing: bad year %s\n", argv[1]);
                return 2;
        }
        lines = strtol(argv[2], &end, 10);
        if (*end || lines < 0) {
                fprintf(stderr, "gen_filing: bad line count %s\n", argv[2]);
                return 2;
        }
        seed = strtoull(argv[3], &end, 10);
        if (*end) {
                fprintf(stderr, "gen_filing: bad seed %s\n", argv[3]);
                return 2;
        }
        npairs = argc - 4;
        certs = calloc((size_t)npairs, sizeof(*certs));
        models = calloc((size_t)npairs, sizeof(*models));
        if (!certs || !models) {
                fprintf(stderr, "gen_filing: out of memory\n");
                return 1;
        }
        for (int i = 0; i < npairs; i++) {
                char *colon = strchr(argv[4 + i], ':');
                if (!colon || colon == argv[4 + i] || !colon[1]) {
                        fprintf(stderr, "gen_filing: expected CERTIFICATE:MODEL, got %s\n",
                                argv[4 + i]);
                        return 2;
                }
                *colon = '\0';
                /* The template's limits; they also keep every line far below the buffer's slack. */
                if (strlen(argv[4 + i]) > 60 || strlen(colon + 1) > 400) {
                        fprintf(stderr, "gen_filing: certificate number or model too long\n");
                        return 2;
                }
                certs[i] = argv[4 + i];
                models[i] = colon + 1;
        }
        /* The state must never be zero; mixing the seed keeps nearby seeds unalike. */
        rng_state = (seed + 1) * 0x9E3779B97F4A7C15ULL;
        for (int i = 0; i < 8; i++)
                rng();

        put("sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,"
            "buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use\r\n");
        for (long n = 0; n < lines; n++) {
                int month = 1 + (int)pick(12);
                int day = 1 + (int)pick((unsigned)days_in_month((int)year, month));
                int p = (int)(n % npairs);
                const struct city *c = &cities[pick(COUNT(cities))];
                char code[19];

                put_num((unsigned long)year, 4);
                put_char('-');
                put_num((unsigned long)month, 2);
                put_char('-');
                put_num((unsigned long)day, 2);
                put_char(',');
                put(certs[p]);
                put_char(',');
                put(models[p]);
                put_char(',');
                /* Mostly small orders, now and then a large one. */
                put_num(pick(20) == 0 ? 100 + pick(9901) : 1 + pick(50), 1);
                if (n % 2 == 0) {
                        put(",organisation,");
                        put(c->name);
                        put(name_words[pick(COUNT(name_words))]);
                        put(industries[pick(COUNT(industries))]);
                        put(org_kinds[pick(COUNT(org_kinds))]);
                        put_char(',');
                        make_uscc(code, c->division);
                        code[18] = '\0';
                        put(code);
                        put(",,,");
                        put_address(c);
                        put_char(',');
                        put(c->area_code);
                        put_char('-');
                        put_num(60000000 + pick(30000000), 8);
                } else {
                        put(",individual,");
                        put(surnames[pick(COUNT(surnames))]);
                        put(given[pick(COUNT(given))]);
                        if (pick(2))
                                put(given[pick(COUNT(given))]);
                        put(",,resident_id,");
                        make_resident_id(code, c->division, (int)year);
                        code[18] = '\0';
                        put(code);
                        put_char(',');
                        put_address(c);
                        put_char(',');
                        put(mobile_prefixes[pick(COUNT(mobile_prefixes))]);
                        put_num(pick(10000), 4);
                        put_num(pick(10000), 4);
                }
                put_char(',');
                put(end_uses[pick(COUNT(end_uses))]);
                put("\r\n");
                if (out_len >= OUT_FLUSH)
                        flush_out();
        }
        flush_out();
        if (fflush(stdout) != 0) {
                perror("gen_filing: write");
                return 1;
        }
        free(certs);
        free(models);
        return 0;
}
