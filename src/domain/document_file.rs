//! Which files a submission accepts: the formats district offices open every day,
//! up to 20 MB (Telegram's own download limit for bots).

pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// A download stopped because the file is larger than it may be: a file whose size
/// the platform did not say beforehand is refused by the size rule, like one that
/// said it, not as a failed download ("send it again").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("file of at least {bytes} bytes is over the limit")]
pub struct TooLarge {
    pub bytes: u64,
}

const ACCEPTED: &[&str] = &["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRejection {
    Type,
    TooLarge,
    Empty,
    /// The bytes are not what the name says: a renamed program, a damaged file.
    Content,
    /// Where a photo is asked, anything else.
    NotPhoto,
}

impl FileRejection {
    pub fn key(self) -> &'static str {
        match self {
            FileRejection::Type => "submission.bad_type",
            FileRejection::TooLarge => "submission.too_large",
            FileRejection::Empty => "submission.empty_file",
            FileRejection::Content => "submission.bad_content",
            FileRejection::NotPhoto => "result.photo_only",
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

/// A photo (JPG or PNG), by name or MIME type, within the size limit.
pub fn check_photo(name: &str, mime: Option<&str>, size: Option<u64>) -> Result<(), FileRejection> {
    check(name, mime, size)?;
    let photo = match extension(name) {
        Some(e) => matches!(e.as_str(), "jpg" | "jpeg" | "png"),
        None => mime.is_some_and(|m| matches!(m, "image/jpeg" | "image/png")),
    };
    if photo {
        Ok(())
    } else {
        Err(FileRejection::NotPhoto)
    }
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    /// DOCX and XLSX are zip archives.
    Zip,
    /// DOC and XLS are OLE compound files.
    Ole,
    Jpeg,
    Png,
}

impl Format {
    fn of_extension(ext: &str) -> Option<Format> {
        match ext {
            "pdf" => Some(Format::Pdf),
            "docx" | "xlsx" => Some(Format::Zip),
            "doc" | "xls" => Some(Format::Ole),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }

    fn of_mime(mime: &str) -> Option<Format> {
        match mime {
            "application/pdf" => Some(Format::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                Some(Format::Zip)
            }
            "application/msword" | "application/vnd.ms-excel" => Some(Format::Ole),
            "image/jpeg" => Some(Format::Jpeg),
            "image/png" => Some(Format::Png),
            _ => None,
        }
    }

    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            // Readers accept the header anywhere in the first 1 024 bytes, and some
            // scanners do put a few bytes before it.
            Format::Pdf => bytes[..bytes.len().min(1024)]
                .windows(5)
                .any(|w| w == b"%PDF-"),
            Format::Zip => bytes.starts_with(b"PK\x03\x04"),
            Format::Ole => bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Format::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Format::Png => bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        }
    }
}

/// After download: the bytes must be the format the name (or, without an
/// extension, the MIME type) claims. A program renamed to `.pdf` passes
/// [`check`] but must not reach district staff, who open what they receive.
pub fn check_content(name: &str, mime: Option<&str>, bytes: &[u8]) -> Result<(), FileRejection> {
    let claimed = match extension(name) {
        Some(ext) => Format::of_extension(&ext),
        None => mime.and_then(Format::of_mime),
    };
    match claimed {
        None => Err(FileRejection::Type),
        Some(f) if f.matches(bytes) => Ok(()),
        // A photo is a photo: apps and Zalo's servers do not always name JPEG and
        // PNG rightly, and either is harmless to open.
        Some(Format::Jpeg | Format::Png)
            if Format::Jpeg.matches(bytes) || Format::Png.matches(bytes) =>
        {
            Ok(())
        }
        Some(_) => Err(FileRejection::Content),
    }
}

/// File names are limited to 255 bytes on common file systems, and Vietnamese
/// letters take two or three bytes each; this leaves room for the prefixes the
/// export and the draft folder put before a name.
const MAX_NAME_BYTES: usize = 120;

/// A name safe to write on any file system, keeping what a person recognises:
/// the end of a long name is kept, so its extension survives.
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
    let cleaned = cleaned.trim_matches('.');
    let mut start = cleaned.len().saturating_sub(MAX_NAME_BYTES);
    while !cleaned.is_char_boundary(start) {
        start += 1;
    }
    let out = cleaned[start..].trim_start_matches('.');
    if out.is_empty() {
        "tep".into()
    } else {
        out.into()
    }
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
        assert!(safe_name(&"a".repeat(300)).len() <= 120);
    }

    #[test]
    fn long_vietnamese_names_fit_the_file_system() {
        let name = format!("{}.pdf", "ệ".repeat(100));
        assert_eq!(name.len(), 304, "three bytes a letter");
        let safe = safe_name(&name);
        assert!(safe.len() <= MAX_NAME_BYTES, "{} bytes", safe.len());
        assert!(safe.ends_with("ệệ.pdf"), "{safe}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(format!("report-{safe}")), b"x").unwrap();
        // A cut never lands inside a letter, whatever its width.
        for n in 100..130 {
            let mixed = format!("{}{}.docx", "a", "Đồ".repeat(n));
            let safe = safe_name(&mixed);
            assert!(
                safe.len() <= MAX_NAME_BYTES && safe.ends_with(".docx"),
                "{safe}"
            );
        }
    }

    #[test]
    fn the_bytes_must_be_what_the_name_says() {
        let pdf = b"%PDF-1.7\n...";
        let zip = b"PK\x03\x04\x14\x00";
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00";
        let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF";
        let png = b"\x89PNG\r\n\x1A\n\x00";
        let ok = [
            ("bao-cao.pdf", &pdf[..]),
            ("to-trinh.docx", &zip[..]),
            ("bang.xlsx", &zip[..]),
            ("cu.doc", &ole[..]),
            ("cu.XLS", &ole[..]),
            ("anh.jpg", &jpeg[..]),
            ("anh.jpeg", &jpeg[..]),
            ("anh.png", &png[..]),
        ];
        for (name, bytes) in ok {
            assert_eq!(check_content(name, None, bytes), Ok(()), "{name}");
        }
        let renamed = [
            ("bao-cao.pdf", &b"MZ\x90\x00"[..]),
            ("bao-cao.pdf", &zip[..]),
            ("to-trinh.docx", &pdf[..]),
            ("to-trinh.docx", &ole[..]),
            ("cu.doc", &zip[..]),
            ("anh.jpg", &pdf[..]),
            ("anh.png", &zip[..]),
            ("anh.jpg", &b""[..]),
            ("bang.xlsx", &b"PK"[..]),
        ];
        // One image format under the other's name is still a photo.
        assert_eq!(check_content("anh.jpg", None, png), Ok(()));
        assert_eq!(check_content("anh.png", None, jpeg), Ok(()));
        for (name, bytes) in renamed {
            assert_eq!(
                check_content(name, None, bytes),
                Err(FileRejection::Content),
                "{name} {bytes:?}"
            );
        }
        // Without an extension the MIME type is the claim.
        assert_eq!(check_content("scan", Some("image/png"), png), Ok(()));
        assert_eq!(check_content("scan", Some("image/png"), jpeg), Ok(()));
        assert_eq!(
            check_content("scan", Some("image/png"), pdf),
            Err(FileRejection::Content)
        );
        assert_eq!(check_content("scan", None, pdf), Err(FileRejection::Type));
        // A few bytes before the PDF header are tolerated, as readers do.
        assert_eq!(check_content("x.pdf", None, b"\r\n%PDF-1.4"), Ok(()));
    }
}
