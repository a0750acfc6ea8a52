//! Input that must never crash: every case ends in diagnostics or a table,
//! never a panic or a stack overflow, and every diagnostic points inside its
//! file and renders in every format.

mod common;

use common::random::Rng;
use crmpol::render::{self, MessageFormat, RenderOptions};
use crmpol::{Analysis, SourceFile, SourceSet};

fn analyze_bytes(bytes: &[u8]) -> (SourceSet, Analysis) {
    let mut sources = SourceSet::new();
    sources.add(SourceFile::from_bytes("input.crmpol", bytes));
    let analysis = crmpol::analyze(&sources);
    (sources, analysis)
}

/// Every span lies inside its file on character boundaries, and every
/// output format can be produced.
fn assert_well_formed(sources: &SourceSet, analysis: &Analysis) {
    for diagnostic in &analysis.diagnostics {
        assert!(!diagnostic.labels.is_empty(), "{}: no label", diagnostic.message);
        for label in &diagnostic.labels {
            let file = sources.get(label.span.file()).expect("label in a known file");
            let span = label.span;
            assert!(
                span.start() <= span.end() && span.end() <= file.text.len(),
                "{span:?} outside the file"
            );
            assert!(
                file.text.is_char_boundary(span.start()) && file.text.is_char_boundary(span.end()),
                "{span:?}"
            );
        }
    }
    let options = RenderOptions::default();
    for format in [MessageFormat::Human, MessageFormat::Short, MessageFormat::Json] {
        let text = render::render(&analysis.diagnostics, &analysis.suppressed, sources, format, options);
        // The JSON lines also carry the warnings allow comments silenced.
        let nothing_to_print =
            analysis.diagnostics.is_empty() && (format != MessageFormat::Json || analysis.suppressed.is_empty());
        assert_eq!(text.is_empty(), nothing_to_print, "{format:?} printed {text:?}");
    }
    for format in [
        crmpol::emit::TableFormat::Yaml,
        crmpol::emit::TableFormat::Json,
        crmpol::emit::TableFormat::Markdown,
    ] {
        crmpol::emit::emit(&analysis.table(), format).expect("table emits");
    }
}

fn codes(analysis: &Analysis) -> Vec<&'static str> {
    analysis.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn empty_file_only_lacks_a_crm() {
    for text in ["", "\n", "   \n\t\n", "# only a comment", "\u{feff}"] {
        let (sources, analysis) = analyze_bytes(text.as_bytes());
        assert_eq!(codes(&analysis), ["E0004"], "{text:?}");
        assert_well_formed(&sources, &analysis);
        assert!(analysis.table().entries.is_empty());
    }
}

#[test]
fn binary_garbage_is_one_syntax_error() {
    let mut random = Rng(7);
    let bytes: Vec<u8> = (0..1 << 20).map(|_| random.next() as u8).collect();
    let (sources, analysis) = analyze_bytes(&bytes);
    assert_eq!(
        codes(&analysis),
        ["E0001"],
        "binary input is reported once, not line by line"
    );
    assert_well_formed(&sources, &analysis);
}

#[test]
fn invalid_utf8_is_reported_and_the_rest_still_parsed() {
    let (sources, analysis) = analyze_bytes(b"crm: zendesk\nqueue \"Caf\xe9\" {\n    skip recrod creation: yes\n}\n");
    assert_eq!(codes(&analysis), ["E0001", "E0002"]);
    assert!(analysis.diagnostics[0].message.contains("UTF-8"));
    assert_well_formed(&sources, &analysis);
}

#[test]
fn random_bytes_without_nul_never_crash() {
    let mut random = Rng(11);
    for _ in 0..50 {
        let length = random.below(4000);
        let bytes: Vec<u8> = (0..length).map(|_| (random.next() as u8).max(1)).collect();
        let (sources, analysis) = analyze_bytes(&bytes);
        assert_well_formed(&sources, &analysis);
    }
}

/// Lines built from the language's own tokens, in random order: the input
/// most likely to reach odd corners of the parser and the checks.
#[test]
fn random_token_soup_never_crashes() {
    let tokens = [
        "queue",
        "\"Support\"",
        "\"Sales\"",
        "\"\"",
        "\"open",
        "/",
        "{",
        "}",
        "{}",
        "crm:",
        "salesforce",
        "kustomer",
        "defaults",
        "call",
        "chat",
        "Queue",
        ":",
        "#",
        "yes",
        "no",
        "maybe",
        "skip account creation:",
        "skip record creation:",
        "skip account lookup:",
        "append to latest open record:",
        "records:",
        "option 3",
        "map session data to:",
        "ccaas session",
        "activity object",
        "\\\"",
        "\\n",
        "\t",
        " ",
        "é",
        "🎧",
        "\r",
    ];
    let mut random = Rng(3);
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..random.below(40) {
            for _ in 0..random.below(6) {
                text.push_str(random.pick(&tokens));
                text.push(' ');
            }
            text.push('\n');
        }
        let (sources, analysis) = analyze_bytes(text.as_bytes());
        assert_well_formed(&sources, &analysis);
    }
}

/// Every fixture, damaged in many small ways: a cut, a doubled line, a
/// deleted brace or quote.
#[test]
fn mutated_fixtures_never_crash() {
    let mut random = Rng(5);
    for text in fixture_texts() {
        for _ in 0..60 {
            let mutated = mutate(&text, &mut random);
            let (sources, analysis) = analyze_bytes(&mutated);
            assert_well_formed(&sources, &analysis);
        }
    }
}

fn fixture_texts() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut texts = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("fixtures").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                texts.push(std::fs::read(path).expect("fixture"));
            }
        }
    }
    assert!(texts.len() > 40);
    texts
}

fn mutate(text: &[u8], random: &mut Rng) -> Vec<u8> {
    let mut bytes = text.to_vec();
    if bytes.is_empty() {
        return bytes;
    }
    let at = random.below(bytes.len());
    match random.below(4) {
        0 => {
            let end = (at + random.below(20)).min(bytes.len());
            bytes.drain(at..end);
        }
        1 => {
            let insert = [b"{".as_slice(), b"}", b"\"", b"\n", b"queue \"X\" {\n", b":", b"\xff"];
            let piece = insert[random.below(insert.len())];
            bytes.splice(at..at, piece.iter().copied());
        }
        2 => {
            let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let line_end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| at + p + 1);
            let line = bytes[line_start..line_end].to_vec();
            bytes.splice(line_start..line_start, line);
        }
        _ => {
            if let Some(brace) = bytes.iter().position(|&b| matches!(b, b'{' | b'}' | b'"')) {
                bytes.remove(brace);
            }
        }
    }
    bytes
}

/// Deep nesting is handled without recursion: shown by running it on a
/// thread whose stack is far smaller than 3000 frames of any recursive walk.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(work)
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

fn nested(depth: usize, closed: bool) -> String {
    let mut text = String::from("crm: custom\n");
    for level in 0..depth {
        text.push_str(&format!("{}queue \"q{level}\" {{\n", " ".repeat(level % 80)));
    }
    text.push_str("skip record creation: yes\n");
    if closed {
        text.push_str(&"}\n".repeat(depth));
    }
    text
}

#[test]
fn three_thousand_nested_queues_compile() {
    let (leaf_depth, entries) = on_small_stack(|| {
        let (sources, analysis) = analyze_bytes(nested(3000, true).as_bytes());
        assert!(analysis.diagnostics.is_empty(), "{:?}", codes(&analysis));
        assert_well_formed(&sources, &analysis);
        let table = analysis.table();
        (table.entries[0].queue.len(), table.entries.len())
    });
    assert_eq!((leaf_depth, entries), (3000, 2));
}

#[test]
fn three_thousand_unclosed_queues_report_each_open_brace() {
    let codes = on_small_stack(|| {
        let (sources, analysis) = analyze_bytes(nested(3000, false).as_bytes());
        assert_well_formed(&sources, &analysis);
        codes(&analysis)
    });
    assert_eq!(codes.len(), 3000);
    assert!(codes.iter().all(|code| *code == "E0001"));
}

#[test]
fn a_three_thousand_step_path_shorthand_compiles() {
    let depth = on_small_stack(|| {
        let path: Vec<String> = (0..3000).map(|level| format!("\"q{level}\"")).collect();
        let text = format!("crm: custom\nqueue {}\n", path.join(" / "));
        let (_, analysis) = analyze_bytes(text.as_bytes());
        assert!(analysis.diagnostics.is_empty(), "{:?}", codes(&analysis));
        analysis.table().entries[0].queue.len()
    });
    assert_eq!(depth, 3000);
}

/// About 50 MB of realistic policy: departments of teams of leaf queues.
fn fifty_megabytes() -> String {
    let mut text = String::from("crm: salesforce\ndefaults {\n    map session data to: activity object\n}\n");
    let mut department = 0;
    while text.len() < 50_000_000 {
        text.push_str(&format!(
            "# Department {department}\nqueue \"Department {department}\" {{\n"
        ));
        text.push_str("    skip account creation: yes\n");
        for team in 0..20 {
            text.push_str(&format!(
                "    queue \"Team {team}\" {{\n        append to latest open record: yes\n"
            ));
            for leaf in 0..25 {
                text.push_str(&format!("        queue \"Leaf queue number {leaf} of team {team}\"\n"));
            }
            text.push_str("    }\n");
        }
        text.push_str("}\n\n");
        department += 1;
    }
    text
}

#[test]
fn a_fifty_megabyte_policy_is_checked() {
    let text = fifty_megabytes();
    assert!(text.len() >= 50_000_000);
    let (_, analysis) = analyze_bytes(text.as_bytes());
    assert!(analysis.diagnostics.is_empty(), "{:?}", codes(&analysis).first());
    assert!(analysis.policy.entries.len() > 1_000_000);
}

#[test]
fn a_fifty_megabyte_line_of_junk_is_one_error() {
    let line = "x".repeat(50_000_000);
    let (sources, analysis) = analyze_bytes(format!("crm: custom\n{line}").as_bytes());
    assert_eq!(codes(&analysis), ["E0001"]);
    assert_well_formed(&sources, &analysis);
}

#[test]
fn formatting_absurdly_deep_nesting_is_refused_not_attempted() {
    // 100,000 nested queues: 1.4 MB whose canonical indentation would take
    // some 20 GB. Formatting must refuse at once, and say why.
    let text = "queue \"a\" {\n".repeat(100_000);
    let source = crmpol::SourceFile::from_text("deep.crmpol", text);
    match crmpol::format::format_file(&source, crmpol::format::FormatOptions::default()) {
        Err(crmpol::format::FormatError::Syntax(_)) => {}
        other => panic!("unclosed blocks are syntax errors: {:?}", other.map(|text| text.len())),
    }
    let closed = nested(100_000, true);
    let source = crmpol::SourceFile::from_text("deep.crmpol", closed);
    match crmpol::format::format_file(&source, crmpol::format::FormatOptions::default()) {
        Err(crmpol::format::FormatError::Refused(why)) => {
            assert!(why.contains("100000 levels deep"), "{why}");
        }
        other => panic!("refused as too large, not {:?}", other.map(|text| text.len())),
    }
}

#[test]
fn many_diagnostics_on_one_long_line_render_in_linear_time() {
    // 50,000 unknown escapes in one queue name: each diagnostic's column is
    // found by a binary search, not by walking the line from its start.
    let name = "\\q".repeat(50_000);
    let text = format!("crm: salesforce\nqueue \"é{name}\"\n");
    let (sources, analysis) = analyze_bytes(text.as_bytes());
    assert_eq!(codes(&analysis).len(), 50_000);
    for format in [
        MessageFormat::Short,
        MessageFormat::Json,
        MessageFormat::Sarif,
        MessageFormat::Github,
    ] {
        let rendered = render::render(
            &analysis.diagnostics,
            &analysis.suppressed,
            &sources,
            format,
            RenderOptions::default(),
        );
        assert!(
            rendered.contains("99999") || rendered.contains("100000"),
            "{format:?}: the last column"
        );
    }
}

#[test]
fn fixing_twenty_thousand_lines_takes_one_round() {
    let text = "crm: salesforce\n".repeat(20_000) + "queue \"Q\"\n";
    let mut sources = SourceSet::from_texts([("many.crmpol", text)]);
    let fixed = crmpol::fix::fix_all(&mut sources, crmpol::fix::FixOptions::default());
    assert_eq!(fixed.applied.len(), 19_999);
    assert!(fixed.applied.iter().all(|fix| fix.round == 1));
    assert!(!fixed.analysis.has_errors(), "{:?}", codes(&fixed.analysis).first());
}

/// Every input the fuzz targets in `tests/fuzz` minimised from a crash
/// stays fixed: well-formed diagnostics, nothing raw on a terminal, a
/// formatter that never refuses its own output, and fixes that settle.
#[test]
fn inputs_the_fuzzers_found_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("regressions folder")
        .filter_map(Result::ok)
    {
        let bytes = std::fs::read(entry.path()).expect("regression input");
        let name = entry.file_name().to_string_lossy().into_owned();
        let (sources, analysis) = analyze_bytes(&bytes);
        assert_well_formed(&sources, &analysis);
        for format in [
            MessageFormat::Human,
            MessageFormat::Short,
            MessageFormat::Json,
            MessageFormat::Sarif,
            MessageFormat::Github,
        ] {
            let text = render::render(
                &analysis.diagnostics,
                &analysis.suppressed,
                &sources,
                format,
                RenderOptions::default(),
            );
            let raw = text
                .chars()
                .find(|&c| (c.is_control() && c != '\n' && c != '\t') || crmpol::text::is_bidi_control(c));
            assert_eq!(raw, None, "{name}: {format:?} prints a raw control character");
        }
        let source = SourceFile::from_bytes(&name, &bytes);
        let formatted = crmpol::format::format_file(&source, crmpol::format::FormatOptions::default());
        assert!(
            !matches!(formatted, Err(crmpol::format::FormatError::WouldChangeMeaning(_))),
            "{name}: the formatter refused its own output"
        );
        let mut fixed = sources.clone();
        crmpol::fix::fix_all(&mut fixed, crmpol::fix::FixOptions::default());
        let again = crmpol::fix::fix_all(&mut fixed.clone(), crmpol::fix::FixOptions::default());
        assert_eq!(again.applied, [], "{name}: a second --fix applies more");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} regression inputs");
}
