//! The region code table (SPEC R5): city → district/county → street/township → community/village.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// GB/T 2260 code as published by `china-division`: 4 digits for the city (`6104`),
    /// 6 for districts and counties, 9 for streets and townships, 12 for villages.
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 city, 2 district/county, 3 street/township, 4 community/village.
    pub level: u8,
    pub name: String,
}

/// Finds the district a typed address lies in from the place names in it (SPEC P1: "a typed
/// address resolved against the region registry"): a district or county by its name, with or
/// without 区/县/市 ("秦都区", "秦都"); else a street or township by its full name
/// ("人民路街道", "马泉镇"); else a community or village ("乐育北路社区", "西坡村"). A level
/// whose names point at two districts decides nothing (a village name found in two counties),
/// and the next level is not asked either: an address naming two districts is not guessed.
#[derive(Debug, Clone, Default)]
pub struct PlaceNames {
    /// Per level (district, street, village): (name as written, its district's code),
    /// longest names first.
    levels: [Vec<(String, String)>; 3],
}

impl PlaceNames {
    /// From the registry's regions of levels 2–4 (others are ignored).
    pub fn new(regions: &[Region]) -> PlaceNames {
        let district_of = |r: &Region| -> Option<String> {
            match r.level {
                2 => Some(r.code.clone()),
                3 | 4 => r.code.get(..6).map(str::to_string),
                _ => None,
            }
        };
        let mut levels: [Vec<(String, String)>; 3] = Default::default();
        for r in regions {
            let Some(district) = district_of(r) else {
                continue;
            };
            let name = r.name.trim();
            let mut forms = vec![name.to_string()];
            match r.level {
                2 => {
                    if let Some(short) =
                        ["区", "县", "市"].iter().find_map(|s| name.strip_suffix(s))
                    {
                        if short.chars().count() >= 2 {
                            forms.push(short.to_string());
                        }
                    }
                }
                4 => {
                    // "乐育北路社区居委会" is written "乐育北路社区"; "西坡村委会" "西坡村".
                    for suffix in ["居委会", "委员会", "委会"] {
                        if let Some(short) = name.strip_suffix(suffix) {
                            forms.push(short.to_string());
                            break;
                        }
                    }
                }
                _ => {}
            }
            let level = usize::from(r.level - 2);
            for form in forms {
                // Too short to stand for a place on its own ("东村").
                if form.chars().count() >= 3 || (r.level == 2 && form.chars().count() >= 2) {
                    levels[level].push((form, district.clone()));
                }
            }
        }
        for level in &mut levels {
            level.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
            level.dedup();
        }
        PlaceNames { levels }
    }

    /// The district code the address names, or `None` when it names none or several.
    pub fn district_of(&self, address: &str) -> Option<String> {
        for level in &self.levels {
            let mut found: Option<&str> = None;
            for (name, district) in level {
                if address.contains(name.as_str()) {
                    match found {
                        None => found = Some(district),
                        Some(d) if d == district => {}
                        Some(_) => return None,
                    }
                }
            }
            if let Some(d) = found {
                return Some(d.to_string());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, level: u8, name: &str) -> Region {
        Region {
            code: code.into(),
            parent_code: None,
            level,
            name: name.into(),
        }
    }

    fn names() -> PlaceNames {
        PlaceNames::new(&[
            region("6104", 1, "咸阳市"),
            region("610402", 2, "秦都区"),
            region("610404", 2, "渭城区"),
            region("610481", 2, "兴平市"),
            region("610402001", 3, "人民路街道"),
            region("610404100", 3, "正阳街道"),
            region("610402001001", 4, "乐育北路社区居委会"),
            region("610404100201", 4, "西坡村委会"),
            region("610481100201", 4, "西坡村委会"),
            region("610481100202", 4, "东村委会"),
        ])
    }

    #[test]
    fn an_address_names_its_district_at_the_highest_level_it_names() {
        let n = names();
        assert_eq!(
            n.district_of("咸阳市秦都区渭阳西路 8 号").as_deref(),
            Some("610402")
        );
        assert_eq!(n.district_of("兴平东城路").as_deref(), Some("610481"));
        assert_eq!(n.district_of("人民路街道办旁边").as_deref(), Some("610402"));
        assert_eq!(
            n.district_of("乐育北路社区 3 号楼").as_deref(),
            Some("610402")
        );
        // A village name in two counties decides nothing; a district named beside it does.
        assert_eq!(n.district_of("西坡村口"), None);
        assert_eq!(n.district_of("渭城区西坡村口").as_deref(), Some("610404"));
        // Two districts named: not guessed. Nothing known: none. Too short: ignored.
        assert_eq!(n.district_of("秦都区和渭城区交界"), None);
        assert_eq!(n.district_of("人民路 12 号"), None);
        assert_eq!(n.district_of("东村"), None);
    }
}
