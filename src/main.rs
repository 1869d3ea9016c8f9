//! The `crisis-sim` binary: parses arguments and hands them to the library.

use clap::Parser;

fn main() {
    let cli = crisis_sim::cli::Cli::parse();
    if let Err(e) = crisis_sim::cli::execute(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
