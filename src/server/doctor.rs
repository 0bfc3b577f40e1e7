//! `thidua doctor`: what an operator checks before starting the service or when it
//! misbehaves, one plain line each — the configuration, the database and its
//! migrations, each configured channel's token and webhook, the data folder. Exits
//! non-zero when anything is a problem, with one line per problem.

use anyhow::Result;

use crate::channels::telegram;
use crate::channels::zalo::api::ZaloClient;
use crate::i18n::{tr, trf, trn, Lang};
use crate::server::config::Config;
use crate::store;

/// Less room than this for submitted files is a problem: a dossier is up to 20 MB a
/// file, and a district's campaign brings hundreds.
const MIN_FREE_BYTES: u64 = 1024 * 1024 * 1024;

struct Report {
    lang: Lang,
    problems: usize,
}

impl Report {
    fn ok(&self, line: String) {
        println!("✓ {line}");
    }

    fn note(&self, line: String) {
        println!("• {line}");
    }

    fn problem(&mut self, line: String) {
        println!("✗ {line}");
        self.problems += 1;
    }
}

/// Runs every check; the number of problems found.
pub async fn run(config: &Config, lang: Lang) -> Result<usize> {
    let mut r = Report { lang, problems: 0 };
    configuration(&mut r, config);
    database(&mut r, config).await;
    channels(&mut r, config).await;
    zalo_limits(&mut r, config).await;
    data_dir(&mut r, config);
    if r.problems == 0 {
        r.ok(tr(r.lang, "doctor.all_good"));
    }
    Ok(r.problems)
}

fn configuration(r: &mut Report, config: &Config) {
    if !crate::server::run::any_configured(config) {
        r.problem(tr(r.lang, "cli.no_channel"));
    }
    let listen = config.http_listen();
    match &listen {
        Ok(Some(addr)) => r.ok(trf(r.lang, "doctor.http", &[("addr", &addr.to_string())])),
        Ok(None) => r.note(tr(r.lang, "doctor.http_off")),
        Err(_) => {}
    }
    match config.public_url() {
        Ok(Some(url)) if url.starts_with("https://") => {
            r.ok(trf(r.lang, "doctor.public_url", &[("url", &url)]))
        }
        // Over plain http the session cookie cannot be marked Secure.
        Ok(Some(url)) => r.note(trf(r.lang, "doctor.public_url_http", &[("url", &url)])),
        Ok(None) => r.note(tr(r.lang, "doctor.public_url_off")),
        Err(_) => {}
    }
    let checks = [
        ("*_WEBHOOK_*", config.webhooks().map(|_| ())),
        ("THIDUA_PUBLIC_URL", config.public_url().map(|_| ())),
        ("THIDUA_HTTP_LISTEN", listen.map(|_| ())),
    ];
    for (what, done) in checks {
        if let Err(e) = done {
            r.problem(trf(
                r.lang,
                "doctor.config_bad",
                &[
                    ("what", what),
                    ("why", &crate::ops::said::error(&e, r.lang)),
                ],
            ));
        }
    }
    for (job, cron) in crate::server::housekeeping::check(config) {
        r.problem(trf(
            r.lang,
            "doctor.bad_cron",
            &[("job", job), ("cron", &cron)],
        ));
    }
}

async fn database(r: &mut Report, config: &Config) {
    let shown = store::redact(config.database_url());
    let db = match store::open(config.database_url()).await {
        Ok(db) => db,
        Err(e) => {
            r.problem(trf(
                r.lang,
                "doctor.db_bad",
                &[("url", &shown), ("why", &format!("{e:#}"))],
            ));
            return;
        }
    };
    r.ok(trf(r.lang, "doctor.db_ok", &[("url", &shown)]));
    match db.migration_state().await {
        Ok((_, _, unknown)) if unknown > 0 => {
            r.problem(trn(r.lang, "doctor.migrations_newer", unknown, &[]))
        }
        Ok((applied, known, _)) if applied < known => r.note(trn(
            r.lang,
            "doctor.migrations_pending",
            known - applied,
            &[],
        )),
        Ok((applied, _, _)) => r.ok(trn(r.lang, "doctor.migrations_ok", applied, &[])),
        Err(e) => r.problem(format!("{e:#}")),
    }
    if let Some(how) = rehearsed(&db).await {
        r.problem(trf(r.lang, "doctor.rehearsed", &[("how", &how)]));
    }
    db.close().await;
}

/// How the database was run under a rehearsal clock, if it ever was.
async fn rehearsed(db: &store::Db) -> Option<String> {
    let mut conn = db.read().await.ok()?;
    store::settings::get_value(&mut conn, store::settings::REHEARSED)
        .await
        .ok()
        .flatten()
}

async fn channels(r: &mut Report, config: &Config) {
    if let Some(token) = config.telegram_token() {
        match telegram::bot(token, config.telegram_api_url.as_deref()) {
            Ok(bot) => telegram_checks(r, config, &bot).await,
            Err(e) => r.problem(format!("Telegram: {e:#}")),
        }
    }
    for token in config.zalo_tokens() {
        let client = ZaloClient::new(token, config.zalo_api_url.as_deref());
        let id = crate::channels::zalo::bots::bot_id(token);
        match client.get_me().await {
            Ok(me) => {
                let name = me
                    .get("account_name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("?");
                r.ok(trf(
                    r.lang,
                    "doctor.channel_ok",
                    &[("channel", &format!("Zalo {id}")), ("bot", name)],
                ));
                match client.get_webhook_info().await {
                    Ok(url) => r.note(webhook_line(r.lang, "Zalo", &url)),
                    Err(e) => r.problem(format!("Zalo getWebhookInfo: {e}")),
                }
            }
            Err(e) => r.problem(trf(
                r.lang,
                "doctor.channel_bad",
                &[("channel", &format!("Zalo {id}")), ("why", &e.to_string())],
            )),
        }
    }
}

/// Each Zalo bot's month and people, from the database all instances count in.
async fn zalo_limits(r: &mut Report, config: &Config) {
    let tokens = config.zalo_tokens();
    if tokens.is_empty() {
        return;
    }
    let Ok(db) = store::open(config.database_url()).await else {
        return;
    };
    let lines = async {
        let mut conn = db.read().await?;
        let first = store::settings::get_value(&mut conn, store::settings::ZALO_FIRST_BOT)
            .await?
            .unwrap_or_else(|| crate::channels::zalo::bots::bot_id(tokens[0]));
        let (month, _) = crate::delivery::quota::month_of(chrono::Utc::now());
        let usage = store::quota::month(&mut conn, &month).await?;
        let mut lines = Vec::new();
        for token in &tokens {
            let bot = crate::channels::zalo::bots::bot_id(token);
            let used = usage.iter().find(|u| u.bot == bot);
            let people = store::members::count_on_zalo_bot(&mut conn, &bot, bot == first).await?;
            let key = format!("{}{bot}", store::settings::ZALO_VERIFICATION);
            let verification = store::settings::get_value(&mut conn, &key).await?;
            let limit = i64::from(config.zalo_monthly_quota());
            let spent = used.is_some_and(|u| u.is_spent(limit));
            let sent = used.map(|u| u.sent).unwrap_or(0);
            lines.push((bot, sent, spent, people, verification));
        }
        anyhow::Ok((month, lines))
    };
    let (month, lines) = match lines.await {
        Ok(found) => found,
        Err(e) => return r.problem(format!("Zalo: {e:#}")),
    };
    let (limit, max) = (config.zalo_monthly_quota(), config.zalo_users_per_bot());
    for (bot, sent, spent, people, verification) in lines {
        let args = [
            ("bot", bot.as_str()),
            ("sent", &sent.to_string()),
            ("limit", &limit.to_string()),
            ("month", &month),
            ("people", &people.to_string()),
            ("max", &max.to_string()),
        ];
        match spent {
            true => r.problem(trf(r.lang, "doctor.zalo_spent", &args)),
            false => r.ok(trf(r.lang, "doctor.zalo_quota", &args)),
        }
        if people > i64::from(max) {
            r.problem(trf(r.lang, "doctor.zalo_full", &args));
        }
        if let Some(v) = verification {
            r.note(trf(
                r.lang,
                "doctor.zalo_verification",
                &[("bot", &bot), ("verification", &v)],
            ));
        }
    }
    db.close().await;
}

async fn telegram_checks(r: &mut Report, config: &Config, bot: &teloxide::Bot) {
    use teloxide::prelude::Requester;
    match bot.get_me().await {
        Ok(me) => {
            let name = me.user.username.clone().unwrap_or_default();
            r.ok(trf(
                r.lang,
                "doctor.channel_ok",
                &[("channel", "Telegram"), ("bot", &name)],
            ));
        }
        Err(e) => {
            r.problem(trf(
                r.lang,
                "doctor.channel_bad",
                &[("channel", "Telegram"), ("why", &e.to_string())],
            ));
            return;
        }
    }
    match bot.get_webhook_info().await {
        Ok(info) => {
            let url = info.url.map(|u| u.to_string()).unwrap_or_default();
            r.note(webhook_line(r.lang, "Telegram", &url));
            if info.pending_update_count > 0 {
                r.note(trf(
                    r.lang,
                    "doctor.pending_updates",
                    &[("n", &info.pending_update_count.to_string())],
                ));
            }
            if let Some(error) = info.last_error_message {
                r.problem(trf(
                    r.lang,
                    "doctor.webhook_error",
                    &[("channel", "Telegram"), ("why", &error)],
                ));
            }
            let wanted = config.telegram_webhook_url.clone().unwrap_or_default();
            if !wanted.is_empty() && wanted != url {
                r.note(trf(r.lang, "doctor.webhook_at_start", &[("url", &wanted)]));
            }
        }
        Err(e) => r.problem(format!("Telegram getWebhookInfo: {e}")),
    }
}

fn webhook_line(lang: Lang, channel: &str, url: &str) -> String {
    if url.is_empty() {
        trf(lang, "doctor.polling", &[("channel", channel)])
    } else {
        trf(
            lang,
            "doctor.webhook",
            &[("channel", channel), ("url", url)],
        )
    }
}

fn data_dir(r: &mut Report, config: &Config) {
    let dir = config.data_dir();
    let shown = dir.display().to_string();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        r.problem(trf(
            r.lang,
            "doctor.data_bad",
            &[("dir", &shown), ("why", &e.to_string())],
        ));
        return;
    }
    let probe = dir.join(".thidua-doctor");
    match std::fs::write(&probe, b"ok").and_then(|()| std::fs::remove_file(&probe)) {
        Ok(()) => r.ok(trf(r.lang, "doctor.data_ok", &[("dir", &shown)])),
        Err(e) => {
            r.problem(trf(
                r.lang,
                "doctor.data_bad",
                &[("dir", &shown), ("why", &e.to_string())],
            ));
            return;
        }
    }
    match fs4::available_space(&dir) {
        Ok(free) => {
            // "77,9" in Vietnamese, "77.9" in English.
            let gib = format!("{:.1}", free as f64 / (1024.0 * 1024.0 * 1024.0));
            let gib = match r.lang {
                Lang::Vi => gib.replace('.', ","),
                Lang::En => gib,
            };
            if free < MIN_FREE_BYTES {
                r.problem(trf(
                    r.lang,
                    "doctor.space_low",
                    &[("dir", &shown), ("gib", &gib)],
                ));
            } else {
                r.ok(trf(r.lang, "doctor.space_ok", &[("gib", &gib)]));
            }
        }
        Err(e) => r.problem(format!("{shown}: {e}")),
    }
}
