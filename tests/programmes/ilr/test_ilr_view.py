from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.ilr.models import DestinationProgression
from tests.factories import UserFactory, make_ilr

from .ilr_cast import make_ilr_manager


def url(learner, query=""):
    return f"/users/{learner.pk}/ilr/{query}"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    make_ilr(learner)
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_learner_signed_in_is_refused(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_any_administrator_who_sees_the_learner_reads_both_tabs(as_user, colleague, learner):
    make_ilr(learner)
    client = as_user(colleague)
    user_tab = client.get(url(learner)).content.decode()
    assert "Personal details" in user_tab
    assert "1000000043" in user_tab
    assert "ULN" in user_tab
    assert "Unique Learner Number" in user_tab
    admin_tab = client.get(url(learner, "?tab=admin")).content.decode()
    assert "ZPROG001" in admin_tab
    assert "Aims, financial records and funding" in admin_tab
    assert "TNP1: Total training price" in admin_tab
    assert "36: Apprenticeships" in admin_tab


def test_special_category_values_are_masked_without_the_sensitive_data_role(
    as_user, colleague, learner
):
    make_ilr(learner)
    page = as_user(colleague).get(url(learner)).content.decode()
    assert "31: English" not in page
    assert "Hidden: needs the sensitive data role" in page
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_showing_special_category_values_is_recorded_as_access(as_user, supervisor, learner):
    ilr = make_ilr(learner)
    page = as_user(supervisor).get(url(learner)).content.decode()
    assert "31: English, Welsh, Scottish, Northern Irish or British" in page
    access = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert access.learner_id == learner.pk
    assert access.object_pk == str(ilr.pk)
    assert access.actor == supervisor


def test_without_an_ilr_the_page_says_so_and_offers_create_to_managers(
    as_user, colleague, tree, learner
):
    ilr_manager = make_ilr_manager(tree)
    page = as_user(colleague).get(url(learner)).content.decode()
    assert "has no ILR" in page
    assert "Create ILR" not in page
    page = as_user(ilr_manager).get(url(learner)).content.decode()
    assert f"/users/{learner.pk}/ilr/create/" in page


def test_shows_the_episode_status_badge_and_empty_states(as_user, colleague, learner):
    make_ilr(learner, LearningDelivery=[], PriorAttain=[], LearnerEmploymentStatus=[])
    client = as_user(colleague)
    page = client.get(url(learner)).content.decode()
    assert "Draft" in page
    assert "No prior attainment recorded." in page
    admin = client.get(url(learner, "?tab=admin")).content.decode()
    assert "No learning aims yet" in admin
    assert "No destination or progression recorded." in admin


def test_a_year_selector_appears_only_with_several_years(as_user, colleague, learner):
    ilr = make_ilr(learner)
    client = as_user(colleague)
    assert 'name="year"' not in client.get(url(learner)).content.decode()
    ilr.pk = None
    ilr.collection_year = "2425"
    ilr.save()
    page = client.get(url(learner)).content.decode()
    assert 'name="year"' in page
    assert client.get(url(learner, "?year=2425")).status_code == 200
    assert client.get(url(learner, "?year=1999")).status_code == 404


def _grow(learner, size):
    aims = []
    for n in range(1, size + 1):
        aims.append(
            {
                "LearnAimRef": "ZPROG001" if n == 1 else f"6010{n:04d}",
                "AimType": 1 if n == 1 else 3,
                "AimSeqNumber": n,
                "LearnStartDate": "2025-09-01",
                "LearnPlanEndDate": "2026-09-30",
                "FundModel": 36,
                "ProgType": 25,
                "StdCode": 91,
                "DelLocPostCode": "ZZ99 9ZZ",
                "LearningDeliveryFAM": [{"LearnDelFAMType": "ACT", "LearnDelFAMCode": "1"}],
                "AppFinRecord": [
                    {"AFinType": "TNP", "AFinCode": 1, "AFinDate": "2025-09-01", "AFinAmount": 9}
                ],
            }
        )
    ilr = make_ilr(
        learner,
        LearningDelivery=aims,
        LearnerFAM=[{"LearnFAMType": "EHC", "LearnFAMCode": 1}] * size,
    )
    for _ in range(size):
        DestinationProgression.objects.create(
            ilr=ilr,
            out_type="EMP",
            out_code=1,
            out_start_date="2026-01-01",
            out_coll_date="2026-02-01",
        )
    return ilr


def test_each_tab_runs_a_fixed_number_of_queries(
    as_user, supervisor, tree, django_assert_num_queries
):
    small, large = (UserFactory(groups=[tree["cohort"]]) for _ in range(2))
    _grow(small, 1)
    _grow(large, 6)
    client = as_user(supervisor)
    for tab in ("user", "admin"):
        client.get(url(small, f"?tab={tab}"))  # warm the session and permission caches
        with CaptureQueriesContext(connection) as small_queries:
            assert client.get(url(small, f"?tab={tab}")).status_code == 200
        with django_assert_num_queries(len(small_queries)):
            assert client.get(url(large, f"?tab={tab}")).status_code == 200


def test_the_programme_section_summarises_the_ilr(as_user, tree, colleague, learner):
    from programmes.ilr import services

    from .ilr_cast import make_qa

    profile = f"/users/{learner.pk}/"
    page = as_user(colleague).get(profile).content.decode()
    assert "No ILR for this year yet." in page
    assert url(learner) in page
    assert f"{url(learner)}create/" not in page
    page = as_user(make_ilr_manager(tree)).get(profile).content.decode()
    assert f"{url(learner)}create/" in page
    ilr = make_ilr(learner)
    services.ilr_qa_verify(ilr=ilr, based_on_version=1, actor=make_qa(tree))
    page = as_user(colleague).get(profile).content.decode()
    assert "QA verified by Quinn Checker on" in page
    assert "Open the ILR" in page


def test_managers_are_offered_the_learners_ilr_file(as_user, supervisor, colleague, learner):
    make_ilr(learner)
    link = f'href="/users/{learner.pk}/ilr/2526/export.xml"'

    assert link in as_user(supervisor).get(url(learner)).content.decode()
    assert link not in as_user(colleague).get(url(learner)).content.decode()
