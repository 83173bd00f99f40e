"""Support staff's Django admin pages for programmes and enrolments."""

import pytest

from programmes.models import Programme
from tests.factories import AdminFactory, EnrolmentFactory


@pytest.fixture
def superuser_client(client, db):
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["programme", "enrolment"])
def test_admin_list_search_and_change_pages_load(superuser_client, model):
    enrolment = EnrolmentFactory()
    assert superuser_client.get(f"/admin/programmes/{model}/").status_code == 200
    assert superuser_client.get(f"/admin/programmes/{model}/?q=smith").status_code == 200
    pk = enrolment.pk if model == "enrolment" else enrolment.programme_id
    assert superuser_client.get(f"/admin/programmes/{model}/{pk}/change/").status_code == 200


def test_the_ilr_template_is_edited_as_json_in_the_admin(superuser_client):
    programme = EnrolmentFactory().programme
    template = {"aims": [{"LearnAimRef": "ZPROG001", "AimType": 1}], "fams": [["SOF", "105"]]}
    response = superuser_client.post(
        f"/admin/programmes/programme/{programme.pk}/change/",
        {
            "name": programme.name,
            "code": programme.code,
            "kind": "DELIVERY",
            "is_active": "on",
            "ilr_enabled": "on",
            "ilr_template": '{"aims": [{"LearnAimRef": "ZPROG001", "AimType": 1}], '
            '"fams": [["SOF", "105"]]}',
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.ilr_template == template
    assert programme.ilr_enabled
