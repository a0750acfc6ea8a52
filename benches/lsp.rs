//! How fast `crmpol lsp` answers an editor, driven in process.
//!
//! Generates a workspace folder of 10 policy files (one with `crm:` and
//! `defaults`, nine departments of teams and leaf queues) at two sizes,
//! 10,000 and 100,000 lines, starts the server on an in-memory connection,
//! opens one department file, and measures:
//!
//! - edit → diagnostics: 100 single-character edits (a letter typed into a
//!   setting's value, then removed), each timed from sending `didChange` to
//!   receiving the diagnostics of all ten files for that version;
//! - hover, completion and definition: 100 requests each on setting
//!   names, values and queue names;
//! - memory, as multiples of the text's size: the bytes the server holds
//!   after the edits (`live`), the most it held at once (`peak`, while a
//!   new analysis is made beside the last), and the growth of the process's
//!   resident set (`rss`), which also counts memory the allocator keeps
//!   for reuse.
//!
//! Reports the median and 95th percentile of each.
//!
//! ```text
//! cargo bench --bench lsp                  # both sizes
//! cargo bench --bench lsp -- 10000         # one size, in lines
//! ```

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::alloc::{GlobalAlloc, Layout};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The allocator of the `crmpol` binary, so the figures are the binary's,
/// counting the bytes in use.
#[global_allocator]
static ALLOCATOR: Counting = Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every call is passed on to mimalloc unchanged; only the counters
// are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract is mimalloc's.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above, with this layout.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: as for `dealloc` and `alloc`.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

const FILES: usize = 10;
const EDITS: usize = 100;
const REQUESTS: usize = 100;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .filter_map(|arg| arg.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000] } else { sizes };
    println!("crmpol lsp benchmark: {FILES} files, {EDITS} edits, {REQUESTS} requests per kind\n");
    println!(
        "{:>8} {:>7} {:>9} | {:>15} | {:>15} | {:>15} | {:>15} | {:>14}",
        "lines",
        "leaves",
        "text",
        "edit→diag p50/95",
        "hover p50/p95",
        "complete p50/95",
        "defn p50/p95",
        "live/peak/rss"
    );
    for lines in sizes {
        measure(lines);
    }
}

fn measure(lines: usize) {
    let files = generate(lines);
    let text_bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let leaves: usize = files.iter().map(|(_, text)| text.matches("queue \"Tier").count()).sum();
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("a policy file");
    }
    let rss_before = resident_bytes();
    let live_before = LIVE.load(Ordering::Relaxed);
    PEAK.store(live_before, Ordering::Relaxed);
    let mut client = Client::start(dir.path());
    client.wait_for_publications(FILES, None);

    let (edited_name, edited_text) = &files[1];
    let uri = lsp_types::Url::from_file_path(dir.path().join(edited_name)).expect("uri");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "crmpol", "version": 1, "text": edited_text } }),
    );
    client.wait_for_publications(FILES, Some(1));

    // Type a letter after a `yes`, then take it back: the error comes and goes.
    let value_positions = positions_of(edited_text, ": no");
    let mut edit_times = Vec::new();
    for edit in 0..EDITS {
        let (line, character) = value_positions[(edit / 2) % value_positions.len()];
        let character = character + ": no".len();
        let (range, text) = if edit % 2 == 0 {
            (range(line, character, line, character), "x")
        } else {
            (range(line, character, line, character + 1), "")
        };
        let version = 2 + edit as i32;
        let start = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": text }] }),
        );
        client.wait_for_publications(FILES, Some(version));
        edit_times.push(start.elapsed());
    }

    let names = positions_of(edited_text, "queue \"");
    let settings = positions_of(edited_text, "append to");
    let at = |positions: &[(usize, usize)], index: usize, delta: usize| {
        let (line, character) = positions[(index * 7) % positions.len()];
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character + delta } })
    };
    let hover_times = client.time_requests("textDocument/hover", |i| at(&settings, i, 3));
    let completion_times = client.time_requests("textDocument/completion", |i| {
        let (line, character) = value_positions[(i * 7) % value_positions.len()];
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character + 2 } })
    });
    let definition_times = client.time_requests("textDocument/definition", |i| at(&names, i, 8));
    // Give the dropping threads a moment to free the last analyses.
    std::thread::sleep(Duration::from_millis(200));
    let rss_after = resident_bytes();
    let live = LIVE.load(Ordering::Relaxed).saturating_sub(live_before);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(live_before);
    client.shutdown();

    let times = |bytes: usize| bytes as f64 / text_bytes as f64;
    let memory = format!(
        "{:.0}×/{:.0}×/{:.0}×",
        times(live),
        times(peak),
        times(rss_after.saturating_sub(rss_before))
    );
    println!(
        "{:>8} {:>7} {:>8}K | {:>15} | {:>15} | {:>15} | {:>15} | {:>14}",
        lines,
        leaves,
        text_bytes / 1024,
        p50_p95(&mut edit_times),
        p50_p95(&mut hover_times.clone()),
        p50_p95(&mut completion_times.clone()),
        p50_p95(&mut definition_times.clone()),
        memory
    );
}

fn range(start_line: usize, start: usize, end_line: usize, end: usize) -> Value {
    json!({ "start": { "line": start_line, "character": start }, "end": { "line": end_line, "character": end } })
}

/// Line and column of every `needle` (ASCII text, so bytes are columns).
fn positions_of(text: &str, needle: &str) -> Vec<(usize, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(line, content)| content.find(needle).map(|column| (line, column)))
        .collect()
}

fn p50_p95(times: &mut [Duration]) -> String {
    times.sort();
    let at = |fraction: f64| {
        let index = ((times.len() as f64 - 1.0) * fraction).round() as usize;
        times.get(index).copied().unwrap_or_default()
    };
    format!("{:.2}/{:.2} ms", millis(at(0.5)), millis(at(0.95)))
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

/// The process's resident set, from `/proc` (0 where there is none).
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kilobytes| kilobytes * 1024)
}

/// A policy set of about `lines` lines in [`FILES`] files: `main.crmpol`
/// with the CRM and defaults, then departments of teams of leaf queues with
/// a few settings each, some in channel blocks, as a contact center writes
/// them. Checks clean: a workspace an operator keeps in order.
fn generate(lines: usize) -> Vec<(String, String)> {
    let mut files = vec![(
        "main.crmpol".to_owned(),
        "crm: salesforce\n\ndefaults {\n    append to latest open record: yes\n    chat {\n        map session data to: ccaas session\n    }\n}\n".to_owned(),
    )];
    let per_file = lines.saturating_sub(8) / (FILES - 1);
    for department in 1..FILES {
        let mut text = format!("queue \"Department {department}\" {{\n");
        let mut team = 0;
        while text.lines().count() + 20 < per_file {
            team += 1;
            let _ = writeln!(text, "    queue \"Team {team}\" {{");
            if team % 3 == 0 {
                text.push_str("        map session data to: ccaas session\n");
            } else {
                text.push_str("        skip account creation: yes\n");
            }
            for tier in 1..=3 {
                let _ = writeln!(text, "        queue \"Tier {tier}\" {{");
                match tier {
                    1 => text.push_str("            append to latest open record: no\n"),
                    2 => text.push_str(
                        "            call {\n                append to latest open record: no\n            }\n",
                    ),
                    _ => text.push_str(
                        "            chat {\n                append to latest open record: no\n            }\n",
                    ),
                }
                text.push_str("        }\n");
            }
            text.push_str("    }\n");
        }
        text.push_str("}\n");
        files.push((format!("department-{department}.crmpol"), text));
    }
    files
}

/// The bench's side of the connection.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<u8>>,
    next_id: i32,
}

impl Client {
    fn start(root: &Path) -> Client {
        let (client, server) = Connection::memory();
        let thread = std::thread::spawn(move || crmpol::lsp::serve(server));
        let mut client = Client {
            connection: client,
            server: Some(thread),
            next_id: 0,
        };
        let folder = lsp_types::Url::from_directory_path(root).expect("a folder");
        client.request(
            "initialize",
            json!({ "processId": null, "capabilities": {}, "workspaceFolders": [{ "uri": folder, "name": "bench" }] }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        self.connection.sender.send(message).expect("the server is running");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Message::Request(Request::new(id.clone(), method.to_owned(), params));
        self.connection.sender.send(request).expect("the server is running");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => return response.result.unwrap_or(Value::Null),
                _ => continue,
            }
        }
    }

    fn time_requests(&mut self, method: &str, params: impl Fn(usize) -> Value) -> Vec<Duration> {
        (0..REQUESTS)
            .map(|index| {
                let params = params(index);
                let start = Instant::now();
                let result = self.request(method, params);
                let elapsed = start.elapsed();
                assert!(!result.is_null(), "{method} answered nothing");
                elapsed
            })
            .collect()
    }

    /// Waits for `count` publications, the edited file's at `version`
    /// among them when one is given.
    fn wait_for_publications(&mut self, count: usize, version: Option<i32>) {
        let mut seen = 0;
        while seen < count {
            if let Message::Notification(notification) = self.receive()
                && notification.method == "textDocument/publishDiagnostics"
            {
                let published = notification.params["version"].as_i64();
                if version.is_none() || published.is_none() || published == version.map(i64::from) {
                    seen += 1;
                }
            }
        }
    }

    fn receive(&mut self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("the server answers")
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}
