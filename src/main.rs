//! The `crmpol` command line: parses arguments, calls the library, prints.

use clap::{Args, Parser, Subcommand, ValueEnum};
use crmpol::driver::{self, CommandOutput, CommonOptions, FixRequest, FmtOptions, WhyFormat, WhyOptions};
use crmpol::emit::TableFormat;
use crmpol::fix::FixOptions;
use crmpol::format::FormatOptions;
use crmpol::render::{MessageFormat, RenderOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// An analysis allocates many small objects (names, statements, entries);
/// mimalloc serves them several times faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Apply every safe fix (the diagnostic's only fix, doing what was evidently meant), in place.
        #[arg(long)]
        fix: bool,
        /// With --fix, also apply a diagnostic's only fix when it is unsafe.
        #[arg(long)]
        unsafe_fixes: bool,
        /// Write nothing: show what --fix would change as a unified diff (implies --fix).
        #[arg(long, visible_alias = "dry-run")]
        diff: bool,
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
    /// Explain a queue: each value in effect and the lines that set it, its table rows, its diagnostics.
    Why {
        /// Policy files, or directories searched for `*.crmpol` files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The queue: `Support/Billing`, or quoted as in a policy, '"Support" / "Billing"'.
        #[arg(long, value_name = "QUEUE")]
        queue: String,
        /// Only this channel's entries.
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
        /// How to print the explanation.
        #[arg(long, value_enum, default_value_t = WhyFormatArg::Human)]
        format: WhyFormatArg,
        /// When to colour the explanation.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
    },
    /// Run the language server (LSP over standard input and output), for editors.
    Lsp {
        /// Talk over standard input and output (the only way; accepted because clients pass it).
        #[arg(long)]
        stdio: bool,
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
enum ChannelArg {
    Call,
    Chat,
}

#[derive(Clone, Copy, ValueEnum)]
enum WhyFormatArg {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl Common {
    /// `stream`: where the command prints its diagnostics (for `--color
    /// auto`, the width and the drawing characters).
    fn options(self, stream: Stream) -> CommonOptions {
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
            render: render_options(self.color, stream),
            max_diagnostics: self.max_diagnostics,
            interactive: stream.is_terminal(),
        }
    }
}

/// Standard output or standard error.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn is_terminal(self) -> bool {
        match self {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        }
    }
}

fn render_options(color: ColorArg, stream: Stream) -> RenderOptions {
    let to_terminal = stream.is_terminal();
    RenderOptions {
        color: color.enabled(to_terminal),
        width: terminal_width(stream, to_terminal),
        unicode: shows_unicode(to_terminal),
    }
}

/// Box-drawing characters, unless the terminal cannot show them: `TERM=dumb`,
/// or a terminal whose locale is not UTF-8 (as miette decides).
fn shows_unicode(to_terminal: bool) -> bool {
    let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
    !dumb && (!to_terminal || supports_unicode::supports_unicode())
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

/// The width to wrap human-format diagnostics at: `COLUMNS` when set, else
/// the terminal's own width when the diagnostics go to one, else 100.
fn terminal_width(stream: Stream, to_terminal: bool) -> usize {
    let at_least = |columns: usize| (columns >= 40).then_some(columns);
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .and_then(at_least);
    let from_terminal = || {
        let size = match stream {
            Stream::Stdout => terminal_size::terminal_size_of(std::io::stdout()),
            Stream::Stderr => terminal_size::terminal_size_of(std::io::stderr()),
        };
        size.and_then(|(width, _)| at_least(usize::from(width.0)))
    };
    from_env
        .or_else(|| if to_terminal { from_terminal() } else { None })
        .unwrap_or(100)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let output = match cli.command {
        Command::Lsp { stdio: _ } => return ExitCode::from(crmpol::lsp::serve_stdio()),
        Command::Check {
            common,
            fix,
            unsafe_fixes,
            diff,
        } => {
            let fix_options = FixOptions { unsafe_fixes };
            let request = match (fix, diff) {
                (_, true) => FixRequest::Diff(fix_options),
                (true, false) => FixRequest::Apply(fix_options),
                (false, false) => FixRequest::None,
            };
            driver::check(&common.options(Stream::Stdout), request)
        }
        Command::Compile { common, format, output } => {
            let format = match format {
                FormatArg::Yaml => TableFormat::Yaml,
                FormatArg::Json => TableFormat::Json,
                FormatArg::Markdown => TableFormat::Markdown,
            };
            driver::compile(&common.options(Stream::Stderr), format, output.as_deref())
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
            render: render_options(color, Stream::Stderr),
        }),
        Command::Explain { code } => driver::explain(&code),
        Command::Why {
            paths,
            queue,
            channel,
            format,
            color,
        } => driver::why(&WhyOptions {
            paths,
            queue,
            channel: channel.map(|channel| match channel {
                ChannelArg::Call => crmpol::vocabulary::Channel::Call,
                ChannelArg::Chat => crmpol::vocabulary::Channel::Chat,
            }),
            format: match format {
                WhyFormatArg::Human => WhyFormat::Human,
                WhyFormatArg::Json => WhyFormat::Json,
            },
            color: color.enabled(Stream::Stdout.is_terminal()),
        }),
    };
    print(&output);
    ExitCode::from(output.status.code())
}

/// Prints a command's output; a closed pipe (`| head`) is not an error.
fn print(output: &CommandOutput) {
    let _ = std::io::stderr().lock().write_all(output.stderr.as_bytes());
    let _ = std::io::stdout().lock().write_all(output.stdout.as_bytes());
}
