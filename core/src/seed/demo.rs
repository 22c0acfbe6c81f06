//! A deterministic demo data set: vendors, skilled individuals and volunteers, elderly
//! people and two months of past cases, placed inside the real Xianyang districts.
//!
//! Same seed and same day give the same data, so a screenshot or a bug report made on one
//! machine can be reproduced on another. The people are invented; the places are real.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use hotline_domain::flow::{apply, ReminderDraft, Targets, TypeRules};
use hotline_domain::{
    Assignee, CaseAction, CaseFlow, CaseStatus, CaseType, Category, Channel, FlowPolicy, Role,
    Satisfaction, StaffUser, TrackingNumber,
};

use super::{DistrictShape, Point, SeedError};
use crate::clock::china_offset;
use crate::store::{
    NewCase, NewCaseEvent, NewElderly, NewProvider, NewVendor, RegionSeed, Store, StoreError,
    UserRow,
};

/// How big the demo city is. The defaults fill every list and the map without making the
/// first start slow.
#[derive(Debug, Clone, Copy)]
pub struct DemoSize {
    pub vendors: usize,
    pub providers: usize,
    pub elderly: usize,
    pub past_cases: usize,
    /// Web requests still waiting for an agent, so the agents' list is not empty.
    pub waiting_requests: usize,
}

impl Default for DemoSize {
    fn default() -> Self {
        DemoSize {
            vendors: 420,
            providers: 260,
            elderly: 1800,
            past_cases: 900,
            waiting_requests: 6,
        }
    }
}

/// A demo staff account; the password hash is filled in by whoever loads the demo.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: hotline_domain::Role,
    pub department_code: Option<&'static str>,
    pub vendor_index: Option<usize>,
    pub password_hash: String,
}

/// The government departments (联动部门) cases are sent to, with the major service
/// categories each usually handles.
pub const DEPARTMENTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "D01",
        "咸阳市人力资源和社会保障局",
        "029-33211601",
        &["05", "06"],
    ),
    ("D02", "咸阳市住房和城乡建设局", "029-33211602", &["10"]),
    ("D03", "咸阳市城市管理执法局", "029-33211603", &["07"]),
    ("D04", "咸阳市市场监督管理局", "029-33211604", &["14"]),
    ("D05", "咸阳市交通运输局", "029-33211605", &["09"]),
    ("D06", "咸阳市生态环境局", "029-33211606", &["13"]),
    ("D07", "咸阳市公安局", "029-33211607", &["12"]),
    ("D08", "咸阳市教育局", "029-33211608", &["11"]),
    ("D09", "咸阳市卫生健康委员会", "029-33211609", &["04"]),
    ("D10", "咸阳市民政局", "029-33211610", &["03", "15"]),
    ("D11", "咸阳市水务局", "029-33211611", &["08"]),
    ("D12", "国网咸阳供电公司", "029-33211612", &["08"]),
    ("D13", "咸阳市农业农村局", "029-33211613", &["18"]),
    ("D14", "咸阳市文化和旅游局", "029-33211614", &["19"]),
    ("D15", "咸阳市行政审批服务局", "029-33211615", &["16"]),
    ("D16", "咸阳市司法局", "029-33211616", &["17"]),
    ("D17", "秦都区人民政府", "029-33211617", &["20"]),
    ("D18", "渭城区人民政府", "029-33211618", &["20"]),
];

/// The password of every demo account (listed in the README; demo databases only).
pub const DEMO_PASSWORD: &str = "hotline-demo-2026";

#[derive(Debug, Clone)]
pub struct DemoCase {
    pub tracking_number: TrackingNumber,
    pub channel: Channel,
    /// Where the case stands (status, type, category, parts with synthetic ids).
    pub flow: CaseFlow,
    pub content: String,
    pub contact_name: Option<String>,
    pub phone: String,
    pub anonymous: bool,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub events: Vec<NewCaseEvent>,
    /// Reminders still chasing something, by part index.
    pub reminders: Vec<ReminderDraft>,
    /// Steps the state machine refused while generating (always empty unless this file
    /// has a bug).
    pub refused: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoData {
    pub vendors: Vec<NewVendor>,
    pub providers: Vec<NewProvider>,
    pub elderly: Vec<NewElderly>,
    pub cases: Vec<DemoCase>,
    pub users: Vec<DemoUser>,
}

impl DemoData {
    /// The highest tracking-number sequence used per day, so that requests filed after the
    /// demo is loaded continue the numbering instead of colliding with it.
    pub fn counters(&self) -> Vec<(String, i64)> {
        let mut max: BTreeMap<String, i64> = BTreeMap::new();
        for c in &self.cases {
            let (date, seq) = c.tracking_number.as_str().split_at(8);
            let seq: i64 = seq.parse().unwrap_or(0);
            let entry = max.entry(format!("tracking:{date}")).or_default();
            *entry = (*entry).max(seq);
        }
        max.into_iter().collect()
    }
}

/// SplitMix64: tiny, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "雷", "党", "寇", "同", "屈", "惠",
];
const GIVEN_MALE: &[&str] = &[
    "建国", "志强", "国强", "建军", "海军", "卫东", "振华", "文斌", "德胜", "永刚", "明亮", "俊杰",
    "宏伟", "利民", "兴旺", "长生", "保平", "春生", "铁柱", "新民", "伟", "军", "勇", "涛", "斌",
];
const GIVEN_FEMALE: &[&str] = &[
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "淑珍", "丽娟", "红梅", "海燕", "春花", "翠萍",
    "秀芳", "慧敏", "雪梅", "静", "丽", "敏", "娟", "芳", "霞", "燕", "玲", "萍", "婷",
];
const ROADS: &[&str] = &[
    "人民路",
    "渭阳路",
    "世纪大道",
    "文林路",
    "乐育路",
    "中华路",
    "玉泉路",
    "朝阳路",
    "西兰路",
    "彩虹路",
    "胜利街",
    "团结路",
    "民生路",
    "建设路",
    "新兴路",
    "北环路",
    "东风路",
    "迎宾大道",
];
const TRADE_WORDS: &[&str] = &[
    "安康",
    "惠民",
    "家和",
    "福顺",
    "康乐",
    "邻里",
    "暖阳",
    "诚信",
    "秦川",
    "渭水",
    "丰泰",
    "顺达",
    "好帮手",
    "乐居",
    "同心",
    "鑫源",
    "长乐",
    "金桥",
    "宜家",
    "万家",
];
const HEALTH: &[(&str, &str)] = &[
    ("高血压", "苯磺酸氨氯地平片 5mg 每日一次"),
    ("2型糖尿病", "二甲双胍缓释片 0.5g 每日两次"),
    (
        "冠心病，曾放支架",
        "阿司匹林肠溶片 100mg 每日一次；随身携带硝酸甘油",
    ),
    ("慢性阻塞性肺疾病", "噻托溴铵吸入剂 每日一次"),
    ("轻度认知障碍，易走失", "多奈哌齐 5mg 每晚一次"),
    ("脑梗后遗症，左侧肢体活动不便", "氯吡格雷 75mg 每日一次"),
    ("骨质疏松，曾髋部骨折", "碳酸钙 D3 片 每日一次"),
    ("白内障术后，视力差", "妥布霉素地塞米松滴眼液"),
    ("听力下降，佩戴助听器", ""),
    ("帕金森病", "多巴丝肼片 每日三次"),
];
const IDENTITY: &[&str] = &[
    "普通",
    "低保",
    "空巢",
    "独居",
    "失能",
    "高龄",
    "优抚对象",
    "五保",
];
const RELATIONS: &[&str] = &["儿子", "女儿", "儿媳", "女婿", "孙子", "侄子", "社区网格员"];

/// Request texts that citizens actually send, each with the catalogue words it belongs to.
const REQUESTS: &[(&[&str], &str)] = &[
    (
        &["保洁", "清洁", "家政"],
        "家里刚装修完，想找正规家政公司做一次开荒保洁，请推荐附近评价好的。",
    ),
    (
        &["搬家"],
        "下周六从{road}搬到新小区，两室一厅，需要搬家公司，请帮忙联系报价。",
    ),
    (
        &["开锁"],
        "钥匙锁在屋里了，老人在门外等着，请尽快联系有资质的开锁师傅。",
    ),
    (
        &["管道", "疏通"],
        "厨房下水道堵塞，污水倒灌，请派人上门疏通。",
    ),
    (
        &["家电", "空调"],
        "空调不制冷，外机有异响，想找售后维修点上门检修。",
    ),
    (
        &["月嫂", "育婴", "保姆"],
        "家里老人瘫痪在床，想请一位住家保姆，要求有护理经验。",
    ),
    (
        &["供水"],
        "{road}一带从早上开始停水，没有接到通知，请问什么时候恢复供水？",
    ),
    (
        &["燃气", "天然气"],
        "楼道里闻到明显燃气味，担心泄漏，请尽快派人检查。",
    ),
    (
        &["供暖", "暖气"],
        "已经开始供暖，但家里暖气片不热，室温只有十二度。",
    ),
    (
        &["供电", "停电"],
        "小区频繁停电，一天停了三次，家里冰箱里的药品都坏了。",
    ),
    (
        &["路灯", "照明"],
        "{road}路灯坏了一个多月，晚上很黑，老人孩子出行不安全。",
    ),
    (
        &["噪音", "噪声"],
        "附近工地夜里十二点以后还在施工，噪音很大，严重影响休息。",
    ),
    (
        &["垃圾", "环卫"],
        "小区门口垃圾好几天没人清运，气味很大，请督促处理。",
    ),
    (
        &["占道", "摊"],
        "{road}人行道被摊贩长期占用，行人只能走机动车道。",
    ),
    (
        &["物业"],
        "物业费年年涨，电梯坏了半个月没人修，请相关部门监督。",
    ),
    (
        &["公交", "交通"],
        "希望增开早高峰的公交班次，等车时间太长。",
    ),
    (
        &["社保", "养老保险"],
        "想咨询灵活就业人员养老保险怎么缴费，每年最低缴多少？",
    ),
    (
        &["医保", "医疗保险"],
        "异地就医备案怎么办理？在西安住院能直接结算吗？",
    ),
    (
        &["就业", "招聘", "培训"],
        "下岗后想参加政府组织的免费技能培训，请问怎么报名？",
    ),
    (
        &["工资", "欠薪"],
        "在工地干了半年，老板拖欠工资三万多元，一直不给，请帮忙维权。",
    ),
    (
        &["低保", "救助"],
        "家里有重病人，收入很低，想了解申请低保需要什么材料。",
    ),
    (
        &["户籍", "户口", "身份证"],
        "孩子上学需要办户口迁移，请问需要到哪个派出所、带哪些材料？",
    ),
    (
        &["消费", "投诉", "维权"],
        "在商场买的电动车一个月就坏了，商家拒绝退换，请帮忙处理。",
    ),
    (
        &["食品"],
        "在小区门口超市买到过期食品，要求处理并查处商家。",
    ),
    (
        &["学", "教育"],
        "想咨询今年小学入学划片范围，我们小区对应哪所学校？",
    ),
    (
        &["养老", "老年"],
        "父亲八十多岁独居，想申请居家养老服务，请问有哪些补贴？",
    ),
    (
        &["企业", "营业执照"],
        "个体户营业执照年报怎么报？逾期了会不会罚款？",
    ),
    (
        &["农", "种植"],
        "今年苹果园遭了冰雹，想咨询农业保险怎么理赔。",
    ),
    (
        &["表扬"],
        "上次派来的维修师傅态度特别好，活也干得漂亮，想表扬一下。",
    ),
];

pub struct Generator<'a> {
    rng: Rng,
    districts: Vec<&'a DistrictShape>,
    /// District code → its streets; street code → its villages.
    children: BTreeMap<&'a str, Vec<&'a RegionSeed>>,
    minors: Vec<&'a Category>,
    now: DateTime<Utc>,
    /// Sequence numbers used per (district, birth date): ID numbers must be unique.
    id_sequences: BTreeMap<(String, NaiveDate), u32>,
    /// The categories each generated vendor offers, by vendor index.
    vendor_services: Vec<Vec<String>>,
}

impl<'a> Generator<'a> {
    pub fn new(
        seed: u64,
        now: DateTime<Utc>,
        regions: &'a [RegionSeed],
        shapes: &'a [DistrictShape],
        catalogue: &'a [Category],
    ) -> Generator<'a> {
        let mut children: BTreeMap<&str, Vec<&RegionSeed>> = BTreeMap::new();
        for r in regions {
            if let Some(p) = &r.region.parent_code {
                children.entry(p.as_str()).or_default().push(r);
            }
        }
        Generator {
            rng: Rng(seed),
            districts: shapes.iter().collect(),
            children,
            minors: catalogue.iter().filter(|c| c.level == 2).collect(),
            now,
            id_sequences: BTreeMap::new(),
            vendor_services: Vec::new(),
        }
    }

    pub fn generate(mut self, size: DemoSize) -> Result<DemoData, SeedError> {
        if self.districts.is_empty() || self.minors.is_empty() {
            return Err(SeedError::Malformed {
                file: "demo",
                line: 0,
                message: "no districts or no categories to generate demo data from".into(),
            });
        }
        let vendors: Vec<NewVendor> = (0..size.vendors).map(|i| self.vendor(i)).collect();
        self.vendor_services = vendors.iter().map(|v| v.services.clone()).collect();
        let providers = (0..size.providers).map(|_| self.provider()).collect();
        let elderly = (0..size.elderly).map(|i| self.elderly(i)).collect();
        let mut cases = self.past_cases(size.past_cases);
        cases.extend(self.waiting_requests(size.waiting_requests));
        number_cases(&mut cases);
        let users = demo_users(&cases);
        Ok(DemoData {
            vendors,
            providers,
            elderly,
            cases,
            users,
        })
    }

    fn person(&mut self) -> (String, bool) {
        let female = self.rng.chance(0.5);
        let given = if female {
            self.rng.pick(GIVEN_FEMALE)
        } else {
            self.rng.pick(GIVEN_MALE)
        };
        (format!("{}{}", self.rng.pick(SURNAMES), given), female)
    }

    fn mobile(&mut self) -> String {
        const PREFIXES: &[&str] = &[
            "130", "133", "135", "136", "138", "139", "150", "152", "153", "158", "159", "177",
            "180", "181", "186", "187", "189", "199",
        ];
        format!(
            "{}{:08}",
            self.rng.pick(PREFIXES),
            self.rng.range(0, 99_999_999)
        )
    }

    fn landline(&mut self) -> String {
        format!("029-3{:07}", self.rng.range(0, 9_999_999))
    }

    /// A uniformly random point inside a district's outline.
    fn point_in(&mut self, district: &DistrictShape) -> Point {
        let (min, max) = district.bbox();
        for _ in 0..1000 {
            let p = Point {
                lon: min.lon + self.rng.unit() * (max.lon - min.lon),
                lat: min.lat + self.rng.unit() * (max.lat - min.lat),
            };
            if district.contains(p) {
                return Point {
                    lon: (p.lon * 1e5).round() / 1e5,
                    lat: (p.lat * 1e5).round() / 1e5,
                };
            }
        }
        district.center
    }

    /// A district (weighted towards the urban ones, where most calls come from), one of
    /// its streets and one of that street's villages or communities.
    fn place(
        &mut self,
    ) -> (
        &'a DistrictShape,
        Option<&'a RegionSeed>,
        Option<&'a RegionSeed>,
    ) {
        let district = if self.rng.chance(0.45) {
            // 秦都区, 渭城区, 兴平市 and 杨陵区 hold most of the urban population.
            let urban: Vec<&DistrictShape> = self
                .districts
                .iter()
                .copied()
                .filter(|d| {
                    ["秦都", "渭城", "兴平", "杨陵"]
                        .iter()
                        .any(|n| d.name.contains(n))
                })
                .collect();
            if urban.is_empty() {
                *self.rng.pick(&self.districts)
            } else {
                *self.rng.pick(&urban)
            }
        } else {
            *self.rng.pick(&self.districts)
        };
        let street = self
            .children
            .get(district.code.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| *self.rng.pick(s));
        let village = street
            .and_then(|s| self.children.get(s.region.code.as_str()))
            .filter(|v| !v.is_empty())
            .map(|v| *self.rng.pick(v));
        (district, street, village)
    }

    fn address(&mut self, street: Option<&RegionSeed>, village: Option<&RegionSeed>) -> String {
        let mut address = String::new();
        if let Some(s) = street {
            address.push_str(&s.region.name);
        }
        if let Some(v) = village {
            address.push_str(&v.region.name);
        }
        let road = self.rng.pick(ROADS);
        address.push_str(&format!("{road}{}号", self.rng.range(1, 300)));
        address
    }

    fn days_ago(&mut self, max_days: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(self.rng.range(60, max_days * 24 * 60))
    }

    fn services_for(&mut self, words: &[&str], n: usize) -> Vec<String> {
        let matching: Vec<&Category> = self
            .minors
            .iter()
            .copied()
            .filter(|c| words.iter().any(|w| c.name_zh.contains(w)))
            .collect();
        let pool = if matching.is_empty() {
            self.minors.clone()
        } else {
            matching
        };
        let mut codes: Vec<String> = (0..n).map(|_| self.rng.pick(&pool).code.clone()).collect();
        codes.sort();
        codes.dedup();
        codes
    }

    fn vendor(&mut self, i: usize) -> NewVendor {
        let (district, street, _) = self.place();
        let position = self.point_in(district);
        let trade = self.rng.pick(TRADE_WORDS);
        let short = district.name.trim_end_matches(['区', '县', '市']);
        let (suffix, words): (&str, &[&str]) = match i % 6 {
            0 | 1 => (
                "家政服务有限公司",
                &["保洁", "保姆", "月嫂", "钟点", "家政", "搬家"],
            ),
            2 => ("家电维修服务部", &["维修", "家电", "空调", "疏通"]),
            3 => ("居家养老服务中心", &["养老", "老年", "护理", "助餐"]),
            4 => ("搬家运输有限公司", &["搬家", "运输", "货运"]),
            _ => ("便民服务社", &["开锁", "疏通", "维修", "送水", "保洁"]),
        };
        let (contact_name, _) = self.person();
        let count = 1 + self.rng.below(4);
        let services = self.services_for(words, count);
        let status = *self.rng.pick(&[
            "active",
            "active",
            "active",
            "active",
            "active",
            "active",
            "inspection_due",
            "suspended",
            "exited",
        ]);
        NewVendor {
            name: format!("咸阳市{short}{trade}{suffix}"),
            kind: if i % 6 == 5 {
                "individual_business"
            } else {
                "company"
            }
            .to_string(),
            district_code: district.code.clone(),
            street_code: street.map(|s| s.region.code.clone()),
            address: self.address(street, None),
            phone: self.mobile(),
            contact_name,
            hotline: self.rng.chance(0.6).then(|| self.landline()),
            status: status.to_string(),
            credit_grade: self
                .rng
                .pick(&["AAA", "AA", "A", "A", "B", "B", "C"])
                .to_string(),
            franchise_type: self
                .rng
                .pick(&["加盟企业", "合作企业", "个体工商户"])
                .to_string(),
            staff_count: self.rng.range(2, 180) as i32,
            registered_capital: self.rng.range(1, 500) * 10_000,
            home_care: i % 6 == 3 || self.rng.chance(0.15),
            volunteer: self.rng.chance(0.1),
            lon: position.lon,
            lat: position.lat,
            created_at: self.days_ago(900),
            services,
        }
    }

    fn provider(&mut self) -> NewProvider {
        let (district, _, _) = self.place();
        let position = self.point_in(district);
        let (name, _) = self.person();
        let volunteer = self.rng.chance(0.4);
        let skill = self.services_for(
            &[
                "维修", "开锁", "疏通", "保洁", "理发", "护理", "陪护", "家教", "缝纫",
            ],
            1,
        );
        NewProvider {
            name,
            kind: if volunteer { "volunteer" } else { "skilled" }.to_string(),
            service_mode: if volunteer {
                "free".to_string()
            } else {
                self.rng.pick(&["paid", "paid", "low_paid"]).to_string()
            },
            support_system: if volunteer {
                "volunteer".to_string()
            } else {
                self.rng.pick(&["market", "organisation"]).to_string()
            },
            district_code: district.code.clone(),
            phone: self.mobile(),
            skill_code: skill.into_iter().next().unwrap_or_default(),
            lon: position.lon,
            lat: position.lat,
            created_at: self.days_ago(700),
        }
    }

    fn elderly(&mut self, i: usize) -> NewElderly {
        let (district, street, village) = self.place();
        let position = self.point_in(district);
        let (name, female) = self.person();
        let today = self.now.with_timezone(&china_offset()).date_naive();
        let age_days = self.rng.range(60 * 365 + 15, 98 * 365);
        let birth_date = today - Duration::days(age_days);
        let health = (self.rng.chance(0.7)).then(|| *self.rng.pick(HEALTH));
        let onekey = self.rng.chance(0.35);
        let (child, _) = self.person();
        let sequence = self
            .id_sequences
            .entry((district.code.clone(), birth_date))
            .or_default();
        *sequence += 1;
        let sequence = *sequence;
        NewElderly {
            name,
            gender: if female { "F" } else { "M" }.to_string(),
            birth_date,
            id_number: id_number(&district.code, birth_date, sequence, female),
            identity_category: self.rng.pick(IDENTITY).to_string(),
            service_card_no: format!("XY{:08}", 10_000_000 + i),
            district_code: district.code.clone(),
            street_code: street.map(|s| s.region.code.clone()),
            village_code: village.map(|v| v.region.code.clone()),
            address: self.address(street, village),
            phone: self.rng.chance(0.6).then(|| self.mobile()),
            onekey_phone: onekey.then(|| self.landline()),
            health_notes: health.map(|(h, _)| h.to_string()),
            medications: health.map(|(_, m)| m.to_string()).filter(|m| !m.is_empty()),
            contact_name: child,
            contact_relation: self.rng.pick(RELATIONS).to_string(),
            contact_phone: self.mobile(),
            lon: position.lon,
            lat: position.lat,
            created_at: self.days_ago(1000),
        }
    }

    /// A request text and a category whose name fits it. Texts whose words match no
    /// category are drawn again, so a complaint about unpaid wages is never filed under
    /// appliance repair.
    fn request_text(&mut self) -> (String, String) {
        let mut tries = 0;
        let (text, category) = loop {
            let (words, text) = *self.rng.pick(REQUESTS);
            let matching: Vec<&Category> = self
                .minors
                .iter()
                .copied()
                .filter(|c| words.iter().any(|w| c.name_zh.contains(w)))
                .collect();
            tries += 1;
            if !matching.is_empty() {
                break (text, self.rng.pick(&matching).code.clone());
            }
            if tries > 20 {
                break (text, self.rng.pick(&self.minors).code.clone());
            }
        };
        let road = self.rng.pick(ROADS);
        (category, text.replace("{road}", road))
    }

    fn case_type_for(&mut self, category_code: &str) -> CaseType {
        let name = self
            .minors
            .iter()
            .find(|c| c.code == category_code)
            .map(|c| c.name_zh.as_str())
            .unwrap_or_default();
        if ["保洁", "搬家", "开锁", "疏通", "维修", "保姆", "月嫂"]
            .iter()
            .any(|w| name.contains(w))
        {
            CaseType::Household
        } else if name.contains("表扬") {
            CaseType::Praise
        } else if name.contains("养老") {
            CaseType::HomeCare
        } else {
            *self.rng.pick(&[
                CaseType::Consultation,
                CaseType::Consultation,
                CaseType::Complaint,
                CaseType::PublicAffairs,
                CaseType::SimpleMatter,
            ])
        }
    }

    fn past_cases(&mut self, n: usize) -> Vec<DemoCase> {
        (0..n)
            .map(|_| {
                let at = self.days_ago(60);
                self.played_case(at)
            })
            .collect()
    }

    fn waiting_requests(&mut self, n: usize) -> Vec<DemoCase> {
        let today = self.now.with_timezone(&china_offset()).date_naive();
        let start = china_offset()
            .from_local_datetime(&today.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc);
        let minutes = (self.now - start).num_minutes().max(1);
        (0..n)
            .map(|_| {
                let at = start + Duration::minutes(self.rng.range(0, minutes - 1));
                let mut case = self.new_case(at);
                case.channel = Channel::Web;
                case.events[0].actor = "citizen:web".into();
                case
            })
            .collect()
    }

    /// A case as filed at `at`, before anyone took a step.
    fn new_case(&mut self, at: DateTime<Utc>) -> DemoCase {
        let (category_code, content) = self.request_text();
        let (district, street, village) = self.place();
        let position = self.point_in(district);
        let anonymous = self.rng.chance(0.08);
        let (name, female) = self.person();
        let contact_name = (!anonymous).then(|| {
            let surname: String = name.chars().take(1).collect();
            format!("{surname}{}", if female { "女士" } else { "先生" })
        });
        let channel = *self.rng.pick(&[
            Channel::Phone,
            Channel::Phone,
            Channel::Phone,
            Channel::Web,
            Channel::Sms,
            Channel::WeChat,
        ]);
        DemoCase {
            tracking_number: TrackingNumber::new(at.with_timezone(&china_offset()).date_naive(), 0),
            channel,
            flow: CaseFlow::new(&category_code, CaseStatus::Submitted, at),
            content,
            contact_name,
            phone: self.mobile(),
            anonymous,
            district_code: Some(district.code.clone()),
            address: Some(self.address(street, village)),
            lon: Some(position.lon),
            lat: Some(position.lat),
            created_at: at,
            updated_at: at,
            events: vec![NewCaseEvent {
                at,
                actor: format!("citizen:{}", channel.as_code()),
                kind: "submitted".into(),
                from: None,
                to: Some(CaseStatus::Submitted),
                note: None,
            }],
            reminders: Vec::new(),
            refused: Vec::new(),
        }
    }

    /// A case filed at `at` and taken, step by step through the real state machine, as far
    /// as it would have got by now: older cases are archived, recent ones are still with a
    /// department or waiting for a callback, some took long enough to show yellow or red.
    fn played_case(&mut self, at: DateTime<Utc>) -> DemoCase {
        let case = self.new_case(at);
        let case_type = self.case_type_for(&case.flow.category_code);
        let category_code = case.flow.category_code.clone();
        let agent = demo_staff(
            &format!("agent{}", 1001 + self.rng.below(27)),
            Role::Agent,
            None,
            None,
        );
        let lead = demo_staff("lead", Role::ShiftLead, None, None);
        let mut p = Player::new(case, self.now);
        let first = if p.case.channel == Channel::Phone {
            (0, 3)
        } else {
            (2, 180)
        };
        p.step(self.minutes(first), &agent, CaseAction::Accept);
        let remind_at = (case_type == CaseType::Pending)
            .then(|| p.t + Duration::minutes(self.rng.range(60, 60 * 72)));
        p.step(
            self.minutes((1, 6)),
            &agent,
            CaseAction::Classify {
                case_type,
                category_code,
                remind_at,
            },
        );
        let rules = TypeRules::of(case_type);
        let satisfaction = *self.rng.pick(&[
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Unconfirmed,
            Satisfaction::Dissatisfied,
        ]);
        if rules.answer_at_once && self.rng.chance(0.7) {
            let reply = self.rng.pick(REPLIES).to_string();
            p.step(self.minutes((2, 12)), &agent, CaseAction::Answer { reply });
        } else if rules.recommend && self.rng.chance(0.5) {
            let offering = self.vendors_offering(&p.case.flow.category_code, 3);
            if !offering.is_empty() {
                p.step(
                    self.minutes((3, 15)),
                    &agent,
                    CaseAction::Recommend {
                        vendors: offering,
                        note: "已告知来电人企业电话".into(),
                    },
                );
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            }
        } else if rules.centre_handles && (rules.targets == Targets::None || self.rng.chance(0.6)) {
            if case_type != CaseType::Pending || self.rng.chance(0.8) {
                let result = self.rng.pick(CENTRE_RESULTS).to_string();
                p.step(
                    self.minutes((10, 60 * 20)),
                    &agent,
                    CaseAction::HandleInCentre { result },
                );
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            }
        } else if rules.targets == Targets::Departments
            || (rules.targets == Targets::OneVendor && !self.vendor_services.is_empty())
        {
            let first = self.assignee_for(&p.case.flow.category_code, rules.targets);
            let mut to = vec![first];
            if rules.targets == Targets::Departments && self.rng.chance(0.1) {
                let second = self.assignee_for("2001", Targets::Departments);
                if second != first {
                    to.push(second);
                }
            }
            self.handle_round(&mut p, &agent, &lead, to, rules.targets);
            if satisfaction == Satisfaction::Dissatisfied {
                p.step(
                    self.minutes((60, 60 * 30)),
                    &agent,
                    CaseAction::Callback {
                        satisfaction,
                        note: "来电人表示问题未解决".into(),
                    },
                );
                let again = vec![p
                    .case
                    .flow
                    .assignments
                    .last()
                    .map(|a| a.assignee)
                    .unwrap_or(first)];
                self.handle_round(&mut p, &agent, &lead, again, rules.targets);
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            } else {
                self.callback_and_archive(&mut p, &agent, satisfaction);
            }
        }
        p.finish()
    }

    fn minutes(&mut self, (lo, hi): (i64, i64)) -> Duration {
        Duration::minutes(self.rng.range(lo, hi))
    }

    /// Dispatch to `to`; each confirms, some return or ask for more days, then feed back.
    fn handle_round(
        &mut self,
        p: &mut Player,
        agent: &StaffUser,
        lead: &StaffUser,
        mut to: Vec<Assignee>,
        targets: Targets,
    ) {
        let days = (self.rng.chance(0.2)).then(|| self.rng.range(3, 15) as u32);
        p.step(
            self.minutes((2, 40)),
            agent,
            CaseAction::Dispatch {
                to: to.clone(),
                note: String::new(),
                days,
            },
        );
        // A wrong department now and then: it returns the case, the lead agrees, and the
        // case goes to another one.
        if targets == Targets::Departments && to.len() == 1 && self.rng.chance(0.08) {
            let wrong = demo_assignee_user(to[0]);
            p.step(self.minutes((5, 25)), &wrong, CaseAction::Confirm);
            p.step(
                self.minutes((20, 600)),
                &wrong,
                CaseAction::Return {
                    reason: self.rng.pick(RETURN_REASONS).to_string(),
                },
            );
            let Some(id) = p.last_part_id() else {
                p.stopped = true;
                return;
            };
            p.step(
                self.minutes((10, 240)),
                lead,
                CaseAction::ReviewReturn {
                    assignment_id: id,
                    justified: true,
                    note: String::new(),
                },
            );
            let other = loop {
                let candidate = Assignee::Department(1 + self.rng.below(DEPARTMENTS.len()) as i64);
                if candidate != to[0] {
                    break candidate;
                }
            };
            to = vec![other];
            p.step(
                self.minutes((5, 60)),
                lead,
                CaseAction::Dispatch {
                    to: to.clone(),
                    note: String::new(),
                    days: None,
                },
            );
        }
        // Recently dispatched cases: some departments have not got to them yet (the inbox
        // and the overdue-confirmation counter have something to show).
        if p.t > self.now - Duration::days(2) && self.rng.chance(0.3) {
            p.stopped = true;
            return;
        }
        for assignee in &to {
            let user = demo_assignee_user(*assignee);
            // Most confirm well within the half hour; a few are late.
            let delay = if self.rng.chance(0.85) {
                (2, 28)
            } else {
                (31, 240)
            };
            p.step(self.minutes(delay), &user, CaseAction::Confirm);
        }
        for assignee in &to {
            let user = demo_assignee_user(*assignee);
            if self.rng.chance(0.1) {
                p.step(
                    self.minutes((60 * 20, 60 * 96)),
                    &user,
                    CaseAction::RequestExtension {
                        days: self.rng.range(3, 10) as u32,
                        reason: "需协调多个部门现场处置".into(),
                    },
                );
                let Some(id) = p.part_id_of(*assignee) else {
                    p.stopped = true;
                    return;
                };
                let approve = self.rng.chance(0.8);
                p.step(
                    self.minutes((30, 600)),
                    lead,
                    CaseAction::DecideExtension {
                        assignment_id: id,
                        approve,
                        note: String::new(),
                    },
                );
            }
            // Handling time: mostly within five days, some past five, a few past seven.
            let hours = match self.rng.below(20) {
                0 => (24 * 7, 24 * 10),
                1 | 2 => (24 * 5, 24 * 7),
                _ => (2, 24 * 4),
            };
            let result = self.rng.pick(FEEDBACK).to_string();
            p.step(
                self.minutes((hours.0 * 60, hours.1 * 60)),
                &user,
                CaseAction::Feedback {
                    result,
                    disposition_code: Some(
                        self.rng.pick(&["01", "01", "01", "02", "03"]).to_string(),
                    ),
                },
            );
        }
    }

    fn callback_and_archive(
        &mut self,
        p: &mut Player,
        agent: &StaffUser,
        satisfaction: Satisfaction,
    ) {
        p.step(
            self.minutes((60, 60 * 30)),
            agent,
            CaseAction::Callback {
                satisfaction,
                note: String::new(),
            },
        );
        p.step(self.minutes((5, 60 * 12)), agent, CaseAction::Archive);
    }

    /// Up to `n` vendors offering a service, by synthetic id.
    fn vendors_offering(&mut self, category_code: &str, n: usize) -> Vec<i64> {
        let offering: Vec<i64> = (0..self.vendor_services.len())
            .filter(|i| self.vendor_services[*i].iter().any(|c| c == category_code))
            .map(|i| i as i64 + 1)
            .collect();
        let mut picked = Vec::new();
        for _ in 0..n {
            if offering.is_empty() {
                break;
            }
            let v = *self.rng.pick(&offering);
            if !picked.contains(&v) {
                picked.push(v);
            }
        }
        picked
    }

    /// Household and home-care work goes to a vendor offering it; everything else to the
    /// department that handles its major category. Synthetic ids (see [`demo_department`]).
    fn assignee_for(&mut self, category_code: &str, targets: Targets) -> Assignee {
        if targets == Targets::OneVendor && !self.vendor_services.is_empty() {
            let offering = self.vendors_offering(category_code, 1);
            return Assignee::Vendor(
                offering
                    .first()
                    .copied()
                    .unwrap_or_else(|| 1 + self.rng.below(self.vendor_services.len()) as i64),
            );
        }
        let major = &category_code[..2];
        let handling: Vec<usize> = DEPARTMENTS
            .iter()
            .enumerate()
            .filter(|(_, (_, _, _, majors))| majors.contains(&major))
            .map(|(i, _)| i)
            .collect();
        let index = if handling.is_empty() {
            DEPARTMENTS.len() - 1 - self.rng.below(2)
        } else {
            *self.rng.pick(&handling)
        };
        Assignee::Department(index as i64 + 1)
    }
}

/// While generating, departments are numbered by their place in [`DEPARTMENTS`] (from 1)
/// and vendors by their place in [`DemoData::vendors`] (from 1); the loader maps these to
/// the stored ids.
pub fn demo_department(id: i64) -> Option<&'static str> {
    usize::try_from(id - 1)
        .ok()
        .and_then(|i| DEPARTMENTS.get(i))
        .map(|d| d.0)
}

fn demo_staff(
    username: &str,
    role: Role,
    department_id: Option<i64>,
    vendor_id: Option<i64>,
) -> StaffUser {
    StaffUser {
        id: 0,
        username: username.to_string(),
        display_name: username.to_string(),
        role,
        department_id,
        department_name: None,
        vendor_id,
        vendor_name: None,
        permissions: role.default_permissions().to_vec(),
    }
}

fn demo_assignee_user(assignee: Assignee) -> StaffUser {
    match assignee {
        Assignee::Department(id) => demo_staff(
            &format!("dept.{}", demo_department(id).unwrap_or("?").to_lowercase()),
            Role::Department,
            Some(id),
            None,
        ),
        Assignee::Vendor(id) => demo_staff(&format!("vendor.{id}"), Role::Vendor, None, Some(id)),
    }
}

/// Plays steps on one case, stopping for good at the first step that would lie in the
/// future.
struct Player {
    case: DemoCase,
    t: DateTime<Utc>,
    now: DateTime<Utc>,
    stopped: bool,
}

impl Player {
    fn new(case: DemoCase, now: DateTime<Utc>) -> Player {
        Player {
            t: case.created_at,
            case,
            now,
            stopped: false,
        }
    }

    fn step(&mut self, delay: Duration, who: &StaffUser, action: CaseAction) {
        if self.stopped {
            return;
        }
        let at = crate::clock::storable(self.t + delay);
        if at > self.now {
            self.stopped = true;
            return;
        }
        let step = match apply(&self.case.flow, who, &action, at, &FlowPolicy::default()) {
            Ok(step) => step,
            Err(e) => {
                // A demo script that breaks the rules is a bug in this file; the test
                // `played_cases_follow_the_rules` catches it.
                self.case.refused.push(format!("{action:?}: {e:?}"));
                self.stopped = true;
                return;
            }
        };
        self.case.events.push(NewCaseEvent {
            at,
            actor: who.actor(),
            kind: step.kind.as_code().into(),
            from: Some(step.from),
            to: Some(step.to),
            note: step.note.clone(),
        });
        self.case.reminders.extend(step.reminders.iter().copied());
        self.case.flow = step.flow;
        // Give new parts ids so later steps can name them (the loader stores them anew).
        for (i, a) in self.case.flow.assignments.iter_mut().enumerate() {
            a.id.get_or_insert(i as i64 + 1);
        }
        self.case.updated_at = at;
        self.t = at;
    }

    fn last_part_id(&self) -> Option<i64> {
        self.case.flow.assignments.last().and_then(|a| a.id)
    }

    fn part_id_of(&self, assignee: Assignee) -> Option<i64> {
        self.case
            .flow
            .assignments
            .iter()
            .rev()
            .find(|a| a.is_open() && a.assignee == assignee)
            .and_then(|a| a.id)
    }

    /// The case as it stands, with only the reminders that still chase something.
    fn finish(mut self) -> DemoCase {
        let flow = &self.case.flow;
        self.case
            .reminders
            .retain(|r| flow.reminder_due(r.kind, r.assignment).is_some());
        self.case
    }
}

const REPLIES: &[&str] = &[
    "已按政策口径答复来电人，来电人表示清楚。",
    "已告知办理地点、所需材料及办理时间。",
    "已告知来电人可通过政务服务网在线办理。",
    "已提供相关部门咨询电话，来电人表示满意。",
];

const CENTRE_RESULTS: &[&str] = &[
    "已联系相关人员处理完毕。",
    "中心已核实情况并答复来电人。",
    "已转告相关单位负责人，情况已处理。",
];

const RETURN_REASONS: &[&str] = &[
    "该事项不属于本单位职责范围，建议转属地政府。",
    "经核实，该问题应由市场监管部门处理。",
    "诉求地址不在本辖区。",
];

const FEEDBACK: &[&str] = &[
    "已派工作人员现场处理，问题已解决，已电话告知来电人。",
    "经核实，已责令相关单位限期整改，整改已完成。",
    "已协调供水（供暖）单位抢修，已恢复正常。",
    "已按政策为来电人办理，来电人认可。",
    "经调查情况属实，已依法作出处理。",
];

/// One account per role. The vendor account belongs to the vendor with the most orders, so
/// signing in as it shows a full list.
fn demo_users(cases: &[DemoCase]) -> Vec<DemoUser> {
    let mut orders: BTreeMap<usize, usize> = BTreeMap::new();
    for c in cases {
        for a in &c.flow.assignments {
            if let Assignee::Vendor(id) = a.assignee {
                *orders.entry(id as usize - 1).or_default() += 1;
            }
        }
    }
    let busiest = orders
        .iter()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(**i)))
        .map(|(i, _)| *i);
    let user = |username, display_name, role, department_code, vendor_index| DemoUser {
        username,
        display_name,
        role,
        department_code,
        vendor_index,
        password_hash: String::new(),
    };
    let mut users = vec![
        user("admin", "系统管理员 赵磊", Role::Admin, None, None),
        user("agent", "接线员 王静", Role::Agent, None, None),
        user("lead", "值班长 李强", Role::ShiftLead, None, None),
        // The next shift's lead, who takes the handover (A5).
        user("lead2", "夜班值班长 孙悦", Role::ShiftLead, None, None),
        user("dept", "市人社局 张敏", Role::Department, Some("D01"), None),
        user("care", "一键通坐席 刘芳", Role::Coordinator, None, None),
    ];
    if busiest.is_some() {
        users.push(user(
            "vendor",
            "加盟企业客服 陈晨",
            Role::Vendor,
            None,
            busiest,
        ));
    }
    users
}

/// Gives cases their tracking numbers in filing order, one sequence per local day, as the
/// live system would have.
fn number_cases(cases: &mut [DemoCase]) {
    cases.sort_by_key(|c| c.created_at);
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for case in cases {
        let date = case.created_at.with_timezone(&china_offset()).date_naive();
        let seq = per_day.entry(date).or_default();
        *seq += 1;
        case.tracking_number = TrackingNumber::new(date, *seq);
    }
}

/// An 18-digit resident ID number (GB 11643) with a valid check digit.
/// `sequence` (from 1) numbers the people of one area and birth date; the order code's last
/// digit is odd for men and even for women.
pub fn id_number(area: &str, birth: NaiveDate, sequence: u32, female: bool) -> String {
    let mut order = (sequence % 500) * 2 + 1;
    if female {
        order -= 1;
    }
    let body = format!(
        "{}{:04}{:02}{:02}{:03}",
        &area[..6.min(area.len())],
        birth.year(),
        birth.month(),
        birth.day(),
        order % 1000
    );
    let check = id_check_digit(&body);
    format!("{body}{check}")
}

/// The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number.
pub fn id_check_digit(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

/// Generates the demo data set for the day of `now`.
pub fn generate(seed: u64, now: DateTime<Utc>, size: DemoSize) -> Result<DemoData, SeedError> {
    let regions = super::regions()?;
    let shapes = super::district_shapes()?;
    let catalogue = super::catalogue()?;
    Generator::new(seed, now, &regions, &shapes, &catalogue).generate(size)
}

/// Writes the demo data set through the store's bulk load, in one transaction. The
/// generator numbers departments and vendors itself (see [`demo_department`]); the parts
/// and users are stored with the ids the rows were given.
pub async fn load(store: &dyn Store, demo: &DemoData) -> Result<(), StoreError> {
    let now = demo
        .cases
        .iter()
        .map(|c| c.updated_at)
        .max()
        .unwrap_or_else(Utc::now);
    let mut load = store.begin_load().await?;
    let mut department_ids = std::collections::HashMap::new();
    for (code, name, phone, _) in DEPARTMENTS {
        let department = hotline_domain::Department {
            id: 0,
            code: code.to_string(),
            name: name.to_string(),
            phone: Some(phone.to_string()),
            active: true,
        };
        department_ids.insert(*code, load.insert_department(&department, now).await?);
    }
    let mut vendor_ids = Vec::with_capacity(demo.vendors.len());
    for v in &demo.vendors {
        vendor_ids.push(load.insert_vendor(v).await?);
    }
    for p in &demo.providers {
        load.insert_provider(p).await?;
    }
    for e in &demo.elderly {
        load.insert_elderly(e).await?;
    }
    for c in &demo.cases {
        let mut flow = c.flow.clone();
        for a in &mut flow.assignments {
            a.id = None;
            a.assignee = match a.assignee {
                Assignee::Department(n) => {
                    let code = demo_department(n)
                        .ok_or_else(|| StoreError::Corrupt(format!("demo department {n}")))?;
                    Assignee::Department(department_ids[code])
                }
                Assignee::Vendor(n) => {
                    let id = vendor_ids
                        .get((n - 1) as usize)
                        .copied()
                        .ok_or_else(|| StoreError::Corrupt(format!("demo vendor {n}")))?;
                    Assignee::Vendor(id)
                }
            };
        }
        load.insert_case(&NewCase {
            tracking_number: &c.tracking_number,
            channel: c.channel,
            flow: &flow,
            content: &c.content,
            contact_name: c.contact_name.as_deref(),
            phone: &c.phone,
            anonymous: c.anonymous,
            district_code: c.district_code.as_deref(),
            address: c.address.as_deref(),
            lon: c.lon,
            lat: c.lat,
            created_at: c.created_at,
            updated_at: c.updated_at,
            events: &c.events,
            reminders: &c.reminders,
        })
        .await?;
    }
    for u in &demo.users {
        let user = UserRow {
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            role: u.role,
            department_id: u
                .department_code
                .and_then(|c| department_ids.get(c).copied()),
            vendor_id: u.vendor_index.and_then(|i| vendor_ids.get(i).copied()),
            password_hash: Some(u.password_hash.clone()),
            active: true,
        };
        load.insert_user(&user, now).await?;
    }
    for (name, value) in demo.counters() {
        load.raise_counter(&name, value).await?;
    }
    load.commit().await
}

/// The seed used by `seed-demo` and the first start.
pub const DEMO_SEED: u64 = 12345;

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-23T03:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_same_seed_and_day_give_the_same_city() {
        let size = DemoSize {
            vendors: 30,
            providers: 20,
            elderly: 50,
            past_cases: 40,
            waiting_requests: 3,
        };
        let a = generate(7, now(), size).unwrap();
        let b = generate(7, now(), size).unwrap();
        assert_eq!(
            a.vendors.iter().map(|v| &v.name).collect::<Vec<_>>(),
            b.vendors.iter().map(|v| &v.name).collect::<Vec<_>>()
        );
        assert_eq!(
            a.elderly.iter().map(|e| &e.id_number).collect::<Vec<_>>(),
            b.elderly.iter().map(|e| &e.id_number).collect::<Vec<_>>()
        );
        assert_eq!(a.cases.len(), 43);
    }

    #[test]
    fn everyone_is_placed_inside_their_own_district() {
        let shapes = crate::seed::district_shapes().unwrap();
        let demo = generate(
            1,
            now(),
            DemoSize {
                vendors: 60,
                providers: 0,
                elderly: 60,
                past_cases: 0,
                waiting_requests: 0,
            },
        )
        .unwrap();
        let inside = |code: &str, lon, lat| {
            shapes
                .iter()
                .find(|s| s.code == code)
                .unwrap()
                .contains(Point { lon, lat })
        };
        assert!(demo
            .vendors
            .iter()
            .all(|v| inside(&v.district_code, v.lon, v.lat)));
        assert!(demo
            .elderly
            .iter()
            .all(|e| inside(&e.district_code, e.lon, e.lat)));
    }

    #[test]
    fn elderly_are_sixty_or_older_with_valid_id_numbers() {
        let demo = generate(
            3,
            now(),
            DemoSize {
                vendors: 0,
                providers: 0,
                elderly: 3000,
                past_cases: 0,
                waiting_requests: 0,
            },
        )
        .unwrap();
        let today = now().date_naive();
        let ids: std::collections::HashSet<_> = demo.elderly.iter().map(|e| &e.id_number).collect();
        assert_eq!(ids.len(), demo.elderly.len(), "ID numbers are unique");
        for e in &demo.elderly {
            assert!(
                today.years_since(e.birth_date).unwrap() >= 60,
                "{}",
                e.birth_date
            );
            assert_eq!(e.id_number.len(), 18);
            assert!(e.id_number.starts_with("6104"));
        }
    }

    #[test]
    fn the_id_check_digit_follows_gb_11643() {
        // The standard's worked example: 11010519491231002X.
        assert_eq!(id_check_digit("11010519491231002"), 'X');
        let birth = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        let id = id_number("110105", birth, 0, true);
        assert_eq!(id_check_digit(&id[..17]), id.chars().last().unwrap());
    }

    #[test]
    fn played_cases_follow_the_rules() {
        let demo = generate(
            7,
            now(),
            DemoSize {
                vendors: 40,
                providers: 0,
                elderly: 0,
                past_cases: 400,
                waiting_requests: 3,
            },
        )
        .unwrap();
        let mut statuses = std::collections::BTreeSet::new();
        for c in &demo.cases {
            assert!(
                c.refused.is_empty(),
                "{}: {:?}",
                c.tracking_number,
                c.refused
            );
            statuses.insert(c.flow.status.as_code());
            for r in &c.reminders {
                assert!(c.flow.reminder_due(r.kind, r.assignment).is_some());
            }
        }
        // The data set shows every stage a centre works with.
        for expected in [
            "submitted",
            "dispatched",
            "confirmed",
            "fed_back",
            "archived",
        ] {
            assert!(
                statuses.contains(expected),
                "no {expected} case in {statuses:?}"
            );
        }
        let lights: std::collections::BTreeSet<_> = demo
            .cases
            .iter()
            .filter_map(|c| c.flow.light(now(), &FlowPolicy::default()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|l| l.as_code())
            .collect();
        assert_eq!(lights.len(), 3, "green, yellow and red cases: {lights:?}");
    }

    #[test]
    fn case_timelines_move_forward_and_end_in_the_case_state() {
        let demo = generate(
            5,
            now(),
            DemoSize {
                vendors: 0,
                providers: 0,
                elderly: 0,
                past_cases: 80,
                waiting_requests: 2,
            },
        )
        .unwrap();
        for c in &demo.cases {
            assert!(c.refused.is_empty(), "{:?}", c.refused);
            assert!(c.events.windows(2).all(|w| w[0].at <= w[1].at));
            assert_eq!(c.events.last().unwrap().to, Some(c.flow.status));
            assert!(c.updated_at <= now());
        }
        let counters = demo.counters();
        assert!(counters
            .iter()
            .all(|(name, v)| name.starts_with("tracking:") && *v > 0));
    }
}
