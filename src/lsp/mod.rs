//! `crmpol lsp`: the language server.
//!
//! In: LSP 3.17 messages over standard input (or any [`Connection`], for
//! tests). Out: responses and published diagnostics. This layer only
//! converts and dispatches: the policy sets live in
//! [`crate::workspace::folders`], the answers come from [`crate::query`],
//! and [`convert`] turns byte spans into the client's positions and back.
//!
//! Messages are handled one at a time, in order (rust-analyzer's and ruff's
//! model, on `lsp-server`): a request is answered from the text as every
//! change before it left it, so no answer is ever about an older version.
//! Diagnostics are published once the messages waiting have been handled,
//! so a burst of keystrokes is checked once.

mod convert;
mod requests;
mod server;
mod transport;

pub use lsp_server::Connection;
pub use server::Server;

/// Serves one client over standard input and output until it exits.
/// Returns the process's exit status: 0 after `shutdown` then `exit`, 1
/// when the client exits without `shutdown` or the input ends first.
pub fn serve_stdio() -> u8 {
    let (connection, io_threads) = transport::stdio();
    let status = serve(connection);
    io_threads.join();
    status
}

/// Serves one client on `connection`; the exit status as for
/// [`serve_stdio`].
pub fn serve(connection: Connection) -> u8 {
    match Server::initialize(connection) {
        Ok(server) => server.run(),
        Err(error) => {
            eprintln!("crmpol lsp: {error}");
            1
        }
    }
}
