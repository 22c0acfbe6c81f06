//! The vocabulary of the 12345 platform, as plain Rust that compiles for the server and
//! for the browser. A form in the browser and the server refuse the same mistake with the
//! same message because both call the functions in this crate.

/// An enum with a stable code (stored and sent as JSON in snake case) and a label in
/// each language. Defined before the modules so every one of them can use it.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Zh) => $zh, ($name::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

pub mod account;
pub mod calls;
pub mod case;
pub mod catalogue;
pub mod desk;
pub mod error;
pub mod flow;
pub mod geo;
pub mod i18n;
pub mod id_number;
pub mod knowledge;
pub mod phone;
pub mod region;
pub mod request;
pub mod time;
pub mod views;

pub use account::{
    mask_id_number, mask_phone, Department, DepartmentInput, Permission, Role, StaffUser,
    UserInput, UserRecord, ValidUser,
};
pub use calls::{
    AgentState, AgentStatus, Badge, CallEvent, CallEventInput, CallEventKind, CallerCard,
    MissedCall,
};
pub use case::{CaseStatus, CaseType, Channel, TrackingNumber};
pub use catalogue::Category;
pub use desk::{
    CaseCall, Handover, HandoverItem, HandoverNote, HandoverReason, HandoverReport, LinkInput,
    LinkedCase, ValidLink,
};
pub use error::{FieldErrors, Problem};
pub use flow::{
    ActionKind, Assignee, Assignment, AssignmentStatus, CaseAction, CaseFlow, FlowError,
    FlowPolicy, Light, Overdue, Queue, ReminderKind, Satisfaction,
};
pub use geo::{CoordinateError, Coordinates};
pub use i18n::Lang;
pub use id_number::{IdNumber, IdNumberError};
pub use knowledge::{Article, ArticleInput, KbCategory, KbCategoryInput, SearchHit, Segment};
pub use phone::PhoneNumber;
pub use region::Region;
pub use request::{FiledRequest, FormOptions, NewRequest, NewRequestInput, RequestSummary};
pub use views::{
    AssignmentView, AuditEntry, CaseCounts, CaseDetail, CaseEventView, CaseFilter, CaseListItem,
    CaseQuery, CodeEntry, DispatchTargets, ElderlyDetail, ElderlySummary, Notification, SmsMessage,
    TrackedRequest, TrackedStep, TrackingQuery,
};
