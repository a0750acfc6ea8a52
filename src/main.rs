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
    /// Parse and check a policy set; print diagnostics, write nothing.
    Check {
        #[command(flatten)]
        common: Common,
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
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormatArg {
    Human,
    Short,
    Json,
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
    fn options(self) -> CommonOptions {
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
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
            },
            deny_warnings: self.deny_warnings,
            render: RenderOptions { color, width },
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let output = match cli.command {
        Command::Check { common } => driver::check(&common.options()),
        Command::Compile { common, format, output } => {
            let format = match format {
                FormatArg::Yaml => TableFormat::Yaml,
                FormatArg::Json => TableFormat::Json,
                FormatArg::Markdown => TableFormat::Markdown,
            };
            driver::compile(&common.options(), format, output.as_deref())
        }
    };
    print(&output);
    ExitCode::from(output.status.code())
}

/// Prints a command's output; a closed pipe (`| head`) is not an error.
fn print(output: &CommandOutput) {
    let _ = std::io::stderr().lock().write_all(output.stderr.as_bytes());
    let _ = std::io::stdout().lock().write_all(output.stdout.as_bytes());
}
