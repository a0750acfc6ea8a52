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
    let offered = match spec.offered {
        Offered::ByEveryCrm => "every CRM integration".to_owned(),
        Offered::Only(_) => format!("{} only", crms(spec)),
    };
    format!(
        "setting `{}`\n\n{}\n\nValues: {}.\nBuilt-in default: `{}`.\nApplies to: {}.\nOffered by: {offered}.\n",
        spec.name,
        wrapped(&crate::vocabulary::capitalized(spec.doc), 78),
        spec.kind.documented_values(),
        spec.default,
        channels(spec),
    )
}

/// Text broken into lines of at most `width` characters at spaces (a
/// longer word stands alone), as the rest of `explain`'s text is.
fn wrapped(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_setting_from_its_schema_entry() {
        let text = explain(SettingKey::SkipRecordCreation);
        assert!(
            text.starts_with("setting `skip record creation`\n\n`yes`: do not create"),
            "{text}"
        );
        assert!(text.contains("\nBuilt-in default: `no`.\n"), "{text}");
        assert!(
            text.contains("\nOffered by: `salesforce`, `zendesk`, `servicenow`, `custom` only.\n"),
            "{text}"
        );
        assert!(text.lines().all(|line| line.chars().count() <= 90), "{text}");
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        assert_eq!(wrapped("aa bb cc dd", 5), "aa bb\ncc dd");
        assert_eq!(wrapped("averylongword x", 4), "averylongword\nx");
    }
}
