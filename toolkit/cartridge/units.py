"""A unit's Common Cartridge, made by the print worker like a PDF pack and kept like one."""

from __future__ import annotations

from toolkit.cartridge.package import build_cartridge, unit_title
from toolkit.cartridge.profiles import ProfileSpec, profile_spec
from toolkit.exports import services
from toolkit.exports.models import ExportJob, JobOutput
from toolkit.exports.options import ExportOptions, OptionError


def unit_output(values) -> tuple[JobOutput, str]:
    """What the pack form asks for (a PDF pack or a cartridge) and the unit's title.

    Raises OptionError for an output that is not offered.
    """
    try:
        output = JobOutput((values.get("output") or JobOutput.PDF.value).strip())
    except ValueError:
        raise OptionError(
            f"Unknown output {values.get('output')!r}: choose one of "
            f"{', '.join(o.value for o in JobOutput)}."
        ) from None
    title = unit_title(values.get("title")) if output != JobOutput.PDF else ""
    return output, title


def job_spec(job: ExportJob) -> ProfileSpec | None:
    """The cartridge profile a job makes (None for a PDF pack)."""
    profile = JobOutput(job.output).profile
    return profile_spec(profile) if profile else None


def make_unit_cartridge(
    job: ExportJob, sources, options: ExportOptions, school, country: dict, progress
) -> tuple[str, str]:
    """Make (or find kept) the unit's cartridge; its key in the store and its page's words."""
    spec = job_spec(job)
    date = services.printed_on()
    scope = f"cartridge-{spec.profile}:{job.title}"
    key = services.content_key(sources, options, school, country, date, scope=scope)
    message = f"{len(sources)} lessons in one Common Cartridge {spec.profile}."
    if services.cached_export(key) is not None:
        progress(len(sources), len(sources))
        return key, message
    made = build_cartridge(
        sources, options, school, country, spec, job.title, date, progress=progress
    )
    services.store_export(key, made.data, made.filename, 0, sources, options)
    return key, message
