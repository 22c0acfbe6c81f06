//! The audit log in words (SPEC X4, issue 17): what each recorded action and object type
//! means in the reader's language, and a change's before/after JSON as rows of fields. The
//! log itself keeps the codes; the pages show these words with the code on hover, and the
//! CSV export keeps the codes.

use serde_json::Value;

use crate::flow::ActionKind;
use crate::Lang;

/// An audit action's words; `None` for a code this table does not know (shown as it is).
pub fn action_label(action: &str, lang: Lang) -> Option<String> {
    if let Some(step) = action.strip_prefix("case_") {
        let step = ActionKind::from_code(step)?;
        return Some(format!(
            "{}{}",
            lang.pick("案件：", "Case: "),
            step.label(lang)
        ));
    }
    if let Some(step) = action.strip_prefix("alarm_") {
        let words = match step {
            "acknowledged" => lang.pick("接警", "acknowledged"),
            "contact" => lang.pick("联系记录", "contact recorded"),
            "dispatched" => lang.pick("派出救助", "help dispatched"),
            "escalated" => lang.pick("上报", "escalated"),
            "on_site" => lang.pick("到场", "helper on site"),
            "handed_over" => lang.pick("转交", "handed over"),
            "closed" => lang.pick("关闭", "closed"),
            _ => return None,
        };
        return Some(format!("{}{words}", lang.pick("告警：", "Alarm: ")));
    }
    let words = match action {
        "create" => lang.pick("新建", "Created"),
        "update" => lang.pick("修改", "Changed"),
        "delete" => lang.pick("删除", "Deleted"),
        "load" => lang.pick("载入初始数据", "Initial data loaded"),
        "export" => lang.pick("导出", "Exported"),
        "import" => lang.pick("导入", "Imported"),
        "import_refused" => lang.pick("导入被拒（未写入）", "Import refused (nothing written)"),
        "sign_in" => lang.pick("登录", "Signed in"),
        "sign_out" => lang.pick("退出登录", "Signed out"),
        "sign_in_failed" => lang.pick("登录失败：密码错误", "Sign-in failed: wrong password"),
        "sign_in_failed_unknown_user" => {
            lang.pick("登录失败：无此用户", "Sign-in failed: no such user")
        }
        "sign_in_refused_inactive" => {
            lang.pick("拒绝登录：账户已停用", "Sign-in refused: account inactive")
        }
        "sign_in_refused_locked" => {
            lang.pick("拒绝登录：账户已锁定", "Sign-in refused: account locked")
        }
        "lock" => lang.pick(
            "账户锁定（多次登录失败）",
            "Account locked (failed sign-ins)",
        ),
        "unlock" => lang.pick("账户解锁", "Account unlocked"),
        "revoke" => lang.pick("吊销", "Revoked"),
        "handover" => lang.pick("交班", "Shift handed over"),
        "handover_acknowledge" => lang.pick("接班确认", "Handover acknowledged"),
        "inspection" => lang.pick("记录检查", "Inspection recorded"),
        "add_staff" => lang.pick("添加员工", "Staff member added"),
        "update_staff" => lang.pick("修改员工", "Staff member changed"),
        "link" => lang.pick("关联案件", "Cases linked"),
        "unlink" => lang.pick("取消关联", "Cases unlinked"),
        "position.move" => lang.pick("移动地图位置", "Map position moved"),
        "view_phone" => lang.pick("查看完整电话号码", "Full phone number viewed"),
        "view_caller" => lang.pick("查看来电老人档案", "Caller's record viewed"),
        "view_for_alarm" => lang.pick("处警时查看档案", "Record viewed for an alarm"),
        "view_health" => lang.pick("查看健康信息", "Health record viewed"),
        "view_id" => lang.pick("查看身份证号", "ID number viewed"),
        "view_health_and_id" => lang.pick(
            "查看健康信息和身份证号",
            "Health record and ID number viewed",
        ),
        _ => return None,
    };
    Some(words.to_string())
}

/// An audited object type's words; `None` for a type this table does not know.
pub fn object_label(object_type: &str, lang: Lang) -> Option<&'static str> {
    Some(match object_type {
        "case" => lang.pick("案件", "Case"),
        "alarm" => lang.pick("告警", "Alarm"),
        "user" => lang.pick("账户", "Account"),
        "role" => lang.pick("角色", "Role"),
        "department" => lang.pick("部门", "Department"),
        "vendor" => lang.pick("加盟企业", "Vendor"),
        "provider" => lang.pick("个人服务者", "Provider"),
        "elderly" => lang.pick("老人档案", "Elderly record"),
        "elderly_import" => lang.pick("老人档案导入", "Elderly import"),
        "client" => lang.pick("来电人", "Caller"),
        "category" => lang.pick("服务类别", "Service category"),
        "region" => lang.pick("行政区划", "Region"),
        "disposition" => lang.pick("办理结果分类", "Disposition"),
        "calendar" => lang.pick("工作日历", "Working calendar"),
        "handover" => lang.pick("交班记录", "Handover"),
        "kb_article" => lang.pick("知识", "Article"),
        "kb_category" => lang.pick("知识分类", "Article category"),
        "audit_log" => lang.pick("审计日志", "Audit log"),
        "api_key" => lang.pick("Open311 接口密钥", "Open311 API key"),
        _ => return None,
    })
}

/// One field of a change: its name, and its value before and after (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A change's before and after as rows of fields, when both (or the one present) are JSON
/// objects: the fields that differ first, each value as plain text (strings without their
/// quotes, lists joined). `None` when either side is not an object (shown as it is).
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Option<Vec<FieldChange>> {
    fn object(raw: Option<&str>) -> Option<Option<serde_json::Map<String, Value>>> {
        match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => Some(None),
            Some(raw) => match serde_json::from_str(raw).ok()? {
                Value::Object(map) => Some(Some(map)),
                _ => None,
            },
        }
    }
    let before = object(before)?;
    let after = object(after)?;
    if before.is_none() && after.is_none() {
        return None;
    }
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_ref().unwrap_or(&empty),
        after.as_ref().unwrap_or(&empty),
    );
    let mut fields: Vec<&String> = b
        .keys()
        .chain(a.keys().filter(|k| !b.contains_key(*k)))
        .collect();
    // Changed fields first, each group by name; unchanged ones after.
    fields.sort_by_key(|k| b.get(*k) == a.get(*k));
    Some(
        fields
            .into_iter()
            .map(|k| FieldChange {
                field: k.clone(),
                before: b.get(k).map(plain),
                after: a.get(k).map(plain),
            })
            .collect(),
    )
}

/// A JSON value as a person reads it.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "✓".into(),
        Value::Bool(false) => "✗".into(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_objects_read_as_words() {
        assert_eq!(
            action_label("case_accept", Lang::Zh).as_deref(),
            Some("案件：受理")
        );
        assert_eq!(
            action_label("view_health_and_id", Lang::Zh).as_deref(),
            Some("查看健康信息和身份证号")
        );
        assert_eq!(
            action_label("alarm_on_site", Lang::En).as_deref(),
            Some("Alarm: helper on site")
        );
        assert_eq!(action_label("case_nonsense", Lang::Zh), None);
        assert_eq!(action_label("brand_new_action", Lang::Zh), None);
        assert_eq!(object_label("elderly", Lang::Zh), Some("老人档案"));
    }

    #[test]
    fn a_change_is_rows_of_fields_changed_first() {
        let rows = field_changes(
            Some(r#"{"name":"王","active":true,"roles":["agent"],"phone":"1"}"#),
            Some(
                r#"{"name":"王","active":false,"roles":["agent","lead"],"phone":"1","note":null}"#,
            ),
        )
        .unwrap();
        let text: Vec<(&str, Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| (r.field.as_str(), r.before.as_deref(), r.after.as_deref()))
            .collect();
        assert_eq!(
            text,
            [
                ("active", Some("✓"), Some("✗")),
                ("roles", Some("agent"), Some("agent、lead")),
                ("note", None, Some("—")),
                ("name", Some("王"), Some("王")),
                ("phone", Some("1"), Some("1")),
            ]
        );
        // Only one side: a creation.
        assert_eq!(field_changes(None, Some(r#"{"a":1}"#)).unwrap().len(), 1);
        // Not an object: shown as it is.
        assert_eq!(field_changes(Some("plain words"), None), None);
        assert_eq!(field_changes(Some("[1,2]"), Some("{}")), None);
        assert_eq!(field_changes(None, None), None);
    }
}
