//! The documentation stays true: every code has its entry in
//! `docs/diagnostics.md` (the text the binary carries), each entry's
//! example reports that code with exactly the output shown, and every other
//! policy example in the docs and the README compiles.

use crmpol::Code;
use crmpol::diagnostic::DIAGNOSTICS_DOC;
use crmpol::render::{self, MessageFormat, RenderOptions};

/// A fenced block: its info string and its text.
struct Fence {
    info: String,
    text: String,
}

fn fences(markdown: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<Fence> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Fence {
                    info: info.trim().to_owned(),
                    text: String::new(),
                })
            }
            (Some(_), Some("")) => fences.extend(open.take()),
            (Some(fence), _) => {
                fence.text.push_str(line);
                fence.text.push('\n');
            }
            (None, None) => {}
        }
    }
    fences
}

/// The `## CODE title` sections, in order.
fn sections(doc: &str) -> Vec<(String, String, String)> {
    let mut sections = Vec::new();
    for part in doc.split("\n## ").skip(1) {
        let (heading, body) = part.split_once('\n').unwrap_or((part, ""));
        let (code, title) = heading.split_once(' ').unwrap_or((heading, ""));
        sections.push((code.to_owned(), title.to_owned(), body.to_owned()));
    }
    sections
}

fn analyze(text: &str) -> (crmpol::SourceSet, crmpol::Analysis) {
    let sources = crmpol::SourceSet::from_texts([("example.crmpol", text)]);
    let analysis = crmpol::analyze(&sources);
    (sources, analysis)
}

#[test]
fn every_code_has_one_entry_with_its_title_in_code_order() {
    let documented: Vec<(String, String)> = sections(DIAGNOSTICS_DOC)
        .into_iter()
        .map(|(code, title, _)| (code, title))
        .collect();
    let expected: Vec<(String, String)> = Code::ALL
        .iter()
        .map(|code| (code.as_str().to_owned(), code.title().to_owned()))
        .collect();
    assert_eq!(documented, expected);
    for code in Code::ALL {
        let text = code.documentation().unwrap_or_default();
        assert!(text.len() > 200, "{code}: the entry explains the code");
    }
}

#[test]
fn each_entry_example_reports_its_code_with_the_output_shown() {
    for (code, _, body) in sections(DIAGNOSTICS_DOC) {
        let blocks = fences(&body);
        let examples: Vec<&Fence> = blocks.iter().filter(|fence| fence.info == "crmpol").collect();
        assert_eq!(examples.len(), 1, "{code}: exactly one example");
        let (sources, analysis) = analyze(&examples[0].text);
        let reported: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(
            reported.contains(&code.as_str()),
            "{code}: the example reports {reported:?}"
        );

        let shown = blocks
            .iter()
            .skip_while(|fence| fence.info != "crmpol")
            .find(|fence| fence.info == "text")
            .unwrap_or_else(|| panic!("{code}: the output after the example"));
        let actual = render::render(
            &analysis.diagnostics,
            &sources,
            MessageFormat::Short,
            RenderOptions::default(),
        );
        assert_eq!(shown.text, actual, "{code}: the output shown is what crmpol prints");
    }
}

#[test]
fn every_other_policy_example_compiles() {
    let documents = [
        ("README.md", include_str!("../README.md")),
        ("docs/language.md", include_str!("../docs/language.md")),
        ("docs/semantics.md", include_str!("../docs/semantics.md")),
        ("docs/cli.md", include_str!("../docs/cli.md")),
    ];
    for (name, text) in documents {
        let examples: Vec<Fence> = fences(text)
            .into_iter()
            .filter(|fence| fence.info == "crmpol")
            .collect();
        assert!(
            !examples.is_empty() || name == "docs/cli.md",
            "{name} has policy examples"
        );
        for example in examples {
            let (_, analysis) = analyze(&example.text);
            let errors: Vec<&str> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.message.as_str())
                .collect();
            assert!(
                errors.is_empty(),
                "{name}: example has errors {errors:?}:\n{}",
                example.text
            );
        }
    }
}

/// The README's example policy is the fixture its transcripts run on.
#[test]
fn readme_example_policy_is_the_fixture() {
    let readme = include_str!("../README.md");
    let policy = fences(readme)
        .into_iter()
        .find(|fence| fence.info == "crmpol")
        .expect("an example policy");
    let fixture = include_str!("fixtures/readme/support.crmpol");
    assert_eq!(policy.text, fixture);
}

/// Every `$ crmpol ...` transcript in the README prints what it shows, run
/// in `tests/fixtures/readme`.
#[test]
fn readme_transcripts_are_current() {
    let readme = include_str!("../README.md");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readme");
    let mut transcripts = 0;
    for fence in fences(readme).into_iter().filter(|fence| fence.info == "text") {
        let Some((command, shown)) = fence.text.split_once('\n') else {
            continue;
        };
        let Some(args) = command.strip_prefix("$ crmpol ") else {
            continue;
        };
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_crmpol"))
            .args(args.split_whitespace())
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .output()
            .expect("run crmpol");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
        assert_eq!(printed, shown, "README transcript `{command}`");
        transcripts += 1;
    }
    assert_eq!(transcripts, 2);
}
