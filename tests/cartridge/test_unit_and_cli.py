"""A unit's cartridge goes through the pack queue; the CLI makes and checks cartridges."""

from __future__ import annotations

import zipfile

from sqlalchemy import select

from tests.cartridge.zips import SLUG, download, manifest
from toolkit.auth.models import User
from toolkit.cartridge.check import check_cartridge
from toolkit.cartridge.profiles import SPECS, Profile
from toolkit.exports import jobs, pruning
from toolkit.exports.models import ExportArtifact, ExportJob, JobOutput, JobStatus
from toolkit.exports.options import ExportOptions
from toolkit.extensions import db
from toolkit.storage import Area, get_store

UNIT = ["getting-help-11-14", "second-lesson-11-14"]


def _start(client, **form):
    data = {"lesson": UNIT, "paper": "a4", "variant": "standard", "country": "GB", **form}
    return client.post("/packs", data=data)


def test_a_unit_cartridge_is_made_by_the_queue_kept_and_downloaded(app, client, teacher):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True  # Huey runs the task in-process
    page = client.get("/packs").get_data(as_text=True)
    assert 'value="cartridge-1.1"' in page and 'value="Online safety unit"' in page
    response = _start(client, output="cartridge-1.3", title="  Year 8:   staying safe ")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done", status
    assert status["done"] == status["total"] == 2  # lessons
    assert "Download the cartridge (.imscc)" in client.get(job_url).get_data(as_text=True)
    response, data = download(client, status["download"])
    spec = SPECS[Profile.CC_1_3]
    assert response.mimetype == spec.mimetype
    assert (
        "year-8-staying-safe-2-lessons-common-cartridge-1.3-a4"
        in (response.headers["Content-Disposition"])
    )
    assert check_cartridge(data, "1.3") == []
    root = manifest(data)
    lom = f"{{{spec.lom_manifest}}}"
    assert root.findtext(f".//{lom}title/{lom}string") == "Year 8: staying safe"
    top = root.find(f".//{{{spec.cp}}}organization/{{{spec.cp}}}item")
    modules = [item.findtext(f"{{{spec.cp}}}title") for item in top]
    assert modules == ["Getting help", "Test lesson second-lesson-11-14"]
    with app.app_context():
        job = db.session.get(ExportJob, job_url.rsplit("/", 1)[-1])
        assert job.output == JobOutput.CARTRIDGE_1_3 and job.title == "Year 8: staying safe"
        kept = [f.name for f in get_store().files(Area.PACKS)]
        assert kept == [f"{job.artifact_key}.imscc"]
        # Pruning removes the kept cartridge with its row, like a PDF pack.
        pruning.prune(0)
        assert not db.session.scalars(select(ExportArtifact)).all()


def test_the_pack_form_refuses_an_unknown_output(client, teacher):
    assert _start(client, output="scorm").status_code == 400


def test_the_cli_makes_a_cartridge_and_checks_it(library, runner, tmp_path):
    out = tmp_path / "unit.imscc"
    args = ["exports", "cartridge", *UNIT, "--profile", "1.1", "--title", "Term 2", "-o", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "term-2-2-lessons-common-cartridge-1.1" in result.output
    checked = runner.invoke(args=["exports", "check-cartridge", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "imsmanifest.xml" in checked.output and "No problems found." in checked.output
    assert f"{SLUG}/page.html" in checked.output

    broken = tmp_path / "broken.imscc"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if not name.endswith(".pptx"):
                target.writestr(name, source.read(name))
    failed = runner.invoke(args=["exports", "check-cartridge", str(broken), "--profile", "1.1"])
    assert failed.exit_code == 1
    assert "names a file that is not in the package" in failed.output
    refused = runner.invoke(args=["exports", "cartridge", SLUG, "--profile", "2", "-o", str(out)])
    assert refused.exit_code == 2


def test_a_failed_unit_cartridge_starts_again_as_the_same_cartridge(app, teacher, tmp_path):
    app.config["EXPORT_QUEUE_FILE"] = str(tmp_path / "jobs.db")  # a queue nobody consumes
    with app.app_context():
        user = db.session.get(User, teacher.id)
        job = jobs.start_pack(user, UNIT, ExportOptions("pack"), JobOutput.CARTRIDGE_1_1, "Term 2")
        job.status = JobStatus.FAILED
        db.session.commit()
        again = jobs.start_again(user, job)
        assert (again.output, again.title, again.lessons, again.status) == (
            JobOutput.CARTRIDGE_1_1,
            "Term 2",
            UNIT,
            JobStatus.QUEUED,
        )
        assert jobs.job_view(again).text == "Waiting for the print worker to start."
        jobs.get_huey(app).flush()
