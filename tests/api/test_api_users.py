"""The signed-in user's profile."""

from tests.api.support import Api, Launch


def test_profile_can_be_read_and_changed(api: Api) -> None:
    with api.user() as client:
        before = client.get("/api/users/me").json()
        changed = client.patch(
            "/api/users/me",
            json={
                "display_name": "  Mina's mum ",
                "locale": "en",
                "child_name": "Mina",
                "child_age": 6,
                "interests": ["dinosaurs", "space"],
            },
        )
        again = client.get("/api/users/me").json()
        cleared = client.patch("/api/users/me", json={"child_age": None}).json()
    assert before["locale"] == "ko" and before["child_name"] is None
    assert changed.status_code == 200
    assert again == changed.json()
    assert again["display_name"] == "Mina's mum"
    assert (again["locale"], again["child_name"], again["child_age"]) == ("en", "Mina", 6)
    assert again["interests"] == ["dinosaurs", "space"]
    assert cleared["child_age"] is None and cleared["child_name"] == "Mina"


def test_profile_changes_are_validated(api: Api) -> None:
    invalid = [
        {"locale": "fr"},
        {"child_age": 42},
        {"interests": ["x" * 51]},
        {"interests": [str(n) for n in range(21)]},
        {"email": "someone@else.com"},  # not a profile field
        {"is_admin": True},
    ]
    with api.user() as client:
        for body in invalid:
            response = client.patch("/api/users/me", json=body)
            assert response.status_code == 422, body
            assert response.json()["detail"], body
        assert client.get("/api/users/me").json()["locale"] == "ko"


def test_another_api_process_shows_the_changed_profile_at_once(
    api: Api, launch_api: Launch
) -> None:
    """Signed-in users are remembered for a few seconds per process; the profile is not."""
    token = api.register()
    with launch_api() as other, other.client(token) as elsewhere, api.client(token) as here:
        assert elsewhere.get("/api/users/me").json()["locale"] == "ko"  # now remembered there
        assert here.patch("/api/users/me", json={"locale": "en"}).status_code == 200
        assert elsewhere.get("/api/users/me").json()["locale"] == "en"
        changed = elsewhere.patch("/api/users/me", json={"child_name": "Mina"}).json()
    assert (changed["locale"], changed["child_name"]) == ("en", "Mina")
