//! `thidua export submissions --out DIR`: one folder per unit with its files, and an
//! index.csv that says what each file is.

use std::path::Path;

use anyhow::{Context, Result};

use super::csv_text;
use crate::data_dir::DataDir;
use crate::domain::document_file::safe_name;
use crate::files::Failed;
use crate::store::{campaigns, submissions};

pub async fn submissions(
    conn: &mut sqlx::AnyConnection,
    data: &DataDir,
    out: &Path,
) -> Result<usize> {
    let campaign = campaigns::current(&mut *conn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no campaign"))?;
    let rows = submissions::index(&mut *conn, campaign.id).await?;
    std::fs::create_dir_all(out).with_context(|| Failed::Create(out.into()))?;
    let index_file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out.join("index.csv"))
        .with_context(|| Failed::NotEmpty(out.into()))?;
    let mut index = csv::Writer::from_writer(index_file);
    index.write_record([
        "unit",
        "deadline",
        "document",
        "status",
        "late",
        "submitted_at",
        "file",
        "size_bytes",
        "sha256",
    ])?;
    for r in &rows {
        // The unit's id keeps folders apart when two names clean to the same text
        // ("Trường A/B", "Trường A_B").
        let folder = format!("{}-{}", r.unit_id, safe_name(&r.unit));
        let dir = out.join(&folder).join(&r.deadline_key);
        std::fs::create_dir_all(&dir).with_context(|| Failed::Create(dir.clone()))?;
        let name = format!("{}-{}", r.document_key, safe_name(&r.file_name));
        copy_new(&data.resolve(&r.stored_path), &dir.join(&name))?;
        let relative = Path::new(&folder).join(&r.deadline_key).join(&name);
        index.write_record([
            &*csv_text(&r.unit),
            &*csv_text(&r.deadline_key),
            &*csv_text(&r.document_key),
            r.status.as_str(),
            if r.late { "yes" } else { "no" },
            r.submitted_at.as_str(),
            &*csv_text(&relative.display().to_string()),
            &r.size_bytes.to_string(),
            r.sha256.as_str(),
        ])?;
    }
    index.flush()?;
    Ok(rows.len())
}

/// Copies without ever replacing a file already there: an export into a folder that
/// holds an earlier one stops and says so instead of mixing the two.
fn copy_new(from: &Path, to: &Path) -> Result<()> {
    let mut source = std::fs::File::open(from).with_context(|| Failed::Read(from.into()))?;
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .with_context(|| Failed::Write(to.into()))?;
    std::io::copy(&mut source, &mut target).with_context(|| Failed::Write(to.into()))?;
    Ok(())
}
