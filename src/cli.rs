//! The command line's grammar: every command, option and value crmpol
//! accepts, as clap types.
//!
//! In: nothing. Out: [`Cli`], which `main.rs` parses the arguments into,
//! and whose [`clap::CommandFactory::command`] the shell completions, the
//! man pages ([`crate::driver::completions`], [`crate::driver::man`]) and
//! the tests of documented command lines are made from, so none of them can
//! drift from what the binary accepts. Nothing here reads the terminal or
//! prints: turning [`Common`] into the driver's options depends on where
//! the output goes, which is `main.rs`'s part.

use crate::driver::{DiffFormat, WhyFormat};
use crate::emit::TableFormat;
use crate::render::MessageFormat;
use crate::vocabulary::Channel;
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use std::path::PathBuf;

/// Compile and lint per-queue CRM record-creation policies.
#[derive(Parser)]
#[command(name = "crmpol", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        #[arg(short = 'o', long = "output", value_name = "FILE", value_hint = ValueHint::FilePath)]
        output: Option<PathBuf>,
    },
    /// Compare two policy sets by behaviour: which entries change, why, and which way.
    #[command(
        after_help = "Exit status: 0 when both sides compile (changed or not), 1 when a side has errors, \
2 when the command could not run, 3 with --exit-code when the behaviour differs."
    )]
    Diff {
        /// OLD NEW (each a policy file or folder); with --git, the paths to read at each revision (default: .).
        #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
        paths: Vec<PathBuf>,
        /// Compare the paths at git revision REV with the work tree; `A..B` compares two revisions, `A...B` B with its merge base with A.
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// How to print the comparison.
        #[arg(long, value_enum, default_value_t = DiffFormatArg::Human)]
        format: DiffFormatArg,
        /// Exit 3 when the two sides behave differently (for CI steps that must notice any change).
        #[arg(long)]
        exit_code: bool,
        /// Entries listed per cause in the human and markdown formats (0: all; default 3 and 20).
        #[arg(long, value_name = "N")]
        max_witnesses: Option<usize>,
        /// When to colour the human format and a side's errors.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
    },
    /// Rewrite policy files in the canonical layout.
    Fmt {
        /// Policy files or directories; `-` formats standard input to standard output.
        #[arg(required = true, value_name = "PATH", value_hint = ValueHint::AnyPath)]
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
    /// Explain a diagnostic code, such as E0101, or a setting, such as "skip record creation".
    Explain {
        /// The code, or a setting's name (quoted, as one argument).
        #[arg(value_name = "CODE|SETTING")]
        code: String,
    },
    /// Explain a queue: each value in effect and the lines that set it, its table rows, its diagnostics.
    Why {
        /// Policy files, or directories searched for `*.crmpol` files.
        #[arg(required = true, value_name = "PATH", value_hint = ValueHint::AnyPath)]
        paths: Vec<PathBuf>,
        /// The queue: `Support/Billing`, or quoted as in a policy, '"Support" / "Billing"'.
        #[arg(long, value_name = "QUEUE")]
        queue: String,
        /// Only this channel's entries.
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
        /// Take the leaf queues and their channels from this queue catalog (JSON menus), whatever `catalog:` says.
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        catalog: Option<PathBuf>,
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
    /// Print the shell completion script for SHELL.
    Completions {
        /// The shell to complete crmpol's commands and options in.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Print crmpol's man page, or write one page per command into a directory.
    Man {
        /// Write crmpol.1 and one page per command (crmpol-check.1, ...) into DIR, which must exist.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

#[derive(Args)]
pub struct Common {
    /// Policy files, or directories searched for `*.crmpol` files.
    #[arg(required = true, value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    pub message_format: MessageFormatArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to colour human-format diagnostics.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Show at most N diagnostics in the human, short and github formats (0: all).
    #[arg(long, value_name = "N", default_value_t = crate::driver::DEFAULT_MAX_DIAGNOSTICS)]
    pub max_diagnostics: usize,
    /// Take the leaf queues and their channels from this queue catalog (JSON menus), whatever `catalog:` says.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub catalog: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MessageFormatArg {
    Human,
    Short,
    Json,
    Sarif,
    Github,
}

impl From<MessageFormatArg> for MessageFormat {
    fn from(format: MessageFormatArg) -> MessageFormat {
        match format {
            MessageFormatArg::Human => MessageFormat::Human,
            MessageFormatArg::Short => MessageFormat::Short,
            MessageFormatArg::Json => MessageFormat::Json,
            MessageFormatArg::Sarif => MessageFormat::Sarif,
            MessageFormatArg::Github => MessageFormat::Github,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Yaml,
    Json,
    Markdown,
}

impl From<FormatArg> for TableFormat {
    fn from(format: FormatArg) -> TableFormat {
        match format {
            FormatArg::Yaml => TableFormat::Yaml,
            FormatArg::Json => TableFormat::Json,
            FormatArg::Markdown => TableFormat::Markdown,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormatArg {
    Human,
    Markdown,
    Json,
}

impl From<DiffFormatArg> for DiffFormat {
    fn from(format: DiffFormatArg) -> DiffFormat {
        match format {
            DiffFormatArg::Human => DiffFormat::Human,
            DiffFormatArg::Markdown => DiffFormat::Markdown,
            DiffFormatArg::Json => DiffFormat::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ChannelArg {
    Call,
    Chat,
}

impl From<ChannelArg> for Channel {
    fn from(channel: ChannelArg) -> Channel {
        match channel {
            ChannelArg::Call => Channel::Call,
            ChannelArg::Chat => Channel::Chat,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum WhyFormatArg {
    Human,
    Json,
}

impl From<WhyFormatArg> for WhyFormat {
    fn from(format: WhyFormatArg) -> WhyFormat {
        match format {
            WhyFormatArg::Human => WhyFormat::Human,
            WhyFormatArg::Json => WhyFormat::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// The shells crmpol writes completion scripts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl From<ShellArg> for clap_complete::Shell {
    fn from(shell: ShellArg) -> clap_complete::Shell {
        match shell {
            ShellArg::Bash => clap_complete::Shell::Bash,
            ShellArg::Zsh => clap_complete::Shell::Zsh,
            ShellArg::Fish => clap_complete::Shell::Fish,
            ShellArg::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}
