// mimalloc: a message allocates ~2,000 short-lived blocks (DOM, model, findings, report); glibc's
// malloc/free took ~16 % of a batch (perf). See Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(samlint::cli::main())
}
