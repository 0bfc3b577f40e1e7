//! `thidua export submissions --out DIR`: one folder per unit with its files, and an
//! index.csv that says what each file is.

use std::path::Path;

use anyhow::{Context, Result};

use super::csv_text;
use crate::data_dir::DataDir;
use crate::domain::document_file::safe_name;
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
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut index = csv::Writer::from_path(out.join("index.csv"))?;
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
        let dir = out.join(safe_name(&r.unit)).join(&r.deadline_key);
        std::fs::create_dir_all(&dir)?;
        let name = format!("{}-{}", r.document_key, safe_name(&r.file_name));
        std::fs::copy(data.resolve(&r.stored_path), dir.join(&name))
            .with_context(|| format!("cannot copy {}", r.stored_path))?;
        let relative = Path::new(&safe_name(&r.unit))
            .join(&r.deadline_key)
            .join(&name);
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
