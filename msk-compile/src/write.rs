//! Replacing an output file safely: readers see the old or the new content, never a part;
//! nothing is ever written through a name someone else could have planted; the file keeps
//! its mode (and owner, where permitted); a symlink's target is what gets replaced; a file
//! without write permission is refused; an interrupted run leaves no temporary file.
//!
//! How: the content goes to a temporary file created exclusively (`O_CREAT|O_EXCL`, random
//! name) in the target's own directory, is synced, takes the target's mode and owner, and is
//! renamed over the target; then the directory is synced. Hard links to the old file keep
//! the old content (the name is given a new file; the old one is not rewritten).
//! [`remove_temporary_files_on_signals`] makes SIGTERM, SIGHUP and SIGINT remove the
//! temporary file before the process ends. [`lock_and_read`] serializes `--in-place` runs.

use std::fs::{File, Metadata};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::diag::Code;
use crate::load::read::{ReadError, read_file_bounded};

/// A failure to read or write a file named on the command line (exit status 2).
#[derive(Debug)]
pub struct FileError {
    pub code: Code,
    pub message: String,
}

impl FileError {
    fn new(code: Code, message: String) -> Self {
        FileError { code, message }
    }

    fn io(path: &Path, error: &std::io::Error) -> Self {
        FileError::new(
            Code::Io,
            format!("cannot write {}: {error}", path.display()),
        )
    }
}

/// The temporary file being written, if any: what a signal must remove.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// From now on, SIGTERM, SIGHUP and SIGINT remove the temporary file of a write in progress,
/// then end the process as the signal would have. Call once, before writing; a library
/// caller that handles signals itself need not.
pub fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".to_owned())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the process ends: a rename in progress finishes first, and
                    // no new temporary file can be registered after this removal.
                    let pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(path) = pending.as_ref() {
                        let _ = std::fs::remove_file(path);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// An exclusive advisory lock (`flock`) on a template being rewritten in place, held until
/// dropped. A second `--in-place` run on the same file waits for the first to finish, then
/// reads the file the first one wrote.
#[derive(Debug)]
pub struct TemplateLock {
    _file: File,
}

/// Locks the file at `path` and reads it (at most `limit` bytes). Waits while another run
/// holds the lock; if the file was replaced meanwhile, locks and reads the new one.
pub fn lock_and_read(path: &Path, limit: u64) -> Result<(TemplateLock, Vec<u8>), ReadError> {
    loop {
        let file = crate::load::read::open_regular(path)?;
        file.lock()?;
        // The lock is on the file, not the name: a run that held it may have renamed a new
        // file over the name, and the one locked here would be the old one.
        if same_file(&file.metadata()?, &std::fs::metadata(path)?) {
            let bytes = read_file_bounded(&file, limit)?;
            return Ok((TemplateLock { _file: file }, bytes));
        }
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    true
}

/// Replaces the file at `path` (or, for a symlink, the file it points to) with what `write`
/// produces, atomically.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let target = resolve_symlinks(path)?;
    let existing = match std::fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(FileError::io(path, &error)),
    };
    if let Some(metadata) = &existing {
        refuse_unwritable(path, &target, metadata)?;
    }
    let directory = target
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{file_name}.");
    // Created and registered under one lock: a signal arriving in between would otherwise
    // find nothing registered and leave the new file behind.
    let temporary = {
        let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        let temporary = temporary_file_builder(existing.as_ref())
            .prefix(&prefix)
            .tempfile_in(directory)
            .map_err(|error| FileError::io(path, &error))?;
        *pending = Some(temporary.path().to_owned());
        temporary
    };
    let result = fill(temporary.as_file(), existing.as_ref(), write).and_then(|()| {
        // Registration and rename under one lock: a signal either removes the temporary
        // file before the rename or finds it gone after.
        let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        let persisted = temporary
            .persist(&target)
            .map(drop)
            .map_err(|error| error.error);
        *pending = None;
        persisted
    });
    // `persist` failing drops the temporary file, which deletes it.
    *PENDING.lock().unwrap_or_else(PoisonError::into_inner) = None;
    result.map_err(|error| FileError::io(path, &error))?;
    sync_directory(directory);
    Ok(())
}

/// Writes the content, gives the file the target's owner and mode, and syncs it.
fn fill(
    file: &File,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut writer = BufWriter::with_capacity(64 * 1024, file.try_clone()?);
    write(&mut writer)?;
    writer.flush()?;
    drop(writer);
    if let Some(metadata) = existing {
        keep_owner_and_mode(file, metadata)?;
    }
    file.sync_all()
}

#[cfg(unix)]
fn keep_owner_and_mode(file: &File, metadata: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let ours = file.metadata()?;
    if (ours.uid(), ours.gid()) != (metadata.uid(), metadata.gid()) {
        // Only root may give a file away; the group may be changed to one of ours. Failing
        // either is expected and harmless: the file is then ours, with the mode below.
        let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
        let _ = std::os::unix::fs::fchown(file, None, Some(metadata.gid()));
    }
    // After chown, which clears set-id bits.
    file.set_permissions(std::fs::Permissions::from_mode(
        metadata.permissions().mode() & 0o7777,
    ))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &File, metadata: &Metadata) -> std::io::Result<()> {
    file.set_permissions(metadata.permissions())
}

/// A new file gets the umask's default (0666 less the umask), as `File::create` would; a
/// replacement starts owner-only and takes the old file's mode before it is renamed.
fn temporary_file_builder(existing: Option<&Metadata>) -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.suffix(".msk-compile.tmp").rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if existing.is_some() { 0o600 } else { 0o666 };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = existing;
    builder
}

/// The file a (chain of) symlink(s) finally names; `path` itself otherwise. A dangling
/// symlink is refused rather than replaced by a plain file.
fn resolve_symlinks(path: &Path) -> Result<PathBuf, FileError> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|error| {
                FileError::new(
                    Code::Io,
                    format!(
                        "cannot write {}: it is a symlink whose target cannot be reached ({error})",
                        path.display()
                    ),
                )
            })
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// A target without write permission, or one that is not a regular file, is left alone:
/// the rename needs only the directory's permission, so it would replace such a file anyway.
fn refuse_unwritable(path: &Path, target: &Path, metadata: &Metadata) -> Result<(), FileError> {
    if !metadata.is_file() {
        return Err(FileError::new(
            Code::OutputNotWritable,
            format!(
                "cannot write {}: it is not a regular file (leave out --output to write to stdout)",
                path.display()
            ),
        ));
    }
    // Opening for writing (without truncating) asks the system whether this user may write
    // the file; `readonly` also catches 0444 for root, whom the system lets write anything.
    let writable = std::fs::OpenOptions::new().write(true).open(target).is_ok();
    if !writable || metadata.permissions().readonly() {
        return Err(FileError::new(
            Code::OutputNotWritable,
            format!(
                "cannot write {}: the file is read-only (chmod u+w to allow replacing it)",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Makes the rename durable; a failure here cannot undo it, so it is not reported.
fn sync_directory(directory: &Path) {
    #[cfg(unix)]
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
    #[cfg(not(unix))]
    let _ = directory;
}
