//! A real browser for the dashboard's tests: Debian's Chromium, headless, driven through
//! its ChromeDriver (WebDriver) by fantoccini, in a window the size of an office screen
//! (1366×768). Screenshots are kept as artifacts in `target/tmp/screenshots/`.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

pub struct Browser {
    pub client: Client,
    name: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// ChromeDriver in a process group of its own, with the Chromium it starts: dropping
/// it (a test that ends or fails) kills the whole group, so no browser outlives a test.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where the screenshots go: kept after the run, one per step of each test.
pub fn screenshot_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
}

impl Browser {
    /// Starts ChromeDriver on a free port and a headless Chromium session through it.
    pub async fn start(name: &str) -> Browser {
        assert!(
            std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists(),
            "the dashboard's tests need Chromium: apt-get install chromium chromium-driver (.ci/run does)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let driver = Driver(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("chromedriver starts"),
        );
        let profile = tempfile::tempdir().expect("a profile folder");
        // fantoccini speaks plain HTTP here, but its client wants a TLS provider chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The flags this machine needs: no sandbox as root, and no background
        // connections (the network is closed; Chromium would retry them for ever).
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=zh-CN",
            "--window-size=1366,768",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), serde_json::json!({"binary": CHROMIUM, "args": args}));
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            let builder = ClientBuilder::rustls().expect("TLS roots").capabilities(caps.clone()).connect(&url).await;
            match builder {
                Ok(client) => return Browser { client, name: name.to_string(), _driver: driver, _profile: profile },
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no browser session: {last:?}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default())
    }

    /// The element for a CSS selector, waiting for it to appear (a page may be loading).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => panic!("no element '{css}' on {}: {e}", self.path().await),
        }
    }

    /// Clicks an element, scrolled to the middle of the window first (the sticky
    /// header would otherwise take a click near the top).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
                vec![serde_json::json!(css)],
            )
            .await
            .expect("scroll");
        element.click().await.unwrap_or_else(|e| panic!("cannot click '{css}': {e}"));
    }

    pub async fn all(&self, css: &str) -> Vec<fantoccini::elements::Element> {
        self.client.find_all(Locator::Css(css)).await.expect("find_all")
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// Waits until the element's text is `expected` (after a form posts and the page reloads).
    pub async fn wait_text(&self, css: &str, expected: &str) {
        let mut seen = String::new();
        for _ in 0..150 {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                seen = e.text().await.unwrap_or_default();
                if seen == expected {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("'{css}' reads '{seen}', not '{expected}', on {}", self.path().await);
    }

    /// Waits until the page's path starts with `prefix`.
    pub async fn wait_path(&self, prefix: &str) {
        for _ in 0..150 {
            if self.path().await.starts_with(prefix) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser is at {}, not {prefix}", self.path().await);
    }

    /// Does the page fit the window's width (no sideways scrolling)?
    pub async fn fits_width(&self) -> bool {
        let answer = self
            .client
            .execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![])
            .await
            .expect("a script runs");
        answer == serde_json::Value::Bool(true)
    }

    /// Saves a screenshot of the window as `<test>-<backend>-<step>.png`.
    pub async fn shot(&self, step: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        let backend = if super::helpers::postgres_url().is_some() { "postgres" } else { "sqlite" };
        std::fs::write(dir.join(format!("{}-{backend}-{step}.png", self.name)), png).expect("a screenshot written");
    }

    /// Logs in through the login page.
    pub async fn log_in(&self, base: &str, username: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.find("input[name=username]").await.send_keys(username).await.expect("type");
        self.find("input[name=password]").await.send_keys(password).await.expect("type");
        self.click("section.login button[type=submit]").await;
        // Only a logged-in page names its viewer.
        assert_eq!(self.text("header.top .who .user").await, username);
    }

    /// Ends the session; dropping the browser then stops its driver and Chromium.
    pub async fn finish(self) {
        let _ = self.client.clone().close().await;
    }
}
