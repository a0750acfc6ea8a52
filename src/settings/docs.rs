//! The schema as documentation: the settings table and list of
//! `docs/language.md`, and `crmpol explain SETTING`.
//!
//! In: [`SETTINGS`]. Out: Markdown. A test compares `docs/language.md` with
//! this text, so the documentation cannot drift from the schema.

use super::{Offered, SETTINGS, SettingKey, SettingSpec};
use crate::vocabulary::Channel;

/// The settings table of `docs/language.md`, one row per setting.
pub fn docs_table() -> String {
    let mut out = String::from("| setting | values | built-in default | applies to | CRMs |\n|---|---|---|---|---|\n");
    for spec in &SETTINGS {
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} | {} |\n",
            spec.name,
            spec.kind.documented_values(),
            spec.default,
            channels(spec),
            crms(spec),
        ));
    }
    out
}

/// The list of `docs/language.md` saying what each setting does, one item
/// per setting, each on one line.
pub fn docs_bullets() -> String {
    SETTINGS
        .iter()
        .map(|spec| format!("- **`{}`** — {}\n", spec.name, spec.doc))
        .collect()
}

/// `crmpol explain SETTING`: what a setting does and what it takes.
pub fn explain(key: SettingKey) -> String {
    let spec = key.spec();
    format!(
        "`{}`: {}\n\nValues: {}. Built-in default: `{}`.\nApplies to {}; offered by {}.\n",
        spec.name,
        spec.doc,
        spec.kind.documented_values(),
        spec.default,
        channels(spec),
        match spec.offered {
            Offered::ByEveryCrm => "every CRM integration".to_owned(),
            Offered::Only(_) => crms(spec),
        },
    )
}

fn channels(spec: &SettingSpec) -> &'static str {
    match spec.channels {
        [Channel::Call] => "calls only",
        [Channel::Chat] => "chats only",
        _ => "calls and chats",
    }
}

fn crms(spec: &SettingSpec) -> String {
    match spec.offered {
        Offered::ByEveryCrm => "all".to_owned(),
        Offered::Only(crms) => crms.iter().map(|crm| format!("`{crm}`")).collect::<Vec<_>>().join(", "),
    }
}
