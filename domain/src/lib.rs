//! The vocabulary of the 12345 platform, as plain Rust that compiles for the server and
//! for the browser. A form in the browser and the server refuse the same mistake with the
//! same message because both call the functions in this crate.

/// An enum with a stable code (what storage and URLs hold), a label in each language, the
/// list of all values, `as_code`/`from_code` and `Display` (the code). Defined before the
/// modules so every one of them can use it.
///
/// JSON: by default a value is serialized as its variant name in snake case (which for most
/// enums is also the code, but not for e.g. `CaseType`, whose codes are `A`–`J`). Written
/// `by_code Name { … }`, the enum is serialized as its code and an unknown code is refused
/// with `unknown Name: …` (roles and permissions).
macro_rules! coded_enum {
    (@enum [$($serde:tt)*] $(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde($($serde)*)]
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_code())
            }
        }
    };
    ($(#[$meta:meta])* by_code $name:ident { $($body:tt)+ }) => {
        coded_enum!(@enum [try_from = "String", into = "&'static str"] $(#[$meta])* $name { $($body)+ });

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(code: String) -> Result<$name, String> {
                $name::from_code(&code).ok_or_else(|| format!("unknown {}: {code}", stringify!($name)))
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.as_code()
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($body:tt)+ }) => {
        coded_enum!(@enum [rename_all = "snake_case"] $(#[$meta])* $name { $($body)+ });
    };
}

/// How many pages `total` rows fill at `per_page` a page: at least one, so an empty list
/// is "page 1 of 1".
pub fn page_count(total: u64, per_page: u32) -> u32 {
    let per = u64::from(per_page.max(1));
    u32::try_from(total.div_ceil(per))
        .unwrap_or(u32::MAX)
        .max(1)
}

pub mod account;
pub mod alarms;
pub mod audit;
pub mod calendar;
pub mod calls;
pub mod case;
pub mod catalogue;
pub mod clients;
pub mod desk;
pub mod elderly;
pub mod error;
pub mod flow;
pub mod geo;
pub mod i18n;
pub mod id_number;
pub mod knowledge;
pub mod open311;
pub mod phone;
pub mod places;
pub mod providers;
pub mod region;
pub mod registry_io;
pub mod request;
pub mod time;
pub mod vendors;
pub mod views;

pub use account::{
    mask_id_number, mask_phone, Department, DepartmentInput, Permission, Role, StaffUser,
    UserFilter, UserInput, UserPage, UserQuery, UserRecord, UserState, ValidUser, USER_PAGE,
};
pub use alarms::{
    Alarm, AlarmAction, AlarmActionInput, AlarmCard, AlarmFigures, AlarmHolder, AlarmInput,
    AlarmKind, AlarmLogEntry, AlarmPolicy, AlarmRefusal, AlarmReport, AlarmStatus, AlarmTiming,
    ContactOutcome, ContactRung, Disposition, EmergencyService, LadderContact, NewAlarm,
};
pub use calendar::{CalendarDay, DayKind, Limit, LimitUnit, WorkCalendar};
pub use calls::{
    AgentState, AgentStatus, Badge, CallEvent, CallEventInput, CallEventKind, CallerCard,
    MissedCall,
};
pub use case::{urgent_by_default, CaseStatus, CaseType, Channel, Priority, TrackingNumber};
pub use catalogue::{Category, CategoryLimits};
pub use clients::{
    ClientContact, ClientDetail, ClientDraft, ClientFilter, ClientInput, ClientMark, ClientMarks,
    ClientPage, ClientQuery, ClientSummary, ContactKind, MarkFilter,
};
pub use desk::{
    CaseCall, Handover, HandoverItem, HandoverNote, HandoverReason, HandoverReport, LinkInput,
    LinkedCase, ValidLink,
};
pub use elderly::{
    ElderlyFilter, ElderlyInput, ElderlyPage, ElderlyQuery, ElderlySearch,
    ELDERLY_IDENTITY_CATEGORIES, ELDERLY_PAGE_DEFAULT, ELDERLY_PAGE_MAX,
};
pub use error::{FieldErrors, Problem};
pub use flow::{
    ActionKind, Assignee, Assignment, AssignmentStatus, CaseAction, CaseFlow, CaseLights,
    FlowError, FlowPolicy, Light, LightTimes, Overdue, PartAnswer, PartRating, Queue, ReminderKind,
    ReminderPlan, Satisfaction, Subject, SubjectKind, VendorScores,
};
pub use geo::{gps_to_map_frame, CoordinateError, Coordinates};
pub use i18n::Lang;
pub use id_number::{IdNumber, IdNumberError};
pub use knowledge::{
    Article, ArticleInput, KbBrowse, KbCategory, KbCategoryInput, SearchHit, Segment,
};
pub use open311::{ApiKeyInput, ApiKeyView, IssuedApiKey, PublicRequest, PublicRequestQuery};
pub use phone::PhoneNumber;
pub use places::{
    Bounds, MapCell, MapLayer, MapPoint, MapView, NearbyProvider, NearestInput, NearestQuery,
    PositionInput, ProviderKind, Viewport, ViewportInput, CITY_EXTENT, EARTH_RADIUS_M,
};
pub use providers::{
    PersonKind, ProviderDetail, ProviderDraft, ProviderFilter, ProviderInput, ProviderPage,
    ProviderQuery, ProviderStatus, ProviderSummary, ServiceMode, SupportSystem,
};
pub use region::{PlaceNames, Region};
pub use registry_io::{FileFormat, ImportIssue, ImportMode, ImportReport, REGISTRY_FILE_MAX_ROWS};
pub use request::{
    coordinate_field, FiledRequest, FormOptions, NewRequest, NewRequestInput, RequestSummary,
};
pub use vendors::{
    CreditGrade, InspectionInput, InspectionResult, VendorDetail, VendorDraft, VendorEdit,
    VendorFilter, VendorInput, VendorKind, VendorPage, VendorQuery, VendorStaff, VendorStaffInput,
    VendorStatus, VendorSummary,
};
pub use views::{
    AssignmentView, AuditEntry, CaseCounts, CaseDetail, CaseEventView, CaseFilter, CaseListItem,
    CasePage, CaseQuery, CaseSort, CaseWindow, ClassifiedAs, CodeEntry, DispatchTargets,
    ElderlyDetail, ElderlySummary, NoticeKind, Notification, ProviderChoice, RatingInput,
    SmsMessage, SmsPurpose, SmsStatus, TrackedReply, TrackedRequest, TrackedStep, TrackingQuery,
};
