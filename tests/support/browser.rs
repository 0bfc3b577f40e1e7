//! Headless Chromium, driven through chromedriver (WebDriver, by fantoccini), for tests
//! that use the web pages as a person would: click links and buttons, type into fields,
//! look at the page (screenshots under `target/web-screens/`).
//!
//! `Browser::start()` is `None` when Chromium or chromedriver is not installed (the test
//! then says it was skipped), unless `THIDUA_REQUIRE_CHROMIUM=1` (CI), where that fails.
//! Everything it started (chromedriver, and the Chromium chromedriver started) is
//! stopped when the `Browser` is dropped, even when the test panics.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// How long a step waits for what it expects (an element, a text) before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Where screenshots are written.
pub fn screens_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/web-screens"))
}

/// The first of `names` found on PATH (or given as a path).
fn installed(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        let given = PathBuf::from(name);
        if given.is_absolute() {
            return given.is_file().then_some(given);
        }
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// chromedriver on a free port and one headless Chromium session (1280×900), or
    /// `None` (with a "skipped: …" line) when either is missing.
    pub async fn start() -> Option<Browser> {
        let chromium = installed(&["chromium", "chromium-browser", "google-chrome"]);
        let driver = installed(&["chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            let why = "the browser test needs `chromium` and `chromedriver` on PATH \
                       (Debian: apt-get install chromium chromium-driver)";
            assert!(
                std::env::var("THIDUA_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
                "THIDUA_REQUIRE_CHROMIUM=1: {why}"
            );
            eprintln!("skipped: {why}");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let port = super::free_port();
        let log = profile.path().join("chromedriver.log");
        // Its own process group: Drop ends chromedriver and every Chromium process it
        // started, and nothing else.
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        loop {
            let up = reqwest::get(format!("{url}/status")).await;
            if up.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "chromedriver exited ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {url} within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let data = profile.path().join("chromium");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--hide-scrollbars",
                    format!("--user-data-dir={}", data.display()),
                ],
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let session = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&url)
            .await;
        let client = match session {
            Ok(client) => client,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no Chromium session from chromedriver: {e}\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        Some(Browser {
            client,
            driver: child,
            _profile: profile,
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Opens a one-time link as a person does: the page a chat app's preview would
    /// also see, then its one button, which uses the link.
    pub async fn open_link(&self, url: &str) {
        self.goto(url).await;
        let open = self.find("main form button", "the link's Mở button").await;
        open.click().await.unwrap();
        // The answer is a redirect (away from the link) or a refusal (at it, with
        // no button): wait for either.
        let started = std::time::Instant::now();
        while started.elapsed() < WAIT {
            let here = self.client.current_url().await.unwrap();
            let button = self.client.find(Locator::Css("main form button")).await;
            if here.as_str() != url || button.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The element `css` finds, waiting for it; fails naming `what` was expected.
    pub async fn find(&self, css: &str, what: &str) -> Element {
        self.wait_for(Locator::Css(css), what).await
    }

    /// The element `locator` finds, waiting up to `WAIT`; fails with what was expected,
    /// where the browser is and what the page says.
    pub async fn wait_for(&self, locator: Locator<'_>, what: &str) -> Element {
        match self.client.wait().at_most(WAIT).for_element(locator).await {
            Ok(found) => found,
            Err(e) => panic!(
                "expected {what} ({locator:?}) within {WAIT:?}: {e}\n{}",
                self.where_am_i().await
            ),
        }
    }

    /// Waits until the browser is at a URL whose path ends with `suffix` (after a click
    /// that submits a form, say).
    pub async fn wait_for_path(&self, suffix: &str, what: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let at = self.client.current_url().await;
            if at.is_ok_and(|u| u.path().ends_with(suffix)) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "expected {what} (a path ending in {suffix:?}) within {WAIT:?}\n{}",
                    self.where_am_i().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page's visible text contains `part`, and returns that text.
    pub async fn wait_for_text(&self, part: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text().await;
            if text.contains(part) {
                return text;
            }
            if Instant::now() > deadline {
                panic!(
                    "expected the page to say {part:?} within {WAIT:?}\n{}",
                    self.where_am_i().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        let got = self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
            .unwrap_or_default();
        got.as_str().unwrap_or_default().to_string()
    }

    /// The HTTP status the page that is showing was served with (Chromium's navigation
    /// timing: WebDriver itself does not say).
    pub async fn status(&self) -> u16 {
        let got = self
            .client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; \
                 return n ? n.responseStatus : 0;",
                vec![],
            )
            .await
            .expect("the navigation's status");
        got.as_u64().unwrap_or(0) as u16
    }

    /// Runs `script` in the page (its arguments `arguments[0]`, …).
    pub async fn run(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The URL shown and the page's text, for a failing step's message.
    pub async fn where_am_i(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        format!("at {url}, the page says:\n{}", self.text().await)
    }

    /// The value of the cookie `name` the browser holds for the page showing.
    pub async fn cookie(&self, name: &str) -> String {
        self.client
            .get_named_cookie(name)
            .await
            .unwrap_or_else(|e| panic!("no cookie {name}: {e}"))
            .value()
            .to_string()
    }

    /// The window as it looks now, written to `target/web-screens/NAME` (a PNG).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        let dir = screens_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Ends the session (Chromium quits), then chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The process group chromedriver leads: it and the Chromium it started.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
