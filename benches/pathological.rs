//! Inputs that once took quadratic time, at growing sizes, to show they no
//! longer do:
//!
//! - `render`: N diagnostics on one long line (N unknown escapes in one
//!   queue name), in each message format: every column used to be found by
//!   walking the line from its start;
//! - `fix`: `check --fix` with N fixes in one file (N repeated `crm:`
//!   lines), and with N redundant settings nested N deep: edits used to be
//!   applied one after another over the whole text.
//!
//! For each case the median time is printed with the cost per item and its
//! ratio to the smallest size; linear work keeps the ratio near 1, quadratic
//! work makes it grow with N (10 at ten times the size).
//!
//! ```text
//! cargo bench --bench pathological                 # 10k, 30k, 100k
//! cargo bench --bench pathological -- 1000,10000   # other sizes
//! CRMPOL_BENCH_RUNS=3 cargo bench --bench pathological
//! ```

use crmpol::fix::{FixOptions, fix_all};
use crmpol::render::{self, MessageFormat, RenderOptions};
use crmpol::{SourceFile, SourceSet};
use std::hint::black_box;
use std::time::{Duration, Instant};

const DEFAULT_SIZES: [usize; 3] = [10_000, 30_000, 100_000];

/// Prepares the input of a case for a size; the closure does the work timed.
type Case = fn(usize) -> Box<dyn Fn()>;

fn main() {
    let sizes = sizes();
    let runs = std::env::var("CRMPOL_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(3);
    println!("crmpol pathological inputs: sizes {sizes:?}, median of {runs} runs\n");
    let cases: [(&str, Case); 7] = [
        ("render short, N diagnostics on one line", |n| {
            render_case(n, MessageFormat::Short)
        }),
        ("render json, N diagnostics on one line", |n| {
            render_case(n, MessageFormat::Json)
        }),
        ("render sarif, N diagnostics on one line", |n| {
            render_case(n, MessageFormat::Sarif)
        }),
        ("render github, N diagnostics on one line", |n| {
            render_case(n, MessageFormat::Github)
        }),
        ("render human, N diagnostics on one line", |n| {
            render_case(n, MessageFormat::Human)
        }),
        ("fix, N repeated `crm:` lines", fix_repeated_crm),
        ("fix, N nested redundant settings", fix_nested_redundant),
    ];
    for (name, case) in cases {
        println!("{name}");
        println!("  {:>8}  {:>12}  {:>14}  {:>6}", "N", "median", "per item", "ratio");
        let mut first_per_item = None;
        for &n in &sizes {
            let work = case(n);
            let median = median_of(runs, &work);
            let per_item = median.as_secs_f64() / n as f64;
            let ratio = per_item / *first_per_item.get_or_insert(per_item);
            println!(
                "  {n:>8}  {:>10.1}ms  {:>12.2}µs  {ratio:>6.2}",
                median.as_secs_f64() * 1e3,
                per_item * 1e6
            );
        }
        println!();
    }
}

fn sizes() -> Vec<usize> {
    let parsed: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .flat_map(|arg| arg.split(',').filter_map(|size| size.parse().ok()).collect::<Vec<_>>())
        .collect();
    if parsed.is_empty() {
        DEFAULT_SIZES.to_vec()
    } else {
        parsed
    }
}

fn median_of(runs: usize, work: &dyn Fn()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn one_file(text: String) -> SourceSet {
    let mut sources = SourceSet::new();
    sources.add(SourceFile::from_text("bench.crmpol", text));
    sources
}

/// Renders (without the analysis) the diagnostics of a queue name holding
/// `n` unknown escapes, after a non-ASCII character so columns and bytes
/// differ.
fn render_case(n: usize, format: MessageFormat) -> Box<dyn Fn()> {
    let text = format!("crm: salesforce\nqueue \"é{}\"\n", "\\q".repeat(n));
    let sources = one_file(text);
    let analysis = crmpol::analyze(&sources);
    assert_eq!(analysis.diagnostics.len(), n);
    Box::new(move || {
        black_box(render::render(
            &analysis.diagnostics,
            &analysis.suppressed,
            &sources,
            format,
            RenderOptions::default(),
        ));
    })
}

fn fix_repeated_crm(n: usize) -> Box<dyn Fn()> {
    let text = "crm: salesforce\n".repeat(n) + "queue \"Q\"\n";
    Box::new(move || {
        let mut sources = one_file(text.clone());
        let fixed = fix_all(&mut sources, FixOptions::default());
        assert_eq!(fixed.applied.len(), n - 1);
    })
}

/// `n` queues nested one in the other, each restating the same setting.
fn fix_nested_redundant(n: usize) -> Box<dyn Fn()> {
    let mut text = String::from("crm: salesforce\n");
    for level in 0..n {
        text.push_str(&format!("queue \"q{level}\" {{\nskip account creation: yes\n"));
    }
    text.push_str(&"}\n".repeat(n));
    Box::new(move || {
        let mut sources = one_file(text.clone());
        let fixed = fix_all(&mut sources, FixOptions::default());
        assert_eq!(fixed.applied.len(), n - 1);
    })
}
