//! The `crmpol` command line: parses arguments, calls the library, prints.

use clap::{Args, Parser, Subcommand, ValueEnum};
use crmpol::driver::{self, CommandOutput, CommonOptions, FmtOptions};
use crmpol::emit::TableFormat;
use crmpol::format::FormatOptions;
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
    /// Rewrite policy files in the canonical layout.
    Fmt {
        /// Policy files or directories; `-` formats standard input to standard output.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
        /// With --check, show the changes as a unified diff.
        #[arg(long, requires = "check")]
        diff: bool,
        /// Also write value aliases in their canonical spelling (`ccaip session` → `ccaas session`).
        #[arg(long)]
        normalize: bool,
        /// When to colour the diagnostics of files that cannot be formatted.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
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
        let color = self.color.enabled(diagnostics_to_terminal);
        let width = terminal_width();
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

impl ColorArg {
    fn enabled(self, to_terminal: bool) -> bool {
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// The width to wrap human-format diagnostics at: `COLUMNS`, or 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .filter(|&columns| columns >= 40)
        .unwrap_or(100)
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
        Command::Fmt {
            paths,
            check,
            diff,
            normalize,
            color,
        } => driver::fmt(&FmtOptions {
            paths,
            check,
            diff,
            format: FormatOptions { normalize },
            render: RenderOptions {
                color: color.enabled(std::io::stderr().is_terminal()),
                width: terminal_width(),
            },
        }),
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
