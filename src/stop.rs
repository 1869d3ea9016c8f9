//! The request to stop: set by Ctrl-C or SIGTERM, read by long loops (replications,
//! reading records) so they end within a fraction of a second.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by Ctrl-C or SIGTERM.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Whether a stop was asked for.
pub fn requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Asks for a stop; returns whether one had been asked for already.
pub fn request() -> bool {
    STOP.swap(true, Ordering::SeqCst)
}
