/* names.c: people and places of the demo shop: English and Chinese names,
 * cities with their regions, postcodes, phone areas and time zones,
 * streets and e-mail domains. Weights are rough shares, not statistics. */
#include "demo/tables.h"

const char *const demo_country_code[DEMO_COUNTRIES] = {"GB", "CN", "US"};
const char *const demo_country_language[DEMO_COUNTRIES] = {"en-GB", "zh-CN", "en-US"};
/* A British shop selling abroad: home market first, then China and the US. */
const unsigned demo_country_weight[DEMO_COUNTRIES] = {45, 35, 20};

const demo_word demo_en_female[] = {
	{"Olivia", 9},	 {"Emma", 8},	   {"Amelia", 7},   {"Isla", 5},      {"Ava", 6},
	{"Sophie", 7},	 {"Grace", 6},	   {"Lily", 6},	    {"Chloe", 6},     {"Emily", 8},
	{"Jessica", 7},	 {"Charlotte", 6}, {"Hannah", 6},   {"Lucy", 6},      {"Sarah", 8},
	{"Laura", 6},	 {"Rebecca", 5},   {"Rachel", 5},   {"Katherine", 4}, {"Elizabeth", 5},
	{"Megan", 5},	 {"Holly", 4},	   {"Ellie", 4},    {"Mia", 5},	      {"Zoe", 4},
	{"Ruby", 4},	 {"Alice", 5},	   {"Freya", 4},    {"Jennifer", 6},  {"Ashley", 4},
	{"Madison", 4},	 {"Abigail", 4},   {"Samantha", 4}, {"Nicole", 4},    {"Michelle", 4},
	{"Priya", 3},	 {"Aisha", 3},	   {"Fatima", 3},   {"Maria", 4},     {"Anna", 5},
	{"Victoria", 4}, {"Natalie", 4},   {"Helen", 4},    {"Claire", 4},
};
const size_t demo_n_en_female = ARRAY_SIZE(demo_en_female);

const demo_word demo_en_male[] = {
	{"Oliver", 9},	  {"George", 8},  {"Harry", 7},	      {"Jack", 8},   {"Jacob", 5},
	{"Noah", 6},	  {"Charlie", 6}, {"Thomas", 8},      {"Oscar", 5},  {"William", 7},
	{"James", 9},	  {"Daniel", 8},  {"Joshua", 6},      {"Samuel", 6}, {"Benjamin", 6},
	{"Alexander", 5}, {"Matthew", 7}, {"Luke", 5},	      {"Adam", 6},   {"Ryan", 6},
	{"Michael", 8},	  {"David", 8},	  {"Christopher", 6}, {"Andrew", 6}, {"Joseph", 6},
	{"Robert", 6},	  {"John", 8},	  {"Mark", 5},	      {"Paul", 5},   {"Steven", 4},
	{"Ethan", 5},	  {"Tyler", 4},	  {"Brandon", 3},     {"Kevin", 4},  {"Jason", 4},
	{"Mohammed", 5},  {"Arjun", 3},	  {"Ravi", 3},	      {"Carlos", 3}, {"Lewis", 4},
	{"Peter", 5},	  {"Simon", 4},	  {"Richard", 5},     {"Edward", 4},
};
const size_t demo_n_en_male = ARRAY_SIZE(demo_en_male);

const demo_word demo_en_family[] = {
	{"Smith", 20},	  {"Jones", 15},   {"Williams", 13}, {"Taylor", 11}, {"Brown", 11},
	{"Davies", 9},	  {"Evans", 8},	   {"Wilson", 8},    {"Thomas", 7},  {"Johnson", 9},
	{"Roberts", 6},	  {"Robinson", 6}, {"Thompson", 6},  {"Wright", 6},  {"Walker", 6},
	{"White", 6},	  {"Edwards", 5},  {"Hughes", 5},    {"Green", 5},   {"Hall", 5},
	{"Lewis", 5},	  {"Harris", 5},   {"Clarke", 5},    {"Patel", 6},   {"Jackson", 5},
	{"Wood", 5},	  {"Turner", 4},   {"Martin", 5},    {"Cooper", 4},  {"Hill", 4},
	{"Ward", 4},	  {"Morris", 4},   {"Moore", 4},     {"Clark", 4},   {"Lee", 4},
	{"King", 4},	  {"Baker", 4},	   {"Harrison", 4},  {"Morgan", 4},  {"Allen", 4},
	{"James", 4},	  {"Scott", 4},	   {"Phillips", 3},  {"Watson", 3},  {"Davis", 4},
	{"Parker", 3},	  {"Price", 3},	   {"Bennett", 3},   {"Young", 3},   {"Griffiths", 3},
	{"Mitchell", 3},  {"Kelly", 3},	   {"Cook", 3},	     {"Carter", 3},  {"Richardson", 3},
	{"Bailey", 3},	  {"Collins", 3},  {"Bell", 3},	     {"Shaw", 3},    {"Murphy", 3},
	{"Miller", 4},	  {"Cox", 2},	   {"Richards", 2},  {"Khan", 4},    {"Marshall", 2},
	{"Anderson", 3},  {"Simpson", 2},  {"Ellis", 2},     {"Adams", 2},   {"Singh", 3},
	{"Wilkinson", 2}, {"Foster", 2},   {"Chapman", 2},   {"Powell", 2},  {"Webb", 2},
	{"Rogers", 2},	  {"Gray", 2},	   {"Mason", 2},     {"Ali", 3},     {"Hunt", 2},
	{"Campbell", 2},  {"Matthews", 2}, {"Owen", 2},	     {"Palmer", 2},  {"Garcia", 3},
	{"Rodriguez", 3}, {"Martinez", 3}, {"Hernandez", 2}, {"Lopez", 2},   {"Gonzalez", 2},
	{"Nguyen", 2},	  {"Kim", 2},
};
const size_t demo_n_en_family = ARRAY_SIZE(demo_en_family);

const demo_zh_family demo_zh_families[] = {
	{"王", "wang", 72},    {"李", "li", 72},    {"张", "zhang", 68},      {"刘", "liu", 54},
	{"陈", "chen", 45},    {"杨", "yang", 31},  {"黄", "huang", 23},      {"赵", "zhao", 22},
	{"吴", "wu", 20},      {"周", "zhou", 19},  {"徐", "xu", 15},	      {"孙", "sun", 15},
	{"马", "ma", 14},      {"朱", "zhu", 13},   {"胡", "hu", 13},	      {"郭", "guo", 12},
	{"何", "he", 12},      {"高", "gao", 11},   {"林", "lin", 11},	      {"罗", "luo", 10},
	{"郑", "zheng", 10},   {"梁", "liang", 9},  {"谢", "xie", 8},	      {"宋", "song", 8},
	{"唐", "tang", 7},     {"许", "xu", 7},	    {"韩", "han", 7},	      {"冯", "feng", 7},
	{"邓", "deng", 7},     {"曹", "cao", 6},    {"彭", "peng", 6},	      {"曾", "zeng", 6},
	{"肖", "xiao", 6},     {"田", "tian", 5},   {"董", "dong", 5},	      {"袁", "yuan", 5},
	{"潘", "pan", 5},      {"于", "yu", 5},	    {"蒋", "jiang", 5},	      {"蔡", "cai", 5},
	{"余", "yu", 5},       {"杜", "du", 4},	    {"叶", "ye", 4},	      {"程", "cheng", 4},
	{"苏", "su", 4},       {"魏", "wei", 4},    {"吕", "lv", 4},	      {"丁", "ding", 4},
	{"任", "ren", 4},      {"沈", "shen", 4},   {"姚", "yao", 3},	      {"卢", "lu", 3},
	{"欧阳", "ouyang", 1}, {"司马", "sima", 1}, {"上官", "shangguan", 1},
};
const size_t demo_n_zh_families = ARRAY_SIZE(demo_zh_families);

const demo_zh_given demo_zh_givens[] = {
	/* male */
	{"伟", "wei", 'm', "玮"},
	{"强", "qiang", 'm', "蔷"},
	{"磊", "lei", 'm', "垒"},
	{"军", "jun", 'm', "君"},
	{"洋", "yang", 'm', "阳"},
	{"勇", "yong", 'm', "永"},
	{"杰", "jie", 'm', "洁"},
	{"涛", "tao", 'm', "滔"},
	{"明", "ming", 'm', "铭"},
	{"超", "chao", 'm', NULL},
	{"斌", "bin", 'm', "彬"},
	{"浩", "hao", 'm', "皓"},
	{"鹏", "peng", 'm', "朋"},
	{"宇", "yu", 'm', "雨"},
	{"峰", "feng", 'm', "锋"},
	{"建华", "jianhua", 'm', NULL},
	{"志强", "zhiqiang", 'm', NULL},
	{"子轩", "zixuan", 'm', "子萱"},
	{"浩然", "haoran", 'm', NULL},
	{"宇航", "yuhang", 'm', NULL},
	{"俊杰", "junjie", 'm', NULL},
	{"晓东", "xiaodong", 'm', NULL},
	{"海波", "haibo", 'm', NULL},
	{"文博", "wenbo", 'm', NULL},
	{"建国", "jianguo", 'm', NULL},
	{"家豪", "jiahao", 'm', NULL},
	{"思远", "siyuan", 'm', NULL},
	{"博文", "bowen", 'm', NULL},
	{"天佑", "tianyou", 'm', NULL},
	{"志明", "zhiming", 'm', "志铭"},
	{"国强", "guoqiang", 'm', NULL},
	/* female */
	{"芳", "fang", 'f', "方"},
	{"娜", "na", 'f', "纳"},
	{"敏", "min", 'f', "民"},
	{"静", "jing", 'f', "婧"},
	{"丽", "li", 'f', "莉"},
	{"艳", "yan", 'f', "燕"},
	{"娟", "juan", 'f', "鹃"},
	{"霞", "xia", 'f', NULL},
	{"婷", "ting", 'f', "亭"},
	{"雪", "xue", 'f', NULL},
	{"琳", "lin", 'f', "林"},
	{"颖", "ying", 'f', "莹"},
	{"秀英", "xiuying", 'f', NULL},
	{"秀兰", "xiulan", 'f', NULL},
	{"桂英", "guiying", 'f', NULL},
	{"玉兰", "yulan", 'f', NULL},
	{"欣怡", "xinyi", 'f', "心怡"},
	{"梓涵", "zihan", 'f', "子涵"},
	{"雨桐", "yutong", 'f', "雨彤"},
	{"诗涵", "shihan", 'f', NULL},
	{"思琪", "siqi", 'f', "思淇"},
	{"佳怡", "jiayi", 'f', "嘉怡"},
	{"晓燕", "xiaoyan", 'f', "小燕"},
	{"丽华", "lihua", 'f', NULL},
	{"慧敏", "huimin", 'f', "惠敏"},
	{"婉婷", "wanting", 'f', NULL},
	{"梦琪", "mengqi", 'f', NULL},
	{"美玲", "meiling", 'f', "美琳"},
	{"雅静", "yajing", 'f', NULL},
	{"晓红", "xiaohong", 'f', "小红"},
};
const size_t demo_n_zh_givens = ARRAY_SIZE(demo_zh_givens);

/* Districts and postcode ranges are real in shape (an outward area and
 * district number, a Chinese six-digit code, a US ZIP) and roughly in
 * place; individual codes are made up. */
const demo_city demo_cities[] = {
	{"London", "England", DEMO_GB, 30, DEMO_POST_GB, "E N SE SW W NW", 1, 20, NULL, 0, 0},
	{"Manchester", "England", DEMO_GB, 8, DEMO_POST_GB, "M", 1, 40, NULL, 0, 0},
	{"Birmingham", "England", DEMO_GB, 8, DEMO_POST_GB, "B", 1, 99, NULL, 0, 0},
	{"Leeds", "England", DEMO_GB, 5, DEMO_POST_GB, "LS", 1, 29, NULL, 0, 0},
	{"Liverpool", "England", DEMO_GB, 5, DEMO_POST_GB, "L", 1, 40, NULL, 0, 0},
	{"Bristol", "England", DEMO_GB, 5, DEMO_POST_GB, "BS", 1, 16, NULL, 0, 0},
	{"Sheffield", "England", DEMO_GB, 4, DEMO_POST_GB, "S", 1, 20, NULL, 0, 0},
	{"Newcastle upon Tyne", "England", DEMO_GB, 3, DEMO_POST_GB, "NE", 1, 15, NULL, 0, 0},
	{"Nottingham", "England", DEMO_GB, 3, DEMO_POST_GB, "NG", 1, 11, NULL, 0, 0},
	{"Cambridge", "England", DEMO_GB, 2, DEMO_POST_GB, "CB", 1, 5, NULL, 0, 0},
	{"Oxford", "England", DEMO_GB, 2, DEMO_POST_GB, "OX", 1, 4, NULL, 0, 0},
	{"Glasgow", "Scotland", DEMO_GB, 5, DEMO_POST_GB, "G", 1, 80, NULL, 0, 0},
	{"Edinburgh", "Scotland", DEMO_GB, 4, DEMO_POST_GB, "EH", 1, 17, NULL, 0, 0},
	{"Cardiff", "Wales", DEMO_GB, 3, DEMO_POST_GB, "CF", 10, 24, NULL, 0, 0},
	{"Belfast", "Northern Ireland", DEMO_GB, 3, DEMO_POST_GB, "BT", 1, 17, NULL, 0, 0},

	{"上海市", "上海", DEMO_CN, 14, DEMO_POST_CN, NULL, 2000, 2021, NULL, 8, 0},
	{"北京市", "北京", DEMO_CN, 13, DEMO_POST_CN, NULL, 1000, 1026, NULL, 8, 0},
	{"广州市", "广东省", DEMO_CN, 9, DEMO_POST_CN, NULL, 5100, 5116, NULL, 8, 0},
	{"深圳市", "广东省", DEMO_CN, 9, DEMO_POST_CN, NULL, 5180, 5181, NULL, 8, 0},
	{"杭州市", "浙江省", DEMO_CN, 7, DEMO_POST_CN, NULL, 3100, 3114, NULL, 8, 0},
	{"成都市", "四川省", DEMO_CN, 7, DEMO_POST_CN, NULL, 6100, 6117, NULL, 8, 0},
	{"南京市", "江苏省", DEMO_CN, 5, DEMO_POST_CN, NULL, 2100, 2112, NULL, 8, 0},
	{"苏州市", "江苏省", DEMO_CN, 5, DEMO_POST_CN, NULL, 2150, 2152, NULL, 8, 0},
	{"武汉市", "湖北省", DEMO_CN, 5, DEMO_POST_CN, NULL, 4300, 4304, NULL, 8, 0},
	{"西安市", "陕西省", DEMO_CN, 4, DEMO_POST_CN, NULL, 7100, 7103, NULL, 8, 0},
	{"重庆市", "重庆", DEMO_CN, 5, DEMO_POST_CN, NULL, 4000, 4047, NULL, 8, 0},
	{"天津市", "天津", DEMO_CN, 4, DEMO_POST_CN, NULL, 3000, 3018, NULL, 8, 0},
	{"厦门市", "福建省", DEMO_CN, 3, DEMO_POST_CN, NULL, 3610, 3611, NULL, 8, 0},

	{"New York", "NY", DEMO_US, 20, DEMO_POST_US, NULL, 10001, 10282, "212 646 917 718", -5,
	 888},
	{"Los Angeles", "CA", DEMO_US, 14, DEMO_POST_US, NULL, 90001, 90089, "213 310 323 424", -8,
	 950},
	{"San Francisco", "CA", DEMO_US, 8, DEMO_POST_US, NULL, 94102, 94134, "415 628", -8, 863},
	{"Chicago", "IL", DEMO_US, 10, DEMO_POST_US, NULL, 60601, 60661, "312 773 872", -6, 1025},
	{"Houston", "TX", DEMO_US, 8, DEMO_POST_US, NULL, 77001, 77099, "713 281 832", -6, 825},
	{"Austin", "TX", DEMO_US, 5, DEMO_POST_US, NULL, 78701, 78759, "512 737", -6, 825},
	{"Seattle", "WA", DEMO_US, 7, DEMO_POST_US, NULL, 98101, 98199, "206", -8, 1025},
	{"Boston", "MA", DEMO_US, 7, DEMO_POST_US, NULL, 2108, 2137, "617 857", -5, 625},
	{"Miami", "FL", DEMO_US, 6, DEMO_POST_US, NULL, 33101, 33199, "305 786", -5, 700},
	{"Denver", "CO", DEMO_US, 5, DEMO_POST_US, NULL, 80201, 80239, "303 720", -7, 881},
};
const size_t demo_n_cities = ARRAY_SIZE(demo_cities);

static const char *const streets_gb[] = {
	"High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue",
	"Mill Lane",   "Queens Road",  "King Street", "London Road",   "Green Lane",
	"Manor Road",  "Kingsway",     "York Road",   "The Crescent",  "Albert Street",
};
static const char *const streets_cn[] = {
	"中山路", "人民路", "解放路", "建设路", "和平路",   "长江路",
	"南京路", "文化路", "新华路", "学府路", "滨江大道", "世纪大道",
};
static const char *const streets_us[] = {
	"Main St",	   "Oak Ave", "Maple Ave", "Park Ave", "2nd St",      "Elm St",
	"Washington Blvd", "Lake St", "Cedar Rd",  "Pine St",  "Sunset Blvd", "Broadway",
};
const char *const *const demo_streets[DEMO_COUNTRIES] = {streets_gb, streets_cn, streets_us};
const size_t demo_n_streets[DEMO_COUNTRIES] = {ARRAY_SIZE(streets_gb), ARRAY_SIZE(streets_cn),
					       ARRAY_SIZE(streets_us)};

static const demo_word mail_gb[] = {
	{"gmail.com", 40},   {"outlook.com", 15},   {"hotmail.co.uk", 15},
	{"yahoo.co.uk", 10}, {"btinternet.com", 8}, {"icloud.com", 12},
};
static const demo_word mail_cn[] = {
	{"qq.com", 45},	 {"163.com", 25},    {"126.com", 10},
	{"sina.com", 6}, {"foxmail.com", 6}, {"gmail.com", 8},
};
static const demo_word mail_us[] = {
	{"gmail.com", 45},  {"yahoo.com", 15}, {"outlook.com", 12},
	{"icloud.com", 14}, {"aol.com", 4},    {"hotmail.com", 10},
};
const demo_word *const demo_mail_domains[DEMO_COUNTRIES] = {mail_gb, mail_cn, mail_us};
const size_t demo_n_mail_domains[DEMO_COUNTRIES] = {ARRAY_SIZE(mail_gb), ARRAY_SIZE(mail_cn),
						    ARRAY_SIZE(mail_us)};

const char *const demo_agents_en[] = {
	"Emma Clarke",	  "James Patel", "Sophie Turner", "Daniel Hughes",
	"Olivia Bennett", "Ryan Murphy", "Chloe Evans",	  "Marcus Lee",
};
const char *const demo_agents_zh[] = {
	"王丽", "陈杰", "刘婷", "张磊", "赵敏", "孙浩", "周静", "吴鹏",
};
const size_t demo_n_agents_en = ARRAY_SIZE(demo_agents_en);
const size_t demo_n_agents_zh = ARRAY_SIZE(demo_agents_zh);
