"""CLI commands of the service: ``db upgrade``, ``serve``, ``users add``, ``audit verify``,
``export``.

Only click is imported here; FastAPI, SQLAlchemy and Alembic load when a command runs, so
``pairaid plan`` does not pay for them.
"""

from __future__ import annotations

from pathlib import Path

import click

DB_HELP = ("Database URL: sqlite:///FILE or postgresql://USER@HOST:PORT/DB "
           "[default: $PAIRAID_DB_URL or sqlite:///./pairaid.db].")
DATA_HELP = ("Data set whose regions the service knows: a built-in name (hubei-2020, "
             "italy-2020) or a data folder (docs/data-format.md; regions.csv is enough) "
             "[default: $PAIRAID_DATA or hubei-2020].")
_SETTING_NAMES = {"db_url": "--db", "dataset": "setting 'dataset' (--data, $PAIRAID_DATA)"}


def _settings(db: str | None, data: str | None = None):  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from pairaid.errors import ConfigError
    from pairaid.service.settings import Settings

    try:
        return Settings.from_env(db_url=db, dataset=data)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        name = _SETTING_NAMES.get(field, f"setting '{field}'" if field else "settings")
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {msg}") from None


def _check_dataset(settings, regions) -> None:  # type: ignore[no-untyped-def]
    """Refuse a database holding regions the data set does not have; record the data set
    (see :mod:`pairaid.service.datasets.service`); print the notes."""
    from pairaid.service.datasets.service import check_dataset, record_dataset
    from pairaid.service.db import Database
    from pairaid.service.migrate import shown_url

    database = Database(settings)
    try:
        with database.write() as session:
            notes = check_dataset(session, regions=regions, where=shown_url(settings.db_url))
            record_dataset(session, regions=regions)
            session.commit()
    finally:
        database.dispose()
    for note in notes:
        click.echo(f"note: {note}", err=True)


def _migrated(settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    from pairaid.errors import ConfigError
    from pairaid.service.migrate import check_folder, current_revision, head_revision, unreachable

    check_folder(settings.db_url)
    try:
        rev = current_revision(settings.db_url)
    except SQLAlchemyError as err:
        raise unreachable(settings.db_url, err) from None
    if rev != head_revision():
        raise ConfigError(f"database {settings.db_url} is at revision {rev or 'none'}, not "
                          f"{head_revision()}; run `pairaid db upgrade --db URL` first")


@click.group("db")
def db_group() -> None:
    """Manage the service's database."""


@db_group.command("upgrade")
@click.option("--db", help=DB_HELP)
@click.option("--revision", default="head", show_default=True,
              help="Migrate to this revision.")
def db_upgrade(db: str | None, revision: str) -> None:
    """Create or migrate the database to the newest schema."""
    from pairaid.service.migrate import current_revision, safe_upgrade

    settings = _settings(db)
    safe_upgrade(settings.db_url, revision)
    click.echo(f"database {settings.db_url} is at revision "
               f"{current_revision(settings.db_url)}")


@click.command("serve")
@click.option("--db", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port.")
@click.option("--upgrade/--no-upgrade", default=True, show_default=True,
              help="Apply migrations first.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (about one per CPU core).")
@click.option("--data", metavar="NAME|DIR", help=DATA_HELP)
def serve(db: str | None, host: str, port: int, upgrade: bool, workers: int,
          data: str | None) -> None:
    """Run the coordination service (OpenAPI at /docs)."""
    import os

    import uvicorn

    from pairaid.service.app import create_app
    from pairaid.service.migrate import upgrade as migrate
    from pairaid.service.regions import load_regions

    settings = _settings(db, data)
    regions = load_regions(settings.dataset)  # a bad data set stops before the database
    if upgrade:
        migrate(settings.db_url)
    _migrated(settings)
    _check_dataset(settings, regions)
    click.echo(f"pairaid service on http://{host}:{port}/ (web pages /, API /api/v1, "
               f"docs /docs), database {settings.db_url}, data set {regions.label} "
               f"({len(regions.codes('donor'))} donor and "
               f"{len(regions.codes('recipient'))} recipient regions)")
    if workers == 1:
        uvicorn.run(create_app(settings, regions=regions), host=host, port=port,
                    log_level="warning", timeout_keep_alive=30)
    else:  # each worker process builds its app from the environment
        os.environ["PAIRAID_DB_URL"] = settings.db_url
        os.environ["PAIRAID_DATA"] = settings.dataset
        uvicorn.run("pairaid.service.app:create_app", factory=True, workers=workers,
                    host=host, port=port, log_level="warning", timeout_keep_alive=30)


@click.group("users")
def users_group() -> None:
    """Manage the service's users."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", required=True,
              type=click.Choice(["coordinator", "donor", "recipient", "auditor"]))
@click.option("--region", "region_code", help="Region the user acts for (donor, recipient): "
              "a region_code of the data set, GB/T 2260 (420900) or ISO 3166-2 (CN-GD, "
              "IT-25).")
@click.option("--db", help=DB_HELP)
@click.option("--data", metavar="NAME|DIR", help=DATA_HELP)
def users_add(name: str, role: str, region_code: str | None, db: str | None,
              data: str | None) -> None:
    """Add a user and print its API token (shown once; only its hash is stored)."""
    from pairaid.service.audit.service import Who, append
    from pairaid.service.db import Database
    from pairaid.service.regions import load_regions
    from pairaid.service.users.service import add_user
    from pairaid.service.versions import as_dict

    settings = _settings(db, data)
    regions = load_regions(settings.dataset)
    _migrated(settings)
    _check_dataset(settings, regions)
    database = Database(settings)
    try:
        with database.write() as session:
            user, token = add_user(session, name=name, role=role, region_code=region_code,
                                   regions=regions)
            after = {k: v for k, v in as_dict(user).items() if k != "token_hash"}
            append(session, who=Who(None, "pairaid users add", None),
                   entries=[{"action": "user.add", "entity": "users", "entity_id": str(user.id),
                             "before": None, "after": _json(after)}])
            session.commit()
    finally:
        database.dispose()
    click.echo(f"added {role} {name}" + (f" for {region_code}" if region_code else "")
               + "; API token (shown once, keep it secret):", err=True)
    click.echo(token)


def _json(value: object) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@click.group("audit")
def audit_group() -> None:
    """Check the audit log."""


@audit_group.command("verify")
@click.option("--db", help=DB_HELP)
def audit_verify(db: str | None) -> None:
    """Recompute the audit log's hash chain; exit 1 if it was tampered with."""
    from pairaid.service.audit.service import verify
    from pairaid.service.db import Database

    settings = _settings(db)
    _migrated(settings)
    database = Database(settings)
    try:
        with database.read() as session:
            result = verify(session)
    finally:
        database.dispose()
    if result.ok:
        click.echo(f"audit log intact: {result.entries} entries, hash chain valid")
        return
    for problem in result.problems[:50]:
        click.echo(problem, err=True)
    click.echo(f"audit log BROKEN: {len(result.problems)} problems in {result.entries} "
               "entries", err=True)
    raise click.exceptions.Exit(1)


@click.command("export")
@click.option("--db", help=DB_HELP)
@click.option("--force", is_flag=True, help="Replace an earlier export in DIR.")
@click.option("--data", metavar="NAME|DIR", help=DATA_HELP)
@click.argument("out", metavar="DIR", type=click.Path(path_type=Path))
def export(db: str | None, force: bool, data: str | None, out: Path) -> None:
    """Write the live state to DIR: board.csv, capacities.csv, pledges.csv and pairs.csv
    (the accepted pairs, for `pairaid plan --previous DIR/pairs.csv`)."""
    from pairaid.service.datasets.service import check_dataset
    from pairaid.service.db import Database
    from pairaid.service.export import export_state
    from pairaid.service.migrate import shown_url
    from pairaid.service.regions import load_regions

    settings = _settings(db, data)
    regions = load_regions(settings.dataset)
    _migrated(settings)
    database = Database(settings)
    try:
        with database.read() as session:  # names from a data set that has every code
            check_dataset(session, regions=regions, where=shown_url(settings.db_url))
            written = export_state(session, out, regions=regions, force=force)
    finally:
        database.dispose()
    for path in written:
        click.echo(str(path))


COMMANDS = (db_group, serve, users_group, audit_group, export)
"""Commands registered on the ``pairaid`` group."""
