// Which program to run as the language server, from the `crmpol.path`
// setting. Kept free of the `vscode` module so that plain node can test it.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The binary looked up on PATH when `crmpol.path` is not set. */
export const DEFAULT_COMMAND = "crmpol";

/** The subcommand that runs crmpol as a language server over stdio. */
export const SERVER_ARGS: readonly string[] = ["lsp"];

/** What finding the binary depends on, so that tests can supply their own. */
export interface Environment {
  platform: NodeJS.Platform;
  /** Variables the search reads: PATH (Path on Windows) and PATHEXT. */
  env: NodeJS.ProcessEnv;
  homedir: string;
  /** The first workspace folder, which a relative `crmpol.path` is taken from. */
  workspaceFolder?: string;
  /** Whether `file` is a file this user may execute. */
  isExecutable(file: string): boolean;
}

export type Resolution =
  | { found: true; command: string; args: readonly string[] }
  | { found: false; reason: string };

/** The environment of the running extension host. */
export function hostEnvironment(workspaceFolder?: string): Environment {
  return {
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    workspaceFolder,
    isExecutable: (file) => {
      try {
        if (!fs.statSync(file).isFile()) {
          return false;
        }
        if (process.platform !== "win32") {
          fs.accessSync(file, fs.constants.X_OK);
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Finds the server binary for a `crmpol.path` value: empty means `crmpol`
 * on PATH; a bare name is looked up on PATH; a path may start with `~`, and
 * a relative one is taken from the workspace folder.
 */
export function resolveServer(configured: string | undefined, environment: Environment): Resolution {
  const paths = environment.platform === "win32" ? path.win32 : path.posix;
  const written = (configured ?? "").trim() || DEFAULT_COMMAND;
  const value = expandHome(written, environment, paths);
  const isPath = paths.isAbsolute(value) || value.includes("/") || (environment.platform === "win32" && value.includes("\\"));

  if (!isPath) {
    const search = pathDirectories(environment, paths);
    for (const directory of search) {
      const hit = firstExecutable(paths.join(directory, value), environment, paths);
      if (hit !== undefined) {
        return { found: true, command: hit, args: SERVER_ARGS };
      }
    }
    return { found: false, reason: `"${value}" was not found on PATH` };
  }

  let file = value;
  if (!paths.isAbsolute(value)) {
    if (environment.workspaceFolder === undefined) {
      return { found: false, reason: `the relative path "${value}" needs an open workspace folder` };
    }
    file = paths.resolve(environment.workspaceFolder, value);
  }
  const hit = firstExecutable(file, environment, paths);
  if (hit !== undefined) {
    return { found: true, command: hit, args: SERVER_ARGS };
  }
  return { found: false, reason: `"${file}" is not an executable file` };
}

/** The error shown when the binary cannot be found; it names the setting. */
export function notFoundMessage(reason: string): string {
  return `crmpol: cannot start the language server: ${reason}. Install crmpol, or set "crmpol.path" to the crmpol binary.`;
}

/** The error shown when the binary was found but `crmpol lsp` did not start. */
export function startFailedMessage(command: string, error: unknown): string {
  const detail = (error instanceof Error ? error.message : String(error)).trim().replace(/\.$/, "");
  return `crmpol: the language server "${command} ${SERVER_ARGS.join(" ")}" did not start (${detail}). Set "crmpol.path" to a crmpol binary that has the "lsp" command.`;
}

function expandHome(value: string, environment: Environment, paths: path.PlatformPath): string {
  if (value === "~") {
    return environment.homedir;
  }
  if (value.startsWith("~/") || (environment.platform === "win32" && value.startsWith("~\\"))) {
    return paths.join(environment.homedir, value.slice(2));
  }
  return value;
}

function pathDirectories(environment: Environment, paths: path.PlatformPath): string[] {
  const variable =
    environment.platform === "win32"
      ? Object.entries(environment.env).find(([name]) => name.toUpperCase() === "PATH")?.[1]
      : environment.env.PATH;
  return (variable ?? "").split(paths.delimiter).filter((directory) => directory !== "");
}

/** `file` itself, or on Windows `file` with one of the PATHEXT endings. */
function firstExecutable(file: string, environment: Environment, paths: path.PlatformPath): string | undefined {
  const candidates = [file];
  if (environment.platform === "win32" && paths.extname(file) === "") {
    const endings = (environment.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((ending) => ending !== "");
    candidates.unshift(...endings.map((ending) => file + ending.toLowerCase()));
  }
  return candidates.find((candidate) => environment.isExecutable(candidate));
}
