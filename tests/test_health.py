import pytest


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access here would raise, so a 200 proves the database was not touched.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
