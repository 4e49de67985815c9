"""The journeys in a real browser (Debian's Chromium, headless) against the demo site started by
`bunpai web demo` in a subprocess, and schemathesis against its OpenAPI document.

The live site runs on its own SQLite data folder (the documented embedded default); the other web
tests cover PostgreSQL. Screenshots are saved under test-artifacts/ in the checkout.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("BUNPAI_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "bunpai-demo-2026"
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("site") / "data"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUNPAI_")}
    env["PYTHONUNBUFFERED"] = "1"
    log = (folder.parent / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bunpai",
            "web",
            "demo",
            "--works",
            "300",
            "--data-dir",
            str(folder),
            "--addr",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail("the demo site stopped:\n" + (folder.parent / "server.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the demo site did not start within 120 s")
                time.sleep(0.3)
        yield {"base": f"http://127.0.0.1:{port}", "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (bash dev.sh test does it with apt-get), "
            "or set BUNPAI_CHROMIUM to a Chromium binary"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _login(browser: Any, site: dict[str, Any], user: str, language: str = "ja") -> Any:
    context = browser.new_context(accept_downloads=True, locale="ja-JP" if language == "ja" else "en-US")
    page = context.new_page()
    page.goto(site["base"] + "/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("form.box button[type=submit]")
    page.wait_for_url(site["base"] + "/")
    return page


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_runner_runs_and_another_person_approves(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "runner")
    page.goto(site["base"] + "/staff/runs/new/")
    page.fill("#id_folder", str(site["folder"] / "periods" / "input"))
    page.select_option("#id_corrects", index=1)  # the approved demo run: this is its correction
    _shot(page, "01-runner-new-run")
    page.click("form.box button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/runs/\d+/$"))
    assert page.locator("#run-status").inner_text() == "計算済み・承認待ち"
    assert page.locator("#approve").count() == 0
    assert page.locator("svg.chart").count() == 1
    assert page.locator("td.ok").count() == 5 and page.locator("td.bad").count() == 0
    run_url = page.url
    _shot(page, "02-runner-run-computed")
    page.context.close()

    page = _login(browser, site, "approver", "en")
    page.goto(site["base"] + "/i18n/setlang/")  # a GET does nothing: the language is chosen by a form
    page.goto(run_url)
    page.click("button[value=en]")
    page.wait_for_load_state()
    page.click("#approve")
    page.wait_for_url(run_url)
    assert page.locator("#run-status").inner_text() == "approved"
    assert "Run approved." in page.content()
    _shot(page, "03-approver-approved")
    page.context.close()


def test_a_member_downloads_a_statement(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "member")
    page.goto(site["base"] + "/member/statements/")
    assert page.locator("svg.chart").count() == 1
    _shot(page, "04-member-statements")
    with page.expect_download() as info:
        page.locator("a.csv").first.click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("period,party_id,payee_id,work_id,title,gross_yen")
    with page.expect_download() as info:
        page.locator("a.pdf").first.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    page.click("nav a[href='/member/broadcast/']")
    assert page.locator("svg.chart").count() == 1
    assert page.locator("#broadcast-statements tbody tr td:first-child").all_inner_texts() == ["2026Q1"]
    _shot(page, "04b-member-broadcast-statements")
    with page.expect_download() as info:
        page.locator("#broadcast-statements a.pdf").first.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    page.context.close()


def test_a_claimant_files_a_claim_and_staff_accept_it(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "claimant")
    page.goto(site["base"] + "/claimant/claims/new/")
    page.fill("#id_work_code", "W0000001")
    page.select_option("#id_fund", "broadcast")
    page.fill("#id_use_date", "2025-10-01")
    page.fill("#id_statement", "番組確定表に題名と作曲者名があります。")
    page.set_input_files("#id_use", files=[{"name": "番組確定表.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.set_input_files("#id_author", files=[{"name": "score.png", "mimeType": "image/png", "buffer": PNG}])
    page.set_input_files("#id_identity", files=[{"name": "passport.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    _shot(page, "05-claimant-form")
    page.click("#file-claim")
    page.wait_for_url(re.compile(r".*/claimant/claims/\d+/$"))
    claim_url = page.url
    assert page.locator("#claim-status").inner_text() == "受付済み・確認中"
    assert page.locator("a[href^='/evidence/']").count() == 3
    _shot(page, "06-claimant-filed")
    page.context.close()

    page = _login(browser, site, "runner")
    page.goto(claim_url.replace("/claimant/claims/", "/staff/claims/"))
    page.check("input[name=decision][value=accept]")
    page.click("#decide")
    page.wait_for_load_state()
    assert page.locator("#claim-status").inner_text() == "受理・次期分配待ち"
    _shot(page, "07-staff-accepted-claim")
    page.context.close()

    page = _login(browser, site, "claimant")
    page.goto(claim_url)
    assert page.locator("#claim-status").inner_text() == "受理・次期分配待ち"
    page.context.close()


REPORT = (
    "放送日時,番組名,曲名,著作者名,作品コード,使用時間,使用方法\n"
    "2026-06-01 07:00,朝の音楽,知らない歌 / A song nobody knows,山田 花子,,180,featured\n"
    "2026-06-01 07:05,朝の音楽,夜明けの歌,,,3分,featured\n"
    "2026-06-02 21:00,夜の歌謡曲,海の歌,,,200,theme\n"
).encode()


def test_a_licensee_uploads_a_report_with_a_bad_line_and_sees_it(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "licensee")
    page.click("a[href='/licensee/reports/upload/']")
    page.select_option("#id_station", label="JOQR-FM デモFM / Demo FM")
    page.fill("#id_month", "2026-06")
    page.set_input_files("#id_file", files=[{"name": "joqr-2026-06.csv", "mimeType": "text/csv", "buffer": REPORT}])
    _shot(page, "08-licensee-upload")
    page.click("#upload")
    page.wait_for_url(re.compile(r".*/licensee/reports/\d+/$"))
    assert page.locator("#lines-good").inner_text() == "2"
    assert page.locator("#lines-bad").inner_text() == "1"
    cells = page.locator("#problems tbody tr").first.locator("td").all_inner_texts()
    assert cells[:2] == ["3", "duration"] and "3分" in cells[2]
    kept = page.locator("#lines tbody tr td:nth-child(3)").all_inner_texts()
    assert kept == ["知らない歌 / A song nobody knows", "海の歌"]
    _shot(page, "09-licensee-report-validated")
    page.click("nav a[href='/licensee/reports/']")
    names = page.locator("#reports tbody td:nth-child(3)").all_inner_texts()
    assert "joqr-2026-06.csv" in names and "joqr-fm-2026-05.csv" in names
    assert not any(n.startswith("other-fm") for n in names)  # another licensee's station
    _shot(page, "10-licensee-reports")
    page.context.close()


def test_staff_resolve_a_queue_item(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "editor", "en")
    page.click("nav a[href='/staff/queue/']")
    titles = page.locator("section.queue-item h2").all_inner_texts()
    assert "知らない歌 / A song nobody knows" in titles and len(titles) >= 3
    _shot(page, "11-staff-queue")
    # keyboard: the first decision button has the focus; Enter records it
    first = titles[0]
    assert page.evaluate("document.activeElement.value") == "public_domain"  # no candidate for this one
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("p.message").count() == 1 and first in page.locator("p.message").inner_text()
    after = page.locator("section.queue-item h2").all_inner_texts()
    assert first not in after and len(after) == len(titles) - 1
    # one click: the best candidate of the next item with one
    item = page.locator("section.queue-item", has=page.locator("button.pick")).first
    title = item.locator("h2").inner_text()
    with page.expect_navigation():
        item.locator("button.pick").first.click()
    assert title not in page.locator("section.queue-item h2").all_inner_texts()
    assert "applied to" in page.locator("p.message").inner_text()
    _shot(page, "12-staff-queue-resolved")
    page.context.close()


def test_a_licensee_downloads_an_invoice(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "licensee")
    page.click("nav a[href='/licensee/invoices/']")
    numbers = page.locator("#invoices tbody td:first-child").all_inner_texts()
    assert numbers == [f"INV-JOQR-DEMO-2026-{n}" for n in (1, 2, 3, 4)]  # never another licensee's
    balances = page.locator("#invoices tbody td:nth-child(8)").all_inner_texts()
    assert balances[0] == "¥0" and balances[1] != "¥0"  # the first paid, the second paid in part
    _shot(page, "13-licensee-invoices")
    with page.expect_download() as info:
        page.locator("#invoices a.pdf").first.click()
    assert info.value.suggested_filename == "INV-JOQR-DEMO-2026-1.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.locator("#invoices a.csv").nth(1).click()
    rows = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("INV-JOQR-DEMO-2026-2,JOQR-DEMO,2026,2,")
    amount, paid, balance = (int(x) for x in rows[-1].split(","))
    assert paid == amount // 2 and balance == amount - paid
    page.context.close()


def test_staff_approve_a_broadcast_run(browser: Any, site: dict[str, Any]) -> None:
    page = _login(browser, site, "runner")
    page.click("nav a[href='/staff/broadcast/runs/']")
    page.click("#broadcast-runs a[href='/staff/broadcast/runs/2/']")
    page.wait_for_url(re.compile(r".*/staff/broadcast/runs/2/$"))
    run_url = page.url
    assert page.locator("#run-status").inner_text() == "下書き・承認待ち"
    assert page.locator("#approve").count() == 0 and page.locator("#four-eyes").count() == 1
    _shot(page, "14-runner-broadcast-draft")
    page.context.close()

    page = _login(browser, site, "approver", "en")
    page.goto(run_url)
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.locator("svg.chart").count() == 2
    assert page.locator("#identities td.bad").count() == 0 and page.locator("#identities td.ok").count() >= 8
    assert page.locator("#balanced").count() == 1
    _shot(page, "15-approver-broadcast-review")
    with page.expect_download() as info:
        page.locator("#payees a.pdf").first.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.locator("#run-files a[href$='zengin/transfers.txt']").click()
    assert Path(info.value.path()).read_bytes()[:1] == b"1"  # the Zengin header record
    page.click("#approve")
    page.wait_for_url(run_url)
    assert page.locator("#run-status").inner_text() == "approved"
    assert "approver" in page.locator("#approved-by").inner_text()
    _shot(page, "16-approver-broadcast-approved")
    page.click("#mark-paid")
    page.wait_for_url(run_url)
    assert page.locator("#run-status").inner_text() == "paid"
    page.context.close()


@pytest.fixture(scope="module")
def licensee_token(browser: Any, site: dict[str, Any]) -> str:
    page = _login(browser, site, "licensee")
    page.goto(site["base"] + "/tokens/")
    page.fill("#id_name", "schemathesis")
    page.click("form.box button[type=submit]")
    token = page.locator("#new-token").inner_text()
    page.context.close()
    assert token.startswith("bp_")
    return token


@pytest.fixture(scope="module")
def member_token(browser: Any, site: dict[str, Any]) -> str:
    page = _login(browser, site, "member")
    page.goto(site["base"] + "/tokens/")
    page.fill("#id_name", "schemathesis")
    page.click("form.box button[type=submit]")
    token = page.locator("#new-token").inner_text()
    page.context.close()
    assert token.startswith("bp_")
    return token


def test_the_api_never_answers_with_a_server_error(
    site: dict[str, Any], member_token: str, licensee_token: str
) -> None:
    """Every operation of the served OpenAPI document, with generated parameters: no 5xx (with a
    member's token; the licensee's operations, reports and invoices, also with a licensee's)."""
    import schemathesis

    schema = schemathesis.openapi.from_url(site["base"] + "/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    assert {"/api/invoices", "/api/invoices/{invoice_id}", "/api/invoices/{invoice_id}/{fmt}"} <= {
        o.path for o in operations
    }
    runs = [(o, member_token) for o in operations]
    runs += [(o, licensee_token) for o in operations if o.path.startswith(("/api/invoices", "/api/reports"))]
    for operation, token in runs:
        _check_operation(operation, {"Authorization": f"Bearer {token}"})


def _check_operation(operation: Any, headers: dict[str, str]) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    check()
