//! A table's header row repeats on every page where Word sees `<w:tblHeader/>` in the
//! row's properties. docx-rs (0.4) cannot write it, so header rows are built with a
//! marker height no real row has (`MARK`, in twips, "at least": no visible effect) and
//! the packed document is rewritten once with the element after that height.

use std::io::{Read, Write};

use anyhow::Result;

/// The marker: a minimum row height of 2 twips.
pub const MARK: f32 = 2.0;
const MARKED: &str = r#"<w:trHeight w:val="2" w:hRule="atLeast" />"#;

/// The document with every marked row set to repeat; other parts copied as they are.
pub fn mark(docx: &[u8]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i)?;
        let name = part.name().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes)?;
        if name == "word/document.xml" {
            let xml = String::from_utf8(bytes)?;
            bytes = xml
                .replace(MARKED, &format!("{MARKED}<w:tblHeader />"))
                .into_bytes();
        }
        out.start_file(name, options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}
