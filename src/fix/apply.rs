//! Edits applied to text, in time linear in the text and the edits: a
//! hundred thousand fixes in one file cost no more than reading it.

use crate::diagnostic::Edit;
use crate::source::{FileId, SourceSet};
use std::collections::BTreeMap;

/// The new text of every file the edits touch. The edits must not overlap;
/// each is applied where it lies in the original text. An edit that does
/// not fit its file (outside it, or inside a character) is left out.
pub fn apply_edits(sources: &SourceSet, edits: &[Edit]) -> Vec<(FileId, String)> {
    let mut by_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    for edit in edits {
        by_file.entry(edit.span.file()).or_default().push(edit);
    }
    let mut changed = Vec::with_capacity(by_file.len());
    for (file_id, mut edits) in by_file {
        let Some(file) = sources.get(file_id) else { continue };
        edits.sort_by_key(|edit| (edit.span.start(), edit.span.end()));
        let text = &file.text;
        let mut out = String::with_capacity(text.len());
        let mut copied_to = 0;
        for edit in edits {
            let fits = edit.span.start() >= copied_to
                && edit.span.end() <= text.len()
                && edit.span.start() <= edit.span.end()
                && text.is_char_boundary(edit.span.start())
                && text.is_char_boundary(edit.span.end());
            if !fits {
                continue;
            }
            out.push_str(&text[copied_to..edit.span.start()]);
            out.push_str(&edit.replacement);
            copied_to = edit.span.end();
        }
        out.push_str(&text[copied_to..]);
        changed.push((file_id, out));
    }
    changed
}

/// The edits a pass has taken, by file and start, so a new edit's
/// collisions are found by looking at its two neighbours only.
#[derive(Default)]
pub struct TakenEdits {
    by_start: BTreeMap<(FileId, usize, usize), Edit>,
}

impl TakenEdits {
    /// Two edits collide when they touch the same bytes, or insert at the
    /// same place (their order would be a guess), unless they are the same
    /// edit.
    pub fn collides(&self, edit: &Edit) -> bool {
        let file = edit.span.file();
        let key = (file, edit.span.start(), edit.span.end());
        if self.by_start.get(&key) == Some(edit) {
            return false;
        }
        let clash = |other: &Edit| {
            let (a, b) = (edit.span, other.span);
            let overlap = a.start() < b.end() && b.start() < a.end();
            let same_point = a.start() == b.start() && (a.start() == a.end() || b.start() == b.end());
            overlap || same_point
        };
        let before = self.by_start.range(..=key).next_back().map(|(_, other)| other);
        let after = self
            .by_start
            .range((file, edit.span.start(), 0)..)
            .map(|(_, other)| other)
            .take_while(|other| {
                other.span.file() == file && other.span.start() <= edit.span.end().max(edit.span.start())
            })
            .any(clash);
        before.is_some_and(|other| other.span.file() == file && clash(other)) || after
    }

    pub fn insert(&mut self, edit: &Edit) {
        self.by_start
            .insert((edit.span.file(), edit.span.start(), edit.span.end()), edit.clone());
    }

    /// The edits in file and position order.
    pub fn into_edits(self) -> Vec<Edit> {
        self.by_start.into_values().collect()
    }
}

/// Moves positions in a text through edits applied to it (sorted, not
/// overlapping): a position after an edit shifts by what the edit added or
/// removed; a position inside a replaced range goes to where the
/// replacement starts. The positions come back sorted; one sweep over both
/// lists keeps this linear.
pub fn map_through(positions: &mut [usize], edits: &[Edit]) {
    positions.sort_unstable();
    let mut shift: isize = 0;
    let mut next = 0;
    for position in positions.iter_mut() {
        while let Some(edit) = edits.get(next) {
            let (start, end) = (edit.span.start(), edit.span.end());
            let passed = end < *position || (end == *position && start < end);
            if !passed {
                break;
            }
            shift += edit.replacement.len() as isize - (end - start) as isize;
            next += 1;
        }
        let inside = edits
            .get(next)
            .filter(|edit| edit.span.start() < *position && *position < edit.span.end());
        let old = inside.map_or(*position, |edit| edit.span.start());
        *position = (old as isize + shift).max(0) as usize;
    }
}

/// Where each edit's replacement starts and ends in the edited text.
pub fn new_positions(edits: &[Edit]) -> Vec<usize> {
    let mut shift: isize = 0;
    let mut positions = Vec::with_capacity(edits.len() * 2);
    for edit in edits {
        let start = (edit.span.start() as isize + shift).max(0) as usize;
        positions.push(start);
        positions.push(start + edit.replacement.len());
        shift += edit.replacement.len() as isize - (edit.span.end() - edit.span.start()) as isize;
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit::replace(Span::new(FileId(0), start, end), text)
    }

    #[test]
    fn edits_apply_in_one_forward_pass() {
        let sources = SourceSet::from_texts([("a", "abc def ghi")]);
        let changed = apply_edits(&sources, &[edit(8, 11, "three"), edit(0, 3, "one"), edit(4, 4, "+")]);
        assert_eq!(changed, [(FileId(0), "one +def three".to_owned())]);
    }

    #[test]
    fn collisions_are_found_among_neighbours() {
        let mut taken = TakenEdits::default();
        taken.insert(&edit(10, 20, ""));
        taken.insert(&edit(30, 30, "x"));
        assert!(taken.collides(&edit(15, 25, "")));
        assert!(taken.collides(&edit(5, 11, "")));
        assert!(taken.collides(&edit(30, 30, "y")), "two insertions at one point");
        assert!(taken.collides(&edit(30, 31, "")), "an insertion where a removal starts");
        assert!(!taken.collides(&edit(30, 30, "x")), "the same edit again");
        assert!(!taken.collides(&edit(20, 30, "")), "touching is not overlapping");
        assert!(!taken.collides(&edit(0, 10, "")));
    }

    #[test]
    fn positions_follow_the_text_through_edits() {
        let edits = [edit(2, 4, ""), edit(6, 6, "xyz")];
        let mut positions = vec![0, 3, 5, 6, 8];
        map_through(&mut positions, &edits);
        assert_eq!(positions, [0, 2, 3, 4, 9]);
        assert_eq!(new_positions(&edits), [2, 2, 4, 7]);
    }
}
