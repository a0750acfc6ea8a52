//! The CRM's own words in text for people: one fixture per CRM under
//! `tests/fixtures/crm-words/`, whose diagnostics and Markdown table are
//! snapshotted. The JSON and YAML tables keep the generic field names.

mod common;

use crmpol::emit::{self, TableFormat};
use std::path::PathBuf;

fn fixture(crm: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/crm-words/{crm}.crmpol"))
}

#[test]
fn each_crm_speaks_its_own_words() {
    insta::glob!("fixtures/crm-words/*.crmpol", |path| {
        let (sources, analysis) = common::analyze(path);
        let diagnostics = common::rendered(&sources, &analysis, crmpol::render::MessageFormat::Human);
        let markdown = emit::emit(&analysis.table(), TableFormat::Markdown).expect("markdown");
        insta::assert_snapshot!(format!("# diagnostics\n{diagnostics}\n# markdown\n{markdown}"));
    });
}

#[test]
fn the_words_are_the_crms_own() {
    let expected = [
        ("salesforce", "Contact", "Case", "no case is created"),
        ("zendesk", "User", "Ticket", "no ticket is created"),
        ("servicenow", "User", "Incident", "no incident is created"),
        ("custom", "Account", "Record", "no record is created"),
    ];
    for (crm, account, record, note) in expected {
        let (sources, analysis) = common::analyze(&fixture(crm));
        let markdown = emit::emit(&analysis.table(), TableFormat::Markdown).expect("markdown");
        let header = format!("| Queue | Channel | Situation | Progress | {account} | {record} | {record} created at |");
        assert!(markdown.contains(&header), "{crm}: {markdown}");
        let human = common::rendered(&sources, &analysis, crmpol::render::MessageFormat::Human);
        assert!(human.contains(note), "{crm}: {human}");
    }
    let (_, kustomer) = common::analyze(&fixture("kustomer"));
    let markdown = emit::emit(&kustomer.table(), TableFormat::Markdown).expect("markdown");
    assert!(markdown.contains("| Customer | Conversation |"), "{markdown}");
}

#[test]
fn machine_formats_keep_the_generic_names() {
    let (_, analysis) = common::analyze(&fixture("salesforce"));
    let json = emit::emit(&analysis.table(), TableFormat::Json).expect("json");
    assert!(json.contains("\"attached_to\": \"account\""), "{json}");
    assert!(!json.contains("contact") && !json.contains("\"case\""), "{json}");
}
