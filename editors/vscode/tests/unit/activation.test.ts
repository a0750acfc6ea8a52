// The bundled extension (out/extension.js, from `npm run build`) under plain
// node, with a stand-in for the `vscode` module and stand-ins for the crmpol
// binary: what the person sees when the binary is missing, when it has no
// `lsp` command, and that a working server is started, restarted and stopped.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import * as vscode from "./fake-vscode";

const BUNDLE = path.resolve(__dirname, "..", "extension.js");

interface Extension {
  activate(context: { subscriptions: Array<{ dispose(): unknown }> }): Promise<void>;
  deactivate(): Promise<void>;
}

/** A language server that answers `initialize` and `shutdown`, and logs each message's method. */
const FAKE_SERVER = `
const fs = require("fs");
const log = (line) => fs.appendFileSync(process.env.CRMPOL_FAKE_LOG, line + "\\n");
log("started " + process.argv.slice(2).join(" "));
let buffer = Buffer.alloc(0);
const send = (message) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
  process.stdout.write("Content-Length: " + body.length + "\\r\\n\\r\\n");
  process.stdout.write(body);
};
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\\r\\n\\r\\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    log(message.method);
    if (message.method === "initialize") send({ id: message.id, result: { capabilities: {} } });
    if (message.method === "shutdown") send({ id: message.id, result: null });
    if (message.method === "exit") process.exit(0);
  }
});
`;

/**
 * When the server exits while starting, vscode-languageclient 9 leaves two
 * promises of its own rejected with nobody waiting on them; VS Code only
 * logs such rejections. Those two are expected here, any other is a failure.
 */
const EXPECTED_REJECTIONS = [
  /^Pending response rejected since connection got disposed$/,
  /^Client is not running and can't be stopped\. It's current state is: starting$/,
];
const rejections: unknown[] = [];
const testRunnerHandlers = process.listeners("unhandledRejection");
const recordRejection = (reason: unknown) => rejections.push(reason);

let folder: string;
let logFile: string;
let extension: Extension;
const subscriptions: Array<{ dispose(): unknown }> = [];
const loadModule = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;

function executable(name: string, text: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `#!${process.execPath}\n${text}`, { mode: 0o755 });
  return file;
}

const logged = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n") : []);
const errors = () => vscode.fake.shown.filter((shown) => shown.severity === "error").map((shown) => shown.message);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    assert.ok(waited < 5000, `timed out waiting for ${what}; log: ${logged().join(", ")}`);
    await settle(20);
  }
}

describe("the bundled extension", { skip: process.platform === "win32" }, () => {
  before(() => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` first`);
    (Module as unknown as { _load: unknown })._load = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? vscode : loadModule.call(this, request, ...rest);
    };
    extension = require(BUNDLE) as Extension;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "crmpol-vscode-"));
    logFile = path.join(folder, "server.log");
    process.env.CRMPOL_FAKE_LOG = logFile;
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", recordRejection);
  });

  after(() => {
    process.off("unhandledRejection", recordRejection);
    testRunnerHandlers.forEach((handler) => process.on("unhandledRejection", handler));
    (Module as unknown as { _load: unknown })._load = loadModule;
    fs.rmSync(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await extension.deactivate();
    subscriptions.splice(0).forEach((subscription) => subscription.dispose());
    vscode.fake.reset();
    fs.rmSync(logFile, { force: true });
  });

  it("says once, naming crmpol.path, that the binary was not found", async () => {
    vscode.fake.settings.set("crmpol.path", path.join(folder, "no-such-crmpol"));
    await extension.activate({ subscriptions });
    await settle(200);
    assert.deepEqual(errors(), [
      `crmpol: cannot start the language server: "${path.join(folder, "no-such-crmpol")}" is not an executable file. ` +
        'Install crmpol, or set "crmpol.path" to the crmpol binary.',
    ]);
  });

  it("says once, naming crmpol.path, that a crmpol without `lsp` did not start", async () => {
    const old = executable(
      "crmpol-old",
      `require("fs").appendFileSync(process.env.CRMPOL_FAKE_LOG, "started\\n");
       console.error("error: unrecognized subcommand 'lsp'"); process.exit(2);`,
    );
    vscode.fake.settings.set("crmpol.path", old);
    await extension.activate({ subscriptions });
    await settle(500);
    assert.deepEqual(logged(), ["started"], "started once, not restarted");
    const shown = errors();
    assert.equal(shown.length, 1, `one message, not ${JSON.stringify(shown)}`);
    assert.match(shown[0], new RegExp(`^crmpol: the language server "${old} lsp" did not start \\(`));
    assert.match(shown[0], /set "crmpol\.path" to a crmpol binary that has the "lsp" command\.$/i);
    assert.deepEqual(vscode.fake.shown, [{ severity: "error", message: shown[0] }], "and no other message");
    // Which the client notices first, the exit or the closed pipe, varies.
    assert.match(shown[0], /\((Server process exited with code 2|it exited while starting)\)/);
  });

  it("leaves no rejected promise of its own unhandled", () => {
    for (const reason of rejections) {
      const message = reason instanceof Error ? reason.message : String(reason);
      assert.ok(
        EXPECTED_REJECTIONS.some((expected) => expected.test(message)),
        `unexpected unhandled rejection: ${message}`,
      );
    }
  });

  it("starts `crmpol lsp`, restarts it on the command and on a new crmpol.path, and stops it", async () => {
    vscode.fake.settings.set("crmpol.path", executable("crmpol", FAKE_SERVER));
    await extension.activate({ subscriptions });
    await until(() => logged().includes("initialized"), "the server to be initialized");
    assert.deepEqual(logged(), ["started lsp", "initialize", "initialized"]);

    await vscode.commands.executeCommand("crmpol.restartServer");
    await until(() => logged().filter((line) => line === "initialized").length === 2, "the restart");
    assert.deepEqual(logged().slice(3), ["shutdown", "exit", "started lsp", "initialize", "initialized"]);

    const other = executable("crmpol-other", FAKE_SERVER);
    vscode.fake.settings.set("crmpol.path", other);
    vscode.fake.configurationChanged.fire({ affectsConfiguration: (section) => section === "crmpol.path" });
    await until(() => logged().filter((line) => line === "initialized").length === 3, "the restart");
    vscode.fake.configurationChanged.fire({ affectsConfiguration: (section) => section === "editor.tabSize" });

    await extension.deactivate();
    await until(() => logged().at(-1) === "exit", "the server to exit");
    assert.equal(logged().at(-2), "shutdown");
    assert.equal(logged().filter((line) => line.startsWith("started")).length, 3, "no restart for other settings");
    assert.deepEqual(vscode.fake.shown, []);
  });
});
