//! `--message-format sarif` against the official OASIS SARIF 2.1.0 JSON
//! schema, vendored in `tests/sarif/` (see its README for where it comes
//! from), and against what GitHub code scanning reads from a log beyond the
//! schema: rules with help, results that point at a line and column, fixes
//! with a deleted region.
//!
//! The logs checked: every diagnostic fixture, the example policy set
//! `policies/` (no results), a policy set with several mistakes and fixes,
//! and the output of the `crmpol check` binary itself, which must carry
//! every diagnostic however many there are.

mod common;

use crmpol::diagnostic::Severity;
use crmpol::render::{self, MessageFormat, RenderOptions};
use crmpol::{Analysis, Code, SourceSet};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SCHEMA: &str = include_str!("sarif/sarif-schema-2.1.0.json");

/// The schema, compiled once, with `format` (`uri`, `uri-reference`, ...)
/// checked too: draft-07 leaves that to the validator.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored schema is JSON");
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|error| panic!("the vendored schema does not compile: {error}"))
    })
}

/// Every way `log` breaks the schema, one line each: where, and what.
fn schema_errors(log: &Value) -> Vec<String> {
    validator()
        .iter_errors(log)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect()
}

fn sarif(sources: &SourceSet, analysis: &Analysis) -> Value {
    let text = render::render(
        &analysis.diagnostics,
        &analysis.suppressed,
        sources,
        MessageFormat::Sarif,
        RenderOptions::default(),
    );
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("the SARIF log is not JSON: {error}\n{text}"))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn text<'a>(value: &'a Value, what: &str) -> Result<&'a str, String> {
    match value.as_str() {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(format!("{what} is not a non-empty string: {value}")),
    }
}

/// A region code scanning can place: one-based start line and column.
fn check_region(region: &Value, what: &str) -> Result<(), String> {
    for key in ["startLine", "startColumn"] {
        match region[key].as_u64() {
            Some(n) if n >= 1 => {}
            _ => return Err(format!("{what}.{key} is not a number >= 1: {region}")),
        }
    }
    Ok(())
}

/// What GitHub code scanning needs from a log, field by field, and that the
/// log says what the analysis found: one result per diagnostic, in order.
fn check_code_scanning(log: &Value, analysis: &Analysis) -> Result<(), String> {
    if log["version"] != "2.1.0" {
        return Err(format!("version is {}, not \"2.1.0\"", log["version"]));
    }
    let runs = log["runs"].as_array().ok_or("runs is not an array")?;
    if runs.len() != 1 {
        return Err(format!("{} runs, not one", runs.len()));
    }
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    if driver["name"] != "crmpol" {
        return Err(format!("tool.driver.name is {}", driver["name"]));
    }

    let rules = driver["rules"].as_array().ok_or("tool.driver.rules is not an array")?;
    if rules.len() != Code::ALL.len() {
        return Err(format!("{} rules for {} codes", rules.len(), Code::ALL.len()));
    }
    for (rule, &code) in rules.iter().zip(Code::ALL) {
        let what = format!("rule {code}");
        if rule["id"] != code.as_str() {
            return Err(format!("{what}: id is {}", rule["id"]));
        }
        text(
            &rule["shortDescription"]["text"],
            &format!("{what}: shortDescription.text"),
        )?;
        let documentation = code
            .documentation()
            .ok_or(format!("{what}: no section in docs/diagnostics.md"))?;
        if rule["help"]["text"] != documentation {
            return Err(format!(
                "{what}: help.text is not its documentation: {}",
                rule["help"]["text"]
            ));
        }
        if rule["defaultConfiguration"]["level"] != level(code.severity()) {
            return Err(format!(
                "{what}: defaultConfiguration.level is {}",
                rule["defaultConfiguration"]["level"]
            ));
        }
    }

    // The diagnostics in force, then those allow comments silenced.
    let expected: Vec<(&crmpol::Diagnostic, bool)> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| (diagnostic, false))
        .chain(
            analysis
                .suppressed
                .iter()
                .map(|suppressed| (&suppressed.diagnostic, true)),
        )
        .collect();
    let results = run["results"].as_array().ok_or("results is not an array")?;
    if results.len() != expected.len() {
        return Err(format!(
            "{} results for {} diagnostics and {} suppressed ones",
            results.len(),
            analysis.diagnostics.len(),
            analysis.suppressed.len()
        ));
    }
    for (index, (result, (diagnostic, suppressed))) in results.iter().zip(expected).enumerate() {
        let what = format!("result {index} ({})", diagnostic.code);
        check_suppressions(result, suppressed, &what)?;
        let rule_id = text(&result["ruleId"], &format!("{what}: ruleId"))?;
        if rule_id != diagnostic.code.as_str() {
            return Err(format!("{what}: ruleId is {rule_id}"));
        }
        let rule_index = result["ruleIndex"].as_u64().ok_or(format!("{what}: no ruleIndex"))?;
        let rule = usize::try_from(rule_index).ok().and_then(|i| rules.get(i));
        if rule.map(|rule| &rule["id"]) != Some(&Value::from(rule_id)) {
            return Err(format!("{what}: ruleIndex {rule_index} is not rule {rule_id}"));
        }
        if result["level"] != level(diagnostic.severity) {
            return Err(format!("{what}: level is {}", result["level"]));
        }
        text(&result["message"]["text"], &format!("{what}: message.text"))?;

        let locations = result["locations"].as_array().ok_or(format!("{what}: no locations"))?;
        if locations.is_empty() {
            return Err(format!("{what}: locations is empty"));
        }
        for (n, location) in locations.iter().enumerate() {
            let physical = &location["physicalLocation"];
            text(
                &physical["artifactLocation"]["uri"],
                &format!("{what}: locations[{n}] uri"),
            )?;
            check_region(
                &physical["region"],
                &format!("{what}: locations[{n}].physicalLocation.region"),
            )?;
        }

        let fixes = result["fixes"].as_array().map_or(&[][..], Vec::as_slice);
        if fixes.len() != diagnostic.fixes.len() {
            return Err(format!("{what}: {} fixes for {}", fixes.len(), diagnostic.fixes.len()));
        }
        for (n, fix) in fixes.iter().enumerate() {
            let changes = fix["artifactChanges"]
                .as_array()
                .ok_or(format!("{what}: fix {n} has no artifactChanges"))?;
            if changes.is_empty() {
                return Err(format!("{what}: fix {n} has no artifactChanges"));
            }
            for change in changes {
                text(&change["artifactLocation"]["uri"], &format!("{what}: fix {n} uri"))?;
                let replacements = change["replacements"].as_array().map_or(&[][..], Vec::as_slice);
                if replacements.is_empty() {
                    return Err(format!("{what}: fix {n} has a change without replacements"));
                }
                if replacements
                    .iter()
                    .any(|replacement| !replacement["deletedRegion"].is_object())
                {
                    return Err(format!("{what}: fix {n} has a replacement without deletedRegion"));
                }
            }
        }
    }
    Ok(())
}

/// Renders, validates and checks one policy set; the failures, if any.
fn failures(name: &str, sources: &SourceSet, analysis: &Analysis) -> Vec<String> {
    let log = sarif(sources, analysis);
    let mut failures: Vec<String> = schema_errors(&log)
        .into_iter()
        .map(|error| format!("{name}: {error}"))
        .collect();
    if let Err(error) = check_code_scanning(&log, analysis) {
        failures.push(format!("{name}: {error}"));
    }
    failures
}

/// A silenced diagnostic has one in-source suppression at the allow
/// comment; one in force has none.
fn check_suppressions(result: &Value, suppressed: bool, what: &str) -> Result<(), String> {
    match (suppressed, result["suppressions"].as_array().map(Vec::as_slice)) {
        (false, None) => Ok(()),
        (true, Some([suppression])) if suppression["kind"] == "inSource" => check_region(
            &suppression["location"]["physicalLocation"]["region"],
            &format!("{what}: suppressions[0].location region"),
        ),
        _ => Err(format!("{what}: suppressions are {}", result["suppressions"])),
    }
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_vendored_schema_is_the_oasis_one() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored schema is JSON");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["required"], serde_json::json!(["version", "runs"]));
    assert!(schema["definitions"]["result"].is_object());
}

/// The schema is not vacuous: it catches a broken log, `format` included.
#[test]
fn the_schema_rejects_a_broken_log() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics/E0002-unknown-setting.crmpol");
    let (sources, analysis) = common::analyze(&path);
    let log = sarif(&sources, &analysis);
    assert_eq!(schema_errors(&log), Vec::<String>::new());

    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c".into();
    broken["runs"][0]["tool"]["driver"]["rules"][0]["colour"] = "blue".into();
    let errors = schema_errors(&broken).join("\n");
    for pointer in [
        "/runs/0/results/0/level",
        "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
        "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
        "/runs/0/tool/driver/rules/0",
    ] {
        assert!(
            errors.contains(&format!("`{pointer}`")),
            "no error at {pointer}:\n{errors}"
        );
    }
}

#[test]
fn every_fixture_renders_a_valid_sarif_log() {
    let mut all = Vec::new();
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= Code::ALL.len(),
        "too few fixtures: {}",
        fixtures.len()
    );
    for path in fixtures {
        let (sources, analysis) = common::analyze(&path);
        assert!(!analysis.diagnostics.is_empty(), "{}: no diagnostics", path.display());
        all.extend(failures(
            &common::relative(&path).display().to_string(),
            &sources,
            &analysis,
        ));
    }
    assert_no_failures(&all);
}

#[test]
fn the_example_policy_set_renders_a_valid_log_without_results() {
    let sources = SourceSet::load(&[PathBuf::from("policies")]).expect("policies/ loads");
    let analysis = crmpol::analyze(&sources);
    assert_eq!(analysis.diagnostics.len(), 0, "policies/ should be clean");
    assert_no_failures(&failures("policies", &sources, &analysis));
    let log = sarif(&sources, &analysis);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// Several files, errors and warnings, fixes, labels in another file, and a
/// directory whose name needs percent-encoding in a URI.
const MISTAKES: &[(&str, &str)] = &[
    (
        "main.crmpol",
        "crm: salesforce\n\n\
         defaults {\n    map session data to: activty object\n    skip account creation: no\n}\n\n\
         queue \"Support\" {\n    skip recrod creation: yes\n    skip account creation: no\n    colour: blue\n\
         \x20   queue \"Billing\" {\n        skip account creation: yes\n        skip account creation: yes\n    }\n\
         \x20   queue \"billing\"\n}\n",
    ),
    (
        "north west/hotline.crmpol",
        "queue \"Hotline\" {\n    skip account creation: yes\n    append to latest open record: yes\n\
         \x20   skip account lookup: yes\n}\n\nqueue \"Support\" {\n    skip record creation: maybe\n}\n",
    ),
];

#[test]
fn a_policy_set_with_mistakes_and_fixes_renders_a_valid_log() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in MISTAKES {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(&path, text).expect("a policy file");
    }
    let sources = SourceSet::load(&[dir.path().to_path_buf()]).expect("the policy set loads");
    assert_eq!(sources.len(), MISTAKES.len());
    let analysis = crmpol::analyze(&sources);

    let mut codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 5, "too few kinds of mistakes: {codes:?}");
    assert!(
        analysis.diagnostics.iter().any(|d| d.severity == Severity::Warning),
        "no warning: {codes:?}"
    );
    let fixes: usize = analysis.diagnostics.iter().map(|d| d.fixes.len()).sum();
    assert!(fixes >= 3, "too few fixes ({fixes}): {codes:?}");

    assert_no_failures(&failures("mistakes", &sources, &analysis));
    let log = sarif(&sources, &analysis);
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|result| result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter().all(|uri| uri.starts_with("file:///")),
        "absolute paths are file URIs: {uris:?}"
    );
    assert!(
        uris.iter().any(|uri| uri.ends_with("/north%20west/hotline.crmpol")),
        "{uris:?}"
    );
}

/// What CI runs: the binary prints one SARIF log on standard output with
/// every diagnostic, past the cap `--max-diagnostics` puts on the formats
/// for people.
#[test]
fn crmpol_check_prints_every_diagnostic_as_one_valid_log() {
    let cap = crmpol::driver::DEFAULT_MAX_DIAGNOSTICS;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("many.crmpol");
    let mut text = String::from("crm: salesforce\n\nqueue \"Support\" {\n");
    for n in 0..cap + 10 {
        text.push_str(&format!("    colour {n}: blue\n"));
    }
    text.push_str("}\n");
    std::fs::write(&path, text).expect("a policy file");

    let sources = SourceSet::load(std::slice::from_ref(&path)).expect("the policy loads");
    let analysis = crmpol::analyze(&sources);
    assert!(
        analysis.diagnostics.len() > cap,
        "only {} diagnostics",
        analysis.diagnostics.len()
    );

    let output = Command::new(env!("CARGO_BIN_EXE_crmpol"))
        .args(["check", "--message-format", "sarif"])
        .arg(&path)
        .output()
        .expect("crmpol runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "errors exit 1: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let log: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("not one JSON log: {error}\n{stdout}"));
    let mut all: Vec<String> = schema_errors(&log);
    if let Err(error) = check_code_scanning(&log, &analysis) {
        all.push(error);
    }
    assert_no_failures(&all);
}
