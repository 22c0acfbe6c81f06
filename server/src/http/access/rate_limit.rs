//! Per-address rate limits on the public endpoints: fixed windows in memory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Limit;

/// Parses `N/SECONDS` (e.g. `20/600`: twenty requests per ten minutes).
pub fn parse_limit(raw: &str) -> Result<(u32, Duration), String> {
    let (n, secs) = raw
        .split_once('/')
        .ok_or_else(|| format!("expected N/SECONDS, got {raw:?}"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("bad count in {raw:?}"))?;
    let secs: u64 = secs
        .trim()
        .parse()
        .map_err(|_| format!("bad seconds in {raw:?}"))?;
    if n == 0 || secs == 0 {
        return Err(format!("{raw:?}: both numbers must be positive"));
    }
    Ok((n, Duration::from_secs(secs)))
}

/// Fixed-window counters per (budget, address or API key), in memory. Each server instance counts on
/// its own, so behind a balancer of k instances an address gets at most k times the budget.
/// IPv6 clients are counted per /64 (one household or host usually holds a whole /64).
#[derive(Debug, Default)]
pub struct RateLimiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    /// (budget, who) → (window start, requests, window length).
    windows: HashMap<(Limit, Who), (Instant, u32, Duration)>,
    last_sweep: Option<Instant>,
}

/// Who a budget is counted for: a client address, or an Open311 key (whichever address
/// its system calls from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    Address(IpAddr),
    Key(i64),
}

/// The key an address is counted under: itself for IPv4, its /64 for IPv6.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(std::net::Ipv6Addr::from(segments))
        }
    }
}

impl RateLimiter {
    /// `Ok` if the request fits the budget, else how long until it would.
    pub fn check(&self, limit: Limit, ip: IpAddr, budget: (u32, Duration)) -> Result<(), Duration> {
        self.count(limit, Who::Address(bucket(ip)), budget)
    }

    /// [`RateLimiter::check`] for an API key's budget.
    pub fn check_key(
        &self,
        limit: Limit,
        key: i64,
        budget: (u32, Duration),
    ) -> Result<(), Duration> {
        self.count(limit, Who::Key(key), budget)
    }

    fn count(
        &self,
        limit: Limit,
        who: Who,
        (max, window): (u32, Duration),
    ) -> Result<(), Duration> {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // Expired windows are swept at most every ten seconds, each by its own length.
        if state
            .last_sweep
            .is_none_or(|t| now.duration_since(t) > Duration::from_secs(10))
        {
            state
                .windows
                .retain(|_, (start, _, len)| now.duration_since(*start) < *len);
            state.last_sweep = Some(now);
        }
        let entry = state
            .windows
            .entry((limit, who))
            .or_insert((now, 0, window));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0, window);
        }
        if entry.1 >= max {
            return Err(window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}
