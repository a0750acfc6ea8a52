//! The documentation stays true: every code has its entry in
//! `docs/diagnostics.md` (the text the binary carries), each entry's
//! example reports that code with exactly the output shown, and every other
//! policy example in the docs and the README compiles.

mod common;

use common::markdown::{Fence, fences};
use crmpol::Code;
use crmpol::diagnostic::DIAGNOSTICS_DOC;
use crmpol::render::{self, MessageFormat, RenderOptions};

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
    analyze_with_catalog(text, None)
}

/// A policy example, with the catalog its entry shows (a `json` fence) as
/// the `menus.json` its `catalog:` names.
fn analyze_with_catalog(text: &str, catalog: Option<&str>) -> (crmpol::SourceSet, crmpol::Analysis) {
    let mut sources = crmpol::SourceSet::from_texts([("example.crmpol", text)]);
    if let Some(json) = catalog {
        let (trees, _) = crmpol::syntax::parse_set(&sources);
        let (declared, _) = crmpol::catalog::attach::declarations(&trees)
            .next()
            .expect("an example with a catalog declares it");
        let origin = crmpol::catalog::CatalogOrigin::Declared(declared);
        let attached = crmpol::catalog::AttachedCatalog::from_text(origin, "menus.json", json);
        sources.set_catalog(Some(std::sync::Arc::new(attached)));
    }
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
        let catalog = blocks
            .iter()
            .find(|fence| fence.info == "json")
            .map(|fence| fence.text.as_str());
        let (sources, analysis) = analyze_with_catalog(&examples[0].text, catalog);
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
            &analysis.suppressed,
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

/// One shell session shown in a document: `$ crmpol ...` commands, each
/// followed by what it prints.
struct Transcript {
    steps: Vec<(Vec<String>, String)>,
}

/// The transcripts of a document that can be replayed: text blocks made of
/// `$ crmpol` commands only, without redirections or pipes.
fn transcripts(markdown: &str) -> Vec<Transcript> {
    let mut found = Vec::new();
    for fence in fences(markdown).into_iter().filter(|fence| fence.info == "text") {
        if !fence.text.starts_with("$ ") {
            continue;
        }
        let mut steps: Vec<(Vec<String>, String)> = Vec::new();
        let mut replayable = true;
        for line in fence.text.lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                let args = command
                    .strip_prefix("crmpol ")
                    .filter(|args| !args.contains(['>', '|', '"', '\'']));
                match args {
                    Some(args) => steps.push((args.split_whitespace().map(str::to_owned).collect(), String::new())),
                    None => replayable = false,
                }
            } else if let Some((_, output)) = steps.last_mut() {
                output.push_str(line);
                output.push('\n');
            }
        }
        if replayable {
            found.push(Transcript { steps });
        }
    }
    found
}

/// Replays every transcript of a document in a scratch copy of its fixture
/// folder, in order, as a shell session would (a `--fix` changes the files
/// the next command sees), and compares what crmpol prints with what the
/// document shows.
fn assert_transcripts_are_current(document: &str, markdown: &str, fixtures: &str) -> usize {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixtures);
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("transcripts")
        .join(fixtures);
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&source, &scratch);
    let mut replayed = 0;
    for transcript in transcripts(markdown) {
        for (args, shown) in &transcript.steps {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_crmpol"))
                .args(args)
                .current_dir(&scratch)
                .env("NO_COLOR", "1")
                .env_remove("COLUMNS")
                .env_remove("TERM")
                .output()
                .expect("run crmpol");
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            );
            assert_eq!(&printed, shown, "{document}: `crmpol {}`", args.join(" "));
            replayed += 1;
        }
    }
    replayed
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("scratch folder");
    for entry in std::fs::read_dir(from).expect("fixture folder").filter_map(Result::ok) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy fixture");
        }
    }
}

#[test]
fn readme_transcripts_are_current() {
    let replayed = assert_transcripts_are_current("README.md", include_str!("../README.md"), "tests/fixtures/readme");
    assert_eq!(replayed, 2);
}

#[test]
fn command_line_doc_transcripts_are_current() {
    let doc = include_str!("../docs/cli.md");
    let replayed = assert_transcripts_are_current("docs/cli.md", doc, "tests/fixtures/cli-docs");
    assert!(replayed >= 8, "only {replayed} commands replayed");
}

/// The policy `crmpol why` is shown on in `docs/cli.md` is the fixture its
/// transcript runs on.
#[test]
fn why_example_policy_is_the_fixture() {
    let fixture = include_str!("fixtures/cli-docs/surveys.crmpol");
    let shown = fences(include_str!("../docs/cli.md"))
        .into_iter()
        .any(|fence| fence.info == "crmpol" && fence.text == fixture);
    assert!(shown, "docs/cli.md shows tests/fixtures/cli-docs/surveys.crmpol");
}

/// The settings section of `docs/language.md`: its table, and its list of
/// what each setting does with each item's lines joined.
fn documented_settings(doc: &str) -> (String, String) {
    let section = doc
        .split("\n## Settings\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/language.md has a Settings section");
    let table: String = section
        .lines()
        .filter(|line| line.starts_with('|'))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        if line.starts_with("- **`") {
            items.push(line.to_owned());
        } else if let (Some(item), true) = (items.last_mut(), line.starts_with("  ")) {
            item.push(' ');
            item.push_str(line.trim());
        }
    }
    let bullets: String = items.iter().map(|item| format!("{item}\n")).collect();
    (table, bullets)
}

#[test]
fn the_settings_docs_are_the_schema() {
    let (table, bullets) = documented_settings(include_str!("../docs/language.md"));
    assert_eq!(
        table,
        crmpol::settings::docs_table(),
        "docs/language.md's settings table differs from the schema; the table above is what the schema says"
    );
    assert_eq!(bullets, crmpol::settings::docs_bullets());
}
