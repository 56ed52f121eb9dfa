fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(samlint::cli::main())
}
