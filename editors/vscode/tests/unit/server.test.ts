// How the extension finds the server binary from `crmpol.path`.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_COMMAND,
  type Environment,
  hostEnvironment,
  notFoundMessage,
  resolveServer,
  startFailedMessage,
} from "../../src/server";

/** A machine on which exactly `executables` can be run. */
function machine(executables: string[], overrides: Partial<Environment> = {}): Environment {
  return {
    platform: "linux",
    env: { PATH: "/usr/local/bin:/usr/bin" },
    homedir: "/home/ops",
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

describe("resolveServer", () => {
  it("runs `crmpol lsp` from PATH when the setting is unset or blank", () => {
    const env = machine(["/usr/bin/crmpol"]);
    for (const configured of [undefined, "", "   ", DEFAULT_COMMAND]) {
      assert.deepEqual(resolveServer(configured, env), { found: true, command: "/usr/bin/crmpol", args: ["lsp"] });
    }
  });

  it("takes the first PATH entry that has the binary, skipping empty entries", () => {
    const env = machine(["/usr/local/bin/crmpol", "/usr/bin/crmpol"], { env: { PATH: "::/usr/local/bin:/usr/bin" } });
    assert.deepEqual(resolveServer("crmpol", env), { found: true, command: "/usr/local/bin/crmpol", args: ["lsp"] });
  });

  it("looks another bare name up on PATH too", () => {
    const env = machine(["/usr/bin/crmpol-nightly"]);
    assert.equal(resolveServer("crmpol-nightly", env).found, true);
  });

  it("says what was looked for when PATH has no such binary", () => {
    const result = resolveServer(undefined, machine([], { env: {} }));
    assert.deepEqual(result, { found: false, reason: '"crmpol" was not found on PATH' });
  });

  it("does not search PATH for a file that is only named like it", () => {
    const env = machine(["/usr/bin/crmpol"]);
    assert.equal(resolveServer("/opt/crmpol/bin/crmpol", env).found, false);
  });

  it("uses an absolute path as it is, if it can be executed", () => {
    const env = machine(["/opt/crmpol/bin/crmpol"]);
    assert.deepEqual(resolveServer(" /opt/crmpol/bin/crmpol ", env), {
      found: true,
      command: "/opt/crmpol/bin/crmpol",
      args: ["lsp"],
    });
    assert.deepEqual(resolveServer("/opt/crmpol/bin/missing", env), {
      found: false,
      reason: '"/opt/crmpol/bin/missing" is not an executable file',
    });
  });

  it("expands a leading ~ to the home folder", () => {
    const env = machine(["/home/ops/.cargo/bin/crmpol"]);
    assert.deepEqual(resolveServer("~/.cargo/bin/crmpol", env), {
      found: true,
      command: "/home/ops/.cargo/bin/crmpol",
      args: ["lsp"],
    });
    assert.equal(resolveServer("~user/crmpol", env).found, false, "only ~ alone or ~/ is the home folder");
  });

  it("takes a relative path from the workspace folder, and needs one", () => {
    const built = "/work/policies/target/release/crmpol";
    const withFolder = machine([built], { workspaceFolder: "/work/policies" });
    assert.deepEqual(resolveServer("target/release/crmpol", withFolder), { found: true, command: built, args: ["lsp"] });
    assert.deepEqual(resolveServer("./target/release/crmpol", withFolder), { found: true, command: built, args: ["lsp"] });
    assert.deepEqual(resolveServer("target/release/crmpol", machine([built])), {
      found: false,
      reason: 'the relative path "target/release/crmpol" needs an open workspace folder',
    });
  });

  it("on Windows, reads Path in any case and tries the PATHEXT endings", () => {
    const env = machine(["C:\\tools\\crmpol.exe"], {
      platform: "win32",
      env: { Path: "C:\\Windows;C:\\tools", PATHEXT: ".COM;.EXE" },
      homedir: "C:\\Users\\ops",
    });
    assert.deepEqual(resolveServer(undefined, env), { found: true, command: "C:\\tools\\crmpol.exe", args: ["lsp"] });
    assert.deepEqual(resolveServer("C:\\tools\\crmpol", env), {
      found: true,
      command: "C:\\tools\\crmpol.exe",
      args: ["lsp"],
    });
    assert.equal(resolveServer("C:\\tools\\crmpol.exe", env).found, true);
  });
});

describe("messages", () => {
  it("name the setting to change", () => {
    const missing = notFoundMessage('"crmpol" was not found on PATH');
    assert.match(missing, /"crmpol" was not found on PATH/);
    assert.match(missing, /"crmpol\.path"/);
    const failed = startFailedMessage("/usr/bin/crmpol", new Error("Pending response rejected since connection got disposed"));
    assert.match(failed, /"\/usr\/bin\/crmpol lsp" did not start \(Pending response rejected/);
    assert.match(failed, /"crmpol\.path"/);
    assert.match(startFailedMessage("crmpol", "spawn EACCES"), /\(spawn EACCES\)/);
    assert.match(startFailedMessage("crmpol", new Error("Server process exited with code 2.")), /\(Server process exited with code 2\)\./);
  });
});

describe("hostEnvironment", { skip: process.platform === "win32" }, () => {
  it("counts only files with an execute bit as executable", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "crmpol-vscode-"));
    try {
      const runnable = path.join(folder, "crmpol");
      const plain = path.join(folder, "notes.txt");
      fs.writeFileSync(runnable, "#!/bin/sh\n", { mode: 0o755 });
      fs.writeFileSync(plain, "", { mode: 0o644 });
      const env = hostEnvironment();
      assert.equal(env.isExecutable(runnable), true);
      assert.equal(env.isExecutable(plain), false);
      assert.equal(env.isExecutable(folder), false, "a folder");
      assert.equal(env.isExecutable(path.join(folder, "absent")), false);
      const found = resolveServer("crmpol", { ...env, env: { PATH: folder } });
      assert.deepEqual(found, { found: true, command: runnable, args: ["lsp"] });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
