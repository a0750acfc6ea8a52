//! `crmpol why` as a user runs it, on the policy sets in
//! `tests/fixtures/why/`: what it prints for people and for tools, where
//! each value comes from, which diagnostics it shows, and its exit status.

mod common;

use std::process::{Command, Output, Stdio};

/// `crmpol` run from the fixture folder, so file names stay short.
fn crmpol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmpol"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/why"))
        .env_remove("COLUMNS")
        .env_remove("TERM")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run crmpol")
}

/// The command, its exit status and both streams, as a snapshot shows them.
fn transcript(args: &[&str]) -> String {
    let output = crmpol(args);
    format!(
        "$ crmpol {}\nexit status: {}\n--- stderr\n{}--- stdout\n{}",
        args.join(" "),
        common::cli::status(&output),
        common::cli::stderr(&output),
        common::cli::stdout(&output)
    )
}

#[test]
fn a_queue_line_overrides_defaults_and_a_redundant_line_is_shown() {
    insta::assert_snapshot!("billing", transcript(&["why", "center", "--queue", "Support/Billing"]));
}

#[test]
fn a_channel_block_decides_for_its_channel_and_a_name_may_hold_a_slash() {
    insta::assert_snapshot!(
        "tier_chat",
        transcript(&[
            "why",
            "center",
            "--queue",
            r#""Support" / "Tier 1/Tier 2""#,
            "--channel",
            "chat"
        ])
    );
}

#[test]
fn an_inner_queue_is_explained_leaf_by_leaf() {
    insta::assert_snapshot!(
        "support_calls",
        transcript(&["why", "center", "--queue", "Support", "--channel", "call"])
    );
}

#[test]
fn errors_that_concern_the_queue_are_shown_and_fail_the_command() {
    let output = transcript(&["why", "broken.crmpol", "--queue", "Surveys/Web", "--channel", "call"]);
    assert!(!output.contains("E0003"), "the error in `Sales` is not about `Surveys`");
    insta::assert_snapshot!("broken_surveys", output);
}

#[test]
fn json_has_the_documented_shape() {
    let text = transcript(&[
        "why",
        "center",
        "--queue",
        "Support/Billing",
        "--channel",
        "call",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("billing_json", text);

    let output = crmpol(&["why", "broken.crmpol", "--queue", "Surveys", "--format", "json"]);
    assert_eq!(common::cli::status(&output), 1, "errors fail the command in JSON too");
    let json: serde_json::Value = serde_json::from_str(&common::cli::stdout(&output)).expect("one JSON object");
    assert_eq!(json["format_version"], 2);
    assert_eq!(json["errors"], 3);
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 4, "two leaves, two channels");
    let codes: Vec<&str> = entries[0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0002", "E0102"]);
    let lookup = &entries[0]["settings"]["skip_account_lookup"]["chain"][0];
    assert_eq!(lookup["source"], "statement");
    assert_eq!(lookup["line"], 6);
    assert_eq!(lookup["text"], "skip account lookup: yes");
    assert_eq!(lookup["queue"], serde_json::json!(["Surveys"]));
}

#[test]
fn a_queue_that_is_not_there_or_unreadable_is_a_usage_error() {
    let cases: [(&str, &str); 7] = [
        ("broken.crmpol", "Surveys/web"),
        ("broken.crmpol", "Web"),
        ("broken.crmpol", "Marketing"),
        ("broken.crmpol", r#""Surveys" / "Webb""#),
        ("broken.crmpol", r#""Surveys" / "Web"#),
        ("broken.crmpol", "Surveys//Web"),
        ("slashes.crmpol", "Support/Tier 1/Tier 2"),
    ];
    let mut all = String::new();
    for (policy, queue) in cases {
        let output = crmpol(&["why", policy, "--queue", queue]);
        assert_eq!(common::cli::status(&output), 2, "{queue}");
        assert_eq!(common::cli::stdout(&output), "", "{queue}");
        all.push_str(&transcript(&["why", policy, "--queue", queue]));
        all.push('\n');
    }
    insta::assert_snapshot!("usage_errors", all);
}

#[test]
fn a_plain_path_may_have_spaces_around_its_slashes() {
    let tight = crmpol(&["why", "center", "--queue", "Support/Billing"]);
    let spaced = crmpol(&["why", "center", "--queue", " Support /  Billing "]);
    assert_eq!(common::cli::status(&spaced), 0);
    assert_eq!(tight.stdout, spaced.stdout);
    let quoted = crmpol(&["why", "center", "--queue", r#""Support" / "Billing""#]);
    assert_eq!(tight.stdout, quoted.stdout);
}

#[test]
fn colour_is_used_only_when_asked_for_or_on_a_terminal() {
    let args = ["why", "center", "--queue", "Support/Billing"];
    let plain = common::cli::stdout(&crmpol(&[&args[..], &["--color", "never"]].concat()));
    let coloured = common::cli::stdout(&crmpol(&[&args[..], &["--color", "always"]].concat()));
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(
        coloured.contains("\x1b[1m\"Support\" / \"Billing\" (call)\x1b[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b[1;33mwarning\x1b[0m[W0201]"), "{coloured}");
    assert_eq!(common::cli::stdout(&crmpol(&args)), plain, "auto: not a terminal");
}

#[test]
fn only_call_or_chat_is_a_channel() {
    let output = crmpol(&["why", "center", "--queue", "Support", "--channel", "email"]);
    assert_eq!(common::cli::status(&output), 2);
}

#[test]
fn a_queue_nested_thousands_deep_is_explained() {
    // Deep enough that a path is wider than a format width may be (65,535),
    // short enough that the argument fits in one (128 KiB).
    const DEPTH: usize = 8_000;
    let names: Vec<String> = (0..DEPTH).map(|level| format!("level {level}")).collect();
    let mut policy = String::from("crm: zendesk\n");
    for name in &names {
        policy.push_str(&format!("queue \"{name}\" {{\n"));
    }
    policy.push_str("skip record creation: yes\n");
    policy.push_str(&"}\n".repeat(DEPTH));
    let dir = common::cli::scratch("why-deep");
    let file = dir.join("deep.crmpol");
    common::cli::write(&file, &policy);
    let queue = names.join("/");
    let output = crmpol(&[
        "why",
        common::cli::path_str(&file),
        "--queue",
        &queue,
        "--channel",
        "call",
    ]);
    assert_eq!(common::cli::status(&output), 0, "{}", common::cli::stderr(&output));
    let text = common::cli::stdout(&output);
    let line = DEPTH + 2;
    assert!(
        text.lines().any(
            |row| row.starts_with(&format!("    set by     {}:{line}  ", common::cli::path_str(&file)))
                && row.ends_with("  skip record creation: yes")
        ),
        "the statement at the bottom is named"
    );
}
