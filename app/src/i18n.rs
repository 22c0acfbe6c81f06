//! UI texts in both languages. A struct rather than string keys: a missing translation is a
//! compile error, not a blank label found in production.

use hotline_domain::Lang;
use leptos::prelude::*;

pub struct Texts {
    pub site_name: &'static str,
    pub site_tagline: &'static str,
    pub nav_portal: &'static str,
    pub nav_agent: &'static str,
    pub switch_language: &'static str,
    pub switch_language_href: &'static str,
    pub skip_to_content: &'static str,

    pub form_title: &'static str,
    pub form_intro: &'static str,
    pub field_category: &'static str,
    pub choose_category: &'static str,
    pub field_content: &'static str,
    pub content_hint: &'static str,
    pub field_district: &'static str,
    pub choose_district: &'static str,
    pub field_address: &'static str,
    pub address_hint: &'static str,
    pub field_contact_name: &'static str,
    pub field_phone: &'static str,
    pub phone_hint: &'static str,
    pub field_anonymous: &'static str,
    pub anonymous_hint: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub form_has_errors: &'static str,
    pub filed_title: &'static str,
    pub filed_number_label: &'static str,
    pub filed_note: &'static str,
    pub file_another: &'static str,
    pub service_unavailable: &'static str,
    pub loading: &'static str,

    pub agent_title: &'static str,
    pub agent_intro: &'static str,
    pub live_connecting: &'static str,
    pub live_open: &'static str,
    pub live_reconnecting: &'static str,
    pub sound_on: &'static str,
    pub sound_off: &'static str,
    pub no_new_requests: &'static str,
    pub anonymous_caller: &'static str,
    pub waiting_count: &'static str,
    pub col_time: &'static str,
    pub col_number: &'static str,
    pub col_category: &'static str,
    pub col_content: &'static str,
    pub col_caller: &'static str,
    pub col_place: &'static str,
    pub not_found: &'static str,
}

pub const ZH: Texts = Texts {
    site_name: "咸阳 12345 便民服务热线",
    site_tagline: "有事找 12345 · 一号对外 · 全天候服务",
    nav_portal: "网上求助",
    nav_agent: "坐席工作台",
    switch_language: "English",
    switch_language_href: "/lang/en",
    skip_to_content: "跳到主要内容",

    form_title: "网上求助",
    form_intro:
        "请说明您需要的帮助。提交后您会得到一个事务流水号，凭流水号和联系电话可查询办理进度。",
    field_category: "服务类别",
    choose_category: "请选择服务类别",
    field_content: "诉求内容",
    content_hint: "请写清事情经过、时间和您的诉求，最多 2000 字。",
    field_district: "所在区县",
    choose_district: "请选择区县（可不选）",
    field_address: "详细地址",
    address_hint: "街道、小区、门牌号。区县和地址至少填一项。",
    field_contact_name: "联系人",
    field_phone: "联系电话",
    phone_hint: "手机号或带区号的固定电话，用于回访。",
    field_anonymous: "匿名反映",
    anonymous_hint: "勾选后不记录您的姓名，只保留电话用于回访。",
    submit: "提交求助",
    submitting: "正在提交…",
    form_has_errors: "有几项需要修改，请查看标红的内容。",
    filed_title: "已收到您的求助",
    filed_number_label: "事务流水号",
    filed_note: "请记下流水号。坐席人员会尽快受理，办理结果将通过您留下的电话告知。",
    file_another: "再提交一条",
    service_unavailable: "系统暂时无法提交，请稍后再试，或直接拨打 12345。",
    loading: "正在加载…",

    agent_title: "新的网上求助",
    agent_intro: "市民从门户网站提交的求助会即时出现在这里，无需刷新。",
    live_connecting: "正在连接…",
    live_open: "实时连接中",
    live_reconnecting: "连接中断，正在重连…",
    sound_on: "提示音：开",
    sound_off: "开启提示音",
    no_new_requests: "暂无待受理的网上求助。",
    anonymous_caller: "匿名",
    waiting_count: "待受理",
    col_time: "提交时间",
    col_number: "流水号",
    col_category: "类别",
    col_content: "内容",
    col_caller: "联系人",
    col_place: "地点",
    not_found: "页面不存在。",
};

pub const EN: Texts = Texts {
    site_name: "Xianyang 12345 Citizen Service Hotline",
    site_tagline: "One number for every need · around the clock",
    nav_portal: "Ask for help",
    nav_agent: "Agent desk",
    switch_language: "中文",
    switch_language_href: "/lang/zh",
    skip_to_content: "Skip to main content",

    form_title: "Ask for help online",
    form_intro: "Tell us what you need. You will get a tracking number; with it and your phone number you can follow the request.",
    field_category: "Service category",
    choose_category: "Choose a service category",
    field_content: "Your request",
    content_hint: "What happened, when, and what you would like done. At most 2000 characters.",
    field_district: "District / county",
    choose_district: "Choose a district (optional)",
    field_address: "Address",
    address_hint: "Street, estate, building. Give a district or an address, or both.",
    field_contact_name: "Contact name",
    field_phone: "Phone",
    phone_hint: "Mobile or landline with area code, for the callback.",
    field_anonymous: "Stay anonymous",
    anonymous_hint: "Your name is not recorded; only the phone number is kept, for the callback.",
    submit: "Send request",
    submitting: "Sending…",
    form_has_errors: "Some fields need attention; see the messages in red.",
    filed_title: "We have your request",
    filed_number_label: "Tracking number",
    filed_note: "Keep this number. An agent will take up your request soon and tell you the result by phone.",
    file_another: "Send another request",
    service_unavailable: "The request could not be sent. Please try again later or call 12345.",
    loading: "Loading…",

    agent_title: "New web requests",
    agent_intro: "Requests filed on the portal appear here at once, without reloading.",
    live_connecting: "Connecting…",
    live_open: "Live",
    live_reconnecting: "Connection lost, reconnecting…",
    sound_on: "Sound: on",
    sound_off: "Turn sound on",
    no_new_requests: "No web requests are waiting.",
    anonymous_caller: "Anonymous",
    waiting_count: "Waiting",
    col_time: "Filed",
    col_number: "Number",
    col_category: "Category",
    col_content: "Request",
    col_caller: "Contact",
    col_place: "Place",
    not_found: "Page not found.",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The language of this page view, provided by `App`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

pub fn use_texts() -> &'static Texts {
    texts(use_lang())
}

/// Reads the `lang` cookie: from the request while rendering on the server, from
/// `document.cookie` in the browser, so both render the same page and hydration matches.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .map(|c| Lang::from_cookie_header(&c))
            .unwrap_or_default()
    }
}
