//! tsunagi patch: counts open connections per client address, so that one
//! client cannot hold more than `MAX_CONNECTIONS_PER_CLIENT` of the server's
//! threads. Upstream had no limit: each connection is a thread for as long as
//! it is open.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The most connections one address may hold open at once. A browser opens
/// six per host and one event stream per open tab.
pub const MAX_CONNECTIONS_PER_CLIENT: usize = 128;

/// Open connections per client address (`None`: a Unix socket's clients).
#[derive(Clone, Default)]
pub struct OpenConnections(Arc<Mutex<HashMap<Option<IpAddr>, usize>>>);

/// One open connection; dropping it frees the place.
pub struct Slot {
    open: OpenConnections,
    client: Option<IpAddr>,
}

impl OpenConnections {
    /// A place for one more connection from `client`, or `None` when it
    /// already holds `MAX_CONNECTIONS_PER_CLIENT`.
    pub fn claim(&self, client: Option<IpAddr>) -> Option<Slot> {
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(client).or_insert(0);
        if *n >= MAX_CONNECTIONS_PER_CLIENT {
            return None;
        }
        *n += 1;
        Some(Slot {
            open: self.clone(),
            client,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}
