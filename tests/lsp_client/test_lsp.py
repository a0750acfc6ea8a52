"""`crmpol lsp` as VS Code and Neovim see it: each test runs once per
recorded client profile (see conftest.py), against the release binary, in
a workspace folder of its own.

Positions are computed from the texts in the encoding the server chose for
the profile (UTF-8 for Neovim, UTF-16 for VS Code); some texts hold
non-ASCII names so that a wrong column count shows.
"""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from conftest import TIMEOUT, CrmpolClient

DOCS = "https://github.com/crmpol/crmpol/blob/main/docs/diagnostics.md#"

# One policy set in two files: main.crmpol declares the CRM and skips the
# lookup for "Support"; the team's file makes the same queue append to the
# latest open record, which needs a lookup (E0101, reported in the team's
# file, pointing at main.crmpol).
MAIN = 'crm: zendesk\n\nqueue "Support" {\n    skip account creation: yes\n    skip account lookup: yes\n}\n'
TEAM = 'queue "Support" {\n    append to latest open record: yes\n}\n'

# A misspelt setting (E0002) in a queue with a non-ASCII name.
MISSPELT = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n    skip acount creation: yes\n}\n'

SETTINGS = [
    "map session data to",
    "skip account creation",
    "skip record creation",
    "skip account lookup",
    "append to latest open record",
    "records",
    "append to closed records within",
    "delay call record creation until connected",
    "delay chat record creation until consumer messages",
    "create records for abandoned sessions",
    "push session data to account",
]

LSP_REQUEST_FAILED = -32803
LSP_INVALID_REQUEST = -32600


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def codes(published) -> list[str]:
    return [d.code for d in published.diagnostics]


def apply_edits(text: str, edits: list[types.TextEdit], client: CrmpolClient) -> str:
    """The text after `edits` (non-overlapping), applied from the last."""

    def index(position: types.Position) -> int:
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        # Walk the line until the column, counted in the negotiated unit.
        for i in range(len(line) + 1):
            if client.columns(line[:i]) >= position.character:
                return start + i
        return start + len(line)

    spans = sorted(((index(e.range.start), index(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


# --- initialize -----------------------------------------------------------


async def test_initialize_negotiates_with_the_profile(client: CrmpolClient):
    result = await client.start_workspace({"main.crmpol": MAIN})
    capabilities = result.capabilities
    assert result.server_info is not None and result.server_info.name == "crmpol"
    # Neovim offers UTF-8 and gets it; VS Code 1.65 offers nothing: UTF-16.
    expected = {"neovim": "utf-8", "visual_studio_code": "utf-16"}[client.profile]
    assert capabilities.position_encoding == expected
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close is True
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert capabilities.hover_provider is True
    assert capabilities.definition_provider is True
    assert capabilities.document_formatting_provider is True
    assert list(capabilities.code_action_provider.code_action_kinds) == ["quickfix", "source.fixAll.crmpol"]
    # The folder is checked at once, before any file is opened.
    published = await client.diagnostics_for(client.uri("main.crmpol"))
    assert published.diagnostics == [] and published.version is None
    # Only VS Code lets a server register a file watcher dynamically. The
    # server asks right after `initialize`, before it publishes anything,
    # so the request has come by now.
    if client.profile == "visual_studio_code":
        assert [(r.method, r.register_options) for r in client.registrations] == [
            (
                "workspace/didChangeWatchedFiles",
                {"watchers": [{"globPattern": "**/*.crmpol"}, {"globPattern": "**/*.json"}]},
            )
        ]
    else:
        assert client.registrations == []


# --- diagnostics ----------------------------------------------------------


async def test_diagnostics_on_open(client: CrmpolClient):
    # An invalid value after non-ASCII text on its line: the range's end
    # column differs between UTF-8 and UTF-16.
    text = MISSPELT.replace("}\n", "    records: öption 2 # 🎉\n}\n")
    await client.start_workspace({"main.crmpol": text})
    on_disk = await client.diagnostics_for(client.uri("main.crmpol"))
    mark = client.mark()
    uri = client.open("main.crmpol")
    published = await client.diagnostics_for(uri, after=mark, version=1)
    assert codes(published) == ["E0002", "E0003"]
    assert [d.range for d in on_disk.diagnostics] == [d.range for d in published.diagnostics]

    misspelt, invalid = published.diagnostics
    assert misspelt.source == "crmpol"
    assert misspelt.severity == types.DiagnosticSeverity.Error
    assert misspelt.range == client.range_of(text, "skip acount creation")
    assert misspelt.message.startswith("unknown setting `skip acount creation`")
    assert "did you mean `skip account creation`?" in misspelt.message
    assert misspelt.code_description is not None
    assert misspelt.code_description.href == DOCS + "e0002"

    assert invalid.range == client.range_of(text, "öption 2")
    assert invalid.message.startswith("invalid value `öption 2` for `records`")
    assert invalid.code_description.href == DOCS + "e0003"


async def test_diagnostics_across_files_name_the_other_file(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MAIN, "teams/support.crmpol": TEAM})
    team = await client.diagnostics_for(client.uri("teams/support.crmpol"))
    main = await client.diagnostics_for(client.uri("main.crmpol"))
    assert codes(main) == []
    assert codes(team) == ["E0101"]
    e0101 = team.diagnostics[0]
    assert e0101.range == client.range_of(TEAM, "append to latest open record: yes")
    assert e0101.code_description.href == DOCS + "e0101"
    assert [(r.location.uri, r.location.range, r.message) for r in e0101.related_information] == [
        (client.uri("main.crmpol"), client.range_of(MAIN, "skip account lookup: yes"), "account lookup skipped here")
    ]

    # An unsaved edit of main.crmpol clears the error shown in the other file.
    uri = client.open("main.crmpol")
    mark = client.mark()
    client.replace_range(uri, "    skip account lookup: yes\n", "")
    edited = await client.diagnostics_for(uri, after=mark, version=2)
    assert codes(edited) == []
    cleared = await client.diagnostics_for(client.uri("teams/support.crmpol"), after=mark)
    assert codes(cleared) == []
    assert (client.root / "main.crmpol").read_text() == MAIN, "nothing written to disk"


async def test_diagnostics_after_an_edit_that_fixes_and_one_that_breaks(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MISSPELT})
    uri = client.open("main.crmpol")
    assert codes(await client.diagnostics_for(uri, version=1)) == ["E0002"]

    # Fix the spelling with an incremental change, as an editor sends it.
    mark = client.mark()
    version = client.replace_range(uri, "acount", "account")
    assert version == 2
    fixed = await client.diagnostics_for(uri, after=mark, version=2)
    assert fixed.diagnostics == []

    # Break it: a value the portal does not offer here (E0103), and a
    # block left open, sent as whole texts.
    mark = client.mark()
    not_offered = client.texts[uri].replace("}\n", "    records: option 3\n}\n")
    client.replace_all(uri, not_offered)
    broken = await client.diagnostics_for(uri, after=mark, version=3)
    assert codes(broken) == ["E0103"]
    assert broken.diagnostics[0].range == client.range_of(not_offered, "records: option 3")
    assert "not offered here" in broken.diagnostics[0].message

    mark = client.mark()
    unclosed = not_offered.replace("}\n", "")
    client.replace_all(uri, unclosed)
    syntax = await client.diagnostics_for(uri, after=mark, version=4)
    first = syntax.diagnostics[0]
    assert first.code == "E0001"
    assert first.message.startswith("unclosed `{` of a `queue`")
    assert first.range == client.range_of(unclosed, "{")



async def test_closing_an_edited_file_goes_back_to_its_text_on_disk(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MISSPELT})
    uri = client.open("main.crmpol")
    assert codes(await client.diagnostics_for(uri, version=1)) == ["E0002"]
    mark = client.mark()
    client.replace_range(uri, "acount", "account")
    assert (await client.diagnostics_for(uri, after=mark, version=2)).diagnostics == []
    # Closed without saving: the file on disk still has the misspelling.
    mark = client.mark()
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(uri)))
    reverted = await client.diagnostics_for(uri, after=mark)
    assert reverted.version is None
    assert codes(reverted) == ["E0002"]


async def test_typing_a_non_ascii_name_one_character_at_a_time(client: CrmpolClient):
    # Each keystroke an incremental change at the cursor, its column in the
    # negotiated unit: an emoji is 4 UTF-8 bytes but 2 UTF-16 units.
    text = 'crm: zendesk\n\nqueue "" {\n    skip account creation: yes\n}\n'
    await client.start_workspace({})
    uri = client.open("typed.crmpol", text)
    await client.diagnostics_for(uri, version=1)
    name = "Süd 🎉 Ω"
    mark = client.mark()
    cursor = text.index('""') + 1
    for character in name:
        typed = client.texts[uri]
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=client.position_of(typed, cursor), end=client.position_of(typed, cursor)),
            text=character,
        )
        client.versions[uri] += 1
        client.texts[uri] = typed[:cursor] + character + typed[cursor:]
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=client.versions[uri]),
                content_changes=[change],
            )
        )
        cursor += 1
    final = client.texts[uri]
    assert f'queue "{name}" {{' in final
    published = await client.diagnostics_for(uri, after=mark, version=1 + len(name))
    assert published.diagnostics == []
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    assert [(s.name, s.selection_range) for s in symbols if s.kind == types.SymbolKind.Module] == [
        (name, client.range_of(final, f'"{name}"'))
    ]

# --- hover ----------------------------------------------------------------


async def test_hover_on_a_setting_says_where_its_value_comes_from(client: CrmpolClient):
    text = 'crm: zendesk\n\ndefaults {\n    skip account creation: yes\n}\n\nqueue "Support" {\n    skip account creation: no\n}\n'
    await client.start_workspace({"main.crmpol": text})
    uri = client.open("main.crmpol")
    await client.diagnostics_for(uri, version=1)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=client.at(text, "skip account creation", 5, nth=1))
    )
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    value = hover.contents.value
    assert value.startswith("**`skip account creation`**: `yes`: when the caller has no CRM account")
    assert "Built-in default: `no`." in value
    assert "`no` here decides **2 of 2** leaf/channel entries under it:\n- Support (call)\n- Support (chat)" in value
    # The queue's `no` overrides what `defaults` says, at main.crmpol:4.
    assert value.endswith("This overrides:\n- `yes` at `defaults`, main.crmpol:4"), value
    assert hover.range == client.range_of(text, "skip account creation", nth=1)

    in_defaults = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=client.at(text, "skip account creation", 0))
    )
    value = in_defaults.contents.value
    # `defaults` decides nothing: the only queue overrides it.
    assert "`yes` here decides **0 of 2** leaf/channel entries under it." in value
    assert "Overridden for 2 entries by:\n- `no` at Support, main.crmpol:8" in value
    assert value.endswith("This overrides the built-in default."), value
    assert in_defaults.range == client.range_of(text, "skip account creation")


async def test_hover_on_a_queue_name_shows_each_setting_and_its_origin(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MAIN, "teams/support.crmpol": TEAM})
    uri = client.open("teams/support.crmpol")
    await client.diagnostics_for(uri, version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=client.at(TEAM, "Support", 3))
    )
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    value = hover.contents.value
    assert value.startswith("**Support** (leaf queue)\n\nOpened in 2 places.")
    rows = {line.split(" | ")[0].lstrip("| "): line for line in value.splitlines() if line.startswith("| ")}
    assert rows["skip account creation"].count("`yes` (Support, main.crmpol:4)") == 2, rows
    assert rows["skip account lookup"].count("`yes` (Support, main.crmpol:5)") == 2, rows
    assert rows["append to latest open record"].count("`yes` (Support, teams/support.crmpol:2)") == 2, rows
    assert rows["records"].count("`option 1` (built-in default)") == 2, rows
    assert hover.range == client.range_of(TEAM, '"Support"')


# --- completion -----------------------------------------------------------


def labels(result) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else result
    return [item.label for item in items or []]


async def test_completion_offers_setting_names_inside_a_queue_block(client: CrmpolClient):
    text = 'crm: zendesk\n\nqueue "Support" {\n    skip acc\n}\n'
    await client.start_workspace({})
    uri = client.open("new.crmpol", text)
    await client.diagnostics_for(uri, version=1)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=doc(uri),
            position=client.at(text, "skip acc", len("skip acc")),
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
        )
    )
    assert labels(result) == SETTINGS + ["call", "chat", "queue"]
    by_label = {item.label: item for item in result}
    creation = by_label["skip account creation"]
    assert creation.kind == types.CompletionItemKind.Property
    assert creation.detail == "built-in default: no"
    # The typed word is replaced, whatever the client's column unit.
    assert creation.text_edit.range == client.range_of(text, "skip acc")
    assert creation.text_edit.new_text == "skip account creation: "
    assert apply_edits(text, [creation.text_edit], client) == text.replace("skip acc", "skip account creation: ")


async def test_completion_offers_values_after_records(client: CrmpolClient):
    text = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n    records: \n}\n'
    await client.start_workspace({})
    uri = client.open("new.crmpol", text)
    await client.diagnostics_for(uri, version=1)
    cursor = client.at(text, "records: ", len("records: "))
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=doc(uri),
            position=cursor,
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=" "),
        )
    )
    assert labels(result) == ["option 1", "option 2", "option 3"]
    first = result[0]
    assert first.kind == types.CompletionItemKind.Value
    assert first.detail == "the built-in default"
    assert first.text_edit.range == types.Range(start=cursor, end=cursor)
    assert first.text_edit.new_text == "option 1"


# --- go to definition -----------------------------------------------------


async def test_definition_of_a_queue_opened_in_two_files(client: CrmpolClient):
    # A non-ASCII name: the ranges' end columns differ between encodings.
    main = MAIN.replace("Support", "Kundendienst Süd")
    team = TEAM.replace("Support", "Kundendienst Süd")
    await client.start_workspace({"main.crmpol": main, "teams/süd.crmpol": team})
    uri = client.open("teams/süd.crmpol")
    await client.diagnostics_for(uri, version=1)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=client.at(team, "Süd", 2))
    )
    assert isinstance(result, list)
    assert [(location.uri, location.range) for location in result] == [
        (client.uri("main.crmpol"), client.range_of(main, '"Kundendienst Süd"')),
        (uri, client.range_of(team, '"Kundendienst Süd"')),
    ]
    assert "s%C3%BCd.crmpol" in uri


# --- code actions ---------------------------------------------------------


async def test_a_misspelt_setting_gets_a_preferred_quick_fix(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MISSPELT})
    uri = client.open("main.crmpol")
    published = await client.diagnostics_for(uri, version=1)
    # Asked as an editor asks at the cursor: the range and its diagnostics.
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=published.diagnostics[0].range,
            context=types.CodeActionContext(
                diagnostics=published.diagnostics, trigger_kind=types.CodeActionTriggerKind.Invoked
            ),
        )
    )
    assert result is not None
    preferred = [a for a in result if isinstance(a, types.CodeAction) and a.is_preferred]
    assert [(a.kind, a.title) for a in preferred] == [("quickfix", "E0002: write `skip account creation`")]
    fix = preferred[0]
    assert [d.code for d in fix.diagnostics] == ["E0002"]
    assert list(fix.edit.changes) == [uri]
    assert [(e.range, e.new_text) for e in fix.edit.changes[uri]] == [
        (client.range_of(MISSPELT, "skip acount creation"), "skip account creation")
    ]
    assert "source.fixAll.crmpol" in [a.kind for a in result]

    # Applying the fix, as the editor would, leaves nothing to report.
    fixed = apply_edits(MISSPELT, fix.edit.changes[uri], client)
    assert fixed == MISSPELT.replace("acount", "account")
    mark = client.mark()
    client.replace_all(uri, fixed)
    assert (await client.diagnostics_for(uri, after=mark, version=2)).diagnostics == []


async def test_source_fix_all_is_offered_alone_when_asked_for(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MISSPELT})
    uri = client.open("main.crmpol")
    await client.diagnostics_for(uri, version=1)
    # What VS Code sends on save with "source.fixAll" in codeActionsOnSave.
    everything = types.Range(start=types.Position(line=0, character=0), end=client.position_of(MISSPELT, len(MISSPELT)))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=everything,
            context=types.CodeActionContext(
                diagnostics=[], only=["source.fixAll"], trigger_kind=types.CodeActionTriggerKind.Automatic
            ),
        )
    )
    assert [(a.kind, a.title) for a in result] == [("source.fixAll.crmpol", "Fix all safe problems in this file")]
    # Both profiles resolve code actions, so the edits (a whole --fix run)
    # come when the action is resolved, as the editor does on applying it.
    assert result[0].edit is None
    action = await client.code_action_resolve_async(result[0])
    assert apply_edits(MISSPELT, action.edit.changes[uri], client) == MISSPELT.replace("acount", "account")


# --- formatting -----------------------------------------------------------

FORMATTING = types.FormattingOptions(tab_size=4, insert_spaces=True)


async def test_formatting_a_badly_indented_file_gives_edits(client: CrmpolClient):
    text = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n  records: option 1\n        skip account creation: yes\n}\n'
    # Four spaces a level; the settings in the table's order, `records` last.
    canonical = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n    skip account creation: yes\n    records: option 1\n}\n'
    await client.start_workspace({"main.crmpol": text})
    uri = client.open("main.crmpol")
    await client.diagnostics_for(uri, version=1)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(uri), options=FORMATTING)
    )
    assert edits, "a badly indented file gets edits"
    assert apply_edits(text, edits, client) == canonical
    # Nothing but the two indented lines is touched.
    assert {edit.range.start.line for edit in edits} <= {3, 4}

    mark = client.mark()
    client.replace_all(uri, canonical)
    await client.diagnostics_for(uri, after=mark, version=2)
    again = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(uri), options=FORMATTING)
    )
    assert list(again) == []


async def test_formatting_a_file_with_syntax_errors_is_an_error_response(client: CrmpolClient):
    text = 'crm: zendesk\nqueue Support {\n'
    await client.start_workspace({"broken.crmpol": text})
    uri = client.open("broken.crmpol")
    await client.diagnostics_for(uri, version=1)
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc(uri), options=FORMATTING)
        )
    assert refused.value.code == LSP_REQUEST_FAILED
    assert "syntax error" in refused.value.message
    assert "broken.crmpol" in refused.value.message
    # The server goes on answering.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(line=0, character=1))
    )
    assert hover is not None


# --- file watching (VS Code registers a watcher) --------------------------


async def test_a_file_created_on_disk_is_checked_once_the_watcher_reports_it(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MAIN})
    await client.diagnostics_for(client.uri("main.crmpol"))
    if client.profile != "visual_studio_code":
        assert client.registrations == []
        pytest.skip("this profile does not let the server register a file watcher")
    (client.root / "teams").mkdir()
    (client.root / "teams" / "support.crmpol").write_text(TEAM)
    mark = client.mark()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=client.uri("teams/support.crmpol"), type=types.FileChangeType.Created)]
        )
    )
    published = await client.diagnostics_for(client.uri("teams/support.crmpol"), after=mark)
    assert codes(published) == ["E0101"]


# --- shutdown and exit ----------------------------------------------------


async def test_shutdown_then_exit_ends_the_server_with_status_zero(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MAIN})
    await client.diagnostics_for(client.uri("main.crmpol"))
    assert await asyncio.wait_for(client.shutdown_async(None), TIMEOUT) is None
    # After shutdown, requests are refused (LSP: InvalidRequest).
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_hover_async(
            types.HoverParams(text_document=doc(client.uri("main.crmpol")), position=types.Position(line=0, character=0))
        )
    assert refused.value.code == LSP_INVALID_REQUEST
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), TIMEOUT) == 0


async def test_exit_without_shutdown_ends_the_server_with_status_one(client: CrmpolClient):
    await client.start_workspace({"main.crmpol": MAIN})
    await client.diagnostics_for(client.uri("main.crmpol"))
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), TIMEOUT) == 1
