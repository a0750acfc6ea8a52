// The manifest and the files it names agree with each other.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_COMMAND } from "../../src/server";

const PACKAGE = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(PACKAGE, file), "utf8");
const manifest = JSON.parse(read("package.json"));

describe("package.json", () => {
  it("contributes the crmpol language with its configuration and grammar", () => {
    const [language] = manifest.contributes.languages;
    assert.equal(language.id, "crmpol");
    assert.deepEqual(language.extensions, [".crmpol"]);
    JSON.parse(read(language.configuration));

    const [contributed] = manifest.contributes.grammars;
    const grammar = JSON.parse(read(contributed.path));
    assert.equal(contributed.language, "crmpol");
    assert.equal(contributed.scopeName, "source.crmpol");
    assert.equal(grammar.scopeName, contributed.scopeName);
    assert.deepEqual(manifest.activationEvents, ["onLanguage:crmpol"]);
  });

  it("declares the settings the extension and the language client read", () => {
    const settings = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(settings).sort(), ["crmpol.path", "crmpol.trace.server"]);
    assert.equal(settings["crmpol.path"].default, DEFAULT_COMMAND);
    assert.deepEqual(settings["crmpol.trace.server"].enum, ["off", "messages", "verbose"]);
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ["crmpol.path"]);
    const source = read("src/extension.ts");
    assert.match(source, /getConfiguration\("crmpol"\)\.get<string>\("path"\)/);
    assert.match(source, /new CrmpolLanguageClient\("crmpol"/, "the client id makes it read crmpol.trace.server");
  });

  it("registers every command it contributes", () => {
    const source = read("src/extension.ts");
    for (const { command } of manifest.contributes.commands) {
      assert.ok(source.includes(`registerCommand("${command}"`), command);
    }
  });

  it("asks for the VS Code that vscode-languageclient needs, and types no newer", () => {
    const client = JSON.parse(read("node_modules/vscode-languageclient/package.json"));
    assert.equal(manifest.engines.vscode, client.engines.vscode);
    const types = JSON.parse(read("node_modules/@types/vscode/package.json"));
    assert.equal(`^${types.version}`, manifest.engines.vscode);
  });

  it("points main at the bundle that .vscodeignore keeps", () => {
    assert.equal(manifest.main, "./out/extension.js");
    assert.match(read(".vscodeignore"), /^!out\/extension\.js$/m);
  });
});
