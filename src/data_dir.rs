//! The data folder and the submitted files in it. A submission in progress keeps its
//! files as drafts, apart from accepted ones: cancelling or replacing a draft can never
//! touch what a unit already handed in. Accepted files are named by their content and
//! never overwritten or deleted. Paths are stored relative to the folder, so a move of
//! the folder or a start from another working directory loses nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

use crate::domain::document_file::safe_name;

const DRAFTS: &str = "drafts";
/// Photos of finished works, by registration.
const RESULTS: &str = "results";
const ACCEPTED: &str = "submissions";

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The folder, made absolute once, against the directory the process started in.
    pub fn new(path: impl AsRef<Path>) -> Result<DataDir> {
        let root = std::path::absolute(path.as_ref())
            .with_context(|| format!("data folder {}", path.as_ref().display()))?;
        Ok(DataDir { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a stored path is on disk. Rows written before paths were relative hold the
    /// path as it was then: absolute, or relative to the directory the bot ran in.
    pub fn resolve(&self, stored: &str) -> PathBuf {
        let inside = self.root.join(stored);
        if inside.exists() || !Path::new(stored).exists() {
            inside
        } else {
            PathBuf::from(stored)
        }
    }

    /// Saves a file of the draft `key` under `slot` (the question, and the content's
    /// hash so that two photos both called "photo.jpg" stay two files).
    pub fn save_draft(&self, key: &str, slot: &str, name: &str, bytes: &[u8]) -> Result<String> {
        let relative = format!(
            "{DRAFTS}/{}/{}-{}",
            safe_name(key),
            safe_name(slot),
            safe_name(name)
        );
        write_new(&self.root.join(&relative), bytes)?;
        Ok(relative)
    }

    /// A draft file that was replaced by another. Only drafts are ever removed.
    pub fn discard_draft(&self, relative: &str) {
        if relative.starts_with(&format!("{DRAFTS}/")) {
            let _ = std::fs::remove_file(self.root.join(relative));
        }
    }

    /// Every file of a draft that was cancelled or handed in.
    pub fn discard_drafts(&self, key: &str) {
        let _ = std::fs::remove_dir_all(self.root.join(DRAFTS).join(safe_name(key)));
    }

    /// Moves a draft file among the accepted ones, under a name made of its content.
    /// An accepted file with the same content is kept as it is. Safe to repeat; `None`
    /// when the draft is gone (swept after a long pause) and nothing was accepted.
    pub fn accept(
        &self,
        draft: &str,
        deadline_id: i64,
        unit_id: i64,
        sha256: &str,
        name: &str,
    ) -> Result<Option<String>> {
        self.keep(
            draft,
            &format!("{ACCEPTED}/{deadline_id}/{unit_id}"),
            sha256,
            name,
        )
    }

    /// A photo of a finished work, kept with the work's result; as `accept`.
    pub fn accept_photo(
        &self,
        draft: &str,
        registration_id: i64,
        sha256: &str,
        name: &str,
    ) -> Result<Option<String>> {
        self.keep(draft, &format!("{RESULTS}/{registration_id}"), sha256, name)
    }

    fn keep(&self, draft: &str, folder: &str, sha256: &str, name: &str) -> Result<Option<String>> {
        let relative = format!(
            "{folder}/{}-{}",
            &sha256[..sha256.len().min(16)],
            safe_name(name)
        );
        let target = self.root.join(&relative);
        let source = self.root.join(draft);
        if target.exists() {
            self.discard_draft(draft);
            return Ok(Some(relative));
        }
        if !source.exists() {
            return Ok(None);
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| crate::files::Failed::Create(dir.into()))?;
        }
        std::fs::rename(&source, &target)
            .with_context(|| format!("cannot move {} to {}", source.display(), target.display()))?;
        Ok(Some(relative))
    }

    /// Removes drafts untouched for longer than `age`: submissions begun and abandoned.
    pub fn sweep_drafts(&self, age: Duration) -> usize {
        let Ok(entries) = std::fs::read_dir(self.root.join(DRAFTS)) else {
            return 0;
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= age);
            if old && std::fs::remove_dir_all(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accepted_file_survives_a_later_draft_of_the_same_bytes_being_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path()).unwrap();
        let first = data
            .save_draft("K1", "0", "bao-cao.pdf", b"%PDF same")
            .unwrap();
        let accepted = data.accept(&first, 1, 2, "abcdef0123456789ff", "bao-cao.pdf");
        let accepted = accepted.unwrap().unwrap();
        data.discard_drafts("K1");
        // The same file again, then cancelled.
        let again = data
            .save_draft("K2", "0", "bao-cao.pdf", b"%PDF same")
            .unwrap();
        assert_ne!(again, accepted);
        data.discard_drafts("K2");
        assert_eq!(
            std::fs::read(data.resolve(&accepted)).unwrap(),
            b"%PDF same"
        );
        assert!(!data.root().join(&again).exists());
        // Accepting the same content twice keeps the one file.
        let third = data
            .save_draft("K3", "0", "bao-cao.pdf", b"%PDF same")
            .unwrap();
        let twice = data.accept(&third, 1, 2, "abcdef0123456789ff", "bao-cao.pdf");
        assert_eq!(twice.unwrap().as_deref(), Some(accepted.as_str()));
        assert!(!data.root().join(&third).exists());
    }

    #[test]
    fn only_drafts_are_discarded_and_old_ones_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path()).unwrap();
        let draft = data.save_draft("K", "1", "a.pdf", b"x").unwrap();
        let accepted = data
            .accept(&draft, 1, 1, "00112233", "a.pdf")
            .unwrap()
            .unwrap();
        data.discard_draft(&accepted);
        assert!(data.resolve(&accepted).exists());
        data.save_draft("OLD", "0", "b.pdf", b"y").unwrap();
        assert_eq!(data.sweep_drafts(Duration::from_secs(3600)), 0);
        assert_eq!(data.sweep_drafts(Duration::ZERO), 2);
        assert!(data.resolve(&accepted).exists());
        assert_eq!(
            data.accept("drafts/OLD/0-b.pdf", 1, 1, "99", "b.pdf")
                .unwrap(),
            None
        );
    }
}
