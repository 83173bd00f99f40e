"""aptem.sections.Section: who sees a profile section, whatever app declares it."""

from aptem.sections import Section
from tests.factories import AdminFactory, UserFactory
from users.models import User


def _section(**options) -> Section:
    return Section(key="k", title="T", template="t.html", summary=lambda r, s: {}, **options)


def test_a_section_shows_on_learners_only_unless_it_says_otherwise(db):
    viewer = AdminFactory(roles=["Standard administrator"])
    section = _section()
    assert section.is_visible(viewer, UserFactory(user_type=User.Type.LEARNER))
    assert not section.is_visible(viewer, UserFactory(user_type=User.Type.EMPLOYER))


def test_a_section_for_some_user_types_shows_on_those_only(db):
    viewer = AdminFactory(roles=["Standard administrator"])
    section = _section(user_types=frozenset({User.Type.EMPLOYER}))
    assert section.is_visible(viewer, UserFactory(user_type=User.Type.EMPLOYER))
    assert not section.is_visible(viewer, UserFactory(user_type=User.Type.LEARNER))


def test_a_section_for_every_user_shows_on_every_type(db):
    viewer = AdminFactory(roles=["Standard administrator"])
    section = _section(for_every_user=True)
    assert all(section.is_visible(viewer, UserFactory(user_type=t)) for t in User.Type)


def test_a_section_needs_every_permission_it_names(db):
    section = _section(permissions=("users.view_user", "users.export_data"))
    learner = UserFactory()
    viewer = AdminFactory(roles=["Standard administrator"])
    exporter = AdminFactory(roles=["Standard administrator", "Data Export"])
    assert not section.is_visible(viewer, learner)
    assert section.is_visible(exporter, learner)
