//! `serve`: the what-if page on a local web server.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::serve::{self, Config};

/// `serve` arguments.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario files to offer, and run folders (holding summary.json) to browse
    /// [default: the shipped scenarios in ./scenarios].
    pub paths: Vec<PathBuf>,
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default lets only this computer in; another address
    /// (e.g. 0.0.0.0) lets anyone who can reach it run simulations here: your choice.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Simulation threads, 1 to 1024 [default: all cores]. One request runs at a time.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

/// `crisis-sim serve`.
pub fn serve(args: &ServeArgs) -> Result<(), CliError> {
    let config = Config {
        named: args.paths.clone(),
        host: args.host,
        port: args.port,
        threads: args.threads.map(usize::from),
    };
    let mut said = Ok(());
    serve::serve(config, |url| {
        said = super::common::print_out(format_args!(
            "crisis-sim what-if page: {url}  (Ctrl-C to stop)\n"
        ));
    })?;
    said
}
