"""School settings and the logo upload, checked by content with real malicious files."""

import io
import random
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from tests.library_files import make_library
from toolkit.admin.settings import SettingsError, clean_logo
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation
from toolkit.extensions import db
from toolkit.storage import Area, LocalStore, get_store


def png_bytes(size=(40, 20), colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG", **save)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares huge dimensions with almost no data (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _org(app) -> Organisation:
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        db.session.expunge(org)
        return org


def _post(client, logo: bytes | None = None, filename="logo.png", **fields):
    data = {
        "name": "Hillside Academy",
        "country": "GB",
        "paper_size": "letter",
        "safeguarding_lead": "DSL: Ms Khan, room 12",
        **fields,
    }
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), filename)
    return client.post("/admin/school", data=data, content_type="multipart/form-data")


def _load_gb(runner, tmp_path):
    root = make_library(tmp_path / "lib")
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0


def test_settings_are_saved_and_audited(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    response = _post(client)
    assert response.status_code == 302
    org = _org(app)
    assert (org.name, org.country, org.paper_size) == ("Hillside Academy", "GB", "letter")
    assert org.safeguarding_lead == "DSL: Ms Khan, room 12"
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "school.settings")
        ).one()
        assert "paper_size" in event.detail["changed"]
    page = client.get("/admin/school").get_data(as_text=True)
    assert "Saved: school name, default paper size, safeguarding lead line." in page


def test_unknown_country_is_refused(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    response = _post(client, country="ZZ")
    assert response.status_code == 200
    assert _org(app).country == "GB" and _org(app).name != "Hillside Academy"


def test_logo_is_re_encoded_and_stored_outside_static(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    # Accepted by content, whatever its name says.
    assert _post(client, png_bytes(size=(3000, 1000)), filename="school.svg").status_code == 302
    org = _org(app)
    stored = get_store(app).get(Area.LOGOS, org.logo_filename)
    assert stored is not None
    if isinstance(get_store(app), LocalStore):  # never under static/, where it would be served
        path = get_store(app).path(Area.LOGOS, org.logo_filename)
        assert path.is_file() and "static" not in path.parts
    assert org.logo_filename != "school.svg" and org.logo_filename.endswith(".png")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (1200, 400)  # scaled into the print box
    served = client.get("/print/logo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    served.close()
    # Replacing it removes the old file.
    _post(client, png_bytes())
    assert not get_store(app).exists(Area.LOGOS, org.logo_filename)
    assert _org(app).logo_filename != org.logo_filename


def test_png_polyglot_loses_its_payload(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    payload = b"<script>alert(document.cookie)</script>"
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", payload.decode())
    Image.new("RGB", (30, 30), (0, 90, 0)).save(out, format="PNG", pnginfo=info)
    polyglot = out.getvalue() + payload + b"PK\x03\x04 trailing zip"
    assert _post(client, polyglot).status_code == 302
    data = get_store(app).get(Area.LOGOS, _org(app).logo_filename)
    assert b"script" not in data and b"PK\x03\x04" not in data
    assert data.endswith(b"IEND\xaeB`\x82")


def _refused(app, client, logo: bytes, filename: str, message: str) -> None:
    response = _post(client, logo, filename=filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _org(app).logo_filename is None
    assert get_store(app).files(Area.LOGOS) == []


def test_svg_with_script_is_refused(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    _refused(app, client, svg, "logo.png", "SVG is not accepted")
    _refused(app, client, svg, "logo.svg", "SVG is not accepted")


def test_oversized_images_are_refused(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    _refused(app, client, png_bytes(size=(5000, 100)), "wide.png", "5000 x 100 pixels")
    _refused(app, client, png_header_only(100_000, 100_000), "bomb.png", "not a PNG")
    _refused(app, client, png_header_only(3900, 3900), "big.png", "3900 x 3900 pixels")


def test_heavy_file_is_refused_before_decoding(ctx):
    # Checked in the service: the test client leaks a temporary file on uploads this large.
    too_big = png_bytes() + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(SettingsError, match="larger than 2 MB"):
        clean_logo(too_big)


def test_truncated_image_is_refused(app, client, runner, tmp_path, login_as):
    _load_gb(runner, tmp_path)
    login_as("admin")
    _refused(app, client, png_bytes()[:60], "cut.png", "not a PNG")


def noise(size=(200, 100)) -> Image.Image:
    rng = random.Random(7)
    return Image.frombytes(
        "RGB", size, bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * 3))
    )


def png_missing_its_data() -> bytes:
    """A well-formed PNG (every chunk and checksum right) whose image data stops half way."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = noise().tobytes()
    raw = b"".join(b"\x00" + rows[y * 600 : (y + 1) * 600] for y in range(100))
    idat = zlib.compress(raw)[:2000]
    ihdr = struct.pack(">IIBBBBB", 200, 100, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_truncated_images_are_refused_after_weasyprint_is_imported(
    app, client, runner, tmp_path, login_as
):
    import weasyprint  # noqa: F401 (importing it lets Pillow load truncated images)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    jpeg = io.BytesIO()
    noise().save(jpeg, format="JPEG")
    _load_gb(runner, tmp_path)
    login_as("admin")
    for data, name in ((jpeg.getvalue()[:-600], "cut.jpg"), (png_missing_its_data(), "cut.png")):
        _refused(app, client, data, name, "That image is damaged or incomplete")
    # The process keeps WeasyPrint's setting (its own images are still loaded as before).
    assert ImageFile.LOAD_TRUNCATED_IMAGES
    assert _post(client, jpeg.getvalue()).status_code == 302


def test_a_png_without_image_data_is_refused_not_an_error(ctx):
    ihdr = png_header_only(10, 10).split(b"IDAT")[0][:-4]
    with pytest.raises(SettingsError, match="damaged or incomplete"):
        clean_logo(ihdr + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))


def test_a_photo_like_logo_is_shrunk_to_fit_the_print_limit(ctx):
    import io
    import random

    from PIL import Image

    from toolkit.admin.settings import MAX_LOGO_BYTES

    rng = random.Random(1)
    noise = Image.frombytes(
        "RGB", (1200, 600), bytes(rng.getrandbits(8) for _ in range(1200 * 600 * 3))
    )
    upload = io.BytesIO()
    noise.save(upload, format="JPEG", quality=95)
    assert len(upload.getvalue()) < MAX_LOGO_BYTES
    png = clean_logo(upload.getvalue())
    assert png.startswith(b"\x89PNG") and len(png) <= MAX_LOGO_BYTES


def test_the_lead_line_hint_asks_for_a_name_and_how_to_reach_them(client, login_as):
    login_as("admin")
    page = client.get("/admin/school").get_data(as_text=True)
    hint = page.split('id="lead-hint">', 1)[1].split("</p>", 1)[0]
    assert "name of your safeguarding lead and how to reach them" in hint
    assert "e.g. “Ms Khan, room 12, extension 204”" in hint  # no title typed in the example
