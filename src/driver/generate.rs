//! `crmpol completions` and `crmpol man`: shell completion scripts and man
//! pages, made from the command line's own definition ([`crate::cli`]), so
//! they always offer exactly what the binary accepts.
//!
//! In: a shell, or the directory to write the man pages into. Out: the
//! script or the page to print, or the pages written into the directory
//! through [`crate::write`], all of them or none.

use super::{CommandOutput, ExitStatus};
use crate::cli::{Cli, ShellArg};
use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, roman};
use std::path::Path;

/// `crmpol completions SHELL`: the script that completes crmpol's
/// commands, options and values in that shell.
pub fn completions(shell: ShellArg) -> CommandOutput {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(clap_complete::Shell::from(shell), &mut command, "crmpol", &mut script);
    CommandOutput {
        stdout: String::from_utf8_lossy(&script).into_owned(),
        stderr: String::new(),
        status: ExitStatus::Success,
    }
}

/// One man page: its file name (`crmpol-check.1`) and its roff text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManPage {
    pub file_name: String,
    pub text: String,
}

/// `crmpol man`: prints crmpol(1); with `dir`, writes it and one page per
/// command into that directory instead, and says so on standard error.
pub fn man(dir: Option<&Path>) -> CommandOutput {
    let pages = match man_pages() {
        Ok(pages) => pages,
        Err(error) => return CommandOutput::could_not_run(format!("cannot render the man pages: {error}")),
    };
    let Some(dir) = dir else {
        return CommandOutput {
            stdout: pages.into_iter().next().map(|page| page.text).unwrap_or_default(),
            stderr: String::new(),
            status: ExitStatus::Success,
        };
    };
    write_pages(&pages, dir)
}

fn write_pages(pages: &[ManPage], dir: &Path) -> CommandOutput {
    let shown = crate::text::escape_hidden(&dir.display().to_string()).into_owned();
    if !dir.is_dir() {
        return CommandOutput::could_not_run(format!(
            "cannot write the man pages into `{shown}`: it is not a directory (create it first)"
        ));
    }
    let paths: Vec<_> = pages.iter().map(|page| dir.join(&page.file_name)).collect();
    let files: Vec<(&Path, &[u8])> = paths
        .iter()
        .zip(pages)
        .map(|(path, page)| (path.as_path(), page.text.as_bytes()))
        .collect();
    if let Err(failure) = crate::write::write_all_or_none(&files) {
        return CommandOutput::could_not_run_all(failure.errors);
    }
    let names: Vec<&str> = pages.iter().map(|page| page.file_name.as_str()).collect();
    CommandOutput {
        stdout: String::new(),
        stderr: format!("wrote {} man pages into {shown}: {}\n", pages.len(), names.join(", ")),
        status: ExitStatus::Success,
    }
}

/// crmpol(1) first, then one page per command, in the order `--help` lists
/// them. clap's `help` command is left out: it has no page of its own.
pub fn man_pages() -> std::io::Result<Vec<ManPage>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = vec![page(&command, Some(exit_status()), &[])?];
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        pages.push(page(sub, None, &["crmpol(1) for the exit statuses"])?);
    }
    Ok(pages)
}

/// A page as clap_mangen lays it out, with the sections it has no source
/// for, EXIT STATUS and SEE ALSO, where man-pages(7) puts them.
fn page(command: &clap::Command, exit_status: Option<Roff>, see_also: &[&str]) -> std::io::Result<ManPage> {
    // A command's own version is empty: every page names crmpol's.
    let man = clap_mangen::Man::new(command.clone()).source(format!("crmpol {}", env!("CARGO_PKG_VERSION")));
    let mut page = Page::default();
    page.push(|text| man.render_title(text))?;
    page.push(|text| man.render_name_section(text))?;
    page.push(|text| man.render_synopsis_section(text))?;
    page.push(|text| man.render_description_section(text))?;
    page.push(|text| man.render_options_section(text))?;
    if command.has_subcommands() {
        page.push(|text| man.render_subcommands_section(text))?;
    }
    if let Some(exit_status) = exit_status {
        page.push(|text| exit_status.to_writer(text))?;
    }
    // Rendering VERSION for a command without a version panics in clap_mangen.
    if command.get_version().is_some() {
        page.push(|text| man.render_version_section(text))?;
    }
    page.push(|text| references(see_also).to_writer(text))?;
    Ok(ManPage {
        file_name: man.get_filename(),
        text: ascii_only(&page.text),
    })
}

/// A page put together section by section.
#[derive(Default)]
struct Page {
    text: String,
}

impl Page {
    /// Every section rendered on its own starts with roff's definition of
    /// the apostrophe string (all an empty document holds); the page needs
    /// it once, at the top.
    fn push(&mut self, render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut section = Vec::new();
        render(&mut section)?;
        let section = String::from_utf8_lossy(&section);
        let mut preamble = Vec::new();
        Roff::new().to_writer(&mut preamble)?;
        let preamble = String::from_utf8_lossy(&preamble);
        let body = match section.strip_prefix(preamble.as_ref()) {
            Some(body) if !self.text.is_empty() => body,
            _ => section.as_ref(),
        };
        self.text.push_str(body);
        Ok(())
    }
}

/// Characters beyond ASCII as roff's Unicode escapes (`→` as `\[u2192]`),
/// as preconv writes them: groff reads its input as Latin-1 unless told
/// otherwise, and would print UTF-8 text as mojibake.
fn ascii_only(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii() {
            escaped.push(character);
        } else {
            escaped.push_str(&format!("\\[u{:04X}]", u32::from(character)));
        }
    }
    escaped
}

/// The statuses the commands exit with (docs/cli.md, "Exit status").
fn exit_status() -> Roff {
    let statuses = [
        (
            "0",
            "No errors; warnings may have been printed. For fmt: every file is formatted (with --check: \
             already canonical).",
        ),
        (
            "1",
            "The policy set has errors, or warnings under --deny-warnings. For fmt: a file has syntax \
             errors, or with --check a file would change; for check --diff: a file would change; for \
             diff: a side has errors.",
        ),
        (
            "2",
            "The command could not run: bad arguments, a path that does not exist or cannot be read, \
             a file that cannot be written, an unknown code given to explain, a queue why cannot read or \
             find, diff --git outside a git repository or with an unknown revision.",
        ),
        (
            "3",
            "diff --exit-code only: both policy sets compile and behave differently.",
        ),
    ];
    let lsp = "crmpol lsp exits with 0 after the editor sends shutdown, then exit, and with 1 when the \
               editor exits without shutdown or its input ends first.";
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (status, meaning) in statuses {
        roff.control("TP", []);
        roff.text([bold(status)]);
        roff.text([roman(meaning)]);
    }
    roff.control("PP", []);
    roff.text([roman(lsp)]);
    roff
}

fn references(pages: &[&str]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SEE ALSO"]);
    let mut pointers: Vec<String> = pages.iter().map(|page| (*page).to_owned()).collect();
    pointers.push("crmpol explain CODE for a diagnostic code".to_owned());
    pointers.push(
        "docs/cli.md, docs/language.md and docs/diagnostics.md in crmpol's source for the full manual".to_owned(),
    );
    roff.text([roman(pointers.join("; ")), roman(".")]);
    roff
}
