//! The one declaration of an HTTP route: method, path, who may use it (its [`Rule`]) and the
//! handler, in one call. Registering a route records its rule, so an API route without a
//! rule cannot be written.

use axum::handler::Handler;
use axum::routing::{self, MethodRouter};
use axum::Router;

use super::access::{Guard, Rule};
use super::AppState;

/// The JSON API and other non-page routes being declared.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    rules: Vec<Rule>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, guard: impl Into<Guard>, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, guard.into(), routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, guard: impl Into<Guard>, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, guard.into(), routing::post(handler))
    }

    /// A POST whose body may be up to `max_body` bytes (a file upload), not the default 2 MB.
    pub fn post_upload<H, T>(
        self,
        path: &'static str,
        guard: impl Into<Guard>,
        max_body: usize,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(max_body));
        self.add("POST", path, guard.into(), route)
    }

    pub fn put<H, T>(self, path: &'static str, guard: impl Into<Guard>, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("PUT", path, guard.into(), routing::put(handler))
    }

    pub fn delete<H, T>(self, path: &'static str, guard: impl Into<Guard>, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("DELETE", path, guard.into(), routing::delete(handler))
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        guard: Guard,
        route: MethodRouter<AppState>,
    ) -> Routes {
        self.rules.push(Rule {
            method,
            path,
            need: guard.need,
            limit: guard.limit,
        });
        // The same path with another method joins the path's existing route.
        self.router = self.router.route(path, route);
        self
    }

    /// The rules of the declared routes, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
