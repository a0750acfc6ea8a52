//! The language's settings and values, written out for the tests' own
//! generators and oracles, apart from the library's vocabulary so that a
//! mistake there cannot hide from the tests.

/// Every CRM the language knows.
pub const CRMS: [&str; 8] = [
    "salesforce",
    "zendesk",
    "servicenow",
    "custom",
    "kustomer",
    "dynamics",
    "freshdesk",
    "hubspot",
];

/// The six settings and their valid values, the alias included.
pub const SETTINGS: [(&str, &[&str]); 6] = [
    (
        "map session data to",
        &["activity object", "ccaas session", "ccaip session"],
    ),
    ("skip account creation", &["yes", "no"]),
    ("skip record creation", &["yes", "no"]),
    ("skip account lookup", &["yes", "no"]),
    ("append to latest open record", &["yes", "no"]),
    ("records", &["option 1", "option 2", "option 3"]),
];
