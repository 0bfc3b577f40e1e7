//! Which files a submission accepts: the formats district offices open every day,
//! up to 20 MB (Telegram's own download limit for bots).

pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

const ACCEPTED: &[&str] = &["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRejection {
    Type,
    TooLarge,
    Empty,
}

impl FileRejection {
    pub fn key(self) -> &'static str {
        match self {
            FileRejection::Type => "submission.bad_type",
            FileRejection::TooLarge => "submission.too_large",
            FileRejection::Empty => "submission.empty_file",
        }
    }
}

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|e| !e.is_empty())
}

/// Judged by the name's extension, or by the MIME type when the name has none.
pub fn check(name: &str, mime: Option<&str>, size: Option<u64>) -> Result<(), FileRejection> {
    let by_name = extension(name).is_some_and(|e| ACCEPTED.contains(&e.as_str()));
    let by_mime = extension(name).is_none()
        && mime.is_some_and(|m| {
            matches!(
                m,
                "application/pdf"
                    | "application/msword"
                    | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    | "application/vnd.ms-excel"
                    | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    | "image/jpeg"
                    | "image/png"
            )
        });
    if !by_name && !by_mime {
        return Err(FileRejection::Type);
    }
    match size {
        Some(0) => Err(FileRejection::Empty),
        Some(n) if n > MAX_BYTES => Err(FileRejection::TooLarge),
        _ => Ok(()),
    }
}

/// A name safe to write on any file system, keeping what a person recognises.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').to_string();
    let mut out: String = cleaned
        .chars()
        .rev()
        .take(100)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if out.is_empty() {
        out = "tep".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_documents_and_scans_are_accepted() {
        for name in [
            "To trinh.PDF",
            "bien_ban.docx",
            "a.doc",
            "bang.xlsx",
            "b.xls",
            "scan.JPG",
            "s.jpeg",
            "p.png",
        ] {
            assert_eq!(check(name, None, Some(1000)), Ok(()), "{name}");
        }
        assert_eq!(check("noext", Some("application/pdf"), Some(5)), Ok(()));
    }

    #[test]
    fn other_types_sizes_and_empty_files_are_refused() {
        for name in ["virus.exe", "nen.zip", "anh.heic", "x.pdf.exe", "noext"] {
            assert_eq!(
                check(name, None, Some(10)),
                Err(FileRejection::Type),
                "{name}"
            );
        }
        assert_eq!(
            check("big.pdf", None, Some(MAX_BYTES + 1)),
            Err(FileRejection::TooLarge)
        );
        assert_eq!(check("ok.pdf", None, Some(MAX_BYTES)), Ok(()));
        assert_eq!(check("empty.pdf", None, Some(0)), Err(FileRejection::Empty));
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("Tờ trình 2025.pdf"), "Tờ_trình_2025.pdf");
        assert_eq!(safe_name("..."), "tep");
        assert!(safe_name(&"a".repeat(300)).len() <= 100);
    }
}
