//! Property tests of the formatter (`src/format.rs`) over thousands of
//! generated policies.
//!
//! [`Generator`] writes syntactically valid policies in the ugliest layout
//! the language allows: random indentation of spaces and tabs, runs of
//! blanks between words and around `:` and `/`, runs of blank lines, LF,
//! CRLF or both, a byte-order mark, comments on every line and between
//! every statement, `crm:` and `defaults` anywhere, settings in any order,
//! nested and reopened queues, path shorthand, leaf queues and empty blocks
//! in all their spellings, queue names with spaces, slashes, escapes and
//! unicode. About half the policies are messy on purpose: unknown settings,
//! invalid and missing values, settings given twice, two `crm:` or two
//! `defaults`. None has a syntax error.
//!
//! Each property runs over the same [`CASES`] policies (seeds `0..CASES`).
//! A failure names the seed, prints the generated and the formatted text,
//! and prints the input shrunk to the fewest lines that still fail.

mod common;

use common::language::{CRMS, SETTINGS};
use common::random::Rng;
use crmpol::format::{FormatError, FormatOptions, format_file};
use crmpol::settings::SettingKey;
use crmpol::source::FileId;
use crmpol::syntax::{NodeKind, SyntaxTree, parse_file};
use crmpol::table::DecisionTable;
use crmpol::{Code, SourceFile, SourceSet};
use std::collections::BTreeSet;

/// How many policies each property is checked on.
const CASES: u64 = 5000;

/// The deepest queue nesting the generator writes.
const MAX_QUEUE_DEPTH: usize = 6;

/// Failures listed per property, besides the first one shown in full.
const FAILING_SEEDS_LISTED: usize = 20;

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// CRM values that are not CRMs (E0003), or missing.
const BAD_CRMS: [&str; 3] = ["pipedrive", "Zendesk", ""];

/// Setting names the language does not know (E0002).
const UNKNOWN_SETTINGS: [&str; 10] = [
    "priority",
    "chat widget",
    "queue size",
    "calls per hour",
    "skip case creation",
    "skip acount creation",
    "append to latest record",
    "wrap-up time",
    "priorité",
    "record",
];

/// Values, some valid for one setting and invalid for another (E0003).
const OTHER_VALUES: [&str; 13] = [
    "maybe",
    "Yes",
    "true",
    "option 4",
    "option 0",
    "\"option 1\"",
    "activity",
    "ccaip session",
    "ccaas session",
    "activity object",
    "yes",
    "no",
    "option 2",
];

/// Queue names as written between the quotes (escapes included).
const QUEUE_NAMES: [&str; 28] = [
    "Support",
    "Billing",
    "billing",
    "Billing ",
    "Sales",
    "Inbound",
    "Refunds",
    "Invoices",
    "Live Chat",
    "Quick   Questions",
    "Tier 1/Tier 2",
    r#"Say \"Hello\""#,
    r"C:\\Queues\\Legacy",
    "#general",
    "{braces} # not a comment",
    "a / b",
    "Ventes — Québec",
    "日本語サポート",
    "📞 Hotline",
    " padded ",
    "no-break\u{a0}space",
    "x",
    r"ends in a backslash \\",
    r#"\"\""#,
    r#"a\\\"b"#,
    "{}",
    "queue",
    "Key: value",
];

/// Pieces of comment text, after the `#`.
const COMMENT_PARTS: [&str; 21] = [
    "",
    " ",
    "#",
    " note",
    " TODO: check with the CRM team",
    r#" "quoted" and 'single'"#,
    r#" queue "Fake" {"#,
    " }",
    " {",
    "crm: zendesk",
    " skip record creation: yes",
    " é ü ß —",
    " 日本語のコメント",
    " 📞☎️",
    "\ttab\tinside",
    r" C:\path\to",
    " trailing spaces   ",
    " a # b ## c",
    "////",
    " ccaip session",
    " map session data to: ccaip session",
];

/// What a block may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Defaults,
    Queue,
    Channel,
}

/// A statement at the top level of a file.
#[derive(Clone, Copy)]
enum TopItem {
    Crm,
    Defaults,
    Queue,
}

/// Writes one ugly but syntactically valid policy per seed.
struct Generator {
    rng: Rng,
    /// The lines so far, without line endings.
    lines: Vec<String>,
    /// Once reached, blocks are closed and no new statement is begun.
    target_lines: usize,
    /// Messy policies also hold unknown settings, invalid or missing values
    /// and settings given twice in one block.
    messy: bool,
    /// Deep policies nest their queues as deep as they may.
    deep: bool,
    /// The queue names of this policy: a few, so that queues get reopened.
    names: Vec<&'static str>,
}

impl Generator {
    fn policy(seed: u64) -> String {
        let mut rng = Rng(seed);
        let target_lines = rng.in_range(10..=60);
        let messy = rng.chance(50);
        let deep = rng.chance(20);
        let name_count = rng.in_range(2..=6);
        let names = (0..name_count).map(|_| rng.pick(&QUEUE_NAMES)).collect();
        let mut generator = Generator {
            rng,
            lines: Vec::new(),
            target_lines,
            messy,
            deep,
            names,
        };
        generator.file();
        generator.finish()
    }

    fn full(&self) -> bool {
        self.lines.len() >= self.target_lines
    }

    fn file(&mut self) {
        if self.rng.chance(60) {
            self.gap();
        }
        if self.rng.chance(1) {
            // Nothing but comments and blank lines.
            return;
        }
        let crm_count = if self.messy { self.rng.pick(&[0, 1, 1, 1, 2]) } else { 1 };
        let defaults_count = if self.messy {
            self.rng.pick(&[0, 1, 1, 2])
        } else {
            self.rng.pick(&[0, 1, 1])
        };
        let mut items = vec![TopItem::Queue; self.rng.in_range(1..=8)];
        for _ in 0..crm_count {
            let at = self.rng.below(items.len() + 1);
            items.insert(at, TopItem::Crm);
        }
        for _ in 0..defaults_count {
            let at = self.rng.below(items.len() + 1);
            items.insert(at, TopItem::Defaults);
        }
        for item in items {
            match item {
                TopItem::Crm => self.crm(),
                TopItem::Defaults => self.block("defaults".to_owned(), Container::Defaults, 0),
                TopItem::Queue if self.full() => continue,
                TopItem::Queue => self.queue(0),
            }
            self.gap();
        }
        if self.rng.chance(30) {
            self.gap();
        }
    }

    /// The text of the file: line endings, a final line break or not, a
    /// byte-order mark or not.
    fn finish(mut self) -> String {
        let endings = self.rng.pick(&["\n", "\r\n", "mixed"]);
        let mut text = String::new();
        if self.rng.chance(15) {
            text.push('\u{feff}');
        }
        let final_break = self.rng.chance(80);
        let count = self.lines.len();
        for (index, line) in std::mem::take(&mut self.lines).into_iter().enumerate() {
            text.push_str(&line);
            if index + 1 < count || final_break {
                let ending = match endings {
                    "mixed" => self.rng.pick(&["\n", "\r\n"]),
                    ending => ending,
                };
                text.push_str(ending);
            }
        }
        text
    }

    /// A run of one to three spaces and tabs.
    fn blanks(&mut self) -> String {
        let length = self.rng.in_range(1..=3);
        (0..length)
            .map(|_| if self.rng.chance(30) { '\t' } else { ' ' })
            .collect()
    }

    /// Nothing, or a run of blanks.
    fn maybe_blanks(&mut self) -> String {
        if self.rng.chance(40) {
            String::new()
        } else {
            self.blanks()
        }
    }

    /// Indentation that means nothing: up to eight spaces and tabs.
    fn indentation(&mut self) -> String {
        let length = self.rng.below(9);
        (0..length)
            .map(|_| if self.rng.chance(30) { '\t' } else { ' ' })
            .collect()
    }

    /// Words separated by runs of blanks.
    fn spaced(&mut self, words: &str) -> String {
        let words: Vec<&str> = words.split(' ').collect();
        let mut text = String::new();
        for (index, word) in words.iter().enumerate() {
            if index > 0 {
                text.push_str(&self.blanks());
            }
            text.push_str(word);
        }
        text
    }

    fn comment(&mut self) -> String {
        let mut text = "#".to_owned();
        for _ in 0..self.rng.in_range(1..=3) {
            text.push_str(self.rng.pick(&COMMENT_PARTS));
        }
        text
    }

    /// A statement's line: indentation, maybe a trailing comment, maybe
    /// trailing blanks.
    fn statement_line(&mut self, code: &str) {
        let mut line = self.indentation();
        line.push_str(code);
        if self.rng.chance(25) {
            line.push_str(&self.maybe_blanks());
            line.push_str(&self.comment());
        }
        if self.rng.chance(15) {
            line.push_str(&self.blanks());
        }
        self.lines.push(line);
    }

    /// Often nothing; else a run of blank lines (some holding blanks) and
    /// full-line comments.
    fn gap(&mut self) {
        if self.rng.chance(50) {
            return;
        }
        for _ in 0..self.rng.in_range(1..=4) {
            let line = if self.rng.chance(50) {
                if self.rng.chance(30) {
                    self.blanks()
                } else {
                    String::new()
                }
            } else {
                let mut line = self.indentation();
                line.push_str(&self.comment());
                if self.rng.chance(15) {
                    line.push_str(&self.blanks());
                }
                line
            };
            self.lines.push(line);
        }
    }

    fn crm(&mut self) {
        let value = if self.messy && self.rng.chance(10) {
            self.rng.pick(&BAD_CRMS)
        } else {
            self.rng.pick(&CRMS)
        };
        let code = format!("crm{}:{}{value}", self.maybe_blanks(), self.maybe_blanks());
        self.statement_line(&code);
    }

    /// `HEADER {` ... `}`, or an empty block in one of its spellings.
    fn block(&mut self, header: String, container: Container, depth: usize) {
        let statements = if self.rng.chance(15) {
            0
        } else {
            self.rng.in_range(1..=5)
        };
        let open = format!("{header}{}{{", self.maybe_blanks());
        if statements == 0 && self.rng.chance(50) {
            let inside = if self.rng.chance(50) {
                String::new()
            } else {
                self.blanks()
            };
            self.statement_line(&format!("{open}{inside}}}"));
            return;
        }
        self.statement_line(&open);
        self.gap();
        let mut used_settings = Vec::new();
        for index in 0..statements {
            // A deep policy goes down one more level whatever its length.
            let go_deeper = self.deep && index == 0 && container == Container::Queue && depth < MAX_QUEUE_DEPTH;
            if go_deeper {
                self.queue(depth);
            } else if self.full() {
                break;
            } else {
                self.statement(container, depth, &mut used_settings);
            }
            self.gap();
        }
        self.statement_line("}");
    }

    fn statement(&mut self, container: Container, depth: usize, used_settings: &mut Vec<usize>) {
        let queue_percent = match container {
            Container::Queue if depth < MAX_QUEUE_DEPTH => 30,
            _ => 0,
        };
        let channel_percent = if container == Container::Channel { 0 } else { 20 };
        let roll = self.rng.below(100);
        if roll < queue_percent {
            self.queue(depth);
        } else if roll < queue_percent + channel_percent {
            let channel = self.rng.pick(&["call", "chat"]);
            self.block(channel.to_owned(), Container::Channel, depth);
        } else {
            self.setting(used_settings);
        }
    }

    /// A setting: usually a known one with a valid value; in messy policies
    /// also unknown names, invalid or missing values and repeats.
    fn setting(&mut self, used_settings: &mut Vec<usize>) {
        let (name, value) = if self.messy && self.rng.chance(8) {
            (self.rng.pick(&UNKNOWN_SETTINGS), self.rng.pick(&OTHER_VALUES))
        } else {
            let mut index = self.rng.below(SETTINGS.len());
            if !self.messy {
                // Known settings at most once per block (reopened queues may
                // still repeat one).
                let free: Vec<usize> = (0..SETTINGS.len()).filter(|i| !used_settings.contains(i)).collect();
                if free.is_empty() {
                    return;
                }
                index = self.rng.pick(&free);
            }
            used_settings.push(index);
            let (name, values) = SETTINGS[index];
            let value = if self.messy && self.rng.chance(10) {
                if self.rng.chance(20) {
                    ""
                } else {
                    let invalid: Vec<&str> = OTHER_VALUES
                        .into_iter()
                        .filter(|value| !values.contains(value))
                        .collect();
                    self.rng.pick(&invalid)
                }
            } else {
                self.rng.pick(values)
            };
            (name, value)
        };
        let code = format!(
            "{}{}:{}{}",
            self.spaced(name),
            self.maybe_blanks(),
            self.maybe_blanks(),
            self.spaced(value)
        );
        self.statement_line(&code);
    }

    /// One of this policy's queue names, as written between the quotes.
    fn queue_name(&mut self) -> &'static str {
        self.names[self.rng.below(self.names.len())]
    }

    /// `queue "A"`, `queue "A" / "B" / ...`, with or without a block.
    fn queue(&mut self, depth: usize) {
        let room = (MAX_QUEUE_DEPTH - depth).min(3);
        let segments = if room >= 2 && self.rng.chance(25) {
            self.rng.in_range(2..=room)
        } else {
            1
        };
        let mut code = format!("queue{}\"{}\"", self.blanks(), self.queue_name());
        for _ in 1..segments {
            let name = self.queue_name();
            code.push_str(&format!("{}/{}\"{name}\"", self.maybe_blanks(), self.maybe_blanks()));
        }
        let leaf = self.rng.chance(if self.deep { 10 } else { 25 });
        if leaf {
            self.statement_line(&code);
        } else {
            self.block(code, Container::Queue, depth + segments);
        }
    }
}

// ---------------------------------------------------------------------------
// What the properties look at
// ---------------------------------------------------------------------------

fn format(text: &str, normalize: bool) -> Result<String, String> {
    let source = SourceFile::from_text("gen.crmpol", text);
    format_file(&source, FormatOptions { normalize }).map_err(|error| match error {
        FormatError::Syntax(diagnostics) => {
            let messages: Vec<String> = diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code.as_str(), d.message))
                .collect();
            format!("format_file refused the input as a syntax error (generator bug): {messages:#?}")
        }
        FormatError::WouldChangeMeaning(why) => format!("format_file: WouldChangeMeaning (formatter bug): {why}"),
        FormatError::Refused(why) => format!("format_file refused a generated policy: {why}"),
    })
}

/// The decision table and the diagnostics without their places.
fn meaning(text: &str) -> (DecisionTable, Vec<(Code, String)>) {
    let analysis = crmpol::analyze(&SourceSet::from_texts([("gen.crmpol", text)]));
    (analysis.table(), analysis.findings())
}

fn parse(text: &str) -> (SourceFile, crmpol::syntax::ParsedFile) {
    let source = SourceFile::from_text("gen.crmpol", text);
    let parsed = parse_file(FileId(0), &source);
    (source, parsed)
}

fn parses_cleanly(text: &str) -> bool {
    parse(text).1.diagnostics.is_empty()
}

/// Every comment's text, trimmed at the end, sorted.
fn comment_texts(text: &str) -> Vec<String> {
    let (source, parsed) = parse(text);
    let mut texts: Vec<String> = parsed
        .tree
        .comments
        .iter()
        .map(|span| source.slice(*span).trim_end().to_owned())
        .collect();
    texts.sort();
    texts
}

/// The deepest queue in a tree, counting path shorthand segments.
fn queue_depth(tree: &SyntaxTree) -> usize {
    let mut depth = vec![0; tree.len()];
    let mut deepest = 0;
    for (id, node) in tree.nodes() {
        let above = node.parent().map_or(0, |parent| depth[parent.0]);
        depth[id.0] = match &node.kind {
            NodeKind::Queue(decl) => above + decl.path.len(),
            _ => above,
        };
        deepest = deepest.max(depth[id.0]);
    }
    deepest
}

/// One line of formatted output, split into its parts.
struct OutputLine<'a> {
    indentation: &'a str,
    /// The statement, queue names replaced by `""` and without its comment.
    code: String,
    comment: Option<&'a str>,
}

/// Splits a line of output: a `#` outside quotes starts the comment.
fn split_line(line: &str) -> OutputLine<'_> {
    let body = line.trim_start_matches([' ', '\t']);
    let indentation = &line[..line.len() - body.len()];
    let mut code = String::new();
    let mut in_quotes = false;
    let mut escaped = false;
    for (at, c) in body.char_indices() {
        if in_quotes {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    in_quotes = false;
                    code.push('"');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '#' => {
                return OutputLine {
                    indentation,
                    code: code.trim_end().to_owned(),
                    comment: Some(&body[at..]),
                };
            }
            '"' => {
                in_quotes = true;
                code.push('"');
            }
            _ => code.push(c),
        }
    }
    OutputLine {
        indentation,
        code: code.trim_end().to_owned(),
        comment: None,
    }
}

/// Where a statement sorts among its siblings in the canonical layout:
/// `crm:`, `defaults`, settings (in the order of `SettingKey::ALL`, unknown
/// ones last), `call`, `chat`, queues.
fn canonical_rank(code: &str) -> (usize, usize) {
    if code.starts_with("crm:") {
        (0, 0)
    } else if code.starts_with("defaults {") {
        (1, 0)
    } else if code.starts_with("call {") {
        (3, 0)
    } else if code.starts_with("chat {") {
        (3, 1)
    } else if code.starts_with("queue \"") {
        (4, 0)
    } else {
        let name = code.split(':').next().unwrap_or("");
        (
            2,
            SettingKey::from_name(name).map_or(SettingKey::ALL.len(), SettingKey::index),
        )
    }
}

/// Where the canonical layout is not kept.
fn layout_problems(output: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if output.starts_with('\u{feff}') {
        problems.push("starts with a byte-order mark".to_owned());
    }
    if output.contains('\r') {
        problems.push("holds a `\\r`".to_owned());
    }
    if !output.is_empty() && (!output.ends_with('\n') || output.ends_with("\n\n")) {
        problems.push("does not end with exactly one line break".to_owned());
    }
    if output.starts_with('\n') {
        problems.push("starts with a blank line".to_owned());
    }
    if output.contains("\n\n\n") {
        problems.push("has two blank lines in a row".to_owned());
    }
    // The rank of the last statement seen in each open block, outermost first.
    let mut last_rank: Vec<Option<(usize, usize)>> = vec![None];
    // Whether the line after the previous top-level item was blank.
    let mut top_level_item_seen = false;
    let mut blank_after_top_level_item = false;
    let lines: Vec<&str> = output.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if line.ends_with([' ', '\t']) {
            problems.push(format!("line {number}: trailing whitespace"));
        }
        if line.is_empty() {
            continue;
        }
        let parts = split_line(line);
        let is_close = parts.code == "}";
        if is_close && last_rank.len() > 1 {
            last_rank.pop();
        }
        let depth = last_rank.len() - 1;
        if parts.indentation.contains('\t') {
            problems.push(format!("line {number}: tab in the indentation"));
        } else if !parts.indentation.len().is_multiple_of(4) {
            problems.push(format!("line {number}: indentation is not a multiple of four spaces"));
        } else if parts.indentation.len() != 4 * depth {
            problems.push(format!(
                "line {number}: indented {} spaces at nesting depth {depth}",
                parts.indentation.len()
            ));
        }
        if parts.code.contains('\t') {
            problems.push(format!("line {number}: tab outside comments and queue names"));
        }
        if parts.code.contains("  ") {
            problems.push(format!(
                "line {number}: two spaces in a row outside comments and queue names"
            ));
        }
        if let Some(comment) = parts.comment
            && !parts.code.is_empty()
        {
            let before = &line[..line.len() - comment.len()];
            if !before.ends_with(' ') || before.ends_with("  ") {
                problems.push(format!(
                    "line {number}: a trailing comment not one space after its statement"
                ));
            }
        }
        if parts.code.is_empty() || is_close {
            if is_close && depth == 0 {
                blank_after_top_level_item = lines.get(index + 1).is_some_and(|next| next.is_empty());
            }
            continue;
        }
        let rank = canonical_rank(&parts.code);
        if let Some(slot) = last_rank.last_mut() {
            if slot.is_some_and(|last| last > rank) {
                problems.push(format!("line {number}: `{}` is out of the canonical order", parts.code));
            }
            *slot = Some(rank);
        }
        let opens = parts.code.ends_with('{');
        if depth == 0 {
            if top_level_item_seen && !blank_after_top_level_item {
                problems.push(format!("line {number}: no blank line before this top-level item"));
            }
            top_level_item_seen = true;
            if !opens {
                blank_after_top_level_item = lines.get(index + 1).is_some_and(|next| next.is_empty());
            }
        }
        if opens {
            last_rank.push(None);
        }
    }
    if last_rank.len() != 1 {
        problems.push("braces do not balance".to_owned());
    }
    problems
}

/// `map session data to: ccaip session`, as the formatter writes it.
const ALIAS_LINE: &str = "map session data to: ccaip session";
const CANONICAL_LINE: &str = "map session data to: ccaas session";

/// The plain output with the alias written canonically, which is what the
/// `normalize` option promises.
fn normalized_by_hand(output: &str) -> String {
    output
        .split_inclusive('\n')
        .map(|line| {
            let parts = split_line(line.trim_end_matches('\n'));
            if parts.code == ALIAS_LINE {
                line.replacen(ALIAS_LINE, CANONICAL_LINE, 1)
            } else {
                line.to_owned()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

type Property = fn(&str) -> Result<(), String>;

/// Property 1: the formatter accepts every generated policy.
fn formats_without_error(input: &str) -> Result<(), String> {
    format(input, false).map(|_| ())
}

/// Property 2: formatting the output changes nothing.
fn is_idempotent(input: &str) -> Result<(), String> {
    let once = format(input, false)?;
    let twice = format(&once, false).map_err(|why| format!("formatting the output failed: {why}"))?;
    if once == twice {
        return Ok(());
    }
    Err(format!(
        "format(format(x)) != format(x)\n--- formatted twice ---\n{twice}\n--- (escaped) ---\n{twice:?}"
    ))
}

/// Property 3: the output means what the input means: same table, same diagnostics.
fn keeps_meaning(input: &str) -> Result<(), String> {
    let formatted = format(input, false)?;
    let (table_before, findings_before) = meaning(input);
    let (table_after, findings_after) = meaning(&formatted);
    if table_before != table_after {
        return Err(format!(
            "the decision tables differ\ntable before: {}\ntable after: {}",
            serde_json::to_string(&table_before).unwrap_or_default(),
            serde_json::to_string(&table_after).unwrap_or_default()
        ));
    }
    if findings_before != findings_after {
        return Err(format!(
            "the diagnostics differ\nbefore: {findings_before:#?}\nafter: {findings_after:#?}"
        ));
    }
    Ok(())
}

/// Property 4: every comment is kept, word for word.
fn keeps_every_comment(input: &str) -> Result<(), String> {
    let formatted = format(input, false)?;
    let before = comment_texts(input);
    let after = comment_texts(&formatted);
    if before == after {
        return Ok(());
    }
    Err(format!("the comments differ\nbefore: {before:#?}\nafter: {after:#?}"))
}

/// Property 5: the output keeps the simple promises of the canonical layout.
fn is_canonical(input: &str) -> Result<(), String> {
    let formatted = format(input, false)?;
    let problems = layout_problems(&formatted);
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("not canonical: {problems:#?}"))
}

/// Property 6: `normalize` writes the alias `ccaip session` as `ccaas session` and
/// changes nothing else: no `map session data to: ccaip session` is left
/// outside comments and queue names, the output is the plain output with
/// that one rewrite, and the table and the diagnostics are the same.
///
/// (`ccaip session` written as the invalid value of another setting, as in
/// `records: ccaip session`, is not an alias there: it stays as written so
/// that E0003 still quotes what the author wrote.)
fn normalize_rewrites_the_alias(input: &str) -> Result<(), String> {
    let normalized = format(input, true).map_err(|why| format!("with normalize: {why}"))?;
    let plain = format(input, false)?;
    let left: Vec<&str> = normalized
        .lines()
        .filter(|line| split_line(line).code.contains(ALIAS_LINE))
        .collect();
    if !left.is_empty() {
        return Err(format!("the alias is left in {left:#?}\n\nnormalized:\n{normalized}"));
    }
    let expected = normalized_by_hand(&plain);
    if normalized != expected {
        return Err(format!(
            "normalize changed more than the alias\n\nnormalized:\n{normalized}\nplain output with the alias rewritten:\n{expected}"
        ));
    }
    let (table_before, findings_before) = meaning(input);
    let (table_after, findings_after) = meaning(&normalized);
    if table_before != table_after {
        return Err(format!("the decision tables differ\n\nnormalized:\n{normalized}"));
    }
    if findings_before != findings_after {
        return Err(format!(
            "the diagnostics differ\n\nnormalized:\n{normalized}\nbefore: {findings_before:#?}\nafter: {findings_after:#?}"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Running a property
// ---------------------------------------------------------------------------

/// Checks a property on every generated policy; on failure, shows the first
/// failing seed in full and its input shrunk, and lists the other seeds.
fn check(name: &str, property: Property) {
    let mut failing: Vec<u64> = Vec::new();
    let mut first: Option<(u64, String, String)> = None;
    for seed in 0..CASES {
        let input = Generator::policy(seed);
        if let Err(detail) = property(&input) {
            failing.push(seed);
            first.get_or_insert((seed, input, detail));
        }
    }
    let Some((seed, input, detail)) = first else { return };
    let shrunk = shrink(&input, property);
    let shrunk_detail = property(&shrunk).err().unwrap_or_default();
    let listed: Vec<u64> = failing.iter().copied().take(FAILING_SEEDS_LISTED).collect();
    panic!(
        "property `{name}` fails for {} of {CASES} generated policies (seeds {listed:?}...)\n\n\
         === first failure: seed {seed} ===\n{}\n{detail}\n\n\
         === shrunk input ===\n{}\n{shrunk_detail}\n",
        failing.len(),
        show(&input),
        show(&shrunk),
    );
}

/// An input and its plain formatting, each also escaped so that blanks,
/// line endings and the byte-order mark can be seen.
fn show(input: &str) -> String {
    let formatted = format(input, false).unwrap_or_else(|why| format!("(not formatted: {why})"));
    format!(
        "--- generated text ---\n{input}\n--- (escaped) ---\n{input:?}\n\
         --- formatted ---\n{formatted}\n--- (escaped) ---\n{formatted:?}\n"
    )
}

/// Shrinks a failing input while it still parses without syntax errors
/// and the property still fails: removes lines (big chunks first), then
/// pairs of lines (a block and its `}`), then simplifies the lines left.
fn shrink(input: &str, property: Property) -> String {
    let still_fails = |lines: &[String]| {
        let text = lines.concat();
        parses_cleanly(&text) && property(&text).is_err()
    };
    let mut lines: Vec<String> = input.split_inclusive('\n').map(str::to_owned).collect();
    let mut chunk = lines.len().max(1);
    loop {
        let mut removed = false;
        let mut start = 0;
        while start < lines.len() {
            let end = (start + chunk).min(lines.len());
            let candidate: Vec<String> = lines[..start].iter().chain(&lines[end..]).cloned().collect();
            if still_fails(&candidate) {
                lines = candidate;
                removed = true;
            } else {
                start += chunk;
            }
        }
        if chunk > 1 {
            chunk /= 2;
        } else if !removed {
            break;
        }
    }
    'pairs: loop {
        for first in 0..lines.len() {
            for second in first + 1..lines.len() {
                let mut candidate = lines.clone();
                candidate.remove(second);
                candidate.remove(first);
                if still_fails(&candidate) {
                    lines = candidate;
                    continue 'pairs;
                }
            }
        }
        break;
    }
    let simplifications: [fn(&str) -> String; 4] = [
        |line| line.trim_start_matches('\u{feff}').to_owned(),
        |line| line.trim_start_matches([' ', '\t']).to_owned(),
        |line| {
            let body = line.trim_end_matches(['\r', '\n']);
            format!("{}{}", body.trim_end_matches([' ', '\t']), &line[body.len()..])
        },
        collapse_blanks,
    ];
    for index in 0..lines.len() {
        for simplify in simplifications {
            let simpler = simplify(&lines[index]);
            if simpler == lines[index] {
                continue;
            }
            let original = std::mem::replace(&mut lines[index], simpler);
            if !still_fails(&lines) {
                lines[index] = original;
            }
        }
    }
    lines.concat()
}

/// A line with every run of blanks outside quotes made one space.
fn collapse_blanks(line: &str) -> String {
    let mut collapsed = String::with_capacity(line.len());
    let mut in_quotes = false;
    let mut escaped = false;
    for c in line.chars() {
        let blank = matches!(c, ' ' | '\t') && !in_quotes;
        if blank {
            if !collapsed.ends_with(' ') {
                collapsed.push(' ');
            }
            continue;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            _ => {}
        }
        collapsed.push(c);
    }
    collapsed
}

#[test]
fn formatting_succeeds() {
    check("format_file succeeds", formats_without_error);
}

#[test]
fn formatting_is_idempotent() {
    check("format(format(x)) == format(x)", is_idempotent);
}

#[test]
fn formatting_keeps_the_meaning() {
    check("same table and diagnostics", keeps_meaning);
}

#[test]
fn formatting_keeps_every_comment() {
    check("same comments", keeps_every_comment);
}

#[test]
fn formatted_output_is_canonical() {
    check("canonical layout", is_canonical);
}

#[test]
fn normalize_rewrites_only_the_alias() {
    check("normalize", normalize_rewrites_the_alias);
}

/// A full-line comment right above a `}`.
fn comment_before_close(text: &str) -> bool {
    let starts: Vec<&str> = text.lines().map(|line| line.trim_start_matches([' ', '\t'])).collect();
    starts
        .windows(2)
        .any(|pair| pair[0].starts_with('#') && pair[1].starts_with('}'))
}

/// A `crm:` that is not the first statement of its file.
fn crm_not_first(text: &str) -> bool {
    let mut statements = text
        .lines()
        .map(|line| line.trim_start_matches([' ', '\t']))
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'));
    statements.next().is_some_and(|first| !first.starts_with("crm")) && statements.any(|line| line.starts_with("crm"))
}

/// The generator is only as good as what it writes: every feature the
/// properties are meant to cover shows up in the generated policies.
#[test]
fn generator_covers_the_language() {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut syntax_errors = Vec::new();
    for seed in 0..CASES {
        let text = Generator::policy(seed);
        let (source, parsed) = parse(&text);
        if !parsed.diagnostics.is_empty() {
            syntax_errors.push(seed);
        }
        let features = [
            ("byte-order mark", text.starts_with('\u{feff}')),
            ("CRLF", text.contains("\r\n")),
            ("LF only", !text.contains('\r')),
            ("tab indentation", text.contains("\n\t")),
            (
                "blank-line run",
                text.contains("\n\n\n") || text.contains("\r\n\r\n\r\n"),
            ),
            (
                "path shorthand",
                text.contains("\"/") || text.contains("\" /") || text.contains("\"\t/"),
            ),
            ("one-line empty block", text.contains("{}")),
            ("alias", text.contains("ccaip")),
            ("comment before `}`", comment_before_close(&source.text)),
            ("queue depth 6", queue_depth(&parsed.tree) == MAX_QUEUE_DEPTH),
            ("no final line break", !text.ends_with('\n')),
            ("crm not first", crm_not_first(&source.text)),
        ];
        for (feature, present) in features {
            if present {
                seen.insert(feature.to_owned());
            }
        }
        for diagnostic in meaning(&text).1 {
            seen.insert(diagnostic.0.as_str().to_owned());
        }
    }
    assert!(syntax_errors.is_empty(), "seeds with syntax errors: {syntax_errors:?}");
    let wanted = [
        "byte-order mark",
        "CRLF",
        "LF only",
        "tab indentation",
        "blank-line run",
        "path shorthand",
        "one-line empty block",
        "alias",
        "comment before `}`",
        "queue depth 6",
        "no final line break",
        "crm not first",
        "E0002",
        "E0003",
        "E0004",
        "E0005",
        "E0006",
        "E0007",
        "E0101",
        "E0102",
        "E0103",
        "E0104",
        "W0201",
        "W0202",
        "W0204",
    ];
    let missing: Vec<&str> = wanted.into_iter().filter(|want| !seen.contains(*want)).collect();
    assert!(missing.is_empty(), "the generator never produced: {missing:?}");
}

/// The layout checker of property 5 is itself checked: it accepts a
/// canonical text and catches each kind of mistake.
#[test]
fn layout_checker_catches_bad_layouts() {
    let canonical = "# head\ncrm: zendesk # the CRM\n\ndefaults {\n    records: option 2\n}\n\n\
                     # Support\nqueue \"Sup\\\"port\t#1\" {\n    skip account creation: yes\n    call {}\n\n    \
                     # sub\n    queue \"A\" / \"B\"\n} # end\n# tail\n";
    assert_eq!(layout_problems(canonical), Vec::<String>::new());
    let bad = [
        ("\u{feff}crm: zendesk\n", "byte-order mark"),
        ("crm: zendesk\r\n", "`\\r`"),
        ("crm: zendesk", "line break"),
        ("crm: zendesk\n\n", "line break"),
        ("\ncrm: zendesk\n", "starts with a blank"),
        ("crm: zendesk\n\n\n\nqueue \"A\"\n", "two blank lines"),
        ("crm: zendesk \n", "trailing whitespace"),
        ("queue \"A\" {\n\trecords: option 1\n}\n", "tab in the indentation"),
        ("queue \"A\" {\n  records: option 1\n}\n", "multiple of four"),
        ("queue \"A\" {\nrecords: option 1\n}\n", "nesting depth"),
        ("queue \"A\" {\n    records:\toption 1\n}\n", "tab outside"),
        ("queue \"A\" {\n    records:  option 1\n}\n", "two spaces"),
        ("crm: zendesk  # c\n", "one space after"),
        (
            "queue \"A\" {\n    queue \"B\"\n    records: option 1\n}\n",
            "canonical order",
        ),
        (
            "queue \"A\" {\n    records: option 1\n    skip account creation: yes\n}\n",
            "canonical order",
        ),
        ("queue \"A\" {\n    chat {}\n    call {}\n}\n", "canonical order"),
        ("queue \"A\"\n\ncrm: zendesk\n", "canonical order"),
        ("crm: zendesk\nqueue \"A\"\n", "no blank line"),
        ("queue \"A\" {\n}\nqueue \"B\"\n", "no blank line"),
        ("queue \"A\" {\n", "balance"),
    ];
    for (text, problem) in bad {
        let problems = layout_problems(text);
        assert!(
            problems.iter().any(|found| found.contains(problem)),
            "{text:?} should be reported for {problem:?}, got {problems:?}"
        );
    }
    assert_eq!(
        normalized_by_hand("queue \"A\" {\n    map session data to: ccaip session # ccaip session\n}\n"),
        "queue \"A\" {\n    map session data to: ccaas session # ccaip session\n}\n"
    );
}
