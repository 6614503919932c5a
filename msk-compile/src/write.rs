//! Replacing an output file safely: readers see the old or the new content, never a part;
//! nothing is ever written through a name someone else could have planted; the file keeps
//! its mode (and owner, where permitted); a symlink's target is what gets replaced; a file
//! without write permission is refused; an interrupted run leaves no temporary file.
//!
//! How: the content goes to a temporary file created exclusively (`O_CREAT|O_EXCL`, random
//! name) in the target's own directory, is synced, takes the target's mode and owner, and is
//! renamed over the target; then the directory is synced. Hard links to the old file keep
//! the old content (the name is given a new file; the old one is not rewritten). The
//! file's extended attributes (user attributes, ACLs, security labels) are copied to the new
//! file where the system permits.
//! [`remove_temporary_files_on_signals`] makes every signal that would end the process
//! remove the temporary file first. [`lock_and_read`] serializes `--in-place` runs, for a
//! bounded time.

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

/// The signals whose default action ends the process and that a process can catch without
/// being in a fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT and SIGSYS come from
/// the process itself; SIGPIPE is ignored by Rust programs; SIGKILL cannot be caught).
#[cfg(unix)]
const ENDING_SIGNALS: &[libc::c_int] = &[
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGALRM,
    libc::SIGVTALRM,
    libc::SIGPROF,
    libc::SIGXCPU,
    libc::SIGXFSZ,
    libc::SIGIO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    libc::SIGPWR,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    libc::SIGSTKFLT,
];

/// From now on, every signal in [`ENDING_SIGNALS`] removes the temporary file of a write in
/// progress, then ends the process as the signal would have. A signal the process was started
/// with ignored (`nohup` ignores SIGHUP) stays ignored. Call once, before writing; a library
/// caller that handles signals itself need not.
#[cfg(unix)]
pub fn remove_temporary_files_on_signals() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let ignored = inherited_ignored_signals();
        let wanted: Vec<libc::c_int> = ENDING_SIGNALS
            .iter()
            .copied()
            .filter(|signal| !ignored.contains(signal))
            .collect();
        let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
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

#[cfg(not(unix))]
pub fn remove_temporary_files_on_signals() {}

/// The signals this process was started with set to ignored, from the kernel's `SigIgn` mask
/// (`/proc/self/status`; read before any handler is installed). Elsewhere none is known.
#[cfg(unix)]
fn inherited_ignored_signals() -> Vec<libc::c_int> {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return Vec::new();
    };
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0);
    (1..=64)
        .filter(|signal| mask & (1u64 << (signal - 1)) != 0)
        .collect()
}

/// An exclusive advisory lock (`flock`) on a template being rewritten in place, held until
/// dropped. A second `--in-place` run on the same file waits for the first to finish, then
/// reads the file the first one wrote.
#[derive(Debug)]
pub struct TemplateLock {
    _file: File,
}

/// Why [`lock_and_read`] gave up.
#[derive(Debug)]
pub enum LockError {
    Read(ReadError),
    /// Another process held the lock for the whole time allowed.
    TimedOut(Option<LockHolder>),
}

impl From<ReadError> for LockError {
    fn from(error: ReadError) -> Self {
        LockError::Read(error)
    }
}

impl From<std::io::Error> for LockError {
    fn from(error: std::io::Error) -> Self {
        LockError::Read(error.into())
    }
}

/// The process holding a lock, as far as the system tells (`/proc/locks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: u32,
    /// Its command name, if readable.
    pub command: Option<String>,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.command {
            Some(command) => write!(f, "process {} ({command})", self.pid),
            None => write!(f, "process {}", self.pid),
        }
    }
}

/// How long [`lock_and_read`] waits before it says that it waits.
pub const LOCK_NOTICE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Locks the file at `path` and reads it (at most `limit` bytes). While another run holds the
/// lock it waits, calling `waiting` once after [`LOCK_NOTICE_AFTER`] with the holder if it is
/// known, and gives up after `timeout`; if the file was replaced meanwhile, it locks and reads
/// the new one.
pub fn lock_and_read(
    path: &Path,
    limit: u64,
    timeout: std::time::Duration,
    waiting: impl FnOnce(Option<LockHolder>),
) -> Result<(TemplateLock, Vec<u8>), LockError> {
    let started = std::time::Instant::now();
    let mut waiting = Some(waiting);
    loop {
        let file = crate::load::read::open_regular(path)?;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(error)) => return Err(error.into()),
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(LockError::TimedOut(lock_holder(&file.metadata()?)));
            }
            if waited >= LOCK_NOTICE_AFTER
                && let Some(waiting) = waiting.take()
            {
                waiting(lock_holder(&file.metadata()?));
            }
            std::thread::sleep(std::time::Duration::from_millis(50).min(timeout - waited));
        }
        // The lock is on the file, not the name: a run that held it may have renamed a new
        // file over the name, and the one locked here would be the old one.
        if same_file(&file.metadata()?, &std::fs::metadata(path)?) {
            let bytes = read_file_bounded(&file, limit)?;
            return Ok((TemplateLock { _file: file }, bytes));
        }
    }
}

/// Who holds a `flock` on the file, from `/proc/locks` (Linux): `1: FLOCK ADVISORY WRITE
/// <pid> <major>:<minor>:<inode> 0 EOF`, device numbers in hex.
#[cfg(unix)]
fn lock_holder(metadata: &Metadata) -> Option<LockHolder> {
    use std::os::unix::fs::MetadataExt;
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let dev = metadata.dev();
    let (major, minor) = (
        ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff),
        (dev & 0xff) | ((dev >> 12) & !0xff),
    );
    let wanted = format!("{major:02x}:{minor:02x}:{}", metadata.ino());
    let pid: u32 = locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // Waiters are listed with `->` before the type; they do not hold the lock.
        (fields.get(1) == Some(&"FLOCK") && fields.get(5) == Some(&wanted.as_str()))
            .then(|| fields.get(4)?.parse().ok())
            .flatten()
    })?;
    let command = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|command| command.trim_end().to_owned());
    Some(LockHolder { pid, command })
}

#[cfg(not(unix))]
fn lock_holder(_: &Metadata) -> Option<LockHolder> {
    None
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
    let prefix = format!(".{}.", shortened(&file_name));
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
    let keep_from = existing.as_ref().map(|_| target.as_path());
    let result = fill(temporary.as_file(), existing.as_ref(), keep_from, write).and_then(|()| {
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

/// The longest file name most file systems take (`NAME_MAX`).
const NAME_MAX: usize = 255;
/// What the temporary name adds to the target's: `.`, `.`, 12 random characters and the suffix.
const TEMPORARY_NAME_EXTRA: usize = 2 + RANDOM_CHARS + TEMPORARY_SUFFIX.len();
const RANDOM_CHARS: usize = 12;
const TEMPORARY_SUFFIX: &str = ".msk-compile.tmp";

/// The target's name cut (at a character boundary) so that the temporary name fits in
/// `NAME_MAX` bytes: a 245-byte name is a valid target, `.<name>.<random>.msk-compile.tmp`
/// of it is not.
fn shortened(name: &str) -> &str {
    let mut end = name.len().min(NAME_MAX - TEMPORARY_NAME_EXTRA);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Writes the content, gives the file the target's owner and mode, and syncs it.
fn fill(
    file: &File,
    existing: Option<&Metadata>,
    target: Option<&Path>,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut writer = BufWriter::with_capacity(64 * 1024, file.try_clone()?);
    write(&mut writer)?;
    writer.flush()?;
    drop(writer);
    if let Some(metadata) = existing {
        keep_owner_and_mode(file, metadata)?;
    }
    if let Some(target) = target {
        keep_extended_attributes(target, file);
    }
    file.sync_all()
}

/// Copies the extended attributes of the file being replaced (user attributes, POSIX ACLs
/// in `system.posix_acl_access`, security labels) to the new file. Each is copied where the
/// system permits; one that may not be set (a label only root may give) is left out rather
/// than failing the write.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn keep_extended_attributes(target: &Path, file: &File) {
    let mut names = vec![0u8; 64 * 1024];
    let Ok(length) = rustix::fs::listxattr(target, &mut names[..]) else {
        return;
    };
    let mut value = Vec::new();
    for name in names[..length]
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
    {
        let Ok(name) = std::ffi::CString::new(name) else {
            continue;
        };
        let Ok(size) = rustix::fs::getxattr_query(target, name.as_c_str()) else {
            continue;
        };
        value.resize(size, 0);
        let Ok(size) = rustix::fs::getxattr(target, name.as_c_str(), &mut value[..]) else {
            continue;
        };
        let _ = rustix::fs::fsetxattr(
            file,
            name.as_c_str(),
            &value[..size],
            rustix::fs::XattrFlags::empty(),
        );
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn keep_extended_attributes(_: &Path, _: &File) {}

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
    builder.suffix(TEMPORARY_SUFFIX).rand_bytes(RANDOM_CHARS);
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
    let opened = std::fs::OpenOptions::new().write(true).open(target);
    #[cfg(unix)]
    if let Err(error) = &opened
        && error.raw_os_error() == Some(libc::EPERM)
    {
        // EPERM, not EACCES: the mode allows it, an attribute does not (root gets it too).
        return Err(FileError::new(
            Code::OutputNotWritable,
            format!(
                "cannot write {}: the file is immutable or append-only (chattr +i or +a; lsattr shows it); chattr -i -a allows replacing it",
                path.display()
            ),
        ));
    }
    if opened.is_err() || metadata.permissions().readonly() {
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
