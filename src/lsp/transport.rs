//! Standard input and output as a [`Connection`], tolerant of bad input.
//!
//! `lsp-server`'s own stdio transport stops reading at the first message it
//! cannot parse. A client that sends one malformed message should get a
//! server that logs it and goes on, so this reader skips such a message
//! (its body has been read whole, so the next one starts cleanly) and stops
//! only when the input ends or cannot be read.

use lsp_server::{Connection, Message};
use std::io::{BufReader, ErrorKind, Write};
use std::thread::JoinHandle;

/// The reader and writer threads behind a stdio connection.
pub struct IoThreads {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl IoThreads {
    /// Waits for the writer to send what is left. The reader may be blocked
    /// on input that never comes; it ends with the process.
    pub fn join(self) {
        let _ = self.writer.join();
        drop(self.reader);
    }
}

pub fn stdio() -> (Connection, IoThreads) {
    let (to_server, receiver) = crossbeam_channel::unbounded::<Message>();
    let (sender, from_server) = crossbeam_channel::unbounded::<Message>();
    let reader = std::thread::spawn(move || {
        let mut input = BufReader::new(std::io::stdin().lock());
        loop {
            match Message::read(&mut input) {
                Ok(Some(message)) => {
                    if to_server.send(message).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) if error.kind() == ErrorKind::InvalidData => {
                    eprintln!("crmpol lsp: skipped a message that is not LSP: {error}");
                }
                Err(error) => {
                    eprintln!("crmpol lsp: cannot read standard input: {error}");
                    break;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let mut output = std::io::stdout().lock();
        for message in from_server {
            if message.write(&mut output).is_err() {
                break;
            }
        }
        let _ = output.flush();
    });
    (Connection { sender, receiver }, IoThreads { reader, writer })
}
