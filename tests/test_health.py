import pytest

from tracks import views


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access here would raise, so a 200 proves the database was not touched.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.fixture
def fresh_process(monkeypatch):
    """A process that has not yet seen the migrations applied."""
    monkeypatch.setattr(views, "_migrations_applied", False)


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_migrations(client, fresh_process):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_is_not_ready_while_a_migration_is_pending(client, fresh_process, monkeypatch):
    monkeypatch.setattr(views, "migrations_pending", lambda: ["tracks.0099_future"])

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "pending",
        "pending": 1,
    }


@pytest.mark.django_db
def test_readyz_reads_the_migrations_once_per_process_and_pings_every_time(
    client, fresh_process, monkeypatch, django_assert_num_queries
):
    calls = []
    monkeypatch.setattr(views, "migrations_pending", lambda: calls.append(1) or [])

    for _probe in range(3):
        with django_assert_num_queries(1):  # the ping, every probe
            assert client.get("/readyz").status_code == 200

    assert calls == [1]


@pytest.mark.django_db
def test_readyz_on_a_database_missing_migrations_is_not_ready(client, fresh_process):
    """The real check: a database that has not applied the code's migrations (here: forgot those of tracks)."""
    from django.db.migrations.recorder import MigrationRecorder

    assert views.migrations_pending() == []
    forgotten = MigrationRecorder.Migration.objects.filter(app="tracks")
    count = forgotten.count()
    forgotten.delete()  # inside the test's transaction: rolled back afterwards

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "pending",
        "pending": count,
    }
    # Not cached as ready: the next probe checks again.
    assert views._migrations_applied is False
