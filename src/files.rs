//! Files an operator asks for (a backup, a spreadsheet), written beside their name
//! and renamed into place when whole: a full disk or a `ulimit -f` leaves no half
//! file that looks like the real one, and a second try is not refused for it.

use std::future::Future;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What could not be done to which file: the context of an I/O error, kept as a value
/// so the command line says it in the operator's language (the words here are for
/// logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    Read(PathBuf),
    Write(PathBuf),
    Create(PathBuf),
    /// An export goes into a new or empty folder; this one holds an earlier export.
    NotEmpty(PathBuf),
}

impl Failed {
    /// The locale key and the file it names.
    pub fn key(&self) -> (&'static str, &Path) {
        match self {
            Failed::Read(p) => ("files.cannot_read", p),
            Failed::Write(p) => ("files.cannot_write", p),
            Failed::Create(p) => ("files.cannot_create", p),
            Failed::NotEmpty(p) => ("files.not_empty", p),
        }
    }
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Read(p) => write!(f, "cannot read {}", p.display()),
            Failed::Write(p) => write!(f, "cannot write {}", p.display()),
            Failed::Create(p) => write!(f, "cannot create {}", p.display()),
            Failed::NotEmpty(p) => write!(f, "{} holds an earlier export", p.display()),
        }
    }
}

/// Whether something is at `path` already, a dangling symbolic link included (which
/// `Path::exists` calls nothing, and a write would follow).
pub fn taken(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// The hidden file `write` fills before it becomes `target`.
pub fn partial_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "thidua".into());
    target.with_file_name(format!(".{name}.partial"))
}

/// Runs `write` on a partial file beside `target`, then renames it to `target`. On
/// failure nothing is left: neither the partial file nor SQLite's `-journal` of it.
pub async fn write_beside<T, F, Fut>(target: &Path, write: F) -> Result<T>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let partial = partial_of(target);
    let clear = || {
        for p in [partial.clone(), journal_of(&partial)] {
            let _ = std::fs::remove_file(p);
        }
    };
    clear();
    match write(partial.clone()).await {
        Ok(value) => {
            if let Err(e) = std::fs::rename(&partial, target) {
                clear();
                return Err(e).with_context(|| Failed::Write(target.into()));
            }
            Ok(value)
        }
        Err(e) => {
            clear();
            Err(e.context(Failed::Write(target.into())))
        }
    }
}

fn journal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_write_leaves_nothing_and_a_good_one_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.db");
        let failed: Result<()> = write_beside(&target, |p| async move {
            std::fs::write(&p, b"half")?;
            std::fs::write(journal_of(&p), b"j")?;
            anyhow::bail!("disk full")
        })
        .await;
        assert!(format!("{:#}", failed.unwrap_err()).contains("disk full"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_beside(&target, |p| async move { Ok(std::fs::write(p, b"whole")?) })
            .await
            .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_dangling_link_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        assert!(!link.exists() && taken(&link));
    }
}
