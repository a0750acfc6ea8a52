//! Properties of `--fix` over thousands of generated broken policies.
//!
//! Each seed writes a policy set of one or two files (queues nested up to
//! three deep, settings plain and in channel blocks, chosen so that the
//! semantic checks fire), then breaks it the ways operators do: misspelt
//! names and values, `=` for `:`, `//` comments, typographic quotes, pasted
//! no-break spaces, repeated and redundant lines, unsupported CRMs. Half of
//! the inputs are put in the canonical layout first. For every input:
//!
//! 1. `fix_all` leaves no more errors than there were;
//! 2. a second `fix_all` applies nothing and changes nothing;
//! 3. no leaf/channel entry that no diagnostic was about changes its
//!    compiled table (the oracle below decides "about" from the diagnostic's
//!    entries, or from the queue block its primary span stands in);
//! 4. a file in the canonical layout is still in it afterwards;
//! 5. every fix offered, safe or unsafe, applied alone, changes the table
//!    of no entry outside the ones its diagnostic is about, and adds no
//!    error.
//!
//! A failure names its seed; `FIX_PROPERTY_SEED=n` reruns one.

mod common;

use common::language::SETTINGS;
use common::random::Rng;
use crmpol::diagnostic::Fix;
use crmpol::fix::{FixOptions, fix_all};
use crmpol::format::{FormatOptions, format_file};
use crmpol::source::FileId;
use crmpol::syntax::{NodeKind, SyntaxTree};
use crmpol::table::TableEntry;
use crmpol::{Analysis, SourceFile, SourceSet};
use std::collections::{BTreeMap, BTreeSet};

const CASES: u64 = 3000;
/// Of those, how many also check every offered fix on its own (property 5).
const CASES_WITH_EACH_FIX: u64 = 1000;

const NAMES: [&str; 12] = [
    "Support",
    "Billing",
    "Refunds",
    "Sales",
    "Inbound",
    "Renewals",
    "Hotline",
    "Surveys",
    "Post-call",
    "Tier 1",
    "Tier 2",
    "Chat Only",
];

const CRMS: [&str; 6] = ["salesforce", "zendesk", "servicenow", "custom", "kustomer", "hubspot"];

/// Writes a well-formed policy set, in the canonical layout.
struct Writer {
    rng: Rng,
    files: Vec<Vec<String>>,
}

impl Writer {
    fn set(seed: u64) -> Vec<String> {
        let mut writer = Writer {
            rng: Rng(seed),
            files: Vec::new(),
        };
        let file_count = if writer.rng.chance(30) { 2 } else { 1 };
        for index in 0..file_count {
            let mut lines = Vec::new();
            if index == 0 {
                let crm = writer.rng.pick(&CRMS);
                lines.push(format!("crm: {crm}"));
                if writer.rng.chance(40) {
                    lines.push(String::new());
                    writer.block(&mut lines, "defaults".to_owned(), 0, 0);
                }
            }
            for _ in 0..writer.rng.in_range(1..=4) {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                let name = writer.rng.pick(&NAMES);
                writer.queue(&mut lines, name, 0);
            }
            writer.files.push(lines);
        }
        writer
            .files
            .into_iter()
            .map(|lines| lines.into_iter().map(|line| line + "\n").collect())
            .collect()
    }

    fn indent(depth: usize) -> String {
        "    ".repeat(depth)
    }

    fn settings(&mut self, lines: &mut Vec<String>, depth: usize) {
        let mut chosen: Vec<usize> = (0..SETTINGS.len()).filter(|_| self.rng.chance(25)).collect();
        chosen.sort_unstable();
        for index in chosen {
            let (name, values) = SETTINGS[index];
            let value = self.rng.pick(values);
            lines.push(format!("{}{name}: {value}", Writer::indent(depth)));
        }
    }

    /// `header {` with settings, channel blocks and (for queues) sub-queues.
    fn block(&mut self, lines: &mut Vec<String>, header: String, depth: usize, level: usize) {
        lines.push(format!("{}{header} {{", Writer::indent(depth)));
        let before = lines.len();
        self.settings(lines, depth + 1);
        for channel in ["call", "chat"] {
            if self.rng.chance(20) {
                let start = lines.len();
                lines.push(format!("{}{channel} {{", Writer::indent(depth + 1)));
                self.settings(lines, depth + 2);
                if lines.len() == start + 1 {
                    lines[start] = format!("{}{channel} {{}}", Writer::indent(depth + 1));
                } else {
                    lines.push(format!("{}}}", Writer::indent(depth + 1)));
                }
            }
        }
        if header.starts_with("queue") && level < 3 {
            for _ in 0..self.rng.below(3) {
                let name = self.rng.pick(&NAMES);
                self.queue(lines, name, level + 1);
            }
        }
        if lines.len() == before {
            let header = lines.pop().unwrap_or_default();
            lines.push(header.replace(" {", " {}"));
        } else {
            lines.push(format!("{}}}", Writer::indent(depth)));
        }
    }

    fn queue(&mut self, lines: &mut Vec<String>, name: &str, level: usize) {
        let header = format!("queue \"{name}\"");
        if level > 0 && self.rng.chance(35) {
            lines.push(format!("{}{header}", Writer::indent(level)));
            return;
        }
        self.block(lines, header, level, level);
    }
}

/// Breaks a file the ways operators do, one line at a time.
fn break_text(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for _ in 0..rng.in_range(1..=3) {
        if lines.is_empty() {
            break;
        }
        let at = rng.below(lines.len());
        let line = lines[at].clone();
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let code = line.trim_start().to_owned();
        let broken = if let Some((name, value)) = code.split_once(": ").filter(|_| !code.starts_with("crm")) {
            match rng.below(12) {
                0 => format!("{indent}{}: {value}", typo(rng, name)),
                1 => format!("{indent}{}: {value}", name.replacen(' ', "\u{a0}", 1)),
                2 => format!("{indent}{name}: {}", synonym(rng, value)),
                3 => format!("{indent}{name} = {value}"),
                4 => format!("{indent}{name} {value}"),
                5 => format!("{indent}{name}: {value} // why"),
                6 => format!("{indent}{name}: {}", typo(rng, value)),
                7 => format!("{line}\n{line}"),
                8 => format!("{indent}skip record lookup: {value}"),
                9 => format!("{indent}{name}: {value}\u{a0}"),
                10 => format!("{line}\n{indent}{name}: {value}"),
                _ => format!("{indent}{name} - {value}"),
            }
        } else if let Some(crm) = code.strip_prefix("crm: ") {
            match rng.below(4) {
                0 => format!("crm {crm}"),
                1 => format!("crm: {}", typo(rng, crm)),
                2 => "crm: Salesforce Service Cloud".to_owned(),
                _ => format!("crm: {crm}\ncrm: {crm}"),
            }
        } else if code.starts_with("queue \"") {
            match rng.below(3) {
                0 => line.replacen('"', "“", 1).replacen('"', "”", 1),
                1 => format!("// {code}\n{line}"),
                _ => line.replacen("queue ", "queue\u{a0}", 1),
            }
        } else {
            line
        };
        lines[at] = broken;
    }
    lines.join("\n") + "\n"
}

/// A dropped, doubled or swapped letter.
fn typo(rng: &mut Rng, word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return format!("{word}{word}");
    }
    let at = rng.in_range(1..=chars.len() - 2);
    let mut out = chars.clone();
    match rng.below(3) {
        0 => {
            out.remove(at);
        }
        1 => out.insert(at, chars[at]),
        _ => out.swap(at, at + 1),
    }
    out.into_iter().collect()
}

fn synonym(rng: &mut Rng, value: &str) -> String {
    match value {
        "yes" => rng.pick(&["true", "on", "Yes", "1"]).to_owned(),
        "no" => rng.pick(&["false", "off", "NO", "0"]).to_owned(),
        _ => value.strip_prefix("option ").unwrap_or(value).to_owned(),
    }
}

/// The generated input of a seed: file texts, broken, canonical half the time.
fn input(seed: u64) -> Vec<String> {
    let mut rng = Rng(seed ^ 0x5EED);
    let texts = Writer::set(seed);
    texts
        .into_iter()
        .map(|text| {
            let broken = break_text(&mut rng, &text);
            if rng.chance(50) {
                let source = SourceFile::from_text("gen.crmpol", broken.clone());
                format_file(&source, FormatOptions::default()).unwrap_or(broken)
            } else {
                broken
            }
        })
        .collect()
}

fn sources_of(texts: &[String]) -> SourceSet {
    SourceSet::from_texts(
        texts
            .iter()
            .enumerate()
            .map(|(index, text)| (format!("f{index}.crmpol"), text.clone())),
    )
}

fn texts_of(sources: &SourceSet) -> Vec<String> {
    sources.iter().map(|(_, file)| file.text.clone()).collect()
}

/// How much is wrong: one for each error about the text, one for each
/// entry each semantic error is about. Unlike the number of diagnostics,
/// this does not change when removing a redundant line regroups the same
/// errors by other causes.
fn burden(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.entries.len().max(1))
        .sum()
}

/// Errors about the text itself: lines that cannot be read, unknown names
/// and values. A fix of one of these lets crmpol read a statement it could
/// not read before, and the semantic errors it then finds were there all
/// along.
fn unreadable(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && is_about_the_text(d.code))
        .count()
}

fn is_about_the_text(code: crmpol::Code) -> bool {
    matches!(code.as_str(), "E0001" | "E0002" | "E0003" | "E0008")
}

/// Property 1 for a change from `before` to `after`: no more errors about
/// the text; and when the text read cleanly before, no more errors at all.
fn no_worse(before: &Analysis, after: &Analysis) -> Result<(), String> {
    if unreadable(after) > unreadable(before) {
        return Err(format!(
            "errors about the text went from {} to {}",
            unreadable(before),
            unreadable(after)
        ));
    }
    if unreadable(before) == 0 && burden(after) > burden(before) {
        return Err(format!("errors went from {} to {}", burden(before), burden(after)));
    }
    Ok(())
}

type EntryKey = (Vec<String>, String);

fn table_by_key(analysis: &Analysis) -> BTreeMap<EntryKey, TableEntry> {
    analysis
        .table()
        .entries
        .into_iter()
        .map(|entry| ((entry.queue.clone(), entry.channel.to_string()), entry))
        .collect()
}

/// The queue path each statement stands in, for one file; `None` for
/// statements inside `defaults` or a block that could not be read.
fn queue_paths(tree: &SyntaxTree) -> Vec<Option<Vec<String>>> {
    let mut paths: Vec<Option<Vec<String>>> = Vec::with_capacity(tree.len());
    for (_, node) in tree.nodes() {
        let inherited = match node.parent() {
            None => Some(Vec::new()),
            Some(parent) => paths.get(parent.0).cloned().flatten(),
        };
        let path = match &node.kind {
            NodeKind::Queue(decl) => inherited.map(|mut path| {
                path.extend(decl.path.iter().map(|name| name.name.to_string()));
                path
            }),
            NodeKind::Defaults | NodeKind::Unparsed => None,
            _ => inherited,
        };
        paths.push(path);
    }
    paths
}

/// The entries a diagnostic is about: its own entries, or every entry under
/// the queue its primary span stands in; all entries when it stands at the
/// top level, in `defaults` or in an unreadable block.
fn entries_about(analysis: &Analysis, sources: &SourceSet, diagnostic: &crmpol::Diagnostic) -> BTreeSet<EntryKey> {
    let table = analysis.table();
    if !diagnostic.entries.is_empty() {
        return diagnostic
            .entries
            .iter()
            .filter_map(|&index| table.entries.get(index))
            .map(|entry| (entry.queue.clone(), entry.channel.to_string()))
            .collect();
    }
    let prefix = diagnostic.primary_span().and_then(|span| {
        let tree = analysis.trees.get(span.file().0)?;
        let source = sources.get(span.file())?;
        let paths = queue_paths(tree);
        let mut innermost: Option<(usize, usize)> = None;
        for (id, node) in tree.nodes() {
            let end = node
                .block()
                .and_then(|block| block.close)
                .map_or(node.span.end(), |close| close.end())
                .max(
                    source
                        .line_range(source.line_of(node.span.start()))
                        .map_or(0, |range| range.end),
                );
            if node.span.start() <= span.start() && span.start() <= end && matches!(node.kind, NodeKind::Queue(_)) {
                innermost = Some((id.0, node.span.start()));
            }
        }
        innermost.and_then(|(id, _)| paths.get(id).cloned().flatten())
    });
    table
        .entries
        .iter()
        .filter(|entry| prefix.as_ref().is_none_or(|prefix| entry.queue.starts_with(prefix)))
        .map(|entry| (entry.queue.clone(), entry.channel.to_string()))
        .collect()
}

fn untouched_changes(
    before: &BTreeMap<EntryKey, TableEntry>,
    after: &BTreeMap<EntryKey, TableEntry>,
    touched: &BTreeSet<EntryKey>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(key, _)| !touched.contains(*key))
        .filter(|(key, entry)| after.get(*key) != Some(*entry))
        .map(|(key, _)| format!("{:?} ({})", key.0, key.1))
        .collect()
}

fn is_canonical(text: &str) -> bool {
    let source = SourceFile::from_text("x.crmpol", text);
    format_file(&source, FormatOptions::default()).is_ok_and(|formatted| formatted == text)
}

fn with_fix(sources: &SourceSet, fix: &Fix) -> SourceSet {
    let mut fixed = sources.clone();
    for (file, text) in crmpol::fix::apply_edits(sources, &fix.edits) {
        fixed.replace_text(file, text);
    }
    fixed
}

/// Every property for one seed; the error says which failed and why.
fn check_seed(seed: u64) -> Result<(), String> {
    let texts = input(seed);
    let sources = sources_of(&texts);
    let before = crmpol::analyze(&sources);
    let mut fixed = sources.clone();
    let first = fix_all(&mut fixed, FixOptions::default());
    let after = crmpol::analyze(&fixed);
    no_worse(&before, &after).map_err(|why| format!("--fix: {why}"))?;
    let mut again = fixed.clone();
    let second = fix_all(&mut again, FixOptions::default());
    if !second.applied.is_empty() || texts_of(&again) != texts_of(&fixed) {
        return Err(format!("a second --fix applied {:?}", second.applied));
    }
    // Only fixes of statements crmpol could not read change what a policy
    // does; every other safe fix changes its layout alone.
    let touched: BTreeSet<EntryKey> = before
        .diagnostics
        .iter()
        .filter(|diagnostic| is_about_the_text(diagnostic.code))
        .flat_map(|diagnostic| entries_about(&before, &sources, diagnostic))
        .collect();
    let changed = untouched_changes(&table_by_key(&before), &table_by_key(&after), &touched);
    if !changed.is_empty() {
        return Err(format!(
            "--fix ({:?}) changed entries no diagnostic was about: {changed:?}",
            first.applied.iter().map(|fix| &fix.description).collect::<Vec<_>>()
        ));
    }
    for (index, text) in texts.iter().enumerate() {
        let after_text = fixed.get(FileId(index)).map_or("", |file| file.text.as_str());
        if is_canonical(text) && !is_canonical(after_text) {
            return Err(format!(
                "file {index} was canonical and is not after --fix:\n{after_text}"
            ));
        }
    }
    if seed < CASES_WITH_EACH_FIX {
        check_each_fix(&sources, &before)?;
    }
    Ok(())
}

/// Property 5: every fix offered, alone.
fn check_each_fix(sources: &SourceSet, before: &Analysis) -> Result<(), String> {
    let table_before = table_by_key(before);
    for diagnostic in &before.diagnostics {
        // A redundant or ineffective line, or a repeated `crm:`, is removed
        // without changing any entry.
        let about = match diagnostic.code.as_str() {
            "W0201" | "W0202" | "E0005" => BTreeSet::new(),
            _ => entries_about(before, sources, diagnostic),
        };
        for fix in &diagnostic.fixes {
            let after = crmpol::analyze(&with_fix(sources, fix));
            let what = format!("{} fix `{}`", diagnostic.code, fix.description);
            no_worse(before, &after).map_err(|why| format!("{what}: {why}"))?;
            let changed = untouched_changes(&table_before, &table_by_key(&after), &about);
            if !changed.is_empty() {
                return Err(format!("{what} changes entries it is not about: {changed:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn fixes_keep_every_property_over_generated_policies() {
    let seeds: Vec<u64> = match std::env::var("FIX_PROPERTY_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
    {
        Some(seed) => vec![seed],
        None => (0..CASES).collect(),
    };
    let mut failures = Vec::new();
    let mut fixed_something = 0;
    for &seed in &seeds {
        match check_seed(seed) {
            Ok(()) => {}
            Err(why) => failures.push((seed, why)),
        }
        let mut sources = sources_of(&input(seed));
        if !fix_all(&mut sources, FixOptions::default()).applied.is_empty() {
            fixed_something += 1;
        }
    }
    if let Some((seed, why)) = failures.first() {
        // The inputs of the first failures, to run crmpol on by hand.
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fix-properties");
        for (seed, why) in failures.iter().take(20) {
            let seed_dir = dir.join(format!("seed-{seed}"));
            let _ = std::fs::create_dir_all(&seed_dir);
            for (index, text) in input(*seed).iter().enumerate() {
                let _ = std::fs::write(seed_dir.join(format!("f{index}.crmpol")), text);
            }
            let _ = std::fs::write(seed_dir.join("why.txt"), why);
        }
        let listed: Vec<u64> = failures.iter().map(|(seed, _)| *seed).take(20).collect();
        panic!(
            "{} of {} seeds fail (first: {listed:?})\nseed {seed}: {why}\ninput:\n{}",
            failures.len(),
            seeds.len(),
            input(*seed).join("\n=== next file ===\n")
        );
    }
    if seeds.len() > 1 {
        assert!(
            fixed_something * 3 > seeds.len(),
            "only {fixed_something} of {} inputs had anything fixed: the generator lost its mistakes",
            seeds.len()
        );
    }
}

#[test]
fn the_generator_breaks_policies_in_every_way() {
    let mut codes = BTreeSet::new();
    for seed in 0..CASES {
        let analysis = crmpol::analyze(&sources_of(&input(seed)));
        codes.extend(analysis.diagnostics.iter().map(|d| d.code.as_str()));
    }
    for code in [
        "E0001", "E0002", "E0003", "E0005", "E0007", "E0101", "E0102", "E0103", "E0104", "W0201", "W0202", "W0203",
    ] {
        assert!(codes.contains(code), "no generated policy reports {code}: {codes:?}");
    }
}
