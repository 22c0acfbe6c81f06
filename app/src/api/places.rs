//! The map: correcting where a vendor, provider or elderly person is (SPEC G3). The map's
//! layers and the nearest lookup are read by the map page straight from the JSON API
//! (`/api/v1/map`, `/api/v1/providers/nearest`), with requests it can abort.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{form, hotline, staff};
use super::FormOutcome;

/// The answer to a moved marker: the point where it now is, what to fix, or why not.
pub type MoveOutcome = FormOutcome<hotline_domain::MapPoint>;

#[server(prefix = "/api/fn", endpoint = "move_place", input = leptos::server_fn::codec::Json)]
pub async fn move_place(
    layer: String,
    id: i64,
    position: hotline_domain::PositionInput,
) -> Result<MoveOutcome, ServerFnError> {
    let staff = staff()?;
    let result = hotline()?
        .move_place(&staff.user, &staff.origin, &layer, id, &position)
        .await;
    form(result)
}
