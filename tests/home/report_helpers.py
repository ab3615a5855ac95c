"""Helpers of the tests of PDFs built in the background (home/reports.py)."""


def fetch_pdf(client, url: str, params: dict | None = None) -> bytes:
    """Start the PDF at `url` (tasks run inline in tests), follow to the download and return its bytes."""
    response = client.get(url, params or {}, follow=True)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)
