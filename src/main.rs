use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = thidua::cli::Cli::parse();
    thidua::cli::init_tracing();
    match thidua::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
