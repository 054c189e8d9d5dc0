"""Ops' main window: the Temporal UI of the embedded server, read in Debian's Chromium.

The test opens the workflow list filtered by `RecruitmentStage`, opens the role, and reads the
current-details panel. A screenshot lands in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.integration import roles
from tests.integration.conftest import RunningTemporal

pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
    pytest.mark.asyncio(loop_scope="session"),
]

CHROMIUM = Path(os.environ.get("RECRUIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed here (apt-get install chromium)")
    raise AssertionError("unreachable")


async def test_temporal_ui_shows_where_the_role_stands(worker_running: RunningTemporal) -> None:
    from playwright.async_api import async_playwright

    executable = chromium_or_skip()
    client = worker_running.client
    role = await roles.open_role(client, "ui-backend", roles.unique_recruiter())
    await roles.to_calling(role)
    role_id = role.id.removeprefix("role-")
    ARTIFACTS.mkdir(exist_ok=True)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            query = quote(f"RecruitmentStage='calling' AND RoleId='{role_id}'")
            await page.goto(
                f"{worker_running.ui_url}/namespaces/default/workflows?query={query}",
                wait_until="networkidle",
            )
            link = page.get_by_role("link", name=role.id)
            await link.first.wait_for(timeout=30_000)
            await page.screenshot(path=str(ARTIFACTS / "ui-workflow-list.png"), full_page=True)

            # Open the role the way a person would: follow its link from the filtered list.
            href = await link.first.get_attribute("href")
            assert href, "the workflow list links to the role"
            await page.goto(f"{worker_running.ui_url}{href}", wait_until="load")
            # The summary and current details live on the role's "User Metadata" tab.
            await page.get_by_text("User Metadata", exact=True).first.click()
            await page.get_by_text("Current Details").first.wait_for(timeout=30_000)
            # The UI renders the markdown panel in a frame of its own.
            panel = page.frame_locator("iframe[src*='Stage']").locator("body")
            await panel.get_by_text("outstanding").first.wait_for(timeout=30_000)
            details = await panel.inner_text()
            await page.screenshot(path=str(ARTIFACTS / "ui-role-details.png"), full_page=True)
        finally:
            await browser.close()

    assert "Stage: calling" in details
    assert "2 outstanding" in details
    assert "bjorn-ek due" in details and "cecilia-oberg due" in details
    assert "Next timer: call reminder for" in details
    await role.terminate("test over")
