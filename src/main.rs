//! The `auditpack` binary: everything is in the library; `cli::run` decides the exit code.

fn main() -> std::process::ExitCode {
    auditpack::memory::configure();
    auditpack::cli::run()
}
