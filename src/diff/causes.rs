//! Why an entry changed: the statements whose addition, removal or change
//! produced it.
//!
//! In: both sides of a comparison, and a setting of an entry that differs,
//! an entry only one side has, or a changed CRM. Out: [`Cause`]s, each a
//! statement added in `after`, removed from `before`, or changed (with its
//! place on both sides), numbered once per comparison, so that one line that
//! changes three hundred entries is one cause with three hundred entries.
//!
//! Statements are matched across the sides by what they set, not by where
//! they are written: the owner (`defaults` or a queue path), the scope
//! (plain or a channel block) and the setting. A statement moved to another
//! line or file is the same statement; one moved from a queue into its
//! sub-queues is a removal and additions, which change nothing when the
//! values in effect stay the same. Only the statement in effect on each side
//! is looked at: the value in effect comes from it alone (the precedence rule
//! lives in [`crate::resolve`]), so if neither changed, the value did not.

use super::Side;
use crate::resolve::{AssignmentId, Owner, QueueId, ResolvedPolicy, Scope, Source};
use crate::settings::SettingKey;
use crate::source::Span;
use std::collections::HashMap;

/// Index of a cause in [`super::PolicyDiff::causes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CauseId(pub usize);

/// What happened to the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// Only `after` has it.
    Added,
    /// Only `before` has it.
    Removed,
    /// Both have it, with different values.
    Changed,
}

/// A statement's place on one side.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub file: String,
    /// One-based.
    pub line: usize,
    /// The statement as written (a queue: its line, trimmed).
    pub statement: String,
}

/// A statement whose addition, removal or change made a difference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cause {
    pub kind: CauseKind,
    /// Where the statement belongs, in words: `defaults`, `"Support" /
    /// "Billing"`, `"Support", chat block`, `the top level`.
    pub subject: String,
    /// Its place in `before`; `None` for an added statement.
    pub before: Option<Place>,
    /// Its place in `after`; `None` for a removed statement.
    pub after: Option<Place>,
}

/// What a setting statement sets, the same on both sides wherever it is
/// written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SlotKey {
    /// `None`: `defaults`.
    owner: Option<Vec<String>>,
    scope: Scope,
    key: SettingKey,
}

/// Finds causes on both sides and numbers each once.
pub struct CauseIndex<'a> {
    before: &'a Side<'a>,
    after: &'a Side<'a>,
    /// Each side's statement in effect for each slot (repeats, E0007, are
    /// errors and never reach a comparison).
    slots_before: HashMap<SlotKey, AssignmentId>,
    slots_after: HashMap<SlotKey, AssignmentId>,
    ids: HashMap<Cause, CauseId>,
    causes: Vec<Cause>,
    /// What each statement in effect amounts to, looked up once: many
    /// entries share the statement that decides them.
    decided: HashMap<(Direction, AssignmentId), Option<CauseId>>,
}

impl<'a> CauseIndex<'a> {
    pub fn new(before: &'a Side<'a>, after: &'a Side<'a>) -> CauseIndex<'a> {
        CauseIndex {
            before,
            after,
            slots_before: slots(&before.analysis.policy),
            slots_after: slots(&after.analysis.policy),
            ids: HashMap::new(),
            causes: Vec::new(),
            decided: HashMap::new(),
        }
    }

    pub fn into_causes(self) -> Vec<Cause> {
        self.causes
    }

    fn id(&mut self, cause: Cause) -> CauseId {
        let next = CauseId(self.causes.len());
        *self.ids.entry(cause.clone()).or_insert_with(|| {
            self.causes.push(cause);
            next
        })
    }

    /// Why `key` differs between entry `old` of `before` and entry `new` of
    /// `after`: the statement in effect after, if `before` lacks it or gave
    /// it another value; the statement in effect before, if `after` lacks it
    /// or gives it another value.
    pub fn of_setting(&mut self, old: usize, new: usize, key: SettingKey) -> Vec<CauseId> {
        let source_of = |side: &Side<'_>, index: usize| side.entry(index).map(|entry| entry.settings.get(key).source);
        let mut found = Vec::new();
        let steps = [
            (source_of(self.after, new), Direction::AfterToBefore),
            (source_of(self.before, old), Direction::BeforeToAfter),
        ];
        for (source, direction) in steps {
            if let Some(Source::Stated(id)) = source
                && let Some(cause) = self.decided_by(id, direction)
                && !found.contains(&cause)
            {
                found.push(cause);
            }
        }
        found
    }

    /// [`CauseIndex::statement_change`], numbered, once per statement.
    fn decided_by(&mut self, id: AssignmentId, direction: Direction) -> Option<CauseId> {
        if let Some(known) = self.decided.get(&(direction, id)) {
            return *known;
        }
        let cause = self.statement_change(id, direction).map(|cause| self.id(cause));
        self.decided.insert((direction, id), cause);
        cause
    }

    /// How the statement `id` (of the side `direction` starts from) differs
    /// on the other side; `None` if it is there with the same value.
    fn statement_change(&self, id: AssignmentId, direction: Direction) -> Option<Cause> {
        let (this, other, other_slots) = match direction {
            Direction::AfterToBefore => (self.after, self.before, &self.slots_before),
            Direction::BeforeToAfter => (self.before, self.after, &self.slots_after),
        };
        let assignment = this.analysis.policy.assignment(id)?;
        let slot = slot_key(&this.analysis.policy, id)?;
        let here = setting_place(this, id);
        let counterpart = other_slots
            .get(&slot)
            .and_then(|&other_id| Some((other_id, other.analysis.policy.assignment(other_id)?)));
        let (kind, there) = match counterpart {
            Some((_, other_assignment)) if other_assignment.value == assignment.value => return None,
            Some((other_id, _)) => (CauseKind::Changed, setting_place(other, other_id)),
            None if direction == Direction::AfterToBefore => (CauseKind::Added, None),
            None => (CauseKind::Removed, None),
        };
        let (before, after) = match direction {
            Direction::AfterToBefore => (there, here),
            Direction::BeforeToAfter => (here, there),
        };
        Some(Cause {
            kind,
            subject: this.analysis.policy.display_owner(assignment.owner, assignment.scope),
            before,
            after,
        })
    }

    /// Why an entry only one side has (`added`: only `after`) is there or
    /// gone: the first queue on its path that the other side lacks; or, when
    /// the other side has the whole path, the sub-queues it has there.
    pub fn of_queue(&mut self, path: &[String], added: bool) -> Vec<CauseId> {
        let (this, other) = if added {
            (self.after, self.before)
        } else {
            (self.before, self.after)
        };
        let (this_policy, other_policy) = (&this.analysis.policy, &other.analysis.policy);
        for depth in 1..=path.len() {
            let prefix = path.get(..depth).unwrap_or_default();
            if other_policy.queue_by_path(prefix).is_some() {
                continue;
            }
            let Some(queue) = this_policy.queue_by_path(prefix) else {
                return Vec::new();
            };
            let kind = if added { CauseKind::Added } else { CauseKind::Removed };
            let cause = queue_cause(this, queue, kind, added);
            return cause.map(|cause| vec![self.id(cause)]).unwrap_or_default();
        }
        // The other side has sub-queues where this side has a leaf.
        let Some(inner) = other_policy.queue_by_path(path) else {
            return Vec::new();
        };
        let children = other_policy
            .queue(inner)
            .map(|queue| queue.children.clone())
            .unwrap_or_default();
        let kind = if added { CauseKind::Removed } else { CauseKind::Added };
        children
            .into_iter()
            .filter_map(|child| queue_cause(other, child, kind, !added))
            .map(|cause| self.id(cause))
            .collect()
    }

    /// The `crm:` statements behind a changed CRM: the first on each side.
    pub fn of_crm(&mut self) -> Vec<CauseId> {
        let place = |side: &Side<'_>| {
            let declaration = side.analysis.policy.crm_declarations.first()?;
            place_of(side, declaration.span, false)
        };
        let (before, after) = (place(self.before), place(self.after));
        let kind = match (&before, &after) {
            (Some(_), Some(_)) => CauseKind::Changed,
            (None, Some(_)) => CauseKind::Added,
            (Some(_), None) => CauseKind::Removed,
            (None, None) => return Vec::new(),
        };
        let cause = Cause {
            kind,
            subject: "the policy set".to_owned(),
            before,
            after,
        };
        vec![self.id(cause)]
    }
}

/// Where a cause is read first: its place in `after`, else in `before`
/// (file name, then line), so an entry's causes show in reading order.
pub fn reading_key(cause: Option<&Cause>) -> Option<(String, usize)> {
    let place = cause.and_then(|cause| cause.after.as_ref().or(cause.before.as_ref()))?;
    Some((place.file.clone(), place.line))
}

/// The subject of a top-level queue's cause.
pub const TOP_LEVEL: &str = "the top level";

/// Which side a statement is looked up from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Direction {
    AfterToBefore,
    BeforeToAfter,
}

/// Every statement in effect of a policy, by what it sets.
fn slots(policy: &ResolvedPolicy) -> HashMap<SlotKey, AssignmentId> {
    (0..policy.assignments.len())
        .map(AssignmentId)
        .filter(|&id| {
            policy
                .assignment(id)
                .is_some_and(|assignment| assignment.duplicate_of.is_none())
        })
        .filter_map(|id| Some((slot_key(policy, id)?, id)))
        .collect()
}

fn slot_key(policy: &ResolvedPolicy, id: AssignmentId) -> Option<SlotKey> {
    let assignment = policy.assignment(id)?;
    let owner = match assignment.owner {
        Owner::Defaults => None,
        Owner::Queue(queue) => Some(policy.path(queue).into_iter().map(str::to_owned).collect()),
    };
    Some(SlotKey {
        owner,
        scope: assignment.scope,
        key: assignment.key,
    })
}

fn setting_place(side: &Side<'_>, id: AssignmentId) -> Option<Place> {
    let assignment = side.analysis.policy.assignment(id)?;
    place_of(side, assignment.span, false)
}

/// A queue's first declaration as a cause: added or removed under its
/// parent. `on_after`: the queue is in `after`.
fn queue_cause(side: &Side<'_>, queue: QueueId, kind: CauseKind, on_after: bool) -> Option<Cause> {
    let policy = &side.analysis.policy;
    let node = policy.queue(queue)?;
    let place = place_of(side, *node.declarations.first()?, true)?;
    let subject = match node.parent {
        Some(parent) => policy.display_path(parent),
        None => TOP_LEVEL.to_owned(),
    };
    let (before, after) = if on_after {
        (None, Some(place))
    } else {
        (Some(place), None)
    };
    Some(Cause {
        kind,
        subject,
        before,
        after,
    })
}

/// Where a span is; `whole_line`: show the span's line, trimmed, rather than
/// the span itself (a queue name stands for its statement).
fn place_of(side: &Side<'_>, span: Span, whole_line: bool) -> Option<Place> {
    let file = side.sources.get(span.file())?;
    let line = file.line_of(span.start());
    let text = if whole_line {
        file.line_range(line)
            .map(|range| file.text.get(range).unwrap_or_default())?
    } else {
        file.slice(span)
    };
    Some(Place {
        file: file.name.clone(),
        line: line + 1,
        statement: crate::text::trim_blanks(text).to_owned(),
    })
}
