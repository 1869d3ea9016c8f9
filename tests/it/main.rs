//! Integration tests, in one binary (one link, one run): each module tests one
//! concern; `common` holds the helpers they share.

mod bad_input;
mod browser;
mod calibrate;
mod cli;
mod common;
mod dispatch;
mod examples;
mod facilities;
mod golden;
mod grid;
mod groups;
mod honesty;
mod hostile;
mod hostile_outputs;
mod people;
mod plan;
mod planner;
mod prevention;
mod programs;
mod queueing;
mod queues;
mod records;
mod report;
mod scenarios;
mod serve;
mod sizing;
mod snapshots;
mod uncertainty;
mod validation;
mod whatif;
mod workforce;
