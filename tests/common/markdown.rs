//! Fenced blocks of the documentation's Markdown, for the tests that check
//! the examples in them.

/// A fenced block: its info string and its text.
pub struct Fence {
    pub info: String,
    pub text: String,
}

/// The fenced blocks of a Markdown text, in order.
pub fn fences(markdown: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    // The open fence and its length: a block holding ``` is fenced with
    // ```` and ends only at a fence at least as long, as in CommonMark.
    let mut open: Option<(Fence, usize)> = None;
    for line in markdown.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match &mut open {
            None if ticks >= 3 => {
                let info = line[ticks..].trim().to_owned();
                open = Some((
                    Fence {
                        info,
                        text: String::new(),
                    },
                    ticks,
                ));
            }
            Some((_, length)) if ticks >= *length && line.trim_start_matches('`').trim().is_empty() => {
                fences.extend(open.take().map(|(fence, _)| fence));
            }
            Some((fence, _)) => {
                fence.text.push_str(line);
                fence.text.push('\n');
            }
            None => {}
        }
    }
    fences
}
