"""A logo stored by the school settings reaches the printer; nothing else under uploads does."""

import io
import random

import pytest
from PIL import Image

from toolkit.admin.settings import clean_logo, store_logo
from toolkit.auth.services import default_organisation
from toolkit.exports import services
from toolkit.exports.fetcher import RefusedURL, SafeFetcher
from toolkit.exports.services import school_info
from toolkit.extensions import db
from toolkit.storage import Area, get_store


def test_stored_logo_is_printed_and_other_upload_paths_are_refused(ctx, tmp_path):
    upload = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(upload, format="PNG")
    name = store_logo(clean_logo(upload.getvalue()))
    org = default_organisation()
    org.logo_filename = name

    info = school_info(org)
    assert info.school.logo_url == f"toolkit-upload:/logos/{name}"
    fetcher = SafeFetcher(info.uploads)
    assert fetcher.fetch(info.school.logo_url) is not None

    # Only the job's own logo under its generated name: not another stored file, not a path.
    get_store().put(Area.LOGOS, "evil.png", b"\x89PNG\r\n\x1a\nnot a logo")
    other = store_logo(clean_logo(upload.getvalue()))
    for url in (
        "toolkit-upload:/logos/evil.png",
        f"toolkit-upload:/logos/../logos/{name}",
        f"toolkit-upload:/logos/{other}",
        f"toolkit-upload:/imports/{name}",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_preview_shows_the_logo_to_signed_in_users_only(app, client, teacher):
    upload = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(upload, format="PNG")
    with app.app_context():
        name = store_logo(clean_logo(upload.getvalue()))
        default_organisation().logo_filename = name
        db.session.commit()

    preview = client.get("/lessons/getting-help-11-14/preview", query_string={"document": "letter"})
    html = preview.get_data(as_text=True)
    assert '<img class="logo" src="/print/logo"' in html and "toolkit-upload:" not in html
    logo = client.get("/print/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.get_data().startswith(b"\x89PNG")
    logo.close()

    client.post("/logout", data={})  # CSRF is off in tests
    assert client.get("/print/logo").status_code in (302, 401)


def test_a_stored_logo_cut_short_is_not_printed(ctx):
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the fetcher imports WeasyPrint, which sets it
    rng = random.Random(3)
    noise = Image.frombytes("RGB", (300, 200), bytes(rng.getrandbits(8) for _ in range(180_000)))
    upload = io.BytesIO()
    noise.save(upload, format="PNG")
    name = store_logo(clean_logo(upload.getvalue()))
    org = default_organisation()
    org.logo_filename = name
    fetcher = SafeFetcher(school_info(org).uploads)
    assert fetcher.fetch(f"toolkit-upload:/logos/{name}") is not None
    whole = get_store().get(Area.LOGOS, name)
    get_store().put(Area.LOGOS, name, whole[: len(whole) // 2])  # e.g. a partial restore
    services._LOGOS.clear()  # read by a process started after it
    fetcher = SafeFetcher(school_info(org).uploads)
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"toolkit-upload:/logos/{name}")
