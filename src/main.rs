#[tokio::main]
async fn main() -> std::process::ExitCode {
    thidua::cli::main().await
}
