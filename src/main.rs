//! The `crmpol` command line: parses arguments (their grammar is
//! `crmpol::cli`), calls the library, prints.

use clap::Parser;
use crmpol::cli::{Cli, ColorArg, Command, Common};
use crmpol::driver::{
    self, CommandOutput, CommonOptions, DiffFormat, DiffOptions, FixRequest, FmtOptions, WhyFormat, WhyOptions,
};
use crmpol::emit::TableFormat;
use crmpol::fix::FixOptions;
use crmpol::format::FormatOptions;
use crmpol::render::{MessageFormat, RenderOptions};
use crmpol::vocabulary::Channel;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// An analysis allocates many small objects (names, statements, entries);
/// mimalloc serves them several times faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `stream`: where the command prints its diagnostics (for `--color
/// auto`, the width and the drawing characters).
fn common_options(common: Common, stream: Stream) -> CommonOptions {
    CommonOptions {
        paths: common.paths,
        message_format: MessageFormat::from(common.message_format),
        deny_warnings: common.deny_warnings,
        render: render_options(common.color, stream),
        max_diagnostics: common.max_diagnostics,
        interactive: stream.is_terminal(),
        catalog: common.catalog,
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
        color: color_enabled(color, to_terminal),
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

fn color_enabled(color: ColorArg, to_terminal: bool) -> bool {
    match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
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
            // The report goes out as it is made, through one buffer.
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            driver::check_to(&common_options(common, Stream::Stdout), request, &mut stdout)
        }
        Command::Compile { common, format, output } => driver::compile(
            &common_options(common, Stream::Stderr),
            TableFormat::from(format),
            output.as_deref(),
        ),
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
        Command::Diff {
            paths,
            git,
            format,
            exit_code,
            max_witnesses,
            color,
        } => driver::diff(&DiffOptions {
            paths,
            git,
            format: DiffFormat::from(format),
            exit_code,
            render: render_options(color, Stream::Stdout),
            max_witnesses,
        }),
        Command::Explain { code } => driver::explain(&code),
        Command::Why {
            paths,
            queue,
            channel,
            catalog,
            format,
            color,
        } => driver::why(&WhyOptions {
            paths,
            queue,
            catalog,
            channel: channel.map(Channel::from),
            format: WhyFormat::from(format),
            color: color_enabled(color, Stream::Stdout.is_terminal()),
        }),
        Command::Completions { shell } => driver::completions(shell),
        Command::Man { dir } => driver::man(dir.as_deref()),
    };
    print(&output);
    ExitCode::from(output.status.code())
}

/// Prints a command's output; a closed pipe (`| head`) is not an error.
fn print(output: &CommandOutput) {
    let _ = std::io::stderr().lock().write_all(output.stderr.as_bytes());
    let _ = std::io::stdout().lock().write_all(output.stdout.as_bytes());
}
