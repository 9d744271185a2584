import pytest


@pytest.fixture
def sign_in(client):
    def as_user(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return as_user
