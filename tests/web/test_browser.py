"""End to end in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium):
the calculator forward and backward, a day below the minimum, the print view, the PDF/ICS/xlsx
downloads, the dashboard and the feed page, at a phone (390×844) and a desktop (1366×768)
viewport. Screenshots go to test-artifacts/browser/ (or $PROCAL_TEST_ARTIFACTS).

Without Chromium the tests skip with one line; under CI (CI=true) a missing Chromium fails.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PROCAL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PROCAL_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("PROCAL_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 768)}


def _require_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    if not missing:
        return
    reason = (f"Chromium not installed ({', '.join(missing)} missing): "
              "apt-get install chromium chromium-driver")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("browser tests must run under CI: " + reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(run_out, tmp_path_factory):
    """`procal web` on the example run's out folder, as a real process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cwd = tmp_path_factory.mktemp("web-cwd")
    proc = subprocess.Popen([sys.executable, "-m", "procal", "web", "--out", str(run_out),
                             "--port", str(port)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise AssertionError("procal web did not start: " + proc.stderr.read()) from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    assert "Traceback" not in err, err


def _driver(width: int, height: int, download_dir: Path, javascript: bool = True):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = download_dir.parent / f"profile-{width}-{int(javascript)}"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}",
                 "--force-device-scale-factor=1", "--lang=th-TH"):
        opts.add_argument(flag)
    prefs = {"download.default_directory": str(download_dir),
             "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    opts.add_experimental_option("prefs", prefs)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    drv.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                     "downloadPath": str(download_dir)})
    # the layout viewport is exactly the phone's / desktop's
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return drv


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def browser(request, tmp_path_factory):
    _require_chromium()
    width, height = VIEWPORTS[request.param]
    downloads = tmp_path_factory.mktemp(f"dl-{request.param}") / "downloads"
    downloads.mkdir()
    drv = _driver(width, height, downloads)
    drv.viewport = request.param
    drv.downloads = downloads
    yield drv
    drv.quit()


def shot(drv, name: str) -> Path:
    """A full-page screenshot into the artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{drv.viewport}-{name}.png"
    w = drv.execute_script("return document.documentElement.scrollWidth")
    h = drv.execute_script("return document.documentElement.scrollHeight")
    data = drv.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": w, "height": min(h, 12000), "scale": 1}})
    path.write_bytes(base64.b64decode(data["data"]))
    return path


def no_horizontal_scroll(drv) -> None:
    over = drv.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert over <= 1, f"page is {over}px wider than the {drv.viewport} viewport"


def thai_font_loaded(drv) -> None:
    ok = drv.execute_async_script(
        "const done = arguments[0]; document.fonts.ready.then(() => "
        "done(document.fonts.check('16px Sarabun', 'ก่อสร้าง')))")
    assert ok, "the Sarabun web font did not load"


def _fill(drv, base: str, *, method: str, budget: str, date_text: str, backward=False,
          name: str = "") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    drv.get(base + "/")
    Select(drv.find_element(By.ID, "method")).select_by_value(method)
    for field, value in (("name", name), ("budget", budget), ("date", date_text)):
        el = drv.find_element(By.ID, field)
        el.clear()
        el.send_keys(value)
    drv.find_element(By.ID, "mode-back" if backward else "mode-start").click()
    submit(drv)


def submit(drv) -> None:
    """Press the form's button and wait for the new page (not a live update of the old one)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drv.execute_script("window.__procalOld = 1")
    drv.find_element(By.ID, "compute").click()
    WebDriverWait(drv, 60).until(lambda d: d.execute_script(
        "return window.__procalOld === undefined && document.readyState === 'complete'"))


def _wait(drv, css: str, timeout: float = 15):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR,
                                                                                css)))


def _text_of(drv, css: str) -> str:
    from selenium.webdriver.common.by import By

    return drv.find_element(By.CSS_SELECTOR, css).text


def test_forward_backward_and_below_minimum(browser, server):
    from selenium.webdriver.common.by import By

    drv = browser
    _fill(drv, server, method="e-bidding", budget="3,000,000", date_text="20 ก.ค. 2565",
          name="ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 5")
    assert _wait(drv, "#contract-date").text == "9 กันยายน 2565"
    assert "34 วันทำการ" in _text_of(drv, "#totals")
    assert "ม.117" in _text_of(drv, "#steps")
    thai_font_loaded(drv)
    no_horizontal_scroll(drv)
    shot(drv, "calculator-forward")
    # the URL keeps every input: reopening it gives the same plan
    url = drv.current_url
    drv.get(url)
    assert _wait(drv, "#contract-date").text == "9 กันยายน 2565"

    # a day count below the legal minimum: inline Thai error, the other values stay
    days = drv.find_element(By.ID, "d-appeal")
    days.clear()
    days.send_keys("3")
    submit(drv)
    err = _wait(drv, "#err-appeal").text
    assert "ระยะเวลาอุทธรณ์" in err and "7" in err and "ม.117" in err
    assert drv.find_element(By.ID, "d-appeal").get_attribute("value") == "3"
    assert drv.find_element(By.ID, "budget").get_attribute("value") == "3,000,000"
    no_horizontal_scroll(drv)
    shot(drv, "calculator-below-minimum")

    # backward from the contract deadline
    _fill(drv, server, method="e-bidding", budget="3,000,000", date_text="30/09/2565",
          backward=True)
    _wait(drv, "#start-date")
    assert "วันเริ่มช้าที่สุด" in _text_of(drv, "#summary")
    assert "30 กันยายน 2565" in _text_of(drv, "#summary")
    no_horizontal_scroll(drv)
    shot(drv, "calculator-backward")


def test_live_recompute_with_javascript(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drv = browser
    _fill(drv, server, method="specific", budget="450,000", date_text="2022-07-20")
    before = _wait(drv, "#contract-date").text
    date_box = drv.find_element(By.ID, "date")
    date_box.clear()
    date_box.send_keys("20/08/2565")
    drv.find_element(By.ID, "name").click()  # leaving the field fires `change`
    WebDriverWait(drv, 30).until(lambda d: d.execute_script(
        "const e = document.getElementById('contract-date'); return e && e.textContent")
        not in (None, before))
    assert "start=" in drv.current_url or "date=" in drv.current_url


def test_print_view_and_downloads(browser, server):
    from selenium.webdriver.common.by import By

    drv = browser
    _fill(drv, server, method="e-bidding", budget="3,000,000", date_text="20 ก.ค. 2565",
          name="ซ่อมแซมอาคารเรียน")
    _wait(drv, "#contract-date")
    links = {k: drv.find_element(By.ID, f"{k}-link").get_attribute("href")
             for k in ("print", "pdf", "ics", "xlsx")}
    for k in ("pdf", "ics", "xlsx"):
        drv.find_element(By.ID, f"{k}-link").click()
    files = _downloads(drv.downloads, {".pdf", ".ics", ".xlsx"})

    from pypdf import PdfReader
    text = unicodedata.normalize("NFKC", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(files[".pdf"].read_bytes())).pages))
    flat = "".join(text.split())
    for want in ("ซ่อมแซมอาคารเรียน", "ประกวดราคาอิเล็กทรอนิกส์", "9กันยายน2565", "ผู้อนุมัติ"):
        assert unicodedata.normalize("NFKC", want) in flat, want
    import icalendar
    cal = icalendar.Calendar.from_ical(files[".ics"].read_bytes())
    assert len(list(cal.walk("VEVENT"))) >= 8
    from openpyxl import load_workbook
    ws = load_workbook(files[".xlsx"]).active
    assert any(c.is_date for row in ws.iter_rows() for c in row)

    drv.get(links["print"])
    sheet = _wait(drv, "article.sheet").text
    assert "ซ่อมแซมอาคารเรียน" in sheet and "ผู้จัดทำ" in sheet and "ผู้อนุมัติ" in sheet
    thai_font_loaded(drv)
    shot(drv, "print-view")
    # Chromium's own print of the print view: A4 pages
    pdf = base64.b64decode(drv.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})["data"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{drv.viewport}-print-view.pdf").write_bytes(pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(w - 595) < 3 and abs(h - 842) < 3  # A4 in points


def _downloads(folder: Path, suffixes: set[str], timeout: float = 30) -> dict[str, Path]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = {p.suffix: p for p in folder.iterdir() if p.suffix in suffixes}
        if set(found) == suffixes:
            return found
        time.sleep(0.2)
    raise AssertionError(f"downloads missing: {sorted(suffixes - set(found))} in {folder}")


def test_dashboard(browser, server):
    drv = browser
    drv.get(server + "/province")
    assert "ข้อมูล ณ วันที่" in _wait(drv, "#as-of").text
    assert _wait(drv, "#illustrative").is_displayed()
    table = _text_of(drv, "#agencies")
    assert "ต่ำกว่าเป้าหมาย" in table or "ตามเป้าหมาย" in table  # status in words, not colour alone
    assert _text_of(drv, "#late")
    ok = drv.execute_script("const i = document.querySelector('img.chart'); "
                            "return !!i && i.complete && i.naturalWidth > 0")
    assert ok, "the province progress chart did not load"
    no_horizontal_scroll(drv)
    thai_font_loaded(drv)
    shot(drv, "province")


def test_feed_page(browser, server):
    from selenium.webdriver.common.by import By

    drv = browser
    drv.get(server + "/feeds/")
    _wait(drv, "#feeds")
    assert len(drv.find_elements(By.CSS_SELECTOR, ".qrbox svg")) >= 2
    urls = [e.text for e in drv.find_elements(By.CSS_SELECTOR, "code.webcal")]
    assert urls and all(u.startswith("webcal://127.0.0.1:") for u in urls)
    assert "0.0.0.0" not in drv.page_source
    no_horizontal_scroll(drv)
    shot(drv, "feeds")


def test_calculator_works_with_javascript_off(server, tmp_path):
    from selenium.webdriver.common.by import By

    _require_chromium()
    downloads = tmp_path / "dl"
    downloads.mkdir()
    drv = _driver(390, 844, downloads, javascript=False)
    drv.viewport = "phone-nojs"
    try:
        _fill(drv, server, method="selection", budget="๑.๕ ล้าน", date_text="๒๐/๐๗/๒๕๖๕")
        assert _wait(drv, "#contract-date").text
        box = drv.find_elements(By.CSS_SELECTOR, "input[name=on]")
        if box:
            box[0].click()
            submit(drv)
            _wait(drv, "#contract-date")
        shot(drv, "calculator-no-javascript")
    finally:
        drv.quit()
