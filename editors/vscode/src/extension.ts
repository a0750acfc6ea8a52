// The crmpol extension: runs `crmpol lsp` over stdio for `*.crmpol` files.

import * as vscode from "vscode";
import { CloseAction, type CloseHandlerResult, LanguageClient, type ServerOptions, State } from "vscode-languageclient/node";
import { hostEnvironment, notFoundMessage, resolveServer, startFailedMessage } from "./server";

const OPEN_SETTINGS = "Open Settings";
const SHOW_OUTPUT = "Show Output";
const EXITED_WHILE_STARTING = "it exited while starting";

/**
 * While it starts, the client reports nothing itself: a failed start ends in
 * one message from this extension, which names the setting to change.
 */
class CrmpolLanguageClient extends LanguageClient {
  private starting = false;
  private startError: Error | undefined;

  override async start(): Promise<void> {
    this.starting = true;
    this.startError = undefined;
    try {
      await super.start();
    } finally {
      this.starting = false;
    }
    // A server that exits while starting leaves the client stopped, but its
    // `start` resolves all the same.
    if (this.state !== State.Running) {
      throw this.startError ?? new Error(EXITED_WHILE_STARTING);
    }
  }

  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    if (this.starting) {
      this.startError ??= data instanceof Error ? data : new Error(message);
    }
    super.error(message, data, this.starting ? false : showNotification);
  }
}

/** Starts, stops and restarts the one language client, one step at a time. */
class Server implements vscode.Disposable {
  private client: CrmpolLanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly watcher: vscode.FileSystemWatcher,
  ) {}

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async doStart(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === "file");
    const configured = vscode.workspace.getConfiguration("crmpol").get<string>("path");
    const resolution = resolveServer(configured, hostEnvironment(folder?.uri.fsPath));
    if (!resolution.found) {
      this.fail(notFoundMessage(resolution.reason), [OPEN_SETTINGS]);
      return;
    }

    // No `transport`: with `TransportKind.stdio` the client would add `--stdio` to the arguments.
    const executable = { command: resolution.command, args: [...resolution.args] };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const client: CrmpolLanguageClient = new CrmpolLanguageClient("crmpol", "crmpol", serverOptions, {
      documentSelector: [
        { scheme: "file", language: "crmpol" },
        { scheme: "untitled", language: "crmpol" },
      ],
      // The policy set is every `*.crmpol` under the folder, open or not.
      synchronize: { fileEvents: this.watcher },
      outputChannel: this.output,
      errorHandler: {
        error: (error, message, count) => crashes.error(error, message, count),
        // A server that exits before it is up is not restarted: the start failed.
        closed: (): CloseHandlerResult | Promise<CloseHandlerResult> =>
          client.state === State.Running
            ? crashes.closed()
            : { action: CloseAction.DoNotRestart, handled: true, message: EXITED_WHILE_STARTING },
      },
      initializationFailedHandler: () => false,
    });
    const crashes = client.createDefaultErrorHandler(4);

    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      this.fail(startFailedMessage(resolution.command, error), [SHOW_OUTPUT, OPEN_SETTINGS]);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.dispose();
    } catch (error) {
      // A client that failed or is still starting cannot be stopped cleanly.
      this.output.appendLine(`crmpol: stopping the language server failed: ${String(error)}`);
    }
  }

  /** Logs the message and shows it once, with buttons that lead to the fix. */
  private fail(message: string, actions: string[]): void {
    this.output.appendLine(message);
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === OPEN_SETTINGS) {
        void vscode.commands.executeCommand("workbench.action.openSettings", "crmpol.path");
      } else if (choice === SHOW_OUTPUT) {
        this.output.show(true);
      }
    });
  }
}

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("crmpol");
  const watcher = vscode.workspace.createFileSystemWatcher("**/*.crmpol");
  server = new Server(output, watcher);
  context.subscriptions.push(
    output,
    watcher,
    server,
    vscode.commands.registerCommand("crmpol.restartServer", () => server?.restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("crmpol.path")) {
        void server?.restart();
      }
    }),
    // A workspace's own `crmpol.path` counts only once the workspace is trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server?.restart()),
  );
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
