//! What one address may do: failed logins are counted per address, and an
//! address with too many in a while is turned away at once until the
//! while is over. Pure bookkeeping over a clock the caller passes in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Failed logins an address may have in [`WINDOW`] before it is turned away.
pub const FAILURES: u32 = 10;
/// The while failures are counted over, and an address turned away for.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered at most (the oldest are forgotten first), so that
/// many addresses cannot make the table grow without end.
const REMEMBERED: usize = 10_000;

/// Failed logins by address.
#[derive(Debug, Default)]
pub struct Failures {
    by_address: HashMap<IpAddr, (u32, Instant)>,
}

impl Failures {
    /// Counts a failed login from `address` at `now`.
    pub fn failed(&mut self, address: IpAddr, now: Instant) {
        if self.by_address.len() >= REMEMBERED && !self.by_address.contains_key(&address) {
            self.by_address
                .retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
            if self.by_address.len() >= REMEMBERED {
                // Still full of recent ones: the oldest goes.
                if let Some(oldest) = self
                    .by_address
                    .iter()
                    .min_by_key(|(_, (_, since))| *since)
                    .map(|(a, _)| *a)
                {
                    self.by_address.remove(&oldest);
                }
            }
        }
        let entry = self.by_address.entry(address).or_insert((0, now));
        if now.duration_since(entry.1) >= WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Whether `address` is turned away at `now`.
    pub fn blocked(&self, address: IpAddr, now: Instant) -> bool {
        self.by_address
            .get(&address)
            .is_some_and(|(count, since)| *count >= FAILURES && now.duration_since(*since) < WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_turned_away_after_its_failures_for_a_while() {
        let mut failures = Failures::default();
        let start = Instant::now();
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..FAILURES - 1 {
            failures.failed(one, start);
        }
        assert!(!failures.blocked(one, start));
        failures.failed(one, start);
        assert!(failures.blocked(one, start));
        assert!(!failures.blocked(other, start), "only that address");
        assert!(!failures.blocked(one, start + WINDOW), "for a while");
        // The count starts again after the while.
        failures.failed(one, start + WINDOW);
        assert!(!failures.blocked(one, start + WINDOW));
    }

    #[test]
    fn the_table_stays_bounded() {
        let mut failures = Failures::default();
        let now = Instant::now();
        for i in 0..(REMEMBERED as u32 + 50) {
            failures.failed(IpAddr::from(i.to_be_bytes()), now);
        }
        assert!(failures.by_address.len() <= REMEMBERED);
    }
}
