// Just enough of the `vscode` module for the bundled extension and its
// language client to start, talk to a server and stop, under plain node.
// It records what a person would see: error, warning and info messages.

type Listener<T> = (event: T) => unknown;

export class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  constructor(private readonly callback: () => unknown) {}
  dispose(): void {
    this.callback();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (event) => listener.call(thisArg, event);
    this.listeners.add(bound);
    const disposable = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(disposable);
    return disposable;
  };
  fire(event: T): void {
    [...this.listeners].forEach((listener) => listener(event));
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class CancellationError extends Error {}

export class CancellationTokenSource {
  private emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(path: string): Uri {
    return new Uri("file", path);
  }
  static parse(value: string): Uri {
    return value.startsWith("file://") ? new Uri("file", decodeURIComponent(value.slice(7))) : new Uri("untitled", value);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return this.scheme === "file" ? `file://${encodeURI(this.fsPath)}` : this.fsPath;
  }
}

// Classes the language client extends at load time; never used here.
export class CallHierarchyItem {}
export class CodeAction {}
export class CodeLens {}
export class CompletionItem {}
export class Diagnostic {}
export class DocumentLink {}
export class InlayHint {}
export class SymbolInformation {}
export class TypeHierarchyItem {}

export class TabInputText {}
export class TabInputTextDiff {}
export class TabInputCustom {}
export const CodeActionKind = Object.fromEntries(
  ["Empty", "QuickFix", "Refactor", "RefactorExtract", "RefactorInline", "RefactorRewrite", "Source", "SourceOrganizeImports"].map(
    (kind) => [kind, { value: kind }],
  ),
);
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };

export const version = "1.82.0";

const noEvent = (): Disposable => new Disposable(() => undefined);

/** What the extension showed, and what the test controls. */
export const fake = {
  settings: new Map<string, unknown>(),
  shown: [] as Array<{ severity: "error" | "warning" | "info"; message: string }>,
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  configurationChanged: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  reset(): void {
    this.settings.clear();
    this.shown.length = 0;
  },
};

const outputChannel = (name: string) => ({
  name,
  lines: [] as string[],
  append(text: string) {
    this.lines.push(text);
  },
  appendLine(text: string) {
    this.lines.push(text);
  },
  replace() {},
  clear() {},
  show() {},
  hide() {},
  dispose() {},
});

const show =
  (severity: "error" | "warning" | "info") =>
  async (message: string): Promise<undefined> => {
    fake.shown.push({ severity, message });
    return undefined;
  };

export const window = {
  activeTextEditor: undefined,
  visibleTextEditors: [],
  tabGroups: { all: [], onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
  onDidChangeActiveTextEditor: noEvent,
  onDidChangeVisibleTextEditors: noEvent,
  createOutputChannel: outputChannel,
  showErrorMessage: show("error"),
  showWarningMessage: show("warning"),
  showInformationMessage: show("info"),
  withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => unknown) =>
    task({ report() {} }, new CancellationTokenSource().token),
};

export const workspace = {
  workspaceFolders: undefined,
  textDocuments: [],
  notebookDocuments: [],
  getConfiguration: (section?: string) => ({
    get: <T>(key: string, fallback?: T): T | undefined => {
      const name = section ? `${section}.${key}` : key;
      return fake.settings.has(name) ? (fake.settings.get(name) as T) : fallback;
    },
    has: (key: string) => fake.settings.has(section ? `${section}.${key}` : key),
  }),
  onDidChangeConfiguration: fake.configurationChanged.event,
  onDidGrantWorkspaceTrust: noEvent,
  onDidChangeWorkspaceFolders: noEvent,
  onDidOpenTextDocument: noEvent,
  onDidCloseTextDocument: noEvent,
  onDidChangeTextDocument: noEvent,
  onDidSaveTextDocument: noEvent,
  onWillSaveTextDocument: noEvent,
  createFileSystemWatcher: () => ({
    onDidCreate: noEvent,
    onDidChange: noEvent,
    onDidDelete: noEvent,
    dispose() {},
  }),
};

export const languages = {
  match: () => 0,
  createDiagnosticCollection: (name: string) => ({
    name,
    set() {},
    delete() {},
    clear() {},
    forEach() {},
    dispose() {},
  }),
};

export const commands = {
  registerCommand: (command: string, callback: (...args: unknown[]) => unknown) => {
    fake.commands.set(command, callback);
    return new Disposable(() => fake.commands.delete(command));
  },
  executeCommand: async (command: string, ...args: unknown[]) => fake.commands.get(command)?.(...args),
};

export const env = { language: "en", appName: "fake VS Code", openExternal: async () => false };
