//! Every export, over the units within the actor's scope: the chat's `/xuat` and
//! `/ungvien`, the command line's `thidua export …` and the web's downloads all go
//! through these, so staff of one district never get another's units.

use std::io::Write;

use anyhow::Result;
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::data_dir::DataDir;
use crate::domain::campaign::Campaign;
use crate::domain::member::{Member, Role};
use crate::export::{self, Row, StatusSheet, UnitTotal};
use crate::i18n::Lang;
use crate::store::{registrations, scope, units};

/// The works reaching each award criterion, as CSV.
pub async fn candidates(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
    sink: impl Write,
) -> Result<()> {
    let within = actor.scope(&mut *conn).await?;
    export::candidates_csv(conn, campaign, within, sink).await
}

/// The works proposed as "công trình tiêu biểu", as CSV.
pub async fn featured(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
    sink: impl Write,
) -> Result<()> {
    let within = actor.scope(&mut *conn).await?;
    export::featured_csv(conn, campaign, within, sink).await
}

/// Every registration, a row at a time (memory stays flat at any size); how many.
pub async fn registrations(
    conn: &mut AnyConnection,
    actor: &Actor,
    each: impl FnMut(Row) -> Result<()>,
) -> Result<usize> {
    let within = actor.scope(&mut *conn).await?;
    export::each_row(conn, within, each).await
}

/// The official form of every work still registered, one Word file each; how many.
pub async fn forms(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
    each: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<usize> {
    let within = actor.scope(&mut *conn).await?;
    export::each_form(conn, campaign, within, each).await
}

/// A work's official form as Word, with the work's number and the federation it is
/// sent to.
pub struct WordForm {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub number: crate::domain::registration::RegistrationNumber,
    pub issuer: String,
}

/// One work's official form: for its own unit's members and for staff over the
/// unit; refused for anyone else.
pub async fn word_form(
    conn: &mut AnyConnection,
    me: &Member,
    campaign: &Campaign,
    id: i64,
) -> Result<WordForm> {
    let work = registrations::get_one(&mut *conn, id).await?;
    let allowed = match &work {
        Some(w) if w.unit_id == me.unit_id => true,
        Some(w) if me.role == Role::Staff => {
            let within = scope::of_staff(&mut *conn, me.unit_id).await?;
            scope::contains(&mut *conn, within, w.unit_id).await?
        }
        _ => false,
    };
    let (Some(work), true) = (work, allowed) else {
        return Err(Refused::new("works.not_yours").into());
    };
    let parent = units::parent_of(&mut *conn, work.unit_id).await?;
    let parent = parent.as_ref().map(|p| p.name.as_str());
    let (file_name, bytes, issuer) = export::registration_paper(campaign, &work, parent)?;
    Ok(WordForm {
        file_name,
        bytes,
        number: work.number,
        issuer,
    })
}

/// The official forms of `forms`, as one .zip of .docx files (the chat's and the
/// web's download); how many, and the archive.
pub async fn forms_zip(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
) -> Result<(usize, Vec<u8>)> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let n = forms(conn, actor, campaign, |name, bytes| {
        zip.start_file(name, zip::write::SimpleFileOptions::default())?;
        zip.write_all(&bytes)?;
        Ok(())
    })
    .await?;
    Ok((n, zip.finish()?.into_inner()))
}

/// Every counted unit's achievement report draft, one Word file each; how many.
pub async fn reports(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
    today: chrono::NaiveDate,
    each: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<usize> {
    let within = actor.scope(&mut *conn).await?;
    if campaign.paper.report.is_none() {
        return Err(Refused::new("achievement.none").into());
    }
    export::each_report(conn, campaign, within, today, each).await
}

/// Each unit's standing on each deadline, as `/tinhtrang`'s spreadsheet, over the
/// units below `below` (a federation within the actor's scope) or all the actor's.
pub async fn status(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
    below: Option<&str>,
    lang: Lang,
) -> Result<(StatusSheet, usize)> {
    let within = match below {
        None => actor.scope(&mut *conn).await?,
        Some(name) => {
            let unit = super::units::find(&mut *conn, actor, name).await?;
            crate::store::scope::of_staff(&mut *conn, unit.id).await?
        }
    };
    export::status_sheet(conn, campaign, within, lang).await
}

/// The district's summary of registrations per unit (the operator's: it covers
/// every unit).
pub async fn summary(
    conn: &mut AnyConnection,
    actor: &Actor,
    campaign: &Campaign,
) -> Result<Vec<UnitTotal>> {
    operator_only(actor)?;
    registrations::totals_by_unit(conn, campaign.id).await
}

/// Every submitted file, one folder per unit, with an index (the operator's); how
/// many files.
pub async fn submissions(
    conn: &mut AnyConnection,
    actor: &Actor,
    data: &DataDir,
    out: &std::path::Path,
) -> Result<usize> {
    operator_only(actor)?;
    export::submissions(conn, data, out).await
}

fn operator_only(actor: &Actor) -> Result<(), Refused> {
    match actor {
        Actor::Operator => Ok(()),
        Actor::Staff(_) => Err(Refused::new("export.operator_only")),
    }
}
