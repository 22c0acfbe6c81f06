//! The demo staff accounts, one per role.

use std::collections::BTreeMap;

use hotline_domain::{Assignee, Role};

use super::DemoCase;

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

/// The password of every demo account (listed in the README; demo databases only).
pub const DEMO_PASSWORD: &str = "hotline-demo-2026";

/// One account per role. The vendor account belongs to the vendor with the most orders, so
/// signing in as it shows a full list.
pub(super) fn demo_users(cases: &[DemoCase]) -> Vec<DemoUser> {
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
