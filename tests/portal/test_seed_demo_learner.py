"""seed_demo's activated learner login (issue 11, point 3): printed with the other demo logins,
signs in with the demo password and lands on their own page with a programme and a task."""

from django.core.management import call_command

from portal.management.commands.seed_demo import DEMO_LEARNER, DEMO_PASSWORD


def test_the_demo_learner_signs_in_and_sees_their_own_page(db, client, capsys):
    call_command("seed_demo", learners=5, seed=3)
    assert DEMO_LEARNER in capsys.readouterr().out
    response = client.post("/login/", {"username": DEMO_LEARNER, "password": DEMO_PASSWORD})
    assert response["Location"] == "/me/"
    body = client.get("/me/").content.decode()
    assert '<h1 class="h2">John Smith</h1>' in body
    assert "Your programmes" in body
    assert "You are not on a programme yet." not in body
    assert "Upload your signed apprenticeship agreement" in body
