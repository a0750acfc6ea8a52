//! The `crmpol` command line: parses arguments, calls the library, prints.

use clap::{Args, Parser, Subcommand, ValueEnum};
use crmpol::driver::{self, CommandOutput, CommonOptions};
use crmpol::emit::TableFormat;
use crmpol::render::{MessageFormat, RenderOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile and lint per-queue CRM record-creation policies.
#[derive(Parser)]
#[command(name = "crmpol", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check a policy set; print diagnostics.
    Check {
        #[command(flatten)]
        common: Common,
        /// Apply every fix that is mechanical and unambiguous, in place.
        #[arg(long)]
        fix: bool,
    },
    /// Check a policy set, then print or write its decision table.
    Compile {
        #[command(flatten)]
        common: Common,
        /// Format of the decision table.
        #[arg(long, value_enum, default_value_t = FormatArg::Yaml)]
        format: FormatArg,
        /// Write the table to FILE (atomically, and only without errors).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Explain a diagnostic code, such as E0101.
    Explain {
        /// The code.
        code: String,
    },
}

#[derive(Args)]
struct Common {
    /// Policy files, or directories searched for `*.crmpol` files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    message_format: MessageFormatArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// When to colour human-format diagnostics.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Show at most N diagnostics in the human, short and github formats (0: all).
    #[arg(long, value_name = "N", default_value_t = driver::DEFAULT_MAX_DIAGNOSTICS)]
    max_diagnostics: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormatArg {
    Human,
    Short,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Yaml,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl Common {
    /// `diagnostics_to_terminal`: whether the stream the command prints its
    /// diagnostics on is a terminal (for `--color auto`).
    fn options(self, diagnostics_to_terminal: bool) -> CommonOptions {
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => diagnostics_to_terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.parse().ok())
            .filter(|&columns| columns >= 40)
            .unwrap_or(100);
        CommonOptions {
            paths: self.paths,
            message_format: match self.message_format {
                MessageFormatArg::Human => MessageFormat::Human,
                MessageFormatArg::Short => MessageFormat::Short,
                MessageFormatArg::Json => MessageFormat::Json,
                MessageFormatArg::Sarif => MessageFormat::Sarif,
                MessageFormatArg::Github => MessageFormat::Github,
            },
            deny_warnings: self.deny_warnings,
            render: RenderOptions { color, width },
            max_diagnostics: self.max_diagnostics,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let output = match cli.command {
        Command::Check { common, fix } => driver::check(&common.options(std::io::stdout().is_terminal()), fix),
        Command::Compile { common, format, output } => {
            let format = match format {
                FormatArg::Yaml => TableFormat::Yaml,
                FormatArg::Json => TableFormat::Json,
                FormatArg::Markdown => TableFormat::Markdown,
            };
            driver::compile(
                &common.options(std::io::stderr().is_terminal()),
                format,
                output.as_deref(),
            )
        }
        Command::Explain { code } => driver::explain(&code),
    };
    print(&output);
    ExitCode::from(output.status.code())
}

/// Prints a command's output; a closed pipe (`| head`) is not an error.
fn print(output: &CommandOutput) {
    let _ = std::io::stderr().lock().write_all(output.stderr.as_bytes());
    let _ = std::io::stdout().lock().write_all(output.stdout.as_bytes());
}
