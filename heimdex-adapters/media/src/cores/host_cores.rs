//! [`HostCores`]: the cores that whisper.cpp runs (and scene detections, a core each) of every
//! Heimdex process on this host share.
//!
//! [`ThreadBudget`](super::budget::ThreadBudget) keeps the runs of one process to a thread per
//! core, but two processes (two workers on one machine, or `heimdex process` beside a worker) do
//! not see each other's budget: two `heimdex process` runs side by side on 2 cores took 148 s
//! each in transcription, against 3.7 s alone, as whisper.cpp's spinning barrier thrashes
//! (benches/README.md, "Whisper runs side by side"). So a run also holds one lock per thread
//! on a file per core in a folder every process shares: `$TMPDIR/heimdex-cores`, or the one
//! [`CORES_DIR_ENV`] names. The locks are `flock`s: the kernel drops them when their process
//! ends, however it ends.
//!
//! A run takes the free cores up to what it wants, and waits only while none is free: a
//! one-thread run beside another process's run costs less than waiting for it. When the
//! folder cannot be used (no permission, a file in its place), runs go ahead without host
//! locks, as before, and the reason is logged once; the commands check a folder named with
//! [`CORES_DIR_ENV`] at start instead ([`check_cores_dir`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;
use std::time::Duration;

/// How often a run that found every core taken looks again.
const RETRY: Duration = Duration::from_millis(100);

/// The environment variable naming the folder of the host's core locks, for processes that do
/// not share a temporary folder (a systemd unit with `PrivateTmp=`, containers given one shared
/// volume). Unset or empty: `heimdex-cores` in the temporary folder (`TMPDIR`).
pub const CORES_DIR_ENV: &str = "HEIMDEX_CORES_DIR";

/// The folder of the host's core locks: [`CORES_DIR_ENV`] when set and not empty (relative to
/// the current directory when relative), else `heimdex-cores` in the temporary folder.
pub fn cores_dir() -> PathBuf {
    cores_dir_from(std::env::var_os(CORES_DIR_ENV))
}

/// [`cores_dir`] for the variable's value.
fn cores_dir_from(value: Option<std::ffi::OsString>) -> PathBuf {
    named_dir(value).unwrap_or_else(|| std::env::temp_dir().join("heimdex-cores"))
}

/// The folder the variable's value names, when it is set and not empty.
fn named_dir(value: Option<std::ffi::OsString>) -> Option<PathBuf> {
    value.filter(|dir| !dir.is_empty()).map(PathBuf::from)
}

/// A core lock folder that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error(
    "{CORES_DIR_ENV}={}: the core lock folder cannot be used ({source}); name a folder every \
     Heimdex process on this host can write, or leave it unset for the temporary folder",
    dir.display()
)]
pub struct CoresDirError {
    /// The folder.
    pub dir: PathBuf,
    /// Why it cannot be used.
    #[source]
    pub source: io::Error,
}

/// Checks a folder set with [`CORES_DIR_ENV`] before any run needs it: creates it when missing
/// and opens its first lock file. A folder named on purpose that cannot be used is a setting to
/// fix, where the temporary folder's (unset) only makes runs go ahead without host locks and
/// log why.
pub fn check_cores_dir() -> Result<(), CoresDirError> {
    check_cores_dir_from(std::env::var_os(CORES_DIR_ENV))
}

/// [`check_cores_dir`] for the variable's value.
fn check_cores_dir_from(value: Option<std::ffi::OsString>) -> Result<(), CoresDirError> {
    let Some(dir) = named_dir(value) else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir)
        .and_then(|()| open_lock_file(&dir.join("core-0.lock")))
        .map(drop)
        .map_err(|source| CoresDirError { dir, source })
}

/// One lock file per core, in a folder shared by the processes of this host.
#[derive(Debug)]
pub(crate) struct HostCores {
    dir: PathBuf,
    cores: usize,
    warned: AtomicBool,
}

/// The cores a run holds on the host; the locks go when it is dropped.
#[derive(Debug)]
pub(crate) struct HeldCores {
    /// How many threads the run may use: at least 1, at most what it asked for.
    pub count: usize,
    /// The locked files (none when the folder could not be used).
    locks: Vec<File>,
}

impl HostCores {
    /// `cores` lock files (at least 1) in `dir`, which is created when missing.
    pub(crate) fn new(dir: impl Into<PathBuf>, cores: usize) -> Self {
        Self {
            dir: dir.into(),
            cores: cores.max(1),
            warned: AtomicBool::new(false),
        }
    }

    /// How many cores it hands out.
    pub(crate) fn cores(&self) -> usize {
        self.cores
    }

    /// The host's cores (one per core this process may use), in [`cores_dir`].
    pub(crate) fn global() -> &'static HostCores {
        static GLOBAL: LazyLock<HostCores> = LazyLock::new(|| {
            HostCores::new(
                cores_dir(),
                std::thread::available_parallelism().map_or(1, usize::from),
            )
        });
        &GLOBAL
    }

    /// Takes the free cores, up to `wanted` (at least 1), waiting while every core is taken.
    pub(crate) async fn take(&self, wanted: usize) -> HeldCores {
        let wanted = wanted.clamp(1, self.cores);
        loop {
            match self.try_take(wanted) {
                Ok(locks) if locks.is_empty() => tokio::time::sleep(RETRY).await,
                Ok(locks) => {
                    return HeldCores {
                        count: locks.len(),
                        locks,
                    }
                }
                Err(err) => {
                    if !self.warned.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            dir = %self.dir.display(),
                            error = %err,
                            "the cores other processes use are not counted: the lock folder is unusable"
                        );
                    }
                    return HeldCores {
                        count: wanted,
                        locks: Vec::new(),
                    };
                }
            }
        }
    }

    /// Adds to `held` the cores that are free now, until it holds `wanted` (at most the host's
    /// cores), without waiting. Cores held without locks (the folder was unusable) stay as
    /// they are.
    pub(crate) fn take_more(&self, held: &mut HeldCores, wanted: usize) {
        let missing = wanted.min(self.cores).saturating_sub(held.count);
        if held.locks.is_empty() || missing == 0 {
            return;
        }
        // The files `held` has locked are locked against this process's new opens as well, so
        // only other cores' files are taken.
        if let Ok(locks) = self.try_take(missing) {
            held.count += locks.len();
            held.locks.extend(locks);
        }
    }

    /// Locks free cores' files, up to `wanted`, without waiting.
    fn try_take(&self, wanted: usize) -> io::Result<Vec<File>> {
        std::fs::create_dir_all(&self.dir)?;
        let mut locks = Vec::with_capacity(wanted);
        for core in 0..self.cores {
            if locks.len() == wanted {
                break;
            }
            let file = open_lock_file(&self.dir.join(format!("core-{core}.lock")))?;
            match file.try_lock() {
                Ok(()) => locks.push(file),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(err)) => return Err(err),
            }
        }
        Ok(locks)
    }
}

/// Opens a lock file: read-only when it exists (another user's file locks as well that way),
/// created when it does not.
fn open_lock_file(path: &Path) -> io::Result<File> {
    match File::open(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path),
        opened => opened,
    }
}

#[cfg(test)]
#[path = "host_cores_tests.rs"]
mod tests;
