//! Shared by the headless-Chromium tests: find the browser, start chromedriver, open a session.

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills a child process when the test ends, however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_binary(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A headless Chromium session through chromedriver; chromedriver stops when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Running,
}

/// Starts chromedriver and a headless Chromium window of `width` × `height`, or prints why it cannot
/// (no chromium or chromedriver on PATH) and returns `None`, so the test passes without a browser.
pub async fn start_browser(width: u32, height: u32) -> Option<Browser> {
    let Some(chromium) = find_binary(&["chromium", "chromium-browser", "google-chrome"]) else {
        println!(
            "skipped: no chromium binary on PATH (apt-get install -y chromium chromium-driver)"
        );
        return None;
    };
    let Some(chromedriver) = find_binary(&["chromedriver"]) else {
        println!("skipped: no chromedriver on PATH (apt-get install -y chromium-driver)");
        return None;
    };
    let port = free_port();
    let driver = Running(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     format!("--window-size={width},{height}"), "--no-first-run", "--disable-extensions"]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver starts a Chromium session");
    Some(Browser {
        client,
        _driver: driver,
    })
}
