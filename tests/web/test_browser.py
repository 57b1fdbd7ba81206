"""End to end in Debian's chromium: a physician registers, is approved, records a patient and orders; the lab
accessions, uploads and analyses; a director signs out; the physician downloads the signed PDF.
Screenshots go to $WHIMSCREEN_SCREENSHOTS or the test's tmp dir."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, STAFF, _seed
from whimscreen.program.demo_data import write_gvcf
from whimscreen.reference.demo import demo_locus
from whimscreen.web.app import AppConfig, create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need_chromium():
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true")
        pytest.skip("chromium not installed")


@pytest.fixture
def server(tmp_path):
    import uvicorn

    _need_chromium()
    app = create_app(AppConfig(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'e2e.db'}"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    assert srv.started, "server did not start"
    _seed(app)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(15)


def _login(page, base, email, password=PASSWORD):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _logout(page):
    page.click("text=Log out")


def test_registration_to_downloaded_report(server, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("WHIMSCREEN_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    vcf = write_gvcf(demo_locus(), tmp_path / "patient.vcf", "S1", "NM_003467.3:c.1000C>T")
    base, n = server, iter(range(1, 100))

    def snap(page, name):
        page.screenshot(path=str(shots / f"{next(n):02d}-{name}.png"), full_page=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900}).new_page()
        page.goto(f"{base}/register")
        page.fill("#name", "Dr. Rita Register")
        page.fill("#email", "rita@clinic.example")
        page.fill("#license_id", "MD-778899")
        page.fill("#institution", "St. Example Hospital")
        page.fill("#password", PASSWORD)
        snap(page, "register")
        page.click("button[type=submit]")
        assert "waits for an administrator" in page.content()

        _login(page, base, STAFF["admin"])
        page.locator("tr", has_text="rita@clinic.example").locator("button", has_text="Approve").click()
        snap(page, "admin-approved")
        _logout(page)

        _login(page, base, "rita@clinic.example")
        page.fill("#name", "Ada Example")
        page.fill("#birth_date", "2012-03-04")
        page.click("text=Add patient")
        for days, anc, alc in ((200, "400", "700"), (20, "350", "650")):
            page.fill("#taken_on", (date.today() - timedelta(days=days)).isoformat())
            page.fill("#anc", anc)
            page.fill("#alc", alc)
            page.click("text=Add count")
        page.select_option("#recurrent_infections", "yes")
        page.select_option("#warts", "yes")
        page.click("button:has-text('Save')")
        assert "Eligibility: eligible" in page.inner_text("#eligibility")
        page.fill("#given_by", "Parent Example")
        page.select_option("#relationship", "parent")
        page.fill("#consented_on", date.today().isoformat())
        page.click("text=Record consent")
        snap(page, "patient-eligible")
        page.click("text=Place order")
        assert "Status: Ordered" in page.content()
        order_url = page.url
        snap(page, "order-placed")
        _logout(page)

        _login(page, base, STAFF["technologist"])
        page.goto(order_url)
        page.click("text=Accession sample")
        page.set_input_files("#file", str(vcf))
        page.click("button:has-text('Upload')")
        page.click("#run-analysis")
        page.wait_for_selector(
            "#review", timeout=60_000
        )  # the worker thread runs the job; the page refreshes
        assert "POSITIVE" in page.inner_text("#review")
        snap(page, "lab-review")
        _logout(page)

        _login(page, base, STAFF["director"])
        page.goto(order_url)
        page.click("a[href^='/lab/samples/']")
        page.click("#sign-out")
        snap(page, "signed-out")
        _logout(page)

        _login(page, base, "rita@clinic.example")
        page.goto(order_url)
        assert "Result: Positive" in page.content()
        snap(page, "physician-reported")
        with page.expect_download() as info:
            page.click("#download-report")
        pdf = tmp_path / "report.pdf"
        info.value.save_as(pdf)
        browser.close()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(list(shots.glob("*.png"))) >= 7


def test_recovery_delete_a_wrong_upload_rerun_and_sign(server, tmp_path):
    """A file added in review sends the order back to analysis; the wrong file is deleted with a reason,
    the analysis re-run, and only then can a director sign: in the browser, as the lab uses it."""
    from playwright.sync_api import sync_playwright

    from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
    from tests.web.live import login

    base = server
    doc, tech = login(base, "physician"), login(base, "technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path, variant=None)  # the wrong (wild-type) file
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    right = write_gvcf(demo_locus(), tmp_path / "right.vcf", "S1", "NM_003467.3:c.1000C>T")
    shots = Path(os.environ.get("WHIMSCREEN_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        _login(page, base, STAFF["technologist"])
        page.goto(f"{base}/lab/samples/{sample['id']}")
        page.wait_for_selector("#review:has-text('NEGATIVE')", timeout=90_000)
        page.set_input_files("#file", str(right))
        page.click("button:has-text('Upload')")  # sent with the progress bar; the page follows the redirect
        page.wait_for_selector("#needs-analysis", timeout=30_000)
        rows = page.locator("#files tr", has_text="calls.vcf")
        rows.locator("input[name=reason]").fill("wild-type file of another sample")
        rows.locator("button", has_text="Delete").click()
        assert page.locator("#files tr", has_text="calls.vcf").count() == 0
        page.screenshot(path=str(shots / "recovery-deleted.png"), full_page=True)
        page.click("#run-analysis")
        page.wait_for_selector("#review:has-text('POSITIVE')", timeout=90_000)
        assert not page.is_visible("#needs-analysis")
        _logout(page)

        _login(page, base, STAFF["director"])
        page.goto(f"{base}/lab/samples/{sample['id']}")
        page.click("#sign-out")
        assert "Result: Positive" in page.content()
        page.screenshot(path=str(shots / "recovery-signed.png"), full_page=True)
        browser.close()
    audit = ok(login(base, "admin").get(f"/api/admin/audit?patient_id={order['patient_id']}"))
    assert any(e["action"] == "delete" and e["entity"] == "upload" for e in audit)


def test_director_amends_a_signed_report_and_the_physician_sees_both_versions(server, tmp_path):
    """In the browser: a director issues an amended version with its reason; the order shows v2 as current
    and v1 as replaced, both downloadable; the physician is told in the portal."""
    from playwright.sync_api import sync_playwright

    from tests.reporting.conftest import pdf_pages
    from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
    from tests.web.live import login

    base = server
    doc, tech = login(base, "physician"), login(base, "technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    director = login(base, "director")
    deadline = time.time() + 90
    while director.post(f"/api/orders/{order['id']}/signout", json={}).status_code != 201:
        assert time.time() < deadline, "the analysis did not finish"
        time.sleep(1)
    shots = Path(os.environ.get("WHIMSCREEN_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    reason = "Bone marrow review shows myelokathexis; phenotype added"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900}).new_page()
        _login(page, base, STAFF["director"])
        page.goto(f"{base}/orders/{order['id']}")
        page.click("#amend-report")
        page.fill("#reason", "short")  # the browser refuses it (minlength) and stays on the form
        page.click("#issue-version")
        assert page.url.endswith("/amend")
        page.fill("#reason", reason)
        page.screenshot(path=str(shots / "amend-form.png"), full_page=True)
        page.click("#issue-version")
        versions = page.inner_text("#report-versions")
        assert "AMENDED (current)" in versions and "FINAL (replaced)" in versions and reason in versions
        page.screenshot(path=str(shots / "amended-order.png"), full_page=True)
        _logout(page)

        _login(page, base, STAFF["physician"])
        page.goto(f"{base}/notifications")
        assert "was amended" in page.content() and reason in page.content()
        page.goto(f"{base}/orders/{order['id']}")
        with page.expect_download() as info:
            page.click("#report-versions a:has-text('v1')")
        old = tmp_path / "v1.pdf"
        info.value.save_as(old)
        with page.expect_download() as info:
            page.click("#download-report")
        new = tmp_path / "v2.pdf"
        info.value.save_as(new)
        browser.close()
    assert "AMENDED" not in pdf_pages(old.read_bytes(), tmp_path)[0]
    first = pdf_pages(new.read_bytes(), tmp_path)[0]
    assert "AMENDED — replaces version 1 of" in first and reason in first


def test_order_a_relative_from_a_positive_proband(server, tmp_path):
    """A physician starts the family of a signed Positive proband, adds a sibling, records the consent and
    orders the sibling's known familial variant test; the family page shows the pedigree."""
    from playwright.sync_api import sync_playwright

    from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
    from tests.web.live import login

    base = server
    doc, tech = login(base, "physician"), login(base, "technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path, "NM_003467.3:c.1000C>T")
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    deadline = time.time() + 120
    while ok(tech.get(f"/api/jobs/{job['id']}"))["status"] in ("queued", "running"):
        assert time.time() < deadline, "the analysis did not finish"
        time.sleep(0.5)
    ok(login(base, "director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    shots = Path(os.environ.get("WHIMSCREEN_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        _login(page, base, STAFF["physician"])
        page.goto(f"{base}/orders/{order['id']}")
        assert "Result: Positive" in page.content()
        page.click("#start-family")
        assert "c.1000C>T" in page.inner_text("#familial-variant")
        family_url = page.url
        page.fill("#display_name", "Sam Sibling")
        page.select_option("#relationship", "sibling")
        page.select_option("#sex", "male")
        page.fill("#birth_date", "1999-04-05")
        page.click("text=Add relative")
        row = page.locator("tr", has_text="Sam Sibling")
        assert "sibling" in row.inner_text()
        row.locator("a", has_text="consent").click()  # the sibling's patient page
        page.fill("#given_by", "Sam Sibling")
        page.select_option("#relationship", "self")
        page.fill("#consented_on", date.today().isoformat())
        page.click("text=Record consent")
        page.goto(family_url)
        sibling = page.locator("tr", has_text="Sam Sibling")
        sibling.locator("button", has_text="Order familial variant").click()
        content = page.content()
        assert "Status: Ordered" in content and "Known familial variant test" in content
        relative_order = page.url
        page.click("a[href^='/families/']")
        assert page.locator("#pedigree svg").count() == 1
        assert "order #" in page.locator("tr", has_text="Sam Sibling").inner_text()
        page.screenshot(path=str(shots / "family-relative-ordered.png"), full_page=True)
        browser.close()
    placed = ok(doc.get(f"/api/orders/{relative_order.rsplit('/', 1)[1]}"))
    assert placed["kind"] == "familial" and placed["status"] == "ordered"
