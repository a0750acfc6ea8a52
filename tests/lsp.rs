//! The language server over an in-memory connection: one test per feature,
//! every message the server sends read and checked.

mod common;

use common::lsp_client::{TestClient, folder, position_utf16, uri};
use lsp_types as lsp;
use serde_json::{Value, json};

const MAIN: &str =
    "crm: zendesk\n\nqueue \"Support\" {\n    skip account creation: yes\n    skip account lookup: yes\n}\n";
const TEAM: &str = "queue \"Support\" {\n    append to latest open record: yes\n}\n";

fn codes(params: &lsp::PublishDiagnosticsParams) -> Vec<String> {
    params
        .diagnostics
        .iter()
        .filter_map(|diagnostic| match &diagnostic.code {
            Some(lsp::NumberOrString::String(code)) => Some(code.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn initialize_negotiates_the_position_encoding() {
    let client = TestClient::plain(None);
    assert_eq!(client.initialize_result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        client.initialize_result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental"
    );
    assert_eq!(client.shutdown(), 0);

    let client = TestClient::start(json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } }), None);
    assert_eq!(client.initialize_result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_workspace_folder_is_checked_at_once_and_its_diagnostics_are_complete() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    let published = client.diagnostics_of_files(2);
    let (main, team) = (&published[0].1, &published[1].1);
    assert_eq!(codes(main), Vec::<String>::new());
    assert_eq!(codes(team), ["E0101"]);
    let e0101 = &team.diagnostics[0];
    assert_eq!(e0101.source.as_deref(), Some("crmpol"));
    assert_eq!(e0101.severity, Some(lsp::DiagnosticSeverity::ERROR));
    let href = e0101
        .code_description
        .as_ref()
        .map(|description| description.href.as_str());
    assert!(
        href.is_some_and(|href| href.ends_with("diagnostics.md#e0101")),
        "{href:?}"
    );
    let related = e0101.related_information.as_deref().unwrap_or_default();
    assert!(
        related
            .iter()
            .any(|info| info.location.uri == uri(&dir.path().join("main.crmpol"))),
        "the other file is named: {related:?}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn an_unsaved_edit_in_one_file_clears_an_error_reported_in_another() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    client.diagnostics_of_files(2);
    let main = uri(&dir.path().join("main.crmpol"));
    client.open(&main, MAIN);
    client.diagnostics_of_files(2);
    // Looking the account up again makes appending possible: E0101 goes,
    // though the file that showed it was not touched.
    let edited = MAIN.replace("    skip account lookup: yes\n", "");
    client.change_all(&main, 2, &edited);
    let published = client.diagnostics_of_files(2);
    assert_eq!(published[0].1.version, Some(2), "the open file's version");
    assert_eq!(
        codes(&published[1].1),
        Vec::<String>::new(),
        "cleared in teams/support.crmpol"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.crmpol")).ok().as_deref(),
        Some(MAIN),
        "nothing written"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_file_deleted_on_disk_loses_its_diagnostics() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::start(
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
        Some(dir.path()),
    );
    client.diagnostics_of_files(2);
    assert_eq!(client.server_requests.len(), 1, "the server asks to watch policy files");
    assert_eq!(client.server_requests[0].method, "client/registerCapability");
    let team = dir.path().join("teams/support.crmpol");
    std::fs::remove_file(&team).expect("delete");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&team), "type": 3 }] }),
    );
    let published = client.diagnostics_of_files(2);
    assert_eq!(published[0].0, "main.crmpol");
    assert_eq!(published[1].0, "support.crmpol");
    assert!(
        published[1].1.diagnostics.is_empty(),
        "the deleted file's list is emptied"
    );

    let created = dir.path().join("new.crmpol");
    std::fs::write(&created, "queue \"Support\" {\n    skip acount creation: yes\n}\n").expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&created), "type": 1 }] }),
    );
    let published = client.diagnostics_of_files(2);
    assert_eq!(codes(&published[1].1), ["E0002"], "{:?}", published[1]);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn ranges_count_utf16_units_around_emoji_cjk_and_combining_marks() {
    let text = "crm: zendesk\nqueue \"🎉日e\u{301}\" {\n    skip  acount creation: yes # 🎉\n}\n";
    let dir = folder(&[("p.crmpol", text)]);
    let mut client = TestClient::plain(Some(dir.path()));
    let published = client.diagnostics();
    let range = published.diagnostics[0].range;
    assert_eq!((range.start.line, range.start.character), (2, 4));
    assert_eq!(range.end.character, 4 + "skip  acount creation".len() as u32);
    // Position past the end of a line and of the file: answered, no crash.
    let p = uri(&dir.path().join("p.crmpol"));
    let past = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": p }, "position": { "line": 1, "character": 999 } }),
    );
    assert!(past.error.is_none());
    let beyond = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": p }, "position": { "line": 99, "character": 0 } }),
    );
    assert!(beyond.error.is_none());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn incremental_changes_and_a_request_during_a_burst_answer_for_the_latest_text() {
    let mut client = TestClient::plain(None);
    let p = lsp::Url::parse("untitled:Untitled-1").expect("uri");
    client.open(&p, "crm: zendesk\nqueue \"A\" {\n}\n");
    assert_eq!(client.diagnostics().version, Some(1));
    // Type `records: option 2` into the block one character at a time.
    let typed = "    records: option 2\n";
    for (index, c) in typed.chars().enumerate() {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": p, "version": 2 + index },
                "contentChanges": [{
                    "range": { "start": { "line": 2, "character": index }, "end": { "line": 2, "character": index } },
                    "text": c.to_string()
                }]
            }),
        );
    }
    let hover = client.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": p }, "position": { "line": 2, "character": 6 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("**`records`**"), "answered for the last text: {text}");
    // Diagnostics come once the burst is handled, for the last version,
    // never for an older one after a newer.
    let mut last_version = 0;
    loop {
        let params = client.diagnostics();
        let version = params.version.unwrap_or_default();
        assert!(version >= last_version, "stale diagnostics published after newer ones");
        last_version = version;
        if version == 1 + typed.len() as i32 {
            assert_eq!(codes(&params), ["E0103"], "option 2 is not offered here");
            break;
        }
    }
    assert_eq!(last_version, 1 + typed.len() as i32);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_explains_where_a_value_comes_from() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    client.diagnostics_of_files(2);
    let main = uri(&dir.path().join("main.crmpol"));
    let hover = client.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": main }, "position": position_utf16(MAIN, "skip account creation", 2) }),
    );
    insta::assert_snapshot!(
        "hover_on_a_setting",
        hover["contents"]["value"].as_str().unwrap_or_default()
    );
    let on_queue = client.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": main }, "position": position_utf16(MAIN, "Support", 1) }),
    );
    insta::assert_snapshot!(
        "hover_on_a_leaf_queue",
        on_queue["contents"]["value"].as_str().unwrap_or_default()
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn definition_and_references_follow_queues_and_overrides() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    client.diagnostics_of_files(2);
    let team = uri(&dir.path().join("teams/support.crmpol"));
    let openings = client.result(
        "textDocument/definition",
        json!({ "textDocument": { "uri": team }, "position": position_utf16(TEAM, "Support", 0) }),
    );
    let files: Vec<&str> = openings
        .as_array()
        .map(|locations| locations.iter().filter_map(|l| l["uri"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(files.len(), 2, "{openings}");
    assert!(files[0].ends_with("main.crmpol") && files[1].ends_with("support.crmpol"));

    let text = "crm: zendesk\ndefaults {\n    records: option 1\n}\nqueue \"A\" {\n    records: option 1\n}\n";
    let p = lsp::Url::parse("untitled:overrides").expect("uri");
    client.open(&p, text);
    client.diagnostics();
    let overridden = client.result(
        "textDocument/definition",
        json!({ "textDocument": { "uri": p }, "position": { "line": 5, "character": 6 } }),
    );
    assert_eq!(
        overridden[0]["range"]["start"]["line"], 2,
        "the queue's statement overrides defaults: {overridden}"
    );
    let overriders = client.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": p }, "position": { "line": 2, "character": 6 }, "context": { "includeDeclaration": false } }),
    );
    assert_eq!(overriders[0]["range"]["start"]["line"], 5, "{overriders}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn symbols_show_the_queue_tree_and_find_queues_across_files() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    client.diagnostics_of_files(2);
    let main = uri(&dir.path().join("main.crmpol"));
    let outline = client.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main } }),
    );
    insta::assert_json_snapshot!("document_symbols", outline);
    let found = client.result("workspace/symbol", json!({ "query": "supp" }));
    assert_eq!(found.as_array().map(Vec::len), Some(2), "opened in both files: {found}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn completion_offers_what_is_valid_at_the_cursor() {
    let mut client = TestClient::plain(None);
    let p = lsp::Url::parse("untitled:complete").expect("uri");
    let text = "crm: zendesk\nqueue \"Support\" {\n    call {\n        \n    }\n}\nqueue \"\n";
    client.open(&p, text);
    client.diagnostics();
    let labels = |result: &Value| -> Vec<String> {
        result
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item["label"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let in_call = client.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": p }, "position": { "line": 3, "character": 8 } }),
    );
    let call_settings: Vec<String> = crmpol::settings::applying_to(crmpol::vocabulary::Channel::Call)
        .map(|key| key.name().to_owned())
        .collect();
    assert_eq!(
        labels(&in_call),
        call_settings,
        "the call settings only in a call block: {in_call}"
    );
    assert!(
        in_call[0]["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("built-in default")
    );
    let queue_names = client.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": p }, "position": { "line": 6, "character": 7 } }),
    );
    assert_eq!(labels(&queue_names), ["Support"]);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn code_actions_prefer_only_safe_fixes_and_offer_fix_all() {
    let mut client = TestClient::plain(None);
    let p = lsp::Url::parse("untitled:fixes").expect("uri");
    let text = "crm: zendesk\nqueue \"A\" {\n    skip acount creation: yes\n    skip account lookup: yes\n    append to latest open record: yes\n}\n";
    client.open(&p, text);
    client.diagnostics();
    let everything = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 6, "character": 0 } });
    let actions = client.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": p }, "range": everything, "context": { "diagnostics": [] } }),
    );
    let summary: Vec<(String, String, bool)> = actions
        .as_array()
        .map(|actions| {
            actions
                .iter()
                .map(|action| {
                    (
                        action["kind"].as_str().unwrap_or_default().to_owned(),
                        action["title"].as_str().unwrap_or_default().to_owned(),
                        action["isPreferred"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    insta::assert_debug_snapshot!("code_actions", summary);
    let only_fix_all = client.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": p }, "range": everything, "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    assert_eq!(only_fix_all.as_array().map(Vec::len), Some(1));
    let edits = &only_fix_all[0]["edit"]["changes"][p.as_str()];
    assert_eq!(edits[0]["newText"], "    skip account creation: yes\n", "{edits}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_client_that_resolves_actions_gets_fix_all_edits_on_request() {
    let capabilities = json!({ "textDocument": { "codeAction": { "resolveSupport": { "properties": ["edit"] } } } });
    let mut client = TestClient::start(capabilities, None);
    let p = lsp::Url::parse("untitled:resolve").expect("uri");
    client.open(&p, "crm: zendesk\nqueue \"A\" {\n    skip acount creation: yes\n}\n");
    client.diagnostics();
    let nowhere = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let actions = client.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": p }, "range": nowhere, "context": { "diagnostics": [], "only": ["source"] } }),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    assert!(actions[0].get("edit").is_none(), "edits come on request: {actions}");
    let resolved = client.result("codeAction/resolve", actions[0].clone());
    let edits = &resolved["edit"]["changes"][p.as_str()];
    assert_eq!(edits[0]["newText"], "    skip account creation: yes\n", "{resolved}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn formatting_gives_minimal_edits_and_refuses_syntax_errors() {
    let mut client = TestClient::plain(None);
    let p = lsp::Url::parse("untitled:format").expect("uri");
    client.open(&p, "crm: zendesk\n\nqueue \"A\" {\n  records: option 1\n}\n");
    client.diagnostics();
    let edits = client.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": p }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(
        edits,
        json!([{ "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 4, "character": 0 } }, "newText": "    records: option 1\n" }])
    );
    client.change_all(&p, 2, "crm: zendesk\nqueue A {\n");
    client.diagnostics();
    let refused = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": p }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let message = refused.error.map(|error| error.message).unwrap_or_default();
    assert!(message.contains("syntax error"), "{message}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn inlay_hints_show_what_a_leaf_inherits() {
    let dir = folder(&[("main.crmpol", MAIN), ("teams/support.crmpol", TEAM)]);
    let mut client = TestClient::plain(Some(dir.path()));
    client.diagnostics_of_files(2);
    let team = uri(&dir.path().join("teams/support.crmpol"));
    let hints = client.result(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": team }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } } }),
    );
    assert_eq!(
        hints[0]["label"], "inherits skip account creation: yes, skip account lookup: yes",
        "what main.crmpol sets for the same queue: {hints}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn bad_requests_get_errors_and_the_server_goes_on() {
    let mut client = TestClient::plain(None);
    let unknown = client.request("textDocument/unknownThing", json!({}));
    assert_eq!(
        unknown.error.map(|error| error.code),
        Some(lsp_server::ErrorCode::MethodNotFound as i32)
    );
    let invalid = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(
        invalid.error.map(|error| error.code),
        Some(lsp_server::ErrorCode::InvalidParams as i32)
    );
    let elsewhere = client.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///not/in/any/set.crmpol" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(elsewhere, Value::Null, "a file outside every set gets no answer");
    client.notify("textDocument/didChange", json!({ "garbage": 1 }));
    client.notify("$/unknownNotification", json!(null));
    let symbols = client.result("workspace/symbol", json!({ "query": "" }));
    assert_eq!(symbols, json!([]), "still serving");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_status_one() {
    let client = TestClient::plain(None);
    assert_eq!(client.exit(), 1);
}

#[test]
fn closing_a_lone_file_clears_its_diagnostics() {
    let mut client = TestClient::plain(None);
    let p = lsp::Url::parse("untitled:lone").expect("uri");
    client.open(&p, "queue \"A\"\n");
    assert_eq!(codes(&client.diagnostics()), ["E0004"]);
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": p } }));
    let cleared = client.diagnostics();
    assert_eq!(cleared.uri, p);
    assert!(cleared.diagnostics.is_empty());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn with_a_catalog_queue_names_complete_from_it_and_e0301_offers_the_closest_path() {
    let menus = r#"[
  {"id": 1, "name": "Support"},
  {"id": 2, "name": "Billing", "parent_id": 1},
  {"id": 3, "name": "Technical", "parent_id": 1},
  {"id": 4, "name": "Sales", "menu_type": "ivr_menu"},
  {"id": 5, "name": 7}
]"#;
    let main = "crm: zendesk\ncatalog: \"menus.json\"\n\nqueue \"Support\" {\n    queue \"Biling\"\n}\n";
    let dir = folder(&[("main.crmpol", main), ("menus.json", menus)]);
    let mut client = TestClient::plain(Some(dir.path()));
    let published = client.diagnostics_of_files(2);
    assert_eq!(published[0].0, "main.crmpol");
    assert_eq!(
        codes(&published[0].1),
        Vec::<String>::new(),
        "unusable catalog: checked without it"
    );
    assert_eq!(
        published[1].0, "menus.json",
        "the catalog's problems show in the catalog"
    );
    assert_eq!(codes(&published[1].1), ["E0302"]);
    assert_eq!(published[1].1.diagnostics[0].range.start.line, 5);

    // A fixed export is read again when the client says it changed.
    let fixed = menus.replace(
        r#",
  {"id": 5, "name": 7}"#,
        "",
    );
    std::fs::write(dir.path().join("menus.json"), fixed).expect("write the catalog");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&dir.path().join("menus.json")), "type": 2 }] }),
    );
    let published = client.diagnostics_of_files(2);
    assert_eq!(codes(&published[0].1), ["E0301"]);
    assert_eq!(codes(&published[1].1), Vec::<String>::new(), "the catalog is clean now");

    let main_uri = uri(&dir.path().join("main.crmpol"));
    let e0301 = &published[0].1.diagnostics[0];
    let actions = client.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": main_uri }, "range": e0301.range,
                "context": { "diagnostics": [serde_json::to_value(e0301).expect("diagnostic")] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .map(|actions| actions.iter().filter_map(|action| action["title"].as_str()).collect())
        .unwrap_or_default();
    assert!(titles.iter().any(|title| title.contains("\"Billing\"")), "{titles:?}");

    let typing = "crm: zendesk\ncatalog: \"menus.json\"\n\nqueue \"Support\" {\n    queue \"\n}\n";
    client.change_all(&main_uri, 2, typing);
    client.diagnostics_of_files(2);
    let completed = client.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": main_uri }, "position": { "line": 4, "character": 11 } }),
    );
    let labels: Vec<&str> = completed
        .as_array()
        .map(|items| items.iter().filter_map(|item| item["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["Billing", "Technical"], "{completed}");
    assert_eq!(completed[0]["detail"], "catalog leaf queue, not in the policy yet");
    assert_eq!(client.shutdown(), 0);
}
