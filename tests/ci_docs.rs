//! The CI examples stay runnable: every workflow in `docs/ci.md` is a
//! well-formed GitHub Actions workflow, every `crmpol ...` command in it
//! and in the shell blocks of the docs is accepted by crmpol's own argument
//! parser, and the pre-commit hooks (`.pre-commit-hooks.yaml`) and the
//! configurations that use them name hooks that exist and run commands
//! crmpol accepts.

mod common;

use clap::Parser;
use common::markdown::fences;
use common::shell_words;
use crmpol::cli::Cli;
use serde_yaml::{Mapping, Value};

const CI_DOC: &str = include_str!("../docs/ci.md");
const HOOKS: &str = include_str!("../.pre-commit-hooks.yaml");

/// The documents whose shell blocks are checked, with their names.
const DOCUMENTS: [(&str, &str); 5] = [
    ("README.md", include_str!("../README.md")),
    ("docs/ci.md", CI_DOC),
    ("docs/cli.md", include_str!("../docs/cli.md")),
    ("docs/editors.md", include_str!("../docs/editors.md")),
    ("docs/development.md", include_str!("../docs/development.md")),
];

/// What a YAML block of docs/ci.md is: its first line says which file it
/// is meant to be.
enum Example {
    Workflow(Value),
    PreCommitConfig(Value),
}

fn examples() -> Vec<(String, Example)> {
    let mut found = Vec::new();
    for fence in fences(CI_DOC).into_iter().filter(|fence| fence.info == "yaml") {
        let file = fence
            .text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .to_owned();
        let value: Value =
            serde_yaml::from_str(&fence.text).unwrap_or_else(|error| panic!("{file}: not YAML: {error}"));
        let example = if file.starts_with(".github/workflows/") && file.ends_with(".yml") {
            Example::Workflow(value)
        } else if file == ".pre-commit-config.yaml" {
            Example::PreCommitConfig(value)
        } else {
            panic!("a YAML block of docs/ci.md starts with `# {file}`, not the file it is meant to be");
        };
        found.push((file, example));
    }
    found
}

fn mapping<'a>(value: &'a Value, what: &str) -> &'a Mapping {
    value.as_mapping().unwrap_or_else(|| panic!("{what} is not a mapping"))
}

fn get<'a>(map: &'a Mapping, key: &str, what: &str) -> &'a Value {
    map.get(key).unwrap_or_else(|| panic!("{what} has no `{key}`"))
}

fn string<'a>(value: &'a Value, what: &str) -> &'a str {
    value.as_str().unwrap_or_else(|| panic!("{what} is not a string"))
}

/// Why crmpol would refuse `words` (`crmpol` first), or `None` when its
/// argument parser accepts them; `--help` and `--version` count as accepted.
fn refused(words: &[String]) -> Option<String> {
    match Cli::try_parse_from(words) {
        Ok(_) => None,
        Err(error)
            if matches!(
                error.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            None
        }
        Err(error) => Some(error.to_string()),
    }
}

/// Checks every crmpol command of `script`; returns how many were parsed.
fn assert_crmpol_commands_parse(script: &str, place: &str) -> usize {
    let mut parsed = 0;
    for words in shell_words::commands_of(script, "crmpol") {
        if let Some(error) = refused(&words) {
            panic!("{place}: crmpol refuses `{}`:\n{error}", words.join(" "));
        }
        parsed += 1;
    }
    parsed
}

#[test]
fn a_misspelt_option_is_caught() {
    let script = "crmpol check --mesage-format github policies/ > out.txt";
    let words = &shell_words::commands_of(script, "crmpol")[0];
    assert_eq!(words, &["crmpol", "check", "--mesage-format", "github", "policies/"]);
    assert!(refused(words).is_some_and(|error| error.contains("--mesage-format")));
    assert!(
        refused(&["crmpol".to_owned(), "fmt".to_owned()]).is_some(),
        "fmt needs a path"
    );
}

#[test]
fn shell_words_follow_quotes_operators_and_expressions() {
    let script =
        "FOO=1 crmpol check \"a b\" 'c d' ${{ github.base_ref }} 2>&1 | tee log \\\n  && crmpol man > x.1 # a comment";
    assert_eq!(
        shell_words::commands(script),
        [
            vec!["crmpol", "check", "a b", "c d", "EXPR"],
            vec!["tee", "log"],
            vec!["crmpol", "man"],
        ]
    );
}

#[test]
fn every_workflow_is_well_formed_and_its_crmpol_commands_parse() {
    let mut workflows = 0;
    let mut commands = Vec::new();
    for (file, example) in examples() {
        let Example::Workflow(workflow) = example else { continue };
        workflows += 1;
        let top = mapping(&workflow, &file);
        // YAML 1.1 parsers read a bare `on` as `true`; GitHub and serde_yaml
        // read the key as the string "on", which is what must be there.
        get(top, "on", &file);
        let jobs = mapping(get(top, "jobs", &file), &format!("{file}: jobs"));
        assert!(!jobs.is_empty(), "{file}: no jobs");
        for (name, job) in jobs {
            let name = format!("{file}: job {}", string(name, "a job name"));
            let job = mapping(job, &name);
            string(get(job, "runs-on", &name), &format!("{name}: runs-on"));
            let steps = get(job, "steps", &name)
                .as_sequence()
                .unwrap_or_else(|| panic!("{name}: steps is not a list"));
            assert!(!steps.is_empty(), "{name}: no steps");
            let mut ids: Vec<&str> = Vec::new();
            for (index, step) in steps.iter().enumerate() {
                let place = format!("{name}, step {}", index + 1);
                let step = mapping(step, &place);
                // A misspelt step id makes `steps.ID.outputs...` empty, silently.
                for referenced in step_references(step) {
                    assert!(
                        ids.contains(&referenced),
                        "{place}: no earlier step has the id `{referenced}`"
                    );
                }
                ids.extend(step.get("id").and_then(Value::as_str));
                match (step.get("uses"), step.get("run")) {
                    (Some(uses), None) => {
                        let action = string(uses, &place);
                        assert!(action.contains('@'), "{place}: `{action}` names no version");
                    }
                    (None, Some(run)) => {
                        let script = string(run, &place);
                        assert_crmpol_commands_parse(script, &place);
                        commands.extend(shell_words::commands_of(script, "crmpol"));
                    }
                    _ => panic!("{place}: a step has `uses` or `run`, and not both"),
                }
            }
        }
    }
    assert!(workflows >= 1, "docs/ci.md shows a workflow");
    let shown: Vec<String> = commands.iter().map(|words| words.join(" ")).collect();
    for expected in [
        "crmpol check --deny-warnings --message-format github policies/",
        "crmpol check --message-format sarif policies/",
        "crmpol fmt --check --diff policies/",
    ] {
        assert!(
            shown.iter().any(|command| command == expected),
            "no `{expected}` in {shown:#?}"
        );
    }
    assert!(
        shown.iter().any(|command| command.starts_with("crmpol diff --git")),
        "the pull request's behaviour diff: {shown:#?}"
    );
}

/// The step ids a step's `if:` and `with:` values refer to (`steps.ID.`).
fn step_references(step: &Mapping) -> Vec<&str> {
    let mut texts: Vec<&str> = step.get("if").and_then(Value::as_str).into_iter().collect();
    if let Some(with) = step.get("with").and_then(Value::as_mapping) {
        texts.extend(with.values().filter_map(Value::as_str));
    }
    texts
        .into_iter()
        .flat_map(|text| text.split("steps.").skip(1))
        .filter_map(|rest| rest.split('.').next())
        .collect()
}

#[test]
fn every_crmpol_command_in_the_shell_blocks_of_the_docs_parses() {
    let mut parsed = 0;
    for (name, text) in DOCUMENTS {
        for fence in fences(text) {
            if ["sh", "bash", "shell", "powershell"].contains(&fence.info.as_str()) {
                parsed += assert_crmpol_commands_parse(&fence.text, name);
            }
        }
    }
    // The completions and man sections of docs/cli.md alone have six.
    assert!(parsed >= 6, "only {parsed} commands found");
}

/// A hook of `.pre-commit-hooks.yaml`.
struct Hook {
    id: String,
    entry: Vec<String>,
    args: Vec<String>,
    pass_filenames: bool,
}

fn strings(value: Option<&Value>, what: &str) -> Vec<String> {
    value
        .map(|value| {
            value
                .as_sequence()
                .unwrap_or_else(|| panic!("{what} is not a list"))
                .iter()
                .map(|item| string(item, what).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn hooks() -> Vec<Hook> {
    let manifest: Value = serde_yaml::from_str(HOOKS).expect(".pre-commit-hooks.yaml is YAML");
    let hooks = manifest.as_sequence().expect("a list of hooks");
    hooks
        .iter()
        .map(|hook| {
            let hook = mapping(hook, "a hook");
            let id = string(get(hook, "id", "a hook"), "id").to_owned();
            for key in ["name", "description"] {
                string(get(hook, key, &id), key);
            }
            assert_eq!(string(get(hook, "language", &id), "language"), "rust", "{id}");
            let files = string(get(hook, "files", &id), "files");
            assert!(
                files.ends_with(r"\.crmpol$"),
                "{id}: runs on policy files, not `{files}`"
            );
            Hook {
                entry: string(get(hook, "entry", &id), "entry")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                args: strings(hook.get("args"), &id),
                pass_filenames: hook.get("pass_filenames").and_then(Value::as_bool).unwrap_or(true),
                id,
            }
        })
        .collect()
}

/// What pre-commit runs: the entry, the arguments, then the file names.
fn assert_hook_command_parses(entry: &[String], args: &[String], pass_filenames: bool, place: &str) {
    assert_eq!(entry.first().map(String::as_str), Some("crmpol"), "{place}");
    let mut words: Vec<String> = entry.iter().chain(args).cloned().collect();
    if pass_filenames {
        words.extend(["policies/sales.crmpol".to_owned(), "policies/main.crmpol".to_owned()]);
    }
    if let Some(error) = refused(&words) {
        panic!("{place}: crmpol refuses `{}`:\n{error}", words.join(" "));
    }
}

#[test]
fn the_hooks_run_commands_crmpol_accepts() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|hook| hook.id.as_str()).collect();
    assert_eq!(ids, ["crmpol-check", "crmpol-fmt"]);
    for hook in &hooks {
        assert_hook_command_parses(&hook.entry, &hook.args, hook.pass_filenames, &hook.id);
    }
    // docs/ci.md, "Why crmpol-check checks the whole set".
    let check = &hooks[0];
    assert_eq!(
        (check.entry.join(" "), check.pass_filenames),
        ("crmpol check".to_owned(), false)
    );
    let fmt = &hooks[1];
    assert_eq!(
        (fmt.entry.join(" "), fmt.pass_filenames),
        ("crmpol fmt".to_owned(), true)
    );
}

#[test]
fn the_pre_commit_configurations_use_hooks_that_exist() {
    let hooks = hooks();
    let mut used = 0;
    for (file, example) in examples() {
        let Example::PreCommitConfig(config) = example else {
            continue;
        };
        let repos = get(mapping(&config, &file), "repos", &file)
            .as_sequence()
            .unwrap_or_else(|| panic!("{file}: repos is not a list"));
        for repo in repos {
            let repo = mapping(repo, &file);
            let local = string(get(repo, "repo", &file), "repo") == "local";
            if !local {
                string(get(repo, "rev", &file), "rev");
            }
            let listed = get(repo, "hooks", &file).as_sequence().expect("a list of hooks");
            for used_hook in listed {
                let used_hook = mapping(used_hook, &file);
                let id = string(get(used_hook, "id", &file), "id");
                let place = format!("{file}: hook {id}");
                let args = used_hook.get("args").map(|args| strings(Some(args), &place));
                if local {
                    let entry: Vec<String> = string(get(used_hook, "entry", &place), "entry")
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect();
                    let pass_filenames = used_hook.get("pass_filenames").and_then(Value::as_bool).unwrap_or(true);
                    assert_hook_command_parses(&entry, &args.unwrap_or_default(), pass_filenames, &place);
                } else {
                    let hook = hooks
                        .iter()
                        .find(|hook| hook.id == id)
                        .unwrap_or_else(|| panic!("{place}: no such hook in .pre-commit-hooks.yaml"));
                    // A configuration's `args` replace the hook's own.
                    let args = args.unwrap_or_else(|| hook.args.clone());
                    assert_hook_command_parses(&hook.entry, &args, hook.pass_filenames, &place);
                }
                used += 1;
            }
        }
    }
    assert!(used >= 4, "docs/ci.md configures the hooks ({used} found)");
}
