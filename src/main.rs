//! The `crisis-sim` binary: parses arguments and hands them to the library.

use clap::Parser;

/// Any panic is a bug: say so, ask for a report, and exit 1 (never Rust's 101).
fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: crisis-sim hit an internal error, which is a bug: {info}\n\
             Please report it with the scenario file and the command you ran."
        );
        std::process::exit(1);
    }));
}

/// Output piped into `head` and closed early ends the program quietly, as other
/// command-line tools do, instead of failing to print.
fn quiet_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A file-size limit (`ulimit -f`) makes a write fail with a message instead of
/// killing the program silently.
fn errors_for_oversized_files() {
    #[cfg(unix)]
    // SAFETY: setting a signal's action before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Ctrl-C or SIGTERM asks running work to stop (it checks every few thousand steps);
/// a second one ends the program at once, leaving no half-written folder behind.
fn stop_on_interrupt() {
    let handled = ctrlc::set_handler(|| {
        if crisis_sim::stop::request() {
            crisis_sim::store::folder::abandon_staging();
            std::process::exit(130);
        }
    });
    if let Err(e) = handled {
        eprintln!("warning: Ctrl-C will end the program abruptly: {e}");
    }
}

fn main() {
    quiet_on_broken_pipe();
    errors_for_oversized_files();
    stop_on_interrupt();
    report_panics();
    // Lets the tests check the panic hook; no input can reach a panic on purpose.
    if std::env::var_os("CRISIS_SIM_TEST_PANIC").is_some() {
        panic!("CRISIS_SIM_TEST_PANIC is set");
    }
    let cli = crisis_sim::cli::Cli::parse();
    if let Err(e) = crisis_sim::cli::execute(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
