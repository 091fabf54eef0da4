"""The service's CLI commands: db upgrade, users add, audit verify, export; lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pairaid.cli import main


def test_db_upgrade_users_add_audit_verify_export(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert "revision 0003" in capsys.readouterr().out
    assert main(["users", "add", "coord", "--role", "coordinator", "--db", url]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert token.startswith("pa_") and len(token) > 40 and "shown once" in out.err
    assert main(["users", "add", "coord", "--role", "auditor", "--db", url]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["users", "add", "x", "--role", "donor", "--db", url]) == 2
    assert "needs --region" in capsys.readouterr().err
    assert main(["audit", "verify", "--db", url]) == 0
    assert "1 entries, hash chain valid" in capsys.readouterr().out
    engine = create_engine(url)
    with engine.begin() as conn:
        token_hash = conn.execute(text("SELECT token_hash FROM users")).scalar()
        assert token_hash and token not in str(token_hash)  # only the hash is stored
    assert main(["export", "--db", url, str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "pairs.csv").read_text() == \
        "donor_code,recipient_code,accepted\n"
    assert main(["export", "--db", url, str(tmp_path / "out")]) == 2
    assert "--force" in capsys.readouterr().err
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    assert main(["export", "--db", url, "--force", str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_audit_verify_detects_tampering(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    main(["db", "upgrade", "--db", url])
    for name in ("a", "b", "c"):
        main(["users", "add", name, "--role", "auditor", "--db", url])
    capsys.readouterr()
    engine = create_engine(url)
    with engine.begin() as conn:  # an intruder with file access drops the guard
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET user_name = 'mallory' WHERE seq = 2"))
    engine.dispose()
    assert main(["audit", "verify", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "entry 2: contents do not match its hash" in err and "BROKEN" in err


def test_commands_refuse_an_unmigrated_database(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["users", "add", "a", "--role", "auditor", "--db", url]) == 2
    assert "pairaid db upgrade" in capsys.readouterr().err
    assert main(["audit", "verify", "--db", "mysql://x"]) == 2
    assert "use sqlite:///FILE or postgresql" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["plan", "--help"]])
def test_cli_start_does_not_import_the_service_stack(argv: list[str]) -> None:
    code = (f"import sys; from pairaid.cli import main; main({argv!r}); "
            "heavy = [m for m in ('fastapi', 'sqlalchemy', 'alembic', 'uvicorn') "
            "if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("args", "words"), [
    (["--db", "postgresql://nouser:secret@127.0.0.1:1/x"],
     ["postgresql+psycopg://nouser:***@127.0.0.1:1/x", "cannot be reached"]),
    (["--db", "/nonexistent/dir/x.db"], ["/nonexistent/dir", "does not exist"]),
    (["--revision", "9999"], ["--revision 9999: no such revision", "0001", "0002", "0003"])])
def test_db_upgrade_failures_are_one_line(tmp_path: Path, capsys, args: list[str],
                                          words: list[str]) -> None:
    if "--db" not in args:
        args = [*args, "--db", f"sqlite:///{tmp_path / 'p.db'}"]
    assert main(["db", "upgrade", *args]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err and "secret" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.db").exists() or "--revision" not in args


@pytest.mark.parametrize("command", [["users", "add", "x", "--role", "auditor"],
                                     ["audit", "verify"], ["export", "OUT"]])
def test_other_commands_say_an_unreachable_database_in_one_line(tmp_path: Path, capsys,
                                                                 command: list[str]) -> None:
    command = [str(tmp_path / "out") if c == "OUT" else c for c in command]
    assert main([*command, "--db", "postgresql://nouser@127.0.0.1:1/x"]) == 2
    err = capsys.readouterr().err
    assert "postgresql+psycopg://nouser@127.0.0.1:1/x cannot be reached" in err
    assert len(err.strip().splitlines()) == 1
    assert main([*command, "--db", str(tmp_path / "no" / "x.db")]) == 2
    assert f"folder {tmp_path / 'no'} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
