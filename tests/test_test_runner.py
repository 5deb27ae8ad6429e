"""`make test` finds PostgreSQL and Redis, falls back with a warning, and refuses under CI."""

from tests import services


def test_local_services_are_used_when_they_answer(monkeypatch):
    monkeypatch.setattr(services, "_answers", lambda host, port: True)
    environ = {}
    assert services.configure(environ) == []
    assert environ["DATABASE_URL"] == services.DEFAULT_DATABASE_URL
    assert environ["REDIS_URL"] == services.DEFAULT_REDIS_URL


def test_given_urls_win(monkeypatch):
    monkeypatch.setattr(services, "_answers", lambda host, port: False)
    environ = {"DATABASE_URL": "postgres://elsewhere/db", "REDIS_URL": "redis://elsewhere/1"}
    assert services.configure(environ) == []
    assert environ["DATABASE_URL"] == "postgres://elsewhere/db"


def test_fallback_warns_and_ci_refuses_it(monkeypatch, capsys):
    monkeypatch.setattr(services, "_answers", lambda host, port: False)
    monkeypatch.setattr(services.os, "environ", {"CI": "true"})
    ran = []
    monkeypatch.setattr(services.os, "execvp", lambda *args: ran.append(args))
    assert services.main([]) == 2
    err = capsys.readouterr().err
    assert "PostgreSQL does not answer" in err
    assert "CI=true requires PostgreSQL and Redis" in err
    assert not ran

    monkeypatch.setattr(services.os, "environ", {})
    services.main(["-k", "x"])
    assert "falling back to SQLite" in capsys.readouterr().err
    assert ran  # without CI the suite runs on the fallback
