// The grammar against the repository's own policies: the example policy set
// in policies/ and the policy examples of the README and docs/language.md,
// all of which crmpol compiles without an error (tests/docs.rs checks that).
// Every line of them must be read as the statement it is.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const PACKAGE = path.resolve(__dirname, "..", "..");
const REPOSITORY = path.resolve(PACKAGE, "..", "..");

/** Each example as a name and its text. */
function examples(): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (entry.name.endsWith(".crmpol")) {
        found.push([path.relative(REPOSITORY, file), fs.readFileSync(file, "utf8")]);
      }
    }
  };
  walk(path.join(REPOSITORY, "policies"));
  for (const document of ["README.md", "docs/language.md"]) {
    const blocks = fs.readFileSync(path.join(REPOSITORY, document), "utf8").split(/^```crmpol\n/m).slice(1);
    blocks.forEach((block, index) => found.push([`${document}, example ${index + 1}`, block.split(/^```/m)[0]]));
  }
  return found;
}

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.crmpol") {
        return null;
      }
      const file = path.join(PACKAGE, "syntaxes", "crmpol.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const loaded = await registry.loadGrammar("source.crmpol");
  assert.ok(loaded, "the grammar loads");
  grammar = loaded;
});

/** What the grammar makes of a statement line: the scopes of each token. */
function readLine(line: string, state: textmate.StackElement) {
  const result = grammar.tokenizeLine(line, state);
  const tokens = result.tokens.map((token) => ({
    text: line.slice(token.startIndex, token.endIndex),
    scopes: token.scopes,
  }));
  return { tokens, state: result.ruleStack };
}

const has = (scopes: string[], prefix: string) => scopes.some((scope) => scope.startsWith(prefix));

describe("the example policies", () => {
  const all = examples();

  it("are found", () => {
    assert.ok(all.length >= 8, `only ${all.length} examples`);
  });

  for (const [name, text] of all) {
    it(`${name}: every line is read as a statement or comment, and values as values`, () => {
      let state = textmate.INITIAL;
      text.split("\n").forEach((line, index) => {
        const where = `${name}:${index + 1}: ${line}`;
        const read = readLine(line, state);
        state = read.state;
        const code = read.tokens.filter((token) => token.text.trim() !== "");
        if (code.length === 0) {
          return;
        }
        for (const token of code) {
          assert.ok(!has(token.scopes, "invalid."), `${where}: "${token.text}" is marked invalid`);
        }
        const first = code[0].scopes;
        assert.ok(has(first, "meta.statement.") || has(first, "comment.line."), `${where}: not read as a statement`);
        // A value may be several tokens (`option` and its number) but is one run of them.
        const isValue = read.tokens.map((token) => has(token.scopes, "constant.language."));
        const values = isValue.filter((value, at) => value && !isValue[at - 1]);
        if (has(first, "meta.statement.setting.") || has(first, "meta.statement.crm.")) {
          assert.equal(values.length, 1, `${where}: the value is not recognised`);
        } else {
          assert.equal(values.length, 0, `${where}: a value where none belongs`);
        }
      });
    });
  }
});
