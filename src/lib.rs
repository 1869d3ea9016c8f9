//! crisis-sim: a discrete-event simulator of a city's mental-health crisis response.
//!
//! Data flows one way: [`scenario`] (TOML as written) → [`model`] (validated, indexed)
//! → [`sim`] (one replication) → [`stats`] (summaries) → [`report`] (files as bytes)
//! → [`store`] (the one writer), with [`experiment`] running many replications.
//! [`kernel`] is a generic event loop.
//! [`calibrate`] goes the other way, from a city's dispatch records to a scenario.

pub mod calibrate;
pub mod cli;
pub mod dist;
pub mod experiment;
pub mod histogram;
pub mod kernel;
pub mod model;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod serve;
pub mod sim;
pub mod stats;
pub mod stop;
pub mod store;
pub mod text;
pub mod time;
