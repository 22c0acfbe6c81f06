//! Vendors (加盟企业) and skilled individuals or volunteers.

use hotline_domain::Category;

use super::text::TRADE_WORDS;
use super::Generator;
use crate::store::{NewProvider, NewVendor};

impl Generator<'_> {
    pub(super) fn services_for(&mut self, words: &[&str], n: usize) -> Vec<String> {
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

    pub(super) fn vendor(&mut self, i: usize) -> NewVendor {
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

    pub(super) fn provider(&mut self, i: usize) -> NewProvider {
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
            // By number, not drawn: the random sequence (and so the rest of the demo) stays
            // what it was before providers had a status.
            status: match i % 16 {
                7 => "paused",
                13 => "left",
                _ => "active",
            }
            .to_string(),
        }
    }
}
