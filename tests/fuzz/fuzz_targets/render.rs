//! Fuzz target `render`: the diagnostics of any bytes, as a policy set of
//! one file or two (see `crmpol_fuzz::input::policy_set`), rendered in
//! every message format (human, short, JSON, SARIF, GitHub) with colour,
//! width and drawing characters picked by the last byte, and, when that
//! byte says so, every second diagnostic passed as one an allow comment
//! silenced. Rendering never panics, and:
//! - each line of the JSON format is one JSON object, one per diagnostic;
//! - the SARIF format is one JSON document;
//! - no output holds a raw control character other than `\n` (and `\t` in
//!   the human format, which shows source lines with their tabs), ESC only
//!   in the human format with colour on and only in SGR sequences
//!   (`ESC [ digits and ; m`), and no bidirectional embedding, override or
//!   isolate (see `crmpol_fuzz::terminal`).

#![no_main]

use crmpol::Diagnostic;
use crmpol::render::{MessageFormat, RenderOptions, render};
use crmpol::suppress::Suppressed;
use crmpol_fuzz::input::policy_set;
use crmpol_fuzz::terminal::{Allowed, assert_safe_for_terminal};
use libfuzzer_sys::fuzz_target;

const FORMATS: [MessageFormat; 5] = [
    MessageFormat::Human,
    MessageFormat::Short,
    MessageFormat::Json,
    MessageFormat::Sarif,
    MessageFormat::Github,
];

/// Terminal widths: `crmpol` never wraps narrower than 40 columns, and
/// takes any wider `COLUMNS`.
const WIDTHS: [usize; 8] = [40, 41, 57, 80, 100, 133, 250, 10_000];

fuzz_target!(|data: &[u8]| {
    let sources = policy_set(data);
    let analysis = crmpol::analyze(&sources);
    let control = data.last().copied().unwrap_or(0);
    let options = RenderOptions {
        color: control & 1 != 0,
        unicode: control & 2 != 0,
        width: WIDTHS[usize::from(control >> 2) & 7],
    };
    let (shown, suppressed) = if control & 0x20 != 0 {
        silence_every_second(&analysis)
    } else {
        (analysis.diagnostics.clone(), Vec::new())
    };
    for format in FORMATS {
        let output = render(&shown, &suppressed, &sources, format, options);
        let what = format!("{format:?} with {options:?}");
        let allowed = Allowed {
            tab: format == MessageFormat::Human,
            color: format == MessageFormat::Human && options.color,
        };
        assert_safe_for_terminal(&output, allowed, &what);
        match format {
            MessageFormat::Json => {
                let lines: Vec<&str> = output.lines().collect();
                assert!(
                    lines.len() == shown.len() + suppressed.len(),
                    "{what}: {} lines for {} diagnostics",
                    lines.len(),
                    shown.len() + suppressed.len()
                );
                for line in lines {
                    let parsed = serde_json::from_str::<serde_json::Value>(line);
                    assert!(
                        parsed.as_ref().is_ok_and(serde_json::Value::is_object),
                        "{what}: a line is not a JSON object ({parsed:?}): {line:?}"
                    );
                }
            }
            MessageFormat::Sarif => {
                let parsed = serde_json::from_str::<serde_json::Value>(&output);
                assert!(parsed.is_ok(), "{what}: not JSON ({parsed:?})");
            }
            _ => {}
        }
    }
});

/// The diagnostics with every second one moved to the silenced ones, each
/// silenced by the first comment of its file (or, in a file without
/// comments, by its own primary span).
fn silence_every_second(analysis: &crmpol::Analysis) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let mut shown = Vec::new();
    let mut suppressed = Vec::new();
    for (index, diagnostic) in analysis.diagnostics.iter().enumerate() {
        if index % 2 == 0 {
            shown.push(diagnostic.clone());
            continue;
        }
        let Some(span) = diagnostic.primary_span() else {
            shown.push(diagnostic.clone());
            continue;
        };
        let by = analysis
            .trees
            .get(span.file().0)
            .and_then(|tree| tree.comments.first().copied())
            .unwrap_or(span);
        suppressed.push(Suppressed {
            diagnostic: diagnostic.clone(),
            by,
        });
    }
    (shown, suppressed)
}
