"""The browser extension in a real browser: Debian's chromium through playwright (scripts/install_browser.sh;
never `playwright install`), the unpacked extension loaded into a persistent profile, a local test page
with a textarea and a contenteditable, and the real `assistant serve` process.

Screenshots go to artifacts/ (gitignored); with ASSISTANT_UPDATE_SCREENSHOTS=1 the underlined message is
also written to docs/screenshots/extension-underline.png.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.server.config import EXTENSION_ID

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
ARTIFACTS = ROOT / "artifacts"
SCREENSHOT = ROOT / "docs" / "screenshots" / "extension-underline.png"
CHROMIUM = "/usr/bin/chromium"
CAN_WE_JUST = "trivializing.can-we-just"
DEADLINE = "deadline-rigidity.deadline-doesnt-change"
DRAFT = "Hi team, can we just add CSV export by March 15? I hear you, but the deadline doesn't change."
WAIT_MS = 15_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`assistant serve` on a free loopback port, with its own config directory (and token)."""

    def __init__(self, config_dir: Path) -> None:
        keep = (k for k in os.environ if not k.endswith("_API_KEY") and not k.startswith("ASSISTANT_"))
        self.env = {k: os.environ[k] for k in keep}
        self.env["ASSISTANT_CONFIG_DIR"] = str(config_dir)
        self.env["ASSISTANT_CACHE_DIR"] = str(config_dir / "cache")
        cmd = [sys.executable, "-m", "assistant", "serve", "--print-token"]
        self.token = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=True).stdout.strip()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = config_dir / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(self.port)]
        log = self.log.open("a")
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        headers = {"Authorization": f"Bearer {self.token}"}
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", headers=headers, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"assistant serve did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    served = Server(tmp_path_factory.mktemp("serve"))
    served.start()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    """The test page over http on loopback (content scripts run on http pages without extra permissions)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(Path(__file__).parent))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/page.html"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, server: Server):
    """A persistent chromium profile with the unpacked extension, configured through its options page."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("chromium is missing: run `bash scripts/install_browser.sh` (Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=CHROMIUM,
            headless=False,  # the new headless mode below is the one that runs extensions
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-features=DisableLoadExtensionCommandLineSwitch",
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
            ],
            viewport={"width": 900, "height": 700},
        )
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        assert worker.url.startswith(f"chrome-extension://{EXTENSION_ID}/"), worker.url
        options = context.new_page()
        options.goto(f"chrome-extension://{EXTENSION_ID}/options.html")
        options.fill("#server-url", server.url)
        options.fill("#token", server.token)
        options.click("#save")
        options.wait_for_selector("#status.good")
        options.click("#test")
        expect(options.locator("#status")).to_have_text(re.compile(r"^Connected: assistant .* \(offline engine\)\.$"))
        options.close()
        yield context
        context.close()


def _expected_replacement(rule: str) -> str:
    """The library's first replacement for the rule's phrase in DRAFT, as the extension fits it into the
    sentence: no trailing ellipsis, and a lower-case first letter where the phrase had one."""
    import assistant

    finding = next(f for f in assistant.lint(DRAFT).findings if f.rule_id == rule)
    fitted = re.sub(r"\s*(…|\.\.\.)\s*$", "", finding.replacements[0]).strip()
    if finding.text[0].islower() and fitted[:1].isupper() and fitted[1:2].islower():
        fitted = fitted[0].lower() + fitted[1:]
    return fitted


def _screenshot(page) -> None:
    """The underlined message with one explanation open: to artifacts/, and to docs/ when asked."""
    ARTIFACTS.mkdir(exist_ok=True)
    clip = {"x": 0, "y": 0, "width": 900, "height": 420}
    page.screenshot(path=str(ARTIFACTS / SCREENSHOT.name), clip=clip)
    if os.environ.get("ASSISTANT_UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOT), clip=clip)


def _marks(page, rule: str):
    return page.locator(f"pm-assistant-overlay .pm-mark[data-rule='{rule}']")


def _click_mark(page, rule: str) -> None:
    box = _marks(page, rule).first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + min(6, box["width"] / 2), box["y"] + box["height"] / 2)


def _apply_first_replacement(page, rule: str) -> str:
    _click_mark(page, rule)
    popup = page.locator(f"pm-assistant-overlay .pm-popup[data-rule='{rule}']")
    popup.wait_for(timeout=WAIT_MS)
    button = popup.locator(".pm-replacement").first
    text = button.inner_text()
    button.click()
    return text


def test_textarea_underlines_both_phrases_and_applies_a_replacement(browser, page_url):
    page = browser.new_page()
    page.goto(page_url)
    page.click("#draft")
    page.keyboard.type(DRAFT, delay=5)
    _marks(page, CAN_WE_JUST).first.wait_for(timeout=WAIT_MS)
    _marks(page, DEADLINE).first.wait_for(timeout=WAIT_MS)
    badge = page.locator("pm-assistant-overlay .pm-badge")
    assert "missing context" in badge.inner_text() and "likely complexity" in badge.inner_text()
    assert badge.locator("a").get_attribute("href") == "http://localhost:8501"
    _click_mark(page, CAN_WE_JUST)
    page.locator("pm-assistant-overlay .pm-popup").wait_for(timeout=WAIT_MS)
    _screenshot(page)

    applied = _apply_first_replacement(page, CAN_WE_JUST)
    assert applied == _expected_replacement(CAN_WE_JUST)
    value = page.input_value("#draft")
    assert "can we just" not in value and f"Hi team, {applied} add CSV export" in value
    # after the next pause the fixed phrase is no longer underlined, the other one still is
    _marks(page, CAN_WE_JUST).first.wait_for(state="detached", timeout=WAIT_MS)
    _marks(page, DEADLINE).first.wait_for(timeout=WAIT_MS)
    page.close()


def test_contenteditable_underlines_both_phrases_and_applies_a_replacement(browser, page_url):
    page = browser.new_page()
    page.goto(page_url)
    page.click("#notes")
    page.keyboard.type(DRAFT, delay=5)
    _marks(page, CAN_WE_JUST).first.wait_for(timeout=WAIT_MS)
    _marks(page, DEADLINE).first.wait_for(timeout=WAIT_MS)
    applied = _apply_first_replacement(page, DEADLINE)
    assert applied == _expected_replacement(DEADLINE)
    text = page.inner_text("#notes")
    assert "doesn't change" not in text
    assert f"I hear you, but {applied}" in text
    assert not text.rstrip().endswith("?.")
    page.close()


def test_with_the_server_stopped_typing_works_and_one_notice_is_shown(browser, page_url, server):
    server.stop()
    try:
        page = browser.new_page()
        page.goto(page_url)
        page.click("#draft")
        page.keyboard.type("Can we just add it?", delay=5)
        notices = page.locator("pm-assistant-overlay .pm-notice")
        notices.first.wait_for(timeout=WAIT_MS)
        assert "not running" in notices.first.inner_text()
        page.keyboard.type(" The deadline doesn't change.", delay=5)
        page.click("#notes")
        page.keyboard.type("Just one more thing.", delay=5)
        page.wait_for_timeout(2000)  # more than two pauses: two more checks failed quietly
        assert page.input_value("#draft") == "Can we just add it? The deadline doesn't change."
        assert page.inner_text("#notes") == "Just one more thing."
        assert notices.count() == 1
        assert _marks(page, CAN_WE_JUST).count() == 0
        page.close()
    finally:
        server.start()
