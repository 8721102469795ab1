"""Printing the summary page from Chromium: A4 landscape pages, none of them blank. The last used
to be an empty portrait page, the main wrapper's padding after the summary's named page."""

import re
import subprocess

import pytest
from journeys import sign_in
from playwright.sync_api import expect
from test_one_truth import pdf_text


@pytest.mark.parametrize("path", ["/summary", "/summary?changes=1"])
def test_the_printed_summary_has_no_blank_page(demo, app, page, users, path):
    sign_in(page, users["member"])
    expect(page.get_by_role("link", name="Reports")).to_be_visible()
    page.goto(path)
    document = page.pdf(prefer_css_page_size=True)

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", "-"], input=document,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    sizes = re.findall(r"Page +\d+ size: +([\d.]+ x [\d.]+)", info)
    assert len(sizes) >= 2 and set(sizes) == {"841.92 x 594.96"}, sizes  # A4 landscape
    texts = pdf_text(document).split("\f")[: len(sizes)]
    assert all(text.strip() for text in texts), [len(text.strip()) for text in texts]
