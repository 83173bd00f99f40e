"""Support staff's Django admin pages for notes and contacts."""

import pytest

from tests.factories import AdminFactory

from .factories import AdminLinkFactory, CrmLinkFactory, NoteFactory


@pytest.mark.parametrize("model", ["note", "crmcontact", "learnercontact"])
def test_admin_list_and_search_pages_load(client, db, model):
    NoteFactory()
    AdminLinkFactory()
    CrmLinkFactory()
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/crm/{model}/").status_code == 200
    assert client.get(f"/admin/crm/{model}/?q=smith").status_code == 200


def test_notes_cannot_be_deleted_in_the_admin(client, db):
    note = NoteFactory()
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/crm/note/{note.pk}/delete/").status_code == 403
