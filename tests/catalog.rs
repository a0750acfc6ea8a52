//! The queue-catalog reader (`crmpol::catalog`), driven by the fixtures in
//! `tests/fixtures/catalog/`: one per JSON shape, per E0302 problem
//! (`E0302-*.json`) and per rule of the merged tree. Each fixture's outline
//! (entries, tree, deleted-only paths, duplicates; or the problems with
//! their places) is snapshotted. The robustness tests at the end generate
//! large and deep catalogs.

use crmpol::SourceFile;
use crmpol::catalog::{Catalog, CatalogRead, PathId, ProblemKind, read_catalog};
use crmpol::source::FileId;
use crmpol::vocabulary::Channel;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalog")
        .join(name)
}

fn read(path: &Path) -> (SourceFile, CatalogRead) {
    let bytes = std::fs::read(path).expect("fixture readable");
    let source = SourceFile::from_bytes(path.display().to_string(), &bytes);
    let read = crmpol::catalog::read_catalog_file(FileId(0), &source);
    (source, read)
}

fn catalog_of(name: &str) -> Catalog {
    let (_, read) = read(&fixture(name));
    match read.catalog {
        Some(catalog) => catalog,
        None => panic!("{name}: {:?}", read.problems),
    }
}

/// Everything a reading says, one line per fact.
fn outline(source: &SourceFile, read: &CatalogRead) -> String {
    let mut out = String::new();
    let place = |span: crmpol::Span| {
        let start = source.line_column(span.start());
        let end = source.line_column(span.end());
        format!("{}:{}-{}:{}", start.line, start.column, end.line, end.column)
    };
    for problem in &read.problems {
        let _ = writeln!(
            out,
            "problem {:?} at {}: {}",
            problem.kind,
            place(problem.span),
            problem.message
        );
        let _ = writeln!(out, "    label: {} `{}`", problem.label, source.slice(problem.span));
        for (span, label) in &problem.related {
            let _ = writeln!(out, "    related {}: {label} `{}`", place(*span), source.slice(*span));
        }
        if let Some(help) = &problem.help {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    let Some(catalog) = &read.catalog else {
        return out;
    };
    out.push_str("entries:\n");
    for entry in catalog.entries() {
        let _ = writeln!(out, "    {} ({})", catalog.display_path(entry.path), entry.channel);
    }
    out.push_str("tree:\n");
    let mut pending: Vec<PathId> = catalog.children(None).iter().rev().copied().collect();
    while let Some(id) = pending.pop() {
        let info = catalog.info(id).expect("live path");
        let ids: Vec<String> = catalog
            .menus_at(id)
            .map(|menu| format!("{}{}", menu.id, if menu.removed { " (deleted)" } else { "" }))
            .collect();
        let _ = writeln!(
            out,
            "    {}: carries {}; below {}; menus {}",
            catalog.display_path(id),
            info.channels,
            info.below,
            ids.join(", ")
        );
        for channel in Channel::ALL {
            let names = catalog.path(id);
            let duplicates = catalog.duplicates_for(&names, channel);
            if !duplicates.is_empty() {
                let places: Vec<String> = duplicates.iter().map(|span| place(*span)).collect();
                let _ = writeln!(out, "        duplicate for {channel}: {}", places.join(", "));
            }
        }
        pending.extend(catalog.children(Some(id)).iter().rev().copied());
    }
    let mut deleted_only: Vec<String> = Vec::new();
    for menu in catalog.menus().iter().filter(|menu| menu.removed) {
        let names = catalog.path(menu.path);
        let shown = catalog.display_path(menu.path);
        if catalog.is_deleted_only(&names) && !deleted_only.contains(&shown) {
            deleted_only.push(shown);
        }
    }
    if !deleted_only.is_empty() {
        let _ = writeln!(out, "deleted only:\n    {}", deleted_only.join("\n    "));
    }
    out
}

#[test]
fn outlines_match_their_snapshots() {
    insta::glob!("fixtures/catalog/*.json", |path| {
        let (source, read) = read(path);
        insta::assert_snapshot!(outline(&source, &read));
    });
}

#[test]
fn problem_fixtures_have_problems_and_the_others_none() {
    insta::glob!("fixtures/catalog/*.json", |path| {
        let (_, read) = read(path);
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        assert_eq!(read.catalog.is_none(), name.starts_with("E0302-"), "{name}");
        assert_eq!(read.problems.is_empty(), read.catalog.is_some(), "{name}");
    });
}

#[test]
fn the_three_shapes_are_one_catalog() {
    let outlines: Vec<Vec<String>> = ["shape-array.json", "shape-menus-object.json", "shape-tree.json"]
        .into_iter()
        .map(|name| {
            let catalog = catalog_of(name);
            catalog
                .entries()
                .iter()
                .map(|entry| format!("{} {}", catalog.display_path(entry.path), entry.channel))
                .collect()
        })
        .collect();
    assert_eq!(outlines[0], outlines[1]);
    assert_eq!(outlines[0], outlines[2]);
    assert_eq!(outlines[0].len(), 6);
}

#[test]
fn queries_a_check_asks() {
    let catalog = catalog_of("ivr-only-subtree.json");
    let hotline = catalog.lookup(&["Hotline"]).expect("in the catalog");
    assert!(!hotline.is_leaf_for(Channel::Call));
    assert_eq!(
        catalog.channels_below(&["Hotline"]).map(|set| set.to_string()),
        Some("call".to_owned())
    );
    assert_eq!(
        catalog.channels_below(&["Chat"]).map(|set| set.to_string()),
        Some("chat".to_owned())
    );
    assert_eq!(catalog.channels_below(&["Nowhere"]), None);
    assert!(
        catalog
            .lookup(&["Hotline", "Outage"])
            .is_some_and(|info| info.is_leaf_for(Channel::Call))
    );
    assert!(catalog.lookup(&["hotline"]).is_none(), "names match exactly");

    let deleted = catalog_of("deleted-menu.json");
    assert!(deleted.lookup(&["Support", "Legacy"]).is_none());
    assert!(deleted.is_deleted_only(&["Support", "Legacy"]));
    assert!(
        deleted.is_deleted_only(&["Old Sales", "Inbound"]),
        "below a deleted menu"
    );
    assert!(!deleted.is_deleted_only(&["Support", "Billing"]));
    assert!(!deleted.is_deleted_only(&["Support", "Nowhere"]));

    let merged = catalog_of("merged-paths.json");
    assert!(
        !merged.is_deleted_only(&["Support", "Deleted twin"]),
        "one of the two is alive"
    );
    assert_eq!(merged.duplicates_for(&["Support", "Billing"], Channel::Call), []);

    let duplicates = catalog_of("duplicate-names.json");
    assert_eq!(
        duplicates.duplicates_for(&["Support", "Billing"], Channel::Call).len(),
        2
    );
    assert_eq!(
        duplicates.duplicates_for(&["Support", "Billing"], Channel::Chat),
        [],
        "the other chat menu is deleted"
    );

    let closest = catalog
        .closest_path(&["Hotline", "Outrage"])
        .map(|id| catalog.display_path(id));
    assert_eq!(closest.as_deref(), Some(r#""Hotline" / "Outage""#));
}

#[test]
fn problems_become_diagnostics_with_one_primary_label() {
    let (_, read) = read(&fixture("E0302-duplicate-id.json"));
    let [problem] = read.problems.as_slice() else {
        panic!("{:?}", read.problems)
    };
    let diagnostic = problem.to_diagnostic(crmpol::Code::E0001);
    assert_eq!(diagnostic.primary_span(), Some(problem.span));
    assert_eq!(diagnostic.labels.len(), 2, "the first use is a secondary label");
    assert!(!diagnostic.message.ends_with('.'));
}

// Robustness: generated catalogs, each read well within a few seconds.

fn timed(text: &str) -> (CatalogRead, Duration) {
    let started = Instant::now();
    let read = read_catalog(FileId(0), text);
    (read, started.elapsed())
}

/// 100,000 menus, ten children per menu, ids alternating numbers and
/// strings, with unknown fields around them.
fn wide_catalog(menus: usize) -> String {
    let mut text = String::from("{\"menus\": [\n");
    for index in 0..menus {
        let id = if index % 2 == 0 {
            format!("{index}")
        } else {
            format!("\"{index}\"")
        };
        let parent = match index {
            0..10 => "null".to_owned(),
            _ => {
                let parent = index / 10 - 1;
                if parent % 2 == 0 {
                    format!("{parent}")
                } else {
                    format!("\"{parent}\"")
                }
            }
        };
        let menu_type = ["ivr_menu", "web_menu", "mobile_menu"][index % 3];
        let comma = if index + 1 < menus { "," } else { "" };
        let _ = writeln!(
            text,
            "{{\"id\": {id}, \"name\": \"Queue {}\", \"parent_id\": {parent}, \"menu_type\": \"{menu_type}\", \
             \"position\": {}, \"agents\": {{\"call\": [1, 2, 3], \"chat\": []}}, \"hidden\": false}}{comma}",
            index % 10,
            index % 7,
        );
    }
    text.push_str("]}\n");
    text
}

#[test]
fn a_catalog_of_100_000_menus() {
    let text = wide_catalog(100_000);
    let (read, elapsed) = timed(&text);
    let catalog = read.catalog.unwrap_or_else(|| panic!("{:?}", read.problems.first()));
    assert_eq!(catalog.menus().len(), 100_000);
    assert!(!catalog.entries().is_empty());
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_parent_chain_10_000_deep() {
    let depth = 10_000;
    let mut text = String::from("[");
    for index in 0..depth {
        let parent = if index == 0 {
            "null".to_owned()
        } else {
            (index - 1).to_string()
        };
        let comma = if index + 1 < depth { "," } else { "" };
        let _ = writeln!(
            text,
            "{{\"id\": {index}, \"name\": \"L{index}\", \"parent_id\": {parent}}}{comma}"
        );
    }
    text.push(']');
    let (read, elapsed) = timed(&text);
    let catalog = read.catalog.unwrap_or_else(|| panic!("{:?}", read.problems.first()));
    let path: Vec<String> = (0..depth).map(|index| format!("L{index}")).collect();
    assert!(
        catalog
            .lookup(&path)
            .is_some_and(|info| info.is_leaf_for(Channel::Call))
    );
    assert_eq!(catalog.entries().len(), 2, "only the deepest menu is a leaf");
    let mut misspelt = path.clone();
    if let Some(last) = misspelt.last_mut() {
        last.push('9');
    }
    let closest = catalog.closest_path(&misspelt).map(|id| catalog.path(id).len());
    assert_eq!(closest, Some(depth), "the leaf, found under the same parent");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn children_nested_10_000_deep() {
    let depth = 10_000;
    let mut text = String::new();
    for index in 0..depth {
        let _ = write!(text, "[{{\"id\": \"{index}\", \"name\": \"L{index}\", \"children\": ");
    }
    text.push_str("[]");
    for _ in 0..depth {
        text.push_str("}]");
    }
    let (read, elapsed) = timed(&text);
    let catalog = read.catalog.unwrap_or_else(|| panic!("{:?}", read.problems.first()));
    assert_eq!(catalog.entries().len(), 2);
    let deepest = catalog.entries().first().map(|entry| catalog.path(entry.path).len());
    assert_eq!(deepest, Some(depth));
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    // The same nesting, cut short, is one syntax error and no overflow.
    let cut = &text[..text.len() / 2];
    let (read, _) = timed(cut);
    assert_eq!(
        read.problems.iter().map(|problem| problem.kind).collect::<Vec<_>>(),
        [ProblemKind::NotJson]
    );
}

#[test]
fn a_cycle_10_000_long_is_one_problem() {
    let length = 10_000;
    let mut text = String::from("[");
    for index in 0..length {
        let parent = (index + 1) % length;
        let comma = if index + 1 < length { "," } else { "" };
        let _ = write!(
            text,
            "{{\"id\": {index}, \"name\": \"C{index}\", \"parent_id\": {parent}}}{comma}"
        );
    }
    text.push(']');
    let (read, elapsed) = timed(&text);
    assert!(read.catalog.is_none());
    let kinds: Vec<ProblemKind> = read.problems.iter().map(|problem| problem.kind).collect();
    assert_eq!(kinds, [ProblemKind::Cycle]);
    let message = read.problems.first().map_or("", |problem| problem.message.as_str());
    assert!(message.len() < 300, "the message stays short: {message}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// About 100 MB: run with `cargo test --release --test catalog -- --ignored`
/// to measure; too slow for every `cargo test` in a debug build.
#[test]
#[ignore]
fn a_catalog_of_100_mb() {
    let mut text = wide_catalog(400_000);
    let filler = format!(
        ",{{\"id\": \"pad\", \"name\": \"Padding\", \"notes\": \"{}\"}}]}}\n",
        "x".repeat(100)
    );
    text.truncate(text.len() - 3);
    while text.len() < 100_000_000 {
        text.push_str(&filler[..filler.len() - 3].replace("\"pad\"", &format!("\"pad{}\"", text.len())));
    }
    text.push_str("]}\n");
    let (read, elapsed) = timed(&text);
    let catalog = read.catalog.unwrap_or_else(|| panic!("{:?}", read.problems.first()));
    eprintln!("{} bytes, {} menus, {elapsed:?}", text.len(), catalog.menus().len());
}

#[test]
fn every_prefix_of_every_fixture_reads_without_panic_and_spans_fit() {
    insta::glob!("fixtures/catalog/*.json", |path| {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        for cut in (0..=text.len()).filter(|&cut| text.is_char_boundary(cut)) {
            let prefix = &text[..cut];
            let read = read_catalog(FileId(0), prefix);
            assert_eq!(read.problems.is_empty(), read.catalog.is_some());
            for problem in &read.problems {
                let spans = std::iter::once(problem.span).chain(problem.related.iter().map(|(span, _)| *span));
                for span in spans {
                    assert!(span.start() <= span.end() && span.end() <= prefix.len(), "{span:?}");
                    assert!(prefix.is_char_boundary(span.start()) && prefix.is_char_boundary(span.end()));
                }
            }
        }
    });
}
