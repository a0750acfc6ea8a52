//! A comparison for a terminal (`crmpol diff`, the default format).
//!
//! In: a [`PolicyDiff`] and [`Options`]. Out: text in the manner of a
//! plan: the two sides named, then each cause once (`+` a statement added,
//! `-` removed, `~` changed, in colour like `git diff` when asked) with the
//! entries it changes, the first few as witnesses; then one summary line.
//! Text from a policy is shown with hidden characters written out.

use super::causes::{Cause, Place};
use super::words;
use super::{EntryDiff, PolicyDiff, direction};
use crate::text::escape_hidden;

/// How to write a comparison for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// What each side is, as the reader named it: a path, `REV:PATH`.
    pub before_label: String,
    pub after_label: String,
    pub color: bool,
    /// How many entries each cause lists before "and N more"; 0 lists all.
    pub max_witnesses: usize,
}

/// The witnesses a cause lists by default.
pub const DEFAULT_WITNESSES: usize = 3;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn signed(&self, sign: char, text: &str) -> String {
        let style = match sign {
            '+' => GREEN,
            '-' => RED,
            _ => YELLOW,
        };
        self.paint(style, &format!("{sign} {text}"))
    }
}

/// The comparison as text, ending with its summary line.
pub fn render(diff: &PolicyDiff, options: &Options) -> String {
    let painter = Painter { color: options.color };
    let mut out = String::new();
    out.push_str(&painter.paint(BOLD, &format!("--- before: {}", escape_hidden(&options.before_label))));
    out.push('\n');
    out.push_str(&painter.paint(BOLD, &format!("+++ after:  {}", escape_hidden(&options.after_label))));
    out.push_str("\n\n");
    if diff.crm.differs() {
        out.push_str(&painter.signed('~', &format!("crm: {}", words::crm_change(&diff.crm))));
        out.push('\n');
        for cause in diff.crm_causes.iter().filter_map(|&id| diff.cause(id)) {
            statement_lines(&mut out, &painter, cause);
        }
        out.push('\n');
    }
    for (causes, entries) in diff.groups() {
        let causes: Vec<&Cause> = causes.iter().filter_map(|&id| diff.cause(id)).collect();
        group_block(&mut out, &painter, &causes, &entries, options.max_witnesses);
    }
    out.push_str(&painter.paint(BOLD, &direction::summary_line(diff)));
    out.push('\n');
    out
}

/// One group: each cause with its statement on each side, what they do,
/// and witnesses.
fn group_block(out: &mut String, painter: &Painter, causes: &[&Cause], entries: &[&EntryDiff], max: usize) {
    let mut previous = None;
    for cause in causes {
        // Statements of one queue changed together share their heading.
        let heading = (words::sign(cause.kind), words::cause_heading(cause));
        if previous.as_ref() != Some(&heading) {
            out.push_str(&painter.signed(heading.0, &escape_hidden(&heading.1)));
            out.push('\n');
        }
        statement_lines(out, painter, cause);
        previous = Some(heading);
    }
    if causes.is_empty() {
        out.push_str(&painter.signed('~', "changed, with no single statement to point at"));
        out.push('\n');
    }
    out.push_str(&format!("  {}\n", words::effect(entries)));
    witnesses(out, painter, entries, max);
    out.push('\n');
}

/// `    - old/defaults.crmpol:3  skip record creation: no`, then the `+` line.
fn statement_lines(out: &mut String, painter: &Painter, cause: &Cause) {
    for (sign, place) in [('-', &cause.before), ('+', &cause.after)] {
        if let Some(place) = place {
            out.push_str("    ");
            out.push_str(&painter.signed(sign, &located(place)));
            out.push('\n');
        }
    }
}

fn located(place: &Place) -> String {
    format!(
        "{}:{}  {}",
        escape_hidden(&place.file),
        place.line,
        escape_hidden(&place.statement)
    )
}

/// The first `max` entries in detail (0: all), then how many more.
fn witnesses(out: &mut String, painter: &Painter, entries: &[&EntryDiff], max: usize) {
    let shown = words::witnesses_shown(max, entries.len());
    for entry in entries.iter().take(shown) {
        out.push_str("    ");
        out.push_str(&painter.signed(words::entry_sign(entry.change), &words::entry_name(&entry.key)));
        out.push('\n');
        for line in words::entry_lines(entry) {
            out.push_str(&format!("        {}\n", escape_hidden(&line)));
        }
    }
    let hidden = entries.len() - shown;
    if hidden > 0 {
        out.push_str(&format!(
            "    … and {} (--max-witnesses 0 lists them all; --format json has every detail)\n",
            words::more_entries(hidden)
        ));
    }
}
