"""Administration pages. Every route is for admins, scoped to the admin's own school."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from toolkit.admin import coverage as coverage_service
from toolkit.admin import importer, settings
from toolkit.admin import services as accounts
from toolkit.admin.forms import CreateAccountForm, ImportForm, RoleForm, SchoolForm, options
from toolkit.audit.services import (
    AuditFilter,
    events_csv,
    find_events,
    known_actions,
    record,
)
from toolkit.auth.access import admin_only
from toolkit.auth.models import ROLES
from toolkit.auth.services import AccountError
from toolkit.exports.jobs import request_warm
from toolkit.extensions import db
from toolkit.inputs import whole_number
from toolkit.storage import Area, get_store
from toolkit.timeutil import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_only
def index():
    review = "review.queue" in current_app.view_functions
    return render_template(
        "admin/index.html",
        review_url=url_for("review.queue") if review else None,
        school=current_user.organisation.name,
    )


@bp.route("/printing")
@admin_only
def printing():
    """How the print service is doing: kept PDFs, hit rate, warming, queue, render pool."""
    from toolkit.exports.status import export_status

    return render_template("admin/printing.html", status=export_status())


# Accounts


@bp.route("/users")
@admin_only
def users():
    q = (request.args.get("q") or "").strip()[:200]
    role = request.args.get("role", "")
    rows = accounts.list_accounts(current_user.organisation_id, q, role)
    return render_template("admin/users.html", users=rows, q=q, role=role, roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = CreateAccountForm()
    if form.validate_on_submit():
        try:
            user, link = accounts.create_account(
                current_user, form.email.data, form.name.data, form.role.data
            )
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            return _show_link(user, link, created=True)
    return render_template("admin/user_new.html", form=form)


def _show_link(user, link: str, created: bool):
    # Shown once, on this response only: the link is not stored anywhere.
    return render_template(
        "admin/user_link.html", user=accounts.account_row(user), link=link, created=created
    )


@bp.route("/users/<int:user_id>")
@admin_only
def user(user_id: int):
    account = accounts.account_in_school_or_404(current_user, user_id)
    form = RoleForm(role=account.role)
    return render_template(
        "admin/user.html",
        user=accounts.account_row(account),
        form=form,
        is_me=account.id == current_user.id,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_only
def user_role(user_id: int):
    account = accounts.account_in_school_or_404(current_user, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        flash(accounts.set_role(current_user, account, form.role.data), "success")
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/status", methods=["POST"])
@admin_only
def user_action(user_id: int):
    account = accounts.account_in_school_or_404(current_user, user_id)
    action = request.form.get("action", "")
    if action not in accounts.ACTIONS:
        abort(400)
    try:
        flash(accounts.account_action(current_user, account, action), "success")
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@admin_only
def user_link(user_id: int):
    account = accounts.account_in_school_or_404(current_user, user_id)
    try:
        link = accounts.new_link(current_user, account)
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    return _show_link(account, link, created=False)


# School settings


@bp.route("/school", methods=["GET", "POST"])
@admin_only
def school():
    org = current_user.organisation
    form = SchoolForm(obj=org)
    form.country.choices = options(settings.country_choices() or [(org.country, org.country)])
    if form.validate_on_submit():
        upload = form.logo.data
        data = upload.read(settings.MAX_LOGO_BYTES + 1) if upload else None
        try:
            changed = settings.update_school(
                org,
                name=form.name.data,
                country=form.country.data,
                paper_size=form.paper_size.data,
                safeguarding_lead=form.safeguarding_lead.data or "",
                safeguarding_role=form.safeguarding_role.data or "",
                logo=data or None,
                remove_logo=form.remove_logo.data,
            )
        except settings.SettingsError as exc:
            db.session.rollback()
            form.logo.errors = [str(exc)]
        else:
            labels = {field.name: field.label.text.lower() for field in form}
            saved = ", ".join(labels.get(name, name) for name in changed)
            if changed:  # the school's documents print differently now: have them ready again
                request_warm(org.id)
            flash(f"Saved: {saved}." if changed else "Nothing changed.", "success")
            return redirect(url_for("admin.school"))
    return render_template("admin/school.html", form=form, school=settings.school_settings(org))


# Audit trail


def _audit_filter() -> AuditFilter:
    return AuditFilter.from_args(request.args, current_user.organisation_id)


@bp.route("/audit")
@admin_only
def audit():
    filters = _audit_filter()
    page = whole_number(request.args.get("page", "1"), 1) or 1
    return render_template(
        "admin/audit.html",
        filters=filters,
        result=find_events(filters, page),
        actions=known_actions(current_user.organisation_id),
        retention_days=current_app.config["AUDIT_RETENTION_DAYS"],
    )


@bp.route("/audit.csv")
@admin_only
def audit_csv():
    filters = _audit_filter()
    record("audit.export", target="audit.csv", detail=filters.args())
    db.session.commit()
    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(events_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# Library import


@bp.route("/import", methods=["GET", "POST"])
@admin_only
def library_import():
    form = ImportForm()
    if form.validate_on_submit() and form.archive.data:
        upload = form.archive.data
        data = upload.read(importer.MAX_ARCHIVE_BYTES + 1)
        if len(data) > importer.MAX_ARCHIVE_BYTES:
            form.archive.errors = ["The archive is larger than 10 MB."]
            return render_template("admin/import.html", form=form), 413
        token = importer.keep_for_preview(get_store(), current_user.id, data)
        result = importer.import_data(data, apply=False, actor=current_user)
        if not result.ok:
            get_store().delete(Area.IMPORTS, [importer.preview_name(current_user.id, token)])
        else:
            session["import"] = {"token": token, "name": (upload.filename or "archive.zip")[:200]}
        return render_template(
            "admin/import_preview.html", result=result, name=upload.filename, token=token
        )
    if request.method == "POST" and not form.archive.data:
        form.archive.errors = ["Choose a .zip file to import."]
    return render_template("admin/import.html", form=form)


@bp.route("/import/confirm", methods=["POST"])
@admin_only
def library_import_confirm():
    pending = session.pop("import", None)
    token = request.form.get("token", "")
    if not pending or not secrets.compare_digest(pending["token"], token):
        flash("That import has expired or was already done. Upload the archive again.", "error")
        return redirect(url_for("admin.library_import"))
    data = importer.preview_archive(get_store(), current_user.id, pending["token"])
    if data is None:
        flash("That import has expired. Upload the archive again.", "error")
        return redirect(url_for("admin.library_import"))
    try:
        result = importer.import_data(data, apply=True, actor=current_user, label=pending["name"])
    finally:
        get_store().delete(Area.IMPORTS, [importer.preview_name(current_user.id, pending["token"])])
    return render_template("admin/import_done.html", result=result, name=pending["name"])


# Coverage


@bp.route("/coverage")
@admin_only
def coverage():
    return render_template("admin/coverage.html", data=coverage_service.coverage())


@bp.route("/coverage.csv")
@admin_only
def coverage_csv():
    body = coverage_service.coverage_csv(coverage_service.coverage())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="library-coverage.csv"'},
    )


# Backups


@bp.route("/backups")
@admin_only
def backups():
    return render_template(
        "admin/backups.html",
        file_store=get_store().describe(),
        database=db.engine.dialect.name,
    )
