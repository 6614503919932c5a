//! Bounded reading of every input file (config, `--template`, `${file()}` includes, stdin):
//! at most `limit + 1` bytes are ever read, so `/dev/zero`, an endless pipe or a runaway file
//! costs at most the limit in memory and stops at once. Only regular files are read by name:
//! directories, devices, FIFOs and sockets are refused before a byte is read (stdin, which is
//! often a pipe, is read through [`read_stdin_bounded`]).
//!
//! Nothing here waits: a file is opened without blocking (`O_NONBLOCK`, so a FIFO swapped in
//! for the file does not wait for a writer), its type is checked on what was opened, and it
//! is read without blocking too, so a file that would wait for data (`/proc/kmsg`) is refused
//! rather than hanging the run.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    IsDirectory,
    /// A device, FIFO or socket: reading one may never end (`/dev/zero`, a pipe); or a
    /// file that would block when read (`/proc/kmsg`).
    NotRegular,
    /// More than the limit; at most `limit + 1` bytes were read.
    TooLarge,
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::IsDirectory => f.write_str("is a directory"),
            ReadError::NotRegular => f.write_str(
                "is not a regular file (a device, FIFO or socket, or a file that waits for data like /proc/kmsg)",
            ),
            ReadError::TooLarge => f.write_str("is larger than the limit"),
            ReadError::Io(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            std::io::ErrorKind::IsADirectory => ReadError::IsDirectory,
            _ => ReadError::Io(error),
        }
    }
}

/// Reads the regular file at `path` (following symlinks), refusing it when it holds more than
/// `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    read_file_bounded(&file, limit)
}

/// Opens `path` for reading if it is a regular file. It is opened without blocking (a FIFO
/// would otherwise wait for a writer, and a path swapped for one between a check and the open
/// would hang the run) and without becoming a controlling terminal; the type is checked on
/// what was opened. The file stays non-blocking: a regular file reads as ever, one that would
/// wait for data fails at once (see [`read_file_bounded`]).
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    check_regular(&file.metadata()?)?;
    Ok(file)
}

/// Reads an open regular file (from its current position) with the same bound.
pub fn read_file_bounded(mut file: &File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let size = file.metadata()?.len();
    if size > limit {
        return Err(ReadError::TooLarge);
    }
    // The size is a hint only: the file may grow while it is read, which the bound catches.
    read_to_limit(&mut file, limit, size.saturating_add(1))
}

/// Reads standard input (a file, a pipe or a terminal) with the same bound.
pub fn read_stdin_bounded(limit: u64) -> Result<Vec<u8>, ReadError> {
    // The length of a pipe is unknown: the whole bound is reserved at once, as address
    // space only (pages are touched as they are filled), so that growing the buffer never
    // holds an old and a new copy.
    read_to_limit(&mut std::io::stdin().lock(), limit, limit.saturating_add(1))
}

/// Reads until end of input or `limit + 1` bytes. The buffer never grows past `limit + 1`
/// bytes, so memory stays within the bound even while it is being filled.
fn read_to_limit(reader: &mut impl Read, limit: u64, hint: u64) -> Result<Vec<u8>, ReadError> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(hint).unwrap_or(cap).min(cap))
        .map_err(|_| ReadError::TooLarge)?;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let room = cap - bytes.len();
        if room == 0 {
            return Err(ReadError::TooLarge);
        }
        let wanted = room.min(chunk.len());
        let read = match reader.read(&mut chunk[..wanted]) {
            Ok(0) => return Ok(bytes),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            // Only a non-blocking file that has nothing to give yet (a named input is opened
            // non-blocking; stdin is read as it was given).
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                return Err(ReadError::NotRegular);
            }
            Err(error) => return Err(error.into()),
        };
        if bytes.capacity() - bytes.len() < read {
            // Doubling, but never past the cap: no allocation beyond limit + 1 bytes.
            let grown = (bytes.capacity() * 2).clamp(bytes.len() + read, cap);
            bytes
                .try_reserve_exact(grown - bytes.len())
                .map_err(|_| ReadError::TooLarge)?;
        }
        bytes.extend_from_slice(&chunk[..read]);
    }
}

/// Input bytes that are not UTF-8: where the first bad byte is, and the text with the bad
/// bytes replaced (identical up to that byte, so a diagnostic can point there).
#[derive(Debug)]
pub struct NotUtf8 {
    pub offset: usize,
    pub lossy: String,
}

/// The bytes read as UTF-8 text (every input is).
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|error| NotUtf8 {
        offset: error.utf8_error().valid_up_to(),
        lossy: String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

fn check_regular(metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    let kind = metadata.file_type();
    if kind.is_dir() {
        Err(ReadError::IsDirectory)
    } else if kind.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotRegular)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_the_limit_and_refuses_one_byte_more() {
        let mut input: &[u8] = b"abcd";
        assert_eq!(read_to_limit(&mut input, 4, 0).ok(), Some(b"abcd".to_vec()));
        let mut input: &[u8] = b"abcde";
        assert!(matches!(
            read_to_limit(&mut input, 4, 0),
            Err(ReadError::TooLarge)
        ));
    }

    #[test]
    fn an_endless_reader_stops_at_the_limit() {
        let mut endless = std::io::repeat(0);
        let error = read_to_limit(&mut endless, 1 << 20, 64).expect_err("endless");
        assert!(matches!(error, ReadError::TooLarge));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused() {
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_bounded(Path::new("/"), 10),
            Err(ReadError::IsDirectory)
        ));
        assert!(matches!(
            read_bounded(Path::new("/no/such/file"), 10),
            Err(ReadError::NotFound)
        ));
    }
}
