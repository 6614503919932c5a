//! Reading a file the user named, boundedly: at most `limit` bytes are ever held, and only
//! regular files are read (a directory, a device such as `/dev/zero`, a FIFO or a socket is
//! refused before reading, so nothing can block or stream forever).

use std::io::Read;
use std::path::Path;

/// Why [`read_bounded`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    /// There is no file at that path.
    NotFound,
    /// The path is a directory.
    IsDirectory,
    /// A device, FIFO, socket or other file that is not a regular file.
    NotRegular,
    /// The file holds more than `limit` bytes; the number is how many were seen (at least
    /// `limit + 1`: the rest is not read).
    TooLarge(u64),
    /// Any other I/O failure (permissions, …).
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => formatter.write_str("no such file"),
            ReadError::IsDirectory => formatter.write_str("it is a directory"),
            ReadError::NotRegular => {
                formatter.write_str("it is not a regular file (a device, FIFO or socket)")
            }
            ReadError::TooLarge(size) => write!(
                formatter,
                "it is larger than the limit ({size} bytes or more)"
            ),
            ReadError::Io(error) => write!(formatter, "{error}"),
        }
    }
}

/// Reads the regular file at `path`, refusing it when it holds more than `limit` bytes.
///
/// At most `limit + 1` bytes are read, whatever the file claims its size is (a file can grow
/// while it is read, and `/proc` files report 0).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(from_io)?;
    if metadata.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if !metadata.is_file() {
        return Err(ReadError::NotRegular);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(from_io)?;
    // Checked again on the open file: the path may have been replaced in between.
    let opened = file.metadata().map_err(from_io)?;
    if !opened.is_file() {
        return Err(if opened.is_dir() {
            ReadError::IsDirectory
        } else {
            ReadError::NotRegular
        });
    }
    let capacity = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(from_io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn from_io(error: std::io::Error) -> ReadError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::IsADirectory => ReadError::IsDirectory,
        _ => ReadError::Io(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_small_regular_file() {
        let dir = std::env::temp_dir().join(format!("msk-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("small.yml");
        std::fs::write(&file, "a: 1\n").expect("write");
        assert_eq!(read_bounded(&file, 5).expect("fits"), b"a: 1\n");
        assert!(matches!(
            read_bounded(&file, 4),
            Err(ReadError::TooLarge(5))
        ));
        assert!(matches!(
            read_bounded(&dir, 100),
            Err(ReadError::IsDirectory)
        ));
        assert!(matches!(
            read_bounded(&dir.join("missing.yml"), 100),
            Err(ReadError::NotFound)
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular)
        ));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
