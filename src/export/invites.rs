//! `thidua invite --all --out FILE.xlsx`: one chair's code and link per unit, for a
//! mail merge or a printed list; a province cannot hand out 2 000 codes one by one.

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use rust_xlsxwriter::{Format, Workbook};

use crate::domain::unit::Unit;
use crate::i18n::{tr, Lang};

const HEADERS: [&str; 5] = [
    "export.invite.unit",
    "export.invite.code",
    "export.invite.link",
    "export.invite.expires",
    "export.invite.zalo_bot",
];

/// The codes to list: one per unit, with the Zalo bot (by name) keeping each one's
/// place, if any.
pub struct InviteSheet<'a> {
    pub units: &'a [Unit],
    pub codes: &'a [String],
    pub zalo_bots: &'a [Option<String>],
    pub expires: DateTime<Utc>,
}

pub fn invites_xlsx(sheet: &InviteSheet, bot: Option<&str>, lang: Lang, out: &Path) -> Result<()> {
    super::xlsx::guarded(|| write_invites(sheet, bot, lang, out))
}

fn write_invites(list: &InviteSheet, bot: Option<&str>, lang: Lang, out: &Path) -> Result<()> {
    let InviteSheet {
        units,
        codes,
        zalo_bots,
        expires,
    } = *list;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name(tr(lang, "export.invite.sheet"))?;
    super::xlsx::print_setup(sheet, 0, lang)?;
    let bold = Format::new().set_bold();
    for (col, key) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, tr(lang, key), &bold)?;
    }
    let until = expires
        .with_timezone(&Ho_Chi_Minh)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    for (i, (unit, code)) in units.iter().zip(codes).enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &unit.name)?;
        sheet.write_string(row, 1, code)?;
        // Without a Telegram bot yet, the code alone is the invitation (Zalo: send it).
        let link = bot
            .map(|b| format!("https://t.me/{b}?start={code}"))
            .unwrap_or_default();
        sheet.write_string(row, 2, &link)?;
        sheet.write_string(row, 3, &until)?;
        if let Some(Some(zalo)) = zalo_bots.get(i) {
            sheet.write_string(row, 4, zalo)?;
        }
    }
    for (col, width) in [(0u16, 40.0), (1, 12.0), (2, 44.0), (3, 18.0), (4, 24.0)] {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save(out)?;
    Ok(())
}
