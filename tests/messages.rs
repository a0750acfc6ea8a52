//! What crmpol says about text operators paste and slips they make, and
//! where it says it: one column convention in every format, no raw control
//! character in any output, long lines cut, one line-break rule, and the
//! common slips recognised with what was meant.

mod common;

use common::cli::{crmpol, crmpol_with_input, path_str, scratch, shell, status, stderr, stdout, write};
use crmpol::render::{self, MessageFormat, RenderOptions};
use crmpol::{Analysis, SourceSet};

fn analyze(text: &str) -> (SourceSet, Analysis) {
    let sources = SourceSet::from_texts([("p.crmpol", text)]);
    let analysis = crmpol::analyze(&sources);
    (sources, analysis)
}

fn rendered(text: &str, format: MessageFormat) -> String {
    let (sources, analysis) = analyze(text);
    render::render(
        &analysis.diagnostics,
        &analysis.suppressed,
        &sources,
        format,
        RenderOptions::default(),
    )
}

const FORMATS: [MessageFormat; 5] = [
    MessageFormat::Human,
    MessageFormat::Short,
    MessageFormat::Json,
    MessageFormat::Sarif,
    MessageFormat::Github,
];

/// The `line:column` each format reports for the first diagnostic.
fn positions(text: &str) -> Vec<(String, String)> {
    let human = rendered(text, MessageFormat::Human);
    let header = human
        .split("p.crmpol:")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_default()
        .to_owned();
    let short = rendered(text, MessageFormat::Short);
    let short = short
        .split(": ")
        .next()
        .unwrap_or_default()
        .trim_start_matches("p.crmpol:")
        .to_owned();
    let json: serde_json::Value =
        serde_json::from_str(rendered(text, MessageFormat::Json).lines().next().unwrap_or("{}")).expect("json");
    let json = format!(
        "{}:{}",
        json["spans"][0]["line_start"], json["spans"][0]["column_start"]
    );
    let sarif: serde_json::Value = serde_json::from_str(&rendered(text, MessageFormat::Sarif)).expect("sarif");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    let sarif = format!("{}:{}", region["startLine"], region["startColumn"]);
    let github = rendered(text, MessageFormat::Github);
    let line = github
        .split("line=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_default();
    let col = github
        .split("col=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_default();
    vec![
        ("human".to_owned(), header),
        ("short".to_owned(), short),
        ("json".to_owned(), json),
        ("sarif".to_owned(), sarif),
        ("github".to_owned(), format!("{line}:{col}")),
    ]
}

#[test]
fn every_format_counts_columns_in_characters() {
    // The junk `x` comes after emoji, CJK and letters with combining
    // accents: a column counts code points, whatever their bytes.
    for (name, column) in [
        ("Süppört 日本語 🎉", 23),
        ("e\u{301}e\u{301}", 14),
        ("\u{1F468}\u{200D}\u{1F469}", 13),
    ] {
        let text = format!("crm: salesforce\nqueue \"{name}\" x\n");
        let expected = format!("2:{column}");
        for (format, position) in positions(&text) {
            assert_eq!(position, expected, "{format} for {name:?}");
        }
    }
}

/// Text with no raw control character but line breaks (and, in the human
/// format's source lines, tabs), nor a C1 control or a bidi override.
fn assert_printable(output: &str, what: &str) {
    for c in output.chars() {
        let allowed = c == '\n' || c == '\t';
        assert!(
            allowed || !(crmpol::text::is_control(c) || crmpol::text::is_bidi_control(c)),
            "{what}: raw {:?} in output:\n{output}",
            c
        );
    }
}

#[test]
fn control_characters_in_queue_names_are_rejected_and_never_printed() {
    for name in [
        "Ctrl\u{1b}[2J",
        "Bell\u{7}",
        "Tab\there",
        "C1\u{9b}31m",
        "\u{202e}gnilliB",
    ] {
        let text = format!("crm: salesforce\nqueue \"{name}\" {{\n    skip account creation: yes\n}}\n");
        let (_, analysis) = analyze(&text);
        let e0008: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "E0008")
            .collect();
        assert_eq!(e0008.len(), 1, "{name:?}: {:?}", analysis.diagnostics);
        assert!(
            e0008[0].message.contains("U+"),
            "names the character: {}",
            e0008[0].message
        );
        for format in FORMATS {
            assert_printable(&rendered(&text, format), &format!("{name:?} in {format:?}"));
        }
    }
}

#[test]
fn no_output_carries_a_raw_control_character() {
    let dir = scratch("control-characters");
    let policy = dir.join("p.crmpol");
    write(
        &policy,
        "crm: salesforce\u{b}\nqueue \"A\u{1b}]0;owned\u{7}\" {\n    skip account\u{1b}[31m creation: yes\u{85}\n}\n",
    );
    for format in ["human", "short", "json", "sarif", "github"] {
        let output = crmpol(&["check", path_str(&policy), "--message-format", format]);
        assert_eq!(status(&output), 1);
        assert_printable(&stdout(&output), format);
    }
    let markdown = crmpol(&["compile", path_str(&policy), "--format", "markdown"]);
    assert_printable(&stderr(&markdown), "compile's diagnostics");
}

#[test]
fn pasted_look_alikes_are_named_and_fixed() {
    // A no-break space inside a setting name, as a web page pastes it.
    let (_, analysis) = analyze("crm: salesforce\nqueue \"Q\" {\n    skip account\u{a0}creation: yes\n}\n");
    let unknown = &analysis.diagnostics[0];
    assert_eq!(unknown.message, "unknown setting `skip account<U+00A0>creation`");
    assert_eq!(
        unknown.help.as_deref(),
        Some("it holds a no-break space (U+00A0) where a space belongs; write `skip account creation`")
    );
    assert!(unknown.automatic_fix(false).is_some());

    // Typographic quotes around a queue name.
    let (_, analysis) = analyze("crm: salesforce\nqueue “Billing” {\n}\n");
    let quotes = &analysis.diagnostics[0];
    assert_eq!(
        quotes.message,
        "queue names are written between straight double quotes `\"`"
    );
    let fix = quotes.automatic_fix(false).expect("a safe fix");
    assert_eq!(fix.description, "write `queue \"Billing\" {`");
    assert!(!fix.description.contains('“'));
}

/// `--fix` on one file: its text afterwards, and the codes left.
fn fixed(text: &str) -> (String, Vec<String>) {
    let mut sources = SourceSet::from_texts([("p.crmpol", text)]);
    let result = crmpol::fix::fix_all(&mut sources, Default::default());
    let codes = result.analysis.diagnostics.iter().map(|d| d.code.to_string()).collect();
    let text = sources.get(crmpol::source::FileId(0)).expect("file").text.clone();
    (text, codes)
}

#[test]
fn separators_and_missing_colons_are_recognised() {
    let cases = [
        (
            "    append to latest open record = yes",
            "    append to latest open record: yes",
        ),
        ("    records - option 2", "    records: option 2"),
        ("    skip record creation yes", "    skip record creation: yes"),
    ];
    for (line, meant) in cases {
        let text = format!("crm: salesforce\nqueue \"Q\" {{\n    skip account creation: yes\n{line}\n}}\n");
        let (after, left) = fixed(&text);
        assert!(after.contains(&format!("{meant}\n")), "{line}:\n{after}");
        assert!(!left.contains(&"E0001".to_owned()), "{line}: {left:?}");
    }
    let (_, analysis) = analyze("crm: salesforce\nqueue \"Q\" {\n    records - option 2\n}\n");
    assert_eq!(
        analysis.diagnostics[0].help.as_deref(),
        Some("a setting is written `NAME: VALUE`: write `records: option 2`"),
        "the help repeats the value written, not `option 1`"
    );

    // `crm salesforce` declares the CRM: no E0004 besides the E0001.
    let (after, left) = fixed("crm salesforce\nqueue \"Q\"\n");
    assert_eq!(after, "crm: salesforce\nqueue \"Q\"\n");
    assert_eq!(left, [] as [String; 0]);
    let (_, analysis) = analyze("crm salesforce\nqueue \"Q\"\n");
    let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0001"]);

    // A setting with neither `:` nor value gets no fix: its value is a choice.
    let (_, analysis) = analyze("crm: salesforce\nqueue \"Q\" {\n    skip account lookup\n}\n");
    let missing = &analysis.diagnostics[0];
    assert!(missing.fixes.is_empty(), "{:?}", missing.fixes);
    assert!(
        missing
            .help
            .as_deref()
            .unwrap_or("")
            .contains("`skip account lookup: no`")
    );

    // At the top level a setting cannot stand anyway: no fix that only adds `:`.
    let (after, left) = fixed("crm: salesforce\nskip account lookup yes\n");
    assert_eq!(after, "crm: salesforce\nskip account lookup yes\n");
    assert_eq!(left, ["E0001"]);
}

#[test]
fn common_value_slips_have_a_safe_fix() {
    let cases = [
        ("skip record creation: true", "skip record creation: yes"),
        ("skip record creation: on", "skip record creation: yes"),
        ("skip record creation: Y", "skip record creation: yes"),
        ("skip record creation: 1", "skip record creation: yes"),
        ("skip record creation: false", "skip record creation: no"),
        ("skip record creation: off", "skip record creation: no"),
        ("skip record creation: n", "skip record creation: no"),
        ("skip record creation: 0", "skip record creation: no"),
        ("records: 2", "records: option 2"),
        ("skip record creation: yes // why", "skip record creation: yes # why"),
    ];
    // `defaults` says the opposite (and a second queue keeps it in effect),
    // so that no fixed line is redundant.
    let defaults = "defaults {\n    skip record creation: yes\n    records: option 3\n}\n";
    for (line, meant) in cases {
        let opposite = if meant.ends_with("no") { defaults } else { "" };
        let text = format!(
            "crm: salesforce\n{opposite}queue \"Q\" {{\n    map session data to: ccaas session\n    {line}\n}}\nqueue \"R\"\n"
        );
        let (after, _) = fixed(&text);
        assert!(after.contains(&format!("    {meant}\n")), "{line}:\n{after}");
    }
    let (after, _) = fixed("// why\ncrm: salesforce\nqueue \"Q\"\n");
    assert_eq!(after, "# why\ncrm: salesforce\nqueue \"Q\"\n");
}

#[test]
fn an_unknown_crm_gets_the_crm_it_names_not_custom() {
    for (written, meant) in [
        ("ms dynamics", "dynamics"),
        ("Salesforce Service Cloud", "salesforce"),
        ("Microsoft Dynamics 365", "dynamics"),
        ("salesfroce", "salesforce"),
    ] {
        let text = format!("crm: {written}\nqueue \"Q\"\n");
        let (_, analysis) = analyze(&text);
        let help = analysis.diagnostics[0].help.clone().unwrap_or_default();
        assert!(help.contains(&format!("`{meant}`")), "{written}: {help}");
        assert!(!help.contains("use `crm: custom`"), "{written}: {help}");
        let (after, _) = fixed(&text);
        assert_eq!(after, format!("crm: {meant}\nqueue \"Q\"\n"));
    }
    let (_, analysis) = analyze("crm: pipedrive\nqueue \"Q\"\n");
    let help = analysis.diagnostics[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("`custom` means an integration built on the platform's custom CRM support"),
        "{help}"
    );
    assert!(analysis.diagnostics[0].fixes.is_empty());
}

#[test]
fn a_fix_that_changes_nothing_is_neither_applied_nor_reported() {
    // A vertical tab and a no-break space after a value: the fix must remove
    // them, not stop before them (which would loop).
    for text in [
        "crm: salesforce\u{b}\nqueue \"Q\"\n",
        "crm: salesforce\nqueue \"Q\" {\n    skip record creation: yes\u{a0}\n}\n",
    ] {
        let mut sources = SourceSet::from_texts([("p.crmpol", text)]);
        let result = crmpol::fix::fix_all(&mut sources, Default::default());
        assert_eq!(result.applied.len(), 1, "{text:?}: {:?}", result.applied);
        assert!(
            !result.analysis.has_errors(),
            "{text:?}: {:?}",
            result.analysis.diagnostics
        );
    }
}

#[test]
fn very_long_lines_are_cut_in_messages_and_source_lines() {
    let policy = |value: &str| format!("crm: salesforce\nqueue \"Q\" {{\n    records: {value}\n}}\n");
    let text = policy(&"x".repeat(200_000));
    for format in FORMATS {
        let long = rendered(&text, format).len();
        let short = rendered(&policy("xx"), format).len();
        assert!(
            long < short + 1_000,
            "{format:?} prints {long} bytes for a long line, {short} for a short one"
        );
    }
    let human = rendered(&text, MessageFormat::Human);
    assert!(human.contains("p.crmpol:3:14]"), "the column stays right:\n{human}");
    assert!(human.contains('…'), "says it cut:\n{human}");
}

#[test]
fn carriage_returns_alone_are_detected_and_counted_one_way() {
    let (_, analysis) = analyze("crm: salesforce\rqueue \"Q\" {\r}\r");
    assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
    assert_eq!(
        analysis.diagnostics[0].message,
        "lines end with a carriage return alone"
    );
    let (after, left) = fixed("crm: salesforce\rqueue \"Q\" {\r}\r");
    assert_eq!(after, "crm: salesforce\nqueue \"Q\" {}\n");
    assert_eq!(left, [] as [String; 0]);

    // A lone CR inside a comment is part of the comment; every format puts
    // the next diagnostic on the same line.
    let text = "crm: salesforce\n# a\rb\nqueue \"Q\" x\n";
    let (_, analysis) = analyze(text);
    assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
    for (format, position) in positions(text) {
        assert_eq!(position, "3:11", "{format}");
    }
    assert!(rendered(text, MessageFormat::Human).contains("# a<U+000D>b"));
}

#[test]
fn hidden_files_and_folders_are_not_part_of_a_folder() {
    let dir = scratch("hidden");
    write(&dir.join("p.crmpol"), "crm: salesforce\nqueue \"Q\"\n");
    write(&dir.join(".old.crmpol"), "crm: zendesk\n");
    std::fs::create_dir_all(dir.join(".git")).expect("dir");
    write(&dir.join(".git").join("x.crmpol"), "crm: zendesk\n");
    let output = crmpol(&["check", path_str(&dir)]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
    // Named on the command line, a hidden file is read.
    let named = crmpol(&["check", path_str(&dir), path_str(&dir.join(".old.crmpol"))]);
    assert_eq!(status(&named), 1, "two `crm:` declarations");
    // A folder with only hidden policy files says so.
    let only_hidden = scratch("only-hidden");
    write(&only_hidden.join(".draft.crmpol"), "crm: zendesk\n");
    let output = crmpol(&["check", path_str(&only_hidden)]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("1 hidden one was skipped"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_unreadable_path_is_reported() {
    let output = crmpol(&["check", "no/such/a.crmpol", "no/such/b.crmpol"]);
    assert_eq!(status(&output), 2);
    let report = stderr(&output);
    assert!(
        report.contains("no/such/a.crmpol") && report.contains("no/such/b.crmpol"),
        "{report}"
    );
}

#[test]
fn fmt_says_what_it_cannot_do_with_standard_input() {
    let mixed = crmpol(&["fmt", "-", "tests/fixtures/fmt/reorder.crmpol"]);
    assert_eq!(status(&mixed), 2);
    assert!(stderr(&mixed).contains("`-` (standard input) cannot be formatted together with files"));
    let check = crmpol_with_input(&["fmt", "--check", "-"], "crm:zendesk\n");
    assert_eq!(status(&check), 1);
    assert_eq!(stdout(&check), "would reformat <stdin>\n");
    let diff = crmpol_with_input(&["fmt", "--check", "--diff", "-"], "crm:zendesk\n");
    assert!(stdout(&diff).contains("+crm: zendesk"), "{}", stdout(&diff));
}

#[test]
fn denied_warnings_say_so() {
    let warns = "tests/fixtures/diagnostics/W0203-skip-both.crmpol";
    let human = crmpol(&["check", "--deny-warnings", warns]);
    assert_eq!(status(&human), 1);
    assert!(
        stdout(&human).contains("(warnings are denied by --deny-warnings)"),
        "{}",
        stdout(&human)
    );
    let short = crmpol(&["check", "--deny-warnings", "--message-format", "short", warns]);
    assert!(stderr(&short).contains("warnings are denied by --deny-warnings"));
    let compile = crmpol(&["compile", "--deny-warnings", warns]);
    assert!(
        stderr(&compile).contains("no table was written: warnings are denied by --deny-warnings"),
        "{}",
        stderr(&compile)
    );
    let json = crmpol(&["check", "--deny-warnings", "--message-format", "json", warns]);
    for line in stdout(&json).lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("only JSON on standard output");
    }
}

/// Runs a command line in a pseudo-terminal of `columns` columns (with
/// util-linux `script`), for what crmpol does on a terminal only.
#[cfg(unix)]
fn on_a_terminal(command_line: &str, columns: u16) -> Option<String> {
    let script = format!("script -qec 'stty rows 24 cols {columns}; {command_line}' /dev/null");
    let output = shell(&script);
    output.status.success().then(|| stdout(&output))
}

#[cfg(unix)]
#[test]
fn on_a_terminal_a_clean_check_says_so_and_the_width_is_the_terminals() {
    let Some(clean) = on_a_terminal("\"$CRMPOL\" check --color never policies/", 80) else {
        eprintln!("no `script` to make a pseudo-terminal; skipping");
        return;
    };
    assert!(clean.contains("no problems found in"), "{clean:?}");
    let Some(narrow) = on_a_terminal(
        "\"$CRMPOL\" check --color never tests/fixtures/diagnostics/W0203-skip-both.crmpol",
        50,
    ) else {
        return;
    };
    let widest = narrow
        .lines()
        .filter(|line| line.trim_start().starts_with("note:") || line.starts_with("        "))
        .map(|line| line.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0);
    assert!(
        (20..=50).contains(&widest),
        "notes wrap at the terminal's 50 columns:\n{narrow}"
    );
    // Nothing is said when nothing is wrong and no one is looking.
    let piped = crmpol(&["check", "policies/"]);
    assert_eq!(stdout(&piped), "");
}

#[test]
fn a_dumb_terminal_gets_plain_ascii_drawing() {
    let output = common::cli::command(&["check", "tests/fixtures/diagnostics/W0203-skip-both.crmpol"])
        .env("TERM", "dumb")
        .output()
        .expect("run");
    let text = stdout(&output);
    assert!(text.is_ascii() || !text.contains('╭'), "{text}");
    assert!(text.contains("|"), "{text}");
}
