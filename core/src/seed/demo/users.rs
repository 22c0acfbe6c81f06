//! The demo staff accounts: one per role to sign in with, and one for everyone the played
//! cases say acted (the roster's agents, a caseworker per department, each vendor's desk),
//! so that a case's history names people, not user names.

use std::collections::{BTreeMap, BTreeSet};

use hotline_domain::{Assignee, Role};

use super::{DemoCase, DEPARTMENTS};
use crate::store::NewVendor;

/// A demo staff account; the password hash is filled in by whoever loads the demo.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: hotline_domain::Role,
    pub department_code: Option<&'static str>,
    pub vendor_index: Option<usize>,
    pub password_hash: String,
}

/// The password of every demo account (listed in the README; demo databases only).
pub const DEMO_PASSWORD: &str = "hotline-demo-2026";

/// One account per role, then one for each other staff member the played cases name. The
/// vendor account belongs to the vendor with the most orders, so signing in as it shows a
/// full list.
pub(super) fn demo_users(cases: &[DemoCase], vendors: &[NewVendor]) -> Vec<DemoUser> {
    let busiest = busiest_vendor(cases);
    let user = |username: &str, display_name: &str, role, department_code, vendor_index| DemoUser {
        username: username.to_string(),
        display_name: display_name.to_string(),
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
    let acted: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| &c.events)
        .filter_map(|e| e.actor.strip_prefix("user:"))
        .collect();
    for username in acted {
        if !users.iter().any(|u| u.username == username) {
            users.extend(played_account(username, vendors));
        }
    }
    users
}

/// The index of the vendor with the most orders (the lowest index of those tied).
pub(super) fn busiest_vendor(cases: &[DemoCase]) -> Option<usize> {
    let mut orders: BTreeMap<usize, usize> = BTreeMap::new();
    for c in cases {
        for a in &c.flow.assignments {
            if let Assignee::Vendor(id) = a.assignee {
                *orders.entry(id as usize - 1).or_default() += 1;
            }
        }
    }
    orders
        .iter()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(**i)))
        .map(|(i, _)| *i)
}

/// The agents on the demo roster (`agent1001`…), by name.
const AGENT_NAMES: [&str; 27] = [
    "张伟",
    "李娜",
    "刘洋",
    "陈静",
    "杨帆",
    "赵敏",
    "黄磊",
    "周婷",
    "吴昊",
    "徐丽",
    "孙博",
    "胡蓉",
    "朱琳",
    "高翔",
    "林芳",
    "何勇",
    "郭婷婷",
    "马超",
    "罗燕",
    "梁晨",
    "宋佳",
    "郑凯",
    "谢雨",
    "韩梅",
    "唐亮",
    "冯雪",
    "于洋",
];

/// The account of a staff member a played case names (`agent1012`, `dept.d03`,
/// `vendor.17`); `None` for a name that is none of these.
fn played_account(username: &str, vendors: &[NewVendor]) -> Option<DemoUser> {
    let account = |display_name: String, role, department_code, vendor_index| DemoUser {
        username: username.to_string(),
        display_name,
        role,
        department_code,
        vendor_index,
        password_hash: String::new(),
    };
    if let Some(n) = username
        .strip_prefix("agent")
        .and_then(|n| n.parse::<usize>().ok())
    {
        let name = AGENT_NAMES[n.saturating_sub(1001) % AGENT_NAMES.len()];
        return Some(account(format!("接线员 {name}"), Role::Agent, None, None));
    }
    if let Some(code) = username.strip_prefix("dept.") {
        let (code, name, ..) = DEPARTMENTS
            .iter()
            .find(|d| d.0.eq_ignore_ascii_case(code))?;
        return Some(account(
            format!("{name} 办理员"),
            Role::Department,
            Some(*code),
            None,
        ));
    }
    let index = username
        .strip_prefix("vendor.")?
        .parse::<usize>()
        .ok()?
        .checked_sub(1)?;
    let vendor = vendors.get(index)?;
    Some(account(
        format!("{} 客服", vendor.name),
        Role::Vendor,
        None,
        Some(index),
    ))
}
